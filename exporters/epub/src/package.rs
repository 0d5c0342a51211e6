//! The package around the documents: a stable identifier, dates from the commit, the package
//! documents epub-builder writes (with what it cannot write, see [`complete`]), and the archive,
//! with the commit's time on every entry so that the same revision always gives the same bytes.

use epub_builder::{
    EpubBuilder, EpubContent, EpubVersion, MetadataOpfV3, ReferenceType, TocElement, ZipLibrary,
};
use livret_html::{escape_attribute, escape_text};
use livret_model::BookMeta;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::io::{Cursor, Read, Write};
use std::sync::Arc;
use time::OffsetDateTime;
use uuid::Uuid;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

const OPF: &str = "OEBPS/content.opf";
const NAV: &str = "OEBPS/nav.xhtml";
const NCX: &str = "OEBPS/toc.ncx";
const MIMETYPE: &str = "mimetype";

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

/// The commit time in UTC (the epoch if it is not within years -9999 to 9999).
pub(crate) fn commit_time(meta: &BookMeta) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(meta.revision.time).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// The commit time as a ZIP (MS-DOS) time, which only holds 1980 to 2107.
pub(crate) fn zip_time(time: OffsetDateTime) -> zip::DateTime {
    u16::try_from(time.year())
        .ok()
        .and_then(|year| {
            zip::DateTime::from_date_and_time(
                year,
                time.month().into(),
                time.day(),
                time.hour(),
                time.minute(),
                time.second(),
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
    pub time: OffsetDateTime,
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

/// Runs epub-builder with the exporter's files empty: the archive's entries in order, the
/// package documents as [`complete`] makes them.
pub(crate) fn skeleton(spec: &Spec) -> Result<Vec<Entry>, String> {
    let error = |e: epub_builder::Error| e.to_string();
    let empty: &[u8] = &[];
    let mut builder = EpubBuilder::new(ZipLibrary::new().map_err(error)?).map_err(error)?;
    builder.epub_version(EpubVersion::V30);
    builder.set_uuid(spec.identifier);
    // epub-builder takes chrono's time, which converts from the standard library's.
    let time = std::time::SystemTime::from(spec.time);
    builder.set_modified_date(time.into());
    builder.set_publication_date(time.into());
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
    for content in &spec.contents {
        let mut document = EpubContent::new(content.toc.url.as_str(), empty);
        document.toc = content.toc.element();
        if content.cover {
            document = document.reftype(ReferenceType::Cover);
        } else if content.text {
            document = document.reftype(ReferenceType::Text);
        }
        builder.add_content(document).map_err(error)?;
    }
    for (file, media_type) in &spec.resources {
        builder
            .add_resource(file.as_str(), empty, media_type.as_str())
            .map_err(error)?;
    }
    let mut bytes = Vec::new();
    builder.generate(&mut bytes).map_err(error)?;
    let mut ours: HashSet<String> = HashSet::new();
    ours.insert(in_package("stylesheet.css"));
    ours.extend(spec.cover_image.iter().map(|(file, _)| in_package(file)));
    ours.extend(spec.contents.iter().map(|c| in_package(&c.toc.url)));
    ours.extend(spec.resources.iter().map(|(file, _)| in_package(file)));
    complete(&bytes, &ours, spec)
}

/// The entries of epub-builder's `archive` in order (the exporter's files, `ours`, without
/// bytes), with what epub-builder 0.8.3 cannot do done here:
/// - it only writes whole archives: its `Zip` trait is private (`mod zip` is not exported), its
///   `render_opf`, `render_toc` and `render_nav` too, and its one in-memory `Zip`, `ZipLibrary`,
///   gives every entry zip's default time (the current time with zip's `time` feature,
///   1980-01-01 without) and compresses one entry after another. So it is given empty files,
///   its package documents are read back here, and the exporter writes the EPUB
///   ([`assemble`]): entries compressed side by side, kept in the cache, dated by the commit;
/// - its templates are compiled in (`src/templates.rs`, no API or feature takes others), and
///   `content.opf` has no publisher (`metadata` knows no such key, `add_metadata_opf` writes
///   `<meta>` elements only, and the `MetadataRenderer` it takes is not exported): it is put
///   before `dcterms:modified`; `content.opf` numbers the `<dc:language>` ids like the
///   creators' (`epub-creator-N`, a duplicate id in a book with an author): they become
///   `epub-language-N`; `nav.xhtml` has no language on `<html>`: it gets `xml:lang` and
///   `lang`; `toc.ncx` has no `dtb:uid` (it gets the identifier), a `dtb:depth` of 1 whatever
///   the tree (it gets the depth), no `xml:lang` on `<ncx>` (it gets it), and the name of the
///   table of contents as its `<docTitle>` (it gets the book's title).
///
/// A piece of template that is not there is an error: a new epub-builder, to be looked at.
fn complete(archive: &[u8], ours: &HashSet<String>, spec: &Spec) -> Result<Vec<Entry>, String> {
    let zip_error =
        |e: zip::result::ZipError| format!("could not read epub-builder's archive: {e}");
    let mut archive = ZipArchive::new(Cursor::new(archive)).map_err(zip_error)?;
    let language = escape_attribute(&spec.language);
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
        if ![OPF, NAV, NCX].contains(&path.as_str()) {
            entries.push(Entry {
                path,
                generated: Some(content),
            });
            continue;
        }
        let text = String::from_utf8(content)
            .map_err(|_| format!("{path} from epub-builder is not UTF-8"))?;
        let missing = |piece: &str| format!("unexpected {path} from epub-builder: no `{piece}`");
        // The first `old` in `text` replaced by `new`.
        let replace = |text: &str, old: &str, new: &str| match text.find(old) {
            Some(at) => Ok(format!("{}{new}{}", &text[..at], &text[at + old.len()..])),
            None => Err(missing(old)),
        };
        let text = match path.as_str() {
            OPF => {
                let opf = text.replace(
                    "<dc:language id=\"epub-creator-",
                    "<dc:language id=\"epub-language-",
                );
                match spec.publisher.as_deref() {
                    Some(publisher) => {
                        let modified = "<meta property=\"dcterms:modified\">";
                        let publisher = escape_text(publisher);
                        let new =
                            format!("<dc:publisher>{publisher}</dc:publisher>\n    {modified}");
                        replace(&opf, modified, &new)?
                    }
                    None => opf,
                }
            }
            NAV => {
                let root = "<html xmlns=\"http://www.w3.org/1999/xhtml\"";
                let new = format!("{root} xml:lang=\"{language}\" lang=\"{language}\"");
                replace(&text, root, &new)?
            }
            _ => {
                let uid = escape_attribute(&format!("urn:uuid:{}", spec.identifier));
                let depth = format!(
                    "<meta name=\"dtb:uid\" content=\"{uid}\" />\n    <meta name=\"dtb:depth\" content=\"{}\" />",
                    spec.depth
                );
                let ncx = replace(&text, "<meta name=\"dtb:depth\" content=\"1\" />", &depth)?;
                let root = "<ncx version=\"2005-1\"";
                let ncx = replace(&ncx, root, &format!("{root} xml:lang=\"{language}\""))?;
                let start = ncx
                    .find("<docTitle>")
                    .ok_or_else(|| missing("<docTitle>"))?;
                let end = ncx[start..]
                    .find("</docTitle>")
                    .map(|i| start + i + "</docTitle>".len())
                    .ok_or_else(|| missing("</docTitle>"))?;
                format!(
                    "{}<docTitle>\n    <text>{}</text>\n  </docTitle>{}",
                    &ncx[..start],
                    escape_text(&spec.title),
                    &ncx[end..]
                )
            }
        };
        entries.push(Entry {
            path,
            generated: Some(text.into_bytes()),
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
        let before_dos = zip_time(OffsetDateTime::UNIX_EPOCH);
        assert_eq!(before_dos, zip::DateTime::default());
        let mut far = meta(None);
        far.revision.time = i64::MAX;
        assert_eq!(commit_time(&far), OffsetDateTime::UNIX_EPOCH);
    }

    #[test]
    fn opf_edits_fix_ids_and_add_the_publisher() {
        let spec = Spec {
            identifier: identifier(&meta(None)),
            time: OffsetDateTime::UNIX_EPOCH,
            title: "Livret".to_owned(),
            language: "fr".to_owned(),
            toc_name: "Sommaire".to_owned(),
            description: None,
            author: None,
            metadata: Vec::new(),
            cover_image: None,
            contents: Vec::new(),
            resources: Vec::new(),
            publisher: Some("La Fabrique & co".to_owned()),
            depth: 2,
        };
        let opf = "<dc:language id=\"epub-creator-0\">fr</dc:language>\n    <dc:creator id=\"epub-creator-0\">A</dc:creator>\n    <meta property=\"dcterms:modified\">x</meta>";
        let generated = |path: &str, text: &str| {
            let archive = entry_archive(path, text.as_bytes()).unwrap();
            complete(&archive, &HashSet::new(), &spec)
                .map(|mut entries| String::from_utf8(entries.remove(0).generated.unwrap()).unwrap())
        };
        let edited = generated(OPF, opf).unwrap();
        assert!(edited.contains("<dc:language id=\"epub-language-0\">fr</dc:language>"));
        assert!(edited.contains("<dc:creator id=\"epub-creator-0\">A</dc:creator>"));
        assert!(edited.contains(
            "<dc:publisher>La Fabrique &amp; co</dc:publisher>\n    <meta property=\"dcterms:modified\">"
        ));
        assert!(generated(OPF, "<package/>").is_err());
        assert!(generated(NCX, "<ncx/>").is_err());
        assert_eq!(generated("x", "<ncx/>").unwrap(), "<ncx/>");
        // What epub-builder writes is still what these edits expect.
        let entries = skeleton(&spec).unwrap();
        let ncx = entries.iter().find(|e| e.path == NCX).unwrap();
        let ncx = std::str::from_utf8(ncx.generated.as_deref().unwrap()).unwrap();
        assert!(
            ncx.contains("<meta name=\"dtb:depth\" content=\"2\" />"),
            "{ncx}"
        );
        assert!(ncx.contains("<text>Livret</text>"), "{ncx}");
        assert_eq!(entries[0].path, MIMETYPE);
    }
}
