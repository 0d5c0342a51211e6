use crate::Diagnostic;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A whole handbook at one revision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Book {
    /// Title, authorship, language and revision of the book.
    pub meta: BookMeta,
    /// The table of contents from SUMMARY.md, as groups of nested entries.
    pub toc: Vec<TocGroup>,
    /// Published pages in reading order (SUMMARY order, each page once; without SUMMARY.md, the
    /// README first, then the others by path).
    pub pages: Vec<Page>,
    /// Paths of the Markdown files present in the book but not listed in SUMMARY.md (not
    /// published), sorted; SUMMARY.md and files under `.gitbook/` are left out.
    pub orphans: Vec<String>,
    /// Every file of the book that is not Markdown (images, PDFs…), except `.gitbook.yaml`.
    pub assets: Vec<Asset>,
    /// `.gitbook.yaml` redirects, old path to current page path.
    pub redirects: Vec<Redirect>,
    /// Problems found while reading the book at this revision.
    pub diagnostics: Vec<Diagnostic>,
}

impl Book {
    /// The published page at `path` (in the book), if there is one.
    pub fn page(&self, path: &str) -> Option<&Page> {
        self.pages.iter().find(|page| page.path == path)
    }
}

/// What the book is: its title and authors from livret.yaml, and where it was read from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct BookMeta {
    /// `title` in livret.yaml, else the first page's title, else `Handbook`.
    pub title: String,
    /// `subtitle` in livret.yaml, when set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subtitle: Option<String>,
    /// `author` in livret.yaml: who writes the book, when set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    /// `organisation` in livret.yaml: who publishes the book, when set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation: Option<String>,
    /// BCP 47 language tag, `fr` by default.
    pub language: String,
    /// `base_url` in livret.yaml: where the handbook is published, when set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_url: Option<String>,
    /// Folder of the book inside the repository (after `.gitbook.yaml`'s `root`), `""` for the
    /// repository root.
    pub root: String,
    /// The commit the book was read from.
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

/// A group of the table of contents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TocGroup {
    /// `## Title` in SUMMARY.md; `None` for the leading group and groups started by `***`.
    pub title: Option<String>,
    /// The group's top-level entries, in SUMMARY order.
    pub entries: Vec<TocEntry>,
}

/// One entry of SUMMARY.md, with the entries nested under it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TocEntry {
    /// The entry's text in SUMMARY.md (without SUMMARY.md, the page's path without `.md`).
    pub title: String,
    /// Where the entry leads.
    pub target: TocTarget,
    /// Entries nested under this one.
    pub children: Vec<TocEntry>,
}

/// Where a table of contents entry leads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TocTarget {
    /// A published page, by its path in the book.
    Page {
        /// Path of the page in the book.
        path: String,
    },
    /// A link out of the book.
    External {
        /// The web address (`//host` links get `https:`).
        url: String,
    },
    /// An entry whose link leads to no page of the book (or has a scheme a reader may not
    /// follow), or that has no link at all.
    Missing {
        /// The link as written in SUMMARY.md; `""` when the entry has none.
        reference: String,
    },
}

/// A file of the book that is not Markdown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Asset {
    /// Path relative to the book root, NFC-normalised.
    pub path: String,
    /// Size in bytes; 0 when its object is missing from the repository.
    pub size: u64,
}

/// A redirect of `.gitbook.yaml`, by which links to an old path reach a page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Redirect {
    /// The old path, as written in `.gitbook.yaml` without leading or trailing `/`.
    pub from: String,
    /// The path in the book it redirects to, as written in `.gitbook.yaml`.
    pub to: String,
}

/// One Markdown file of the book.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Page {
    /// Path relative to the book root, `/`-separated, NFC-normalised.
    pub path: String,
    /// A level-1 heading before any section (then left out of the blocks), else the SUMMARY
    /// title, else the front matter's `title`, else the file name without `.md`.
    pub title: String,
    /// The page's YAML front matter; empty when there is none or it cannot be read.
    pub front_matter: FrontMatter,
    /// Blocks before the first section.
    pub intro: Vec<Block>,
    /// The page's top-level sections, in order.
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

/// The YAML between a page's leading `---` lines, as GitBook writes it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FrontMatter {
    /// `description:`, GitBook's page description, when it is a string.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `hidden: true`: the page stays out of navigation (the EPUB's table of contents, the JSON
    /// feed); false when absent.
    #[serde(default)]
    pub hidden: bool,
    /// `icon:`, as written, when it is a string.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon: Option<String>,
    /// `cover:`, as written, when it is a string.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cover: Option<String>,
    /// `layout:`, GitBook's layout options, kept as they were.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub layout: Option<Value>,
    /// Every other key (and a known key whose value has another type), kept as it was; a string
    /// `title` is the page's title when neither a heading nor SUMMARY.md gives one.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub other: BTreeMap<String, Value>,
}

