use crate::rules::{Emitter, RegionContext, RuleDef};

pub static RULE: RuleDef = RuleDef {
    id: "GW506",
    metadata: include_str!("../../../rules/logging/GW506-account-cloudwatch-role-missing.toml"),
    check,
};

// PLACEHOLDER: replaced by the rule's implementation.
fn check(_ctx: &RegionContext, _out: &mut Emitter) {}
