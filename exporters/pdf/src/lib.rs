//! livret's PDF exporter: a printable welcome pack typeset like a book.
//!
//! The layout and the PDF file are livret's own (lopdf objects for fonts, outline and metadata;
//! pages and their content streams written directly, in parallel): fonts from `typst-assets`
//! (Libertinus Serif, DejaVu Sans Mono) shaped with rustybuzz and subset with allsorts;
//! justified paragraphs broken with Knuth and Plass's total-fit algorithm over Unicode line-break
//! opportunities and French hyphenation (hypher); French spacing; pages without widows or
//! orphans; a cover, a table of contents with real page numbers, part pages, running headers and
//! footers, a nested outline, links to the exact place of their target.
//!
//! Characters no bundled font has (the emoji that start many GitBook titles) are left out, never
//! drawn as boxes; [`PdfExporter::render`] counts them in its [`Report`], and the export reports
//! them as a diagnostic.
//!
//! With a cache in the [`ExportContext`], an export keeps for the next one each book page's
//! layout (keyed by the page, the titles of the others, the settings, assets and fonts), each
//! page's content stream (keyed by the layouts it shows), its running header and footer, the
//! font subsets and compressed streams; content streams show glyphs by their id in the original
//! font, so a page's content does not depend on the glyphs other pages use. An export from the
//! cache gives the very bytes of an export without it.

mod blocks;
mod breaking;
mod compose;
mod emit;
mod error;
mod file;
mod finish;
mod flow;
mod fonts;
mod front;
mod images;
mod knuth_plass;
mod layout;
mod paginate;
mod store;
mod text;
mod words;

use error::PdfError;
use livret_model::Code;
use livret_model::{
    Book, Cache, Diagnostic, Export, ExportContext, ExportError, Exporter, Needs, OutputFile,
    PdfSettings, Settings,
};

/// Writes `book.pdf`.
#[derive(Debug, Default)]
pub struct PdfExporter;

/// What one export produced besides the bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub pages: usize,
    /// Characters left out because no font has them.
    pub missing_characters: usize,
    /// PNG and JPEG assets that could not be decoded, by path in the book.
    pub unreadable_images: Vec<String>,
}

impl PdfExporter {
    /// The PDF and what it took.
    pub fn render(&self, context: &ExportContext<'_>) -> Result<(Vec<u8>, Report), ExportError> {
        render(context).map_err(|error| ExportError {
            exporter: "pdf".to_owned(),
            message: error.to_string(),
        })
    }
}

impl Exporter for PdfExporter {
    fn name(&self) -> &'static str {
        "pdf"
    }

    fn needs(&self, _: &Book, _: &Settings) -> Needs {
        Needs::assets()
    }

    fn export(&self, context: &ExportContext<'_>) -> Result<Export, ExportError> {
        let (bytes, report) = self.render(context)?;
        let mut diagnostics = Vec::new();
        if report.missing_characters > 0 {
            let message = format!(
                "{} character(s) that no bundled font has (emoji, rare symbols) were left out of book.pdf",
                report.missing_characters
            );
            diagnostics.push(
                Diagnostic::warning(Code::MissingGlyphs, message)
                    .with_help("set pdf.font in livret.yaml to a font that has them"),
            );
        }
        for path in &report.unreadable_images {
            diagnostics.push(
                Diagnostic::warning(
                    Code::UnreadableImage,
                    "this image could not be decoded (corrupt, truncated or too large); the PDF shows its alt text instead",
                )
                .with_help("replace the file with a valid PNG or JPEG")
                .at(repository_path(&context.book.meta.root, path), None, None),
            );
        }
        let files = vec![OutputFile {
            name: "book.pdf".to_owned(),
            bytes,
        }];
        Ok(Export { files, diagnostics })
    }
}

/// Where a book file is in the repository, for diagnostics.
fn repository_path(root: &str, path: &str) -> String {
    if root.is_empty() {
        path.to_owned()
    } else {
        format!("{root}/{path}")
    }
}

/// A page composed: its drawings, and what is known of its content from an earlier build.
struct Composition {
    draws: compose::Composed,
    /// The key of its body, the body when it was kept.
    key: Option<u128>,
    known: Option<lopdf::Stream>,
    /// The same for its header and footer, and the glyphs they draw when they were drawn.
    decorations_key: Option<u128>,
    known_decorations: Option<lopdf::Stream>,
    used: fonts::Glyphs,
}

