//! Reading the book at any revision: expressions, tags, branches, ids, dates, renames, determinism.

use git2::Oid;
use livret_model::Target;
use livret_tests::{deleted, file, load_at, page, page_paths, xref, Fixture, DAY, T0};

const SUMMARY: &str = "# Table of contents\n\n* [Accueil](README.md)\n* [Guide](guide.md)\n";

/// Three commits, each giving the README a new title, one day apart.
/// Tags: `v1` (annotated) and `premier` (lightweight) on the first; branch `relecture` on the second.
fn three_titles() -> (Fixture, [Oid; 3]) {
    let fixture = Fixture::new();
    let first = fixture.commit(
        &[
            file("SUMMARY.md", SUMMARY),
            file("README.md", "# Première version\n\nBonjour.\n"),
            file("guide.md", "# Guide\n\nLire le [début](README.md).\n"),
        ],
        "GITBOOK-1: No subject",
        T0,
    );
    fixture.annotated_tag("v1", T0 + 60);
    fixture.tag("premier");
    let second = fixture.commit(
        &[file("README.md", "# Deuxième version\n\nBonjour.\n")],
        "GITBOOK-2: No subject",
        T0 + DAY,
    );
    fixture.branch("relecture");
    let third = fixture.commit(
        &[file("README.md", "# Troisième version\n\nBonjour.\n")],
        "GITBOOK-3: No subject",
        T0 + 2 * DAY,
    );
    (fixture, [first, second, third])
}

#[test]
fn revision_expressions_tags_branches_and_ids_pick_the_right_commit() {
    let (fixture, [first, second, third]) = three_titles();
    let cases = [
        ("HEAD", third, T0 + 2 * DAY, "Troisième version"),
        ("main", third, T0 + 2 * DAY, "Troisième version"),
        ("HEAD~1", second, T0 + DAY, "Deuxième version"),
        ("relecture", second, T0 + DAY, "Deuxième version"),
        ("HEAD~2", first, T0, "Première version"),
        ("v1", first, T0, "Première version"),
        ("premier", first, T0, "Première version"),
        ("main^^", first, T0, "Première version"),
    ];
    for (revision, id, time, title) in cases {
        let book = fixture.load(revision).book;
        assert_eq!(book.pages[0].title, title, "title at {revision}");
        assert_eq!(
            book.meta.revision.id,
            id.to_string(),
            "commit id at {revision}"
        );
        assert_eq!(book.meta.revision.time, time, "commit time at {revision}");
        assert_eq!(
            book.meta.revision.offset_minutes, 0,
            "time zone at {revision}"
        );
        assert!(!book.meta.revision.shallow);
    }
    for id in [first, second, third] {
        let full = id.to_string();
        let book = fixture.load(&full).book;
        assert_eq!(book.meta.revision.id, full);
        let short = fixture.load(&full[..10]).book;
        assert_eq!(
            short.meta.revision.id, full,
            "a short id resolves to the full id"
        );
    }
    assert_eq!(
        fixture.load(&second.to_string()).book.pages[0].title,
        "Deuxième version"
    );
}

#[test]
fn the_binary_reads_the_revision_given_by_rev() {
    let (fixture, [first, second, _]) = three_titles();
    for (revision, id, title) in [
        ("HEAD~2", first, "Première version"),
        ("v1", first, "Première version"),
        ("relecture", second, "Deuxième version"),
    ] {
        let run = fixture.run(&["inspect", "--rev", revision]);
        assert_eq!(run.code, 0, "inspect --rev {revision}: {}", run.stderr);
        let json = run.json();
        assert_eq!(json["pages"][0]["title"], title, "--rev {revision}");
        assert_eq!(json["meta"]["revision"]["id"], id.to_string());
    }
    let run = fixture.run(&["inspect", "--rev", &second.to_string()]);
    assert_eq!(run.json()["meta"]["revision"]["time"], T0 + DAY);
}

