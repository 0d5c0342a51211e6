use crate::Diagnostic;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A whole handbook at one revision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Book {
    pub meta: BookMeta,
    /// The table of contents from SUMMARY.md, as groups of nested entries.
    pub toc: Vec<TocGroup>,
    /// Published pages in reading order (SUMMARY order, each page once).
    pub pages: Vec<Page>,
    /// Markdown files present in the book but not listed in SUMMARY.md (not published).
    pub orphans: Vec<String>,
    /// Every file of the book that is not a page: images, PDFs, includes.
    pub assets: Vec<Asset>,
    /// `.gitbook.yaml` redirects, old extension-less path to current page path.
    pub redirects: Vec<Redirect>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Book {
    pub fn page(&self, path: &str) -> Option<&Page> {
        self.pages.iter().find(|page| page.path == path)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct BookMeta {
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subtitle: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation: Option<String>,
    /// BCP 47 language tag, `fr` by default.
    pub language: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_url: Option<String>,
    /// Folder of the book inside the repository, `""` for the repository root.
    pub root: String,
    pub revision: Revision,
}

/// The commit a book was read from. Its time is the date of every output.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Revision {
    /// Full commit id.
    pub id: String,
    /// Committer time, seconds since the Unix epoch.
    pub time: i64,
    /// Committer time zone, minutes east of UTC.
    pub offset_minutes: i32,
    /// True when the repository is a shallow clone: history stops before the first commit.
    pub shallow: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TocGroup {
    /// `## Title` in SUMMARY.md; `None` for the leading group and groups started by `***`.
    pub title: Option<String>,
    pub entries: Vec<TocEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TocEntry {
    pub title: String,
    pub target: TocTarget,
    pub children: Vec<TocEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TocTarget {
    /// A published page, by its path in the book.
    Page {
        path: String,
    },
    External {
        url: String,
    },
    /// An entry whose file is missing, or that has no link at all.
    Missing {
        reference: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Asset {
    /// Path relative to the book root, NFC-normalised.
    pub path: String,
    pub size: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Redirect {
    pub from: String,
    pub to: String,
}

/// One Markdown file of the book.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Page {
    /// Path relative to the book root, `/`-separated, NFC-normalised.
    pub path: String,
    /// First level-1 heading, else the SUMMARY title, else the file name.
    pub title: String,
    pub front_matter: FrontMatter,
    /// Blocks before the first section.
    pub intro: Vec<Block>,
    pub sections: Vec<Section>,
}

impl Page {
    /// The page's text without markup: title, then blocks separated by blank lines.
    pub fn plain_text(&self) -> String {
        let mut parts = vec![self.title.clone()];
        push_blocks_text(&self.intro, &mut parts);
        for section in self.all_sections() {
            parts.push(plain_text(&section.title));
            push_blocks_text(&section.blocks, &mut parts);
        }
        parts.retain(|part| !part.trim().is_empty());
        parts.join("\n\n")
    }

    /// Every section of the page, depth first.
    pub fn all_sections(&self) -> Vec<&Section> {
        fn walk<'a>(sections: &'a [Section], out: &mut Vec<&'a Section>) {
            for section in sections {
                out.push(section);
                walk(&section.children, out);
            }
        }
        let mut out = Vec::new();
        walk(&self.sections, &mut out);
        out
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FrontMatter {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default)]
    pub hidden: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cover: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub layout: Option<Value>,
    /// Keys livret does not interpret, kept as they were.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub other: BTreeMap<String, Value>,
}

/// A YAML value kept from front matter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(untagged)]
pub enum Value {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    List(Vec<Value>),
    Map(BTreeMap<String, Value>),
}

/// A part of a page that starts with a heading or with a paragraph that is only a bold title.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Section {
    /// Anchor compatible with GitBook's; a custom `<a id>` in the heading wins.
    pub anchor: String,
    /// Heading level (2 for `##`); a bold title is one level below the section holding it.
    pub level: u8,
    pub style: SectionStyle,
    pub title: Vec<Inline>,
    /// 1-based line of the heading in the page's source.
    pub line: u32,
    pub blocks: Vec<Block>,
    pub children: Vec<Section>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum SectionStyle {
    Heading,
    BoldTitle,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Block {
    Paragraph {
        content: Vec<Inline>,
    },
    /// A heading that does not start a section (inside a hint, a tab, a list…).
    Heading {
        level: u8,
        anchor: String,
        content: Vec<Inline>,
    },
    List {
        /// `Some(start)` for an ordered list.
        start: Option<u64>,
        items: Vec<ListItem>,
    },
    Quote {
        blocks: Vec<Block>,
    },
    Code {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        language: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        title: Option<String>,
        text: String,
        #[serde(default)]
        line_numbers: bool,
        #[serde(default)]
        wrap: bool,
    },
    Table {
        alignments: Vec<Alignment>,
        header: Vec<Vec<Inline>>,
        rows: Vec<Vec<Vec<Inline>>>,
    },
    ThematicBreak,
    Figure {
        image: Image,
        caption: Vec<Inline>,
    },
    Hint {
        style: HintStyle,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        icon: Option<String>,
        blocks: Vec<Block>,
    },
    /// A card linking to another page (`content-ref`, or the legacy `page-ref`).
    ContentRef {
        target: XRef,
        label: Vec<Inline>,
    },
    Embed {
        url: XRef,
        caption: Vec<Inline>,
        #[serde(default)]
        full_width: bool,
    },
    Tabs {
        tabs: Vec<Tab>,
    },
    Stepper {
        steps: Vec<Vec<Block>>,
    },
    Columns {
        columns: Vec<Vec<Block>>,
    },
    File {
        target: XRef,
        caption: Vec<Inline>,
    },
    Details {
        summary: Vec<Inline>,
        blocks: Vec<Block>,
    },
    CardTable {
        header: Vec<Vec<Inline>>,
        cards: Vec<Card>,
    },
    /// Reusable content; `blocks` is empty when the include could not be resolved.
    Include {
        source: String,
        resolved: bool,
        blocks: Vec<Block>,
    },
    Math {
        tex: String,
    },
    FootnoteDefinition {
        label: String,
        blocks: Vec<Block>,
    },
    /// Raw HTML livret has no model for, already sanitized.
    Html {
        html: String,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ListItem {
    /// `Some(checked)` for a task list item.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task: Option<bool>,
    pub blocks: Vec<Block>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Alignment {
    None,
    Left,
    Center,
    Right,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum HintStyle {
    Info,
    Success,
    Warning,
    Danger,
}

impl HintStyle {
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "info" => Some(HintStyle::Info),
            "success" => Some(HintStyle::Success),
            "warning" => Some(HintStyle::Warning),
            "danger" => Some(HintStyle::Danger),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Tab {
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon: Option<String>,
    pub blocks: Vec<Block>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Card {
    pub cells: Vec<Vec<Inline>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<XRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cover: Option<XRef>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Image {
    pub source: XRef,
    pub alt: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub width: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Inline {
    Text {
        text: String,
    },
    Emphasis {
        content: Vec<Inline>,
    },
    Strong {
        content: Vec<Inline>,
    },
    Strike {
        content: Vec<Inline>,
    },
    Code {
        code: String,
    },
    /// `<mark>`, with GitBook's colours (CSS colours or theme tokens such as `$primary`).
    Mark {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        color: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        background: Option<String>,
        content: Vec<Inline>,
    },
    Link {
        target: XRef,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        title: Option<String>,
        /// GitBook's page mentions: links titled "mention".
        #[serde(default)]
        mention: bool,
        content: Vec<Inline>,
    },
    Image {
        image: Image,
        /// True for GitBook's icon-sized inline images (`data-size="line"`).
        #[serde(default)]
        inline_size: bool,
    },
    LineBreak,
    FootnoteReference {
        label: String,
    },
    Math {
        tex: String,
    },
}

/// A reference from the book to somewhere, as written and as resolved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct XRef {
    /// The reference exactly as the source wrote it.
    pub raw: String,
    pub target: Target,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Target {
    /// A published page, and a section anchor of it when the link has one that exists.
    Page {
        path: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        anchor: Option<String>,
    },
    /// A file of the book that is not a page.
    Asset {
        path: String,
    },
    External {
        url: String,
    },
    Broken {
        reason: String,
    },
}

/// Plain text of inlines, for titles, search and comparisons.
pub fn plain_text(inlines: &[Inline]) -> String {
    let mut out = String::new();
    push_plain_text(inlines, &mut out);
    out
}

fn push_plain_text(inlines: &[Inline], out: &mut String) {
    for inline in inlines {
        match inline {
            Inline::Text { text } => out.push_str(text),
            Inline::Code { code } => out.push_str(code),
            Inline::Math { tex } => out.push_str(tex),
            Inline::Emphasis { content }
            | Inline::Strong { content }
            | Inline::Strike { content }
            | Inline::Mark { content, .. }
            | Inline::Link { content, .. } => push_plain_text(content, out),
            Inline::Image { image, .. } => out.push_str(&image.alt),
            Inline::LineBreak => out.push('\n'),
            Inline::FootnoteReference { .. } => {}
        }
    }
}

/// Plain text of blocks, one part per paragraph-like block.
pub fn push_blocks_text(blocks: &[Block], out: &mut Vec<String>) {
    for block in blocks {
        match block {
            Block::Paragraph { content } | Block::Heading { content, .. } => {
                out.push(plain_text(content))
            }
            Block::List { items, .. } => items
                .iter()
                .for_each(|item| push_blocks_text(&item.blocks, out)),
            Block::Quote { blocks }
            | Block::Hint { blocks, .. }
            | Block::Include { blocks, .. }
            | Block::FootnoteDefinition { blocks, .. } => push_blocks_text(blocks, out),
            Block::Code { text, .. } => out.push(text.trim_end().to_owned()),
            Block::Math { tex } => out.push(tex.clone()),
            Block::Table { header, rows, .. } => {
                for row in std::iter::once(header).chain(rows) {
                    out.push(
                        row.iter()
                            .map(|cell| plain_text(cell))
                            .collect::<Vec<_>>()
                            .join(" | "),
                    );
                }
            }
            Block::Figure { image, caption } => out.push(if caption.is_empty() {
                image.alt.clone()
            } else {
                plain_text(caption)
            }),
            Block::ContentRef { label, .. }
            | Block::Embed { caption: label, .. }
            | Block::File { caption: label, .. } => out.push(plain_text(label)),
            Block::Tabs { tabs } => {
                for tab in tabs {
                    out.push(tab.title.clone());
                    push_blocks_text(&tab.blocks, out);
                }
            }
            Block::Stepper { steps: groups } | Block::Columns { columns: groups } => groups
                .iter()
                .for_each(|blocks| push_blocks_text(blocks, out)),
            Block::Details { summary, blocks } => {
                out.push(plain_text(summary));
                push_blocks_text(blocks, out);
            }
            Block::CardTable { cards, .. } => {
                for card in cards {
                    out.push(
                        card.cells
                            .iter()
                            .map(|cell| plain_text(cell))
                            .collect::<Vec<_>>()
                            .join(" "),
                    );
                }
            }
            Block::ThematicBreak | Block::Html { .. } => {}
        }
    }
}
