//! `changes.json`: each revision of the followed pages as an item of a JSON Feed 1.1, newest
//! first, with ids that never change (the commit and the page version it produced).

use crate::labels::Labels;
use crate::model::{Change, Changelog};
use serde::Serialize;

#[derive(Debug, Serialize)]
struct Feed<'a> {
    version: &'static str,
    title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    home_page_url: Option<&'a str>,
    description: String,
    language: &'a str,
    items: Vec<Item<'a>>,
}

#[derive(Debug, Serialize)]
struct Item<'a> {
    /// `urn:livret:change:<commit>:<page path>`: a commit changes a page once.
    id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<&'a str>,
    title: String,
    content_text: &'a str,
    date_published: &'a str,
    authors: Vec<Author<'a>>,
    tags: Vec<&'static str>,
    #[serde(rename = "_livret")]
    livret: Extension<'a>,
}

#[derive(Debug, Serialize)]
struct Author<'a> {
    name: &'a str,
}

#[derive(Debug, Serialize)]
struct Extension<'a> {
    about: &'static str,
    page: &'a str,
    path: &'a str,
    commit: &'a str,
    formatting_only: bool,
    changes: &'a [Change],
}

pub fn render(changelog: &Changelog, l: &Labels) -> Vec<u8> {
    let mut items: Vec<Item<'_>> = Vec::new();
    for page in &changelog.pages {
        for revision in &page.revisions {
            let mut tags: Vec<&'static str> = revision.changes.iter().map(tag).collect();
            tags.sort_unstable();
            tags.dedup();
            items.push(Item {
                id: format!("urn:livret:change:{}:{}", revision.commit.commit, page.path),
                url: revision.commit.url.as_deref(),
                title: format!("{} · {}", page.title, revision.summary),
                content_text: &revision.summary,
                date_published: &revision.commit.date,
                authors: vec![Author {
                    name: &revision.commit.author,
                }],
                tags,
                livret: Extension {
                    about: "https://example.invalid/livret/changelog",
                    page: &page.path,
                    path: &revision.path,
                    commit: &revision.commit.commit,
                    formatting_only: revision.formatting_only,
                    changes: &revision.changes,
                },
            });
        }
    }
    // Newest first across pages; ties by id, so the order never depends on the pages' order.
    items.sort_by(|a, b| b.date_published.cmp(a.date_published).then(a.id.cmp(&b.id)));
    let feed = Feed {
        version: "https://jsonfeed.org/version/1.1",
        title: format!("{} — {}", changelog.book.title, l.document_title),
        home_page_url: changelog.repository_url.as_deref(),
        description: if l.fr() {
            "Chaque révision des pages suivies, résumée d’après leur contenu.".to_owned()
        } else {
            "Every revision of the followed pages, summarised from their content.".to_owned()
        },
        language: &changelog.language,
        items,
    };
    let mut bytes = serde_json::to_vec_pretty(&feed).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

fn tag(change: &Change) -> &'static str {
    match change {
        Change::PageCreated { .. } => "page-created",
        Change::HistoryStart { .. } => "history-start",
        Change::PageRewritten { .. } => "page-rewritten",
        Change::PageRetitled { .. } => "page-retitled",
        Change::PageMoved { .. } => "page-moved",
        Change::ValueAdded { .. } => "value-added",
        Change::ValuePresent { .. } => "value-present",
        Change::ValueRemoved { .. } => "value-removed",
        Change::ValueRetitled { .. } => "value-retitled",
        Change::ValueReworded { typo: true, .. } => "typo-fixed",
        Change::ValueReworded { .. } => "value-reworded",
        Change::ValueMoved { .. } => "value-moved",
        Change::LinksUpdated { .. } => "links-updated",
        Change::IntroReworded { .. } => "intro-reworded",
        Change::HintAdded { .. } => "hint-added",
        Change::HintRemoved { .. } => "hint-removed",
        Change::HintReworded { .. } => "hint-reworded",
        Change::FormattingOnly => "formatting-only",
        Change::VersionMissing { .. } => "version-missing",
    }
}
