//! Resource policy analysis for `execute-api:Invoke`: parsing both the plain and the escaped
//! JSON forms AWS returns, and deciding which Allow statements stay open to callers that are
//! not restricted by the given condition keys once explicit Denies are applied.
//!
//! This is deliberately an evaluator of the statements that decide exposure, not a full IAM
//! engine: Allow statements are kept open unless their own conditions restrict the caller with a
//! positive match on a restricting key, or a Deny covering the same principals, action and
//! resources takes them back with a negated match on a restricting key (or unconditionally).

use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    Allow,
    Deny,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrincipalSpec {
    /// `Principal: "*"` or any principal value `*` (`{"AWS": "*"}`).
    Anyone,
    /// Specific principals (type, value).
    Specific(Vec<(String, String)>),
    /// `NotPrincipal`: everyone except the listed ones.
    AllExcept(Vec<(String, String)>),
    /// No principal element (invalid in resource policies; treated as matching nobody).
    Missing,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Patterns {
    Listed(Vec<String>),
    AllExcept(Vec<String>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    pub operator: String,
    pub key: String,
    pub values: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Statement {
    /// `Sid`, or `#N` (0-based position) when absent.
    pub label: String,
    pub effect: Effect,
    pub principal: PrincipalSpec,
    pub actions: Patterns,
    pub resources: Patterns,
    pub conditions: Vec<Condition>,
}

#[derive(Debug, Clone)]
pub struct PolicyDocument {
    pub statements: Vec<Statement>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyError(pub String);

impl std::fmt::Display for PolicyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "unparsable policy: {}", self.0)
    }
}

/// The keys that restrict who can call an API (catalog, GW201).
pub const CALLER_RESTRICTING_KEYS: &[&str] = &[
    "aws:SourceIp",
    "aws:SourceVpce",
    "aws:SourceVpc",
    "aws:VpcSourceIp",
    "aws:PrincipalOrgID",
    "aws:PrincipalAccount",
    "aws:SourceAccount",
];

/// The keys that restrict a PRIVATE API to given VPCs or VPC endpoints (catalog, GW202).
pub const VPC_RESTRICTING_KEYS: &[&str] = &["aws:SourceVpce", "aws:SourceVpc"];

/// Parses a policy as AWS returns it: plain JSON, JSON with escaped quotes and slashes
/// (`{\"Version\":...}`), or a JSON string literal holding either.
pub fn parse_policy(raw: &str) -> Result<PolicyDocument, PolicyError> {
    let value = decode_policy_value(raw.trim(), 0)?;
    document_from_value(&value)
}

fn decode_policy_value(raw: &str, depth: u8) -> Result<Value, PolicyError> {
    if depth > 3 {
        return Err(PolicyError(
            "policy is encoded more than three times".into(),
        ));
    }
    match serde_json::from_str::<Value>(raw) {
        Ok(Value::String(inner)) => decode_policy_value(inner.trim(), depth + 1),
        Ok(v) => Ok(v),
        Err(first) if raw.contains("\\\"") => {
            // AWS's escaped form is the body of a JSON string literal without the quotes.
            let unescaped: String = serde_json::from_str(&format!("\"{raw}\""))
                .map_err(|_| PolicyError(first.to_string()))?;
            decode_policy_value(unescaped.trim(), depth + 1)
        }
        Err(e) => Err(PolicyError(e.to_string())),
    }
}

fn document_from_value(value: &Value) -> Result<PolicyDocument, PolicyError> {
    let obj = value
        .as_object()
        .ok_or_else(|| PolicyError("policy is not a JSON object".into()))?;
    let statements = match obj.get("Statement") {
        Some(Value::Array(items)) => items.iter().collect::<Vec<_>>(),
        Some(item @ Value::Object(_)) => vec![item],
        Some(_) => {
            return Err(PolicyError(
                "`Statement` is neither an object nor a list".into(),
            ))
        }
        None => return Err(PolicyError("no `Statement` element".into())),
    };
    let statements = statements
        .into_iter()
        .enumerate()
        .map(|(i, s)| statement_from_value(i, s))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(PolicyDocument { statements })
}

fn statement_from_value(index: usize, value: &Value) -> Result<Statement, PolicyError> {
    let obj = value
        .as_object()
        .ok_or_else(|| PolicyError(format!("statement #{index} is not an object")))?;
    let label = match obj.get("Sid").and_then(Value::as_str) {
        Some(sid) if !sid.is_empty() => sid.to_string(),
        _ => format!("#{index}"),
    };
    let effect = match obj.get("Effect").and_then(Value::as_str) {
        Some("Allow") => Effect::Allow,
        Some("Deny") => Effect::Deny,
        other => {
            return Err(PolicyError(format!(
                "statement {label}: `Effect` must be Allow or Deny, found {}",
                other.map_or("nothing".to_string(), |s| format!("`{s}`"))
            )))
        }
    };
    let principal = match (obj.get("Principal"), obj.get("NotPrincipal")) {
        (Some(p), _) => principal_from_value(p, &label).map(|list| {
            if list.iter().any(|(_, v)| v == "*") {
                PrincipalSpec::Anyone
            } else {
                PrincipalSpec::Specific(list)
            }
        })?,
        (None, Some(p)) => PrincipalSpec::AllExcept(principal_from_value(p, &label)?),
        (None, None) => PrincipalSpec::Missing,
    };
    let actions = patterns(obj.get("Action"), obj.get("NotAction"), "Action", &label)?;
    let resources = patterns(
        obj.get("Resource"),
        obj.get("NotResource"),
        "Resource",
        &label,
    )?;
    let conditions = match obj.get("Condition") {
        None => Vec::new(),
        Some(c) => conditions_from_value(c, &label)?,
    };
    Ok(Statement {
        label,
        effect,
        principal,
        actions,
        resources,
        conditions,
    })
}

fn principal_from_value(value: &Value, label: &str) -> Result<Vec<(String, String)>, PolicyError> {
    match value {
        Value::String(s) => Ok(vec![("*".into(), s.clone())]),
        Value::Object(map) => {
            let mut out = Vec::new();
            for (kind, v) in map {
                for s in string_list(v, label, "Principal")? {
                    out.push((kind.clone(), s));
                }
            }
            Ok(out)
        }
        _ => Err(PolicyError(format!(
            "statement {label}: invalid `Principal`"
        ))),
    }
}

fn patterns(
    listed: Option<&Value>,
    negated: Option<&Value>,
    name: &str,
    label: &str,
) -> Result<Patterns, PolicyError> {
    match (listed, negated) {
        (Some(v), _) => Ok(Patterns::Listed(string_list(v, label, name)?)),
        (None, Some(v)) => Ok(Patterns::AllExcept(string_list(v, label, name)?)),
        // API Gateway fills in the API's own ARN when Resource is omitted.
        (None, None) if name == "Resource" => Ok(Patterns::Listed(vec!["*".into()])),
        (None, None) => Err(PolicyError(format!(
            "statement {label}: no `{name}` element"
        ))),
    }
}

fn string_list(value: &Value, label: &str, name: &str) -> Result<Vec<String>, PolicyError> {
    let scalar = |v: &Value| match v {
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    let bad = || PolicyError(format!("statement {label}: invalid `{name}` value"));
    match value {
        Value::Array(items) => items.iter().map(|i| scalar(i).ok_or_else(bad)).collect(),
        other => scalar(other).map(|s| vec![s]).ok_or_else(bad),
    }
}

fn conditions_from_value(value: &Value, label: &str) -> Result<Vec<Condition>, PolicyError> {
    let map = value
        .as_object()
        .ok_or_else(|| PolicyError(format!("statement {label}: `Condition` is not an object")))?;
    let mut out = Vec::new();
    for (operator, keys) in map {
        let keys = keys.as_object().ok_or_else(|| {
            PolicyError(format!(
                "statement {label}: condition `{operator}` is not an object"
            ))
        })?;
        for (key, values) in keys {
            out.push(Condition {
                operator: operator.clone(),
                key: key.clone(),
                values: string_list(values, label, "Condition")?,
            });
        }
    }
    Ok(out)
}

/// Case-insensitive glob match with `*` and `?`, as IAM matches actions and resources.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    crate::glob::matches(&pattern.to_ascii_lowercase(), &text.to_ascii_lowercase())
}

const INVOKE: &str = "execute-api:Invoke";

impl Statement {
    pub fn covers_invoke(&self) -> bool {
        match &self.actions {
            Patterns::Listed(list) => list.iter().any(|a| glob_match(a, INVOKE)),
            Patterns::AllExcept(list) => !list.iter().any(|a| glob_match(a, INVOKE)),
        }
    }

    /// Whether callers outside any named principal are granted or denied by this statement.
    pub fn applies_to_anyone(&self) -> bool {
        matches!(
            self.principal,
            PrincipalSpec::Anyone | PrincipalSpec::AllExcept(_)
        )
    }

    fn operators<'a>(&'a self) -> impl Iterator<Item = (&'a Condition, Operator)> + 'a {
        self.conditions
            .iter()
            .map(|c| (c, Operator::parse(&c.operator)))
    }
}

/// How a multivalued-key set operator changes a condition's meaning when the key is absent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SetOperator {
    None,
    /// `ForAnyValue:`: false when the key is absent.
    AnyValue,
    /// `ForAllValues:`: true when the key is absent.
    AllValues,
}

