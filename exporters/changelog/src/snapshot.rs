//! What a version of a page says, reduced to what a changelog compares: its title, its
//! introduction, its values (sections) with their text, and its hints.
//!
//! Text is taken from the parsed model, so GitBook's writer artefacts (entities, escapes, trailing
//! backslashes, bullet markers) are already gone; whitespace is collapsed here. Two versions whose
//! snapshots are equal differ only in formatting.

use livret_model::{plain_text, push_blocks_text, Block, HintStyle, Inline, Page, Section};

/// One value: a section of the page (a heading or a bold title) that holds text of its own, or
/// that holds nothing at all. Sections that only group other sections are not values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueSnap {
    pub title: String,
    /// The nearest enclosing section that only groups values, if any.
    pub group: Option<String>,
    /// The value's own paragraphs (hints and sub-sections excluded), whitespace collapsed.
    pub paragraphs: Vec<String>,
    /// Targets of the links in the value's text, as written.
    pub links: Vec<String>,
}

impl ValueSnap {
    pub fn text(&self) -> String {
        self.paragraphs.join("\n\n")
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HintSnap {
    pub style: HintStyle,
    pub text: String,
    /// Title of the value holding the hint; `None` in the introduction.
    pub value: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    pub title: String,
    pub intro: Vec<String>,
    pub intro_links: Vec<String>,
    pub values: Vec<ValueSnap>,
    pub hints: Vec<HintSnap>,
}

impl Snapshot {
    pub fn of(page: &Page) -> Snapshot {
        let mut hints = Vec::new();
        collect_hints(&page.intro, None, &mut hints);
        let mut values = Vec::new();
        for section in &page.sections {
            walk(section, None, &mut values, &mut hints);
        }
        Snapshot {
            title: collapse(&page.title),
            intro: paragraphs(&page.intro),
            intro_links: links(&page.intro),
            values,
            hints,
        }
    }

    /// Every word of the page's text, for similarity between whole versions.
    pub fn words(&self) -> Vec<&str> {
        let mut words: Vec<&str> = self.title.split_whitespace().collect();
        for part in &self.intro {
            words.extend(part.split_whitespace());
        }
        for value in &self.values {
            words.extend(value.title.split_whitespace());
            for part in &value.paragraphs {
                words.extend(part.split_whitespace());
            }
        }
        for hint in &self.hints {
            words.extend(hint.text.split_whitespace());
        }
        words
    }
}

fn walk(
    section: &Section,
    group: Option<&str>,
    values: &mut Vec<ValueSnap>,
    hints: &mut Vec<HintSnap>,
) {
    let title = collapse(&plain_text(&section.title));
    let is_group = !section.children.is_empty() && has_no_text(&section.blocks);
    if is_group {
        collect_hints(&section.blocks, None, hints);
        for child in &section.children {
            walk(child, Some(&title), values, hints);
        }
        return;
    }
    collect_hints(&section.blocks, Some(&title), hints);
    values.push(ValueSnap {
        title: title.clone(),
        group: group.map(str::to_owned),
        paragraphs: paragraphs(&section.blocks),
        links: links(&section.blocks),
    });
    // Bold titles under a value are values of the same group.
    for child in &section.children {
        walk(child, group, values, hints);
    }
}

fn has_no_text(blocks: &[Block]) -> bool {
    paragraphs(blocks).is_empty()
}

fn is_hint(block: &Block) -> bool {
    matches!(block, Block::Hint { .. })
}

/// The text of blocks, hints left out, one entry per paragraph-like block, whitespace collapsed.
pub fn paragraphs(blocks: &[Block]) -> Vec<String> {
    let mut parts = Vec::new();
    for block in blocks.iter().filter(|b| !is_hint(b)) {
        push_blocks_text(std::slice::from_ref(block), &mut parts);
    }
    parts
        .iter()
        .map(|part| collapse(part))
        .filter(|part| !part.is_empty())
        .collect()
}

fn collect_hints(blocks: &[Block], value: Option<&str>, out: &mut Vec<HintSnap>) {
    for block in blocks {
        if let Block::Hint { style, blocks, .. } = block {
            let mut parts = Vec::new();
            push_blocks_text(blocks, &mut parts);
            let text = parts
                .iter()
                .map(|p| collapse(p))
                .filter(|p| !p.is_empty())
                .collect::<Vec<_>>()
                .join("\n\n");
            out.push(HintSnap {
                style: *style,
                text,
                value: value.map(str::to_owned),
            });
        }
    }
}

fn links(blocks: &[Block]) -> Vec<String> {
    fn inlines(list: &[Inline], out: &mut Vec<String>) {
        for inline in list {
            match inline {
                Inline::Link {
                    target, content, ..
                } => {
                    out.push(target.raw.clone());
                    inlines(content, out);
                }
                Inline::Emphasis { content }
                | Inline::Strong { content }
                | Inline::Strike { content }
                | Inline::Mark { content, .. } => inlines(content, out),
                _ => {}
            }
        }
    }
    fn walk_blocks(list: &[Block], out: &mut Vec<String>) {
        for block in list {
            match block {
                Block::Paragraph { content } | Block::Heading { content, .. } => {
                    inlines(content, out)
                }
                Block::List { items, .. } => {
                    items.iter().for_each(|item| walk_blocks(&item.blocks, out))
                }
                Block::Quote { blocks } | Block::Details { blocks, .. } => walk_blocks(blocks, out),
                Block::ContentRef { target, .. } | Block::File { target, .. } => {
                    out.push(target.raw.clone())
                }
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    walk_blocks(blocks, &mut out);
    out
}

/// Whitespace runs (including the line breaks of hard breaks) to one space, trimmed.
pub fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
