//! Everything livret asks of Git, through git2. No git2 type leaves this module.

use crate::Error;
use std::fmt;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

/// A blob or tree id, independent of git2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObjectId([u8; 20]);

impl fmt::Display for ObjectId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for byte in self.0 {
            write!(f, "{byte:02x}")?;
        }
        Ok(())
    }
}

impl ObjectId {
    fn from_oid(oid: git2::Oid) -> Self {
        let mut bytes = [0u8; 20];
        let raw = oid.as_bytes();
        let len = raw.len().min(20);
        bytes[..len].copy_from_slice(&raw[..len]);
        ObjectId(bytes)
    }

    fn to_oid(self) -> Option<git2::Oid> {
        git2::Oid::from_bytes(&self.0).ok()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    File,
    Symlink,
    Submodule,
}

/// One entry of a commit's tree, with its full path in the repository.
#[derive(Debug, Clone)]
pub struct TreeEntry {
    pub path: String,
    pub id: ObjectId,
    pub kind: EntryKind,
    /// True when the path in Git was not valid UTF-8 and was repaired lossily.
    pub lossy_path: bool,
}

#[derive(Debug, Clone)]
pub struct CommitInfo {
    pub id: String,
    pub time: i64,
    pub offset_minutes: i32,
}

/// How a file changed between a commit and its first parent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeStatus {
    Added,
    Deleted,
    Modified,
}

/// One changed file; `old_*` are absent for additions, `new_*` for deletions.
#[derive(Debug, Clone)]
pub struct FileChange {
    pub status: ChangeStatus,
    pub old_path: Option<String>,
    pub new_path: Option<String>,
    pub old_id: Option<ObjectId>,
    pub new_id: Option<ObjectId>,
}

/// Which commits a history walk visits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum WalkMode {
    /// The first-parent chain of the start commit, as `git log --first-parent`.
    #[default]
    FirstParent,
    /// Every commit reachable from the start, children before parents, as `git log --topo-order`.
    AllCommits,
}

/// Which files a commit's changes are computed for.
#[derive(Debug, Clone, Copy)]
pub enum DiffScope<'a> {
    /// Every file under a folder (`""` for the whole repository).
    Folder(&'a str),
    /// Only these files, by their full path in the repository as Git stores it.
    Paths(&'a [String]),
}

/// One commit met by a history walk. Its changes against its first parent are computed on demand,
/// for the files the caller asks about, without Git's rename detection (callers follow moves).
pub struct WalkCommit<'r> {
    pub commit: CommitInfo,
    /// Author name only: e-mail addresses are personal data and never leave this module.
    pub author: String,
    /// The parents the walk goes on to (only the first one in first-parent mode).
    pub parents: Vec<String>,
    /// How many parents the commit has in the repository (more than one for a merge).
    pub parent_count: usize,
    repo: &'r Repository,
    tree: git2::Tree<'r>,
    parent_tree: Option<git2::Tree<'r>>,
}

impl fmt::Debug for WalkCommit<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WalkCommit")
            .field("commit", &self.commit.id)
            .field("parents", &self.parents)
            .finish()
    }
}

impl WalkCommit<'_> {
    /// The files of `scope` that differ between the commit's first parent (or nothing, for a root
    /// commit) and the commit itself.
    pub fn changes(&self, scope: DiffScope<'_>) -> Result<Vec<FileChange>, Error> {
        let folder = match scope {
            DiffScope::Folder(folder) => folder,
            // A few files: compare their entries in both trees, without walking the rest.
            DiffScope::Paths(paths) => {
                let blob = |tree: Option<&git2::Tree<'_>>, path: &str| {
                    let entry = tree?.get_path(Path::new(path)).ok()?;
                    (entry.kind() == Some(git2::ObjectType::Blob))
                        .then(|| ObjectId::from_oid(entry.id()))
                };
                let mut changes = Vec::new();
                for path in paths {
                    let old = blob(self.parent_tree.as_ref(), path);
                    let new = blob(Some(&self.tree), path);
                    if let Some(change) = FileChange::between(path, old, new) {
                        changes.push(change);
                    }
                }
                return Ok(changes);
            }
        };
        let repo = &self.repo.repo;
        let subtree = |tree: Option<&git2::Tree<'_>>| -> Option<git2::Oid> {
            let tree = tree?;
            if folder.is_empty() {
                return Some(tree.id());
            }
            tree.get_path(Path::new(folder))
                .ok()
                .map(|entry| entry.id())
        };
        let subtree = |tree| subtree(tree).and_then(|id| repo.find_tree(id).ok());
        let old = subtree(self.parent_tree.as_ref());
        let new = subtree(Some(&self.tree));
        let prefix = if folder.is_empty() {
            String::new()
        } else {
            format!("{folder}/")
        };
        let mut changes = Vec::new();
        compare_trees(repo, old.as_ref(), new.as_ref(), &prefix, &mut changes)
            .map_err(|e| git_error(&self.repo.path, e))?;
        Ok(changes)
    }
}