/// A condition operator split into the parts that decide whether it restricts callers.
#[derive(Debug, Clone, Copy)]
struct Operator {
    set: SetOperator,
    negated: bool,
    if_exists: bool,
    /// String, Arn or IP comparison (as opposed to Bool, Null, numeric, date).
    matches_identity: bool,
    /// `...Like`: values are patterns.
    pattern: bool,
}

impl Operator {
    fn parse(raw: &str) -> Operator {
        let (set, base) = if let Some(b) = raw.strip_prefix("ForAnyValue:") {
            (SetOperator::AnyValue, b)
        } else if let Some(b) = raw.strip_prefix("ForAllValues:") {
            (SetOperator::AllValues, b)
        } else {
            (SetOperator::None, raw)
        };
        let (base, if_exists) = match base.strip_suffix("IfExists") {
            Some(b) => (b, true),
            None => (base, false),
        };
        let positive = [
            "StringEquals",
            "StringEqualsIgnoreCase",
            "StringLike",
            "ArnEquals",
            "ArnLike",
            "IpAddress",
        ];
        let negative = [
            "StringNotEquals",
            "StringNotEqualsIgnoreCase",
            "StringNotLike",
            "ArnNotEquals",
            "ArnNotLike",
            "NotIpAddress",
        ];
        Operator {
            set,
            negated: negative.contains(&base),
            if_exists,
            matches_identity: positive.contains(&base) || negative.contains(&base),
            pattern: base.ends_with("Like"),
        }
    }
}

