//! livret's epub exporter: a valid, accessible EPUB 3 of the whole handbook.

use livret_model::{ExportContext, ExportError, Exporter, OutputFile};

#[derive(Debug, Default)]
pub struct EpubExporter;

impl Exporter for EpubExporter {
    fn name(&self) -> &'static str {
        "epub"
    }

    fn export(&self, _context: &ExportContext<'_>) -> Result<Vec<OutputFile>, ExportError> {
        Err(ExportError {
            exporter: "epub".to_owned(),
            message: "not written yet".to_owned(),
        })
    }
}
