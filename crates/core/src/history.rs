//! One walk of the history that follows pages through moves, newest commit first.
//!
//! A page is known by its path at the built revision. Walking back, each commit's changes to the
//! paths being followed are read (only those paths while few are followed, so following one page
//! costs little more than walking the commits); when a followed path appears in a commit, the
//! files that disappear in the same commit are candidates for where it came from: the same blob is
//! a plain move, similar text a move with an edit (Git's rename detection is not used: it is
//! costly, misses moves with larger edits, and fails on partial clones).

use crate::git::{ChangeStatus, DiffScope, FileChange, HistoryEnd, ObjectId, Repository, WalkMode};
use crate::links::nfc;
use crate::{Error, LoadOptions, Source};
use livret_model::Code;
use livret_model::{Book, Diagnostic, History, PageChange, PageHistory, PageVersion};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::ops::ControlFlow;
use std::rc::Rc;

/// Below this many followed paths, diffs are limited to those paths.
const NARROW_LIMIT: usize = 32;
/// Word similarity above which a file that disappears and one that appears are one page moved.
const MOVE_SIMILARITY: f64 = 0.5;
/// The same, when the names say it is the same page (same file name, or `x.md` and `x/README.md`).
const MOVE_SIMILARITY_SAME_NAME: f64 = 0.3;

/// How to walk the history.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HistoryOptions {
    /// First-parent history (the default) or every commit.
    pub mode: WalkMode,
    /// Pages to follow, by path in the book at the built revision; `None` for every page
    /// (published or orphan).
    pub pages: Option<Vec<String>>,
}

/// Reads the history of the chosen pages of `book` in one walk, newest first. Never stops on a
/// missing object: the moves it hides are reported as diagnostics.
pub fn history_with(
    options: &LoadOptions,
    book: &Book,
    walk: &HistoryOptions,
) -> Result<(History, Vec<Diagnostic>), Error> {
    Source::open(options)?.history(book, walk)
}

