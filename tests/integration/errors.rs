//! When livret cannot read a book at all: a typed error from the library, exit status 2 and one sentence from the binary.

use livret_core::{load, Error, LoadOptions};
use livret_tests::{file, livret, run, Fixture, Run, T0};
use std::path::Path;

fn load_error(repository: &Path, revision: &str, root: Option<&str>) -> Error {
    let options = LoadOptions {
        repository: repository.to_owned(),
        revision: revision.to_owned(),
        root: root.map(str::to_owned),
    };
    match load(&options) {
        Ok(loaded) => panic!(
            "loading {} at {revision} should fail, got {} pages",
            repository.display(),
            loaded.book.pages.len()
        ),
        Err(error) => error,
    }
}

fn check(repository: &Path, extra: &[&str]) -> Run {
    let mut command = livret();
    command
        .arg("check")
        .arg("--repo")
        .arg(repository)
        .args(extra);
    run(command)
}

/// Exit status 2, nothing on stdout, and one `error: …` line on stderr holding every `needle`.
fn assert_cannot_run(run: &Run, needles: &[&str]) {
    assert_eq!(
        run.code, 2,
        "stdout: {}\nstderr: {}",
        run.stdout, run.stderr
    );
    assert!(run.stdout.is_empty(), "nothing on stdout: {}", run.stdout);
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "one line on stderr: {}", run.stderr);
    assert!(lines[0].starts_with("error: "), "{}", lines[0]);
    for needle in needles {
        assert!(
            lines[0].contains(needle),
            "stderr should mention `{needle}`: {}",
            lines[0]
        );
    }
}

fn small_book() -> Fixture {
    Fixture::with(
        &[
            file(
                "SUMMARY.md",
                "# Table of contents\n\n* [Accueil](README.md)\n",
            ),
            file("README.md", "# Accueil\n"),
        ],
        T0,
    )
}

#[test]
fn a_plain_folder_is_not_a_repository() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("README.md"), "# Pas dans Git\n").unwrap();
    assert!(matches!(
        load_error(dir.path(), "HEAD", None),
        Error::NotARepository { .. }
    ));
    assert_cannot_run(
        &check(dir.path(), &[]),
        &["not inside a Git repository", "--repo"],
    );
}

#[test]
fn a_missing_folder_is_not_a_repository() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("absent");
    assert!(
        matches!(
            load_error(&missing, "HEAD", None),
            Error::NotARepository { .. }
        ),
        "{}",
        load_error(&missing, "HEAD", None)
    );
    assert_cannot_run(&check(&missing, &[]), &["absent", "--repo"]);
}

#[test]
fn an_empty_repository_has_no_book_yet() {
    // `git init` names the unborn branch after init.defaultBranch: `master` by default, `main` on GitHub and
    // in many configurations. Both are empty repositories.
    for branch in ["master", "main"] {
        let dir = tempfile::tempdir().unwrap();
        git2::Repository::init_opts(
            dir.path(),
            git2::RepositoryInitOptions::new().initial_head(branch),
        )
        .unwrap();
        let error = load_error(dir.path(), "HEAD", None);
        assert!(
            matches!(error, Error::EmptyRepository { .. }),
            "empty repository on `{branch}`, got: {error}"
        );
        assert_cannot_run(&check(dir.path(), &[]), &["no commits", "commit"]);
    }
    let fixture = Fixture::new();
    assert!(matches!(
        load_error(fixture.path(), "HEAD", None),
        Error::EmptyRepository { .. }
    ));
}

#[test]
fn an_unknown_revision_names_the_revision_and_git_log() {
    let fixture = small_book();
    for revision in [
        "nope",
        "HEAD~5",
        "v9.9",
        "0123456789abcdef0123456789abcdef01234567",
    ] {
        let error = load_error(fixture.path(), revision, None);
        assert!(
            matches!(&error, Error::UnknownRevision { revision: r, .. } if r == revision),
            "{revision}: {error}"
        );
        assert_cannot_run(
            &check(fixture.path(), &["--rev", revision]),
            &[&format!("`{revision}`"), "git log"],
        );
    }
}

#[test]
fn a_missing_root_names_the_folder_and_the_options() {
    let fixture = small_book();
    let error = load_error(fixture.path(), "HEAD", Some("absent"));
    assert!(
        matches!(&error, Error::MissingRoot { root, .. } if root == "absent"),
        "{error}"
    );
    assert_cannot_run(
        &check(fixture.path(), &["--root", "absent"]),
        &["`absent`", "--root", "livret.yaml"],
    );

    // The same from settings files.
    let fixture = Fixture::with(
        &[
            file("livret.yaml", "root: manuel\n"),
            file("README.md", "# Accueil\n"),
        ],
        T0,
    );
    assert!(
        matches!(load_error(fixture.path(), "HEAD", None), Error::MissingRoot { root, .. } if root == "manuel")
    );
    let fixture = Fixture::with(
        &[
            file(".gitbook.yaml", "root: ./docs/\n"),
            file("README.md", "# Accueil\n"),
        ],
        T0,
    );
    assert!(
        matches!(load_error(fixture.path(), "HEAD", None), Error::MissingRoot { root, .. } if root == "docs")
    );
    assert_cannot_run(&check(fixture.path(), &[]), &["`docs`", ".gitbook.yaml"]);
}

#[test]
fn inspect_of_an_unknown_page_exits_2_and_lists_pages() {
    let fixture = small_book();
    let run = fixture.run(&["inspect", "--page", "absente.md"]);
    assert_cannot_run(&run, &["`absente.md`", "README.md"]);
}
