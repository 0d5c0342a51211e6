//! The `livret` command: check, inspect and build a GitBook handbook straight from its Git repository.

mod cache;
mod changelog;
mod output;
mod progress;
mod report;

use anyhow::{bail, Result};
use clap::{Args, Parser, Subcommand, ValueEnum};
use livret_core::{load, HistoryOptions, LoadOptions, Loaded, Source};
use livret_model::{ExportContext, Exporter, Needs, Severity};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Exit status when livret could not run at all (bad repository, revision, arguments).
const EXIT_CANNOT_RUN: u8 = 2;
/// Exit status when the book has errors (`check`) or an export failed (`build`).
const EXIT_PROBLEMS: u8 = 1;

#[derive(Debug, Parser)]
#[command(
    name = "livret",
    version,
    about = "Turn a GitBook handbook kept in Git into PDF, EPUB, JSON and a changelog",
    after_help = "Examples:\n  livret check                      check the book of the repository you are in\n  livret check --rev v2 --format json\n  livret inspect --page valeurs.md  print one page of the model as JSON\n  livret build --out dist           write every output to dist/\n\nExit status: 0 success, 1 errors in the book or a failed export, 2 livret could not run."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Print only errors.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    quiet: bool,
    /// Print notes and timings too.
    #[arg(short, long, global = true)]
    verbose: bool,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Report every problem in the book, rustc-style or as JSON lines.
    #[command(
        after_help = "Examples:\n  livret check\n  livret check --repo ../handbook --rev main~3\n  livret check --format json | jq .code"
    )]
    Check {
        #[command(flatten)]
        source: SourceArgs,
        /// `text` for people, `json` for one JSON object per diagnostic and line.
        #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
        format: CheckFormat,
    },
    /// Print the document model as JSON.
    #[command(
        after_help = "Examples:\n  livret inspect > book.json\n  livret inspect --page culture/valeurs.md"
    )]
    Inspect {
        #[command(flatten)]
        source: SourceArgs,
        /// Print only this page (its path in the book, e.g. `culture/valeurs.md`).
        #[arg(long)]
        page: Option<String>,
    },
    /// Write the outputs of the chosen formats to a folder.
    #[command(
        after_help = "Examples:\n  livret build --out dist\n  livret build --format json --rev v1.0 --out dist/v1"
    )]
    Build {
        #[command(flatten)]
        source: SourceArgs,
        /// Formats to build, comma-separated; every available one by default.
        #[arg(long, value_delimiter = ',')]
        format: Vec<String>,
        /// Folder to write into; created if needed. Existing outputs are replaced only when the new ones are complete.
        #[arg(long, default_value = "dist")]
        out: PathBuf,
        #[command(flatten)]
        cache: CacheArgs,
    },
    /// Write how the followed pages (the values page by default) evolved, from the Git history.
    #[command(
        after_help = "Examples:\n  livret changelog\n  livret changelog --page culture/valeurs.md --since 2024-01-01 --format md\n  livret changelog --all-pages --all-commits --language en --out dist"
    )]
    Changelog(changelog::ChangelogArgs),
}

#[derive(Debug, Args)]
struct SourceArgs {
    /// The repository: a work tree, a folder inside one, or a bare repository.
    #[arg(long, default_value = ".")]
    repo: PathBuf,
    /// Any revision Git understands: HEAD, a branch, a tag, a commit id, main~3.
    #[arg(long, default_value = "HEAD")]
    rev: String,
    /// Folder of the book in the repository (default: `root:` in livret.yaml, else the repository root).
    #[arg(long)]
    root: Option<String>,
}

