//! The bytes of the book's assets (and of a configured font), read from the built revision.

use crate::git::EntryKind;
use crate::{Error, Source};
use livret_model::Code;
use livret_model::{Assets, Book, Diagnostic, Settings};
use std::collections::HashMap;

/// Files larger than this are not embedded: no handbook image needs more, and memory stays bounded.
pub const MAX_ASSET_BYTES: usize = 64 * 1024 * 1024;

/// Reads every asset of the book and the font of `pdf.font`; problems become diagnostics.
pub(crate) fn read(
    source: &Source<'_>,
    book: &Book,
    settings: &Settings,
) -> Result<(Assets, Vec<Diagnostic>), Error> {
    let repository = &source.repository;
    let listing = source.entries_at(&book.meta.revision.id)?;
    let entries: HashMap<String, _> = listing
        .iter()
        .filter(|entry| entry.kind == EntryKind::File)
        .map(|entry| (crate::links::nfc(&entry.path), entry))
        .collect();
    let mut diagnostics = Vec::new();
    let mut read = |path: &str| -> Option<Vec<u8>> {
        let entry = entries.get(path)?;
        if repository
            .blob_size(entry.id)
            .is_some_and(|size| size > MAX_ASSET_BYTES as u64)
        {
            diagnostics.push(
                Diagnostic::warning(
                    Code::AssetTooLarge,
                    format!(
                        "this file is larger than {} MiB; it is not embedded",
                        MAX_ASSET_BYTES >> 20
                    ),
                )
                .with_help("make the file smaller")
                .at(path, None, None),
            );
            return None;
        }
        // A missing blob was already reported when the book was read.
        repository.read_blob(entry.id).ok()
    };
    let prefix = if book.meta.root.is_empty() {
        String::new()
    } else {
        format!("{}/", book.meta.root)
    };
    let mut assets = Assets::default();
    for asset in &book.assets {
        if let Some(bytes) = read(&format!("{prefix}{}", asset.path)) {
            assets.files.insert(asset.path.clone(), bytes);
        }
    }
    if let Some(font) = &settings.pdf.font {
        assets.font = read(font.trim_start_matches('/'));
        if assets.font.is_none() {
            diagnostics.push(
                Diagnostic::error(Code::MissingFont, format!("the font `{font}` named in livret.yaml is not in the repository; the bundled font is used"))
                    .with_help("give the font's path from the repository root")
                    .at(crate::SETTINGS_FILE, None, None),
            );
        }
    }
    Ok((assets, diagnostics))
}
