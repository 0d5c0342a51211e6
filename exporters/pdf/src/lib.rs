//! livret's pdf exporter: a printable welcome pack typeset like a book.

use livret_model::{ExportContext, ExportError, Exporter, OutputFile};

#[derive(Debug, Default)]
pub struct PdfExporter;

impl Exporter for PdfExporter {
    fn name(&self) -> &'static str {
        "pdf"
    }

    fn export(&self, _context: &ExportContext<'_>) -> Result<Vec<OutputFile>, ExportError> {
        Err(ExportError {
            exporter: "pdf".to_owned(),
            message: "not written yet".to_owned(),
        })
    }
}