/// A YAML value kept from front matter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(untagged)]
pub enum Value {
    /// `null` or an empty value.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, integer or not.
    Number(f64),
    /// A string.
    String(String),
    /// A sequence.
    List(Vec<Value>),
    /// A mapping; keys are turned into strings.
    Map(BTreeMap<String, Value>),
}

/// A part of a page that starts with a heading or with a paragraph that is only a bold title.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Section {
    /// Anchor compatible with GitBook's, unique in the page; a custom `<a id>` in the heading wins.
    pub anchor: String,
    /// Heading level (2 for `##`); a bold title is one level below the section holding it (2
    /// outside any section).
    pub level: u8,
    /// What starts the section.
    pub style: SectionStyle,
    /// The heading's text (the bold text, for a bold title).
    pub title: Vec<Inline>,
    /// 1-based line of the heading (or bold title) in the page's source.
    pub line: u32,
    /// The section's blocks before its first subsection.
    pub blocks: Vec<Block>,
    /// Its subsections, in order.
    pub children: Vec<Section>,
}

/// What starts a section.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum SectionStyle {
    /// A Markdown heading (`##`…).
    Heading,
    /// A paragraph that is only bold text.
    BoldTitle,
}

/// A block of a page: a paragraph, a list, a GitBook block…
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Block {
    /// A paragraph.
    Paragraph {
        /// Its text.
        content: Vec<Inline>,
    },
    /// A heading that does not start a section (inside a hint, a tab, a list…).
    Heading {
        /// 1 for `#`, 2 for `##`…
        level: u8,
        /// Anchor compatible with GitBook's, unique in the page; a custom `<a id>` wins.
        anchor: String,
        /// Its text.
        content: Vec<Inline>,
    },
    /// A bulleted, numbered or task list.
    List {
        /// `Some(start)` for an ordered list.
        start: Option<u64>,
        /// Its items, in order.
        items: Vec<ListItem>,
    },
    /// A block quote (`>`).
    Quote {
        /// What it quotes.
        blocks: Vec<Block>,
    },
    /// A code block, with the options of a GitBook `{% code %}` around it.
    Code {
        /// First word of the fence's info string (`rust` for ```` ```rust ````); absent when
        /// there is none.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        language: Option<String>,
        /// `title` of the `{% code %}` block, when there is one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        title: Option<String>,
        /// The code, as written.
        text: String,
        /// `lineNumbers="true"` on the `{% code %}` block.
        #[serde(default)]
        line_numbers: bool,
        /// `overflow="wrap"` on the `{% code %}` block: long lines wrap.
        #[serde(default)]
        wrap: bool,
    },
    /// A Markdown table.
    Table {
        /// How each column is aligned.
        alignments: Vec<Alignment>,
        /// The header row, one cell per column.
        header: Vec<Vec<Inline>>,
        /// The other rows, each a list of cells.
        rows: Vec<Vec<Vec<Inline>>>,
    },
    /// A horizontal rule (`---`).
    ThematicBreak,
    /// An HTML `<figure>`: an image and its caption.
    Figure {
        /// The image.
        image: Image,
        /// The `<figcaption>` text; empty when there is none.
        caption: Vec<Inline>,
    },
    /// A GitBook `{% hint %}`: a callout.
    Hint {
        /// Its `style`; `info` when absent or unknown.
        style: HintStyle,
        /// Its `icon` attribute, as written, when there is one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        icon: Option<String>,
        /// What it holds.
        blocks: Vec<Block>,
    },
    /// A card linking to another page (`content-ref`, or the legacy `page-ref`).
    ContentRef {
        /// Where the card leads.
        target: XRef,
        /// The card's text; may be empty.
        label: Vec<Inline>,
    },
    /// A GitBook `{% embed %}`: content from a web address.
    Embed {
        /// What is embedded (the tag's `url`).
        url: XRef,
        /// Its caption; may be empty.
        caption: Vec<Inline>,
        /// `fullWidth="true"` on the tag.
        #[serde(default)]
        full_width: bool,
    },
    /// A GitBook `{% tabs %}`.
    Tabs {
        /// Its tabs, in order.
        tabs: Vec<Tab>,
    },
    /// A GitBook `{% stepper %}`: numbered steps.
    Stepper {
        /// The blocks of each `{% step %}`, in order.
        steps: Vec<Vec<Block>>,
    },
    /// A GitBook `{% columns %}`: blocks side by side.
    Columns {
        /// The blocks of each `{% column %}`, in order.
        columns: Vec<Vec<Block>>,
    },
    /// A GitBook `{% file %}`: a file to download.
    File {
        /// The file (the tag's `src`).
        target: XRef,
        /// Its caption; may be empty.
        caption: Vec<Inline>,
    },
    /// A `<details>` block: content shown on demand.
    Details {
        /// The text of its `<summary>`.
        summary: Vec<Inline>,
        /// What it hides.
        blocks: Vec<Block>,
    },
    /// An HTML table of cards (`<table data-view="cards">`).
    CardTable {
        /// Titles of the columns shown (hidden, target and cover columns are left out).
        header: Vec<Vec<Inline>>,
        /// The cards, one per row.
        cards: Vec<Card>,
    },
    /// Reusable content; `blocks` is empty when the include could not be resolved.
    Include {
        /// The included file's path, as written in the tag.
        source: String,
        /// Whether the file was found and read.
        resolved: bool,
        /// The included content.
        blocks: Vec<Block>,
    },
    /// A display formula (`$$…$$` alone in its paragraph).
    Math {
        /// Its TeX source.
        tex: String,
    },
    /// The text of a footnote (`[^label]: …`).
    FootnoteDefinition {
        /// The footnote's label, as written.
        label: String,
        /// Its content.
        blocks: Vec<Block>,
    },
    /// Raw HTML livret has no model for, already sanitized.
    Html {
        /// The sanitized HTML.
        html: String,
    },
}

