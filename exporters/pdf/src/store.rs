//! Results kept from one build to the next: book page layouts, content streams.
//!
//! A book page's layout depends on the page, on the book's other pages (their paths and titles,
//! which links and content-refs show), the assets, the geometry, language and fonts; the key
//! digests all of them. The value is everything laying the page out added to the [`Layout`]: its
//! elements, containers, chapter, links, and what it took from shared state (destinations and
//! pictures by key, glyphs with their text, titles checked, characters left out), with indices
//! relative to the page, so that it can be put back at another place of another book.

use crate::flow::{Container, Draw, Element, Kind, LinkTarget};
use crate::fonts::{Glyphs, Recording};
use crate::layout::{Chapter, Layout, OutlineItem, Recorder};
use livret_cache::Digest;
use livret_model::{Assets, Book, Cache, Page, PdfSettings};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The kind of the cache's page layout entries.
const KIND: &str = "pdf-layout";

/// Layouts larger than this are not kept: a page that big (hundreds of PDF pages) is laid out
/// again rather than making every later build read and write its layout.
const LARGEST: usize = 8 << 20;

/// A book page layout with a key: what it depends on, and the pictures it draws (their numbers
/// in the document, which depend on the pages before it).
#[derive(Debug, Clone)]
pub(crate) struct Origin {
    key: u128,
    pictures: Vec<u32>,
    /// For a layout put back from the cache: its destinations' numbers in the document (its
    /// elements' kept drawings name them by their place in the page).
    dests: Vec<u32>,
}

/// Bytes kept as one MessagePack `bin` (serde writes a `Vec<u8>` as an array of numbers).
#[derive(Debug, Clone, Default)]
struct Bytes(Box<[u8]>);

impl Serialize for Bytes {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bytes(&self.0)
    }
}

impl<'de> Deserialize<'de> for Bytes {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Bytes;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("bytes")
            }
            fn visit_bytes<E>(self, bytes: &[u8]) -> Result<Bytes, E> {
                Ok(Bytes(bytes.into()))
            }
            fn visit_byte_buf<E>(self, bytes: Vec<u8>) -> Result<Bytes, E> {
                Ok(Bytes(bytes.into_boxed_slice()))
            }
        }
        deserializer.deserialize_byte_buf(Visitor)
    }
}

/// A book page layout as kept, its references local to the page.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Kept {
    path: String,
    dests: Vec<String>,
    /// Paths, and whether each is drawn (decodes).
    pictures: Vec<(String, bool)>,
    used: Glyphs,
    titles: Vec<String>,
    missing: usize,
    chapters: Vec<Chapter>,
    containers: Vec<Container>,
    links: Vec<LinkTarget>,
    elements: Vec<KeptElement>,
    outline: Vec<OutlineItem>,
}

#[derive(Debug, Serialize, Deserialize)]
struct KeptElement {
    kind: Kind,
    height: f32,
    baseline: f32,
    break_before: bool,
    keep_with_next: bool,
    containers: Vec<u32>,
    chapter: u32,
    repeat: Option<usize>,
    dests: Vec<u32>,
    /// Its links, which pagination needs.
    links: Vec<Draw>,
    /// Its other drawings, encoded apart: decoded only for a PDF page whose content is not
    /// known already.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    draws: Option<Bytes>,
}

/// Book page layouts kept from one build to the next: wraps the layout of each page from
/// outside ([`Pages::page`]), and knows where the elements of the flow come from.
#[derive(Debug)]
pub(crate) struct Pages<'c> {
    cache: &'c dyn Cache,
    /// The digest of what every page's layout depends on besides the page.
    context: u128,
    /// The book page layouts with a key, for [`crate::flow::Element::origin`].
    origins: Vec<Origin>,
    /// The pages' keys and kept layouts, looked up before the layout starts.
    prepared: Prepared,
}

impl<'c> Pages<'c> {
    /// Looks up, in parallel, the kept layouts of the pages `layout` is about to lay out.
    pub(crate) fn new(cache: &'c dyn Cache, context: u128, layout: &Layout<'_>) -> Self {
        Pages {
            cache,
            context,
            origins: Vec::new(),
            prepared: prepare(cache, context, layout),
        }
    }

    pub(crate) fn context(&self) -> u128 {
        self.context
    }

    /// Marks the elements of the page laid out or restored since `mark` as coming from the
    /// layout `origin`.
    fn set_origin(&mut self, layout: &mut Layout<'_>, mark: Mark, origin: Origin) {
        let origin_index = self.origins.len() as u32;
        self.origins.push(origin);
        for (index, element) in layout.elements[mark.elements..].iter_mut().enumerate() {
            element.origin = Some((origin_index, index as u32));
        }
    }

