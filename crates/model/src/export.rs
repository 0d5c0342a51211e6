use crate::{Book, Cache, Diagnostic, History, Page, Settings};
use std::collections::BTreeMap;

/// Bytes of the book's files that exporters embed, read from the built revision.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Assets {
    /// By path in the book (as in `Target::Asset`).
    pub files: BTreeMap<String, Vec<u8>>,
    /// The font named by `pdf.font` in livret.yaml, when there is one.
    pub font: Option<Vec<u8>>,
}

/// Parsed page versions from the history, by blob id (each distinct version parsed once).
pub type PageVersions = BTreeMap<String, Page>;

/// What an exporter asks the driver to prepare, beyond the book; each costs time.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Needs {
    /// A walk of the history (dates, authors, versions of pages).
    pub history: bool,
    /// The bytes of assets and fonts.
    pub assets: bool,
    /// Every past version of the changelog's pages, parsed (implies `history`).
    pub versions: bool,
}

impl Needs {
    pub fn history() -> Self {
        Needs {
            history: true,
            ..Needs::default()
        }
    }

    pub fn assets() -> Self {
        Needs {
            assets: true,
            ..Needs::default()
        }
    }

    pub fn versions() -> Self {
        Needs {
            history: true,
            versions: true,
            ..Needs::default()
        }
    }

    pub fn union(self, other: Needs) -> Needs {
        Needs {
            history: self.history || other.history,
            assets: self.assets || other.assets,
            versions: self.versions || other.versions,
        }
    }
}

/// What an exporter is given. New fields may be added without breaking exporters.
#[derive(Debug)]
#[non_exhaustive]
pub struct ExportContext<'a> {
    pub book: &'a Book,
    pub settings: &'a Settings,
    /// The history of every page, when an exporter needs it (feeds, changelogs).
    pub history: Option<&'a History>,
    /// Asset bytes, when an exporter needs them (EPUB, PDF).
    pub assets: Option<&'a Assets>,
    /// Past versions of pages, when an exporter needs them (changelog).
    pub versions: Option<&'a PageVersions>,
    /// Where to keep and find expensive results across builds, when the driver has one.
    pub cache: Option<&'a dyn Cache>,
}

impl<'a> ExportContext<'a> {
    pub fn new(book: &'a Book, settings: &'a Settings) -> Self {
        ExportContext {
            book,
            settings,
            history: None,
            assets: None,
            versions: None,
            cache: None,
        }
    }

    pub fn with_history(mut self, history: &'a History) -> Self {
        self.history = Some(history);
        self
    }

    pub fn with_assets(mut self, assets: &'a Assets) -> Self {
        self.assets = Some(assets);
        self
    }

    pub fn with_versions(mut self, versions: &'a PageVersions) -> Self {
        self.versions = Some(versions);
        self
    }

    pub fn with_cache(mut self, cache: &'a dyn Cache) -> Self {
        self.cache = Some(cache);
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
    /// Like `export`, with the problems met on the way (never fatal); the driver calls this one.
    fn export_with_diagnostics(
        &self,
        context: &ExportContext<'_>,
    ) -> Result<(Vec<OutputFile>, Vec<Diagnostic>), ExportError> {
        self.export(context).map(|files| (files, Vec::new()))
    }
    /// What the driver must prepare for this exporter besides the book.
    fn needs(&self) -> Needs {
        Needs::default()
    }
}
