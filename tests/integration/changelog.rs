//! `livret build --format changelog` and `livret changelog`: a values page followed through its
//! whole history (born as another document, moved four times, retitled, reworded, a hint, a typo,
//! formatting only, a missing blob, a shallow clone), and the sample handbook's values page.

use livret_core::{history_with, HistoryOptions, LoadOptions, WalkMode};
use livret_model::PageChange;
use livret_tests::*;
use serde_json::Value;
use std::path::Path;

const SETTINGS: &str = "root: docs\ntitle: Guide de l’équipe\nlanguage: fr\nrepository_url: https://forge.example.org/fabrique/guide\nchangelog:\n  pages:\n    - culture/valeurs.md\n";

fn summary(values_path: &str) -> String {
    format!("# Sommaire\n\n* [Accueil](README.md)\n* [Nos valeurs]({values_path})\n")
}

/// The team charter, a different document that the values page was born as.
const CHARTER: &str = "# Charte de l’équipe

Quelques règles pratiques pour travailler ensemble au quotidien.

## Horaires

Les réunions commencent à 9 h 30 et ne dépassent jamais une heure.

## Outils

Nous utilisons la messagerie de l’équipe pour les questions rapides et le courriel pour le reste.

## Congés

Chaque absence est notée dans le calendrier partagé au moins une semaine à l’avance.
";

/// The values, as first written over the charter.
const VALUES: &str = "---
description: Ce qui guide nos décisions.
---

# Nos valeurs

Ces valeurs décrivent ce que nous faisons quand tout va bien, et ce vers quoi nous revenons quand tout va mal.

## Travailler ensemble

### Entraide

Personne ne réussit seul. Une question posée sur le canal commun reçoit une réponse dans la journée.

### Confiance a priori

Nous partons du principe que chacun fait de son mieux avec ce qu’il sait. Quand quelque chose se passe mal, nous cherchons la cause dans l’organisation plutôt qu’un coupable.

### Horaires choisis

Chacun organise ses journées comme il l’entend, tant que l’équipe peut compter sur lui aux rituels.

## Notre façon de faire

### Livrer tôt

Une première version simple, utilisée par de vrais usagers, nous apprend plus qu’un long cahier des charges.

**Transparence**

Nos budgets et nos décisions sont publics. La transparance permet à d’autres de reprendre notre travail :

- les comptes rendus sont publiés chaque semaine ;
- les indicateurs sont ouverts à tous.
";

const HINT: &str = "{% hint style=\"success\" %}
Une valeur te paraît absente ? Propose une modification de cette page.
{% endhint %}
";

const SOBRIETY: &str = "### Sobriété

Chaque serveur et chaque donnée conservée ont un coût. Avant d’ajouter, nous nous demandons ce que nous pourrions retirer.

";

/// Each version of the values page, oldest first, as the fixture commits them.
struct Versions {
    values: String,
    reworded: String,
    retitled: String,
    hinted: String,
    sober: String,
    typo_fixed: String,
    formatted: String,
    sobriety_moved: String,
    lost: String,
    last: String,
    reflowed: String,
}

