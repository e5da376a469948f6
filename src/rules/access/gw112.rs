//! IAM is global but rules run per region: a role is judged in every region where an
//! integration or authorizer uses it, and each result lists that region's users. A role used in
//! two regions therefore appears once per region, which keeps each region's report complete.

use std::collections::BTreeMap;

use crate::analysis::policy::{
    action_grants_whole_service, parse_policy, resource_matches_everything, Effect, Patterns,
    Statement,
};
use crate::model::{IamPolicy, IamRole};
use crate::operations as op;
use crate::rules::{Emitter, RegionContext, ResourceRef};

rule!(GW112, "access/GW112-integration-role-overbroad.toml");

/// The actions an Allow statement grants on every resource that make it overbroad, if any:
/// `*` or a whole service (`s3:*`, `*:*`; narrower wildcards such as `s3:Get*` are not), on
/// `*` or an ARN pattern that matches every resource (`arn:aws:s3:::*`). `NotAction` grants
/// every action of every service except the listed ones, so it always is.
/// Conditions and Deny statements are not credited: they rarely narrow `*` to what the
/// integration needs, and a role meant to invoke one backend should not need them.
fn overbroad_grant(stmt: &Statement) -> Option<String> {
    if stmt.effect != Effect::Allow {
        return None;
    }
    let on = match &stmt.resources {
        Patterns::Listed(r) => {
            let every: Vec<&str> = r
                .iter()
                .map(|r| r.trim())
                .filter(|r| resource_matches_everything(r))
                .collect();
            if every.is_empty() {
                return None;
            }
            text!("Resource {}", every.join(", "))
        }
        Patterns::AllExcept(r) => text!("NotResource {}", r.join(", ")),
    };
    let grant = match &stmt.actions {
        Patterns::Listed(a) => {
            let broad: Vec<&str> = a
                .iter()
                .map(String::as_str)
                .filter(|a| action_grants_whole_service(a))
                .collect();
            if broad.is_empty() {
                return None;
            }
            text!("Action {}", broad.join(", "))
        }
        Patterns::AllExcept(a) => text!("NotAction {}", a.join(", ")),
    };
    let conditioned = if stmt.conditions.is_empty() {
        ""
    } else {
        " (conditioned)"
    };
    Some(text!(
        "statement {}: Allow {grant} on {on}{conditioned}",
        stmt.label
    ))
}

/// Role name of a role ARN, paths dropped (`arn:aws:iam::1:role/path/name` -> `name`).
fn role_name(arn: &str) -> Option<&str> {
    arn.split_once(":role/")?.1.rsplit('/').next()
}

/// One part of an API (its integrations or its authorizers) as `(role ARN if any, user)`, or
/// why it is unknown.
type Users<'a> = Result<Vec<(Option<&'a String>, String)>, String>;

/// Every role ARN used in this region, with who uses it. An API whose parts were not collected
/// gets one `unknown` naming every failed call.
fn used_roles(ctx: &RegionContext, out: &mut Emitter) -> BTreeMap<String, Vec<String>> {
    let mut used = BTreeMap::new();
    for api in ctx.rest_apis(out) {
        let label = text!("REST API {} ({})", api.name, api.id);
        let integrations = ctx.methods_of(api).map(|methods| {
            methods
                .into_iter()
                .map(|(r, m)| {
                    let creds = m.integration.as_ref().and_then(|i| i.credentials.as_ref());
                    let user = text!("{label} {} {} integration", m.http_method, r.path);
                    (creds, user)
                })
                .collect()
        });
        let authorizers = ctx.rest_authorizers_of(api).map(|list| {
            list.iter()
                .map(|a| {
                    let user = text!("{label} authorizer {}", a.name);
                    (a.authorizer_credentials.as_ref(), user)
                })
                .collect()
        });
        let target = ctx.scope.rest_api(api);
        record(&mut used, out, target, &label, [integrations, authorizers]);
    }
    for api in ctx.v2_apis(out) {
        let label = text!("API {} ({})", api.name, api.api_id);
        let integrations = ctx.integrations_of(api).map(|list| {
            list.iter()
                .map(|i| {
                    let user = text!("{label} integration {}", i.integration_id);
                    (i.credentials_arn.as_ref(), user)
                })
                .collect()
        });
        let authorizers = ctx.v2_authorizers_of(api).map(|list| {
            list.iter()
                .map(|a| {
                    let user = text!("{label} authorizer {}", a.name);
                    (a.authorizer_credentials_arn.as_ref(), user)
                })
                .collect()
        });
        let target = ctx.scope.v2_api(api);
        record(&mut used, out, target, &label, [integrations, authorizers]);
    }
    used
}

