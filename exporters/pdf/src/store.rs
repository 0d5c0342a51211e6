//! The layout of a book page kept from one build to the next.
//!
//! A book page's layout depends on the page, on the book's other pages (their paths and titles,
//! which links and content-refs show), the assets, the geometry, language and fonts; the key
//! digests all of them. The value is everything laying the page out added to the [`Layout`]: its
//! elements, containers, chapter, links, and what it took from shared state (destinations and
//! pictures by key, glyphs with their text, titles checked, characters left out), with indices
//! relative to the page, so that it can be put back at another place of another book.

use crate::flow::{Container, Draw, Element, Kind, LinkTarget, Rgb};
use crate::fonts::Recording;
use crate::layout::{Chapter, Layout, OutlineItem};
use livret_model::{ExportContext, Page};
use std::collections::HashMap;
use std::sync::Arc;

/// The kind of the cache's entries, and the version of their format.
const KIND: &str = "pdf-layout";
const VERSION: &[u8] = b"pdf-layout 1";

/// Layouts larger than this are not kept: a page that big (hundreds of PDF pages) is laid out
/// again rather than making every later build read and write its layout.
const LARGEST: usize = 8 << 20;

/// What the layout records while a page is laid out, besides the fonts' [`Recording`].
#[derive(Debug, Default)]
pub(crate) struct Recorder {
    /// Destination keys in the order the page first used them, and global id → local index.
    dests: Vec<String>,
    dest_index: HashMap<u32, u32>,
    /// Picture paths in the order the page first asked for them.
    pictures: Vec<String>,
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

/// A book page layout with a key: what it depends on, and the pictures it draws (their numbers
/// in the document, which depend on the pages before it).
#[derive(Debug, Clone)]
pub(crate) struct Origin {
    key: u128,
    pictures: Vec<u32>,
    /// For a layout put back from the cache: its bytes (where its elements' drawings are
    /// decoded from when needed) and its destinations' numbers in the document.
    bytes: Option<Arc<[u8]>>,
    dests: Vec<u32>,
}

/// Marks the elements of the page laid out or restored since `mark` as coming from the layout
/// with key `key`.
fn set_origin(layout: &mut Layout<'_>, mark: Mark, origin: Origin) {
    let origin_index = layout.origins.len() as u32;
    layout.origins.push(origin);
    let origin = origin_index;
    for (index, element) in layout.elements[mark.elements..].iter_mut().enumerate() {
        element.origin = Some((origin, index as u32));
    }
}

/// A digest of what the body of a PDF page shows, when each element on it comes from a keyed
/// book page layout: those layouts, which of their elements, in which order (their places follow
/// from their heights).
pub(crate) fn body_key(layout: &Layout<'_>, page: &crate::paginate::PageLayout) -> Option<u128> {
    if page.placed.is_empty() {
        return None;
    }
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    hasher.update(b"pdf-body 1");
    let mut last = u32::MAX;
    for placed in &page.placed {
        let (origin, index) = layout.elements.get(placed.element)?.origin?;
        if origin != last {
            let origin_info = layout.origins.get(origin as usize)?;
            hasher.update(b"o");
            hasher.update(&origin_info.key.to_le_bytes());
            hasher.update(&(origin_info.pictures.len() as u32).to_le_bytes());
            for picture in &origin_info.pictures {
                hasher.update(&picture.to_le_bytes());
            }
            last = origin;
        }
        hasher.update(&index.to_le_bytes());
        hasher.update(&[u8::from(placed.repeated)]);
    }
    Some(hasher.digest128())
}

/// The drawings of element `index` other than links, moved down by `dy`: its own, or those
/// decoded from the kept layout it was put back from.
pub(crate) fn shifted_draws(layout: &Layout<'_>, index: usize, dy: f32) -> Vec<Draw> {
    let Some(element) = layout.elements.get(index) else {
        return Vec::new();
    };
    let mut draws: Vec<Draw> = element
        .draws
        .iter()
        .filter(|draw| !matches!(draw, Draw::Link { .. }))
        .map(|draw| draw.shifted(dy))
        .collect();
    let (Some((start, end)), Some((origin, _))) = (element.lazy, element.origin) else {
        return draws;
    };
    let Some(origin) = layout.origins.get(origin as usize) else {
        return draws;
    };
    let Some(segment) = origin
        .bytes
        .as_deref()
        .and_then(|bytes| bytes.get(start as usize..end as usize))
    else {
        return draws;
    };
    // The segment was checked when the layout was put back: every drawing decodes, and the
    // pictures and destinations it names are the page's.
    let mut reader = Reader(segment);
    while !reader.0.is_empty() {
        let Some(mut draw) = draw(&mut reader) else {
            break;
        };
        match &mut draw {
            Draw::Image { image, .. } => match origin.pictures.get(*image as usize) {
                Some(&id) => *image = id,
                None => continue,
            },
            Draw::PageNumber { dest, .. } => match origin.dests.get(*dest as usize) {
                Some(&id) => *dest = id,
                None => continue,
            },
            _ => {}
        }
        draws.push(draw.shifted(dy));
    }
    draws
}

/// The key of the running header and footer of page `index` of `count`, in a chapter titled
/// `title`.
pub(crate) fn decorations_key(
    context: u128,
    book_title: &str,
    title: &str,
    index: usize,
    count: usize,
) -> u128 {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    hasher.update(b"pdf-decorations 1");
    hasher.update(&context.to_le_bytes());
    for text in [book_title, title] {
        hasher.update(&(text.len() as u64).to_le_bytes());
        hasher.update(text.as_bytes());
    }
    hasher.update(&(index as u64).to_le_bytes());
    hasher.update(&(count as u64).to_le_bytes());
    hasher.digest128()
}

/// Glyphs drawn, with the text each stands for: font, glyph id, text.
pub(crate) type Glyphs = Vec<(u8, u16, String)>;

/// A kept content stream with the glyphs it draws (and their text): what drawing it again
/// would have noted in the fonts.
pub(crate) fn encode_stream(used: &[(u8, u16, String)], stream: &[u8]) -> Vec<u8> {
    let mut out = Writer(Vec::with_capacity(stream.len() + used.len() * 8 + 8));
    out.len(used.len());
    for (font, gid, text) in used {
        out.u8(*font);
        out.u16(*gid);
        out.str(text);
    }
    out.0.extend_from_slice(stream);
    out.0
}

/// The glyphs and the stream of [`encode_stream`].
pub(crate) fn decode_stream(bytes: &[u8]) -> Option<(Glyphs, &[u8])> {
    let mut r = Reader(bytes);
    let count = r.len()?;
    let used = (0..count)
        .map(|_| Some((r.u8()?, r.u16()?, r.str()?)))
        .collect::<Option<_>>()?;
    Some((used, r.0))
}

/// A digest of what every page's layout depends on besides the page itself.
pub(crate) fn context_digest(context: &ExportContext<'_>) -> u128 {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    hasher.update(VERSION);
    let mut field = |bytes: &[u8]| {
        hasher.update(&(bytes.len() as u64).to_le_bytes());
        hasher.update(bytes);
    };
    let book = context.book;
    field(book.meta.language.as_bytes());
    field(book.meta.base_url.as_deref().unwrap_or("\u{0}").as_bytes());
    let pdf = &context.settings.pdf;
    field(format!("{:?} {}", pdf.page_size, pdf.margin_mm).as_bytes());
    for page in &book.pages {
        field(page.path.as_bytes());
        field(page.title.as_bytes());
    }
    if let Some(assets) = Some(context.assets) {
        for (path, bytes) in &assets.files {
            field(path.as_bytes());
            field(&xxhash_rust::xxh3::xxh3_128(bytes).to_le_bytes());
        }
        if let Some(font) = &assets.font {
            field(b"font");
            field(&xxhash_rust::xxh3::xxh3_128(font).to_le_bytes());
        }
    }
    hasher.digest128()
}

/// The key of a page's layout at `x`, `width`, inside `depth` boxes, or `None` when the page
/// cannot be digested.
fn page_key(context: u128, x: f32, width: f32, depth: usize, page: &Page) -> Option<u128> {
    let mut digest = livret_cache::Digest::new(KIND);
    digest
        .bytes(VERSION)
        .bytes(&context.to_le_bytes())
        .bytes(&x.to_le_bytes())
        .bytes(&width.to_le_bytes())
        .bytes(&(depth as u64).to_le_bytes())
        .value(page);
    Some(digest.key())
}

/// Where the layout stood before a page was laid out.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Mark {
    elements: usize,
    containers: usize,
    chapters: usize,
    links: usize,
}

