//! livret's epub exporter: a valid, accessible EPUB 3 of the whole handbook.
//!
//! One XHTML document per page in SUMMARY order (rendered by livret-html), a short document per
//! titled SUMMARY group (a part), a cover, a navigation document and an NCX that mirror SUMMARY
//! and each page's sections, the images the pages show (PNG, JPEG, GIF), and metadata that is
//! true of the file: a stable identifier, dates from the commit, EPUB Accessibility properties.
//! epub-builder writes the package documents and says what goes where; the archive is written
//! once, with the commit's time on every entry, so the same revision always gives the same bytes.

mod document;
mod links;
mod nav;
mod package;
#[cfg(test)]
mod tests;

pub use links::ImageCounts;

use document::{document, first_pass, second_pass, Found, Lookup};
use livret_cache::Digest;
use livret_html::trace;
use livret_html::{escape_attribute, escape_text, render_page, Language, Links, Options};
use livret_model::{
    Book, Cache, Export, ExportContext, ExportError, Exporter, Needs, OutputFile, Page, Settings,
};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::hash::Hash;
use std::sync::Arc;

/// The file this exporter writes.
pub const FILE_NAME: &str = "book.epub";
const COVER_FILE: &str = "cover.xhtml";
const STYLESHEET: &str = include_str!("stylesheet.css");

/// Writes `book.epub`.
#[derive(Debug, Default)]
pub struct EpubExporter;

impl Exporter for EpubExporter {
    fn name(&self) -> &'static str {
        "epub"
    }

    fn needs(&self, _: &Book, _: &Settings) -> Needs {
        Needs::assets()
    }

    fn export(&self, context: &ExportContext<'_>) -> Result<Export, ExportError> {
        let built = build(context)?;
        Ok(Export::files(vec![OutputFile {
            name: FILE_NAME.to_owned(),
            bytes: built.bytes,
        }]))
    }
}

/// An EPUB and a summary of what went into it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Built {
    pub bytes: Vec<u8>,
    /// Page documents (one per published page).
    pub chapters: usize,
    /// Part documents (one per titled SUMMARY group holding pages).
    pub parts: usize,
    pub images: ImageCounts,
    /// True when the cover is the configured image, false when it was generated.
    pub cover_image: bool,
}

/// The few words the EPUB writes itself, in the book's language.
#[derive(Debug, Clone, Copy)]
struct Labels {
    cover: &'static str,
    contents: &'static str,
    /// The title of a book that has none.
    untitled: &'static str,
    part: &'static str,
    /// Before an image's alt text in its placeholder, as livret-html writes it.
    image: &'static str,
    summary: &'static str,
    all_alt: &'static str,
    some_alt: &'static str,
    hazards: &'static str,
}

impl Labels {
    fn of(language: Language) -> Self {
        match language {
            Language::French => Labels {
                cover: "Couverture",
                contents: "Sommaire",
                untitled: "Livret",
                part: "Partie",
                image: "image : ",
                summary: "Livre numérique textuel, structuré par des titres hiérarchisés, avec une table des matières qui suit le sommaire du manuel et descend jusqu’aux sections de chaque page, et un ordre de lecture logique.",
                all_alt: " Chaque image a une description textuelle.",
                some_alt: " Certaines images n’ont pas de description textuelle.",
                hazards: " Aucun danger connu : ni clignotement, ni son, ni animation.",
            },
            Language::English => Labels {
                cover: "Cover",
                contents: "Contents",
                untitled: "Handbook",
                part: "Part",
                image: "image: ",
                summary: "A textual e-book, structured by nested headings, with a table of contents that follows the handbook's summary down to the sections of each page, and a logical reading order.",
                all_alt: " Every image has a text alternative.",
                some_alt: " Some images have no text alternative.",
                hazards: " No known hazards: no flashing, sound or motion.",
            },
        }
    }
}

fn fail(message: impl std::fmt::Display) -> ExportError {
    ExportError {
        exporter: "epub".to_owned(),
        message: message.to_string(),
    }
}

/// A content document after the first pass.
struct Rendered {
    file: String,
    title: String,
    xhtml: String,
}

/// Cache kinds (see `trace`): a page's first pass with its trace; a content document's
/// compressed entry with the look-ups of its second pass; another compressed entry; the package
/// documents epub-builder writes.
const PAGE_KIND: &str = "epub-page";
const DOCUMENT_KIND: &str = "epub-document";
const ENTRY_KIND: &str = "epub-entry";
const PACKAGE_KIND: &str = "epub-package";

