//! A PDF exported with the work kept from an earlier build (laid-out pages, compressed streams,
//! font subsets) is byte for byte the PDF exported from scratch.

use livret_cache::MemoryCache;
use livret_export_pdf::PdfExporter;
use livret_model::{Assets, Block, Book, Cache, ExportContext, Inline, Settings};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

/// A cache that counts hits and misses by kind.
#[derive(Debug)]
struct Counting {
    inner: MemoryCache,
    counts: Mutex<BTreeMap<(String, bool), usize>>,
    /// A kind of result this cache never finds.
    forgets: Option<&'static str>,
}

impl Counting {
    fn new(saved: Option<&Counting>) -> Self {
        Counting {
            inner: match saved {
                Some(saved) => MemoryCache::from_bytes(1, &saved.inner.to_bytes()),
                None => MemoryCache::new(1),
            },
            counts: Mutex::default(),
            forgets: None,
        }
    }

    fn count(&self, kind: &str, hit: bool) -> usize {
        let counts = self.counts.lock().expect("not poisoned");
        counts.get(&(kind.to_owned(), hit)).copied().unwrap_or(0)
    }
}

impl Cache for Counting {
    fn get(&self, kind: &str, key: u128) -> Option<Arc<[u8]>> {
        let found = match self.forgets == Some(kind) {
            true => None,
            false => self.inner.get(kind, key),
        };
        *self
            .counts
            .lock()
            .expect("not poisoned")
            .entry((kind.to_owned(), found.is_some()))
            .or_default() += 1;
        found
    }

    fn put(&self, kind: &str, key: u128, value: Vec<u8>) {
        self.inner.put(kind, key, value);
    }
}

fn sample() -> (Book, Settings, Assets) {
    let options = livret_core::LoadOptions {
        repository: Path::new(env!("CARGO_MANIFEST_DIR")).join("../.."),
        revision: "HEAD".to_owned(),
        root: None,
    };
    let loaded = livret_core::load(&options).expect("the sample handbook loads");
    let (assets, _) = livret_core::Source::open(&options)
        .and_then(|source| source.assets(&loaded.book, &loaded.settings))
        .expect("its assets load");
    (loaded.book, loaded.settings, assets)
}

fn render(
    book: &Book,
    settings: &Settings,
    assets: &Assets,
    cache: Option<&Counting>,
) -> (Vec<u8>, usize) {
    let mut context = ExportContext::new(book, settings).with_assets(assets);
    if let Some(cache) = cache {
        context = context.with_cache(cache);
    }
    let (bytes, report) = PdfExporter.render(&context).expect("the PDF renders");
    (bytes, report.pages)
}

fn export(book: &Book, settings: &Settings, assets: &Assets, cache: Option<&Counting>) -> Vec<u8> {
    render(book, settings, assets, cache).0
}

/// The book with `paragraphs` more paragraphs at the start of page `index`.
fn edited(book: &Book, index: usize, paragraphs: usize) -> Book {
    let mut book = book.clone();
    let text = "Une phrase ajoutée pour voir si la mise en page de cette page seule est refaite, \
                et celle de toutes les autres reprise telle quelle. ";
    for i in 0..paragraphs {
        book.pages[index].intro.insert(
            0,
            Block::Paragraph {
                content: vec![Inline::Text {
                    text: format!("Ajout {i}. {}", text.repeat(4)),
                }],
            },
        );
    }
    book
}

#[test]
fn a_warm_export_after_one_page_changed_is_the_cold_export() {
    let (book, settings, assets) = sample();
    assert!(book.pages.len() > 3);

    let pages = book.pages.len();
    // First build: everything is made and kept.
    let cache = Counting::new(None);
    let first = export(&book, &settings, &assets, Some(&cache));
    assert!(first == export(&book, &settings, &assets, None));
    assert_eq!(cache.count("pdf-layout", true), 0);
    assert_eq!(cache.count("pdf-layout", false), pages);

    // The same book again: every page's layout, every stream, every font subset is reused.
    let again = Counting::new(Some(&cache));
    assert!(first == export(&book, &settings, &assets, Some(&again)));
    assert_eq!(again.count("pdf-layout", true), pages);
    for kind in [
        "pdf-layout",
        "pdf-body",
        "pdf-decorations",
        "pdf-deflate",
        "pdf-subset",
    ] {
        assert_eq!(again.count(kind, false), 0, "{kind} missed");
        assert!(again.count(kind, true) > 0, "{kind} not used");
    }

    // Page layouts kept without the pages' content: the content is drawn from the kept layouts.
    let mut layouts_only = Counting::new(Some(&cache));
    layouts_only.forgets = Some("pdf-body");
    assert!(first == export(&book, &settings, &assets, Some(&layouts_only)));
    assert_eq!(layouts_only.count("pdf-layout", true), pages);

    // One page edited a little (its PDF pages keep their number), then a lot (every page after
    // it moves): the warm export is the cold one, and most of the work is reused.
    for (index, paragraphs) in [(1, 1), (2, 12)] {
        let changed = edited(&book, index, paragraphs);
        let warm_cache = Counting::new(Some(&cache));
        let (warm, warm_pages) = render(&changed, &settings, &assets, Some(&warm_cache));
        let cold = export(&changed, &settings, &assets, None);
        assert!(
            warm == cold,
            "page {index}: the warm export differs from the cold one"
        );
        assert_ne!(warm, first);
        // Only the edited page is laid out again.
        assert_eq!(warm_cache.count("pdf-layout", true), pages - 1);
        assert_eq!(warm_cache.count("pdf-layout", false), 1);
        let count = |hit| {
            ["pdf-body", "pdf-decorations", "pdf-deflate"]
                .iter()
                .map(|kind| warm_cache.count(kind, hit))
                .sum::<usize>()
        };
        let (hits, misses) = (count(true), count(false));
        eprintln!("page {index} edited: {hits} streams reused, {misses} made");
        if paragraphs == 1 {
            // The edited page's body and the contents (its text moved); nothing else.
            assert!(
                misses <= 3,
                "page {index}: {hits} streams reused, {misses} made"
            );
        } else {
            // Every page's footer (page n of N) changes, not the bodies of the pages that moved.
            assert!(
                hits > pages,
                "page {index}: {hits} streams reused, {misses} made"
            );
        }
        if paragraphs > 1 {
            let first_pages = render(&book, &settings, &assets, None).1;
            assert!(warm_pages > first_pages, "the edit adds PDF pages");
        }
    }
}
