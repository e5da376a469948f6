//! Secret-looking stage variable values are replaced before a snapshot exists, so no output,
//! log or file of gwaudit ever holds them. The variable name stays, so rules can still report
//! that a secret was there.

use super::Snapshot;

/// What replaces a redacted value.
pub const REDACTED: &str = "<redacted by gwaudit>";

const SECRET_NAMES: &[&str] = &[
    "password",
    "passwd",
    "pass",
    "pwd",
    "secret",
    "token",
    "apikey",
    "api_key",
    "api-key",
    "credential",
    "private",
    "auth",
    "session",
];

fn looks_secret(name: &str, value: &str) -> bool {
    let n = name.to_ascii_lowercase();
    let v = value.trim();
    if v.is_empty() || v == REDACTED {
        return false;
    }
    let key_id = v.len() == 20
        && ["AKIA", "ASIA"].iter().any(|p| v.starts_with(p))
        && v.chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
    let jwt = v.starts_with("eyJ") && v.matches('.').count() == 2;
    SECRET_NAMES.iter().any(|s| n.contains(s)) || key_id || jwt || v.contains("-----BEGIN")
}

/// Redacts every secret-looking stage variable and canary override in place; returns how many.
pub fn redact_secrets(snapshot: &mut Snapshot) -> usize {
    let mut n = 0;
    let mut scrub = |vars: &mut std::collections::BTreeMap<String, String>| {
        for (k, v) in vars.iter_mut() {
            if looks_secret(k, v) {
                *v = REDACTED.to_string();
                n += 1;
            }
        }
    };
    for region in &mut snapshot.regions {
        for api in region.rest_apis.iter_mut().flatten() {
            for stage in api.stages.iter_mut().flatten() {
                scrub(&mut stage.variables);
                if let Some(c) = stage.canary_settings.as_mut() {
                    scrub(&mut c.stage_variable_overrides);
                }
            }
        }
        for api in region.v2_apis.iter_mut().flatten() {
            for stage in api.stages.iter_mut().flatten() {
                scrub(&mut stage.stage_variables);
            }
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::looks_secret;

    #[test]
    fn detects_obvious_secrets_only() {
        assert!(looks_secret("dbPassword", "hunter2"));
        assert!(looks_secret("x", "AKIAIOSFODNN7EXAMPLE"));
        assert!(looks_secret(
            "x",
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abc"
        ));
        assert!(!looks_secret(
            "backendHost",
            "payments.internal.example.com"
        ));
        assert!(!looks_secret("lambdaAlias", "prod"));
    }
}
