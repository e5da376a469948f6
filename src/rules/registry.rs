//! The explicit list of rules. Adding a rule: its file, its TOML, its fixture, one line here.

use std::sync::OnceLock;

use super::{
    access, account, data, hygiene, logging, network, threat, Category, RuleDef, RuleMeta,
};

pub static ALL: &[&RuleDef] = &[
    &access::gw101::RULE,
    &access::gw102::RULE,
    &access::gw103::RULE,
    &access::gw104::RULE,
    &access::gw105::RULE,
    &access::gw106::RULE,
    &access::gw107::RULE,
    &access::gw108::RULE,
    &access::gw109::RULE,
    &access::gw110::RULE,
    &access::gw111::RULE,
    &access::gw112::RULE,
    &access::gw113::RULE,
    &network::gw201::RULE,
    &network::gw202::RULE,
    &network::gw203::RULE,
    &network::gw204::RULE,
    &network::gw205::RULE,
    &network::gw206::RULE,
    &network::gw207::RULE,
    &network::gw208::RULE,
    &network::gw209::RULE,
    &data::gw301::RULE,
    &data::gw302::RULE,
    &data::gw303::RULE,
    &data::gw304::RULE,
    &data::gw305::RULE,
    &data::gw306::RULE,
    &data::gw307::RULE,
    &data::gw308::RULE,
    &data::gw309::RULE,
    &threat::gw401::RULE,
    &threat::gw402::RULE,
    &threat::gw403::RULE,
    &threat::gw404::RULE,
    &threat::gw405::RULE,
    &threat::gw406::RULE,
    &threat::gw410::RULE,
    &threat::gw411::RULE,
    &threat::gw412::RULE,
    &threat::gw413::RULE,
    &logging::gw501::RULE,
    &logging::gw502::RULE,
    &logging::gw503::RULE,
    &logging::gw504::RULE,
    &logging::gw505::RULE,
    &logging::gw506::RULE,
    &logging::gw507::RULE,
    &account::gw601::RULE,
    &account::gw602::RULE,
    &hygiene::gw701::RULE,
];

pub struct LoadedRule {
    pub def: &'static RuleDef,
    pub meta: RuleMeta,
}

/// Parses one rule's embedded metadata and checks it against the code.
pub fn load(def: &'static RuleDef) -> Result<LoadedRule, String> {
    let meta: RuleMeta =
        toml::from_str(def.metadata).map_err(|e| format!("{}: invalid metadata: {e}", def.id))?;
    if meta.id != def.id {
        return Err(format!("{}: metadata declares id {}", def.id, meta.id));
    }
    if Category::of_id(def.id).is_none() {
        return Err(format!("{}: id outside the GW1xx-GW7xx categories", def.id));
    }
    Ok(LoadedRule { def, meta })
}

/// All rules with parsed metadata, sorted by id. Metadata is compiled in and verified by the
/// test suite, so a failure here is a build defect, not a user error.
pub fn rules() -> &'static [LoadedRule] {
    static RULES: OnceLock<Vec<LoadedRule>> = OnceLock::new();
    RULES.get_or_init(|| {
        let mut rules: Vec<LoadedRule> = ALL
            .iter()
            .map(|def| load(def).unwrap_or_else(|e| panic!("embedded rule metadata: {e}")))
            .collect();
        for fw in super::frameworks::all() {
            for req in &fw.requirements {
                for rule in rules.iter_mut().filter(|r| req.rules.contains(&r.meta.id)) {
                    rule.meta
                        .compliance
                        .entry(fw.id.clone())
                        .or_default()
                        .push(req.id.clone());
                }
            }
        }
        rules.sort_by_key(|r| r.def.id);
        rules
    })
}

pub fn find(id: &str) -> Option<&'static LoadedRule> {
    rules().iter().find(|r| r.def.id.eq_ignore_ascii_case(id))
}

/// Normalises a rule id or prefix from the command line or the configuration; `None` when it
/// is empty (which would select every rule) or selects no rule (a typo must not select nothing).
pub fn rule_pattern(raw: &str) -> Option<String> {
    let id = raw.trim().to_ascii_uppercase();
    (!id.is_empty() && rules().iter().any(|r| r.def.id.starts_with(&id))).then_some(id)
}
