use crate::rules::{Emitter, RegionContext, RuleDef};

pub static RULE: RuleDef = RuleDef {
    id: "GW205",
    metadata: include_str!("../../../rules/network/GW205-integration-plaintext-or-unverified.toml"),
    check,
};

// PLACEHOLDER: replaced by the rule's implementation.
fn check(_ctx: &RegionContext, _out: &mut Emitter) {}
