//! The exporter on a book written as JSON: what it embeds, what it counts, and an archive whose
//! every XML file parses (roxmltree) with unique ids and links to existing ids.

use super::*;
use livret_cache::MemoryCache;
use livret_model::{Assets, Block, Inline};
use std::io::Read;

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";

fn book(language: &str) -> Book {
    let text = |t: &str| serde_json::json!({ "type": "text", "text": t });
    let page_link = |path: &str, anchor: Option<&str>| serde_json::json!({ "raw": path, "target": { "kind": "page", "path": path, "anchor": anchor } });
    let image = |raw: &str, target: serde_json::Value, alt: &str| serde_json::json!({ "type": "image", "image": { "source": { "raw": raw, "target": target }, "alt": alt } });
    serde_json::from_value(serde_json::json!({
        "meta": {
            "title": "Livret <test> & co",
            "language": language,
            "root": "",
            "organisation": "La Fabrique",
            "revision": { "id": "0".repeat(40), "time": 1_709_283_600, "offset_minutes": 0, "shallow": false }
        },
        "toc": [
            { "title": null, "entries": [{ "title": "Accueil", "target": { "kind": "page", "path": "README.md" }, "children": [] }] },
            { "title": "Partie A", "entries": [{ "title": "Page A", "target": { "kind": "page", "path": "a.md" }, "children": [
                { "title": "Ailleurs", "target": { "kind": "external", "url": "https://example.org" }, "children": [] }
            ] }] }
        ],
        "pages": [
            {
                "path": "README.md", "title": "Accueil", "front_matter": {},
                "intro": [
                    { "type": "paragraph", "content": [
                        { "type": "link", "target": page_link("a.md", Some("deux")), "content": [text("vers A")] },
                        text(" "),
                        { "type": "link", "target": page_link("a.md", Some("absente")), "content": [text("ancre perdue")] },
                        text(" "),
                        { "type": "footnote_reference", "label": "9" }
                    ] },
                    { "type": "paragraph", "content": [
                        image("s.png", serde_json::json!({ "kind": "asset", "path": "s.png" }), "Schéma"),
                        image("s.png", serde_json::json!({ "kind": "asset", "path": "s.png" }), "Encore"),
                        image("absent.png", serde_json::json!({ "kind": "asset", "path": "absent.png" }), "Absente"),
                        image("d.svg", serde_json::json!({ "kind": "asset", "path": "d.svg" }), "Dessin"),
                        image("https://example.org/x.png", serde_json::json!({ "kind": "external", "url": "https://example.org/x.png" }), "Distante")
                    ] }
                ],
                "sections": [
                    { "anchor": "un", "level": 2, "style": "heading", "title": [text("Un")], "line": 3, "blocks": [
                        { "type": "heading", "level": 3, "anchor": "un", "content": [text("Un encore")] }
                    ], "children": [] }
                ]
            },
            {
                "path": "a.md", "title": "Page A", "front_matter": { "description": "Une page." },
                "intro": [],
                "sections": [
                    { "anchor": "deux", "level": 2, "style": "heading", "title": [text("Deux")], "line": 3, "blocks": [], "children": [] }
                ]
            }
        ],
        "orphans": [], "assets": [], "redirects": [], "diagnostics": []
    }))
    .unwrap()
}

fn assets() -> Assets {
    let mut assets = Assets::default();
    assets.files.insert("s.png".to_owned(), PNG.to_vec());
    assets
        .files
        .insert("d.svg".to_owned(), b"<svg><script/></svg>".to_vec());
    assets
}

fn entries(bytes: &[u8]) -> Vec<(String, Vec<u8>, zip::CompressionMethod)> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    (0..archive.len())
        .map(|index| {
            let mut file = archive.by_index(index).unwrap();
            let mut content = Vec::new();
            file.read_to_end(&mut content).unwrap();
            (file.name().to_owned(), content, file.compression())
        })
        .collect()
}