pub(crate) fn walk(
    source: &Source<'_>,
    book: &Book,
    walk: &HistoryOptions,
) -> Result<(History, Vec<Diagnostic>), Error> {
    let repository = &source.repository;
    let root = book.meta.root.as_str();
    let wanted: Vec<String> = match &walk.pages {
        Some(pages) => pages.iter().map(|page| nfc(page)).collect(),
        None => book
            .pages
            .iter()
            .map(|page| page.path.clone())
            .chain(book.orphans.iter().cloned())
            .collect(),
    };
    let mut tracker = Tracker::new(root);
    let mut diagnostics = Vec::new();
    // Stored paths of the wanted pages at the built revision (they may be NFD in Git).
    let mut initial = BTreeMap::new();
    for entry in source.entries_at(&book.meta.revision.id)?.iter() {
        if let Some(path) = tracker.book_path(&entry.path) {
            if wanted.contains(&path) {
                let page = tracker.page(&path);
                initial.insert(entry.path.clone(), page);
            }
        }
    }
    for path in &wanted {
        if !tracker.names.contains(path) {
            diagnostics.push(
                Diagnostic::warning(
                    Code::UnknownPage,
                    format!("`{path}` is not a page of the book at this revision; its history is not read"),
                )
                .with_help("name pages by their path in the book, e.g. `culture/valeurs.md`"),
            );
        }
    }
    let followed: Vec<String> = initial.keys().cloned().collect();
    // A walk of every page along the first parents is kept: the next build walks only the
    // commits made since, and takes the rest from the kept walk.
    let cache = source
        .cache
        .filter(|_| walk.pages.is_none() && walk.mode == WalkMode::FirstParent);
    let cache_key = livret_cache::Digest::new(SAVED_WALK).str(root).key();
    let saved: Option<SavedWalk> =
        cache.and_then(|cache| livret_cache::get(cache, SAVED_WALK, cache_key));
    let mut spliced_end = None;
    let mut pending: HashMap<String, State> = HashMap::new();
    let mut first = Some(initial);
    let end = repository.walk_history(&book.meta.revision.id, walk.mode, |commit| {
        tracker.commits += 1;
        if let Some(walked) = source.walked {
            walked(tracker.commits);
        }
        let mut state = match first.take() {
            Some(initial) => initial,
            None => pending.remove(&commit.commit.id).unwrap_or_default(),
        };
        if let Some(saved) = saved.as_ref().filter(|s| s.commit == commit.commit.id) {
            // The same commit means the same history below it; the same followed paths mean
            // the kept walk went on exactly as this one would.
            if state.keys().eq(saved.followed.iter()) {
                tracker.splice(&state, saved);
                diagnostics.extend(saved.diagnostics.iter().cloned());
                spliced_end = Some(saved.history.shallow_boundary.clone());
                return Ok(ControlFlow::Break(()));
            }
        }
        let is_merge = commit.parent_count > 1 && walk.mode == WalkMode::AllCommits;
        if !state.is_empty() && !is_merge {
            let changes = if state.len() <= NARROW_LIMIT {
                let paths: Vec<String> = state.keys().cloned().collect();
                let narrow = commit.changes(DiffScope::Paths(&paths))?;
                let needs_all = narrow
                    .iter()
                    .any(|c| matches!(c.status, ChangeStatus::Added | ChangeStatus::Modified));
                if needs_all {
                    commit.changes(DiffScope::Folder(root))?
                } else {
                    narrow
                }
            } else {
                commit.changes(DiffScope::Folder(root))?
            };
            let step = tracker.step(repository, &mut state, &changes, &mut diagnostics);
            for (page, blob, path, change) in step {
                tracker.record(page, commit, path, blob, change);
            }
        }
        // The state before this commit is the state after each of its parents.
        let parents = &commit.parents;
        for (index, parent) in parents.iter().enumerate() {
            let given = if index + 1 == parents.len() {
                std::mem::take(&mut state)
            } else {
                state.clone()
            };
            let slot = pending.entry(parent.clone()).or_default();
            if slot.is_empty() {
                *slot = given;
            } else {
                for (path, page) in given {
                    slot.entry(path).or_insert(page);
                }
            }
        }
        Ok(ControlFlow::Continue(()))
    })?;
    let mut history = tracker.finish();
    let end = match spliced_end {
        Some(Some(commit)) => HistoryEnd::Shallow { commit },
        Some(None) => HistoryEnd::Root,
        None => end,
    };
    if let HistoryEnd::Shallow { commit } = end {
        diagnostics.push(
            Diagnostic::warning(Code::ShallowHistory, format!("the repository is a shallow clone: history stops at commit {}, so older dates, authors and versions are unknown", short(&commit)))
                .with_help("fetch the whole history with `git fetch --unshallow` (or a deeper one with `git fetch --deepen=N`)"),
        );
        history.shallow_boundary = Some(commit);
    }
    if let Some(cache) = cache {
        let kept = SavedWalk {
            commit: book.meta.revision.id.clone(),
            followed,
            history,
            diagnostics,
        };
        livret_cache::put(cache, SAVED_WALK, cache_key, &kept);
        return Ok((kept.history, kept.diagnostics));
    }
    Ok((history, diagnostics))
}

/// The cache kind of [`SavedWalk`].
const SAVED_WALK: &str = "history-walk";

/// A finished walk of every page, kept for the next build.
#[derive(Debug, Serialize, Deserialize)]
struct SavedWalk {
    /// The revision the walk started from.
    commit: String,
    /// The repository paths it followed from there, sorted.
    followed: Vec<String>,
    history: History,
    diagnostics: Vec<Diagnostic>,
}

fn short(id: &str) -> &str {
    id.get(..10).unwrap_or(id)
}

/// Followed paths before (or after) a commit: stored repository path to page index.
type State = BTreeMap<String, usize>;

/// What a commit did to one followed page: page, new blob, new book path, kind of change.
type Step = (usize, ObjectId, String, PageChange);

struct Tracker {
    prefix: String,
    /// Page paths at the built revision, by index.
    names: Vec<String>,
    pages: Vec<PageHistory>,
    commits: usize,
}

impl Tracker {
    fn new(root: &str) -> Self {
        let prefix = if root.is_empty() {
            String::new()
        } else {
            format!("{root}/")
        };
        Tracker {
            prefix,
            names: Vec::new(),
            pages: Vec::new(),
            commits: 0,
        }
    }

    fn page(&mut self, path: &str) -> usize {
        if let Some(index) = self.names.iter().position(|name| name == path) {
            return index;
        }
        self.names.push(path.to_owned());
        self.pages.push(PageHistory::default());
        self.names.len() - 1
    }

    /// The path in the book of a repository path, for Markdown files inside the book.
    fn book_path(&self, path: &str) -> Option<String> {
        let relative = path.strip_prefix(&self.prefix)?;
        relative.ends_with(".md").then(|| nfc(relative))
    }

