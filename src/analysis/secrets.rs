//! Does a stage variable hold a credential? One place for that judgement: redaction (before a
//! snapshot exists) and GW307 both ask here.
//!
//! Two questions with different answers on purpose:
//! - [`detect`] is precise: it names a kind of credential and feeds a high-severity finding,
//!   so ordinary values (hosts, URLs without credentials, ARNs, numbers, colours, aliases)
//!   must not match.
//! - [`should_redact`] is generous: hiding a harmless value costs nothing, printing a
//!   password costs a rotation. It also withholds short values under secret-like names
//!   (`dbPassword = hunter2`) that are too weak to prove anything.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SecretKind {
    AwsAccessKeyId,
    AwsSecretAccessKey,
    PrivateKey,
    Jwt,
    GithubToken,
    SlackToken,
    SlackWebhook,
    StripeKey,
    ConnectionStringPassword,
    HighEntropyUnderSecretName,
}

impl SecretKind {
    pub const ALL: [SecretKind; 10] = [
        SecretKind::AwsAccessKeyId,
        SecretKind::AwsSecretAccessKey,
        SecretKind::PrivateKey,
        SecretKind::Jwt,
        SecretKind::GithubToken,
        SlackToken,
        SlackWebhook,
        StripeKey,
        ConnectionStringPassword,
        HighEntropyUnderSecretName,
    ];

