//! Writing outputs so that a failed build never destroys a previous one.

use livret_model::OutputFile;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Writes the file to a temporary name in `dir`, then renames it over the old one: a failed or
/// interrupted build never leaves a half-written output (outputs are made again from Git, so they
/// are not forced to disk one by one).
pub fn write_atomically(dir: &Path, file: &OutputFile) -> std::io::Result<PathBuf> {
    let target = dir.join(&file.name);
    // An output that did not change is left as it is (its time too, for sync tools).
    let unchanged = std::fs::metadata(&target)
        .is_ok_and(|metadata| metadata.is_file() && metadata.len() == file.bytes.len() as u64)
        && std::fs::read(&target).is_ok_and(|bytes| bytes == file.bytes);
    if unchanged {
        return Ok(target);
    }
    replace(&target, |out| out.write_all(&file.bytes))?;
    Ok(target)
}

/// Writes `target` through `write` into a hidden temporary file beside it, then renames that over
/// `target`; on failure the temporary file is removed and `target` is as it was.
pub fn replace(
    target: &Path,
    write: impl FnOnce(&mut std::io::BufWriter<std::fs::File>) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let dir = target.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let name = target
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary = dir.join(format!(".{name}.livret-tmp"));
    let result = (|| {
        let mut out = std::io::BufWriter::new(std::fs::File::create(&temporary)?);
        write(&mut out)?;
        out.into_inner().map_err(|error| error.into_error())?;
        std::fs::rename(&temporary, target)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    result
}
