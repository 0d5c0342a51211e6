//! Second builds and what a build shows: a build that reuses the cache gives the very bytes of one
//! that does not, the history walk of a later revision only reads the commits made since, and
//! progress is drawn on a terminal only.

use livret_cache::MemoryCache;
use livret_core::{HistoryOptions, LoadOptions, Source};
use livret_model::{Diagnostic, History};
use livret_tests::{deleted, file, Fixture, DAY, T0};
use std::path::Path;

const SUMMARY: &str =
    "# Summary\n\n* [Accueil](README.md)\n* [Valeurs](valeurs.md)\n* [Outils](outils.md)\n";

fn handbook() -> Fixture {
    Fixture::with(
        &[
            file("README.md", "# Accueil\n\nBienvenue.\n"),
            file("SUMMARY.md", SUMMARY),
            file(
                "valeurs.md",
                "# Valeurs\n\n## Entraide\n\nOn s’aide les uns les autres.\n",
            ),
            file(
                "outils.md",
                "# Outils\n\nLe chat, le wiki et le tableau des tâches.\n",
            ),
        ],
        T0,
    )
}

fn walk(
    fixture: &Fixture,
    revision: &str,
    cache: Option<&MemoryCache>,
) -> (History, Vec<Diagnostic>) {
    let options = LoadOptions {
        revision: revision.to_owned(),
        ..LoadOptions::new(fixture.path())
    };
    let mut source = Source::open(&options).expect("open the fixture");
    if let Some(cache) = cache {
        source = source.with_cache(cache);
    }
    let book = source.load().expect("load").book;
    source
        .history(&book, &HistoryOptions::default())
        .expect("walk the history")
}

/// What a later build reads: the cache as the driver saves and reads it back.
fn saved(cache: &MemoryCache) -> MemoryCache {
    MemoryCache::from_bytes(1, &cache.to_bytes())
}

#[test]
fn a_walk_from_a_kept_walk_equals_a_full_walk() {
    let fixture = handbook();
    fixture.commit(
        &[file(
            "valeurs.md",
            "# Valeurs\n\n## Entraide\n\nOn s’aide toujours.\n",
        )],
        "reword",
        T0 + DAY,
    );
    let cache = MemoryCache::new(1);
    let first = walk(&fixture, "HEAD", Some(&cache));
    assert_eq!(first, walk(&fixture, "HEAD", None));

    // New commits: an edit, a move with an edit, a new page.
    fixture.commit(
        &[file("outils.md", "# Outils\n\nLe chat et le wiki.\n")],
        "edit",
        T0 + 2 * DAY,
    );
    fixture.commit(
        &[
            deleted("valeurs.md"),
            file(
                "culture/valeurs.md",
                "# Valeurs\n\n## Entraide\n\nOn s’aide toujours, et vite.\n",
            ),
            file(
                "SUMMARY.md",
                SUMMARY.replace("(valeurs.md)", "(culture/valeurs.md)") + "* [FAQ](faq.md)\n",
            ),
            file("faq.md", "# FAQ\n\nDes questions ?\n"),
        ],
        "move and add",
        T0 + 3 * DAY,
    );
    let cache = saved(&cache);
    let warm = walk(&fixture, "HEAD", Some(&cache));
    let cold = walk(&fixture, "HEAD", None);
    assert_eq!(warm, cold);
    assert_eq!(cold.0.commits, 4);
    let valeurs = &cold.0.pages["culture/valeurs.md"];
    assert_eq!(valeurs.versions.len(), 3, "{valeurs:?}");
    assert_eq!(cache.hits_and_misses().0, 1);

    // Proof that the kept walk was used: without the first commit's trees a full walk cannot
    // go on, but the warm one never needs them.
    let cache = saved(&cache);
    walk(&fixture, "HEAD", Some(&cache));
    let first_commit = fixture
        .repo()
        .revparse_single("HEAD~3")
        .expect("first commit")
        .peel_to_commit()
        .expect("commit");
    fixture.delete_object(first_commit.tree_id());
    let cache = saved(&cache);
    assert_eq!(walk(&fixture, "HEAD", Some(&cache)), cold);
}

#[test]
fn a_kept_walk_is_not_trusted_when_pages_were_deleted_since_or_the_revision_is_elsewhere() {
    let fixture = handbook();
    let cache = MemoryCache::new(1);
    walk(&fixture, "HEAD", Some(&cache));
    // A deleted page changes which files the older history must follow: walk it all again.
    fixture.commit(
        &[
            deleted("outils.md"),
            file("SUMMARY.md", SUMMARY.replace("* [Outils](outils.md)\n", "")),
        ],
        "delete",
        T0 + DAY,
    );
    let cache = saved(&cache);
    assert_eq!(
        walk(&fixture, "HEAD", Some(&cache)),
        walk(&fixture, "HEAD", None)
    );
    // An older revision never meets the kept commit.
    let cache = saved(&cache);
    assert_eq!(
        walk(&fixture, "HEAD~1", Some(&cache)),
        walk(&fixture, "HEAD~1", None)
    );
}

