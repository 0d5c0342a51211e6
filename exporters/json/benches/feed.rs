//! `book.json` + `feed.json` with dates from the whole history, on the generated 400-page handbook
//! with 2,000 commits, against `git log --name-status -M -- '*.md'` on the same repository.
//!
//! `cargo bench -p livret-export-json --bench feed` (the handbook is generated once into
//! `target/bench-handbook/`, shared with the other benchmarks).
//!
//! Then the exporter alone, in process: a cold export, and a warm one after one page changed with
//! the cache the cold export filled (issue 7: under 25% of the first); the warm output is checked
//! against a cold export of the changed book, byte for byte.

use livret_cache::MemoryCache;
use livret_core::{history_with, load, HistoryOptions, LoadOptions};
use livret_export_json::JsonExporter;
use livret_handbook_gen::bench::{git_log_name_status, shared_handbook};
use livret_model::{Block, Book, ExportContext, Exporter, History, Inline, Settings};
use std::time::{Duration, Instant};

const RUNS: usize = 5;
const RATIO_TARGET: f64 = 3.0;

fn main() {
    if let Err(message) = run() {
        eprintln!("bench feed: {message}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    let (dir, origin) = shared_handbook()?;
    let floor = best(|| git_log_name_status(&dir).map(drop))?;
    let mut items = 0;
    let mut bytes = 0;
    let mut parts = [Duration::MAX; 3];
    let livret = best(|| {
        let start = Instant::now();
        let options = LoadOptions::new(&dir);
        let loaded = load(&options).map_err(|e| e.to_string())?;
        let loaded_at = Instant::now();
        let (history, _) = history_with(&options, &loaded.book, &HistoryOptions::default())
            .map_err(|e| e.to_string())?;
        let walked_at = Instant::now();
        let context = ExportContext::new(&loaded.book, &loaded.settings).with_history(&history);
        let files = JsonExporter.export(&context).map_err(|e| e.to_string())?;
        let exported_at = Instant::now();
        items = loaded.book.pages.len();
        bytes = files.files.iter().map(|f| f.bytes.len()).sum();
        for (part, took) in parts.iter_mut().zip([
            loaded_at - start,
            walked_at - loaded_at,
            exported_at - walked_at,
        ]) {
            *part = (*part).min(took);
        }
        Ok(())
    })?;
    let [load_time, walk_time, export_time] = parts.map(|d| d.as_secs_f64() * 1e3);
    let ratio = livret.as_secs_f64() / floor.as_secs_f64();
    println!(
        "handbook: {} ({origin}), best of {RUNS} runs",
        dir.display()
    );
    println!("| measure | value |");
    println!("|---|---|");
    println!("| pages in the feed | {items} |");
    println!("| book.json + feed.json | {:.1} MB |", bytes as f64 / 1e6);
    println!(
        "| floor: git log --name-status -M -- '*.md' | {:.0} ms |",
        floor.as_secs_f64() * 1e3
    );
    println!(
        "| livret: load + history walk + book.json + feed.json | {:.0} ms |",
        livret.as_secs_f64() * 1e3
    );
    println!("| of which: load and parse / history walk / export (best each) | {load_time:.0} / {walk_time:.0} / {export_time:.0} ms |");
    let verdict = if ratio <= RATIO_TARGET {
        "ok"
    } else {
        "MISSED"
    };
    println!("| ratio (target <= {RATIO_TARGET}x) | {ratio:.2}x {verdict} |");
    warm_rows(&dir)
}

/// The book with a sentence added to the page in the middle of the reading order.
fn one_page_changed(book: &Book) -> Book {
    let mut changed = book.clone();
    let middle = changed.pages.len() / 2;
    if let Some(page) = changed.pages.get_mut(middle) {
        page.intro.push(Block::Paragraph {
            content: vec![Inline::Text {
                text: "Une phrase ajoutée pour la deuxième construction.".to_owned(),
            }],
        });
    }
    changed
}

fn export(
    book: &Book,
    settings: &Settings,
    history: &History,
    cache: Option<&MemoryCache>,
) -> Result<Vec<Vec<u8>>, String> {
    let mut context = ExportContext::new(book, settings).with_history(history);
    if let Some(cache) = cache {
        context = context.with_cache(cache);
    }
    let files = JsonExporter.export(&context).map_err(|e| e.to_string())?;
    Ok(files.files.into_iter().map(|file| file.bytes).collect())
}

/// Cold and warm exports (book.json + feed.json) of the loaded handbook, in this process.
fn warm_rows(dir: &std::path::Path) -> Result<(), String> {
    let options = LoadOptions::new(dir);
    let loaded = load(&options).map_err(|e| e.to_string())?;
    let (history, _) = history_with(&options, &loaded.book, &HistoryOptions::default())
        .map_err(|e| e.to_string())?;
    let (book, settings) = (&loaded.book, &loaded.settings);
    let changed = one_page_changed(book);
    let cold = best(|| export(book, settings, &history, None).map(drop))?;
    let first = MemoryCache::new(0);
    export(book, settings, &history, Some(&first))?;
    let saved = first.to_bytes();
    let expected = export(&changed, settings, &history, None)?;
    let mut identical = true;
    let mut hits = (0, 0);
    // The cache is read from its bytes before the clock starts: that is the driver's work.
    let mut warm = Duration::MAX;
    for _ in 0..RUNS {
        let cache = MemoryCache::from_bytes(0, &saved);
        let start = Instant::now();
        let files = export(&changed, settings, &history, Some(&cache))?;
        warm = warm.min(start.elapsed());
        identical &= files == expected;
        hits = cache.hits_and_misses();
    }
    println!(
        "| exporter alone, cold: book.json + feed.json | {:.0} ms |",
        cold.as_secs_f64() * 1e3
    );
    println!(
        "| exporter alone, warm after one page changed | {:.0} ms ({:.1}% of cold, target < 25%; {} hits, {} misses; cache {:.1} MB; {}) |",
        warm.as_secs_f64() * 1e3,
        warm.as_secs_f64() / cold.as_secs_f64() * 100.0,
        hits.0,
        hits.1,
        saved.len() as f64 / 1e6,
        if identical { "same bytes as a cold export" } else { "DIFFERS from a cold export" }
    );
    if identical {
        Ok(())
    } else {
        Err("the warm export differs from a cold one".to_owned())
    }
}

fn best(mut run: impl FnMut() -> Result<(), String>) -> Result<Duration, String> {
    let mut best = Duration::MAX;
    for _ in 0..RUNS {
        let start = Instant::now();
        run()?;
        best = best.min(start.elapsed());
    }
    Ok(best)
}