impl Mark {
    pub(crate) fn of(layout: &Layout<'_>) -> Self {
        Mark {
            elements: layout.elements.len(),
            containers: layout.containers.len(),
            chapters: layout.chapters.len(),
            links: layout.links.len(),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Encoding.

struct Writer(Vec<u8>);

impl Writer {
    fn u8(&mut self, value: u8) {
        self.0.push(value);
    }
    fn u16(&mut self, value: u16) {
        self.0.extend_from_slice(&value.to_le_bytes());
    }
    fn u32(&mut self, value: u32) {
        self.0.extend_from_slice(&value.to_le_bytes());
    }
    fn f32(&mut self, value: f32) {
        self.0.extend_from_slice(&value.to_le_bytes());
    }
    fn len(&mut self, value: usize) {
        self.u32(value as u32);
    }
    fn str(&mut self, value: &str) {
        self.len(value.len());
        self.0.extend_from_slice(value.as_bytes());
    }
    fn rgb(&mut self, value: Rgb) {
        self.f32(value.0);
        self.f32(value.1);
        self.f32(value.2);
    }
}

/// Turns a global index into one relative to the page; `None` when it is not the page's.
fn local(value: usize, base: usize) -> Option<u32> {
    value.checked_sub(base).and_then(|v| u32::try_from(v).ok())
}

struct Encoder<'r> {
    out: Writer,
    mark: Mark,
    recorder: &'r Recorder,
    pictures: HashMap<u32, u32>,
}

impl Encoder<'_> {
    fn dest(&mut self, id: u32) -> Option<()> {
        let local = *self.recorder.dest_index.get(&id)?;
        self.out.u32(local);
        Some(())
    }

    fn target(&mut self, target: &LinkTarget) -> Option<()> {
        match target {
            LinkTarget::Uri(uri) => {
                self.out.u8(0);
                self.out.str(uri);
            }
            LinkTarget::Dest(dest) => {
                self.out.u8(1);
                self.dest(*dest)?;
            }
        }
        Some(())
    }

    fn draw(&mut self, draw: &Draw) -> Option<()> {
        let out = &mut self.out;
        match draw {
            Draw::Glyphs {
                font,
                size,
                color,
                x,
                y,
                glyphs,
            } => {
                out.u8(0);
                out.u8(*font);
                out.f32(*size);
                out.rgb(*color);
                out.f32(*x);
                out.f32(*y);
                out.len(glyphs.len());
                for (gid, advance) in glyphs {
                    out.u16(*gid);
                    out.f32(*advance);
                }
            }
            Draw::Rect { x, y, w, h, color } => {
                out.u8(1);
                for v in [x, y, w, h] {
                    out.f32(*v);
                }
                out.rgb(*color);
            }
            Draw::Line {
                x1,
                y1,
                x2,
                y2,
                width,
                color,
            } => {
                out.u8(2);
                for v in [x1, y1, x2, y2, width] {
                    out.f32(*v);
                }
                out.rgb(*color);
            }
            Draw::Frame {
                x,
                y,
                w,
                h,
                width,
                color,
            } => {
                out.u8(3);
                for v in [x, y, w, h, width] {
                    out.f32(*v);
                }
                out.rgb(*color);
            }
            Draw::Image { image, x, y, w, h } => {
                out.u8(4);
                let local = *self.pictures.get(image)?;
                out.u32(local);
                for v in [x, y, w, h] {
                    out.f32(*v);
                }
            }
            Draw::Link { x, y, w, h, target } => {
                out.u8(5);
                out.u32(local(*target as usize, self.mark.links)?);
                for v in [x, y, w, h] {
                    out.f32(*v);
                }
            }
            Draw::PageNumber {
                dest,
                font,
                size,
                color,
                x,
                y,
            } => {
                out.u8(6);
                out.u8(*font);
                out.f32(*size);
                out.rgb(*color);
                out.f32(*x);
                out.f32(*y);
                self.dest(*dest)?;
            }
        }
        Some(())
    }

    fn element(&mut self, element: &Element) -> Option<()> {
        let mark = self.mark;
        let out = &mut self.out;
        out.u8(match element.kind {
            Kind::Content => 0,
            Kind::Space => 1,
            Kind::PageBreak => 2,
        });
        out.f32(element.height);
        out.f32(element.baseline);
        out.u8(u8::from(element.break_before) | (u8::from(element.keep_with_next) << 1));
        out.len(element.containers.len());
        for &container in &element.containers {
            out.u32(local(container as usize, mark.containers)?);
        }
        out.u32(local(element.chapter as usize, mark.chapters)?);
        match element.repeat {
            Some(header) => {
                out.u8(1);
                out.u32(local(header, mark.elements)?);
            }
            None => out.u8(0),
        }
        self.out.len(element.dests.len());
        for &dest in &element.dests {
            self.dest(dest)?;
        }
        // Links first (pagination needs them), then the other drawings as one block that is
        // decoded only if the page's content is not known already.
        let is_link = |draw: &&Draw| matches!(draw, Draw::Link { .. });
        self.out.len(element.draws.iter().filter(is_link).count());
        for draw in element.draws.iter().filter(is_link) {
            self.draw(draw)?;
        }
        let at = self.out.0.len();
        self.out.u32(0);
        for draw in element.draws.iter().filter(|draw| !is_link(draw)) {
            self.draw(draw)?;
        }
        let length = u32::try_from(self.out.0.len() - at - 4).ok()?;
        self.out.0[at..at + 4].copy_from_slice(&length.to_le_bytes());
        Some(())
    }

    fn outline(&mut self, item: &OutlineItem) -> Option<()> {
        self.out.str(&item.title);
        self.target(&item.target)?;
        self.out.len(item.children.len());
        for child in &item.children {
            self.outline(child)?;
        }
        Some(())
    }
}

/// Everything the page at `mark` added to `layout`, relative to the page; `None` when something
/// refers outside the page (then it is not kept).
pub(crate) fn encode(
    layout: &Layout<'_>,
    mark: Mark,
    recorder: &Recorder,
    fonts: &Recording,
    outline: &[OutlineItem],
) -> Option<Vec<u8>> {
    let mut encoder = Encoder {
        out: Writer(Vec::with_capacity(
            (layout.elements.len() - mark.elements) * 128 + 1024,
        )),
        mark,
        recorder,
        pictures: HashMap::new(),
    };
    let out = &mut encoder.out;
    out.str(&layout.page_path);
    out.len(recorder.dests.len());
    for key in &recorder.dests {
        out.str(key);
    }
    out.len(recorder.pictures.len());
    let mut drawn = 0;
    for path in &recorder.pictures {
        out.str(path);
        let id = layout.picture_id(path);
        out.u8(u8::from(id.is_some()));
        if let Some(id) = id {
            encoder.pictures.insert(id, drawn);
            drawn += 1;
        }
    }
    let out = &mut encoder.out;
    out.len(fonts.used.len());
    for ((font, gid), text) in &fonts.used {
        out.u8(*font);
        out.u16(*gid);
        out.str(text);
    }
    out.len(fonts.titles.len());
    for title in &fonts.titles {
        out.str(title);
    }
    out.len(fonts.missing);
    let chapters = layout.chapters.get(mark.chapters..)?;
    out.len(chapters.len());
    for chapter in chapters {
        out.str(&chapter.title);
        out.u8(u8::from(chapter.decorated));
    }
    let containers = layout.containers.get(mark.containers..)?;
    out.len(containers.len());
    for container in containers {
        out.f32(container.x0);
        out.f32(container.x1);
        match container.background {
            Some(colour) => {
                out.u8(1);
                out.rgb(colour);
            }
            None => out.u8(0),
        }
        match container.bar {
            Some((colour, width)) => {
                out.u8(1);
                out.rgb(colour);
                out.f32(width);
            }
            None => out.u8(0),
        }
        out.f32(container.pad);
    }
    let links = layout.links.get(mark.links..)?;
    encoder.out.len(links.len());
    for link in links {
        encoder.target(link)?;
    }
    let elements = layout.elements.get(mark.elements..)?;
    encoder.out.len(elements.len());
    for element in elements {
        encoder.element(element)?;
    }
    encoder.out.len(outline.len());
    for item in outline {
        encoder.outline(item)?;
    }
    Some(encoder.out.0)
}

// ---------------------------------------------------------------------------------------------
// Decoding.

struct Reader<'b>(&'b [u8]);

