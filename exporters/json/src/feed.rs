//! The published pages as a JSON Feed 1.1, with stable ids, absolute links and dates from Git.

use livret_html::{render_page, Links, Options};
use livret_model::{
    Book, ExportContext, OutputFile, Page, PageHistory, Target, TocEntry, TocTarget, XRef,
};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::HashMap;

const VERSION: &str = "https://jsonfeed.org/version/1.1";
const FEED_FILE: &str = "feed.json";

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
    items: Vec<Item>,
}

#[derive(Debug, Clone, Serialize)]
struct Author {
    name: String,
}

#[derive(Debug, Clone, Serialize)]
struct Item {
    id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
    title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    summary: Option<String>,
    content_html: String,
    content_text: String,
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

/// `feed.json`, and `feed-2.json`… when the feed is split.
pub fn feed_files(context: &ExportContext<'_>) -> Result<Vec<OutputFile>, serde_json::Error> {
    let book = context.book;
    let site = Site::new(book);
    let tags = toc_tags(book);
    let empty = PageHistory::default();
    // Rendering and sanitizing pages is the costly part: pages go side by side (order is kept).
    let mut items: Vec<Item> = book
        .pages
        .par_iter()
        .filter(|page| !page.front_matter.hidden)
        .map(|page| {
            let history = context
                .history
                .and_then(|h| h.pages.get(&page.path))
                .unwrap_or(&empty);
            item(
                page,
                history,
                &site,
                tags.get(page.path.as_str()).cloned().unwrap_or_default(),
                &book.meta.language,
            )
        })
        .collect();
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
    let chunks: Vec<Vec<Item>> = match context.settings.feed.items_per_file.filter(|&n| n > 0) {
        Some(size) => {
            // Newest-modified first, reading order among equals (the sort is stable).
            items.sort_by_key(|item| std::cmp::Reverse(item.modified_time));
            items.chunks(size).map(<[Item]>::to_vec).collect()
        }
        None => vec![items],
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
            items,
        };
        let mut bytes = serde_json::to_vec_pretty(&feed)?;
        bytes.push(b'\n');
        files.push(OutputFile { name, bytes });
    }
    Ok(files)
}

fn feed_name(index: usize) -> String {
    if index == 0 {
        FEED_FILE.to_owned()
    } else {
        format!("feed-{}.json", index + 1)
    }
}

fn item(
    page: &Page,
    history: &PageHistory,
    site: &Site<'_>,
    tags: Vec<String>,
    language: &str,
) -> Item {
    let url = site.page_url(&page.path, None);
    let options = Options::default();
    let html = render_page(page, site, &options);
    let content_html = sanitize(&html);
    let created = history.created();
    let modified = history.modified();
    Item {
        id: url
            .clone()
            .unwrap_or_else(|| format!("page:{}", page_slug(&page.path))),
        url,
        title: page.title.clone(),
        summary: page.front_matter.description.clone(),
        content_html,
        content_text: page.plain_text(),
        tags,
        language: language.to_owned(),
        date_published: created.and_then(|v| rfc3339(v.time, v.offset_minutes)),
        date_modified: modified.and_then(|v| rfc3339(v.time, v.offset_minutes)),
        authors: history
            .authors()
            .into_iter()
            .map(|name| Author {
                name: name.to_owned(),
            })
            .collect(),
        modified_time: modified.map_or(0, |v| v.time),
    }
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

/// `2024-03-01T10:00:00+01:00` from Git's time and offset.
fn rfc3339(seconds: i64, offset_minutes: i32) -> Option<String> {
    let offset = time::UtcOffset::from_whole_seconds(offset_minutes.checked_mul(60)?).ok()?;
    let at = time::OffsetDateTime::from_unix_timestamp(seconds)
        .ok()?
        .to_offset(offset);
    at.format(&time::format_description::well_known::Rfc3339)
        .ok()
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
            rfc3339(1_700_000_000, 60).as_deref(),
            Some("2023-11-14T23:13:20+01:00")
        );
        assert_eq!(rfc3339(0, 0).as_deref(), Some("1970-01-01T00:00:00Z"));
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
