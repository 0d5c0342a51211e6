//! Drawings to PDF objects, written with lopdf directly: fonts subset and embedded under fixed
//! resource names, images as XObjects, page content streams, link annotations without border.
//!
//! A content stream shows a glyph by its id in the original font, whatever the subset: each
//! font's `/Encoding` is an embedded CMap from those codes to the subset's CIDs (and its
//! ToUnicode is keyed by them too). So a page's content depends only on its own drawings, never
//! on the glyphs other pages use, and can be reused from one build to the next.

use crate::compose::DestPositions;
use crate::flow::{Draw, LinkTarget, Rgb};
use crate::fonts::{subset, Fonts};
use crate::images::Picture;
use livret_model::Cache;
use lopdf::{Dictionary, Document, Object, ObjectId, Stream, StringFormat};
use std::collections::BTreeMap;
use std::io::Write;

/// The resource name of font `index`.
pub(crate) fn font_name(index: usize) -> String {
    format!("F{index}")
}

fn picture_name(index: usize) -> String {
    format!("Im{index}")
}

/// A six-letter subset tag derived from the glyphs kept, the same for the same glyphs.
fn subset_tag(index: usize, glyphs: &BTreeMap<u16, String>) -> String {
    let mut hash: u64 = 0xCBF2_9CE4_8422_2325 ^ index as u64;
    for gid in glyphs.keys() {
        for byte in gid.to_le_bytes() {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01B3);
        }
    }
    (0..6)
        .map(|i| char::from(b'A' + ((hash >> (i * 8)) % 26) as u8))
        .collect()
}

fn name(value: &str) -> Object {
    Object::Name(value.as_bytes().to_vec())
}

/// The subset of a font program keeping `ids` (ascending, 0 first), from the cache when an
/// earlier build made it: allsorts takes tens of milliseconds per font.
fn subset_bytes(
    font: &crate::fonts::Font<'_>,
    glyphs: &BTreeMap<u16, String>,
    cache: Option<&dyn Cache>,
) -> crate::fonts::Subset {
    let ids: Vec<u16> = std::iter::once(0)
        .chain(glyphs.keys().copied().filter(|&gid| gid != 0))
        .collect();
    let key = cache.map(|_| {
        livret_cache::Digest::new("pdf-subset")
            .bytes(font.data)
            .value(&ids)
            .key()
    });
    if let (Some(cache), Some(key)) = (cache, key) {
        if let Some(bytes) = cache.get("pdf-subset", key) {
            return crate::fonts::Subset {
                bytes: bytes.to_vec(),
                new_ids: ids
                    .iter()
                    .enumerate()
                    .map(|(new, &old)| (old, new as u16))
                    .collect(),
                subset: true,
            };
        }
    }
    let result = subset(font, &ids);
    if let (Some(cache), Some(key), true) = (cache, key, result.subset) {
        cache.put("pdf-subset", key, result.bytes.clone());
    }
    result
}

/// The embedded CMap that maps the codes of the content streams (original glyph ids) to the
/// CIDs of the subset.
fn encoding_cmap(name: &str, codes: &[(u16, u16)]) -> Vec<u8> {
    let mut out = Vec::with_capacity(256 + codes.len() * 16);
    let _ = write!(
        out,
        "%!PS-Adobe-3.0 Resource-CMap\n/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
         /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> def\n\
         /CMapName /{name} def\n/CMapType 1 def\n1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
    );
    for chunk in codes.chunks(100) {
        let _ = writeln!(out, "{} begincidchar", chunk.len());
        for (code, cid) in chunk {
            let _ = writeln!(out, "<{code:04X}> {cid}");
        }
        let _ = writeln!(out, "endcidchar");
    }
    let _ = write!(
        out,
        "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
    );
    out
}