impl Reader<'_> {
    fn take<const N: usize>(&mut self) -> Option<[u8; N]> {
        let (head, tail) = self.0.split_first_chunk::<N>()?;
        self.0 = tail;
        Some(*head)
    }
    fn u8(&mut self) -> Option<u8> {
        self.take::<1>().map(|[b]| b)
    }
    fn u16(&mut self) -> Option<u16> {
        self.take().map(u16::from_le_bytes)
    }
    fn u32(&mut self) -> Option<u32> {
        self.take().map(u32::from_le_bytes)
    }
    fn f32(&mut self) -> Option<f32> {
        self.take().map(f32::from_le_bytes)
    }
    fn len(&mut self) -> Option<usize> {
        let len = self.u32()? as usize;
        // No count can exceed the bytes left: a damaged entry never allocates much.
        (len <= self.0.len() + 1).then_some(len)
    }
    fn str(&mut self) -> Option<String> {
        let len = self.len()?;
        if len > self.0.len() {
            return None;
        }
        let (head, tail) = self.0.split_at(len);
        self.0 = tail;
        String::from_utf8(head.to_vec()).ok()
    }
    fn rgb(&mut self) -> Option<Rgb> {
        Some(Rgb(self.f32()?, self.f32()?, self.f32()?))
    }
}

