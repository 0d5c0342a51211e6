//! The reading order (spine) and the navigation tree, from SUMMARY.md: titled groups become parts
//! (each with a short part document), entries nest as in SUMMARY, and each page lists its sections.

use crate::package::NavEntry;
use livret_model::{plain_text, Book, Section, TocEntry, TocTarget};
use std::collections::{BTreeMap, BTreeSet};

/// File name of the page at `index` in reading order.
pub(crate) fn chapter_file(index: usize) -> String {
    format!("chapter-{:03}.xhtml", index + 1)
}

fn part_file(number: usize) -> String {
    format!("part-{number:02}.xhtml")
}

/// An entry of the navigation, before its fragment is checked against the document's ids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Node {
    pub file: String,
    pub fragment: Option<String>,
    pub title: String,
    pub children: Vec<Node>,
}

impl Node {
    fn depth(&self) -> usize {
        1 + self.children.iter().map(Node::depth).max().unwrap_or(0)
    }

    /// Reading-order indexes of the pages under this node, itself included.
    fn first_page(&self, files: &BTreeMap<String, usize>) -> Option<usize> {
        let own = match &self.fragment {
            None => files.get(&self.file).copied(),
            Some(_) => None,
        };
        self.children
            .iter()
            .filter_map(|child| child.first_page(files))
            .chain(own)
            .min()
    }

    /// The navigation entry; fragments that are not ids of their document are dropped.
    pub(crate) fn element(&self, ids: &BTreeMap<String, BTreeSet<String>>) -> NavEntry {
        let url = match &self.fragment {
            Some(fragment)
                if ids
                    .get(&self.file)
                    .is_some_and(|ids| ids.contains(fragment)) =>
            {
                format!("{}#{}", self.file, crate::links::encode_fragment(fragment))
            }
            _ => self.file.clone(),
        };
        NavEntry {
            url,
            title: self.title.clone(),
            children: self
                .children
                .iter()
                .map(|child| child.element(ids))
                .collect(),
        }
    }
}

/// A part: a titled SUMMARY group, with its own short document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Part {
    pub number: usize,
    pub file: String,
    pub title: String,
    /// Its top-level entries (file, title), listed in the part document.
    pub entries: Vec<(String, String)>,
}

/// One content document of the spine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Doc {
    Part(Part),
    /// Index of the page in `book.pages`.
    Page(usize),
}

#[derive(Debug, Default)]
pub(crate) struct Plan {
    /// Content documents in reading order (the cover comes before).
    pub spine: Vec<Doc>,
    /// Top-level navigation entries, by the file of the document that carries them.
    pub top: BTreeMap<String, Node>,
    /// Depth of the navigation tree.
    pub depth: usize,
}

/// Text fit for XML: characters XML forbids are dropped, whitespace runs become one space.
pub(crate) fn clean_title(title: &str) -> String {
    let allowed = |c: char| {
        matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}')
            || c >= '\u{10000}'
    };
    // Most titles are already clean: allowed characters, single spaces between words.
    let mut after_space = true;
    let clean = title.chars().all(|c| {
        let ok = allowed(c) && (c == ' ' || !c.is_whitespace()) && !(c == ' ' && after_space);
        after_space = c == ' ';
        ok
    }) && !title.ends_with(' ');
    if clean {
        return title.to_owned();
    }
    let kept: String = title.chars().filter(|c| allowed(*c)).collect();
    kept.split_whitespace().collect::<Vec<_>>().join(" ")
}

struct Builder<'a> {
    book: &'a Book,
    indexes: BTreeMap<&'a str, usize>,
    files: BTreeMap<String, usize>,
    /// Pages already in the navigation.
    seen: BTreeSet<usize>,
}

