//! Writes a synthetic snapshot for benchmarks: `cargo run --release --example synth_snapshot -- 5000 > big.json`
//! N REST APIs (10 resources x 2 methods, 2 stages) spread over 4 regions, plus N/4 HTTP APIs.

use std::collections::BTreeMap;

use gwaudit::model::*;

fn rest_api(i: usize) -> RestApi {
    let resources = (0..10)
        .map(|r| Resource {
            id: format!("r{i}x{r}"),
            path: format!("/svc{r}/items"),
            parent_id: None,
            methods: ["GET", "POST"]
                .iter()
                .enumerate()
                .map(|(k, m)| Method {
                    http_method: m.to_string(),
                    authorization_type: if (i + r + k) % 3 == 0 {
                        AuthorizationType::None
                    } else {
                        AuthorizationType::AwsIam
                    },
                    authorizer_id: None,
                    api_key_required: (i + r) % 5 == 0,
                    request_validator_id: None,
                    authorization_scopes: vec![],
                    operation_name: None,
                    integration: Some(Integration {
                        integration_type: IntegrationType::AwsProxy,
                        uri: Some(format!(
                            "arn:aws:lambda:us-east-1:111122223333:function:f{i}"
                        )),
                        http_method: Some("POST".into()),
                        connection_type: None,
                        connection_id: None,
                        credentials: None,
                        tls_config: None,
                        timeout_in_millis: None,
                        response_transfer_mode: None,
                    }),
                })
                .collect(),
        })
        .collect();
    let stages = ["dev", "prod"]
        .iter()
        .map(|s| {
            let mut method_settings = BTreeMap::new();
            if i % 2 == 0 {
                method_settings.insert(
                    "*/*".to_string(),
                    Box::new(MethodSetting {
                        logging_level: Some(LoggingLevel::Error),
                        throttling_burst_limit: Some(100),
                        throttling_rate_limit: Some(50.0),
                        ..Default::default()
                    }),
                );
            }
            Stage {
                stage_name: s.to_string(),
                method_settings,
                web_acl_arn: (i % 4 == 0).then(|| {
                    format!("arn:aws:wafv2:us-east-1:111122223333:regional/webacl/a{i}/x")
                }),
                ..Default::default()
            }
        })
        .collect();
    RestApi {
        id: format!("api{i:06}"),
        name: format!("service-{i}"),
        endpoint_types: vec![if i % 7 == 0 { EndpointType::Private } else { EndpointType::Regional }],
        policy: (i % 3 == 0).then(|| {
            r#"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"execute-api:Invoke\",\"Resource\":\"execute-api:\/*\"}]}"#.to_string()
        }),
        resources: Some(resources),
        stages: Some(stages),
        authorizers: Some(vec![]),
        ..Default::default()
    }
}

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(5000);
    let regions = ["us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2"];
    let snapshot = Snapshot {
        schema_version: SCHEMA_V1,
        tool_version: None,
        collected_at: None,
        partition: "aws".into(),
        account_id: "111122223333".into(),
        regions: regions
            .iter()
            .enumerate()
            .map(|(ri, region)| RegionSnapshot {
                region: region.to_string(),
                rest_apis: Some(
                    (0..n)
                        .filter(|i| i % regions.len() == ri)
                        .map(rest_api)
                        .collect(),
                ),
                v2_apis: Some(vec![]),
                domain_names: Some(vec![]),
                usage_plans: Some(vec![]),
                ..Default::default()
            })
            .collect(),
        iam: None,
        collection_errors: vec![],
        collection_stats: None,
    };
    serde_json::to_writer(std::io::stdout().lock(), &snapshot).expect("write snapshot");
}
