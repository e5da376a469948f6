//! Rule parameters a team may tune in `gwaudit.toml` (`[parameters]`). Each names the rule it
//! changes; the defaults are the catalog's.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RuleParams {
    /// GW108: an enabled API key older than this many days is stale.
    pub max_key_age_days: u32,
    /// GW111: a client certificate expiring within this many days fails.
    pub cert_expiry_days: u32,
    /// GW204: internet-reachable APIs fail instead of being listed.
    pub require_private: bool,
}

impl Default for RuleParams {
    fn default() -> Self {
        RuleParams {
            max_key_age_days: 90,
            cert_expiry_days: 30,
            require_private: false,
        }
    }
}
