//! The cache file kept between builds: read leniently, written atomically.

use livret_model::MemoryCache;
use std::path::Path;

/// The cache folder's name inside the output folder, unless --cache-dir says otherwise.
pub const DEFAULT_DIR: &str = ".livret-cache";
pub const FILE_NAME: &str = "cache.bin";

/// The saved cache, or an empty one when there is none or it was made by another livret.
pub fn read(file: &Path) -> MemoryCache {
    match std::fs::read(file) {
        Ok(bytes) => MemoryCache::from_bytes(program_identity(), &bytes),
        Err(_) => MemoryCache::new(program_identity()),
    }
}

/// Saves what this build used, replacing the previous cache only once the new one is whole.
pub fn write(cache: &MemoryCache, file: &Path) -> Result<(), String> {
    let dir = file.parent().unwrap_or(Path::new("."));
    let name = file
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_else(|| FILE_NAME.to_owned());
    let output = livret_model::OutputFile {
        name,
        bytes: cache.to_bytes(),
    };
    crate::output::write_replacing(dir, &output, false)
        .map(|_| ())
        .map_err(|error| {
            format!(
                "could not save the cache to {} ({error}); the next build starts from scratch",
                file.display()
            )
        })
}

/// What makes results of this program differ from another's: its version and its very build
/// (size and time of the executable), so that a rebuilt livret never trusts an older one's work.
fn program_identity() -> u128 {
    let mut seed = env!("CARGO_PKG_VERSION").to_owned();
    if let Some(metadata) = std::env::current_exe()
        .ok()
        .and_then(|exe| std::fs::metadata(exe).ok())
    {
        let modified = metadata
            .modified()
            .ok()
            .and_then(|time| time.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |time| time.as_nanos());
        seed.push_str(&format!(" {} {modified}", metadata.len()));
    }
    xxhash_rust::xxh3::xxh3_128(seed.as_bytes())
}
