use serde::{Deserialize, Serialize};

/// The optional `livret.yaml` at the repository root.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default)]
pub struct Settings {
    /// Folder of the book in the repository (overridden by `--root`).
    pub root: Option<String>,
    pub title: Option<String>,
    pub subtitle: Option<String>,
    pub author: Option<String>,
    pub organisation: Option<String>,
    /// BCP 47 language tag of the handbook.
    pub language: String,
    /// Where the handbook is published, e.g. `https://handbook.example.org/`.
    pub base_url: Option<String>,
    /// Web address of the repository, for links to commits.
    pub repository_url: Option<String>,
    pub changelog: ChangelogSettings,
    pub pdf: PdfSettings,
    pub feed: FeedSettings,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            root: None,
            title: None,
            subtitle: None,
            author: None,
            organisation: None,
            language: "fr".to_owned(),
            base_url: None,
            repository_url: None,
            changelog: ChangelogSettings::default(),
            pdf: PdfSettings::default(),
            feed: FeedSettings::default(),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default)]
pub struct ChangelogSettings {
    /// Pages whose history the changelog follows, by their path in the book at the built revision.
    pub pages: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default)]
pub struct FeedSettings {
    /// Split the feed into files of this many items, newest-modified first, linked by `next_url`.
    pub items_per_file: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default)]
pub struct PdfSettings {
    pub page_size: PageSize,
    /// Page margins in millimetres.
    pub margin_mm: f32,
    /// Path (in the repository) of a TTF/OTF font replacing the bundled one.
    pub font: Option<String>,
    /// Path (in the book) of a cover image.
    pub cover_image: Option<String>,
}

impl Default for PdfSettings {
    fn default() -> Self {
        PdfSettings {
            page_size: PageSize::A4,
            margin_mm: 20.0,
            font: None,
            cover_image: None,
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum PageSize {
    #[default]
    A4,
    A5,
}
