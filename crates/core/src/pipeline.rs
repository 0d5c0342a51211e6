//! Runs exporters side by side and gathers every outcome, not only the first failure.

use livret_model::{Diagnostic, ExportContext, ExportError, Exporter, OutputFile};
use rayon::prelude::*;
use std::time::{Duration, Instant};

/// What one exporter produced.
#[derive(Debug)]
pub struct ExportOutcome {
    pub exporter: &'static str,
    /// The files, and the problems the exporter met on the way.
    pub result: Result<(Vec<OutputFile>, Vec<Diagnostic>), ExportError>,
    pub elapsed: Duration,
}

/// Runs every exporter in parallel; outcomes come back in the order of `exporters`, and
/// `finished` is called with each as soon as its exporter ends (for progress).
pub fn run_exporters(
    exporters: &[&dyn Exporter],
    context: &ExportContext<'_>,
    finished: &(dyn Fn(&ExportOutcome) + Sync),
) -> Vec<ExportOutcome> {
    exporters
        .par_iter()
        .map(|exporter| {
            let start = Instant::now();
            let result = exporter.export_with_diagnostics(context);
            let outcome = ExportOutcome {
                exporter: exporter.name(),
                result,
                elapsed: start.elapsed(),
            };
            finished(&outcome);
            outcome
        })
        .collect()
}
