//! The store: entries in memory, and the file format they are saved in between builds.

use livret_model::Cache;
use std::collections::HashMap;
use std::io::Read;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use xxhash_rust::xxh3::xxh3_64;

/// The format of [`MemoryCache::to_bytes`]; another version is read as an empty cache.
const FORMAT: &[u8; 8] = b"livret\x00\x02";
/// Bytes of an entry besides its kind and value: kind length, key, value length, checksum.
const ENTRY_OVERHEAD: u64 = 1 + 16 + 8 + 8;

#[derive(Debug, Default)]
struct Entry {
    value: Arc<[u8]>,
    /// Read or written by this build: kept when the cache is saved.
    used: bool,
    /// Already in the file the cache was read from.
    saved: bool,
}

/// A [`Cache`] in memory that remembers which entries this build used, so that only those are
/// kept when it is saved: the cache holds about one build's worth of results.
#[derive(Debug, Default)]
pub struct MemoryCache {
    /// Who made the results (a digest of the program): a saved cache with another salt is read
    /// as an empty one, so that results of another livret, or another format, are never used.
    salt: u128,
    entries: Mutex<HashMap<(String, u128), Entry>>,
    /// Size of the file the cache was read from; 0 when it was not.
    read_size: u64,
    hits: AtomicUsize,
    misses: AtomicUsize,
}

