//! `livret build --format json`: book.json against its committed schema, feed.json against the
//! JSON Feed 1.1 schema and through feedparser, dates that follow pages through moves.

use livret_tests::*;
use std::path::{Path, PathBuf};

const SETTINGS: &str = "title: Guide d’équipe\nbase_url: https://guide.example.org/manuel\norganisation: La Fabrique\n";
const SUMMARY_BEFORE: &str =
    "# Sommaire\n\n* [Accueil](README.md)\n* [Valeurs](valeurs.md)\n* [Outils](outils.md)\n";
const SUMMARY_AFTER: &str = "# Sommaire\n\n* [Accueil](README.md)\n\n## Équipe\n\n* [Valeurs](equipe/valeurs.md)\n  * [Outils](equipe/outils.md)\n";

/// A page created (day 0), edited (day 1), moved without change (day 2), edited again (day 3),
/// and another page only moved (day 4).
fn history_fixture() -> Fixture {
    let fixture = Fixture::new();
    fixture.commit_as(
        "Alice Martin",
        &[
            file("livret.yaml", SETTINGS),
            file("SUMMARY.md", SUMMARY_BEFORE),
            file("README.md", "---\ndescription: Bienvenue dans l’équipe.\n---\n\n# Accueil\n\nVoir [nos valeurs](valeurs.md#entraide).\n"),
            file("valeurs.md", "# Valeurs\n\n## Entraide\n\nOn s’aide.\n"),
            file("outils.md", "# Outils\n\nLa messagerie.\n"),
        ],
        "GITBOOK-1: No subject",
        T0,
    );
    fixture.commit_as(
        "Bruno Petit",
        &[file(
            "valeurs.md",
            "# Valeurs\n\n## Entraide\n\nOn s’aide toujours.\n",
        )],
        "GITBOOK-2: No subject",
        T0 + DAY,
    );
    fixture.commit_as(
        "Chloé Durand",
        &[
            deleted("valeurs.md"),
            file("equipe/valeurs.md", "# Valeurs\n\n## Entraide\n\nOn s’aide toujours.\n"),
            file("SUMMARY.md", SUMMARY_BEFORE.replace("(valeurs.md)", "(equipe/valeurs.md)")),
            file("README.md", "---\ndescription: Bienvenue dans l’équipe.\n---\n\n# Accueil\n\nVoir [nos valeurs](equipe/valeurs.md#entraide).\n"),
        ],
        "GITBOOK-3: No subject",
        T0 + 2 * DAY,
    );
    fixture.commit_as(
        "Alice Martin",
        &[file(
            "equipe/valeurs.md",
            "# Valeurs\n\n## Entraide\n\nOn s’aide toujours, vraiment.\n",
        )],
        "GITBOOK-4: No subject",
        T0 + 3 * DAY,
    );
    fixture.commit_as(
        "Chloé Durand",
        &[
            deleted("outils.md"),
            file("equipe/outils.md", "# Outils\n\nLa messagerie.\n"),
            file("SUMMARY.md", SUMMARY_AFTER),
        ],
        "GITBOOK-5: No subject",
        T0 + 4 * DAY,
    );
    fixture
}

fn build_json(repository: &Path, out: &Path) {
    let run = run({
        let mut command = livret();
        command
            .args(["build", "--format", "json", "--out"])
            .arg(out)
            .arg("--repo")
            .arg(repository);
        command
    });
    assert_eq!(run.code, 0, "build failed:\n{}", run.stderr);
}

fn read_json(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).expect("read output")).expect("output is JSON")
}

fn book_schema() -> PathBuf {
    workspace_root().join("exporters/json/book.schema.json")
}

fn item<'v>(feed: &'v serde_json::Value, id: &str) -> &'v serde_json::Value {
    feed["items"]
        .as_array()
        .and_then(|items| items.iter().find(|item| item["id"] == id))
        .unwrap_or_else(|| panic!("no item {id} in {feed:#}"))
}

