//! The `livret` command: check, inspect and build a GitBook handbook straight from its Git repository.

mod changelog;
mod progress;
mod report;

use anyhow::{bail, Result};
use clap::{Args, Parser, Subcommand, ValueEnum};
use livret_core::{load, LoadOptions, Loaded};
use livret_driver::{Build, CacheDir};
use livret_model::Severity;
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

fn build(
    source: &SourceArgs,
    formats: &[String],
    out: &std::path::Path,
    cache_args: &CacheArgs,
    verbosity: report::Verbosity,
) -> Result<u8> {
    let cache = match (cache_args.no_cache, &cache_args.cache_dir) {
        (true, _) => CacheDir::Off,
        (false, Some(dir)) => CacheDir::At(dir.clone()),
        (false, None) => CacheDir::InOutput,
    };
    let build = Build::new(load_options(source), out)
        .with_exporters(livret_driver::exporters_for(formats)?)
        .with_cache(cache);
    Ok(run_build(&build, verbosity, |_| None))
}

/// Runs a build, prints its diagnostics, writes its outputs and says what it did; `refuse` may
/// stop it before anything is written, with the reason. The exit status.
fn run_build(
    build: &Build,
    verbosity: report::Verbosity,
    refuse: impl FnOnce(&livret_driver::Built) -> Option<String>,
) -> u8 {
    let progress = progress::Progress::new(verbosity != report::Verbosity::Quiet);
    let built = match build.run(&progress) {
        Ok(built) => built,
        Err(error) => {
            eprintln!("{}", report::error_line(&error.to_string()));
            return EXIT_CANNOT_RUN;
        }
    };
    report::print_text(&built.diagnostics, built.loaded.book.pages.len(), verbosity);
    if let Some(reason) = refuse(&built) {
        eprintln!("{}", report::error_line(&reason));
        return EXIT_PROBLEMS;
    }
    let written = built.write(&progress);
    if verbosity != report::Verbosity::Quiet {
        for path in &written.files {
            eprintln!("wrote {}", path.display());
        }
    }
    for (exporter, message) in &written.failures {
        eprintln!("{}", report::error_line(&format!("{exporter}: {message}")));
    }
    if let Some(warning) = &written.cache_warning {
        eprintln!("{}", report::warning_line(&warning.to_string()));
    }
    if verbosity == report::Verbosity::Verbose {
        if let Some((hits, misses, file)) = built.cache_use() {
            eprintln!(
                "cache: {hits} results reused, {misses} computed ({})",
                file.display()
            );
        }
        eprintln!("took: {}", progress.summary());
    }
    if written.failures.is_empty() {
        0
    } else {
        EXIT_PROBLEMS
    }
}
