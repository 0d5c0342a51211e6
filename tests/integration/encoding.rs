//! Text encodings: Mac Roman mojibake repaired with a warning, invalid UTF-8 reported with its position.

use livret_model::Severity;
use livret_tests::{
    describe, diagnostics, file, mac_roman_mojibake, page, page_paths, page_text, Fixture, T0,
};

const ORIGINAL: &str = "# 🌱 Été à l’école

Nous préférons les échanges francs : chacun s’exprime, puis l’équipe décide.

Le café est offert très tôt le matin, après la réunion du lundi.
";

const NOTES: &str = "# Notes

Il a été décidé d’ouvrir la bibliothèque le mercredi.
";

fn mojibake_book() -> Fixture {
    Fixture::with(
        &[
            file("SUMMARY.md", "# Table of contents\n\n* [Accueil](README.md)\n* [École](ecole.md)\n* [Notes](notes.md)\n"),
            file("README.md", "# Accueil\n\nUn livret propre.\n"),
            file("ecole.md", mac_roman_mojibake(ORIGINAL)),
            file("notes.md", mac_roman_mojibake(NOTES)),
        ],
        T0,
    )
}

#[test]
fn the_fixture_really_is_mac_roman_mojibake() {
    let garbled = mac_roman_mojibake(ORIGINAL);
    assert!(garbled.starts_with("# \u{F8FF}"), "{garbled}");
    assert!(
        garbled.contains("√â") && garbled.contains("l‚Äô√©cole"),
        "{garbled}"
    );
    assert!(mac_roman_mojibake(NOTES).contains("Il a √©t√© d√©cid√© d‚Äôouvrir"));
}

#[test]
fn mojibake_is_repaired_in_the_model_with_a_warning_at_its_first_line() {
    let book = mojibake_book().load("HEAD").book;
    let ecole = page(&book, "ecole.md");
    assert_eq!(ecole.title, "🌱 Été à l’école");
    let text = page_text(ecole);
    assert!(
        text.contains(
            "Nous préférons les échanges francs : chacun s’exprime, puis l’équipe décide."
        ),
        "{text}"
    );
    assert!(
        text.contains("Le café est offert très tôt le matin, après la réunion du lundi."),
        "{text}"
    );
    assert!(
        !text.contains('√') && !text.contains('‚'),
        "no mojibake left: {text}"
    );

    let notes = page(&book, "notes.md");
    assert!(page_text(notes).contains("Il a été décidé d’ouvrir la bibliothèque le mercredi."));

    let found: Vec<(Severity, &str, Option<u32>)> = diagnostics(&book, "mojibake")
        .iter()
        .map(|d| (d.severity, d.path.as_deref().unwrap_or(""), d.line))
        .collect();
    assert_eq!(
        found,
        [
            (Severity::Warning, "ecole.md", Some(1)),
            (Severity::Warning, "notes.md", Some(3))
        ],
        "{}",
        describe(&book)
    );
    assert!(
        diagnostics(&book, "mojibake")[0]
            .message
            .contains("3 line(s)"),
        "{}",
        diagnostics(&book, "mojibake")[0].message
    );
    assert_eq!(
        book.diagnostics.len(),
        2,
        "only the two mojibake warnings:\n{}",
        describe(&book)
    );
    assert!(page(&book, "README.md").title == "Accueil");
}

#[test]
fn check_reports_mojibake_as_a_warning_and_succeeds() {
    let run = mojibake_book().run(&["check", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lines = run.json_lines();
    let codes: Vec<&str> = lines
        .iter()
        .map(|d| d["code"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(codes, ["mojibake", "mojibake"]);
    assert_eq!(lines[0]["severity"], "warning");
    assert_eq!(lines[0]["line"], 1);
}

/// A book in `manuel/` whose page `cassee.md` holds a Latin-1 byte on line 3, column 17.
fn invalid_utf8_book() -> Fixture {
    Fixture::with(
        &[
            file("livret.yaml", "root: manuel\n"),
            file("manuel/SUMMARY.md", "# Table of contents\n\n* [Accueil](README.md)\n* [Cassée](cassee.md)\n* [Suite](suite.md)\n"),
            file("manuel/README.md", "# Accueil\n\nBienvenue.\n"),
            file("manuel/cassee.md", b"# Page ab\xc3\xaem\xc3\xa9e\n\nUn mot mal encod\xe9 ici.\nLa suite est lisible.\n".as_slice()),
            file("manuel/suite.md", "# Suite\n\nTout va bien.\n"),
        ],
        T0,
    )
}

#[test]
fn invalid_utf8_is_an_error_with_line_and_column_and_the_rest_is_parsed() {
    let book = invalid_utf8_book().load("HEAD").book;
    let found = diagnostics(&book, "invalid-utf8");
    assert_eq!(found.len(), 1, "{}", describe(&book));
    let diagnostic = found[0];
    assert_eq!(diagnostic.severity, Severity::Error);
    assert_eq!(diagnostic.path.as_deref(), Some("manuel/cassee.md"));
    assert_eq!((diagnostic.line, diagnostic.column), (Some(3), Some(17)));

    assert_eq!(page_paths(&book), ["README.md", "cassee.md", "suite.md"]);
    let broken = page(&book, "cassee.md");
    assert_eq!(broken.title, "Page abîmée");
    let text = page_text(broken);
    assert!(text.contains("Un mot mal encod\u{FFFD} ici."), "{text}");
    assert!(text.contains("La suite est lisible."), "{text}");
    assert_eq!(page(&book, "suite.md").title, "Suite");
}

#[test]
fn check_exits_1_on_invalid_utf8() {
    let fixture = invalid_utf8_book();
    let run = fixture.run(&["check", "--format", "json"]);
    assert_eq!(
        run.code, 1,
        "stdout: {}\nstderr: {}",
        run.stdout, run.stderr
    );
    let lines = run.json_lines();
    let error = lines
        .iter()
        .find(|d| d["code"] == "invalid-utf8")
        .expect("an invalid-utf8 line");
    assert_eq!(error["severity"], "error");
    assert_eq!(error["path"], "manuel/cassee.md");
    assert_eq!(
        (error["line"].as_u64(), error["column"].as_u64()),
        (Some(3), Some(17))
    );

    let text = fixture.run(&["check"]);
    assert_eq!(text.code, 1);
    assert!(
        text.stderr.contains("--> manuel/cassee.md:3:17"),
        "{}",
        text.stderr
    );
}

#[test]
fn a_byte_order_mark_and_crlf_line_ends_are_not_problems() {
    let fixture = Fixture::with(
        &[
            file(
                "SUMMARY.md",
                "# Table of contents\r\n\r\n* [Accueil](README.md)\r\n",
            ),
            file(
                "README.md",
                "\u{FEFF}# Accueil Windows\r\n\r\nUne ligne.\r\nUne autre.\r\n",
            ),
        ],
        T0,
    );
    let book = fixture.load("HEAD").book;
    assert_eq!(book.pages[0].title, "Accueil Windows");
    assert!(book.diagnostics.is_empty(), "{}", describe(&book));
}