#[test]
fn images_are_embedded_once_counted_and_the_archive_is_well_formed() {
    let book = book("fr");
    let settings = Settings::default();
    let assets = assets();
    let context = ExportContext::new(&book, &settings).with_assets(&assets);
    let built = build(&context).unwrap();
    assert_eq!(
        (built.chapters, built.parts, built.cover_image),
        (2, 1, false)
    );
    assert_eq!(
        built.images,
        ImageCounts {
            embedded: 1,
            missing: 1,
            not_embeddable: 1,
            remote: 1
        }
    );
    let files = entries(&built.bytes);
    assert_eq!(files[0].0, "mimetype");
    assert_eq!(files[0].1, b"application/epub+zip");
    assert_eq!(files[0].2, zip::CompressionMethod::Stored);
    let names: Vec<&str> = files.iter().map(|(name, _, _)| name.as_str()).collect();
    assert!(names.contains(&"OEBPS/images/001-s.png"), "{names:?}");
    assert!(!names.iter().any(|n| n.ends_with(".svg")), "{names:?}");

    for (name, content, _) in &files {
        if !(name.ends_with(".xhtml") || name.ends_with(".opf") || name.ends_with(".ncx")) {
            continue;
        }
        let text = std::str::from_utf8(content).unwrap();
        let options = roxmltree::ParsingOptions {
            allow_dtd: true,
            ..roxmltree::ParsingOptions::default()
        };
        let document = roxmltree::Document::parse_with_options(text, options)
            .unwrap_or_else(|e| panic!("{name} is not well-formed: {e}\n{text}"));
        let ids: Vec<&str> = document
            .descendants()
            .filter_map(|n| n.attribute("id"))
            .collect();
        let mut unique = ids.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), ids.len(), "duplicate ids in {name}: {ids:?}");
    }
    let text = |name: &str| {
        let (_, content, _) = files.iter().find(|(n, _, _)| n == name).unwrap();
        String::from_utf8(content.clone()).unwrap()
    };
    let home = text("OEBPS/chapter-001.xhtml");
    // A link to an existing anchor keeps it; to a missing one, it points at the page; a footnote
    // reference without its note is text; the block heading's id does not clash with the section's.
    assert!(home.contains("<a href=\"chapter-002.xhtml#deux\">vers A</a> <a href=\"chapter-002.xhtml\">ancre perdue</a> <sup>9</sup>"), "{home}");
    assert!(
        home.contains("<h2 id=\"un\">Un</h2><h3 id=\"un-2\">Un encore</h3>"),
        "{home}"
    );
    assert!(home.contains("<img src=\"images/001-s.png\" alt=\"Schéma\"/><img src=\"images/001-s.png\" alt=\"Encore\"/><span class=\"missing-image\">[image : Absente]</span><span class=\"missing-image\">[image : Dessin]</span><a class=\"remote-image\" href=\"https://example.org/x.png\">[image : Distante]</a>"), "{home}");
    let page_a = text("OEBPS/chapter-002.xhtml");
    assert!(page_a.contains("<h1>Page A</h1>\n<p class=\"description\">Une page.</p>"));
    let opf = text("OEBPS/content.opf");
    assert!(
        opf.contains("<dc:title>Livret &lt;test&gt; &amp; co</dc:title>"),
        "{opf}"
    );
    assert!(opf.contains("<dc:creator id=\"epub-creator-0\">La Fabrique</dc:creator>"));
    assert!(opf.contains("<dc:publisher>La Fabrique</dc:publisher>"));
    assert!(opf.contains("<meta property=\"dcterms:modified\">2024-03-01T09:00:00Z</meta>"));
    assert!(opf.contains(
        "<item media-type=\"image/png\" id=\"id_images_001-s.png\" href=\"images/001-s.png\"/>"
    ));
    // The external SUMMARY entry is not in the navigation; the part holds the page.
    let nav = text("OEBPS/nav.xhtml");
    assert!(!nav.contains("example.org"));
    assert!(nav.contains("<a href=\"part-01.xhtml\">Partie A</a>"));
    assert!(nav.contains("<a href=\"chapter-002.xhtml#deux\">Deux</a>"));

    // Same input, same bytes.
    assert!(build(&context).unwrap().bytes == built.bytes);
}

#[test]
fn without_assets_every_image_is_a_placeholder_and_malformed_languages_are_undetermined() {
    let book = book("pas une langue");
    let settings = Settings::default();
    let built = build(&ExportContext::new(&book, &settings)).unwrap();
    assert_eq!(built.images.embedded, 0);
    assert_eq!(built.images.missing, 4, "every reference counts");
    let files = entries(&built.bytes);
    let (_, opf, _) = files
        .iter()
        .find(|(n, _, _)| n == "OEBPS/content.opf")
        .unwrap();
    let opf = String::from_utf8(opf.clone()).unwrap();
    assert!(opf.contains(">und</dc:language>"), "{opf}");
    assert!(opf.contains("<meta property=\"schema:accessMode\">textual</meta>"));
    assert!(!opf.contains("visual"));
}

#[test]
fn language_tags_are_checked() {
    assert_eq!(language_tag("fr"), "fr");
    assert_eq!(language_tag(" en-GB "), "en-GB");
    assert_eq!(language_tag("zh-Hant-TW"), "zh-Hant-TW");
    assert_eq!(language_tag("français"), "und");
    assert_eq!(language_tag(""), "und");
    assert_eq!(language_tag("fr_FR"), "und");
}

fn image_paragraph(path: &str) -> Block {
    serde_json::from_value(serde_json::json!({ "type": "paragraph", "content": [
        { "type": "image", "image": { "source": { "raw": path, "target": { "kind": "asset", "path": path } }, "alt": path } }
    ] }))
    .unwrap()
}

