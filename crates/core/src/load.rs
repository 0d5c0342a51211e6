//! Reading a book out of a repository at one revision: files, settings, SUMMARY, pages, links.

use crate::config::{self, GitbookLayout, SETTINGS_FILE};
use crate::git::{EntryKind, Repository, TreeEntry};
use crate::links::{external_url, join, nfc, slug, BookIndex, Unresolved};
use crate::markdown::AnchoredLink;
use crate::parse::{parse_page, Library, ParsedPage};
use crate::summary::{parse_summary, reading_order};
use crate::{text, Error, Source};
use livret_model::Code;
use livret_model::{
    Asset, Block, Book, BookMeta, Diagnostic, Inline, Page, Redirect, Revision, Section, Settings,
    Target, TocEntry, TocGroup, TocTarget, XRef,
};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;

/// Where to read a book from.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// A work tree, a folder inside one, or a bare repository.
    pub repository: PathBuf,
    /// Any revision Git understands; `HEAD` by default.
    pub revision: String,
    /// Folder of the book in the repository; overrides `root:` in livret.yaml.
    pub root: Option<String>,
}

impl LoadOptions {
    pub fn new(repository: impl Into<PathBuf>) -> Self {
        LoadOptions {
            repository: repository.into(),
            revision: "HEAD".to_owned(),
            root: None,
        }
    }
}

/// A book with the settings it was built with.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub book: Book,
    pub settings: Settings,
}

/// Reads and parses the book. Fails only when there is no book to read; everything else is a diagnostic.
pub fn load(options: &LoadOptions) -> Result<Loaded, Error> {
    Source::open(options)?.load()
}