/// A page rendered and through the first pass, with what it asked its links.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct PageRender {
    calls: Vec<trace::Call>,
    xhtml: String,
    ids: BTreeSet<String>,
    images: usize,
    images_without_alt: usize,
}

/// The page's body (title, description, blocks) through the first pass, every question to
/// `links` written down.
fn render(page: &Page, links: &dyn Links, options: &Options, image_word: &str) -> PageRender {
    let recorder = trace::Recorder::new(links);
    let mut body = String::new();
    body.push_str("<section epub:type=\"chapter\" class=\"page\">\n<h1>");
    body.push_str(&escape_text(&page.title));
    body.push_str("</h1>\n");
    if let Some(description) = page
        .front_matter
        .description
        .as_deref()
        .filter(|d| !d.trim().is_empty())
    {
        body.push_str("<p class=\"description\">");
        body.push_str(&escape_text(description.trim()));
        body.push_str("</p>\n");
    }
    body.push_str(&render_page(page, &recorder, options));
    body.push_str("\n</section>");
    let pass = first_pass(&body, image_word);
    PageRender {
        calls: recorder.into_calls(),
        xhtml: pass.xhtml,
        ids: pass.ids,
        images: pass.images,
        images_without_alt: pass.images_without_alt,
    }
}

/// The key of a page's render: the page and everything the renderer reads besides its links.
fn page_key(page: &Page, options: &Options, image_word: &str) -> u128 {
    Digest::new(PAGE_KIND)
        .str(&format!("{options:?}"))
        .str(image_word)
        .value(page)
        .key()
}

/// The one-entry archive of `path` holding `bytes`, from the cache when an earlier build made it.
fn entry(cache: Option<&dyn Cache>, path: &str, bytes: &[u8]) -> Result<Arc<[u8]>, ExportError> {
    let Some(cache) = cache else {
        return package::entry_archive(path, bytes)
            .map(Arc::from)
            .map_err(fail);
    };
    let key = Digest::new(ENTRY_KIND).str(path).bytes(bytes).key();
    if let Some(archive) = cache.get(ENTRY_KIND, key) {
        return Ok(archive);
    }
    let archive = package::entry_archive(path, bytes).map_err(fail)?;
    cache.put(ENTRY_KIND, key, archive.clone());
    Ok(archive.into())
}

/// A content document's entry: second pass, whole document, compressed; from the cache when an
/// earlier build made it from the same first pass and its look-ups find the same now.
fn content_entry(
    cache: Option<&dyn Cache>,
    doc: &Rendered,
    lang: &str,
    ids: &BTreeMap<String, BTreeSet<String>>,
) -> Result<Arc<[u8]>, ExportError> {
    let class = if doc.file.starts_with("part-") {
        "part"
    } else {
        "chapter"
    };
    let path = package::in_package(&doc.file);
    let key = cache.map(|_| {
        Digest::new(DOCUMENT_KIND)
            .str(lang)
            .str(&doc.title)
            .str(class)
            .str(&doc.file)
            .str(&doc.xhtml)
            .key()
    });
    if let (Some(cache), Some(key)) = (cache, key) {
        let kept = livret_cache::get::<KeptDocument>(cache, DOCUMENT_KIND, key).filter(|kept| {
            kept.lookups
                .iter()
                .all(|(file, id, found)| Found::of(ids, file, id) == *found)
        });
        if let Some(kept) = kept {
            return Ok(kept.archive.into());
        }
    }
    let mut lookups = Vec::new();
    let body = second_pass(&doc.xhtml, &doc.file, ids, &mut lookups);
    let xhtml = document(lang, &doc.title, class, &body);
    let archive = package::entry_archive(&path, xhtml.as_bytes()).map_err(fail)?;
    if let (Some(cache), Some(key)) = (cache, key) {
        let kept = KeptDocument { lookups, archive };
        livret_cache::put(cache, DOCUMENT_KIND, key, &kept);
        return Ok(kept.archive.into());
    }
    Ok(archive.into())
}

/// A content document's compressed entry, kept with the look-ups of its second pass: it is used
/// again when every look-up finds the same in this build's ids.
#[derive(Debug, Serialize, Deserialize)]
struct KeptDocument {
    lookups: Vec<Lookup>,
    #[serde(with = "serde_bytes")]
    archive: Vec<u8>,
}

