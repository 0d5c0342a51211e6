//! Output snapshots, built in memory through the driver: a page's XHTML in the EPUB and a feed
//! item. `cargo insta review` (or `INSTA_UPDATE=always`) accepts a change after reading it.

use crate::epub::constructs;
use livret_driver::{exporters_for, Build, CacheDir, LoadOptions, Unobserved};
use std::io::Read;

/// The files of the chosen formats for `repository`, from the driver, nothing written.
fn outputs(repository: &std::path::Path, formats: &[&str]) -> Vec<livret_model::OutputFile> {
    let out = tempfile::tempdir().expect("temporary folder");
    let formats: Vec<String> = formats.iter().map(|f| f.to_string()).collect();
    let build = Build::new(LoadOptions::new(repository), out.path())
        .with_exporters(exporters_for(&formats).expect("known formats"))
        .with_cache(CacheDir::Off);
    let built = build.run(&Unobserved).expect("the fixture builds");
    built
        .outcomes
        .into_iter()
        .flat_map(|outcome| outcome.result.expect("the export succeeds"))
        .collect()
}

fn file<'a>(files: &'a [livret_model::OutputFile], name: &str) -> &'a [u8] {
    &files
        .iter()
        .find(|file| file.name == name)
        .unwrap_or_else(|| panic!("no {name}"))
        .bytes
}

#[test]
fn a_page_of_every_block_kind_in_the_epub() {
    let fixture = constructs();
    let files = outputs(fixture.path(), &["epub"]);
    let mut archive =
        zip::ZipArchive::new(std::io::Cursor::new(file(&files, "book.epub"))).expect("a zip");
    // The page document whose title is the blocks page's.
    let xhtml = (0..archive.len())
        .filter_map(|index| {
            let mut entry = archive.by_index(index).ok()?;
            let mut text = String::new();
            entry.name().ends_with(".xhtml").then_some(())?;
            entry.read_to_string(&mut text).ok()?;
            text.contains("<title>Blocs GitBook").then_some(text)
        })
        .next()
        .expect("the blocks page is in the EPUB");
    insta::assert_snapshot!("epub-blocks-page", xhtml);
}

#[test]
fn a_feed_item() {
    let fixture = constructs();
    let files = outputs(fixture.path(), &["json"]);
    let feed: serde_json::Value =
        serde_json::from_slice(file(&files, "feed.json")).expect("feed.json is JSON");
    let item = feed["items"]
        .as_array()
        .and_then(|items| {
            items.iter().find(|item| {
                item["id"]
                    .as_str()
                    .is_some_and(|id| id.contains("messagerie"))
            })
        })
        .expect("the messaging page has an item");
    let pretty = serde_json::to_string_pretty(item).expect("JSON");
    insta::assert_snapshot!("feed-item-messaging", pretty);
}