fn is_restricting_key(key: &str, keys: &[&str]) -> bool {
    keys.iter().any(|k| k.eq_ignore_ascii_case(key))
}

/// `aws:SourceIp` is present on every request to an EDGE or REGIONAL endpoint, so
/// "if exists" and set operators do not open a gap on it.
fn always_present(key: &str) -> bool {
    key.eq_ignore_ascii_case("aws:SourceIp")
}

/// Addresses covered by an IPv4 or IPv6 CIDR, as a fraction of its address space.
fn cidr_share(value: &str) -> Option<f64> {
    let (addr, len) = value.trim().split_once('/')?;
    let len: u32 = len.parse().ok()?;
    let bits = if addr.contains(':') { 128 } else { 32 };
    (len <= bits).then(|| 0.5f64.powi(len as i32))
}

/// Values that match every caller restrict nothing: wildcard-only patterns, and address
/// lists covering the whole address space (`0.0.0.0/0`, `::/0`, `0.0.0.0/1` + `128.0.0.0/1`).
fn values_restrict(values: &[String], op: Operator) -> bool {
    if values.is_empty() || values.iter().any(|v| v.trim().is_empty()) {
        return false;
    }
    if op.pattern
        && values
            .iter()
            .any(|v| v.chars().all(|c| c == '*' || c == '?'))
    {
        return false;
    }
    let shares = |v6: bool| -> f64 {
        values
            .iter()
            .filter(|v| v.contains(':') == v6)
            .filter_map(|v| cidr_share(v))
            .sum()
    };
    shares(false) < 1.0 && shares(true) < 1.0
}

