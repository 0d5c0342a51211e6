//! Helpers for livret's integration tests: fixture repositories with pinned dates, the real binary, and model walkers.

use git2::build::TreeUpdateBuilder;
use git2::{FileMode, Oid, Repository, RepositoryInitOptions, Signature, Time};
use livret_core::{load, LoadOptions, Loaded};
use livret_model::{plain_text, Book, Diagnostic, Page, XRef};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// A commit time used by many tests: 2024-03-01 09:00:00 UTC.
pub const T0: i64 = 1_709_283_600;
/// One day, in seconds.
pub const DAY: i64 = 86_400;

/// One change of a commit: a file, symbolic link or submodule written (created or replaced), or deleted.
#[derive(Debug, Clone)]
pub struct Change {
    pub path: String,
    /// `None` deletes the entry.
    pub content: Option<Vec<u8>>,
    /// `Blob` for a file; `Link` for a symbolic link (`content` is its target); `Commit` for a
    /// submodule (`content` is the commit id in hex, which the repository does not hold).
    pub mode: FileMode,
}

/// Writes `content` at `path` in the next commit.
pub fn file(path: &str, content: impl AsRef<[u8]>) -> Change {
    Change {
        path: path.to_owned(),
        content: Some(content.as_ref().to_vec()),
        mode: FileMode::Blob,
    }
}

/// A symbolic link at `path` pointing at `target` (mode 120000), as `git add` stores one.
pub fn symlink(path: &str, target: &str) -> Change {
    Change {
        path: path.to_owned(),
        content: Some(target.as_bytes().to_vec()),
        mode: FileMode::Link,
    }
}

/// A submodule at `path` checked out at `commit` (a gitlink, mode 160000); add `.gitmodules` yourself.
pub fn submodule(path: &str, commit: &str) -> Change {
    Change {
        path: path.to_owned(),
        content: Some(commit.as_bytes().to_vec()),
        mode: FileMode::Commit,
    }
}

/// Deletes `path` in the next commit.
pub fn deleted(path: &str) -> Change {
    Change {
        path: path.to_owned(),
        content: None,
        mode: FileMode::Blob,
    }
}

/// A Git repository in a temporary folder whose commits are built in memory, with pinned dates.
///
/// The work tree is never updated by [`Fixture::commit`]: commits only exist in the object
/// database, so a test can put something else in the work tree to prove livret ignores it.
pub struct Fixture {
    dir: tempfile::TempDir,
    repo: Repository,
}

impl std::fmt::Debug for Fixture {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fixture")
            .field("path", &self.dir.path())
            .finish()
    }
}

impl Default for Fixture {
    fn default() -> Self {
        Self::new()
    }
}

