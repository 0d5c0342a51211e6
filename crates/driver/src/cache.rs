//! The cache file kept between builds: read leniently, written atomically.

use livret_cache::MemoryCache;
use std::path::Path;

/// The cache folder's name inside the output folder, unless --cache-dir says otherwise.
pub const DEFAULT_DIR: &str = ".livret-cache";
pub const FILE_NAME: &str = "cache.bin";

/// The saved cache, or an empty one when there is none or it was made by another livret.
pub fn read(file: &Path) -> MemoryCache {
    let opened = std::fs::File::open(file).and_then(|input| Ok((input.metadata()?.len(), input)));
    match opened {
        Ok((size, input)) => MemoryCache::read_from(program_identity(), input, size),
        Err(_) => MemoryCache::new(program_identity()),
    }
}

/// Saves what this build used, never flushed to disk (losing it costs only time): appended to
/// the file it was read from while most of that is still in use, else written anew and renamed
/// over it once whole.
pub fn write(cache: &MemoryCache, file: &Path) -> Result<(), CacheNotSaved> {
    let result = if cache.can_append() {
        append(cache, file)
    } else {
        rewrite(cache, file)
    };
    result.map_err(|source| CacheNotSaved {
        file: file.to_owned(),
        source,
    })
}

/// The cache could not be saved: the next build starts from scratch, nothing else is lost.
#[derive(Debug, thiserror::Error)]
#[error("could not save the cache to {} ({source}); the next build starts from scratch", file.display())]
pub struct CacheNotSaved {
    pub file: std::path::PathBuf,
    pub source: std::io::Error,
}

fn append(cache: &MemoryCache, file: &Path) -> std::io::Result<()> {
    let handle = std::fs::OpenOptions::new().append(true).open(file)?;
    let mut out = std::io::BufWriter::new(handle);
    cache.write_new_to(&mut out)?;
    out.into_inner().map_err(|error| error.into_error())?;
    Ok(())
}

fn rewrite(cache: &MemoryCache, file: &Path) -> std::io::Result<()> {
    crate::output::replace(file, |out| cache.write_to(out))
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