/// A decoded page layout, with its references still local.
#[derive(Debug)]
pub(crate) struct Stored {
    bytes: Arc<[u8]>,
    path: String,
    dests: Vec<String>,
    /// Paths, and whether each is drawn (decodes).
    pictures: Vec<(String, bool)>,
    used: Vec<(u8, u16, String)>,
    titles: Vec<String>,
    missing: usize,
    chapters: Vec<Chapter>,
    containers: Vec<Container>,
    links: Vec<LinkTarget>,
    elements: Vec<Element>,
    outline: Vec<OutlineItem>,
}

fn target(reader: &mut Reader<'_>) -> Option<LinkTarget> {
    match reader.u8()? {
        0 => Some(LinkTarget::Uri(reader.str()?)),
        1 => Some(LinkTarget::Dest(reader.u32()?)),
        _ => None,
    }
}

fn draw(reader: &mut Reader<'_>) -> Option<Draw> {
    let r = reader;
    Some(match r.u8()? {
        0 => {
            let (font, size, color, x, y) = (r.u8()?, r.f32()?, r.rgb()?, r.f32()?, r.f32()?);
            let count = r.len()?;
            let mut glyphs = Vec::with_capacity(count);
            for _ in 0..count {
                glyphs.push((r.u16()?, r.f32()?));
            }
            Draw::Glyphs {
                font,
                size,
                color,
                x,
                y,
                glyphs,
            }
        }
        1 => Draw::Rect {
            x: r.f32()?,
            y: r.f32()?,
            w: r.f32()?,
            h: r.f32()?,
            color: r.rgb()?,
        },
        2 => Draw::Line {
            x1: r.f32()?,
            y1: r.f32()?,
            x2: r.f32()?,
            y2: r.f32()?,
            width: r.f32()?,
            color: r.rgb()?,
        },
        3 => Draw::Frame {
            x: r.f32()?,
            y: r.f32()?,
            w: r.f32()?,
            h: r.f32()?,
            width: r.f32()?,
            color: r.rgb()?,
        },
        4 => Draw::Image {
            image: r.u32()?,
            x: r.f32()?,
            y: r.f32()?,
            w: r.f32()?,
            h: r.f32()?,
        },
        5 => Draw::Link {
            target: r.u32()?,
            x: r.f32()?,
            y: r.f32()?,
            w: r.f32()?,
            h: r.f32()?,
        },
        6 => Draw::PageNumber {
            font: r.u8()?,
            size: r.f32()?,
            color: r.rgb()?,
            x: r.f32()?,
            y: r.f32()?,
            dest: r.u32()?,
        },
        _ => return None,
    })
}