/// Subsets every font that drew something (embedding it whole when it cannot be subset), adds
/// it to `doc`; returns the `/Font` resource dictionary.
pub(crate) fn add_fonts(
    doc: &mut Document,
    fonts: &Fonts<'_>,
    cache: Option<&dyn Cache>,
) -> Dictionary {
    let mut resources = Dictionary::new();
    for (index, font) in fonts.fonts.iter().enumerate() {
        let used = &fonts.used[index];
        if used.is_empty() {
            continue;
        }
        let subset = subset_bytes(font, used, cache);
        let face_name = if subset.subset {
            format!("{}+{}", subset_tag(index, used), font.postscript_name)
        } else {
            font.postscript_name.clone()
        };
        // The CID of a glyph: its id in the subset, or for a CID-keyed CFF font the CID its
        // charset gives it.
        let cids = printpdf::cff_charset_gid_to_cid_map(&subset.bytes, 0);
        let mut codes: Vec<(u16, u16)> = subset
            .new_ids
            .iter()
            .map(|(&old, &new)| {
                let cid = cids
                    .as_ref()
                    .and_then(|m| m.get(&new).copied())
                    .unwrap_or(new);
                (old, cid)
            })
            .collect();
        codes.sort_unstable();
        let resource = font_name(index);

        // Widths by CID, as whole thousandths of an em (the text's offsets are computed
        // against the same numbers).
        let mut by_cid: Vec<(u16, i64)> = codes
            .iter()
            .map(|&(old, cid)| (cid, fonts.pdf_width(index as u8, old) as i64))
            .collect();
        by_cid.sort_unstable();
        let mut widths = Vec::new();
        let mut run: Vec<Object> = Vec::new();
        let mut run_start = 0u16;
        for (i, &(cid, width)) in by_cid.iter().enumerate() {
            if i > 0 && cid != by_cid[i - 1].0 + 1 {
                widths.push(Object::Integer(i64::from(run_start)));
                widths.push(Object::Array(std::mem::take(&mut run)));
            }
            if run.is_empty() {
                run_start = cid;
            }
            run.push(Object::Integer(width));
        }
        if !run.is_empty() {
            widths.push(Object::Integer(i64::from(run_start)));
            widths.push(Object::Array(run));
        }

        let mappings = codes
            .iter()
            .filter_map(|(old, _)| {
                let text = used.get(old)?;
                Some((
                    u32::from(*old),
                    text.chars().map(u32::from).collect::<Vec<u32>>(),
                ))
            })
            .collect();
        let to_unicode = printpdf::ToUnicodeCMap { mappings }.to_cmap_string(&resource);
        let to_unicode_id = doc.add_object(Stream::new(Dictionary::new(), to_unicode.into_bytes()));
        let cmap_name = format!("Livret-{resource}");
        let system_info = Dictionary::from_iter(vec![
            ("Registry", Object::string_literal("Adobe")),
            ("Ordering", Object::string_literal("Identity")),
            ("Supplement", Object::Integer(0)),
        ]);
        let encoding_id = doc.add_object(Stream::new(
            Dictionary::from_iter(vec![
                ("Type", name("CMap")),
                ("CMapName", name(&cmap_name)),
                ("CIDSystemInfo", Object::Dictionary(system_info.clone())),
            ]),
            encoding_cmap(&cmap_name, &codes),
        ));

        // The font program: a whole TrueType font, a bare CID-keyed CFF table, or an OpenType
        // font with CFF outlines.
        let (subtype, file_key, program) = match printpdf::extract_cid_keyed_cff(&subset.bytes, 0) {
            Some(cff) => (
                "CIDFontType0",
                "FontFile3",
                Stream::new(
                    Dictionary::from_iter(vec![("Subtype", name("CIDFontType0C"))]),
                    cff,
                ),
            ),
            None if subset.bytes.starts_with(b"OTTO") => (
                "CIDFontType0",
                "FontFile3",
                Stream::new(
                    Dictionary::from_iter(vec![("Subtype", name("OpenType"))]),
                    subset.bytes,
                ),
            ),
            None => {
                let length = subset.bytes.len() as i64;
                (
                    "CIDFontType2",
                    "FontFile2",
                    Stream::new(
                        Dictionary::from_iter(vec![("Length1", Object::Integer(length))]),
                        subset.bytes,
                    ),
                )
            }
        };
        let program_id = doc.add_object(program);

        let face = &font.face;
        let scale = 1000.0 / font.units_per_em;
        let scaled = |v: f32| (v * scale).round() as i64;
        let bbox = face.global_bounding_box();
        let italic_angle = face.italic_angle().round() as i64;
        let flags = (1 << 5) | if italic_angle != 0 { 1 << 6 } else { 0 };
        let weight = face.weight().to_number();
        let stem_v = if weight == 0 {
            80
        } else {
            50 + (f32::from(weight) / 65.0).powi(2).round() as i64
        };
        let ascent = scaled(f32::from(face.ascender()));
        let descriptor = Dictionary::from_iter(vec![
            ("Type", name("FontDescriptor")),
            ("FontName", name(&face_name)),
            ("Ascent", Object::Integer(ascent)),
            (
                "Descent",
                Object::Integer(scaled(f32::from(face.descender()))),
            ),
            (
                "CapHeight",
                Object::Integer(
                    face.capital_height()
                        .map_or(ascent, |c| scaled(f32::from(c))),
                ),
            ),
            ("ItalicAngle", Object::Integer(italic_angle)),
            ("Flags", Object::Integer(flags)),
            ("StemV", Object::Integer(stem_v)),
            (
                "FontBBox",
                Object::Array(vec![
                    Object::Integer(scaled(f32::from(bbox.x_min))),
                    Object::Integer(scaled(f32::from(bbox.y_min))),
                    Object::Integer(scaled(f32::from(bbox.x_max))),
                    Object::Integer(scaled(f32::from(bbox.y_max))),
                ]),
            ),
            (file_key, Object::Reference(program_id)),
        ]);
        let descriptor_id = doc.add_object(descriptor);
        let mut descendant = Dictionary::from_iter(vec![
            ("Type", name("Font")),
            ("Subtype", name(subtype)),
            ("BaseFont", name(&face_name)),
            ("CIDSystemInfo", Object::Dictionary(system_info)),
            ("FontDescriptor", Object::Reference(descriptor_id)),
            ("DW", Object::Integer(1000)),
            ("W", Object::Array(widths)),
        ]);
        if subtype == "CIDFontType2" {
            descendant.set("CIDToGIDMap", name("Identity"));
        }
        let descendant_id = doc.add_object(descendant);
        let type0 = Dictionary::from_iter(vec![
            ("Type", name("Font")),
            ("Subtype", name("Type0")),
            ("BaseFont", name(&face_name)),
            ("Encoding", Object::Reference(encoding_id)),
            (
                "DescendantFonts",
                Object::Array(vec![Object::Reference(descendant_id)]),
            ),
            ("ToUnicode", Object::Reference(to_unicode_id)),
        ]);
        let type0_id = doc.add_object(type0);
        resources.set(resource, Object::Reference(type0_id));
    }
    resources
}

