//! Load benchmark: `livret_core::load` on a generated 400-page handbook with 2000 commits, against the
//! floor (opening the repository with git2 and reading every blob of HEAD), with peak memory of both.
//!
//! `cargo bench -p livret-core --bench load`. The handbook is generated once into
//! `target/bench-handbook/` and reused while the generator and its spec are unchanged.
//! Peak memory is measured by re-running this executable as a child (`LIVRET_BENCH_CHILD`), which
//! does one load (or one floor pass) and prints its own `VmHWM`.

use livret_core::{load, LoadOptions};
use livret_handbook_gen::bench::{ms, row, target_dir};
use livret_handbook_gen::{ensure_generated, Spec};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const SPEC: Spec = Spec {
    pages: 400,
    commits: 2000,
    seed: 1,
};
const RUNS: usize = 10;
const CHILD: &str = "LIVRET_BENCH_CHILD";
const REPO: &str = "LIVRET_BENCH_REPO";
const RATIO_TARGET: f64 = 5.0;
const RSS_TARGET_MIB: f64 = 100.0;

type Result<T> = std::result::Result<T, String>;

fn main() {
    let outcome = match std::env::var(CHILD) {
        Ok(mode) => child(&mode),
        Err(_) => parent(),
    };
    if let Err(message) = outcome {
        eprintln!("bench load: {message}");
        std::process::exit(1);
    }
}

/// What the floor read: blobs, their bytes, and the bytes of the Markdown ones.
struct Floor {
    blobs: usize,
    bytes: usize,
    markdown_bytes: usize,
}

/// The raw cost: open the repository, walk HEAD's tree, read every blob.
fn floor(path: &Path) -> std::result::Result<Floor, git2::Error> {
    let repo = git2::Repository::open(path)?;
    let tree = repo.head()?.peel_to_tree()?;
    let mut entries = Vec::new();
    tree.walk(git2::TreeWalkMode::PreOrder, |_, entry| {
        if entry.kind() == Some(git2::ObjectType::Blob) {
            entries.push((entry.id(), entry.name_bytes().ends_with(b".md")));
        }
        git2::TreeWalkResult::Ok
    })?;
    let mut floor = Floor {
        blobs: 0,
        bytes: 0,
        markdown_bytes: 0,
    };
    for (id, markdown) in entries {
        let blob = repo.find_blob(id)?;
        let content = std::hint::black_box(blob.content());
        floor.blobs += 1;
        floor.bytes += content.len();
        if markdown {
            floor.markdown_bytes += content.len();
        }
    }
    Ok(floor)
}

fn livret(path: &Path) -> Result<livret_core::Loaded> {
    load(&LoadOptions::new(path))
        .map_err(|error| format!("livret could not load {}: {error}", path.display()))
}

/// Runs as a child: one load or one floor pass, then prints the process's peak resident memory.
fn child(mode: &str) -> Result<()> {
    let path = PathBuf::from(std::env::var(REPO).map_err(|_| format!("{REPO} is not set"))?);
    match mode {
        "load" => drop(std::hint::black_box(livret(&path)?)),
        "floor" => drop(std::hint::black_box(
            floor(&path).map_err(|e| e.message().to_owned())?,
        )),
        "idle" => {}
        other => return Err(format!("unknown child mode `{other}`")),
    }
    println!("VmHWM {}", peak_kib()?);
    Ok(())
}

/// `VmHWM` (peak resident set) of this process, in KiB.
fn peak_kib() -> Result<u64> {
    let status = std::fs::read_to_string("/proc/self/status")
        .map_err(|e| format!("/proc/self/status: {e}"))?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .ok_or_else(|| "no VmHWM in /proc/self/status".to_owned())
}

