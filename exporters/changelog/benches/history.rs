//! History benchmark: following pages through a generated handbook of 400 pages and 2,000
//! commits, against Git itself.
//!
//! - one page: livret's walk that follows one page through moves, against
//!   `git log -M --name-status -- '*.md'` on the same repository (target: within 4x);
//! - every page at once: the walk for every page plus reading and parsing every distinct version
//!   once, against reading all those blobs with `git cat-file --batch` (target: within 10x).
//!
//! `cargo bench -p livret-export-changelog --bench history`. The handbook is generated once into
//! `target/bench-handbook/`, shared with the other benchmarks, and reused while the generator is unchanged.

use livret_core::{history_with, load, parse_versions, HistoryOptions, LoadOptions, WalkMode};
use livret_export_changelog::{build, render, Options, Output};
use livret_handbook_gen::bench::{git_log_name_status, ms, row, shared_handbook};
use livret_model::{ExportContext, History};
use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const RUNS: usize = 7;
const ONE_PAGE_TARGET: f64 = 4.0;
const ALL_PAGES_TARGET: f64 = 10.0;

type Result<T> = std::result::Result<T, String>;

fn main() {
    if let Err(message) = run() {
        eprintln!("bench history: {message}");
        std::process::exit(1);
    }
}

/// Best and median wall-clock time of `RUNS` runs.
fn time<T>(mut f: impl FnMut() -> Result<T>) -> Result<(Duration, Duration)> {
    let mut times = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let start = Instant::now();
        let value = f()?;
        times.push(start.elapsed());
        drop(std::hint::black_box(value));
    }
    times.sort();
    Ok((times[0], times[RUNS / 2]))
}

/// Reads every blob of `ids` through one `git cat-file --batch`; returns the bytes read.
fn cat_file(dir: &Path, ids: &str) -> Result<usize> {
    let mut child = Command::new("git")
        .args(["cat-file", "--batch"])
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("running git cat-file: {e}"))?;
    let mut stdin = child.stdin.take().ok_or("no stdin")?;
    let input = ids.to_owned();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let mut bytes = Vec::new();
    child
        .stdout
        .take()
        .ok_or("no stdout")?
        .read_to_end(&mut bytes)
        .map_err(|e| format!("reading git cat-file: {e}"))?;
    writer
        .join()
        .map_err(|_| "writer panicked".to_owned())?
        .map_err(|e| format!("writing to git cat-file: {e}"))?;
    child.wait().map_err(|e| format!("git cat-file: {e}"))?;
    Ok(bytes.len())
}

fn distinct_blobs(history: &History) -> BTreeSet<&str> {
    history
        .pages
        .values()
        .flat_map(|page| page.versions.iter().map(|v| v.blob.as_str()))
        .collect()
}

