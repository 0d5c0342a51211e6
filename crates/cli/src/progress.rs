//! Progress on a terminal: a line per stage of a build, a commit counter for the history walk and
//! a line per exporter, each ending with its time. Nothing is drawn in CI, in a pipe or with -q.

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// What each finished line took, in the order they finished.
type Timings = Arc<Mutex<Vec<(String, Duration)>>>;

#[derive(Debug)]
pub struct Progress {
    bars: Option<MultiProgress>,
    timings: Timings,
}

impl Progress {
    pub fn new(enabled: bool) -> Self {
        let bars = (enabled && std::io::stderr().is_terminal())
            .then(|| MultiProgress::with_draw_target(ProgressDrawTarget::stderr()));
        Progress {
            bars,
            timings: Timings::default(),
        }
    }

    /// `reading the book 0.08 s, pdf 0.52 s, …`: every finished line and its time.
    pub fn summary(&self) -> String {
        let timings = match self.timings.lock() {
            Ok(timings) => timings.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        };
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
            start: Instant::now(),
            timings: self.timings.clone(),
        }
    }

    /// Runs one stage of work with its line shown, then marks it done.
    pub fn stage<T>(&self, name: &str, work: impl FnOnce() -> T) -> T {
        let line = self.line(name);
        let result = work();
        line.done("");
        result
    }
}

/// One line of progress.
#[derive(Debug)]
pub struct Line {
    bar: Option<ProgressBar>,
    message: String,
    start: Instant,
    timings: Timings,
}

impl Line {
    /// Shows a count beside the message (commits read, for the history walk).
    pub fn count(&self, count: usize, unit: &str) {
        if let Some(bar) = &self.bar {
            bar.set_message(format!("{}: {count} {unit}", self.message));
        }
    }

    /// Ends the line with ✓ and the time since it was drawn.
    pub fn done(&self, detail: &str) {
        self.finish(true, self.start.elapsed(), detail);
    }

    /// Ends the line with ✓ or ✗, the time the work took and a detail.
    pub fn finish(&self, succeeded: bool, elapsed: Duration, detail: &str) {
        if let Ok(mut timings) = self.timings.lock() {
            timings.push((self.message.clone(), elapsed));
        }
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
