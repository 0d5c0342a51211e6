//! The package around the documents: a stable identifier, dates from the commit, the few
//! metadata epub-builder cannot write, and the archive re-packed so that the same revision always
//! gives the same bytes.

use chrono::{DateTime, Datelike, Timelike, Utc};
use livret_html::escape_text;
use livret_model::BookMeta;
use std::io::{Cursor, Read, Write};
use uuid::Uuid;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

pub(crate) const OPF: &str = "OEBPS/content.opf";
pub(crate) const NAV: &str = "OEBPS/nav.xhtml";
pub(crate) const NCX: &str = "OEBPS/toc.ncx";

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

/// Copies the archive entry by entry with `time` on every entry, passing the entries named in
/// `edited` through `edit` (recompressed) and copying the others' compressed bytes as they are.
pub(crate) fn repack(
    bytes: &[u8],
    time: zip::DateTime,
    edited: &[&str],
    mut edit: impl FnMut(&str, String) -> Result<String, String>,
) -> Result<Vec<u8>, String> {
    let error = |e: zip::result::ZipError| format!("could not re-pack the archive: {e}");
    let mut archive = ZipArchive::new(Cursor::new(bytes)).map_err(error)?;
    let mut writer = ZipWriter::new(Cursor::new(Vec::with_capacity(bytes.len() + 4096)));
    for index in 0..archive.len() {
        let name = archive
            .by_index_raw(index)
            .map_err(error)?
            .name()
            .to_owned();
        if edited.contains(&name.as_str()) {
            let mut text = String::new();
            archive
                .by_index(index)
                .map_err(error)?
                .read_to_string(&mut text)
                .map_err(|e| format!("could not read {name}: {e}"))?;
            let text = edit(&name, text)?;
            let options = SimpleFileOptions::default()
                .compression_method(CompressionMethod::Deflated)
                .last_modified_time(time)
                .unix_permissions(0o644);
            writer.start_file(name.as_str(), options).map_err(error)?;
            writer
                .write_all(text.as_bytes())
                .map_err(|e| format!("could not write {name}: {e}"))?;
        } else {
            let file = archive.by_index_raw(index).map_err(error)?;
            writer
                .raw_copy_file_touch(file, time, Some(0o644))
                .map_err(error)?;
        }
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
