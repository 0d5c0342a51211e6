//! livret's changelog exporter: how the tracked pages evolved, read from the whole Git history.
//!
//! GitBook's commits say `GITBOOK-1812: No subject`, so the meaning of each revision comes from
//! the content: every version of a followed page (parsed once per blob by the core) is reduced to
//! its values (sections) and hints, consecutive versions are compared, each value is followed by
//! title and text similarity, and each change is classified (added, removed, retitled, reworded
//! with a word diff, moved, hints, page moves and rewrites, formatting only). The result is
//! `CHANGELOG.md` for people and `changelog.json` for programs, both deterministic.

mod compare;
mod feed;
mod labels;
mod markdown;
mod model;
mod snapshot;
mod summary;
mod timeline;
mod words;

pub use livret_text::dates::parse_day;
pub use livret_text::Language;
pub use model::{
    BookRef, Change, Changelog, CommitRef, HistoryStatus, PageLog, Revision, ValueEvent, ValueLog,
    FORMAT_VERSION,
};
pub use words::{DiffKind, DiffPart};

use livret_model::{
    Book, Export, ExportContext, ExportError, Exporter, Needs, OutputFile, Settings,
};
use rayon::prelude::*;

/// File names of the outputs.
pub const MARKDOWN_FILE: &str = "CHANGELOG.md";
pub const JSON_FILE: &str = "changelog.json";
pub const FEED_FILE: &str = "changes.json";

/// Page names that are taken for the values page when `changelog.pages` is not set.
const VALUES_PAGE_NAMES: &[&str] = &["valeurs", "nos-valeurs", "values", "our-values"];

/// Writes the changelog of the followed pages: by default, as `livret build` does, every output of
/// the pages that livret.yaml or the values page's name choose, first-parent history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangelogExporter {
    pub options: Options,
    pub outputs: Vec<Output>,
}

impl Default for ChangelogExporter {
    fn default() -> Self {
        ChangelogExporter {
            options: Options::default(),
            outputs: vec![Output::Markdown, Output::Json, Output::Feed],
        }
    }
}

impl Exporter for ChangelogExporter {
    fn name(&self) -> &'static str {
        "changelog"
    }

    fn export(&self, context: &ExportContext<'_>) -> Result<Export, ExportError> {
        let changelog = build(context, &self.options)?;
        Ok(Export::files(render(&changelog, &self.outputs)))
    }

    fn needs(&self, book: &Book, settings: &Settings) -> Needs {
        Needs::versions(self.followed_pages(book, settings))
            .with_all_commits(self.options.all_commits)
    }
}

impl ChangelogExporter {
    /// The pages this changelog follows.
    pub fn followed_pages(&self, book: &Book, settings: &Settings) -> Vec<String> {
        followed_pages(book, settings, &self.options)
    }
}

/// Every published page, the pages of the options, else [`tracked_pages`].
fn followed_pages(book: &Book, settings: &Settings, options: &Options) -> Vec<String> {
    match (&options.pages, options.all_pages) {
        (_, true) => book.pages.iter().map(|page| page.path.clone()).collect(),
        (Some(pages), false) => pages.clone(),
        (None, false) => tracked_pages(book, settings),
    }
}

/// What the `livret changelog` command can change; the defaults are those of `livret build`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    /// Pages to follow (paths in the book); `changelog.pages` of livret.yaml when `None`.
    pub pages: Option<Vec<String>>,
    /// Follow every published page instead.
    pub all_pages: bool,
    /// Only revisions at or after this time (seconds since the epoch).
    pub since: Option<i64>,
    /// Only revisions before this time.
    pub until: Option<i64>,
    /// The language of the labels; the handbook's by default.
    pub language: Option<Language>,
    /// Read every commit, merged branches included, not only first parents.
    pub all_commits: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    /// `CHANGELOG.md`.
    Markdown,
    /// `changelog.json`.
    Json,
    /// `changes.json`, a JSON Feed 1.1 of the revisions.
    Feed,
}

/// The pages a changelog follows: `changelog.pages`, else the values page found by its name.
pub fn tracked_pages(book: &Book, settings: &Settings) -> Vec<String> {
    if !settings.changelog.pages.is_empty() {
        return settings.changelog.pages.clone();
    }
    book.pages
        .iter()
        .filter(|page| {
            let path = page.path.strip_suffix(".md").unwrap_or(&page.path);
            let path = path.strip_suffix("/README").unwrap_or(path);
            let name = path.rsplit('/').next().unwrap_or(path).to_lowercase();
            VALUES_PAGE_NAMES.contains(&name.as_str())
        })
        .map(|page| page.path.clone())
        .take(1)
        .collect()
}

