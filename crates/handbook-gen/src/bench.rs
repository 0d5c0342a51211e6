//! What livret's benchmarks share: where the generated handbook lives, the `git log` floor, and
//! the printing of result tables.

use crate::{ensure_generated, Spec};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// `target/` of the running benchmark: its executable is `target/<profile>/deps/<name>-<hash>`.
pub fn target_dir() -> PathBuf {
    let from_exe = std::env::current_exe().ok().and_then(|exe| {
        let deps = exe.parent()?;
        (deps.file_name()? == "deps")
            .then(|| deps.parent()?.parent().map(Path::to_path_buf))
            .flatten()
    });
    from_exe.unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"))
}

/// The benchmarks' handbook (400 pages, 2,000 commits) in `target/bench-handbook/`, generated once
/// and shared; returns its path and whether it was reused or how long generating it took.
pub fn shared_handbook() -> Result<(PathBuf, String), String> {
    let dir = target_dir().join("bench-handbook");
    let origin = ensure_generated(&dir, &Spec::default())?;
    Ok((dir, origin))
}

/// Runs `git log -M --name-status -- '*.md'`, the floor of walking a handbook's history; returns
/// the size of its output.
pub fn git_log_name_status(dir: &Path) -> Result<usize, String> {
    let output = Command::new("git")
        .args(["log", "-M", "--name-status", "--", "*.md"])
        .current_dir(dir)
        .output()
        .map_err(|e| format!("running git log: {e}"))?;
    if !output.status.success() {
        return Err(String::from_utf8_lossy(&output.stderr).into_owned());
    }
    Ok(output.stdout.len())
}

pub fn ms(duration: Duration) -> String {
    format!("{:.1} ms", duration.as_secs_f64() * 1e3)
}

/// One row of a result table: measure, value, target, and whether the target is met.
pub fn row(measure: &str, value: impl std::fmt::Display, target: &str, verdict: Option<bool>) {
    let verdict = match verdict {
        Some(true) => "ok",
        Some(false) => "OVER TARGET",
        None => "",
    };
    println!(
        "| {measure:<48} | {:<22} | {target:<10} | {verdict:<11} |",
        value.to_string()
    );
}
