//! Pages as final drawings: container boxes behind their content, elements at their place,
//! running header and footer, page numbers of the table of contents; where every destination
//! landed.

use crate::flow::{Draw, Rgb};
use crate::fonts::FaceKind;
use crate::layout::Layout;
use crate::paginate::PageLayout;
use crate::words::Words;
use std::collections::BTreeMap;

/// Where a destination is: page index (from 0) and y from the page's top.
pub(crate) type DestPositions = Vec<Option<(usize, f32)>>;

/// The position of every destination.
pub(crate) fn dest_positions(layout: &Layout<'_>, pages: &[PageLayout]) -> DestPositions {
    let top = layout.geometry.margin;
    let mut positions = vec![None; layout.dest_count()];
    for (index, page) in pages.iter().enumerate() {
        for placed in page.placed.iter().filter(|p| !p.repeated) {
            for &dest in &layout.elements[placed.element].dests {
                if let Some(slot) = positions.get_mut(dest as usize) {
                    slot.get_or_insert((index, top + placed.y));
                }
            }
        }
    }
    positions
}

/// The drawings of a page, in page coordinates (y from the top).
#[derive(Debug, Default)]
pub(crate) struct Composed {
    /// What the body shows (left empty when it is known already).
    pub body: Vec<Draw>,
    /// The body's links.
    pub links: Vec<Draw>,
    /// The running header and footer (apart, since the footer's page numbers change whenever
    /// pages are added).
    pub decorations: Vec<Draw>,
}

/// The drawings of page `index` but its header and footer ([`decorations`]); those of its
/// body only when `body`.
pub(crate) fn compose_page(
    layout: &mut Layout<'_>,
    pages: &[PageLayout],
    index: usize,
    positions: &DestPositions,
    body: bool,
    kept: Option<&crate::store::Pages<'_>>,
) -> Composed {
    let page = &pages[index];
    let geometry = layout.geometry;
    let top = geometry.margin;
    let mut links = Vec::new();
    for placed in &page.placed {
        for draw in &layout.elements[placed.element].draws {
            if let Draw::Link { .. } = draw {
                links.push(draw.shifted(top + placed.y));
            }
        }
    }
    let mut draws = Vec::new();
    if !body {
        return Composed {
            body: Vec::new(),
            links,
            decorations: Vec::new(),
        };
    }
    // Containers: the extent of their elements on this page, outermost first.
    let mut extents: BTreeMap<u32, (f32, f32)> = BTreeMap::new();
    for placed in &page.placed {
        let element = &layout.elements[placed.element];
        for &container in &element.containers {
            let extent = extents.entry(container).or_insert((f32::MAX, f32::MIN));
            extent.0 = extent.0.min(placed.y);
            extent.1 = extent.1.max(placed.y + element.height);
        }
    }
    for (&id, &(from, to)) in &extents {
        let container = &layout.containers[id as usize];
        let y = top + from - container.pad;
        let h = to - from + 2.0 * container.pad;
        if let Some(colour) = container.background {
            draws.push(Draw::Rect {
                x: container.x0,
                y,
                w: container.x1 - container.x0,
                h,
                color: colour,
            });
        }
        if let Some((colour, width)) = container.bar {
            draws.push(Draw::Rect {
                x: container.x0,
                y,
                w: width,
                h,
                color: colour,
            });
        }
    }
    for placed in &page.placed {
        for draw in crate::store::shifted_draws(kept, layout, placed.element, top + placed.y) {
            match draw {
                Draw::PageNumber {
                    dest,
                    font,
                    size,
                    color,
                    x,
                    y,
                } => {
                    let Some((page, _)) = positions.get(dest as usize).copied().flatten() else {
                        continue;
                    };
                    let text = (page + 1).to_string();
                    let width = layout.fonts.width(font, &text, size);
                    let glyphs = layout.glyph_run(font, &text, size);
                    draws.push(Draw::Glyphs {
                        font,
                        size,
                        color,
                        x: x - width,
                        y,
                        glyphs,
                    });
                }
                Draw::Link { .. } => {}
                draw => draws.push(draw),
            }
        }
    }
    Composed {
        body: draws,
        links,
        decorations: Vec::new(),
    }
}

/// The running header and footer of page `index`.
pub(crate) fn decorations(
    layout: &mut Layout<'_>,
    pages: &[PageLayout],
    index: usize,
    book_title: &str,
) -> Vec<Draw> {
    let page = &pages[index];
    let geometry = layout.geometry;
    let mut draws = Vec::new();
    let chapter = layout.chapters[page.chapter as usize].clone();
    if chapter.decorated {
        let size = geometry.size * 0.8;
        let font = layout.fonts.font_of(FaceKind::Italic);
        let x0 = geometry.margin;
        let x1 = geometry.page_width - geometry.margin;
        let baseline = geometry.margin * 0.55;
        let left_width = layout.fonts.width(font, book_title, size);
        let room = (x1 - x0) - left_width - size * 2.0;
        let title = fit(layout, font, &chapter.title, size, room);
        let right_width = layout.fonts.width(font, &title, size);
        let glyphs = layout.glyph_run(font, book_title, size);
        draws.push(Draw::Glyphs {
            font,
            size,
            color: Rgb::GREY,
            x: x0,
            y: baseline,
            glyphs,
        });
        if !title.is_empty() && title != book_title {
            let glyphs = layout.glyph_run(font, &title, size);
            draws.push(Draw::Glyphs {
                font,
                size,
                color: Rgb::GREY,
                x: x1 - right_width,
                y: baseline,
                glyphs,
            });
        }
        draws.push(Draw::Line {
            x1: x0,
            y1: baseline + size * 0.5,
            x2: x1,
            y2: baseline + size * 0.5,
            width: 0.4,
            color: Rgb::LIGHT,
        });
        let footer = layout.lang.page_of(index + 1, pages.len());
        let font = layout.fonts.font_of(FaceKind::Regular);
        let width = layout.fonts.width(font, &footer, size);
        let glyphs = layout.glyph_run(font, &footer, size);
        draws.push(Draw::Glyphs {
            font,
            size,
            color: Rgb::GREY,
            x: (geometry.page_width - width) / 2.0,
            y: geometry.page_height - geometry.margin * 0.45,
            glyphs,
        });
    }
    draws
}

/// `text`, cut with an ellipsis to fit `room` points.
fn fit(layout: &mut Layout<'_>, font: u8, text: &str, size: f32, room: f32) -> String {
    if layout.fonts.width(font, text, size) <= room {
        return text.to_owned();
    }
    let mut chars: Vec<char> = text.chars().collect();
    while !chars.is_empty() {
        chars.pop();
        let candidate = format!("{}…", chars.iter().collect::<String>().trim_end());
        if layout.fonts.width(font, &candidate, size) <= room {
            return candidate;
        }
    }
    String::new()
}
