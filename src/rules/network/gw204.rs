use crate::rules::{Emitter, RegionContext, RuleDef};

pub static RULE: RuleDef = RuleDef {
    id: "GW204",
    metadata: include_str!("../../../rules/network/GW204-endpoint-public.toml"),
    check,
};

// PLACEHOLDER: replaced by the rule's implementation.
fn check(_ctx: &RegionContext, _out: &mut Emitter) {}