/// The object numbers of one page: the page, its body, its header and footer if it has any.
type PageIds = (u32, u32, Option<u32>);

/// The document before its pages are written: fonts and pictures added, objects numbered.
struct Document {
    doc: lopdf::Document,
    resources_id: lopdf::ObjectId,
    pages_id: lopdf::ObjectId,
    ids: Vec<PageIds>,
    page_ids: Vec<lopdf::ObjectId>,
}

fn render(context: &ExportContext<'_>) -> Result<(Vec<u8>, Report), PdfError> {
    let mut layout = layout_context(context)?;
    let mut kept = kept_layouts(context, &layout);
    let structure = front::structure(context.book);
    front_matter(&mut layout, &context.settings.pdf, &structure);
    let outline = body(&mut layout, &structure, kept.as_mut());

    let pages = paginate::paginate(&layout.elements, layout.geometry.body_height());
    let positions = compose::dest_positions(&layout, &pages);
    let book_title = layout::display_title(&mut layout.fonts, &context.book.meta.title);
    let composed = compose_pages(
        &mut layout,
        &pages,
        &positions,
        &book_title,
        kept.as_ref(),
        context.cache,
    );
    // The elements are drawn: free them before the PDF objects are built.
    layout.elements = Vec::new();

    let document = start_document(&layout, &composed, context.cache);
    let written = write_pages(composed, &document, &layout, &positions, context.cache);
    let metadata = metadata(context, &mut layout, &structure, &book_title, pages.len());
    let bytes = finish::finish(
        document.doc,
        &written,
        document.pages_id,
        &document.page_ids,
        layout.geometry.page_height,
        &metadata,
        &outline,
        &positions,
        context.cache,
    )?;
    let report = Report {
        pages: pages.len(),
        missing_characters: layout.fonts.missing,
        unreadable_images: layout.unreadable_images,
    };
    Ok((bytes, report))
}

/// The fonts, the page geometry and the book's language: what every stage lays out with.
fn layout_context<'a>(context: &ExportContext<'a>) -> Result<layout::Layout<'a>, PdfError> {
    let settings = &context.settings.pdf;
    let fonts = fonts::Fonts::load(context.assets.font.as_deref())?;
    let geometry = layout::Geometry::new(settings);
    let lang = livret_text::Language::from_tag(&context.book.meta.language);
    Ok(layout::Layout::new(
        fonts,
        geometry,
        lang,
        context.book,
        context.assets,
    ))
}

/// With a cache, the book page layouts an earlier build kept for this one.
fn kept_layouts<'c>(
    context: &ExportContext<'c>,
    layout: &layout::Layout<'_>,
) -> Option<store::Pages<'c>> {
    context.cache.map(|cache| {
        let digest = store::context_digest(context.book, &context.settings.pdf, context.assets);
        store::Pages::new(cache, digest, layout)
    })
}

/// The cover and the table of contents.
fn front_matter(
    layout: &mut layout::Layout<'_>,
    settings: &PdfSettings,
    structure: &[front::Node],
) {
    layout.cover(settings.cover_image.as_deref());
    layout.contents(structure);
}

/// The parts and pages of the book, each page's layout from `kept` when it has it; returns the
/// outline.
fn body(
    layout: &mut layout::Layout<'_>,
    structure: &[front::Node],
    mut kept: Option<&mut store::Pages<'_>>,
) -> Vec<layout::OutlineItem> {
    layout.body(structure, &mut |layout, page| match &mut kept {
        Some(kept) => kept.page(layout, page),
        None => layout.page(page),
    })
}

/// Every page's drawings, but those of a body or header and footer an earlier build kept.
fn compose_pages(
    layout: &mut layout::Layout<'_>,
    pages: &[paginate::PageLayout],
    positions: &compose::DestPositions,
    book_title: &str,
    kept: Option<&store::Pages<'_>>,
    cache: Option<&dyn Cache>,
) -> Vec<Composition> {
    (0..pages.len())
        .map(|index| compose_one(layout, pages, index, positions, book_title, kept, cache))
        .collect()
}

