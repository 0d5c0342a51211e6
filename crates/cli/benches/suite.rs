//! The whole pipeline, measured: `livret build` (every format) on generated handbooks of three
//! sizes, against the floor of reading every page version from Git (`git cat-file --batch`) and
//! `git log`; a second build after a one-page change; and, on the 400-page handbook, livret's EPUB
//! and PDF against pandoc and pandoc + WeasyPrint. Prints one table; exits with 1 when a target
//! of issue 7 is missed.
//!
//! `cargo bench -p livret-cli --bench suite` (or `just bench`). Handbooks are generated once into
//! `target/` (the 1,600-page one takes about two minutes). `LIVRET_BENCH_SKIP_PEERS=1` leaves
//! pandoc and WeasyPrint out; `LIVRET_BENCH_SIZES=400` runs one size.

use livret_handbook_gen::bench::{best_of, measure, shared_handbook, target_dir, Measure};
use livret_handbook_gen::{ensure_generated, Spec};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};

const LIVRET: &str = env!("CARGO_BIN_EXE_livret");
/// Whole build on the 400-page handbook: at most this many times the `cat-file` floor…
const FLOOR_RATIO_TARGET: f64 = 20.0;
/// …and under this peak.
const PEAK_TARGET_MIB: f64 = 300.0;
/// A second build after a one-page change, as a share of the first.
const SECOND_BUILD_TARGET: f64 = 0.25;

type Result<T> = std::result::Result<T, String>;

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

/// One handbook size and what was measured on it.
struct Size {
    spec: Spec,
    dir: PathBuf,
    cat_file: Measure,
    git_log: Measure,
    cold: Measure,
    /// The first build with the cache on (empty): what a user's first `livret build` costs.
    first: Measure,
    second: Measure,
}

fn run() -> Result<bool> {
    let sizes: Vec<usize> = match std::env::var("LIVRET_BENCH_SIZES") {
        Ok(list) => list
            .split(',')
            .filter_map(|s| s.trim().parse().ok())
            .collect(),
        Err(_) => vec![100, 400, 1600],
    };
    let mut measured = Vec::new();
    for pages in sizes {
        let spec = Spec {
            pages,
            commits: pages * 5,
            seed: 1,
        };
        measured.push(measure_size(spec)?);
    }
    let reference = measured.iter().find(|s| s.spec == Spec::default());
    let peer_rows = match (reference, std::env::var_os("LIVRET_BENCH_SKIP_PEERS")) {
        (Some(reference), None) => peers(&reference.dir)?,
        _ => Vec::new(),
    };
    let mut met = true;
    println!();
    println!("| handbook | measure | livret | floor or peer | ratio | livret peak | target |");
    println!("|---|---|---|---|---|---|---|");
    for size in &measured {
        let name = format!("{} pages, {} commits", size.spec.pages, size.spec.commits);
        let ratio = size.cold.seconds / size.cat_file.seconds;
        let is_reference = size.spec == Spec::default();
        let verdict = |ok: bool| match (is_reference, ok) {
            (false, _) => String::new(),
            (true, true) => " ok".to_owned(),
            (true, false) => " MISSED".to_owned(),
        };
        let floor_ok = ratio <= FLOOR_RATIO_TARGET && size.cold.peak_mib < PEAK_TARGET_MIB;
        met &= !is_reference || floor_ok;
        println!(
            "| {name} | whole build, no cache | {:.2} s | cat-file every page version {:.3} s | {ratio:.1}x | {:.0} MiB | ≤{FLOOR_RATIO_TARGET}x, <{PEAK_TARGET_MIB} MiB{} |",
            size.cold.seconds,
            size.cat_file.seconds,
            size.cold.peak_mib,
            verdict(floor_ok)
        );
        println!(
            "| {name} | history floor | | git log -M --name-status {:.3} s | {:.1}x | | |",
            size.git_log.seconds,
            size.cold.seconds / size.git_log.seconds
        );
        let share = size.second.seconds / size.first.seconds;
        let second_ok = share < SECOND_BUILD_TARGET;
        met &= !is_reference || second_ok;
        println!(
            "| {name} | first build, cache on (empty) | {:.2} s | | | {:.0} MiB | |",
            size.first.seconds, size.first.peak_mib,
        );
        println!(
            "| {name} | second build, one page changed | {:.2} s | first build {:.2} s (no cache {:.2} s: {:.0}%) | {:.0}% | {:.0} MiB | <{:.0}%{} |",
            size.second.seconds,
            size.first.seconds,
            size.cold.seconds,
            size.second.seconds / size.cold.seconds * 100.0,
            share * 100.0,
            size.second.peak_mib,
            SECOND_BUILD_TARGET * 100.0,
            verdict(second_ok)
        );
    }
    for row in peer_rows {
        println!("{row}");
    }
    if let (Some(small), Some(large)) = (measured.first(), measured.last()) {
        if large.spec.pages > small.spec.pages {
            let scale = large.spec.pages as f64 / small.spec.pages as f64;
            println!(
                "\nFrom {} to {} pages ({scale:.0}x pages and commits): whole build {:.1}x the time, {:.1}x the peak; second build {:.1}x; the cat-file floor {:.1}x.",
                small.spec.pages,
                large.spec.pages,
                large.cold.seconds / small.cold.seconds,
                large.cold.peak_mib / small.cold.peak_mib,
                large.second.seconds / small.second.seconds,
                large.cat_file.seconds / small.cat_file.seconds,
            );
        }
    }
    Ok(met)
}

