//! The document printpdf builds, finished with lopdf: a nested outline, the document's metadata
//! and language, an id derived from the revision (same revision, same bytes), compressed streams.

use crate::compose::DestPositions;
use crate::flow::LinkTarget;
use crate::layout::OutlineItem;
use lopdf::{Dictionary, Object, ObjectId, StringFormat};
use printpdf::{PdfDocument, PdfSaveOptions};

/// What the document says about itself.
#[derive(Debug, Clone)]
pub(crate) struct Metadata {
    pub title: String,
    pub author: String,
    pub subject: String,
    pub keywords: String,
    pub language: String,
    /// `D:…` dates.
    pub created: String,
    pub modified: String,
    /// Bytes the document id is derived from.
    pub id_seed: String,
}

/// A text string: UTF-16BE with its byte order mark.
fn text(value: &str) -> Object {
    let mut bytes = vec![0xFE, 0xFF];
    for unit in value.encode_utf16() {
        bytes.extend_from_slice(&unit.to_be_bytes());
    }
    Object::String(bytes, StringFormat::Hexadecimal)
}

fn ascii(value: &str) -> Object {
    Object::String(value.as_bytes().to_vec(), StringFormat::Literal)
}

/// 128-bit FNV-1a, hex-free bytes.
fn digest(seed: &str) -> Vec<u8> {
    let mut hash: u128 = 0x6C62_272E_07BB_0142_62B8_2175_6295_C58D;
    for byte in seed.bytes() {
        hash ^= u128::from(byte);
        hash = hash.wrapping_mul(0x0000_0000_0100_0000_0000_0000_0000_013B);
    }
    hash.to_be_bytes().to_vec()
}

/// Serializes `pdf` and finishes it.
pub(crate) fn finish(
    pdf: PdfDocument,
    to_unicode: &std::collections::BTreeMap<String, String>,
    metadata: &Metadata,
    outline: &[OutlineItem],
    positions: &DestPositions,
    timer: &mut crate::Timer,
) -> Result<Vec<u8>, String> {
    let options = PdfSaveOptions {
        optimize: true,
        subset_fonts: false,
        secure: true,
        image_optimization: None,
    };
    let mut warnings = Vec::new();
    let mut doc = printpdf::to_lopdf_doc(&pdf, &options, &mut warnings);
    drop(pdf);
    timer.lap("printpdf to lopdf");
    replace_to_unicode(&mut doc, to_unicode);
    doc.version = "1.7".to_owned();
    let pages: Vec<ObjectId> = doc.get_pages().values().copied().collect();

    let info = Dictionary::from_iter(vec![
        ("Title", text(&metadata.title)),
        ("Author", text(&metadata.author)),
        ("Subject", text(&metadata.subject)),
        ("Keywords", text(&metadata.keywords)),
        ("Creator", text("livret")),
        ("Producer", text("livret (printpdf, lopdf)")),
        ("CreationDate", ascii(&metadata.created)),
        ("ModDate", ascii(&metadata.modified)),
    ]);
    let info_id = doc.add_object(info);
    doc.trailer.set("Info", Object::Reference(info_id));
    let id = Object::String(digest(&metadata.id_seed), StringFormat::Hexadecimal);
    doc.trailer.set("ID", Object::Array(vec![id.clone(), id]));

    let outlines_id = doc.new_object_id();
    let (first, last, count) = outline_items(&mut doc, outline, outlines_id, &pages, positions, 0);
    let catalog = doc.catalog_mut().map_err(|e| e.to_string())?;
    catalog.set("Lang", text(&metadata.language));
    catalog.set(
        "ViewerPreferences",
        Dictionary::from_iter(vec![("DisplayDocTitle", Object::Boolean(true))]),
    );
    if let (Some(first), Some(last)) = (first, last) {
        catalog.set("Outlines", Object::Reference(outlines_id));
        catalog.set("PageMode", Object::Name(b"UseOutlines".to_vec()));
        doc.objects.insert(
            outlines_id,
            Object::Dictionary(Dictionary::from_iter(vec![
                ("Type", Object::Name(b"Outlines".to_vec())),
                ("First", Object::Reference(first)),
                ("Last", Object::Reference(last)),
                ("Count", Object::Integer(count)),
            ])),
        );
    }
    compress(&mut doc);
    timer.lap("compression");
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).map_err(|e| e.to_string())?;
    timer.lap("writing");
    Ok(bytes)
}

