//! Cross-references: resolved pages and anchors, folders, missing extensions, NFD names, redirects, broken links.

use livret_model::{Severity, Target};
use livret_tests::{describe, diagnostics, file, nfd, page, page_paths, xref, Fixture, T0};

const PAGE: &str = "# Page de liens

Une [ancre qui existe](valeurs.md#partager-les-outils).

Une [page absente](absente.md).

Une [ancre absente](valeurs.md#inexistante).

Le [guide](guide/) et le [guide sans barre](guide).

Les [valeurs sans extension](valeurs).

La [première étape](guide/étape.md) et [le schéma](.gitbook/assets/schéma.png).

Une [ancienne adresse](ancien/chemin) et [une autre](vieux/valeurs/).

Un [secret](../secret.md) et [plus haut](../../etc/passwd).

Une [ancre de la page](#une-section) et [une ancre absente ici](#nulle-part).

## Une section

Texte.
";

/// A book in `docs/` (from `.gitbook.yaml` at the repository root), with NFD file names and redirects.
fn linked_book() -> Fixture {
    Fixture::with(
        &[
            file(".gitbook.yaml", "root: ./docs/\n\nredirects:\n  ancien/chemin: valeurs.md\n  vieux/valeurs: /valeurs.md\n"),
            file("secret.md", "# Hors du livre\n"),
            file(
                "docs/SUMMARY.md",
                "# Table of contents\n\n* [Accueil](README.md)\n* [Page de liens](page.md)\n* [Valeurs](valeurs.md)\n* [Guide](guide/README.md)\n  * [Étape](guide/étape.md)\n",
            ),
            file("docs/README.md", "# Accueil\n\nBienvenue.\n"),
            file("docs/page.md", PAGE),
            file("docs/valeurs.md", "# Valeurs\n\n## Partager les outils\n\nTexte.\n"),
            file("docs/guide/README.md", "# Guide\n\nLe guide.\n"),
            file(&nfd("docs/guide/étape.md"), "# Première étape\n\n[Retour](../page.md#une-section)\n"),
            file(&nfd("docs/.gitbook/assets/schéma.png"), b"\x89PNG\r\n\x1a\n-fake-".as_slice()),
        ],
        T0,
    )
}

fn to_page(path: &str, anchor: Option<&str>) -> Target {
    Target::Page {
        path: path.to_owned(),
        anchor: anchor.map(str::to_owned),
    }
}

#[test]
fn links_resolve_to_pages_anchors_folders_redirects_and_nfc_paths() {
    let fixture = linked_book();
    let book = fixture.load("HEAD").book;
    assert_eq!(book.meta.root, "docs");
    assert_eq!(
        page_paths(&book),
        [
            "README.md",
            "page.md",
            "valeurs.md",
            "guide/README.md",
            "guide/étape.md"
        ]
    );
    let links = page(&book, "page.md");

    assert_eq!(
        xref(links, "valeurs.md#partager-les-outils").target,
        to_page("valeurs.md", Some("partager-les-outils"))
    );
    assert_eq!(
        xref(links, "guide/").target,
        to_page("guide/README.md", None)
    );
    assert_eq!(
        xref(links, "guide").target,
        to_page("guide/README.md", None)
    );
    assert_eq!(xref(links, "valeurs").target, to_page("valeurs.md", None));
    assert_eq!(
        xref(links, "ancien/chemin").target,
        to_page("valeurs.md", None),
        "redirect from .gitbook.yaml"
    );
    assert_eq!(
        xref(links, "vieux/valeurs/").target,
        to_page("valeurs.md", None),
        "redirect whose target starts with /"
    );
    assert_eq!(
        xref(links, "#une-section").target,
        to_page("page.md", Some("une-section"))
    );
}

#[test]
fn nfd_file_names_match_nfc_links() {
    let fixture = linked_book();
    let book = fixture.load("HEAD").book;
    let links = page(&book, "page.md");
    assert_eq!(
        xref(links, "guide/étape.md").target,
        to_page("guide/étape.md", None)
    );
    assert_eq!(
        xref(links, ".gitbook/assets/schéma.png").target,
        Target::Asset {
            path: ".gitbook/assets/schéma.png".to_owned()
        }
    );
    assert!(
        book.assets
            .iter()
            .any(|asset| asset.path == ".gitbook/assets/schéma.png"),
        "assets: {:?}",
        book.assets
    );

    let step = page(&book, "guide/étape.md");
    assert_eq!(step.title, "Première étape");
    assert_eq!(
        xref(step, "../page.md#une-section").target,
        to_page("page.md", Some("une-section"))
    );
}

#[test]
fn broken_links_and_anchors_are_reported_at_their_repository_path_and_line() {
    let fixture = linked_book();
    let book = fixture.load("HEAD").book;
    let links = page(&book, "page.md");

    for raw in ["absente.md", "../secret.md", "../../etc/passwd"] {
        assert!(
            matches!(xref(links, raw).target, Target::Broken { .. }),
            "`{raw}` is broken: {:?}",
            xref(links, raw).target
        );
    }
    let Target::Broken { reason } = xref(links, "../secret.md").target else {
        unreachable!()
    };
    assert!(reason.contains("climbs above the root"), "reason: {reason}");
    // A broken anchor keeps the page and drops the anchor.
    assert_eq!(
        xref(links, "valeurs.md#inexistante").target,
        to_page("valeurs.md", None)
    );
    assert_eq!(xref(links, "#nulle-part").target, to_page("page.md", None));

    let broken: Vec<(&str, Option<u32>)> = diagnostics(&book, "broken-link")
        .iter()
        .map(|d| (d.path.as_deref().unwrap_or(""), d.line))
        .collect();
    assert_eq!(
        broken,
        [
            ("docs/page.md", Some(5)),
            ("docs/page.md", Some(17)),
            ("docs/page.md", Some(17))
        ],
        "all diagnostics:\n{}",
        describe(&book)
    );
    let absent = diagnostics(&book, "broken-link")[0];
    assert_eq!(absent.severity, Severity::Warning);
    assert!(absent.message.contains("absente.md"), "{}", absent.message);
    assert_eq!(
        absent.source_line.as_deref(),
        Some("Une [page absente](absente.md).")
    );

    let anchors: Vec<(&str, Option<u32>)> = diagnostics(&book, "broken-anchor")
        .iter()
        .map(|d| (d.path.as_deref().unwrap_or(""), d.line))
        .collect();
    assert_eq!(
        anchors,
        [("docs/page.md", Some(7)), ("docs/page.md", Some(19))],
        "broken anchors need the line of the link; all diagnostics:\n{}",
        describe(&book)
    );
    assert!(diagnostics(&book, "broken-anchor")[0]
        .message
        .contains("inexistante"));

    let others: Vec<&str> = book
        .diagnostics
        .iter()
        .map(|d| d.code.as_str())
        .filter(|code| !matches!(*code, "broken-link" | "broken-anchor"))
        .collect();
    assert!(others.is_empty(), "unexpected diagnostics: {others:?}");
}

#[test]
fn check_reports_broken_links_as_json_lines_without_failing() {
    let fixture = linked_book();
    let run = fixture.run(&["check", "--format", "json"]);
    assert_eq!(
        run.code, 0,
        "broken links are warnings, so check succeeds: {}",
        run.stderr
    );
    let lines = run.json_lines();
    let first = lines
        .iter()
        .find(|d| d["code"] == "broken-link")
        .expect("a broken-link line");
    assert_eq!(first["path"], "docs/page.md");
    assert_eq!(first["line"], 5);
    assert_eq!(first["severity"], "warning");
}
