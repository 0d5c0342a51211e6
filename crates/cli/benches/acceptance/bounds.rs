//! The committed bounds (`tests/acceptance/bounds.json`) and the verdict on a repository's
//! figures.
//!
//! A repository named in the file is held to its own bounds, and every figure it reports must
//! have one, except `info.` figures; a figure counted by rule or message id that has no bound
//! must be 0 (a new kind of error fails). Any other repository is held to the `*` bounds.

use super::Figures;
use serde_json::Value;
use std::path::Path;

/// What a figure must stay under or over.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Bound {
    Max(f64),
    Min(f64),
}

impl Bound {
    pub fn holds(self, value: f64) -> bool {
        match self {
            Bound::Max(max) => value <= max,
            Bound::Min(min) => value >= min,
        }
    }
}

impl std::fmt::Display for Bound {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Bound::Max(max) => write!(f, "≤ {}", super::number(*max)),
            Bound::Min(min) => write!(f, "≥ {}", super::number(*min)),
        }
    }
}

#[derive(Debug)]
pub struct Bounds {
    document: Value,
}

/// A figure's verdict.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// No bound applies (an `info.` figure, or a repository held to `*` only).
    Unbounded,
    Holds(Bound),
    Missed(Bound),
    /// A repository named in the file reports a figure the file has no bound for.
    NoBound,
}

impl Bounds {
    pub fn read(path: &Path) -> Result<Bounds, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let document: Value =
            serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        if !document["repositories"].is_object() {
            return Err(format!("{}: no `repositories` object", path.display()));
        }
        Ok(Bounds { document })
    }

    /// Whether the repository has bounds of its own.
    pub fn knows(&self, repository: &str) -> bool {
        self.document["repositories"][repository].is_object()
    }

    fn bound(&self, repository: &str, figure: &str) -> Result<Option<Bound>, String> {
        let entry = &self.document["repositories"][repository][figure];
        if entry.is_null() {
            return Ok(None);
        }
        match (entry["max"].as_f64(), entry["min"].as_f64()) {
            (Some(max), None) => Ok(Some(Bound::Max(max))),
            (None, Some(min)) => Ok(Some(Bound::Min(min))),
            _ => Err(format!(
                "the bound of {figure} for {repository} must be {{\"max\": N}} or {{\"min\": N}}"
            )),
        }
    }

    fn counted_by_kind(&self, figure: &str) -> bool {
        self.document["counted_by_kind"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .any(|prefix| figure.starts_with(prefix))
    }

    /// The verdict on every figure, in order.
    pub fn judge(&self, repository: &str, figures: &Figures) -> Result<Vec<Verdict>, String> {
        let known = self.knows(repository);
        let table = if known { repository } else { "*" };
        figures
            .iter()
            .map(|(name, value)| {
                let bound = match (self.bound(table, name)?, known) {
                    (Some(bound), _) => bound,
                    (None, _) if name.starts_with("info.") => return Ok(Verdict::Unbounded),
                    (None, true) if self.counted_by_kind(name) => Bound::Max(0.0),
                    (None, true) => return Ok(Verdict::NoBound),
                    (None, false) => return Ok(Verdict::Unbounded),
                };
                Ok(match bound.holds(*value) {
                    true => Verdict::Holds(bound),
                    false => Verdict::Missed(bound),
                })
            })
            .collect()
    }
}