/// Adds one API's role users to `used`; one `unknown` on the API names every part that was not
/// collected.
fn record(
    used: &mut BTreeMap<String, Vec<String>>,
    out: &mut Emitter,
    target: ResourceRef,
    label: &str,
    parts: [Users; 2],
) {
    let mut missing = Vec::new();
    for part in parts {
        match part {
            Ok(users) => {
                for (arn, user) in users {
                    // Caller-credential passthrough (`arn:aws:iam::*:user/*`) names no role.
                    if let Some(arn) = arn.filter(|a| a.contains(":role/")) {
                        used.entry(arn.clone()).or_default().push(user);
                    }
                }
            }
            Err(reason) => missing.push(reason),
        }
    }
    if !missing.is_empty() {
        out.unknown(
            target,
            format_args!(
                "the IAM roles {label} uses are unknown: {}",
                missing.join("; ")
            ),
        );
    }
}

/// What the role's readable policies grant too broadly, and what could not be read.
#[derive(Default)]
struct Review {
    overbroad: Vec<String>,
    unreadable: Vec<String>,
    policies: usize,
}

fn review_policies(ctx: &RegionContext, role: &IamRole) -> Review {
    let mut review = Review::default();
    let lists = [
        ("inline", &role.inline_policies, &op::LIST_ROLE_POLICIES),
        (
            "attached",
            &role.attached_policies,
            &op::LIST_ATTACHED_ROLE_POLICIES,
        ),
    ];
    for (kind, list, operation) in lists {
        let Some(policies) = list else {
            review.unreadable.push(text!(
                "{kind} policies: {}",
                ctx.reason(operation, Some(&role.arn))
            ));
            continue;
        };
        for policy in policies {
            review.policies += 1;
            let name = match &policy.arn {
                Some(arn) => text!("{kind} policy {} ({arn})", policy.name),
                None => text!("{kind} policy {}", policy.name),
            };
            let Some(document) = &policy.document else {
                review
                    .unreadable
                    .push(text!("{name}: {}", document_reason(ctx, role, policy)));
                continue;
            };
            match parse_policy(document) {
                Ok(doc) => review.overbroad.extend(
                    doc.statements
                        .iter()
                        .filter_map(overbroad_grant)
                        .map(|g| text!("{name} {g}")),
                ),
                Err(e) => review.unreadable.push(text!("{name}: {e}")),
            }
        }
    }
    review
}

/// Why a policy document is missing: inline documents come from GetRolePolicy (about the
/// role), managed ones from GetPolicy then GetPolicyVersion (about the policy).
fn document_reason(ctx: &RegionContext, role: &IamRole, policy: &IamPolicy) -> String {
    let Some(arn) = &policy.arn else {
        return ctx.reason(&op::GET_ROLE_POLICY, Some(&role.arn));
    };
    let operation = if ctx.failed_for(&op::GET_POLICY_VERSION, arn) {
        &op::GET_POLICY_VERSION
    } else {
        &op::GET_POLICY
    };
    ctx.reason(operation, Some(arn))
}

fn check(ctx: &RegionContext, out: &mut Emitter) {
    let iam = ctx.iam();
    for (arn, users) in used_roles(ctx, out) {
        let name = role_name(&arn).unwrap_or(&arn);
        let target = ctx.scope.external("iam", &arn, text!("IAM role {name}"));
        // GetRole resolves the name, so a referenced ARN without the role's path still matches.
        let role = iam.and_then(|iam| {
            iam.roles.iter().find(|r| r.arn == arn).or_else(|| {
                iam.roles
                    .iter()
                    .find(|r| role_name(&r.arn) == Some(name) && same_account(&r.arn, &arn))
            })
        });
        let Some(role) = role else {
            if iam.is_some_and(|iam| iam.missing_role_arns.contains(&arn)) {
                out.pass(
                    target,
                    format_args!(
                        "IAM role {name} does not exist, so it grants nothing (the integrations \
                         and authorizers that use it fail until it is fixed)"
                    ),
                )
                .evidence("role_exists", false)
                .evidence("used_by", users);
            } else {
                let reason = ctx.reason(&op::GET_ROLE, Some(&arn));
                let cause = ctx.cause(&op::GET_ROLE, Some(&arn));
                out.unknown_because(
                    target,
                    format_args!("IAM role {name} was not read: {reason}"),
                    cause,
                )
                .evidence("used_by", users);
            }
            continue;
        };
        let review = review_policies(ctx, role);
        let f = if !review.overbroad.is_empty() {
            out.fail(
                target,
                format_args!(
                    "IAM role {name}, assumed by API Gateway, allows `*`, a whole service or \
                     everything but a few actions (NotAction) on every resource: {}",
                    review.overbroad.join("; ")
                ),
            )
            .evidence("overbroad_statements", &review.overbroad)
            .evidence("unreadable_policies", &review.unreadable)
        } else if !review.unreadable.is_empty() {
            out.unknown(
                target,
                format_args!(
                    "IAM role {name}: no overbroad statement in the policies read, but some could \
                     not be read: {}",
                    review.unreadable.join("; ")
                ),
            )
            .evidence("unreadable_policies", &review.unreadable)
        } else {
            out.pass(
                target,
                format_args!(
                    "IAM role {name}: no statement in its policies ({}) allows `*`, a whole \
                     service or NotAction on every resource",
                    review.policies
                ),
            )
            .evidence("policies", review.policies)
        };
        f.evidence("used_by", users);
    }
}

