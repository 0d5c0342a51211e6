//! The package around the documents: a stable identifier, dates from the commit, the few
//! metadata epub-builder cannot write, and the archive re-packed so that the same revision always
//! gives the same bytes.

use chrono::{DateTime, Datelike, Timelike, Utc};
use epub_builder::{
    EpubBuilder, EpubContent, EpubVersion, MetadataOpfV3, ReferenceType, TocElement, ZipLibrary,
};
use livret_html::escape_text;
use livret_model::BookMeta;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::io::{Cursor, Read, Write};
use std::sync::Arc;
use uuid::Uuid;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

pub(crate) const OPF: &str = "OEBPS/content.opf";
pub(crate) const NAV: &str = "OEBPS/nav.xhtml";
pub(crate) const NCX: &str = "OEBPS/toc.ncx";
pub(crate) const MIMETYPE: &str = "mimetype";

/// A name-based (v5) UUID: from `base_url` when the book has one, else from its title.
pub(crate) fn identifier(meta: &BookMeta) -> Uuid {
    match meta
        .base_url
        .as_deref()
        .map(str::trim)
        .filter(|u| !u.is_empty())
    {
        Some(url) => Uuid::new_v5(&Uuid::NAMESPACE_URL, url.as_bytes()),
        None => Uuid::new_v5(
            &Uuid::NAMESPACE_URL,
            format!("urn:livret:book:{}", meta.title.trim()).as_bytes(),
        ),
    }
}

/// The commit time in UTC (the epoch if it cannot be represented).
pub(crate) fn commit_time(meta: &BookMeta) -> DateTime<Utc> {
    DateTime::from_timestamp(meta.revision.time, 0).unwrap_or_default()
}

/// The commit time as a ZIP (MS-DOS) time, which only holds 1980 to 2107.
pub(crate) fn zip_time(time: DateTime<Utc>) -> zip::DateTime {
    let narrow = |n: u32| u8::try_from(n).unwrap_or(0);
    u16::try_from(time.year())
        .ok()
        .and_then(|year| {
            zip::DateTime::from_date_and_time(
                year,
                narrow(time.month()),
                narrow(time.day()),
                narrow(time.hour()),
                narrow(time.minute()),
                narrow(time.second()),
            )
            .ok()
        })
        .unwrap_or_default()
}

/// An entry of the navigation as epub-builder gets it (fragments already checked).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct NavEntry {
    pub url: String,
    pub title: String,
    pub children: Vec<NavEntry>,
}

impl NavEntry {
    fn element(&self) -> TocElement {
        self.children.iter().fold(
            TocElement::new(self.url.clone(), self.title.clone()),
            |element, child| element.child(child.element()),
        )
    }
}

/// A content document as epub-builder gets it, its bytes aside.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Content {
    pub toc: NavEntry,
    pub cover: bool,
    pub text: bool,
}

/// Everything epub-builder is told, except the bytes of the files: it only writes those, so the
/// package documents (OPF, NCX, navigation) depend on this alone, and are kept by its digest.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Spec {
    pub identifier: Uuid,
    pub time: DateTime<Utc>,
    pub title: String,
    pub language: String,
    pub toc_name: String,
    pub description: Option<String>,
    pub author: Option<String>,
    /// `<meta property>` and their already escaped values.
    pub metadata: Vec<(String, String)>,
    /// (file, media type) of the cover image.
    pub cover_image: Option<(String, String)>,
    pub contents: Vec<Content>,
    /// (file, media type) of the embedded images.
    pub resources: Vec<(String, String)>,
    pub publisher: Option<String>,
    pub depth: usize,
}

/// An entry of the archive in order: its path, and its bytes when epub-builder wrote them (the
/// package documents) rather than the exporter (content documents, stylesheet, images).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Entry {
    pub path: String,
    #[serde(with = "serde_bytes")]
    pub generated: Option<Vec<u8>>,
}