/// Page `index` composed. The body of a page whose elements all come from kept layouts may be
/// known already, and its header and footer too.
fn compose_one(
    layout: &mut layout::Layout<'_>,
    pages: &[paginate::PageLayout],
    index: usize,
    positions: &compose::DestPositions,
    book_title: &str,
    kept: Option<&store::Pages<'_>>,
    cache: Option<&dyn Cache>,
) -> Composition {
    let key = kept.and_then(|kept| kept.body_key(layout, &pages[index]));
    let known = match (cache, key) {
        (Some(cache), Some(key)) => store::known_body(cache, key),
        _ => None,
    };
    let mut draws = compose::compose_page(layout, pages, index, positions, known.is_none(), kept);
    let chapter = layout.chapters.get(pages[index].chapter as usize);
    let decorations_key = match (kept.map(store::Pages::context), chapter) {
        (Some(context), Some(chapter)) if chapter.decorated => Some(store::decorations_key(
            context,
            book_title,
            &chapter.title,
            index,
            pages.len(),
        )),
        _ => None,
    };
    let known_decorations = match (cache, decorations_key) {
        (Some(cache), Some(key)) => store::known_decorations(cache, key),
        _ => None,
    };
    let mut used = Vec::new();
    let known_decorations = match known_decorations {
        Some((glyphs, stream)) => {
            for (font, gid, text) in &glyphs {
                layout.fonts.note_used(*font, *gid, text);
            }
            Some(stream)
        }
        None => {
            if decorations_key.is_some() {
                layout.fonts.start_recording();
            }
            draws.decorations = compose::decorations(layout, pages, index, book_title);
            if decorations_key.is_some() {
                used = layout.fonts.glyphs_recorded();
            }
            None
        }
    };
    Composition {
        draws,
        key,
        known,
        decorations_key,
        known_decorations,
        used,
    }
}

/// The document with its fonts and pictures, and the object numbers of its pages: the page
/// tree, then each page, its body and its header and footer.
fn start_document(
    layout: &layout::Layout<'_>,
    composed: &[Composition],
    cache: Option<&dyn Cache>,
) -> Document {
    let mut doc = lopdf::Document::with_version("1.7");
    let mut resources = lopdf::Dictionary::new();
    resources.set("Font", emit::add_fonts(&mut doc, &layout.fonts, cache));
    let pictures = emit::add_pictures(&mut doc, &layout.pictures);
    if !pictures.is_empty() {
        resources.set("XObject", pictures);
    }
    let resources_id = doc.add_object(resources);
    let pages_id = doc.new_object_id();
    let ids: Vec<PageIds> = composed
        .iter()
        .map(|page| {
            let has_decorations =
                page.known_decorations.is_some() || !page.draws.decorations.is_empty();
            let page = doc.new_object_id().0;
            let body = doc.new_object_id().0;
            let decorations = has_decorations.then(|| doc.new_object_id().0);
            (page, body, decorations)
        })
        .collect();
    let page_ids = ids.iter().map(|ids| (ids.0, 0)).collect();
    Document {
        doc,
        resources_id,
        pages_id,
        ids,
        page_ids,
    }
}

/// What writing a page needs, shared by the threads that write them.
struct PageWriter<'w> {
    faces: emit::Faces<'w, 'w>,
    width: f32,
    height: f32,
    links: &'w [flow::LinkTarget],
    positions: &'w compose::DestPositions,
    document: &'w Document,
    cache: Option<&'w dyn Cache>,
}

/// Every page's objects, written in parallel: its body, header and footer, and the page.
fn write_pages(
    composed: Vec<Composition>,
    document: &Document,
    layout: &layout::Layout<'_>,
    positions: &compose::DestPositions,
    cache: Option<&dyn Cache>,
) -> file::Written {
    use rayon::prelude::*;
    let writer = PageWriter {
        faces: emit::Faces::new(&layout.fonts),
        width: layout.geometry.page_width,
        height: layout.geometry.page_height,
        links: &layout.links,
        positions,
        document,
        cache,
    };
    let written: Vec<Vec<(u32, Vec<u8>)>> = composed
        .into_par_iter()
        .zip(document.ids.par_iter())
        .map(|(page, &ids)| writer.page(page, ids))
        .collect();
    written.into_iter().flatten().collect()
}

