/// A store of results by kind (`"history-walk"`, `"pdf-layout"`…) and 128-bit digest of
/// everything the result depends on. The digest is the producer's business: it must change
/// whenever the result could, since a stale hit is a wrong output. `livret-cache` has the store
/// the driver uses, typed entries and the digest.
pub trait Cache: Sync + std::fmt::Debug {
    /// The bytes kept under `kind` and `key`, if there are any.
    fn get(&self, kind: &str, key: u128) -> Option<std::sync::Arc<[u8]>>;
    /// Keeps `value` under `kind` and `key`.
    fn put(&self, kind: &str, key: u128, value: Vec<u8>);
}
