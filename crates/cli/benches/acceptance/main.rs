//! The acceptance suite: livret on real handbooks, judged by independent tools and held to the
//! committed bounds of `tests/acceptance/bounds.json`.
//!
//! `cargo bench -p livret-cli --bench acceptance -- REPOSITORY...` (work trees, bare
//! repositories or Git bundles; `.ci/install-acceptance` installs the tools first). For each
//! repository, in a scratch clone under `target/acceptance/NAME/`: every format built cold, each
//! format alone, the first build with the cache and the second after a one-page commit, the Git
//! floors, pandoc (EPUB) and pandoc + WeasyPrint (PDF) on the same pages; then epubcheck, Ace by
//! DAISY, qpdf, pdffonts, pdftotext, pdfua, the JSON Schemas and feedparser-rs on the outputs.
//! Prints one table per repository, writes it as `target/acceptance/NAME.json`, and exits with 1
//! when a figure is worse than its bound or a step failed.
//!
//! Options: `--bounds FILE`, `--runs N` (livret's builds are the best of N, default 5).

mod bounds;
#[path = "../common/mod.rs"]
mod common;
mod validate;

use bounds::{Bounds, Verdict};
use common::{Prepared, Result, FORMATS};
use livret_handbook_gen::bench::{target_dir, Measure};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// A repository's figures, in the order they are reported.
#[derive(Debug, Default)]
pub struct Figures(Vec<(String, f64)>);

impl Figures {
    pub fn push(&mut self, name: String, value: f64) {
        self.0.push((name, value));
    }

    fn measure(&mut self, name: &str, measure: Measure) {
        self.push(format!("{name}.seconds"), round(measure.seconds, 3));
        self.push(format!("{name}.peak_mib"), round(measure.peak_mib, 0));
    }

    pub fn iter(&self) -> impl Iterator<Item = &(String, f64)> {
        self.0.iter()
    }
}

fn round(value: f64, digits: i32) -> f64 {
    let scale = 10f64.powi(digits);
    (value * scale).round() / scale
}

/// A figure as printed: integers without decimals.
pub fn number(value: f64) -> String {
    if value.fract() == 0.0 {
        format!("{value:.0}")
    } else {
        format!("{value}")
    }
}

struct Options {
    bounds: PathBuf,
    runs: usize,
    repositories: Vec<PathBuf>,
}

fn options() -> Result<Options> {
    let mut options = Options {
        bounds: Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/acceptance/bounds.json"),
        runs: 5,
        repositories: Vec::new(),
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            // What `cargo bench` adds.
            "--bench" => {}
            "--bounds" => options.bounds = args.next().ok_or("--bounds needs a file")?.into(),
            "--runs" => {
                options.runs = args
                    .next()
                    .and_then(|n| n.parse().ok())
                    .ok_or("--runs needs a number")?
            }
            flag if flag.starts_with("--") => return Err(format!("unknown option {flag}")),
            path => options.repositories.push(from_caller(path)),
        }
    }
    if options.repositories.is_empty() {
        return Err("usage: cargo bench -p livret-cli --bench acceptance -- [--bounds FILE] [--runs N] REPOSITORY...".to_owned());
    }
    Ok(options)
}

/// `cargo bench` runs benches in the package's folder; a relative path is the caller's, whose
/// folder the shell's `PWD` still names.
fn from_caller(path: &str) -> PathBuf {
    let path = PathBuf::from(path);
    match (path.is_relative(), std::env::var_os("PWD")) {
        (true, Some(caller)) => PathBuf::from(caller).join(path),
        _ => path,
    }
}

fn main() -> ExitCode {
    let options = match options() {
        Ok(options) => options,
        Err(message) => {
            eprintln!("acceptance: {message}");
            return ExitCode::from(2);
        }
    };
    let bounds = match Bounds::read(&options.bounds) {
        Ok(bounds) => bounds,
        Err(message) => {
            eprintln!("acceptance: {message}");
            return ExitCode::from(2);
        }
    };
    let mut passed = true;
    for repository in &options.repositories {
        passed &= accept(repository, &bounds, options.runs);
    }
    match passed {
        true => ExitCode::SUCCESS,
        false => {
            eprintln!("acceptance: a figure is worse than its bound, or a step failed (see above)");
            ExitCode::FAILURE
        }
    }
}