/// The path in the archive of a file of the package.
pub(crate) fn in_package(file: &str) -> String {
    format!("OEBPS/{file}")
}

/// Runs epub-builder with every file empty, then reads back what it wrote: the archive's entries
/// in order, with the package documents edited (see [`edit_opf`], [`edit_nav`], [`edit_ncx`]).
pub(crate) fn skeleton(spec: &Spec) -> Result<Vec<Entry>, String> {
    let error = |e: epub_builder::Error| e.to_string();
    let empty: &[u8] = &[];
    let mut builder = EpubBuilder::new(ZipLibrary::new().map_err(error)?).map_err(error)?;
    builder.epub_version(EpubVersion::V30);
    builder.set_uuid(spec.identifier);
    builder.set_modified_date(spec.time);
    builder.set_publication_date(spec.time);
    builder.set_title(spec.title.as_str());
    builder.add_language(spec.language.as_str());
    builder.set_generator("livret");
    builder.set_toc_name(spec.toc_name.as_str());
    if let Some(description) = &spec.description {
        builder.add_description(description.as_str());
    }
    if let Some(author) = &spec.author {
        builder.add_author(author.as_str());
    }
    for (property, value) in &spec.metadata {
        builder.add_metadata_opf(Box::new(MetadataOpfV3::new(
            property.clone(),
            value.clone(),
        )));
    }
    builder.stylesheet(empty).map_err(error)?;
    if let Some((file, media_type)) = &spec.cover_image {
        builder
            .add_cover_image(file.as_str(), empty, media_type.as_str())
            .map_err(error)?;
    }
    let mut ours: HashSet<String> = HashSet::new();
    ours.insert(in_package("stylesheet.css"));
    ours.extend(spec.cover_image.iter().map(|(file, _)| in_package(file)));
    for content in &spec.contents {
        let mut document = EpubContent::new(content.toc.url.as_str(), empty);
        document.toc = content.toc.element();
        if content.cover {
            document = document.reftype(ReferenceType::Cover);
        } else if content.text {
            document = document.reftype(ReferenceType::Text);
        }
        ours.insert(in_package(&content.toc.url));
        builder.add_content(document).map_err(error)?;
    }
    for (file, media_type) in &spec.resources {
        builder
            .add_resource(file.as_str(), empty, media_type.as_str())
            .map_err(error)?;
        ours.insert(in_package(file));
    }
    let mut bytes = Vec::new();
    builder.generate(&mut bytes).map_err(error)?;

    let urn = format!("urn:uuid:{}", spec.identifier);
    let zip_error =
        |e: zip::result::ZipError| format!("could not read epub-builder's archive: {e}");
    let mut archive = ZipArchive::new(Cursor::new(&bytes)).map_err(zip_error)?;
    let mut entries = Vec::with_capacity(archive.len());
    for index in 0..archive.len() {
        let mut file = archive.by_index(index).map_err(zip_error)?;
        let path = file.name().to_owned();
        if ours.contains(&path) {
            entries.push(Entry {
                path,
                generated: None,
            });
            continue;
        }
        let mut content = Vec::new();
        file.read_to_end(&mut content)
            .map_err(|e| format!("could not read {path}: {e}"))?;
        let edited = match path.as_str() {
            OPF | NAV | NCX => {
                let text = String::from_utf8(content)
                    .map_err(|_| format!("{path} from epub-builder is not UTF-8"))?;
                match path.as_str() {
                    OPF => edit_opf(&text, spec.publisher.as_deref())?,
                    NAV => edit_nav(&text, &spec.language)?,
                    _ => edit_ncx(&text, &urn, &spec.title, &spec.language, spec.depth)?,
                }
                .into_bytes()
            }
            _ => content,
        };
        entries.push(Entry {
            path,
            generated: Some(edited),
        });
    }
    Ok(entries)
}