/// Adds every picture as an image XObject; returns the `/XObject` resource dictionary.
pub(crate) fn add_pictures(doc: &mut Document, pictures: &[Picture]) -> Dictionary {
    let mut resources = Dictionary::new();
    for (index, picture) in pictures.iter().enumerate() {
        let mut dict = picture.dict.clone();
        if let Some(mask) = &picture.mask {
            let mask_id = doc.add_object(Stream::new(
                crate::images::image_dict(picture.width, picture.height, "DeviceGray"),
                mask.clone(),
            ));
            dict.set("SMask", Object::Reference(mask_id));
        }
        let mut stream = Stream::new(dict, picture.content.clone());
        // JPEG is already compressed.
        if stream.dict.get(b"Filter").is_ok() {
            stream.allows_compression = false;
        }
        let id = doc.add_object(stream);
        resources.set(picture_name(index), Object::Reference(id));
    }
    resources
}

use crate::file::num;

fn nums(out: &mut Vec<u8>, values: &[f32], operator: &str) {
    for &value in values {
        num(out, value);
        out.push(b' ');
    }
    out.extend_from_slice(operator.as_bytes());
    out.push(b'\n');
}

fn colour(out: &mut Vec<u8>, rgb: Rgb, operator: &str) {
    nums(out, &[rgb.0, rgb.1, rgb.2], operator);
}

/// What content streams need of the fonts (shareable between threads, unlike [`Fonts`]).
pub(crate) struct Faces<'f, 'a> {
    fonts: &'f [crate::fonts::Font<'a>],
    /// Whether each font is in the document (it drew something).
    registered: Vec<bool>,
}

impl<'f, 'a> Faces<'f, 'a> {
    pub(crate) fn new(fonts: &'f Fonts<'a>) -> Self {
        Faces {
            fonts: &fonts.fonts,
            registered: fonts.used.iter().map(|used| !used.is_empty()).collect(),
        }
    }
}

