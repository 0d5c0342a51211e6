//! The whole pipeline, measured: `livret build` (every format) on generated handbooks of three
//! sizes and on any real repository given, against the floor of reading every page version from
//! Git (`git cat-file --batch`) and `git log`; a second build after a one-page commit; and, on the
//! 400-page handbook and each real one, livret's EPUB and PDF against pandoc and pandoc +
//! WeasyPrint (Debian's, and PyPI's current release when `.ci/install-peers` put it in
//! `target/peers/venv`). Prints one table; exits with 1 when a target of issue 7 is missed.
//!
//! `cargo bench -p livret-cli --bench suite [-- REPOSITORY...]` (or `just bench [REPOSITORY...]`):
//! work trees, bare repositories or Git bundles, also read from `LIVRET_BENCH_REPOS` (separated
//! by `:`). Handbooks are generated once into `target/` (the 1,600-page one takes about two
//! minutes). `LIVRET_BENCH_SKIP_PEERS=1` leaves pandoc and WeasyPrint out; `LIVRET_BENCH_SIZES=400`
//! runs one size (`LIVRET_BENCH_SIZES=` none).

#[path = "common/mod.rs"]
mod common;

use common::{Builds, Floors, Prepared, Result};
use livret_handbook_gen::bench::{shared_handbook, target_dir, Measure};
use livret_handbook_gen::{ensure_generated, Spec};
use std::path::PathBuf;
use std::process::ExitCode;

/// Whole build on the 400-page handbook: at most this many times the `cat-file` floor…
const FLOOR_RATIO_TARGET: f64 = 20.0;
/// …and under this peak.
const PEAK_TARGET_MIB: f64 = 300.0;
/// A second build after a one-page change, as a share of the first.
const SECOND_BUILD_TARGET: f64 = 0.25;

fn main() -> ExitCode {
    match run() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => {
            eprintln!("a target is missed (see the table)");
            ExitCode::FAILURE
        }
        Err(message) => {
            eprintln!("bench suite: {message}");
            ExitCode::FAILURE
        }
    }
}

/// One handbook and what was measured on it.
struct Measured {
    name: String,
    /// The 400-page generated handbook, which the targets are for.
    is_reference: bool,
    floors: Floors,
    builds: Builds,
    /// Rows of the peers, when they ran on this handbook.
    peers: Vec<String>,
}

fn run() -> Result<bool> {
    let sizes: Vec<usize> = match std::env::var("LIVRET_BENCH_SIZES") {
        Ok(list) => list
            .split(',')
            .filter_map(|s| s.trim().parse().ok())
            .collect(),
        Err(_) => vec![100, 400, 1600],
    };
    let with_peers = std::env::var_os("LIVRET_BENCH_SKIP_PEERS").is_none();
    let mut measured = Vec::new();
    for pages in sizes {
        let spec = Spec {
            pages,
            commits: pages * 5,
            seed: 1,
        };
        let is_reference = spec == Spec::default();
        let dir = if is_reference {
            shared_handbook()?.0
        } else {
            let dir = target_dir()
                .join("bench-suite")
                .join(format!("handbook-{}-{}", spec.pages, spec.commits));
            ensure_generated(&dir, &spec)?;
            dir
        };
        let name = format!("{} pages, {} commits", spec.pages, spec.commits);
        let work = target_dir()
            .join("bench-suite")
            .join(format!("work-{pages}"));
        let runs = if spec.pages > 400 { 2 } else { 3 };
        measured.push(measure(
            name,
            &dir,
            &work,
            runs,
            is_reference && with_peers,
            is_reference,
        )?);
    }
    for repository in repositories() {
        let name = common::repository_name(&repository);
        let work = target_dir()
            .join("bench-suite")
            .join(format!("repo-{name}"));
        measured.push(measure(name, &repository, &work, 3, with_peers, false)?);
    }
    let mut met = true;
    println!();
    println!("| handbook | measure | livret | floor or peer | ratio | livret peak | target |");
    println!("|---|---|---|---|---|---|---|");
    for size in &measured {
        let (name, builds, floors) = (&size.name, &size.builds, &size.floors);
        let ratio = builds.cold.seconds / floors.cat_file.seconds;
        let verdict = |ok: bool| match (size.is_reference, ok) {
            (false, _) => String::new(),
            (true, true) => " ok".to_owned(),
            (true, false) => " MISSED".to_owned(),
        };
        let target = |text: String| match size.is_reference {
            true => text,
            false => String::new(),
        };
        let floor_ok = ratio <= FLOOR_RATIO_TARGET && builds.cold.peak_mib < PEAK_TARGET_MIB;
        met &= !size.is_reference || floor_ok;
        println!(
            "| {name} | whole build, no cache | {:.2} s | cat-file every page version {:.3} s | {ratio:.1}x | {:.0} MiB | {}{} |",
            builds.cold.seconds,
            floors.cat_file.seconds,
            builds.cold.peak_mib,
            target(format!("≤{FLOOR_RATIO_TARGET}x, <{PEAK_TARGET_MIB} MiB")),
            verdict(floor_ok)
        );
        println!(
            "| {name} | history floor | | git log -M --name-status {:.3} s | {:.1}x | | |",
            floors.git_log.seconds,
            builds.cold.seconds / floors.git_log.seconds
        );
        let share = builds.second.seconds / builds.first.seconds;
        let second_ok = share < SECOND_BUILD_TARGET;
        met &= !size.is_reference || second_ok;
        println!(
            "| {name} | first build, cache on (empty) | {:.2} s | | | {:.0} MiB | |",
            builds.first.seconds, builds.first.peak_mib,
        );
        println!(
            "| {name} | second build, one page changed | {:.2} s | first build {:.2} s (no cache {:.2} s: {:.0}%) | {:.0}% | {:.0} MiB | {}{} |",
            builds.second.seconds,
            builds.first.seconds,
            builds.cold.seconds,
            builds.second.seconds / builds.cold.seconds * 100.0,
            share * 100.0,
            builds.second.peak_mib,
            target(format!("<{:.0}%", SECOND_BUILD_TARGET * 100.0)),
            verdict(second_ok)
        );
    }
    for size in &measured {
        for row in &size.peers {
            println!("{row}");
        }
    }
    let generated: Vec<&Measured> = measured
        .iter()
        .filter(|m| m.name.contains(" pages, "))
        .collect();
    if let (Some(small), Some(large)) = (generated.first(), generated.last()) {
        let pages = |m: &Measured| {
            m.name
                .split(' ')
                .next()
                .and_then(|n| n.parse::<f64>().ok())
                .unwrap_or(1.0)
        };
        if pages(large) > pages(small) {
            println!(
                "\nFrom {} to {} ({:.0}x pages and commits): whole build {:.1}x the time, {:.1}x the peak; second build {:.1}x; the cat-file floor {:.1}x.",
                small.name,
                large.name,
                pages(large) / pages(small),
                large.builds.cold.seconds / small.builds.cold.seconds,
                large.builds.cold.peak_mib / small.builds.cold.peak_mib,
                large.builds.second.seconds / small.builds.second.seconds,
                large.floors.cat_file.seconds / small.floors.cat_file.seconds,
            );
        }
    }
    Ok(met)
}