fn versions() -> Versions {
    let values = VALUES.to_owned();
    let reworded = values.replace(
        "Personne ne réussit seul. Une question posée sur le canal commun reçoit une réponse dans la journée.",
        "Personne ne réussit seul à la Fabrique. Une question posée sur le canal commun reçoit une réponse le jour même, et une équipe en difficulté peut demander un coup de main à une autre.",
    );
    let retitled = reworded.replace("### Confiance a priori", "### Confiance par défaut");
    let hinted = retitled.replace(
        "plutôt qu’un coupable.\n",
        &format!("plutôt qu’un coupable.\n\n{HINT}"),
    );
    let sober = hinted.replace("**Transparence**", &format!("{SOBRIETY}**Transparence**"));
    let typo_fixed = sober.replace("La transparance", "La transparence");
    // GitBook's writer: entities at line ends, `*` bullets, a lone backslash line, an escape.
    let formatted = typo_fixed
        .replace("quand tout va mal.\n", "quand tout va mal.&#x20;\n\n\\\n")
        .replace("- les comptes", "* les comptes")
        .replace("- les indicateurs", "* les indicateurs")
        .replace("aux rituels.", "aux rituels.&#x20;");
    let sobriety_moved = formatted.replace(SOBRIETY, "").replace(
        "## Notre façon de faire",
        &format!("{SOBRIETY}## Notre façon de faire"),
    );
    let lost = sobriety_moved.replace(
        "nous apprend plus qu’un long cahier des charges.",
        "nous en apprend bien plus qu’un long cahier des charges.",
    );
    let last = lost
        .replace(
            "### Horaires choisis\n\nChacun organise ses journées comme il l’entend, tant que l’équipe peut compter sur lui aux rituels.&#x20;\n\n",
            "",
        )
        .replace("### Livrer tôt\n", "### Livrer tôt, apprendre souvent\n");
    // Reflowed in a text editor while being moved (paragraphs wrapped at 60 columns): the text is
    // the same, but so few lines are that Git's rename detection no longer pairs the two files.
    let reflowed = last
        .lines()
        .map(|line| {
            let prose =
                !line.starts_with(['#', '-', '{', '*', '\\']) && !line.starts_with("description:");
            if prose {
                wrap(line, 60)
            } else {
                line.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n";
    Versions {
        values,
        reworded,
        retitled,
        hinted,
        sober,
        typo_fixed,
        formatted,
        sobriety_moved,
        lost,
        last,
        reflowed,
    }
}

/// `line` cut at spaces into lines of at most `width` characters.
fn wrap(line: &str, width: usize) -> String {
    let mut lines: Vec<String> = Vec::new();
    for word in line.split(' ') {
        match lines.last_mut() {
            Some(last) if last.chars().count() + 1 + word.chars().count() <= width => {
                last.push(' ');
                last.push_str(word);
            }
            _ => lines.push(word.to_owned()),
        }
    }
    lines.join("\n")
}

/// Commit ids of the fixture that tests refer to.
struct Ids {
    /// The commit whose version of the page is made unreadable by `delete_object`.
    lost: git2::Oid,
    /// The blob of that version.
    lost_blob: git2::Oid,
    /// The version before it, which the next readable one is compared with.
    value_moved: git2::Oid,
    /// The typo fix, made the shallow boundary in the shallow variant.
    typo_fix: git2::Oid,
    /// Its parent.
    sober: git2::Oid,
}

const ALICE: &str = "Alice Martin";
const BRUNO: &str = "Bruno Petit";
const CHLOE: &str = "Chloé Durand";

/// The values page's whole life, one commit a day from 2024-03-01, with GitBook's subjects.
fn values_fixture() -> (Fixture, Ids) {
    let v = versions();
    let fixture = Fixture::new();
    let readme = file("docs/README.md", "# Accueil\n\nBienvenue dans l’équipe.\n");
    let at = |day: i64| T0 + day * DAY;
    let mut n = 0;
    let mut subject = || {
        n += 1;
        format!("GITBOOK-{n}: No subject")
    };
    // Day 0: a team charter.
    fixture.commit_as(
        ALICE,
        &[
            file("livret.yaml", SETTINGS),
            file("docs/SUMMARY.md", summary("charte.md")),
            readme,
            file("docs/charte.md", CHARTER),
        ],
        &subject(),
        at(0),
    );
    // Day 1: the charter is rewritten in place into the values.
    fixture.commit_as(
        BRUNO,
        &[file("docs/charte.md", &v.values)],
        &subject(),
        at(1),
    );
    // Day 2: a plain rename.
    fixture.commit_as(
        CHLOE,
        &[
            deleted("docs/charte.md"),
            file("docs/valeurs.md", &v.values),
            file("docs/SUMMARY.md", summary("valeurs.md")),
        ],
        &subject(),
        at(2),
    );
    // Day 3: a value reworded.
    fixture.commit_as(
        ALICE,
        &[file("docs/valeurs.md", &v.reworded)],
        &subject(),
        at(3),
    );
    // Day 4: moved into a folder's README.
    fixture.commit_as(
        BRUNO,
        &[
            deleted("docs/valeurs.md"),
            file("docs/culture/README.md", &v.reworded),
            file("docs/SUMMARY.md", summary("culture/")),
        ],
        &subject(),
        at(4),
    );
    // Day 5: a value retitled.
    fixture.commit_as(
        CHLOE,
        &[file("docs/culture/README.md", &v.retitled)],
        &subject(),
        at(5),
    );
    // Day 6: a hint added.
    fixture.commit_as(
        ALICE,
        &[file("docs/culture/README.md", &v.hinted)],
        &subject(),
        at(6),
    );
    // Day 7: moved out of the README, and a value added in the same commit.
    let sober = fixture.commit_as(
        BRUNO,
        &[
            deleted("docs/culture/README.md"),
            file("docs/equipe/valeurs.md", &v.sober),
            file("docs/SUMMARY.md", summary("equipe/valeurs.md")),
        ],
        &subject(),
        at(7),
    );
    // Day 8: a typo fixed.
    let typo_fix = fixture.commit_as(
        CHLOE,
        &[file("docs/equipe/valeurs.md", &v.typo_fixed)],
        &subject(),
        at(8),
    );
    // Day 9: formatting only.
    fixture.commit_as(
        ALICE,
        &[file("docs/equipe/valeurs.md", &v.formatted)],
        &subject(),
        at(9),
    );
    // Day 10: a value moved to another group.
    let value_moved = fixture.commit_as(
        BRUNO,
        &[file("docs/equipe/valeurs.md", &v.sobriety_moved)],
        &subject(),
        at(10),
    );
    // Day 11: a value reworded; this version's blob goes missing in the tests.
    let lost = fixture.commit_as(
        CHLOE,
        &[file("docs/equipe/valeurs.md", &v.lost)],
        &subject(),
        at(11),
    );
    // Day 12: a value removed and another retitled.
    fixture.commit_as(
        ALICE,
        &[file("docs/equipe/valeurs.md", &v.last)],
        &subject(),
        at(12),
    );
    // Day 13: moved again and reflowed: Git sees a deletion and an addition.
    fixture.commit_as(
        BRUNO,
        &[
            deleted("docs/equipe/valeurs.md"),
            file("docs/culture/valeurs.md", &v.reflowed),
            file("docs/SUMMARY.md", summary("culture/valeurs.md")),
        ],
        &subject(),
        at(13),
    );
    let lost_blob = fixture.blob_id(lost, "docs/equipe/valeurs.md");
    (
        fixture,
        Ids {
            lost,
            lost_blob,
            value_moved,
            typo_fix,
            sober,
        },
    )
}

/// Runs `livret build --format changelog` and returns the output folder.
fn build_changelog(repository: &Path) -> (tempfile::TempDir, Run) {
    let out = tempfile::tempdir().expect("as built by the fixture");
    let mut command = livret();
    command
        .args(["build", "--format", "changelog", "--out"])
        .arg(out.path())
        .arg("--repo")
        .arg(repository);
    let run = run(command);
    (out, run)
}

fn read(out: &Path, name: &str) -> String {
    std::fs::read_to_string(out.join(name))
        .unwrap_or_else(|error| panic!("{name} was not written: {error}"))
}

fn json(out: &Path) -> Value {
    serde_json::from_str(&read(out, "changelog.json")).expect("changelog.json is JSON")
}

/// The page's revisions as `(day, kinds of changes)`, oldest first.
fn kinds(page: &Value) -> Vec<(i64, Vec<String>)> {
    let mut out: Vec<(i64, Vec<String>)> = page["revisions"]
        .as_array()
        .expect("as built by the fixture")
        .iter()
        .map(|revision| {
            let date = revision["date"].as_str().expect("as built by the fixture");
            let day: i64 = date[8..10].parse::<i64>().expect("as built by the fixture") - 1;
            let kinds = revision["changes"]
                .as_array()
                .expect("as built by the fixture")
                .iter()
                .map(|c| {
                    c["kind"]
                        .as_str()
                        .expect("as built by the fixture")
                        .to_owned()
                })
                .collect();
            (day, kinds)
        })
        .collect();
    out.reverse();
    out
}

fn change<'v>(page: &'v Value, commit: usize, kind: &str) -> &'v Value {
    let revisions = page["revisions"]
        .as_array()
        .expect("as built by the fixture");
    let revision = &revisions[revisions.len() - 1 - commit];
    revision["changes"]
        .as_array()
        .expect("as built by the fixture")
        .iter()
        .find(|c| c["kind"] == kind)
        .unwrap_or_else(|| panic!("no {kind} in revision {commit}: {revision:#}"))
}

fn strs(values: &[&str]) -> Vec<String> {
    values.iter().map(|s| (*s).to_owned()).collect()
}

#[test]
fn git_does_not_see_the_last_move_but_livret_does() {
    let (fixture, _) = values_fixture();
    let output = std::process::Command::new("git")
        .args(["log", "-M", "--name-status", "--format=%s", "-1"])
        .current_dir(fixture.path())
        .output()
        .expect("run git log");
    let log = String::from_utf8_lossy(&output.stdout);
    assert!(log.contains("D\tdocs/equipe/valeurs.md"), "{log}");
    assert!(log.contains("A\tdocs/culture/valeurs.md"), "{log}");

    let loaded = fixture.load("HEAD");
    let options = LoadOptions::new(fixture.path());
    let walk = HistoryOptions {
        mode: WalkMode::FirstParent,
        pages: Some(vec!["culture/valeurs.md".to_owned()]),
    };
    let (history, diagnostics) = history_with(&options, &loaded.book, &walk).unwrap();
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    let versions = &history.pages["culture/valeurs.md"].versions;
    let changes: Vec<&PageChange> = versions.iter().map(|v| &v.change).collect();
    let moved = |from: &str| PageChange::MovedAndEdited {
        from: from.to_owned(),
    };
    let plain = |from: &str| PageChange::Moved {
        from: from.to_owned(),
    };
    assert_eq!(
        changes,
        vec![
            &moved("equipe/valeurs.md"),
            &PageChange::Edited,
            &PageChange::Edited,
            &PageChange::Edited,
            &PageChange::Edited,
            &PageChange::Edited,
            &moved("culture/README.md"),
            &PageChange::Edited,
            &PageChange::Edited,
            &plain("valeurs.md"),
            &PageChange::Edited,
            &plain("charte.md"),
            &PageChange::Edited,
            &PageChange::Created,
        ]
    );
    assert_eq!(versions[0].path, "culture/valeurs.md");
    assert_eq!(versions[13].path, "charte.md");
    assert_eq!(versions[13].author, ALICE);
}

#[test]
fn the_fixture_changelog_is_the_reviewed_one() {
    let (fixture, ids) = values_fixture();
    fixture.delete_object(ids.lost_blob);
    let (out, run) = build_changelog(fixture.path());
    assert_eq!(run.code, 0, "build failed:\n{}", run.stderr);
    assert!(
        run.stderr.contains("warning[missing-blob]")
            && run.stderr.contains(&ids.lost_blob.to_string()),
        "the missing version is reported: {}",
        run.stderr
    );
    let markdown = read(out.path(), "CHANGELOG.md");
    insta::assert_snapshot!("changelog-fixture", markdown);

    // The revisions as a JSON Feed, with ids made of the commit and the page.
    let feed_path = out.path().join("changes.json");
    assert_valid_json(&feed_path, &json_feed_schema());
    let feed: Value = serde_json::from_str(&read(out.path(), "changes.json")).unwrap();
    let items = feed["items"].as_array().unwrap();
    assert_eq!(items.len(), 14);
    assert_eq!(
        items[0]["id"],
        format!("urn:livret:change:{}:culture/valeurs.md", fixture.head())
    );
    assert_eq!(items[0]["authors"][0]["name"], BRUNO);
    assert_eq!(items[0]["date_published"], "2024-03-14T09:00:00Z");
    assert_eq!(
        items[5]["tags"],
        serde_json::json!(["typo-fixed"]),
        "{:#}",
        items[5]
    );

    // Same revision, same bytes.
    let (again, _) = build_changelog(fixture.path());
    assert_eq!(read(again.path(), "CHANGELOG.md"), markdown);
    assert_eq!(
        read(again.path(), "changelog.json"),
        read(out.path(), "changelog.json")
    );
}

/// The values fixture with one version's blob lost, its changelog built once.
struct LostVersion {
    /// changelog.json, parsed.
    log: Value,
    ids: Ids,
    head: String,
    /// changelog.json and CHANGELOG.md as written.
    texts: [String; 2],
}

fn lost_version_log() -> &'static LostVersion {
    static BUILT: std::sync::OnceLock<LostVersion> = std::sync::OnceLock::new();
    BUILT.get_or_init(|| {
        let (fixture, ids) = values_fixture();
        fixture.delete_object(ids.lost_blob);
        let (out, run) = build_changelog(fixture.path());
        assert_eq!(run.code, 0, "build failed:\n{}", run.stderr);
        LostVersion {
            log: json(out.path()),
            ids,
            head: fixture.head().to_string(),
            texts: [
                read(out.path(), "changelog.json"),
                read(out.path(), "CHANGELOG.md"),
            ],
        }
    })
}

