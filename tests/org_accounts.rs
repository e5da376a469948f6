//! Account selection and role assumption against moto's Organizations and STS (started by
//! scripts/test.sh): `--org`, `--ou` (recursive, paginated), exclusions, shards, usage errors,
//! a scan through a member account's role, and AssumeRole or ListAccounts refused through the
//! fault proxy. One organization is seeded per test process (moto's default account is its
//! management account); its APIs live in af-south-1, which no other test uses.

mod support;

use std::collections::BTreeSet;
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

/// Every account the organization holds that is ACTIVE: the seed's, the bulk OU's and the
/// management account, sorted.
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
        .chain([org["management_account"].as_str().unwrap().to_string()])
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
    let snap: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(snap["schema_version"], 2);
    assert_eq!(snap["accounts"][0]["account_id"], id(org, "gw-prod-eu"));
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