/// Checks encoded drawings (not links) without keeping them: their tags, sizes, and that the
/// pictures and destinations they name are the page's.
fn check_draws(mut r: Reader<'_>, pictures: usize, dests: usize) -> Option<()> {
    while !r.0.is_empty() {
        let fixed = match r.u8()? {
            0 => {
                let _ = r.take::<25>()?;
                let count = r.u32()? as usize;
                count.checked_mul(6)?
            }
            1 => 28,
            2 | 3 => 32,
            4 => {
                if r.u32()? as usize >= pictures {
                    return None;
                }
                16
            }
            6 => {
                let _ = r.take::<25>()?;
                if r.u32()? as usize >= dests {
                    return None;
                }
                0
            }
            _ => return None,
        };
        if fixed > r.0.len() {
            return None;
        }
        r.0 = &r.0[fixed..];
    }
    Some(())
}

/// Where the reader is in an entry of `total` bytes.
fn offset(r: &Reader<'_>, total: usize) -> usize {
    total - r.0.len()
}

fn element(r: &mut Reader<'_>, total: usize, pictures: usize, dests: usize) -> Option<Element> {
    let kind = match r.u8()? {
        0 => Kind::Content,
        1 => Kind::Space,
        2 => Kind::PageBreak,
        _ => return None,
    };
    let mut element = Element::new(kind, r.f32()?);
    element.baseline = r.f32()?;
    let flags = r.u8()?;
    element.break_before = flags & 1 != 0;
    element.keep_with_next = flags & 2 != 0;
    let count = r.len()?;
    element.containers = (0..count).map(|_| r.u32()).collect::<Option<_>>()?;
    element.chapter = r.u32()?;
    element.repeat = match r.u8()? {
        0 => None,
        _ => Some(r.u32()? as usize),
    };
    let count = r.len()?;
    element.dests = (0..count).map(|_| r.u32()).collect::<Option<_>>()?;
    let count = r.len()?;
    element.draws = (0..count)
        .map(|_| draw(r).filter(|draw| matches!(draw, Draw::Link { .. })))
        .collect::<Option<_>>()?;
    let length = r.u32()? as usize;
    if length > r.0.len() {
        return None;
    }
    let start = offset(r, total);
    let (segment, rest) = r.0.split_at(length);
    check_draws(Reader(segment), pictures, dests)?;
    r.0 = rest;
    if length > 0 {
        element.lazy = Some((
            u32::try_from(start).ok()?,
            u32::try_from(start + length).ok()?,
        ));
    }
    Some(element)
}

