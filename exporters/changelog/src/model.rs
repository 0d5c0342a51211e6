//! The changelog as data: what `changelog.json` holds and what `CHANGELOG.md` is written from.

use crate::words::DiffPart;
use livret_model::HintStyle;
use serde::Serialize;

/// Version of `changelog.json`'s shape.
pub const FORMAT_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Changelog {
    pub format_version: u32,
    /// `fr` or `en`: the language of the summaries.
    pub language: String,
    pub book: BookRef,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repository_url: Option<String>,
    /// Whether the walk followed only first parents (`first_parent`) or every commit (`all`).
    pub commits: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub since: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub until: Option<String>,
    pub pages: Vec<PageLog>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BookRef {
    pub title: String,
    /// The commit the book was read at, and its date.
    pub revision: String,
    pub date: String,
    #[serde(skip)]
    pub time: i64,
    #[serde(skip)]
    pub offset_minutes: i32,
}

/// A commit, as the changelog names it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CommitRef {
    pub commit: String,
    pub short: String,
    /// RFC 3339, in the committer's time zone.
    pub date: String,
    pub author: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Seconds since the Unix epoch and the offset in minutes: for rendering dates.
    #[serde(skip)]
    pub time: i64,
    #[serde(skip)]
    pub offset_minutes: i32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PageLog {
    /// Path in the book at the built revision.
    pub path: String,
    pub title: String,
    pub history: HistoryStatus,
    /// Every revision that changed the page, newest first.
    pub revisions: Vec<Revision>,
    /// Every value the page ever had: current ones in page order, then retired ones.
    pub values: Vec<ValueLog>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HistoryStatus {
    /// False when the repository is a shallow clone and the page's history goes back to its boundary.
    pub complete: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shallow_boundary: Option<String>,
    /// What to run to read more of the history.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// Versions that could not be read (missing objects).
    pub missing_versions: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Revision {
    #[serde(flatten)]
    pub commit: CommitRef,
    /// Path of the page after this revision.
    pub path: String,
    /// One line, in words.
    pub summary: String,
    /// True when the text did not change, only its formatting (collapsed in CHANGELOG.md).
    pub formatting_only: bool,
    /// Set when the previous version could not be read: the changes are counted from this older commit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compared_with: Option<String>,
    pub changes: Vec<Change>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Change {
    /// The page's first version.
    PageCreated {
        path: String,
        title: String,
    },
    /// The oldest version a shallow clone holds: the page existed before.
    HistoryStart {
        path: String,
        title: String,
    },
    /// The page was rewritten in place into another document; it keeps its identity.
    PageRewritten {
        from: String,
        to: String,
    },
    PageRetitled {
        from: String,
        to: String,
    },
    PageMoved {
        from: String,
        to: String,
    },
    ValueAdded {
        value: String,
        title: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        group: Option<String>,
        text: String,
    },
    /// A value already there when the known history starts.
    ValuePresent {
        value: String,
        title: String,
    },
    /// A value taken off the page, with its last text.
    ValueRemoved {
        value: String,
        title: String,
        text: String,
    },
    ValueRetitled {
        value: String,
        from: String,
        to: String,
    },
    ValueReworded {
        value: String,
        title: String,
        /// A spelling fixed, not a new wording.
        typo: bool,
        diff: Vec<DiffPart>,
    },
    ValueMoved {
        value: String,
        title: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        from_group: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        to_group: Option<String>,
        /// The value it now follows; `None` when it comes first.
        after: Option<String>,
    },
    /// Only link targets changed in the value's text (`None`: the introduction).
    LinksUpdated {
        value: Option<String>,
        title: Option<String>,
    },
    IntroReworded {
        typo: bool,
        diff: Vec<DiffPart>,
    },
    HintAdded {
        style: HintStyle,
        text: String,
        /// Title of the value it is in; `None` for the introduction.
        #[serde(skip_serializing_if = "Option::is_none")]
        value_title: Option<String>,
    },
    HintRemoved {
        style: HintStyle,
        text: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        value_title: Option<String>,
    },
    HintReworded {
        style: HintStyle,
        diff: Vec<DiffPart>,
    },
    /// The file changed but not its text: GitBook's artefacts (entities, bullet markers, escapes,
    /// trailing backslashes) or whitespace.
    FormattingOnly,
    /// This version's blob is missing from the repository: skipped.
    VersionMissing {
        blob: String,
    },
}

impl Change {
    /// The value the change is about, if any.
    pub fn value(&self) -> Option<&str> {
        match self {
            Change::ValueAdded { value, .. }
            | Change::ValuePresent { value, .. }
            | Change::ValueRemoved { value, .. }
            | Change::ValueRetitled { value, .. }
            | Change::ValueReworded { value, .. }
            | Change::ValueMoved { value, .. } => Some(value),
            Change::LinksUpdated { value, .. } => value.as_deref(),
            _ => None,
        }
    }
}

/// One value across the page's history.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ValueLog {
    /// Stable id: the slug of its first title.
    pub id: String,
    /// Its title now (or when it was retired).
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// Still on the page at the built revision.
    pub current: bool,
    /// When it appeared (or when the known history starts).
    pub born: CommitRef,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retired: Option<CommitRef>,
    /// The last revision that changed its title or text.
    pub last_changed: CommitRef,
    /// Its text now (or when it was retired), paragraphs separated by blank lines.
    pub text: String,
    /// Everything that happened to it, oldest first.
    pub events: Vec<ValueEvent>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ValueEvent {
    #[serde(flatten)]
    pub commit: CommitRef,
    pub change: Change,
}
