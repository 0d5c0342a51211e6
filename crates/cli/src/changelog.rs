//! `livret changelog`: how the followed pages (the values page by default) evolved, read from the
//! whole Git history, as `CHANGELOG.md` and `changelog.json`.

use crate::{load_options, report, SourceArgs};
use anyhow::{bail, Result};
use clap::{Args, ValueEnum};
use livret_driver::{Build, CacheDir};
use livret_export_changelog::{parse_day, ChangelogExporter, Language, Options, Output};
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

/// `livret changelog` is a build with the changelog exporter alone, chosen by the arguments.
pub fn run(args: &ChangelogArgs, verbosity: report::Verbosity) -> Result<u8> {
    let language = match args.language.as_deref() {
        None => None,
        Some(tag @ ("fr" | "en")) => Some(Language::from_tag(tag)),
        Some(other) => {
            bail!("language `{other}` is not available for the changelog (available: fr, en)")
        }
    };
    let exporter = ChangelogExporter {
        options: Options {
            pages: (!args.page.is_empty()).then(|| args.page.clone()),
            all_pages: args.all_pages,
            since: args.since,
            until: args.until,
            language,
            all_commits: args.all_commits,
        },
        outputs: args
            .format
            .iter()
            .map(|format| match format {
                ChangelogFormat::Md => Output::Markdown,
                ChangelogFormat::Json => Output::Json,
                ChangelogFormat::Feed => Output::Feed,
            })
            .collect(),
    };
    let build = Build::new(load_options(&args.source), &args.out)
        .with_exporters(vec![Box::new(exporter.clone())])
        .with_cache(CacheDir::Off);
    Ok(crate::run_build(&build, verbosity, |built| {
        let (book, settings) = (&built.loaded.book, &built.loaded.settings);
        exporter.followed_pages(book, settings).is_empty().then(|| {
            "no page to follow: pass --page PATH or --all-pages, or list pages under `changelog.pages` in livret.yaml".to_owned()
        })
    }))
}
