//! Where references point inside the EPUB: pages are `chapter-NNN.xhtml`, images are embedded
//! under `images/` the first time a page shows them.

use livret_html::Links;
use livret_model::{Assets, Target, XRef};
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};

/// The image types every EPUB 3 reading system must show (core media types), by their magic bytes.
/// SVG (it can carry scripts) and WebP (not a core type before EPUB 3.3) are not embedded.
pub(crate) fn core_image_type(bytes: &[u8]) -> Option<(&'static str, &'static str)> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(("image/png", "png"))
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(("image/jpeg", "jpg"))
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some(("image/gif", "gif"))
    } else {
        None
    }
}

/// An asset embedded in the EPUB.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Embedded {
    /// Path of the asset in the book.
    pub source: String,
    /// Path inside the EPUB, relative to the package document.
    pub file: String,
    pub media_type: &'static str,
}

/// What happened to the images the pages show.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImageCounts {
    /// Distinct assets embedded.
    pub embedded: usize,
    /// Image references to assets that are not in the book's files (shown as placeholders).
    pub missing: usize,
    /// Image references to assets present but not embedded: SVG, WebP or unknown types (placeholders).
    pub not_embeddable: usize,
    /// Remote images (shown as links).
    pub remote: usize,
}

/// What every page's links share: page paths to chapter files and titles, and the assets.
#[derive(Debug)]
pub(crate) struct Table<'a> {
    pages: HashMap<&'a str, (&'a str, &'a str)>,
    assets: Option<&'a Assets>,
}

impl<'a> Table<'a> {
    /// `pages`: (path in the book, file in the EPUB, title).
    pub(crate) fn new(
        pages: impl IntoIterator<Item = (&'a str, &'a str, &'a str)>,
        assets: Option<&'a Assets>,
    ) -> Self {
        Table {
            pages: pages
                .into_iter()
                .map(|(path, file, title)| (path, (file, title)))
                .collect(),
            assets,
        }
    }
}

/// The images decided so far: which assets are embedded under which file, in order of first use.
#[derive(Debug, Clone, Default)]
pub(crate) struct ImageState {
    /// Decision per asset path, made at its first use: `None` when it cannot be embedded.
    images: BTreeMap<String, Option<Embedded>>,
    /// Embedded assets in order of first use (their file names follow that order).
    embedded: Vec<Embedded>,
    counts: ImageCounts,
}

/// The [`Links`] of the EPUB: page paths to chapter files, assets to embedded files. Images are
/// numbered in the order pages first show them, so pages are rendered against one `EpubLinks` in
/// reading order (or replayed into it, see `crate::trace`).
pub(crate) struct EpubLinks<'t, 'a> {
    table: &'t Table<'a>,
    state: RefCell<ImageState>,
}

impl std::fmt::Debug for EpubLinks<'_, '_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EpubLinks")
            .field("pages", &self.table.pages.len())
            .field("embedded", &self.state.borrow().embedded.len())
            .finish()
    }
}

impl<'t, 'a> EpubLinks<'t, 'a> {
    /// Links with no image decided yet.
    pub(crate) fn new(table: &'t Table<'a>) -> Self {
        EpubLinks {
            table,
            state: RefCell::new(ImageState::default()),
        }
    }

    pub(crate) fn page_file(&self, path: &str) -> Option<&'a str> {
        self.table.pages.get(path).map(|(file, _)| *file)
    }

    /// The images decided so far, to go back to them with [`EpubLinks::restore`].
    pub(crate) fn snapshot(&self) -> ImageState {
        self.state.borrow().clone()
    }

    pub(crate) fn restore(&self, state: ImageState) {
        *self.state.borrow_mut() = state;
    }

    /// The embedded images, in the order pages first showed them.
    pub(crate) fn embedded(&self) -> Vec<Embedded> {
        self.state.borrow().embedded.clone()
    }

    pub(crate) fn counts(&self) -> ImageCounts {
        self.state.borrow().counts
    }

    /// The file of an embeddable asset, embedding it on first use; counts what cannot be.
    fn image_file(&self, path: &str) -> Option<String> {
        let mut state = self.state.borrow_mut();
        if let Some(decided) = state.images.get(path) {
            return decided.as_ref().map(|e| e.file.clone());
        }
        let bytes = self.table.assets.and_then(|assets| assets.files.get(path));
        let decided = match bytes.map(|bytes| core_image_type(bytes)) {
            Some(Some((media_type, extension))) => {
                let file = format!(
                    "images/{:03}-{}.{extension}",
                    state.embedded.len() + 1,
                    file_stem(path)
                );
                let image = Embedded {
                    source: path.to_owned(),
                    file,
                    media_type,
                };
                state.embedded.push(image.clone());
                state.counts.embedded += 1;
                Some(image)
            }
            _ => None,
        };
        let file = decided.as_ref().map(|e| e.file.clone());
        state.images.insert(path.to_owned(), decided);
        file
    }

    fn count_placeholder(&self, path: &str) {
        let present = self
            .table
            .assets
            .is_some_and(|assets| assets.files.contains_key(path));
        let counts = &mut self.state.borrow_mut().counts;
        if present {
            counts.not_embeddable += 1;
        } else {
            counts.missing += 1;
        }
    }
}

