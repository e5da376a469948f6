use crate::model::{ConnectionType, IntegrationType};
use crate::rules::{Emitter, RegionContext, ResourceRef};

rule!(
    GW110,
    "access/GW110-backend-client-certificate-missing.toml"
);

/// API Gateway presents the stage's client certificate only to HTTP backends; Lambda, AWS
/// service and MOCK integrations authenticate (or need nothing) another way. Private (VPC_LINK)
/// HTTP integrations are included: the certificate is presented on any TLS connection to an
/// HTTP backend, and a VPC boundary does not tell the backend that the caller is the gateway.
/// Integration URIs are left out of the description: they may carry credentials.
fn http_backend(t: IntegrationType, c: Option<ConnectionType>) -> Option<String> {
    let t = match t {
        IntegrationType::HttpProxy => "HTTP_PROXY",
        IntegrationType::Http => "HTTP",
        _ => return None,
    };
    Some(match c {
        Some(ConnectionType::VpcLink) => format!("{t} via VPC link"),
        _ => t.to_string(),
    })
}

fn check(ctx: &RegionContext, out: &mut Emitter) {
    for (api, stage) in ctx.rest_stages(out) {
        let backends = ctx.methods_of(api).map(|methods| {
            methods
                .into_iter()
                .filter_map(|(r, m)| {
                    let i = m.integration.as_ref()?;
                    let backend = http_backend(i.integration_type, i.connection_type)?;
                    Some(format!("{} {} ({backend})", m.http_method, r.path))
                })
                .collect()
        });
        let target = ctx.scope.rest_stage(api, stage);
        judge(
            out,
            target,
            "stage",
            &stage.stage_name,
            stage.client_certificate(),
            backends,
        );
    }
    // HTTP APIs cannot present a client certificate to their backends (not applicable);
    // WebSocket stages can, for their HTTP integrations.
    for (api, stage) in ctx.websocket_stages(out) {
        let backends = ctx.integrations_of(api).map(|list| {
            list.iter()
                .filter_map(|i| {
                    let backend = http_backend(i.integration_type, i.connection_type)?;
                    Some(format!("integration {} ({backend})", i.integration_id))
                })
                .collect()
        });
        let target = ctx.scope.v2_stage(api, stage);
        judge(
            out,
            target,
            "WebSocket stage",
            &stage.stage_name,
            stage.client_certificate(),
            backends,
        );
    }
}

/// `backends`: the stage's HTTP integrations, or why they are unknown.
fn judge(
    out: &mut Emitter,
    target: ResourceRef,
    what: &str,
    stage: &str,
    certificate: Option<&str>,
    backends: Result<Vec<String>, String>,
) {
    let backends = match backends {
        Ok(b) if b.is_empty() => return,
        Ok(b) => b,
        Err(reason) => {
            out.unknown(
                target,
                format!("whether {what} {stage} calls HTTP backends is unknown: {reason}"),
            );
            return;
        }
    };
    let f = match certificate {
        Some(id) => out.pass(
            target,
            format!(
                "stage {stage} presents client certificate {id} to its HTTP backends: {}",
                backends.join(", ")
            ),
        ),
        None => out.fail(
            target,
            format!(
                "stage {stage} calls HTTP backends without a client certificate, so they cannot \
                 tell API Gateway from any other caller: {}",
                backends.join(", ")
            ),
        ),
    };
    f.evidence("client_certificate_id", certificate)
        .evidence("http_integrations", backends);
}
