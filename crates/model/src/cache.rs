//! Work kept from one build to the next, by content.
//!
//! A producer (the core's parser, an exporter) stores the bytes of an expensive result under a
//! 128-bit digest of everything that result depends on, and gets them back in a later build
//! instead of redoing the work. The digest is the producer's business: it must change whenever
//! the result could, since a stale hit is a wrong output. The driver decides whether the cache
//! outlives the process ([`MemoryCache::to_bytes`], [`MemoryCache::from_bytes`]).

use std::collections::HashMap;
use std::io::Read;
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
        Self::read_from(salt, bytes, bytes.len() as u64)
    }

    /// Reads what [`MemoryCache::write_to`] wrote (`size` bytes), each value straight into its
    /// own buffer; a damaged length is caught by `size` before anything is allocated.
    pub fn read_from(salt: u128, input: impl std::io::Read, size: u64) -> Self {
        let cache = MemoryCache::new(salt);
        if let Some(entries) = decode(salt, input, size) {
            if let Ok(mut map) = cache.entries.lock() {
                *map = entries;
            }
        }
        cache
    }

    /// The entries this build read or wrote, in a deterministic order.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut bytes = Vec::new();
        // Writing to a Vec cannot fail.
        let _ = self.write_to(&mut bytes);
        bytes
    }

    /// Writes what [`MemoryCache::to_bytes`] gives, without gathering it in memory first.
    pub fn write_to(&self, out: &mut impl std::io::Write) -> std::io::Result<()> {
        let map = match self.entries.lock() {
            Ok(map) => map,
            Err(poisoned) => poisoned.into_inner(),
        };
        let mut used: Vec<(&(String, u128), &Entry)> =
            map.iter().filter(|(_, entry)| entry.used).collect();
        used.sort_by(|a, b| a.0.cmp(b.0));
        out.write_all(FORMAT)?;
        out.write_all(&self.salt.to_le_bytes())?;
        for ((kind, key), entry) in used {
            let kind = &kind.as_bytes()[..kind.len().min(255)];
            out.write_all(&[kind.len() as u8])?;
            out.write_all(kind)?;
            out.write_all(&key.to_le_bytes())?;
            out.write_all(&(entry.value.len() as u64).to_le_bytes())?;
            out.write_all(&entry.value)?;
        }
        Ok(())
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

fn decode(
    salt: u128,
    input: impl std::io::Read,
    size: u64,
) -> Option<HashMap<(String, u128), Entry>> {
    let mut remaining = size.checked_sub((FORMAT.len() + 16) as u64)?;
    let mut input = std::io::BufReader::with_capacity(1 << 16, input);
    let mut format = [0; FORMAT.len()];
    input.read_exact(&mut format).ok()?;
    if &format != FORMAT || u128::from_le_bytes(array(&mut input)?) != salt {
        return None;
    }
    let mut entries = HashMap::new();
    loop {
        let mut kind_len = [0; 1];
        match input.read(&mut kind_len) {
            Ok(0) => return Some(entries),
            Ok(_) => {}
            Err(_) => return None,
        }
        let mut kind = vec![0; usize::from(kind_len[0])];
        input.read_exact(&mut kind).ok()?;
        let kind = String::from_utf8(kind).ok()?;
        let key = u128::from_le_bytes(array(&mut input)?);
        let len = u64::from_le_bytes(array(&mut input)?);
        let entry_size = len.checked_add(1 + kind.len() as u64 + 16 + 8)?;
        remaining = remaining.checked_sub(entry_size)?;
        let len = usize::try_from(len).ok()?;
        // Filled in place: one buffer per value, no copy of the whole file.
        let mut value: Arc<[u8]> = std::iter::repeat_n(0, len).collect();
        input.read_exact(Arc::get_mut(&mut value)?).ok()?;
        entries.insert((kind, key), Entry { value, used: false });
    }
}

fn array<const N: usize>(input: &mut impl std::io::Read) -> Option<[u8; N]> {
    let mut bytes = [0; N];
    input.read_exact(&mut bytes).ok()?;
    Some(bytes)
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
        // A length beyond the end is caught before anything is allocated.
        let mut huge = bytes.clone();
        let at = huge.len() - 3 - 8;
        huge[at..at + 8].copy_from_slice(&u64::MAX.to_le_bytes());
        assert_eq!(MemoryCache::from_bytes(7, &huge).get("parse", 1), None);
        assert_eq!(cache.to_bytes(), cache.to_bytes());
    }
}
