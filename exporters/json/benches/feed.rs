//! `book.json` + `feed.json` with dates from the whole history, on the generated 400-page handbook
//! with 2,000 commits, against `git log --name-status -M -- '*.md'` on the same repository.
//!
//! `cargo bench -p livret-export-json --bench feed` (the handbook is generated once into
//! `target/bench-handbook/`, shared with the other benchmarks).

use livret_core::{history, load, LoadOptions};
use livret_export_json::JsonExporter;
use livret_handbook_gen::bench::{git_log_name_status, shared_handbook};
use livret_model::{ExportContext, Exporter};
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
        let (history, _) = history(&options, &loaded.book).map_err(|e| e.to_string())?;
        let walked_at = Instant::now();
        let context = ExportContext::new(&loaded.book, &loaded.settings).with_history(&history);
        let files = JsonExporter.export(&context).map_err(|e| e.to_string())?;
        let exported_at = Instant::now();
        items = loaded.book.pages.len();
        bytes = files.iter().map(|f| f.bytes.len()).sum();
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
    Ok(())
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