impl Fixture {
    /// An empty, non-bare repository whose first branch is `main`.
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("temporary folder");
        let repo = Repository::init_opts(
            dir.path(),
            RepositoryInitOptions::new().initial_head("main"),
        )
        .expect("git init");
        Fixture { dir, repo }
    }

    /// A fixture whose first commit (at `time`) holds `files`.
    pub fn with(files: &[Change], time: i64) -> Self {
        let fixture = Self::new();
        fixture.commit(files, "initial", time);
        fixture
    }

    /// The work tree (the folder holding `.git`).
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The `.git` folder.
    pub fn git_dir(&self) -> PathBuf {
        self.repo.path().to_owned()
    }

    pub fn repo(&self) -> &Repository {
        &self.repo
    }

    /// Commits the changes on top of HEAD (or as the first commit), authored and committed by
    /// `Test <test@example.org>` at `time` (UTC); moves the current branch; returns the commit id.
    pub fn commit(&self, changes: &[Change], message: &str, time: i64) -> Oid {
        self.commit_as("Test", changes, message, time)
    }

    /// Like [`Fixture::commit`], authored by `name <name@example.org>`.
    pub fn commit_as(&self, name: &str, changes: &[Change], message: &str, time: i64) -> Oid {
        let repo = &self.repo;
        let parent = repo.head().ok().and_then(|head| head.peel_to_commit().ok());
        let base = match &parent {
            Some(commit) => commit.tree().expect("parent tree"),
            None => {
                let empty = repo
                    .treebuilder(None)
                    .expect("tree builder")
                    .write()
                    .expect("empty tree");
                repo.find_tree(empty).expect("empty tree")
            }
        };
        let mut update = TreeUpdateBuilder::new();
        for change in changes {
            match &change.content {
                Some(bytes) if change.mode == FileMode::Commit => {
                    let hex = std::str::from_utf8(bytes).expect("a commit id in hex");
                    let commit = Oid::from_str(hex).expect("a commit id");
                    update.upsert(change.path.as_str(), commit, FileMode::Commit);
                }
                Some(bytes) => {
                    let blob = repo.blob(bytes).expect("write blob");
                    update.upsert(change.path.as_str(), blob, change.mode);
                }
                None => {
                    update.remove(change.path.as_str());
                }
            }
        }
        let tree_id = update.create_updated(repo, &base).expect("build tree");
        let tree = repo.find_tree(tree_id).expect("find tree");
        let email = format!("{}@example.org", name.to_lowercase().replace(' ', "."));
        let signature = Signature::new(name, &email, &Time::new(time, 0)).expect("signature");
        let parents: Vec<&git2::Commit<'_>> = parent.iter().collect();
        repo.commit(
            Some("HEAD"),
            &signature,
            &signature,
            message,
            &tree,
            &parents,
        )
        .expect("commit")
    }

    /// A lightweight tag on HEAD.
    pub fn tag(&self, name: &str) -> Oid {
        let head = self.head_commit();
        self.repo
            .tag_lightweight(name, head.as_object(), false)
            .expect("lightweight tag")
    }

    /// An annotated tag on HEAD, tagged at `time`; returns the tag object's id (not the commit's).
    pub fn annotated_tag(&self, name: &str, time: i64) -> Oid {
        let head = self.head_commit();
        self.repo
            .tag(
                name,
                head.as_object(),
                &signature(time),
                &format!("version {name}"),
                false,
            )
            .expect("annotated tag")
    }

    /// A branch on HEAD (HEAD stays on the current branch).
    pub fn branch(&self, name: &str) {
        let head = self.head_commit();
        self.repo.branch(name, &head, false).expect("branch");
    }

    pub fn head(&self) -> Oid {
        self.head_commit().id()
    }

    fn head_commit(&self) -> git2::Commit<'_> {
        self.repo
            .head()
            .expect("HEAD")
            .peel_to_commit()
            .expect("HEAD commit")
    }

    /// Id of the blob at `path` in the tree of `commit`.
    pub fn blob_id(&self, commit: Oid, path: &str) -> Oid {
        let tree = self
            .repo
            .find_commit(commit)
            .expect("commit")
            .tree()
            .expect("tree");
        tree.get_path(Path::new(path)).expect("path in tree").id()
    }

    /// Writes a file in the work tree only (not committed).
    pub fn write_worktree(&self, path: &str, content: impl AsRef<[u8]>) {
        let full = self.path().join(path);
        if let Some(parent) = full.parent() {
            std::fs::create_dir_all(parent).expect("create folder");
        }
        std::fs::write(full, content).expect("write work tree file");
    }

    /// Deletes the loose object file of `id` from `.git/objects`, as a partial clone would lack it.
    pub fn delete_object(&self, id: Oid) {
        let hex = id.to_string();
        let file = self
            .git_dir()
            .join("objects")
            .join(&hex[..2])
            .join(&hex[2..]);
        std::fs::remove_file(&file)
            .unwrap_or_else(|error| panic!("could not delete {}: {error}", file.display()));
    }

    /// Loads the book at `revision` with the library.
    pub fn load(&self, revision: &str) -> Loaded {
        load_at(self.path(), revision, None)
    }

    /// Runs the `livret` binary with `args` and `--repo` pointing at this fixture.
    pub fn run(&self, args: &[&str]) -> Run {
        let mut command = livret();
        command.args(args).arg("--repo").arg(self.path());
        run(command)
    }
}

fn signature(time: i64) -> Signature<'static> {
    Signature::new("Test", "test@example.org", &Time::new(time, 0)).expect("signature")
}