/// Writes `items` as children of `parent`; returns the first and last item and how many
/// items are visible (top-level items are open, deeper ones closed).
fn outline_items(
    doc: &mut lopdf::Document,
    items: &[OutlineItem],
    parent: ObjectId,
    pages: &[ObjectId],
    positions: &DestPositions,
    depth: usize,
) -> (Option<ObjectId>, Option<ObjectId>, i64) {
    let ids: Vec<ObjectId> = items.iter().map(|_| doc.new_object_id()).collect();
    let mut visible = 0;
    for (i, item) in items.iter().enumerate() {
        let mut dict = Dictionary::from_iter(vec![
            ("Title", text(&item.title)),
            ("Parent", Object::Reference(parent)),
        ]);
        match &item.target {
            LinkTarget::Dest(dest) => {
                if let Some((page, y)) = positions.get(*dest as usize).copied().flatten() {
                    if let Some(&page_id) = pages.get(page) {
                        let height = page_height(doc, page_id);
                        dict.set(
                            "Dest",
                            Object::Array(vec![
                                Object::Reference(page_id),
                                Object::Name(b"XYZ".to_vec()),
                                Object::Null,
                                Object::Real(height - y + 4.0),
                                Object::Null,
                            ]),
                        );
                    }
                }
            }
            LinkTarget::Uri(uri) => {
                dict.set(
                    "A",
                    Dictionary::from_iter(vec![
                        ("S", Object::Name(b"URI".to_vec())),
                        ("URI", ascii(uri)),
                    ]),
                );
            }
        }
        if i > 0 {
            dict.set("Prev", Object::Reference(ids[i - 1]));
        }
        if i + 1 < ids.len() {
            dict.set("Next", Object::Reference(ids[i + 1]));
        }
        let (first, last, count) =
            outline_items(doc, &item.children, ids[i], pages, positions, depth + 1);
        if let (Some(first), Some(last)) = (first, last) {
            dict.set("First", Object::Reference(first));
            dict.set("Last", Object::Reference(last));
            let open = depth == 0;
            dict.set(
                "Count",
                Object::Integer(if open {
                    count
                } else {
                    -(item.children.len() as i64)
                }),
            );
            if open {
                visible += count;
            }
        }
        visible += 1;
        doc.objects.insert(ids[i], Object::Dictionary(dict));
    }
    (ids.first().copied(), ids.last().copied(), visible)
}

fn page_height(doc: &lopdf::Document, page: ObjectId) -> f32 {
    doc.get_dictionary(page)
        .ok()
        .and_then(|d| d.get(b"MediaBox").ok())
        .and_then(|b| b.as_array().ok())
        .and_then(|a| a.get(3))
        .and_then(|h| h.as_float().ok())
        .unwrap_or(842.0)
}

/// Puts our ToUnicode CMaps in place of printpdf's, font by font (resource names `F0`, `F1`…).
fn replace_to_unicode(
    doc: &mut lopdf::Document,
    to_unicode: &std::collections::BTreeMap<String, String>,
) {
    let Some(&first_page) = doc.get_pages().values().next() else {
        return;
    };
    let font_dict = doc
        .get_dictionary(first_page)
        .ok()
        .and_then(|page| page.get(b"Resources").ok())
        .and_then(|r| r.as_reference().ok())
        .and_then(|r| doc.get_dictionary(r).ok())
        .and_then(|resources| resources.get(b"Font").ok())
        .and_then(|f| f.as_reference().ok())
        .and_then(|f| doc.get_dictionary(f).ok())
        .cloned();
    let Some(font_dict) = font_dict else {
        return;
    };
    for (name, cmap) in to_unicode {
        let stream = font_dict
            .get(name.as_bytes())
            .ok()
            .and_then(|f| f.as_reference().ok())
            .and_then(|f| doc.get_dictionary(f).ok())
            .and_then(|font| font.get(b"ToUnicode").ok())
            .and_then(|t| t.as_reference().ok());
        if let Some(id) = stream {
            if let Ok(Object::Stream(stream)) = doc.get_object_mut(id) {
                stream.dict.remove(b"Filter");
                stream.set_content(cmap.as_bytes().to_vec());
            }
        }
    }
}

/// Compresses every stream that is not yet, at a fast level, on two threads.
fn compress(doc: &mut lopdf::Document) {
    use std::io::Write;
    let mut streams: Vec<&mut lopdf::Stream> = doc
        .objects
        .values_mut()
        .filter_map(|object| match object {
            Object::Stream(stream)
                if stream.allows_compression && stream.dict.get(b"Filter").is_err() =>
            {
                Some(stream)
            }
            _ => None,
        })
        .collect();
    let half = streams.len() / 2;
    let (left, right) = streams.split_at_mut(half);
    let work = |streams: &mut [&mut lopdf::Stream]| {
        for stream in streams.iter_mut() {
            let mut encoder =
                flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::new(5));
            if encoder.write_all(&stream.content).is_err() {
                continue;
            }
            if let Ok(compressed) = encoder.finish() {
                if compressed.len() + 19 < stream.content.len() {
                    stream
                        .dict
                        .set("Filter", Object::Name(b"FlateDecode".to_vec()));
                    stream.set_content(compressed);
                }
            }
        }
    };
    std::thread::scope(|scope| {
        scope.spawn(|| work(left));
        work(right);
    });
}