impl MemoryCache {
    /// An empty cache for results made by `salt` (e.g. a digest of the program's build).
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
    /// own buffer. A damaged length is caught by `size` before anything is allocated, a damaged
    /// value by its checksum (that entry is dropped), a truncated end keeps the entries before it.
    pub fn read_from(salt: u128, input: impl std::io::Read, size: u64) -> Self {
        let mut cache = MemoryCache::new(salt);
        if let Some(entries) = decode(salt, input, size) {
            cache.entries = Mutex::new(entries);
            cache.read_size = size;
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
        out.write_all(FORMAT)?;
        out.write_all(&self.salt.to_le_bytes())?;
        self.write_entries(out, |entry| entry.used)
    }

    /// Whether the file this cache was read from can simply be extended with
    /// [`MemoryCache::write_new_to`]: this build used most of it, so what it no longer needs is
    /// not worth rewriting the whole file for.
    pub fn can_append(&self) -> bool {
        let map = lock(&self.entries);
        let kept: u64 = map
            .iter()
            .filter(|(_, entry)| entry.used && entry.saved)
            .map(|((kind, _), entry)| entry_size(kind, entry))
            .sum();
        self.read_size > 0 && kept * 2 >= self.read_size
    }

    /// Writes the entries this build made, to be appended to the file the cache was read from
    /// (a later entry under the same key replaces an earlier one).
    pub fn write_new_to(&self, out: &mut impl std::io::Write) -> std::io::Result<()> {
        self.write_entries(out, |entry| entry.used && !entry.saved)
    }

    fn write_entries(
        &self,
        out: &mut impl std::io::Write,
        chosen: impl Fn(&Entry) -> bool,
    ) -> std::io::Result<()> {
        let map = lock(&self.entries);
        let mut entries: Vec<(&(String, u128), &Entry)> =
            map.iter().filter(|(_, entry)| chosen(entry)).collect();
        entries.sort_by(|a, b| a.0.cmp(b.0));
        for ((kind, key), entry) in entries {
            let kind = &kind.as_bytes()[..kind.len().min(255)];
            out.write_all(&[kind.len() as u8])?;
            out.write_all(kind)?;
            out.write_all(&key.to_le_bytes())?;
            out.write_all(&(entry.value.len() as u64).to_le_bytes())?;
            out.write_all(&xxh3_64(&entry.value).to_le_bytes())?;
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

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    match mutex.lock() {
        Ok(guard) => guard,
        Err(poisoned) => poisoned.into_inner(),
    }
}

fn entry_size(kind: &str, entry: &Entry) -> u64 {
    ENTRY_OVERHEAD + kind.len() as u64 + entry.value.len() as u64
}

impl Cache for MemoryCache {
    fn get(&self, kind: &str, key: u128) -> Option<Arc<[u8]>> {
        let mut map = lock(&self.entries);
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
        lock(&self.entries).insert(
            (kind.to_owned(), key),
            Entry {
                value: value.into(),
                used: true,
                saved: false,
            },
        );
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
    // Stops at the end, or at a damaged or truncated entry (an append cut short).
    let mut next = || -> Option<((String, u128), Entry, bool)> {
        let [kind_len] = array::<1>(&mut input)?;
        let mut kind = vec![0; usize::from(kind_len)];
        input.read_exact(&mut kind).ok()?;
        let kind = String::from_utf8(kind).ok()?;
        let key = u128::from_le_bytes(array(&mut input)?);
        let len = u64::from_le_bytes(array(&mut input)?);
        let checksum = u64::from_le_bytes(array(&mut input)?);
        let size = len.checked_add(ENTRY_OVERHEAD + kind.len() as u64)?;
        remaining = remaining.checked_sub(size)?;
        // Filled in place: one buffer per value, no copy of the whole file.
        let mut value: Arc<[u8]> = std::iter::repeat_n(0, usize::try_from(len).ok()?).collect();
        input.read_exact(Arc::get_mut(&mut value)?).ok()?;
        let entry = Entry {
            value,
            used: false,
            saved: true,
        };
        let intact = xxh3_64(&entry.value) == checksum;
        Some(((kind, key), entry, intact))
    };
    while let Some((key, entry, intact)) = next() {
        // A damaged value is left out: it would be a wrong output.
        if intact {
            entries.insert(key, entry);
        }
    }
    Some(entries)
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
        let at = huge.len() - 3 - 8 - 8;
        huge[at..at + 8].copy_from_slice(&u64::MAX.to_le_bytes());
        assert_eq!(MemoryCache::from_bytes(7, &huge).get("parse", 1), None);
        // A damaged value is left out, the entries around it are kept.
        let two = MemoryCache::new(7);
        two.put("a", 1, b"first".to_vec());
        two.put("b", 2, b"second".to_vec());
        let mut damaged = two.to_bytes();
        let at = damaged.len() - 1;
        damaged[at] ^= 1;
        let read = MemoryCache::from_bytes(7, &damaged);
        assert_eq!(read.get("a", 1).as_deref(), Some(&b"first"[..]));
        assert_eq!(read.get("b", 2), None);
        assert_eq!(cache.to_bytes(), cache.to_bytes());
    }

    #[test]
    fn new_results_are_appended_while_most_of_the_file_is_still_used() {
        let first = MemoryCache::new(7);
        first.put("page", 1, vec![1; 1000]);
        first.put("page", 2, vec![2; 1000]);
        first.put("walk", 9, b"old walk".to_vec());
        let mut file = first.to_bytes();

        let second = MemoryCache::from_bytes(7, &file);
        assert!(second.get("page", 1).is_some() && second.get("page", 2).is_some());
        second.put("page", 3, vec![3; 10]);
        second.put("walk", 9, b"new walk".to_vec());
        assert!(second.can_append());
        second.write_new_to(&mut file).expect("a Vec takes it");
        let third = MemoryCache::from_bytes(7, &file);
        assert_eq!(third.get("walk", 9).as_deref(), Some(&b"new walk"[..]));
        assert_eq!(third.get("page", 3).as_deref(), Some(&[3; 10][..]));
        assert!(third.get("page", 1).is_some());
        // An append cut short loses only what it was appending.
        let cut = MemoryCache::from_bytes(7, &file[..file.len() - 4]);
        assert!(cut.get("page", 2).is_some());

        // A build that uses less than half of the file rewrites it.
        let fourth = MemoryCache::from_bytes(7, &file);
        assert!(fourth.get("page", 3).is_some());
        assert!(!fourth.can_append());
        assert!(!MemoryCache::new(7).can_append());
    }
}