fn outputs(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .expect("output folder")
        .filter_map(|entry| {
            let entry = entry.ok()?;
            let name = entry.file_name().to_string_lossy().into_owned();
            entry.file_type().ok()?.is_file().then(|| {
                let bytes = std::fs::read(entry.path()).expect("read output");
                (name, bytes)
            })
        })
        .collect();
    files.sort();
    files
}

#[test]
fn a_second_build_with_the_cache_writes_the_same_bytes_as_one_without() {
    let fixture = handbook();
    let out = tempfile::tempdir().expect("output folder");
    let warm_dir = out.path().join("warm");
    let cold_dir = out.path().join("cold");
    let warm = warm_dir.to_str().expect("utf-8 path");
    let cold = cold_dir.to_str().expect("utf-8 path");
    let first = fixture.run(&["build", "-q", "--out", warm]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    let cache_file = warm_dir.join(".livret-cache/cache.bin");
    let first_cache = std::fs::read(&cache_file).expect("the cache is saved in the output folder");

    fixture.commit(
        &[file(
            "valeurs.md",
            "# Valeurs\n\n## Entraide\n\nOn s’aide, et on le dit.\n",
        )],
        "reword",
        T0 + DAY,
    );
    let second = fixture.run(&["build", "-v", "--out", warm]);
    assert_eq!(second.code, 0, "{}", second.stderr);
    assert!(
        second.stderr.contains("results reused"),
        "{}",
        second.stderr
    );
    // Progress is drawn on a terminal only; -v still says what each stage took.
    assert!(second.stderr.contains("took: "), "{}", second.stderr);
    assert!(
        !second.stderr.contains('\r') && !second.stderr.contains('✓'),
        "{}",
        second.stderr
    );
    let none = fixture.run(&["build", "-q", "--no-cache", "--out", cold]);
    assert_eq!(none.code, 0, "{}", none.stderr);
    assert!(!cold_dir.join(".livret-cache").exists());
    assert_eq!(outputs(&warm_dir), outputs(&cold_dir));
    assert_ne!(std::fs::read(&cache_file).expect("cache"), first_cache);

    // Outputs that did not change are not written again.
    let modified = |name: &str| {
        std::fs::metadata(warm_dir.join(name))
            .and_then(|metadata| metadata.modified())
            .expect("output time")
    };
    let before = modified("book.pdf");
    std::thread::sleep(std::time::Duration::from_millis(20));
    let same = fixture.run(&["build", "-q", "--out", warm]);
    assert_eq!(same.code, 0, "{}", same.stderr);
    assert_eq!(modified("book.pdf"), before);

    // A damaged cache costs time, never correctness.
    std::fs::write(&cache_file, b"livret\x00\x01 damaged").expect("damage the cache");
    let damaged = fixture.run(&["build", "-q", "--out", warm]);
    assert_eq!(damaged.code, 0, "{}", damaged.stderr);
    assert_eq!(outputs(&warm_dir), outputs(&cold_dir));

    // --cache-dir puts it elsewhere.
    let elsewhere = out.path().join("cache");
    let moved = fixture.run(&[
        "build",
        "-q",
        "--out",
        cold,
        "--cache-dir",
        elsewhere.to_str().expect("utf-8 path"),
    ]);
    assert_eq!(moved.code, 0, "{}", moved.stderr);
    assert!(elsewhere.join("cache.bin").is_file());
    assert!(!cold_dir.join(".livret-cache").exists());
}

#[test]
fn on_a_terminal_each_stage_and_exporter_has_a_progress_line() {
    let fixture = handbook();
    let out = tempfile::tempdir().expect("output folder");
    // `script` (util-linux, in every Debian) gives livret a terminal.
    let command = format!(
        "'{}' build --repo '{}' --out '{}'",
        livret_tests::livret_path().display(),
        fixture.path().display(),
        out.path().display()
    );
    let output = std::process::Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .env("NO_COLOR", "1")
        .output()
        .expect("script runs");
    let screen = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{screen}");
    for line in [
        "✓ reading the book",
        "✓ walking the history",
        "✓ pdf",
        "✓ epub",
        "✓ json",
        "✓ changelog",
    ] {
        assert!(screen.contains(line), "`{line}` missing:\n{screen}");
    }
}
