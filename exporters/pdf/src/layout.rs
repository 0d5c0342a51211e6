//! The layout context: page geometry, the flow of elements being built, containers,
//! destinations, links, images and chapters; and the primitives blocks are made of
//! (paragraphs, headings, spaces, boxes).

use crate::breaking::{break_paragraph, Align, Shape};
use crate::flow::{Container, Draw, Element, Kind, LinkTarget, Rgb};
use crate::fonts::{FaceKind, Fonts};
use crate::images::Picture;
use crate::text::{Para, ParaBuilder, Style};
use crate::words::Words;
use livret_model::{Assets, Book, PageSize, PdfSettings, Target, XRef};
use livret_text::Language;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// Points per millimetre.
const MM: f32 = 72.0 / 25.4;

/// The page and its body area, in points; y grows downwards from the page's top.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Geometry {
    pub page_width: f32,
    pub page_height: f32,
    pub margin: f32,
    /// Base font size of body text.
    pub size: f32,
}

impl Geometry {
    pub(crate) fn new(settings: &PdfSettings) -> Self {
        let (page_width, page_height, size) = match settings.page_size {
            PageSize::A4 => (210.0 * MM, 297.0 * MM, 10.5),
            PageSize::A5 => (148.0 * MM, 210.0 * MM, 9.5),
        };
        let margin_mm = if settings.margin_mm.is_finite() {
            settings.margin_mm.clamp(5.0, 50.0)
        } else {
            20.0
        };
        Geometry {
            page_width,
            page_height,
            margin: margin_mm * MM,
            size,
        }
    }

    pub(crate) fn body_width(&self) -> f32 {
        self.page_width - 2.0 * self.margin
    }

    pub(crate) fn body_height(&self) -> f32 {
        self.page_height - 2.0 * self.margin
    }
}

/// What the running header and footer of a page say.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Chapter {
    pub title: String,
    /// Header and footer are drawn (not on the cover).
    pub decorated: bool,
}

/// An entry of the PDF outline (bookmarks).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct OutlineItem {
    pub title: String,
    pub target: LinkTarget,
    pub children: Vec<OutlineItem>,
}

/// What the layout records while a page is laid out, besides the fonts' [`crate::fonts::Recording`]: what a page takes
/// from shared state, so that its layout can stand on its own.
#[derive(Debug, Default)]
pub(crate) struct Recorder {
    /// Destination keys in the order the page first used them, and global id → local index.
    pub(crate) dests: Vec<String>,
    pub(crate) dest_index: HashMap<u32, u32>,
    /// Picture paths in the order the page first asked for them.
    pub(crate) pictures: Vec<String>,
}

impl Recorder {
    pub(crate) fn dest(&mut self, key: &str, id: u32) {
        if let std::collections::hash_map::Entry::Vacant(entry) = self.dest_index.entry(id) {
            entry.insert(self.dests.len() as u32);
            self.dests.push(key.to_owned());
        }
    }

    pub(crate) fn picture(&mut self, path: &str) {
        if !self.pictures.iter().any(|p| p == path) {
            self.pictures.push(path.to_owned());
        }
    }
}

/// Everything layout builds, and what it needs to build it.
pub(crate) struct Layout<'a> {
    pub fonts: Fonts<'a>,
    pub geometry: Geometry,
    pub lang: Language,
    pub book: &'a Book,
    assets: &'a Assets,
    pub elements: Vec<Element>,
    pub containers: Vec<Container>,
    stack: Vec<u32>,
    pub chapter: u32,
    pub chapters: Vec<Chapter>,
    dest_ids: BTreeMap<String, u32>,
    pub links: Vec<LinkTarget>,
    pub pictures: Vec<Picture>,
    picture_ids: BTreeMap<String, Option<u32>>,
    /// PNG or JPEG assets whose bytes could not be decoded (shown as their alt text).
    pub(crate) unreadable_images: Vec<String>,
    /// Left edge and width of the current text column.
    pub x: f32,
    pub width: f32,
    /// The book page being laid out, for footnotes.
    pub page_path: String,
    /// What the page being laid out takes from shared state, when its layout is kept.
    pub(crate) recorder: Option<Recorder>,
}

impl std::fmt::Debug for Layout<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Layout")
            .field("elements", &self.elements.len())
            .finish()
    }
}

impl<'a> Layout<'a> {
    pub(crate) fn new(
        fonts: Fonts<'a>,
        geometry: Geometry,
        lang: Language,
        book: &'a Book,
        assets: &'a Assets,
    ) -> Self {
        Layout {
            fonts,
            lang,
            book,
            assets,
            elements: Vec::new(),
            containers: Vec::new(),
            stack: Vec::new(),
            chapter: 0,
            chapters: vec![Chapter {
                title: String::new(),
                decorated: false,
            }],
            dest_ids: BTreeMap::new(),
            links: Vec::new(),
            pictures: Vec::new(),
            picture_ids: BTreeMap::new(),
            unreadable_images: Vec::new(),
            x: geometry.margin,
            width: geometry.body_width(),
            geometry,
            page_path: String::new(),
            recorder: None,
        }
    }

