//! The typed document model of a GitBook handbook: pure data, serialisable, shared by the core and every exporter.
//!
//! Nothing here knows about Git, Markdown or files: a [`Book`] is what the core builds, what
//! exporters read, and what `livret inspect` prints.

#![warn(missing_docs)]

mod cache;
mod diagnostic;
mod document;
mod export;
mod history;
mod settings;

pub use cache::Cache;
pub use diagnostic::{Code, Diagnostic, Severity};
pub use document::*;
pub use export::{
    Assets, Export, ExportContext, ExportError, Exporter, Needs, OutputFile, PageVersions,
};
pub use history::{History, PageChange, PageHistory, PageVersion};
pub use settings::{ChangelogSettings, FeedSettings, PageSize, PdfSettings, Settings};
