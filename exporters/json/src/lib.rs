//! livret's JSON exporter: `book.json` (the whole document model, with its JSON Schema) and
//! `feed.json` (a JSON Feed 1.1 of the published pages) for other sites to consume.

mod feed;

use livret_cache::Digest;
use livret_model::{
    Book, Cache, Diagnostic, Export, ExportContext, ExportError, Exporter, Needs, OutputFile, Page,
    Settings, Severity,
};
use rayon::prelude::*;
use schemars::JsonSchema;
use serde::Serialize;
use std::sync::Arc;

/// Version of `book.json`'s shape; bumped on every incompatible change.
pub const FORMAT_VERSION: u32 = 1;

/// The JSON Schema of `book.json`, as committed in `exporters/json/book.schema.json`.
pub const COMMITTED_SCHEMA: &str = include_str!("../book.schema.json");

/// `book.json`: the model of one revision, with a version and a summary of its diagnostics.
#[derive(Debug, Serialize, JsonSchema)]
pub struct BookDocument<'a> {
    pub format_version: u32,
    pub diagnostics_summary: DiagnosticsSummary,
    pub book: &'a Book,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct DiagnosticsSummary {
    pub errors: usize,
    pub warnings: usize,
    pub notes: usize,
}

impl DiagnosticsSummary {
    fn of(diagnostics: &[Diagnostic]) -> Self {
        let count = |severity| {
            diagnostics
                .iter()
                .filter(|d| d.severity == severity)
                .count()
        };
        DiagnosticsSummary {
            errors: count(Severity::Error),
            warnings: count(Severity::Warning),
            notes: count(Severity::Note),
        }
    }
}

/// The schema of `book.json`, generated from the Rust types.
pub fn book_schema() -> String {
    let schema = schemars::schema_for!(BookDocument<'static>);
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

/// Writes `book.json` and the feed.
#[derive(Debug, Default)]
pub struct JsonExporter;

impl Exporter for JsonExporter {
    fn name(&self) -> &'static str {
        "json"
    }

    fn needs(&self, _: &Book, _: &Settings) -> Needs {
        Needs::history()
    }

    /// With a cache in the context, a page's feed content (rendered and sanitized HTML, while its
    /// links answer the same) is kept across builds by content; the bytes are the same as without
    /// a cache. Pages' and items' JSON are written again: that is quicker than reading them back.
    fn export(&self, context: &ExportContext<'_>) -> Result<Export, ExportError> {
        let fail = |error: serde_json::Error| ExportError {
            exporter: "json".to_owned(),
            message: error.to_string(),
        };
        // Every page's JSON (and digest, with a cache), side by side.
        let pages: Vec<(Option<u128>, Arc<[u8]>)> = context
            .book
            .pages
            .par_iter()
            .map(|page| page_json(context.cache, page))
            .collect::<Result<_, _>>()
            .map_err(fail)?;
        let keys: Vec<Option<u128>> = pages.iter().map(|(key, _)| *key).collect();
        // book.json is for programs: compact. Written while the feed is built.
        let (book, feed) = rayon::join(
            || book_json(context.book, &pages),
            || feed::feed_files(context, &keys),
        );
        let mut book = book.map_err(fail)?;
        book.push(b'\n');
        let mut files = vec![OutputFile {
            name: "book.json".to_owned(),
            bytes: book,
        }];
        files.extend(feed.map_err(fail)?);
        Ok(Export::files(files))
    }
}

/// What a page's digest starts with.
const PAGE_KIND: &str = "json-page";
/// Bumped whenever what the kinds of this crate hold changes shape.
const CACHE_FORMAT: &str = "livret-export-json cache 2";

/// A page's JSON, and its digest when there is a cache (its feed content is kept under it).
fn page_json(
    cache: Option<&dyn Cache>,
    page: &Page,
) -> Result<(Option<u128>, Arc<[u8]>), serde_json::Error> {
    let key = cache.map(|_| Digest::new(PAGE_KIND).str(CACHE_FORMAT).value(page).key());
    Ok((key, serde_json::to_vec(page)?.into()))
}

/// `book.json` (without its final newline) with the pages' JSON put in place: the document is
/// written with no pages, and its `"pages":[]` filled; compact JSON writes an array's elements
/// the same wherever it is.
fn book_json(
    book: &Book,
    pages: &[(Option<u128>, Arc<[u8]>)],
) -> Result<Vec<u8>, serde_json::Error> {
    let Book {
        meta,
        toc,
        pages: _,
        orphans,
        assets,
        redirects,
        diagnostics,
    } = book;
    let without_pages = Book {
        meta: meta.clone(),
        toc: toc.clone(),
        pages: Vec::new(),
        orphans: orphans.clone(),
        assets: assets.clone(),
        redirects: redirects.clone(),
        diagnostics: diagnostics.clone(),
    };
    let document = |book| BookDocument {
        format_version: FORMAT_VERSION,
        diagnostics_summary: DiagnosticsSummary::of(diagnostics),
        book,
    };
    let shell = serde_json::to_vec(&document(&without_pages))?;
    let Some(end) = feed::only_place(&shell, b"\"pages\":[]") else {
        // Never seen; the plain way is right too.
        return serde_json::to_vec(&document(book));
    };
    // Just before the `]`.
    let end = end - 1;
    let size = shell.len() + pages.iter().map(|(_, json)| json.len() + 1).sum::<usize>();
    let mut out = Vec::with_capacity(size);
    out.extend_from_slice(&shell[..end]);
    for (index, (_, json)) in pages.iter().enumerate() {
        if index > 0 {
            out.push(b',');
        }
        out.extend_from_slice(json);
    }
    out.extend_from_slice(&shell[end..]);
    Ok(out)
}

#[cfg(test)]
mod tests_book;

#[cfg(test)]
mod tests {
    use super::*;

    /// The committed schema must be the one the types give; `LIVRET_WRITE_SCHEMA=1` rewrites it.
    #[test]
    fn committed_schema_is_up_to_date() {
        let generated = book_schema();
        if std::env::var_os("LIVRET_WRITE_SCHEMA").is_some() {
            std::fs::write(
                concat!(env!("CARGO_MANIFEST_DIR"), "/book.schema.json"),
                &generated,
            )
            .unwrap();
            return;
        }
        assert!(generated == COMMITTED_SCHEMA, "book.schema.json is stale: run `LIVRET_WRITE_SCHEMA=1 cargo test -p livret-export-json`");
    }

    #[test]
    fn book_json_with_its_pages_put_in_place_is_the_whole_serialisation() {
        let book = tests_book::book();
        let document = BookDocument {
            format_version: FORMAT_VERSION,
            diagnostics_summary: DiagnosticsSummary::of(&book.diagnostics),
            book: &book,
        };
        let pages: Vec<_> = book
            .pages
            .iter()
            .map(|page| page_json(None, page).unwrap())
            .collect();
        assert!(book.pages.len() > 1);
        let spliced = book_json(&book, &pages).unwrap();
        assert_eq!(
            String::from_utf8(spliced).unwrap(),
            serde_json::to_string(&document).unwrap()
        );
    }
}