    /// Applies a commit's changes to the followed paths (turning the state after the commit into
    /// the state before it) and says what happened to each followed page.
    fn step(
        &self,
        repository: &Repository,
        state: &mut State,
        changes: &[FileChange],
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Vec<Step> {
        let mut blobs = Blobs::new(repository);
        // Files that disappear in this commit: where an appearing page may come from.
        let mut gone: Vec<(&str, ObjectId)> = changes
            .iter()
            .filter(|c| c.status == ChangeStatus::Deleted)
            .filter_map(|c| Some((c.old_path.as_deref()?, c.old_id?)))
            .filter(|(path, _)| self.book_path(path).is_some() && !state.contains_key(*path))
            .collect();
        let mut steps = Vec::new();
        let mut renamed: Vec<(String, String, usize)> = Vec::new();
        for change in changes {
            let (Some(path), Some(blob)) = (change.new_path.as_deref(), change.new_id) else {
                continue;
            };
            let Some(&page) = state.get(path) else {
                continue;
            };
            let Some(book_path) = self.book_path(path) else {
                continue;
            };
            let kind = match change.status {
                ChangeStatus::Added => {
                    match self.source(&mut blobs, path, blob, &gone, None, diagnostics) {
                        Some((index, same)) => {
                            let (from_path, _) = gone.remove(index);
                            renamed.push((path.to_owned(), from_path.to_owned(), page));
                            let from = self.book_path(from_path).unwrap_or_default();
                            if same {
                                PageChange::Moved { from }
                            } else {
                                PageChange::MovedAndEdited { from }
                            }
                        }
                        None => {
                            renamed.push((path.to_owned(), String::new(), page));
                            PageChange::Created
                        }
                    }
                }
                ChangeStatus::Modified if !gone.is_empty() && may_be_replaced(path, &gone) => {
                    // A file that disappears may have replaced this one (a move onto a folder's README).
                    let old = change.old_id;
                    match self.source(&mut blobs, path, blob, &gone, old, diagnostics) {
                        Some((index, _)) => {
                            let (from_path, _) = gone.remove(index);
                            renamed.push((path.to_owned(), from_path.to_owned(), page));
                            PageChange::MovedAndEdited {
                                from: self.book_path(from_path).unwrap_or_default(),
                            }
                        }
                        None => PageChange::Edited,
                    }
                }
                ChangeStatus::Modified => PageChange::Edited,
                ChangeStatus::Deleted => continue,
            };
            steps.push((page, blob, book_path, kind));
        }
        for (path, from, page) in renamed {
            state.remove(&path);
            if !from.is_empty() {
                state.insert(from, page);
            }
        }
        steps
    }

    /// Which file that disappears in the commit the page at `path` (now `blob`) comes from, and
    /// whether it is the very same text. With `replaced` (the page's own previous blob), only a
    /// file clearly closer than that previous text counts.
    fn source(
        &self,
        blobs: &mut Blobs<'_>,
        path: &str,
        blob: ObjectId,
        gone: &[(&str, ObjectId)],
        replaced: Option<ObjectId>,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Option<(usize, bool)> {
        // Nothing disappeared in this commit: the page cannot come from elsewhere.
        if gone.is_empty() {
            return None;
        }
        if replaced.is_none() {
            if let Some(index) = gone.iter().position(|(_, id)| *id == blob) {
                return Some((index, true));
            }
        }
        let new_text = blobs.words(blob, path, diagnostics)?;
        let floor = match replaced {
            Some(old) => {
                let old_text = blobs.words(old, path, diagnostics)?;
                let kept = similarity(&new_text, &old_text);
                if kept >= MOVE_SIMILARITY {
                    return None;
                }
                kept + 0.2
            }
            None => 0.0,
        };
        let mut best: Option<(usize, f64)> = None;
        for (index, (old_path, id)) in gone.iter().enumerate() {
            let Some(old_text) = blobs.words(*id, old_path, diagnostics) else {
                continue;
            };
            let score = similarity(&new_text, &old_text);
            let threshold = if same_name(path, old_path) {
                MOVE_SIMILARITY_SAME_NAME
            } else {
                MOVE_SIMILARITY
            };
            if score >= threshold && score >= floor && best.is_none_or(|(_, s)| score > s) {
                best = Some((index, score));
            }
        }
        best.map(|(index, _)| (index, false))
    }

    fn record(
        &mut self,
        page: usize,
        commit: &crate::git::WalkCommit<'_>,
        path: String,
        blob: ObjectId,
        change: PageChange,
    ) {
        if let Some(history) = self.pages.get_mut(page) {
            history.versions.push(PageVersion {
                commit: commit.commit.id.clone(),
                time: commit.commit.time,
                offset_minutes: commit.commit.offset_minutes,
                author: commit.author.clone(),
                path,
                blob: blob.to_string(),
                change,
            });
        }
    }

    /// Takes the versions of the followed paths at a commit from a walk kept from there.
    fn splice(&mut self, state: &State, saved: &SavedWalk) {
        for (path, &page) in state {
            let kept = self
                .book_path(path)
                .and_then(|book_path| saved.history.pages.get(&book_path));
            if let (Some(kept), Some(history)) = (kept, self.pages.get_mut(page)) {
                history.versions.extend(kept.versions.iter().cloned());
            }
        }
        // This commit is counted already.
        self.commits += saved.history.commits.saturating_sub(1);
    }

    fn finish(self) -> History {
        History {
            pages: self.names.into_iter().zip(self.pages).collect(),
            commits: self.commits,
            shallow_boundary: None,
        }
    }
}

/// Whether a page modified in a commit may in fact have been replaced by a file that disappears
/// in it: only a folder's README, or a page named like one of those files (reading every modified
/// page in every commit that deletes a file would cost a walk of all pages dearly).
fn may_be_replaced(path: &str, gone: &[(&str, ObjectId)]) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.eq_ignore_ascii_case("README.md") || gone.iter().any(|(old, _)| same_name(path, old))
}

/// `a/b/x.md` and `c/x.md`, or `x.md` and `x/README.md`: names that say it is the same page.
fn same_name(a: &str, b: &str) -> bool {
    fn stem(path: &str) -> &str {
        let path = path.strip_suffix(".md").unwrap_or(path);
        let path = path
            .strip_suffix("/README")
            .or_else(|| path.strip_suffix("/readme"))
            .unwrap_or(path);
        path.rsplit('/').next().unwrap_or(path)
    }
    let (a, b) = (stem(a), stem(b));
    !a.is_empty() && nfc(a).to_lowercase() == nfc(b).to_lowercase()
}

/// Word counts of blobs read during one commit; missing blobs are reported once.
struct Blobs<'r> {
    repository: &'r Repository,
    words: HashMap<ObjectId, Option<Rc<Words>>>,
}

