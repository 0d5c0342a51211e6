//! XHTML content documents: the page wrapper, and two passes over the renderer's output that
//! make it right for an EPUB (remote images as links, unique ids, fragments that exist).
//!
//! The passes read XHTML written by livret-html: every `<` in text is escaped and every
//! attribute is `name="value"` with `"`, `<` and `>` escaped, so a tag runs from `<` to `>`.

use crate::links::{clean_url, decode_fragment};
use livret_html::{escape_attribute, escape_text};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// A whole XHTML content document around `body`.
pub(crate) fn document(language: &str, title: &str, body_class: &str, body: &str) -> String {
    let language = escape_attribute(language);
    let mut out = String::with_capacity(body.len() + 512);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html>\n");
    out.push_str(&format!(
        "<html xmlns=\"http://www.w3.org/1999/xhtml\" xmlns:epub=\"http://www.idpf.org/2007/ops\" xml:lang=\"{language}\" lang=\"{language}\">\n"
    ));
    out.push_str("<head>\n<meta charset=\"utf-8\"/>\n<title>");
    out.push_str(&escape_text(title));
    out.push_str(
        "</title>\n<link rel=\"stylesheet\" type=\"text/css\" href=\"stylesheet.css\"/>\n</head>\n",
    );
    out.push_str(&format!("<body class=\"{body_class}\">\n"));
    out.push_str(body);
    out.push_str("\n</body>\n</html>\n");
    out
}

/// A parsed tag of well-formed XHTML.
#[derive(Debug)]
struct Tag<'a> {
    name: &'a str,
    end: bool,
    empty: bool,
    /// Names and still-escaped values.
    attributes: Vec<(&'a str, &'a str)>,
}

impl Tag<'_> {
    fn get(&self, name: &str) -> Option<String> {
        self.attributes
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| livret_text::decode_entities(v))
    }

    /// The tag written back, with `replace` giving new (unescaped) values for some attributes.
    fn write(&self, out: &mut String, replace: &[(&str, &str)]) {
        out.push('<');
        out.push_str(self.name);
        for (name, value) in &self.attributes {
            out.push(' ');
            out.push_str(name);
            out.push_str("=\"");
            match replace.iter().find(|(n, _)| n == name) {
                Some((_, new)) => out.push_str(&escape_attribute(new)),
                None => out.push_str(value),
            }
            out.push('"');
        }
        out.push_str(if self.empty { "/>" } else { ">" });
    }
}

fn parse_tag(raw: &str) -> Option<Tag<'_>> {
    let inner = raw.strip_prefix('<')?.strip_suffix('>')?;
    if let Some(name) = inner.strip_prefix('/') {
        return Some(Tag {
            name: name.trim(),
            end: true,
            empty: false,
            attributes: Vec::new(),
        });
    }
    if inner.starts_with(['!', '?']) {
        return None;
    }
    let (inner, empty) = match inner.strip_suffix('/') {
        Some(inner) => (inner, true),
        None => (inner, false),
    };
    let name_end = inner
        .find(|c: char| c.is_ascii_whitespace())
        .unwrap_or(inner.len());
    let name = &inner[..name_end];
    let mut rest = &inner[name_end..];
    let mut attributes = Vec::new();
    loop {
        rest = rest.trim_start();
        if rest.is_empty() {
            break;
        }
        let equals = rest.find('=')?;
        let attribute = rest[..equals].trim();
        let after = rest[equals + 1..].trim_start();
        let quote = after.chars().next().filter(|c| *c == '"' || *c == '\'')?;
        let value_end = after[1..].find(quote)? + 1;
        attributes.push((attribute, &after[1..value_end]));
        rest = &after[value_end + 1..];
    }
    Some(Tag {
        name,
        end: false,
        empty,
        attributes,
    })
}