impl PageWriter<'_> {
    fn page(
        &self,
        page: Composition,
        (page_id, body_id, decorations_id): PageIds,
    ) -> Vec<(u32, Vec<u8>)> {
        let Composition {
            draws,
            key,
            known,
            decorations_key,
            known_decorations,
            used,
        } = page;
        let mut objects = Vec::with_capacity(3);
        let body = known.unwrap_or_else(|| self.body(&draws.body, key));
        objects.push((body_id, stream_bytes(&body)));
        let mut contents = lopdf::Object::Reference((body_id, 0));
        if let Some(decorations_id) = decorations_id {
            let stream = known_decorations
                .unwrap_or_else(|| self.decorations(&draws.decorations, decorations_key, used));
            objects.push((decorations_id, stream_bytes(&stream)));
            contents = lopdf::Object::Array(vec![
                contents,
                lopdf::Object::Reference((decorations_id, 0)),
            ]);
        }
        let annotations = emit::annotations(
            &draws.links,
            self.links,
            self.positions,
            &self.document.page_ids,
            self.height,
        );
        let mut dictionary = lopdf::Dictionary::from_iter(vec![
            ("Type", lopdf::Object::Name(b"Page".to_vec())),
            ("Parent", lopdf::Object::Reference(self.document.pages_id)),
            (
                "MediaBox",
                lopdf::Object::Array(vec![
                    lopdf::Object::Integer(0),
                    lopdf::Object::Integer(0),
                    lopdf::Object::Real(self.width),
                    lopdf::Object::Real(self.height),
                ]),
            ),
            (
                "Resources",
                lopdf::Object::Reference(self.document.resources_id),
            ),
            ("Contents", contents),
        ]);
        if !annotations.is_empty() {
            dictionary.set("Annots", lopdf::Object::Array(annotations));
        }
        let mut bytes = Vec::with_capacity(256);
        file::dictionary(&mut bytes, &dictionary);
        objects.push((page_id, bytes));
        objects
    }

    /// A body's stream, kept for the next build when it has a key. A stream kept whole is
    /// compressed without the deflate cache, which would only hold the same bytes twice.
    fn body(&self, draws: &[flow::Draw], key: Option<u128>) -> lopdf::Stream {
        let content = emit::content(draws, &self.faces, self.height);
        match (self.cache, key) {
            (Some(cache), Some(key)) => {
                let body = finish::stream(lopdf::Dictionary::new(), content, None);
                store::keep_body(cache, key, &body);
                body
            }
            _ => finish::stream(lopdf::Dictionary::new(), content, self.cache),
        }
    }

    /// A header and footer's stream, kept with the glyphs it draws when it has a key.
    fn decorations(
        &self,
        draws: &[flow::Draw],
        key: Option<u128>,
        used: fonts::Glyphs,
    ) -> lopdf::Stream {
        let content = emit::content(draws, &self.faces, self.height);
        match (self.cache, key) {
            (Some(cache), Some(key)) => {
                let stream = finish::stream(lopdf::Dictionary::new(), content, None);
                store::keep_decorations(cache, key, used, &stream);
                stream
            }
            _ => finish::stream(lopdf::Dictionary::new(), content, self.cache),
        }
    }
}

/// A stream as an indirect object's body.
fn stream_bytes(stream: &lopdf::Stream) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(stream.content.len() + 64);
    file::stream_object(&mut bytes, &stream.dict, &stream.content);
    bytes
}