impl<'r> Blobs<'r> {
    fn new(repository: &'r Repository) -> Self {
        Blobs {
            repository,
            words: HashMap::new(),
        }
    }

    fn words(
        &mut self,
        id: ObjectId,
        path: &str,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Option<Rc<Words>> {
        if let Some(words) = self.words.get(&id) {
            return words.clone();
        }
        let words = match self.repository.read_blob(id) {
            Ok(bytes) => Some(Rc::new(word_counts(&String::from_utf8_lossy(&bytes)))),
            Err(missing) => {
                diagnostics.push(
                    Diagnostic::warning(Code::MissingBlob, format!("object {} is missing ({}), so livret cannot tell whether a page moved from or to here; its older history may not be followed", missing.id, missing.message))
                        .with_help("fetch the missing objects, e.g. `git fetch --refetch` or clone without --filter")
                        .at(path, None, None),
                );
                None
            }
        };
        self.words.insert(id, words.clone());
        words
    }
}

/// A text's words as a sorted multiset of hashes: cheap to build and to compare.
type Words = Vec<u64>;

fn word_counts(text: &str) -> Words {
    let mut words: Words = text
        .split_whitespace()
        .map(|word| {
            // FNV-1a: words only need telling apart, not resisting attacks.
            word.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
                (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
            })
        })
        .collect();
    words.sort_unstable();
    words
}

/// Dice similarity of two word multisets: shared words over all words, 1 for two empty texts.
fn similarity(a: &Words, b: &Words) -> f64 {
    let total = a.len() + b.len();
    if total == 0 {
        return 1.0;
    }
    let (mut i, mut j, mut common) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                common += 1;
                i += 1;
                j += 1;
            }
        }
    }
    (2 * common) as f64 / total as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn similarity_counts_shared_words() {
        let a = word_counts("un deux trois quatre");
        let b = word_counts("un deux trois cinq");
        assert!((similarity(&a, &b) - 0.75).abs() < 1e-9);
        assert_eq!(similarity(&a, &a), 1.0);
        assert_eq!(similarity(&a, &word_counts("six")), 0.0);
    }

    #[test]
    fn names_of_the_same_page() {
        assert!(same_name(
            "content/valeurs.md",
            "content/culture/valeurs.md"
        ));
        assert!(same_name("valeurs.md", "valeurs/README.md"));
        assert!(!same_name("valeurs.md", "outils.md"));
    }
}
