//! Private custom domains across accounts, end to end through the real SDK client: the
//! account's own domains (`GetDomainNames` resourceOwner SELF), the private domains another
//! account shares with it (resourceOwner OTHER_ACCOUNTS) and the domain name access
//! associations of both owners (`GetDomainNameAccessAssociations`, paged). moto implements
//! none of these, so the loopback proxy answers with JSON shaped as the API Gateway REST API
//! reference documents it. GW208 and GW209 judge only the own domain, with its associated VPC
//! endpoints as evidence; refused calls are recorded, naming the call and the permission.

mod support;

use serde_json::Value;
use support::proxy::{self, Action, Fault};
use support::{moto_url, seed};

const REGION: &str = "ap-southeast-2";
const OWN: &str =
    "arn:aws:apigateway:ap-southeast-2:123456789012:/domainnames/api.internal.example.com+d1";
const SHARED: &str =
    "arn:aws:apigateway:ap-southeast-2:444455556666:/domainnames/orders.partner.example.com+p1";

/// `GetDomainNames` resourceOwner SELF (DomainName): a private domain whose execute-api
/// policy is open and whose management policy lets a partner account associate.
const OWN_DOMAINS: &str = r#"{"item":[{"domainName":"api.internal.example.com","domainNameId":"d1",
  "domainNameArn":"arn:aws:apigateway:ap-southeast-2:123456789012:/domainnames/api.internal.example.com+d1",
  "certificateArn":"arn:aws:acm:ap-southeast-2:123456789012:certificate/c1",
  "domainNameStatus":"AVAILABLE","securityPolicy":"TLS_1_2",
  "endpointConfiguration":{"types":["PRIVATE"],"ipAddressType":"dualstack"},
  "policy":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"execute-api:Invoke\",\"Resource\":\"execute-api:/*\"}]}",
  "managementPolicy":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::444455556666:root\"},\"Action\":\"apigateway:CreateAccessAssociation\",\"Resource\":\"arn:aws:apigateway:ap-southeast-2:123456789012:/domainnames/api.internal.example.com+d1\"}]}",
  "tags":{"team":"platform"}}]}"#;

/// `GetDomainNames` resourceOwner OTHER_ACCOUNTS: a partner's domain, of which the consumer
/// sees no configuration (API Gateway developer guide, "API consumer").
const SHARED_DOMAINS: &str = r#"{"item":[{"domainName":"orders.partner.example.com","domainNameId":"p1",
  "domainNameArn":"arn:aws:apigateway:ap-southeast-2:444455556666:/domainnames/orders.partner.example.com+p1"}]}"#;

/// `GetDomainNameAccessAssociations` resourceOwner SELF, first page: this account's endpoint
/// with its own domain; the next page is at `position`.
const OWN_ASSOCIATIONS_1: &str = r#"{"item":[{
  "domainNameAccessAssociationArn":"arn:aws:apigateway:ap-southeast-2:123456789012:/domainnameaccessassociations/domainname/api.internal.example.com+d1/vpcesource/vpce-0own",
  "domainNameArn":"arn:aws:apigateway:ap-southeast-2:123456789012:/domainnames/api.internal.example.com+d1",
  "accessAssociationSourceType":"VPCE","accessAssociationSource":"vpce-0own"}],"position":"page2"}"#;

/// The second page: the same endpoint with the partner's shared domain.
const OWN_ASSOCIATIONS_2: &str = r#"{"item":[{
  "domainNameAccessAssociationArn":"arn:aws:apigateway:ap-southeast-2:123456789012:/domainnameaccessassociations/domainname/orders.partner.example.com+p1/vpcesource/vpce-0own",
  "domainNameArn":"arn:aws:apigateway:ap-southeast-2:444455556666:/domainnames/orders.partner.example.com+p1",
  "accessAssociationSourceType":"VPCE","accessAssociationSource":"vpce-0own","tags":{"env":"prod"}}]}"#;

