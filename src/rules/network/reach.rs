//! A v2 API's exposure as the rules report it: `analysis::exposure::v2_api`, with the failed
//! collection call named when it cannot be decided (shared by GW204 and GW701).

use crate::analysis::exposure::{self, Exposure, V2Missing};
use crate::model::V2Api;
use crate::rules::RegionContext;

pub(crate) fn v2_api(ctx: &RegionContext, api: &V2Api) -> Exposure {
    match exposure::v2_api_explained(api, ctx.region.domain_names.as_deref()) {
        (Exposure::Unknown(why), Some(missing)) => {
            let reason = match missing {
                V2Missing::DomainNames => ctx.reason("GetDomainNames", None),
                V2Missing::ApiMappings(d) => {
                    ctx.reason("GetApiMappings", Some(&ctx.scope.domain(d).arn))
                }
            };
            Exposure::Unknown(format!("{why}: {reason}"))
        }
        (decided, _) => decided,
    }
}