/// The restricting condition of an Allow statement: a positive match on a restricting key.
/// `...IfExists` and `ForAllValues:` are true for callers without the key (from the internet),
/// so they restrict only keys every request carries.
fn allow_restriction<'a>(stmt: &'a Statement, keys: &[&str]) -> Option<&'a Condition> {
    stmt.operators()
        .find(|(c, op)| {
            let absent_passes = op.if_exists || op.set == SetOperator::AllValues;
            op.matches_identity
                && !op.negated
                && (!absent_passes || always_present(&c.key))
                && is_restricting_key(&c.key, keys)
                && values_restrict(&c.values, *op)
        })
        .map(|(c, _)| c)
}

/// A resource as a path relative to the API: `execute-api:/stage/GET/x`, or `*`.
fn api_relative(resource: &str) -> String {
    if resource == "*" {
        return "*".into();
    }
    if let Some(rest) = resource.strip_prefix("execute-api:") {
        return format!("execute-api:{rest}");
    }
    // arn:aws:execute-api:region:account:api-id/stage/METHOD/path
    let mut parts = resource.splitn(6, ':');
    if let (Some("arn"), Some(_), Some("execute-api"), Some(_), Some(_), Some(tail)) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) {
        if let Some((_api, path)) = tail.split_once('/') {
            return format!("execute-api:/{path}");
        }
        return "execute-api:/*".into();
    }
    resource.to_string()
}

/// Whether a Deny resource pattern covers every request an Allow resource pattern grants.
/// Patterns are compared as sets: a Deny `prefix*` covers an Allow that starts with `prefix`;
/// anything more intricate covers only a literal Allow (an unproven cover is no cover).
fn resource_covers(deny: &str, allow: &str) -> bool {
    let (deny, allow) = (api_relative(deny), api_relative(allow));
    if deny == "*" || deny.eq_ignore_ascii_case(&allow) {
        return true;
    }
    let allow_is_literal = !allow.contains(['*', '?']);
    match deny.find(['*', '?']) {
        Some(i) if i == deny.len() - 1 && deny.ends_with('*') => allow
            .to_ascii_lowercase()
            .starts_with(&deny[..i].to_ascii_lowercase()),
        Some(_) => allow_is_literal && glob_match(&deny, &allow),
        None => false,
    }
}

/// Whether a Deny statement takes back an Allow for callers outside a restriction: it must
/// apply to anyone, cover Invoke and the Allow's resources, and be either unconditional or
/// conditioned only on negated matches of restricting keys that hold for callers without the
/// key (`ForAnyValue:` is false for them, so it denies nobody from the internet).
fn deny_takes_back(deny: &Statement, allow: &Statement, keys: &[&str]) -> bool {
    if deny.effect != Effect::Deny || !deny.applies_to_anyone() || !deny.covers_invoke() {
        return false;
    }
    let covers_resources = match (&deny.resources, &allow.resources) {
        (Patterns::Listed(d), Patterns::Listed(a)) => a
            .iter()
            .all(|ar| d.iter().any(|dr| resource_covers(dr, ar))),
        (Patterns::Listed(d), Patterns::AllExcept(_)) => d.iter().any(|dr| dr == "*"),
        (Patterns::AllExcept(_), _) => false,
    };
    covers_resources
        && deny.operators().all(|(c, op)| {
            op.matches_identity
                && op.negated
                && (op.set != SetOperator::AnyValue || always_present(&c.key))
                && is_restricting_key(&c.key, keys)
                && values_restrict(&c.values, op)
        })
}

/// An Allow statement that stays open after conditions and Denies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenGrant {
    pub statement: String,
    pub resources: Vec<String>,
}

/// How a statement that grants Invoke was restricted, for evidence on passing results.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restriction {
    pub statement: String,
    pub by: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InvokeAnalysis {
    pub open: Vec<OpenGrant>,
    pub restricted: Vec<Restriction>,
}

impl InvokeAnalysis {
    /// `Sid1, #2`: the open statements, for messages.
    pub fn open_labels(&self) -> String {
        let labels: Vec<&str> = self.open.iter().map(|g| g.statement.as_str()).collect();
        labels.join(", ")
    }

