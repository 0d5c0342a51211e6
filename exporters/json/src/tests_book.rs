//! A small book written as JSON for the tests: links between pages (with anchors, a content-ref
//! that shows the linked page's title), an image, a hidden page, front matter; and the cache's
//! tests on it.

use livret_model::{Block, Book, Inline};

pub(crate) fn book() -> Book {
    let text = |t: &str| serde_json::json!({ "type": "text", "text": t });
    let page_link = |path: &str, anchor: Option<&str>| serde_json::json!({ "raw": path, "target": { "kind": "page", "path": path, "anchor": anchor } });
    serde_json::from_value(serde_json::json!({
        "meta": {
            "title": "Livret",
            "language": "fr",
            "root": "",
            "base_url": "https://livret.example.org",
            "revision": { "id": "0".repeat(40), "time": 1_709_283_600, "offset_minutes": 60, "shallow": false }
        },
        "toc": [
            { "title": null, "entries": [{ "title": "Accueil", "target": { "kind": "page", "path": "README.md" }, "children": [] }] },
            { "title": "Partie A", "entries": [{ "title": "Page A", "target": { "kind": "page", "path": "a.md" }, "children": [] }] }
        ],
        "pages": [
            {
                "path": "README.md", "title": "Accueil", "front_matter": { "description": "Bienvenue." },
                "intro": [
                    { "type": "paragraph", "content": [
                        { "type": "link", "target": page_link("a.md", Some("deux")), "content": [text("vers A")] },
                        text(" et "),
                        { "type": "image", "image": { "source": { "raw": "s.png", "target": { "kind": "asset", "path": "s.png" } }, "alt": "Schéma" } }
                    ] },
                    { "type": "content_ref", "target": page_link("a.md", None), "label": [text("a.md")] }
                ],
                "sections": [
                    { "anchor": "un", "level": 2, "style": "heading", "title": [text("Un")], "line": 3, "blocks": [
                        { "type": "paragraph", "content": [text("Premier.")] }
                    ], "children": [] }
                ]
            },
            {
                "path": "a.md", "title": "Page A", "front_matter": {},
                "intro": [],
                "sections": [
                    { "anchor": "deux", "level": 2, "style": "heading", "title": [text("Deux")], "line": 3, "blocks": [
                        { "type": "paragraph", "content": [text("Second.")] }
                    ], "children": [] }
                ]
            },
            {
                "path": "cache.md", "title": "Cachée", "front_matter": { "hidden": true },
                "intro": [{ "type": "paragraph", "content": [text("Invisible.")] }],
                "sections": []
            }
        ],
        "orphans": [], "assets": [], "redirects": [], "diagnostics": []
    }))
    .unwrap()
}

pub(crate) fn paragraph(text: &str) -> Block {
    Block::Paragraph {
        content: vec![Inline::Text {
            text: text.to_owned(),
        }],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::JsonExporter;
    use livret_cache::MemoryCache;
    use livret_model::{ExportContext, Exporter, History, PageHistory, PageVersion, Settings};

    fn history() -> History {
        let mut history = History::default();
        let version = |time: i64, author: &str| PageVersion {
            commit: "1".repeat(40),
            time,
            offset_minutes: 60,
            author: author.to_owned(),
            path: "a.md".to_owned(),
            blob: "2".repeat(40),
            change: livret_model::PageChange::Edited,
        };
        let page = PageHistory {
            versions: vec![version(1_700_000_000, "Ada"), version(1_709_000_000, "Bob")],
        };
        history.pages.insert("a.md".to_owned(), page);
        history
    }

    fn export(
        book: &Book,
        settings: &Settings,
        cache: Option<&MemoryCache>,
    ) -> Vec<(String, Vec<u8>)> {
        let history = history();
        let mut context = ExportContext::new(book, settings).with_history(&history);
        if let Some(cache) = cache {
            context = context.with_cache(cache);
        }
        JsonExporter
            .export(&context)
            .unwrap()
            .files
            .into_iter()
            .map(|file| (file.name, file.bytes))
            .collect()
    }

    #[test]
    fn a_warm_export_is_the_cold_export_of_the_changed_book() {
        for split in [None, Some(1)] {
            let mut settings = Settings::default();
            settings.feed.items_per_file = split;
            let first = book();
            let cache = MemoryCache::new(3);
            let cold = export(&first, &settings, Some(&cache));
            assert_eq!(
                cold,
                export(&first, &settings, None),
                "a cache changes nothing"
            );
            let saved = cache.to_bytes();

            let again = MemoryCache::from_bytes(3, &saved);
            assert_eq!(export(&first, &settings, Some(&again)), cold);
            let (hits, misses) = again.hits_and_misses();
            assert!(hits > 0 && misses == 0, "{hits} hits, {misses} misses");

            let edit = |change: &dyn Fn(&mut Book)| {
                let mut book = first.clone();
                change(&mut book);
                book
            };
            let changed = [
                (
                    "a paragraph of page A",
                    edit(&|b| b.pages[1].intro.push(paragraph("Plus."))),
                ),
                // The home page's content-ref shows it.
                (
                    "the title of page A",
                    edit(&|b| b.pages[1].title = "Page A revue".to_owned()),
                ),
                // The home page links to it.
                (
                    "page A moved",
                    edit(&|b| b.pages[1].path = "b.md".to_owned()),
                ),
                (
                    "the base URL",
                    edit(&|b| b.meta.base_url = Some("https://ailleurs.example.org/".to_owned())),
                ),
                (
                    "the hidden page shown",
                    edit(&|b| b.pages[2].front_matter.hidden = false),
                ),
            ];
            for (what, book) in &changed {
                let warm_cache = MemoryCache::from_bytes(3, &saved);
                let warm = export(book, &settings, Some(&warm_cache));
                assert_eq!(
                    warm,
                    export(book, &settings, None),
                    "{what}: the warm export differs"
                );
                assert_ne!(warm, cold, "{what}: the change shows");
                // A kept content whose links answer otherwise (the base URL) is found, then made
                // again: what matters is the bytes, checked above.
                let (hits, _) = warm_cache.hits_and_misses();
                assert!(hits > 0, "{what}: the cache is used");
            }
            let feed = |book: &Book| {
                let files = export(book, &settings, None);
                String::from_utf8(files[1].1.clone()).unwrap()
            };
            assert!(feed(&changed[1].1).contains("Page A revue"));
        }
    }
}
