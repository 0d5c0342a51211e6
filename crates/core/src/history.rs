//! One walk of the first-parent history that follows every page through moves.

use crate::git::{ChangeStatus, CommitChanges, HistoryEnd, Repository};
use crate::links::nfc;
use crate::{Error, LoadOptions};
use livret_model::{Book, Diagnostic, History, PageChange, PageHistory, PageVersion};
use std::collections::HashMap;

/// Reads the history of every page of `book` (published or orphan) in one walk, newest first.
pub fn history(options: &LoadOptions, book: &Book) -> Result<(History, Vec<Diagnostic>), Error> {
    let repository = Repository::open(&options.repository)?;
    let root = book.meta.root.as_str();
    let paths = book
        .pages
        .iter()
        .map(|page| page.path.clone())
        .chain(book.orphans.iter().cloned());
    let mut tracker = Tracker::new(root, paths);
    let mut diagnostics = Vec::new();
    let end = repository.walk_first_parent(&book.meta.revision.id, root, |commit| {
        if commit.renames_unknown {
            diagnostics.push(
                Diagnostic::warning("missing-blob", format!("renames in commit {} could not be detected (objects are missing); moved pages may look new", short(&commit.commit.id)))
                    .with_help("fetch the missing objects, e.g. `git fetch --refetch`"),
            );
        }
        tracker.record(commit);
    })?;
    let mut history = tracker.finish();
    if let HistoryEnd::Shallow { commit } = end {
        diagnostics.push(
            Diagnostic::warning("shallow-history", format!("the repository is a shallow clone: history stops at commit {}, so older dates and authors are unknown", short(&commit)))
                .with_help("fetch the whole history with `git fetch --unshallow`"),
        );
        history.shallow_boundary = Some(commit);
    }
    Ok((history, diagnostics))
}

fn short(id: &str) -> &str {
    id.get(..10).unwrap_or(id)
}

/// Follows page identities backwards through the commits: a page is known by its path at the
/// built revision, and each rename met on the way back gives it its older path.
struct Tracker {
    prefix: String,
    /// Path (in the book, at the commit being read) to the page's path at the built revision.
    identity: HashMap<String, String>,
    pages: HashMap<String, PageHistory>,
    commits: usize,
}

impl Tracker {
    fn new(root: &str, paths: impl Iterator<Item = String>) -> Self {
        let prefix = if root.is_empty() {
            String::new()
        } else {
            format!("{root}/")
        };
        let identity: HashMap<String, String> = paths.map(|path| (path.clone(), path)).collect();
        let pages = identity
            .keys()
            .map(|path| (path.clone(), PageHistory::default()))
            .collect();
        Tracker {
            prefix,
            identity,
            pages,
            commits: 0,
        }
    }

    /// The path in the book of a repository path, for Markdown files inside the book.
    fn book_path(&self, path: Option<&String>) -> Option<String> {
        let relative = path?.strip_prefix(&self.prefix)?;
        relative.ends_with(".md").then(|| nfc(relative))
    }

    fn record(&mut self, commit: CommitChanges) {
        self.commits += 1;
        for change in &commit.changes {
            let new_path = self.book_path(change.new_path.as_ref());
            let old_path = self.book_path(change.old_path.as_ref());
            let (Some(new_path), Some(blob)) = (new_path, change.new_id) else {
                continue;
            };
            let Some(page) = self.identity.get(&new_path).cloned() else {
                continue;
            };
            let kind = match (change.status, old_path) {
                (ChangeStatus::Modified, _) => PageChange::Edited,
                (ChangeStatus::Renamed, Some(from)) if from != new_path => {
                    self.identity.remove(&new_path);
                    self.identity.insert(from.clone(), page.clone());
                    if change.old_id == change.new_id {
                        PageChange::Moved { from }
                    } else {
                        PageChange::MovedAndEdited { from }
                    }
                }
                (ChangeStatus::Renamed, _) => PageChange::Edited,
                // Added, or moved in from outside the book: before this commit the page did not exist.
                _ => {
                    self.identity.remove(&new_path);
                    PageChange::Created
                }
            };
            let version = PageVersion {
                commit: commit.commit.id.clone(),
                time: commit.commit.time,
                offset_minutes: commit.commit.offset_minutes,
                author: commit.author.clone(),
                path: new_path,
                blob: blob.to_string(),
                change: kind,
            };
            if let Some(history) = self.pages.get_mut(&page) {
                history.versions.push(version);
            }
        }
    }

    fn finish(self) -> History {
        History {
            pages: self.pages.into_iter().collect(),
            commits: self.commits,
            shallow_boundary: None,
        }
    }
}
