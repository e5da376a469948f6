//! Live collection against a real AWS-compatible server (moto, started by scripts/test.sh).
//! Each test seeds its own region.

mod support;

use serde_json::Value;
use support::{collect, gwaudit_live, moto_url, seed};

/// A region of a snapshot of one account (`support::one_account`).
fn region<'a>(snap: &'a Value, name: &str) -> &'a Value {
    snap["regions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["region"] == name)
        .unwrap()
}

#[test]
fn collects_rest_and_http_apis_with_few_calls() {
    let moto = moto_url();
    let seeded = seed(
        &moto,
        "us-west-1",
        &[
            "--rest",
            "3",
            "--http",
            "2",
            "--resources",
            "3",
            "--stages",
            "2",
        ],
    );
    let snap = collect(&moto, "us-west-1");
    assert!(snap["account_id"].as_str().unwrap().len() == 12);
    let r = region(&snap, "us-west-1");
    let apis = r["rest_apis"].as_array().expect("REST APIs collected");
    assert_eq!(apis.len(), 3);
    for id in seeded["rest"].as_array().unwrap() {
        let api = apis.iter().find(|a| &a["id"] == id).unwrap();
        let methods: Vec<&Value> = api["resources"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|res| res["methods"].as_array().unwrap())
            .collect();
        assert_eq!(
            methods.len(),
            6,
            "3 resources x 2 methods, embedded in GetResources"
        );
        assert!(methods
            .iter()
            .all(|m| m["integration"]["type"] == "HTTP_PROXY"));
        assert_eq!(api["stages"].as_array().unwrap().len(), 2);
    }
    let v2 = r["v2_apis"].as_array().unwrap();
    assert_eq!(v2.len(), 2);
    assert!(v2
        .iter()
        .all(|a| a["routes"].as_array().unwrap().len() == 1));
    // The call plan: one GetResources per API, nothing per method.
    let calls = &snap["collection_stats"]["api_calls"];
    assert_eq!(calls["apigateway:GetResources"], 3);
    assert_eq!(calls["apigateway:GetStages"], 3);
    assert!(calls.get("apigateway:GetMethod").is_none());
    // Read-only by construction: every operation sent was a listed read.
    for op in calls.as_object().unwrap().keys() {
        let name = op.split(':').nth(1).unwrap();
        assert!(
            ["Get", "List", "Describe"]
                .iter()
                .any(|v| name.starts_with(v)),
            "{op}"
        );
    }
}

#[test]
fn scan_finds_open_methods_and_reports_moto_gaps_as_unknown() {
    let moto = moto_url();
    seed(&moto, "ca-central-1", &["--rest", "1", "--http", "1"]);
    let o = gwaudit_live(
        &[
            "scan",
            "--region",
            "ca-central-1",
            "--quiet",
            "--format",
            "json",
        ],
        &moto,
    );
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let report: Value = serde_json::from_slice(&o.stdout).unwrap();
    let results = report["results"].as_array().unwrap();
    let open_gets = results
        .iter()
        .filter(|f| f["rule_id"] == "GW101" && f["status"] == "fail")
        .count();
    assert_eq!(open_gets, 2, "the seed opens GET on each of 2 resources");
    assert!(results
        .iter()
        .any(|f| f["rule_id"] == "GW103" && f["status"] == "fail"));
    assert_eq!(report["settings"]["source"], "aws");
    // Whatever moto cannot answer is recorded, and the scan says it is incomplete.
    let errors = report["scan"]["collection_errors"].as_array().unwrap();
    assert_eq!(report["scan"]["complete"], errors.is_empty());
    for e in errors {
        assert!(
            e["operation"].as_str().unwrap().starts_with("Get")
                || e["operation"].as_str().unwrap().starts_with("Describe")
                || e["operation"].as_str().unwrap().starts_with("List")
        );
    }
}

#[test]
fn permissions_cover_every_operation_sent() {
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_gwaudit"))
        .arg("permissions")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    let policy: Value = serde_json::from_slice(&o.stdout).unwrap();
    let actions: Vec<&str> = policy["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["Action"].as_array().unwrap())
        .map(|a| a.as_str().unwrap())
        .collect();
    for op in gwaudit::operations::OPERATIONS {
        if op.action != "sts:GetCallerIdentity" {
            assert!(actions.contains(&op.action), "{} missing", op.action);
        }
        assert!(!op.action.contains("*"), "no wildcard actions");
    }
    let moto = moto_url();
    seed(&moto, "sa-east-1", &["--rest", "1", "--http", "1"]);
    let snap = collect(&moto, "sa-east-1");
    for op in snap["collection_stats"]["api_calls"]
        .as_object()
        .unwrap()
        .keys()
    {
        let (service, name) = op.split_once(':').unwrap();
        let known = gwaudit::operations::find(service, name)
            .unwrap_or_else(|| panic!("{op} sent but not in the permission list"));
        assert!(known.action == "sts:GetCallerIdentity" || actions.contains(&known.action));
    }
}

/// Credentials in stage variables never reach the snapshot `collect` writes: the file holds
/// the variable name and a marker naming the kind of credential.
#[test]
fn collected_snapshot_holds_no_stage_variable_secret() {
    let moto = moto_url();
    let access_key = format!("AKIA{}", "IOSFODNN7EXAMPLE");
    let db_url = "postgres://app:Sup3r-s3cret-pw@db.internal:5432/orders";
    let secrets = serde_json::json!({
        "backendAccessKey": access_key,
        "dbUrl": db_url,
        "dbPassword": "hunter2",
        "backendHost": "orders.internal.example.com",
    });
    let seeded = seed(
        &moto,
        "eu-north-1",
        &[
            "--rest",
            "0",
            "--http",
            "0",
            "--secrets",
            &secrets.to_string(),
        ],
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("snapshot.json");
    let o = gwaudit_live(
        &[
            "collect",
            "--region",
            "eu-north-1",
            "--quiet",
            "-o",
            path.to_str().unwrap(),
        ],
        &moto,
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let text = std::fs::read_to_string(&path).unwrap();
    for secret in [access_key.as_str(), db_url, "Sup3r-s3cret-pw", "hunter2"] {
        assert!(!text.contains(secret), "the snapshot holds `{secret}`");
    }
    let snap = support::one_account(&serde_json::from_str(&text).unwrap());
    let r = region(&snap, "eu-north-1");
    let rest = r["rest_apis"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == seeded["secrets"]["rest"])
        .unwrap();
    let vault = rest["stages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["stage_name"] == "vault")
        .expect("the seeded stage is collected");
    let vars = &vault["variables"];
    assert_eq!(
        vars["backendAccessKey"],
        "<redacted by gwaudit: aws-access-key-id>"
    );
    assert_eq!(
        vars["dbUrl"],
        "<redacted by gwaudit: connection-string-password>"
    );
    assert_eq!(vars["dbPassword"], "<redacted by gwaudit: withheld>");
    assert_eq!(vars["backendHost"], "orders.internal.example.com");
    let http = r["v2_apis"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["api_id"] == seeded["secrets"]["http"])
        .unwrap();
    assert_eq!(
        http["stages"][0]["stage_variables"]["backendAccessKey"],
        "<redacted by gwaudit: aws-access-key-id>"
    );
    // The scan of that snapshot reports the credentials by name and kind.
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_gwaudit"))
        .args([
            "scan",
            "--snapshot",
            path.to_str().unwrap(),
            "--rules",
            "GW307",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("backendAccessKey (aws-access-key-id)"),
        "{out}"
    );
    assert!(!out.contains(&access_key) && !out.contains("hunter2"));
}