#[derive(Debug, Args)]
struct CacheArgs {
    /// Where to keep work for the next build (history walk, laid-out pages); default: OUT/.livret-cache.
    #[arg(long, value_name = "DIR")]
    cache_dir: Option<PathBuf>,
    /// Neither read nor write the cache: build everything from scratch.
    #[arg(long, conflicts_with = "cache_dir")]
    no_cache: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum CheckFormat {
    Text,
    Json,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(&cli) {
        Ok(code) => ExitCode::from(code),
        Err(error) => {
            eprintln!("{}", report::error_line(&format!("{error:#}")));
            ExitCode::from(EXIT_CANNOT_RUN)
        }
    }
}

fn run(cli: &Cli) -> Result<u8> {
    let verbosity = report::Verbosity::from_flags(cli.quiet, cli.verbose);
    match &cli.command {
        Command::Check { source, format } => {
            let loaded = load_book(source)?;
            let diagnostics = &loaded.book.diagnostics;
            match format {
                CheckFormat::Text => {
                    report::print_text(diagnostics, loaded.book.pages.len(), verbosity)
                }
                CheckFormat::Json => report::print_json_lines(diagnostics)?,
            }
            let has_errors = diagnostics.iter().any(|d| d.severity == Severity::Error);
            Ok(if has_errors { EXIT_PROBLEMS } else { 0 })
        }
        Command::Inspect { source, page } => {
            let loaded = load_book(source)?;
            let json = match page {
                Some(path) => {
                    let Some(page) = loaded.book.page(path) else {
                        let known: Vec<&str> = loaded
                            .book
                            .pages
                            .iter()
                            .map(|p| p.path.as_str())
                            .take(10)
                            .collect();
                        bail!("there is no published page `{path}`; pages are named by their path in the book, such as {}", known.join(", "));
                    };
                    serde_json::to_string_pretty(page)?
                }
                None => serde_json::to_string_pretty(&loaded.book)?,
            };
            // A closed pipe (`livret inspect | head`) is not an error worth a panic.
            let mut stdout = std::io::stdout().lock();
            let _ = writeln!(stdout, "{json}");
            Ok(0)
        }
        Command::Build {
            source,
            format,
            out,
            cache,
        } => build(source, format, out, cache, verbosity),
        Command::Changelog(args) => changelog::run(args, verbosity),
    }
}

/// `book.pdf` or `book.json, feed.json`.
fn file_names(files: &[livret_model::OutputFile]) -> String {
    files
        .iter()
        .map(|file| file.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn load_book(source: &SourceArgs) -> Result<Loaded> {
    Ok(load(&load_options(source))?)
}

fn load_options(source: &SourceArgs) -> LoadOptions {
    LoadOptions {
        repository: source.repo.clone(),
        revision: source.rev.clone(),
        root: source.root.clone(),
    }
}

/// The exporters this build of livret has, in the order outputs are reported.
fn available_exporters() -> Vec<Box<dyn Exporter>> {
    vec![
        Box::new(livret_export_pdf::PdfExporter),
        Box::new(livret_export_epub::EpubExporter),
        Box::new(livret_export_json::JsonExporter),
        Box::new(livret_export_changelog::ChangelogExporter),
    ]
}

fn build(
    source: &SourceArgs,
    formats: &[String],
    out: &std::path::Path,
    cache_args: &CacheArgs,
    verbosity: report::Verbosity,
) -> Result<u8> {
    let exporters = available_exporters();
    let names: Vec<&str> = exporters.iter().map(|e| e.name()).collect();
    for format in formats {
        if !names.contains(&format.as_str()) {
            let available = if names.is_empty() {
                "none yet".to_owned()
            } else {
                names.join(", ")
            };
            bail!("format `{format}` is not available in this version of livret (available: {available})");
        }
    }
    let chosen: Vec<&dyn Exporter> = exporters
        .iter()
        .map(|e| e.as_ref())
        .filter(|e| formats.is_empty() || formats.iter().any(|f| f == e.name()))
        .collect();
    let options = load_options(source);
    let progress = progress::Progress::new(verbosity != report::Verbosity::Quiet);
    let cache_file = match (cache_args.no_cache, &cache_args.cache_dir) {
        (true, _) => None,
        (false, Some(dir)) => Some(dir.join(cache::FILE_NAME)),
        (false, None) => Some(out.join(cache::DEFAULT_DIR).join(cache::FILE_NAME)),
    };
    // The cache is read while the book is.
    let reading_cache = cache_file.clone().map(|file| {
        let line = progress.line("reading the cache");
        (line, std::thread::spawn(move || cache::read(&file)))
    });
    // Drawn when the walk starts, below the stages before it.
    let walk_line = std::cell::OnceCell::new();
    let count_commits = |walked: usize| {
        walk_line
            .get_or_init(|| progress.line("walking the history"))
            .count(walked, "commits");
    };
    let mut repository = progress.stage("opening the repository", || Source::open(&options))?;
    let mut loaded = progress.stage("reading the book", || repository.load())?;
    let cache = reading_cache.and_then(|(line, reading)| {
        let cache = reading.join().ok();
        line.done("");
        cache
    });
    if let Some(cache) = &cache {
        repository = repository.with_cache(cache);
    }
    let repository = repository.with_walk_progress(&count_commits);
    let needs = chosen
        .iter()
        .fold(Needs::default(), |needs, e| needs.union(e.needs()));
    let history = match needs.history {
        true => {
            let walked = repository.history(&loaded.book, &HistoryOptions::default())?;
            if let Some(line) = walk_line.get() {
                line.done(&format!(", {} commits", walked.0.commits));
            }
            Some(walked)
        }
        false => None,
    };
    let assets = match needs.assets {
        true => Some(progress.stage("reading the assets", || {
            repository.assets(&loaded.book, &loaded.settings)
        })?),
        false => None,
    };
    let versions = match (&history, needs.versions) {
        (Some((history, _)), true) => Some(progress.stage("reading past versions", || {
            let pages = livret_export_changelog::tracked_pages(&loaded.book, &loaded.settings);
            repository.versions(&loaded.book, history, &pages)
        })?),
        _ => None,
    };
    let found: Vec<_> = history
        .iter()
        .map(|(_, d)| d)
        .chain(assets.iter().map(|(_, d)| d))
        .chain(versions.iter().map(|(_, d)| d))
        .flatten()
        .cloned()
        .collect();
    loaded.book.diagnostics.extend(found);
    let mut context = ExportContext::new(&loaded.book, &loaded.settings);
    if let Some((history, _)) = &history {
        context = context.with_history(history);
    }
    if let Some((assets, _)) = &assets {
        context = context.with_assets(assets);
    }
    if let Some((versions, _)) = &versions {
        context = context.with_versions(versions);
    }
    if let Some(cache) = &cache {
        context = context.with_cache(cache);
    }
    // Found out now rather than after every export has run.
    std::fs::create_dir_all(out).map_err(|error| {
        anyhow::anyhow!(
            "could not write {}: {error}; choose another folder with --out",
            out.display()
        )
    })?;
    let lines: Vec<progress::Line> = chosen.iter().map(|e| progress.line(e.name())).collect();
    let outcomes = livret_core::run_exporters(&chosen, &context, &|outcome| {
        if let Some(index) = chosen.iter().position(|e| e.name() == outcome.exporter) {
            let detail = match &outcome.result {
                Ok((files, _)) => format!(", {}", file_names(files)),
                Err(_) => ", failed".to_owned(),
            };
            lines[index].finish(outcome.result.is_ok(), outcome.elapsed, &detail);
        }
    });
    drop(lines);
    let mut diagnostics = loaded.book.diagnostics.clone();
    for outcome in &outcomes {
        if let Ok((_, found)) = &outcome.result {
            diagnostics.extend(found.iter().cloned());
        }
    }
    report::print_text(&diagnostics, loaded.book.pages.len(), verbosity);
    let (failed, mut messages) = progress.stage("writing the outputs", || {
        write_outputs(outcomes, out, verbosity)
    });
    // After the outputs, not beside them: their fsync would flush the cache to disk too (ext4
    // commits every file's pending data with the journal), and the cache need not be durable.
    if let (Some(cache), Some(file)) = (&cache, &cache_file) {
        // A cache that cannot be written costs the next build time, nothing else.
        if let Err(message) = progress.stage("saving the cache", || cache::write(cache, file)) {
            messages.push(report::warning_line(&message));
        }
    }
    for message in messages {
        eprintln!("{message}");
    }
    if let (Some(cache), Some(file), report::Verbosity::Verbose) = (&cache, &cache_file, verbosity)
    {
        let (hits, misses) = cache.hits_and_misses();
        eprintln!(
            "cache: {hits} results reused, {misses} computed ({})",
            file.display()
        );
    }
    if verbosity == report::Verbosity::Verbose {
        eprintln!("took: {}", progress.summary());
    }
    Ok(if failed { EXIT_PROBLEMS } else { 0 })
}

/// Writes every success, whatever failed before it; whether something failed, and what to say.
fn write_outputs(
    outcomes: Vec<livret_core::ExportOutcome>,
    out: &std::path::Path,
    verbosity: report::Verbosity,
) -> (bool, Vec<String>) {
    let mut failed = false;
    let mut messages = Vec::new();
    for outcome in outcomes {
        let written = outcome
            .result
            .map_err(|error| error.to_string())
            .and_then(|(files, _)| {
                files
                    .iter()
                    .map(|file| {
                        output::write_atomically(out, file).map_err(|error| {
                            format!(
                                "could not write {}: {error}",
                                out.join(&file.name).display()
                            )
                        })
                    })
                    .collect::<Result<Vec<_>, String>>()
            });
        match written {
            Ok(paths) if verbosity != report::Verbosity::Quiet => {
                messages.extend(paths.iter().map(|path| format!("wrote {}", path.display())))
            }
            Ok(_) => {}
            Err(message) => {
                failed = true;
                messages.push(report::error_line(&format!(
                    "{}: {message}",
                    outcome.exporter
                )));
            }
        }
    }
    (failed, messages)
}
