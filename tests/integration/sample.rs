//! The sample handbook bundled in the workspace (`content/`, committed in the workspace's own repository).

use livret_model::{Page, Severity};
use livret_tests::{describe, livret, load_at, page, run, section_titles, workspace_root, Run};

fn sample(args: &[&str]) -> Run {
    let mut command = livret();
    command.args(args).arg("--repo").arg(workspace_root());
    run(command)
}

#[test]
fn check_of_the_sample_handbook_finds_no_error() {
    let text = sample(&["check"]);
    assert_eq!(text.code, 0, "{}", text.stderr);
    assert!(!text.stderr.contains("error["), "{}", text.stderr);

    let json = sample(&["check", "--format", "json"]);
    assert_eq!(json.code, 0, "{}", json.stderr);
    let errors: Vec<serde_json::Value> = json
        .json_lines()
        .into_iter()
        .filter(|d| d["severity"] == "error")
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
}

#[test]
fn inspect_of_the_values_page_has_the_sobriete_section() {
    let run = sample(&["inspect", "--page", "culture/valeurs.md"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let values: Page = serde_json::from_str(&run.stdout).expect("a page");
    assert_eq!(values.path, "culture/valeurs.md");
    assert_eq!(values.title, "🧭 Nos valeurs");
    let titles = section_titles(&values);
    assert!(titles.iter().any(|t| t == "Sobriété"), "{titles:?}");
    let sobriety = values
        .all_sections()
        .into_iter()
        .find(|s| livret_model::plain_text(&s.title) == "Sobriété")
        .unwrap();
    assert_eq!(sobriety.anchor, "sobriété");
}

#[test]
fn the_library_reads_head_of_the_workspace_repository() {
    let loaded = load_at(&workspace_root(), "HEAD", None);
    let book = &loaded.book;
    assert_eq!(book.meta.root, "content");
    assert_eq!(book.meta.title, "Livret d’accueil de la Fabrique numérique");
    assert_eq!(book.meta.language, "fr");
    assert_eq!(loaded.settings.changelog.pages, ["culture/valeurs.md"]);
    assert_eq!(book.pages[0].path, "README.md");
    assert!(section_titles(page(book, "culture/valeurs.md"))
        .iter()
        .any(|t| t == "Sobriété"));
    assert!(book.pages.len() >= 10, "{} pages", book.pages.len());
    assert_eq!(book.meta.revision.id.len(), 40);
    assert!(
        !book
            .diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error),
        "{}",
        describe(book)
    );
    // The bundled redirects lead to current pages.
    assert!(
        book.redirects
            .iter()
            .any(|r| r.from == "valeurs" && r.to == "culture/valeurs.md"),
        "{:?}",
        book.redirects
    );
}

#[test]
fn the_sample_loads_identically_twice() {
    let first = serde_json::to_string(&load_at(&workspace_root(), "HEAD", None).book).unwrap();
    let second = serde_json::to_string(&load_at(&workspace_root(), "HEAD", None).book).unwrap();
    assert_eq!(first, second);
    let runs: Vec<String> = (0..2).map(|_| sample(&["inspect"]).stdout).collect();
    assert_eq!(runs[0], runs[1]);
    let via_cli: serde_json::Value = serde_json::from_str(&runs[0]).unwrap();
    assert_eq!(
        via_cli,
        serde_json::from_str::<serde_json::Value>(&first).unwrap(),
        "library and binary agree"
    );
}
