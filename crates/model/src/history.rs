use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What the Git history says about each page of a book, read in one walk.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct History {
    /// Each followed page's history, by the page's path in the book at the built revision.
    pub pages: BTreeMap<String, PageHistory>,
    /// Commits walked.
    pub commits: usize,
    /// Set when the repository is a shallow clone: the full id of the commit where the history
    /// stops (its parents were not fetched).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shallow_boundary: Option<String>,
}

impl History {
    /// No page, no commit.
    pub const fn empty() -> Self {
        History {
            pages: BTreeMap::new(),
            commits: 0,
            shallow_boundary: None,
        }
    }
}

/// Every commit that touched a page, newest first, following it through moves.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PageHistory {
    /// The commits that touched the page, newest first.
    pub versions: Vec<PageVersion>,
}

/// One commit that touched a page, and the page as that commit left it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PageVersion {
    /// Full commit id.
    pub commit: String,
    /// Committer time, seconds since the Unix epoch.
    pub time: i64,
    /// Committer time zone, minutes east of UTC.
    pub offset_minutes: i32,
    /// Author name (never the e-mail address).
    pub author: String,
    /// Path of the page in the book after this commit.
    pub path: String,
    /// Blob id (hex) of the page's text after this commit; the key of [`crate::PageVersions`].
    pub blob: String,
    /// What the commit did to the page.
    pub change: PageChange,
}

/// What a commit did to a page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PageChange {
    /// The page appeared, and was not found to be moved from another file (in a shallow clone,
    /// every page the commit where the history stops holds appears there).
    Created,
    /// The page's text changed in place.
    Edited,
    /// Moved without a change of content: not a modification.
    Moved {
        /// The page's path in the book before the commit.
        from: String,
    },
    /// Moved, and its text changed (similar enough to be the same page).
    MovedAndEdited {
        /// The page's path in the book before the commit.
        from: String,
    },
}

impl PageChange {
    /// Whether the commit changed the page's text: every change but a plain move.
    pub fn changes_content(&self) -> bool {
        !matches!(self, PageChange::Moved { .. })
    }
}

impl PageHistory {
    /// When the page first appeared (at the shallow boundary, when history was cut).
    pub fn created(&self) -> Option<&PageVersion> {
        self.versions.last()
    }

    /// The last commit that changed the page's content (moves do not count).
    pub fn modified(&self) -> Option<&PageVersion> {
        self.versions
            .iter()
            .find(|version| version.change.changes_content())
    }

    /// Names of the people who changed the page's content, in order of first contribution.
    pub fn authors(&self) -> Vec<&str> {
        let mut authors: Vec<&str> = Vec::new();
        for version in self
            .versions
            .iter()
            .rev()
            .filter(|v| v.change.changes_content())
        {
            if !authors.contains(&version.author.as_str()) {
                authors.push(&version.author);
            }
        }
        authors
    }
}
