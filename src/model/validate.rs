//! The snapshot values that have a format, checked when a snapshot is loaded: the account id,
//! the partition, region names and the fields the model holds as ARNs. They are copied into
//! results and reports, so a malformed (or megabytes-long) value must be a load error naming
//! its place, not a report that repeats it in every result.

use std::collections::BTreeMap;

use super::{
    AccessLogSettings, ArnFields, IamSnapshot, OrgSnapshot, RegionSnapshot, Snapshot, WafStatement,
    WebAcl,
};

/// The AWS partitions.
pub const PARTITIONS: &[&str] = &[
    "aws",
    "aws-cn",
    "aws-us-gov",
    "aws-iso",
    "aws-iso-b",
    "aws-iso-e",
    "aws-iso-f",
];

/// The longest region name accepted (the longest in use, `us-isof-south-1`, has 15).
const MAX_REGION_LEN: usize = 32;

pub use crate::account_selection::is_account_id;

/// An AWS region name: `[a-z]{2}(-[a-z]+)+-\d+` (`us-east-1`, `us-gov-west-1`,
/// `cn-north-1`, `eu-isoe-west-1`), at most 32 characters.
pub fn is_region(s: &str) -> bool {
    if s.len() > MAX_REGION_LEN {
        return false;
    }
    let parts: Vec<&str> = s.split('-').collect();
    let [country, middle @ .., number] = parts.as_slice() else {
        return false;
    };
    country.len() == 2
        && country.bytes().all(|b| b.is_ascii_lowercase())
        && !middle.is_empty()
        && middle
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
        && !number.is_empty()
        && number.bytes().all(|b| b.is_ascii_digit())
}

/// `arn:<partition>:<service>:<region>:<account>:<resource>`: a known partition, a service of
/// lower-case letters, digits and `-`, and a resource (region and account may be empty, as in
/// IAM and S3 ARNs, or anything else, as in `arn:aws:iam::*:user/*`).
pub fn is_arn(s: &str) -> bool {
    let Some(ArnFields {
        partition,
        service,
        resource,
        ..
    }) = ArnFields::split(s)
    else {
        return false;
    };
    PARTITIONS.contains(&partition)
        && !service.is_empty()
        && service
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !resource.is_empty()
}

/// The value as an error quotes it: at most 64 characters.
fn quote(value: &str) -> String {
    const SHOWN: usize = 64;
    match value.char_indices().nth(SHOWN) {
        None => format!("`{value}`"),
        Some((end, _)) => format!("`{}...` ({} bytes)", &value[..end], value.len()),
    }
}

/// The first malformed value: (JSON path, what is wrong).
type Invalid = (String, String);

fn check(ok: bool, path: impl FnOnce() -> String, value: &str, what: &str) -> Result<(), Invalid> {
    if ok {
        Ok(())
    } else {
        Err((path(), format!("{} is not {what}", quote(value))))
    }
}

fn region(path: impl FnOnce() -> String, value: &str) -> Result<(), Invalid> {
    check(
        is_region(value),
        path,
        value,
        "an AWS region name such as us-east-1",
    )
}

fn arn(path: impl FnOnce() -> String, value: &str) -> Result<(), Invalid> {
    check(
        is_arn(value),
        path,
        value,
        &format!(
            "an ARN (arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE, PARTITION one of {})",
            PARTITIONS.join(", ")
        ),
    )
}

/// An ARN that may be absent, or empty (what AWS returns for a cleared setting).
fn optional_arn(path: impl FnOnce() -> String, value: &Option<String>) -> Result<(), Invalid> {
    match value.as_deref() {
        None | Some("") => Ok(()),
        Some(v) => arn(path, v),
    }
}

/// Checks every account of a document, and that each selected account appears once. In a
/// schema-1 document the one account's paths have no `accounts[i].` prefix.
pub(crate) fn validate_document(d: &OrgSnapshot, v1: bool) -> Result<(), Invalid> {
    check(
        PARTITIONS.contains(&d.partition.as_str()),
        || "partition".into(),
        &d.partition,
        &format!("an AWS partition ({})", PARTITIONS.join(", ")),
    )?;
    let mut seen: BTreeMap<&str, String> = BTreeMap::new();
    for (i, a) in d.accounts.iter().enumerate() {
        let prefix = if v1 {
            String::new()
        } else {
            format!("accounts[{i}].")
        };
        validate_snapshot(a).map_err(|(path, what)| (format!("{prefix}{path}"), what))?;
        if let Some(first) = seen.insert(&a.account_id, format!("accounts[{i}]")) {
            return Err((
                format!("{prefix}account_id"),
                format!(
                    "account {} is listed twice (also {first}); a snapshot holds each account once",
                    a.account_id
                ),
            ));
        }
    }
    for (i, n) in d.not_scanned.iter().enumerate() {
        let at = format!("not_scanned[{i}]");
        check(
            is_account_id(&n.account_id),
            || format!("{at}.account_id"),
            &n.account_id,
            "a 12-digit AWS account id",
        )?;
        optional_arn(|| format!("{at}.role_arn"), &n.role_arn)?;
        if let Some(first) = seen.insert(&n.account_id, at.clone()) {
            return Err((
                format!("{at}.account_id"),
                format!(
                    "account {} is listed twice (also {first}); a snapshot holds each account once",
                    n.account_id
                ),
            ));
        }
    }
    Ok(())
}

