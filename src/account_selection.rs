//! Which accounts a scan covers, decided without calling AWS: account id syntax, the
//! `--accounts-file` format, `--exclude-accounts`, `--shard I/N`, and the role ARN each account
//! is reached through. A leaf: the collector feeds it what Organizations answered, the CLI
//! what the user typed, and both get the same answer.

use std::collections::BTreeSet;
use std::fmt;

/// AWS account ids are exactly 12 ASCII digits (leading zeros are significant). The one
/// definition: the model, the policy analysis and the CLI ask here.
pub fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

pub fn parse_account_id(s: &str) -> Result<String, String> {
    let id = s.trim();
    if is_account_id(id) {
        Ok(id.to_string())
    } else {
        Err(format!(
            "`{}` is not an AWS account id (12 digits)",
            printable(id)
        ))
    }
}

/// `--accounts-file`: one id per line; `#` starts a comment; blank lines are ignored. An error
/// names the file and the line.
pub fn parse_accounts_file(text: &str, name: &str) -> Result<Vec<String>, String> {
    let mut ids = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let content = line.split('#').next().unwrap_or("").trim();
        if content.is_empty() {
            continue;
        }
        ids.push(parse_account_id(content).map_err(|e| format!("{name}:{}: {e}", i + 1))?);
    }
    Ok(ids)
}

/// An error message can echo what the user typed: keep it to one printable line. (A copy of
/// the rule `term::printable` applies; leaves do not import each other.)
fn printable(s: &str) -> String {
    s.chars()
        .take(64)
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

/// `--shard I/N`: this job's part of the sorted account list. Account `k` (0-based, in sorted
/// order) belongs to shard `(k mod N) + 1`: round-robin keeps the shards within one account of
/// each other in size, and each shard is a pure function of the list, so the CI jobs of one
/// matrix agree without talking to each other.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// 1-based.
    pub index: usize,
    pub count: usize,
}

impl Shard {
    pub const WHOLE: Shard = Shard { index: 1, count: 1 };

    pub fn parse(s: &str) -> Result<Shard, String> {
        let bad = || {
            format!(
                "`{}`: expected I/N with 1 <= I <= N, e.g. 2/4",
                printable(s)
            )
        };
        let (i, n) = s.split_once('/').ok_or_else(bad)?;
        let index: usize = i.trim().parse().map_err(|_| bad())?;
        let count: usize = n.trim().parse().map_err(|_| bad())?;
        if index == 0 || count == 0 || index > count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }

    /// The part of `sorted` this shard takes, in order.
    pub fn take<T: Clone>(&self, sorted: &[T]) -> Vec<T> {
        sorted
            .iter()
            .enumerate()
            .filter(|(k, _)| k % self.count == self.index - 1)
            .map(|(_, a)| a.clone())
            .collect()
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// An account a source (Organizations or the user) named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub id: String,
    /// Organizations' name, when it came from there.
    pub name: Option<String>,
    /// Organizations' status (`ACTIVE`, `SUSPENDED`, `PENDING_CLOSURE`); `None` for accounts
    /// the user listed, which gwaudit takes as given.
    pub status: Option<String>,
}

/// An account left out, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub id: String,
    pub name: Option<String>,
    /// Organizations' status (`SUSPENDED`, `PENDING_CLOSURE`, ...).
    pub status: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Selection {
    /// Sorted, distinct, this shard's part.
    pub selected: Vec<Candidate>,
    /// Accounts that are not ACTIVE (every shard lists all of them: they are few, and a
    /// report should say they were not scanned whichever job wrote it).
    pub skipped: Vec<Skipped>,
    /// How many accounts were selected before sharding.
    pub total: usize,
}

/// Applies the rules every source shares: only ACTIVE accounts (or accounts of unknown status,
/// which the user named) are scanned; `exclude` removes ids from all sources; duplicates
/// collapse; the list is sorted by id before `shard` takes its part.
pub fn select(candidates: Vec<Candidate>, exclude: &[String], shard: Shard) -> Selection {
    let exclude: BTreeSet<&str> = exclude.iter().map(String::as_str).collect();
    let mut seen = BTreeSet::new();
    let mut active = Vec::new();
    let mut skipped = Vec::new();
    let mut sorted = candidates;
    sorted.sort_by(|a, b| a.id.cmp(&b.id));
    for c in sorted {
        if exclude.contains(c.id.as_str()) || !seen.insert(c.id.clone()) {
            continue;
        }
        match c.status.as_deref() {
            None | Some("ACTIVE") => active.push(c),
            Some(other) => skipped.push(Skipped {
                id: c.id,
                name: c.name,
                status: other.to_string(),
                reason: format!("account status {other}: only ACTIVE accounts are scanned"),
            }),
        }
    }
    Selection {
        total: active.len(),
        selected: shard.take(&active),
        skipped,
    }
}

/// `--role-name` may carry an IAM path: `path/to/Role` is `role/path/to/Role` in the ARN.
pub fn role_arn(partition: &str, account: &str, role_name: &str) -> String {
    format!(
        "arn:{partition}:iam::{account}:role/{}",
        role_name.trim_matches('/')
    )
}

/// A role name with an optional path: segments of IAM's name characters, no empty segment.
pub fn parse_role_name(s: &str) -> Result<String, String> {
    let name = s.trim().trim_matches('/');
    let ok_char = |c: char| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c);
    if name.is_empty()
        || name.len() > 512
        || name
            .split('/')
            .any(|seg| seg.is_empty() || !seg.chars().all(ok_char))
    {
        return Err(format!(
            "`{}` is not an IAM role name (letters, digits and +=,.@_- with an optional path \
             such as path/to/Role)",
            printable(s)
        ));
    }
    Ok(name.to_string())
}