/// The entries epub-builder writes for `spec`, from the cache when an earlier build made them
/// from the same spec (the commit's time included: a new commit runs epub-builder again).
fn skeleton(
    cache: Option<&dyn Cache>,
    spec: &package::Spec,
) -> Result<Vec<package::Entry>, ExportError> {
    let Some(cache) = cache else {
        return package::skeleton(spec).map_err(fail);
    };
    let mut digest = Digest::new(PACKAGE_KIND);
    spec.hash(&mut digest);
    let key = digest.key();
    if let Some(entries) = livret_cache::get(cache, PACKAGE_KIND, key) {
        return Ok(entries);
    }
    let entries = package::skeleton(spec).map_err(fail)?;
    livret_cache::put(cache, PACKAGE_KIND, key, &entries);
    Ok(entries)
}

/// Builds the EPUB of the context's book.
///
/// With a cache in the context, a page whose render an earlier build kept is not rendered again
/// when its links still answer the same (see `trace`), compressed entries are kept by content,
/// and the package documents by everything epub-builder is told: the bytes are the same as
/// without a cache.
pub fn build(context: &ExportContext<'_>) -> Result<Built, ExportError> {
    let book = context.book;
    let cache = context.cache;
    let language = Language::from_tag(&book.meta.language);
    let labels = Labels::of(language);
    let lang = language_tag(&book.meta.language);
    let title = match nav::clean_title(&book.meta.title) {
        title if title.is_empty() => labels.untitled.to_owned(),
        title => title,
    };
    let plan = nav::plan(book);
    let files: Vec<String> = (0..book.pages.len()).map(nav::chapter_file).collect();
    let table = links::Table::new(
        book.pages
            .iter()
            .zip(&files)
            .map(|(page, file)| (page.path.as_str(), file.as_str(), page.title.as_str())),
        Some(context.assets),
    );
    let links = links::EpubLinks::new(&table);
    let mut options = Options::default();
    options.language = language;

    // Every page rendered side by side, or found in the cache. Images are numbered in reading
    // order, so each page rendered here had its own fresh links: what it asked is checked below.
    let mut candidates: Vec<Option<(PageRender, Option<u128>, bool)>> = book
        .pages
        .par_iter()
        .map(|page| {
            let key = cache.map(|_| page_key(page, &options, labels.image));
            if let (Some(cache), Some(key)) = (cache, key) {
                if let Some(found) = livret_cache::get::<PageRender>(cache, PAGE_KIND, key) {
                    return Some((found, Some(key), true));
                }
            }
            let own = links::EpubLinks::new(&table);
            Some((render(page, &own, &options, labels.image), key, false))
        })
        .collect();

    // First pass, in reading order: a candidate is kept when its links answer the same here.
    let mut rendered: Vec<Rendered> = Vec::with_capacity(plan.spine.len());
    let mut ids: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let (mut images, mut images_without_alt) = (0, 0);
    for doc in &plan.spine {
        let (file, title, pass) = match doc {
            nav::Doc::Page(index) => {
                let page = &book.pages[*index];
                let Some((candidate, key, cached)) =
                    candidates.get_mut(*index).and_then(Option::take)
                else {
                    return Err(fail(format!("page {} is twice in the spine", page.path)));
                };
                let before = trace::has_side_effects(&candidate.calls).then(|| links.snapshot());
                let (pass, fresh) = if trace::replay(&candidate.calls, &links) {
                    (candidate, !cached)
                } else {
                    if let Some(before) = before {
                        links.restore(before);
                    }
                    (render(page, &links, &options, labels.image), true)
                };
                if let (Some(cache), Some(key), true) = (cache, key, fresh) {
                    livret_cache::put(cache, PAGE_KIND, key, &pass);
                }
                (files[*index].clone(), page.title.clone(), pass)
            }
            nav::Doc::Part(part) => {
                let pass = first_pass(&part_body(part, labels), labels.image);
                let pass = PageRender {
                    calls: Vec::new(),
                    xhtml: pass.xhtml,
                    ids: pass.ids,
                    images: pass.images,
                    images_without_alt: pass.images_without_alt,
                };
                (part.file.clone(), part.title.clone(), pass)
            }
        };
        images += pass.images;
        images_without_alt += pass.images_without_alt;
        ids.insert(file.clone(), pass.ids);
        rendered.push(Rendered {
            file,
            title,
            xhtml: pass.xhtml,
        });
    }

    let identifier = package::identifier(&book.meta);
    let time = package::commit_time(&book.meta);
    let creator = book
        .meta
        .author
        .as_deref()
        .or(book.meta.organisation.as_deref());
    // The cover: the configured image when the book has it in a core type, else generated.
    let cover_image = cover_image(context.settings, context);
    // A cover image is an image too (its alt text is the title).
    let images = images + usize::from(cover_image.is_some());
    let accessibility = accessibility(images, images_without_alt, labels);
    let cover_body = match &cover_image {
        Some((file, _, _)) => format!(
            "<section epub:type=\"cover\" class=\"cover\">\n<img src=\"{}\" alt=\"{}\"/>\n</section>",
            escape_attribute(file),
            escape_attribute(&title)
        ),
        None => generated_cover(book, &title),
    };
    let cover = document(lang, labels.cover, "cover", &cover_body);

    let mut contents = vec![package::Content {
        toc: package::NavEntry {
            url: COVER_FILE.to_owned(),
            title: labels.cover.to_owned(),
            children: Vec::new(),
        },
        cover: true,
        text: false,
    }];
    let (mut chapters, mut parts) = (0, 0);
    for (index, doc) in rendered.iter().enumerate() {
        if doc.file.starts_with("part-") {
            parts += 1;
        } else {
            chapters += 1;
        }
        contents.push(package::Content {
            toc: match plan.top.get(&doc.file) {
                Some(node) => node.element(&ids),
                None => package::NavEntry {
                    url: doc.file.clone(),
                    title: String::new(),
                    children: Vec::new(),
                },
            },
            cover: false,
            text: index == 0,
        });
    }
    let embedded = links.embedded();
    let spec = package::Spec {
        identifier,
        time,
        title: title.clone(),
        language: lang.to_owned(),
        toc_name: labels.contents.to_owned(),
        description: book
            .meta
            .subtitle
            .as_deref()
            .filter(|s| !s.trim().is_empty())
            .map(nav::clean_title),
        author: creator
            .filter(|c| !c.trim().is_empty())
            .map(nav::clean_title),
        metadata: accessibility
            .iter()
            .map(|(property, value)| ((*property).to_owned(), escape_text(value)))
            .collect(),
        cover_image: cover_image
            .as_ref()
            .map(|(file, media_type, _)| (file.clone(), (*media_type).to_owned())),
        contents,
        resources: embedded
            .iter()
            .map(|image| (image.file.clone(), image.media_type.to_owned()))
            .collect(),
        publisher: book
            .meta
            .organisation
            .as_deref()
            .filter(|o| !o.trim().is_empty())
            .map(nav::clean_title),
        depth: plan.depth + 1,
    };

    // The exporter's files: second pass (fragments checked against every document's ids) and
    // compression side by side; then the package documents; then the archive, in epub-builder's order.
    let mut ours: Vec<(String, Cow<'_, [u8]>)> = vec![
        (
            package::in_package("stylesheet.css"),
            Cow::Borrowed(STYLESHEET.as_bytes()),
        ),
        (
            package::in_package(COVER_FILE),
            Cow::Owned(cover.into_bytes()),
        ),
    ];
    if let Some((file, _, bytes)) = &cover_image {
        ours.push((package::in_package(file), Cow::Borrowed(bytes.as_slice())));
    }
    for image in &embedded {
        let bytes = context
            .assets
            .files
            .get(&image.source)
            .ok_or_else(|| fail(format!("the bytes of {} went missing", image.source)))?;
        ours.push((
            package::in_package(&image.file),
            Cow::Borrowed(bytes.as_slice()),
        ));
    }
    let (documents, skeleton) = rayon::join(
        || {
            rendered
                .par_iter()
                .map(|doc| {
                    let path = package::in_package(&doc.file);
                    content_entry(cache, doc, lang, &ids).map(|archive| (path, archive))
                })
                .chain(ours.par_iter().map(|(path, bytes)| {
                    entry(cache, path, bytes).map(|archive| (path.clone(), archive))
                }))
                .collect::<Result<HashMap<String, Arc<[u8]>>, ExportError>>()
        },
        || skeleton(cache, &spec),
    );
    let mut documents = documents?;
    let skeleton_entries = skeleton?;
    // The package documents (the navigation is large) compressed side by side too.
    let generated: Vec<Option<Arc<[u8]>>> = skeleton_entries
        .par_iter()
        .map(|package::Entry { path, generated }| {
            generated
                .as_ref()
                .map(|bytes| entry(cache, path, bytes))
                .transpose()
        })
        .collect::<Result<_, _>>()?;
    let mut entries = Vec::new();
    for (package::Entry { path, .. }, archive) in skeleton_entries.iter().zip(generated) {
        let archive = match archive {
            Some(archive) => archive,
            None => documents
                .remove(path)
                .ok_or_else(|| fail(format!("epub-builder wrote {path}, unknown to livret")))?,
        };
        entries.push((path.clone(), archive));
    }
    let bytes = package::assemble(&entries, package::zip_time(time)).map_err(fail)?;
    Ok(Built {
        bytes,
        chapters,
        parts,
        images: links.counts(),
        cover_image: cover_image.is_some(),
    })
}