/// An archive of one entry, `path` with `bytes` (deflated, or stored for the `mimetype`), whose
/// compressed bytes are copied into the EPUB as they are. Its date is the epoch of ZIP; the copy
/// gets the commit's.
pub(crate) fn entry_archive(path: &str, bytes: &[u8]) -> Result<Vec<u8>, String> {
    let error = |e: zip::result::ZipError| format!("could not compress {path}: {e}");
    let method = if path == MIMETYPE {
        CompressionMethod::Stored
    } else {
        CompressionMethod::Deflated
    };
    let options = SimpleFileOptions::default()
        .compression_method(method)
        .last_modified_time(zip::DateTime::default());
    let mut writer = ZipWriter::new(Cursor::new(Vec::with_capacity(bytes.len() / 2 + 256)));
    writer.start_file(path, options).map_err(error)?;
    writer
        .write_all(bytes)
        .map_err(|e| format!("could not compress {path}: {e}"))?;
    Ok(writer.finish().map_err(error)?.into_inner())
}

/// The EPUB: `entries` in order, each copied from its one-entry archive (`archives` by path for
/// the exporter's files, `generated` for epub-builder's) with `time` and mode 644.
pub(crate) fn assemble(
    entries: &[(String, Arc<[u8]>)],
    time: zip::DateTime,
) -> Result<Vec<u8>, String> {
    let error = |e: zip::result::ZipError| format!("could not write the archive: {e}");
    let size = entries
        .iter()
        .map(|(_, archive)| archive.len())
        .sum::<usize>();
    let mut writer = ZipWriter::new(Cursor::new(Vec::with_capacity(size + 4096)));
    for (path, archive) in entries {
        let mut archive = ZipArchive::new(Cursor::new(&archive[..]))
            .map_err(|e| format!("a damaged archive for {path}: {e}"))?;
        let file = archive.by_index_raw(0).map_err(error)?;
        if file.name() != path {
            return Err(format!("the archive for {path} holds {}", file.name()));
        }
        writer
            .raw_copy_file_touch(file, time, Some(0o644))
            .map_err(error)?;
    }
    Ok(writer.finish().map_err(error)?.into_inner())
}

/// `text` with `new` put just before the first `anchor`; an error if the anchor is missing
/// (a new epub-builder template, to be looked at).
fn insert_before(text: &str, anchor: &str, new: &str, file: &str) -> Result<String, String> {
    let index = text
        .find(anchor)
        .ok_or_else(|| format!("unexpected {file} from epub-builder: no `{anchor}`"))?;
    let mut out = String::with_capacity(text.len() + new.len());
    out.push_str(&text[..index]);
    out.push_str(new);
    out.push_str(&text[index..]);
    Ok(out)
}

/// The package document: languages get their own ids (epub-builder numbers them like the
/// creators, which gives duplicate ids), and the publisher is added.
pub(crate) fn edit_opf(opf: &str, publisher: Option<&str>) -> Result<String, String> {
    let opf = opf.replace(
        "<dc:language id=\"epub-creator-",
        "<dc:language id=\"epub-language-",
    );
    match publisher {
        Some(publisher) => insert_before(
            &opf,
            "<meta property=\"dcterms:modified\">",
            &format!(
                "<dc:publisher>{}</dc:publisher>\n    ",
                escape_text(publisher)
            ),
            "content.opf",
        ),
        None => Ok(opf),
    }
}

/// The navigation document gets the book's language.
pub(crate) fn edit_nav(nav: &str, language: &str) -> Result<String, String> {
    let language = livret_html::escape_attribute(language);
    let anchor = "<html xmlns=\"http://www.w3.org/1999/xhtml\"";
    insert_before(nav, anchor, "", "nav.xhtml")?;
    Ok(nav.replacen(
        anchor,
        &format!("{anchor} xml:lang=\"{language}\" lang=\"{language}\""),
        1,
    ))
}