/// Calls `visit` with each text run and tag of `xhtml`; it writes what replaces them to `out`.
fn rewrite(xhtml: &str, mut visit: impl FnMut(&mut String, Option<&Tag<'_>>, &str)) -> String {
    let mut out = String::with_capacity(xhtml.len() + 64);
    let mut rest = xhtml;
    while let Some(start) = rest.find('<') {
        if start > 0 {
            out.push_str(&rest[..start]);
        }
        let Some(length) = rest[start..].find('>') else {
            break;
        };
        let raw = &rest[start..start + length + 1];
        let tag = parse_tag(raw);
        visit(&mut out, tag.as_ref(), raw);
        rest = &rest[start + length + 1..];
    }
    out.push_str(rest);
    out
}

/// What the first pass found in a document.
#[derive(Debug, Default)]
pub(crate) struct FirstPass {
    pub xhtml: String,
    /// Every id of the document, unique.
    pub ids: BTreeSet<String>,
    /// Embedded images (`<img>` left after the pass), and those of them without alt text.
    pub images: usize,
    pub images_without_alt: usize,
}

/// Remote images become links (or plain text inside a link), URLs of raw HTML links are cleaned,
/// duplicate ids get a `-2`… suffix; counts the images left and those without alt text.
pub(crate) fn first_pass(xhtml: &str, image_word: &str) -> FirstPass {
    let mut ids = BTreeSet::new();
    let mut images = 0;
    let mut images_without_alt = 0;
    let mut link_depth = 0usize;
    let xhtml = rewrite(xhtml, |out, tag, raw| {
        let Some(tag) = tag else {
            out.push_str(raw);
            return;
        };
        if tag.name == "a" {
            if tag.end {
                link_depth = link_depth.saturating_sub(1);
            } else if !tag.empty {
                link_depth += 1;
            }
        }
        if tag.end {
            out.push_str(raw);
            return;
        }
        // Links of raw HTML do not go through `Links`: their URLs are cleaned here.
        if let Some(href) = tag.get("href").filter(|_| tag.name == "a") {
            let clean = clean_url(&href);
            if clean != href && tag.get("id").is_none() {
                tag.write(out, &[("href", &clean)]);
                return;
            }
        }
        if tag.name == "img" {
            let src = tag.get("src").unwrap_or_default();
            let alt = tag.get("alt").unwrap_or_default();
            let lower = src.get(..8).unwrap_or(&src).to_ascii_lowercase();
            if lower.starts_with("http://") || lower.starts_with("https://") {
                let label = match alt.trim() {
                    "" => "[image]".to_owned(),
                    alt => format!("[{image_word}{alt}]"),
                };
                if link_depth == 0 {
                    out.push_str(&format!(
                        "<a class=\"remote-image\" href=\"{}\">{}</a>",
                        escape_attribute(&clean_url(&src)),
                        escape_text(&label)
                    ));
                } else {
                    out.push_str(&format!(
                        "<span class=\"remote-image\">{}</span>",
                        escape_text(&label)
                    ));
                }
                return;
            }
            images += 1;
            if alt.trim().is_empty() {
                images_without_alt += 1;
            }
        }
        match tag.get("id") {
            Some(id) if ids.contains(&id) => {
                let unique = (2..)
                    .map(|n| format!("{id}-{n}"))
                    .find(|candidate| !ids.contains(candidate))
                    .unwrap_or_default();
                tag.write(out, &[("id", &unique)]);
                ids.insert(unique);
            }
            Some(id) => {
                ids.insert(id);
                out.push_str(raw);
            }
            None => out.push_str(raw),
        }
    });
    FirstPass {
        xhtml,
        ids,
        images,
        images_without_alt,
    }
}

/// What the second pass found when it looked a fragment up: the document is not in the book,
/// or it is and lacks the id, or it has it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum Found {
    NoDocument,
    NoId,
    Id,
}

impl Found {
    pub(crate) fn of(ids: &BTreeMap<String, BTreeSet<String>>, file: &str, id: &str) -> Self {
        match ids.get(file) {
            None => Found::NoDocument,
            Some(set) if set.contains(id) => Found::Id,
            Some(_) => Found::NoId,
        }
    }
}

/// One look-up of the second pass: (document, decoded fragment, what was found). A document
/// whose look-ups all give the same answers again goes through the second pass the same way.
pub(crate) type Lookup = (String, String, Found);