/// Checks every formatted value of a snapshot; the error names the first bad one by its JSON
/// path (`regions[0].rest_apis[2].stages[0].web_acl_arn`).
pub(crate) fn validate_snapshot(s: &Snapshot) -> Result<(), Invalid> {
    check(
        is_account_id(&s.account_id),
        || "account_id".into(),
        &s.account_id,
        "a 12-digit AWS account id",
    )?;
    check(
        PARTITIONS.contains(&s.partition.as_str()),
        || "partition".into(),
        &s.partition,
        &format!("an AWS partition ({})", PARTITIONS.join(", ")),
    )?;
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, r) in s.regions.iter().enumerate() {
        let at = format!("regions[{i}]");
        region(|| format!("{at}.region"), &r.region)?;
        if let Some(first) = seen.insert(&r.region, i) {
            return Err((
                format!("{at}.region"),
                format!(
                    "region {} is listed twice (also regions[{first}]); a snapshot holds each region once",
                    r.region
                ),
            ));
        }
        region_snapshot(&at, r)?;
    }
    if let Some(iam) = &s.iam {
        iam_snapshot(iam)?;
    }
    for (i, e) in s.collection_errors.iter().enumerate() {
        if let Some(r) = &e.region {
            region(|| format!("collection_errors[{i}].region"), r)?;
        }
    }
    Ok(())
}

fn access_log(
    at: impl Fn() -> String,
    settings: &Option<AccessLogSettings>,
) -> Result<(), Invalid> {
    match settings {
        Some(a) => optional_arn(
            || format!("{}.access_log_settings.destination_arn", at()),
            &a.destination_arn,
        ),
        None => Ok(()),
    }
}

fn region_snapshot(at: &str, r: &RegionSnapshot) -> Result<(), Invalid> {
    if let Some(a) = &r.account_settings {
        optional_arn(
            || format!("{at}.account_settings.cloudwatch_role_arn"),
            &a.cloudwatch_role_arn,
        )?;
    }
    for (j, api) in r.rest_apis.iter().flatten().enumerate() {
        let api_at = format!("{at}.rest_apis[{j}]");
        for (k, res) in api.resources.iter().flatten().enumerate() {
            for (m, method) in res.methods.iter().enumerate() {
                if let Some(i) = &method.integration {
                    optional_arn(
                        || format!("{api_at}.resources[{k}].methods[{m}].integration.credentials"),
                        &i.credentials,
                    )?;
                }
            }
        }
        for (k, stage) in api.stages.iter().flatten().enumerate() {
            let stage_at = || format!("{api_at}.stages[{k}]");
            optional_arn(|| format!("{}.web_acl_arn", stage_at()), &stage.web_acl_arn)?;
            access_log(stage_at, &stage.access_log_settings)?;
        }
        for (k, a) in api.authorizers.iter().flatten().enumerate() {
            let auth_at = format!("{api_at}.authorizers[{k}]");
            optional_arn(
                || format!("{auth_at}.authorizer_credentials"),
                &a.authorizer_credentials,
            )?;
            for (p, provider) in a.provider_arns.iter().enumerate() {
                arn(|| format!("{auth_at}.provider_arns[{p}]"), provider)?;
            }
        }
    }
    for (j, api) in r.v2_apis.iter().flatten().enumerate() {
        let api_at = format!("{at}.v2_apis[{j}]");
        for (k, stage) in api.stages.iter().flatten().enumerate() {
            access_log(
                || format!("{api_at}.stages[{k}]"),
                &stage.access_log_settings,
            )?;
        }
        for (k, a) in api.authorizers.iter().flatten().enumerate() {
            optional_arn(
                || format!("{api_at}.authorizers[{k}].authorizer_credentials_arn"),
                &a.authorizer_credentials_arn,
            )?;
        }
        for (k, i) in api.integrations.iter().flatten().enumerate() {
            optional_arn(
                || format!("{api_at}.integrations[{k}].credentials_arn"),
                &i.credentials_arn,
            )?;
        }
    }
    for (j, d) in r.domain_names.iter().flatten().enumerate() {
        let d_at = format!("{at}.domain_names[{j}]");
        optional_arn(|| format!("{d_at}.certificate_arn"), &d.certificate_arn)?;
        optional_arn(
            || format!("{d_at}.regional_certificate_arn"),
            &d.regional_certificate_arn,
        )?;
    }
    // The rules read owners from these ARNs and match associations to domains by them.
    for (j, d) in r.shared_domain_names.iter().flatten().enumerate() {
        optional_arn(
            || format!("{at}.shared_domain_names[{j}].domain_name_arn"),
            &d.domain_name_arn,
        )?;
    }
    for (j, a) in r
        .domain_name_access_associations
        .iter()
        .flatten()
        .enumerate()
    {
        let a_at = format!("{at}.domain_name_access_associations[{j}]");
        optional_arn(|| format!("{a_at}.arn"), &a.arn)?;
        optional_arn(|| format!("{a_at}.domain_name_arn"), &a.domain_name_arn)?;
    }
    for (j, acl) in r.web_acls.iter().flatten().enumerate() {
        web_acl(&format!("{at}.web_acls[{j}]"), acl)?;
    }
    for (j, g) in r.log_groups.iter().flatten().enumerate() {
        optional_arn(|| format!("{at}.log_groups[{j}].arn"), &g.arn)?;
    }
    for (j, t) in r.trails.iter().flatten().enumerate() {
        arn(|| format!("{at}.trails[{j}].arn"), &t.arn)?;
        if let Some(home) = &t.home_region {
            region(|| format!("{at}.trails[{j}].home_region"), home)?;
        }
    }
    Ok(())
}

