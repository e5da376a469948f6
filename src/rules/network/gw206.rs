use crate::model::{ConnectionType, ProtocolType};
use crate::rules::{Emitter, RegionContext, RuleDef};

pub static RULE: RuleDef = RuleDef {
    id: "GW206",
    metadata: include_str!("../../../rules/network/GW206-v2-private-integration-no-tls.toml"),
    check,
};

/// HTTP API private integrations use HTTPS exactly when `tlsConfig` is set; `serverNameToVerify`
/// only adds SNI and a host name check. WebSocket APIs have no `tlsConfig`: their VPC link
/// integrations name an `https://` or `http://` URL, which GW205 judges.
fn check(ctx: &RegionContext, out: &mut Emitter) {
    let apis = ctx.v2_apis(out);
    for api in apis
        .iter()
        .filter(|a| a.protocol_type == ProtocolType::Http)
    {
        let Some(integrations) = ctx.v2_integrations(api, out) else {
            continue;
        };
        for i in integrations
            .iter()
            .filter(|i| i.connection_type == Some(ConnectionType::VpcLink))
        {
            let target = ctx.scope.v2_integration(api, &i.integration_id);
            let what = format!(
                "private integration {} of HTTP API {} ({})",
                i.integration_id, api.name, api.api_id
            );
            match &i.tls_config {
                Some(tls) => {
                    let verify = match &tls.server_name_to_verify {
                        Some(name) => format!("verifying server name {name}"),
                        None => "without a server name to verify".to_string(),
                    };
                    out.pass(target, format!("{what} uses TLS to its backend, {verify}"))
                        .evidence("server_name_to_verify", &tls.server_name_to_verify);
                }
                None => {
                    out.fail(
                        target,
                        format!(
                            "{what} has no TLS configuration: requests travel the VPC link to \
                             the load balancer or service in plaintext"
                        ),
                    )
                    .evidence("connection_type", "VPC_LINK")
                    .evidence("connection_id", &i.connection_id)
                    .evidence("integration_uri", &i.integration_uri)
                    .evidence("tls_config", "none");
                }
            }
        }
    }
}