fn measure_size(spec: Spec) -> Result<Size> {
    let dir = if spec == Spec::default() {
        shared_handbook()?.0
    } else {
        let dir = target_dir()
            .join("bench-suite")
            .join(format!("handbook-{}-{}", spec.pages, spec.commits));
        ensure_generated(&dir, &spec)?;
        dir
    };
    let work = target_dir()
        .join("bench-suite")
        .join(format!("work-{}", spec.pages));
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).map_err(|e| e.to_string())?;
    eprintln!("{} pages: floors…", spec.pages);

    // Every page version's id, for the floor.
    let listing = git(&dir, &["rev-list", "--objects", "HEAD"])?;
    let ids: String = listing
        .lines()
        .filter(|line| line.ends_with(".md"))
        .filter_map(|line| line.split_whitespace().next())
        .map(|id| format!("{id}\n"))
        .collect();
    let ids_file = work.join("page-versions.txt");
    std::fs::write(&ids_file, ids).map_err(|e| e.to_string())?;
    let cat_file = best_of(
        5,
        &shell(
            &dir,
            &format!("git cat-file --batch < '{}'", ids_file.display()),
        ),
        || Ok(()),
    )?;
    let git_log = best_of(
        3,
        &shell(&dir, "git log -M --name-status -- '*.md'"),
        || Ok(()),
    )?;

    eprintln!("{} pages: livret, cold…", spec.pages);
    let out = work.join("out");
    let runs = if spec.pages > 400 { 2 } else { 3 };
    let cold = best_of(runs, &livret(&dir, "HEAD", &out, None), || Ok(()))?;
    let fresh = work.join("fresh-cache");
    let first = best_of(runs, &livret(&dir, "HEAD", &out, Some(&fresh)), || {
        let _ = std::fs::remove_dir_all(&fresh);
        Ok(())
    })?;

    // The second build: a clone with one page changed in a new commit, built with the cache of
    // a build of the commit before.
    eprintln!("{} pages: livret, second build…", spec.pages);
    let clone = work.join("clone");
    git(
        &work,
        &[
            "clone",
            "--quiet",
            "--shared",
            &dir.display().to_string(),
            &clone.display().to_string(),
        ],
    )?;
    change_one_page(&clone)?;
    let cache = work.join("cache");
    let mut before = livret(&clone, "HEAD~1", &work.join("out-first"), Some(&cache));
    let status = before
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map_err(|e| e.to_string())?;
    if !status.success() {
        return Err("the first build of the clone failed".to_owned());
    }
    let saved = std::fs::read(cache.join("cache.bin")).map_err(|e| e.to_string())?;
    let second = best_of(
        runs,
        &livret(&clone, "HEAD", &work.join("out-second"), Some(&cache)),
        || std::fs::write(cache.join("cache.bin"), &saved).map_err(|e| e.to_string()),
    )?;
    Ok(Size {
        spec,
        dir,
        cat_file,
        git_log,
        cold,
        first,
        second,
    })
}

/// `livret build` of every format; without a cache folder, with `--no-cache`.
fn livret(repo: &Path, rev: &str, out: &Path, cache: Option<&Path>) -> Command {
    let mut command = Command::new(LIVRET);
    command
        .args(["build", "-q", "--rev", rev, "--repo"])
        .arg(repo)
        .arg("--out")
        .arg(out);
    match cache {
        Some(dir) => command.arg("--cache-dir").arg(dir),
        None => command.arg("--no-cache"),
    };
    command
}

fn shell(dir: &Path, script: &str) -> Command {
    let mut command = Command::new("sh");
    command.args(["-c", script]).current_dir(dir);
    command
}

