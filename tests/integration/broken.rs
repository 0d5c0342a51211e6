//! Repositories and output folders that are broken or unusual: symbolic links pointing outside,
//! submodules, a detached HEAD, a repository owned by another user, output folders that cannot be
//! written, that sit in the work tree or that hold a previous build.

use livret_model::{Severity, Target};
use livret_tests::*;
use std::collections::BTreeMap;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Every file under `dir`, by path relative to it, with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).expect("read folder") {
            let path = entry.expect("folder entry").path();
            let kind = std::fs::symlink_metadata(&path).expect("metadata");
            if kind.is_dir() {
                walk(root, &path, out);
            } else {
                let bytes = std::fs::read(&path).expect("read file");
                out.insert(path.strip_prefix(root).expect("inside").to_owned(), bytes);
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// The outputs of a build in `out`: every file except those in hidden folders (a cache livret may keep).
fn outputs(out: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = snapshot(out);
    files.retain(|path, _| {
        let mut components = path.components();
        let first = components
            .next()
            .map(|c| c.as_os_str().to_string_lossy().into_owned());
        components.next().is_none() || !first.is_some_and(|name| name.starts_with('.'))
    });
    files
}

/// Names of the files of a snapshot.
fn names(snapshot: &BTreeMap<PathBuf, Vec<u8>>) -> Vec<String> {
    snapshot
        .keys()
        .map(|path| path.display().to_string())
        .collect()
}

fn assert_no_panic(run: &Run) {
    assert!(
        !run.stderr.contains("panicked") && run.code != 101 && run.code != -1,
        "livret crashed (exit {}):\n{}",
        run.code,
        run.stderr
    );
}

/// The text of every file a build wrote that a reader could see: JSON as is, the EPUB's documents.
fn readable_outputs(out: &Path) -> String {
    let mut text = String::new();
    for name in ["book.json", "feed.json"] {
        text.push_str(&std::fs::read_to_string(out.join(name)).expect("a JSON output"));
    }
    text.push_str(&epub_text(&out.join("book.epub"), ""));
    text
}

fn out_arg(path: &Path) -> &str {
    path.to_str().expect("UTF-8 path")
}

// ---------------------------------------------------------------------------------------------
// Symbolic links and submodules in the tree.
// ---------------------------------------------------------------------------------------------

/// A book whose tree and work tree hold symbolic links to /etc/passwd and /etc, and the first
/// line of /etc/passwd, which must reach nothing.
fn symlinks_to_etc() -> (Fixture, String) {
    let passwd = std::fs::read_to_string("/etc/passwd").expect("/etc/passwd on this machine");
    let secret = passwd
        .lines()
        .next()
        .filter(|line| line.contains(':'))
        .expect("a line of /etc/passwd")
        .to_owned();
    let summary = "# Sommaire\n\n* [Accueil](README.md)\n* [Relative](relative.md)\n* [Absolue](absolue.md)\n* [Dans etc](etc/passwd)\n* [Saine](saine.md)\n";
    let readme = "# Accueil\n\n![mot de passe](.gitbook/assets/passwd.png)\n\n[le fichier](secret.txt) et [le dossier](etc/passwd)\n\n{% file src=\"secret.txt\" %}\nLe secret\n{% endfile %}\n";
    let fixture = Fixture::with(
        &[
            file("SUMMARY.md", summary),
            file("README.md", readme),
            symlink("relative.md", "../../../etc/passwd"),
            symlink("absolue.md", "/etc/passwd"),
            symlink(".gitbook/assets/passwd.png", "/etc/passwd"),
            symlink("secret.txt", "../../etc/passwd"),
            symlink("etc", "/etc"),
            file("saine.md", "# Page saine\n\nCe texte doit survivre.\n"),
        ],
        T0,
    );
    // The same links in the work tree, on disk: livret must read Git's objects, not these.
    for (path, target) in [
        ("relative.md", "../../../etc/passwd"),
        ("absolue.md", "/etc/passwd"),
        ("secret.txt", "/etc/passwd"),
        ("etc", "/etc"),
    ] {
        std::os::unix::fs::symlink(target, fixture.path().join(path)).expect("symlink on disk");
    }

    (fixture, secret)
}

#[test]
fn symlinks_pointing_outside_are_never_followed() {
    let (fixture, secret) = symlinks_to_etc();
    let book = fixture.load("HEAD").book;
    let symlinks: Vec<&str> = diagnostics(&book, "symlink")
        .iter()
        .map(|d| d.path.as_deref().expect("a path"))
        .collect();
    for path in [
        "relative.md",
        "absolue.md",
        ".gitbook/assets/passwd.png",
        "secret.txt",
        "etc",
    ] {
        assert!(
            symlinks.contains(&path),
            "no `symlink` diagnostic for {path}:\n{}",
            describe(&book)
        );
    }
    let missing: Vec<&str> = diagnostics(&book, "missing-page")
        .iter()
        .map(|d| d.message.as_str())
        .collect();
    for entry in ["relative.md", "absolue.md", "etc/passwd"] {
        assert!(
            missing.iter().any(|m| m.contains(&format!("`{entry}`"))),
            "the SUMMARY entry {entry} is not reported as missing:\n{}",
            describe(&book)
        );
    }
    assert_eq!(page_paths(&book), vec!["README.md", "saine.md"]);
    let readme = page(&book, "README.md");
    for raw in [".gitbook/assets/passwd.png", "secret.txt", "etc/passwd"] {
        assert!(
            matches!(xref(readme, raw).target, Target::Broken { .. }),
            "{raw} should be broken: {:?}",
            xref(readme, raw)
        );
    }
    let model = serde_json::to_string(&book).expect("serialize");
    assert!(!model.contains(&secret), "/etc/passwd reached the model");

    let check = fixture.run(&["check"]);
    assert_eq!(check.code, 1, "missing pages are errors:\n{}", check.stderr);
    assert!(
        check.stderr.contains("warning[symlink]"),
        "{}",
        check.stderr
    );
    assert!(
        check.stderr.contains("symbolic links are not followed"),
        "{}",
        check.stderr
    );
    let out = tempfile::tempdir().expect("temporary folder");
    let build = fixture.run(&["build", "--out", out_arg(out.path())]);
    assert_no_panic(&build);
    assert_eq!(build.code, 0, "{}", build.stderr);
    let outputs = readable_outputs(out.path());
    assert!(
        outputs.contains("Ce texte doit survivre"),
        "the healthy page is lost"
    );
    assert!(!outputs.contains(&secret), "/etc/passwd reached an output");
    let pdf = std::fs::read(out.path().join("book.pdf")).expect("book.pdf");
    assert!(
        !pdf.windows(secret.len()).any(|w| w == secret.as_bytes()),
        "/etc/passwd reached the PDF"
    );
}

/// SUMMARY's external entries pass the scheme allow-list of links in pages: once,
/// `javascript://%0Aalert(1)` and `file:///etc/passwd` reached `book.json` as external targets and
/// the PDF's contents and outline as URI actions (found by crates/core/tests/fuzz_parser.rs).
#[test]
fn summary_links_with_unsafe_schemes_do_not_reach_the_outputs() {
    let summary = "# Sommaire\n\n* [Accueil](README.md)\n* [Piège](javascript://%0Aalert(1))\n* [Fichier](file:///etc/passwd)\n* [Site](https://example.org/)\n";
    let fixture = Fixture::with(
        &[
            file("SUMMARY.md", summary),
            file("README.md", "# Accueil\n\nBienvenue.\n"),
        ],
        T0,
    );
    let check = fixture.run(&["check"]);
    assert!(
        check.stderr.contains("javascript"),
        "not reported:\n{}",
        check.stderr
    );
    let out = tempfile::tempdir().expect("temporary folder");
    let build = fixture.run(&["build", "--out", out_arg(out.path())]);
    assert_no_panic(&build);
    // book.json keeps what SUMMARY.md said as a missing entry's reference and in its
    // diagnostics (data, never a link); the other outputs do not carry it at all.
    let book: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(out.path().join("book.json")).expect("book.json"),
    )
    .expect("book.json is JSON");
    let entries = book["book"]["toc"][0]["entries"]
        .as_array()
        .expect("TOC entries");
    let kinds: Vec<&str> = entries
        .iter()
        .filter_map(|entry| entry["target"]["kind"].as_str())
        .collect();
    assert_eq!(
        kinds,
        ["page", "missing", "missing", "external"],
        "{entries:?}"
    );
    let mut everything = std::fs::read(out.path().join("feed.json")).expect("feed.json");
    everything.extend(std::fs::read(out.path().join("book.pdf")).expect("book.pdf"));
    everything.extend(epub_text(&out.path().join("book.epub"), "").into_bytes());
    for forbidden in ["javascript:", "file:///etc/passwd"] {
        assert!(
            !everything
                .windows(forbidden.len())
                .any(|w| w.eq_ignore_ascii_case(forbidden.as_bytes())),
            "`{forbidden}` from SUMMARY.md reached the PDF, the EPUB or the feed"
        );
    }
}

/// A commit id that the repository does not hold, as a submodule's is.
const SUBMODULE_COMMIT: &str = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";

#[test]
fn a_submodule_is_left_out_and_the_book_still_builds() {
    let gitmodules =
        "[submodule \"theme\"]\n\tpath = theme\n\turl = https://example.org/theme.git\n";
    let fixture = Fixture::with(
        &[
            file(".gitmodules", gitmodules),
            submodule("theme", SUBMODULE_COMMIT),
            file(
                "SUMMARY.md",
                "# Sommaire\n\n* [Accueil](README.md)\n* [Suite](suite.md)\n",
            ),
            file("README.md", "# Accueil\n\nBienvenue.\n"),
            file("suite.md", "# Suite\n\nLa suite.\n"),
        ],
        T0,
    );
    let tree = fixture
        .repo()
        .head()
        .and_then(|head| head.peel_to_tree())
        .expect("HEAD tree");
    let entry = tree.get_name("theme").expect("the gitlink");
    assert_eq!(entry.filemode(), 0o160000, "a gitlink");

    let book = fixture.load("HEAD").book;
    let notes = diagnostics(&book, "submodule");
    assert_eq!(notes.len(), 1, "{}", describe(&book));
    assert_eq!(notes[0].severity, Severity::Note);
    assert_eq!(notes[0].path.as_deref(), Some("theme"));
    assert_eq!(page_paths(&book), vec!["README.md", "suite.md"]);
    let check = fixture.run(&["check", "-v"]);
    assert_eq!(check.code, 0, "{}", check.stderr);
    assert!(check.stderr.contains("note[submodule]"), "{}", check.stderr);
    let out = tempfile::tempdir().expect("temporary folder");
    let build = fixture.run(&["build", "--out", out_arg(out.path())]);
    assert_eq!(build.code, 0, "{}", build.stderr);
    assert!(readable_outputs(out.path()).contains("La suite."));

    // Linking into the submodule, from a page and from SUMMARY, is reported; the rest still builds.
    fixture.commit(
        &[
            file(
                "SUMMARY.md",
                "# Sommaire\n\n* [Accueil](README.md)\n* [Suite](suite.md)\n* [Thème](theme/README.md)\n",
            ),
            file(
                "README.md",
                "# Accueil\n\nVoir [le thème](theme/guide.md) et ![logo](theme/logo.png).\n",
            ),
        ],
        "link into the submodule",
        T0 + DAY,
    );
    let book = fixture.load("HEAD").book;
    let readme = page(&book, "README.md");
    for raw in ["theme/guide.md", "theme/logo.png"] {
        assert!(
            matches!(xref(readme, raw).target, Target::Broken { .. }),
            "{raw}: {:?}",
            xref(readme, raw)
        );
    }
    let broken = diagnostics(&book, "broken-link");
    assert!(
        broken.iter().any(|d| d.message.contains("theme/guide.md")),
        "{}",
        describe(&book)
    );
    assert!(
        diagnostics(&book, "missing-page")
            .iter()
            .any(|d| d.message.contains("theme/README.md")),
        "{}",
        describe(&book)
    );
    let check = fixture.run(&["check"]);
    assert_eq!(
        check.code, 1,
        "a missing page is an error:\n{}",
        check.stderr
    );
    let out = tempfile::tempdir().expect("temporary folder");
    let build = fixture.run(&["build", "--out", out_arg(out.path())]);
    assert_eq!(build.code, 0, "{}", build.stderr);
    assert!(readable_outputs(out.path()).contains("La suite."));
}

// ---------------------------------------------------------------------------------------------
// Revisions and ownership.
// ---------------------------------------------------------------------------------------------

#[test]
fn a_detached_head_is_read_at_its_commit() {
    let fixture = Fixture::new();
    let first = fixture.commit(
        &[
            file("SUMMARY.md", "# Sommaire\n\n* [Accueil](README.md)\n"),
            file("README.md", "# Première version\n"),
        ],
        "first",
        T0,
    );
    fixture.commit(
        &[file("README.md", "# Seconde version\n")],
        "second",
        T0 + DAY,
    );
    fixture
        .repo()
        .set_head_detached(first)
        .expect("detach HEAD");
    assert!(fixture.repo().head_detached().expect("HEAD state"));

    let book = fixture.load("HEAD").book;
    assert_eq!(book.meta.revision.id, first.to_string());
    assert_eq!(book.pages[0].title, "Première version");
    assert_eq!(fixture.load("main").book.pages[0].title, "Seconde version");
    let inspect = fixture.run(&["inspect"]);
    assert_eq!(inspect.code, 0, "{}", inspect.stderr);
    assert_eq!(inspect.json()["meta"]["revision"]["id"], first.to_string());
    let out = tempfile::tempdir().expect("temporary folder");
    let build = fixture.run(&["build", "--format", "json", "--out", out_arg(out.path())]);
    assert_eq!(build.code, 0, "{}", build.stderr);
    let json = std::fs::read_to_string(out.path().join("book.json")).expect("book.json");
    assert!(json.contains("Première version") && !json.contains("Seconde version"));
}

#[test]
fn building_an_empty_repository_exits_2_and_writes_nothing() {
    let fixture = Fixture::new();
    let dir = tempfile::tempdir().expect("temporary folder");
    let out = dir.path().join("dist");
    let run = fixture.run(&["build", "--out", out_arg(&out)]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("no commits"), "{}", run.stderr);
    assert!(!out.exists(), "nothing is written for an empty repository");
}

/// The user id this process runs as: the owner of what it creates.
fn current_uid() -> u32 {
    let probe = tempfile::tempdir().expect("temporary folder");
    std::fs::metadata(probe.path()).expect("metadata").uid()
}

#[test]
fn a_repository_owned_by_another_user_is_refused_with_safe_directory() {
    let fixture = Fixture::with(&[file("README.md", "# Accueil\n")], T0);
    assert_eq!(
        current_uid(),
        0,
        "this test needs root to give the repository to another user (CI runs as root)"
    );
    let nobody = 65_534;
    fn chown_all(path: &Path, uid: u32) {
        std::os::unix::fs::lchown(path, Some(uid), Some(uid)).expect("chown");
        if std::fs::symlink_metadata(path).expect("metadata").is_dir() {
            for entry in std::fs::read_dir(path).expect("read folder") {
                chown_all(&entry.expect("entry").path(), uid);
            }
        }
    }
    chown_all(fixture.path(), nobody);
    assert_eq!(
        std::fs::metadata(fixture.git_dir())
            .expect("metadata")
            .uid(),
        nobody
    );

    // A home with no Git configuration, so no `safe.directory` of this machine lets it through.
    let home = tempfile::tempdir().expect("temporary folder");
    let mut command = livret();
    command
        .args(["check", "--repo"])
        .arg(fixture.path())
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path())
        .env("GIT_CONFIG_NOSYSTEM", "1");
    let run = run(command);
    assert_eq!(
        run.code, 2,
        "stdout: {}\nstderr: {}",
        run.stdout, run.stderr
    );
    assert!(
        run.stderr.contains("owned by another user") && run.stderr.contains("safe.directory"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(&fixture.path().display().to_string()),
        "the message names the repository: {}",
        run.stderr
    );
    match livret_core::load(&livret_core::LoadOptions::new(fixture.path())) {
        Err(livret_core::Error::NotOwned { .. }) => {}
        Err(error) => panic!("the library should say NotOwned: {error}"),
        Ok(_) => panic!("the library should refuse the repository"),
    }
    chown_all(fixture.path(), 0);
}

// ---------------------------------------------------------------------------------------------
// Output folders.
// ---------------------------------------------------------------------------------------------

fn small_book() -> Fixture {
    Fixture::with(
        &[
            file("SUMMARY.md", "# Sommaire\n\n* [Accueil](README.md)\n"),
            file("README.md", "# Accueil\n\nBienvenue.\n"),
        ],
        T0,
    )
}

#[test]
fn an_output_folder_that_cannot_be_created_fails_clearly() {
    let fixture = small_book();
    let dir = tempfile::tempdir().expect("temporary folder");
    std::fs::write(dir.path().join("file.txt"), "a file, not a folder").expect("write");
    // Both fail for root too: a folder under a regular file, and a new folder in /proc.
    for out in [
        dir.path().join("file.txt/dist"),
        PathBuf::from("/proc/livret-cannot-write-here"),
    ] {
        let run = fixture.run(&["build", "--format", "json,epub", "--out", out_arg(&out)]);
        assert_no_panic(&run);
        assert_eq!(
            run.code, 2,
            "an output folder that cannot be made stops livret before it exports:\n{}",
            run.stderr
        );
        assert_eq!(
            run.stderr
                .lines()
                .filter(|line| line.starts_with("error"))
                .count(),
            1,
            "one message:\n{}",
            run.stderr
        );
        assert!(
            run.stderr
                .contains(&format!("could not write {}", out.display())),
            "the message names the folder {}:\n{}",
            out.display(),
            run.stderr
        );
        assert!(!out.exists());
    }
    assert_eq!(
        std::fs::read(dir.path().join("file.txt")).expect("the file"),
        b"a file, not a folder"
    );
}

/// Everything Git keeps about a repository, as `git` itself reports it.
fn git_state(work_tree: &Path) -> Vec<String> {
    let git = |args: &[&str]| {
        let output = Command::new("git")
            .arg("-C")
            .arg(work_tree)
            .args(["--no-optional-locks"])
            .args(args)
            .output()
            .expect("run git");
        assert!(
            output.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    vec![
        git(&["rev-parse", "HEAD"]),
        git(&["symbolic-ref", "HEAD"]),
        git(&["for-each-ref"]),
        git(&["count-objects", "-v"]),
        git(&["ls-files", "--stage"]),
        git(&["status", "--porcelain", "--untracked-files=all"]),
    ]
}

#[test]
fn an_output_folder_inside_the_work_tree_leaves_the_repository_unchanged() {
    let fixture = small_book();
    let mut checkout = git2::build::CheckoutBuilder::new();
    fixture
        .repo()
        .checkout_head(Some(checkout.force()))
        .expect("check out HEAD");
    let mut before = git_state(fixture.path());
    assert_eq!(before[5], "", "a clean work tree to start from");
    let git_files = snapshot(&fixture.git_dir());

    let mut command = livret();
    command
        .current_dir(fixture.path())
        .args(["build", "--out", "dist"]);
    let run = run(command);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for name in ["book.json", "feed.json", "book.epub", "book.pdf"] {
        assert!(fixture.path().join("dist").join(name).is_file(), "{name}");
    }

    assert_eq!(
        snapshot(&fixture.git_dir()),
        git_files,
        "nothing in .git changed"
    );
    let mut after = git_state(fixture.path());
    let status = after.pop().expect("status");
    let mut untracked: Vec<&str> = status.lines().collect();
    untracked.sort_unstable();
    assert!(
        untracked.iter().all(|line| line.starts_with("?? dist/")),
        "only the new dist folder appears: {status}"
    );
    assert!(untracked.contains(&"?? dist/book.json"), "{status}");
    before.pop();
    assert_eq!(after, before, "HEAD, refs, objects and index are unchanged");

    // Building again over the previous outputs inside the work tree works the same.
    let mut command = livret();
    command
        .current_dir(fixture.path())
        .args(["build", "--out", "dist"]);
    assert_eq!(run_ok(command), 0);
    assert_eq!(snapshot(&fixture.git_dir()), git_files);
}

fn run_ok(command: Command) -> i32 {
    let run = run(command);
    assert_no_panic(&run);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.code
}

/// No temporary file of livret's in the folder, whatever happened.
fn assert_no_temporary_files(out: &Path) {
    let left: Vec<String> = names(&snapshot(out))
        .into_iter()
        .filter(|name| name.contains("livret-tmp"))
        .collect();
    assert!(left.is_empty(), "temporary files left behind: {left:?}");
}

/// livret.yaml following `page` in the changelog.
fn following(page: &str) -> String {
    format!("title: Manuel\nchangelog:\n  pages:\n    - {page}\n")
}

/// A book whose second commit makes the changelog's export fail: the fixture and both commits.
fn failing_second_commit() -> (Fixture, git2::Oid, git2::Oid) {
    let settings = following;
    let fixture = Fixture::new();
    let first = fixture.commit(
        &[
            file("livret.yaml", settings("valeurs.md")),
            file(
                "SUMMARY.md",
                "# Sommaire\n\n* [Accueil](README.md)\n* [Valeurs](valeurs.md)\n",
            ),
            file("README.md", "# Accueil\n\nBienvenue.\n"),
            file(
                "valeurs.md",
                "# Valeurs\n\n## Confiance\n\nOn se fait confiance.\n",
            ),
        ],
        "first",
        T0,
    );
    let second = fixture.commit(
        &[
            // The changelog follows a page that does not exist: its export fails.
            file("livret.yaml", settings("absente.md")),
            file(
                "valeurs.md",
                "# Valeurs\n\n## Confiance\n\nOn se fait confiance.\n\n## Entraide\n\nOn s’entraide.\n",
            ),
        ],
        "second",
        T0 + DAY,
    );
    (fixture, first, second)
}

#[test]
fn a_failed_build_keeps_the_previous_outputs_and_a_good_one_replaces_them() {
    let (fixture, first, second) = failing_second_commit();
    let dir = tempfile::tempdir().expect("temporary folder");
    let out = dir.path().join("dist");
    let build = |revision: &str, formats: &str, out: &Path| {
        let run = fixture.run(&[
            "build",
            "--rev",
            revision,
            "--format",
            formats,
            "--out",
            out_arg(out),
        ]);
        assert_no_panic(&run);
        run
    };
    let all = "json,epub,pdf,changelog";
    let run = build(&first.to_string(), all, &out);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let previous = outputs(&out);
    assert_eq!(
        names(&previous),
        vec![
            "CHANGELOG.md",
            "book.epub",
            "book.json",
            "book.pdf",
            "changelog.json",
            "changes.json",
            "feed.json"
        ]
    );

    // A revision that does not exist: nothing is touched.
    let run = build("nope", all, &out);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(outputs(&out), previous, "outputs unchanged after exit 2");

    // The changelog's export fails: its files stay as they were, the others are replaced.
    let run = build(&second.to_string(), "json,changelog", &out);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("changelog") && run.stderr.contains("absente.md"),
        "{}",
        run.stderr
    );
    let now = outputs(&out);
    for name in [
        "CHANGELOG.md",
        "changelog.json",
        "changes.json",
        "book.epub",
        "book.pdf",
    ] {
        assert_eq!(
            now[Path::new(name)],
            previous[Path::new(name)],
            "{name} kept"
        );
    }
    assert_ne!(
        now[Path::new("book.json")],
        previous[Path::new("book.json")]
    );
    assert!(String::from_utf8_lossy(&now[Path::new("book.json")]).contains("Entraide"));
    assert_no_temporary_files(&out);

    // A file that cannot be written even by root (its temporary name is taken by a folder): that
    // output keeps its previous bytes, the others are written.
    let blocker = out.join(".book.pdf.livret-tmp");
    std::fs::create_dir_all(blocker.join("occupied")).expect("blocker folder");
    let run = build(&second.to_string(), "json,epub,pdf", &out);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains(&format!(
            "could not write {}",
            out.join("book.pdf").display()
        )),
        "{}",
        run.stderr
    );
    let now = outputs(&out);
    assert_eq!(
        now[Path::new("book.pdf")],
        previous[Path::new("book.pdf")],
        "book.pdf kept"
    );
    assert_ne!(
        now[Path::new("book.epub")],
        previous[Path::new("book.epub")],
        "book.epub replaced"
    );
    std::fs::remove_dir_all(&blocker).expect("remove the blocker");
    assert_no_temporary_files(&out);

    // A successful build replaces every output with exactly what a fresh build gives.
    fixture.commit(
        &[file("livret.yaml", following("valeurs.md"))],
        "third",
        T0 + 2 * DAY,
    );
    let run = build("HEAD", all, &out);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let fresh = dir.path().join("fresh");
    assert_eq!(build("HEAD", all, &fresh).code, 0);
    let replaced = outputs(&out);
    assert_eq!(
        names(&replaced),
        names(&previous),
        "the same files, no stray ones"
    );
    assert!(
        replaced == outputs(&fresh),
        "outputs equal a fresh build of HEAD"
    );
    for (name, bytes) in &previous {
        assert_ne!(&replaced[name], bytes, "{} was replaced", name.display());
    }
}
