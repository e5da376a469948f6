use crate::rules::{Emitter, RegionContext, RuleDef};

pub static RULE: RuleDef = RuleDef {
    id: "GW404",
    metadata: include_str!("../../../rules/threat/GW404-waf-acl-no-rate-rule.toml"),
    check,
};

// PLACEHOLDER: replaced by the rule's implementation.
fn check(_ctx: &RegionContext, _out: &mut Emitter) {}
