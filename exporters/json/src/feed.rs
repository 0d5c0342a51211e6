//! The published pages as a JSON Feed 1.1, with stable ids, absolute links and dates from Git.

use livret_cache::Digest;
use livret_html::trace::{self, Recorder};
use livret_html::{render_page, Links, Options};
use livret_model::{
    Book, Cache, ExportContext, OutputFile, Page, PageHistory, Target, TocEntry, TocTarget, XRef,
};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::Arc;

const VERSION: &str = "https://jsonfeed.org/version/1.1";
const FEED_FILE: &str = "feed.json";
/// The cache kind of a page's `content_html` and `content_text`, kept with what its links
/// answered (see [`Content`]).
const CONTENT_KIND: &str = "feed-content";

/// Characters kept as they are in a URL path segment or fragment.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

#[derive(Debug, Serialize)]
struct Feed<'a> {
    version: &'static str,
    title: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    home_page_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    feed_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_url: Option<String>,
    language: &'a str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    authors: Vec<Author>,
    items: Vec<Item<'a>>,
}

#[derive(Debug, Clone, Serialize)]
struct Author {
    name: String,
}

#[derive(Debug, Clone, Serialize)]
struct Item<'c> {
    id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
    title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    summary: Option<String>,
    content_html: &'c str,
    content_text: &'c str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tags: Vec<String>,
    language: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    date_published: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    date_modified: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    authors: Vec<Author>,
    /// Sort key for split feeds, not written.
    #[serde(skip)]
    modified_time: i64,
}

/// `feed.json`, and `feed-2.json`… when the feed is split. `keys`: each page's digest, when
/// there is a cache.
pub fn feed_files(
    context: &ExportContext<'_>,
    keys: &[Option<u128>],
) -> Result<Vec<OutputFile>, serde_json::Error> {
    let book = context.book;
    let site = Site::new(book);
    let tags = toc_tags(book);
    let empty = PageHistory::default();
    // Rendering and sanitizing pages is the costly part: pages go side by side (order is kept).
    let mut items: Vec<Written> = book
        .pages
        .par_iter()
        .enumerate()
        .filter(|(_, page)| !page.front_matter.hidden)
        .map(|(index, page)| {
            let key = keys.get(index).copied().flatten();
            let history = context.history.pages.get(&page.path).unwrap_or(&empty);
            item(
                context.cache,
                key,
                page,
                history,
                &site,
                tags.get(page.path.as_str()).cloned().unwrap_or_default(),
                &book.meta.language,
            )
        })
        .collect::<Result<_, serde_json::Error>>()?;
    let description = context.settings.subtitle.as_deref().or_else(|| {
        book.pages
            .first()
            .and_then(|p| p.front_matter.description.as_deref())
    });
    let authors: Vec<Author> = [&book.meta.organisation, &book.meta.author]
        .into_iter()
        .flatten()
        .map(|name| Author { name: name.clone() })
        .collect();
    let chunks: Vec<&[Written]> = match context.settings.feed.items_per_file.filter(|&n| n > 0) {
        Some(size) => {
            // Newest-modified first, reading order among equals (the sort is stable).
            items.sort_by_key(|item| std::cmp::Reverse(item.modified_time));
            items.chunks(size).collect()
        }
        None => vec![&items[..]],
    };
    let count = chunks.len().max(1);
    let mut files = Vec::with_capacity(count);
    for (index, items) in chunks.into_iter().enumerate() {
        let name = feed_name(index);
        let feed = Feed {
            version: VERSION,
            title: &book.meta.title,
            home_page_url: site.base.clone(),
            feed_url: site.base.as_ref().map(|base| format!("{base}{name}")),
            description,
            next_url: (index + 1 < count)
                .then(|| {
                    site.base
                        .as_ref()
                        .map(|base| format!("{base}{}", feed_name(index + 1)))
                })
                .flatten(),
            language: &book.meta.language,
            authors: authors.clone(),
            items: Vec::new(),
        };
        let mut bytes = feed_json(feed, items)?;
        bytes.push(b'\n');
        files.push(OutputFile { name, bytes });
    }
    Ok(files)
}