/// resourceOwner OTHER_ACCOUNTS: the partner's endpoint with this account's domain.
const OTHER_ASSOCIATIONS: &str = r#"{"item":[{
  "domainNameAccessAssociationArn":"arn:aws:apigateway:ap-southeast-2:444455556666:/domainnameaccessassociations/domainname/api.internal.example.com+d1/vpcesource/vpce-0partner",
  "domainNameArn":"arn:aws:apigateway:ap-southeast-2:123456789012:/domainnames/api.internal.example.com+d1",
  "accessAssociationSourceType":"VPCE","accessAssociationSource":"vpce-0partner"}]}"#;

const OTHER_ACCOUNTS: &[&str] = &["resourceOwner=OTHER_ACCOUNTS"];

/// The routes of both tests; `refused` turns the listed requests into AccessDenied. The first
/// route that matches answers, so conditional routes come before plain ones.
fn proxy_config(refused: &[(&'static str, &'static [&'static str])]) -> proxy::Config {
    let mut faults: Vec<Fault> = refused
        .iter()
        .map(|&(path, request_contains)| Fault {
            request_contains,
            ..Fault::always("GET", path, path, Action::Deny)
        })
        .collect();
    faults.extend([
        proxy::answering_when(
            "/domainnames",
            "/domainnames",
            OTHER_ACCOUNTS,
            SHARED_DOMAINS,
        ),
        proxy::answering_when("/domainnames", "/domainnames", &[], OWN_DOMAINS),
        proxy::answering_when(
            "/domainnames/api.internal.example.com",
            "/basepathmappings",
            &["domainNameId=d1"],
            r#"{"item":[]}"#,
        ),
        proxy::answering_when(
            "/domainnameaccessassociations",
            "/domainnameaccessassociations",
            OTHER_ACCOUNTS,
            OTHER_ASSOCIATIONS,
        ),
        proxy::answering_when(
            "/domainnameaccessassociations",
            "/domainnameaccessassociations",
            &["position=page2"],
            OWN_ASSOCIATIONS_2,
        ),
        proxy::answering_when(
            "/domainnameaccessassociations",
            "/domainnameaccessassociations",
            &["resourceOwner=SELF"],
            OWN_ASSOCIATIONS_1,
        ),
    ]);
    proxy::Config {
        faults,
        ..Default::default()
    }
}

fn results<'a>(report: &'a Value, rule: &str) -> Vec<&'a Value> {
    report["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["rule_id"] == rule)
        .collect()
}

fn errors<'a>(snapshot: &'a Value, operation: &str) -> Vec<&'a Value> {
    snapshot["collection_errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["operation"] == operation)
        .collect()
}

#[test]
fn own_and_shared_private_domains_with_their_associations() {
    let p = proxy::start(&moto_url(), proxy_config(&[]));
    let snapshot = support::collect(&p.url, REGION);
    let region = &snapshot["regions"][0];
    let own = &region["domain_names"][0];
    assert_eq!(own["domain_name_arn"], OWN, "{region}");
    assert_eq!(own["resource_owner"], "SELF");
    assert!(own["policy"]
        .as_str()
        .unwrap()
        .contains("execute-api:Invoke"));
    let shared = region["shared_domain_names"].as_array().unwrap();
    assert_eq!(shared.len(), 1, "{region}");
    assert_eq!(shared[0]["domain_name_arn"], SHARED);
    assert_eq!(shared[0]["resource_owner"], "OTHER_ACCOUNTS");
    // Another account's domain shows no configuration: no mappings were asked for.
    assert!(shared[0]["base_path_mappings"].is_null());
    let associations = region["domain_name_access_associations"]
        .as_array()
        .unwrap();
    let found: Vec<(&str, &str, &str)> = associations
        .iter()
        .map(|a| {
            (
                a["access_association_source"].as_str().unwrap(),
                a["domain_name_arn"].as_str().unwrap(),
                a["resource_owner"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            ("vpce-0own", OWN, "SELF"),
            ("vpce-0own", SHARED, "SELF"),
            ("vpce-0partner", OWN, "OTHER_ACCOUNTS"),
        ],
        "both pages of SELF, then OTHER_ACCOUNTS"
    );
    assert_eq!(associations[1]["access_association_source_type"], "VPCE");
    assert_eq!(associations[1]["tags"]["env"], "prod");
    let calls = &snapshot["collection_stats"]["api_calls"];
    assert_eq!(calls["apigateway:GetDomainNames"], 2, "{calls}");
    assert_eq!(calls["apigateway:GetDomainNameAccessAssociations"], 3);
    for op in ["GetDomainNames", "GetDomainNameAccessAssociations"] {
        assert!(errors(&snapshot, op).is_empty(), "{op}: {snapshot}");
    }

    let report = support::scan_json(&snapshot, &["--rules", "GW208,GW209"]);
    for rule in ["GW208", "GW209"] {
        let found = results(&report, rule);
        // The shared domain is the partner's to judge: one result, the own domain's.
        assert_eq!(found.len(), 1, "{rule}: {report}");
        let r = found[0];
        assert_eq!(r["status"], "fail", "{rule}: {r}");
        assert!(r["resource_arn"]
            .as_str()
            .unwrap()
            .ends_with("/domainnames/api.internal.example.com"));
        let endpoints = &r["evidence"]["associated_vpc_endpoints"];
        assert_eq!(
            endpoints,
            &serde_json::json!([
                {"source": "vpce-0own", "source_type": "VPCE", "account": "123456789012"},
                {"source": "vpce-0partner", "source_type": "VPCE", "account": "444455556666"},
            ]),
            "{rule}: {r}"
        );
    }
}

#[test]
fn refused_listings_are_recorded_and_judge_nothing_they_did_not_read() {
    seed(&moto_url(), REGION, &["--rest", "1", "--http", "0"]);
    let p = proxy::start(
        &moto_url(),
        proxy_config(&[
            ("/domainnames", OTHER_ACCOUNTS),
            ("/domainnameaccessassociations", OTHER_ACCOUNTS),
        ]),
    );
    let snapshot = support::collect(&p.url, REGION);
    let region = &snapshot["regions"][0];
    assert!(region["shared_domain_names"].is_null(), "{region}");
    assert!(region["domain_name_access_associations"].is_null());
    let shared = errors(&snapshot, "GetDomainNames");
    assert_eq!(shared.len(), 1, "{snapshot}");
    assert_eq!(shared[0]["code"], "AccessDeniedException");
    assert_eq!(
        shared[0]["resource"],
        "arn:aws:apigateway:ap-southeast-2::/domainnames"
    );
    let associations = errors(&snapshot, "GetDomainNameAccessAssociations");
    assert_eq!(associations.len(), 1, "{snapshot}");
    assert!(associations[0]["missing_permission"]
        .as_str()
        .unwrap()
        .starts_with("apigateway:GET"));

    // The own domain was read: still judged (the shared listing's failure is no gap in it),
    // with the evidence saying the associations are missing and why.
    let report = support::scan_json(&snapshot, &["--rules", "GW208,GW209,GW204"]);
    for rule in ["GW208", "GW209"] {
        let found = results(&report, rule);
        assert_eq!(found.len(), 1, "{rule}: {report}");
        assert_eq!(found[0]["status"], "fail");
        let evidence = found[0]["evidence"]["associated_vpc_endpoints"]
            .as_str()
            .unwrap();
        assert!(
            evidence.contains("GetDomainNameAccessAssociations failed (AccessDeniedException)"),
            "{evidence}"
        );
    }
    // Nor for the exposure analysis, which needs the complete list of the own domains.
    let gw204 = results(&report, "GW204");
    assert!(!gw204.is_empty(), "{report}");
    assert!(gw204.iter().all(|r| r["status"] != "unknown"), "{report}");
    assert_eq!(report["scan"]["complete"], false);

    // The account's own listing refused: nothing to judge, so unknown naming the call, never
    // a pass.
    let p = proxy::start(&moto_url(), proxy_config(&[("/domainnames", &[])]));
    let snapshot = support::collect(&p.url, REGION);
    let report = support::scan_json(&snapshot, &["--rules", "GW208,GW209"]);
    for rule in ["GW208", "GW209"] {
        let found = results(&report, rule);
        assert!(!found.is_empty(), "{rule}: {report}");
        for r in found {
            assert_eq!(r["status"], "unknown", "{rule}: {r}");
            let message = r["message"].as_str().unwrap();
            assert!(
                message.contains("apigateway:GetDomainNames failed (AccessDeniedException)")
                    && message.contains("missing permission apigateway:GET"),
                "{rule}: {message}"
            );
        }
    }
}
