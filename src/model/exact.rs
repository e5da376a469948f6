//! Lists read at their exact length. serde grows a list as it reads, and a list of large
//! elements starts with room for four: most resources have one or two methods and most APIs one
//! or two stages, so on a 10,000-API snapshot about half of those lists' memory was room never
//! used (dhat), memory a large scan faults in for nothing.

use serde::{Deserialize, Deserializer};

/// `#[serde(deserialize_with = "...")]` for a `Vec` field.
pub fn vec<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    let mut v = Vec::<T>::deserialize(d)?;
    // The room freed here is the next list's, on the same thread.
    v.shrink_to_fit();
    Ok(v)
}

/// [`vec`] for an `Option<Vec>` field (`null` or absent: not collected).
pub fn optional_vec<'de, D, T>(d: D) -> Result<Option<Vec<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    let mut v = Option::<Vec<T>>::deserialize(d)?;
    if let Some(v) = &mut v {
        v.shrink_to_fit();
    }
    Ok(v)
}