#[test]
fn every_revision_of_the_fixture_is_classified() {
    let log = &lost_version_log().log;
    assert_eq!(log["language"], "fr");
    assert_eq!(log["commits"], "first_parent");
    let page = &log["pages"][0];
    assert_eq!(page["path"], "culture/valeurs.md");
    assert_eq!(page["title"], "Nos valeurs");
    assert_eq!(page["history"]["complete"], true);
    assert_eq!(page["history"]["missing_versions"], 1);
    let values_born = [
        "value_added",
        "value_added",
        "value_added",
        "value_added",
        "value_added",
    ];
    let mut rewrite = strs(&["page_rewritten"]);
    rewrite.extend(strs(&values_born));
    rewrite.extend(strs(&["value_removed", "value_removed", "value_removed"]));
    assert_eq!(
        kinds(page),
        vec![
            (
                0,
                strs(&["page_created", "value_added", "value_added", "value_added"])
            ),
            (1, rewrite),
            (2, strs(&["page_moved"])),
            (3, strs(&["value_reworded"])),
            (4, strs(&["page_moved"])),
            (5, strs(&["value_retitled"])),
            (6, strs(&["hint_added"])),
            (7, strs(&["page_moved", "value_added"])),
            (8, strs(&["value_reworded"])),
            (9, strs(&["formatting_only"])),
            (10, strs(&["value_moved"])),
            (11, strs(&["version_missing"])),
            (
                12,
                strs(&["value_retitled", "value_reworded", "value_removed"])
            ),
            (13, strs(&["page_moved", "formatting_only"])),
        ]
    );
    let rewritten = change(page, 1, "page_rewritten");
    assert_eq!(rewritten["from"], "Charte de l’équipe");
    assert_eq!(rewritten["to"], "Nos valeurs");
    assert_eq!(change(page, 2, "page_moved")["from"], "charte.md");
    assert_eq!(change(page, 2, "page_moved")["to"], "valeurs.md");
    assert_eq!(change(page, 4, "page_moved")["to"], "culture/README.md");
    assert_eq!(change(page, 7, "page_moved")["from"], "culture/README.md");
    assert_eq!(change(page, 7, "page_moved")["to"], "equipe/valeurs.md");
    assert_eq!(change(page, 13, "page_moved")["from"], "equipe/valeurs.md");
    assert_eq!(change(page, 13, "page_moved")["to"], "culture/valeurs.md");

    let reworded = change(page, 3, "value_reworded");
    assert_eq!(reworded["title"], "Entraide");
    assert_eq!(reworded["typo"], false);
    let inserted: Vec<&str> = reworded["diff"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["op"] == "insert")
        .map(|p| p["text"].as_str().unwrap())
        .collect();
    assert!(inserted.contains(&"seul à la Fabrique."), "{inserted:?}");

    let retitled = change(page, 5, "value_retitled");
    assert_eq!(retitled["from"], "Confiance a priori");
    assert_eq!(retitled["to"], "Confiance par défaut");
    assert_eq!(retitled["value"], "confiance-a-priori", "ids never change");

    let hint = change(page, 6, "hint_added");
    assert_eq!(hint["style"], "success");
    assert_eq!(hint["value_title"], "Confiance par défaut");

    assert_eq!(change(page, 7, "value_added")["title"], "Sobriété");
    assert_eq!(
        change(page, 7, "value_added")["group"],
        "Notre façon de faire"
    );

    let typo = change(page, 8, "value_reworded");
    assert_eq!(typo["title"], "Transparence");
    assert_eq!(typo["typo"], true);
    assert_eq!(
        typo["diff"],
        serde_json::json!([
            {"op": "equal", "text": "Nos budgets et nos décisions sont publics. La"},
            {"op": "delete", "text": "transparance"},
            {"op": "insert", "text": "transparence"},
            {"op": "equal", "text": "permet à d’autres de reprendre notre travail : ¶ les comptes rendus sont publiés chaque semaine ; ¶ les indicateurs sont ouverts à tous."},
        ])
    );
}