impl FileChange {
    /// The change from `old` to `new` at one path, if there is one.
    fn between(path: &str, old: Option<ObjectId>, new: Option<ObjectId>) -> Option<FileChange> {
        let status = match (old, new) {
            (None, Some(_)) => ChangeStatus::Added,
            (Some(_), None) => ChangeStatus::Deleted,
            (Some(a), Some(b)) if a != b => ChangeStatus::Modified,
            _ => return None,
        };
        Some(FileChange {
            status,
            old_path: old.map(|_| path.to_owned()),
            new_path: new.map(|_| path.to_owned()),
            old_id: old,
            new_id: new,
        })
    }
}

/// Git's order of tree entries: by name, a folder's name followed by `/`.
fn git_order(a: &[u8], a_tree: bool, b: &[u8], b_tree: bool) -> std::cmp::Ordering {
    let common = a.len().min(b.len());
    let end = |name: &[u8], tree: bool| {
        name.get(common)
            .copied()
            .unwrap_or(if tree { b'/' } else { 0 })
    };
    a[..common]
        .cmp(&b[..common])
        .then_with(|| end(a, a_tree).cmp(&end(b, b_tree)))
}

/// The files that differ between two trees. Subtrees with the same id are skipped without being
/// read, so a commit that changes one page costs a few tree reads (libgit2's diff costs 4x more).
fn compare_trees(
    repo: &git2::Repository,
    old: Option<&git2::Tree<'_>>,
    new: Option<&git2::Tree<'_>>,
    prefix: &str,
    out: &mut Vec<FileChange>,
) -> Result<(), git2::Error> {
    // Both trees are sorted in Git's order, so one merge pass pairs their entries.
    let entries = |tree: Option<&git2::Tree<'_>>| -> Vec<(Vec<u8>, git2::Oid, bool)> {
        tree.map(|tree| {
            tree.iter()
                .filter_map(|entry| {
                    let is_tree = match entry.kind() {
                        Some(git2::ObjectType::Tree) => true,
                        Some(git2::ObjectType::Blob) => false,
                        _ => return None,
                    };
                    Some((entry.name_bytes().to_vec(), entry.id(), is_tree))
                })
                .collect()
        })
        .unwrap_or_default()
    };
    let (old_entries, new_entries) = (entries(old), entries(new));
    let (mut i, mut j) = (0, 0);
    while i < old_entries.len() || j < new_entries.len() {
        let order = match (old_entries.get(i), new_entries.get(j)) {
            (Some(a), Some(b)) => git_order(&a.0, a.2, &b.0, b.2),
            (Some(_), None) => std::cmp::Ordering::Less,
            _ => std::cmp::Ordering::Greater,
        };
        let (before, after) = match order {
            std::cmp::Ordering::Less => {
                i += 1;
                (old_entries.get(i - 1), None)
            }
            std::cmp::Ordering::Greater => {
                j += 1;
                (None, new_entries.get(j - 1))
            }
            std::cmp::Ordering::Equal => {
                i += 1;
                j += 1;
                (old_entries.get(i - 1), new_entries.get(j - 1))
            }
        };
        if let (Some(a), Some(b)) = (before, after) {
            if a.1 == b.1 {
                continue;
            }
        }
        let Some(name) = before
            .or(after)
            .map(|entry| String::from_utf8_lossy(&entry.0))
        else {
            break;
        };
        let path = format!("{prefix}{name}");
        let tree = |entry: Option<&(Vec<u8>, git2::Oid, bool)>| match entry {
            Some((_, id, true)) => repo.find_tree(*id).map(Some),
            _ => Ok(None),
        };
        let (old_tree, new_tree) = (tree(before)?, tree(after)?);
        if old_tree.is_some() || new_tree.is_some() {
            compare_trees(
                repo,
                old_tree.as_ref(),
                new_tree.as_ref(),
                &format!("{path}/"),
                out,
            )?;
        }
        let blob = |entry: Option<&(Vec<u8>, git2::Oid, bool)>| match entry {
            Some((_, id, false)) => Some(ObjectId::from_oid(*id)),
            _ => None,
        };
        out.extend(FileChange::between(&path, blob(before), blob(after)));
    }
    Ok(())
}