fn run() -> Result<()> {
    let (dir, origin) = shared_handbook()?;
    let options = LoadOptions::new(&dir);
    let load_start = Instant::now();
    let loaded = load(&options).map_err(|e| e.to_string())?;
    let load_time = load_start.elapsed();
    let book = &loaded.book;

    let every = HistoryOptions::default();
    let history_all = |mode: WalkMode| {
        let walk = HistoryOptions {
            mode,
            ..every.clone()
        };
        history_with(&options, book, &walk).map_err(|e| e.to_string())
    };
    // `LIVRET_BENCH_PROFILE=walk|versions|changelog`: only that, five times, for `perf record`.
    if let Ok(mode) = std::env::var("LIVRET_BENCH_PROFILE") {
        let (history, _) = history_all(WalkMode::FirstParent)?;
        let pages: Vec<String> = history.pages.keys().cloned().collect();
        let (parsed, _) =
            parse_versions(&options, book, &history, &pages).map_err(|e| e.to_string())?;
        for _ in 0..5 {
            match mode.as_str() {
                "walk" => drop(history_all(WalkMode::FirstParent)?),
                "versions" => drop(
                    parse_versions(&options, book, &history, &pages).map_err(|e| e.to_string())?,
                ),
                _ => {
                    let context = ExportContext::new(book, &loaded.settings)
                        .with_history(&history)
                        .with_versions(&parsed);
                    let options = Options {
                        pages: Some(pages.clone()),
                        ..Options::default()
                    };
                    drop(build(&context, &options).map_err(|e| e.to_string())?);
                }
            }
        }
        return Ok(());
    }
    let (all, _) = history_all(WalkMode::FirstParent)?;
    let blobs = distinct_blobs(&all);
    let ids: String = blobs.iter().map(|id| format!("{id}\n")).collect();
    let moves = all
        .pages
        .values()
        .flat_map(|p| &p.versions)
        .filter(|v| {
            !matches!(
                v.change,
                livret_model::PageChange::Created | livret_model::PageChange::Edited
            )
        })
        .count();
    // The page with the longest history (ties: by path), and its number of versions.
    let (page, versions) = all
        .pages
        .iter()
        .map(|(path, history)| (path.clone(), history.versions.len()))
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
        .ok_or("no page")?;
    let one = HistoryOptions {
        mode: WalkMode::FirstParent,
        pages: Some(vec![page.clone()]),
    };

    let git_log_time = time(|| git_log_name_status(&dir))?;
    let one_walk = time(|| history_with(&options, book, &one).map_err(|e| e.to_string()))?;
    let one_changelog = time(|| {
        let (history, _) = history_with(&options, book, &one).map_err(|e| e.to_string())?;
        let (parsed, _) = parse_versions(&options, book, &history, std::slice::from_ref(&page))
            .map_err(|e| e.to_string())?;
        let context = ExportContext::new(book, &loaded.settings)
            .with_history(&history)
            .with_versions(&parsed);
        let options = Options {
            pages: Some(vec![page.clone()]),
            ..Options::default()
        };
        let changelog = build(&context, &options).map_err(|e| e.to_string())?;
        Ok(render(&changelog, &[Output::Markdown, Output::Json]))
    })?;
    let cat_time = time(|| cat_file(&dir, &ids))?;
    let all_walk = time(|| history_all(WalkMode::FirstParent))?;
    let all_versions = time(|| {
        let (history, _) = history_all(WalkMode::FirstParent)?;
        let pages: Vec<String> = history.pages.keys().cloned().collect();
        let (parsed, _) =
            parse_versions(&options, book, &history, &pages).map_err(|e| e.to_string())?;
        Ok(parsed.len())
    })?;
    let all_commits_walk = time(|| history_all(WalkMode::AllCommits))?;
    let (walked, _) = history_all(WalkMode::FirstParent)?;
    let walked_pages: Vec<String> = walked.pages.keys().cloned().collect();
    let read_parse =
        time(|| parse_versions(&options, book, &walked, &walked_pages).map_err(|e| e.to_string()))?;
    let (history, _) = history_all(WalkMode::FirstParent)?;
    let every_page: Vec<String> = history.pages.keys().cloned().collect();
    let (parsed, _) =
        parse_versions(&options, book, &history, &every_page).map_err(|e| e.to_string())?;
    let all_changelog = time(|| {
        let context = ExportContext::new(book, &loaded.settings)
            .with_history(&history)
            .with_versions(&parsed);
        let pages: Vec<String> = history.pages.keys().cloned().collect();
        let options = Options {
            pages: Some(pages),
            ..Options::default()
        };
        let changelog = build(&context, &options).map_err(|e| e.to_string())?;
        Ok(render(&changelog, &[Output::Markdown, Output::Json]))
    })?;
    let markdown_bytes: usize = parsed.len();
    let cat_bytes = cat_file(&dir, &ids)?;

    let one_ratio = one_walk.0.as_secs_f64() / git_log_time.0.as_secs_f64();
    let one_full_ratio = one_changelog.0.as_secs_f64() / git_log_time.0.as_secs_f64();
    let all_ratio = all_versions.0.as_secs_f64() / cat_time.0.as_secs_f64();
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());

    println!();
    println!("livret history benchmark: {} ({origin})", dir.display());
    println!("best of {RUNS} runs (median in brackets), {cpus} CPU(s)");
    println!();
    println!(
        "| {:<48} | {:<22} | {:<8} | {:<11} |",
        "measure", "value", "target", ""
    );
    println!(
        "|{}|{}|{}|{}|",
        "-".repeat(50),
        "-".repeat(24),
        "-".repeat(10),
        "-".repeat(13)
    );
    row("commits walked", all.commits, "", None);
    row(
        "pages at HEAD (published + orphans)",
        all.pages.len(),
        "",
        None,
    );
    row(
        "page versions in history (moves counted)",
        all.pages.values().map(|p| p.versions.len()).sum::<usize>(),
        "",
        None,
    );
    row("moves followed", moves, "", None);
    row(
        "distinct page versions (blobs)",
        format!("{} ({:.1} MB)", blobs.len(), cat_bytes as f64 / 1e6),
        "",
        None,
    );
    row("versions parsed", markdown_bytes, "", None);
    row(
        "livret load at HEAD (not in the ratios)",
        ms(load_time),
        "",
        None,
    );
    let pair = |t: (Duration, Duration)| format!("{} ({})", ms(t.0), ms(t.1));
    row(
        "git log -M --name-status -- '*.md'",
        pair(git_log_time),
        "",
        None,
    );
    row(
        &format!("one page ({versions} versions): livret walk"),
        pair(one_walk),
        "",
        None,
    );
    row(
        "ratio one-page walk / git log",
        format!("{one_ratio:.2}x"),
        &format!("<= {ONE_PAGE_TARGET:.0}x"),
        Some(one_ratio <= ONE_PAGE_TARGET),
    );
    row(
        "one page: walk + parse + changelog (md, json)",
        pair(one_changelog),
        "",
        None,
    );
    row(
        "ratio one-page changelog / git log",
        format!("{one_full_ratio:.2}x"),
        &format!("<= {ONE_PAGE_TARGET:.0}x"),
        Some(one_full_ratio <= ONE_PAGE_TARGET),
    );
    row(
        "git cat-file --batch of every version",
        pair(cat_time),
        "",
        None,
    );
    row("every page: livret walk", pair(all_walk), "", None);
    row(
        "every page: walk + read + parse every version",
        pair(all_versions),
        "",
        None,
    );
    row(
        "  of which read + parse every version",
        pair(read_parse),
        "",
        None,
    );
    row(
        "ratio every page / cat-file",
        format!("{all_ratio:.2}x"),
        &format!("<= {ALL_PAGES_TARGET:.0}x"),
        Some(all_ratio <= ALL_PAGES_TARGET),
    );
    row(
        "every page, all commits: livret walk",
        pair(all_commits_walk),
        "",
        None,
    );
    row(
        "every page: changelog from parsed versions",
        pair(all_changelog),
        "",
        None,
    );
    println!();
    println!("one page: {page}");
    Ok(())
}
