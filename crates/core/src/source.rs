//! A repository opened once at one revision, its tree listed once: what every stage of a build
//! (the book, the history, the assets, past versions) reads from.

use crate::git::{CommitInfo, Repository, TreeEntry};
use crate::history::HistoryOptions;
use crate::{Error, LoadOptions, Loaded};
use livret_model::{Assets, Book, Cache, Diagnostic, History, PageVersions, Settings};
use std::borrow::Cow;

/// The repository and revision a build reads, opened once.
pub struct Source<'c> {
    pub(crate) repository: Repository,
    pub(crate) commit: CommitInfo,
    pub(crate) entries: Vec<TreeEntry>,
    pub(crate) options: LoadOptions,
    /// Results kept across builds (the history walk), when the driver has a cache.
    pub(crate) cache: Option<&'c dyn Cache>,
    /// Told how many commits the history walk has read so far (for a progress bar).
    pub(crate) walked: Option<&'c (dyn Fn(usize) + 'c)>,
}

impl std::fmt::Debug for Source<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Source")
            .field("repository", &self.repository)
            .field("commit", &self.commit.id)
            .field("entries", &self.entries.len())
            .field("cache", &self.cache.is_some())
            .finish()
    }
}

impl<'c> Source<'c> {
    /// Opens the repository, resolves the revision and lists its tree.
    pub fn open(options: &LoadOptions) -> Result<Self, Error> {
        let repository = Repository::open(&options.repository)?;
        let commit = repository.resolve(&options.revision)?;
        let entries = repository.tree_entries(&commit.id)?;
        Ok(Source {
            repository,
            commit,
            entries,
            options: options.clone(),
            cache: None,
            walked: None,
        })
    }

    /// Keeps the history walk in `cache`, so that the next build only walks the new commits.
    pub fn with_cache(mut self, cache: &'c dyn Cache) -> Self {
        self.cache = Some(cache);
        self
    }

    /// Calls `walked` with the number of commits read so far, as the history walk goes.
    pub fn with_walk_progress(mut self, walked: &'c (dyn Fn(usize) + 'c)) -> Self {
        self.walked = Some(walked);
        self
    }

    /// Reads and parses the book at the revision.
    pub fn load(&self) -> Result<Loaded, Error> {
        crate::load::load_from(self)
    }

    /// The history of the chosen pages of `book` (a book read from this source).
    pub fn history(
        &self,
        book: &Book,
        walk: &HistoryOptions,
    ) -> Result<(History, Vec<Diagnostic>), Error> {
        crate::history::walk(self, book, walk)
    }

    /// The bytes of the book's assets and of the configured font.
    pub fn assets(
        &self,
        book: &Book,
        settings: &Settings,
    ) -> Result<(Assets, Vec<Diagnostic>), Error> {
        crate::assets::read(self, book, settings)
    }

    /// Every distinct past version of `pages`, parsed once.
    pub fn versions(
        &self,
        book: &Book,
        history: &History,
        pages: &[String],
    ) -> Result<(PageVersions, Vec<Diagnostic>), Error> {
        crate::versions::parse(self, book, history, pages)
    }

    /// The tree of `commit_id`: the listing made at opening when it is the source's revision.
    pub(crate) fn entries_at(&self, commit_id: &str) -> Result<Cow<'_, [TreeEntry]>, Error> {
        if commit_id == self.commit.id {
            Ok(Cow::Borrowed(&self.entries))
        } else {
            Ok(Cow::Owned(self.repository.tree_entries(commit_id)?))
        }
    }
}