/// Measures, checks and judges one repository; prints its table and writes its JSON.
fn accept(source: &Path, bounds: &Bounds, runs: usize) -> bool {
    let name = common::repository_name(source);
    let work = target_dir().join("acceptance").join(&name);
    let started = std::time::Instant::now();
    let mut figures = Figures::default();
    let mut failures = Vec::new();
    let prepared = match measure(source, &work, runs, &mut figures, started) {
        Ok(prepared) => Some(prepared),
        Err(message) => {
            failures.push(message);
            None
        }
    };
    if let Some(prepared) = &prepared {
        eprintln!(
            "{name} ({:.0} s): validators…",
            started.elapsed().as_secs_f64()
        );
        for (validator, result) in validate::all(&prepared.out("cold"), &work) {
            match result {
                Ok(found) => figures.0.extend(found.0),
                Err(message) => failures.push(format!("{validator}: {message}")),
            }
        }
    }
    let verdicts = match bounds.judge(&name, &figures) {
        Ok(verdicts) => verdicts,
        Err(message) => {
            failures.push(message);
            Vec::new()
        }
    };
    let held_to = if bounds.knows(&name) {
        name.as_str()
    } else {
        "*"
    };
    println!(
        "\n### {name} ({}, bounds of `{held_to}`, {:.0} s)\n",
        prepared
            .as_ref()
            .map_or("not built".to_owned(), |p| format!(
                "{} pages at {}",
                p.pages.len(),
                &p.base[..12.min(p.base.len())]
            )),
        started.elapsed().as_secs_f64()
    );
    println!("| figure | value | bound | verdict |");
    println!("|---|---|---|---|");
    let mut rows = Vec::new();
    for ((figure, value), verdict) in figures.iter().zip(&verdicts) {
        let (bound, word) = match verdict {
            Verdict::Unbounded => (String::new(), ""),
            Verdict::Holds(bound) => (bound.to_string(), "ok"),
            Verdict::Missed(bound) => (bound.to_string(), "WORSE"),
            Verdict::NoBound => (String::new(), "NO BOUND"),
        };
        println!("| {figure} | {} | {bound} | {word} |", number(*value));
        rows.push(serde_json::json!({
            "figure": figure, "value": value, "bound": bound, "verdict": word,
        }));
    }
    for failure in &failures {
        println!("\nFAILED: {failure}");
    }
    let missed = verdicts
        .iter()
        .any(|v| matches!(v, Verdict::Missed(_) | Verdict::NoBound));
    let report = serde_json::json!({
        "repository": name,
        "source": source.display().to_string(),
        "revision": prepared.as_ref().map(|p| p.base.clone()),
        "title": prepared.as_ref().map(|p| p.title.clone()),
        "bounds": held_to,
        "passed": failures.is_empty() && !missed,
        "figures": rows,
        "failures": failures,
    });
    let file = target_dir().join("acceptance").join(format!("{name}.json"));
    let text = serde_json::to_string_pretty(&report).unwrap_or_default();
    let written = std::fs::create_dir_all(target_dir().join("acceptance"))
        .and_then(|()| std::fs::write(&file, text + "\n"));
    if let Err(error) = written {
        eprintln!("acceptance: could not write {}: {error}", file.display());
    } else {
        println!("\n(written to {})", file.display());
    }
    failures.is_empty() && !missed
}