pub(crate) fn load_from(source: &Source<'_>) -> Result<Loaded, Error> {
    let (repository, commit, entries) = (&source.repository, &source.commit, &source.entries);
    let options = &source.options;
    let mut diagnostics = Vec::new();

    let settings = match entries.iter().find(|e| e.path == SETTINGS_FILE) {
        Some(entry) => {
            let text = read_text(repository, entry, &mut diagnostics);
            let (settings, found) = config::parse_settings(SETTINGS_FILE, &text);
            diagnostics.extend(found);
            settings
        }
        None => Settings::default(),
    };

    let book_dir = clean_dir(
        options
            .root
            .as_deref()
            .or(settings.root.as_deref())
            .unwrap_or(""),
    );
    let layout_path = prefixed(&book_dir, ".gitbook.yaml");
    let layout = match entries.iter().find(|e| e.path == layout_path) {
        Some(entry) => {
            let text = read_text(repository, entry, &mut diagnostics);
            let (layout, found) = config::parse_gitbook_layout(&layout_path, &text);
            diagnostics.extend(found);
            layout
        }
        None => GitbookLayout::default(),
    };
    let root = clean_dir(&prefixed(&book_dir, &layout.root));
    if !root.is_empty()
        && !entries
            .iter()
            .any(|e| e.path.starts_with(&format!("{root}/")))
    {
        return Err(Error::MissingRoot {
            root,
            revision: options.revision.clone(),
        });
    }

    let files = book_files(&root, entries, &mut diagnostics);
    let mut markdown: Vec<(String, &TreeEntry)> = Vec::new();
    let mut assets = Vec::new();
    for (path, entry) in &files {
        if path.ends_with(".md") {
            markdown.push((path.clone(), entry));
        } else if path != ".gitbook.yaml" {
            let size = repository.blob_size(entry.id).unwrap_or_else(|| {
                diagnostics.push(
                    Diagnostic::error(Code::MissingBlob, format!("object {} of this file is missing from the repository; it is listed with size 0 and cannot be embedded", entry.id))
                        .with_help("fetch the missing objects, e.g. `git fetch --refetch` or clone without --filter")
                        .at(entry.path.clone(), None, None),
                );
                0
            });
            assets.push(Asset {
                path: path.clone(),
                size,
            });
        }
    }

    // Git reads are sequential (git2 handles are not shared across threads); decoding is parallel.
    let blobs: Vec<(String, Option<Vec<u8>>)> = markdown
        .iter()
        .map(|(path, entry)| (path.clone(), read_blob(repository, entry, &mut diagnostics)))
        .collect();
    let decoded: Vec<(String, String, Vec<Diagnostic>)> = blobs
        .into_par_iter()
        .map(|(path, bytes)| {
            let repo_path = prefixed(&root, &path);
            match bytes {
                Some(bytes) if bytes.iter().take(8192).any(|&b| b == 0) => {
                    let diagnostic = Diagnostic::error(
                        Code::BinaryFile,
                        "this `.md` file holds binary data (NUL bytes); it is left out",
                    )
                    .with_help("rename it, or replace it with Markdown")
                    .at(repo_path, None, None);
                    (path, String::new(), vec![diagnostic])
                }
                Some(bytes) => {
                    let (text, found) = text::decode(&repo_path, &bytes);
                    (path, text, found)
                }
                None => (path, String::new(), Vec::new()),
            }
        })
        .collect();
    let mut texts = HashMap::new();
    for (path, text, found) in decoded {
        diagnostics.extend(found);
        texts.insert(path, text);
    }

    let summary_path = nfc(&layout.structure.summary);
    let readme = nfc(&layout.structure.readme);
    let markdown_paths: HashSet<&str> = texts.keys().map(String::as_str).collect();
    let (toc, order) = match texts.get(&summary_path) {
        Some(summary) => {
            let (groups, found) = parse_summary(&prefixed(&root, &summary_path), summary, |href| {
                summary_target(&summary_path, href, &readme, &markdown_paths)
            });
            diagnostics.extend(found);
            let order = dedupe(
                reading_order(&groups),
                &root,
                &summary_path,
                &mut diagnostics,
            );
            (groups, order)
        }
        None => fallback_order(&texts, &readme, &root, &summary_path, &mut diagnostics),
    };

    let published: HashSet<String> = order.iter().map(|(path, _)| path.clone()).collect();
    let mut orphans: Vec<String> = texts
        .keys()
        .filter(|path| {
            !published.contains(*path) && **path != summary_path && !path.starts_with(".gitbook/")
        })
        .cloned()
        .collect();
    orphans.sort();
    for orphan in &orphans {
        diagnostics.push(
            Diagnostic::note(
                Code::OrphanPage,
                "this page is not listed in SUMMARY.md, so it is not published",
            )
            .with_help("add it to SUMMARY.md, or delete it")
            .at(prefixed(&root, orphan), None, None),
        );
    }

    let index = BookIndex {
        pages: published.clone(),
        unpublished: orphans.iter().cloned().collect(),
        files: files
            .iter()
            .filter(|(p, _)| !published.contains(p.as_str()))
            .map(|(p, _)| (p.clone(), p.clone()))
            .collect(),
        redirects: layout
            .redirects
            .iter()
            .map(|(from, to)| (nfc(from.trim_matches('/')), nfc(to)))
            .collect(),
        readme,
    };
    let library = Library {
        index: &index,
        texts: &texts,
    };
    let parsed: Vec<ParsedPage> = order
        .par_iter()
        .map(|(path, title)| {
            let text = texts.get(path).map_or("", String::as_str);
            parse_page(path, text, Some(title), &library)
        })
        .collect();
    let mut pages = Vec::with_capacity(parsed.len());
    let mut anchored_links = Vec::new();
    for parsed in parsed {
        diagnostics.extend(
            parsed
                .diagnostics
                .into_iter()
                .map(|d| locate(d, &root, &texts)),
        );
        anchored_links.extend(parsed.anchored_links);
        pages.push(parsed.page);
    }
    let anchors: HashMap<String, HashSet<String>> = pages
        .iter()
        .map(|page| (page.path.clone(), page_anchors(page)))
        .collect();
    for link in &anchored_links {
        if let Some(diagnostic) = check_anchor(link, &index, &anchors) {
            diagnostics.push(locate(diagnostic, &root, &texts));
        }
    }
    for page in pages.iter_mut() {
        fix_anchors(page, &anchors);
    }

    let title = settings
        .title
        .clone()
        .or_else(|| pages.first().map(|page| page.title.clone()))
        .unwrap_or_else(|| "Handbook".to_owned());
    let meta = BookMeta {
        title,
        subtitle: settings.subtitle.clone(),
        author: settings.author.clone(),
        organisation: settings.organisation.clone(),
        language: settings.language.clone(),
        base_url: settings.base_url.clone(),
        root: root.clone(),
        revision: Revision {
            id: commit.id.clone(),
            time: commit.time,
            offset_minutes: commit.offset_minutes,
            shallow: repository.is_shallow(),
        },
    };
    let redirects = index
        .redirects
        .iter()
        .map(|(from, to)| Redirect {
            from: from.clone(),
            to: to.clone(),
        })
        .collect();
    let book = Book {
        meta,
        toc,
        pages,
        orphans,
        assets,
        redirects,
        diagnostics,
    };
    Ok(Loaded { book, settings })
}