/// Loads a book with the library, panicking with the error's message when livret cannot.
pub fn load_at(repository: &Path, revision: &str, root: Option<&str>) -> Loaded {
    let options = LoadOptions {
        repository: repository.to_owned(),
        revision: revision.to_owned(),
        root: root.map(str::to_owned),
    };
    load(&options).unwrap_or_else(|error| {
        panic!(
            "loading {} at {revision} failed: {error}",
            repository.display()
        )
    })
}

/// The workspace root (which is also a Git repository holding the sample handbook).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_owned()
}

/// The `livret` binary, built once per test run with the same profile as the tests.
pub fn livret_path() -> &'static Path {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY.get_or_init(build_livret)
}

fn build_livret() -> PathBuf {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| env!("CARGO").into());
    let mut command = Command::new(cargo);
    command.current_dir(workspace_root()).args([
        "build",
        "-p",
        "livret-cli",
        "--bin",
        "livret",
        "--message-format=json-render-diagnostics",
    ]);
    if !cfg!(debug_assertions) {
        command.arg("--release");
    }
    let output = command.output().expect("run cargo build");
    assert!(
        output.status.success(),
        "building the livret binary failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // Cargo names the executable in its JSON messages; fall back to target/<profile>/livret next to the test binary.
    let from_messages = String::from_utf8_lossy(&output.stdout)
        .lines()
        .find_map(|line| {
            let message: serde_json::Value = serde_json::from_str(line).ok()?;
            if message["reason"] != "compiler-artifact" || message["target"]["name"] != "livret" {
                return None;
            }
            message["executable"].as_str().map(PathBuf::from)
        });
    let binary = from_messages.unwrap_or_else(|| {
        let exe = std::env::current_exe().expect("test executable");
        let profile_dir = exe
            .parent()
            .and_then(Path::parent)
            .expect("target/<profile>");
        profile_dir.join(format!("livret{}", std::env::consts::EXE_SUFFIX))
    });
    assert!(
        binary.is_file(),
        "the livret binary is not at {}",
        binary.display()
    );
    binary
}

/// A `livret` command, without colours.
pub fn livret() -> Command {
    let mut command = Command::new(livret_path());
    command.env("NO_COLOR", "1").env_remove("RUST_BACKTRACE");
    command
}

/// What a run of the binary gave.
#[derive(Debug)]
pub struct Run {
    /// Exit status; `-1` when killed by a signal.
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Stdout parsed as one JSON value.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|error| panic!("stdout is not JSON ({error}):\n{}", self.stdout))
    }

    /// Stdout parsed as JSON lines.
    pub fn json_lines(&self) -> Vec<serde_json::Value> {
        self.stdout
            .lines()
            .map(|line| {
                serde_json::from_str(line)
                    .unwrap_or_else(|error| panic!("line is not JSON ({error}): {line}"))
            })
            .collect()
    }
}

/// Runs a command to completion and captures its status and output.
pub fn run(mut command: Command) -> Run {
    let output = command.output().expect("run livret");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Runs `livret args` through Python's `getrusage`, which gives the largest resident set of the
/// child: the run, and its peak memory in MiB.
pub fn run_with_peak(args: &[&std::ffi::OsStr]) -> (Run, f64) {
    const WRAPPER: &str = "import resource, subprocess, sys\n\
        code = subprocess.run(sys.argv[1:]).returncode\n\
        sys.stderr.write('\\nlivret-peak-kib %d\\n' % resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n\
        sys.exit(code)";
    let mut command = Command::new("python3");
    command
        .args(["-c", WRAPPER])
        .arg(livret_path())
        .args(args)
        .env("NO_COLOR", "1")
        .env_remove("RUST_BACKTRACE");
    let mut run = run(command);
    let (stderr, peak) = run
        .stderr
        .rsplit_once("\nlivret-peak-kib ")
        .expect("python3 reports the peak memory");
    let peak_kib: f64 = peak.trim().parse().expect("a number of KiB");
    run.stderr = stderr.to_owned();
    (run, peak_kib / 1024.0)
}

/// The text of the documents in an EPUB whose names end with `suffix` (`""` for all), read by
/// Python's zipfile.
pub fn epub_text(epub: &Path, suffix: &str) -> String {
    let output = Command::new("python3")
        .args([
            "-c",
            "import sys, zipfile\nz = zipfile.ZipFile(sys.argv[1])\nfor n in z.namelist():\n    if n.endswith(sys.argv[2]): sys.stdout.write(z.read(n).decode('utf-8', 'replace'))",
        ])
        .arg(epub)
        .arg(suffix)
        .output()
        .expect("python3 reads the EPUB");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The diagnostics of `book` with `code`.
pub fn diagnostics<'b>(book: &'b Book, code: &str) -> Vec<&'b Diagnostic> {
    book.diagnostics.iter().filter(|d| d.code == code).collect()
}

