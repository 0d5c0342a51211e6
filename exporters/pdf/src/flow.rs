//! What layout produces and pagination consumes: a flow of elements (lines, spaces, boxes), each
//! with what to draw, where it may break, what it belongs to (containers, chapter), and the
//! destinations it holds. Coordinates are points; y grows downwards from the element's top.

use serde::{Deserialize, Serialize};

/// An RGB colour, components from 0 to 1.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub(crate) struct Rgb(pub f32, pub f32, pub f32);

impl Rgb {
    #[cfg(test)]
    pub(crate) const BLACK: Rgb = Rgb(0.0, 0.0, 0.0);
    pub(crate) const TEXT: Rgb = Rgb(0.1, 0.1, 0.1);
    pub(crate) const GREY: Rgb = Rgb(0.4, 0.4, 0.4);
    pub(crate) const LIGHT: Rgb = Rgb(0.75, 0.75, 0.75);
    pub(crate) const LINK: Rgb = Rgb(0.05, 0.25, 0.55);
    pub(crate) const SHADE: Rgb = Rgb(0.95, 0.95, 0.94);
}

/// Something to draw; `y` of glyphs is their baseline.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) enum Draw {
    Glyphs {
        font: u8,
        size: f32,
        color: Rgb,
        x: f32,
        y: f32,
        /// Glyph id in the font (before subsetting) and advance in points.
        glyphs: Vec<(u16, f32)>,
    },
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        color: Rgb,
    },
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        width: f32,
        color: Rgb,
    },
    /// An outlined rectangle.
    Frame {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        width: f32,
        color: Rgb,
    },
    Image {
        image: u32,
        x: f32,
        y: f32,
        w: f32,
        h: f32,
    },
    /// A clickable area.
    Link {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        target: u32,
    },
    /// The page number of a destination, right-aligned at `x` (table of contents), known after pagination.
    PageNumber {
        dest: u32,
        font: u8,
        size: f32,
        color: Rgb,
        x: f32,
        y: f32,
    },
}

impl Draw {
    /// The same drawing moved down by `dy`.
    pub(crate) fn shifted(&self, dy: f32) -> Draw {
        let mut draw = self.clone();
        match &mut draw {
            Draw::Glyphs { y, .. }
            | Draw::Rect { y, .. }
            | Draw::Frame { y, .. }
            | Draw::Image { y, .. }
            | Draw::Link { y, .. }
            | Draw::PageNumber { y, .. } => *y += dy,
            Draw::Line { y1, y2, .. } => {
                *y1 += dy;
                *y2 += dy;
            }
        }
        draw
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum Kind {
    /// Lines, boxes: kept on the page they are placed on.
    Content,
    /// Vertical space: dropped at the top of a page.
    Space,
    /// Starts a new page.
    PageBreak,
}

/// One unit of the vertical flow.
#[derive(Debug, Clone)]
pub(crate) struct Element {
    pub kind: Kind,
    pub height: f32,
    pub draws: Vec<Draw>,
    /// Baseline of the first line, from the element's top (list markers sit on it).
    pub baseline: f32,
    /// A page may end before this element.
    pub break_before: bool,
    /// A page may not end after this element (headings, table headers, figure images).
    pub keep_with_next: bool,
    /// Containers (hints, quotes, code…) this element is inside, outermost first.
    pub containers: Vec<u32>,
    /// The book page (chapter) this element belongs to, for the running header.
    pub chapter: u32,
    /// Destinations at this element's top.
    pub dests: Vec<u32>,
    /// The header row to repeat above this element when a page starts with it (tables).
    pub repeat: Option<usize>,
    /// The book page layout this element comes from (an index in `Layout::origins`) and its
    /// place in it, when that layout has a key: what a PDF page shows is known from these.
    pub origin: Option<(u32, u32)>,
    /// For an element put back from a kept layout: its drawings other than links, still encoded
    /// (see `store::shifted_draws`); `draws` holds its links.
    pub kept_draws: Option<Box<[u8]>>,
}

impl Element {
    pub(crate) fn new(kind: Kind, height: f32) -> Self {
        Element {
            kind,
            height,
            draws: Vec::new(),
            baseline: 0.0,
            break_before: true,
            keep_with_next: false,
            containers: Vec::new(),
            chapter: 0,
            dests: Vec::new(),
            repeat: None,
            origin: None,
            kept_draws: None,
        }
    }
}

/// A box drawn behind the elements it holds, on every page it spans.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Container {
    pub x0: f32,
    pub x1: f32,
    pub background: Option<Rgb>,
    /// A bar on the left edge: colour and width.
    pub bar: Option<(Rgb, f32)>,
    /// Space drawn beyond the first and last element, above and below.
    pub pad: f32,
}

/// Where a link goes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum LinkTarget {
    Uri(String),
    Dest(u32),
}
