//! Resource policy analysis for `execute-api:Invoke`: parsing both the plain and the escaped
//! JSON forms AWS returns, and deciding which Allow statements stay open to callers that are
//! not restricted by the given condition keys once explicit Denies are applied.
//!
//! This is deliberately an evaluator of the statements that decide exposure, not a full IAM
//! engine: Allow statements are kept open unless their own conditions restrict the caller with a
//! positive match on a restricting key, or a Deny covering the same principals, action and
//! resources takes them back with a negated match on a restricting key (or unconditionally).

use std::collections::HashMap;

use serde_json::Value;

use crate::model::ArnFields;

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

impl PolicyDocument {
    /// The statements that can apply to API `api_id`. A resource policy may name other APIs in
    /// full ARNs (`arn:aws:execute-api:region:account:otherapi/*`): such a resource never
    /// matches a request to this API, so a Deny of it restricts nothing here and an Allow of
    /// it grants nothing here. A statement left with no resource for this API is dropped;
    /// `NotResource` lists are kept as they are (they apply to everything they do not name).
    pub fn for_api(&self, api_id: &str) -> PolicyDocument {
        let names_other_api = |resource: &str| {
            // arn:partition:execute-api:region:account:api-id/stage/METHOD/path
            match ArnFields::split(resource) {
                Some(f) if f.service == "execute-api" => {
                    let id = f.resource.split('/').next().unwrap_or(f.resource);
                    !id.contains(['*', '?']) && id != api_id
                }
                _ => false,
            }
        };
        let statements = self
            .statements
            .iter()
            .filter_map(|s| match &s.resources {
                Patterns::Listed(list) => {
                    let kept: Vec<String> = list
                        .iter()
                        .filter(|r| !names_other_api(r))
                        .cloned()
                        .collect();
                    (!kept.is_empty()).then(|| Statement {
                        resources: Patterns::Listed(kept),
                        ..s.clone()
                    })
                }
                Patterns::AllExcept(_) => Some(s.clone()),
            })
            .collect();
        PolicyDocument { statements }
    }
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
        self.covers(INVOKE)
    }

    /// Whether the statement's `Action` (or `NotAction`) takes in `action`.
    pub fn covers(&self, action: &str) -> bool {
        match &self.actions {
            Patterns::Listed(list) => list.iter().any(|a| glob_match(a, action)),
            Patterns::AllExcept(list) => !list.iter().any(|a| glob_match(a, action)),
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

/// The condition keys that restrict callers in an analysis, and the keys every request in its
/// context carries beyond `aws:SourceIp`.
#[derive(Debug, Clone, Copy)]
struct Keys<'k> {
    restricting: &'k [&'k str],
    present: &'k [&'k str],
}

impl<'k> Keys<'k> {
    fn restricting(keys: &'k [&'k str]) -> Self {
        Keys {
            restricting: keys,
            present: &[],
        }
    }
}

fn is_restricting_key(key: &str, keys: Keys) -> bool {
    keys.restricting.iter().any(|k| k.eq_ignore_ascii_case(key))
}