    /// The stable spelling used in redaction markers and evidence.
    pub fn as_str(self) -> &'static str {
        match self {
            SecretKind::AwsAccessKeyId => "aws-access-key-id",
            SecretKind::AwsSecretAccessKey => "aws-secret-access-key",
            SecretKind::PrivateKey => "private-key",
            SecretKind::Jwt => "jwt",
            SecretKind::GithubToken => "github-token",
            SlackToken => "slack-token",
            SlackWebhook => "slack-webhook-url",
            StripeKey => "stripe-secret-key",
            ConnectionStringPassword => "connection-string-password",
            HighEntropyUnderSecretName => "high-entropy-value-under-secret-name",
        }
    }

    pub fn parse(s: &str) -> Option<SecretKind> {
        SecretKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

use SecretKind::*;

impl fmt::Display for SecretKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The start of every redaction marker; the rest says why the value was withheld.
pub const REDACTION_PREFIX: &str = "<redacted by gwaudit";
/// Why a value without a detected credential was withheld anyway.
const WITHHELD: &str = "withheld";

/// The marker that replaces a value: `<redacted by gwaudit: jwt>`.
pub fn redaction_marker(kind: Option<SecretKind>) -> String {
    format!(
        "{REDACTION_PREFIX}: {}>",
        kind.map_or(WITHHELD, SecretKind::as_str)
    )
}

/// What a marker says: `Some(Some(kind))` for a detected credential, `Some(None)` for a value
/// withheld as a precaution, `None` when `value` is not a marker.
pub fn parse_marker(value: &str) -> Option<Option<SecretKind>> {
    let rest = value.strip_prefix(REDACTION_PREFIX)?;
    let reason = rest
        .strip_prefix(": ")
        .and_then(|r| r.strip_suffix('>'))
        .unwrap_or("");
    Some(SecretKind::parse(reason))
}

/// The kind of credential `value` holds, judged with its variable `name`.
pub fn detect(name: &str, value: &str) -> Option<SecretKind> {
    let v = value.trim();
    if v.is_empty() || v.starts_with(REDACTION_PREFIX) {
        return None;
    }
    detect_by_shape(v).or_else(|| {
        (secret_like_name(name) && !is_ordinary(v) && is_high_entropy(v))
            .then_some(HighEntropyUnderSecretName)
    })
}

/// Whether `value` must not appear in any output: a detected credential, or anything but an
/// ordinary value under a secret-like name.
pub fn should_redact(name: &str, value: &str) -> bool {
    let v = value.trim();
    !v.is_empty()
        && !v.starts_with(REDACTION_PREFIX)
        && (detect(name, v).is_some() || (secret_like_name(name) && !is_ordinary(v)))
}

/// Credentials recognisable by their shape alone, whatever the variable is called.
fn detect_by_shape(v: &str) -> Option<SecretKind> {
    if v.contains("-----BEGIN") && v.contains("PRIVATE KEY") {
        return Some(PrivateKey);
    }
    if has_connection_password(v) {
        return Some(ConnectionStringPassword);
    }
    if v.contains("hooks.slack.com/services/T") {
        return Some(SlackWebhook);
    }
    tokens(v).find_map(token_kind)
}

/// Splits on characters that cannot be part of the tokens below.
fn tokens(v: &str) -> impl Iterator<Item = &str> {
    v.split(|c: char| !(c.is_ascii_alphanumeric() || "_-./+=".contains(c)))
        .filter(|t| !t.is_empty())
}

fn token_kind(t: &str) -> Option<SecretKind> {
    let alnum = |s: &str| s.chars().all(|c| c.is_ascii_alphanumeric());
    // Only AKIA (long-term) and ASIA (session) ids belong to credentials; AIDA, AROA and the
    // other prefixes identify users and roles and are not secret.
    if t.len() == 20
        && (t.starts_with("AKIA") || t.starts_with("ASIA"))
        && t[4..]
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
    {
        return Some(AwsAccessKeyId);
    }
    if is_jwt(t) {
        return Some(Jwt);
    }
    for prefix in ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"] {
        if let Some(rest) = t.strip_prefix(prefix) {
            if rest.len() >= 30 && alnum(rest) {
                return Some(GithubToken);
            }
        }
    }
    if t.strip_prefix("github_pat_")
        .is_some_and(|r| r.len() >= 40 && r.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
    {
        return Some(GithubToken);
    }
    if ["xoxb-", "xoxp-", "xoxa-", "xoxr-", "xoxs-", "xoxe-"]
        .iter()
        .any(|p| t.strip_prefix(p).is_some_and(|r| r.len() >= 10))
    {
        return Some(SlackToken);
    }
    // Publishable keys (`pk_`) are meant for browsers; secret, restricted and webhook signing
    // keys are not.
    for prefix in ["sk_live_", "sk_test_", "rk_live_", "rk_test_", "whsec_"] {
        if t.strip_prefix(prefix)
            .is_some_and(|r| r.len() >= 16 && alnum(r))
        {
            return Some(StripeKey);
        }
    }
    // An AWS secret access key is 40 characters of base64; a git SHA (hex) or a word is not.
    if t.len() == 40
        && t.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '/' || c == '+')
        && t.chars().any(|c| c.is_ascii_uppercase())
        && t.chars().any(|c| c.is_ascii_lowercase())
        && t.chars().any(|c| c.is_ascii_digit())
        && shannon_entropy(t) >= 4.2
    {
        return Some(AwsSecretAccessKey);
    }
    None
}

/// Three base64url segments whose first two decode to JSON objects (`eyJ` is `{"`).
fn is_jwt(t: &str) -> bool {
    let parts: Vec<&str> = t.split('.').collect();
    let b64url = |s: &str| {
        s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    };
    parts.len() == 3
        && parts[0].starts_with("eyJ")
        && parts[1].starts_with("eyJ")
        && parts[0].len() >= 10
        && parts[1].len() >= 10
        && parts.iter().all(|p| b64url(p))
}

