//! Drawings to a printpdf document: fonts subset and embedded under fixed resource names, images
//! as XObjects, text as positioned glyph ids (with the text each stands for), rectangles, lines,
//! link annotations without border.

use crate::compose::DestPositions;
use crate::flow::{Draw, LinkTarget, Rgb};
use crate::fonts::{subset, Fonts};
use crate::images::Picture;
use printpdf::{
    Actions, BorderArray, Codepoint, Color, ColorArray, Destination, FontId, HighlightingMode,
    Line, LineCapStyle, LinkAnnotation, Op, PaintMode, ParsedFont, PdfDocument, PdfFont,
    PdfFontHandle, PdfPage, Point, Pt, Rect, TextItem, TextMatrix, TextRenderingMode, XObject,
    XObjectId, XObjectTransform,
};
use std::collections::BTreeMap;

/// Subset fonts registered in a document: per font, original glyph id → glyph id in the subset,
/// and the ToUnicode CMap of its codes (printpdf's would need the text of every glyph drawn).
pub(crate) struct Registered {
    remap: Vec<Option<BTreeMap<u16, u16>>>,
    pub to_unicode: BTreeMap<String, String>,
}

fn font_id(index: usize) -> FontId {
    FontId(format!("F{index}"))
}

fn picture_id(index: usize) -> XObjectId {
    XObjectId(format!("Im{index}"))
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

/// Subsets every font that drew something and adds it to the document.
pub(crate) fn register_fonts(
    doc: &mut PdfDocument,
    fonts: &Fonts<'_>,
) -> Result<Registered, String> {
    let mut remap = Vec::with_capacity(fonts.fonts.len());
    let mut to_unicode = BTreeMap::new();
    for (index, font) in fonts.fonts.iter().enumerate() {
        let used = &fonts.used[index];
        if used.is_empty() {
            remap.push(None);
            continue;
        }
        let subset = subset(font, used);
        let mut warnings = Vec::new();
        let mut parsed =
            ParsedFont::from_bytes(&subset.bytes, 0, &mut warnings).ok_or_else(|| {
                format!(
                    "could not read font {} back after subsetting",
                    font.postscript_name
                )
            })?;
        parsed.font_name = Some(if subset.subset {
            format!("{}+{}", subset_tag(index, used), font.postscript_name)
        } else {
            font.postscript_name.clone()
        });
        // The code of a glyph in the content stream: its glyph id, or for a CID-keyed CFF font
        // the CID its charset gives it (as printpdf writes them).
        let cids = printpdf::cff_charset_gid_to_cid_map(&subset.bytes, 0);
        let mappings = subset
            .new_ids
            .iter()
            .filter_map(|(old, new)| {
                let text = used.get(old)?;
                let code = cids
                    .as_ref()
                    .and_then(|m| m.get(new).copied())
                    .unwrap_or(*new);
                Some((
                    u32::from(code),
                    text.chars().map(u32::from).collect::<Vec<u32>>(),
                ))
            })
            .collect();
        let name = font_id(index).0;
        to_unicode.insert(
            name.clone(),
            printpdf::ToUnicodeCMap { mappings }.to_cmap_string(&name),
        );
        doc.resources
            .fonts
            .map
            .insert(font_id(index), PdfFont::new(parsed));
        remap.push(Some(subset.new_ids));
    }
    Ok(Registered { remap, to_unicode })
}

pub(crate) fn register_pictures(doc: &mut PdfDocument, pictures: &[Picture]) {
    for (index, picture) in pictures.iter().enumerate() {
        doc.resources.xobjects.map.insert(
            picture_id(index),
            XObject::External(picture.xobject.clone()),
        );
    }
}

fn colour(rgb: Rgb) -> Color {
    Color::Rgb(printpdf::Rgb::new(rgb.0, rgb.1, rgb.2, None))
}

/// Converts one page's drawings (y from the top) to a printpdf page.
#[allow(clippy::too_many_arguments)]
pub(crate) fn page(
    draws: &[Draw],
    fonts: &Fonts<'_>,
    registered: &Registered,
    links: &[LinkTarget],
    positions: &DestPositions,
    width: f32,
    height: f32,
) -> PdfPage {
    let mut ops = Vec::with_capacity(draws.len() * 6);
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
                let Some(Some(remap)) = registered.remap.get(index) else {
                    continue;
                };
                let font_info = fonts.font(*font);
                let codepoints: Vec<Codepoint> = glyphs
                    .iter()
                    .filter(|(gid, _)| *gid != 0)
                    .map(|&(gid, advance)| {
                        let pdf_width = fonts.pdf_width(*font, gid);
                        let wanted = advance / size * 1000.0;
                        let mut offset = ((pdf_width - wanted) * 100.0).round() / 100.0;
                        if offset.abs() < 0.01 {
                            offset = 0.0;
                        }
                        Codepoint {
                            gid: remap.get(&gid).copied().unwrap_or(0),
                            offset,
                            cid: None,
                        }
                    })
                    .collect();
                if codepoints.is_empty() {
                    continue;
                }
                ops.push(Op::StartTextSection);
                ops.push(Op::SetFont {
                    font: PdfFontHandle::External(font_id(index)),
                    size: Pt(*size),
                });
                ops.push(Op::SetFillColor {
                    col: colour(*color),
                });
                if font_info.fake_bold {
                    ops.push(Op::SetTextRenderingMode {
                        mode: TextRenderingMode::FillStroke,
                    });
                    ops.push(Op::SetOutlineColor {
                        col: colour(*color),
                    });
                    ops.push(Op::SetOutlineThickness {
                        pt: Pt(size * 0.03),
                    });
                }
                let matrix = if font_info.fake_italic {
                    TextMatrix::Raw([1.0, 0.0, 0.2, 1.0, *x, flip(*y)])
                } else {
                    TextMatrix::Translate(Pt(*x), Pt(flip(*y)))
                };
                ops.push(Op::SetTextMatrix { matrix });
                ops.push(Op::ShowText {
                    items: vec![TextItem::GlyphIds(codepoints)],
                });
                if font_info.fake_bold {
                    ops.push(Op::SetTextRenderingMode {
                        mode: TextRenderingMode::Fill,
                    });
                }
                ops.push(Op::EndTextSection);
            }
            Draw::Rect { x, y, w, h, color } => {
                ops.push(Op::SetFillColor {
                    col: colour(*color),
                });
                ops.push(rectangle(*x, flip(y + h), *w, *h, PaintMode::Fill));
            }
            Draw::Frame {
                x,
                y,
                w,
                h,
                width,
                color,
            } => {
                ops.push(Op::SetOutlineColor {
                    col: colour(*color),
                });
                ops.push(Op::SetOutlineThickness { pt: Pt(*width) });
                ops.push(rectangle(*x, flip(y + h), *w, *h, PaintMode::Stroke));
            }
            Draw::Line {
                x1,
                y1,
                x2,
                y2,
                width,
                color,
            } => {
                ops.push(Op::SetOutlineColor {
                    col: colour(*color),
                });
                ops.push(Op::SetOutlineThickness { pt: Pt(*width) });
                ops.push(Op::SetLineCapStyle {
                    cap: LineCapStyle::Round,
                });
                ops.push(Op::DrawLine {
                    line: Line {
                        points: vec![
                            printpdf::LinePoint {
                                p: Point {
                                    x: Pt(*x1),
                                    y: Pt(flip(*y1)),
                                },
                                bezier: false,
                            },
                            printpdf::LinePoint {
                                p: Point {
                                    x: Pt(*x2),
                                    y: Pt(flip(*y2)),
                                },
                                bezier: false,
                            },
                        ],
                        is_closed: false,
                    },
                });
            }
            Draw::Image { image, x, y, w, h } => {
                ops.push(Op::UseXobject {
                    id: picture_id(*image as usize),
                    transform: XObjectTransform {
                        translate_x: Some(Pt(*x)),
                        translate_y: Some(Pt(flip(y + h))),
                        rotate: None,
                        scale_x: Some(*w),
                        scale_y: Some(*h),
                        dpi: None,
                        no_auto_scale: true,
                    },
                });
            }
            Draw::Link { x, y, w, h, target } => {
                let actions = match links.get(*target as usize) {
                    Some(LinkTarget::Uri(uri)) => Actions::Uri(uri.clone()),
                    Some(LinkTarget::Dest(dest)) => {
                        match positions.get(*dest as usize).copied().flatten() {
                            Some((page, top)) => Actions::Goto(Destination::Xyz {
                                page: page + 1,
                                left: None,
                                top: Some(flip(top) + 4.0),
                                zoom: None,
                            }),
                            None => continue,
                        }
                    }
                    None => continue,
                };
                if *w <= 0.0 {
                    continue;
                }
                ops.push(Op::LinkAnnotation {
                    link: LinkAnnotation {
                        rect: Rect {
                            x: Pt(*x),
                            y: Pt(flip(y + h)),
                            width: Pt(*w),
                            height: Pt(*h),
                            mode: None,
                            winding_order: None,
                        },
                        actions,
                        border: BorderArray::Solid([0.0, 0.0, 0.0]),
                        color: ColorArray::Transparent,
                        highlighting: HighlightingMode::Invert,
                    },
                });
            }
            Draw::PageNumber { .. } => {}
        }
    }
    PdfPage::new(
        printpdf::Mm(width / 72.0 * 25.4),
        printpdf::Mm(height / 72.0 * 25.4),
        ops,
    )
}

/// A filled or stroked rectangle whose bottom-left corner is at (`x`, `y`) in PDF coordinates.
fn rectangle(x: f32, y: f32, width: f32, height: f32, mode: PaintMode) -> Op {
    Op::DrawRectangle {
        rectangle: Rect {
            x: Pt(x),
            y: Pt(y),
            width: Pt(width),
            height: Pt(height),
            mode: Some(mode),
            winding_order: None,
        },
    }
}
