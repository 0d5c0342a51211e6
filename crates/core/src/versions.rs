//! Past versions of pages, from the history: each distinct blob read once and parsed once, in parallel.

use crate::links::BookIndex;
use crate::parse::{parse_page, Library};
use crate::{text, Error, LoadOptions, Source};
use livret_model::Code;
use livret_model::{Book, Diagnostic, History, PageVersions};
use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

/// Reads and parses every distinct version of `pages` (paths in the book at the built revision),
/// by blob id. A version whose blob is missing is left out
/// with a warning; nothing else stops it.
///
/// Links in old versions are resolved against the book at the built revision and includes are
/// not followed: what a changelog compares is the text. Parse problems of old versions are not
/// reported (they were the book's problems then, not now).
pub fn parse_versions(
    options: &LoadOptions,
    book: &Book,
    history: &History,
    pages: &[String],
) -> Result<(PageVersions, Vec<Diagnostic>), Error> {
    Source::open(options)?.versions(book, history, pages)
}

pub(crate) fn parse(
    source: &Source<'_>,
    book: &Book,
    history: &History,
    pages: &[String],
) -> Result<(PageVersions, Vec<Diagnostic>), Error> {
    let repository = &source.repository;
    // Each distinct blob, with a path it had (links are resolved from there).
    let mut wanted: BTreeMap<&str, &str> = BTreeMap::new();
    for (page, page_history) in &history.pages {
        if !pages.contains(page) {
            continue;
        }
        for version in &page_history.versions {
            wanted
                .entry(version.blob.as_str())
                .or_insert(version.path.as_str());
        }
    }
    let index = book_index(book);
    let texts = HashMap::new();
    let library = Library {
        index: &index,
        texts: &texts,
    };
    let mut diagnostics = Vec::new();
    let parsed: Mutex<PageVersions> = Mutex::new(PageVersions::new());
    // Git reads are sequential (git2 handles are not shared across threads): this thread reads
    // each blob and hands it to the pool, which parses while the next ones are read.
    rayon::in_place_scope(|scope| {
        for (blob, path) in wanted {
            match repository.read_version(blob) {
                Ok(bytes) => {
                    let (library, parsed) = (&library, &parsed);
                    scope.spawn(move |_| {
                        let (text, _) = text::decode(path, &bytes);
                        let page = parse_page(path, &text, None, library).page;
                        if let Ok(mut parsed) = parsed.lock() {
                            parsed.insert(blob.to_owned(), page);
                        }
                    });
                }
                Err(missing) => diagnostics.push(
                    Diagnostic::warning(
                        Code::MissingBlob,
                        format!(
                            "version {blob} of this page is missing from the repository ({}); the changelog skips it and compares the versions around it",
                            missing.message
                        ),
                    )
                    .with_help("fetch the missing objects, e.g. `git fetch --refetch` or clone without --filter")
                    .at(repository_path(&book.meta.root, path), None, None),
                ),
            }
        }
    });
    let parsed = parsed
        .into_inner()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    Ok((parsed, diagnostics))
}

fn repository_path(root: &str, path: &str) -> String {
    if root.is_empty() {
        path.to_owned()
    } else {
        format!("{root}/{path}")
    }
}

/// The book's pages, files and redirects at the built revision, to resolve links of old versions.
fn book_index(book: &Book) -> BookIndex {
    BookIndex {
        pages: book.pages.iter().map(|page| page.path.clone()).collect(),
        unpublished: book.orphans.iter().cloned().collect(),
        files: book
            .assets
            .iter()
            .map(|asset| (asset.path.clone(), asset.path.clone()))
            .collect(),
        redirects: book
            .redirects
            .iter()
            .map(|r| (r.from.clone(), r.to.clone()))
            .collect(),
        readme: "README.md".to_owned(),
    }
}
