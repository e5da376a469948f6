//! IAM: the roles API Gateway uses (the account CloudWatch role, integration and authorizer
//! credentials) with their inline and attached policies. IAM is global: collected once.

use std::collections::BTreeSet;

use aws_sdk_iam::Client;
use tokio::sync::Semaphore;

use super::capped;
use super::convert::url_decode;
use super::errors::collection_error;
use crate::model::{CollectionError, IamPolicy, IamRole, IamSnapshot};
use crate::operations as op;

/// Role name of an IAM role ARN (paths included: `arn:aws:iam::1:role/path/name` -> `name`).
fn role_name(arn: &str) -> Option<&str> {
    let (_, rest) = arn.split_once(":role/")?;
    rest.rsplit('/').next()
}

pub async fn roles(
    client: &Client,
    account: &str,
    arns: &BTreeSet<String>,
    errors: &mut Vec<CollectionError>,
    cap: &Semaphore,
) -> IamSnapshot {
    let mut snap = IamSnapshot::default();
    for arn in arns {
        let Some(name) = role_name(arn) else { continue };
        // A role of another account cannot be read from this one; looking it up by name here
        // would find the wrong role or call it missing.
        if arn.split(':').nth(4).is_some_and(|a| a != account) {
            errors.push(CollectionError {
                account_id: None,
                service: op::GET_ROLE.service.into(),
                operation: op::GET_ROLE.name.into(),
                region: None,
                resource: Some(arn.clone()),
                code: "CrossAccountRole".into(),
                message: "the role belongs to another account: scan that account to evaluate it"
                    .into(),
                missing_permission: None,
            });
            continue;
        }
        let got = match capped(cap, client.get_role().role_name(name).send()).await {
            Ok(r) => r,
            Err(e)
                if e.as_service_error()
                    .is_some_and(|s| s.is_no_such_entity_exception()) =>
            {
                snap.missing_role_arns.push(arn.clone());
                continue;
            }
            Err(e) => {
                errors.push(collection_error(&e, &op::GET_ROLE, None, Some(arn)));
                continue;
            }
        };
        let mut role = IamRole {
            arn: got
                .role()
                .map(|r| r.arn().to_string())
                .unwrap_or_else(|| arn.clone()),
            name: name.to_string(),
            inline_policies: None,
            attached_policies: None,
        };
        let inline = capped(
            cap,
            client
                .list_role_policies()
                .role_name(name)
                .into_paginator()
                .items()
                .send()
                .collect::<Result<Vec<String>, _>>(),
        )
        .await;
        match inline {
            Ok(names) => {
                let mut policies = Vec::new();
                for policy in &names {
                    let got = client
                        .get_role_policy()
                        .role_name(name)
                        .policy_name(policy)
                        .send();
                    match capped(cap, got).await {
                        // A policy whose document failed stays listed, with no document.
                        Ok(p) => policies.push(IamPolicy {
                            name: policy.clone(),
                            arn: None,
                            document: Some(url_decode(p.policy_document())),
                        }),
                        Err(e) => {
                            errors.push(collection_error(
                                &e,
                                &op::GET_ROLE_POLICY,
                                None,
                                Some(arn),
                            ));
                            policies.push(IamPolicy {
                                name: policy.clone(),
                                arn: None,
                                document: None,
                            });
                        }
                    }
                }
                role.inline_policies = Some(policies);
            }
            Err(e) => errors.push(collection_error(
                &e,
                &op::LIST_ROLE_POLICIES,
                None,
                Some(arn),
            )),
        }
        let attached = client
            .list_attached_role_policies()
            .role_name(name)
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>();
        match capped(cap, attached).await {
            Ok(list) => {
                let mut policies = Vec::new();
                for attached in &list {
                    let policy_arn = attached.policy_arn().unwrap_or_default();
                    let document = attached_document(client, policy_arn, errors, cap).await;
                    policies.push(IamPolicy {
                        name: attached.policy_name().unwrap_or_default().into(),
                        arn: Some(policy_arn.into()),
                        document,
                    });
                }
                role.attached_policies = Some(policies);
            }
            Err(e) => errors.push(collection_error(
                &e,
                &op::LIST_ATTACHED_ROLE_POLICIES,
                None,
                Some(arn),
            )),
        }
        snap.roles.push(role);
    }
    snap
}

async fn attached_document(
    client: &Client,
    arn: &str,
    errors: &mut Vec<CollectionError>,
    cap: &Semaphore,
) -> Option<String> {
    let policy = match capped(cap, client.get_policy().policy_arn(arn).send()).await {
        Ok(p) => p,
        Err(e) => {
            errors.push(collection_error(&e, &op::GET_POLICY, None, Some(arn)));
            return None;
        }
    };
    let version = policy.policy().and_then(|p| p.default_version_id())?;
    let got = client
        .get_policy_version()
        .policy_arn(arn)
        .version_id(version)
        .send();
    match capped(cap, got).await {
        Ok(v) => v
            .policy_version()
            .and_then(|v| v.document())
            .map(url_decode),
        Err(e) => {
            errors.push(collection_error(
                &e,
                &op::GET_POLICY_VERSION,
                None,
                Some(arn),
            ));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn role_names() {
        assert_eq!(
            super::role_name("arn:aws:iam::1:role/service/apigw-logs"),
            Some("apigw-logs")
        );
        assert_eq!(super::role_name("arn:aws:iam::1:role/x"), Some("x"));
        assert_eq!(super::role_name("arn:aws:iam::*:user/*"), None);
    }
}
