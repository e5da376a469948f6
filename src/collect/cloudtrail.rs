//! CloudTrail: the trails that log this region (shadow copies of multi-region and organization
//! trails included, so a member account sees the organization trail), their status and event
//! selectors.

use std::sync::Arc;

use super::RegionCollector;
use crate::model::*;
use crate::operations as op;

pub async fn trails(rc: &Arc<RegionCollector>) -> Option<Vec<Trail>> {
    let client = &rc.clients.cloudtrail;
    let list = rc
        .call(
            &op::DESCRIBE_TRAILS,
            None,
            client.describe_trails().include_shadow_trails(true).send(),
        )
        .await?;
    let mut out = Vec::new();
    for t in list.trail_list() {
        let arn = t.trail_arn().unwrap_or_default().to_string();
        let status = rc
            .call(
                &op::GET_TRAIL_STATUS,
                Some(&arn),
                client.get_trail_status().name(&arn).send(),
            )
            .await;
        let selectors = rc
            .call(
                &op::GET_EVENT_SELECTORS,
                Some(&arn),
                client.get_event_selectors().trail_name(&arn).send(),
            )
            .await;
        let event_selectors = selectors.map(|s| {
            let basic = s
                .event_selectors()
                .iter()
                .map(|e| BasicEventSelector {
                    read_write_type: e.read_write_type().map(|r| {
                        rc.keep(&op::GET_EVENT_SELECTORS, &arn, "readWriteType", r.as_str())
                    }),
                    include_management_events: e.include_management_events().unwrap_or(true),
                })
                .collect();
            EventSelectors {
                basic,
                advanced: s
                    .advanced_event_selectors()
                    .iter()
                    .map(|a| AdvancedEventSelector {
                        name: a.name().map(Into::into),
                        field_selectors: a
                            .field_selectors()
                            .iter()
                            .map(|f| AdvancedFieldSelector {
                                field: f.field().into(),
                                equals: f.equals().to_vec(),
                                not_equals: f.not_equals().to_vec(),
                                starts_with: f.starts_with().to_vec(),
                                not_starts_with: f.not_starts_with().to_vec(),
                            })
                            .collect(),
                    })
                    .collect(),
            }
        });
        out.push(Trail {
            name: t.name().unwrap_or_default().into(),
            arn,
            home_region: t.home_region().map(Into::into),
            is_multi_region_trail: t.is_multi_region_trail().unwrap_or(false),
            is_organization_trail: t.is_organization_trail().unwrap_or(false),
            log_file_validation_enabled: t.log_file_validation_enabled().unwrap_or(false),
            kms_key_id: t.kms_key_id().map(Into::into),
            s3_bucket_name: t.s3_bucket_name().map(Into::into),
            is_logging: status.and_then(|s| s.is_logging()),
            event_selectors,
        });
    }
    Some(out)
}