/// `aws:SourceIp` is present on every request to an EDGE or REGIONAL endpoint, and the
/// context may name more (a private custom domain is reached only through a VPC endpoint), so
/// "if exists" and set operators do not open a gap on them.
fn always_present(key: &str, keys: Keys) -> bool {
    key.eq_ignore_ascii_case("aws:SourceIp")
        || keys.present.iter().any(|k| k.eq_ignore_ascii_case(key))
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
    // A pattern of wildcards, alone or after the fixed prefix every id of its kind carries
    // (`vpce-*`, `vpc-*`, `o-*`), matches every caller.
    let wildcards_only = |v: &str| !v.is_empty() && v.chars().all(|c| c == '*' || c == '?');
    if op.pattern
        && values.iter().any(|v| {
            let v = v.trim();
            wildcards_only(v)
                || ["vpce-", "vpc-", "o-"]
                    .iter()
                    .any(|prefix| v.strip_prefix(prefix).is_some_and(wildcards_only))
        })
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
fn allow_restriction<'a>(stmt: &'a Statement, keys: Keys) -> Option<&'a Condition> {
    stmt.operators()
        .find(|(c, op)| {
            let absent_passes = op.if_exists || op.set == SetOperator::AllValues;
            op.matches_identity
                && !op.negated
                && (!absent_passes || always_present(&c.key, keys))
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
    if let Some(f) = ArnFields::split(resource).filter(|f| f.service == "execute-api") {
        if let Some((_api, path)) = f.resource.split_once('/') {
            return format!("execute-api:/{path}");
        }
        return "execute-api:/*".into();
    }
    resource.to_string()
}

/// Whether a Deny resource pattern covers every request an Allow resource pattern grants.
/// Patterns are compared as sets: a Deny `prefix*` covers an Allow that starts with `prefix`;
/// anything more intricate covers only a literal Allow (an unproven cover is no cover).
/// (The reference for [`RelPattern::covers`], which [`analyze_invoke`] uses.)
#[cfg(test)]
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
///
/// [`analyze_invoke`] answers the same question through a [`DenyIndex`]; this pairwise form is
/// what the index must agree with.
#[cfg(test)]
fn deny_takes_back(deny: &Statement, allow: &Statement, keys: Keys) -> bool {
    deny_restricts(deny, keys) && deny_covers_resources(deny, allow)
}

/// The half of [`deny_takes_back`] that does not depend on the Allow: a Deny on Invoke for
/// anyone, unconditional or conditioned only on negated matches of restricting keys.
fn deny_restricts(deny: &Statement, keys: Keys) -> bool {
    deny_restricts_action(deny, keys, INVOKE)
}

/// [`deny_restricts`] for any action.
fn deny_restricts_action(deny: &Statement, keys: Keys, action: &str) -> bool {
    deny.effect == Effect::Deny
        && deny.applies_to_anyone()
        && deny.covers(action)
        && deny.operators().all(|(c, op)| {
            op.matches_identity
                && op.negated
                && (op.set != SetOperator::AnyValue || always_present(&c.key, keys))
                && is_restricting_key(&c.key, keys)
                && values_restrict(&c.values, op)
        })
}

/// The other half: the Deny's resources cover every resource of the Allow.
#[cfg(test)]
fn deny_covers_resources(deny: &Statement, allow: &Statement) -> bool {
    match (&deny.resources, &allow.resources) {
        (Patterns::Listed(d), Patterns::Listed(a)) => a
            .iter()
            .all(|ar| d.iter().any(|dr| resource_covers(dr, ar))),
        (Patterns::Listed(d), Patterns::AllExcept(_)) => d.iter().any(|dr| dr == "*"),
        (Patterns::AllExcept(_), _) => false,
    }
}

/// A resource pattern as [`resource_covers`] compares it, computed once: relative to the API
/// and lower-cased (ASCII, which keeps every byte offset).
#[derive(Debug)]
struct RelPattern {
    lower: String,
    /// Neither `*` nor `?`.
    literal: bool,
    kind: PatternKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PatternKind {
    /// `*`: every resource.
    Star,
    /// No wildcard: only itself.
    Literal,
    /// One wildcard, a final `*`: every resource starting with the first `.0` bytes.
    Prefix(usize),
    /// Other wildcards: literal resources it matches as a glob. `.0` and `.1`: the literal
    /// bytes before the first and after the last wildcard, which a match must start and end
    /// with (a cheap test before the glob).
    Glob(usize, usize),
}

impl RelPattern {
    fn new(raw: &str) -> Self {
        let relative = api_relative(raw);
        let lower = relative.to_ascii_lowercase();
        let first = lower.find(['*', '?']);
        let kind = match first {
            _ if relative == "*" => PatternKind::Star,
            None => PatternKind::Literal,
            Some(i) if i == lower.len() - 1 && lower.ends_with('*') => PatternKind::Prefix(i),
            Some(i) => {
                let last = lower.rfind(['*', '?']).unwrap_or(i);
                PatternKind::Glob(i, lower.len() - last - 1)
            }
        };
        RelPattern {
            literal: first.is_none(),
            lower,
            kind,
        }
    }

    /// [`resource_covers`]`(self, allow)`.
    fn covers(&self, allow: &RelPattern) -> bool {
        match self.kind {
            PatternKind::Star => true,
            _ if self.lower == allow.lower => true,
            PatternKind::Literal => false,
            PatternKind::Prefix(i) => allow.lower.starts_with(&self.lower[..i]),
            PatternKind::Glob(head, tail) => {
                allow.literal
                    && allow.lower.starts_with(&self.lower[..head])
                    && allow
                        .lower
                        .ends_with(&self.lower[self.lower.len() - tail..])
                    && crate::glob::matches(&self.lower, &allow.lower)
            }
        }
    }
}

/// Byte trie of the prefixes of `prefix*` Deny patterns: every prefix a resource starts with is
/// found in one walk along it.
#[derive(Debug)]
struct PrefixTrie {
    /// Node 0 is the root.
    nodes: Vec<TrieNode>,
}

#[derive(Debug, Default)]
struct TrieNode {
    /// (byte, node).
    children: Vec<(u8, usize)>,
    /// The Denies (ascending) whose prefix ends here.
    denies: Vec<usize>,
}

impl PrefixTrie {
    fn new() -> Self {
        PrefixTrie {
            nodes: vec![Default::default()],
        }
    }

    fn insert(&mut self, prefix: &[u8], deny: usize) {
        let mut node = 0;
        for &b in prefix {
            node = match self.nodes[node].children.iter().find(|(c, _)| *c == b) {
                Some(&(_, next)) => next,
                None => {
                    let next = self.nodes.len();
                    self.nodes.push(Default::default());
                    self.nodes[node].children.push((b, next));
                    next
                }
            };
        }
        push_once(&mut self.nodes[node].denies, deny);
    }

    /// Calls `f` with the Denies of every inserted prefix that `text` starts with.
    fn for_each_prefix_of(&self, text: &[u8], mut f: impl FnMut(&[usize])) {
        let mut node = 0;
        for b in text.iter().map(Some).chain([None]) {
            f(&self.nodes[node].denies);
            let Some(b) = b else { break };
            match self.nodes[node].children.iter().find(|(c, _)| c == b) {
                Some(&(_, next)) => node = next,
                None => break,
            }
        }
    }
}

/// Appends `deny` unless it is already the last entry (Denies are added in ascending order).
fn push_once(list: &mut Vec<usize>, deny: usize) {
    if list.last() != Some(&deny) {
        list.push(deny);
    }
}

/// The distinct inner-wildcard patterns of the restricting Denies, each with its Denies.
#[derive(Default)]
struct GlobPatterns {
    ids: HashMap<String, usize>,
    patterns: Vec<(RelPattern, Vec<usize>)>,
}

impl GlobPatterns {
    fn add(&mut self, p: &RelPattern, deny: usize) {
        let id = *self.ids.entry(p.lower.clone()).or_insert_with(|| {
            self.patterns.push((
                RelPattern {
                    lower: p.lower.clone(),
                    ..*p
                },
                Vec::new(),
            ));
            self.patterns.len() - 1
        });
        push_once(&mut self.patterns[id].1, deny);
    }
}

/// Inner-wildcard patterns by one of their literal runs: a glob matches a literal resource
/// only if each of its literal runs occurs in it, so a resource needs checking only against
/// the patterns whose chosen run it contains. The run chosen is the one fewest patterns share
/// (then the longest), so `execute-api:/*/POST/items7` is found through `/post/items7`, not
/// through the `execute-api:/` every pattern starts with.
#[derive(Debug, Default)]
struct GlobIndex {
    /// Distinct patterns, each with its Denies (ascending).
    patterns: Vec<(RelPattern, Vec<usize>)>,
    /// Chosen literal run -> patterns.
    by_run: HashMap<Vec<u8>, Vec<usize>>,
    /// The lengths of the chosen runs, ascending.
    run_lengths: Vec<usize>,
    /// Patterns without a literal character (`**`, `*?`): candidates for every resource.
    no_run: Vec<usize>,
}

impl GlobIndex {
    fn new(globs: GlobPatterns) -> Self {
        let runs = |p: &RelPattern| -> Vec<String> {
            let mut runs: Vec<String> = p
                .lower
                .split(['*', '?'])
                .filter(|r| !r.is_empty())
                .map(str::to_string)
                .collect();
            runs.sort_unstable();
            runs.dedup();
            runs
        };
        let pattern_runs: Vec<Vec<String>> = globs.patterns.iter().map(|(p, _)| runs(p)).collect();
        let mut shared: HashMap<&str, usize> = HashMap::new();
        for run in pattern_runs.iter().flatten() {
            *shared.entry(run).or_default() += 1;
        }
        let mut index = GlobIndex::default();
        for (id, runs) in pattern_runs.iter().enumerate() {
            match runs
                .iter()
                .min_by_key(|r| (shared[r.as_str()], std::cmp::Reverse(r.len())))
            {
                Some(run) => {
                    index.run_lengths.push(run.len());
                    index
                        .by_run
                        .entry(run.as_bytes().to_vec())
                        .or_default()
                        .push(id);
                }
                None => index.no_run.push(id),
            }
        }
        index.run_lengths.sort_unstable();
        index.run_lengths.dedup();
        index.patterns = globs.patterns;
        index
    }

    /// The patterns that may match `resource` (each once): those whose chosen run occurs in it.
    fn candidates(&self, resource: &RelPattern) -> Vec<&(RelPattern, Vec<usize>)> {
        let text = resource.lower.as_bytes();
        let mut ids = self.no_run.clone();
        for &len in self.run_lengths.iter().take_while(|&&l| l <= text.len()) {
            for window in text.windows(len) {
                if let Some(found) = self.by_run.get(window) {
                    ids.extend(found);
                }
            }
        }
        ids.sort_unstable();
        ids.dedup();
        ids.into_iter().map(|id| &self.patterns[id]).collect()
    }
}

/// The Denies of a policy that take Allows back ([`deny_restricts`]), indexed by what their
/// resources cover, so finding the first one that covers an Allow does not compare the Allow
/// with every Deny (which made a policy mixing Allows and Denies quadratic).
#[derive(Debug)]
struct DenyIndex {
    /// The first restricting Deny with a `Resource` list (it covers an Allow listing none).
    first_listed: Option<usize>,
    /// The first with a `*` resource: it covers every Allow.
    first_star: Option<usize>,
    /// Lower-cased relative pattern -> the Denies listing it (each covers itself).
    exact: HashMap<String, Vec<usize>>,
    prefixes: PrefixTrie,
    globs: GlobIndex,
    /// Every pattern of each restricting Deny, by statement index, to check the other
    /// resources of an Allow that lists several.
    patterns: HashMap<usize, Vec<RelPattern>>,
}

impl DenyIndex {
    fn new(doc: &PolicyDocument, keys: Keys) -> Self {
        let mut index = DenyIndex {
            first_listed: None,
            first_star: None,
            exact: HashMap::new(),
            prefixes: PrefixTrie::new(),
            globs: GlobIndex::default(),
            patterns: HashMap::new(),
        };
        let mut globs = GlobPatterns::default();
        for (i, deny) in doc.statements.iter().enumerate() {
            // A Deny with NotResource covers nothing (an unproven cover is no cover).
            let Patterns::Listed(resources) = &deny.resources else {
                continue;
            };
            if !deny_restricts(deny, keys) {
                continue;
            }
            index.first_listed.get_or_insert(i);
            let patterns: Vec<RelPattern> = resources.iter().map(|r| RelPattern::new(r)).collect();
            for p in &patterns {
                match p.kind {
                    PatternKind::Star => {
                        index.first_star.get_or_insert(i);
                        continue;
                    }
                    PatternKind::Literal => {}
                    PatternKind::Prefix(n) => index.prefixes.insert(&p.lower.as_bytes()[..n], i),
                    PatternKind::Glob(..) => globs.add(p, i),
                }
                push_once(index.exact.entry(p.lower.clone()).or_default(), i);
            }
            index.patterns.insert(i, patterns);
        }
        index.globs = GlobIndex::new(globs);
        index
    }

    /// The first restricting Deny that covers every resource of `allow`, as
    /// `doc.statements.iter().find(|d| deny_takes_back(d, allow, keys))` finds it.
    fn first_covering(&self, allow: &Statement) -> Option<usize> {
        let resources = match &allow.resources {
            Patterns::AllExcept(_) => return self.first_star,
            Patterns::Listed(r) if r.is_empty() => return self.first_listed,
            Patterns::Listed(r) => r,
        };
        let resources: Vec<RelPattern> = resources.iter().map(|r| RelPattern::new(r)).collect();
        let (first, rest) = resources.split_first()?;
        if rest.is_empty() {
            return self.first_covering_one(first);
        }
        // Several resources: the Denies covering the first one, in order, until one covers all.
        // (A `*` Deny covers them all, so nothing after the first one needs checking.)
        let candidates = self.all_covering_one(first, self.first_star);
        candidates
            .into_iter()
            .find(|d| {
                let patterns = &self.patterns[d];
                rest.iter().all(|r| patterns.iter().any(|p| p.covers(r)))
            })
            .or(self.first_star)
    }

    /// The first restricting Deny covering one resource.
    fn first_covering_one(&self, resource: &RelPattern) -> Option<usize> {
        fn lower(best: &mut Option<usize>, d: Option<&usize>) {
            if let Some(&d) = d {
                *best = Some(best.map_or(d, |b| b.min(d)));
            }
        }
        let mut best = self.first_star;
        lower(
            &mut best,
            self.exact.get(&resource.lower).and_then(|l| l.first()),
        );
        self.prefixes
            .for_each_prefix_of(resource.lower.as_bytes(), |l| lower(&mut best, l.first()));
        if resource.literal {
            for (pattern, denies) in self.globs.candidates(resource) {
                if best.is_none_or(|b| denies[0] < b) && pattern.covers(resource) {
                    lower(&mut best, denies.first());
                }
            }
        }
        best
    }

    /// Every restricting Deny below `below` (all when `None`) covering one resource, ascending.
    fn all_covering_one(&self, resource: &RelPattern, below: Option<usize>) -> Vec<usize> {
        let mut all = Vec::new();
        all.extend(self.exact.get(&resource.lower).into_iter().flatten());
        self.prefixes
            .for_each_prefix_of(resource.lower.as_bytes(), |l| all.extend(l));
        if resource.literal {
            for (pattern, denies) in self.globs.candidates(resource) {
                if pattern.covers(resource) {
                    all.extend(denies);
                }
            }
        }
        all.retain(|d| below.is_none_or(|b| *d < b));
        all.sort_unstable();
        all.dedup();
        all
    }
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

impl Restriction {
    /// `allow` taken back by `deny`, named with the Deny's first condition.
    fn by_deny(allow: &Statement, deny: &Statement) -> Self {
        let by = match deny.conditions.first() {
            Some(c) => format!(
                "Deny {} with {} {} {:?}",
                deny.label, c.operator, c.key, c.values
            ),
            None => format!("unconditional Deny {}", deny.label),
        };
        Restriction {
            statement: allow.label.clone(),
            by,
        }
    }
}

impl OpenGrant {
    fn of(allow: &Statement) -> Self {
        let resources = match &allow.resources {
            Patterns::Listed(r) => r.clone(),
            Patterns::AllExcept(r) => vec![format!("all except {}", r.join(", "))],
        };
        OpenGrant {
            statement: allow.label.clone(),
            resources,
        }
    }
}

/// Allow statements granting `execute-api:Invoke` that are not restricted by `keys`.
pub fn analyze_invoke(
    doc: &PolicyDocument,
    scope: PrincipalScope,
    keys: &[&str],
) -> InvokeAnalysis {
    analyze_invoke_where(doc, scope, keys, &[])
}

/// [`analyze_invoke`] in a context where every request carries the `present` keys, so an
/// `IfExists` condition on one of them restricts like the plain operator.
pub fn analyze_invoke_where(
    doc: &PolicyDocument,
    scope: PrincipalScope,
    keys: &[&str],
    present: &[&str],
) -> InvokeAnalysis {
    let keys = Keys {
        restricting: keys,
        present,
    };
    // Built when the first Allow needs it.
    let mut denies: Option<DenyIndex> = None;
    analyze_with(doc, scope, keys, |allow| {
        let index = denies.get_or_insert_with(|| DenyIndex::new(doc, keys));
        Some(&doc.statements[index.first_covering(allow)?])
    })
}

/// `analyze_invoke` with `deny_for` finding the first Deny that takes an Allow back (the tests
/// check the Deny index against a scan of every statement).
fn analyze_with<'d>(
    doc: &'d PolicyDocument,
    scope: PrincipalScope,
    keys: Keys,
    mut deny_for: impl FnMut(&Statement) -> Option<&'d Statement>,
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
        } else if let Some(deny) = deny_for(allow) {
            out.restricted.push(Restriction::by_deny(allow, deny));
        } else {
            out.open.push(OpenGrant::of(allow));
        }
    }
    out
}