/// `./docs/` to `docs`, `./` to ``.
fn clean_dir(dir: &str) -> String {
    let joined = join("", dir.trim()).unwrap_or_default();
    joined.trim_matches('/').to_owned()
}

fn prefixed(root: &str, path: &str) -> String {
    if root.is_empty() {
        path.to_owned()
    } else {
        format!("{root}/{path}")
    }
}

fn read_blob(
    repository: &Repository,
    entry: &TreeEntry,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Vec<u8>> {
    match repository.read_blob(entry.id) {
        Ok(bytes) => Some(bytes),
        Err(missing) => {
            diagnostics.push(
                Diagnostic::error(Code::MissingBlob, format!("object {} of this file is missing from the repository ({}); the file is left out", missing.id, missing.message))
                    .with_help("fetch the missing objects, e.g. `git fetch --refetch` or clone without --filter")
                    .at(entry.path.clone(), None, None),
            );
            None
        }
    }
}

fn read_text(
    repository: &Repository,
    entry: &TreeEntry,
    diagnostics: &mut Vec<Diagnostic>,
) -> String {
    let Some(bytes) = read_blob(repository, entry, diagnostics) else {
        return String::new();
    };
    let (text, found) = text::decode(&entry.path, &bytes);
    diagnostics.extend(found);
    text
}

/// Files of the book, by NFC path relative to its root, sorted. Symlinks and submodules are left out.
fn book_files<'e>(
    root: &str,
    entries: &'e [TreeEntry],
    diagnostics: &mut Vec<Diagnostic>,
) -> BTreeMap<String, &'e TreeEntry> {
    let prefix = if root.is_empty() {
        String::new()
    } else {
        format!("{root}/")
    };
    let mut files = BTreeMap::new();
    for entry in entries {
        let Some(relative) = entry.path.strip_prefix(&prefix) else {
            continue;
        };
        match entry.kind {
            EntryKind::Symlink => diagnostics.push(
                Diagnostic::warning(
                    Code::Symlink,
                    "symbolic links are not followed; this one is left out",
                )
                .with_help("replace the link with the file itself")
                .at(entry.path.clone(), None, None),
            ),
            EntryKind::Submodule => diagnostics.push(
                Diagnostic::note(
                    Code::Submodule,
                    "submodules are not read; this one is left out",
                )
                .at(entry.path.clone(), None, None),
            ),
            EntryKind::File => {
                if entry.lossy_path {
                    diagnostics.push(
                        Diagnostic::warning(
                            Code::InvalidUtf8,
                            "this file name is not valid UTF-8; invalid bytes were replaced by �",
                        )
                        .with_help("rename the file")
                        .at(entry.path.clone(), None, None),
                    );
                }
                files.insert(nfc(relative), entry);
            }
        }
    }
    files
}

fn summary_target(
    summary_path: &str,
    href: &str,
    readme: &str,
    markdown: &HashSet<&str>,
) -> Result<TocTarget, Unresolved> {
    let href = href.trim();
    if let Some(url) = external_url(href) {
        return url.map(|url| TocTarget::External { url });
    }
    let path = href.split('#').next().unwrap_or(href);
    let decoded = nfc(&percent_encoding::percent_decode_str(path).decode_utf8_lossy());
    let Some(mut joined) = join(summary_path, &decoded) else {
        return Err(Unresolved::AboveRoot);
    };
    if decoded.ends_with('/') || joined.is_empty() {
        joined = prefixed(&joined, readme);
    }
    if markdown.contains(joined.as_str()) {
        Ok(TocTarget::Page { path: joined })
    } else {
        Err(Unresolved::NoFile(joined))
    }
}