    /// One line per open statement with its resources, for evidence.
    pub fn open_evidence(&self) -> Vec<String> {
        self.open
            .iter()
            .map(|g| format!("{} on {}", g.statement, g.resources.join(", ")))
            .collect()
    }

    /// One line per restricted statement with what restricts it, for evidence.
    pub fn restriction_evidence(&self) -> Vec<String> {
        self.restricted
            .iter()
            .map(|r| format!("{}: {}", r.statement, r.by))
            .collect()
    }
}

/// Which principals' Allow statements to examine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrincipalScope {
    /// Only statements open to anyone (`*`, `{"AWS":"*"}`, `NotPrincipal`).
    Anyone,
    /// Every Allow statement, whatever its principal.
    All,
}

/// Allow statements granting `execute-api:Invoke` that are not restricted by `keys`.
pub fn analyze_invoke(
    doc: &PolicyDocument,
    scope: PrincipalScope,
    keys: &[&str],
) -> InvokeAnalysis {
    let mut out = InvokeAnalysis::default();
    for allow in &doc.statements {
        if allow.effect != Effect::Allow || !allow.covers_invoke() {
            continue;
        }
        if scope == PrincipalScope::Anyone && !allow.applies_to_anyone() {
            continue;
        }
        if let Some(c) = allow_restriction(allow, keys) {
            out.restricted.push(Restriction {
                statement: allow.label.clone(),
                by: format!("{} {} {:?}", c.operator, c.key, c.values),
            });
            continue;
        }
        if let Some(deny) = doc
            .statements
            .iter()
            .find(|d| deny_takes_back(d, allow, keys))
        {
            let by = match deny.conditions.first() {
                Some(c) => format!(
                    "Deny {} with {} {} {:?}",
                    deny.label, c.operator, c.key, c.values
                ),
                None => format!("unconditional Deny {}", deny.label),
            };
            out.restricted.push(Restriction {
                statement: allow.label.clone(),
                by,
            });
            continue;
        }
        let resources = match &allow.resources {
            Patterns::Listed(r) => r.clone(),
            Patterns::AllExcept(r) => vec![format!("all except {}", r.join(", "))],
        };
        out.open.push(OpenGrant {
            statement: allow.label.clone(),
            resources,
        });
    }
    out
}

/// Identity policies: a pattern segment made only of wildcards, with at least one `*`
/// (`*`, `**`, `?*`), which matches every name.
fn wildcard_only(segment: &str) -> bool {
    segment.contains('*') && segment.chars().all(|c| c == '*' || c == '?')
}

/// Identity policies: whether an `Action` pattern grants every action of a service (`s3:*`,
/// `s3:?*`) or of every service (`*`, `*:*`). Narrower patterns (`s3:Get*`) do not.
pub fn action_grants_whole_service(action: &str) -> bool {
    let a = action.trim();
    wildcard_only(a)
        || a.split_once(':')
            .is_some_and(|(_, name)| wildcard_only(name))
}

/// Identity policies: whether a `Resource` pattern matches every resource of whatever service
/// an action names: `*`, or an ARN pattern whose resource part is only wildcards
/// (`arn:aws:s3:::*`, `arn:aws:s3:::*/*`, `arn:aws:dynamodb:*:*:*`), or that ends in a
/// wildcard before the resource part (`arn:aws:*`, glob `*` spans `:`). A resource type
/// (`function:*`, `table/*`) or a name (`bucket/*`) narrows it.
pub fn resource_matches_everything(resource: &str) -> bool {
    let r = resource.trim();
    if wildcard_only(r) {
        return true;
    }
    if !r.starts_with("arn:") {
        return false;
    }
    let parts: Vec<&str> = r.splitn(6, ':').collect();
    let last = parts.last().copied().unwrap_or_default();
    if parts.len() < 6 {
        wildcard_only(last)
    } else {
        last.contains('*') && last.chars().all(|c| matches!(c, '*' | '?' | '/'))
    }
}

#[cfg(test)]
mod identity_policy_tests {
    use super::*;

    #[test]
    fn whole_service_actions() {
        for a in ["*", "*:*", "s3:*", " S3:* ", "s3:**", "s3:?*", "**"] {
            assert!(action_grants_whole_service(a), "{a}");
        }
        for a in ["s3:Get*", "s3:GetObject", "?", "s3:?", "s3:", "iam:*Policy"] {
            assert!(!action_grants_whole_service(a), "{a}");
        }
    }

