//! Does a stage variable hold a credential? One place for that judgement: redaction (before a
//! snapshot exists) and GW307 both ask here. A leaf module: it imports nothing from the crate,
//! so the model can use it without depending on the analysis or the rules.
//!
//! Two questions with different answers on purpose:
//! - [`detect`] is precise: it names a kind of credential and feeds a high-severity finding,
//!   so ordinary values (hosts, URLs without credentials, ARNs, numbers, colours, aliases)
//!   must not match.
//! - [`should_redact`] is generous: hiding a harmless value costs nothing, printing a
//!   password costs a rotation. It also withholds short values under secret-like names
//!   (`dbPassword = hunter2`) that are too weak to prove anything.

/// A kind of credential. Its spelling (`aws-access-key-id`) is stable: it is written into
/// redaction markers and evidence, and snapshots on disk carry it.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    strum::VariantArray,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::Display,
)]
#[strum(serialize_all = "kebab-case")]
pub enum SecretKind {
    AwsAccessKeyId,
    AwsSecretAccessKey,
    PrivateKey,
    Jwt,
    GithubToken,
    GitlabToken,
    SlackToken,
    #[strum(serialize = "slack-webhook-url")]
    SlackWebhook,
    #[strum(serialize = "chat-webhook-url")]
    ChatWebhook,
    #[strum(serialize = "stripe-secret-key")]
    StripeKey,
    GoogleApiKey,
    #[strum(serialize = "sendgrid-api-key")]
    SendgridKey,
    NpmToken,
    #[strum(serialize = "openai-api-key")]
    OpenaiKey,
    #[strum(serialize = "anthropic-api-key")]
    AnthropicKey,
    ConnectionStringPassword,
    CredentialParameter,
    #[strum(serialize = "high-entropy-value-under-secret-name")]
    HighEntropyUnderSecretName,
}

