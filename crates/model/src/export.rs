use crate::{Book, History, Settings};

/// What an exporter is given. New fields may be added without breaking exporters.
#[derive(Debug)]
#[non_exhaustive]
pub struct ExportContext<'a> {
    pub book: &'a Book,
    pub settings: &'a Settings,
    /// The history of every page, when the build walked it (feeds and changelogs need it).
    pub history: Option<&'a History>,
}

impl<'a> ExportContext<'a> {
    pub fn new(book: &'a Book, settings: &'a Settings) -> Self {
        ExportContext {
            book,
            settings,
            history: None,
        }
    }

    pub fn with_history(mut self, history: &'a History) -> Self {
        self.history = Some(history);
        self
    }
}

/// A file an exporter produced; only the driver writes it to disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// File name relative to the output folder, e.g. `book.epub`.
    pub name: String,
    pub bytes: Vec<u8>,
}

/// Why an exporter could not produce its outputs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportError {
    pub exporter: String,
    pub message: String,
}

impl std::fmt::Display for ExportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} export failed: {}", self.exporter, self.message)
    }
}

impl std::error::Error for ExportError {}

/// A backend: a function from the book and its settings to output files.
pub trait Exporter: Send + Sync {
    /// The format name used on the command line, e.g. `epub`.
    fn name(&self) -> &'static str;
    fn export(&self, context: &ExportContext<'_>) -> Result<Vec<OutputFile>, ExportError>;
    /// Whether the exporter reads the pages' history (dates, authors), which costs a walk of it.
    fn needs_history(&self) -> bool {
        false
    }
}
