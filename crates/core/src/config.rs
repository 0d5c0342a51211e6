//! `livret.yaml` (livret's settings) and `.gitbook.yaml` (GitBook's layout of the book).

use livret_model::Code;
use livret_model::{Diagnostic, Settings};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use std::collections::BTreeMap;

/// Name of livret's settings file at the repository root.
pub const SETTINGS_FILE: &str = "livret.yaml";

/// `.gitbook.yaml`, with GitBook's defaults.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct GitbookLayout {
    pub root: String,
    pub structure: Structure,
    pub redirects: BTreeMap<String, String>,
}

impl Default for GitbookLayout {
    fn default() -> Self {
        GitbookLayout {
            root: "./".to_owned(),
            structure: Structure::default(),
            redirects: BTreeMap::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct Structure {
    pub readme: String,
    pub summary: String,
}

impl Default for Structure {
    fn default() -> Self {
        Structure {
            readme: "README.md".to_owned(),
            summary: "SUMMARY.md".to_owned(),
        }
    }
}

pub fn parse_settings(path: &str, text: &str) -> (Settings, Vec<Diagnostic>) {
    parse_yaml(path, text)
}

pub fn parse_gitbook_layout(path: &str, text: &str) -> (GitbookLayout, Vec<Diagnostic>) {
    parse_yaml(path, text)
}

/// Parses YAML into `T`, falling back to the defaults; unknown keys and errors become diagnostics.
fn parse_yaml<T: DeserializeOwned + Default>(path: &str, text: &str) -> (T, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    if text.trim().is_empty() {
        return (T::default(), diagnostics);
    }
    let mut unknown = Vec::new();
    let deserializer = serde_yaml::Deserializer::from_str(text);
    match serde_ignored::deserialize(deserializer, |key| unknown.push(key.to_string())) {
        Ok(value) => {
            for key in unknown {
                let last = key.rsplit('.').next().unwrap_or(&key).to_owned();
                diagnostics.push(
                    Diagnostic::warning(
                        Code::UnknownKey,
                        format!("unknown key `{key}`; livret ignores it"),
                    )
                    .with_help(
                        "check its spelling against the configuration reference in the README",
                    )
                    .at(path, find_key_line(text, &last), None),
                );
            }
            (value, diagnostics)
        }
        Err(error) => {
            let line = error.location().map(|location| location.line() as u32);
            diagnostics.push(
                Diagnostic::error(
                    Code::InvalidConfig,
                    format!(
                        "this file could not be read: {error}; livret uses the defaults instead"
                    ),
                )
                .with_help("fix the YAML (see the configuration reference in the README)")
                .at(path, line, None),
            );
            (T::default(), diagnostics)
        }
    }
}

fn find_key_line(text: &str, key: &str) -> Option<u32> {
    text.lines()
        .position(|line| {
            let line = line.trim_start().trim_start_matches("- ");
            line.strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with(':'))
        })
        .map(|index| index as u32 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_keys_are_reported_with_their_line() {
        let (settings, diagnostics) =
            parse_settings("livret.yaml", "title: T\ncolour: red\npdf:\n  margins: 3\n");
        assert_eq!(settings.title.as_deref(), Some("T"));
        let keys: Vec<_> = diagnostics
            .iter()
            .map(|d| (d.message.clone(), d.line))
            .collect();
        assert_eq!(
            keys,
            vec![
                (
                    "unknown key `colour`; livret ignores it".to_owned(),
                    Some(2)
                ),
                (
                    "unknown key `pdf.margins`; livret ignores it".to_owned(),
                    Some(4)
                ),
            ]
        );
    }

    #[test]
    fn invalid_yaml_falls_back_to_defaults() {
        let (settings, diagnostics) = parse_settings("livret.yaml", "title: [unclosed\n");
        assert_eq!(settings, Settings::default());
        assert_eq!(diagnostics[0].code, "invalid-config");
        assert_eq!(diagnostics[0].severity, livret_model::Severity::Error);
    }

    #[test]
    fn gitbook_layout_has_defaults() {
        let (layout, diagnostics) = parse_gitbook_layout(
            ".gitbook.yaml",
            "root: ./docs/\nredirects:\n  old: new.md\n",
        );
        assert!(diagnostics.is_empty());
        assert_eq!(layout.root, "./docs/");
        assert_eq!(layout.structure.summary, "SUMMARY.md");
        assert_eq!(layout.redirects["old"], "new.md");
    }
}