/// Where a walk of the history stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HistoryEnd {
    /// The first commit of the repository.
    Root,
    /// A shallow clone's boundary: older history was not fetched.
    Shallow { commit: String },
}

/// A blob that could not be read, most often because a partial clone never fetched it.
#[derive(Debug, Clone)]
pub struct MissingBlob {
    pub id: ObjectId,
    pub message: String,
}

/// A repository opened read-only.
pub struct Repository {
    repo: git2::Repository,
    path: PathBuf,
}

impl fmt::Debug for Repository {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Repository")
            .field("path", &self.path)
            .finish()
    }
}

impl Repository {
    /// Opens the repository holding `path` (a work tree, a folder inside one, or a bare repository).
    pub fn open(path: &Path) -> Result<Self, Error> {
        skip_hash_verification();
        let flags = git2::RepositoryOpenFlags::empty();
        let repo = git2::Repository::open_ext(path, flags, std::iter::empty::<&std::ffi::OsStr>())
            .map_err(|error| match error.code() {
                git2::ErrorCode::NotFound => Error::NotARepository {
                    path: path.to_owned(),
                },
                git2::ErrorCode::Owner => Error::NotOwned {
                    path: path.to_owned(),
                },
                _ => git_error(path, error),
            })?;
        Ok(Repository {
            repo,
            path: path.to_owned(),
        })
    }

    pub fn is_shallow(&self) -> bool {
        self.repo.is_shallow()
    }

    /// Resolves any revision expression Git understands to a commit.
    pub fn resolve(&self, revision: &str) -> Result<CommitInfo, Error> {
        let commit = self.commit(revision)?;
        let time = commit.committer().when();
        Ok(CommitInfo {
            id: commit.id().to_string(),
            time: time.seconds(),
            offset_minutes: time.offset_minutes(),
        })
    }