/// What the document says about itself: titles, author, parts as keywords, the revision's date,
/// and what its id is derived from.
fn metadata(
    context: &ExportContext<'_>,
    layout: &mut layout::Layout<'_>,
    structure: &[front::Node],
    book_title: &str,
    pages: usize,
) -> finish::Metadata {
    let book = context.book;
    let settings = &context.settings.pdf;
    let revision = &book.meta.revision;
    let date = livret_text::dates::pdf(revision.time, revision.offset_minutes);
    let keywords: Vec<String> = structure
        .iter()
        .filter_map(|node| match node {
            front::Node::Part { title, .. } => {
                Some(layout::display_title(&mut layout.fonts, title))
            }
            _ => None,
        })
        .collect();
    finish::Metadata {
        title: book_title.to_owned(),
        author: book
            .meta
            .author
            .clone()
            .or_else(|| book.meta.organisation.clone())
            .unwrap_or_default(),
        subject: book
            .meta
            .subtitle
            .clone()
            .unwrap_or_else(|| book_title.to_owned()),
        keywords: keywords.join(", "),
        language: book.meta.language.clone(),
        created: date.clone(),
        modified: date,
        id_seed: format!(
            "{} {:?} {} {} {}",
            revision.id,
            settings.page_size,
            settings.margin_mm,
            context.assets.font.as_deref().map_or(0, <[u8]>::len),
            pages
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use livret_model::{Assets, Book, Settings};

    fn book() -> Book {
        serde_json::from_value(serde_json::json!({
            "meta": {
                "title": "Un livret 📘",
                "language": "fr",
                "root": "",
                "revision": { "id": "0123456789abcdef", "time": 1_709_283_600, "offset_minutes": 60, "shallow": false }
            },
            "toc": [{ "title": null, "entries": [{ "title": "Accueil", "target": { "kind": "page", "path": "README.md" }, "children": [] }] }],
            "pages": [{
                "path": "README.md",
                "title": "🚀 Accueil",
                "front_matter": {},
                "intro": [{ "type": "paragraph", "content": [{ "type": "text", "text": "Bienvenue dans l’équipe ! ✅ 🎉" }] }],
                "sections": []
            }],
            "orphans": [], "assets": [], "redirects": [], "diagnostics": []
        }))
        .unwrap()
    }

    fn font_names(pdf: &[u8]) -> Vec<String> {
        let text = String::from_utf8_lossy(pdf);
        let mut names: Vec<String> = text
            .split("/BaseFont/")
            .skip(1)
            .filter_map(|rest| {
                rest.split(|c: char| c.is_whitespace() || c == '/' || c == '>')
                    .next()
            })
            .map(|name| name.split('+').next_back().unwrap_or(name).to_owned())
            .collect();
        names.sort();
        names.dedup();
        names
    }

    #[test]
    fn a_replacement_font_draws_the_text_and_missing_characters_are_counted() {
        let book = book();
        let settings = Settings::default();
        let replacement = typst_assets::fonts().nth(16).unwrap().to_vec();
        let assets = Assets {
            font: Some(replacement),
            ..Assets::default()
        };
        let context = ExportContext::new(&book, &settings).with_assets(&assets);
        let (pdf, report) = PdfExporter.render(&context).unwrap();
        // Only compressed streams: the font names are in the uncompressed dictionaries.
        let names = font_names(&pdf);
        assert!(names.iter().any(|n| n == "DejaVuSansMono"), "{names:?}");
        assert!(
            !names.iter().any(|n| n.starts_with("LibertinusSerif")),
            "{names:?}"
        );
        // ✅ and 🎉 in the text, 📘 and 🚀 in the titles (counted once however often a title is
        // drawn): no bundled font has them; they are left out and counted.
        assert_eq!(report.missing_characters, 4);
        assert_eq!(report.pages, 3);

        let bundled = ExportContext::new(&book, &settings);
        let (pdf, _) = PdfExporter.render(&bundled).unwrap();
        let names = font_names(&pdf);
        assert!(
            names.iter().any(|n| n == "LibertinusSerif-Regular"),
            "{names:?}"
        );
    }

    #[test]
    fn a_replacement_font_that_is_no_font_is_an_error_that_says_so() {
        let book = book();
        let settings = Settings::default();
        let assets = Assets {
            font: Some(b"not a font".to_vec()),
            ..Assets::default()
        };
        let context = ExportContext::new(&book, &settings).with_assets(&assets);
        let error = PdfExporter
            .render(&context)
            .err()
            .map(|error| error.message);
        assert_eq!(
            error.as_deref(),
            Some("the font of `pdf.font`: not a TrueType or OpenType font")
        );
    }

    #[test]
    fn the_same_book_gives_the_same_bytes() {
        let book = book();
        let settings = Settings::default();
        let context = ExportContext::new(&book, &settings);
        let first = PdfExporter.render(&context).unwrap().0;
        let second = PdfExporter.render(&context).unwrap().0;
        assert!(first == second);
        assert!(String::from_utf8_lossy(&first).contains("/CreationDate(D:20240301100000+01'00')"));
    }
}
