//! A v2 API's exposure as the rules report it: `analysis::exposure::v2_api`, with the failed
//! collection call named when it cannot be decided (shared by GW204 and GW701).

use crate::analysis::exposure::{self, Exposure};
use crate::model::V2Api;
use crate::rules::RegionContext;

pub(crate) fn v2_api(ctx: &RegionContext, api: &V2Api) -> Exposure {
    let domains = ctx.region.domain_names.as_deref();
    match exposure::v2_api(api, domains) {
        Exposure::Unknown(why) => {
            let missing = match domains {
                None => Some(ctx.reason("GetDomainNames", None)),
                Some(ds) => ds
                    .iter()
                    .find(|d| d.api_mappings.is_none())
                    .map(|d| ctx.reason("GetApiMappings", Some(&ctx.scope.domain(d).arn))),
            };
            match missing {
                Some(reason) => Exposure::Unknown(format!("{why}: {reason}")),
                None => Exposure::Unknown(why),
            }
        }
        decided => decided,
    }
}