/// Where `marker` ends in `bytes`, when it is there exactly once.
pub(crate) fn only_place(bytes: &[u8], marker: &[u8]) -> Option<usize> {
    let mut places = bytes
        .windows(marker.len())
        .enumerate()
        .filter(|(_, window)| *window == marker)
        .map(|(start, _)| start + marker.len());
    let first = places.next()?;
    places.next().is_none().then_some(first)
}

/// The indentation of an item in the feed: inside the top object and the `items` array.
const ITEM_INDENT: &[u8] = b"    ";

/// An item as the feed holds it.
#[derive(Debug, Clone)]
struct Written {
    /// Sort key for split feeds.
    modified_time: i64,
    /// Its JSON in the feed, see [`item_json`].
    json: Arc<[u8]>,
}

/// An item's JSON as the pretty-printed feed holds it: its own pretty JSON indented two levels
/// (JSON strings hold no raw newline, so every newline starts a line of the item).
fn item_json(item: &Item<'_>) -> Result<Vec<u8>, serde_json::Error> {
    let alone = serde_json::to_vec_pretty(item)?;
    let mut json = Vec::with_capacity(alone.len() + alone.len() / 16);
    for &byte in &alone {
        json.push(byte);
        if byte == b'\n' {
            json.extend_from_slice(ITEM_INDENT);
        }
    }
    Ok(json)
}

/// The pretty-printed feed (`feed` has no items): its `"items": []` filled with the items' JSON
/// as `serde_json::to_vec_pretty` would write them.
fn feed_json(feed: Feed<'_>, items: &[Written]) -> Result<Vec<u8>, serde_json::Error> {
    let shell = serde_json::to_vec_pretty(&feed)?;
    if items.is_empty() {
        return Ok(shell);
    }
    // The key is written once, at the top level: in strings, quotes are escaped.
    let Some(end) = only_place(&shell, b"\"items\": []") else {
        return Err(serde::ser::Error::custom(
            "the feed has no single place for its items",
        ));
    };
    // Just before the `]`.
    let end = end - 1;
    let size = shell.len() + items.iter().map(|item| item.json.len() + 8).sum::<usize>();
    let mut out = Vec::with_capacity(size);
    out.extend_from_slice(&shell[..end]);
    for (index, item) in items.iter().enumerate() {
        out.extend_from_slice(if index == 0 { b"\n" } else { b",\n" });
        out.extend_from_slice(ITEM_INDENT);
        out.extend_from_slice(&item.json);
    }
    out.extend_from_slice(b"\n  ");
    out.extend_from_slice(&shell[end..]);
    Ok(out)
}

fn feed_name(index: usize) -> String {
    if index == 0 {
        FEED_FILE.to_owned()
    } else {
        format!("feed-{}.json", index + 1)
    }
}

/// A page's item in the feed. With a cache, its content is kept (see [`content`]), so that a
/// warm build neither renders nor sanitizes an unchanged page.
fn item(
    cache: Option<&dyn Cache>,
    page_key: Option<u128>,
    page: &Page,
    history: &PageHistory,
    site: &Site<'_>,
    tags: Vec<String>,
    language: &str,
) -> Result<Written, serde_json::Error> {
    let url = site.page_url(&page.path, None);
    let created = history.created();
    let modified = history.modified();
    let content = content(cache, page_key, page, site);
    let item = Item {
        id: url
            .clone()
            .unwrap_or_else(|| format!("page:{}", page_slug(&page.path))),
        url,
        title: page.title.clone(),
        summary: page.front_matter.description.clone(),
        content_html: &content.html,
        content_text: &content.text,
        tags,
        language: language.to_owned(),
        date_published: created.and_then(|v| livret_text::dates::rfc3339(v.time, v.offset_minutes)),
        date_modified: modified.and_then(|v| livret_text::dates::rfc3339(v.time, v.offset_minutes)),
        authors: history
            .authors()
            .into_iter()
            .map(|name| Author {
                name: name.to_owned(),
            })
            .collect(),
        modified_time: modified.map_or(0, |v| v.time),
    };
    let json = item_json(&item)?;
    Ok(Written {
        modified_time: item.modified_time,
        json: json.into(),
    })
}

