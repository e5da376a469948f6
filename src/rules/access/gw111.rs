use std::collections::BTreeMap;

use crate::date::Date;
use crate::rules::{Emitter, RegionContext, RuleDef};

pub static RULE: RuleDef = RuleDef {
    id: "GW111",
    metadata: include_str!("../../../rules/access/GW111-client-certificate-expiring.toml"),
    check,
};

/// Certificate id to the stages presenting it, in this region (certificates are regional).
fn used_certificates(ctx: &RegionContext, out: &mut Emitter) -> BTreeMap<String, Vec<String>> {
    let mut used: BTreeMap<String, Vec<String>> = BTreeMap::new();
    {
        let apis = ctx.rest_apis(out);
        for api in apis {
            for stage in ctx.stages(api, out).unwrap_or_default() {
                if let Some(id) = stage.client_certificate() {
                    used.entry(id.to_string())
                        .or_default()
                        .push(ctx.scope.rest_stage(api, stage).label);
                }
            }
        }
    }
    {
        let apis = ctx.v2_apis(out);
        for api in apis {
            for stage in ctx.api_v2_stages(api, out).unwrap_or_default() {
                if let Some(id) = stage.client_certificate() {
                    used.entry(id.to_string())
                        .or_default()
                        .push(ctx.scope.v2_stage(api, stage).label);
                }
            }
        }
    }
    used
}

fn check(ctx: &RegionContext, out: &mut Emitter) {
    let used = used_certificates(ctx, out);
    if used.is_empty() {
        return;
    }
    let certificates = ctx.client_certificates();
    let window = i64::from(ctx.params.cert_expiry_days);
    for (id, stages) in used {
        let target = ctx.scope.client_certificate(&id);
        let certificates = match &certificates {
            Ok(certificates) => certificates,
            Err(reason) => {
                out.unknown(
                    target,
                    format!(
                    "client certificate {id} is used by stages but its expiry is unknown: {reason}"
                ),
                )
                .evidence("used_by", stages);
                continue;
            }
        };
        // Not listed: deleted after the stage was set, or a certificate the listing does not
        // return. Its expiry cannot be judged either way, so this is no pass.
        let Some(cert) = certificates.iter().find(|c| c.client_certificate_id == id) else {
            out.unknown(
                target,
                format!(
                    "client certificate {id} is used by {} but is not among the region's client \
                     certificates (GetClientCertificates): its expiry cannot be checked",
                    stages.join(", ")
                ),
            )
            .evidence("used_by", stages);
            continue;
        };
        let raw = cert.expiration_date.as_deref();
        let Some(expires) = raw.and_then(Date::from_timestamp) else {
            out.unknown(
                target,
                format!(
                    "client certificate {id} has no readable expiration date ({})",
                    raw.unwrap_or("none reported")
                ),
            )
            .evidence("expiration_date", raw)
            .evidence("used_by", stages);
            continue;
        };
        let days_left = ctx.as_of.days_until(expires);
        let finding = if days_left < 0 {
            out.fail(
                target,
                format!(
                    "client certificate {id} expired on {expires} ({} days ago) and is still \
                     presented by {}",
                    -days_left,
                    stages.join(", ")
                ),
            )
        } else if days_left <= window {
            out.fail(
                target,
                format!(
                    "client certificate {id} expires on {expires}, in {days_left} days (within \
                     {window}), and is presented by {}",
                    stages.join(", ")
                ),
            )
        } else {
            out.pass(
                target,
                format!("client certificate {id} expires on {expires}, in {days_left} days"),
            )
        };
        finding
            .evidence("expiration_date", expires.to_string())
            .evidence("days_left", days_left)
            .evidence("cert_expiry_days", window)
            .evidence("used_by", stages);
    }
}
