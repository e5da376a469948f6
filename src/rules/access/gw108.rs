use crate::date::Date;
use crate::rules::{Emitter, RegionContext};

rule!(GW108, "access/GW108-api-key-stale.toml");

fn check(ctx: &RegionContext, out: &mut Emitter) {
    let keys = ctx.api_keys(out);
    let max_age = i64::from(ctx.params.max_key_age_days);
    // Disabled keys authorize nothing, however old.
    for key in keys.iter().filter(|k| k.enabled) {
        let target = ctx.scope.api_key(key);
        let Some(created) = key.created_date.as_deref().and_then(Date::from_timestamp) else {
            out.undeterminable(
                target,
                format_args!(
                    "API key {} has no readable creation date, so its age is unknown",
                    key.id
                ),
            )
            .evidence("created_date", &key.created_date);
            continue;
        };
        // An API key's value never changes: the only rotation is a new key, so the key's age
        // is the age of its secret (`lastUpdatedDate` moves on renames and tag changes).
        let age = created.days_until(ctx.as_of);
        let f = if age > max_age {
            out.fail(
                target,
                format_args!(
                    "API key {} was created on {created}, {age} days before {}: older than the \
                     {max_age}-day limit",
                    key.id, ctx.as_of
                ),
            )
        } else {
            out.pass(
                target,
                format_args!(
                    "API key {} is {age} days old (limit {max_age} days)",
                    key.id
                ),
            )
        };
        f.evidence("created_date", created.to_string())
            .evidence("age_days", age)
            .evidence("max_key_age_days", max_age)
            .evidence("as_of", ctx.as_of.to_string());
    }
}
