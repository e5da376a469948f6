use crate::rules::{Emitter, RegionContext};

use super::stage_methods::cached_methods;

rule!(GW305, "data/GW305-cache-not-encrypted.toml");

fn check(ctx: &RegionContext, out: &mut Emitter) {
    for (m, cached) in cached_methods(ctx, out) {
        let encrypted = m.effective(|s| s.cache_data_encrypted, false);
        let f = if encrypted.value {
            out.pass(
                m.target(ctx),
                format_args!(
                    "{} caches responses encrypted ({})",
                    m.describe(),
                    encrypted.source.describe()
                ),
            )
        } else {
            out.fail(
                m.target(ctx),
                format_args!(
                    "{} caches responses unencrypted: {}, cacheDataEncrypted false by {}",
                    m.describe(),
                    cached.describe(),
                    encrypted.source.describe()
                ),
            )
        };
        cached
            .evidence(f)
            .evidence("cache_data_encrypted", encrypted.value)
            .evidence("cache_data_encrypted_by", encrypted.source.describe())
            .evidence("cache_cluster_size", &m.stage.cache_cluster_size);
    }
}
