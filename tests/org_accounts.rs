//! Account selection and role assumption against moto's Organizations and STS (started by
//! scripts/test.sh): `--org`, `--ou` (recursive, paginated), exclusions, shards, usage errors,
//! a scan through a member account's role, and AssumeRole or ListAccounts refused through the
//! fault proxy. One organization is seeded per test process (moto's default account is its
//! management account); its APIs live in af-south-1, which no other test uses.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::process::{Command, Output};
use std::sync::OnceLock;

use serde_json::Value;
use support::proxy::{self, Action, Config, Fault};
use support::{gwaudit_live, moto_url};

const REGION: &str = "af-south-1";
const ROLE: &str = "GwauditReadOnly";

fn org() -> &'static Value {
    static ORG: OnceLock<Value> = OnceLock::new();
    ORG.get_or_init(|| support::seed_org(&moto_url(), REGION))
}

fn id<'a>(org: &'a Value, name: &str) -> &'a str {
    org["accounts"][name].as_str().unwrap()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// `gwaudit accounts ... --format json` against `endpoint`; asserts the exit code.
fn accounts(endpoint: &str, args: &[&str], code: i32) -> Value {
    let mut all = vec!["accounts", "--region", REGION, "--format", "json"];
    all.extend_from_slice(args);
    let o = gwaudit_live(&all, endpoint);
    assert_eq!(o.status.code(), Some(code), "{}", err(&o));
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", err(&o)))
}

