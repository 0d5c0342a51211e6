//! Runs exporters side by side and gathers every outcome, not only the first failure.

use livret_model::{Diagnostic, ExportContext, ExportError, Exporter, OutputFile};
use rayon::prelude::*;

/// What one exporter produced.
#[derive(Debug)]
pub struct ExportOutcome {
    pub exporter: &'static str,
    /// The files, and the problems the exporter met on the way.
    pub result: Result<(Vec<OutputFile>, Vec<Diagnostic>), ExportError>,
}

/// Runs every exporter in parallel; outcomes come back in the order of `exporters`.
pub fn run_exporters(
    exporters: &[&dyn Exporter],
    context: &ExportContext<'_>,
) -> Vec<ExportOutcome> {
    exporters
        .par_iter()
        .map(|exporter| ExportOutcome {
            exporter: exporter.name(),
            result: exporter.export_with_diagnostics(context),
        })
        .collect()
}
