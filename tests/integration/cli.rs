//! The `livret` binary end to end: `check` in text and JSON with its exit statuses, `inspect` of a book and of a page.

use livret_model::{Book, Page};
use livret_tests::{file, Fixture, T0};

fn clean_book() -> Fixture {
    Fixture::with(
        &[
            file("SUMMARY.md", "# Table of contents\n\n* [Accueil](README.md)\n* [Guide](guide.md)\n"),
            file("README.md", "# Bienvenue\n\nLire [le guide](guide.md#démarrer).\n"),
            file(
                "guide.md",
                "---\ndescription: Pour bien commencer.\n---\n\n# Le guide\n\n## Démarrer\n\n{% hint style=\"success\" %}\nTout est prêt.\n{% endhint %}\n\n## Démarrer\n\nDeux fois.\n",
            ),
        ],
        T0,
    )
}

/// A book in `docs/` with an unclosed hint on line 5 of `conseils.md` and a broken link on line 3.
fn book_with_error() -> Fixture {
    Fixture::with(
        &[
            file(".gitbook.yaml", "root: ./docs/\n"),
            file("docs/SUMMARY.md", "# Table of contents\n\n* [Accueil](README.md)\n* [Conseils](conseils.md)\n"),
            file("docs/README.md", "# Accueil\n"),
            file("docs/conseils.md", "# Conseils\n\nQuelques [conseils](absent.md).\n\n{% hint style=\"info\" %}\nUn conseil jamais fermé.\n"),
        ],
        T0,
    )
}

#[test]
fn check_of_a_clean_book_exits_0() {
    let fixture = clean_book();
    let book = fixture.load("HEAD").book;
    assert!(
        book.diagnostics.is_empty(),
        "{}",
        livret_tests::describe(&book)
    );

    let run = fixture.run(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.is_empty(),
        "text diagnostics go to stderr: {}",
        run.stdout
    );
    assert!(
        run.stderr
            .contains("livret: 2 pages, 0 error(s), 0 warning(s), 0 note(s)"),
        "{}",
        run.stderr
    );

    let json = fixture.run(&["check", "--format", "json"]);
    assert_eq!(json.code, 0, "{}", json.stderr);
    assert_eq!(json.stdout, "", "no diagnostic, no line");
}

#[test]
fn check_prints_rustc_style_diagnostics_and_exits_1_on_an_error() {
    let run = book_with_error().run(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let stderr = &run.stderr;
    assert!(
        stderr.contains("error[unclosed-tag]: `{% hint %}` is never closed"),
        "{stderr}"
    );
    assert!(stderr.contains("--> docs/conseils.md:5"), "{stderr}");
    assert!(stderr.contains("5 | {% hint style=\"info\" %}"), "{stderr}");
    assert!(stderr.contains("= help: add `{% endhint %}`"), "{stderr}");
    assert!(stderr.contains("warning[broken-link]"), "{stderr}");
    assert!(stderr.contains("--> docs/conseils.md:3"), "{stderr}");
    assert!(
        stderr.contains("3 | Quelques [conseils](absent.md)."),
        "{stderr}"
    );
    assert!(
        stderr.contains("livret: 2 pages, 1 error(s), 1 warning(s)"),
        "{stderr}"
    );
    // The error comes with its `-->` line, source line and help, in that order.
    let block = &stderr[stderr.find("error[unclosed-tag]").unwrap()..];
    let arrow = block.find("-->").unwrap();
    let source = block.find("{% hint style").unwrap();
    let help = block.find("help:").unwrap();
    assert!(arrow < source && source < help, "{block}");

    let quiet = book_with_error().run(&["check", "--quiet"]);
    assert_eq!(quiet.code, 1);
    assert!(
        quiet.stderr.contains("unclosed-tag") && !quiet.stderr.contains("broken-link"),
        "{}",
        quiet.stderr
    );
}

#[test]
fn check_json_prints_one_object_per_line() {
    let run = book_with_error().run(&["check", "--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let lines = run.json_lines();
    assert_eq!(lines.len(), run.stdout.lines().count());
    for line in &lines {
        assert!(line.is_object(), "{line}");
        for key in ["severity", "code", "message"] {
            assert!(line[key].is_string(), "`{key}` in {line}");
        }
    }
    let mut found: Vec<(&str, &str, &str, u64)> = lines
        .iter()
        .map(|d| {
            (
                d["severity"].as_str().unwrap(),
                d["code"].as_str().unwrap(),
                d["path"].as_str().unwrap_or(""),
                d["line"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    found.sort();
    assert_eq!(
        found,
        [
            ("error", "unclosed-tag", "docs/conseils.md", 5),
            ("warning", "broken-link", "docs/conseils.md", 3)
        ]
    );
    let error = lines.iter().find(|d| d["code"] == "unclosed-tag").unwrap();
    assert_eq!(error["column"], 1);
    assert_eq!(error["source_line"], "{% hint style=\"info\" %}");
    assert!(error["help"].as_str().unwrap().contains("{% endhint %}"));
}

#[test]
fn inspect_prints_the_model_as_json() {
    let fixture = clean_book();
    let run = fixture.run(&["inspect"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json = run.json();
    assert_eq!(json["pages"][0]["title"], "Bienvenue");
    assert_eq!(json["pages"][1]["path"], "guide.md");
    assert_eq!(
        json["pages"][1]["front_matter"]["description"],
        "Pour bien commencer."
    );
    assert_eq!(json["meta"]["revision"]["id"], fixture.head().to_string());
    assert_eq!(json["meta"]["revision"]["time"], T0);
    assert_eq!(
        json["meta"]["title"], "Bienvenue",
        "without livret.yaml, the title is the first page's"
    );

    let book: Book =
        serde_json::from_str(&run.stdout).expect("inspect output reads back as a Book");
    assert_eq!(book, fixture.load("HEAD").book);
    let anchors: Vec<&str> = book.pages[1]
        .all_sections()
        .into_iter()
        .map(|s| s.anchor.as_str())
        .collect();
    assert!(
        anchors.contains(&"démarrer") && anchors.contains(&"démarrer-1"),
        "repeated anchors are numbered: {anchors:?}"
    );
}

#[test]
fn inspect_page_prints_that_page_only() {
    let fixture = clean_book();
    let run = fixture.run(&["inspect", "--page", "guide.md"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json = run.json();
    assert_eq!(json["path"], "guide.md");
    assert_eq!(json["title"], "Le guide");
    assert!(
        json.get("pages").is_none() && json.get("meta").is_none(),
        "only the page: {json}"
    );
    let page: Page = serde_json::from_str(&run.stdout).expect("a Page");
    assert_eq!(&page, fixture.load("HEAD").book.page("guide.md").unwrap());

    let run = fixture.run(&["inspect", "--page", "inconnue.md"]);
    assert_eq!(run.code, 2);
    assert!(run.stdout.is_empty());
    assert!(run.stderr.contains("`inconnue.md`"), "{}", run.stderr);
}
