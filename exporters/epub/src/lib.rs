//! livret's epub exporter: a valid, accessible EPUB 3 of the whole handbook.
//!
//! One XHTML document per page in SUMMARY order (rendered by livret-html), a short document per
//! titled SUMMARY group (a part), a cover, a navigation document and an NCX that mirror SUMMARY
//! and each page's sections, the images the pages show (PNG, JPEG, GIF), and metadata that is
//! true of the file: a stable identifier, dates from the commit, EPUB Accessibility properties.
//! epub-builder writes the package; the archive is then re-packed with the commit's time on every
//! entry, so the same revision always gives the same bytes.

mod document;
mod links;
mod nav;
mod package;
#[cfg(test)]
mod tests;

pub use links::ImageCounts;

use document::{document, first_pass, second_pass};
use epub_builder::{
    EpubBuilder, EpubContent, EpubVersion, MetadataOpfV3, ReferenceType, ZipLibrary,
};
use livret_html::{escape_attribute, escape_text, render_page, Language, Options};
use livret_model::{Book, ExportContext, ExportError, Exporter, Needs, OutputFile, Settings};
use std::collections::{BTreeMap, BTreeSet};

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

    fn needs(&self) -> Needs {
        Needs::assets()
    }

    fn export(&self, context: &ExportContext<'_>) -> Result<Vec<OutputFile>, ExportError> {
        let built = build(context)?;
        Ok(vec![OutputFile {
            name: FILE_NAME.to_owned(),
            bytes: built.bytes,
        }])
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
            Language::Fr => Labels {
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
            Language::En => Labels {
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

/// A rendered content document.
struct Rendered {
    file: String,
    title: String,
    xhtml: String,
}

/// Builds the EPUB of the context's book.
pub fn build(context: &ExportContext<'_>) -> Result<Built, ExportError> {
    let book = context.book;
    let language = Language::from_tag(&book.meta.language);
    let labels = Labels::of(language);
    let lang = language_tag(&book.meta.language);
    let title = match nav::clean_title(&book.meta.title) {
        title if title.is_empty() => labels.untitled.to_owned(),
        title => title,
    };
    let plan = nav::plan(book);
    let files: Vec<String> = (0..book.pages.len()).map(nav::chapter_file).collect();
    let links = links::EpubLinks::new(
        book.pages
            .iter()
            .zip(&files)
            .map(|(page, file)| (page.path.as_str(), file.as_str(), page.title.as_str())),
        context.assets,
    );
    let mut options = Options::default();
    options.language = language;

    // First pass: every document rendered, remote images made links, ids collected.
    let mut rendered: Vec<Rendered> = Vec::with_capacity(plan.spine.len());
    let mut ids: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let (mut images, mut images_without_alt) = (0, 0);
    for doc in &plan.spine {
        let (file, title, body) = match doc {
            nav::Doc::Page(index) => {
                let page = &book.pages[*index];
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
                body.push_str(&render_page(page, &links, &options));
                body.push_str("\n</section>");
                (files[*index].clone(), page.title.clone(), body)
            }
            nav::Doc::Part(part) => (
                part.file.clone(),
                part.title.clone(),
                part_body(part, labels),
            ),
        };
        let pass = first_pass(&body, labels.image);
        images += pass.images;
        images_without_alt += pass.images_without_alt;
        ids.insert(file.clone(), pass.ids);
        rendered.push(Rendered {
            file,
            title,
            xhtml: pass.xhtml,
        });
    }

    let mut builder = EpubBuilder::new(ZipLibrary::new().map_err(fail)?).map_err(fail)?;
    builder.epub_version(EpubVersion::V30);
    let identifier = package::identifier(&book.meta);
    let time = package::commit_time(&book.meta);
    builder.set_uuid(identifier);
    builder.set_modified_date(time);
    builder.set_publication_date(time);
    builder.set_title(title.as_str());
    builder.add_language(lang);
    builder.set_generator("livret");
    builder.set_toc_name(labels.contents);
    if let Some(subtitle) = book
        .meta
        .subtitle
        .as_deref()
        .filter(|s| !s.trim().is_empty())
    {
        builder.add_description(nav::clean_title(subtitle));
    }
    let creator = book
        .meta
        .author
        .as_deref()
        .or(book.meta.organisation.as_deref());
    if let Some(creator) = creator.filter(|c| !c.trim().is_empty()) {
        builder.add_author(nav::clean_title(creator));
    }
    // The cover: the configured image when the book has it in a core type, else generated.
    let cover_image = cover_image(context.settings, context);
    // A cover image is an image too (its alt text is the title).
    let images = images + usize::from(cover_image.is_some());
    let accessibility = accessibility(images, images_without_alt, labels);
    for (property, value) in &accessibility {
        builder.add_metadata_opf(Box::new(MetadataOpfV3::new(
            (*property).to_owned(),
            escape_text(value),
        )));
    }
    builder.stylesheet(STYLESHEET.as_bytes()).map_err(fail)?;

    let cover_body = match &cover_image {
        Some((file, media_type, bytes)) => {
            builder
                .add_cover_image(file.as_str(), bytes.as_slice(), *media_type)
                .map_err(fail)?;
            format!(
                "<section epub:type=\"cover\" class=\"cover\">\n<img src=\"{}\" alt=\"{}\"/>\n</section>",
                escape_attribute(file),
                escape_attribute(&title)
            )
        }
        None => generated_cover(book, &title),
    };
    let cover = document(lang, labels.cover, "cover", &cover_body);
    builder
        .add_content(
            EpubContent::new(COVER_FILE, cover.as_bytes())
                .title(labels.cover)
                .reftype(ReferenceType::Cover),
        )
        .map_err(fail)?;

    // Second pass: fragments checked against every document's ids; documents added in order.
    let mut chapters = 0;
    let mut parts = 0;
    for (index, doc) in rendered.iter().enumerate() {
        let body = second_pass(&doc.xhtml, &doc.file, &ids);
        let class = if doc.file.starts_with("part-") {
            parts += 1;
            "part"
        } else {
            chapters += 1;
            "chapter"
        };
        let xhtml = document(lang, &doc.title, class, &body);
        let mut content = EpubContent::new(doc.file.as_str(), xhtml.as_bytes());
        if let Some(node) = plan.top.get(&doc.file) {
            content.toc = node.element(&ids);
        }
        if index == 0 {
            content = content.reftype(ReferenceType::Text);
        }
        builder.add_content(content).map_err(fail)?;
    }
    for image in links.embedded() {
        let bytes = context
            .assets
            .and_then(|assets| assets.files.get(&image.source))
            .ok_or_else(|| fail(format!("the bytes of {} went missing", image.source)))?;
        builder
            .add_resource(image.file.as_str(), bytes.as_slice(), image.media_type)
            .map_err(fail)?;
    }

    let mut bytes = Vec::new();
    builder.generate(&mut bytes).map_err(fail)?;
    let urn = format!("urn:uuid:{identifier}");
    let publisher = book
        .meta
        .organisation
        .as_deref()
        .filter(|o| !o.trim().is_empty());
    let bytes = package::repack(
        &bytes,
        package::zip_time(time),
        &[package::OPF, package::NAV, package::NCX],
        |name, text| match name {
            package::OPF => package::edit_opf(&text, publisher.map(nav::clean_title).as_deref()),
            package::NAV => package::edit_nav(&text, lang),
            _ => package::edit_ncx(&text, &urn, &title, lang, plan.depth + 1),
        },
    )
    .map_err(fail)?;
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
    let bytes = context.assets?.files.get(path)?;
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
