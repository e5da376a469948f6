use super::AnyApi;
use crate::model::{unknown_value_reason, ConnectionType};
use crate::rules::{each_part, Emitter, RegionContext};

rule!(GW206, "network/GW206-v2-private-integration-no-tls.toml");

/// HTTP API private integrations use HTTPS exactly when `tlsConfig` is set; `serverNameToVerify`
/// only adds SNI and a host name check. WebSocket APIs have no `tlsConfig`: their VPC link
/// integrations name an `https://` or `http://` URL, which GW205 judges.
fn check(ctx: &RegionContext, out: &mut Emitter) {
    for (api, i) in each_part(ctx.http_apis(out), |api| ctx.v2_integrations(api, out)) {
        let target = ctx.scope.v2_integration(api, &i.integration_id);
        match &i.connection_type {
            Some(ConnectionType::VpcLink) => {}
            // It may be a private integration too.
            Some(ConnectionType::Unknown(raw)) => {
                let why = unknown_value_reason("connection type", "connectionType", raw);
                out.undeterminable(
                    target,
                    format_args!(
                        "integration {} of {}: {why}",
                        i.integration_id,
                        AnyApi::V2(api)
                    ),
                )
                .evidence("connection_type", raw);
                continue;
            }
            _ => continue,
        }
        let what = text!(
            "private integration {} of {}",
            i.integration_id,
            AnyApi::V2(api)
        );
        let Some(tls) = &i.tls_config else {
            out.fail(
                target,
                format_args!(
                    "{what} has no TLS configuration: requests travel the VPC link to the load \
                     balancer or service in plaintext"
                ),
            )
            .evidence("connection_type", "VPC_LINK")
            .evidence("connection_id", &i.connection_id)
            .evidence("integration_uri", &i.integration_uri)
            .evidence("tls_config", "none");
            continue;
        };
        let verify = match &tls.server_name_to_verify {
            Some(name) => text!("verifying server name {name}"),
            None => "without a server name to verify".to_string(),
        };
        out.pass(
            target,
            format_args!("{what} uses TLS to its backend, {verify}"),
        )
        .evidence("server_name_to_verify", &tls.server_name_to_verify);
    }
}