impl Builder<'_> {
    fn page_index(&self, path: &str) -> Option<usize> {
        self.indexes.get(path).copied()
    }

    fn entries(&mut self, entries: &[TocEntry]) -> Vec<Node> {
        let mut nodes = Vec::new();
        for entry in entries {
            let index = match &entry.target {
                TocTarget::Page { path } => self.page_index(path),
                TocTarget::External { .. } | TocTarget::Missing { .. } => None,
            };
            let children = self.entries(&entry.children);
            match index {
                // Hidden pages stay readable (links reach them) but out of the navigation.
                Some(index)
                    if !self.book.pages[index].front_matter.hidden && self.seen.insert(index) =>
                {
                    let mut node = self.page_node(index, &entry.title);
                    node.children.extend(children);
                    nodes.push(node);
                }
                _ => nodes.extend(children),
            }
        }
        nodes
    }

    fn page_node(&self, index: usize, title: &str) -> Node {
        let page = &self.book.pages[index];
        let file = chapter_file(index);
        // Without SUMMARY.md, livret titles entries by their path: the page's title reads better.
        let synthesized = page.path.strip_suffix(".md") == Some(title);
        let title = match clean_title(title) {
            title if title.is_empty() || synthesized => clean_title(&page.title),
            title => title,
        };
        Node {
            children: sections(&file, &page.sections),
            file,
            fragment: None,
            title: if title.is_empty() {
                page.path.clone()
            } else {
                title
            },
        }
    }
}

fn sections(file: &str, sections: &[Section]) -> Vec<Node> {
    let mut nodes = Vec::new();
    for section in sections {
        let children = self::sections(file, &section.children);
        let title = clean_title(&plain_text(&section.title));
        if title.is_empty() || section.anchor.is_empty() {
            nodes.extend(children);
            continue;
        }
        nodes.push(Node {
            file: file.to_owned(),
            fragment: Some(section.anchor.clone()),
            title,
            children,
        });
    }
    nodes
}

/// The spine and navigation of `book`.
pub(crate) fn plan(book: &Book) -> Plan {
    let files: BTreeMap<String, usize> = (0..book.pages.len())
        .map(|index| (chapter_file(index), index))
        .collect();
    let mut builder = Builder {
        book,
        indexes: book
            .pages
            .iter()
            .enumerate()
            .map(|(index, page)| (page.path.as_str(), index))
            .collect(),
        files,
        seen: BTreeSet::new(),
    };
    // Top-level nodes with the reading-order index of the document that carries them.
    let mut top: Vec<(usize, Node, Option<Part>)> = Vec::new();
    let mut parts = 0;
    for group in &book.toc {
        let nodes = builder.entries(&group.entries);
        let title = group.title.as_deref().map(clean_title).unwrap_or_default();
        if title.is_empty() {
            for node in nodes {
                let index = builder.files.get(&node.file).copied().unwrap_or(usize::MAX);
                top.push((index, node, None));
            }
            continue;
        }
        let Some(first) = nodes
            .iter()
            .filter_map(|node| node.first_page(&builder.files))
            .min()
        else {
            continue;
        };
        parts += 1;
        let part = Part {
            number: parts,
            file: part_file(parts),
            title: title.clone(),
            entries: nodes
                .iter()
                .map(|node| (node.file.clone(), node.title.clone()))
                .collect(),
        };
        let node = Node {
            file: part.file.clone(),
            fragment: None,
            title,
            children: nodes,
        };
        top.push((first, node, Some(part)));
    }
    // Pages SUMMARY does not reach (a book without SUMMARY.md): top-level entries.
    for index in 0..book.pages.len() {
        if !book.pages[index].front_matter.hidden && builder.seen.insert(index) {
            let node = builder.page_node(index, &book.pages[index].title);
            top.push((index, node, None));
        }
    }
    let mut plan = Plan {
        depth: top
            .iter()
            .map(|(_, node, _)| node.depth())
            .max()
            .unwrap_or(1),
        ..Plan::default()
    };
    let mut parts_before: BTreeMap<usize, Vec<Part>> = BTreeMap::new();
    for (first, node, part) in top {
        if let Some(part) = part {
            parts_before.entry(first).or_default().push(part);
        }
        plan.top.entry(node.file.clone()).or_insert(node);
    }
    for index in 0..book.pages.len() {
        for part in parts_before.remove(&index).unwrap_or_default() {
            plan.spine.push(Doc::Part(part));
        }
        plan.spine.push(Doc::Page(index));
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_lose_control_characters_and_extra_spaces() {
        assert_eq!(clean_title("  A\u{1}  <b> &\n c "), "A <b> & c");
        for title in [
            "",
            " ",
            "a ",
            " a",
            "a  b",
            "a\u{a0}:",
            "a\u{FFFE}b",
            "Déjà vu",
            "a\tb",
        ] {
            let slow: String = title
                .chars()
                .filter(|c| {
                    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}')
                        || *c >= '\u{10000}'
                })
                .collect::<String>()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            assert_eq!(clean_title(title), slow, "{title:?}");
        }
    }
}
