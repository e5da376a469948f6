use crate::collect::operations as op;
use crate::model::{ConnectionType, IntegrationType, ProtocolType};
use crate::rules::{Emitter, RegionContext, ResourceRef, RuleDef};

pub static RULE: RuleDef = RuleDef {
    id: "GW110",
    metadata: include_str!("../../../rules/access/GW110-backend-client-certificate-missing.toml"),
    check,
};

/// API Gateway presents the stage's client certificate only to HTTP backends; Lambda, AWS
/// service and MOCK integrations authenticate (or need nothing) another way. Private (VPC_LINK)
/// HTTP integrations are included: the certificate is presented on any TLS connection to an
/// HTTP backend, and a VPC boundary does not tell the backend that the caller is the gateway.
fn is_http(t: IntegrationType) -> bool {
    matches!(t, IntegrationType::Http | IntegrationType::HttpProxy)
}

fn describe(t: IntegrationType, c: Option<ConnectionType>) -> String {
    let t = match t {
        IntegrationType::HttpProxy => "HTTP_PROXY",
        _ => "HTTP",
    };
    match c {
        Some(ConnectionType::VpcLink) => format!("{t} via VPC link"),
        _ => t.to_string(),
    }
}

fn check(ctx: &RegionContext, out: &mut Emitter) {
    check_rest(ctx, out);
    check_websocket(ctx, out);
}

fn check_rest(ctx: &RegionContext, out: &mut Emitter) {
    let apis = ctx.rest_apis(out);
    for api in apis {
        let Some(stages) = ctx.stages(api, out) else {
            continue;
        };
        // Integration URIs are left out of the evidence: they may carry credentials.
        let backends: Option<Vec<String>> = api.resources.as_ref().map(|_| {
            api.methods()
                .filter_map(|(r, m)| {
                    let i = m.integration.as_ref()?;
                    is_http(i.integration_type).then(|| {
                        format!(
                            "{} {} ({})",
                            m.http_method,
                            r.path,
                            describe(i.integration_type, i.connection_type)
                        )
                    })
                })
                .collect()
        });
        for stage in stages {
            let target = ctx.scope.rest_stage(api, stage);
            let Some(backends) = &backends else {
                let reason = ctx.reason(&op::GET_RESOURCES, Some(&ctx.scope.rest_api(api).arn));
                out.unknown(
                    target,
                    format!(
                        "whether stage {} calls HTTP backends is unknown: {reason}",
                        stage.stage_name
                    ),
                );
                continue;
            };
            judge(
                out,
                target,
                &stage.stage_name,
                stage.client_certificate(),
                backends,
            );
        }
    }
}

/// HTTP APIs cannot present a client certificate to their backends (not applicable); WebSocket
/// stages can, for their HTTP integrations.
fn check_websocket(ctx: &RegionContext, out: &mut Emitter) {
    let apis = ctx.v2_apis(out);
    for api in apis
        .iter()
        .filter(|a| a.protocol_type == ProtocolType::Websocket)
    {
        let Some(stages) = ctx.api_v2_stages(api, out) else {
            continue;
        };
        let backends: Option<Vec<String>> = api.integrations.as_ref().map(|list| {
            list.iter()
                .filter(|i| is_http(i.integration_type))
                .map(|i| {
                    format!(
                        "integration {} ({})",
                        i.integration_id,
                        describe(i.integration_type, i.connection_type)
                    )
                })
                .collect()
        });
        for stage in stages {
            let target = ctx.scope.v2_stage(api, stage);
            let Some(backends) = &backends else {
                let reason = ctx.reason(&op::GET_INTEGRATIONS, Some(&ctx.scope.v2_api(api).arn));
                out.unknown(
                    target,
                    format!(
                        "whether WebSocket stage {} calls HTTP backends is unknown: {reason}",
                        stage.stage_name
                    ),
                );
                continue;
            };
            judge(
                out,
                target,
                &stage.stage_name,
                stage.client_certificate(),
                backends,
            );
        }
    }
}

fn judge(
    out: &mut Emitter,
    target: ResourceRef,
    stage: &str,
    certificate: Option<&str>,
    backends: &[String],
) {
    if backends.is_empty() {
        return;
    }
    match certificate {
        Some(id) => {
            out.pass(
                target,
                format!(
                    "stage {stage} presents client certificate {id} to its HTTP backends: {}",
                    backends.join(", ")
                ),
            )
            .evidence("client_certificate_id", id)
            .evidence("http_integrations", backends);
        }
        None => {
            out.fail(
                target,
                format!(
                    "stage {stage} calls HTTP backends without a client certificate, so they \
                     cannot tell API Gateway from any other caller: {}",
                    backends.join(", ")
                ),
            )
            .evidence("client_certificate_id", None::<String>)
            .evidence("http_integrations", backends);
        }
    }
}
