//! The exporter on hand-made histories: each version's text is parsed with livret's parser, so
//! these tests read like the changes an editor makes.

use livret_core::{parse_page, BookIndex, Library};
use livret_export_changelog::{build, Change, Changelog, Options};
use livret_model::{
    Book, BookMeta, ExportContext, History, PageChange, PageHistory, PageVersion, PageVersions,
    Revision, Settings,
};
use std::collections::{BTreeMap, HashMap};

const T0: i64 = 1_709_283_600;
const DAY: i64 = 86_400;

fn parse(path: &str, text: &str) -> livret_model::Page {
    let index = BookIndex {
        pages: [path.to_owned()].into_iter().collect(),
        unpublished: Default::default(),
        files: HashMap::new(),
        redirects: BTreeMap::new(),
        readme: "README.md".to_owned(),
    };
    let texts = HashMap::new();
    let library = Library {
        index: &index,
        texts: &texts,
    };
    parse_page(path, text, None, &library).page
}

/// The changelog of `values.md` whose versions, oldest first, are `texts`.
fn changelog(texts: &[&str]) -> Changelog {
    let path = "valeurs.md";
    let mut versions = PageVersions::new();
    let mut history = PageHistory::default();
    for (index, text) in texts.iter().enumerate() {
        let blob = format!("{index:040x}");
        versions.insert(blob.clone(), parse(path, text));
        history.versions.insert(
            0,
            PageVersion {
                commit: format!("{:040x}", index + 1000),
                time: T0 + index as i64 * DAY,
                offset_minutes: 0,
                author: "Alice".to_owned(),
                path: path.to_owned(),
                blob,
                change: if index == 0 {
                    PageChange::Created
                } else {
                    PageChange::Edited
                },
            },
        );
    }
    let current = parse(path, texts.last().copied().unwrap_or(""));
    let book = Book {
        meta: BookMeta {
            title: "Livret".to_owned(),
            subtitle: None,
            author: None,
            organisation: None,
            language: "fr".to_owned(),
            base_url: None,
            root: String::new(),
            revision: Revision {
                id: "f".repeat(40),
                time: T0 + 100 * DAY,
                offset_minutes: 0,
                shallow: false,
            },
        },
        toc: Vec::new(),
        pages: vec![current],
        orphans: Vec::new(),
        assets: Vec::new(),
        redirects: Vec::new(),
        diagnostics: Vec::new(),
    };
    let history = History {
        pages: [(path.to_owned(), history)].into_iter().collect(),
        commits: texts.len(),
        shallow_boundary: None,
    };
    let settings = Settings::default();
    let context = ExportContext::new(&book, &settings)
        .with_history(&history)
        .with_versions(&versions);
    let options = Options {
        pages: Some(vec![path.to_owned()]),
        ..Options::default()
    };
    build(&context, &options).expect("the changelog builds")
}

/// Kinds of the changes of the newest revision.
fn last_changes(texts: &[&str]) -> Vec<Change> {
    changelog(texts).pages[0].revisions[0].changes.clone()
}

const BASE: &str = "# Nos valeurs\n\n## Ensemble\n\n### Entraide\n\nOn s’aide.\n\n### Confiance\n\nOn se fait confiance.\n\n### Horaires\n\nChacun choisit.\n\n## Faire\n\n### Livrer tôt\n\nPetit et souvent.\n\n**Transparence**\n\nTout est public.\n";

#[test]
fn a_value_moved_to_another_group_is_the_only_move() {
    // Sobriété between Livrer tôt and its bold child Transparence, which it then holds.
    let before = BASE.replace(
        "**Transparence**",
        "### Sobriété\n\nMoins, c’est mieux.\n\n**Transparence**",
    );
    let after = BASE.replace(
        "## Faire",
        "### Sobriété\n\nMoins, c’est mieux.\n\n## Faire",
    );
    let changes = last_changes(&[&before, &after]);
    let moved: Vec<&Change> = changes
        .iter()
        .filter(|c| matches!(c, Change::ValueMoved { .. }))
        .collect();
    assert_eq!(moved.len(), 1, "{changes:#?}");
}

#[test]
fn without_a_followed_page_the_changelog_says_how_to_choose_one() {
    let text = "# Outils\n\nLa messagerie.\n";
    let mut log = changelog(&[text]);
    log.pages.clear();
    let files = livret_export_changelog::render(&log, &[livret_export_changelog::Output::Markdown]);
    let markdown = String::from_utf8(files[0].bytes.clone()).unwrap();
    assert!(markdown.contains("Aucune page n’est suivie"), "{markdown}");
    assert!(
        markdown.contains("changelog: { pages: [culture/valeurs.md] }"),
        "{markdown}"
    );
}

#[test]
fn a_hint_reworded_and_the_introduction_are_told_apart_from_values() {
    let before = format!("{BASE}\n{{% hint style=\"info\" %}}\nCes valeurs concernent toute l’équipe.\n{{% endhint %}}\n");
    let after = before
        .replace("toute l’équipe.", "toute l’équipe, stagiaires compris.")
        .replace(
            "# Nos valeurs\n",
            "# Nos valeurs\n\nCe que nous défendons.\n",
        );
    let changes = last_changes(&[&before, &after]);
    let kinds: Vec<&str> = changes
        .iter()
        .map(|c| match c {
            Change::IntroReworded { .. } => "intro",
            Change::HintReworded { .. } => "hint",
            _ => "other",
        })
        .collect();
    assert_eq!(kinds, vec!["intro", "hint"], "{changes:#?}");
}