/// `scheme://user:password@host`, or `Password=...` / `password=...` in a key-value or query
/// string connection string; placeholders (`${...}`, `{{...}}`) are not passwords.
fn has_connection_password(v: &str) -> bool {
    if let Some((_, rest)) = v.split_once("://") {
        let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
        if let Some((userinfo, _host)) = authority.rsplit_once('@') {
            if let Some((_, password)) = userinfo.split_once(':') {
                if !password.is_empty() && !is_placeholder(password) {
                    return true;
                }
            }
        }
    }
    let lower = v.to_ascii_lowercase();
    for key in ["password=", "pwd=", "passwd="] {
        let mut from = 0;
        while let Some(i) = lower[from..].find(key) {
            let at = from + i;
            let boundary = at == 0 || matches!(lower.as_bytes()[at - 1], b';' | b'&' | b'?' | b' ');
            let value: String = v[at + key.len()..]
                .chars()
                .take_while(|c| !matches!(c, ';' | '&' | ' '))
                .collect();
            if boundary && !value.is_empty() && !is_placeholder(&value) {
                return true;
            }
            from = at + key.len();
        }
    }
    false
}

fn is_placeholder(s: &str) -> bool {
    let s = s.trim();
    (s.starts_with("${") && s.ends_with('}'))
        || (s.starts_with("{{") && s.ends_with("}}"))
        || (s.starts_with('<') && s.ends_with('>'))
        || s.chars().all(|c| c == '*')
}

