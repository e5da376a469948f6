use crate::rules::{Emitter, RegionContext};

use super::stage_methods::cached_methods;

rule!(GW306, "data/GW306-cache-control-unauthenticated.toml");

/// What AWS applies (and `GetStage` reports) when `requireAuthorizationForCacheControl` was
/// never set: the console's "Require authorization" box starts checked.
const REQUIRE_AUTHORIZATION_DEFAULT: bool = true;

fn check(ctx: &RegionContext, out: &mut Emitter) {
    for (m, cached) in cached_methods(ctx, out) {
        let required = m.effective(
            |s| s.require_authorization_for_cache_control,
            REQUIRE_AUTHORIZATION_DEFAULT,
        );
        let f = if required.value {
            out.pass(
                m.target(ctx),
                format_args!(
                    "{} honours Cache-Control: max-age=0 only from callers allowed execute-api:InvalidateCache ({})",
                    m.describe(),
                    required.source.describe()
                ),
            )
        } else {
            out.fail(
                m.target(ctx),
                format_args!(
                    "{} lets any client invalidate its cache entries with Cache-Control: max-age=0: \
                     requireAuthorizationForCacheControl false by {}",
                    m.describe(),
                    required.source.describe()
                ),
            )
        };
        let strategy = m.effective(
            |s| {
                s.unauthorized_cache_control_header_strategy
                    .clone()
                    .map(Some)
            },
            None::<String>,
        );
        cached
            .evidence(f)
            .evidence("require_authorization_for_cache_control", required.value)
            .evidence(
                "require_authorization_for_cache_control_by",
                required.source.describe(),
            )
            .evidence("unauthorized_cache_control_header_strategy", strategy.value);
    }
}