/// Formatting-only revisions, moved values, a lost version and what the next one is compared with.
#[test]
fn formatting_moves_and_a_lost_version_are_told_apart() {
    let LostVersion { log, ids, .. } = lost_version_log();
    let page = &log["pages"][0];
    let revisions = page["revisions"].as_array().unwrap();
    let formatting = &revisions[revisions.len() - 10];
    assert_eq!(formatting["formatting_only"], true);
    assert_eq!(
        formatting["summary"],
        "Mise en forme seulement, texte inchangé."
    );

    let moved = change(page, 10, "value_moved");
    assert_eq!(moved["title"], "Sobriété");
    assert_eq!(moved["from_group"], "Notre façon de faire");
    assert_eq!(moved["to_group"], "Travailler ensemble");

    let missing = change(page, 11, "version_missing");
    assert_eq!(
        revisions[revisions.len() - 12]["commit"],
        ids.lost.to_string()
    );
    assert_eq!(missing["blob"], ids.lost_blob.to_string());
    let after = &revisions[revisions.len() - 13];
    assert_eq!(after["compared_with"], ids.value_moved.to_string()[..7]);
    let last = change(page, 12, "value_retitled");
    assert_eq!(last["from"], "Livrer tôt");
    assert_eq!(last["to"], "Livrer tôt, apprendre souvent");
    let reworded = change(page, 12, "value_reworded");
    assert_eq!(reworded["title"], "Livrer tôt, apprendre souvent");
    assert_eq!(
        change(page, 12, "value_removed")["title"],
        "Horaires choisis"
    );
}