    /// How many containers are open.
    pub(crate) fn depth(&self) -> usize {
        self.stack.len()
    }

    /// The picture already decoded for `path`.
    pub(crate) fn picture_id(&self, path: &str) -> Option<u32> {
        self.picture_ids.get(path).copied().flatten()
    }

    pub(crate) fn size(&self) -> f32 {
        self.geometry.size
    }

    pub(crate) fn french(&self) -> bool {
        self.lang == Language::French
    }

    /// The id of a destination (a place a link or bookmark can go to), by key.
    pub(crate) fn dest(&mut self, key: &str) -> u32 {
        let next = self.dest_ids.len() as u32;
        let id = match self.dest_ids.get(key) {
            Some(&id) => id,
            None => {
                self.dest_ids.insert(key.to_owned(), next);
                next
            }
        };
        if let Some(recorder) = &mut self.recorder {
            recorder.dest(key, id);
        }
        id
    }

    pub(crate) fn dest_count(&self) -> usize {
        self.dest_ids.len()
    }

    pub(crate) fn page_dest(&mut self, path: &str) -> u32 {
        self.dest(&format!("page:{path}"))
    }

    pub(crate) fn section_dest(&mut self, path: &str, anchor: &str) -> u32 {
        self.dest(&format!("section:{path}#{anchor}"))
    }

    pub(crate) fn link(&mut self, target: LinkTarget) -> u32 {
        self.links.push(target);
        (self.links.len() - 1) as u32
    }

    /// Where a reference of the book goes in the PDF: a page or section of it, a web address,
    /// an asset on the published site; `None` for broken references.
    pub(crate) fn link_for(&mut self, xref: &XRef) -> Option<u32> {
        let target = match &xref.target {
            Target::Page { path, anchor } => {
                self.book.page(path)?;
                LinkTarget::Dest(match anchor {
                    Some(anchor) => self.section_dest(path, anchor),
                    None => self.page_dest(path),
                })
            }
            Target::External { url } => {
                // Not `SAFE_SCHEMES`: the PDF has never linked `ftp:`, and a reader's PDF
                // viewer may not open it.
                if !livret_text::url::has_scheme(url, &["http", "https", "mailto", "tel"]) {
                    return None;
                }
                LinkTarget::Uri(url.clone())
            }
            Target::Asset { path } => {
                let base = self.book.meta.base_url.as_deref()?;
                LinkTarget::Uri(format!("{}/{}", base.trim_end_matches('/'), path))
            }
            Target::Broken { .. } => return None,
        };
        Some(self.link(target))
    }

    /// The picture of an asset, decoded once.
    pub(crate) fn picture(&mut self, xref: &XRef) -> Option<(u32, f32, f32)> {
        let Target::Asset { path } = &xref.target else {
            return None;
        };
        self.picture_at(path)
    }

    pub(crate) fn picture_at(&mut self, path: &str) -> Option<(u32, f32, f32)> {
        if let Some(recorder) = &mut self.recorder {
            recorder.picture(path);
        }
        let id = match self.picture_ids.get(path) {
            Some(id) => *id,
            None => {
                let bytes = self.assets.files.get(path);
                let decoded = bytes.and_then(|bytes| crate::images::decode(bytes));
                let lower = path.to_ascii_lowercase();
                let raster = [".png", ".jpg", ".jpeg"]
                    .iter()
                    .any(|ext| lower.ends_with(ext));
                if bytes.is_some() && decoded.is_none() && raster {
                    self.unreadable_images.push(path.to_owned());
                }
                let id = decoded.map(|picture| {
                    self.pictures.push(picture);
                    (self.pictures.len() - 1) as u32
                });
                self.picture_ids.insert(path.to_owned(), id);
                id
            }
        }?;
        let picture = &self.pictures[id as usize];
        // Pixels at 96 per inch, as a browser shows them.
        Some((
            id,
            picture.width as f32 * 0.75,
            picture.height as f32 * 0.75,
        ))
    }

    pub(crate) fn start_chapter(&mut self, title: &str, decorated: bool) {
        self.chapters.push(Chapter {
            title: title.to_owned(),
            decorated,
        });
        self.chapter = (self.chapters.len() - 1) as u32;
    }

    /// An element in the current containers and chapter.
    pub(crate) fn element(&self, kind: Kind, height: f32) -> Element {
        let mut element = Element::new(kind, height);
        element.containers = self.stack.clone();
        element.chapter = self.chapter;
        element
    }

    pub(crate) fn push(&mut self, element: Element) -> usize {
        self.elements.push(element);
        self.elements.len() - 1
    }

