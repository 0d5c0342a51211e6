//! Everything livret asks of Git, through git2. No git2 type leaves this module.

use crate::Error;
use std::fmt;
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
        let flags = git2::RepositoryOpenFlags::empty();
        let repo = git2::Repository::open_ext(path, flags, std::iter::empty::<&std::ffi::OsStr>())
            .map_err(|error| match error.code() {
                git2::ErrorCode::NotFound => Error::NotARepository {
                    path: path.to_owned(),
                },
                git2::ErrorCode::Owner => Error::NotOwned {
                    path: path.to_owned(),
                },
                _ => git_error(path, &error),
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
        if self.repo.head().is_err() && self.repo.is_empty().unwrap_or(false) {
            return Err(Error::EmptyRepository {
                path: self.path.clone(),
            });
        }
        let unknown = || Error::UnknownRevision {
            revision: revision.to_owned(),
            path: self.path.clone(),
        };
        let object = self.repo.revparse_single(revision).map_err(|_| unknown())?;
        object.peel_to_commit().map_err(|_| unknown())
    }

    /// Every file of the commit's tree, depth first in Git's order (sorted by name).
    pub fn tree_entries(&self, commit_id: &str) -> Result<Vec<TreeEntry>, Error> {
        let commit = self.commit(commit_id)?;
        let tree = commit
            .tree()
            .map_err(|error| git_error(&self.path, &error))?;
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
        .map_err(|error| git_error(&self.path, &error))?;
        Ok(entries)
    }

    /// The size of a blob, without reading it; `None` when it is missing.
    pub fn blob_size(&self, id: ObjectId) -> Option<u64> {
        let odb = self.repo.odb().ok()?;
        let (size, _) = odb.read_header(id.to_oid()?).ok()?;
        Some(size as u64)
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

fn git_error(path: &Path, error: &git2::Error) -> Error {
    Error::Git {
        path: path.to_owned(),
        message: error.message().to_owned(),
    }
}
