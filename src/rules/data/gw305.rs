use crate::rules::{Emitter, RegionContext, RuleDef};

use super::stage_methods::stage_methods;

pub static RULE: RuleDef = RuleDef {
    id: "GW305",
    metadata: include_str!("../../../rules/data/GW305-cache-not-encrypted.toml"),
    check,
};

fn check(ctx: &RegionContext, out: &mut Emitter) {
    // A stage without a cache cluster caches nothing, whatever its method settings say.
    for m in stage_methods(ctx, out, |s| s.cache_cluster_enabled) {
        let Some(cached) = m.caching() else {
            continue;
        };
        let encrypted = m.effective(|s| s.cache_data_encrypted, false);
        let f = if encrypted.value {
            out.pass(
                m.target(ctx),
                format!(
                    "{} caches responses encrypted ({})",
                    m.describe(),
                    encrypted.source.describe()
                ),
            )
        } else {
            out.fail(
                m.target(ctx),
                format!(
                    "{} caches responses unencrypted: {}, cacheDataEncrypted false by {}",
                    m.describe(),
                    cached.describe(),
                    encrypted.source.describe()
                ),
            )
        };
        f.evidence("caching_enabled_by", cached.enabled_by.describe())
            .evidence("cache_ttl_in_seconds", cached.ttl.value)
            .evidence("cache_data_encrypted", encrypted.value)
            .evidence("cache_data_encrypted_by", encrypted.source.describe())
            .evidence("cache_cluster_size", &m.stage.cache_cluster_size);
    }
}
