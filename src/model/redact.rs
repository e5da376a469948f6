//! Secret-looking stage variable values and routing-rule header values, and credentials
//! inside integration and authorizer URIs, are replaced before a snapshot exists, so no output, log or file of gwaudit ever holds
//! them. The variable name stays, so rules can still report that a secret was there.

use std::collections::BTreeMap;

use super::{RestApi, Snapshot};

use crate::secrets::{detect, redact_uri, redaction_marker, should_redact};

/// Redacts every secret-looking stage variable and canary override, and every URI holding a
/// credential, in place; returns how many values were replaced.
pub fn redact_secrets(snapshot: &mut Snapshot) -> usize {
    let mut n = 0;
    for region in &mut snapshot.regions {
        // Most of a large snapshot is REST APIs: a tenth of loading one was redacting them on
        // one core (perf).
        if let Some(apis) = region.rest_apis.as_deref_mut() {
            n += crate::cores::sum_each_mut(apis, redact_rest_api);
        }
        for api in region.v2_apis.iter_mut().flatten() {
            for i in api.integrations.iter_mut().flatten() {
                n += scrub_uri(&mut i.integration_uri);
            }
            for a in api.authorizers.iter_mut().flatten() {
                n += scrub_uri(&mut a.authorizer_uri);
            }
            for stage in api.stages.iter_mut().flatten() {
                n += scrub_variables(&mut stage.stage_variables);
            }
        }
        // A routing rule may route on a secret header (`x-api-key: <key>`): its value glob is
        // the secret itself.
        let headers = region
            .domain_names
            .iter_mut()
            .flatten()
            .flat_map(|d| d.routing_rules.iter_mut().flatten())
            .flat_map(|r| r.conditions.iter_mut())
            .flat_map(|c| c.match_headers.iter_mut().flatten());
        for h in headers {
            if should_redact(&h.header, &h.value_glob) {
                h.value_glob = redaction_marker(detect(&h.header, &h.value_glob));
                n += 1;
            }
        }
    }
    n
}

/// One REST API's integration and authorizer URIs, stage variables and canary overrides.
fn redact_rest_api(api: &mut RestApi) -> usize {
    let mut n = 0;
    for resource in api.resources.iter_mut().flatten() {
        for method in &mut resource.methods {
            if let Some(i) = method.integration.as_mut() {
                n += scrub_uri(&mut i.uri);
            }
        }
    }
    for a in api.authorizers.iter_mut().flatten() {
        n += scrub_uri(&mut a.authorizer_uri);
    }
    for stage in api.stages.iter_mut().flatten() {
        n += scrub_variables(&mut stage.variables);
        if let Some(c) = stage.canary_settings.as_mut() {
            n += scrub_variables(&mut c.stage_variable_overrides);
        }
    }
    n
}

fn scrub_uri(uri: &mut Option<String>) -> usize {
    match uri.as_deref().and_then(redact_uri) {
        Some(clean) => {
            *uri = Some(clean);
            1
        }
        None => 0,
    }
}

fn scrub_variables(vars: &mut BTreeMap<String, String>) -> usize {
    let mut n = 0;
    for (k, v) in vars.iter_mut() {
        if should_redact(k, v) {
            // The marker keeps what was found, so GW307 can still report it.
            *v = redaction_marker(detect(k, v));
            n += 1;
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::redact_secrets;
    use crate::model::{RegionSnapshot, RestApi, Snapshot, Stage, SCHEMA_VERSION};
    use crate::secrets::parse_marker;

    #[test]
    fn secrets_become_markers_that_keep_the_kind() {
        let key = format!("AKIA{}", "IOSFODNN7EXAMPLE");
        let vars = BTreeMap::from([
            ("accessKey".to_string(), key.clone()),
            ("dbPassword".to_string(), "hunter2".to_string()),
            // A plain word is no proof of a credential, but may be the password itself.
            (
                "smtppassword".to_string(),
                "correcthorsebatterystaple".to_string(),
            ),
            ("backendHost".to_string(), "orders.internal".to_string()),
        ]);
        let mut snapshot = Snapshot {
            schema_version: SCHEMA_VERSION,
            tool_version: None,
            collected_at: None,
            partition: "aws".into(),
            account_id: "123456789012".into(),
            regions: vec![RegionSnapshot {
                region: "eu-west-1".into(),
                rest_apis: Some(vec![RestApi {
                    stages: Some(vec![Stage {
                        variables: vars,
                        ..Default::default()
                    }]),
                    ..Default::default()
                }]),
                ..Default::default()
            }],
            iam: None,
            collection_errors: vec![],
            collection_stats: None,
        };
        assert_eq!(redact_secrets(&mut snapshot), 3);
        // Idempotent: markers are not redacted again.
        assert_eq!(redact_secrets(&mut snapshot), 0);
        let stage = &snapshot.regions[0].rest_apis.as_ref().unwrap()[0]
            .stages
            .as_ref()
            .unwrap()[0];
        let kind = |k: &str| parse_marker(&stage.variables[k]);
        assert_eq!(
            kind("accessKey").unwrap().unwrap().as_str(),
            "aws-access-key-id"
        );
        assert_eq!(kind("dbPassword"), Some(None));
        assert_eq!(kind("smtppassword"), Some(None));
        assert_eq!(stage.variables["backendHost"], "orders.internal");
        let dump = format!("{snapshot:?}");
        assert!(!dump.contains(&key) && !dump.contains("correcthorse"));
    }
}

#[cfg(test)]
mod routing_rule_tests {
    use super::redact_secrets;
    use crate::model::parse_snapshot;

    /// A routing rule keyed on an API key header holds the key: it never reaches a snapshot.
    #[test]
    fn a_secret_header_value_of_a_routing_rule_is_redacted() {
        let key = format!("ghp_{}", "a".repeat(36));
        let doc = serde_json::json!({"schema_version": 1, "account_id": "111122223333",
            "regions": [{"region": "us-east-1", "domain_names": [{"domain_name": "d.example.com",
                "routing_mode": "ROUTING_RULE_ONLY",
                "routing_rules": [{"routing_rule_id": "r1", "conditions": [{"match_headers": [
                    {"header": "x-api-key", "value_glob": key},
                    {"header": "x-version", "value_glob": "2*"}]}]}]}]}]});
        let mut org = parse_snapshot(&doc.to_string(), "t").unwrap();
        let text = serde_json::to_string(&org).unwrap();
        assert!(!text.contains(&key), "redacted at load: {text}");
        assert!(text.contains("\"2*\""), "{text}");
        // Loading redacted it already; a second pass finds nothing left.
        assert_eq!(redact_secrets(&mut org.accounts[0]), 0);
    }
}