/// Every timing and memory figure, and the determinism checks.
fn measure(
    source: &Path,
    work: &Path,
    runs: usize,
    figures: &mut Figures,
    started: std::time::Instant,
) -> Result<Prepared> {
    let name = common::repository_name(source);
    let step = |what: &str| eprintln!("{name} ({:.0} s): {what}…", started.elapsed().as_secs_f64());
    step("cloning");
    let prepared = common::prepare(source, work)?;
    figures.push("info.pages".to_owned(), prepared.pages.len() as f64);
    for (severity, count) in diagnostics(&prepared)? {
        figures.push(format!("info.diagnostics.{severity}"), count);
    }
    step("floors");
    let floors = common::floors(&prepared)?;
    step("livret, each format alone");
    let mut alone = Vec::new();
    for format in FORMATS {
        alone.push((format, prepared.format(format, runs)?));
    }
    step("livret, whole builds");
    let builds = prepared.builds(runs)?;
    figures.measure("build", builds.cold);
    figures.push(
        "build.times_cat_file_floor".to_owned(),
        round(builds.cold.seconds / floors.cat_file.seconds, 1),
    );
    figures.push(
        "info.cat_file_floor_seconds".to_owned(),
        round(floors.cat_file.seconds, 3),
    );
    figures.push(
        "info.git_log_floor_seconds".to_owned(),
        round(floors.git_log.seconds, 3),
    );
    figures.measure("first_build", builds.first);
    figures.measure("second_build", builds.second);
    figures.push(
        "second_build.share_of_first".to_owned(),
        round(builds.second.seconds / builds.first.seconds, 3),
    );
    for (format, measure) in &alone {
        figures.measure(format, *measure);
    }
    for (file, key) in [("book.epub", "epub"), ("book.pdf", "pdf")] {
        let bytes = std::fs::metadata(prepared.out("cold").join(file)).map_or(0, |m| m.len());
        figures.push(format!("info.{key}_bytes"), bytes as f64);
    }

    // The same revision gives the same bytes, with or without the cache, cold or warm.
    let second_cold = prepared.out("second-cold");
    livret_handbook_gen::bench::measure(&common::livret(
        &prepared.clone,
        "HEAD",
        &second_cold,
        None,
        None,
    ))?;
    figures.push(
        "determinism.files_differing_with_cache".to_owned(),
        differing(&prepared.out("cold"), &prepared.out("first"))? as f64,
    );
    figures.push(
        "determinism.files_differing_warm".to_owned(),
        differing(&second_cold, &prepared.out("second"))? as f64,
    );

    step("pandoc EPUB");
    let pandoc = prepared.pandoc_epub()?;
    figures.measure("info.pandoc_epub", pandoc);
    let epub = alone.iter().find(|(f, _)| *f == "epub").map(|(_, m)| *m);
    let pdf = alone.iter().find(|(f, _)| *f == "pdf").map(|(_, m)| *m);
    if let Some(epub) = epub {
        figures.push(
            "epub.times_faster_than_pandoc".to_owned(),
            round(pandoc.seconds / epub.seconds, 1),
        );
    }
    step("pandoc + WeasyPrint PDF");
    let weasyprint = prepared.pandoc_weasyprint(Path::new("weasyprint"))?;
    figures.measure("info.pandoc_weasyprint", weasyprint);
    if let Some(pdf) = pdf {
        figures.push(
            "pdf.times_faster_than_pandoc_weasyprint".to_owned(),
            round(weasyprint.seconds / pdf.seconds, 1),
        );
    }
    Ok(prepared)
}

/// What `livret check` finds in the book, counted by severity.
fn diagnostics(prepared: &Prepared) -> Result<Vec<(&'static str, f64)>> {
    let output = std::process::Command::new(common::LIVRET)
        .args([
            "check",
            "--format",
            "json",
            "--rev",
            &prepared.base,
            "--repo",
        ])
        .arg(&prepared.clone)
        .output()
        .map_err(|e| format!("livret check: {e}"))?;
    let text = String::from_utf8_lossy(&output.stdout);
    let severities = ["error", "warning", "note"];
    let mut counts = [0.0; 3];
    for line in text.lines() {
        let diagnostic: serde_json::Value = serde_json::from_str(line)
            .map_err(|e| format!("livret check printed {line:?}: {e}"))?;
        if let Some(i) = severities.iter().position(|s| diagnostic["severity"] == *s) {
            counts[i] += 1.0;
        }
    }
    Ok(severities.into_iter().zip(counts).collect())
}

/// How many output files differ between two folders (the cache folder aside).
fn differing(left: &Path, right: &Path) -> Result<usize> {
    let names = |dir: &Path| -> Result<Vec<String>> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .map_err(|e| format!("{}: {e}", dir.display()))?
            .filter_map(|e| e.ok())
            .filter(|e| e.path().is_file())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        Ok(names)
    };
    let (left_names, right_names) = (names(left)?, names(right)?);
    let mut all = left_names.clone();
    all.extend(right_names);
    all.sort();
    all.dedup();
    Ok(all
        .iter()
        .filter(|name| std::fs::read(left.join(name)).ok() != std::fs::read(right.join(name)).ok())
        .count())
}