    /// A digest of what the body of a PDF page shows, when each element on it comes from a keyed
    /// book page layout: those layouts, which of their elements, in which order (their places follow
    /// from their heights).
    pub(crate) fn body_key(
        &self,
        layout: &Layout<'_>,
        page: &crate::paginate::PageLayout,
    ) -> Option<u128> {
        if page.placed.is_empty() {
            return None;
        }
        let mut digest = Digest::new("pdf-body");
        let mut last = u32::MAX;
        for placed in &page.placed {
            let (origin, index) = layout.elements.get(placed.element)?.origin?;
            if origin != last {
                let origin_info = self.origins.get(origin as usize)?;
                digest.value(&(origin_info.key, &origin_info.pictures));
                last = origin;
            }
            digest.value(&(index, placed.repeated));
        }
        Some(digest.key())
    }
}

/// The drawings of element `index` other than links, moved down by `dy`: its own, or those
/// decoded from the kept layout it was put back from.
pub(crate) fn shifted_draws(
    pages: Option<&Pages<'_>>,
    layout: &Layout<'_>,
    index: usize,
    dy: f32,
) -> Vec<Draw> {
    let Some(element) = layout.elements.get(index) else {
        return Vec::new();
    };
    let mut draws: Vec<Draw> = element
        .draws
        .iter()
        .filter(|draw| !matches!(draw, Draw::Link { .. }))
        .map(|draw| draw.shifted(dy))
        .collect();
    let (Some(kept), Some((origin, _)), Some(pages)) = (&element.kept_draws, element.origin, pages)
    else {
        return draws;
    };
    let Some(origin) = pages.origins.get(origin as usize) else {
        return draws;
    };
    // Written by this very program (the cache is salted with it) and checked by the store: the
    // drawings decode; a picture or destination not the page's is left out.
    let kept: Vec<Draw> = livret_cache::decode(kept).unwrap_or_default();
    for mut draw in kept {
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
    Digest::new("pdf-decorations")
        .value(&context)
        .str(book_title)
        .str(title)
        .value(&(index, count))
        .key()
}

/// A content stream as kept: whether it is compressed, and its bytes.
#[derive(Debug, Serialize, Deserialize)]
struct KeptStream {
    compressed: bool,
    content: Bytes,
}

impl KeptStream {
    fn of(stream: &lopdf::Stream) -> Self {
        KeptStream {
            compressed: stream.dict.get(b"Filter").is_ok(),
            content: Bytes(stream.content.as_slice().into()),
        }
    }

    fn stream(self) -> lopdf::Stream {
        // Keys in the order a new stream gets them: /Length, then /Filter.
        let mut stream = lopdf::Stream::new(lopdf::Dictionary::new(), self.content.0.into_vec());
        if self.compressed {
            stream
                .dict
                .set("Filter", lopdf::Object::Name(b"FlateDecode".to_vec()));
        }
        stream.allows_compression = false;
        stream
    }
}

/// The body of a PDF page kept under `key`.
pub(crate) fn known_body(cache: &dyn Cache, key: u128) -> Option<lopdf::Stream> {
    livret_cache::get::<KeptStream>(cache, "pdf-body", key).map(KeptStream::stream)
}

pub(crate) fn keep_body(cache: &dyn Cache, key: u128, stream: &lopdf::Stream) {
    livret_cache::put(cache, "pdf-body", key, &KeptStream::of(stream));
}

/// A running header and footer as kept: the glyphs it draws (and their text), which drawing it
/// again would have noted in the fonts, and its stream.
#[derive(Debug, Serialize, Deserialize)]
struct KeptDecorations {
    used: Glyphs,
    stream: KeptStream,
}

/// The header and footer kept under `key`, and the glyphs they draw.
pub(crate) fn known_decorations(cache: &dyn Cache, key: u128) -> Option<(Glyphs, lopdf::Stream)> {
    let kept = livret_cache::get::<KeptDecorations>(cache, "pdf-decorations", key)?;
    Some((kept.used, kept.stream.stream()))
}

pub(crate) fn keep_decorations(cache: &dyn Cache, key: u128, used: Glyphs, stream: &lopdf::Stream) {
    let kept = KeptDecorations {
        used,
        stream: KeptStream::of(stream),
    };
    livret_cache::put(cache, "pdf-decorations", key, &kept);
}

/// A digest of what every page's layout depends on besides the page itself.
pub(crate) fn context_digest(book: &Book, pdf: &PdfSettings, assets: &Assets) -> u128 {
    let mut digest = Digest::new("pdf-context");
    digest
        .str(&book.meta.language)
        .value(&book.meta.base_url)
        .value(&(pdf.page_size, pdf.margin_mm));
    for page in &book.pages {
        digest.str(&page.path).str(&page.title);
    }
    for (path, bytes) in &assets.files {
        digest.str(path).bytes(bytes);
    }
    digest.value(&assets.font.as_deref().map(xxhash_rust::xxh3::xxh3_128));
    digest.key()
}

/// The key of a page's layout at `x`, `width`, inside `depth` boxes.
fn page_key(context: u128, x: f32, width: f32, depth: usize, page: &Page) -> u128 {
    Digest::new(KIND)
        .value(&(context, x, width, depth))
        .value(page)
        .key()
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

/// Turns a global index into one relative to the page; `None` when it is not the page's.
fn local(value: usize, base: usize) -> Option<u32> {
    value.checked_sub(base).and_then(|v| u32::try_from(v).ok())
}

/// Turns the references of what a page added into references local to it.
struct Localizer<'r> {
    mark: Mark,
    recorder: &'r Recorder,
    pictures: HashMap<u32, u32>,
}

impl Localizer<'_> {
    fn dest(&self, id: u32) -> Option<u32> {
        self.recorder.dest_index.get(&id).copied()
    }

    fn target(&self, target: &LinkTarget) -> Option<LinkTarget> {
        Some(match target {
            LinkTarget::Uri(uri) => LinkTarget::Uri(uri.clone()),
            LinkTarget::Dest(dest) => LinkTarget::Dest(self.dest(*dest)?),
        })
    }

    fn draw(&self, draw: &Draw) -> Option<Draw> {
        let mut draw = draw.clone();
        match &mut draw {
            Draw::Image { image, .. } => *image = *self.pictures.get(image)?,
            Draw::Link { target, .. } => *target = local(*target as usize, self.mark.links)?,
            Draw::PageNumber { dest, .. } => *dest = self.dest(*dest)?,
            _ => {}
        }
        Some(draw)
    }

    fn element(&self, element: &Element) -> Option<KeptElement> {
        let mark = self.mark;
        let is_link = |draw: &&Draw| matches!(draw, Draw::Link { .. });
        let draws = element
            .draws
            .iter()
            .filter(|draw| !is_link(draw))
            .map(|draw| self.draw(draw))
            .collect::<Option<Vec<_>>>()?;
        Some(KeptElement {
            kind: element.kind,
            height: element.height,
            baseline: element.baseline,
            break_before: element.break_before,
            keep_with_next: element.keep_with_next,
            containers: element
                .containers
                .iter()
                .map(|&container| local(container as usize, mark.containers))
                .collect::<Option<_>>()?,
            chapter: local(element.chapter as usize, mark.chapters)?,
            repeat: match element.repeat {
                Some(header) => Some(local(header, mark.elements)? as usize),
                None => None,
            },
            dests: element
                .dests
                .iter()
                .map(|&dest| self.dest(dest))
                .collect::<Option<_>>()?,
            links: element
                .draws
                .iter()
                .filter(is_link)
                .map(|draw| self.draw(draw))
                .collect::<Option<_>>()?,
            draws: match draws.is_empty() {
                true => None,
                false => Some(Bytes(livret_cache::encode(&draws)?.into_boxed_slice())),
            },
        })
    }

    fn outline(&self, item: &OutlineItem) -> Option<OutlineItem> {
        Some(OutlineItem {
            title: item.title.clone(),
            target: self.target(&item.target)?,
            children: item
                .children
                .iter()
                .map(|child| self.outline(child))
                .collect::<Option<_>>()?,
        })
    }
}