impl SecretKind {
    /// The stable spelling used in redaction markers and evidence.
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

use SecretKind::*;

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
/// withheld as a precaution (or a marker of a kind this version does not know), `None` when
/// `value` is not a marker. Only the exact marker shape counts: a value that merely starts
/// like one (`<redacted by gwaudit>AKIA...`) is a value, and is judged and redacted as such.
pub fn parse_marker(value: &str) -> Option<Option<SecretKind>> {
    let rest = value.strip_prefix(REDACTION_PREFIX)?;
    if rest == ">" {
        return Some(None);
    }
    let reason = rest.strip_prefix(": ")?.strip_suffix('>')?;
    if reason.is_empty() || !reason.chars().all(|c| c.is_ascii_lowercase() || c == '-') {
        return None;
    }
    Some(reason.parse().ok())
}

/// The kind of credential `value` holds, judged with its variable `name`.
pub fn detect(name: &str, value: &str) -> Option<SecretKind> {
    let v = value.trim();
    if v.is_empty() || parse_marker(v).is_some() {
        return None;
    }
    detect_by_shape(v).or_else(|| {
        (secret_like_name(name) && !is_ordinary(v) && is_high_entropy(v))
            .then_some(HighEntropyUnderSecretName)
    })
}

/// Whether `value` must not appear in any output: a detected credential, or under a
/// secret-like name anything that cannot be a secret's value (a reference to a secret, a
/// placeholder, a flag). A plain word or a number under `dbPassword` is withheld: it may be
/// the password itself, however weak.
pub fn should_redact(name: &str, value: &str) -> bool {
    let v = value.trim();
    !v.is_empty()
        && parse_marker(v).is_none()
        && (detect(name, v).is_some() || (secret_like_name(name) && !is_inert(v)))
}

/// An integration or authorizer URI with a credential in it (`https://user:pw@host/`,
/// `?api_key=...`) becomes `scheme://host` plus a marker, so the scheme (which GW205 judges)
/// and the host survive; `None` when the URI holds no credential.
pub fn redact_uri(uri: &str) -> Option<String> {
    if parse_marker(uri).is_some() || uri.contains(REDACTION_PREFIX) {
        return None;
    }
    let kind = detect_by_shape(uri.trim())?;
    let keep = match uri.split_once("://") {
        Some((scheme, rest)) => {
            let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
            let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
            format!("{scheme}://{host}/")
        }
        None => String::new(),
    };
    Some(format!("{keep}{}", redaction_marker(Some(kind))))
}

/// Incoming-webhook URLs, by host and path: the URL itself is the credential.
const SLACK_WEBHOOKS: &[&str] = &[
    "hooks.slack.com/services/T",
    "hooks.slack.com/workflows/",
    "hooks.slack.com/triggers/",
];
/// Discord and Microsoft Teams incoming webhooks.
const CHAT_WEBHOOKS: &[&str] = &[
    "discord.com/api/webhooks/",
    "discordapp.com/api/webhooks/",
    "webhook.office.com/webhookb2/",
    "outlook.office.com/webhook/",
];

/// Credentials recognisable by their shape alone, whatever the variable is called.
fn detect_by_shape(v: &str) -> Option<SecretKind> {
    if v.contains("-----BEGIN") && v.contains("PRIVATE KEY") {
        return Some(PrivateKey);
    }
    if has_connection_password(v) {
        return Some(ConnectionStringPassword);
    }
    if has_credential_parameter(v) {
        return Some(CredentialParameter);
    }
    // Each list's texts share a part, looked for once: this runs on every URI of a snapshot.
    if v.contains("hooks.slack.com/") && SLACK_WEBHOOKS.iter().any(|p| v.contains(p)) {
        return Some(SlackWebhook);
    }
    if v.contains("webhook") && CHAT_WEBHOOKS.iter().any(|p| v.contains(p)) {
        return Some(ChatWebhook);
    }
    if has_access_key_id(v) {
        return Some(AwsAccessKeyId);
    }
    tokens(v).find_map(token_kind)
}

/// An AKIA (long-term) or ASIA (session) access key id anywhere in the value, bounded by
/// anything that cannot continue it: inside a URL path (`/AKIA.../`), after `id.`, in a query.
/// Only these two prefixes belong to credentials; AIDA, AROA and the others identify users and
/// roles and are not secret.
fn has_access_key_id(v: &str) -> bool {
    if !(v.contains("AKIA") || v.contains("ASIA")) {
        return false;
    }
    let b = v.as_bytes();
    let id_char = |c: u8| c.is_ascii_uppercase() || c.is_ascii_digit();
    (0..b.len().saturating_sub(19)).any(|i| {
        (b[i..].starts_with(b"AKIA") || b[i..].starts_with(b"ASIA"))
            && (i == 0 || !id_char(b[i - 1]))
            && b[i + 4..i + 20].iter().all(|&c| id_char(c))
            && b.get(i + 20).is_none_or(|&c| !id_char(c))
    })
}

/// Splits on characters that cannot be part of the tokens below (`=` included, so that
/// `key=AKIA...` still yields the key id).
fn tokens(v: &str) -> impl Iterator<Item = &str> {
    v.split(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '/' | '+')))
        .filter(|t| !t.is_empty())
}

fn token_kind(t: &str) -> Option<SecretKind> {
    let alnum = |s: &str| s.chars().all(|c| c.is_ascii_alphanumeric());
    let b64url = |s: &str| {
        s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    };
    if is_jwt(t) {
        return Some(Jwt);
    }
    // The token's alphanumeric run: punctuation after it (`ghp_....`, end of a sentence or a
    // URL segment) is not part of it.
    for prefix in ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"] {
        if let Some(rest) = t.strip_prefix(prefix) {
            let run = rest.len()
                - rest
                    .trim_start_matches(|c: char| c.is_ascii_alphanumeric())
                    .len();
            if run >= 30 && rest[run..].chars().all(|c| "./-+".contains(c)) {
                return Some(GithubToken);
            }
        }
    }
    if t.strip_prefix("github_pat_")
        .is_some_and(|r| r.len() >= 40 && r.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
    {
        return Some(GithubToken);
    }
    if ["glpat-", "gldt-", "glrt-", "glptt-"].iter().any(|p| {
        t.strip_prefix(p)
            .is_some_and(|r| r.len() >= 20 && b64url(r))
    }) {
        return Some(GitlabToken);
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
    if t.len() == 39 && t.starts_with("AIza") && b64url(&t[4..]) {
        return Some(GoogleApiKey);
    }
    if let Some(rest) = t.strip_prefix("SG.") {
        if let Some((a, b)) = rest.split_once('.') {
            if a.len() >= 16 && b.len() >= 32 && b64url(a) && b64url(b) {
                return Some(SendgridKey);
            }
        }
    }
    if t.strip_prefix("npm_")
        .is_some_and(|r| r.len() >= 36 && alnum(r))
    {
        return Some(NpmToken);
    }
    // `sk-` alone also starts ordinary names (`sk-orders-2`): the rest must be generated.
    let generated = |r: &str| {
        r.len() >= 40
            && b64url(r)
            && r.chars().any(|c| c.is_ascii_uppercase())
            && r.chars().any(|c| c.is_ascii_lowercase())
            && r.chars().any(|c| c.is_ascii_digit())
    };
    if t.strip_prefix("sk-ant-").is_some_and(generated) {
        return Some(AnthropicKey);
    }
    if t.strip_prefix("sk-").is_some_and(generated) {
        return Some(OpenaiKey);
    }
    // An AWS secret access key is 40 characters of base64; a git SHA (hex) or a word is not.
    if t.len() == 40
        && t.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '/' || c == '+')
        && t.chars().any(|c| c.is_ascii_uppercase())
        && t.chars().any(|c| c.is_ascii_lowercase())
        && t.chars().any(|c| c.is_ascii_digit())
        && shannon_entropy(t) >= 4.2
        && !is_word_path(t)
    {
        return Some(AwsSecretAccessKey);
    }
    None
}