/// The real repositories asked for: the arguments (`cargo bench` adds `--bench`), then
/// `LIVRET_BENCH_REPOS`. A relative path is the caller's (the shell's `PWD`).
fn repositories() -> Vec<PathBuf> {
    let from_env = std::env::var("LIVRET_BENCH_REPOS").unwrap_or_default();
    let caller = std::env::var_os("PWD")
        .map(PathBuf::from)
        .unwrap_or_default();
    std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .chain(
            from_env
                .split(':')
                .filter(|s| !s.is_empty())
                .map(str::to_owned),
        )
        .map(|path| caller.join(path))
        .collect()
}

fn measure(
    name: String,
    source: &std::path::Path,
    work: &std::path::Path,
    runs: usize,
    with_peers: bool,
    is_reference: bool,
) -> Result<Measured> {
    eprintln!("{name}: floors…");
    let prepared = common::prepare(source, work)?;
    let floors = common::floors(&prepared)?;
    let peers = match with_peers {
        true => peers(&name, &prepared, &floors)?,
        false => Vec::new(),
    };
    eprintln!("{name}: livret, whole builds…");
    let builds = prepared.builds(runs)?;
    Ok(Measured {
        name,
        is_reference,
        floors,
        builds,
        peers,
    })
}

/// livret's EPUB and PDF against pandoc and pandoc + each WeasyPrint, on the same pages.
fn peers(name: &str, prepared: &Prepared, floors: &Floors) -> Result<Vec<String>> {
    eprintln!("{name}: livret EPUB, PDF, JSON and changelog alone…");
    let livret_epub = prepared.format("epub", 3)?;
    let livret_pdf = prepared.format("pdf", 3)?;
    let livret_history = prepared.format("json,changelog", 3)?;
    eprintln!("{name}: pandoc EPUB…");
    let pandoc_epub = prepared.pandoc_epub()?;
    let speedup = |peer: Measure, ours: Measure| peer.seconds / ours.seconds;
    let mut rows =
        vec![format!(
        "| {name} | EPUB | {:.2} s | pandoc {:.1} s ({:.0} MiB) | {:.0}x faster | {:.0} MiB | {} |",
        livret_epub.seconds,
        pandoc_epub.seconds,
        pandoc_epub.peak_mib,
        speedup(pandoc_epub, livret_epub),
        livret_epub.peak_mib,
        if name.contains(" pages, ") { "≥20x, <150 MiB" } else { "" }
    )];
    for (peer, weasyprint) in common::weasyprints() {
        eprintln!("{name}: pandoc + {peer} PDF…");
        let pandoc_pdf = prepared.pandoc_weasyprint(&weasyprint)?;
        rows.push(format!(
            "| {name} | PDF | {:.2} s | pandoc + {peer} {:.1} s ({:.0} MiB) | {:.0}x faster | {:.0} MiB | {} |",
            livret_pdf.seconds,
            pandoc_pdf.seconds,
            pandoc_pdf.peak_mib,
            speedup(pandoc_pdf, livret_pdf),
            livret_pdf.peak_mib,
            if name.contains(" pages, ") { "≥25x, <250 MiB" } else { "" }
        ));
    }
    rows.push(format!(
        "| {name} | JSON feed and changelog (history) | {:.2} s | git log -M --name-status {:.3} s | {:.1}x | {:.0} MiB | |",
        livret_history.seconds,
        floors.git_log.seconds,
        livret_history.seconds / floors.git_log.seconds,
        livret_history.peak_mib
    ));
    Ok(rows)
}
