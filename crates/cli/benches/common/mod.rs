//! What the bench suite and the acceptance suite share: a scratch clone of any repository (a
//! folder or a Git bundle), livret's builds on it (cold, per format, first and second with the
//! cache after a one-page commit), the Git floors, and the peers (pandoc, pandoc + WeasyPrint)
//! on the same pages in SUMMARY order.

#![allow(dead_code, reason = "each bench uses its own part of this module")]

use livret_handbook_gen::bench::{best_of, measure, target_dir, Measure};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

pub const LIVRET: &str = env!("CARGO_BIN_EXE_livret");

pub type Result<T> = std::result::Result<T, String>;

/// The formats livret builds, each measured on its own.
pub const FORMATS: [&str; 4] = ["epub", "pdf", "json", "changelog"];

/// A peer that gets longer than this is stopped (and the run fails): nothing hangs.
const PEER_TIMEOUT_SECONDS: u32 = 1800;

/// A repository prepared for measuring: a scratch clone in `work/clone`, at `base`.
#[derive(Debug)]
pub struct Prepared {
    pub name: String,
    pub work: PathBuf,
    pub clone: PathBuf,
    /// The commit measured (the source's HEAD); the one-page commit goes on top of it.
    pub base: String,
    /// Folder of the book in the repository, as livret found it (`""` at the root).
    pub root: String,
    pub title: String,
    /// The book's pages in reading order, relative to `root`.
    pub pages: Vec<String>,
}

/// The name a repository is reported under: its file or folder name without `.git` or `.bundle`.
pub fn repository_name(source: &Path) -> String {
    let name = source
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "repository".to_owned());
    let name = name
        .strip_suffix(".bundle")
        .or_else(|| name.strip_suffix(".git"))
        .unwrap_or(&name);
    name.to_owned()
}

/// Clones `source` (a work tree, a bare repository or a bundle) into `work/clone`, which is
/// emptied first; livret never writes to `source`.
pub fn prepare(source: &Path, work: &Path) -> Result<Prepared> {
    let source = source
        .canonicalize()
        .map_err(|e| format!("{}: {e}", source.display()))?;
    let _ = std::fs::remove_dir_all(work);
    std::fs::create_dir_all(work).map_err(|e| format!("{}: {e}", work.display()))?;
    let clone = work.join("clone");
    let mut args = vec!["clone", "--quiet"];
    // A folder's objects are borrowed, not copied; a bundle is unpacked.
    if source.is_dir() {
        args.push("--shared");
    }
    let (source_arg, clone_arg) = (source.display().to_string(), clone.display().to_string());
    args.extend([source_arg.as_str(), clone_arg.as_str()]);
    git(work, &args)?;
    let base = git(&clone, &["rev-parse", "HEAD"])?.trim().to_owned();
    let loaded = livret_core::load(&livret_core::LoadOptions {
        repository: clone.clone(),
        revision: base.clone(),
        root: None,
    })
    .map_err(|e| format!("livret could not read {}: {e}", source.display()))?;
    Ok(Prepared {
        name: repository_name(&source),
        work: work.to_owned(),
        clone,
        base,
        root: loaded.book.meta.root.clone(),
        title: loaded.book.meta.title.clone(),
        pages: loaded.book.pages.iter().map(|p| p.path.clone()).collect(),
    })
}

/// `livret build -q` of every format (or those of `format`); without a cache folder, with
/// `--no-cache`.
pub fn livret(
    repo: &Path,
    rev: &str,
    out: &Path,
    cache: Option<&Path>,
    format: Option<&str>,
) -> Command {
    let mut command = Command::new(LIVRET);
    command
        .args(["build", "-q", "--rev", rev, "--repo"])
        .arg(repo)
        .arg("--out")
        .arg(out);
    match cache {
        Some(dir) => command.arg("--cache-dir").arg(dir),
        None => command.arg("--no-cache"),
    };
    if let Some(format) = format {
        command.args(["--format", format]);
    }
    command
}