/// Everything the page at `mark` added to `layout`, relative to the page; `None` when something
/// refers outside the page (then it is not kept).
fn kept(
    layout: &Layout<'_>,
    mark: Mark,
    recorder: &Recorder,
    fonts: Recording,
    outline: &[OutlineItem],
) -> Option<Kept> {
    let mut localizer = Localizer {
        mark,
        recorder,
        pictures: HashMap::new(),
    };
    let mut pictures = Vec::with_capacity(recorder.pictures.len());
    for path in &recorder.pictures {
        let id = layout.picture_id(path);
        if let Some(id) = id {
            let drawn = localizer.pictures.len() as u32;
            localizer.pictures.insert(id, drawn);
        }
        pictures.push((path.clone(), id.is_some()));
    }
    let localizer = localizer;
    Some(Kept {
        path: layout.page_path.clone(),
        dests: recorder.dests.clone(),
        pictures,
        used: fonts
            .used
            .into_iter()
            .map(|((font, gid), text)| (font, gid, text))
            .collect(),
        titles: fonts.titles,
        missing: fonts.missing,
        chapters: layout.chapters.get(mark.chapters..)?.to_vec(),
        containers: layout.containers.get(mark.containers..)?.to_vec(),
        links: layout
            .links
            .get(mark.links..)?
            .iter()
            .map(|link| localizer.target(link))
            .collect::<Option<_>>()?,
        elements: layout
            .elements
            .get(mark.elements..)?
            .iter()
            .map(|element| localizer.element(element))
            .collect::<Option<_>>()?,
        outline: outline
            .iter()
            .map(|item| localizer.outline(item))
            .collect::<Option<_>>()?,
    })
}

