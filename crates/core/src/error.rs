use std::path::PathBuf;

/// Why livret could not read a book at all. Problems inside the book are diagnostics, not errors.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path} is not inside a Git repository; run livret in a clone of the handbook or pass --repo PATH")]
    NotARepository { path: PathBuf },
    #[error("{path} is owned by another user, so Git refuses to read it; if you trust it, run `git config --global --add safe.directory {path}`")]
    NotOwned { path: PathBuf },
    #[error("the repository at {path} has no commits yet; commit the handbook first")]
    EmptyRepository { path: PathBuf },
    #[error("unknown revision `{revision}` in {path}; give a branch, a tag, a commit id or an expression such as HEAD~3 (see `git log --oneline`)")]
    UnknownRevision { revision: String, path: PathBuf },
    #[error("the book folder `{root}` does not exist at revision {revision}; check --root, `root:` in livret.yaml or .gitbook.yaml")]
    MissingRoot { root: String, revision: String },
    #[error("could not read the repository at {path}: {}", source.message())]
    Git { path: PathBuf, source: git2::Error },
}