pub fn shell(dir: &Path, script: &str) -> Command {
    let mut command = Command::new("sh");
    command.args(["-c", script]).current_dir(dir);
    command
}

pub fn git(dir: &Path, args: &[&str]) -> Result<String> {
    let output = Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .map_err(|e| format!("git {args:?}: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "git {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// The Git floors: `git cat-file --batch` of every page version in the history, and
/// `git log -M --name-status` of the pages.
#[derive(Debug, Clone, Copy)]
pub struct Floors {
    pub cat_file: Measure,
    pub git_log: Measure,
}

pub fn floors(prepared: &Prepared) -> Result<Floors> {
    let listing = git(&prepared.clone, &["rev-list", "--objects", &prepared.base])?;
    let ids: String = listing
        .lines()
        .filter(|line| line.ends_with(".md"))
        .filter_map(|line| line.split_whitespace().next())
        .map(|id| format!("{id}\n"))
        .collect();
    let ids_file = prepared.work.join("page-versions.txt");
    std::fs::write(&ids_file, ids).map_err(|e| e.to_string())?;
    let script = format!("git cat-file --batch < '{}'", ids_file.display());
    let cat_file = best_of(5, &shell(&prepared.clone, &script), || Ok(()))?;
    let log = format!("git log -M --name-status {} -- '*.md'", prepared.base);
    let git_log = best_of(3, &shell(&prepared.clone, &log), || Ok(()))?;
    Ok(Floors { cat_file, git_log })
}

/// Whole builds of every format: without cache, with an empty cache, and the second build after
/// a one-page commit with the cache of a build of the commit before.
#[derive(Debug, Clone, Copy)]
pub struct Builds {
    pub cold: Measure,
    pub first: Measure,
    pub second: Measure,
}

impl Prepared {
    /// Where a build's outputs go: `work/out-NAME`.
    pub fn out(&self, name: &str) -> PathBuf {
        self.work.join(format!("out-{name}"))
    }

    /// The page the one-page commit changes: the middle one in reading order.
    pub fn changed_page(&self) -> Result<String> {
        let page = self
            .pages
            .iter()
            .filter(|p| !p.ends_with("SUMMARY.md"))
            .nth(self.pages.len() / 2)
            .ok_or("the book has no page to change")?;
        Ok(match self.root.trim_matches('/') {
            "" => page.clone(),
            root => format!("{root}/{page}"),
        })
    }

    /// Measures the whole builds, best of `runs`; leaves the clone at the one-page commit, whose
    /// warm outputs are in `out("second")`. Outputs of the cold build are in `out("cold")`.
    pub fn builds(&self, runs: usize) -> Result<Builds> {
        let clone = &self.clone;
        let cold = best_of(
            runs,
            &livret(clone, &self.base, &self.out("cold"), None, None),
            || Ok(()),
        )?;
        let fresh = self.work.join("cache-fresh");
        let first = best_of(
            runs,
            &livret(clone, &self.base, &self.out("first"), Some(&fresh), None),
            || {
                let _ = std::fs::remove_dir_all(&fresh);
                Ok(())
            },
        )?;
        // The cache `first` left is the one of a build of the commit before the change.
        self.commit_one_page_change()?;
        let saved = std::fs::read(fresh.join("cache.bin")).map_err(|e| e.to_string())?;
        let second = best_of(
            runs,
            &livret(clone, "HEAD", &self.out("second"), Some(&fresh), None),
            || std::fs::write(fresh.join("cache.bin"), &saved).map_err(|e| e.to_string()),
        )?;
        Ok(Builds {
            cold,
            first,
            second,
        })
    }

    /// One format alone, without cache, at `base`; best of `runs`.
    pub fn format(&self, format: &str, runs: usize) -> Result<Measure> {
        let out = self.out(format);
        let command = livret(&self.clone, &self.base, &out, None, Some(format));
        best_of(runs, &command, || Ok(()))
    }

    /// Adds a paragraph to one page and commits it on top of `base`, at a pinned date.
    fn commit_one_page_change(&self) -> Result<()> {
        let page = self.changed_page()?;
        let path = self.clone.join(&page);
        let mut text = std::fs::read_to_string(&path).map_err(|e| format!("{page}: {e}"))?;
        text.push_str("\nUn paragraphe ajouté pour mesurer une seconde construction.\n");
        std::fs::write(&path, text).map_err(|e| e.to_string())?;
        let status = Command::new("git")
            .args([
                "-c",
                "user.name=Bench",
                "-c",
                "user.email=bench@example.org",
                "commit",
                "--quiet",
                "--no-verify",
                "--message",
                "One page changed",
                "--",
                &page,
            ])
            .env("GIT_AUTHOR_DATE", "2030-01-01T00:00:00Z")
            .env("GIT_COMMITTER_DATE", "2030-01-01T00:00:00Z")
            .current_dir(&self.clone)
            .stdout(Stdio::null())
            .status()
            .map_err(|e| e.to_string())?;
        if !status.success() {
            return Err(format!("committing the change to {page} failed"));
        }
        Ok(())
    }

    /// The files of `base` in `work/files`, for the peers; returns the book's folder there.
    fn extract(&self) -> Result<PathBuf> {
        let files = self.work.join("files");
        if !files.exists() {
            std::fs::create_dir_all(&files).map_err(|e| e.to_string())?;
            let script = format!(
                "git archive {} | tar -x -C '{}'",
                self.base,
                files.display()
            );
            let status = shell(&self.clone, &script)
                .status()
                .map_err(|e| e.to_string())?;
            if !status.success() {
                return Err("could not extract the handbook's files".to_owned());
            }
        }
        Ok(files.join(&self.root))
    }

    /// pandoc (or pandoc with a PDF engine) on the book's pages in reading order, in the files of
    /// `base`; relative images are looked up from every page's folder.
    fn pandoc(&self, args: &[&str], output: &Path) -> Result<Command> {
        let book = self.extract()?;
        let mut folders: Vec<String> = self
            .pages
            .iter()
            .map(|p| match Path::new(p).parent() {
                Some(parent) if !parent.as_os_str().is_empty() => parent.display().to_string(),
                _ => ".".to_owned(),
            })
            .collect();
        folders.sort();
        folders.dedup();
        let mut command = Command::new("timeout");
        command
            .arg(PEER_TIMEOUT_SECONDS.to_string())
            .arg("pandoc")
            .args(args)
            .arg("--metadata")
            .arg(format!("title={}", self.title))
            .arg(format!("--resource-path={}", folders.join(":")))
            .arg("-o")
            .arg(output)
            .args(&self.pages)
            .current_dir(book);
        Ok(command)
    }

    /// pandoc's EPUB 3 of the same pages, measured once.
    pub fn pandoc_epub(&self) -> Result<Measure> {
        let output = self.work.join("pandoc.epub");
        measure(&self.pandoc(&["--quiet", "-f", "gfm", "-t", "epub3"], &output)?)
    }

    /// pandoc + WeasyPrint (the `weasyprint` program given) PDF of the same pages, measured once.
    pub fn pandoc_weasyprint(&self, weasyprint: &Path) -> Result<Measure> {
        let output = self.work.join("pandoc.pdf");
        let engine = format!("--pdf-engine={}", weasyprint.display());
        measure(&self.pandoc(&["--quiet", "-f", "gfm", "--toc", &engine], &output)?)
    }
}

/// Debian's WeasyPrint, and the current release from PyPI that `.ci/install-peers` puts in
/// `target/peers/venv` (it writes tagged PDF), when it is there.
pub fn weasyprints() -> Vec<(String, PathBuf)> {
    let mut found = vec![(
        "WeasyPrint (Debian)".to_owned(),
        PathBuf::from("weasyprint"),
    )];
    let pypi = target_dir().join("peers/venv/bin/weasyprint");
    if pypi.exists() {
        let version = Command::new(&pypi)
            .arg("--version")
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
            .unwrap_or_default();
        let version = version.rsplit(' ').next().unwrap_or("PyPI").to_owned();
        found.push((format!("WeasyPrint {version} (PyPI)"), pypi));
    }
    found
}
