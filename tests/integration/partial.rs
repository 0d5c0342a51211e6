//! Incomplete and unusual repositories: missing blobs (partial clones), shallow clones, bare repositories.

use livret_model::Severity;
use livret_tests::{describe, diagnostics, file, load_at, page, page_paths, Fixture, DAY, T0};

fn book_in_docs() -> Fixture {
    Fixture::with(
        &[
            file(".gitbook.yaml", "root: ./docs/\n"),
            file(
                "docs/SUMMARY.md",
                "# Table of contents\n\n* [Accueil](README.md)\n* [Perdue](perdue.md)\n* [Gardée](gardee.md)\n",
            ),
            file("docs/README.md", "# Accueil\n\nVoir [la page gardée](gardee.md).\n"),
            file("docs/perdue.md", "# Page perdue\n\nCe texte n’existe que dans cet objet.\n"),
            file("docs/gardee.md", "# Page gardée\n\nCe texte est là.\n"),
        ],
        T0,
    )
}

#[test]
fn a_missing_blob_is_an_error_naming_the_path_and_object_and_the_rest_is_read() {
    let fixture = book_in_docs();
    let blob = fixture.blob_id(fixture.head(), "docs/perdue.md");
    fixture.delete_object(blob);

    let book = fixture.load("HEAD").book;
    let missing = diagnostics(&book, "missing-blob");
    assert_eq!(missing.len(), 1, "{}", describe(&book));
    assert_eq!(missing[0].severity, Severity::Error);
    assert_eq!(missing[0].path.as_deref(), Some("docs/perdue.md"));
    assert!(
        missing[0].message.contains(&blob.to_string()),
        "the message names object {blob}: {}",
        missing[0].message
    );
    assert_eq!(page(&book, "README.md").title, "Accueil");
    assert_eq!(page(&book, "gardee.md").title, "Page gardée");
    assert!(page_paths(&book).contains(&"gardee.md"));

    let run = fixture.run(&["check", "--format", "json"]);
    assert_eq!(
        run.code, 1,
        "stdout: {}\nstderr: {}",
        run.stdout, run.stderr
    );
    let lines = run.json_lines();
    let line = lines
        .iter()
        .find(|d| d["code"] == "missing-blob")
        .expect("a missing-blob line");
    assert_eq!(line["path"], "docs/perdue.md");
    assert!(line["message"]
        .as_str()
        .unwrap()
        .contains(&blob.to_string()));

    let text = fixture.run(&["check"]);
    assert_eq!(text.code, 1);
    assert!(
        text.stderr.contains("error[missing-blob]"),
        "{}",
        text.stderr
    );
    assert!(
        text.stderr.contains("--> docs/perdue.md"),
        "{}",
        text.stderr
    );
}

#[test]
fn a_shallow_repository_is_flagged_in_the_revision() {
    let fixture = Fixture::new();
    let first = fixture.commit(
        &[file("README.md", "# Avant\n")],
        "GITBOOK-1: No subject",
        T0,
    );
    let second = fixture.commit(
        &[file("README.md", "# Après\n")],
        "GITBOOK-2: No subject",
        T0 + DAY,
    );
    assert!(!fixture.load("HEAD").book.meta.revision.shallow);

    // A depth-1 clone: `.git/shallow` names the boundary commit and its parent is not there.
    std::fs::write(fixture.git_dir().join("shallow"), format!("{second}\n")).unwrap();
    fixture.delete_object(first);

    let book = fixture.load("HEAD").book;
    assert!(book.meta.revision.shallow);
    assert_eq!(book.meta.revision.id, second.to_string());
    assert_eq!(book.meta.revision.time, T0 + DAY);
    assert_eq!(book.pages[0].title, "Après");

    let run = fixture.run(&["inspect"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.json()["meta"]["revision"]["shallow"], true);
}

#[test]
fn a_bare_clone_is_read_like_a_work_tree() {
    let fixture = book_in_docs();
    fixture.annotated_tag("v1", T0 + 60);
    let head = fixture.head();
    let dir = tempfile::tempdir().unwrap();
    let bare = dir.path().join("livret.git");
    let clone = git2::build::RepoBuilder::new()
        .bare(true)
        .clone(fixture.path().to_str().unwrap(), &bare)
        .unwrap();
    assert!(clone.is_bare());

    let expected = serde_json::to_string(&fixture.load("HEAD").book).unwrap();
    for revision in ["HEAD", "main", "v1"] {
        let book = load_at(&bare, revision, None).book;
        assert_eq!(book.meta.revision.id, head.to_string(), "{revision}");
        assert_eq!(
            serde_json::to_string(&book).unwrap(),
            expected,
            "the bare clone gives the same book at {revision}"
        );
    }

    let mut command = livret_tests::livret();
    command
        .args(["check", "--format", "json", "--repo"])
        .arg(&bare);
    let run = livret_tests::run(command);
    assert_eq!(run.code, 0, "{}", run.stderr);
}