#[test]
fn dates_follow_pages_through_moves_and_authors_are_names_only() {
    let fixture = history_fixture();
    let out = tempfile::tempdir().unwrap();
    build_json(fixture.path(), out.path());
    let feed = read_json(&out.path().join("feed.json"));

    let values = item(&feed, "https://guide.example.org/manuel/equipe/valeurs");
    assert_eq!(
        values["url"],
        "https://guide.example.org/manuel/equipe/valeurs"
    );
    assert_eq!(
        values["date_published"], "2024-03-01T09:00:00Z",
        "created on day 0"
    );
    assert_eq!(
        values["date_modified"], "2024-03-04T09:00:00Z",
        "last edited on day 3; the move on day 2 is not an edit"
    );
    assert_eq!(
        values["authors"],
        serde_json::json!([{ "name": "Alice Martin" }, { "name": "Bruno Petit" }])
    );

    let tools = item(&feed, "https://guide.example.org/manuel/equipe/outils");
    assert_eq!(tools["date_published"], "2024-03-01T09:00:00Z");
    assert_eq!(
        tools["date_modified"], "2024-03-01T09:00:00Z",
        "a pure move is not a modification"
    );
    assert_eq!(tools["tags"], serde_json::json!(["Équipe", "Valeurs"]));

    let home = item(&feed, "https://guide.example.org/manuel/");
    assert_eq!(home["summary"], "Bienvenue dans l’équipe.");
    let html = home["content_html"].as_str().unwrap();
    assert!(
        html.contains("href=\"https://guide.example.org/manuel/equipe/valeurs#entraide\""),
        "{html}"
    );

    let text = std::fs::read_to_string(out.path().join("feed.json")).unwrap();
    assert!(
        !text.contains("@example.org"),
        "no e-mail address may appear in the feed"
    );
}

