//! Work kept from one build to the next, by content: the store and its file format, digests for
//! keys, and typed entries in one encoding (MessagePack, through serde).
//!
//! A producer (the core's history walk, an exporter) keeps an expensive result under a digest of
//! everything it depends on, and gets it back in a later build instead of redoing the work. The
//! store's file is salted with the program that made it, so no format version is kept by hand:
//! another livret reads an empty cache.

mod digest;
mod store;

pub use digest::Digest;
pub use livret_model::Cache;
pub use store::MemoryCache;

use serde::de::DeserializeOwned;
use serde::Serialize;

/// The value kept under `kind` and `key`, if there is one and it decodes as a `T`.
pub fn get<T: DeserializeOwned>(cache: &dyn Cache, kind: &str, key: u128) -> Option<T> {
    decode(&cache.get(kind, key)?)
}

/// Keeps `value` under `kind` and `key`.
pub fn put<T: Serialize + ?Sized>(cache: &dyn Cache, kind: &str, key: u128, value: &T) {
    if let Some(bytes) = encode(value) {
        cache.put(kind, key, bytes);
    }
}

/// The bytes a value is kept as; `None` only when its `Serialize` fails.
pub fn encode<T: Serialize + ?Sized>(value: &T) -> Option<Vec<u8>> {
    rmp_serde::to_vec_named(value).ok()
}

/// A value back from [`encode`]'s bytes; `None` when they are not one (a miss, not an error).
pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Option<T> {
    rmp_serde::from_slice(bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, Serialize, serde::Deserialize)]
    struct Kept {
        name: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
        widths: Vec<f32>,
    }

    #[test]
    fn typed_entries_come_back_as_they_were_kept() {
        let cache = MemoryCache::new(1);
        let kept = Kept {
            name: "é".to_owned(),
            note: None,
            widths: vec![1.5, 2.0],
        };
        put(&cache, "test", 7, &kept);
        assert_eq!(get::<Kept>(&cache, "test", 7), Some(kept));
        assert_eq!(get::<Kept>(&cache, "test", 8), None);
        // Bytes of another shape are a miss.
        cache.put("test", 9, b"\x01\x02".to_vec());
        assert_eq!(get::<Kept>(&cache, "test", 9), None);
    }
}