/// Links to fragments that do not exist: in the same document the link becomes its text,
/// to another document of the book it points at the document. Every look-up is written down.
pub(crate) fn second_pass(
    xhtml: &str,
    own_file: &str,
    ids: &BTreeMap<String, BTreeSet<String>>,
    lookups: &mut Vec<Lookup>,
) -> String {
    let mut drop_close = false;
    let mut look_up = |file: &str, fragment: &str| {
        let id = decode_fragment(fragment);
        let found = Found::of(ids, file, &id);
        lookups.push((file.to_owned(), id, found));
        found
    };
    rewrite(xhtml, |out, tag, raw| {
        let Some(tag) = tag.filter(|tag| tag.name == "a") else {
            out.push_str(raw);
            return;
        };
        if tag.end {
            if !std::mem::replace(&mut drop_close, false) {
                out.push_str(raw);
            }
            return;
        }
        let href = tag.get("href").unwrap_or_default();
        if let Some(fragment) = href.strip_prefix('#') {
            if look_up(own_file, fragment) == Found::Id {
                out.push_str(raw);
            } else {
                drop_close = true;
            }
            return;
        }
        match href.split_once('#') {
            Some((file, fragment)) => match look_up(file, fragment) {
                Found::Id | Found::NoDocument => out.push_str(raw),
                Found::NoId => tag.write(out, &[("href", file)]),
            },
            _ => out.push_str(raw),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remote_images_become_links_and_ids_are_unique() {
        let pass = first_pass(
            "<h2 id=\"a\">A</h2><p><img src=\"https://ex.org/x.png\" alt=\"Plan &amp; carte\"/><a href=\"https://ex.org/a b\">b</a></p>\
             <h3 id=\"a\">A bis</h3><p><a href=\"https://ex.org\"><img src=\"https://ex.org/y.png\" alt=\"\"/></a></p>\
             <img src=\"images/001-x.png\" alt=\"\"/>",
            "image : ",
        );
        assert_eq!(
            pass.xhtml,
            "<h2 id=\"a\">A</h2><p><a class=\"remote-image\" href=\"https://ex.org/x.png\">[image : Plan &amp; carte]</a><a href=\"https://ex.org/a%20b\">b</a></p>\
             <h3 id=\"a-2\">A bis</h3><p><a href=\"https://ex.org\"><span class=\"remote-image\">[image]</span></a></p>\
             <img src=\"images/001-x.png\" alt=\"\"/>"
        );
        assert_eq!(pass.ids.iter().collect::<Vec<_>>(), vec!["a", "a-2"]);
        assert_eq!((pass.images, pass.images_without_alt), (1, 1));
    }

    #[test]
    fn links_to_missing_fragments_are_repaired() {
        let mut ids = BTreeMap::new();
        ids.insert(
            "chapter-001.xhtml".to_owned(),
            BTreeSet::from(["fn-1".to_owned(), "été".to_owned()]),
        );
        ids.insert("chapter-002.xhtml".to_owned(), BTreeSet::new());
        let mut lookups = Vec::new();
        let out = second_pass(
            "<sup><a href=\"#fn-1\">1</a></sup><sup><a href=\"#fn-9\">9</a></sup>\
             <a href=\"chapter-001.xhtml#%C3%A9t%C3%A9\">x</a><a href=\"chapter-002.xhtml#nope\">y</a>\
             <a href=\"https://ex.org/#top\">z</a>",
            "chapter-001.xhtml",
            &ids,
            &mut lookups,
        );
        assert_eq!(
            out,
            "<sup><a href=\"#fn-1\">1</a></sup><sup>9</sup>\
             <a href=\"chapter-001.xhtml#%C3%A9t%C3%A9\">x</a><a href=\"chapter-002.xhtml\">y</a>\
             <a href=\"https://ex.org/#top\">z</a>"
        );
        assert_eq!(lookups.len(), 5);
        assert_eq!(
            lookups[4],
            (
                "https://ex.org/".to_owned(),
                "top".to_owned(),
                Found::NoDocument
            )
        );
        assert_eq!(
            lookups[3],
            (
                "chapter-002.xhtml".to_owned(),
                "nope".to_owned(),
                Found::NoId
            )
        );
    }

    #[test]
    fn unescape_decodes_entities() {
        assert_eq!(
            livret_text::decode_entities("a &amp; b &#233;&#x20AC; &bogus;"),
            "a & b é€ &bogus;"
        );
    }
}
