//! Where the book is and how it is ordered: `.gitbook.yaml`, `livret.yaml`, `--root`, a missing SUMMARY.md.

use livret_model::{Severity, TocTarget};
use livret_tests::{describe, diagnostics, file, load_at, page_paths, Fixture, T0};

#[test]
fn without_summary_the_readme_comes_first_then_pages_by_path() {
    let fixture = Fixture::with(
        &[
            file("zeta.md", "# Zêta\n"),
            file("README.md", "# Accueil\n"),
            file("sous/beta.md", "# Bêta\n"),
            file("alpha.md", "# Alpha\n"),
            file("lambda.md", "# Lambda\n"),
            file(".gitbook/includes/bloc.md", "Un bloc réutilisable.\n"),
        ],
        T0,
    );
    let book = fixture.load("HEAD").book;
    assert_eq!(
        page_paths(&book),
        [
            "README.md",
            "alpha.md",
            "lambda.md",
            "sous/beta.md",
            "zeta.md"
        ]
    );
    let titles: Vec<&str> = book.pages.iter().map(|p| p.title.as_str()).collect();
    assert_eq!(titles, ["Accueil", "Alpha", "Lambda", "Bêta", "Zêta"]);
    assert!(book.orphans.is_empty(), "{:?}", book.orphans);

    let found = diagnostics(&book, "no-summary");
    assert_eq!(found.len(), 1, "{}", describe(&book));
    assert_eq!(found[0].severity, Severity::Warning);
    assert_eq!(found[0].path.as_deref(), Some("SUMMARY.md"));

    assert_eq!(book.toc.len(), 1);
    let toc: Vec<&TocTarget> = book.toc[0].entries.iter().map(|e| &e.target).collect();
    assert_eq!(toc.len(), 5);
    assert_eq!(
        *toc[0],
        TocTarget::Page {
            path: "README.md".to_owned()
        }
    );

    let run = fixture.run(&["check"]);
    assert_eq!(
        run.code, 0,
        "a missing SUMMARY.md is a warning: {}",
        run.stderr
    );
    assert!(run.stderr.contains("warning[no-summary]"), "{}", run.stderr);
}

#[test]
fn a_missing_custom_summary_in_a_book_folder_is_named_by_its_repository_path() {
    let fixture = Fixture::with(
        &[
            file(
                ".gitbook.yaml",
                "root: ./docs/\nstructure:\n  summary: TOC.md\n",
            ),
            file("docs/README.md", "# Accueil\n"),
            file("docs/b.md", "# B\n"),
            file("docs/a.md", "# A\n"),
        ],
        T0,
    );
    let book = fixture.load("HEAD").book;
    assert_eq!(page_paths(&book), ["README.md", "a.md", "b.md"]);
    let found = diagnostics(&book, "no-summary");
    assert_eq!(found.len(), 1, "{}", describe(&book));
    assert_eq!(found[0].path.as_deref(), Some("docs/TOC.md"));
}

#[test]
fn gitbook_yaml_sets_the_root_and_a_custom_summary() {
    let fixture = Fixture::with(
        &[
            file(".gitbook.yaml", "root: ./docs/\n\nstructure:\n  readme: README.md\n  summary: TOC.md\n"),
            file("README.md", "# Le dépôt, pas le livre\n"),
            file("notes.md", "# Hors du livre\n"),
            file("docs/TOC.md", "# Table of contents\n\n* [Accueil](README.md)\n\n## Partie\n\n* [Deux](deux.md)\n* [Un](un.md)\n"),
            file("docs/SUMMARY.md", "# Table of contents\n\n* [Un](un.md)\n"),
            file("docs/README.md", "# Accueil du livre\n"),
            file("docs/un.md", "# Un\n"),
            file("docs/deux.md", "# Deux\n"),
        ],
        T0,
    );
    let book = fixture.load("HEAD").book;
    assert_eq!(book.meta.root, "docs");
    assert_eq!(page_paths(&book), ["README.md", "deux.md", "un.md"]);
    assert_eq!(book.pages[0].title, "Accueil du livre");
    assert_eq!(book.toc.len(), 2, "{:?}", book.toc);
    assert_eq!(book.toc[1].title.as_deref(), Some("Partie"));
    assert!(
        diagnostics(&book, "no-summary").is_empty(),
        "{}",
        describe(&book)
    );
    assert_eq!(
        book.orphans,
        ["SUMMARY.md"],
        "the SUMMARY.md that is not the configured one is an ordinary page"
    );
    assert!(
        book.assets.iter().all(|a| !a.path.contains("notes")),
        "{:?}",
        book.assets
    );
}