/// Words of a variable name: `dbPassword`, `DB_PASSWORD` and `db-password` all give
/// `["db", "password"]`.
fn name_words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if !c.is_ascii_alphanumeric() {
            if !cur.is_empty() {
                words.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && prev_lower && !cur.is_empty() {
            words.push(std::mem::take(&mut cur));
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        cur.push(c.to_ascii_lowercase());
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    words
}

/// A name that says it holds a secret: `dbPassword`, `STRIPE_SECRET`, `apiKey`, `authToken`,
/// `privateKey`. Names that hold a reference to a secret (`secretArn`, `tokenHeader`,
/// `passwordParameterName`) do not count.
pub fn secret_like_name(name: &str) -> bool {
    const SECRET_WORDS: &[&str] = &[
        "password",
        "passwd",
        "pwd",
        "passphrase",
        "secret",
        "token",
        "credential",
        "credentials",
        "apikey",
        "bearer",
        "privatekey",
    ];
    const KEY_QUALIFIERS: &[&str] = &["api", "access", "private", "signing", "secret", "auth"];
    const REFERENCE_WORDS: &[&str] = &[
        "arn",
        "name",
        "id",
        "header",
        "url",
        "uri",
        "path",
        "param",
        "parameter",
        "ttl",
        "length",
        "expiry",
        "expiration",
        "type",
        "endpoint",
        "table",
        "ref",
        "version",
        "field",
        "policy",
        "file",
        "location",
        "region",
    ];
    let words = name_words(name);
    let hit = words.iter().enumerate().position(|(i, w)| {
        SECRET_WORDS.contains(&w.as_str())
            || (w == "key" && i > 0 && KEY_QUALIFIERS.contains(&words[i - 1].as_str()))
    });
    match hit {
        Some(i) => !words[i + 1..]
            .iter()
            .any(|w| REFERENCE_WORDS.contains(&w.as_str())),
        None => false,
    }
}

/// Values that carry no secret whatever the variable is called.
fn is_ordinary(v: &str) -> bool {
    let lower = v.to_ascii_lowercase();
    v.len() < 4
        || is_placeholder(v)
        || v.parse::<f64>().is_ok()
        || matches!(lower.as_str(), "true" | "false" | "yes" | "no" | "on" | "off" | "none" | "null")
        || v.starts_with("arn:")
        || v.starts_with("{{resolve:")
        // An SSM parameter path or a Secrets Manager name points at the secret.
        || (v.starts_with('/') && !v.contains(char::is_whitespace))
        || (v.starts_with('#')
            && matches!(v.len(), 4 | 7 | 9)
            && v[1..].chars().all(|c| c.is_ascii_hexdigit()))
        || (v.contains("://") && !has_connection_password(v) && !v.contains(['?', '#']))
        // A single word or a kebab/snake identifier of letters (`cognito`, `orders-prod`).
        || v.chars().all(|c| c.is_ascii_alphabetic() || c == '-' || c == '_' || c == '.')
}

/// Long enough and varied enough to be generated rather than chosen as a label.
fn is_high_entropy(v: &str) -> bool {
    let classes = [
        v.chars().any(|c| c.is_ascii_lowercase()),
        v.chars().any(|c| c.is_ascii_uppercase()),
        v.chars().any(|c| c.is_ascii_digit()),
        v.chars().any(|c| !c.is_ascii_alphanumeric()),
    ]
    .iter()
    .filter(|b| **b)
    .count();
    v.len() >= 8 && classes >= 2 && (shannon_entropy(v) >= 3.0 || classes >= 3)
}

/// Bits per character.
fn shannon_entropy(s: &str) -> f64 {
    let mut counts = std::collections::HashMap::new();
    for c in s.chars() {
        *counts.entry(c).or_insert(0usize) += 1;
    }
    let n = s.chars().count() as f64;
    counts
        .values()
        .map(|&c| {
            let p = c as f64 / n;
            -p * p.log2()
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Credentials that must be caught, with the kind they must be reported as. Built from
    /// pieces so that this file does not itself trip secret scanners.
    fn positives() -> Vec<(&'static str, String, SecretKind)> {
        let stripe = format!("sk_{}_{}", "live", "4eC39HqLyjWDarjtT1zdp7dc");
        vec![
            (
                "backendKey",
                format!("AKIA{}", "IOSFODNN7EXAMPLE"),
                AwsAccessKeyId,
            ),
            ("x", format!("ASIA{}", "Y34FZKBOKMUTVV7A"), AwsAccessKeyId),
            (
                "awsSecret",
                format!("wJalrXUtnFEMI/K7MDENG/{}", "bPxRfiCYEXAMPLEKEY"),
                AwsSecretAccessKey,
            ),
            (
                "cert",
                format!(
                    "-----BEGIN RSA {}-----\nMIIEow...\n-----END RSA PRIVATE KEY-----",
                    "PRIVATE KEY"
                ),
                PrivateKey,
            ),
            (
                "k",
                format!(
                    "-----BEGIN OPENSSH {}-----\nb3BlbnNzaC1rZXktdjEAAAAA",
                    "PRIVATE KEY"
                ),
                PrivateKey,
            ),
            (
                "session",
                format!(
                    "{}.{}.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
                    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9", "eyJzdWIiOiIxMjM0NTY3ODkwIn0"
                ),
                Jwt,
            ),
            (
                "gh",
                format!("ghp_{}", "aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789"),
                GithubToken,
            ),
            (
                "ci",
                format!(
                    "github_pat_{}",
                    "11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGH"
                ),
                GithubToken,
            ),
            (
                "notify",
                format!("xoxb-{}", "123456789012-1234567890123-AbCdEfGhIjKl"),
                SlackToken,
            ),
            (
                "alerts",
                format!(
                    "https://hooks.slack.com/services/T0000/B0000/{}",
                    "XXXXXXXXXXXXXXXX"
                ),
                SlackWebhook,
            ),
            ("payments", stripe, StripeKey),
            (
                "db",
                "postgres://app:s3cr3t-Pa55@db.internal:5432/orders".into(),
                ConnectionStringPassword,
            ),
            (
                "cache",
                "redis://:hunter2@cache:6379/0".into(),
                ConnectionStringPassword,
            ),
            (
                "sql",
                "Server=db;Database=orders;User Id=app;Password=Tr0ub4dor&3;".into(),
                ConnectionStringPassword,
            ),
            (
                "jdbc",
                "jdbc:mysql://db:3306/x?user=app&password=pa55word".into(),
                ConnectionStringPassword,
            ),
            (
                "dbPassword",
                "changeme123".into(),
                HighEntropyUnderSecretName,
            ),
            (
                "CLIENT_SECRET",
                "9f8e7d6c5b4a39281706f5e4d3c2b1a0".into(),
                HighEntropyUnderSecretName,
            ),
            (
                "partnerApiKey",
                "d41d8cd9-8f00-b204-e980-0998ecf8427e".into(),
                HighEntropyUnderSecretName,
            ),
            (
                "auth_token",
                "Qm9vbXRva2VuOjEyMzQ1".into(),
                HighEntropyUnderSecretName,
            ),
        ]
    }

    /// Ordinary values that must not be reported, whatever their name.
    const NEGATIVES: &[(&str, &str)] = &[
        ("backendHost", "payments.internal.example.com"),
        ("backendUrl", "https://api.example.com/v1/orders"),
        ("lambdaAlias", "prod"),
        ("color", "#1a2b3c"),
        ("timeout", "29000"),
        ("ratio", "0.25"),
        (
            "tableArn",
            "arn:aws:dynamodb:eu-west-1:123456789012:table/orders",
        ),
        (
            "secretArn",
            "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf",
        ),
        ("dbPasswordParameter", "/prod/orders/db-password"),
        ("tokenHeader", "Authorization"),
        ("authMode", "cognito"),
        ("apiKeySource", "HEADER"),
        ("dbPassword", "${ssm:/prod/db/password}"),
        (
            "dbPassword",
            "{{resolve:secretsmanager:prod/db:SecretString:password}}",
        ),
        ("commit", "3f786850e387550fdab836ed7e6dc881de23001b"),
        ("requestId", "c0a8e1b2-3d4e-4f50-8a6b-7c8d9e0f1a2b"),
        ("cert", "-----BEGIN CERTIFICATE-----\nMIIC..."),
        ("db", "postgres://app@db.internal:5432/orders"),
        ("db", "postgres://app:${DB_PASSWORD}@db:5432/orders"),
        ("publishable", "pk_live_51H8abcdefghijklmnop"),
        ("roleId", "AROAEXAMPLEID1234567"),
        ("tokenTtlSeconds", "3600"),
        ("version", "2.14.1"),
    ];

    #[test]
    fn detects_every_kind_of_credential() {
        for (name, value, kind) in positives() {
            assert_eq!(detect(name, &value), Some(kind), "{name}");
            assert!(should_redact(name, &value), "{name}");
        }
    }

    #[test]
    fn ordinary_values_are_not_credentials() {
        for (name, value) in NEGATIVES {
            assert_eq!(detect(name, value), None, "{name} = {value}");
        }
    }

    #[test]
    fn weak_values_under_secret_names_are_withheld_but_not_reported() {
        assert_eq!(detect("dbPassword", "hunter2"), None);
        assert!(should_redact("dbPassword", "hunter2"));
        assert!(!should_redact("tokenHeader", "Authorization"));
        assert!(!should_redact(
            "backendHost",
            "payments.internal.example.com"
        ));
    }

    #[test]
    fn name_words_split_every_convention() {
        assert_eq!(name_words("dbPassword"), ["db", "password"]);
        assert_eq!(name_words("DB_PASSWORD"), ["db", "password"]);
        assert_eq!(name_words("stripe-api-key"), ["stripe", "api", "key"]);
        assert!(secret_like_name("STRIPE_API_KEY"));
        assert!(!secret_like_name("cacheKey"));
        assert!(!secret_like_name("secretArn"));
    }

    #[test]
    fn markers_round_trip() {
        for kind in SecretKind::ALL {
            assert_eq!(
                parse_marker(&redaction_marker(Some(kind))),
                Some(Some(kind))
            );
        }
        assert_eq!(parse_marker(&redaction_marker(None)), Some(None));
        assert_eq!(parse_marker("<redacted by gwaudit>"), Some(None));
        assert_eq!(parse_marker("prod"), None);
    }
}
