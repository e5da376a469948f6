use crate::rules::{Emitter, RegionContext, Severity};

rule!(GW401, "threat/GW401-stage-without-waf.toml");

fn check(ctx: &RegionContext, out: &mut Emitter) {
    for (api, stage) in ctx.rest_stages(out) {
        let (target, name) = (ctx.scope.rest_stage(api, stage), &stage.stage_name);
        if let Some(arn) = &stage.web_acl_arn {
            out.pass(
                target,
                format_args!("stage {name} is protected by web ACL {arn}"),
            )
            .evidence("web_acl_arn", arn);
            continue;
        }
        let exposure = ctx.rest_policy_exposure(api);
        let open_methods = api.has_open_methods();
        let f = out.fail(
            target,
            format_args!(
                "stage {name} has no AWS WAF web ACL ({})",
                exposure.describe()
            ),
        );
        f.evidence("web_acl_arn", serde_json::Value::Null)
            .evidence("exposure", exposure.describe())
            .evidence("unauthenticated_methods", open_methods);
        // Unknown method data counts as open: never lower severity on a guess.
        if exposure.maybe_public() && open_methods != Some(false) {
            f.raise_to(Severity::High);
        }
    }
}