    #[test]
    fn resources_matching_everything() {
        for r in [
            "*",
            " * ",
            "**",
            "arn:*",
            "arn:aws:*",
            "arn:aws:s3:*",
            "arn:aws:s3:::*",
            "arn:aws:s3:::*/*",
            "arn:aws:dynamodb:*:*:*",
            "arn:aws:iam::111122223333:*",
        ] {
            assert!(resource_matches_everything(r), "{r}");
        }
        for r in [
            "arn:aws:s3:::bucket/*",
            "arn:aws:s3:::bucket*",
            "arn:aws:lambda:*:*:function:*",
            "arn:aws:dynamodb:*:*:table/*",
            "arn:aws:sqs:us-east-1:1:queue",
            "arn:aws",
            "execute-api:/*",
            "",
        ] {
            assert!(!resource_matches_everything(r), "{r}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn open(policy: &str) -> Vec<OpenGrant> {
        let doc = parse_policy(policy).unwrap();
        analyze_invoke(&doc, PrincipalScope::Anyone, CALLER_RESTRICTING_KEYS).open
    }

    const PUBLIC: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"execute-api:/*"}]}"#;

    #[test]
    fn plain_escaped_and_string_literal_forms_parse_alike() {
        let escaped = PUBLIC.replace('"', "\\\"").replace('/', "\\/");
        let literal = serde_json::to_string(PUBLIC).unwrap();
        for form in [PUBLIC.to_string(), escaped, literal] {
            assert_eq!(open(&form).len(), 1, "{form}");
        }
    }

    #[test]
    fn aws_star_principal_is_anyone() {
        let p = PUBLIC.replace(r#""Principal":"*""#, r#""Principal":{"AWS":["*"]}"#);
        assert_eq!(open(&p).len(), 1);
        let p = PUBLIC.replace(
            r#""Principal":"*""#,
            r#""Principal":{"AWS":"arn:aws:iam::111122223333:root"}"#,
        );
        assert!(open(&p).is_empty());
    }

    #[test]
    fn positive_condition_on_restricting_key_restricts() {
        let p = PUBLIC.replace(
            r#""Resource":"execute-api:/*"}"#,
            r#""Resource":"execute-api:/*","Condition":{"IpAddress":{"aws:SourceIp":["203.0.113.0/24"]}}}"#,
        );
        assert!(open(&p).is_empty());
        let everyone = p.replace("203.0.113.0/24", "0.0.0.0/0");
        assert_eq!(open(&everyone).len(), 1);
        let if_exists = p.replace("\"IpAddress\"", "\"IpAddressIfExists\"");
        assert!(
            open(&if_exists).is_empty(),
            "aws:SourceIp is always present"
        );
        let other_key = p.replace("aws:SourceIp", "aws:UserAgent");
        assert_eq!(open(&other_key).len(), 1);
    }

    #[test]
    fn negated_deny_takes_public_allow_back() {
        let p = r#"{"Statement":[
            {"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"execute-api:/*"},
            {"Effect":"Deny","Principal":"*","Action":"execute-api:Invoke","Resource":"execute-api:/*",
             "Condition":{"StringNotEquals":{"aws:SourceVpce":"vpce-0123"}}}]}"#;
        assert!(open(p).is_empty());
        // A Deny on an unrelated key does not restrict callers.
        assert_eq!(open(&p.replace("aws:SourceVpce", "aws:UserAgent")).len(), 1);
        // A Deny on one method does not cover the whole API.
        assert_eq!(
            open(&p.replace(
                r#""Resource":"execute-api:/*",
             "Condition""#,
                r#""Resource":"execute-api:/*/POST/*",
             "Condition""#
            ))
            .len(),
            1
        );
    }

    #[test]
    fn set_operators_and_if_exists_follow_absent_key_semantics() {
        let with = |op: &str, key: &str, val: &str| {
            PUBLIC.replace(
                r#""Resource":"execute-api:/*"}"#,
                &format!(
                    r#""Resource":"execute-api:/*","Condition":{{"{op}":{{"{key}":"{val}"}}}}}}"#
                ),
            )
        };
        assert_eq!(
            open(&with(
                "ForAllValues:StringEquals",
                "aws:SourceVpce",
                "vpce-1"
            ))
            .len(),
            1
        );
        assert_eq!(
            open(&with(
                "ForAllValues:StringEquals",
                "aws:PrincipalOrgID",
                "o-1"
            ))
            .len(),
            1
        );
        assert!(open(&with(
            "ForAnyValue:StringEquals",
            "aws:PrincipalOrgID",
            "o-1"
        ))
        .is_empty());
        assert_eq!(
            open(&with("StringEqualsIfExists", "aws:SourceVpce", "vpce-1")).len(),
            1
        );
        // Every request to a public endpoint carries aws:SourceIp.
        assert!(open(&with("IpAddressIfExists", "aws:SourceIp", "203.0.113.0/24")).is_empty());
        let deny = |op: &str| {
            format!(
                r#"{{"Statement":[{{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"execute-api:/*"}},
                {{"Effect":"Deny","Principal":"*","Action":"execute-api:Invoke","Resource":"execute-api:/*",
                 "Condition":{{"{op}":{{"aws:SourceVpce":"vpce-1"}}}}}}]}}"#
            )
        };
        assert!(open(&deny("StringNotEquals")).is_empty());
        assert!(open(&deny("StringNotEqualsIfExists")).is_empty());
        assert_eq!(open(&deny("ForAnyValue:StringNotEquals")).len(), 1);
    }

    #[test]
    fn values_matching_everyone_do_not_restrict() {
        let with = |op: &str, key: &str, vals: &str| {
            PUBLIC.replace(
                r#""Resource":"execute-api:/*"}"#,
                &format!(
                    r#""Resource":"execute-api:/*","Condition":{{"{op}":{{"{key}":{vals}}}}}}}"#
                ),
            )
        };
        for (op, key, vals) in [
            ("IpAddress", "aws:SourceIp", r#"["0::/0"]"#),
            (
                "IpAddress",
                "aws:SourceIp",
                r#"["0.0.0.0/1","128.0.0.0/1"]"#,
            ),
            ("StringLike", "aws:PrincipalAccount", r#""**""#),
            ("StringLike", "aws:SourceVpce", r#""?*""#),
        ] {
            assert_eq!(open(&with(op, key, vals)).len(), 1, "{op} {key} {vals}");
        }
        assert!(open(&with("IpAddress", "aws:SourceIp", r#"["0.0.0.0/1"]"#)).is_empty());
        assert!(open(&with("StringLike", "aws:SourceVpce", r#""vpce-0a*""#)).is_empty());
    }

    #[test]
    fn deny_resources_compare_as_sets() {
        assert!(resource_covers("execute-api:/*", "execute-api:/*"));
        assert!(resource_covers(
            "execute-api:/*",
            "arn:aws:execute-api:us-east-1:1:abc/*"
        ));
        assert!(resource_covers(
            "arn:aws:execute-api:us-east-1:1:abc/*",
            "execute-api:/prod/GET/x"
        ));
        assert!(resource_covers("*", "execute-api:/*"));
        assert!(!resource_covers("execute-api:/?", "execute-api:/*"));
        assert!(!resource_covers("execute-api:/*/POST/*", "execute-api:/*"));
        assert!(resource_covers(
            "execute-api:/*/POST/*",
            "execute-api:/prod/POST/orders"
        ));
    }

    #[test]
    fn unparsable_policies_are_errors() {
        assert!(parse_policy("{not json").is_err());
        assert!(parse_policy(r#"{"Statement":[{"Effect":"Maybe"}]}"#).is_err());
        assert!(parse_policy("[]").is_err());
    }

    #[test]
    fn glob() {
        assert!(glob_match("execute-api:*", "execute-api:Invoke"));
        assert!(glob_match("*", "execute-api:Invoke"));
        assert!(glob_match("Execute-API:invoke", "execute-api:Invoke"));
        assert!(!glob_match(
            "execute-api:ManageConnections",
            "execute-api:Invoke"
        ));
        assert!(glob_match(
            "arn:aws:execute-api:*:*:abc/*",
            "arn:aws:execute-api:eu-west-1:1:abc/dev/GET/x"
        ));
    }
}