/// `livret.yaml` puts the book in `manuel/` and has unknown keys; a second book lives in `autre/`.
fn two_books() -> Fixture {
    Fixture::with(
        &[
            file("livret.yaml", "# réglages de livret\nroot: manuel\ncouleur: bleu\npdf:\n  marge: 3\ntitle: Mon livret\n"),
            file("manuel/SUMMARY.md", "# Table of contents\n\n* [Manuel](README.md)\n"),
            file("manuel/README.md", "# Le manuel\n"),
            file("autre/SUMMARY.md", "# Table of contents\n\n* [Autre](README.md)\n* [Annexe](annexe.md)\n"),
            file("autre/README.md", "# L’autre livre\n"),
            file("autre/annexe.md", "# Annexe\n"),
        ],
        T0,
    )
}

#[test]
fn livret_yaml_sets_the_root_and_reports_unknown_keys_with_their_line() {
    let book = two_books().load("HEAD").book;
    assert_eq!(book.meta.root, "manuel");
    assert_eq!(book.meta.title, "Mon livret");
    assert_eq!(page_paths(&book), ["README.md"]);
    assert_eq!(book.pages[0].title, "Le manuel");

    let unknown: Vec<(Severity, &str, Option<u32>)> = diagnostics(&book, "unknown-key")
        .iter()
        .map(|d| (d.severity, d.path.as_deref().unwrap_or(""), d.line))
        .collect();
    assert_eq!(
        unknown,
        [
            (Severity::Warning, "livret.yaml", Some(3)),
            (Severity::Warning, "livret.yaml", Some(5))
        ]
    );
    let messages: Vec<&str> = diagnostics(&book, "unknown-key")
        .iter()
        .map(|d| d.message.as_str())
        .collect();
    assert!(messages[0].contains("`couleur`"), "{messages:?}");
    assert!(messages[1].contains("`pdf.marge`"), "{messages:?}");
}

#[test]
fn root_option_overrides_livret_yaml() {
    let fixture = two_books();
    let book = load_at(fixture.path(), "HEAD", Some("autre")).book;
    assert_eq!(book.meta.root, "autre");
    assert_eq!(page_paths(&book), ["README.md", "annexe.md"]);
    assert_eq!(book.pages[0].title, "L’autre livre");

    let book = load_at(fixture.path(), "HEAD", Some("./autre/")).book;
    assert_eq!(book.meta.root, "autre", "`./autre/` is the same folder");

    let run = fixture.run(&["inspect", "--root", "autre"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json = run.json();
    assert_eq!(json["meta"]["root"], "autre");
    assert_eq!(json["pages"][0]["title"], "L’autre livre");
    assert_eq!(json["pages"][1]["path"], "annexe.md");

    let run = fixture.run(&["check", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let unknown: Vec<serde_json::Value> = run
        .json_lines()
        .into_iter()
        .filter(|d| d["code"] == "unknown-key")
        .collect();
    assert_eq!(unknown.len(), 2);
    assert_eq!(unknown[0]["path"], "livret.yaml");
    assert_eq!(unknown[0]["line"], 3);
}

#[test]
fn livret_yaml_root_and_gitbook_yaml_root_combine() {
    let fixture = Fixture::with(
        &[
            file("livret.yaml", "root: site\n"),
            file("site/.gitbook.yaml", "root: ./docs/\n"),
            file(
                "site/docs/SUMMARY.md",
                "# Table of contents\n\n* [Imbriqué](README.md)\n",
            ),
            file(
                "site/docs/README.md",
                "# Livre imbriqué\n\nUn [lien absent](absent.md).\n",
            ),
        ],
        T0,
    );
    let book = fixture.load("HEAD").book;
    assert_eq!(book.meta.root, "site/docs");
    assert_eq!(book.pages[0].title, "Livre imbriqué");
    let broken = diagnostics(&book, "broken-link");
    assert_eq!(broken.len(), 1, "{}", describe(&book));
    assert_eq!(broken[0].path.as_deref(), Some("site/docs/README.md"));
    assert_eq!(broken[0].line, Some(3));
}