/// Keeps the first entry of a page listed twice.
fn dedupe(
    order: Vec<(String, String)>,
    root: &str,
    summary_path: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<(String, String)> {
    let mut seen = HashSet::new();
    let mut out = Vec::with_capacity(order.len());
    for (path, title) in order {
        if seen.insert(path.clone()) {
            out.push((path, title));
        } else {
            diagnostics.push(
                Diagnostic::warning(
                    Code::DuplicateEntry,
                    format!("`{path}` is listed more than once; only its first place is used"),
                )
                .with_help("remove the duplicate entry")
                .at(prefixed(root, summary_path), None, None),
            );
        }
    }
    out
}

/// Without SUMMARY.md: the README first, then every other page by path.
fn fallback_order(
    texts: &HashMap<String, String>,
    readme: &str,
    root: &str,
    summary_path: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> (Vec<TocGroup>, Vec<(String, String)>) {
    diagnostics.push(
        Diagnostic::warning(
            Code::NoSummary,
            format!("there is no {summary_path}: pages are read in path order, the README first"),
        )
        .with_help("add a SUMMARY.md listing the pages in reading order")
        .at(prefixed(root, summary_path), None, None),
    );
    let mut paths: Vec<&String> = texts
        .keys()
        .filter(|p| !p.starts_with(".gitbook/"))
        .collect();
    paths.sort_by_key(|path| (path.as_str() != readme, path.as_str()));
    let order: Vec<(String, String)> = paths
        .into_iter()
        .map(|path| {
            let title = path.strip_suffix(".md").unwrap_or(path).to_owned();
            (path.clone(), title)
        })
        .collect();
    let entries = order
        .iter()
        .map(|(path, title)| TocEntry {
            title: title.clone(),
            target: TocTarget::Page { path: path.clone() },
            children: Vec::new(),
        })
        .collect();
    (
        vec![TocGroup {
            title: None,
            entries,
        }],
        order,
    )
}

/// Gives the diagnostic its repository path and the text of its line.
fn locate(mut diagnostic: Diagnostic, root: &str, texts: &HashMap<String, String>) -> Diagnostic {
    if let (Some(path), Some(line)) = (&diagnostic.path, diagnostic.line) {
        if diagnostic.source_line.is_none() {
            diagnostic.source_line = texts
                .get(path)
                .and_then(|text| text::line_text(text, line))
                .map(str::to_owned);
        }
    }
    if let Some(path) = diagnostic.path.take() {
        diagnostic.path = Some(prefixed(root, &path));
    }
    diagnostic
}

/// The anchor a link should use on its target page: the one written, or its GitBook slug.
fn known_anchor(anchor: &str, known: &HashSet<String>) -> Option<String> {
    if known.contains(anchor) {
        return Some(anchor.to_owned());
    }
    let slugged = slug(anchor);
    known.contains(&slugged).then_some(slugged)
}

/// A warning, at the link's line, when its anchor is not a section of its target.
fn check_anchor(
    link: &AnchoredLink,
    index: &BookIndex,
    anchors: &HashMap<String, HashSet<String>>,
) -> Option<Diagnostic> {
    let Target::Page {
        path: target,
        anchor: Some(anchor),
    } = index.resolve(&link.path, &link.raw).target
    else {
        return None;
    };
    let known = anchors.get(&target)?;
    if known_anchor(&anchor, known).is_some() {
        return None;
    }
    let message = format!("`{}` points at `#{anchor}`, which `{target}` does not have; the link goes to the top of the page", link.raw);
    Some(
        Diagnostic::warning(Code::BrokenAnchor, message)
            .with_help("point the link at an existing heading")
            .at(link.path.clone(), Some(link.line), None),
    )
}

/// Rewrites each link's anchor to the one its target has, or drops it (reported by `check_anchor`).
fn fix_anchors(page: &mut Page, anchors: &HashMap<String, HashSet<String>>) {
    let mut fix = |xref: &mut XRef| {
        if let Target::Page { path, anchor } = &mut xref.target {
            if let (Some(known), Some(written)) = (anchors.get(path.as_str()), anchor.as_deref()) {
                *anchor = known_anchor(written, known);
            }
        }
    };
    for block in page.intro.iter_mut() {
        visit_block(block, &mut fix);
    }
    for section in page.sections.iter_mut() {
        visit_section(section, &mut fix);
    }
}

fn page_anchors(page: &Page) -> HashSet<String> {
    fn blocks(list: &[Block], out: &mut HashSet<String>) {
        for block in list {
            if let Block::Heading { anchor, .. } = block {
                out.insert(anchor.clone());
            }
            for_each_child_blocks(block, &mut |children| blocks(children, out));
        }
    }
    let mut out = HashSet::new();
    blocks(&page.intro, &mut out);
    for section in page.all_sections() {
        out.insert(section.anchor.clone());
        blocks(&section.blocks, &mut out);
    }
    out
}

fn for_each_child_blocks(block: &Block, f: &mut dyn FnMut(&[Block])) {
    match block {
        Block::Quote { blocks }
        | Block::Hint { blocks, .. }
        | Block::Details { blocks, .. }
        | Block::Include { blocks, .. }
        | Block::FootnoteDefinition { blocks, .. } => f(blocks),
        Block::List { items, .. } => items.iter().for_each(|item| f(&item.blocks)),
        Block::Tabs { tabs } => tabs.iter().for_each(|tab| f(&tab.blocks)),
        Block::Stepper { steps: groups } | Block::Columns { columns: groups } => {
            groups.iter().for_each(|blocks| f(blocks))
        }
        _ => {}
    }
}

fn visit_section(section: &mut Section, f: &mut dyn FnMut(&mut XRef)) {
    visit_inlines(&mut section.title, f);
    for block in section.blocks.iter_mut() {
        visit_block(block, f);
    }
    for child in section.children.iter_mut() {
        visit_section(child, f);
    }
}

fn visit_block(block: &mut Block, f: &mut dyn FnMut(&mut XRef)) {
    match block {
        Block::Paragraph { content } | Block::Heading { content, .. } => visit_inlines(content, f),
        Block::Quote { blocks }
        | Block::Hint { blocks, .. }
        | Block::Include { blocks, .. }
        | Block::FootnoteDefinition { blocks, .. } => {
            blocks.iter_mut().for_each(|b| visit_block(b, f))
        }
        Block::Details { summary, blocks } => {
            visit_inlines(summary, f);
            blocks.iter_mut().for_each(|b| visit_block(b, f));
        }
        Block::List { items, .. } => items
            .iter_mut()
            .flat_map(|i| i.blocks.iter_mut())
            .for_each(|b| visit_block(b, f)),
        Block::Tabs { tabs } => tabs
            .iter_mut()
            .flat_map(|t| t.blocks.iter_mut())
            .for_each(|b| visit_block(b, f)),
        Block::Stepper { steps: groups } | Block::Columns { columns: groups } => {
            groups.iter_mut().flatten().for_each(|b| visit_block(b, f))
        }
        Block::Table { header, rows, .. } => {
            header.iter_mut().for_each(|cell| visit_inlines(cell, f));
            rows.iter_mut()
                .flatten()
                .for_each(|cell| visit_inlines(cell, f));
        }
        Block::Figure { image, caption } => {
            f(&mut image.source);
            visit_inlines(caption, f);
        }
        Block::ContentRef { target, label }
        | Block::File {
            target,
            caption: label,
        }
        | Block::Embed {
            url: target,
            caption: label,
            ..
        } => {
            f(target);
            visit_inlines(label, f);
        }
        Block::CardTable { header, cards } => {
            header.iter_mut().for_each(|cell| visit_inlines(cell, f));
            for card in cards {
                card.cells
                    .iter_mut()
                    .for_each(|cell| visit_inlines(cell, f));
                card.target
                    .iter_mut()
                    .chain(card.cover.iter_mut())
                    .for_each(&mut *f);
            }
        }
        Block::Code { .. } | Block::ThematicBreak | Block::Math { .. } | Block::Html { .. } => {}
    }
}

fn visit_inlines(inlines: &mut [Inline], f: &mut dyn FnMut(&mut XRef)) {
    for inline in inlines {
        match inline {
            Inline::Link {
                target, content, ..
            } => {
                f(target);
                visit_inlines(content, f);
            }
            Inline::Image { image, .. } => f(&mut image.source),
            Inline::Emphasis { content }
            | Inline::Strong { content }
            | Inline::Strike { content }
            | Inline::Mark { content, .. } => visit_inlines(content, f),
            Inline::Text { .. }
            | Inline::Code { .. }
            | Inline::LineBreak
            | Inline::FootnoteReference { .. }
            | Inline::Math { .. } => {}
        }
    }
}
