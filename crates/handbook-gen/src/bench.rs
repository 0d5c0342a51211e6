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

/// Time and peak memory of one run of a command.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Measure {
    pub seconds: f64,
    /// Largest resident set of the command and its children, in MiB.
    pub peak_mib: f64,
}

/// Runs `command` once in its own process tree (through Python's `getrusage`, which every
/// machine with python3 has) and measures it; fails when it fails.
pub fn measure(command: &Command) -> Result<Measure, String> {
    const WRAPPER: &str = "import resource, subprocess, sys, time\n\
        start = time.perf_counter()\n\
        code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)\n\
        elapsed = time.perf_counter() - start\n\
        sys.stderr.write(code.stderr.decode(errors='replace')[-2000:])\n\
        print(elapsed, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n\
        sys.exit(code.returncode)";
    let mut wrapped = Command::new("python3");
    wrapped
        .args(["-c", WRAPPER])
        .arg(command.get_program())
        .args(command.get_args());
    if let Some(dir) = command.get_current_dir() {
        wrapped.current_dir(dir);
    }
    let output = wrapped
        .output()
        .map_err(|e| format!("running python3 to measure {command:?}: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "{command:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    let mut fields = stdout.split_whitespace();
    let seconds = fields.next().and_then(|s| s.parse::<f64>().ok());
    let kib = fields.next().and_then(|s| s.parse::<f64>().ok());
    match (seconds, kib) {
        (Some(seconds), Some(kib)) => Ok(Measure {
            seconds,
            peak_mib: kib / 1024.0,
        }),
        _ => Err(format!("no measure for {command:?}: {stdout}")),
    }
}

/// The best time and the largest peak of `runs` runs, `prepare` running before each.
pub fn best_of(
    runs: usize,
    command: &Command,
    mut prepare: impl FnMut() -> Result<(), String>,
) -> Result<Measure, String> {
    let mut best = Measure {
        seconds: f64::MAX,
        peak_mib: 0.0,
    };
    for _ in 0..runs.max(1) {
        prepare()?;
        let one = measure(command)?;
        best.seconds = best.seconds.min(one.seconds);
        best.peak_mib = best.peak_mib.max(one.peak_mib);
    }
    Ok(best)
}
