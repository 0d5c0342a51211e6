use crate::{Book, Cache, Diagnostic, History, Page, Settings};
use std::collections::BTreeMap;

/// Bytes of the book's files that exporters embed, read from the built revision.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Assets {
    /// By path in the book (as in `Target::Asset`); a file too large or missing from the
    /// repository is left out.
    pub files: BTreeMap<String, Vec<u8>>,
    /// The font named by `pdf.font` in livret.yaml, when there is one and it could be read.
    pub font: Option<Vec<u8>>,
}

/// Parsed page versions from the history, by blob id (each distinct version parsed once).
pub type PageVersions = BTreeMap<String, Page>;

/// What an exporter asks the driver to prepare, beyond the book; each costs time. Given before
/// anything runs, from the book and its settings, so the driver prepares all of it at once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Needs {
    /// A walk of every page's history (dates, authors).
    pub history: bool,
    /// The bytes of assets and fonts.
    pub assets: bool,
    /// Pages (paths in the book) whose past versions are parsed; their history is walked too.
    pub versions: Vec<String>,
    /// The walk reads every commit, merged branches included, not only first parents.
    pub all_commits: bool,
}

impl Needs {
    /// The history only.
    pub fn history() -> Self {
        Needs {
            history: true,
            ..Needs::default()
        }
    }

    /// The assets only.
    pub fn assets() -> Self {
        Needs {
            assets: true,
            ..Needs::default()
        }
    }

    /// Every past version of `pages`, parsed.
    pub fn versions(pages: Vec<String>) -> Self {
        Needs {
            versions: pages,
            ..Needs::default()
        }
    }

    /// Walks every commit rather than first parents only.
    pub fn with_all_commits(mut self, all_commits: bool) -> Self {
        self.all_commits = all_commits;
        self
    }

    /// What two exporters need together.
    pub fn union(mut self, other: Needs) -> Needs {
        for page in other.versions {
            if !self.versions.contains(&page) {
                self.versions.push(page);
            }
        }
        Needs {
            history: self.history || other.history,
            assets: self.assets || other.assets,
            versions: self.versions,
            all_commits: self.all_commits || other.all_commits,
        }
    }
}

static NO_HISTORY: History = History::empty();
static NO_ASSETS: Assets = Assets::empty();
static NO_VERSIONS: PageVersions = BTreeMap::new();

/// What an exporter is given: what it said it [`Needs`] is there, the rest is empty. New fields
/// may be added without breaking exporters.
#[derive(Debug)]
#[non_exhaustive]
pub struct ExportContext<'a> {
    /// The book at the built revision.
    pub book: &'a Book,
    /// The settings the book was built with.
    pub settings: &'a Settings,
    /// The history of the pages (feeds, changelogs).
    pub history: &'a History,
    /// Asset bytes (EPUB, PDF).
    pub assets: &'a Assets,
    /// Past versions of pages (changelog).
    pub versions: &'a PageVersions,
    /// Where to keep and find expensive results across builds, when the driver has one.
    pub cache: Option<&'a dyn Cache>,
}

impl<'a> ExportContext<'a> {
    /// The book and its settings, with no history, assets, versions or cache.
    pub fn new(book: &'a Book, settings: &'a Settings) -> Self {
        ExportContext {
            book,
            settings,
            history: &NO_HISTORY,
            assets: &NO_ASSETS,
            versions: &NO_VERSIONS,
            cache: None,
        }
    }

    /// Gives the exporter the history.
    pub fn with_history(mut self, history: &'a History) -> Self {
        self.history = history;
        self
    }

    /// Gives the exporter the assets' bytes.
    pub fn with_assets(mut self, assets: &'a Assets) -> Self {
        self.assets = assets;
        self
    }

    /// Gives the exporter the past versions of pages.
    pub fn with_versions(mut self, versions: &'a PageVersions) -> Self {
        self.versions = versions;
        self
    }

    /// Gives the exporter a cache.
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
    /// The file's content.
    pub bytes: Vec<u8>,
}

/// Why an exporter could not produce its outputs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportError {
    /// Name of the exporter that failed, e.g. `epub`.
    pub exporter: String,
    /// What went wrong.
    pub message: String,
}

impl std::fmt::Display for ExportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} export failed: {}", self.exporter, self.message)
    }
}

impl std::error::Error for ExportError {}

/// What an export produced: its files, and the problems it met on the way (never fatal).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Export {
    /// The files to write.
    pub files: Vec<OutputFile>,
    /// Problems met while exporting.
    pub diagnostics: Vec<Diagnostic>,
}

impl Export {
    /// Files and no diagnostics.
    pub fn files(files: Vec<OutputFile>) -> Self {
        Export {
            files,
            diagnostics: Vec::new(),
        }
    }
}

/// A backend: a function from the book, its settings and what it needs to output files.
pub trait Exporter: Send + Sync + std::fmt::Debug {
    /// The format name used on the command line, e.g. `epub`.
    fn name(&self) -> &'static str;
    /// What the driver must prepare for this exporter besides the book.
    fn needs(&self, _book: &Book, _settings: &Settings) -> Needs {
        Needs::default()
    }
    /// Produces the exporter's files from the context, or says why it cannot.
    fn export(&self, context: &ExportContext<'_>) -> Result<Export, ExportError>;
}

impl Assets {
    /// No assets, no font.
    pub const fn empty() -> Self {
        Assets {
            files: BTreeMap::new(),
            font: None,
        }
    }
}