/// An item of a list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ListItem {
    /// `Some(checked)` for a task list item.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task: Option<bool>,
    /// The item's content.
    pub blocks: Vec<Block>,
}

/// How a table column is aligned, from its delimiter row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Alignment {
    /// No alignment given (`---`).
    None,
    /// `:--`.
    Left,
    /// `:-:`.
    Center,
    /// `--:`.
    Right,
}

/// The `style` of a GitBook hint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum HintStyle {
    /// `info`, the default.
    Info,
    /// `success`.
    Success,
    /// `warning`.
    Warning,
    /// `danger`.
    Danger,
}

impl HintStyle {
    /// The style of that name (`info`, `success`, `warning` or `danger`); `None` for any other.
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

/// One `{% tab %}` of a GitBook `{% tabs %}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Tab {
    /// Its `title` attribute; empty when there is none.
    pub title: String,
    /// Its `icon` attribute, as written, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon: Option<String>,
    /// What the tab holds.
    pub blocks: Vec<Block>,
}

/// One row of a card table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Card {
    /// Text of its cells, without those of hidden columns and of its target and cover.
    pub cells: Vec<Vec<Inline>>,
    /// Where the card leads (its `data-card-target` column), when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<XRef>,
    /// Its cover image (its `data-card-cover` column), when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cover: Option<XRef>,
}

/// An image, from Markdown or an HTML `<img>`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Image {
    /// The image file or address.
    pub source: XRef,
    /// Its alternative text; empty when there is none.
    pub alt: String,
    /// The `width` attribute of an HTML `<img>`, as written (`300`, `50%`), when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub width: Option<String>,
}

/// A piece of text within a block.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Inline {
    /// Plain text.
    Text {
        /// The text.
        text: String,
    },
    /// Emphasised text (`*…*`).
    Emphasis {
        /// What is emphasised.
        content: Vec<Inline>,
    },
    /// Strong text (`**…**`).
    Strong {
        /// What is strong.
        content: Vec<Inline>,
    },
    /// Struck-through text (`~~…~~`).
    Strike {
        /// What is struck through.
        content: Vec<Inline>,
    },
    /// Inline code (`` `…` ``).
    Code {
        /// The code.
        code: String,
    },
    /// `<mark>`, with GitBook's colours (CSS colours or theme tokens such as `$primary`).
    Mark {
        /// The `color` of its `style`, as written, when there is one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        color: Option<String>,
        /// The `background-color` (or `background`) of its `style`, as written, when there is one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        background: Option<String>,
        /// What is marked.
        content: Vec<Inline>,
    },
    /// A link, from Markdown or an HTML `<a href>`.
    Link {
        /// Where it leads.
        target: XRef,
        /// Its title, when it has one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        title: Option<String>,
        /// GitBook's page mentions: links titled "mention".
        #[serde(default)]
        mention: bool,
        /// The link's text.
        content: Vec<Inline>,
    },
    /// An image within text.
    Image {
        /// The image.
        image: Image,
        /// True for GitBook's icon-sized inline images (`data-size="line"`).
        #[serde(default)]
        inline_size: bool,
    },
    /// A hard line break.
    LineBreak,
    /// A reference to a footnote (`[^label]`).
    FootnoteReference {
        /// The footnote's label, as written.
        label: String,
    },
    /// A formula within text.
    Math {
        /// Its TeX source.
        tex: String,
    },
}

/// A reference from the book to somewhere, as written and as resolved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct XRef {
    /// The reference exactly as the source wrote it.
    pub raw: String,
    /// Where it resolves to.
    pub target: Target,
}

/// Where a reference leads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Target {
    /// A published page, and a heading anchor of it when the link has one that exists.
    Page {
        /// Path of the page in the book.
        path: String,
        /// The anchor on that page (of a section or a heading), when there is one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        anchor: Option<String>,
    },
    /// A file of the book that is not a published page.
    Asset {
        /// Path of the file in the book.
        path: String,
    },
    /// A link out of the book, with a scheme a reader may follow.
    External {
        /// The address (`//host` links get `https:`).
        url: String,
    },
    /// A reference that leads nowhere.
    Broken {
        /// Why, in a phrase for the user.
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

/// Appends the plain text of blocks to `out`, one part per paragraph-like block.
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