/// The book's language when it is a well-formed BCP 47 tag (`und`, undetermined, otherwise:
/// EPUB requires a well-formed tag, and livret.yaml may hold anything).
fn language_tag(tag: &str) -> &str {
    let tag = tag.trim();
    let mut subtags = tag.split('-');
    let primary_ok = subtags
        .next()
        .is_some_and(|p| (2..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphabetic()));
    let rest_ok =
        subtags.all(|s| (1..=8).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric()));
    if primary_ok && rest_ok {
        tag
    } else {
        "und"
    }
}

/// EPUB Accessibility 1.1 properties, true of what was written.
fn accessibility(
    images: usize,
    images_without_alt: usize,
    labels: Labels,
) -> Vec<(&'static str, String)> {
    let mut out = vec![("schema:accessMode", "textual".to_owned())];
    if images > 0 {
        out.push(("schema:accessMode", "visual".to_owned()));
    }
    if images_without_alt == 0 {
        out.push(("schema:accessModeSufficient", "textual".to_owned()));
    } else {
        out.push(("schema:accessModeSufficient", "textual,visual".to_owned()));
    }
    for feature in ["structuralNavigation", "tableOfContents", "readingOrder"] {
        out.push(("schema:accessibilityFeature", feature.to_owned()));
    }
    if images > 0 && images_without_alt == 0 {
        out.push(("schema:accessibilityFeature", "alternativeText".to_owned()));
    }
    out.push(("schema:accessibilityHazard", "none".to_owned()));
    let mut summary = labels.summary.to_owned();
    if images > 0 {
        summary.push_str(if images_without_alt == 0 {
            labels.all_alt
        } else {
            labels.some_alt
        });
    }
    summary.push_str(labels.hazards);
    out.push(("schema:accessibilitySummary", summary));
    out
}