    pub(crate) fn page_break(&mut self) {
        let element = self.element(Kind::PageBreak, 0.0);
        self.push(element);
    }

    /// Vertical space; adjacent spaces collapse to the larger; it keeps what precedes it with
    /// what follows when that was asked.
    pub(crate) fn space(&mut self, height: f32) {
        if let Some(last) = self.elements.last_mut() {
            if last.kind == Kind::Space && last.containers == self.stack {
                last.height = last.height.max(height);
                return;
            }
            if last.kind == Kind::PageBreak {
                return;
            }
        }
        let keep = self.elements.last().is_some_and(|e| e.keep_with_next);
        let mut element = self.element(Kind::Space, height);
        element.keep_with_next = keep;
        self.push(element);
    }

    /// Opens a container; elements pushed until [`Layout::close`] are inside it.
    pub(crate) fn open(
        &mut self,
        mut container: Container,
        indent_left: f32,
        indent_right: f32,
    ) -> (f32, f32) {
        container.x0 = self.x;
        container.x1 = self.x + self.width;
        self.containers.push(container);
        self.stack.push((self.containers.len() - 1) as u32);
        let saved = (self.x, self.width);
        self.x += indent_left;
        self.width -= indent_left + indent_right;
        saved
    }

    pub(crate) fn close(&mut self, saved: (f32, f32)) {
        self.stack.pop();
        (self.x, self.width) = saved;
    }

    pub(crate) fn indent(&mut self, left: f32) -> (f32, f32) {
        let saved = (self.x, self.width);
        self.x += left;
        self.width -= left;
        saved
    }

    pub(crate) fn restore(&mut self, saved: (f32, f32)) {
        (self.x, self.width) = saved;
    }

    pub(crate) fn style(&self, face: FaceKind, scale: f32, color: Rgb) -> Style {
        Style::new(face, self.size() * scale, color)
    }

    /// Lays out a paragraph as lines in the flow. No page break leaves fewer than two of its
    /// lines at the bottom of a page or at the top of the next (`orphans`, `widows`); `keep`
    /// makes every line keep with the next (headings). Returns the index of its first line.
    pub(crate) fn paragraph(
        &mut self,
        para: &Para,
        align: Align,
        leading: f32,
        keep: bool,
        hyphenate: bool,
    ) -> Option<usize> {
        if para.is_blank() {
            return None;
        }
        let shape = Shape {
            width: self.width,
            align,
            hyphenate: hyphenate.then(|| self.lang.hyphenation()),
            leading,
        };
        let lines = break_paragraph(&mut self.fonts, para, &shape, self.x);
        let n = lines.len();
        let first = self.elements.len();
        for (i, line) in lines.into_iter().enumerate() {
            let mut element = self.element(Kind::Content, line.height);
            element.baseline = line.baseline;
            element.draws = line.draws;
            element.break_before = if keep {
                i == 0
            } else {
                i == 0 || (i >= 2 && n - i >= 2)
            };
            element.keep_with_next = keep;
            self.push(element);
        }
        (n > 0).then_some(first)
    }

    /// A paragraph of plain text in one style.
    pub(crate) fn text_line(
        &mut self,
        text: &str,
        style: Style,
        align: Align,
        keep: bool,
    ) -> Option<usize> {
        let mut builder = ParaBuilder::new();
        builder.push(text, style);
        let para = builder.finish(self.french());
        self.paragraph(&para, align, 1.3, keep, false)
    }

    /// A box of fixed height drawn by `draws` (relative to its top), unbreakable.
    pub(crate) fn block_box(&mut self, height: f32, draws: Vec<Draw>) -> usize {
        let mut element = self.element(Kind::Content, height);
        element.draws = draws;
        self.push(element)
    }

    /// A heading: its lines keep together and with what follows.
    pub(crate) fn heading(
        &mut self,
        para: &Para,
        scale: f32,
        space_before: f32,
        dests: Vec<u32>,
    ) -> Option<usize> {
        self.space(space_before);
        let first = self.paragraph(para, Align::Left, 1.2, true, false)?;
        self.elements[first].dests = dests;
        self.space(self.size() * scale * 0.45);
        Some(first)
    }
}

/// Strips characters no bundled font draws from a title (emoji), and the spaces they leave.
pub(crate) fn display_title(fonts: &mut Fonts<'_>, title: &str) -> String {
    let kept: String = title
        .chars()
        .filter(|&c| !c.is_control() && fonts.drawable(c))
        .collect();
    fonts.count_title(title);
    kept.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A title as drawn: [`display_title`], or the file name when nothing of it can be drawn.
pub(crate) fn shown_title(fonts: &mut Fonts<'_>, title: &str, path: &str) -> String {
    let shown = display_title(fonts, title);
    if shown.is_empty() {
        path.rsplit('/').next().unwrap_or(path).to_owned()
    } else {
        shown
    }
}