fn paragraph(text: &str) -> Block {
    Block::Paragraph {
        content: vec![Inline::Text {
            text: text.to_owned(),
        }],
    }
}

/// The test book with a content-ref from the home page to page A (it shows A's title) and an
/// image on page A (numbered after the home page's).
fn cached_book() -> Book {
    let mut book = book("fr");
    book.pages[0].intro.push(
        serde_json::from_value(serde_json::json!({ "type": "content_ref",
            "target": { "raw": "a.md", "target": { "kind": "page", "path": "a.md" } },
            "label": [{ "type": "text", "text": "a.md" }] }))
        .unwrap(),
    );
    book.pages[1].intro.push(image_paragraph("u.png"));
    book
}

fn cached_assets() -> Assets {
    let mut assets = assets();
    for name in ["t.png", "u.png"] {
        let mut png = PNG.to_vec();
        png.extend_from_slice(name.as_bytes());
        assets.files.insert(name.to_owned(), png);
    }
    assets
}

#[test]
fn a_warm_export_is_the_cold_export_of_the_changed_book() {
    let settings = Settings::default();
    let assets = cached_assets();
    let export = |book: &Book, cache: Option<&MemoryCache>| {
        let context = ExportContext::new(book, &settings).with_assets(&assets);
        match cache {
            Some(cache) => build(&context.with_cache(cache)).unwrap().bytes,
            None => build(&context).unwrap().bytes,
        }
    };
    let first = cached_book();
    let cache = MemoryCache::new(7);
    let cold = export(&first, Some(&cache));
    assert!(cold == export(&first, None), "a cache changes nothing");
    let saved = cache.to_bytes();

    // The same book again: everything is found.
    let again = MemoryCache::from_bytes(7, &saved);
    assert!(export(&first, Some(&again)) == cold);
    let (hits, misses) = again.hits_and_misses();
    assert!(hits > 0 && misses == 0, "{hits} hits, {misses} misses");

    // One page changed, in ways that reach the other pages' documents.
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
        (
            "the description of page A",
            edit(&|b| b.pages[1].front_matter.description = Some("Autre.".to_owned())),
        ),
        // The home page's content-ref shows it; the navigation and the part list it.
        (
            "the title of page A",
            edit(&|b| b.pages[1].title = "Page A revue".to_owned()),
        ),
        // The home page links to `a.md#deux`: now a missing anchor, the link goes to the page.
        (
            "the anchor of page A's section",
            edit(&|b| b.pages[1].sections[0].anchor = "trois".to_owned()),
        ),
        // A new image first on the home page: page A's image becomes the third embedded.
        (
            "an image added to the home page",
            edit(&|b| b.pages[0].intro.insert(0, image_paragraph("t.png"))),
        ),
        (
            "page A's image removed",
            edit(&|b| {
                b.pages[1].intro.pop();
            }),
        ),
    ];
    for (what, book) in &changed {
        let warm_cache = MemoryCache::from_bytes(7, &saved);
        let warm = export(book, Some(&warm_cache));
        let cold = export(book, None);
        assert!(
            warm == cold,
            "{what}: the warm export differs from a cold one"
        );
        assert!(warm != export(&first, None), "{what}: the change shows");
        let (hits, misses) = warm_cache.hits_and_misses();
        assert!(
            hits > 0 && misses > 0,
            "{what}: {hits} hits, {misses} misses"
        );
    }
    // A new commit: another time in the package. epub-builder runs again and only the OPF,
    // whose dates changed, is compressed again: two misses.
    let later = edit(&|b| b.meta.revision.time += 86_400);
    let warm_cache = MemoryCache::from_bytes(7, &saved);
    let warm = export(&later, Some(&warm_cache));
    assert!(warm == export(&later, None), "a later commit: same bytes");
    assert!(warm != cold, "the commit's time shows");
    assert_eq!(warm_cache.hits_and_misses().1, 2, "the package and the OPF");

    // The home page's render is reused when only page A's text changed: its document is the same.
    let warm_cache = MemoryCache::from_bytes(7, &saved);
    let warm = export(&changed[0].1, Some(&warm_cache));
    let text_of = |bytes: &[u8], name: &str| {
        entries(bytes)
            .into_iter()
            .find(|(n, _, _)| n == name)
            .map(|(_, content, _)| content)
            .unwrap()
    };
    assert_eq!(
        text_of(&warm, "OEBPS/chapter-001.xhtml"),
        text_of(&cold, "OEBPS/chapter-001.xhtml")
    );
    let home = String::from_utf8(text_of(
        &export(&changed[2].1, None),
        "OEBPS/chapter-001.xhtml",
    ))
    .unwrap();
    assert!(home.contains("Page A revue"), "{home}");
}