/// The configured cover image (`pdf.cover_image`, a path in the book) when it is in the assets
/// and of a core image type: (file in the EPUB, media type, bytes).
fn cover_image<'c>(
    settings: &Settings,
    context: &'c ExportContext<'_>,
) -> Option<(String, &'static str, &'c Vec<u8>)> {
    let path = settings.pdf.cover_image.as_deref()?;
    let path = path.trim().trim_start_matches("./").trim_start_matches('/');
    let bytes = context.assets.files.get(path)?;
    let (media_type, extension) = links::core_image_type(bytes)?;
    Some((format!("images/cover.{extension}"), media_type, bytes))
}

/// A cover page from the book's title, subtitle, author and organisation.
fn generated_cover(book: &Book, title: &str) -> String {
    let mut out = String::from("<section epub:type=\"cover\" class=\"cover generated-cover\">\n");
    out.push_str(&format!(
        "<h1 class=\"cover-title\">{}</h1>\n",
        escape_text(title)
    ));
    let lines = [
        ("cover-subtitle", &book.meta.subtitle),
        ("cover-author", &book.meta.author),
        ("cover-organisation", &book.meta.organisation),
    ];
    for (class, text) in lines {
        if let Some(text) = text.as_deref().filter(|t| !t.trim().is_empty()) {
            out.push_str(&format!("<p class=\"{class}\">{}</p>\n", escape_text(text)));
        }
    }
    out.push_str("</section>");
    out
}

/// A part's document: its number, its title and its entries.
fn part_body(part: &nav::Part, labels: Labels) -> String {
    let mut out = String::from("<section epub:type=\"part\" class=\"part\">\n");
    out.push_str(&format!(
        "<p class=\"part-number\">{} {}</p>\n<h1>{}</h1>\n",
        labels.part,
        part.number,
        escape_text(&part.title)
    ));
    if !part.entries.is_empty() {
        out.push_str("<ol class=\"part-contents\">\n");
        for (file, title) in &part.entries {
            out.push_str(&format!(
                "<li><a href=\"{}\">{}</a></li>\n",
                escape_attribute(file),
                escape_text(title)
            ));
        }
        out.push_str("</ol>\n");
    }
    out.push_str("</section>");
    out
}
