use std::collections::BTreeMap;

use crate::date::Date;
use crate::rules::{Emitter, RegionContext};

rule!(GW111, "access/GW111-client-certificate-expiring.toml");

/// Certificate id to the stages presenting it, in this region (certificates are regional).
fn used_certificates(ctx: &RegionContext, out: &mut Emitter) -> BTreeMap<String, Vec<String>> {
    let rest = ctx.rest_stages(out);
    let v2 = ctx.v2_stages(out);
    let presented =
        rest.into_iter()
            .filter_map(|(api, s)| Some((s.client_certificate()?, ctx.scope.rest_stage(api, s))))
            .chain(v2.into_iter().filter_map(|(api, s)| {
                Some((s.client_certificate()?, ctx.scope.v2_stage(api, s)))
            }));
    let mut used: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (id, stage) in presented {
        used.entry(id.to_string())
            .or_default()
            .push(stage.label.clone());
    }
    used
}

fn check(ctx: &RegionContext, out: &mut Emitter) {
    let certificates = ctx.client_certificates();
    let window = i64::from(ctx.params.cert_expiry_days);
    for (id, stages) in used_certificates(ctx, out) {
        let target = ctx.scope.client_certificate(&id);
        let cert = match &certificates {
            Err(reason) => Err(text!(
                "client certificate {id} is used by stages but its expiry is unknown: {reason}"
            )),
            // Not listed: deleted after the stage was set, or a certificate the listing does
            // not return. Its expiry cannot be judged either way, so this is no pass.
            Ok(all) => all
                .iter()
                .find(|c| c.client_certificate_id == id)
                .ok_or_else(|| {
                    text!(
                        "client certificate {id} is used by {} but is not among the region's \
                         client certificates (GetClientCertificates): its expiry cannot be \
                         checked",
                        stages.join(", ")
                    )
                }),
        };
        let cert = match cert {
            Ok(cert) => cert,
            Err(reason) => {
                out.unknown(target, reason).evidence("used_by", stages);
                continue;
            }
        };
        let raw = cert.expiration_date.as_deref();
        let Some(expires) = raw.and_then(Date::from_timestamp) else {
            out.undeterminable(
                target,
                format_args!(
                    "client certificate {id} has no readable expiration date ({})",
                    raw.unwrap_or("none reported")
                ),
            )
            .evidence("expiration_date", raw)
            .evidence("used_by", stages);
            continue;
        };
        let days_left = ctx.as_of.days_until(expires);
        let users = stages.join(", ");
        let f = if days_left < 0 {
            out.fail(
                target,
                format_args!(
                    "client certificate {id} expired on {expires} ({} days ago) and is still \
                     presented by {users}",
                    -days_left
                ),
            )
        } else if days_left <= window {
            out.fail(
                target,
                format_args!(
                    "client certificate {id} expires on {expires}, in {days_left} days (within \
                     {window}), and is presented by {users}"
                ),
            )
        } else {
            out.pass(
                target,
                format_args!("client certificate {id} expires on {expires}, in {days_left} days"),
            )
        };
        f.evidence("expiration_date", expires.to_string())
            .evidence("days_left", days_left)
            .evidence("cert_expiry_days", window)
            .evidence("used_by", stages);
    }
}