fn ids(listing: &Value) -> Vec<String> {
    listing["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap().to_string())
        .collect()
}

/// Every account the organization holds that is ACTIVE: the seed's, the bulk and multi OUs'
/// and the management account, sorted.
fn active(org: &Value) -> Vec<String> {
    let mut v: Vec<String> = ["gw-dev", "gw-prod-a", "gw-prod-eu"]
        .iter()
        .map(|n| id(org, n).to_string())
        .chain(
            org["bulk"]
                .as_array()
                .unwrap()
                .iter()
                .map(|b| b.as_str().unwrap().to_string()),
        )
        .chain(multi_accounts(org))
        .chain([org["management_account"].as_str().unwrap().to_string()])
        .collect();
    v.sort();
    v
}

/// The accounts of the multi OU (each with APIs in both multi regions), sorted.
fn multi_accounts(org: &Value) -> Vec<String> {
    let mut v: Vec<String> = org["multi"]["accounts"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    v.sort();
    v
}

#[test]
fn org_lists_every_active_account_and_skips_the_suspended_one() {
    let moto = moto_url();
    let org = org();
    let l = accounts(&moto, &["--org", "--role-name", ROLE], 0);
    assert_eq!(ids(&l), active(org), "sorted, every ACTIVE account once");
    assert_eq!(l["total"], active(org).len());
    assert_eq!(l["organization_id"], org["organization_id"]);
    let closed = id(org, "gw-closed");
    let skipped = l["skipped"].as_array().unwrap();
    assert_eq!(skipped.len(), 1, "{skipped:?}");
    assert_eq!(skipped[0]["id"], closed);
    assert!(skipped[0]["reason"].as_str().unwrap().contains("SUSPENDED"));
    let mgmt = org["management_account"].as_str().unwrap();
    for a in l["accounts"].as_array().unwrap() {
        if a["id"] == mgmt {
            assert_eq!(a["credentials"], "caller");
            assert!(a["role_arn"].is_null());
        } else {
            assert_eq!(
                a["role_arn"],
                format!("arn:aws:iam::{}:role/{ROLE}", a["id"].as_str().unwrap())
            );
        }
    }
    // The table says the same for people.
    let o = gwaudit_live(&["accounts", "--org", "--region", REGION], &moto);
    let table = String::from_utf8_lossy(&o.stdout);
    assert!(table.contains(&format!("skipped {closed}")), "{table}");
    assert!(table.contains("needs --role-name"), "{table}");
}

#[test]
fn ou_selection_recurses_into_nested_ous_and_pages() {
    let moto = moto_url();
    let org = org();
    let prod = org["ous"]["prod"].as_str().unwrap();
    let l = accounts(&moto, &["--ou", prod, "--role-name", "audit/Gwaudit"], 0);
    let mut want = vec![
        id(org, "gw-prod-a").to_string(),
        id(org, "gw-prod-eu").to_string(),
    ];
    want.sort();
    assert_eq!(ids(&l), want, "the nested OU's account is included");
    assert_eq!(
        l["accounts"][0]["role_arn"],
        format!("arn:aws:iam::{}:role/audit/Gwaudit", want[0]),
        "a role path stays in the ARN"
    );
    // 21 accounts: ListAccountsForParent answers 20 per page.
    let bulk = org["ous"]["bulk"].as_str().unwrap();
    let l = accounts(&moto, &["--ou", bulk], 0);
    let mut want: Vec<String> = org["bulk"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b.as_str().unwrap().to_string())
        .collect();
    want.sort();
    assert_eq!(ids(&l), want);
    // Two OUs at once, and the root (the whole tree).
    let both = accounts(&moto, &["--ou", prod, "--ou", bulk], 0);
    assert_eq!(both["total"], 23);
    let root = accounts(&moto, &["--ou", org["root"].as_str().unwrap()], 0);
    assert_eq!(ids(&root), active(org));
}

#[test]
fn exclusions_apply_to_every_source() {
    let moto = moto_url();
    let org = org();
    let (dev, prod_a, prod_eu) = (
        id(org, "gw-dev"),
        id(org, "gw-prod-a"),
        id(org, "gw-prod-eu"),
    );
    let l = accounts(
        &moto,
        &["--org", "--exclude-accounts", &format!("{dev},{prod_a}")],
        0,
    );
    let got = ids(&l);
    assert_eq!(got.len(), active(org).len() - 2);
    assert!(!got.iter().any(|a| a == dev || a == prod_a));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("accounts.txt");
    std::fs::write(
        &file,
        format!("# production\n{prod_a}\n\n{prod_eu}   # eu\n#{dev}\n"),
    )
    .unwrap();
    let l = accounts(
        &moto,
        &[
            "--accounts-file",
            file.to_str().unwrap(),
            "--accounts",
            dev,
            "--exclude-accounts",
            prod_eu,
        ],
        0,
    );
    let mut want = vec![dev.to_string(), prod_a.to_string()];
    want.sort();
    assert_eq!(ids(&l), want);
    assert!(
        l["organization_id"].is_null(),
        "listed accounts need no Organizations call"
    );
}

#[test]
fn shards_are_disjoint_and_cover_the_organization() {
    let moto = moto_url();
    let all = active(org());
    for n in 1..=4usize {
        let mut seen = BTreeSet::new();
        let mut sizes = Vec::new();
        for i in 1..=n {
            let l = accounts(&moto, &["--org", "--shard", &format!("{i}/{n}")], 0);
            assert_eq!(l["total"], all.len(), "total counts the whole selection");
            let part = ids(&l);
            sizes.push(part.len());
            for a in part {
                assert!(seen.insert(a.clone()), "{a} in two shards of {n}");
            }
        }
        assert_eq!(seen.into_iter().collect::<Vec<_>>(), all, "{n} shards");
        assert!(sizes.iter().max().unwrap() - sizes.iter().min().unwrap() <= 1);
    }
    for bad in ["0/3", "4/3", "1/0", "x/2", "3"] {
        let o = gwaudit_live(&["accounts", "--org", "--shard", bad], &moto);
        assert_eq!(o.status.code(), Some(2), "{bad}: {}", err(&o));
        assert!(err(&o).contains(bad), "{bad}: {}", err(&o));
    }
}

/// Usage errors are found before any AWS call (the endpoint here answers nothing).
#[test]
fn bad_account_ids_and_settings_are_usage_errors() {
    let nowhere = "http://127.0.0.1:9";
    for (args, needle) in [
        (vec!["scan", "--accounts", "111111111111,12345"], "`12345`"),
        (
            vec!["collect", "-o", "x.json", "--accounts", "abcdefghijkl"],
            "`abcdefghijkl`",
        ),
        (
            vec!["accounts", "--org", "--exclude-accounts", "1234567890123"],
            "`1234567890123`",
        ),
        (
            vec![
                "scan",
                "--accounts",
                "111111111111",
                "--session-duration",
                "899",
            ],
            "899",
        ),
        (
            vec![
                "scan",
                "--accounts",
                "111111111111",
                "--session-duration",
                "43201",
            ],
            "43201",
        ),
        (
            vec!["scan", "--accounts", "111111111111", "--role-name", "a b"],
            "`a b`",
        ),
        (vec!["scan", "--org", "--ou", "ou-bad!"], "ou-bad!"),
        (
            vec!["scan", "--role-name", ROLE],
            "--role-name needs an account selection",
        ),
        (
            vec!["scan", "--shard", "1/2"],
            "--shard needs an account selection",
        ),
        (
            vec!["scan", "--org", "--accounts", "111111111111"],
            "--accounts",
        ),
    ] {
        let o = gwaudit_live(&args, nowhere);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", err(&o));
        assert!(err(&o).contains(needle), "{args:?}: {}", err(&o));
    }
    // A role flag where no account is chosen is refused, not ignored (here with --demo).
    let o = Command::new(env!("CARGO_BIN_EXE_gwaudit"))
        .args(["scan", "--demo", "--external-id", "x"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(
        err(&o).contains("--external-id needs an account selection"),
        "{}",
        err(&o)
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("accounts.txt");
    std::fs::write(&file, "# ok\n111111111111\n\n2222222222222\n").unwrap();
    let o = gwaudit_live(
        &["scan", "--accounts-file", file.to_str().unwrap()],
        nowhere,
    );
    assert_eq!(o.status.code(), Some(2), "{}", err(&o));
    assert!(
        err(&o).contains(&format!("{}:4: `2222222222222`", file.display())),
        "the file and line: {}",
        err(&o)
    );
}

#[test]
fn a_scan_through_a_member_role_sees_only_that_account() {
    let moto = moto_url();
    let org = org();
    let member = id(org, "gw-prod-a");
    let o = gwaudit_live(
        &[
            "scan",
            "--accounts",
            member,
            "--role-name",
            ROLE,
            "--role-session-name",
            "gwaudit-test",
            "--session-duration",
            "900",
            "--external-id",
            "ext-1",
            "--region",
            REGION,
            "--quiet",
            "--format",
            "json",
            "--fail-on",
            "none",
        ],
        &moto,
    );
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let report: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(report["scan"]["account_id"], member);
    let arns: BTreeSet<&str> = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["resource_arn"].as_str())
        .collect();
    let member_api = org["member_api"].as_str().unwrap();
    let mgmt_api = org["management_api"].as_str().unwrap();
    assert!(
        arns.iter()
            .any(|a| a.contains(&format!("/restapis/{member_api}"))),
        "{arns:?}"
    );
    assert!(
        !arns
            .iter()
            .any(|a| a.contains(&format!("/restapis/{mgmt_api}"))),
        "the management account's API leaked into the member's scan"
    );
    // The caller's own account, selected, is scanned with the caller's credentials.
    let mgmt = org["management_account"].as_str().unwrap();
    let o = gwaudit_live(
        &[
            "scan",
            "--accounts",
            mgmt,
            "--region",
            REGION,
            "--quiet",
            "--format",
            "json",
            "--fail-on",
            "none",
        ],
        &moto,
    );
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let report: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(report["scan"]["account_id"], mgmt);
    assert!(report
        .to_string()
        .contains(&format!("/restapis/{mgmt_api}")));
    // Another account without --role-name: not scanned, and the report says what to pass.
    let o = gwaudit_live(
        &[
            "scan",
            "--accounts",
            member,
            "--region",
            REGION,
            "--format",
            "json",
            "--strict",
        ],
        &moto,
    );
    assert_eq!(
        o.status.code(),
        Some(3),
        "incomplete with --strict: {}",
        err(&o)
    );
    let report: Value = serde_json::from_slice(&o.stdout).unwrap();
    let status = &report["scan"]["accounts"][0];
    assert_eq!(status["status"], "not_scanned");
    assert!(
        status["reason"].as_str().unwrap().contains("--role-name"),
        "{status}"
    );
    assert!(err(&o).contains("--role-name"), "{}", err(&o));
}

/// `collect` through a role (an OU holding one account), and every operation that run sent is
/// covered by `gwaudit permissions --org`.
#[test]
fn collect_through_a_role_sends_only_permitted_operations() {
    let moto = moto_url();
    let org = org();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("snapshot.json");
    let o = gwaudit_live(
        &[
            "collect",
            "--ou",
            org["ous"]["prod_eu"].as_str().unwrap(),
            "--role-name",
            ROLE,
            "--region",
            REGION,
            "--quiet",
            "-o",
            path.to_str().unwrap(),
        ],
        &moto,
    );
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(
        support::one_account(&doc)["account_id"],
        id(org, "gw-prod-eu")
    );
    // The run's calls (Organizations and STS included) are counted at the top.
    let snap = &doc;
    let o = Command::new(env!("CARGO_BIN_EXE_gwaudit"))
        .args(["permissions", "--org"])
        .output()
        .unwrap();
    let perms: Value = serde_json::from_slice(&o.stdout).unwrap();
    let actions: Vec<&str> = [&perms["scanner_policy"], &perms["member_role"]["policy"]]
        .iter()
        .flat_map(|p| p["Statement"].as_array().unwrap())
        .flat_map(|s| s["Action"].as_array().unwrap())
        .map(|a| a.as_str().unwrap())
        .collect();
    let sent = snap["collection_stats"]["api_calls"].as_object().unwrap();
    assert!(
        sent.contains_key("organizations:ListAccountsForParent"),
        "{sent:?}"
    );
    // The role session the SDK's provider opened is counted, in the run's and the account's
    // stats, though the read-only guard never sees it.
    assert_eq!(sent["sts:AssumeRole"], 1, "{sent:?}");
    assert_eq!(
        snap["accounts"][0]["collection_stats"]["api_calls"]["sts:AssumeRole"],
        1
    );
    for op in sent.keys() {
        let (service, name) = op.split_once(':').unwrap();
        let known = gwaudit::operations::find(service, name)
            .unwrap_or_else(|| panic!("{op} sent but not in the operation list"));
        assert!(
            known.action == "sts:GetCallerIdentity" || actions.contains(&known.action),
            "{op} is not in `gwaudit permissions --org`"
        );
    }
}

#[test]
fn a_refused_assume_role_is_an_account_error_naming_account_role_and_reason() {
    let moto = moto_url();
    let org = org();
    let denied: &'static str = id(org, "gw-prod-eu");
    let p = proxy::start(
        &moto,
        Config {
            faults: vec![Fault {
                request_contains: Box::leak(Box::new(["Action=AssumeRole", denied])),
                ..Fault::always("POST", "/", "", Action::DenyQuery)
            }],
            ..Default::default()
        },
    );
    let prod = org["ous"]["prod"].as_str().unwrap();
    let l = accounts(&p.url, &["--ou", prod, "--role-name", ROLE, "--check"], 2);
    let role_arn = format!("arn:aws:iam::{denied}:role/{ROLE}");
    for a in l["accounts"].as_array().unwrap() {
        if a["id"] == denied {
            let e = &a["check"]["error"];
            assert_eq!(a["check"]["ok"], false);
            assert_eq!(e["account"], denied);
            assert_eq!(e["role_arn"], role_arn);
            assert_eq!(e["code"], "AccessDenied");
            let text = e["text"].as_str().unwrap();
            assert!(
                text.contains(denied) && text.contains(&role_arn) && text.contains("AccessDenied"),
                "{text}"
            );
        } else {
            assert_eq!(a["check"]["ok"], true, "the other account is entered: {a}");
        }
    }
    assert!(p.stats.injected.load(std::sync::atomic::Ordering::Relaxed) >= 1);
    // Scanning that account alone: a report naming account, role and reason, which is
    // incomplete (exit 3 with --strict); the stderr line says the same.
    let o = gwaudit_live(
        &[
            "scan",
            "--accounts",
            denied,
            "--role-name",
            ROLE,
            "--region",
            REGION,
            "--format",
            "json",
            "--strict",
        ],
        &p.url,
    );
    assert_eq!(o.status.code(), Some(3), "{}", err(&o));
    let report: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(report["scan"]["complete"], false);
    let status = &report["scan"]["accounts"][0];
    assert_eq!(status["account_id"], denied);
    assert_eq!(status["status"], "not_scanned");
    let reason = status["reason"].as_str().unwrap();
    assert!(
        reason.contains(&role_arn) && reason.contains("AccessDenied"),
        "{reason}"
    );
    let e = err(&o);
    assert!(
        e.contains(denied) && e.contains(&role_arn) && e.contains("AccessDenied"),
        "{e}"
    );
}

#[test]
fn organizations_refused_or_absent_is_exit_2_naming_list_accounts() {
    let moto = moto_url();
    let org = org();
    let p = proxy::start(
        &moto,
        Config {
            faults: vec![Fault {
                request_contains: &["AWSOrganizationsV20161128.ListAccounts\r\n"],
                ..Fault::always("POST", "/", "", Action::Deny)
            }],
            ..Default::default()
        },
    );
    for cmd in ["accounts", "scan"] {
        let o = gwaudit_live(
            &[cmd, "--org", "--role-name", ROLE, "--region", REGION],
            &p.url,
        );
        assert_eq!(o.status.code(), Some(2), "{}", err(&o));
        assert!(o.stdout.is_empty(), "nothing scanned or listed");
        assert!(
            err(&o).contains("organizations:ListAccounts"),
            "{}",
            err(&o)
        );
        assert!(err(&o).contains("denied"), "{}", err(&o));
    }
    // An account outside any organization (moto maps an assumed role's keys to its account).
    let creds = &org["outsider"];
    let o = Command::new(env!("CARGO_BIN_EXE_gwaudit"))
        .args([
            "accounts",
            "--org",
            "--region",
            REGION,
            "--endpoint-url",
            &moto,
        ])
        .env("AWS_ACCESS_KEY_ID", creds["AccessKeyId"].as_str().unwrap())
        .env(
            "AWS_SECRET_ACCESS_KEY",
            creds["SecretAccessKey"].as_str().unwrap(),
        )
        .env("AWS_SESSION_TOKEN", creds["SessionToken"].as_str().unwrap())
        .env("AWS_CONFIG_FILE", "/nonexistent")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", err(&o));
    let e = err(&o);
    assert!(
        e.contains("999999999999") && e.contains("not in an AWS Organization"),
        "{e}"
    );
    assert!(e.contains("organizations:ListAccounts"), "{e}");
}

// ---- Organization scans: every account x region of a selection in one run ----------------

/// The two regions the multi OU's accounts hold APIs in.
fn multi_regions(org: &Value) -> [String; 2] {
    let r = &org["multi"]["regions"];
    [
        r[0].as_str().unwrap().to_string(),
        r[1].as_str().unwrap().to_string(),
    ]
}

/// `gwaudit scan ARGS... --format json --fail-on none` in both multi regions through the
/// member role; asserts the exit code and returns the report and standard error.
fn scan_regions(endpoint: &str, args: &[&str], code: i32) -> (Value, String) {
    let [r1, r2] = multi_regions(org());
    let mut all = vec!["scan"];
    all.extend_from_slice(args);
    all.extend_from_slice(&[
        "--role-name",
        ROLE,
        "--region",
        &r1,
        "--region",
        &r2,
        "--format",
        "json",
        "--fail-on",
        "none",
    ]);
    let o = gwaudit_live(&all, endpoint);
    assert!(!err(&o).contains("panicked"), "{}", err(&o));
    assert_eq!(o.status.code(), Some(code), "{all:?}: {}", err(&o));
    let report = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", err(&o)));
    (report, err(&o))
}

/// The multi OU, scanned.
fn scan_multi(endpoint: &str, extra: &[&str], code: i32) -> (Value, String) {
    let ou = org()["ous"]["multi"].as_str().unwrap();
    let mut args = vec!["--ou", ou];
    args.extend_from_slice(extra);
    scan_regions(endpoint, &args, code)
}

/// The accounts of a report's status view, in its order.
fn report_accounts(report: &Value) -> Vec<String> {
    report["scan"]["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["account_id"].as_str().unwrap().to_string())
        .collect()
}

fn account_status<'a>(report: &'a Value, account: &str) -> &'a Value {
    report["scan"]["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["account_id"] == account)
        .unwrap_or_else(|| panic!("{account} is not in scan.accounts"))
}

/// Every result by fingerprint, with its status.
fn fingerprints(report: &Value) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for r in report["results"].as_array().unwrap() {
        let fp = r["fingerprint"].as_str().unwrap().to_string();
        let status = r["status"].as_str().unwrap().to_string();
        assert!(out.insert(fp, status).is_none(), "a fingerprint twice: {r}");
    }
    out
}

/// Asserts that the report holds results for the REST and the HTTP API of `account` in both
/// regions (through the ARNs of its results).
fn assert_has_apis_of(report: &Value, account: &str) {
    let org = org();
    let results = report["results"].as_array().unwrap();
    for region in multi_regions(org) {
        let apis = &org["multi"]["accounts"][account][&region];
        for (kind, path) in [("rest", "/restapis/"), ("http", "/apis/")] {
            let needle = format!("{path}{}", apis[kind].as_str().unwrap());
            assert!(
                results.iter().any(|r| r["account_id"] == account
                    && r["region"] == region.as_str()
                    && r["resource_arn"]
                        .as_str()
                        .is_some_and(|a| a.contains(&needle))),
                "no result for {account}'s {kind} API in {region}"
            );
        }
    }
}

#[test]
fn every_account_and_region_of_an_ou_lands_in_one_report() {
    let moto = moto_url();
    let org = org();
    let members = multi_accounts(org);
    let (report, stderr) = scan_multi(&moto, &[], 0);
    assert_eq!(report_accounts(&report), members, "sorted by account id");
    assert_eq!(
        report["scan"]["account_id"], "",
        "no single account to name"
    );
    for account in &members {
        let status = account_status(&report, account);
        assert_ne!(status["status"], "not_scanned", "{status}");
        let regions = status["regions"].as_array().unwrap();
        assert_eq!(regions.len(), 2, "{status}");
        for r in regions {
            assert_eq!(r["apis"], 2, "one REST and one HTTP API: {r}");
        }
        assert_has_apis_of(&report, account);
        // Progress: one line per account as it finishes.
        assert!(
            stderr.contains(&format!("gwaudit: account {account}: 2 regions, 4 APIs")),
            "{stderr}"
        );
    }
    let named: BTreeSet<&str> = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["account_id"].as_str().unwrap())
        .collect();
    assert_eq!(
        named,
        members.iter().map(String::as_str).collect(),
        "results name every account and no other"
    );
    assert!(
        stderr.contains("4 accounts scanned, 0 not scanned"),
        "{stderr}"
    );
    // --quiet: no progress at all (the summary line of the report is not progress).
    let (quiet, stderr) = scan_multi(&moto, &["--quiet"], 0);
    assert!(!stderr.contains("gwaudit:"), "{stderr}");
    assert_eq!(fingerprints(&quiet), fingerprints(&report));
}

#[test]
fn a_denied_role_in_one_account_leaves_the_others_complete() {
    let moto = moto_url();
    let org = org();
    let members = multi_accounts(org);
    let denied: &'static str = Box::leak(members[1].clone().into_boxed_str());
    let p = proxy::start(
        &moto,
        Config {
            faults: vec![Fault {
                request_contains: Box::leak(Box::new(["Action=AssumeRole", denied])),
                ..Fault::always("POST", "/", "", Action::DenyQuery)
            }],
            ..Default::default()
        },
    );
    let (report, stderr) = scan_multi(&p.url, &[], 0);
    assert!(p.stats.injected.load(std::sync::atomic::Ordering::Relaxed) >= 1);
    // The status view lists the scanned accounts, then the ones not scanned.
    let mut listed = report_accounts(&report);
    assert_eq!(listed.last().map(String::as_str), Some(denied));
    listed.sort();
    assert_eq!(listed, members, "the denied account is listed too");
    assert_eq!(report["scan"]["complete"], false);
    let role_arn = format!("arn:aws:iam::{denied}:role/{ROLE}");
    let status = account_status(&report, denied);
    assert_eq!(status["status"], "not_scanned");
    let reason = status["reason"].as_str().unwrap();
    assert!(
        reason.contains(&role_arn) && reason.contains("AccessDenied"),
        "{reason}"
    );
    assert!(
        stderr.contains(&format!(
            "account {denied}: not scanned: AccessDenied assuming {role_arn}"
        )),
        "{stderr}"
    );
    for account in members.iter().filter(|a| *a != denied) {
        let status = account_status(&report, account);
        assert_ne!(status["status"], "not_scanned", "{status}");
        assert_eq!(status["regions"].as_array().unwrap().len(), 2);
        assert_has_apis_of(&report, account);
    }
    assert!(
        !report["results"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["account_id"] == denied),
        "nothing of the denied account was evaluated"
    );
}

#[test]
fn shards_of_an_ou_scan_are_disjoint_and_merge_into_the_whole() {
    let moto = moto_url();
    let members = multi_accounts(org());
    let (whole, _) = scan_multi(&moto, &["--quiet"], 0);
    let (one, _) = scan_multi(&moto, &["--quiet", "--shard", "1/2"], 0);
    let (two, _) = scan_multi(&moto, &["--quiet", "--shard", "2/2"], 0);
    let (a1, a2) = (report_accounts(&one), report_accounts(&two));
    assert_eq!(a1.len() + a2.len(), members.len());
    let mut union: Vec<String> = a1.iter().chain(&a2).cloned().collect();
    union.sort();
    assert_eq!(union, members, "every account in exactly one shard");
    let (f1, f2) = (fingerprints(&one), fingerprints(&two));
    assert!(!f1.is_empty() && !f2.is_empty());
    assert!(
        f1.keys().all(|k| !f2.contains_key(k)),
        "no result in two shards"
    );
    let mut merged = f1;
    merged.extend(f2);
    assert_eq!(
        merged,
        fingerprints(&whole),
        "the shards' results are the whole scan's"
    );
    // A shard with no account (4 accounts, 5 shards): an empty report, a note, exit 0.
    let (empty, stderr) = scan_multi(&moto, &["--shard", "5/5"], 0);
    assert!(report_accounts(&empty).is_empty());
    assert!(empty["results"].as_array().unwrap().is_empty());
    assert_eq!(empty["scan"]["complete"], true);
    assert!(
        stderr.contains("the account selection (shard 5/5 of 4 accounts) is empty"),
        "{stderr}"
    );
}

/// `collect --org` writes one schema-2 document (the suspended account listed as not scanned,
/// every role session counted); scanning it offline gives the live scan's results, and one of
/// its accounts written as a schema-1 file still scans to that account's results.
#[test]
fn collect_org_writes_a_schema_2_snapshot_that_scans_like_the_live_scan() {
    let moto = moto_url();
    let org = org();
    let [r1, r2] = multi_regions(org);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("org.json");
    let o = gwaudit_live(
        &[
            "collect",
            "--org",
            "--role-name",
            ROLE,
            "--region",
            &r1,
            "--region",
            &r2,
            "--quiet",
            "-o",
            path.to_str().unwrap(),
        ],
        &moto,
    );
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(doc["schema_version"], 2);
    let ids: Vec<String> = doc["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["account_id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids, active(org), "every ACTIVE account, sorted by id");
    let closed = id(org, "gw-closed");
    assert_eq!(
        doc["not_scanned"],
        serde_json::json!([{
            "account_id": closed,
            "code": "SUSPENDED",
            "message": "the account's state in the organization; only ACTIVE accounts are scanned",
        }])
    );
    // Every member account's role session, once; the management account is the caller's.
    let calls = &doc["collection_stats"]["api_calls"];
    assert_eq!(calls["sts:AssumeRole"], active(org).len() - 1, "{calls}");
    assert_eq!(calls["organizations:ListAccounts"], 1, "{calls}");

    let scan_file = |file: &std::path::Path| {
        let o = Command::new(env!("CARGO_BIN_EXE_gwaudit"))
            .args(["scan", "--snapshot", file.to_str().unwrap()])
            .args(["--format", "json", "--fail-on", "none"])
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(0), "{}", err(&o));
        serde_json::from_slice::<Value>(&o.stdout).unwrap()
    };
    let offline = scan_file(&path);
    let (live, _) = scan_regions(&moto, &["--org", "--quiet"], 0);
    assert_eq!(fingerprints(&offline), fingerprints(&live));
    assert_eq!(report_accounts(&offline), report_accounts(&live));
    // Closed in the organization: listed, but no gap.
    assert_eq!(account_status(&offline, closed)["status"], "skipped");
    assert!(account_status(&offline, closed)["reason"]
        .as_str()
        .unwrap()
        .starts_with("SUSPENDED: "));

    // One account as the schema-1 document of gwaudit before organization scans.
    let member = &multi_accounts(org)[0];
    let account = doc["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["account_id"] == member.as_str())
        .unwrap();
    let mut v1 = account.clone();
    for field in [
        "schema_version",
        "tool_version",
        "collected_at",
        "partition",
    ] {
        v1[field] = doc[field].clone();
    }
    v1["schema_version"] = 1.into();
    let v1_path = dir.path().join("v1.json");
    std::fs::write(&v1_path, v1.to_string()).unwrap();
    let of_member: BTreeMap<String, String> = offline["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["account_id"] == member.as_str())
        .map(|r| {
            (
                r["fingerprint"].as_str().unwrap().to_string(),
                r["status"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let v1_report = scan_file(&v1_path);
    assert_eq!(v1_report["scan"]["account_id"], member.as_str());
    assert_eq!(fingerprints(&v1_report), of_member);
}