fn git(dir: &Path, args: &[&str]) -> Result<String> {
    let output = Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .map_err(|e| format!("git {args:?}: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "git {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// Adds a paragraph to one page in the middle of the book and commits it, at a pinned date.
fn change_one_page(clone: &Path) -> Result<()> {
    let pages = git(clone, &["ls-files", "*.md"])?;
    let page = pages
        .lines()
        .filter(|p| !p.ends_with("SUMMARY.md"))
        .nth(pages.lines().count() / 2)
        .ok_or("no page to change")?
        .to_owned();
    let path = clone.join(&page);
    let mut text = std::fs::read_to_string(&path).map_err(|e| e.to_string())?;
    text.push_str("\nUn paragraphe ajouté pour mesurer une seconde construction.\n");
    std::fs::write(&path, text).map_err(|e| e.to_string())?;
    let status = Command::new("git")
        .args([
            "-c",
            "user.name=Bench",
            "-c",
            "user.email=bench@example.org",
            "commit",
            "--quiet",
            "--all",
            "--message",
            "One page changed",
        ])
        .env("GIT_AUTHOR_DATE", "2030-01-01T00:00:00Z")
        .env("GIT_COMMITTER_DATE", "2030-01-01T00:00:00Z")
        .current_dir(clone)
        .status()
        .map_err(|e| e.to_string())?;
    if !status.success() {
        return Err("committing the change failed".to_owned());
    }
    Ok(())
}

/// livret's EPUB and PDF against pandoc and pandoc + WeasyPrint, on the same pages.
fn peers(handbook: &Path) -> Result<Vec<String>> {
    let work = target_dir().join("bench-suite").join("peers");
    let _ = std::fs::remove_dir_all(&work);
    let files = work.join("files");
    std::fs::create_dir_all(&files).map_err(|e| e.to_string())?;
    let archive = shell(
        handbook,
        &format!("git archive HEAD | tar -x -C '{}'", files.display()),
    )
    .status()
    .map_err(|e| e.to_string())?;
    if !archive.success() {
        return Err("could not extract the handbook's files".to_owned());
    }
    let loaded =
        livret_core::load(&livret_core::LoadOptions::new(handbook)).map_err(|e| e.to_string())?;
    let book_root = files.join(&loaded.book.meta.root);
    let pages: Vec<String> = loaded
        .book
        .pages
        .iter()
        .map(|page| page.path.clone())
        .collect();
    let title = format!("title={}", loaded.book.meta.title);

    eprintln!("peers: livret EPUB and PDF…");
    let out = work.join("out");
    let format = |name: &str| {
        let mut command = livret(handbook, "HEAD", &out, None);
        command.args(["--format", name]);
        command
    };
    let livret_epub = best_of(3, &format("epub"), || Ok(()))?;
    let livret_pdf = best_of(3, &format("pdf"), || Ok(()))?;
    let livret_history = best_of(3, &format("json,changelog"), || Ok(()))?;

    eprintln!("peers: pandoc EPUB (about 25 s)…");
    let mut pandoc_epub = Command::new("pandoc");
    pandoc_epub
        .args(["--quiet", "-f", "markdown", "-t", "epub3", "--metadata"])
        .arg(&title)
        .arg("-o")
        .arg(work.join("pandoc.epub"))
        .args(&pages)
        .current_dir(&book_root);
    let pandoc_epub = measure(&pandoc_epub)?;

    eprintln!("peers: pandoc + WeasyPrint PDF (about 2 minutes)…");
    let mut pandoc_pdf = Command::new("pandoc");
    pandoc_pdf
        .args([
            "--from=gfm",
            "--pdf-engine=weasyprint",
            "--toc",
            "--metadata",
        ])
        .arg(&title)
        .arg("-o")
        .arg(work.join("pandoc.pdf"))
        .args(&pages)
        .current_dir(&book_root);
    let pandoc_pdf = measure(&pandoc_pdf)?;

    let git_log = best_of(
        3,
        &shell(handbook, "git log -M --name-status -- '*.md'"),
        || Ok(()),
    )?;
    let name = "400 pages, 2000 commits";
    let speedup = |peer: Measure, ours: Measure| peer.seconds / ours.seconds;
    Ok(vec![
    format!(
        "| {name} | EPUB | {:.2} s | pandoc {:.1} s ({:.0} MiB) | {:.0}x faster | {:.0} MiB | ≥20x, <150 MiB |",
        livret_epub.seconds,
        pandoc_epub.seconds,
        pandoc_epub.peak_mib,
        speedup(pandoc_epub, livret_epub),
        livret_epub.peak_mib
    ),
    format!(
        "| {name} | PDF | {:.2} s | pandoc + WeasyPrint {:.1} s ({:.0} MiB) | {:.0}x faster | {:.0} MiB | ≥25x, <250 MiB |",
        livret_pdf.seconds,
        pandoc_pdf.seconds,
        pandoc_pdf.peak_mib,
        speedup(pandoc_pdf, livret_pdf),
        livret_pdf.peak_mib
    ),
    format!(
        "| {name} | JSON feed and changelog (history) | {:.2} s | git log -M --name-status {:.3} s | {:.1}x | {:.0} MiB | |",
        livret_history.seconds,
        git_log.seconds,
        livret_history.seconds / git_log.seconds,
        livret_history.peak_mib
    ),
    ])
}
