use crate::analysis::exposure;
use crate::rules::{Emitter, RegionContext, RuleDef, Severity};

pub static RULE: RuleDef = RuleDef {
    id: "GW401",
    metadata: include_str!("../../../rules/threat/GW401-stage-without-waf.toml"),
    check,
};

fn check(ctx: &RegionContext, out: &mut Emitter) {
    let apis = ctx.rest_apis(out);
    for api in apis {
        let Some(stages) = ctx.stages(api, out) else {
            continue;
        };
        let exposure = exposure::rest_api(api);
        let open_methods = api.has_open_methods();
        for stage in stages {
            let target = ctx.scope.rest_stage(api, stage);
            match &stage.web_acl_arn {
                Some(arn) => {
                    out.pass(
                        target,
                        format!("stage {} is protected by web ACL {arn}", stage.stage_name),
                    )
                    .evidence("web_acl_arn", arn);
                }
                None => {
                    let f = out.fail(
                        target,
                        format!(
                            "stage {} has no AWS WAF web ACL ({})",
                            stage.stage_name,
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
        }
    }
}