/// A blocklist of a resource policy: a Deny for everyone on Invoke whose condition matches
/// `aws:SourceIp` positively (`IpAddress`, with `IfExists` or `ForAnyValue:`), so the listed
/// callers are refused and everyone else passes. A `NotIpAddress` Deny is an allow list.
pub struct IpBlocklist<'a> {
    pub statement: &'a str,
    pub ranges: &'a [String],
}

pub fn ip_blocklists(doc: &PolicyDocument) -> Vec<IpBlocklist<'_>> {
    doc.statements
        .iter()
        .filter(|s| s.effect == Effect::Deny && s.applies_to_anyone() && s.covers_invoke())
        .flat_map(|s| {
            s.operators()
                .filter(|(c, op)| {
                    c.key.eq_ignore_ascii_case("aws:SourceIp") && op.matches_identity && !op.negated
                })
                .map(|(c, _)| IpBlocklist {
                    statement: &s.label,
                    ranges: &c.values,
                })
        })
        .collect()
}

/// The keys that keep a grant inside the owner's AWS Organization.
pub const ORG_RESTRICTING_KEYS: &[&str] = &["aws:PrincipalOrgID", "aws:PrincipalOrgPaths"];

/// Allow statements of a resource policy that grant `action` beyond the organization: to
/// anyone, or to a named account other than `own_account`, with no `aws:PrincipalOrgID` /
/// `aws:PrincipalOrgPaths` condition, and not taken back by a Deny for anyone on `action`
/// conditioned only on negated matches of those keys (resources are not compared: a
/// management policy governs one domain). Service principals are not accounts and are left
/// out. Each grant's `resources` lists the principals it reaches.
pub fn grants_outside_org(doc: &PolicyDocument, action: &str, own_account: &str) -> Vec<OpenGrant> {
    // A Deny with NotPrincipal exempts exactly the principals it names: only a Deny for
    // everyone takes a grant back.
    let denied_outside = doc.statements.iter().any(|d| {
        d.principal == PrincipalSpec::Anyone
            && deny_restricts_action(d, Keys::restricting(ORG_RESTRICTING_KEYS), action)
    });
    // An Allow conditioned on the owner's own account (aws:PrincipalAccount) stays inside it.
    let own_only = |s: &Statement| {
        s.conditions.iter().any(|c| {
            c.key.eq_ignore_ascii_case("aws:PrincipalAccount")
                && c.operator.eq_ignore_ascii_case("StringEquals")
                && !c.values.is_empty()
                && c.values.iter().all(|v| v == own_account)
        })
    };
    let mut out = Vec::new();
    for allow in &doc.statements {
        if allow.effect != Effect::Allow || !allow.covers(action) {
            continue;
        }
        if allow_restriction(allow, Keys::restricting(ORG_RESTRICTING_KEYS)).is_some()
            || denied_outside
            || own_only(allow)
        {
            continue;
        }
        let reached: Vec<String> = match &allow.principal {
            PrincipalSpec::Anyone | PrincipalSpec::AllExcept(_) => vec!["*".into()],
            PrincipalSpec::Specific(list) => list
                .iter()
                .filter(|(kind, _)| kind == "AWS")
                .filter(|(_, value)| principal_account(value) != Some(own_account))
                .map(|(_, value)| value.clone())
                .collect(),
            PrincipalSpec::Missing => Vec::new(),
        };
        if !reached.is_empty() {
            out.push(OpenGrant {
                statement: allow.label.clone(),
                resources: reached,
            });
        }
    }
    out
}