fn outline(r: &mut Reader<'_>, depth: usize) -> Option<OutlineItem> {
    if depth > 64 {
        return None;
    }
    let title = r.str()?;
    let target = target(r)?;
    let count = r.len()?;
    let children = (0..count)
        .map(|_| outline(r, depth + 1))
        .collect::<Option<_>>()?;
    Some(OutlineItem {
        title,
        target,
        children,
    })
}

fn decode(bytes: Arc<[u8]>) -> Option<Stored> {
    let total = bytes.len();
    let r = &mut Reader(&bytes);
    let path = r.str()?;
    let count = r.len()?;
    let dests: Vec<String> = (0..count).map(|_| r.str()).collect::<Option<_>>()?;
    let count = r.len()?;
    let pictures: Vec<(String, bool)> = (0..count)
        .map(|_| Some((r.str()?, r.u8()? != 0)))
        .collect::<Option<_>>()?;
    let count = r.len()?;
    let used = (0..count)
        .map(|_| Some((r.u8()?, r.u16()?, r.str()?)))
        .collect::<Option<_>>()?;
    let count = r.len()?;
    let titles = (0..count).map(|_| r.str()).collect::<Option<_>>()?;
    let missing = r.u32()? as usize;
    let count = r.len()?;
    let chapters = (0..count)
        .map(|_| {
            Some(Chapter {
                title: r.str()?,
                decorated: r.u8()? != 0,
            })
        })
        .collect::<Option<_>>()?;
    let count = r.len()?;
    let containers = (0..count)
        .map(|_| {
            let (x0, x1) = (r.f32()?, r.f32()?);
            let background = match r.u8()? {
                0 => None,
                _ => Some(r.rgb()?),
            };
            let bar = match r.u8()? {
                0 => None,
                _ => Some((r.rgb()?, r.f32()?)),
            };
            Some(Container {
                x0,
                x1,
                background,
                bar,
                pad: r.f32()?,
            })
        })
        .collect::<Option<_>>()?;
    let count = r.len()?;
    let links = (0..count).map(|_| target(r)).collect::<Option<_>>()?;
    let count = r.len()?;
    let drawn = pictures.iter().filter(|p| p.1).count();
    let dest_count = dests.len();
    let elements = (0..count)
        .map(|_| element(r, total, drawn, dest_count))
        .collect::<Option<_>>()?;
    let count = r.len()?;
    let outline = (0..count).map(|_| outline(r, 0)).collect::<Option<_>>()?;
    if !r.0.is_empty() {
        return None;
    }
    Some(Stored {
        bytes: bytes.clone(),
        path,
        dests,
        pictures,
        used,
        titles,
        missing,
        chapters,
        containers,
        links,
        elements,
        outline,
    })
}