/// STS accepts role sessions from 15 minutes to 12 hours (the role's own maximum may be lower;
/// STS says so when AssumeRole is refused).
pub const SESSION_SECONDS: std::ops::RangeInclusive<u64> = 900..=43_200;

pub fn parse_session_duration(s: &str) -> Result<u64, String> {
    match s.trim().parse::<u64>() {
        Ok(n) if SESSION_SECONDS.contains(&n) => Ok(n),
        _ => Err(format!(
            "`{}`: expected seconds from {} to {} (STS's range for a role session)",
            printable(s),
            SESSION_SECONDS.start(),
            SESSION_SECONDS.end()
        )),
    }
}

/// STS's role session name: 2 to 64 of `[\w+=,.@-]`.
pub fn parse_session_name(s: &str) -> Result<String, String> {
    let ok = (2..=64).contains(&s.len())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_+=,.@-".contains(c));
    if ok {
        Ok(s.to_string())
    } else {
        Err(format!(
            "`{}` is not a role session name (2 to 64 of letters, digits and _+=,.@-)",
            printable(s)
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cand(id: &str, status: Option<&str>) -> Candidate {
        Candidate {
            id: id.into(),
            name: None,
            status: status.map(Into::into),
        }
    }

    #[test]
    fn account_ids_are_twelve_digits() {
        assert_eq!(parse_account_id("012345678901").unwrap(), "012345678901");
        assert_eq!(parse_account_id(" 123456789012 ").unwrap(), "123456789012");
        for bad in ["", "12345678901", "1234567890123", "12345678901a", "１２３"] {
            let e = parse_account_id(bad).unwrap_err();
            assert!(e.contains(&format!("`{bad}`")), "{e}");
        }
    }

    #[test]
    fn accounts_file_allows_comments_and_blank_lines_and_names_the_bad_line() {
        let text = "# prod\n111111111111\n\n  222222222222  # payments\n#333333333333\n";
        assert_eq!(
            parse_accounts_file(text, "a.txt").unwrap(),
            ["111111111111", "222222222222"]
        );
        let e = parse_accounts_file("111111111111\n\n12345\n", "a.txt").unwrap_err();
        assert!(e.starts_with("a.txt:3: `12345`"), "{e}");
    }

    #[test]
    fn shard_values_are_checked() {
        assert_eq!(Shard::parse("2/4").unwrap(), Shard { index: 2, count: 4 });
        for bad in ["0/4", "5/4", "1/0", "2", "a/b", "-1/3", "1/2/3", ""] {
            assert!(Shard::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn selection_skips_inactive_excludes_dedups_and_sorts() {
        let s = select(
            vec![
                cand("333333333333", Some("ACTIVE")),
                cand("111111111111", Some("SUSPENDED")),
                cand("222222222222", Some("ACTIVE")),
                cand("444444444444", None),
                cand("222222222222", Some("ACTIVE")),
                cand("555555555555", Some("PENDING_CLOSURE")),
                cand("666666666666", Some("ACTIVE")),
            ],
            &["666666666666".into(), "555555555555".into()],
            Shard::WHOLE,
        );
        let ids: Vec<&str> = s.selected.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["222222222222", "333333333333", "444444444444"]);
        assert_eq!(s.total, 3);
        assert_eq!(s.skipped.len(), 1, "an excluded account is not reported");
        assert_eq!(s.skipped[0].id, "111111111111");
        assert!(s.skipped[0].reason.contains("SUSPENDED"));
        assert_eq!(s.skipped[0].status, "SUSPENDED");
    }

    #[test]
    fn role_arns_carry_the_path() {
        assert_eq!(
            role_arn("aws", "111111111111", "GwauditReadOnly"),
            "arn:aws:iam::111111111111:role/GwauditReadOnly"
        );
        assert_eq!(
            role_arn("aws-us-gov", "111111111111", "security/audit/Gwaudit"),
            "arn:aws-us-gov:iam::111111111111:role/security/audit/Gwaudit"
        );
        assert_eq!(parse_role_name("/a/b/").unwrap(), "a/b");
        for bad in ["", "a//b", "a b", "role*"] {
            assert!(parse_role_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn session_settings_follow_sts() {
        assert_eq!(parse_session_duration("900").unwrap(), 900);
        assert_eq!(parse_session_duration("43200").unwrap(), 43_200);
        for bad in ["899", "43201", "1h", "-900"] {
            assert!(parse_session_duration(bad).is_err(), "{bad}");
        }
        assert!(parse_session_name("gwaudit").is_ok());
        assert!(parse_session_name("g").is_err());
        assert!(parse_session_name("has space").is_err());
    }

    mod properties {
        use super::super::*;
        use proptest::prelude::*;

        proptest! {
            /// For every list size and shard count: the shards are disjoint, together cover the
            /// list exactly, keep its order, and differ in size by at most one.
            #[test]
            fn shards_are_disjoint_and_cover_the_list(len in 0usize..300, count in 1usize..40) {
                let list: Vec<usize> = (0..len).collect();
                let parts: Vec<Vec<usize>> = (1..=count)
                    .map(|index| Shard { index, count }.take(&list))
                    .collect();
                let mut all: Vec<usize> = parts.iter().flatten().copied().collect();
                prop_assert_eq!(all.len(), len, "no account twice");
                all.sort_unstable();
                prop_assert_eq!(&all, &list, "every account once");
                for p in &parts {
                    prop_assert!(p.windows(2).all(|w| w[0] < w[1]));
                }
                let sizes: Vec<usize> = parts.iter().map(Vec::len).collect();
                prop_assert!(sizes.iter().max().unwrap() - sizes.iter().min().unwrap() <= 1);
            }

            /// Selection then sharding equals sharding the selection: each job of a matrix
            /// computes its part from the same input, whatever order Organizations answered in.
            #[test]
            fn shards_do_not_depend_on_input_order(
                ids in proptest::collection::btree_set(100_000_000_000u64..999_999_999_999, 0..60),
                count in 1usize..8,
                seed in any::<u64>(),
            ) {
                let cands: Vec<Candidate> = ids.iter().map(|i| Candidate {
                    id: i.to_string(), name: None, status: Some("ACTIVE".into()),
                }).collect();
                let mut shuffled = cands.clone();
                // A cheap deterministic shuffle.
                let n = shuffled.len();
                for i in 0..n {
                    let j = (seed.wrapping_mul(i as u64 + 1).wrapping_add(7) % n as u64) as usize;
                    shuffled.swap(i, j);
                }
                let mut union = Vec::new();
                for index in 1..=count {
                    let shard = Shard { index, count };
                    let a = select(cands.clone(), &[], shard);
                    let b = select(shuffled.clone(), &[], shard);
                    prop_assert_eq!(&a.selected, &b.selected);
                    prop_assert_eq!(a.total, ids.len());
                    union.extend(a.selected.into_iter().map(|c| c.id));
                }
                union.sort();
                let all: Vec<String> = ids.iter().map(|i| i.to_string()).collect();
                prop_assert_eq!(union, all);
            }
        }
    }
}
