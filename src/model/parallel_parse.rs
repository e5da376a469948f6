//! The big arrays of a snapshot (a region's REST APIs) parsed on every core. A large snapshot
//! is mostly REST APIs, and parsing them one after another was the whole of loading, with one
//! core idle (perf). The array is first split into the text of each element, which costs a
//! fifth of parsing it, and the elements are then parsed side by side.
//!
//! Only the fast first parse of `parse_snapshot` does this (`on_every_core`): a document that
//! fails is parsed again one element after another, with path tracking, so every error is
//! reported as it always was.

use std::cell::Cell;

use serde::de::{DeserializeOwned, Error};
use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;

thread_local! {
    static SPLIT: Cell<bool> = const { Cell::new(false) };
}

/// Elements a worker takes at a time (an array of no more is parsed where it stands).
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
    let Some(elements) = Option::<Vec<&'de RawValue>>::deserialize(d)? else {
        return Ok(None);
    };
    parse_all(&elements).map(Some).map_err(D::Error::custom)
}

fn parse_all<T: DeserializeOwned + Send>(elements: &[&RawValue]) -> Result<Vec<T>, String> {
    let parse = |i: usize, raw: &&RawValue| {
        serde_json::from_str::<T>(raw.get()).map_err(|e| format!("[{i}]: {e}"))
    };
    crate::cores::map(elements, BLOCK, parse)
        .into_iter()
        .collect()
}