/// The content stream of drawings (y from the top of a page of height `height`).
pub(crate) fn content(draws: &[Draw], fonts: &Faces<'_, '_>, height: f32) -> Vec<u8> {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = Vec::with_capacity(draws.len() * 64);
    let flip = |y: f32| height - y;
    for draw in draws {
        match draw {
            Draw::Glyphs {
                font,
                size,
                color,
                x,
                y,
                glyphs,
            } => {
                let index = usize::from(*font);
                let (Some(true), Some(font_info)) =
                    (fonts.registered.get(index), fonts.fonts.get(index))
                else {
                    continue;
                };
                if glyphs.iter().all(|(gid, _)| *gid == 0) {
                    continue;
                }
                out.extend_from_slice(b"BT\n/");
                out.extend_from_slice(font_name(index).as_bytes());
                out.push(b' ');
                nums(&mut out, &[*size], "Tf");
                colour(&mut out, *color, "rg");
                if font_info.fake_bold {
                    out.extend_from_slice(b"2 Tr\n");
                    colour(&mut out, *color, "RG");
                    nums(&mut out, &[size * 0.03], "w");
                }
                let slant = if font_info.fake_italic { 0.2 } else { 0.0 };
                nums(&mut out, &[1.0, 0.0, slant, 1.0, *x, flip(*y)], "Tm");
                out.push(b'[');
                for &(gid, advance) in glyphs.iter().filter(|(gid, _)| *gid != 0) {
                    out.push(b'<');
                    for shift in [12, 8, 4, 0] {
                        out.push(HEX[usize::from((gid >> shift) & 0xF)]);
                    }
                    out.push(b'>');
                    let pdf_width = font_info.pdf_width(gid);
                    let wanted = advance / size * 1000.0;
                    let offset = ((pdf_width - wanted) * 100.0).round() / 100.0;
                    if offset.abs() >= 0.01 {
                        num(&mut out, offset);
                    }
                }
                out.extend_from_slice(b"] TJ\n");
                if font_info.fake_bold {
                    out.extend_from_slice(b"0 Tr\n");
                }
                out.extend_from_slice(b"ET\n");
            }
            Draw::Rect { x, y, w, h, color } => {
                colour(&mut out, *color, "rg");
                nums(&mut out, &[*x, flip(y + h), *w, *h], "re f");
            }
            Draw::Frame {
                x,
                y,
                w,
                h,
                width,
                color,
            } => {
                colour(&mut out, *color, "RG");
                nums(&mut out, &[*width], "w");
                nums(&mut out, &[*x, flip(y + h), *w, *h], "re S");
            }
            Draw::Line {
                x1,
                y1,
                x2,
                y2,
                width,
                color,
            } => {
                colour(&mut out, *color, "RG");
                nums(&mut out, &[*width], "w");
                out.extend_from_slice(b"1 J\n");
                nums(&mut out, &[*x1, flip(*y1)], "m");
                nums(&mut out, &[*x2, flip(*y2)], "l S");
            }
            Draw::Image { image, x, y, w, h } => {
                out.extend_from_slice(b"q\n");
                nums(&mut out, &[*w, 0.0, 0.0, *h, *x, flip(y + h)], "cm");
                out.push(b'/');
                out.extend_from_slice(picture_name(*image as usize).as_bytes());
                out.extend_from_slice(b" Do\nQ\n");
            }
            Draw::Link { .. } | Draw::PageNumber { .. } => {}
        }
    }
    out
}

/// The link annotations of a page's drawings; `pages` are the page objects, in order.
pub(crate) fn annotations(
    draws: &[Draw],
    links: &[LinkTarget],
    positions: &DestPositions,
    pages: &[ObjectId],
    height: f32,
) -> Vec<Object> {
    let flip = |y: f32| height - y;
    let mut annotations = Vec::new();
    for draw in draws {
        let Draw::Link { x, y, w, h, target } = draw else {
            continue;
        };
        if *w <= 0.0 {
            continue;
        }
        let action = match links.get(*target as usize) {
            Some(LinkTarget::Uri(uri)) => Dictionary::from_iter(vec![
                ("S", name("URI")),
                (
                    "URI",
                    Object::String(uri.as_bytes().to_vec(), StringFormat::Literal),
                ),
            ]),
            Some(LinkTarget::Dest(dest)) => {
                let Some((page, top)) = positions.get(*dest as usize).copied().flatten() else {
                    continue;
                };
                let Some(&page_id) = pages.get(page) else {
                    continue;
                };
                Dictionary::from_iter(vec![
                    ("S", name("GoTo")),
                    (
                        "D",
                        Object::Array(vec![
                            Object::Reference(page_id),
                            name("XYZ"),
                            Object::Null,
                            Object::Real(flip(top) + 4.0),
                            Object::Null,
                        ]),
                    ),
                ])
            }
            None => continue,
        };
        annotations.push(Object::Dictionary(Dictionary::from_iter(vec![
            ("Type", name("Annot")),
            ("Subtype", name("Link")),
            (
                "Rect",
                Object::Array(vec![
                    Object::Real(*x),
                    Object::Real(flip(y + h)),
                    Object::Real(x + w),
                    Object::Real(flip(*y)),
                ]),
            ),
            ("Border", Object::Array(vec![Object::Integer(0); 3])),
            ("H", name("I")),
            ("A", Object::Dictionary(action)),
        ])));
    }
    annotations
}
