//! A generated handbook kept between benchmark runs, regenerated when the spec or the generator changes.

use crate::{generate, Spec, FINGERPRINT};
use std::path::Path;
use std::time::Instant;

const MARKER: &str = "livret-bench-marker";

/// Head id recorded by a previous run for the same spec and generator, when the repository still has it.
fn cached_head(dir: &Path, key: &str) -> Option<String> {
    let marker = std::fs::read_to_string(dir.join(".git").join(MARKER)).ok()?;
    let mut lines = marker.lines();
    if lines.next()? != key {
        return None;
    }
    let head = lines.next()?.strip_prefix("head ")?.to_owned();
    let repo = git2::Repository::open(dir).ok()?;
    let actual = repo.head().ok()?.peel_to_commit().ok()?.id().to_string();
    (actual == head).then_some(head)
}

/// Makes sure the handbook of `spec` is at `dir`, generating it only when the spec or the
/// generator changed; says whether it was reused or how long generating it took. For benchmarks.
pub fn ensure_generated(dir: &Path, spec: &Spec) -> Result<String, String> {
    let key = format!(
        "spec pages={} commits={} seed={} generator={FINGERPRINT:016x}",
        spec.pages, spec.commits, spec.seed
    );
    if let Some(head) = cached_head(dir, &key) {
        return Ok(format!("reused, HEAD {}", &head[..12]));
    }
    if dir.exists() {
        std::fs::remove_dir_all(dir)
            .map_err(|e| format!("removing the stale {}: {e}", dir.display()))?;
    }
    eprintln!("generating the handbook into {} …", dir.display());
    let start = Instant::now();
    let stats =
        generate(dir, spec).map_err(|e| format!("generating the handbook: {}", e.message()))?;
    let took = start.elapsed();
    std::fs::write(
        dir.join(".git").join(MARKER),
        format!("{key}\nhead {}\n", stats.head),
    )
    .map_err(|e| format!("writing the marker: {e}"))?;
    Ok(format!(
        "generated in {:.1} s, HEAD {}",
        took.as_secs_f64(),
        &stats.head[..12]
    ))
}
