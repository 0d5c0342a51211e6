use serde::{Deserialize, Serialize};

/// The optional `livret.yaml` at the repository root.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default)]
pub struct Settings {
    /// Folder of the book in the repository (overridden by `--root`).
    pub root: Option<String>,
    /// The book's title; the first page's title when absent.
    pub title: Option<String>,
    /// The book's subtitle, when it has one.
    pub subtitle: Option<String>,
    /// Who writes the book, when given.
    pub author: Option<String>,
    /// Who publishes the book, when given.
    pub organisation: Option<String>,
    /// BCP 47 language tag of the handbook, `fr` by default.
    pub language: String,
    /// Where the handbook is published, e.g. `https://handbook.example.org/`, for absolute links.
    pub base_url: Option<String>,
    /// Web address of the repository, for links to commits.
    pub repository_url: Option<String>,
    /// The `changelog:` section.
    pub changelog: ChangelogSettings,
    /// The `pdf:` section.
    pub pdf: PdfSettings,
    /// The `feed:` section.
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

/// The `changelog:` section of `livret.yaml`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default)]
pub struct ChangelogSettings {
    /// Pages whose history the changelog follows, by their path in the book at the built revision.
    pub pages: Vec<String>,
}

/// The `feed:` section of `livret.yaml`: the JSON Feed of the published pages.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default)]
pub struct FeedSettings {
    /// Split the feed into files of this many items, newest-modified first, linked by `next_url`;
    /// one file when absent or 0.
    pub items_per_file: Option<usize>,
}

/// The `pdf:` section of `livret.yaml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default)]
pub struct PdfSettings {
    /// Paper size, A4 by default.
    pub page_size: PageSize,
    /// Page margins in millimetres, 20 by default (the PDF keeps it between 5 and 50).
    pub margin_mm: f32,
    /// Path (in the repository) of a TTF/OTF font replacing the bundled one.
    pub font: Option<String>,
    /// Path (in the book) of an image for the cover of the PDF and the EPUB.
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

/// An ISO paper size, written `A4` or `A5`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum PageSize {
    /// 210 × 297 mm.
    #[default]
    A4,
    /// 148 × 210 mm.
    A5,
}