/// The NCX gets the book's identifier, title, language and the depth of its tree.
pub(crate) fn edit_ncx(
    ncx: &str,
    identifier: &str,
    title: &str,
    language: &str,
    depth: usize,
) -> Result<String, String> {
    let language = livret_html::escape_attribute(language);
    let depth_meta = "<meta name=\"dtb:depth\" content=\"1\" />";
    let ncx = insert_before(ncx, depth_meta, "", "toc.ncx")?.replacen(
        depth_meta,
        &format!(
            "<meta name=\"dtb:uid\" content=\"{}\" />\n    <meta name=\"dtb:depth\" content=\"{depth}\" />",
            livret_html::escape_attribute(identifier)
        ),
        1,
    );
    let root = "<ncx version=\"2005-1\"";
    let ncx = insert_before(&ncx, root, "", "toc.ncx")?.replacen(
        root,
        &format!("{root} xml:lang=\"{language}\""),
        1,
    );
    let start = ncx
        .find("<docTitle>")
        .ok_or("unexpected toc.ncx from epub-builder: no <docTitle>")?;
    let end = ncx[start..]
        .find("</docTitle>")
        .map(|i| start + i + "</docTitle>".len())
        .ok_or("unexpected toc.ncx from epub-builder: no </docTitle>")?;
    Ok(format!(
        "{}<docTitle>\n    <text>{}</text>\n  </docTitle>{}",
        &ncx[..start],
        escape_text(title),
        &ncx[end..]
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use livret_model::Revision;

    fn meta(base_url: Option<&str>) -> BookMeta {
        BookMeta {
            title: "Livret".to_owned(),
            subtitle: None,
            author: None,
            organisation: None,
            language: "fr".to_owned(),
            base_url: base_url.map(str::to_owned),
            root: String::new(),
            revision: Revision {
                id: "0".repeat(40),
                time: 1_709_283_600,
                offset_minutes: 60,
                shallow: false,
            },
        }
    }

    #[test]
    fn identifiers_are_name_based_and_stable() {
        let from_url = identifier(&meta(Some("https://livret.example.org/")));
        assert_eq!(from_url.get_version_num(), 5);
        assert_eq!(
            from_url,
            identifier(&meta(Some("https://livret.example.org/")))
        );
        // The v5 UUID of this URL in the URL namespace, as Python's uuid.uuid5 computes it.
        assert_eq!(
            Uuid::new_v5(&Uuid::NAMESPACE_URL, b"http://www.example.com/").to_string(),
            "fcde3c85-2270-590f-9e7c-ee003d65e0e2"
        );
        assert_ne!(from_url, identifier(&meta(None)));
    }

    #[test]
    fn zip_time_is_the_commit_time_in_utc() {
        let time = zip_time(commit_time(&meta(None)));
        assert_eq!(
            (
                time.year(),
                time.month(),
                time.day(),
                time.hour(),
                time.minute(),
                time.second()
            ),
            (2024, 3, 1, 9, 0, 0)
        );
        let before_dos = zip_time(DateTime::from_timestamp(0, 0).unwrap_or_default());
        assert_eq!(before_dos, zip::DateTime::default());
    }

    #[test]
    fn opf_edits_fix_ids_and_add_the_publisher() {
        let opf = "<dc:language id=\"epub-creator-0\">fr</dc:language>\n    <dc:creator id=\"epub-creator-0\">A</dc:creator>\n    <meta property=\"dcterms:modified\">x</meta>";
        let edited = edit_opf(opf, Some("La Fabrique & co")).unwrap();
        assert!(edited.contains("<dc:language id=\"epub-language-0\">fr</dc:language>"));
        assert!(edited.contains("<dc:creator id=\"epub-creator-0\">A</dc:creator>"));
        assert!(edited.contains(
            "<dc:publisher>La Fabrique &amp; co</dc:publisher>\n    <meta property=\"dcterms:modified\">"
        ));
        assert!(edit_opf("<package/>", Some("x")).is_err());
    }
}