/// A path of words (`v1/Orders/Search/ByCustomer/...`) rather than random base64 that happens
/// to contain `/`: most of its segments read as labels.
fn is_word_path(t: &str) -> bool {
    let segments: Vec<&str> = t.split(['/', '+']).collect();
    let words = segments
        .iter()
        .filter(|s| s.len() >= 3 && is_label(s))
        .count();
    segments.len() >= 3 && words * 2 >= segments.len()
}

/// Three base64url segments whose first two decode to JSON objects (`eyJ` is `{"`).
fn is_jwt(t: &str) -> bool {
    // Most tokens end here, without splitting them.
    if !t.starts_with("eyJ") {
        return false;
    }
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

/// `key=value` pairs of a query string or a connection string (`a=1&b=2`, `A=1;B=2`,
/// `https://h/p?a=1#b=2`), with the key as written.
fn parameters(v: &str) -> impl Iterator<Item = (&str, &str)> {
    // A text without `=` has no pair, and most values have none: not split at all.
    let pairs = if v.contains('=') { v } else { "" };
    pairs
        .split(['?', '&', ';', '#', ',', ' '])
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, val)| {
            // `https://h/p?x=1`: the first pair's key is what follows the last `/`.
            let k = k.rsplit(['/', ':']).next().unwrap_or(k);
            (k.trim(), val.trim())
        })
        .filter(|(k, _)| !k.is_empty())
}

/// The words that make a parameter a password whatever its value looks like.
fn is_password_key(key: &str) -> bool {
    ["password", "pwd", "passwd", "passphrase"]
        .iter()
        .any(|word| key.eq_ignore_ascii_case(word))
}

/// `scheme://user:password@host`, or `Password=...` / `password=...` in a key-value or query
/// string connection string; placeholders (`${...}`, `{{...}}`) are not passwords.
fn has_connection_password(v: &str) -> bool {
    // The password ends at the `@` before the host. People write `/` into it unescaped
    // (`postgres://app:pa/ss@db`), so a `/` after the user name's `:` does not end the
    // authority; one before it does (a path such as `/users/a:b@c` holds no credential).
    if let Some((_, rest)) = v.split_once("://") {
        let before_query = rest.split(['?', '#']).next().unwrap_or("");
        if let Some((userinfo, _host)) = before_query.rsplit_once('@') {
            if let Some((user, password)) = userinfo.split_once(':') {
                if !user.contains('/') && !password.is_empty() && !is_placeholder(password) {
                    return true;
                }
            }
        }
    }
    parameters(v).any(|(k, val)| is_password_key(k) && !val.is_empty() && !is_placeholder(val))
}