/// Every diagnostic as `code path:line`, for readable assertion failures.
pub fn describe(book: &Book) -> String {
    book.diagnostics
        .iter()
        .map(|d| {
            format!(
                "{} {} {}:{}",
                d.severity,
                d.code,
                d.path.as_deref().unwrap_or("-"),
                d.line.map_or("-".to_owned(), |l| l.to_string())
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Paths of the published pages, in reading order.
pub fn page_paths(book: &Book) -> Vec<&str> {
    book.pages.iter().map(|page| page.path.as_str()).collect()
}

/// The page at `path`, or a panic listing the pages there are.
pub fn page<'b>(book: &'b Book, path: &str) -> &'b Page {
    book.page(path)
        .unwrap_or_else(|| panic!("no page `{path}`; pages: {:?}", page_paths(book)))
}

/// Every cross-reference of a page (links, images, content-refs…), in document order.
pub fn xrefs(page: &Page) -> Vec<XRef> {
    fn walk(value: &serde_json::Value, out: &mut Vec<XRef>) {
        match value {
            serde_json::Value::Object(map) => {
                if map.contains_key("raw")
                    && map.get("target").is_some_and(|t| t.get("kind").is_some())
                {
                    if let Ok(xref) = serde_json::from_value::<XRef>(value.clone()) {
                        out.push(xref);
                        return;
                    }
                }
                map.values().for_each(|v| walk(v, out));
            }
            serde_json::Value::Array(items) => items.iter().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let value = serde_json::to_value(page).expect("serialize page");
    let mut out = Vec::new();
    walk(&value, &mut out);
    out
}

/// The cross-reference of a page written exactly as `raw`.
pub fn xref(page: &Page, raw: &str) -> XRef {
    let all = xrefs(page);
    all.iter()
        .find(|x| x.raw == raw)
        .cloned()
        .unwrap_or_else(|| {
            let raws: Vec<&str> = all.iter().map(|x| x.raw.as_str()).collect();
            panic!("no link `{raw}` in `{}`; links: {raws:?}", page.path)
        })
}

/// Plain-text titles of every section of a page, depth first.
pub fn section_titles(page: &Page) -> Vec<String> {
    page.all_sections()
        .into_iter()
        .map(|section| plain_text(&section.title))
        .collect()
}

/// Plain text of the whole page (intro and sections), through its JSON form.
pub fn page_text(page: &Page) -> String {
    fn walk(value: &serde_json::Value, out: &mut String) {
        match value {
            serde_json::Value::Object(map) => {
                if let Some(serde_json::Value::String(text)) = map.get("text") {
                    out.push_str(text);
                    out.push('\n');
                }
                map.values().for_each(|v| walk(v, out));
            }
            serde_json::Value::Array(items) => items.iter().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let mut out = String::new();
    walk(
        &serde_json::to_value(page).expect("serialize page"),
        &mut out,
    );
    out
}

/// Mac Roman's characters for bytes 0x80 to 0xFF (0xDB is the euro sign, as in Mac OS 8.5 and later).
const MAC_ROMAN_HIGH: [char; 128] = [
    'Ä', 'Å', 'Ç', 'É', 'Ñ', 'Ö', 'Ü', 'á', 'à', 'â', 'ä', 'ã', 'å', 'ç', 'é', 'è', //
    'ê', 'ë', 'í', 'ì', 'î', 'ï', 'ñ', 'ó', 'ò', 'ô', 'ö', 'õ', 'ú', 'ù', 'û', 'ü', //
    '†', '°', '¢', '£', '§', '•', '¶', 'ß', '®', '©', '™', '´', '¨', '≠', 'Æ', 'Ø', //
    '∞', '±', '≤', '≥', '¥', 'µ', '∂', '∑', '∏', 'π', '∫', 'ª', 'º', 'Ω', 'æ', 'ø', //
    '¿', '¡', '¬', '√', 'ƒ', '≈', '∆', '«', '»', '…', '\u{A0}', 'À', 'Ã', 'Õ', 'Œ', 'œ', //
    '–', '—', '“', '”', '‘', '’', '÷', '◊', 'ÿ', 'Ÿ', '⁄', '€', '‹', '›', 'ﬁ', 'ﬂ', //
    '‡', '·', '‚', '„', '‰', 'Â', 'Ê', 'Á', 'Ë', 'È', 'Í', 'Î', 'Ï', 'Ì', 'Ó', 'Ô', //
    '\u{F8FF}', 'Ò', 'Ú', 'Û', 'Ù', 'ı', 'ˆ', '˜', '¯', '˘', '˙', '˚', '¸', '˝', '˛', 'ˇ',
];

/// The mojibake a tool makes when it reads UTF-8 `text` as Mac Roman: each byte becomes a character.
pub fn mac_roman_mojibake(text: &str) -> String {
    text.bytes()
        .map(|byte| {
            if byte < 0x80 {
                char::from(byte)
            } else {
                MAC_ROMAN_HIGH[usize::from(byte - 0x80)]
            }
        })
        .collect()
}

/// `text` with every character decomposed (NFD), as macOS writes file names; only the accents the tests use.
pub fn nfd(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        match c {
            'é' => out.push_str("e\u{301}"),
            'è' => out.push_str("e\u{300}"),
            'à' => out.push_str("a\u{300}"),
            'ç' => out.push_str("c\u{327}"),
            'É' => out.push_str("E\u{301}"),
            c => out.push(c),
        }
    }
    out
}

/// The Python of the validators' virtualenv, installed once per test run by `.ci/install-validators`
/// (what `.ci/run` calls first); a failed install fails the test rather than skipping it.
pub fn validators_python() -> &'static Path {
    static PYTHON: OnceLock<PathBuf> = OnceLock::new();
    PYTHON.get_or_init(|| {
        let root = workspace_root();
        let status = Command::new(root.join(".ci/install-validators"))
            .status()
            .expect("run .ci/install-validators");
        assert!(
            status.success(),
            ".ci/install-validators failed: the output validators are required"
        );
        root.join("target/validators/venv/bin/python")
    })
}

/// The JSON Feed 1.1 schema from npm's `jsonfeed-schema`, installed with the validators.
pub fn json_feed_schema() -> PathBuf {
    validators_python();
    workspace_root().join("target/validators/node_modules/jsonfeed-schema/schema-v1.1.json")
}

/// Validates a JSON document against a JSON Schema with Python's jsonschema (formats checked).
pub fn validate_json(document: &Path, schema: &Path) -> Result<(), String> {
    let output = Command::new(validators_python())
        .arg(workspace_root().join("tests/support/validate.py"))
        .args(["schema".as_ref(), document.as_os_str(), schema.as_os_str()])
        .output()
        .expect("run the JSON Schema validator");
    if output.status.success() {
        return Ok(());
    }
    Err(format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    ))
}

pub fn assert_valid_json(document: &Path, schema: &Path) {
    if let Err(errors) = validate_json(document, schema) {
        panic!(
            "{} does not validate against {}:\n{errors}",
            document.display(),
            schema.display()
        );
    }
}

/// What an independent feed parser (feedparser-rs, from PyPI) reads from a feed, as JSON (titles, links, dates, authors, tags).
pub fn parse_feed(feed: &Path) -> serde_json::Value {
    let output = Command::new(validators_python())
        .arg(workspace_root().join("tests/support/validate.py"))
        .args(["feed".as_ref(), feed.as_os_str()])
        .output()
        .expect("run the feed parser");
    assert!(
        output.status.success(),
        "the feed parser could not read {}:\n{}{}",
        feed.display(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("the feed parser's summary is JSON")
}