/// The account of an AWS principal: `123456789012` or `arn:aws:iam::123456789012:...`.
fn principal_account(value: &str) -> Option<&str> {
    let id = match value.strip_prefix("arn:") {
        Some(rest) => rest.split(':').nth(3)?,
        None => value,
    };
    crate::model::is_account_id(id).then_some(id)
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

    /// `PUBLIC` with one condition on its Allow; `values` is JSON (a string or a list).
    fn public_with(op: &str, key: &str, values: &str) -> String {
        PUBLIC.replace(
            r#""Resource":"execute-api:/*"}"#,
            &format!(
                r#""Resource":"execute-api:/*","Condition":{{"{op}":{{"{key}":{values}}}}}}}"#
            ),
        )
    }

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
        let p = public_with("IpAddress", "aws:SourceIp", r#"["203.0.113.0/24"]"#);
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
        let with = |op: &str, key: &str, val: &str| public_with(op, key, &format!(r#""{val}""#));
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

    /// GW208's keys are absent from some requests (aws:PrincipalOrgID from anonymous ones,
    /// the network keys from requests that do not come through a VPC endpoint): `IfExists` is
    /// true for those, so on an Allow it lets them in (open) and on a negated Deny it keeps them
    /// out (restricted); a positive Deny with `IfExists` denies them, but lets in every caller
    /// that carries another value (open).
    #[test]
    fn if_exists_on_network_and_organization_keys() {
        let keys = &["aws:SourceVpce", "aws:SourceVpc", "aws:PrincipalOrgID"];
        let open = |policy: &str| {
            let doc = parse_policy(policy).unwrap();
            analyze_invoke(&doc, PrincipalScope::Anyone, keys)
                .open
                .len()
        };
        let deny = |op: &str, key: &str, value: &str| {
            format!(
                r#"{{"Statement":[{{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"execute-api:/*"}},
                {{"Effect":"Deny","Principal":"*","Action":"execute-api:Invoke","Resource":"execute-api:/*",
                 "Condition":{{"{op}":{{"{key}":"{value}"}}}}}}]}}"#
            )
        };
        for (key, value) in [
            ("aws:SourceVpce", "vpce-1"),
            ("aws:SourceVpc", "vpc-1"),
            ("aws:PrincipalOrgID", "o-1"),
        ] {
            let value_json = format!(r#""{value}""#);
            assert_eq!(
                open(&public_with("StringEquals", key, &value_json)),
                0,
                "{key}"
            );
            assert_eq!(
                open(&public_with("StringEqualsIfExists", key, &value_json)),
                1,
                "Allow {key} IfExists"
            );
            assert_eq!(
                open(&deny("StringNotEqualsIfExists", key, value)),
                0,
                "Deny {key} IfExists"
            );
            assert_eq!(open(&deny("StringNotEquals", key, value)), 0, "{key}");
            assert_eq!(
                open(&deny("StringEqualsIfExists", key, value)),
                1,
                "positive Deny {key}"
            );
        }
    }

    /// Where the context guarantees a key (a private custom domain is reached only through a
    /// VPC endpoint), `IfExists` on it restricts like the plain operator; keys not guaranteed
    /// keep the general reading.
    #[test]
    fn if_exists_on_a_key_every_request_carries_restricts() {
        let keys = &["aws:SourceVpce", "aws:SourceVpc", "aws:PrincipalOrgID"];
        let open = |key: &str, value: &str| {
            let doc = parse_policy(&public_with("StringEqualsIfExists", key, value)).unwrap();
            analyze_invoke_where(
                &doc,
                PrincipalScope::Anyone,
                keys,
                &["aws:SourceVpce", "aws:SourceVpc"],
            )
            .open
            .len()
        };
        assert_eq!(open("aws:SourceVpce", r#""vpce-1""#), 0);
        assert_eq!(open("aws:sourcevpc", r#""vpc-1""#), 0);
        assert_eq!(open("aws:PrincipalOrgID", r#""o-1""#), 1);
        // A value that matches every endpoint still restricts nothing.
        let doc = parse_policy(&public_with(
            "StringLikeIfExists",
            "aws:SourceVpce",
            r#""vpce-*""#,
        ))
        .unwrap();
        let any = analyze_invoke_where(&doc, PrincipalScope::Anyone, keys, &["aws:SourceVpce"]);
        assert_eq!(any.open.len(), 1);
    }

    #[test]
    fn values_matching_everyone_do_not_restrict() {
        let with = public_with;
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

    /// `analyze_invoke` as it was before the Deny index: each Allow compared with every
    /// statement in order.
    fn pairwise_analysis(
        doc: &PolicyDocument,
        scope: PrincipalScope,
        keys: &[&str],
    ) -> InvokeAnalysis {
        let keys = Keys::restricting(keys);
        analyze_with(doc, scope, keys, |allow| {
            (doc.statements.iter()).find(|d| deny_takes_back(d, allow, keys))
        })
    }

    fn assert_same_verdicts(doc: &PolicyDocument) -> InvokeAnalysis {
        for scope in [PrincipalScope::Anyone, PrincipalScope::All] {
            for keys in [CALLER_RESTRICTING_KEYS, VPC_RESTRICTING_KEYS] {
                assert_eq!(
                    analyze_invoke(doc, scope, keys),
                    pairwise_analysis(doc, scope, keys),
                    "{scope:?} {keys:?} {doc:#?}"
                );
            }
        }
        analyze_invoke(doc, PrincipalScope::Anyone, CALLER_RESTRICTING_KEYS)
    }

    /// Random policies from pieces chosen to hit every kind of resource pattern (literal,
    /// `prefix*`, inner wildcards, `*`, ARNs, case, non-ASCII), several resources, NotResource,
    /// and Denies that do and do not restrict: the Deny index decides as the pairwise scan.
    #[test]
    fn deny_index_agrees_with_the_pairwise_scan() {
        const RESOURCES: &[&str] = &[
            "*",
            "execute-api:/*",
            "execute-api:/prod/*",
            "execute-api:/prod/GET/items",
            "execute-api:/PROD/get/Items",
            "execute-api:/*/GET/items",
            "execute-api:/*/GET/*",
            "execute-api:/prod/GET/item?",
            "execute-api:/prod/GET/items*",
            "execute-api:/prod/POST/*",
            "execute-api:/prod",
            "execute-api:/prod/POST/items",
            "execute-api:/dev/GET/other",
            "execute-api:/prod/GET/items/*/x",
            "execute-api:/prod/GET/items/a/x",
            "arn:aws:execute-api:us-east-1:111122223333:abc/*",
            "arn:aws:execute-api:us-east-1:111122223333:abc/prod/GET/items",
            "arn:aws:execute-api:*:*:*",
            "arn:aws:execute-api:*:*:abc/*/GET/*",
            "*/GET/*",
            "**",
            "execute-api:/pröd/GET/ä*",
            "execute-api:/pröd/GET/äb",
            "",
        ];
        const PRINCIPALS: &[&str] = &[
            r#""Principal":"*""#,
            r#""Principal":{"AWS":"*"}"#,
            r#""Principal":{"AWS":"arn:aws:iam::111122223333:root"}"#,
            r#""NotPrincipal":{"AWS":"arn:aws:iam::111122223333:root"}"#,
        ];
        const ACTIONS: &[&str] = &[
            r#""Action":"execute-api:Invoke""#,
            r#""Action":["execute-api:*"]"#,
            r#""Action":"*""#,
            r#""Action":"execute-api:ManageConnections""#,
            r#""NotAction":"execute-api:ManageConnections""#,
        ];
        const CONDITIONS: &[&str] = &[
            "",
            "",
            r#","Condition":{"StringNotEquals":{"aws:SourceVpce":"vpce-1"}}"#,
            r#","Condition":{"NotIpAddress":{"aws:SourceIp":"10.0.0.0/8"}}"#,
            r#","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}"#,
            r#","Condition":{"ForAnyValue:StringNotEquals":{"aws:SourceVpce":"vpce-1"}}"#,
            r#","Condition":{"StringNotEquals":{"aws:UserAgent":"x"}}"#,
        ];
        // xorshift: the same policies on every run.
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        let mut restricted_by_deny = 0;
        for _ in 0..600 {
            let statements: Vec<String> = (0..1 + next(12))
                .map(|i| {
                    let resources: Vec<String> = (0..next(4))
                        .map(|_| format!("{:?}", RESOURCES[next(RESOURCES.len())]))
                        .collect();
                    let resource = match next(8) {
                        0 => String::new(),
                        1 => format!(r#","NotResource":[{}]"#, resources.join(",")),
                        _ => format!(r#","Resource":[{}]"#, resources.join(",")),
                    };
                    format!(
                        r#"{{"Sid":"S{i}","Effect":"{}",{},{}{resource}{}}}"#,
                        ["Allow", "Deny"][next(2)],
                        PRINCIPALS[next(PRINCIPALS.len())],
                        ACTIONS[next(ACTIONS.len())],
                        CONDITIONS[next(CONDITIONS.len())],
                    )
                })
                .collect();
            let policy = format!(r#"{{"Statement":[{}]}}"#, statements.join(","));
            let doc = parse_policy(&policy).unwrap_or_else(|e| panic!("{e}: {policy}"));
            let analysis = assert_same_verdicts(&doc);
            restricted_by_deny += analysis
                .restricted
                .iter()
                .filter(|r| r.by.contains("Deny"))
                .count();
        }
        assert!(restricted_by_deny > 50, "{restricted_by_deny}");
    }

    /// Issue 12's shape, small: Allows and Denies alternating, some Denies covering their
    /// Allow, most another method. Same verdicts, and the evidence names the covering Deny.
    #[test]
    fn mixed_allow_and_deny_policy() {
        let statements: Vec<String> = (0..600)
            .map(|i| {
                if i % 2 == 0 {
                    format!(
                        r#"{{"Sid":"Allow{i}","Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"execute-api:/prod/GET/items{}"}}"#,
                        i / 2
                    )
                } else {
                    let resource = match i % 8 {
                        1 => format!("execute-api:/prod/GET/items{}*", i / 2),
                        3 => format!("execute-api:/*/GET/items{}", i / 2 + 1),
                        _ => format!("execute-api:/prod/POST/items{}", i / 2),
                    };
                    format!(
                        r#"{{"Sid":"Deny{i}","Effect":"Deny","Principal":"*","Action":"execute-api:Invoke","Resource":"{resource}","Condition":{{"StringNotEquals":{{"aws:SourceVpce":"vpce-{i}"}}}}}}"#
                    )
                }
            })
            .collect();
        let policy = format!(r#"{{"Statement":[{}]}}"#, statements.join(","));
        let analysis = assert_same_verdicts(&parse_policy(&policy).unwrap());
        assert_eq!(analysis.open.len() + analysis.restricted.len(), 300);
        assert!(analysis
            .restricted
            .iter()
            .any(|r| r.statement == "Allow0" && r.by.starts_with("Deny Deny1 with")));
        // `items4*` (Deny9) also covers `items40`, before its own Denies.
        assert!(analysis
            .restricted
            .iter()
            .any(|r| r.statement == "Allow80" && r.by.starts_with("Deny Deny9 with")));
        // `/*/GET/items2` (Deny3) covers `/prod/GET/items2`.
        assert!(analysis
            .restricted
            .iter()
            .any(|r| r.statement == "Allow4" && r.by.starts_with("Deny Deny3 with")));
        assert!(analysis.open.iter().any(|g| g.statement == "Allow2"));
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

#[cfg(test)]
mod for_api_tests {
    use super::*;

    #[test]
    fn statements_naming_another_api_do_not_apply() {
        let doc = parse_policy(
            r#"{"Version":"2012-10-17","Statement":[
            {"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"execute-api:/*"},
            {"Sid":"other","Effect":"Deny","Principal":"*","Action":"execute-api:Invoke",
             "Resource":"arn:aws:execute-api:us-east-1:111122223333:otherapi/*"},
            {"Sid":"mixed","Effect":"Deny","Principal":"*","Action":"execute-api:Invoke",
             "Resource":["arn:aws:execute-api:us-east-1:111122223333:otherapi/*",
                         "arn:aws:execute-api:us-east-1:111122223333:thisapi/prod/GET/admin"]},
            {"Sid":"any","Effect":"Deny","Principal":"*","Action":"execute-api:Invoke",
             "Resource":"arn:aws:execute-api:*:*:*/prod/POST/*"}]}"#,
        )
        .unwrap();
        let here = doc.for_api("thisapi");
        let labels: Vec<&str> = here.statements.iter().map(|s| s.label.as_str()).collect();
        assert_eq!(labels, ["#0", "mixed", "any"]);
        assert_eq!(
            here.statements[1].resources,
            Patterns::Listed(vec![
                "arn:aws:execute-api:us-east-1:111122223333:thisapi/prod/GET/admin".into()
            ])
        );
        let open = analyze_invoke(&here, PrincipalScope::Anyone, CALLER_RESTRICTING_KEYS).open;
        assert_eq!(open.len(), 1, "the Deny of another API takes nothing back");
        let other = doc.for_api("otherapi");
        assert_eq!(other.statements.len(), 4);
    }
}
