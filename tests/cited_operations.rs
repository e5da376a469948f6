//! An `unknown` only ever names a call gwaudit really makes (design: "Unknown results have a
//! cause"): every operation cited in an unknown message, over every rule fixture and the demo,
//! is in the collector's operation list and covered by `gwaudit permissions`. A message citing
//! a call the collector never sends would send users to grant a permission that changes nothing.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use gwaudit::model::parse_snapshot;
use gwaudit::operations::OPERATIONS;
use gwaudit::rules::{evaluate, RuleParams, Selection, Status};

/// The AWS operation names in a message: words starting with a read verb and a capital
/// (`GetRestApis`, `wafv2:GetWebACL`, `ListAttachedRolePolicies`).
fn operations_in(message: &str) -> Vec<String> {
    message
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| {
            ["Get", "List", "Describe", "Lookup", "Search", "Batch"]
                .iter()
                .any(|verb| {
                    w.strip_prefix(verb)
                        .and_then(|rest| rest.chars().next())
                        .is_some_and(|c| c.is_ascii_uppercase())
                })
        })
        .map(str::to_string)
        .collect()
}

/// Every snapshot a fixture holds, with its rule parameters.
fn fixture_snapshots(fixture: &serde_json::Value) -> Vec<(serde_json::Value, RuleParams)> {
    let params = |v: &serde_json::Value| -> RuleParams {
        v.get("params")
            .map(|p| serde_json::from_value(p.clone()).expect("fixture params"))
            .unwrap_or_default()
    };
    let mut out = vec![(fixture["snapshot"].clone(), params(fixture))];
    for variant in fixture["variants"].as_array().into_iter().flatten() {
        out.push((variant["snapshot"].clone(), params(variant)));
    }
    out
}

/// Operation name to the places citing it (`fixture: rule: message`).
fn cited_operations() -> BTreeMap<String, Vec<String>> {
    let mut inputs = Vec::new();
    let dir = common::root().join("fixtures/rules");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    for path in paths {
        let fixture: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        for (snapshot, params) in fixture_snapshots(&fixture) {
            inputs.push((name.clone(), snapshot.to_string(), params));
        }
    }
    inputs.push((
        "demo".into(),
        std::fs::read_to_string(common::demo_path()).unwrap(),
        RuleParams::default(),
    ));
    let mut cited: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (name, text, params) in inputs {
        let snapshot = parse_snapshot(&text, &name).unwrap();
        // Every rule, not only the fixture's own: a fixture's errors are cited by others too.
        for f in evaluate(&snapshot, &Selection::default(), &params) {
            if f.status != Status::Unknown {
                continue;
            }
            for op in operations_in(&f.message) {
                let place = format!("{name}: {}: {}", f.rule.id, f.message);
                cited.entry(op).or_default().push(place);
            }
        }
    }
    cited
}

#[test]
fn every_cited_operation_is_one_the_collector_makes() {
    let cited = cited_operations();
    // The fixtures cite failed calls of many kinds: an empty set would mean the extraction
    // broke, not that all is well.
    assert!(
        cited.contains_key("GetRestApis") && cited.contains_key("GetWebACL"),
        "{:?}",
        cited.keys()
    );
    let permissions = common::gwaudit(&["permissions"]);
    assert_eq!(permissions.status.code(), Some(0));
    let policy = String::from_utf8_lossy(&permissions.stdout);
    let mut wrong = Vec::new();
    for (name, places) in &cited {
        match OPERATIONS.iter().find(|o| o.name == name) {
            None => wrong.push(format!(
                "{name} is not in operations::OPERATIONS (the collector never sends it), cited \
                 by {}",
                places[0]
            )),
            // GetCallerIdentity needs no permission, so the policy leaves it out.
            Some(o) if o.action != "sts:GetCallerIdentity" && !policy.contains(o.action) => wrong
                .push(format!(
                    "{name} needs {}, which `gwaudit permissions` does not grant",
                    o.action
                )),
            Some(_) => {}
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn operation_names_are_found_in_messages() {
    let found: BTreeSet<String> = operations_in(
        "web ACL could not be read: wafv2:GetWebACL failed (WAFNonexistentItemException); \
         GetDomainNames was not collected; Getting ListAttachedRolePolicies, Lists",
    )
    .into_iter()
    .collect();
    let want: BTreeSet<String> = ["GetWebACL", "GetDomainNames", "ListAttachedRolePolicies"]
        .into_iter()
        .map(String::from)
        .collect();
    assert_eq!(found, want);
}