/// Puts a kept page layout back into `layout`; `None` (and `layout` untouched) when it is not
/// consistent.
fn restore(
    pages: &mut Pages<'_>,
    layout: &mut Layout<'_>,
    stored: Kept,
    key: u128,
) -> Option<Vec<OutlineItem>> {
    let mark = Mark::of(layout);
    // Check every local reference before anything changes.
    let dests = stored.dests.len();
    let in_range = |value: u32, count: usize| (value as usize) < count;
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
                && element.links.iter().all(|draw| match draw {
                    Draw::Link { target, .. } => in_range(*target, stored.links.len()),
                    _ => false,
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
    for kept in stored.elements {
        let mut element = Element::new(kept.kind, kept.height);
        element.baseline = kept.baseline;
        element.break_before = kept.break_before;
        element.keep_with_next = kept.keep_with_next;
        element.containers = kept
            .containers
            .iter()
            .map(|container| container + mark.containers as u32)
            .collect();
        element.chapter = kept.chapter + mark.chapters as u32;
        element.repeat = kept.repeat.map(|r| r + mark.elements);
        element.dests = kept.dests.iter().map(|&d| dest(d)).collect();
        element.draws = kept.links;
        for draw in &mut element.draws {
            if let Draw::Link { target, .. } = draw {
                *target += mark.links as u32;
            }
        }
        element.kept_draws = kept.draws.map(|draws| draws.0);
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
    pages.set_origin(
        layout,
        mark,
        Origin {
            key,
            pictures: picture_ids,
            dests: dest_ids,
        },
    );
    Some(outline)
}

/// The keys of every page's layout and the layouts kept for them, looked up and decoded in
/// parallel before the layout starts (for pages laid out at the left margin, outside any box).
#[derive(Debug, Default)]
pub(crate) struct Prepared {
    at: (f32, f32),
    pages: HashMap<String, (u128, Option<Kept>)>,
}

fn prepare(cache: &dyn Cache, context: u128, layout: &Layout<'_>) -> Prepared {
    use rayon::prelude::*;
    let (x, width) = (layout.x, layout.width);
    let pages = layout
        .book
        .pages
        .par_iter()
        .map(|page| {
            let key = page_key(context, x, width, 0, page);
            (
                page.path.clone(),
                (key, livret_cache::get(cache, KIND, key)),
            )
        })
        .collect();
    Prepared {
        at: (x, width),
        pages,
    }
}

impl Pages<'_> {
    /// Lays out a book page, or puts back its layout from an earlier build; keeps it for the next.
    pub(crate) fn page(&mut self, layout: &mut Layout<'_>, page: &Page) -> Vec<OutlineItem> {
        let (cache, context) = (self.cache, self.context);
        let prepared = match layout.depth() == 0 && self.prepared.at == (layout.x, layout.width) {
            true => self.prepared.pages.remove(&page.path),
            false => None,
        };
        let (key, stored) = prepared.unwrap_or_else(|| {
            let key = page_key(context, layout.x, layout.width, layout.depth(), page);
            (key, livret_cache::get(cache, KIND, key))
        });
        if let Some(stored) = stored {
            if let Some(outline) = restore(self, layout, stored, key) {
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
            let bytes = kept(layout, mark, &recorder, recording, &outline)
                .and_then(|kept| livret_cache::encode(&kept));
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
                    dests: Vec::new(),
                };
                self.set_origin(layout, mark, origin);
            }
        }
        outline
    }
}
