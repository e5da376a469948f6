use crate::model::{unknown_value_reason, V2AuthorizerType};
use crate::rules::{each_part, Emitter, RegionContext};

rule!(GW105, "access/GW105-jwt-authorizer-weak.toml");

fn check(ctx: &RegionContext, out: &mut Emitter) {
    for (api, a) in each_part(ctx.v2_apis(out), |api| ctx.v2_authorizers(api, out)) {
        let target = ctx.scope.v2_authorizer(api, &a.authorizer_id, &a.name);
        match &a.authorizer_type {
            V2AuthorizerType::Jwt => {}
            // It may validate JWTs too.
            V2AuthorizerType::Unknown(raw) => {
                let why = unknown_value_reason("authorizer type", "authorizerType", raw);
                out.undeterminable(target, format_args!("authorizer {}: {why}", a.name))
                    .evidence("authorizer_type", raw);
                continue;
            }
            _ => continue,
        }
        let jwt = a.jwt_configuration.clone().unwrap_or_default();
        let issuer = jwt.issuer.as_deref().unwrap_or("");
        let mut problems = Vec::new();
        if jwt.audience.iter().all(|x| x.trim().is_empty()) {
            problems.push(
                "no audience: tokens issued to any client of the issuer are accepted".to_string(),
            );
        }
        if !issuer.starts_with("https://") {
            problems.push(text!("issuer `{issuer}` is not an https:// URL"));
        }
        let f = if problems.is_empty() {
            out.pass(
                target,
                format_args!("JWT authorizer {} checks issuer and audience", a.name),
            )
        } else {
            out.fail(
                target,
                format_args!("JWT authorizer {}: {}", a.name, problems.join("; ")),
            )
        };
        f.evidence("issuer", issuer)
            .evidence("audience", &jwt.audience);
    }
}
