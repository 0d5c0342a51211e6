//! Raw HTML (already cleaned by ammonia, but HTML, not XHTML) rewritten as well-formed XHTML.
//!
//! A small tokenizer, then a tree builder with a strict allow-list: other tags are dropped and
//! their text kept (the content of `<script>`, `<style>`… is dropped too), attributes are dropped
//! but for a few checked ones, unclosed elements are closed, stray end tags are dropped.

use livret_text::decode_entities;
use livret_text::url::{has_scheme, SAFE_SCHEMES};
use livret_text::xml::push as push_escaped;

#[rustfmt::skip]
pub(crate) const ALLOWED: &[&str] = &[
    "p", "br", "b", "i", "em", "strong", "u", "s", "sub", "sup", "code", "pre", "span", "div",
    "ul", "ol", "li", "a", "img", "table", "thead", "tbody", "tr", "th", "td", "blockquote", "h1",
    "h2", "h3", "h4", "h5", "h6", "hr", "figure", "figcaption", "mark", "small", "kbd", "abbr",
];
const VOID: &[&str] = &["br", "hr", "img"];
/// Elements whose start tag closes an open `<p>`, as in HTML.
#[rustfmt::skip]
const BLOCKS: &[&str] = &[
    "p", "div", "ul", "ol", "li", "table", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6",
    "pre", "hr", "figure", "figcaption",
];
const HEADINGS: &[&str] = &["h1", "h2", "h3", "h4", "h5", "h6"];
/// Elements dropped with everything up to their end tag.
#[rustfmt::skip]
const DROPPED_WITH_CONTENT: &[&str] = &[
    "script", "style", "textarea", "title", "iframe", "noscript", "noembed", "noframes",
    "template", "xmp", "plaintext", "svg", "math",
];

/// Attribute names (lowercase) and decoded values, first occurrence only.
type Attributes = Vec<(String, String)>;

#[derive(Debug, PartialEq)]
enum Token {
    Text(String),
    Start {
        name: String,
        attributes: Attributes,
    },
    End(String),
}

/// Appends `html` to `out` as well-formed XHTML made of allowed elements only.
pub(crate) fn to_xhtml(html: &str, out: &mut String) {
    let mut stack: Vec<&'static str> = Vec::new();
    for token in tokenize(html) {
        match token {
            Token::Text(text) => push_escaped(out, &text, false),
            Token::Start { name, attributes } => {
                let Some(tag) = ALLOWED.iter().copied().find(|tag| *tag == name) else {
                    continue;
                };
                close_implied(out, &mut stack, tag);
                let get = |wanted: &str| {
                    attributes
                        .iter()
                        .find(|(name, _)| name == wanted)
                        .map(|(_, value)| value.trim())
                };
                let mut kept: Vec<(&str, &str)> = Vec::new();
                match tag {
                    // Links in raw HTML are not resolved by the core: only absolute ones work.
                    "a" => kept.extend(
                        get("href")
                            .filter(|h| has_scheme(h, SAFE_SCHEMES))
                            .map(|h| ("href", h)),
                    ),
                    "img" => match get("src").filter(|s| has_scheme(s, &["http", "https"])) {
                        Some(src) => kept.extend([("src", src), ("alt", get("alt").unwrap_or(""))]),
                        None => {
                            // An image this crate cannot point to: its alt text.
                            push_escaped(out, get("alt").unwrap_or(""), false);
                            continue;
                        }
                    },
                    "td" | "th" => {
                        for name in ["colspan", "rowspan"] {
                            kept.extend(
                                get(name).filter(|v| is_small_number(v)).map(|v| (name, v)),
                            );
                        }
                    }
                    "abbr" => kept.extend(get("title").map(|t| ("title", t))),
                    _ => {}
                }
                out.push('<');
                out.push_str(tag);
                for (name, value) in kept {
                    out.push(' ');
                    out.push_str(name);
                    out.push_str("=\"");
                    push_escaped(out, value, true);
                    out.push('"');
                }
                if VOID.contains(&tag) {
                    out.push_str("/>");
                } else {
                    out.push('>');
                    stack.push(tag);
                }
            }
            Token::End(name) => {
                if let Some(index) = stack.iter().rposition(|tag| *tag == name) {
                    close_from(out, &mut stack, index);
                }
            }
        }
    }
    close_from(out, &mut stack, 0);
}

fn is_small_number(value: &str) -> bool {
    (1..=3).contains(&value.len()) && value.bytes().all(|b| b.is_ascii_digit())
}

fn close_from(out: &mut String, stack: &mut Vec<&'static str>, index: usize) {
    while stack.len() > index {
        if let Some(tag) = stack.pop() {
            out.push_str("</");
            out.push_str(tag);
            out.push('>');
        }
    }
}

