//! Maps whose keys must be unique. JSON allows an object to repeat a key and serde keeps the
//! last value; in a snapshot that would let one copy of a tag, a stage variable or a method
//! setting silently replace another (what a mute selects by, what GW307 judges), so a repeated
//! key is a load error naming the map and the key.

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{Deserializer, Error, MapAccess, Visitor};
use serde::Deserialize;

pub fn unique_keys<'de, D, V>(d: D) -> Result<BTreeMap<String, V>, D::Error>
where
    D: Deserializer<'de>,
    V: Deserialize<'de>,
{
    struct Unique<V>(PhantomData<V>);

    impl<'de, V: Deserialize<'de>> Visitor<'de> for Unique<V> {
        type Value = BTreeMap<String, V>;

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a map with unique keys")
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut out = BTreeMap::new();
            while let Some(key) = map.next_key::<String>()? {
                let value = map.next_value()?;
                if out.contains_key(&key) {
                    return Err(A::Error::custom(format!("duplicate key `{key}`")));
                }
                out.insert(key, value);
            }
            Ok(out)
        }
    }

    d.deserialize_map(Unique(PhantomData))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize, Debug)]
    struct Tagged {
        #[serde(default, deserialize_with = "unique_keys")]
        tags: BTreeMap<String, String>,
    }

    #[test]
    fn a_repeated_key_is_an_error() {
        let ok: Tagged = serde_json::from_str(r#"{"tags": {"env": "dev", "team": "a"}}"#).unwrap();
        assert_eq!(ok.tags.len(), 2);
        let absent: Tagged = serde_json::from_str("{}").unwrap();
        assert!(absent.tags.is_empty());
        let err = serde_json::from_str::<Tagged>(r#"{"tags": {"env": "dev", "env": "prod"}}"#)
            .unwrap_err();
        assert!(err.to_string().contains("duplicate key `env`"), "{err}");
    }
}