/// A query-string or connection-string parameter whose name says it carries a credential
/// (`?access_token=`, `&api_key=`, `AccountKey=`, `sig=`) with a generated-looking value.
fn has_credential_parameter(v: &str) -> bool {
    parameters(v).any(|(k, val)| {
        let signature = matches!(
            k.to_ascii_lowercase().as_str(),
            "sig" | "signature" | "x-amz-signature"
        );
        (signature || secret_like_name(k)) && !is_ordinary(val) && is_high_entropy(val)
    })
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

/// Words that name a reference to a secret, or a property of one, rather than the secret.
const REFERENCE_WORDS: &[&str] = &[
    "arn",
    "name",
    "id",
    "kid",
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
    "lifetime",
    "validity",
    "duration",
    "timeout",
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
    "alias",
    "prefix",
    "suffix",
    "scope",
    "scopes",
    "audience",
    "issuer",
    "algorithm",
    "alg",
    "format",
    "source",
    "mode",
    "provider",
    "rotation",
    "schedule",
    "store",
    "bucket",
    "kms",
    "pool",
    "usage",
    "plan",
    "cache",
    "enabled",
    "required",
];

/// A name that says it holds a secret: `dbPassword`, `STRIPE_SECRET`, `apiKey`, `authToken`,
/// `privateKey`, `hmacKey`, `backendAuth`, and the same run together (`dbpassword`,
/// `clientsecret`). Names that hold a reference to a secret or a property of one
/// (`secretArn`, `tokenHeader`, `passwordParameterName`, `tokenScope`) do not count.
pub fn secret_like_name(name: &str) -> bool {
    const SECRET_WORDS: &[&str] = &[
        "password",
        "passwd",
        "pwd",
        "pass",
        "pw",
        "pswd",
        "passphrase",
        "secret",
        "secrets",
        "token",
        "tokens",
        "credential",
        "credentials",
        "apikey",
        "bearer",
        "privatekey",
    ];
    // Secret words run together with others in one lowercase word (`dbpassword`).
    const EMBEDDED: &[&str] = &[
        "password",
        "passwd",
        "passphrase",
        "secret",
        "token",
        "credential",
        "apikey",
        "privatekey",
        "accesskey",
        "secretkey",
        "signingkey",
    ];
    // Only as the last word: `backendAuth` holds a credential, `authMode` does not.
    const LAST_WORDS: &[&str] = &["auth", "authorization"];
    const KEY_QUALIFIERS: &[&str] = &[
        "api",
        "access",
        "private",
        "signing",
        "secret",
        "auth",
        "hmac",
        "master",
        "shared",
        "webhook",
        "client",
        "consumer",
        "subscription",
        "license",
        "session",
        "jwt",
        "app",
        "account",
    ];
    // `apiKey2`, `token_v2`: a version number does not change what the word means.
    let words: Vec<String> = name_words(name)
        .into_iter()
        .map(|w| w.trim_end_matches(|c: char| c.is_ascii_digit()).to_string())
        .filter(|w| !w.is_empty())
        .collect();
    let last = words.len().saturating_sub(1);
    let hit = words.iter().enumerate().position(|(i, w)| {
        SECRET_WORDS.contains(&w.as_str())
            || (w == "key" && i > 0 && KEY_QUALIFIERS.contains(&words[i - 1].as_str()))
            || (i == last && LAST_WORDS.contains(&w.as_str()))
            || (EMBEDDED.iter().any(|e| w.len() > e.len() && w.contains(e))
                && !REFERENCE_WORDS
                    .iter()
                    .any(|r| w.len() > r.len() && w.ends_with(r)))
    });
    match hit {
        Some(i) => !words[i + 1..]
            .iter()
            .any(|w| REFERENCE_WORDS.contains(&w.as_str())),
        None => false,
    }
}

/// Values that can be no secret under any name: references to a secret, placeholders, flags.
fn is_inert(v: &str) -> bool {
    let lower = v.to_ascii_lowercase();
    is_placeholder(v)
        || matches!(lower.as_str(), "true" | "false" | "yes" | "no" | "on" | "off" | "none" | "null")
        || v.starts_with("arn:")
        || v.starts_with("alias/")
        || v.starts_with("{{resolve:")
        // A mapping expression names where a value comes from.
        || ["method.request.", "context.", "stageVariables."]
            .iter()
            .any(|p| v.starts_with(p))
        // An SSM parameter path points at the secret (a password that merely starts with
        // `/` does not read as a path of names).
        || (v.starts_with('/')
            && v.split('/').all(|seg| {
                seg.is_empty() || is_label(seg) || is_secret_name_with_suffix(seg)
            }))
        || (v.contains("://")
            && !has_connection_password(v)
            && !v.contains(['?', '#'])
            && !has_generated_path_segment(v))
}

/// A URL path segment that is a token rather than a name (`/hooks/catch/Zk3pQ9xLm2Ts8VwRaB`):
/// many webhook URLs carry their credential there.
fn has_generated_path_segment(url: &str) -> bool {
    url.split_once("://")
        .map_or(url, |(_, rest)| rest)
        .split('/')
        .skip(1)
        .any(|seg| seg.len() >= 16 && !is_label(seg) && is_high_entropy(seg))
}

/// Values that carry no credential whatever the variable is called.
fn is_ordinary(v: &str) -> bool {
    v.len() < 4
        || is_inert(v)
        || v.parse::<f64>().is_ok()
        || (v.starts_with('#')
            && matches!(v.len(), 4 | 7 | 9)
            && v[1..].chars().all(|c| c.is_ascii_hexdigit()))
        || is_label(v)
        || is_secret_name_with_suffix(v)
}

/// A Secrets Manager secret name as it appears in its ARN, with the random six-character
/// suffix AWS appends (`prod/orders/db-Ab12Cd`): a reference, not the secret.
fn is_secret_name_with_suffix(v: &str) -> bool {
    v.rsplit_once('-').is_some_and(|(name, suffix)| {
        suffix.len() == 6
            && suffix.chars().all(|c| c.is_ascii_alphanumeric())
            && is_label(name)
            && name.chars().filter(|c| c.is_ascii_lowercase()).count() >= 4
    })
}

/// A label people write: words and numbers joined by punctuation (`orders-api-prod-2`,
/// `eu-west-1`, `OrderService`, `openid,profile`, `v2.14.1`). A generated value mixes
/// letters and digits, or cases, inside one run (`Zk3pQ9xL`, `aBcDeF`).
fn is_label(v: &str) -> bool {
    let word = |p: &str| {
        let lower = p.chars().all(|c| c.is_ascii_lowercase());
        let upper = p.chars().all(|c| c.is_ascii_uppercase());
        let digits = p.chars().all(|c| c.is_ascii_digit());
        // camelCase / PascalCase: every capital starts a run of at least two small letters.
        let camel = p.chars().all(|c| c.is_ascii_alphabetic()) && {
            let b = p.as_bytes();
            b.iter().enumerate().all(|(i, c)| {
                !c.is_ascii_uppercase()
                    || (b.get(i + 1).is_some_and(u8::is_ascii_lowercase)
                        && b.get(i + 2).is_some_and(u8::is_ascii_lowercase))
            })
        };
        lower || upper || digits || camel || p.len() <= 3
    };
    let mut pieces = v
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|p| !p.is_empty())
        .peekable();
    pieces.peek().is_some() && pieces.all(word)
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
    use strum::VariantArray;

    use super::*;

    /// Credentials that must be caught, with the kind they must be reported as. Built from
    /// pieces so that this file does not itself trip secret scanners.
    fn positives() -> Vec<(&'static str, String, SecretKind)> {
        let stripe = format!("sk_{}_{}", "live", "4eC39HqLyjWDarjtT1zdp7dc");
        // Pieces several cases share.
        let akia = format!("AKIA{}", "IOSFODNN7EXAMPLE");
        let private_key = "PRIVATE KEY";
        let alnum36 = "aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789";
        let alnum44 = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789AbCdEfGh";
        let slack_secret = "XXXXXXXXXXXXXXXX";
        vec![
            ("backendKey", akia.clone(), AwsAccessKeyId),
            ("x", format!("ASIA{}", "Y34FZKBOKMUTVV7A"), AwsAccessKeyId),
            (
                "awsSecret",
                format!("wJalrXUtnFEMI/K7MDENG/{}", "bPxRfiCYEXAMPLEKEY"),
                AwsSecretAccessKey,
            ),
            (
                "cert",
                format!(
                    "-----BEGIN RSA {private_key}-----\nMIIEow...\n-----END RSA PRIVATE KEY-----"
                ),
                PrivateKey,
            ),
            (
                "k",
                format!("-----BEGIN OPENSSH {private_key}-----\nb3BlbnNzaC1rZXktdjEAAAAA"),
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
            ("gh", format!("ghp_{alnum36}"), GithubToken),
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
                format!("https://hooks.slack.com/services/T0000/B0000/{slack_secret}"),
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
            // Names run together, abbreviated, or qualified otherwise than api/access/private.
            (
                "dbpassword",
                "Zk3pQ9xLm2Ts8VwR".into(),
                HighEntropyUnderSecretName,
            ),
            (
                "clientsecret",
                "9f8e7d6c5b4a39281706f5e4d3c2b1a0".into(),
                HighEntropyUnderSecretName,
            ),
            (
                "DB_PASS",
                "Zk3pQ9xLm2Ts8VwR".into(),
                HighEntropyUnderSecretName,
            ),
            (
                "hmacKey",
                "9f8e7d6c5b4a39281706f5e4d3c2b1a0".into(),
                HighEntropyUnderSecretName,
            ),
            (
                "backendAuth",
                "svc-orders:Zk3pQ9xLm2Ts8VwR".into(),
                HighEntropyUnderSecretName,
            ),
            // Letters only, but mixed case at random: generated, not a label.
            (
                "apiToken",
                "aBcDeFgHiJkLmNoPqRsTuVwXyZaBcDeFgHiJ".into(),
                HighEntropyUnderSecretName,
            ),
            // Credentials in a query string or connection string, whatever the variable name.
            (
                "webhookUrl",
                "https://hooks.example.com/notify?token=9f8e7d6c5b4a39281706f5e4d3c2b1a0".into(),
                CredentialParameter,
            ),
            (
                "storage",
                format!("DefaultEndpointsProtocol=https&AccountName=x&AccountKey={alnum36}=="),
                CredentialParameter,
            ),
            (
                "blob",
                "https://x.blob.example.net/c?sv=2022&sig=Zk3pQ9xLm2Ts8VwRaBcDeF".into(),
                CredentialParameter,
            ),
            ("k", format!("key={akia}"), AwsAccessKeyId),
            // Wrapped in other text.
            (
                "endpoint",
                format!("https://files.example.com/{akia}/data"),
                AwsAccessKeyId,
            ),
            ("label", format!("id.{akia}"), AwsAccessKeyId),
            ("note", format!("ghp_{alnum36}."), GithubToken),
            (
                "db",
                format!("postgres://app:{}@db.internal:5432/orders", "s3cr/et-Pa55"),
                ConnectionStringPassword,
            ),
            (
                "maps",
                format!("AIza{}", "SyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q"),
                GoogleApiKey,
            ),
            (
                "mail",
                format!("SG.{}.{alnum36}aBcDeFg", "aBcDeFgHiJkLmNoPqRsTuV"),
                SendgridKey,
            ),
            (
                "ci",
                format!("glpat-{}", "aBcDeFgHiJkLmNoPqRsT"),
                GitlabToken,
            ),
            ("registry", format!("npm_{alnum36}"), NpmToken),
            ("llm", format!("sk-proj-{alnum44}"), OpenaiKey),
            ("llm2", format!("sk-ant-api03-{alnum44}"), AnthropicKey),
            (
                "alerts",
                format!("https://discord.com/api/webhooks/123456789012345678/{alnum36}"),
                ChatWebhook,
            ),
            (
                "flows",
                format!("https://hooks.slack.com/workflows/T0000/A0000/123/{slack_secret}"),
                SlackWebhook,
            ),
            // A webhook URL whose path carries the token, under a secret-like name.
            (
                "zapierWebhookSecret",
                "https://hooks.example.com/hooks/catch/123456/Zk3pQ9xLm2Ts8VwRaB".into(),
                HighEntropyUnderSecretName,
            ),
            // A value that only starts like a redaction marker is a value.
            ("x", format!("<redacted by gwaudit>{akia}"), AwsAccessKeyId),
        ]
    }

    /// Ordinary values that must not be reported, whatever their name.
    const NEGATIVES: &[(&str, &str)] = &[
        ("backendHost", "payments.internal.example.com"),
        ("backendUrl", "https://api.example.com/v1/orders"),
        (
            "backendAuth",
            "https://auth.example.com/v1/oauth2/token-exchange",
        ),
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
        // Labels under secret-like names: words and numbers joined by punctuation.
        ("tokenAudience", "orders-api-prod-2"),
        ("credentialsProvider", "cognito-us-east-1"),
        ("apiKeyUsagePlan", "orders-plan-2024"),
        ("signingKeyKid", "2024-05-key-1"),
        ("signingKeyAlias", "alias/orders-signing"),
        ("tokenScopes", "openid,profile,email"),
        ("tokenUserPool", "eu-west-1_AbCdEfGhI"),
        ("dbSecret", "prod/orders/db-Ab12Cd"),
        ("authorizerToken", "method.request.header.Authorization"),
        ("sessionKey", "JSESSIONID"),
        ("passThrough", "WHEN_NO_MATCH"),
        // Shapes that resemble credentials without being one.
        ("path", "v1/Orders/Items/Search/ByCustomer/Id1234"),
        ("cluster", "sk-orders-service-production-cluster-01"),
        (
            "search",
            "https://api.example.com/v1/search?q=orders&limit=10",
        ),
        (
            "oauth",
            "https://api.example.com/v1?state=Zk3pQ9xLm2Ts8VwRaBcDeF",
        ),
        ("templated", "https://api.example.com/v1?token=${TOKEN}"),
        ("setting", "mode=password"),
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
        // A word or a number may be the password itself: withheld, never left in clear.
        for weak in ["correcthorsebatterystaple", "changeme", "12345678", "abc"] {
            assert_eq!(detect("dbPassword", weak), None, "{weak}");
            assert!(should_redact("dbPassword", weak), "{weak}");
        }
        // A password that starts with `/` is not an SSM parameter path.
        assert!(should_redact("dbPassword", "/xK9pQ2Lm"));
        // References and flags under secret-like names stay readable.
        for inert in [
            "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf",
            "/prod/orders/db-password",
            "${ssm:/prod/db/password}",
            "{{resolve:secretsmanager:prod/db:SecretString:password}}",
            "true",
        ] {
            assert!(!should_redact("dbPassword", inert), "{inert}");
        }
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
        assert!(secret_like_name("dbpassword"));
        assert!(secret_like_name("DB_PASS"));
        assert!(secret_like_name("webhookSigningKey"));
        assert!(secret_like_name("basicAuth"));
        assert!(secret_like_name("partnerApiKey2"));
        assert!(!secret_like_name("authMode"));
        assert!(!secret_like_name("secretarn"));
        assert!(!secret_like_name("tokenScope"));
        assert!(!secret_like_name("partitionKey"));
    }

    /// Markers in snapshots already written name their kind: the spellings must not change.
    #[test]
    fn kind_spellings_are_stable() {
        let spelled: Vec<&str> = SecretKind::VARIANTS.iter().map(|k| k.as_str()).collect();
        assert_eq!(
            spelled.join(" "),
            "aws-access-key-id aws-secret-access-key private-key jwt github-token gitlab-token \
             slack-token slack-webhook-url chat-webhook-url stripe-secret-key google-api-key \
             sendgrid-api-key npm-token openai-api-key anthropic-api-key \
             connection-string-password credential-parameter high-entropy-value-under-secret-name"
        );
        assert_eq!(AwsAccessKeyId.to_string(), "aws-access-key-id");
    }

    #[test]
    fn markers_round_trip() {
        for &kind in SecretKind::VARIANTS {
            assert_eq!(
                parse_marker(&redaction_marker(Some(kind))),
                Some(Some(kind))
            );
        }
        assert_eq!(parse_marker(&redaction_marker(None)), Some(None));
        assert_eq!(parse_marker("<redacted by gwaudit>"), Some(None));
        assert_eq!(
            parse_marker("<redacted by gwaudit: a-kind-from-a-newer-version>"),
            Some(None)
        );
        assert_eq!(parse_marker("prod"), None);
        assert_eq!(parse_marker("<redacted by gwaudit>hunter2"), None);
        assert_eq!(parse_marker("<redacted by gwaudit: jwt>hunter2"), None);
    }

    #[test]
    fn uris_keep_scheme_and_host_but_lose_credentials() {
        assert_eq!(
            redact_uri("http://svc:Sup3rSecret@backend.example.com/orders").as_deref(),
            Some("http://backend.example.com/<redacted by gwaudit: connection-string-password>")
        );
        let keyed = redact_uri("https://partner.example.com/v1?api_key=9f8e7d6c5b4a3928").unwrap();
        assert!(
            keyed.starts_with("https://partner.example.com/<redacted by gwaudit: "),
            "{keyed}"
        );
        assert!(!keyed.contains("9f8e7d6c5b4a3928"));
        assert_eq!(redact_uri("https://backend.example.com/orders/{id}"), None);
        assert_eq!(
            redact_uri("arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:f/invocations"),
            None
        );
        let once = redact_uri("http://a:b1c2d3e4@h/").unwrap();
        assert_eq!(redact_uri(&once), None);
    }
}
