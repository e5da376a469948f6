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
///
/// Files the integration `label` into `backends`: an HTTP one with how it connects, one whose
/// type this version does not know as undecided (it may call an HTTP backend).
fn add_backend(
    backends: &mut Backends,
    label: String,
    t: &IntegrationType,
    c: Option<&ConnectionType>,
) {
    let kind = match t {
        IntegrationType::HttpProxy => "HTTP_PROXY",
        IntegrationType::Http => "HTTP",
        IntegrationType::Unknown(raw) => {
            backends
                .undecided
                .push(text!("{label} (integration type `{raw}`)"));
            return;
        }
        _ => return,
    };
    let via = match c {
        Some(ConnectionType::VpcLink) => text!("{kind} via VPC link"),
        Some(ConnectionType::Unknown(raw)) => text!("{kind} via connection type `{raw}`"),
        _ => kind.to_string(),
    };
    backends.http.push(text!("{label} ({via})"));
}

/// The integrations of a stage's API that call HTTP backends, and those that may.
#[derive(Default)]
struct Backends {
    http: Vec<String>,
    undecided: Vec<String>,
}

fn check(ctx: &RegionContext, out: &mut Emitter) {
    for (api, stage) in ctx.rest_stages(out) {
        let backends = ctx.methods_of(api).map(|methods| {
            let mut b = Backends::default();
            for (r, m) in methods {
                if let Some(i) = &m.integration {
                    let label = text!("{} {}", m.http_method, r.path);
                    add_backend(
                        &mut b,
                        label,
                        &i.integration_type,
                        i.connection_type.as_ref(),
                    );
                }
            }
            b
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
            let mut b = Backends::default();
            for i in list {
                let label = text!("integration {}", i.integration_id);
                add_backend(
                    &mut b,
                    label,
                    &i.integration_type,
                    i.connection_type.as_ref(),
                );
            }
            b
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
    backends: Result<Backends, String>,
) {
    let Backends {
        http: backends,
        undecided,
    } = match backends {
        Ok(b) => b,
        Err(reason) => {
            out.unknown(
                target,
                format_args!("whether {what} {stage} calls HTTP backends is unknown: {reason}"),
            );
            return;
        }
    };
    if backends.is_empty() {
        // Integrations of a type this version does not know may call HTTP backends.
        if !undecided.is_empty() {
            out.undeterminable(
                target,
                format_args!(
                    "whether {what} {stage} calls HTTP backends cannot be told: {}",
                    undecided.join(", ")
                ),
            )
            .evidence("client_certificate_id", certificate)
            .evidence("undecided_integrations", undecided);
        }
        return;
    }
    let f = match certificate {
        Some(id) => out.pass(
            target,
            format_args!(
                "stage {stage} presents client certificate {id} to its HTTP backends: {}",
                backends.join(", ")
            ),
        ),
        None => out.fail(
            target,
            format_args!(
                "stage {stage} calls HTTP backends without a client certificate, so they cannot \
                 tell API Gateway from any other caller: {}",
                backends.join(", ")
            ),
        ),
    };
    f.evidence("client_certificate_id", certificate)
        .evidence("http_integrations", backends);
    if !undecided.is_empty() {
        f.evidence("undecided_integrations", undecided);
    }
}
