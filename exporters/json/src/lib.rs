//! livret's JSON exporter: `book.json` (the whole document model, with its JSON Schema) and
//! `feed.json` (a JSON Feed 1.1 of the published pages) for other sites to consume.

mod feed;

use livret_model::{
    Book, Diagnostic, ExportContext, ExportError, Exporter, Needs, OutputFile, Severity,
};
use schemars::JsonSchema;
use serde::Serialize;

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

    fn needs(&self) -> Needs {
        Needs::history()
    }

    fn export(&self, context: &ExportContext<'_>) -> Result<Vec<OutputFile>, ExportError> {
        let fail = |error: serde_json::Error| ExportError {
            exporter: "json".to_owned(),
            message: error.to_string(),
        };
        let document = BookDocument {
            format_version: FORMAT_VERSION,
            diagnostics_summary: DiagnosticsSummary::of(&context.book.diagnostics),
            book: context.book,
        };
        // book.json is for programs: compact. Written while the feed is built.
        let (book, feed) = rayon::join(
            || serde_json::to_vec(&document),
            || feed::feed_files(context),
        );
        let mut book = book.map_err(fail)?;
        book.push(b'\n');
        let mut files = vec![OutputFile {
            name: "book.json".to_owned(),
            bytes: book,
        }];
        files.extend(feed.map_err(fail)?);
        Ok(files)
    }
}

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
}