fn error(message: impl Into<String>) -> ExportError {
    ExportError {
        exporter: "changelog".to_owned(),
        message: message.into(),
    }
}

/// Builds the changelog of the followed pages from the history and parsed versions in `context`.
pub fn build(context: &ExportContext<'_>, options: &Options) -> Result<Changelog, ExportError> {
    let book = context.book;
    let (history, versions) = (context.history, context.versions);
    let pages = followed_pages(book, context.settings, options);
    // No page to follow: the changelog says how to choose one rather than failing every build.
    let language = options
        .language
        .unwrap_or_else(|| Language::from_tag(&book.meta.language));
    let labels = labels::Labels::of(language);
    let repository_url = context
        .settings
        .repository_url
        .as_deref()
        .filter(|url| !url.trim().is_empty());
    let timeline_context = timeline::Context {
        labels,
        repository_url,
        shallow_boundary: history.shallow_boundary.as_deref(),
    };
    for path in &pages {
        if !history.pages.contains_key(path) {
            let known: Vec<&str> = book.pages.iter().map(|p| p.path.as_str()).take(8).collect();
            return Err(error(format!(
                "`{path}` is not a page of the book at this revision, so its history cannot be followed; pages are named by their path in the book, such as {}",
                known.join(", ")
            )));
        }
    }
    // Pages are independent: their logs are built side by side.
    let logs: Vec<PageLog> = pages
        .par_iter()
        .filter_map(|path| {
            let page_history = history.pages.get(path)?;
            let title = book
                .page(path)
                .map(|page| page.title.clone())
                .or_else(|| {
                    page_history
                        .versions
                        .first()
                        .and_then(|v| versions.get(&v.blob))
                        .map(|page| page.title.clone())
                })
                .unwrap_or_else(|| path.clone());
            let mut log =
                timeline::page_log(path, &title, page_history, versions, &timeline_context);
            if options.since.is_some() || options.until.is_some() {
                let keep = |time: i64| {
                    options.since.is_none_or(|since| time >= since)
                        && options.until.is_none_or(|until| time < until)
                };
                log.revisions.retain(|r| keep(r.commit.time));
                for value in &mut log.values {
                    value.events.retain(|e| keep(e.commit.time));
                }
            }
            Some(log)
        })
        .collect();
    let revision = &book.meta.revision;
    Ok(Changelog {
        format_version: FORMAT_VERSION,
        language: language.tag().to_owned(),
        book: BookRef {
            title: book.meta.title.clone(),
            revision: revision.id.clone(),
            date: rfc3339(revision.time, revision.offset_minutes),
            time: revision.time,
            offset_minutes: revision.offset_minutes,
        },
        repository_url: repository_url.map(str::to_owned),
        commits: if options.all_commits {
            "all"
        } else {
            "first_parent"
        }
        .to_owned(),
        since: options.since.map(|t| rfc3339(t, 0)),
        until: options.until.map(|t| rfc3339(t, 0)),
        pages: logs,
    })
}

/// A commit time in RFC 3339; the seconds themselves for a time it cannot write.
fn rfc3339(seconds: i64, offset_minutes: i32) -> String {
    livret_text::dates::rfc3339(seconds, offset_minutes).unwrap_or_else(|| seconds.to_string())
}

/// The output files of a changelog, in the order asked.
pub fn render(changelog: &Changelog, outputs: &[Output]) -> Vec<OutputFile> {
    let language = Language::from_tag(&changelog.language);
    let labels = labels::Labels::of(language);
    outputs
        .iter()
        .map(|output| match output {
            Output::Markdown => OutputFile {
                name: MARKDOWN_FILE.to_owned(),
                bytes: markdown::render(changelog, labels).into_bytes(),
            },
            Output::Feed => OutputFile {
                name: FEED_FILE.to_owned(),
                bytes: feed::render(changelog, labels),
            },
            Output::Json => {
                let mut bytes = serde_json::to_vec_pretty(changelog).unwrap_or_default();
                bytes.push(b'\n');
                OutputFile {
                    name: JSON_FILE.to_owned(),
                    bytes,
                }
            }
        })
        .collect()
}
