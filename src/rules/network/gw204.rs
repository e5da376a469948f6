use super::AnyApi;
use crate::analysis::exposure::Exposure;
use crate::rules::{Emitter, RegionContext};

rule!(GW204, "network/GW204-endpoint-public.toml");

/// WebSocket APIs are listed too: they are as reachable from the internet as HTTP APIs, and an
/// inventory of public endpoints that skipped them would be incomplete.
fn check(ctx: &RegionContext, out: &mut Emitter) {
    let require_private = ctx.params.require_private;
    for api in AnyApi::all(ctx, out) {
        let target = api.target(ctx);
        let e = api.exposure(ctx);
        let f = match &e {
            Exposure::Public(why) if require_private => out.fail(
                target,
                format_args!(
                    "{api} is reachable from the internet ({why}) while require_private is set"
                ),
            ),
            Exposure::Public(why) => out.pass(
                target,
                format_args!("{api} is reachable from the internet ({why}); listed for inventory"),
            ),
            Exposure::NotPublic(why) => out.pass(
                target,
                format_args!("{api} is not reachable from the internet: {why}"),
            ),
            Exposure::Unknown(why, cause) => out.unknown_because(
                target,
                format_args!("whether {api} is reachable from the internet is unknown: {why}"),
                *cause,
            ),
        };
        f.evidence("exposure", e.describe());
        if e.is_public() {
            f.evidence("require_private", require_private);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::model::parse_snapshot;
    use crate::rules::{evaluate, RuleParams, Selection, Severity, Status};

    const SNAPSHOT: &str = r#"{
        "schema_version": 1,
        "account_id": "111122223333",
        "regions": [{
            "region": "us-east-1",
            "rest_apis": [
                {"id": "pub1", "name": "public", "endpoint_types": ["REGIONAL"]},
                {"id": "prv1", "name": "private", "endpoint_types": ["PRIVATE"]}
            ],
            "v2_apis": []
        }]
    }"#;

    fn run(require_private: bool) -> Vec<(String, Status, Severity, String)> {
        let snapshot = parse_snapshot(SNAPSHOT, "test").expect("valid snapshot");
        let params = RuleParams {
            require_private,
            ..RuleParams::default()
        };
        let selection = Selection {
            include: vec!["GW204".into()],
            exclude: vec![],
        };
        evaluate(&snapshot, &selection, &params)
            .into_iter()
            .map(|f| {
                (
                    f.resource.arn.clone(),
                    f.status,
                    f.severity,
                    f.message.to_string(),
                )
            })
            .collect()
    }

    #[test]
    fn public_apis_are_inventory_by_default() {
        let results = run(false);
        assert_eq!(results.len(), 2, "{results:?}");
        assert!(results.iter().all(|r| r.1 == Status::Pass), "{results:?}");
        let public = results
            .iter()
            .find(|r| r.0.ends_with("/restapis/pub1"))
            .expect("public API result");
        assert!(
            public.3.contains("reachable from the internet"),
            "{public:?}"
        );
        assert!(public.3.contains("inventory"), "{public:?}");
    }

    #[test]
    fn public_apis_fail_when_private_is_required() {
        let results = run(true);
        let public = results
            .iter()
            .find(|r| r.0.ends_with("/restapis/pub1"))
            .expect("public API result");
        assert_eq!((public.1, public.2), (Status::Fail, Severity::Info));
        let private = results
            .iter()
            .find(|r| r.0.ends_with("/restapis/prv1"))
            .expect("private API result");
        assert_eq!(private.1, Status::Pass);
    }
}
