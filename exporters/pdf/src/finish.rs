//! The document finished: page tree and catalog, a nested outline, the document's metadata and
//! language, an id derived from the revision (same revision, same bytes), compressed streams
//! (from the cache when an earlier build compressed the same bytes).

use crate::compose::DestPositions;
use crate::error::PdfError;
use crate::flow::LinkTarget;
use crate::layout::OutlineItem;
use livret_model::Cache;
use lopdf::{Dictionary, Document, Object, ObjectId, Stream, StringFormat};

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

/// A content stream, compressed (from the cache when an earlier build compressed the same
/// bytes) when that makes it smaller.
pub(crate) fn stream(dict: Dictionary, content: Vec<u8>, cache: Option<&dyn Cache>) -> Stream {
    let mut stream = Stream::new(dict, content);
    deflate(&mut stream, cache);
    stream.allows_compression = false;
    stream
}

thread_local! {
    /// One compressor per thread, reset for each stream: a new one costs hundreds of kilobytes,
    /// and making one per stream leaves the memory of the threads that compress fragmented.
    static COMPRESSOR: std::cell::RefCell<flate2::Compress> =
        std::cell::RefCell::new(flate2::Compress::new(flate2::Compression::new(5), true));
}

/// `input` compressed as a zlib stream at level 5.
fn zlib(input: &[u8]) -> Option<Vec<u8>> {
    COMPRESSOR.with(|compressor| {
        let mut compressor = compressor.try_borrow_mut().ok()?;
        compressor.reset();
        let mut output = Vec::with_capacity(input.len() / 3 + 64);
        loop {
            let consumed = usize::try_from(compressor.total_in()).ok()?;
            let status = compressor
                .compress_vec(
                    input.get(consumed..)?,
                    &mut output,
                    flate2::FlushCompress::Finish,
                )
                .ok()?;
            if status == flate2::Status::StreamEnd {
                return Some(output);
            }
            output.reserve(output.capacity().max(64));
        }
    })
}

/// Compresses a stream's content at a fast level when that saves more than the filter costs.
fn deflate(stream: &mut Stream, cache: Option<&dyn Cache>) {
    let key = cache.map(|_| {
        livret_cache::Digest::new("pdf-deflate")
            .bytes(&stream.content)
            .key()
    });
    let cached = match (cache, key) {
        (Some(cache), Some(key)) => cache.get("pdf-deflate", key),
        _ => None,
    };
    let compressed = match cached {
        Some(bytes) => bytes.to_vec(),
        None => {
            let Some(compressed) = zlib(&stream.content) else {
                return;
            };
            if let (Some(cache), Some(key)) = (cache, key) {
                cache.put("pdf-deflate", key, compressed.clone());
            }
            compressed
        }
    };
    if compressed.len() + 19 < stream.content.len() {
        stream
            .dict
            .set("Filter", Object::Name(b"FlateDecode".to_vec()));
        stream.set_content(compressed);
    }
}

/// Adds the page tree, the catalog, the metadata and the outline to `doc` (whose pages are
/// `pages`, already written with their content in `written`), compresses its streams and writes
/// the file.
#[allow(
    clippy::too_many_arguments,
    reason = "the parts of the document finished here, each made by another stage"
)]
pub(crate) fn finish(
    mut doc: Document,
    written: &crate::file::Written,
    pages_id: ObjectId,
    pages: &[ObjectId],
    height: f32,
    metadata: &Metadata,
    outline: &[OutlineItem],
    positions: &DestPositions,
    cache: Option<&dyn Cache>,
) -> Result<Vec<u8>, PdfError> {
    doc.version = "1.7".to_owned();
    doc.objects.insert(
        pages_id,
        Object::Dictionary(Dictionary::from_iter(vec![
            ("Type", Object::Name(b"Pages".to_vec())),
            ("Count", Object::Integer(pages.len() as i64)),
            (
                "Kids",
                Object::Array(pages.iter().map(|&id| Object::Reference(id)).collect()),
            ),
        ])),
    );
    let catalog_id = doc.add_object(Dictionary::from_iter(vec![
        ("Type", Object::Name(b"Catalog".to_vec())),
        ("Pages", Object::Reference(pages_id)),
    ]));
    doc.trailer.set("Root", Object::Reference(catalog_id));
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
    let (first, last, count) =
        outline_items(&mut doc, outline, outlines_id, pages, height, positions, 0);
    let catalog = doc
        .catalog_mut()
        .map_err(|source| PdfError::Catalog { source })?;
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
    compress(&mut doc, cache);
    let bytes = crate::file::save(&doc, written);
    Ok(bytes)
}

/// Writes `items` as children of `parent`; returns the first and last item and how many
/// items are visible (top-level items are open, deeper ones closed).
fn outline_items(
    doc: &mut lopdf::Document,
    items: &[OutlineItem],
    parent: ObjectId,
    pages: &[ObjectId],
    height: f32,
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
        let (first, last, count) = outline_items(
            doc,
            &item.children,
            ids[i],
            pages,
            height,
            positions,
            depth + 1,
        );
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

/// Compresses every stream that is not yet, at a fast level, in parallel.
fn compress(doc: &mut Document, cache: Option<&dyn Cache>) {
    use rayon::prelude::*;
    let mut streams: Vec<&mut Stream> = doc
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
    streams
        .par_iter_mut()
        .for_each(|stream| deflate(stream, cache));
}
