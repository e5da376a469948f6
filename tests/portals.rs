//! Developer portals (apigatewayv2 `ListPortals`, `ListPortalProducts`,
//! `ListProductRestEndpointPages`), end to end through the real SDK client. moto does not
//! implement portals, so the loopback proxy answers with JSON shaped as the API reference
//! documents it: one portal published without sign-in, one that signs readers in with Cognito
//! and enables "try it" on a product page, and one that includes a product the product list
//! lacks (shared from another account). GW113 judges the first two and answers unknown for
//! the third, whose missing product is a recorded collection error.

mod support;

use serde_json::Value;
use support::proxy;
use support::{moto_url, seed};

const REGION: &str = "sa-east-1";

const PORTALS: &str = r#"{"items":[
  {"portalId":"open1","portalArn":"arn:aws:apigateway:sa-east-1:123456789012:/portals/open1",
   "publishStatus":"PUBLISHED","authorization":{"none":{}},
   "portalContent":{"displayName":"partners","theme":{"customColors":{}}},
   "endpointConfiguration":{"portalDomainHostedZoneId":"Z1","portalDefaultDomainName":"open1.portal.example"},
   "includedPortalProductArns":[]},
  {"portalId":"sso1","portalArn":"arn:aws:apigateway:sa-east-1:123456789012:/portals/sso1",
   "publishStatus":"PUBLISHED",
   "authorization":{"cognitoConfig":{"appClientId":"c1","userPoolArn":"arn:aws:cognito-idp:sa-east-1:123456789012:userpool/sa-east-1_x","userPoolDomain":"https://login.example"}},
   "portalContent":{"displayName":"internal","theme":{"customColors":{}}},
   "includedPortalProductArns":["arn:aws:apigateway:sa-east-1:123456789012:/portalproducts/pp1"]},
  {"portalId":"sso2","portalArn":"arn:aws:apigateway:sa-east-1:123456789012:/portals/sso2",
   "publishStatus":"PUBLISHED",
   "authorization":{"cognitoConfig":{"appClientId":"c1","userPoolArn":"arn:aws:cognito-idp:sa-east-1:123456789012:userpool/sa-east-1_x","userPoolDomain":"https://login.example"}},
   "portalContent":{"displayName":"partners-shared","theme":{"customColors":{}}},
   "includedPortalProductArns":["arn:aws:apigateway:sa-east-1:123456789012:/portalproducts/pp1",
     "arn:aws:apigateway:sa-east-1:444455556666:/portalproducts/shared9"]}]}"#;

const PRODUCTS: &str = r#"{"items":[{"portalProductId":"pp1",
  "portalProductArn":"arn:aws:apigateway:sa-east-1:123456789012:/portalproducts/pp1",
  "displayName":"orders","description":"Orders API","lastModified":"2025-11-20T10:00:00Z"}]}"#;

#[test]
fn portals_are_collected_and_judged() {
    let moto = moto_url();
    let seeded = seed(&moto, REGION, &["--rest", "1", "--http", "0"]);
    let api_id = seeded["rest"][0].as_str().unwrap().to_string();
    // The seeded API's methods (moto: authorization NONE) on a try-it page.
    let pages: &'static str = Box::leak(
        format!(
            r#"{{"items":[{{"productRestEndpointPageId":"pg1","tryItState":"ENABLED",
              "status":"AVAILABLE",
              "restEndpointIdentifier":{{"identifierParts":{{"restApiId":"{api_id}","stage":"prod","method":"GET","path":"/r0"}}}}}}]}}"#
        )
        .into_boxed_str(),
    );
    let p = proxy::start(
        &moto,
        proxy::answering(&[
            ("/v2/portals", "/v2/portals", PORTALS),
            ("/v2/portalproducts", "/v2/portalproducts", PRODUCTS),
            ("/v2/portalproducts/pp1", "/productrestendpointpages", pages),
        ]),
    );
    let snapshot = support::collect(&p.url, REGION);
    let region = &snapshot["regions"][0];
    let portals = region["portals"].as_array().expect("portals collected");
    assert_eq!(portals.len(), 3, "{region}");
    assert_eq!(portals[0]["publish_status"], "PUBLISHED");
    assert!(portals[0]
        .get("cognito_user_pool_arn")
        .is_none_or(Value::is_null));
    assert!(portals[1]["cognito_user_pool_arn"]
        .as_str()
        .unwrap()
        .contains("userpool"));
    let page = &region["portal_products"][0]["rest_endpoint_pages"][0];
    assert_eq!(page["try_it_state"], "ENABLED");
    assert_eq!(page["rest_api_id"], api_id.as_str());
    let errors: Vec<&Value> = snapshot["collection_errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| {
            e["operation"].as_str().unwrap().contains("Portal")
                || e["operation"] == "ListProductRestEndpointPages"
        })
        .collect();
    // Only the product sso2 includes and the list lacks, named once.
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0]["operation"], "ListPortalProducts");
    // Its ARN names another account than the portal's: shared, never in this account's list.
    assert_eq!(errors[0]["code"], "SharedFromOtherAccount");
    assert!(errors[0]["resource"]
        .as_str()
        .unwrap()
        .ends_with("/portalproducts/shared9"));

    let report = support::scan_json(&snapshot, &["--rules", "GW113"]);
    let by_portal = |id: &str| -> Value {
        report["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| {
                r["resource_arn"]
                    .as_str()
                    .unwrap()
                    .ends_with(&format!("/portals/{id}"))
            })
            .cloned()
            .unwrap_or_else(|| panic!("no GW113 result for {id}: {report}"))
    };
    assert_eq!(by_portal("open1")["status"], "fail");
    // The seeded method has authorization NONE: try it there exposes nothing new.
    assert_eq!(by_portal("sso1")["status"], "pass");
    // The same page, but a product whose pages were never read: never a pass.
    let sso2 = by_portal("sso2");
    assert_eq!(sso2["status"], "unknown", "{sso2}");
    assert!(sso2["message"].as_str().unwrap().contains("shared9"));
    // The API could list another account's product; this version does not ask: a gap.
    assert_eq!(sso2["unknown_cause"], "not_collected", "{sso2}");
}
