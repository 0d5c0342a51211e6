//! `livret changelog`: how the followed pages (the values page by default) evolved, read from the
//! whole Git history, as `CHANGELOG.md` and `changelog.json`.

use crate::{load_options, output, report, SourceArgs};
use anyhow::{bail, Context, Result};
use clap::{Args, ValueEnum};
use livret_core::{HistoryOptions, Source, WalkMode};
use livret_export_changelog::{build, parse_day, render, tracked_pages, Language, Options, Output};
use livret_model::ExportContext;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct ChangelogArgs {
    #[command(flatten)]
    source: SourceArgs,
    /// Follow this page (its path in the book, e.g. `culture/valeurs.md`); repeat for several.
    /// Default: `changelog.pages` in livret.yaml.
    #[arg(long, conflicts_with = "all_pages")]
    page: Vec<String>,
    /// Follow every published page.
    #[arg(long)]
    all_pages: bool,
    /// Only revisions on or after this day (`YYYY-MM-DD`, or an RFC 3339 time).
    #[arg(long, value_parser = parse_since)]
    since: Option<i64>,
    /// Only revisions on or before this day (`YYYY-MM-DD`, or an RFC 3339 time).
    #[arg(long, value_parser = parse_until)]
    until: Option<i64>,
    /// Outputs to write, comma-separated: `md` (CHANGELOG.md), `json` (changelog.json), `feed`
    /// (changes.json, a JSON Feed of the revisions).
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        default_value = "md,json,feed"
    )]
    format: Vec<ChangelogFormat>,
    /// Read every commit, merged branches included, not only the first-parent history.
    #[arg(long)]
    all_commits: bool,
    /// Language of the changelog: `fr` or `en` (default: the handbook's `language`).
    #[arg(long)]
    language: Option<String>,
    /// Folder to write into; created if needed.
    #[arg(long, default_value = "dist")]
    out: PathBuf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ChangelogFormat {
    Md,
    Json,
    Feed,
}

fn parse_since(text: &str) -> Result<i64, String> {
    parse_day(text).ok_or_else(|| format!("`{text}` is not a date; write it as YYYY-MM-DD"))
}

/// A whole day is included: `--until 2024-03-05` keeps that day's revisions.
fn parse_until(text: &str) -> Result<i64, String> {
    let start = parse_since(text)?;
    let is_day = text.trim().len() == 10;
    Ok(if is_day { start + 86_400 } else { start + 1 })
}

pub fn run(args: &ChangelogArgs, verbosity: report::Verbosity) -> Result<u8> {
    let options = load_options(&args.source);
    let source = Source::open(&options)?;
    let loaded = source.load()?;
    let book = &loaded.book;
    let pages: Vec<String> = if args.all_pages {
        book.pages.iter().map(|page| page.path.clone()).collect()
    } else if !args.page.is_empty() {
        args.page.clone()
    } else {
        tracked_pages(book, &loaded.settings)
    };
    if pages.is_empty() {
        bail!("no page to follow: pass --page PATH or --all-pages, or list pages under `changelog.pages` in livret.yaml");
    }
    for page in &pages {
        if book.page(page).is_none() && !book.orphans.contains(page) {
            let known: Vec<&str> = book
                .pages
                .iter()
                .map(|p| p.path.as_str())
                .take(10)
                .collect();
            bail!("there is no page `{page}` in the book; pages are named by their path in the book, such as {}", known.join(", "));
        }
    }
    let walk = HistoryOptions {
        mode: if args.all_commits {
            WalkMode::AllCommits
        } else {
            WalkMode::FirstParent
        },
        pages: Some(pages.clone()),
    };
    let (history, mut diagnostics) = source.history(book, &walk)?;
    let (versions, found) = source.versions(book, &history, &pages)?;
    diagnostics.extend(found);
    report::print_text(&diagnostics, pages.len(), verbosity);

    let language = match args.language.as_deref() {
        None => None,
        Some(tag @ ("fr" | "en")) => Some(Language::from_tag(tag)),
        Some(other) => {
            bail!("language `{other}` is not available for the changelog (available: fr, en)")
        }
    };
    let changelog_options = Options {
        pages: Some(pages),
        since: args.since,
        until: args.until,
        language,
        all_commits: args.all_commits,
    };
    let context = ExportContext::new(book, &loaded.settings)
        .with_history(&history)
        .with_versions(&versions);
    let changelog = match build(&context, &changelog_options) {
        Ok(changelog) => changelog,
        Err(error) => {
            eprintln!("{}", report::error_line(&error.to_string()));
            return Ok(crate::EXIT_PROBLEMS);
        }
    };
    let outputs: Vec<Output> = args
        .format
        .iter()
        .map(|format| match format {
            ChangelogFormat::Md => Output::Markdown,
            ChangelogFormat::Json => Output::Json,
            ChangelogFormat::Feed => Output::Feed,
        })
        .collect();
    for file in render(&changelog, &outputs) {
        let path = output::write_atomically(&args.out, &file)
            .with_context(|| format!("could not write {}", file.name))?;
        if verbosity != report::Verbosity::Quiet {
            eprintln!("wrote {}", path.display());
        }
    }
    Ok(0)
}