#[test]
fn outputs_validate_and_feedparser_reads_them() {
    let fixture = history_fixture();
    let out = tempfile::tempdir().unwrap();
    build_json(fixture.path(), out.path());
    assert_valid_json(&out.path().join("book.json"), &book_schema());
    assert_valid_json(&out.path().join("feed.json"), &json_feed_schema());

    let parsed = parse_feed(&out.path().join("feed.json"));
    assert_eq!(parsed["version"], "json11");
    assert_eq!(parsed["title"], "Guide d’équipe");
    let entries: Vec<(String, String, String)> = parsed["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["title"].as_str().unwrap().to_owned(),
                e["link"].as_str().unwrap().to_owned(),
                e["updated"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    assert_eq!(
        entries,
        [
            (
                "Accueil".to_owned(),
                "https://guide.example.org/manuel/".to_owned(),
                "2024-03-03T09:00:00Z".to_owned()
            ),
            (
                "Valeurs".to_owned(),
                "https://guide.example.org/manuel/equipe/valeurs".to_owned(),
                "2024-03-04T09:00:00Z".to_owned()
            ),
            (
                "Outils".to_owned(),
                "https://guide.example.org/manuel/equipe/outils".to_owned(),
                "2024-03-01T09:00:00Z".to_owned()
            ),
        ]
    );

    let book = read_json(&out.path().join("book.json"));
    assert_eq!(book["format_version"], 1);
    assert_eq!(book["book"]["pages"][1]["path"], "equipe/valeurs.md");
}

#[test]
fn the_same_revision_gives_the_same_bytes() {
    let fixture = history_fixture();
    let (first, second) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    build_json(fixture.path(), first.path());
    build_json(fixture.path(), second.path());
    for name in ["book.json", "feed.json"] {
        assert_eq!(
            std::fs::read(first.path().join(name)).unwrap(),
            std::fs::read(second.path().join(name)).unwrap(),
            "{name} differs"
        );
    }
}

#[test]
fn hostile_html_never_reaches_the_feed() {
    let fixture = Fixture::new();
    fixture.commit(
        &[
            file("livret.yaml", SETTINGS),
            file("SUMMARY.md", "* [Piège](README.md)\n"),
            file(
                "README.md",
                "# Piège\n\n<script>alert(1)</script>\n\n<div onclick=\"vol()\">texte <img src=\"x.png\" onerror=\"alert(2)\"></div>\n\n[clic](javascript:alert(3)) et <a href=\"javascript:alert(4)\">lien</a>\n\n<iframe src=\"https://mal.example\"></iframe>\n",
            ),
        ],
        "piège",
        T0,
    );
    let out = tempfile::tempdir().unwrap();
    build_json(fixture.path(), out.path());
    let feed = read_json(&out.path().join("feed.json"));
    let html = feed["items"][0]["content_html"]
        .as_str()
        .unwrap()
        .to_lowercase();
    for forbidden in [
        "<script",
        "onclick",
        "onerror",
        "javascript:",
        "<iframe",
        "alert(1)",
    ] {
        assert!(
            !html.contains(forbidden),
            "`{forbidden}` reached the feed: {html}"
        );
    }
    assert!(
        html.contains("clic") && html.contains("lien") && html.contains("texte"),
        "{html}"
    );
}

#[test]
fn a_split_feed_is_newest_first_and_linked_by_next_url() {
    let fixture = history_fixture();
    fixture.commit(
        &[file(
            "livret.yaml",
            format!("{SETTINGS}feed:\n  items_per_file: 2\n"),
        )],
        "split",
        T0 + 5 * DAY,
    );
    let out = tempfile::tempdir().unwrap();
    build_json(fixture.path(), out.path());
    let first = read_json(&out.path().join("feed.json"));
    let second = read_json(&out.path().join("feed-2.json"));
    assert!(!out.path().join("feed-3.json").exists());
    assert_eq!(
        first["next_url"],
        "https://guide.example.org/manuel/feed-2.json"
    );
    assert!(second.get("next_url").is_none());
    let ids = |feed: &serde_json::Value| {
        feed["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        ids(&first),
        [
            "https://guide.example.org/manuel/equipe/valeurs",
            "https://guide.example.org/manuel/"
        ]
    );
    assert_eq!(
        ids(&second),
        ["https://guide.example.org/manuel/equipe/outils"]
    );
    for name in ["feed.json", "feed-2.json"] {
        assert_valid_json(&out.path().join(name), &json_feed_schema());
        parse_feed(&out.path().join(name));
    }
}

#[test]
fn the_sample_handbook_builds_a_valid_feed() {
    let out = tempfile::tempdir().unwrap();
    build_json(&workspace_root(), out.path());
    assert_valid_json(&out.path().join("book.json"), &book_schema());
    assert_valid_json(&out.path().join("feed.json"), &json_feed_schema());
    let parsed = parse_feed(&out.path().join("feed.json"));
    let titles: Vec<&str> = parsed["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["title"].as_str())
        .collect();
    assert!(
        titles.iter().any(|t| t.contains("Nos valeurs")),
        "{titles:?}"
    );
}

#[test]
fn the_validators_reject_what_is_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let feed = dir.path().join("feed.json");
    std::fs::write(&feed, r#"{"version": "https://jsonfeed.org/version/1.1", "title": "x", "items": [{"id": "a", "content_text": "t", "date_published": "hier", "url": "pas une url"}]}"#).unwrap();
    let errors =
        validate_json(&feed, &json_feed_schema()).expect_err("a bad date and URL must be rejected");
    assert!(
        errors.contains("date_published") && errors.contains("url"),
        "{errors}"
    );
    let book = dir.path().join("book.json");
    std::fs::write(&book, r#"{"format_version": 1, "diagnostics_summary": {"errors": 0, "warnings": 0, "notes": 0}, "book": {}}"#).unwrap();
    assert!(
        validate_json(&book, &book_schema()).is_err(),
        "an empty book must be rejected"
    );
}