/// Puts a kept page layout back into `layout`; `None` (and `layout` untouched) when the bytes
/// are not a whole, consistent entry.
fn restore(layout: &mut Layout<'_>, stored: Stored, key: u128) -> Option<Vec<OutlineItem>> {
    let mark = Mark::of(layout);
    // Check every local reference before anything changes.
    let dests = stored.dests.len();
    let in_range = |value: u32, count: usize| (value as usize) < count;
    let pictures_drawn_max = stored.pictures.iter().filter(|p| p.1).count();
    let target_ok = |target: &LinkTarget| match target {
        LinkTarget::Dest(dest) => in_range(*dest, dests),
        LinkTarget::Uri(_) => true,
    };
    fn outline_ok(item: &OutlineItem, ok: &dyn Fn(&LinkTarget) -> bool) -> bool {
        ok(&item.target) && item.children.iter().all(|c| outline_ok(c, ok))
    }
    let consistent = stored.links.iter().all(target_ok)
        && stored
            .outline
            .iter()
            .all(|item| outline_ok(item, &target_ok))
        && stored.elements.iter().all(|element| {
            element
                .containers
                .iter()
                .all(|&c| in_range(c, stored.containers.len()))
                && in_range(element.chapter, stored.chapters.len())
                && element.repeat.is_none_or(|r| r < stored.elements.len())
                && element.dests.iter().all(|&d| in_range(d, dests))
                && element.draws.iter().all(|draw| match draw {
                    Draw::Image { image, .. } => in_range(*image, pictures_drawn_max),
                    Draw::Link { target, .. } => in_range(*target, stored.links.len()),
                    Draw::PageNumber { dest, .. } => in_range(*dest, dests),
                    _ => true,
                })
        });
    if !consistent {
        return None;
    }

    let dest_ids: Vec<u32> = stored.dests.iter().map(|key| layout.dest(key)).collect();
    let mut picture_ids = Vec::new();
    for (path, _) in &stored.pictures {
        if let Some((id, _, _)) = layout.picture_at(path) {
            picture_ids.push(id);
        }
    }
    let fonts = &mut layout.fonts;
    for (font, gid, text) in &stored.used {
        fonts.note_used(*font, *gid, text);
    }
    for title in &stored.titles {
        fonts.count_title(title);
    }
    fonts.missing += stored.missing;
    if !stored.chapters.is_empty() {
        layout.chapters.extend(stored.chapters);
        layout.chapter = (layout.chapters.len() - 1) as u32;
    }
    layout.containers.extend(stored.containers);
    let dest = |local: u32| dest_ids[local as usize];
    let relink = |target: LinkTarget| match target {
        LinkTarget::Dest(local) => LinkTarget::Dest(dest(local)),
        uri => uri,
    };
    layout.links.extend(stored.links.into_iter().map(relink));
    for mut element in stored.elements {
        for container in &mut element.containers {
            *container += mark.containers as u32;
        }
        element.chapter += mark.chapters as u32;
        element.repeat = element.repeat.map(|r| r + mark.elements);
        for d in &mut element.dests {
            *d = dest(*d);
        }
        // (The assets are part of the key: the same pictures decode as when the layout was made.)
        element.draws.retain_mut(|draw| {
            match draw {
                Draw::Image { image, .. } => match picture_ids.get(*image as usize) {
                    Some(&id) => *image = id,
                    None => return false,
                },
                Draw::Link { target, .. } => *target += mark.links as u32,
                Draw::PageNumber { dest: d, .. } => *d = dest(*d),
                _ => {}
            }
            true
        });
        layout.elements.push(element);
    }
    fn relink_outline(item: &mut OutlineItem, dest: &dyn Fn(u32) -> u32) {
        if let LinkTarget::Dest(local) = item.target {
            item.target = LinkTarget::Dest(dest(local));
        }
        for child in &mut item.children {
            relink_outline(child, dest);
        }
    }
    let mut outline = stored.outline;
    for item in &mut outline {
        relink_outline(item, &dest);
    }
    layout.page_path = stored.path;
    set_origin(
        layout,
        mark,
        Origin {
            key,
            pictures: picture_ids,
            bytes: Some(stored.bytes),
            dests: dest_ids,
        },
    );
    Some(outline)
}

