use std::borrow::{Borrow, Cow};
use std::collections::BTreeMap;
use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

use crate::model::UnknownCause;
use serde::ser::SerializeStruct;
use serde::{Deserialize, Serialize};

use super::resource::{ResourceId, ResourceRef};
use serde_json::Value;
use sha2::{Digest, Sha256};
use strum::VariantArray;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[derive(strum::VariantArray, strum::IntoStaticStr, strum::EnumString, strum::Display)]
#[strum(serialize_all = "lowercase", ascii_case_insensitive)]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    /// Most severe first: the order of report summaries and sections.
    pub const ALL: [Severity; Self::VARIANTS.len()] = {
        let ascending = Self::VARIANTS;
        let mut all = [Severity::Info; Self::VARIANTS.len()];
        let mut i = 0;
        while i < all.len() {
            all[i] = ascending[ascending.len() - 1 - i];
            i += 1;
        }
        all
    };

    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[derive(strum::IntoStaticStr)]
#[strum(serialize_all = "lowercase")]
pub enum Status {
    Fail,
    Unknown,
    Pass,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// A string that every finding of one rule and region shares (rule id, title, account,
/// region, remediation link): one allocation per rule and region instead of one per finding,
/// which is most of a finding's heap at hundreds of thousands of results.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct SharedStr(Arc<str>);

impl SharedStr {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Deref for SharedStr {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for SharedStr {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for SharedStr {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl From<&str> for SharedStr {
    fn from(s: &str) -> Self {
        SharedStr(s.into())
    }
}

impl From<String> for SharedStr {
    fn from(s: String) -> Self {
        SharedStr(s.into())
    }
}

impl PartialEq<str> for SharedStr {
    fn eq(&self, other: &str) -> bool {
        &*self.0 == other
    }
}

impl PartialEq<&str> for SharedStr {
    fn eq(&self, other: &&str) -> bool {
        &*self.0 == *other
    }
}

impl PartialEq<String> for SharedStr {
    fn eq(&self, other: &String) -> bool {
        *self.0 == **other
    }
}

impl fmt::Display for SharedStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for SharedStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl Serialize for SharedStr {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for SharedStr {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(SharedStr::from(String::deserialize(d)?))
    }
}

/// A finding's identity across scans: 16 bytes, written as 32 lowercase hex digits. Kept as
/// bytes, not text: one per result, at hundreds of thousands of results.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Fingerprint([u8; 16]);

impl Fingerprint {
    /// The 32 lowercase hex digits.
    pub fn hex(&self) -> [u8; 32] {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut out = [0u8; 32];
        for (i, b) in self.0.iter().enumerate() {
            out[2 * i] = HEX[usize::from(b >> 4)];
            out[2 * i + 1] = HEX[usize::from(b & 0xf)];
        }
        out
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(std::str::from_utf8(&self.hex()).expect("hex digits are ASCII"))
    }
}

impl fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self}")
    }
}

impl std::str::FromStr for Fingerprint {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let digit = |c: u8| match c {
            b'0'..=b'9' => Some(c - b'0'),
            b'a'..=b'f' => Some(c - b'a' + 10),
            _ => None,
        };
        let bytes = s.as_bytes();
        let mut out = [0u8; 16];
        if bytes.len() != 32 {
            return Err(format!(
                "fingerprint `{s}`: expected 32 lowercase hex digits"
            ));
        }
        for (i, pair) in bytes.chunks(2).enumerate() {
            match (digit(pair[0]), digit(pair[1])) {
                (Some(h), Some(l)) => out[i] = h << 4 | l,
                _ => {
                    return Err(format!(
                        "fingerprint `{s}`: expected 32 lowercase hex digits"
                    ))
                }
            }
        }
        Ok(Fingerprint(out))
    }
}

impl Serialize for Fingerprint {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Fingerprint {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// The deciding values behind a verdict, by name. While a rule builds it, a small sorted
/// vector; once the rule is done, sealed into its compact JSON text, which is a third of the
/// memory of the values themselves at hundreds of thousands of findings. A rule's findings in
/// a region share equal texts: most say the same few things (the replicated 10,000-API
/// snapshot has about 7,600 distinct texts among 207,538).
#[derive(Debug, Clone, PartialEq)]
pub struct Evidence(Repr);

#[derive(Debug, Clone, PartialEq)]
enum Repr {
    Open(Vec<(Cow<'static, str>, Value)>),
    /// A JSON object with at least one member, as written by `seal`.
    Sealed(Arc<str>),
}

impl Default for Evidence {
    fn default() -> Self {
        Evidence(Repr::Open(Vec::new()))
    }
}

impl Evidence {
    pub fn insert(&mut self, key: impl Into<Cow<'static, str>>, value: Value) {
        let key = key.into();
        let entries = self.open();
        match entries.binary_search_by(|(k, _)| k.as_ref().cmp(key.as_ref())) {
            Ok(i) => entries[i].1 = value,
            Err(i) => entries.insert(i, (key, value)),
        }
    }

    fn open(&mut self) -> &mut Vec<(Cow<'static, str>, Value)> {
        if let Repr::Sealed(_) = self.0 {
            self.0 = Repr::Open(
                self.entries()
                    .into_iter()
                    .map(|(k, v)| (Cow::Owned(k), v))
                    .collect(),
            );
        }
        match &mut self.0 {
            Repr::Open(v) => v,
            Repr::Sealed(_) => unreachable!("opened above"),
        }
    }

    /// Done adding: keep the compact text only.
    pub fn seal(&mut self) {
        self.seal_with(&mut Vec::new(), |text| text.into());
    }

    /// [`Evidence::seal`], with the text shared with equal ones already in `texts`.
    pub fn seal_sharing(&mut self, texts: &mut Texts) {
        let Texts { seen, scratch } = texts;
        self.seal_with(scratch, |text| seen.get(text).0);
    }

    /// Serializes open, non-empty evidence into `buffer` and keeps the text `keep` gives for it.
    fn seal_with(&mut self, buffer: &mut Vec<u8>, keep: impl FnOnce(&str) -> Arc<str>) {
        if let Repr::Open(v) = &self.0 {
            if !v.is_empty() {
                buffer.clear();
                serde_json::to_writer(&mut *buffer, &*self).expect("evidence values serialize");
                let text = std::str::from_utf8(buffer).expect("serde_json writes UTF-8");
                self.0 = Repr::Sealed(keep(text));
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        matches!(&self.0, Repr::Open(v) if v.is_empty())
    }

    /// The evidence as compact JSON added to `out`, members sorted by name: sealed evidence is
    /// copied as it is, open evidence serialized. For the writers that build their JSON by hand.
    pub fn write_json(&self, out: &mut Vec<u8>) -> serde_json::Result<()> {
        match &self.0 {
            Repr::Sealed(text) => {
                out.extend_from_slice(text.as_bytes());
                Ok(())
            }
            Repr::Open(_) => serde_json::to_writer(out, self),
        }
    }

    /// The compact JSON text of sealed evidence, as serde writes it.
    pub fn sealed_text(&self) -> Option<&str> {
        match &self.0 {
            Repr::Sealed(text) => Some(text),
            Repr::Open(_) => None,
        }
    }

    /// Every name and value, sorted by name.
    pub fn entries(&self) -> Vec<(String, Value)> {
        match &self.0 {
            Repr::Open(v) => v.iter().map(|(k, v)| (k.to_string(), v.clone())).collect(),
            Repr::Sealed(text) => serde_json::from_str::<BTreeMap<String, Value>>(text)
                .expect("sealed evidence is a JSON object")
                .into_iter()
                .collect(),
        }
    }
}

/// The evidence texts sealed so far, for [`Evidence::seal_sharing`].
#[derive(Default)]
pub struct Texts {
    seen: Shared,
    scratch: Vec<u8>,
}

/// Texts kept once each: equal texts get the same allocation.
#[derive(Default)]
pub struct Shared(std::collections::HashSet<Arc<str>, foldhash::fast::RandomState>);

impl Shared {
    /// The kept text equal to `text`, kept now if there is none.
    pub fn get(&mut self, text: &str) -> SharedStr {
        match self.0.get(text) {
            Some(shared) => SharedStr(shared.clone()),
            None => {
                let shared: Arc<str> = text.into();
                self.0.insert(shared.clone());
                SharedStr(shared)
            }
        }
    }
}

impl Serialize for Evidence {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match &self.0 {
            Repr::Open(v) => s.collect_map(v.iter().map(|(k, v)| (k.as_ref(), v))),
            Repr::Sealed(text) => serde_json::from_str::<&serde_json::value::RawValue>(text)
                .map_err(serde::ser::Error::custom)?
                .serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for Evidence {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let map = BTreeMap::<String, Value>::deserialize(d)?;
        let mut e = Evidence(Repr::Open(
            map.into_iter().map(|(k, v)| (Cow::Owned(k), v)).collect(),
        ));
        e.seal();
        Ok(e)
    }
}

/// What every result of one rule shares: one allocation per rule, pointed to by each of its
/// findings, instead of three strings per finding (a finding was 160 bytes, and the findings
/// of the replicated 10,000-API snapshot took 118 MB).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RuleInfo {
    pub id: SharedStr,
    pub title: SharedStr,
    pub remediation_url: Option<SharedStr>,
}

impl RuleInfo {
    pub fn of(meta: &super::RuleMeta) -> Self {
        RuleInfo {
            id: meta.id.as_str().into(),
            title: meta.title.as_str().into(),
            remediation_url: meta.help_url().map(Into::into),
        }
    }
}

/// Where a finding was made: the account and the region, shared by the findings of one rule
/// and region.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Place {
    pub account_id: SharedStr,
    pub region: SharedStr,
}

/// One rule's verdict on one resource.
#[derive(Debug, Clone, Deserialize)]
#[serde(from = "FindingIn")]
pub struct Finding {
    /// Rule id, title and remediation link.
    pub rule: Arc<RuleInfo>,
    pub severity: Severity,
    pub status: Status,
    /// Why an `unknown` result could not be decided; absent on other results.
    pub unknown_cause: Option<UnknownCause>,
    /// ARN, SARIF path, label and tags, shared by every finding about the resource.
    pub resource: ResourceRef,
    /// Account and region.
    pub place: Arc<Place>,
    pub message: SharedStr,
    pub evidence: Evidence,
    pub fingerprint: Fingerprint,
}

/// A finding as the JSON report spells it: the resource's fields sit beside the verdict's.
#[derive(Deserialize)]
struct FindingIn {
    rule_id: SharedStr,
    title: SharedStr,
    severity: Severity,
    status: Status,
    resource_arn: String,
    resource_path: String,
    resource_label: String,
    #[serde(default)]
    resource_tags: BTreeMap<String, String>,
    account_id: SharedStr,
    region: SharedStr,
    message: String,
    evidence: Evidence,
    fingerprint: Fingerprint,
    #[serde(default)]
    remediation_url: Option<SharedStr>,
    #[serde(default)]
    unknown_cause: Option<UnknownCause>,
}

impl From<FindingIn> for Finding {
    fn from(f: FindingIn) -> Self {
        let rule = RuleInfo {
            id: f.rule_id,
            title: f.title,
            remediation_url: f.remediation_url,
        };
        let place = Place {
            account_id: f.account_id,
            region: f.region,
        };
        let (rule, place) = LAST_READ.with(|last| {
            let mut last = last.borrow_mut();
            let (last_rule, last_place) = &mut *last;
            (share(last_rule, rule), share(last_place, place))
        });
        Finding {
            rule,
            severity: f.severity,
            status: f.status,
            unknown_cause: f.unknown_cause,
            resource: ResourceRef::new(ResourceId {
                arn: f.resource_arn,
                path: f.resource_path,
                label: f.resource_label,
                tags: f.resource_tags,
            }),
            place,
            message: f.message.into(),
            evidence: f.evidence,
            fingerprint: f.fingerprint,
        }
    }
}

thread_local! {
    /// The rule and place of the finding last read on this thread: a report lists a rule's
    /// results together, by account and region, so consecutive findings share them, and a
    /// report read back (merge, baseline) takes one allocation per run of them, not per finding.
    static LAST_READ: std::cell::RefCell<(Arc<RuleInfo>, Arc<Place>)> = Default::default();
}

/// `value`, shared with `last` when equal; otherwise `value` becomes the new `last`.
fn share<T: PartialEq>(last: &mut Arc<T>, value: T) -> Arc<T> {
    if **last != value {
        *last = Arc::new(value);
    }
    last.clone()
}

impl Finding {
    /// Writes the finding's fields into a struct being serialized, in the report's order; the
    /// triage's fields follow in `Triaged`'s own serialization.
    pub fn serialize_fields<S: SerializeStruct>(&self, st: &mut S) -> Result<(), S::Error> {
        st.serialize_field("rule_id", &self.rule.id)?;
        st.serialize_field("title", &self.rule.title)?;
        st.serialize_field("severity", &self.severity)?;
        st.serialize_field("status", &self.status)?;
        st.serialize_field("resource_arn", &self.resource.arn)?;
        st.serialize_field("resource_path", &self.resource.path)?;
        st.serialize_field("resource_label", &self.resource.label)?;
        if !self.resource.tags.is_empty() {
            st.serialize_field("resource_tags", &self.resource.tags)?;
        }
        st.serialize_field("account_id", &self.place.account_id)?;
        st.serialize_field("region", &self.place.region)?;
        st.serialize_field("message", &self.message)?;
        st.serialize_field("evidence", &self.evidence)?;
        st.serialize_field("fingerprint", &self.fingerprint)?;
        if let Some(url) = &self.rule.remediation_url {
            st.serialize_field("remediation_url", url)?;
        }
        if let Some(cause) = &self.unknown_cause {
            st.serialize_field("unknown_cause", cause)?;
        }
        Ok(())
    }

    /// How many fields `serialize_fields` writes at most.
    pub const FIELDS: usize = 15;
}

impl Serialize for Finding {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Finding", Self::FIELDS)?;
        self.serialize_fields(&mut st)?;
        st.end()
    }
}

impl Finding {
    /// Where the finding sits in a report: by rule, account, region and resource.
    pub fn report_order(&self) -> (&str, &str, &str, &str) {
        let (rule, place) = (&*self.rule, &*self.place);
        (
            &rule.id,
            &place.account_id,
            &place.region,
            &self.resource.arn,
        )
    }

    /// Whether `other` is of the same rule; findings of one rule and region share its info,
    /// so the pointers are compared before the ids (a pass over every result, perf).
    pub fn same_rule(&self, other: &Finding) -> bool {
        Arc::ptr_eq(&self.rule, &other.rule) || self.rule.id == other.rule.id
    }

    /// Whether `other` is of the same account, compared as [`Finding::same_rule`] compares.
    pub fn same_account(&self, other: &Finding) -> bool {
        Arc::ptr_eq(&self.place, &other.place) || self.place.account_id == other.place.account_id
    }

    /// Whether `other` was made in the same account and region, compared as
    /// [`Finding::same_rule`] compares.
    pub fn same_place(&self, other: &Finding) -> bool {
        Arc::ptr_eq(&self.place, &other.place) || *self.place == *other.place
    }

    /// An unknown a failed call left undecided: a rescan with access can decide it, and until
    /// then it may hide an open alert. An unknown without a cause (from a report of an older
    /// version) counts, so a converted report errs on the side of withholding.
    pub fn is_not_collected(&self) -> bool {
        self.status == Status::Unknown && self.unknown_cause != Some(UnknownCause::NotDeterminable)
    }

    /// Adds a deciding value to the evidence.
    pub fn evidence(&mut self, key: &'static str, value: impl Serialize) -> &mut Self {
        let value = serde_json::to_value(value).unwrap_or(Value::Null);
        self.evidence.insert(key, value);
        self
    }

    /// Raises the severity from evidence (never lowers it).
    pub fn raise_to(&mut self, severity: Severity) -> &mut Self {
        self.severity = self.severity.max(severity);
        self
    }
}

/// Stable across runs, region order and versions that do not change the rule: only the rule,
/// the account, the region and the resource ARN go in.
pub fn fingerprint(rule_id: &str, account_id: &str, region: &str, arn: &str) -> Fingerprint {
    hashed(&prefix(rule_id, account_id, region), arn.as_bytes())
}

/// What a fingerprint hashes before the ARN: `rule\0account\0region\0`.
fn prefix(rule_id: &str, account_id: &str, region: &str) -> Vec<u8> {
    let mut prefix = Vec::new();
    for part in [rule_id, account_id, region] {
        prefix.extend_from_slice(part.as_bytes());
        prefix.push(0);
    }
    prefix
}

/// The fingerprint of `prefix`, then `arn` and its terminating NUL.
fn hashed(prefix: &[u8], arn: &[u8]) -> Fingerprint {
    let mut h = Sha256::new();
    h.update(prefix);
    finish(h, arn)
}

/// Hashes the rest of the ARN after what `h` holds, and the NUL after it.
fn finish(mut h: Sha256, rest: &[u8]) -> Fingerprint {
    h.update(rest);
    h.update([0u8]);
    let mut out = [0u8; 16];
    out.copy_from_slice(&h.finalize()[..16]);
    Fingerprint(out)
}

/// [`fingerprint`] for the many resources of one rule, account and region. The hash's first
/// 64-byte block is the rule, account and region and the start of the ARN, which the ARNs of
/// one region mostly share (`arn:aws:apigateway:<region>::/restapis/`): its state is kept and
/// reused while the next ARN starts the same, so a method's fingerprint takes one block of
/// SHA-256 instead of two (hashing was a tenth of evaluating the replicated 10,000-API
/// snapshot, perf).
pub struct Fingerprinter {
    /// `rule\0account\0region\0`.
    prefix: Vec<u8>,
    /// The state after the first block, and the ARN bytes in that block.
    first_block: Option<(Sha256, Vec<u8>)>,
}

impl Fingerprinter {
    pub fn new(rule_id: &str, account_id: &str, region: &str) -> Self {
        Fingerprinter {
            prefix: prefix(rule_id, account_id, region),
            first_block: None,
        }
    }

    pub fn of(&mut self, arn: &str) -> Fingerprint {
        const BLOCK: usize = 64;
        let arn = arn.as_bytes();
        let Some(in_block) = BLOCK
            .checked_sub(self.prefix.len())
            .filter(|&n| n <= arn.len())
        else {
            return hashed(&self.prefix, arn);
        };
        let (head, rest) = arn.split_at(in_block);
        let state = match &self.first_block {
            Some((state, bytes)) if bytes == head => state,
            _ => {
                let mut h = Sha256::new();
                h.update(&self.prefix);
                h.update(head);
                &self.first_block.insert((h, head.to_vec())).0
            }
        };
        finish(state.clone(), rest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severities_list_most_severe_first_and_parse_in_any_case() {
        assert_eq!(
            Severity::ALL.map(Severity::as_str),
            ["critical", "high", "medium", "low", "info"]
        );
        assert_eq!("HIGH".parse(), Ok(Severity::High));
        assert!("severe".parse::<Severity>().is_err());
        assert_eq!(Severity::Critical.to_string(), "critical");
        assert_eq!(Status::Unknown.as_str(), "unknown");
    }
}

#[cfg(test)]
mod evidence_tests {
    use super::*;

    /// Equal evidence sealed with the same texts is one text; other evidence is its own, and
    /// the text is what serde writes for the values, in name order.
    #[test]
    fn equal_evidence_shares_one_text() {
        let mut texts = Texts::default();
        let make = |n: i64, why: &str| {
            let mut e = Evidence::default();
            e.insert("why", Value::from(why));
            e.insert("n", Value::from(n));
            e
        };
        let mut a = make(1, "x\"y");
        let mut b = make(1, "x\"y");
        let mut c = make(2, "x\"y");
        let mut empty = Evidence::default();
        for e in [&mut a, &mut b, &mut c, &mut empty] {
            e.seal_sharing(&mut texts);
        }
        let (ta, tb, tc) = (
            a.sealed_text().unwrap(),
            b.sealed_text().unwrap(),
            c.sealed_text().unwrap(),
        );
        assert_eq!(ta, r#"{"n":1,"why":"x\"y"}"#);
        assert_eq!(ta.as_ptr(), tb.as_ptr());
        assert_eq!(tc, r#"{"n":2,"why":"x\"y"}"#);
        assert!(empty.is_empty() && empty.sealed_text().is_none());
        let mut alone = make(1, "x\"y");
        alone.seal();
        assert_eq!(alone.sealed_text(), Some(ta));
    }
}

#[cfg(test)]
mod reading_tests {
    use super::*;

    /// A report read back shares the rule and the place of consecutive findings, and only
    /// when they are equal.
    #[test]
    fn findings_read_back_share_equal_rules_and_places() {
        let one = |rule: &str, title: &str, region: &str| {
            serde_json::json!({
                "rule_id": rule, "title": title, "severity": "high", "status": "fail",
                "resource_arn": "arn:x", "resource_path": "x", "resource_label": "x",
                "account_id": "123456789012", "region": region, "message": "m",
                "evidence": {}, "fingerprint": "00000000000000000000000000000000"
            })
        };
        let read: Vec<Finding> = serde_json::from_value(serde_json::json!([
            one("GW101", "t", "eu-west-1"),
            one("GW101", "t", "eu-west-1"),
            one("GW101", "t", "us-east-1"),
            one("GW101", "other title", "us-east-1"),
        ]))
        .unwrap();
        assert!(Arc::ptr_eq(&read[0].rule, &read[1].rule));
        assert!(Arc::ptr_eq(&read[0].place, &read[1].place));
        assert!(Arc::ptr_eq(&read[1].rule, &read[2].rule));
        assert!(!Arc::ptr_eq(&read[1].place, &read[2].place));
        assert_eq!(read[2].place.region, "us-east-1");
        assert!(Arc::ptr_eq(&read[2].place, &read[3].place));
        assert_eq!(read[3].rule.title, "other title");
        assert_eq!(read[2].rule.title, "t");
    }
}

#[cfg(test)]
mod fingerprint_tests {
    use super::*;

    /// ARNs shorter than, as long as and longer than what fits in the first block, sharing its
    /// bytes or not, after one another in any order: the fingerprint of each alone.
    #[test]
    fn a_fingerprinter_gives_each_arn_its_fingerprint() {
        for (rule, account, region) in [
            ("GW101", "123456789012", "us-east-1"),
            ("GW1", "1", "r"),
            ("GW101", "123456789012", &*"x".repeat(80)),
            // A prefix of exactly one block (6 + 13 + 44 + 1 bytes): no ARN byte in it.
            ("GW101", "123456789012", &*"x".repeat(44)),
        ] {
            let mut arns: Vec<String> = vec![String::new(), "a".into()];
            let base = "arn:aws:apigateway:us-east-1::/restapis/abcdefghij/resources/r1/methods/";
            for n in 0..=base.len() {
                arns.push(base[..n].to_string());
                arns.push(format!("{}GET", &base[..n]));
                arns.push(format!("{}é{}", &base[..n], &base[n..]));
            }
            arns.push(base.replace('a', "b"));
            arns.push(format!("{base}POST"));
            let mut fp = Fingerprinter::new(rule, account, region);
            for pass in 0..2 {
                for arn in arns.iter().chain(arns.iter().rev()) {
                    assert_eq!(
                        fp.of(arn),
                        fingerprint(rule, account, region, arn),
                        "{pass} {rule} {region} {arn}"
                    );
                }
            }
        }
    }

    #[test]
    fn a_fingerprint_reads_back_what_it_writes_and_refuses_anything_else() {
        let fp = fingerprint("GW101", "123456789012", "us-east-1", "arn:aws:apigateway:x");
        let text = fp.to_string();
        // Pinned: alerts and baselines match on it from one scan to the next. The first half of
        // SHA-256 of `GW101\0123456789012\0us-east-1\0arn:aws:apigateway:x\0` (Python hashlib).
        assert_eq!(text, "55f88bec394b798a49f264e70c6c2b3f");
        assert_eq!(text.len(), 32);
        assert!(text
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
        assert_eq!(text.parse::<Fingerprint>(), Ok(fp));
        assert_eq!(serde_json::to_value(fp).unwrap(), Value::from(text.clone()));
        for bad in [
            "",
            "0",
            &text[..31],
            &text.to_uppercase(),
            &format!("{}g", &text[..31]),
        ] {
            assert!(bad.parse::<Fingerprint>().is_err(), "{bad}");
        }
    }
}
