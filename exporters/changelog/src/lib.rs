//! livret's changelog exporter: how the tracked pages evolved, read from the whole Git history.

use livret_model::{ExportContext, ExportError, Exporter, OutputFile};

#[derive(Debug, Default)]
pub struct ChangelogExporter;

impl Exporter for ChangelogExporter {
    fn name(&self) -> &'static str {
        "changelog"
    }

    fn export(&self, _context: &ExportContext<'_>) -> Result<Vec<OutputFile>, ExportError> {
        Err(ExportError {
            exporter: "changelog".to_owned(),
            message: "not written yet".to_owned(),
        })
    }
}
