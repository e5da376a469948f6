use crate::model::{unknown_value_reason, ConnectionType, IntegrationType, ProtocolType};
use crate::rules::{each_part, Emitter, RegionContext, ResourceRef};

rule!(
    GW205,
    "network/GW205-integration-plaintext-or-unverified.toml"
);

fn check(ctx: &RegionContext, out: &mut Emitter) {
    // OPTIONS methods are judged too: an HTTP integration behind a preflight still calls the
    // backend.
    for (api, resource, method) in ctx.rest_methods(out) {
        let Some(i) = method.integration.as_ref() else {
            continue;
        };
        judge(
            out,
            ctx.scope.rest_method(api, resource, method),
            &text!("integration of {} {}", method.http_method, resource.path),
            Backend {
                integration_type: &i.integration_type,
                type_field: "methodIntegration.type",
                uri: i.uri.as_deref(),
                skip_verification: i
                    .tls_config
                    .as_ref()
                    .is_some_and(|t| t.insecure_skip_verification),
                connection: i.connection_type.as_ref(),
            },
        );
    }
    for (api, i) in each_part(ctx.v2_apis(out), |api| ctx.v2_integrations(api, out)) {
        let target = ctx.scope.v2_integration(api, &i.integration_id);
        let what = text!(
            "integration {} of API {} ({})",
            i.integration_id,
            api.name,
            api.api_id
        );
        // HTTP API private integrations name a load balancer listener or Cloud Map service,
        // not a URL; their TLS is GW206's. With a connection type (or, for a VPC link, a
        // protocol type) this version does not know, whose rule it is cannot be told.
        let undecided =
            match (&api.protocol_type, &i.connection_type) {
                (ProtocolType::Http, Some(ConnectionType::VpcLink)) => continue,
                (ProtocolType::Http, Some(ConnectionType::Unknown(raw))) => Some(
                    unknown_value_reason("connection type", "connectionType", raw),
                ),
                (ProtocolType::Unknown(raw), Some(ConnectionType::VpcLink)) => {
                    Some(unknown_value_reason("protocol type", "protocolType", raw))
                }
                _ => None,
            };
        if let Some(undecided) = undecided {
            out.undeterminable(target, format_args!("{what}: {undecided}"))
                .evidence("protocol_type", &api.protocol_type)
                .evidence("connection_type", &i.connection_type);
            continue;
        }
        judge(
            out,
            target,
            &what,
            Backend {
                integration_type: &i.integration_type,
                type_field: "integrationType",
                uri: i.integration_uri.as_deref(),
                skip_verification: false,
                connection: i.connection_type.as_ref(),
            },
        );
    }
}

struct Backend<'a> {
    integration_type: &'a IntegrationType,
    /// The field AWS names the type in (REST and v2 differ), for messages.
    type_field: &'static str,
    uri: Option<&'a str>,
    skip_verification: bool,
    connection: Option<&'a ConnectionType>,
}

/// `scheme://host[:port]` without user info, path or query: enough to act on, and nothing a
/// URI might carry in clear (credentials, tokens in the query string) reaches the report.
fn origin(uri: &str) -> Option<(String, &str)> {
    let (scheme, rest) = uri.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    Some((scheme.to_ascii_lowercase(), host))
}

fn judge(out: &mut Emitter, target: ResourceRef, what: &str, b: Backend) {
    // Only HTTP integrations call a URL; Lambda, AWS service and MOCK integrations stay inside
    // AWS (or go nowhere) and are not judged. One of a type this version does not know may
    // call a URL.
    match b.integration_type.is_http() {
        Ok(true) => {}
        Ok(false) => return,
        Err(raw) => {
            let why = unknown_value_reason("integration type", b.type_field, raw);
            out.undeterminable(target, format_args!("{what}: {why}"))
                .evidence("integration_type", raw);
            return;
        }
    }
    let Some((scheme, host)) = b.uri.and_then(origin) else {
        let why = match b.uri {
            None => "AWS reported no backend URI",
            Some(_) => "the backend URI has no scheme://host to judge",
        };
        out.undeterminable(target, format_args!("{what}: {why}"))
            .evidence("uri_present", b.uri.is_some());
        return;
    };
    let shown = text!("{scheme}://{host}");
    let plaintext = scheme == "http";
    if scheme != "https" && !plaintext {
        out.undeterminable(
            target,
            format_args!("{what}: unexpected backend URI scheme in {shown}"),
        )
        .evidence("backend", shown);
        return;
    }
    let vpc_link = b.connection == Some(&ConnectionType::VpcLink);
    // The URL's scheme decides TLS whatever the connection; an unknown one is named.
    let via = match b.connection {
        Some(ConnectionType::VpcLink) => " over the VPC link".to_string(),
        Some(ConnectionType::Unknown(raw)) => text!(" over connection type `{raw}`"),
        _ => String::new(),
    };
    if !plaintext && !b.skip_verification {
        out.pass(
            target,
            format_args!("{what} calls {shown}{via} over TLS with certificate verification"),
        )
        .evidence("backend", shown);
        return;
    }
    let mut problems = Vec::new();
    if plaintext {
        problems.push(text!("calls {shown}{via} in plaintext"));
    }
    if b.skip_verification {
        problems.push(
            "accepts a backend certificate from any issuer, self-signed included \
             (insecureSkipVerification)"
                .to_string(),
        );
    }
    out.fail(target, format_args!("{what} {}", problems.join(" and ")))
        .evidence("backend", shown)
        .evidence("plaintext", plaintext)
        .evidence("insecure_skip_verification", b.skip_verification)
        .evidence("vpc_link", vpc_link);
}

#[cfg(test)]
mod tests {
    use super::origin;

    #[test]
    fn origin_drops_credentials_path_and_query() {
        assert_eq!(
            origin("HTTP://user:pw@Backend.example.com:8080/a?token=x"),
            Some(("http".to_string(), "Backend.example.com:8080"))
        );
        assert_eq!(
            origin("http://${stageVariables.host}/orders"),
            Some(("http".to_string(), "${stageVariables.host}"))
        );
        assert_eq!(origin("arn:aws:elasticloadbalancing:x"), None);
    }
}