/// Closes what HTML closes implicitly before `tag` opens: a `<p>` before a block, an `<li>`
/// before the next, table cells and rows before the next, a link before a link.
fn close_implied(out: &mut String, stack: &mut Vec<&'static str>, tag: &str) {
    let heading_on_top = stack.last().is_some_and(|top| HEADINGS.contains(top));
    let mut close_open = |targets: &[&str], boundaries: &[&str]| {
        for index in (0..stack.len()).rev() {
            if targets.contains(&stack[index]) {
                close_from(out, stack, index);
                return;
            }
            if boundaries.contains(&stack[index]) {
                return;
            }
        }
    };
    if BLOCKS.contains(&tag) {
        close_open(&["p"], &["td", "th", "table"]);
    }
    match tag {
        "li" => close_open(&["li"], &["ul", "ol"]),
        "td" | "th" => close_open(&["td", "th"], &["tr", "table"]),
        "tr" => close_open(&["tr"], &["thead", "tbody", "table"]),
        "thead" | "tbody" => close_open(&["thead", "tbody"], &["table"]),
        "a" => close_open(&["a"], &[]),
        _ if heading_on_top && HEADINGS.contains(&tag) => close_open(HEADINGS, &[]),
        _ => {}
    }
}

fn tokenize(html: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut rest = html;
    while !rest.is_empty() {
        let after_lt = rest.strip_prefix('<').unwrap_or("");
        if let Some(after) = rest.strip_prefix("<!--") {
            rest = after.find("-->").map_or("", |i| &after[i + 3..]);
        } else if let Some(after) = rest.strip_prefix("<![CDATA[") {
            rest = after.find("]]>").map_or("", |i| &after[i + 3..]);
        } else if rest.starts_with("<!") || rest.starts_with("<?") {
            rest = rest.find('>').map_or("", |i| &rest[i + 1..]);
        } else if let Some(after) = after_lt.strip_prefix('/').filter(|a| starts_with_letter(a)) {
            let (name, after) = tag_name(after);
            rest = after.find('>').map_or("", |i| &after[i + 1..]);
            tokens.push(Token::End(name));
        } else if starts_with_letter(after_lt) {
            let Some((name, attributes, after)) = start_tag(after_lt) else {
                break; // a tag cut by the end of the input is dropped, as HTML does
            };
            rest = after;
            if DROPPED_WITH_CONTENT.contains(&name.as_str()) {
                rest = skip_to_end_tag(rest, &name);
            } else {
                tokens.push(Token::Start { name, attributes });
            }
        } else {
            let first = rest.chars().next().map_or(1, char::len_utf8);
            let end = rest[first..].find('<').map_or(rest.len(), |i| i + first);
            tokens.push(Token::Text(decode_entities(&rest[..end])));
            rest = &rest[end..];
        }
    }
    tokens
}

fn starts_with_letter(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_alphabetic())
}

fn tag_name(s: &str) -> (String, &str) {
    let end = s
        .find(|c: char| c.is_ascii_whitespace() || c == '/' || c == '>')
        .unwrap_or(s.len());
    (s[..end].to_ascii_lowercase(), &s[end..])
}

/// The name, attributes (names lowercased, values decoded) and what follows the `>`.
fn start_tag(s: &str) -> Option<(String, Attributes, &str)> {
    let (name, mut rest) = tag_name(s);
    let mut attributes = Vec::new();
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_ascii_whitespace() || c == '/');
        if let Some(after) = rest.strip_prefix('>') {
            return Some((name, attributes, after));
        }
        if rest.is_empty() {
            return None;
        }
        let end = rest
            .char_indices()
            .find(|&(i, c)| i > 0 && (c.is_ascii_whitespace() || "/>=".contains(c)))
            .map_or(rest.len(), |(i, _)| i);
        let attribute = rest[..end].to_ascii_lowercase();
        rest = rest[end..].trim_start_matches(|c: char| c.is_ascii_whitespace());
        let mut value = String::new();
        if let Some(after) = rest.strip_prefix('=') {
            let after = after.trim_start_matches(|c: char| c.is_ascii_whitespace());
            let quote = after.chars().next().filter(|c| *c == '"' || *c == '\'');
            let (raw, after) = match quote {
                Some(quote) => {
                    let inner = &after[1..];
                    let close = inner.find(quote)?;
                    (&inner[..close], &inner[close + 1..])
                }
                None => {
                    let end = after
                        .find(|c: char| c.is_ascii_whitespace() || c == '>')
                        .unwrap_or(after.len());
                    (&after[..end], &after[end..])
                }
            };
            value = decode_entities(raw);
            rest = after;
        }
        if !attributes.iter().any(|(name, _)| *name == attribute) {
            attributes.push((attribute, value));
        }
    }
}

/// What follows the end tag of a raw-text element, or nothing if it is never closed.
fn skip_to_end_tag<'a>(s: &'a str, name: &str) -> &'a str {
    let lower = s.to_ascii_lowercase();
    let closing = format!("</{name}");
    let mut from = 0;
    while let Some(found) = lower[from..].find(&closing) {
        let after = from + found + closing.len();
        if lower[after..].starts_with(|c: char| c.is_ascii_whitespace() || c == '/' || c == '>') {
            return s[after..].find('>').map_or("", |i| &s[after + i + 1..]);
        }
        from = after;
    }
    ""
}
