//! Builds the changelog of a repository through the library, without the CLI:
//! `cargo run -p livret-export-changelog --example changelog -- REPO OUT_DIR [--all-commits] [--page PATH]...`

use livret_core::{history_with, load, parse_versions, HistoryOptions, LoadOptions, WalkMode};
use livret_export_changelog::{build, render, tracked_pages, Options, Output};
use livret_model::ExportContext;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let repo = args.next().unwrap_or_else(|| ".".to_owned());
    let out = std::path::PathBuf::from(args.next().unwrap_or_else(|| "dist".to_owned()));
    let mut options = Options::default();
    let mut pages = Vec::new();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--all-commits" => options.all_commits = true,
            "--page" => pages.extend(args.next()),
            other => return Err(format!("unknown argument {other}").into()),
        }
    }
    let load_options = LoadOptions::new(&repo);
    let loaded = load(&load_options)?;
    if !pages.is_empty() {
        options.pages = Some(pages);
    }
    let pages = options
        .pages
        .clone()
        .unwrap_or_else(|| tracked_pages(&loaded.book, &loaded.settings));
    let walk = HistoryOptions {
        mode: if options.all_commits {
            WalkMode::AllCommits
        } else {
            WalkMode::FirstParent
        },
        pages: Some(pages.clone()),
    };
    let (history, mut diagnostics) = history_with(&load_options, &loaded.book, &walk)?;
    let (versions, found) = parse_versions(&load_options, &loaded.book, &history, &pages)?;
    diagnostics.extend(found);
    for diagnostic in &diagnostics {
        eprintln!("{diagnostic}");
    }
    let context = ExportContext::new(&loaded.book, &loaded.settings)
        .with_history(&history)
        .with_versions(&versions);
    let changelog = build(&context, &options)?;
    std::fs::create_dir_all(&out)?;
    for file in render(&changelog, &[Output::Markdown, Output::Json]) {
        std::fs::write(out.join(&file.name), &file.bytes)?;
        eprintln!("wrote {}", out.join(&file.name).display());
    }
    Ok(())
}