/// Peak memory of a child doing `mode`, in MiB.
fn child_peak_mib(mode: &str, path: &Path) -> Result<f64> {
    let exe = std::env::current_exe().map_err(|e| format!("current_exe: {e}"))?;
    let output = Command::new(exe)
        .env(CHILD, mode)
        .env(REPO, path)
        .output()
        .map_err(|e| format!("running the {mode} child: {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        return Err(format!(
            "the {mode} child failed: {}{}",
            stdout,
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    stdout
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM "))
        .and_then(|kib| kib.trim().parse::<f64>().ok())
        .map(|kib| kib / 1024.0)
        .ok_or_else(|| format!("the {mode} child printed no VmHWM: {stdout}"))
}

/// Wall-clock best and median of `RUNS` runs, and the mean CPU time (all threads) of one run.
struct Timing {
    best: Duration,
    median: Duration,
    cpu: Option<Duration>,
}

fn time<T>(mut run: impl FnMut() -> Result<T>) -> Result<Timing> {
    let mut times = Vec::with_capacity(RUNS);
    let mut cpu = Some(Duration::ZERO);
    for _ in 0..RUNS {
        let cpu_before = cpu_time();
        let start = Instant::now();
        let value = run()?;
        times.push(start.elapsed());
        cpu = match (cpu, cpu_before, cpu_time()) {
            (Some(total), Some(before), Some(after)) => Some(total + after.saturating_sub(before)),
            _ => None,
        };
        drop(std::hint::black_box(value));
    }
    times.sort();
    Ok(Timing {
        best: times[0],
        median: times[RUNS / 2],
        cpu: cpu.map(|total| total / RUNS as u32),
    })
}

/// User + system CPU time of this process so far (every thread), from `/proc/self/stat`.
fn cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name: state is the 3rd field, utime the 14th, stime the 15th.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    // USER_HZ is 100 on Linux whatever the kernel's HZ.
    Some(Duration::from_millis(ticks * 10))
}

fn parent() -> Result<()> {
    let dir = target_dir().join("bench-handbook");
    let origin = ensure_generated(&dir, &SPEC)?;

    // Warm the page cache and rayon's pool once, and keep the diagnostics of one load.
    let read = floor(&dir).map_err(|e| e.message().to_owned())?;
    let loaded = livret(&dir)?;
    let floor_time = time(|| floor(&dir).map_err(|e| e.message().to_owned()))?;
    let livret_time = time(|| livret(&dir))?;
    let load_peak = child_peak_mib("load", &dir)?;
    let floor_peak = child_peak_mib("floor", &dir)?;
    let idle_peak = child_peak_mib("idle", &dir)?;

    let book = &loaded.book;
    let count = |severity: &str| {
        book.diagnostics
            .iter()
            .filter(|d| d.severity.to_string() == severity)
            .count()
    };
    let (errors, warnings, notes) = (count("error"), count("warning"), count("note"));
    let ratio = livret_time.best.as_secs_f64() / floor_time.best.as_secs_f64();
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    let cpu = |timing: &Timing| timing.cpu.map_or_else(|| "n/a".to_owned(), ms);

    println!();
    println!("livret load benchmark: {} ({origin})", dir.display());
    println!("{RUNS} runs each, {cpus} CPU(s); CPU time is user + system of all threads, per run");
    println!();
    println!(
        "| {:<36} | {:<20} | {:<10} | {:<6} |",
        "measure", "value", "target", ""
    );
    println!(
        "|{}|{}|{}|{}|",
        "-".repeat(38),
        "-".repeat(22),
        "-".repeat(12),
        "-".repeat(8)
    );
    row("pages (published)", book.pages.len(), "", None);
    row(
        "Markdown at HEAD",
        format!("{:.2} MB", read.markdown_bytes as f64 / 1e6),
        "",
        None,
    );
    row(
        "blobs at HEAD (read by the floor)",
        format!("{} ({:.2} MB)", read.blobs, read.bytes as f64 / 1e6),
        "",
        None,
    );
    row("commits", SPEC.commits, "", None);
    row(
        "floor: git2 read every blob, best",
        ms(floor_time.best),
        "",
        None,
    );
    row("floor, median", ms(floor_time.median), "", None);
    row("floor, CPU time", cpu(&floor_time), "", None);
    row("livret load, best", ms(livret_time.best), "", None);
    row("livret load, median", ms(livret_time.median), "", None);
    row("livret load, CPU time", cpu(&livret_time), "", None);
    row(
        "ratio livret / floor (best)",
        format!("{ratio:.1}x"),
        &format!("<= {RATIO_TARGET:.0}x"),
        Some(ratio <= RATIO_TARGET),
    );
    if let (Some(livret_cpu), Some(floor_cpu)) = (livret_time.cpu, floor_time.cpu) {
        let cpu_ratio = livret_cpu.as_secs_f64() / floor_cpu.as_secs_f64().max(1e-3);
        row(
            "ratio livret / floor (CPU time)",
            format!("{cpu_ratio:.1}x"),
            "",
            None,
        );
    }
    row(
        "peak RSS, livret load",
        format!("{load_peak:.1} MiB"),
        &format!("< {RSS_TARGET_MIB:.0} MiB"),
        Some(load_peak < RSS_TARGET_MIB),
    );
    row("peak RSS, floor", format!("{floor_peak:.1} MiB"), "", None);
    row(
        "peak RSS, idle child",
        format!("{idle_peak:.1} MiB"),
        "",
        None,
    );
    row(
        "diagnostics (error / warning / note)",
        format!("{errors} / {warnings} / {notes}"),
        "0 / 0 / -",
        Some(errors + warnings == 0),
    );
    let mut shown: Vec<_> = book.diagnostics.iter().collect();
    shown.sort_by_key(|d| d.severity);
    if !shown.is_empty() {
        println!();
        println!("first diagnostics:");
        for diagnostic in shown.iter().take(5) {
            println!("  {diagnostic}");
        }
    }
    Ok(())
}