/// A page's `content_html` and `content_text`, kept with what its links answered.
#[derive(Debug, Serialize, Deserialize)]
struct Content {
    calls: Vec<trace::Call>,
    html: String,
    text: String,
}

/// A page's content; from the cache when an earlier build made it from the same page and its
/// links answer the same questions the same way now (the renderer reads nothing else).
fn content(
    cache: Option<&dyn Cache>,
    page_key: Option<u128>,
    page: &Page,
    site: &Site<'_>,
) -> Content {
    let options = Options::default();
    let key = page_key.map(|page_key| {
        Digest::new(CONTENT_KIND)
            .str(&format!("{options:?}"))
            .bytes(&page_key.to_le_bytes())
            .key()
    });
    if let (Some(cache), Some(key)) = (cache, key) {
        let kept = livret_cache::get::<Content>(cache, CONTENT_KIND, key)
            .filter(|kept| trace::replay(&kept.calls, site));
        if let Some(kept) = kept {
            return kept;
        }
    }
    let recorder = Recorder::new(site);
    let html = render_page(page, &recorder, &options);
    let content = Content {
        calls: recorder.into_calls(),
        html: sanitize(&html),
        text: page.plain_text(),
    };
    if let (Some(cache), Some(key)) = (cache, key) {
        livret_cache::put(cache, CONTENT_KIND, key, &content);
    }
    content
}

/// The last guard before another site embeds this HTML: no script, handler or `javascript:` URL.
fn sanitize(html: &str) -> String {
    ammonia::Builder::default()
        .add_generic_attributes(["class", "id", "role"])
        .add_tags(["figure", "figcaption", "aside", "section", "mark", "s"])
        .link_rel(Some("noopener noreferrer"))
        .clean(html)
        .to_string()
}

/// `équipe/README.md` to `équipe`, `valeurs.md` to `valeurs`, `README.md` to ``.
fn page_slug(path: &str) -> String {
    let without = path.strip_suffix(".md").unwrap_or(path);
    match without.strip_suffix("README") {
        Some(folder) => folder.trim_end_matches('/').to_owned(),
        None => without.to_owned(),
    }
}

fn encode_path(path: &str) -> String {
    path.split('/')
        .map(|segment| utf8_percent_encode(segment, SEGMENT).to_string())
        .collect::<Vec<_>>()
        .join("/")
}

/// The published site: where pages and assets live, for absolute links.
struct Site<'b> {
    base: Option<String>,
    titles: HashMap<&'b str, &'b str>,
}

impl<'b> Site<'b> {
    fn new(book: &'b Book) -> Self {
        let base = book.meta.base_url.as_ref().map(|base| {
            if base.ends_with('/') {
                base.clone()
            } else {
                format!("{base}/")
            }
        });
        let titles = book
            .pages
            .iter()
            .map(|page| (page.path.as_str(), page.title.as_str()))
            .collect();
        Site { base, titles }
    }

    /// The canonical URL of a page: base URL + path without `.md`; a folder's README is the folder.
    fn page_url(&self, path: &str, anchor: Option<&str>) -> Option<String> {
        let base = self.base.as_ref()?;
        let slug = page_slug(path);
        let mut url = format!("{base}{}", encode_path(&slug));
        if path.ends_with("README.md") && !slug.is_empty() {
            url.push('/');
        }
        if let Some(anchor) = anchor {
            url.push('#');
            url.push_str(&utf8_percent_encode(anchor, SEGMENT).to_string());
        }
        Some(url)
    }
}

impl Links for Site<'_> {
    fn href(&self, xref: &XRef) -> Option<String> {
        match &xref.target {
            Target::Page { path, anchor } => self.page_url(path, anchor.as_deref()),
            Target::Asset { path } => Some(format!("{}{}", self.base.as_ref()?, encode_path(path))),
            Target::External { url } => Some(url.clone()),
            Target::Broken { .. } => None,
        }
    }

    fn image_src(&self, xref: &XRef) -> Option<String> {
        self.href(xref)
    }

    fn page_title(&self, path: &str) -> Option<String> {
        self.titles.get(path).map(|title| (*title).to_owned())
    }
}