fn same_account(a: &str, b: &str) -> bool {
    a.split(':').nth(4) == b.split(':').nth(4)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grants(doc: &str) -> Vec<String> {
        parse_policy(doc)
            .unwrap()
            .statements
            .iter()
            .filter_map(overbroad_grant)
            .collect()
    }

    #[test]
    fn whole_service_and_star_actions_on_star_resources() {
        let p = |a: &str, r: &str| {
            format!(r#"{{"Statement":[{{"Effect":"Allow","Action":{a},"Resource":{r}}}]}}"#)
        };
        assert_eq!(grants(&p(r#""*""#, r#""*""#)).len(), 1);
        assert_eq!(
            grants(&p(r#"["s3:GetObject","s3:*"]"#, r#"["*"]"#)).len(),
            1
        );
        assert_eq!(grants(&p(r#""*:*""#, r#""*""#)).len(), 1);
        assert!(grants(&p(r#""s3:Get*""#, r#""*""#)).is_empty());
        assert!(grants(&p(r#""*""#, r#""arn:aws:s3:::bucket/*""#)).is_empty());
        assert_eq!(
            grants(&p(r#""s3:*""#, r#""arn:aws:s3:::*""#)),
            vec!["statement #0: Allow Action s3:* on Resource arn:aws:s3:::*".to_string()]
        );
        assert_eq!(grants(&p(r#""s3:?*""#, r#""*""#)).len(), 1);
        assert!(grants(&p(r#""lambda:InvokeFunction""#, r#""*""#)).is_empty());
        let deny = r#"{"Statement":{"Effect":"Deny","Action":"*","Resource":"*"}}"#;
        assert!(grants(deny).is_empty());
    }

    #[test]
    fn not_action_and_not_resource_are_overbroad() {
        let not_action =
            r#"{"Statement":[{"Effect":"Allow","NotAction":["iam:*"],"Resource":"*"}]}"#;
        assert_eq!(
            grants(not_action),
            vec!["statement #0: Allow NotAction iam:* on Resource *".to_string()]
        );
        let not_resource = r#"{"Statement":[{"Sid":"S","Effect":"Allow","Action":"sqs:*","NotResource":"arn:aws:sqs:*:*:x"}]}"#;
        assert_eq!(grants(not_resource).len(), 1);
    }

    #[test]
    fn role_names_drop_paths() {
        assert_eq!(role_name("arn:aws:iam::1:role/svc/apigw"), Some("apigw"));
        assert_eq!(role_name("arn:aws:iam::*:user/*"), None);
    }

    #[test]
    fn iam_not_collected_is_unknown() {
        let snapshot: crate::model::Snapshot = serde_json::from_value(serde_json::json!({
            "schema_version": 1,
            "account_id": "111122223333",
            "regions": [{"region": "us-east-1", "v2_apis": [], "rest_apis": [{
                "id": "a", "name": "a", "authorizers": [], "resources": [{"id": "r", "path": "/",
                "methods": [{"http_method": "GET", "authorization_type": "NONE",
                  "integration": {"type": "AWS", "credentials": "arn:aws:iam::111122223333:role/x"}}]}]
            }]}]
        }))
        .unwrap();
        let selection = crate::rules::Selection {
            include: vec!["GW112".into()],
            exclude: vec![],
        };
        let found = crate::rules::evaluate(&snapshot.into(), &selection, &Default::default());
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].status, crate::rules::Status::Unknown);
        assert_eq!(found[0].resource.arn, "arn:aws:iam::111122223333:role/x");
    }
}
