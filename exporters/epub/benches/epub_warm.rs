//! The EPUB exporter alone, in process, on the generated 400-page handbook: a cold export, and a
//! warm one after one page changed, with the cache the cold export filled (issue 7: a second build
//! after a one-page change must cost under 25% of the first). The warm output is checked against a
//! cold export of the changed book, byte for byte.
//!
//! `cargo bench -p livret-export-epub --bench epub_warm` (quick: no pandoc).

use livret_cache::MemoryCache;
use livret_core::{load, LoadOptions};
use livret_handbook_gen::bench::{ms, shared_handbook};
use livret_model::{Block, Book, ExportContext, Inline};
use std::time::{Duration, Instant};

const RUNS: usize = 5;

fn main() {
    if let Err(message) = run() {
        eprintln!("bench epub_warm: {message}");
        std::process::exit(1);
    }
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

/// The book with the first section title of the page in the middle retitled: the navigation
/// changes too, so the package documents are written again.
fn one_heading_changed(book: &Book) -> Book {
    let mut changed = book.clone();
    let middle = changed.pages.len() / 2;
    if let Some(section) = changed
        .pages
        .get_mut(middle)
        .and_then(|page| page.sections.first_mut())
    {
        section.title = vec![Inline::Text {
            text: "Un titre revu".to_owned(),
        }];
    }
    changed
}

fn best(mut run: impl FnMut() -> Result<(), String>) -> Result<(Duration, Duration), String> {
    let mut times = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let start = Instant::now();
        run()?;
        times.push(start.elapsed());
    }
    times.sort();
    Ok((times[0], times[RUNS / 2]))
}

fn run() -> Result<(), String> {
    let (repository, origin) = shared_handbook()?;
    let options = LoadOptions::new(&repository);
    let loaded = load(&options).map_err(|e| format!("loading the handbook: {e}"))?;
    let (assets, _) = livret_core::Source::open(&options)
        .and_then(|source| source.assets(&loaded.book, &loaded.settings))
        .map_err(|e| format!("reading the assets: {e}"))?;
    let book = &loaded.book;
    let export = |book: &Book, cache: Option<&MemoryCache>| {
        let mut context = ExportContext::new(book, &loaded.settings).with_assets(&assets);
        if let Some(cache) = cache {
            context = context.with_cache(cache);
        }
        livret_export_epub::build(&context)
            .map(|built| built.bytes)
            .map_err(|e| format!("exporting: {e}"))
    };
    let (cold, cold_median) = best(|| export(book, None).map(drop))?;
    // The cache a first build leaves, as the driver saves it.
    let first = MemoryCache::new(0);
    export(book, Some(&first))?;
    let saved = first.to_bytes();
    let mut identical = true;
    let mut hits = (0, 0);
    // A warm export of `changed`, the cache read from its bytes before the clock starts (that
    // is the driver's work), checked against a cold export.
    let mut warm_export = |changed: &Book| -> Result<(Duration, Duration), String> {
        let expected = export(changed, None)?;
        let mut times = Vec::with_capacity(RUNS);
        for _ in 0..RUNS {
            let cache = MemoryCache::from_bytes(0, &saved);
            let start = Instant::now();
            let bytes = export(changed, Some(&cache))?;
            times.push(start.elapsed());
            identical &= bytes == expected;
            hits = cache.hits_and_misses();
        }
        times.sort();
        Ok((times[0], times[RUNS / 2]))
    };
    let (heading, heading_median) = warm_export(&one_heading_changed(book))?;
    let (warm, warm_median) = warm_export(&one_page_changed(book))?;
    let ratio = warm.as_secs_f64() / cold.as_secs_f64();
    println!();
    println!(
        "EPUB exporter alone, {} ({origin}), {} pages, best of {RUNS}",
        repository.display(),
        book.pages.len()
    );
    println!("| {:<52} | {:>10} | {:>10} |", "export", "best", "median");
    println!("|{:-<54}|{:->12}|{:->12}|", "", "", "");
    println!(
        "| {:<52} | {:>10} | {:>10} |",
        "cold (no cache)",
        ms(cold),
        ms(cold_median)
    );
    println!(
        "| {:<52} | {:>10} | {:>10} |",
        "warm, one page changed (cache of the first build)",
        ms(warm),
        ms(warm_median)
    );
    println!(
        "| {:<52} | {:>10} | {:>10} |",
        "warm, one section title changed (navigation too)",
        ms(heading),
        ms(heading_median)
    );
    println!();
    println!(
        "warm / cold = {:.1}% (target < 25%), {:.1}% with a new section title; one page changed: cache {} hits, {} misses; {:.1} MB saved; warm outputs {} cold exports",
        ratio * 100.0,
        heading.as_secs_f64() / cold.as_secs_f64() * 100.0,
        hits.0,
        hits.1,
        saved.len() as f64 / 1e6,
        if identical { "identical to" } else { "DIFFER from" }
    );
    if !identical {
        return Err("the warm export differs from a cold one".to_owned());
    }
    Ok(())
}
