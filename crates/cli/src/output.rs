//! Writing outputs so that a failed build never destroys a previous one.

use livret_model::OutputFile;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Writes the file to a temporary name in `dir`, then renames it over the old one: a failed or
/// interrupted build never leaves a half-written output (outputs are made again from Git, so they
/// are not forced to disk one by one).
pub fn write_atomically(dir: &Path, file: &OutputFile) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let target = dir.join(&file.name);
    // An output that did not change is left as it is (its time too, for sync tools).
    let unchanged = std::fs::metadata(&target)
        .is_ok_and(|metadata| metadata.is_file() && metadata.len() == file.bytes.len() as u64)
        && std::fs::read(&target).is_ok_and(|bytes| bytes == file.bytes);
    if unchanged {
        return Ok(target);
    }
    if let Some(parent) = target.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let temporary = dir.join(format!(".{}.livret-tmp", file.name.replace('/', "_")));
    let result = (|| {
        let mut handle = std::fs::File::create(&temporary)?;
        handle.write_all(&file.bytes)?;
        std::fs::rename(&temporary, &target)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    result.map(|()| target)
}