/// `[a-z0-9-]` of the asset's file name without extension, at most 40 characters.
fn file_stem(path: &str) -> String {
    let name = path.rsplit('/').next().unwrap_or(path);
    let stem = name.rsplit_once('.').map_or(name, |(stem, _)| stem);
    let mut out = String::new();
    for c in stem.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
        if out.len() >= 40 {
            break;
        }
    }
    let out = out.trim_end_matches('-');
    if out.is_empty() {
        "image".to_owned()
    } else {
        out.to_owned()
    }
}

/// A fragment as an IRI: characters not allowed there are percent-encoded, others kept.
pub(crate) fn encode_fragment(fragment: &str) -> String {
    let escaped = |c: char| c.is_ascii_control() || " \"#%<>\\^`{|}".contains(c);
    if !fragment.chars().any(escaped) {
        return fragment.to_owned();
    }
    let mut out = String::with_capacity(fragment.len() + 8);
    for c in fragment.chars() {
        if escaped(c) {
            // Only ASCII characters are escaped: one byte each.
            out.push_str(&format!("%{:02X}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}

/// The inverse of [`encode_fragment`] (any `%XX` is decoded).
pub(crate) fn decode_fragment(fragment: &str) -> String {
    let bytes = fragment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let hex = bytes
            .get(index + 1..index + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[index], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                index += 3;
            }
            (byte, _) => {
                out.push(byte);
                index += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A URL as written, with the characters a URL may not hold percent-encoded (spaces, quotes,
/// angle brackets, a `%` that starts no escape…); non-ASCII characters are kept, as IRIs allow.
pub(crate) fn clean_url(url: &str) -> String {
    let bytes = url.trim().as_bytes();
    let mut out = String::with_capacity(bytes.len());
    for (index, c) in url.trim().char_indices() {
        let escape_starts = c == '%'
            && bytes
                .get(index + 1..index + 3)
                .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit));
        if c.is_ascii_control() || " \"<>\\^`{|}".contains(c) || (c == '%' && !escape_starts) {
            out.push_str(&format!("%{:02X}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}

fn is_web_url(url: &str) -> bool {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

impl Links for EpubLinks<'_, '_> {
    fn href(&self, xref: &XRef) -> Option<String> {
        match &xref.target {
            Target::Page { path, anchor } => {
                let file = self.page_file(path)?;
                Some(match anchor.as_deref().filter(|a| !a.is_empty()) {
                    Some(anchor) => format!("{file}#{}", encode_fragment(anchor)),
                    None => file.to_owned(),
                })
            }
            // Only content documents may be linked to inside an EPUB: a link to an image or a
            // PDF of the book is shown as its text.
            Target::Asset { .. } => None,
            Target::External { url } => Some(clean_url(url)),
            Target::Broken { .. } => None,
        }
    }

    fn image_src(&self, xref: &XRef) -> Option<String> {
        match &xref.target {
            Target::Asset { path } => {
                let file = self.image_file(path);
                if file.is_none() {
                    self.count_placeholder(path);
                }
                file
            }
            // Rewritten as a link afterwards: no network at build time.
            Target::External { url } if is_web_url(url) => {
                self.state.borrow_mut().counts.remote += 1;
                Some(clean_url(url))
            }
            _ => None,
        }
    }

    fn page_title(&self, path: &str) -> Option<String> {
        self.table
            .pages
            .get(path)
            .map(|(_, title)| (*title).to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fragments_round_trip_and_keep_accents() {
        assert_eq!(encode_fragment("étape-1"), "étape-1");
        assert_eq!(encode_fragment("a b%"), "a%20b%25");
        assert_eq!(decode_fragment("a%20b%25"), "a b%");
        assert_eq!(decode_fragment("100%"), "100%");
    }

    #[test]
    fn urls_lose_the_characters_urls_cannot_hold() {
        assert_eq!(
            clean_url(" https://ex.org/a b?q=\"x\"&p=100%&e=%C3%A9 "),
            "https://ex.org/a%20b?q=%22x%22&p=100%25&e=%C3%A9"
        );
        assert_eq!(clean_url("https://ex.org/été"), "https://ex.org/été");
    }

    #[test]
    fn image_types_are_sniffed_from_bytes() {
        assert_eq!(
            core_image_type(b"\x89PNG\r\n\x1a\nrest"),
            Some(("image/png", "png"))
        );
        assert_eq!(
            core_image_type(&[0xFF, 0xD8, 0xFF, 0xE0]),
            Some(("image/jpeg", "jpg"))
        );
        assert_eq!(core_image_type(b"GIF89a..."), Some(("image/gif", "gif")));
        assert_eq!(core_image_type(b"<svg xmlns="), None);
        assert_eq!(core_image_type(b"RIFF\0\0\0\0WEBPVP8 "), None);
    }

    #[test]
    fn file_stems_are_ascii() {
        assert_eq!(
            file_stem(".gitbook/assets/Schéma Équipe (1).png"),
            "sch-ma-quipe-1"
        );
        assert_eq!(file_stem("a/😀.png"), "image");
    }
}
