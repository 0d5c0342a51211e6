//! Progress on a terminal: a line per stage of a build, a commit counter for the history walk and
//! a line per exporter, each ending with its time. Nothing is drawn in CI, in a pipe or with -q.

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What each finished line took, in the order they finished.
type Timings = Arc<Mutex<Vec<(String, Duration)>>>;

#[derive(Debug)]
pub struct Progress {
    bars: Option<MultiProgress>,
    timings: Timings,
    /// The lines of the stages under way, by stage.
    open: Mutex<Vec<(String, Line)>>,
}

impl Progress {
    pub fn new(enabled: bool) -> Self {
        let bars = (enabled && std::io::stderr().is_terminal())
            .then(|| MultiProgress::with_draw_target(ProgressDrawTarget::stderr()));
        Progress {
            bars,
            timings: Timings::default(),
            open: Mutex::default(),
        }
    }

    /// `reading the book 0.08 s, pdf 0.52 s, …`: every finished line and its time.
    pub fn summary(&self) -> String {
        let timings = lock(&self.timings).clone();
        timings
            .iter()
            .map(|(name, elapsed)| format!("{name} {:.2} s", elapsed.as_secs_f64()))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// A spinning line for one piece of work; `None` when nothing is drawn.
    pub fn line(&self, message: &str) -> Line {
        let bar = self.bars.as_ref().map(|bars| {
            let bar = bars.add(ProgressBar::new_spinner());
            bar.set_style(style("{spinner} {msg} {elapsed}"));
            bar.set_message(message.to_owned());
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
        Line {
            bar,
            message: message.to_owned(),
            timings: self.timings.clone(),
        }
    }

    fn take(&self, stage: &str) -> Option<Line> {
        let mut open = lock(&self.open);
        let index = open.iter().position(|(name, _)| name == stage)?;
        Some(open.remove(index).1)
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    match mutex.lock() {
        Ok(guard) => guard,
        Err(poisoned) => poisoned.into_inner(),
    }
}

/// The driver's stages, one line each.
impl livret_driver::Observer for Progress {
    fn started(&self, stage: &str) {
        let line = self.line(stage);
        lock(&self.open).push((stage.to_owned(), line));
    }

    fn finished(&self, stage: &str, elapsed: Duration, detail: &str) {
        if let Some(line) = self.take(stage) {
            line.finish(true, elapsed, detail);
        }
    }

    fn walked(&self, commits: usize) {
        let open = lock(&self.open);
        if let Some((_, line)) = open.iter().find(|(name, _)| name == "walking the history") {
            line.count(commits, "commits");
        }
    }

    fn exported(&self, outcome: &livret_driver::Outcome) {
        let Some(line) = self.take(outcome.exporter) else {
            return;
        };
        let detail = match &outcome.result {
            Ok(files) => {
                let names: Vec<&str> = files.iter().map(|file| file.name.as_str()).collect();
                format!(", {}", names.join(", "))
            }
            Err(_) => ", failed".to_owned(),
        };
        line.finish(outcome.result.is_ok(), outcome.elapsed, &detail);
    }
}

/// One line of progress.
#[derive(Debug)]
pub struct Line {
    bar: Option<ProgressBar>,
    message: String,
    timings: Timings,
}

impl Line {
    /// Shows a count beside the message (commits read, for the history walk).
    pub fn count(&self, count: usize, unit: &str) {
        if let Some(bar) = &self.bar {
            bar.set_message(format!("{}: {count} {unit}", self.message));
        }
    }

    /// Ends the line with ✓ or ✗, the time the work took and a detail.
    pub fn finish(&self, succeeded: bool, elapsed: Duration, detail: &str) {
        lock(&self.timings).push((self.message.clone(), elapsed));
        if let Some(bar) = &self.bar {
            let mark = if succeeded { "✓" } else { "✗" };
            bar.set_style(style("{msg}"));
            bar.finish_with_message(format!(
                "{mark} {} {:.2} s{detail}",
                self.message,
                elapsed.as_secs_f64()
            ));
        }
    }
}

fn style(template: &str) -> ProgressStyle {
    ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_spinner())
}
