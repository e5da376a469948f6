//! The big arrays of a snapshot (a region's REST APIs) parsed on every core. A large snapshot
//! is mostly REST APIs, and parsing them one after another was the whole of loading, with one
//! core idle (perf). The array is split into the text of each element on the reading thread,
//! which costs a fifth of parsing it, and blocks of elements are parsed side by side as soon as
//! they are split.
//!
//! Only the fast first parse of `parse_snapshot` does this (`on_every_core`): a document that
//! fails is parsed again one element after another, with path tracking, so every error is
//! reported as it always was.

use std::cell::Cell;
use std::marker::PhantomData;
use std::sync::{mpsc, Mutex};

use serde::de::{DeserializeOwned, Error, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;

thread_local! {
    static SPLIT: Cell<bool> = const { Cell::new(false) };
}

/// Elements a worker takes at a time (an array of fewer is parsed where it stands).
const BLOCK: usize = 32;

/// Runs `parse` with the split arrays of this module parsed on every core; `parse` must read
/// from a `&str` (the elements are borrowed from it).
pub(super) fn on_every_core<R>(parse: impl FnOnce() -> R) -> R {
    struct Reset;
    impl Drop for Reset {
        fn drop(&mut self) {
            SPLIT.set(false);
        }
    }
    SPLIT.set(true);
    let _reset = Reset;
    parse()
}

/// `deserialize_with` for an `Option<Vec<T>>` worth parsing on every core.
pub(super) fn optional_vec<'de, D, T>(d: D) -> Result<Option<Vec<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned + Send,
{
    if !SPLIT.get() {
        return Option::<Vec<T>>::deserialize(d);
    }
    d.deserialize_option(Elements(PhantomData))
}

/// Visits the array: its elements are split off on this thread and parsed, `BLOCK` at a
/// time, by helpers that start on the first block while the rest is still being split (split
/// first and parsed after, the split of each region's APIs was a stretch with one core idle).
struct Elements<T>(PhantomData<T>);

impl<'de, T: DeserializeOwned + Send> Visitor<'de> for Elements<T> {
    type Value = Option<Vec<T>>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an array or null")
    }

    fn visit_none<E: Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_seq(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let (blocks_tx, blocks_rx) = mpsc::channel::<(usize, Vec<&'de RawValue>)>();
        let blocks_rx = Mutex::new(blocks_rx);
        let parse_blocks = || {
            let mut parsed = Vec::new();
            while let Ok(Ok((start, block))) = blocks_rx.lock().map(|rx| rx.recv()) {
                let block: Vec<Result<T, String>> = (block.iter().enumerate())
                    .map(|(i, raw)| {
                        serde_json::from_str::<T>(raw.get())
                            .map_err(|e| format!("[{}]: {e}", start + i))
                    })
                    .collect();
                parsed.push((start, block));
            }
            parsed
        };
        let most_helpers = crate::cores::available().saturating_sub(1);
        let (split, mut parsed) = std::thread::scope(|s| {
            // A helper for each full block, up to one per other core: an array of no more than
            // a block (most regions' APIs) is parsed on this thread, with no thread started.
            let mut helpers = Vec::new();
            let split = (|| {
                let mut start = 0;
                let mut block = Vec::with_capacity(BLOCK);
                while let Some(raw) = seq.next_element::<&'de RawValue>()? {
                    block.push(raw);
                    if block.len() == BLOCK {
                        let full = std::mem::replace(&mut block, Vec::with_capacity(BLOCK));
                        let _ = blocks_tx.send((start, full));
                        start += BLOCK;
                        if helpers.len() < most_helpers {
                            helpers.push(s.spawn(parse_blocks));
                        }
                    }
                }
                let _ = blocks_tx.send((start, block));
                Ok(())
            })();
            drop(blocks_tx);
            // This thread parses too once the array is split.
            let mut parsed = parse_blocks();
            for h in helpers {
                parsed.extend(h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)));
            }
            (split, parsed)
        });
        split?;
        parsed.sort_by_key(|(start, _)| *start);
        let all: Result<Vec<T>, String> = parsed.into_iter().flat_map(|(_, b)| b).collect();
        all.map(Some).map_err(A::Error::custom)
    }
}
