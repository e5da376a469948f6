//! The CloudFormation member role in examples/cloudformation/ grants exactly what
//! `gwaudit permissions` prints, and trusts the scanner's account the way
//! `gwaudit permissions --org` describes: the two cannot drift apart.

mod common;

use serde_json::Value;

const TEMPLATE: &str = "examples/cloudformation/gwaudit-member-role.yaml";

fn template() -> serde_yaml::Value {
    let text = std::fs::read_to_string(common::root().join(TEMPLATE)).unwrap();
    serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{TEMPLATE}: {e}"))
}

fn role(t: &serde_yaml::Value) -> &serde_yaml::Value {
    &t["Resources"]["GwauditRole"]["Properties"]
}

fn permissions(args: &[&str]) -> Value {
    let o = common::gwaudit(&[&["permissions"], args].concat());
    assert_eq!(o.status.code(), Some(0), "{}", common::stderr(&o));
    serde_json::from_slice(&o.stdout).unwrap()
}

#[test]
fn the_template_policy_is_gwaudit_permissions() {
    let t = template();
    let policies = role(&t)["Policies"].as_sequence().unwrap();
    assert_eq!(policies.len(), 1);
    // The policy document holds no intrinsic functions, so it converts to JSON as is.
    let doc: Value = serde_json::to_value(&policies[0]["PolicyDocument"]).unwrap();
    let printed = permissions(&[]);
    assert_eq!(
        doc,
        printed,
        "{TEMPLATE} drifted from `gwaudit permissions`; its PolicyDocument should be:\n{}",
        serde_json::to_string_pretty(&printed).unwrap()
    );
    let org = permissions(&["--org"]);
    assert_eq!(doc, org["member_role"]["policy"]);
}

#[test]
fn the_template_trusts_the_scanner_as_permissions_org_says() {
    let t = template();
    for p in ["ScannerAccountId", "RoleName", "ExternalId"] {
        assert!(t["Parameters"].get(p).is_some(), "parameter {p}");
    }
    assert_eq!(t["Parameters"]["ExternalId"]["Default"].as_str(), Some(""));
    let org = permissions(&[
        "--org",
        "--scanner-account",
        "111122223333",
        "--external-id",
        "x",
    ]);
    let want = &org["member_role"]["trust_policy"]["Statement"][0];
    let got = &role(&t)["AssumeRolePolicyDocument"]["Statement"][0];
    for key in ["Sid", "Effect", "Action"] {
        assert_eq!(
            got[key].as_str(),
            want[key].as_str(),
            "trust statement {key}"
        );
    }
    // The principal and the external-id condition are CloudFormation expressions: check
    // their text.
    let text = std::fs::read_to_string(common::root().join(TEMPLATE)).unwrap();
    assert!(text.contains("AWS: !Sub \"arn:${AWS::Partition}:iam::${ScannerAccountId}:root\""));
    assert!(text.contains("sts:ExternalId: !Ref ExternalId"));
    assert_eq!(
        want["Condition"]["StringEquals"]["sts:ExternalId"], "x",
        "permissions --org prints the condition the template sets"
    );
    assert_eq!(want["Principal"]["AWS"], "arn:aws:iam::111122223333:root");
}
