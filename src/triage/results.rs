//! A report's results, in report order, held as the parts they were made in.

use serde::{Deserialize, Serialize};

use super::Triaged;

/// The results of a report, in order, as consecutive parts: a scan makes one part per rule and
/// region on whichever core is free, and hands them over as they are. Joining them into one
/// vector was a serial stretch between evaluating and writing, most of it spent faulting in
/// 30 MB of fresh memory for 250,000 results (perf); writers read the parts in order instead.
/// Only what needs one vector (sorting carried-forward results into place) joins them.
#[derive(Debug, Clone, Default)]
pub struct Results {
    /// Never an empty part.
    parts: Vec<Vec<Triaged>>,
    len: usize,
}

impl Results {
    pub fn from_parts(parts: Vec<Vec<Triaged>>) -> Self {
        let parts: Vec<Vec<Triaged>> = parts.into_iter().filter(|p| !p.is_empty()).collect();
        let len = parts.iter().map(Vec::len).sum();
        Results { parts, len }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &Triaged> + Clone {
        self.parts.iter().flatten()
    }

    pub fn iter_mut(&mut self) -> impl Iterator<Item = &mut Triaged> {
        self.parts.iter_mut().flatten()
    }

    /// The results in order, in blocks of `n` (at least 1; the last may hold fewer), each the
    /// slices of the parts it spans: an organization's parts are mostly a few results each,
    /// and a block per part would hand writers thousands of tiny blocks.
    pub fn blocks(&self, n: usize) -> Vec<Vec<&[Triaged]>> {
        let n = n.max(1);
        let mut blocks: Vec<Vec<&[Triaged]>> = Vec::new();
        let mut room = 0;
        for part in &self.parts {
            let mut rest = &part[..];
            while !rest.is_empty() {
                if room == 0 {
                    blocks.push(Vec::new());
                    room = n;
                }
                let (taken, tail) = rest.split_at(rest.len().min(room));
                blocks.last_mut().expect("pushed above").push(taken);
                room -= taken.len();
                rest = tail;
            }
        }
        blocks
    }

    /// The results in order, as runs of consecutive results that `same` holds for pairwise; a
    /// run never spans two parts, so equal neighbours may come as two runs.
    pub fn runs<'r>(
        &'r self,
        same: impl FnMut(&Triaged, &Triaged) -> bool + Clone + 'r,
    ) -> impl Iterator<Item = &'r [Triaged]> + 'r {
        (self.parts.iter()).flat_map(move |part| part.chunk_by(same.clone()))
    }

    /// `edit` on the results as one vector (joined first if they are in several parts), for
    /// what needs them in one place (sorting results in); they are counted again after.
    pub fn edit<R>(&mut self, edit: impl FnOnce(&mut Vec<Triaged>) -> R) -> R {
        let mut all = std::mem::take(self).into_vec();
        let done = edit(&mut all);
        *self = Results::from(all);
        done
    }

    pub fn into_vec(self) -> Vec<Triaged> {
        let mut parts = self.parts;
        if parts.len() <= 1 {
            return parts.pop().unwrap_or_default();
        }
        parts.into_iter().flatten().collect()
    }
}

impl From<Vec<Triaged>> for Results {
    fn from(v: Vec<Triaged>) -> Self {
        Results::from_parts(vec![v])
    }
}

impl FromIterator<Triaged> for Results {
    fn from_iter<I: IntoIterator<Item = Triaged>>(iter: I) -> Self {
        Results::from(iter.into_iter().collect::<Vec<_>>())
    }
}

impl<'r> IntoIterator for &'r Results {
    type Item = &'r Triaged;
    type IntoIter = std::iter::Flatten<std::slice::Iter<'r, Vec<Triaged>>>;
    fn into_iter(self) -> Self::IntoIter {
        self.parts.iter().flatten()
    }
}

impl Serialize for Results {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

impl<'de> Deserialize<'de> for Results {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Vec::<Triaged>::deserialize(d).map(Results::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demo() -> Vec<Triaged> {
        let text = include_str!("../../reports/examples/demo.json");
        let mut report: serde_json::Value = serde_json::from_str(text).unwrap();
        serde_json::from_value(report["results"].take()).unwrap()
    }

    /// A result as text, to compare lists of them.
    fn text(f: &Triaged) -> String {
        serde_json::to_string(f).unwrap()
    }

    fn texts<'a>(list: impl IntoIterator<Item = &'a Triaged>) -> Vec<String> {
        list.into_iter().map(text).collect()
    }

    /// Parts of any size, empty ones included, read as the one list they make, in order.
    #[test]
    fn parts_read_as_one_list_in_order() {
        let all = demo();
        assert!(all.len() > 20, "the demo has enough results to split");
        let cuts = [0, 0, 1, 7, 7, 19, all.len()];
        let parts: Vec<Vec<Triaged>> = cuts.windows(2).map(|w| all[w[0]..w[1]].to_vec()).collect();
        let mut results = Results::from_parts(parts);
        assert_eq!(results.len(), all.len());
        assert_eq!(texts(results.iter()), texts(&all));
        assert_eq!(texts(results.iter().rev()), texts(all.iter().rev()));
        let blocks = results.blocks(4);
        let sizes: Vec<usize> = (blocks.iter())
            .map(|b| b.iter().map(|s| s.len()).sum())
            .collect();
        assert!(
            sizes[..sizes.len() - 1].iter().all(|&n| n == 4),
            "{sizes:?}"
        );
        assert!((1..=4).contains(sizes.last().unwrap()));
        assert!(blocks.iter().flatten().all(|s| !s.is_empty()));
        assert_eq!(
            texts(blocks.iter().flatten().flat_map(|s| s.iter())),
            texts(&all)
        );
        let runs: Vec<&[Triaged]> = results.runs(|a, b| a.rule.id == b.rule.id).collect();
        assert_eq!(texts(runs.iter().flat_map(|r| r.iter())), texts(&all));
        assert!(runs
            .iter()
            .all(|r| r.iter().all(|f| f.rule.id == r[0].rule.id)));
        assert_eq!(
            serde_json::to_string(&results).unwrap(),
            serde_json::to_string(&all).unwrap()
        );
        // Joined for sorting, and counted again after a change of length.
        let cut = results.edit(|all| {
            all.truncate(5);
            all.len()
        });
        assert_eq!((cut, results.len()), (5, 5));
        let mut emptied = results.clone();
        emptied.edit(Vec::clear);
        assert!(emptied.is_empty() && emptied.blocks(4).is_empty());
        assert_eq!(Results::default().into_vec().len(), 0);
        assert_eq!(texts(&results.into_vec()), texts(&all[..5]));
    }
}
