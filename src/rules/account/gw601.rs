use crate::rules::{Emitter, RegionContext, RuleDef};

pub static RULE: RuleDef = RuleDef {
    id: "GW601",
    metadata: include_str!("../../../rules/account/GW601-cloudtrail-management-events-off.toml"),
    check,
};

// PLACEHOLDER: replaced by the rule's implementation.
fn check(_ctx: &RegionContext, _out: &mut Emitter) {}