#[test]
fn files_come_from_the_commit_tree_not_the_work_tree() {
    let (fixture, _) = three_titles();
    fixture.write_worktree("README.md", "# Brouillon local jamais commité\n");
    fixture.write_worktree("local.md", "# Page locale\n");
    fixture.write_worktree(
        "SUMMARY.md",
        "# Table of contents\n\n* [Local](local.md)\n* [Accueil](README.md)\n",
    );
    let book = fixture.load("HEAD").book;
    assert_eq!(page_paths(&book), ["README.md", "guide.md"]);
    assert_eq!(book.pages[0].title, "Troisième version");
    assert!(
        book.orphans.is_empty(),
        "work-tree files are not orphans: {:?}",
        book.orphans
    );

    let run = fixture.run(&["inspect", "--page", "README.md"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.json()["title"], "Troisième version");
}

#[test]
fn a_page_renamed_between_commits_has_its_path_at_each_revision_and_links_follow() {
    let fixture = Fixture::new();
    let first = fixture.commit(
        &[
            file("SUMMARY.md", "# Table of contents\n\n* [Accueil](README.md)\n* [Valeurs](valeurs.md)\n"),
            file("README.md", "# Accueil\n\nLire [nos valeurs](valeurs.md) et [la sobriété](valeurs.md#sobriete).\n"),
            file("valeurs.md", "# Nos valeurs\n\n## Sobriete\n\nPeu mais bien.\n"),
        ],
        "GITBOOK-1: No subject",
        T0,
    );
    // A move into a folder, with the SUMMARY and the link updated, as GitBook does.
    let second = fixture.commit(
        &[
            deleted("valeurs.md"),
            file("culture/valeurs.md", "# Nos valeurs\n\n## Sobriete\n\nPeu mais bien.\n"),
            file("culture/README.md", "# Culture\n\nVoir [les valeurs](valeurs.md).\n"),
            file(
                "SUMMARY.md",
                "# Table of contents\n\n* [Accueil](README.md)\n* [Culture](culture/README.md)\n  * [Valeurs](culture/valeurs.md)\n",
            ),
            file("README.md", "# Accueil\n\nLire [nos valeurs](culture/valeurs.md) et [la sobriété](culture/valeurs.md#sobriete).\n"),
        ],
        "GITBOOK-2: No subject",
        T0 + DAY,
    );
    // A rename combined with an edit of the title.
    let third = fixture.commit(
        &[
            deleted("culture/valeurs.md"),
            file("culture/charte.md", "# Notre charte\n\n## Sobriete\n\nPeu mais bien.\n"),
            file("culture/README.md", "# Culture\n\nVoir [la charte](charte.md).\n"),
            file(
                "SUMMARY.md",
                "# Table of contents\n\n* [Accueil](README.md)\n* [Culture](culture/README.md)\n  * [Charte](culture/charte.md)\n",
            ),
            file("README.md", "# Accueil\n\nLire [nos valeurs](culture/charte.md) et [la sobriété](culture/charte.md#sobriete).\n"),
        ],
        "GITBOOK-3: No subject",
        T0 + 2 * DAY,
    );

    let to = |path: &str, anchor: Option<&str>| Target::Page {
        path: path.to_owned(),
        anchor: anchor.map(str::to_owned),
    };

    let book = fixture.load(&first.to_string()).book;
    assert_eq!(page_paths(&book), ["README.md", "valeurs.md"]);
    assert_eq!(page(&book, "valeurs.md").title, "Nos valeurs");
    let readme = page(&book, "README.md");
    assert_eq!(xref(readme, "valeurs.md").target, to("valeurs.md", None));
    assert_eq!(
        xref(readme, "valeurs.md#sobriete").target,
        to("valeurs.md", Some("sobriete"))
    );

    let book = fixture.load(&second.to_string()).book;
    assert_eq!(
        page_paths(&book),
        ["README.md", "culture/README.md", "culture/valeurs.md"]
    );
    assert!(book.page("valeurs.md").is_none());
    assert_eq!(
        xref(page(&book, "README.md"), "culture/valeurs.md").target,
        to("culture/valeurs.md", None)
    );
    assert_eq!(
        xref(page(&book, "README.md"), "culture/valeurs.md#sobriete").target,
        to("culture/valeurs.md", Some("sobriete"))
    );
    assert_eq!(
        xref(page(&book, "culture/README.md"), "valeurs.md").target,
        to("culture/valeurs.md", None)
    );

    let book = fixture.load(&third.to_string()).book;
    assert_eq!(
        page_paths(&book),
        ["README.md", "culture/README.md", "culture/charte.md"]
    );
    assert_eq!(page(&book, "culture/charte.md").title, "Notre charte");
    assert!(book.page("culture/valeurs.md").is_none());
    assert_eq!(
        xref(page(&book, "README.md"), "culture/charte.md#sobriete").target,
        to("culture/charte.md", Some("sobriete"))
    );
    assert_eq!(
        xref(page(&book, "culture/README.md"), "charte.md").target,
        to("culture/charte.md", None)
    );

    for revision in [first, second, third] {
        let book = fixture.load(&revision.to_string()).book;
        let codes: Vec<&str> = book.diagnostics.iter().map(|d| d.code.as_str()).collect();
        assert!(codes.is_empty(), "no diagnostics at {revision}: {codes:?}");
    }
}

#[test]
fn loading_the_same_revision_twice_gives_identical_json() {
    let fixture = Fixture::new();
    let mut summary = String::from("# Table of contents\n\n* [Accueil](README.md)\n");
    let mut files = vec![file(
        "README.md",
        "# Accueil\n\n{% hint style=\"info\" %}\nBienvenue.\n{% endhint %}\n",
    )];
    for n in 0..40 {
        summary.push_str(&format!("  * [Page {n}](section/page-{n:02}.md)\n"));
        let text = format!(
            "# Page {n}\n\n## Partie {n}\n\nVoir [la suivante](page-{next:02}.md#partie-{next}) et [une absente](absente-{n}.md).\n",
            next = (n + 1) % 40
        );
        files.push(file(&format!("section/page-{n:02}.md"), text));
    }
    files.push(file("SUMMARY.md", summary));
    files.push(file("orpheline.md", "# Orpheline\n"));
    fixture.commit(&files, "GITBOOK-1: No subject", T0);

    let first = serde_json::to_string(&fixture.load("HEAD").book).unwrap();
    let second = serde_json::to_string(&fixture.load("HEAD").book).unwrap();
    assert_eq!(first, second);
    let book = fixture.load("HEAD").book;
    assert_eq!(book.pages.len(), 41);
    assert_eq!(
        book.diagnostics
            .iter()
            .filter(|d| d.code == "broken-link")
            .count(),
        40
    );

    let runs: Vec<String> = (0..2).map(|_| fixture.run(&["inspect"]).stdout).collect();
    assert_eq!(runs[0], runs[1], "inspect prints the same bytes twice");
    let checks: Vec<String> = (0..2)
        .map(|_| fixture.run(&["check", "--format", "json"]).stdout)
        .collect();
    assert_eq!(
        checks[0], checks[1],
        "check prints the same diagnostics in the same order twice"
    );

    std::fs::create_dir_all(fixture.path().join("section")).unwrap();
    let via_path = load_at(&fixture.path().join("section"), "HEAD", None).book;
    assert_eq!(
        serde_json::to_string(&via_path).unwrap(),
        first,
        "a folder inside the work tree reads the same book"
    );
}
