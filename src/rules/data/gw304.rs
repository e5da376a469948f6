use crate::rules::{Emitter, RegionContext};

rule!(GW304, "data/GW304-mtls-truststore-unhealthy.toml");

fn check(ctx: &RegionContext, out: &mut Emitter) {
    for domain in ctx.domain_names(out) {
        let Some(mtls) = &domain.mutual_tls else {
            continue;
        };
        let Some(uri) = &mtls.truststore_uri else {
            continue;
        };
        let target = ctx.scope.domain(domain);
        let name = &domain.domain_name;
        let mut problems = Vec::new();
        if !mtls.truststore_warnings.is_empty() {
            problems.push(text!(
                "API Gateway reported {} truststore warning(s): {}",
                mtls.truststore_warnings.len(),
                mtls.truststore_warnings.join("; ")
            ));
        }
        // Without a version the domain trusts whatever object sits at the key when API Gateway
        // next reads it: anyone who can overwrite it decides which clients can authenticate.
        if mtls.truststore_version.is_none() {
            problems.push(text!(
                "truststore {uri} is not pinned to an S3 object version"
            ));
        }
        let f = if problems.is_empty() {
            out.pass(
                target,
                format_args!(
                    "custom domain {name} uses mutual TLS with truststore {uri} version {} and no warnings",
                    mtls.truststore_version.as_deref().unwrap_or_default()
                ),
            )
        } else {
            out.fail(
                target,
                format_args!("custom domain {name} mutual TLS: {}", problems.join("; ")),
            )
        };
        f.evidence("truststore_uri", uri)
            .evidence("truststore_version", &mtls.truststore_version)
            .evidence("truststore_warnings", &mtls.truststore_warnings);
    }
}