fn web_acl(at: &str, acl: &WebAcl) -> Result<(), Invalid> {
    arn(|| format!("{at}.arn"), &acl.arn)?;
    for (list, rules) in [
        ("rules", &acl.rules),
        (
            "pre_process_firewall_manager_rule_groups",
            &acl.pre_process_firewall_manager_rule_groups,
        ),
        (
            "post_process_firewall_manager_rule_groups",
            &acl.post_process_firewall_manager_rule_groups,
        ),
    ] {
        for (k, rule) in rules.iter().enumerate() {
            if let WafStatement::RuleGroupReference { arn: group, .. } = &rule.statement {
                arn(|| format!("{at}.{list}[{k}].statement.arn"), group)?;
            }
        }
    }
    for (k, dest) in acl.logging_destinations.iter().flatten().enumerate() {
        arn(|| format!("{at}.logging_destinations[{k}]"), dest)?;
    }
    Ok(())
}

fn iam_snapshot(iam: &IamSnapshot) -> Result<(), Invalid> {
    for (j, role) in iam.roles.iter().enumerate() {
        arn(|| format!("iam.roles[{j}].arn"), &role.arn)?;
        for (list, policies) in [
            ("inline_policies", &role.inline_policies),
            ("attached_policies", &role.attached_policies),
        ] {
            for (k, p) in policies.iter().flatten().enumerate() {
                optional_arn(|| format!("iam.roles[{j}].{list}[{k}].arn"), &p.arn)?;
            }
        }
    }
    for (j, a) in iam.missing_role_arns.iter().enumerate() {
        arn(|| format!("iam.missing_role_arns[{j}]"), a)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_names() {
        for r in [
            "us-east-1",
            "us-gov-west-1",
            "cn-north-1",
            "eu-isoe-west-1",
            "us-isob-east-1",
            "us-isof-south-1",
            "ap-southeast-5",
            "il-central-1",
        ] {
            assert!(is_region(r), "{r}");
        }
        for r in [
            "",
            "us-east",
            "us-1",
            "US-EAST-1",
            "us-east-1a",
            "us-east-",
            "us--east-1",
            "use-east-1",
            "us-east-1 ",
            "global",
            "us-east-١",
            &format!("us-{}-1", "a".repeat(40)),
        ] {
            assert!(!is_region(r), "{r}");
        }
    }

    #[test]
    fn arns_and_accounts() {
        for a in [
            "arn:aws:iam::111122223333:role/x",
            "arn:aws:iam::*:user/*",
            "arn:aws:iam::aws:policy/AdministratorAccess",
            "arn:aws-us-gov:logs:us-gov-west-1:111122223333:log-group:x:*",
            "arn:aws-iso-b:s3:::bucket",
            "arn:aws:cognito-idp:us-east-1:111122223333:userpool/us-east-1_x",
        ] {
            assert!(is_arn(a), "{a}");
        }
        for a in [
            "",
            "arn:aws:iam::111122223333",
            "arn:aws:iam::111122223333:",
            "arn:aws-xyz:iam::111122223333:role/x",
            "arn::iam::1:role/x",
            "arn:aws::us-east-1:1:x",
            "arn:aws:IAM::1:role/x",
            "ARN:aws:iam::1:role/x",
            "role/x",
        ] {
            assert!(!is_arn(a), "{a}");
        }
        assert!(is_account_id("123456789012"));
        for a in [
            "",
            "1",
            "12345678901",
            "1234567890123",
            "12345678901a",
            "１23456789012",
        ] {
            assert!(!is_account_id(a), "{a}");
        }
    }

    #[test]
    fn long_values_are_quoted_short() {
        let q = quote(&"1".repeat(1_300_000));
        assert!(q.len() < 100, "{q}");
        assert!(q.ends_with("(1300000 bytes)"), "{q}");
        assert_eq!(quote("us-east-1"), "`us-east-1`");
    }
}
