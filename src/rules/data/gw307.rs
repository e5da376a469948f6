use std::collections::BTreeMap;

use serde::Serialize;

use crate::rules::{Emitter, RegionContext, ResourceRef};
use crate::secrets::{detect, parse_marker, redaction_marker};

rule!(GW307, "data/GW307-secret-in-stage-variables.toml");

/// One credential found; `value` is always the redaction marker, never the value.
#[derive(Serialize)]
struct Found<'a> {
    variable: &'a str,
    location: &'static str,
    kind: &'static str,
    value: String,
}

fn check(ctx: &RegionContext, out: &mut Emitter) {
    for (api, stage) in ctx.rest_stages(out) {
        let mut sources = vec![("stage variables", &stage.variables)];
        if let Some(canary) = &stage.canary_settings {
            let overrides = &canary.stage_variable_overrides;
            sources.push(("canary stage variable overrides", overrides));
        }
        judge(out, ctx.scope.rest_stage(api, stage), &sources);
    }
    for (api, stage) in ctx.v2_stages(out) {
        let sources = [("stage variables", &stage.stage_variables)];
        judge(out, ctx.scope.v2_stage(api, stage), &sources);
    }
}

fn judge(
    out: &mut Emitter,
    target: ResourceRef,
    sources: &[(&'static str, &BTreeMap<String, String>)],
) {
    let mut found = Vec::new();
    let mut withheld = 0;
    let mut total = 0;
    for (location, vars) in sources {
        for (name, value) in vars.iter() {
            total += 1;
            // Values arrive redacted (the marker names the kind); a snapshot built in memory
            // may not be, so detect again without ever copying the value.
            let kind = match parse_marker(value) {
                Some(None) => {
                    withheld += 1;
                    None
                }
                Some(kind) => kind,
                None => detect(name, value),
            };
            if let Some(kind) = kind {
                found.push(Found {
                    variable: name,
                    location,
                    kind: kind.as_str(),
                    value: redaction_marker(Some(kind)),
                });
            }
        }
    }
    if found.is_empty() {
        let note = if withheld > 0 {
            text!("; {withheld} value(s) under secret-like names withheld from reports as a precaution")
        } else {
            String::new()
        };
        out.pass(
            target,
            format_args!("no credential among {total} stage variable(s){note}"),
        );
        return;
    }
    let names: Vec<String> = found
        .iter()
        .map(|f| text!("{} ({})", f.variable, f.kind))
        .collect();
    out.fail(
        target,
        format_args!(
            "stage variables hold credentials in clear: {}; anyone with apigateway:GET reads them",
            names.join(", ")
        ),
    )
    .evidence("credentials", &found);
}