/// Each page's tags: its SUMMARY group and the titles of its parent entries.
fn toc_tags(book: &Book) -> HashMap<&str, Vec<String>> {
    fn walk<'b>(
        entries: &'b [TocEntry],
        trail: &mut Vec<String>,
        out: &mut HashMap<&'b str, Vec<String>>,
    ) {
        for entry in entries {
            if let TocTarget::Page { path } = &entry.target {
                out.entry(path.as_str()).or_insert_with(|| trail.clone());
            }
            trail.push(entry.title.clone());
            walk(&entry.children, trail, out);
            trail.pop();
        }
    }
    let mut out = HashMap::new();
    for group in &book.toc {
        let mut trail: Vec<String> = group.title.iter().cloned().collect();
        walk(&group.entries, &mut trail, &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_rfc3339_with_the_commit_offset() {
        assert_eq!(
            livret_text::dates::rfc3339(1_700_000_000, 60).as_deref(),
            Some("2023-11-14T23:13:20+01:00")
        );
        assert_eq!(
            livret_text::dates::rfc3339(0, 0).as_deref(),
            Some("1970-01-01T00:00:00Z")
        );
    }

    #[test]
    fn a_feed_with_its_items_put_in_place_is_what_serde_json_writes() {
        let texts = [
            (
                "<p>Un « essai » \"cité\"</p>\n<ul>\n<li>a</li>\n</ul>",
                "Un essai\n\nligne",
            ),
            ("", ""),
            ("<p>\u{1F600} \\ fin</p>", "\t"),
        ];
        let items: Vec<(Item<'_>, Written)> = texts
            .iter()
            .enumerate()
            .map(|(index, (html, text))| {
                let item = Item {
                    id: format!("page:{index}"),
                    url: (index == 1).then(|| "https://ex.org/a".to_owned()),
                    title: format!("Page {index}"),
                    summary: None,
                    content_html: html,
                    content_text: text,
                    tags: vec!["Tag".to_owned(); index],
                    language: "fr".to_owned(),
                    date_published: None,
                    date_modified: Some("2024-03-01T10:00:00+01:00".to_owned()),
                    authors: vec![Author {
                        name: "Ada".to_owned(),
                    }],
                    modified_time: 0,
                };
                let json = item_json(&item).unwrap().into();
                (
                    item,
                    Written {
                        modified_time: 0,
                        json,
                    },
                )
            })
            .collect();
        let feed = |items: Vec<Item<'static>>| Feed {
            version: VERSION,
            title: "Livret \"test\"\n",
            home_page_url: Some("https://livret.example.org/".to_owned()),
            feed_url: None,
            description: Some("Les \"items\": [] ici"),
            next_url: None,
            language: "fr",
            authors: vec![Author {
                name: "Ada".to_owned(),
            }],
            items,
        };
        for count in 0..=items.len() {
            let whole = feed(
                items[..count]
                    .iter()
                    .map(|(item, _)| item.clone())
                    .collect(),
            );
            let written: Vec<Written> = items[..count].iter().map(|(_, w)| w.clone()).collect();
            assert_eq!(
                String::from_utf8(feed_json(feed(Vec::new()), &written).unwrap()).unwrap(),
                String::from_utf8(serde_json::to_vec_pretty(&whole).unwrap()).unwrap()
            );
        }
    }

    #[test]
    fn page_slugs_and_encoding() {
        assert_eq!(page_slug("README.md"), "");
        assert_eq!(page_slug("équipe/README.md"), "équipe");
        assert_eq!(page_slug("culture/valeurs.md"), "culture/valeurs");
        assert_eq!(
            encode_path("équipe/arrivée d’un"),
            "%C3%A9quipe/arriv%C3%A9e%20d%E2%80%99un"
        );
    }
}