    fn commit(&self, revision: &str) -> Result<git2::Commit<'_>, Error> {
        let unknown = || Error::UnknownRevision {
            revision: revision.to_owned(),
            path: self.path.clone(),
        };
        let object = self.repo.revparse_single(revision).map_err(|_| {
            // No reference at all, whatever the default branch is called: nothing was committed yet.
            let no_references = self
                .repo
                .references()
                .map(|mut refs| refs.next().is_none())
                .unwrap_or(false);
            if no_references {
                Error::EmptyRepository {
                    path: self.path.clone(),
                }
            } else {
                unknown()
            }
        })?;
        object.peel_to_commit().map_err(|_| unknown())
    }

    /// Every file of the commit's tree, depth first in Git's order (sorted by name).
    pub fn tree_entries(&self, commit_id: &str) -> Result<Vec<TreeEntry>, Error> {
        let commit = self.commit(commit_id)?;
        let tree = commit
            .tree()
            .map_err(|error| git_error(&self.path, error))?;
        let mut entries = Vec::new();
        tree.walk(git2::TreeWalkMode::PreOrder, |dir, entry| {
            let kind = match (entry.kind(), entry.filemode()) {
                (Some(git2::ObjectType::Blob), 0o120000) => EntryKind::Symlink,
                (Some(git2::ObjectType::Blob), _) => EntryKind::File,
                (Some(git2::ObjectType::Commit), _) => EntryKind::Submodule,
                _ => return git2::TreeWalkResult::Ok,
            };
            let name = String::from_utf8_lossy(entry.name_bytes());
            let lossy_path = std::str::from_utf8(entry.name_bytes()).is_err();
            entries.push(TreeEntry {
                path: format!("{dir}{name}"),
                id: ObjectId::from_oid(entry.id()),
                kind,
                lossy_path,
            });
            git2::TreeWalkResult::Ok
        })
        .map_err(|error| git_error(&self.path, error))?;
        Ok(entries)
    }

    /// The size of a blob, without reading it; `None` when it is missing.
    pub fn blob_size(&self, id: ObjectId) -> Option<u64> {
        let odb = self.repo.odb().ok()?;
        let (size, _) = odb.read_header(id.to_oid()?).ok()?;
        Some(size as u64)
    }

    /// Walks the history from `commit_id`, newest first (children before parents), calling
    /// `visit` for each commit; `visit` asks each commit for the changes it needs, and may stop
    /// the walk.
    pub fn walk_history(
        &self,
        commit_id: &str,
        mode: WalkMode,
        mut visit: impl FnMut(&WalkCommit<'_>) -> Result<ControlFlow<()>, Error>,
    ) -> Result<HistoryEnd, Error> {
        skip_hash_verification();
        let start = self.commit(commit_id)?;
        let shallow = self.repo.is_shallow();
        let mut end = HistoryEnd::Root;
        match mode {
            WalkMode::FirstParent => {
                // Each tree is read once: a commit's parent tree is the next commit's tree.
                let start_tree = start.tree().map_err(|e| git_error(&self.path, e))?;
                let mut next = Some((start.clone(), start_tree));
                while let Some((commit, commit_tree)) = next {
                    next = match self.walk_step(
                        &commit,
                        commit_tree,
                        mode,
                        shallow,
                        &mut end,
                        &mut visit,
                    )? {
                        ControlFlow::Continue(next) => next,
                        ControlFlow::Break(()) => None,
                    };
                }
            }
            WalkMode::AllCommits => {
                let mut walk = self.repo.revwalk().map_err(|e| git_error(&self.path, e))?;
                walk.set_sorting(git2::Sort::TOPOLOGICAL | git2::Sort::TIME)
                    .map_err(|e| git_error(&self.path, e))?;
                walk.push(start.id())
                    .map_err(|e| git_error(&self.path, e))?;
                for id in walk {
                    let id = id.map_err(|e| git_error(&self.path, e))?;
                    let commit = self
                        .repo
                        .find_commit(id)
                        .map_err(|e| git_error(&self.path, e))?;
                    let commit_tree = commit.tree().map_err(|e| git_error(&self.path, e))?;
                    let step =
                        self.walk_step(&commit, commit_tree, mode, shallow, &mut end, &mut visit)?;
                    if step.is_break() {
                        break;
                    }
                }
            }
        }
        Ok(end)
    }

    /// Visits one commit of a walk; returns its first parent and that parent's tree.
    fn walk_step<'r>(
        &'r self,
        commit: &git2::Commit<'r>,
        tree: git2::Tree<'r>,
        mode: WalkMode,
        shallow: bool,
        end: &mut HistoryEnd,
        visit: &mut impl FnMut(&WalkCommit<'_>) -> Result<ControlFlow<()>, Error>,
    ) -> Result<ControlFlow<(), Option<(git2::Commit<'r>, git2::Tree<'r>)>>, Error> {
        let parent = commit.parent(0).ok();
        if parent.is_none() && shallow && *end == HistoryEnd::Root {
            *end = HistoryEnd::Shallow {
                commit: commit.id().to_string(),
            };
        }
        let parent_tree = match &parent {
            Some(parent) => Some(parent.tree().map_err(|e| git_error(&self.path, e))?),
            None => None,
        };
        let parents = match (mode, &parent) {
            (_, None) => Vec::new(),
            (WalkMode::FirstParent, Some(parent)) => vec![parent.id().to_string()],
            (WalkMode::AllCommits, Some(_)) => {
                commit.parent_ids().map(|id| id.to_string()).collect()
            }
        };
        let time = commit.committer().when();
        let walked = WalkCommit {
            commit: CommitInfo {
                id: commit.id().to_string(),
                time: time.seconds(),
                offset_minutes: time.offset_minutes(),
            },
            author: String::from_utf8_lossy(commit.author().name_bytes()).into_owned(),
            parents,
            parent_count: commit.parent_count(),
            repo: self,
            tree,
            parent_tree: parent_tree.clone(),
        };
        Ok(visit(&walked)?.map_continue(|()| parent.zip(parent_tree)))
    }

    /// The bytes of a page version met by a history walk, by its blob id in hex.
    pub fn read_version(&self, blob: &str) -> Result<Vec<u8>, MissingBlob> {
        skip_hash_verification();
        match git2::Oid::from_str(blob) {
            Ok(oid) => self.read_blob(ObjectId::from_oid(oid)),
            Err(error) => Err(MissingBlob {
                id: ObjectId([0; 20]),
                message: format!("`{blob}` is not an object id: {}", error.message()),
            }),
        }
    }

    /// The bytes of a blob, or why they are not there.
    pub fn read_blob(&self, id: ObjectId) -> Result<Vec<u8>, MissingBlob> {
        let missing = |message: String| MissingBlob { id, message };
        let oid = id
            .to_oid()
            .ok_or_else(|| missing("invalid object id".to_owned()))?;
        let blob = self
            .repo
            .find_blob(oid)
            .map_err(|error| missing(error.message().to_owned()))?;
        Ok(blob.content().to_vec())
    }
}

/// A build reads thousands of objects: libgit2 would hash each one again (with SHA-1 collision
/// detection) to check it matches its id, which `git log` and `git cat-file` do not do. The
/// option is process-wide; livret only ever reads.
fn skip_hash_verification() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| git2::opts::strict_hash_verification(false));
}

fn git_error(path: &Path, source: git2::Error) -> Error {
    Error::Git {
        path: path.to_owned(),
        source,
    }
}