/// Lays out a book page, or puts back its layout from an earlier build; keeps it for the next.
/// The keys of every page's layout and the layouts kept for them, looked up and decoded in
/// parallel before the layout starts (for pages laid out at the left margin, outside any box).
#[derive(Debug, Default)]
pub(crate) struct Prepared {
    at: (f32, f32),
    pages: HashMap<String, (Option<u128>, Option<Stored>)>,
}

pub(crate) fn prepare(layout: &Layout<'_>) -> Prepared {
    use rayon::prelude::*;
    let (Some(cache), Some(context)) = (layout.cache, layout.context_digest) else {
        return Prepared::default();
    };
    let (x, width) = (layout.x, layout.width);
    let pages = layout
        .book
        .pages
        .par_iter()
        .map(|page| {
            let key = page_key(context, x, width, 0, page);
            let stored = key.and_then(|key| cache.get(KIND, key)).and_then(decode);
            (page.path.clone(), (key, stored))
        })
        .collect();
    Prepared {
        at: (x, width),
        pages,
    }
}

pub(crate) fn page(layout: &mut Layout<'_>, page: &Page) -> Vec<OutlineItem> {
    let (Some(cache), Some(context)) = (layout.cache, layout.context_digest) else {
        return layout.page(page);
    };
    let prepared = match layout.depth() == 0 && layout.prepared.at == (layout.x, layout.width) {
        true => layout.prepared.pages.remove(&page.path),
        false => None,
    };
    let (key, stored) = match prepared {
        Some(prepared) => prepared,
        None => {
            let key = page_key(context, layout.x, layout.width, layout.depth(), page);
            let stored = key.and_then(|key| cache.get(KIND, key)).and_then(decode);
            (key, stored)
        }
    };
    let Some(key) = key else {
        return layout.page(page);
    };
    if let Some(stored) = stored {
        if let Some(outline) = restore(layout, stored, key) {
            return outline;
        }
    }
    let mark = Mark::of(layout);
    layout.fonts.start_recording();
    layout.recorder = Some(Recorder::default());
    let outline = layout.page(page);
    let recorder = layout.recorder.take();
    let recording = layout.fonts.recording.take();
    if let (Some(recorder), Some(recording)) = (recorder, recording) {
        let bytes = encode(layout, mark, &recorder, &recording, &outline);
        if let Some(bytes) = bytes.filter(|bytes| bytes.len() <= LARGEST) {
            cache.put(KIND, key, bytes);
            let pictures = recorder
                .pictures
                .iter()
                .filter_map(|path| layout.picture_id(path))
                .collect();
            let origin = Origin {
                key,
                pictures,
                bytes: None,
                dests: Vec::new(),
            };
            set_origin(layout, mark, origin);
        }
    }
    outline
}