/// Each revision's date, author and link, and each value's timeline.
#[test]
fn revisions_and_value_timelines() {
    let LostVersion {
        log, head, texts, ..
    } = lost_version_log();
    let page = &log["pages"][0];
    let revisions = page["revisions"].as_array().unwrap();
    // Each revision: date, author's name (never an e-mail), short id and link.
    let newest = &revisions[0];
    assert_eq!(newest["date"], "2024-03-14T09:00:00Z");
    assert_eq!(newest["author"], BRUNO);
    assert_eq!(newest["short"].as_str().unwrap().len(), 7);
    assert_eq!(
        newest["url"],
        format!("https://forge.example.org/fabrique/guide/commit/{head}")
    );
    assert!(texts.iter().all(|text| !text.contains("@example.org")));

    // Per value: birth, changes, retirement, current text, last change.
    let values = page["values"].as_array().unwrap();
    let titles: Vec<&str> = values
        .iter()
        .map(|v| v["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        vec![
            "Entraide",
            "Confiance par défaut",
            "Sobriété",
            "Livrer tôt, apprendre souvent",
            "Transparence",
            "Horaires choisis",
            "Congés",
            "Outils",
            "Horaires",
        ]
    );
    let confidence = &values[1];
    assert_eq!(confidence["current"], true);
    assert_eq!(confidence["born"]["date"], "2024-03-02T09:00:00Z");
    assert_eq!(confidence["last_changed"]["date"], "2024-03-06T09:00:00Z");
    assert!(confidence["text"]
        .as_str()
        .unwrap()
        .starts_with("Nous partons du principe"));
    let retired = &values[5];
    assert_eq!(retired["current"], false);
    assert_eq!(retired["retired"]["date"], "2024-03-13T09:00:00Z");
    let events: Vec<&str> = retired["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["change"]["kind"].as_str().unwrap())
        .collect();
    assert_eq!(events, vec!["value_added", "value_removed"]);
}

#[test]
fn a_shallow_clone_says_where_its_history_stops() {
    let (fixture, ids) = values_fixture();
    // A clone cut at the typo fix: `.git/shallow` names it and its parent is not there.
    std::fs::write(
        fixture.git_dir().join("shallow"),
        format!("{}\n", ids.typo_fix),
    )
    .unwrap();
    fixture.delete_object(ids.sober);
    let (out, run) = build_changelog(fixture.path());
    assert_eq!(run.code, 0, "build failed:\n{}", run.stderr);
    assert!(
        run.stderr.contains("warning[shallow-history]"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("git fetch --unshallow"),
        "{}",
        run.stderr
    );
    let markdown = read(out.path(), "CHANGELOG.md");
    insta::assert_snapshot!("changelog-fixture-shallow", markdown);

    let log = json(out.path());
    let page = &log["pages"][0];
    assert_eq!(page["history"]["complete"], false);
    assert_eq!(
        page["history"]["shallow_boundary"],
        ids.typo_fix.to_string()
    );
    assert_eq!(page["history"]["help"], "git fetch --unshallow");
    let kinds = kinds(page);
    assert_eq!(kinds.len(), 6, "{kinds:?}");
    assert_eq!(kinds[0].0, 8);
    assert_eq!(kinds[0].1[0], "history_start");
    assert!(kinds[0].1[1..].iter().all(|k| k == "value_present"));
    assert_eq!(kinds[1], (9, strs(&["formatting_only"])));
}

#[test]
fn the_sample_values_page_history_is_classified() {
    let (out, run) = build_changelog(&workspace_root());
    assert_eq!(run.code, 0, "build failed:\n{}", run.stderr);
    let log = json(out.path());
    let page = log["pages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["path"] == "culture/valeurs.md")
        .expect("the values page is followed");
    let revisions = page["revisions"].as_array().unwrap();
    assert!(revisions.len() >= 7, "{} revisions", revisions.len());
    // The seven content commits, oldest first.
    let oldest: Vec<&Value> = revisions.iter().rev().take(7).collect();
    let kinds_of = |revision: &Value| -> Vec<String> {
        revision["changes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["kind"].as_str().unwrap().to_owned())
            .collect()
    };
    let find = |revision: &Value, kind: &str| -> Value {
        revision["changes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["kind"] == kind)
            .cloned()
            .unwrap_or_else(|| panic!("no {kind} in {revision:#}"))
    };

    let created = kinds_of(oldest[0]);
    assert_eq!(created[0], "page_created");
    assert_eq!(created.iter().filter(|k| *k == "value_added").count(), 8);
    assert_eq!(find(oldest[0], "page_created")["path"], "valeurs.md");

    assert_eq!(kinds_of(oldest[1]), strs(&["value_added"]));
    assert_eq!(find(oldest[1], "value_added")["title"], "Sobriété");

    assert_eq!(kinds_of(oldest[2]), strs(&["value_reworded"]));
    let reworded = find(oldest[2], "value_reworded");
    assert_eq!(reworded["title"], "Livrer tôt, apprendre souvent");
    assert_eq!(reworded["typo"], false);
    let deleted: Vec<&str> = reworded["diff"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["op"] == "delete")
        .map(|p| p["text"].as_str().unwrap())
        .collect();
    assert!(deleted.contains(&"modeste,"), "{deleted:?}");

    assert_eq!(kinds_of(oldest[3]), strs(&["value_retitled"]));
    let retitled = find(oldest[3], "value_retitled");
    assert_eq!(retitled["from"], "Confiance a priori");
    assert_eq!(retitled["to"], "Confiance par défaut");

    assert_eq!(kinds_of(oldest[4]), strs(&["hint_added"]));
    assert_eq!(find(oldest[4], "hint_added")["style"], "success");

    assert_eq!(kinds_of(oldest[5]), strs(&["value_reworded"]));
    let typo = find(oldest[5], "value_reworded");
    assert_eq!(typo["title"], "Transparence : nous publions nos choix");
    assert_eq!(typo["typo"], true);
    let changed: Vec<(&str, &str)> = typo["diff"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["op"] != "equal")
        .map(|p| (p["op"].as_str().unwrap(), p["text"].as_str().unwrap()))
        .collect();
    assert_eq!(
        changed,
        vec![("delete", "transparance"), ("insert", "transparence")]
    );
    assert_eq!(
        oldest[5]["summary"],
        "Coquille corrigée dans «\u{a0}Transparence : nous publions nos choix\u{a0}»."
    );

    let moved = kinds_of(oldest[6]);
    assert_eq!(moved[0], "page_moved", "{moved:?}");
    assert!(moved[1..].iter().all(|k| k == "links_updated"), "{moved:?}");
    assert_eq!(find(oldest[6], "page_moved")["from"], "valeurs.md");
    assert_eq!(find(oldest[6], "page_moved")["to"], "culture/valeurs.md");

    let markdown = read(out.path(), "CHANGELOG.md");
    assert!(
        markdown.starts_with("# Journal des modifications\n"),
        "{markdown}"
    );
    assert!(markdown.contains("## 🧭 Nos valeurs"), "{markdown}");
}

#[test]
fn english_labels_when_the_handbook_is_in_english() {
    let fixture = Fixture::new();
    fixture.commit_as(
        "Dana Scott",
        &[
            file("livret.yaml", "language: en\n"),
            file(
                "SUMMARY.md",
                "# Contents\n\n* [Home](README.md)\n* [Values](values.md)\n",
            ),
            file("README.md", "# Home\n"),
            file(
                "values.md",
                "# Our values\n\n## Candour\n\nWe say what we think.\n",
            ),
        ],
        "GITBOOK-1: No subject",
        T0,
    );
    fixture.commit_as(
        "Eli Moss",
        &[file(
            "values.md",
            "# Our values\n\n## Candour\n\nWe say what we think.\n\n## Care\n\nWe look after each other.\n",
        )],
        "GITBOOK-2: No subject",
        T0 + DAY,
    );
    let (out, run) = build_changelog(fixture.path());
    assert_eq!(run.code, 0, "build failed:\n{}", run.stderr);
    let markdown = read(out.path(), "CHANGELOG.md");
    assert!(markdown.starts_with("# Changelog\n"), "{markdown}");
    assert!(
        markdown.contains("#### 2 March 2024 · Eli Moss · `"),
        "{markdown}"
    );
    assert!(markdown.contains("Value “Care” added."), "{markdown}");
    assert!(markdown.contains("### Revisions"), "{markdown}");
    assert!(
        markdown.contains("Page “Our values” created with 1 value."),
        "{markdown}"
    );
    assert_eq!(json(out.path())["language"], "en");
}

#[test]
fn the_changelog_command_filters_pages_dates_and_outputs() {
    let (fixture, _) = values_fixture();
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().to_str().unwrap();
    let run = fixture.run(&[
        "changelog",
        "--since",
        "2024-03-06",
        "--until",
        "2024-03-09",
        "--format",
        "json",
        "--language",
        "en",
        "--out",
        dir,
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!out.path().join("CHANGELOG.md").exists());
    assert!(!out.path().join("changes.json").exists());
    let log = json(out.path());
    assert_eq!(log["language"], "en");
    let dates: Vec<&str> = log["pages"][0]["revisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["date"].as_str().unwrap()[..10])
        .collect();
    assert_eq!(
        dates,
        vec!["2024-03-09", "2024-03-08", "2024-03-07", "2024-03-06"]
    );
    assert_eq!(
        log["pages"][0]["revisions"][3]["summary"],
        "Value “Confiance a priori” retitled “Confiance par défaut”."
    );

    let unknown = fixture.run(&["changelog", "--page", "nulle-part.md", "--out", dir]);
    assert_eq!(unknown.code, 1, "{}", unknown.stderr);
    assert!(
        unknown.stderr.contains("nulle-part.md"),
        "{}",
        unknown.stderr
    );
}

/// A merge: the page is moved on a side branch by Eli, merged into main.
#[test]
fn every_commit_or_first_parents_only() {
    let fixture = Fixture::new();
    let first = fixture.commit_as(
        "Dana Scott",
        &[
            file("SUMMARY.md", "# Sommaire\n\n* [Valeurs](valeurs.md)\n"),
            file("valeurs.md", "# Valeurs\n\n## Entraide\n\nOn s’aide.\n"),
        ],
        "GITBOOK-1: No subject",
        T0,
    );
    let repo = fixture.repo();
    let base = repo.find_commit(first).unwrap();
    let signature = |name: &str, time: i64| {
        git2::Signature::new(name, "x@example.org", &git2::Time::new(time, 0)).unwrap()
    };
    let mut moved = git2::build::TreeUpdateBuilder::new();
    let blob = repo
        .blob(b"# Valeurs\n\n## Entraide\n\nOn s\xe2\x80\x99aide.\n")
        .unwrap();
    let summary = repo
        .blob(b"# Sommaire\n\n* [Valeurs](equipe/valeurs.md)\n")
        .unwrap();
    moved.remove("valeurs.md");
    moved.upsert("equipe/valeurs.md", blob, git2::FileMode::Blob);
    moved.upsert("SUMMARY.md", summary, git2::FileMode::Blob);
    let side_tree = repo
        .find_tree(moved.create_updated(repo, &base.tree().unwrap()).unwrap())
        .unwrap();
    let side = repo
        .commit(
            None,
            &signature("Eli Moss", T0 + DAY),
            &signature("Eli Moss", T0 + DAY),
            "move",
            &side_tree,
            &[&base],
        )
        .unwrap();
    let main = fixture.commit_as(
        "Dana Scott",
        &[file("README.md", "# Accueil\n")],
        "GITBOOK-2: No subject",
        T0 + 2 * DAY,
    );
    let mut merged = git2::build::TreeUpdateBuilder::new();
    merged.upsert(
        "README.md",
        fixture.blob_id(main, "README.md"),
        git2::FileMode::Blob,
    );
    let merge_tree = repo
        .find_tree(merged.create_updated(repo, &side_tree).unwrap())
        .unwrap();
    let main_commit = repo.find_commit(main).unwrap();
    let side_commit = repo.find_commit(side).unwrap();
    repo.commit(
        Some("HEAD"),
        &signature("Dana Scott", T0 + 3 * DAY),
        &signature("Dana Scott", T0 + 3 * DAY),
        "Merge",
        &merge_tree,
        &[&main_commit, &side_commit],
    )
    .unwrap();

    let loaded = fixture.load("HEAD");
    let options = LoadOptions::new(fixture.path());
    let follow = |mode| {
        let walk = HistoryOptions {
            mode,
            pages: Some(vec!["equipe/valeurs.md".to_owned()]),
        };
        let (history, _) = history_with(&options, &loaded.book, &walk).unwrap();
        history.pages["equipe/valeurs.md"]
            .versions
            .iter()
            .map(|v| (v.author.clone(), v.change.clone()))
            .collect::<Vec<_>>()
    };
    let moved = PageChange::Moved {
        from: "valeurs.md".to_owned(),
    };
    assert_eq!(
        follow(WalkMode::FirstParent),
        vec![
            ("Dana Scott".to_owned(), moved.clone()),
            ("Dana Scott".to_owned(), PageChange::Created)
        ]
    );
    assert_eq!(
        follow(WalkMode::AllCommits),
        vec![
            ("Eli Moss".to_owned(), moved),
            ("Dana Scott".to_owned(), PageChange::Created)
        ]
    );
}
