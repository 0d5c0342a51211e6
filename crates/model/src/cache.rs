//! Work kept from one build to the next, by content.
//!
//! A producer (the core's parser, an exporter) stores the bytes of an expensive result under a
//! 128-bit digest of everything that result depends on, and gets them back in a later build
//! instead of redoing the work. The digest is the producer's business: it must change whenever
//! the result could, since a stale hit is a wrong output. The driver decides whether the cache
//! outlives the process ([`MemoryCache::to_bytes`], [`MemoryCache::from_bytes`]).

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// A store of results by kind (`"parse"`, `"pdf-layout"`…) and digest.
pub trait Cache: Sync + std::fmt::Debug {
    fn get(&self, kind: &str, key: u128) -> Option<Arc<[u8]>>;
    fn put(&self, kind: &str, key: u128, value: Vec<u8>);
}

/// The format of [`MemoryCache::to_bytes`]; another version is read as an empty cache.
const FORMAT: &[u8; 8] = b"livret\x00\x01";

#[derive(Debug, Default)]
struct Entry {
    value: Arc<[u8]>,
    used: bool,
}

/// A [`Cache`] in memory that remembers which entries this build used, so that only those are
/// kept when it is saved: the cache holds one build's worth of results, never more.
#[derive(Debug, Default)]
pub struct MemoryCache {
    /// Results must not depend on anything but their key; the version of the producer that made
    /// them is part of it. This one is mixed into every key so that another livret misses.
    salt: u128,
    entries: Mutex<HashMap<(String, u128), Entry>>,
    hits: AtomicUsize,
    misses: AtomicUsize,
}

impl MemoryCache {
    /// An empty cache whose keys are mixed with `salt` (e.g. a digest of the program's version).
    pub fn new(salt: u128) -> Self {
        MemoryCache {
            salt,
            ..MemoryCache::default()
        }
    }

    /// Reads a saved cache; anything unreadable (another format, a truncated file) gives an
    /// empty one, which only costs time.
    pub fn from_bytes(salt: u128, bytes: &[u8]) -> Self {
        let cache = MemoryCache::new(salt);
        if let Some(entries) = decode(salt, bytes) {
            if let Ok(mut map) = cache.entries.lock() {
                *map = entries;
            }
        }
        cache
    }

    /// The entries this build read or wrote, in a deterministic order.
    pub fn to_bytes(&self) -> Vec<u8> {
        let map = match self.entries.lock() {
            Ok(map) => map,
            Err(poisoned) => poisoned.into_inner(),
        };
        let mut used: Vec<(&(String, u128), &Entry)> =
            map.iter().filter(|(_, entry)| entry.used).collect();
        used.sort_by(|a, b| a.0.cmp(b.0));
        let mut bytes = Vec::with_capacity(
            24 + used
                .iter()
                .map(|(key, entry)| key.0.len() + entry.value.len() + 24)
                .sum::<usize>(),
        );
        bytes.extend_from_slice(FORMAT);
        bytes.extend_from_slice(&self.salt.to_le_bytes());
        for ((kind, key), entry) in used {
            bytes.push(kind.len().min(255) as u8);
            bytes.extend_from_slice(&kind.as_bytes()[..kind.len().min(255)]);
            bytes.extend_from_slice(&key.to_le_bytes());
            bytes.extend_from_slice(&(entry.value.len() as u64).to_le_bytes());
            bytes.extend_from_slice(&entry.value);
        }
        bytes
    }

    /// How many lookups found a result, and how many did not.
    pub fn hits_and_misses(&self) -> (usize, usize) {
        (
            self.hits.load(Ordering::Relaxed),
            self.misses.load(Ordering::Relaxed),
        )
    }
}

impl Cache for MemoryCache {
    fn get(&self, kind: &str, key: u128) -> Option<Arc<[u8]>> {
        let mut map = self.entries.lock().ok()?;
        let found = map.get_mut(&(kind.to_owned(), key)).map(|entry| {
            entry.used = true;
            entry.value.clone()
        });
        let counter = if found.is_some() {
            &self.hits
        } else {
            &self.misses
        };
        counter.fetch_add(1, Ordering::Relaxed);
        found
    }

    fn put(&self, kind: &str, key: u128, value: Vec<u8>) {
        if let Ok(mut map) = self.entries.lock() {
            map.insert(
                (kind.to_owned(), key),
                Entry {
                    value: value.into(),
                    used: true,
                },
            );
        }
    }
}

fn decode(salt: u128, bytes: &[u8]) -> Option<HashMap<(String, u128), Entry>> {
    let mut rest = bytes.strip_prefix(FORMAT)?;
    let saved_salt = u128::from_le_bytes(take(&mut rest, 16)?.try_into().ok()?);
    if saved_salt != salt {
        return None;
    }
    let mut entries = HashMap::new();
    while !rest.is_empty() {
        let kind_len = usize::from(*take(&mut rest, 1)?.first()?);
        let kind = std::str::from_utf8(take(&mut rest, kind_len)?).ok()?;
        let key = u128::from_le_bytes(take(&mut rest, 16)?.try_into().ok()?);
        let len = u64::from_le_bytes(take(&mut rest, 8)?.try_into().ok()?);
        let value = take(&mut rest, usize::try_from(len).ok()?)?;
        entries.insert(
            (kind.to_owned(), key),
            Entry {
                value: value.into(),
                used: false,
            },
        );
    }
    Some(entries)
}

fn take<'b>(rest: &mut &'b [u8], count: usize) -> Option<&'b [u8]> {
    if rest.len() < count {
        return None;
    }
    let (head, tail) = rest.split_at(count);
    *rest = tail;
    Some(head)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_saved_cache_keeps_what_this_build_used_and_nothing_else() {
        let first = MemoryCache::new(7);
        first.put("parse", 1, b"one".to_vec());
        first.put("pdf", 2, b"two".to_vec());
        let second = MemoryCache::from_bytes(7, &first.to_bytes());
        assert_eq!(second.get("parse", 1).as_deref(), Some(&b"one"[..]));
        assert_eq!(second.get("parse", 2), None);
        assert_eq!(second.hits_and_misses(), (1, 1));
        // "pdf" 2 was not used by the second build: the third does not have it.
        let third = MemoryCache::from_bytes(7, &second.to_bytes());
        assert_eq!(third.get("pdf", 2), None);
        assert_eq!(third.get("parse", 1).as_deref(), Some(&b"one"[..]));
    }

    #[test]
    fn another_salt_or_damaged_bytes_give_an_empty_cache() {
        let cache = MemoryCache::new(7);
        cache.put("parse", 1, b"one".to_vec());
        let bytes = cache.to_bytes();
        assert_eq!(MemoryCache::from_bytes(8, &bytes).get("parse", 1), None);
        let truncated = &bytes[..bytes.len() - 1];
        assert_eq!(MemoryCache::from_bytes(7, truncated).get("parse", 1), None);
        assert_eq!(MemoryCache::from_bytes(7, b"junk").get("parse", 1), None);
        assert_eq!(cache.to_bytes(), cache.to_bytes());
    }
}
