//! Markdown runs to blocks and inlines, through pulldown-cmark with offsets.

use crate::html::{self, Token};
use crate::links::{slug, Anchors, BookIndex};
use crate::text::LineIndex;
use livret_model::Code;
use livret_model::{
    plain_text, Alignment, Block, Card, Diagnostic, Image, Inline, ListItem, Target, XRef,
};
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

/// What parsing a page needs besides its text: where it is, what links can reach, where problems go.
pub struct PageContext<'a> {
    /// Path of the file being parsed (a page or an include), for links and diagnostics.
    pub path: String,
    pub index: &'a BookIndex,
    pub diagnostics: Vec<Diagnostic>,
    pub anchors: Anchors,
    /// Links to a section of a page, checked once every page is parsed.
    pub anchored_links: Vec<AnchoredLink>,
}

/// A link with an anchor, and where it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnchoredLink {
    pub raw: String,
    /// File the link is written in (a page or an include), in the book.
    pub path: String,
    pub line: u32,
}

impl PageContext<'_> {
    pub fn diagnose(&mut self, diagnostic: Diagnostic, line: u32) {
        let diagnostic = diagnostic.at(self.path.clone(), Some(line), None);
        self.diagnostics.push(diagnostic);
    }

    /// Resolves a reference and reports it when broken.
    pub fn resolve(&mut self, raw: &str, line: u32) -> XRef {
        let xref = self.index.resolve(&self.path, raw);
        if let Target::Page {
            anchor: Some(_), ..
        } = &xref.target
        {
            self.anchored_links.push(AnchoredLink {
                raw: raw.to_owned(),
                path: self.path.clone(),
                line,
            });
        }
        if let Target::Broken { reason } = &xref.target {
            let message = format!("broken link `{raw}`: {reason}; it is shown as plain text");
            self.diagnose(
                Diagnostic::warning(Code::BrokenLink, message)
                    .with_help("point the link at an existing page or file"),
                line,
            );
        }
        xref
    }
}

/// A top-level block and the line it starts on.
#[derive(Debug, Clone, PartialEq)]
pub struct Located {
    pub block: Block,
    pub line: u32,
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_MATH
}

/// Parses a run of Markdown starting at `first_line` of the file.
pub fn parse(text: &str, first_line: u32, context: &mut PageContext<'_>) -> Vec<Located> {
    let lines = LineIndex::new(text);
    let mut builder = Builder {
        context,
        stack: vec![Frame::container(Container::Root, first_line)],
        flattened: 0,
    };
    for (event, range) in Parser::new_ext(text, options()).into_offset_iter() {
        let line = first_line + lines.line(range.start) - 1;
        builder.event(event, line);
    }
    builder.finish()
}

/// Parses inline Markdown (a caption, a summary) into inlines.
pub fn parse_inlines(text: &str, line: u32, context: &mut PageContext<'_>) -> Vec<Inline> {
    let mut inlines = Vec::new();
    for located in parse(text, line, context) {
        if let Block::Paragraph { content } = located.block {
            if !inlines.is_empty() {
                inlines.push(Inline::LineBreak);
            }
            inlines.extend(content);
        }
    }
    inlines
}

#[derive(Debug)]
enum Container {
    Root,
    Quote,
    Item { task: Option<bool> },
    Footnote { label: String },
}

#[derive(Debug)]
enum Span {
    Paragraph {
        implicit: bool,
        display_math: bool,
    },
    Heading {
        level: u8,
        custom_anchor: Option<String>,
    },
    Emphasis,
    Strong,
    Strike,
    Link {
        target: XRef,
        title: Option<String>,
        mention: bool,
    },
    Image {
        source: XRef,
    },
    Mark {
        color: Option<String>,
        background: Option<String>,
    },
    Cell,
}

#[derive(Debug)]
enum Frame {
    Container {
        container: Container,
        blocks: Vec<Located>,
        line: u32,
    },
    List {
        start: Option<u64>,
        items: Vec<ListItem>,
        line: u32,
    },
    Span {
        span: Span,
        inlines: Vec<Inline>,
        line: u32,
    },
    Table {
        alignments: Vec<Alignment>,
        header: Vec<Vec<Inline>>,
        rows: Vec<Vec<Vec<Inline>>>,
        row: Vec<Vec<Inline>>,
        line: u32,
    },
    Code {
        language: Option<String>,
        text: String,
        line: u32,
    },
    Html {
        text: String,
        line: u32,
    },
}

impl Frame {
    fn container(container: Container, line: u32) -> Self {
        Frame::Container {
            container,
            blocks: Vec::new(),
            line,
        }
    }
}

/// Lists and quotes nested deeper than this are flattened into their parent, so that hostile
/// input (thousands of `>`) cannot exhaust the stack of anything that walks the model.
pub const MAX_NESTING: usize = 32;

struct Builder<'c, 'a> {
    context: &'c mut PageContext<'a>,
    stack: Vec<Frame>,
    /// Containers opened beyond `MAX_NESTING`, whose ends must be ignored too.
    flattened: usize,
}

impl Builder<'_, '_> {
    fn event(&mut self, event: Event<'_>, line: u32) {
        match event {
            Event::Start(tag) => self.start(tag, line),
            Event::End(tag) => self.end(tag),
            Event::Text(text) => self.text(&text, line),
            Event::Code(code) => self.inline(
                Inline::Code {
                    code: code.into_string(),
                },
                line,
            ),
            Event::InlineMath(tex) => self.inline(
                Inline::Math {
                    tex: tex.into_string(),
                },
                line,
            ),
            Event::DisplayMath(tex) => {
                if let Some(Frame::Span {
                    span: Span::Paragraph { display_math, .. },
                    inlines,
                    ..
                }) = self.stack.last_mut()
                {
                    *display_math = inlines.is_empty();
                }
                self.inline(
                    Inline::Math {
                        tex: tex.trim().to_owned(),
                    },
                    line,
                );
            }
            Event::Html(html) => match self.stack.last_mut() {
                Some(Frame::Html { text, .. }) => text.push_str(&html),
                _ => self.push_block(
                    Block::Html {
                        html: html::sanitize(&html),
                    },
                    line,
                ),
            },
            Event::InlineHtml(html) => self.inline_html(&html, line),
            Event::FootnoteReference(label) => self.inline(
                Inline::FootnoteReference {
                    label: label.into_string(),
                },
                line,
            ),
            Event::SoftBreak => self.text(" ", line),
            Event::HardBreak => self.inline(Inline::LineBreak, line),
            Event::Rule => self.push_block(Block::ThematicBreak, line),
            Event::TaskListMarker(checked) => {
                self.close_implicit_paragraph();
                if let Some(Frame::Container {
                    container: Container::Item { task },
                    ..
                }) = self.stack.last_mut()
                {
                    *task = Some(checked);
                }
            }
        }
    }

    fn start(&mut self, tag: Tag<'_>, line: u32) {
        if is_container(&tag) && (self.flattened > 0 || self.container_depth() >= MAX_NESTING) {
            if self.flattened == 0 {
                let message = format!("lists and quotes are nested more than {MAX_NESTING} deep; deeper levels are flattened");
                self.context.diagnose(
                    Diagnostic::warning(Code::TooDeep, message).with_help("simplify the nesting"),
                    line,
                );
            }
            self.flattened += 1;
            self.close_implicit_paragraph();
            return;
        }
        let frame = match tag {
            Tag::Paragraph => Frame::Span {
                span: Span::Paragraph {
                    implicit: false,
                    display_math: false,
                },
                inlines: Vec::new(),
                line,
            },
            Tag::Heading { level, .. } => Frame::Span {
                span: Span::Heading {
                    level: level as u8,
                    custom_anchor: None,
                },
                inlines: Vec::new(),
                line,
            },
            Tag::BlockQuote(_) => Frame::container(Container::Quote, line),
            Tag::CodeBlock(kind) => {
                let language = match kind {
                    pulldown_cmark::CodeBlockKind::Fenced(info) => {
                        info.split_whitespace().next().map(str::to_owned)
                    }
                    pulldown_cmark::CodeBlockKind::Indented => None,
                };
                Frame::Code {
                    language,
                    text: String::new(),
                    line,
                }
            }
            Tag::HtmlBlock => Frame::Html {
                text: String::new(),
                line,
            },
            Tag::List(start) => Frame::List {
                start,
                items: Vec::new(),
                line,
            },
            Tag::Item => Frame::container(Container::Item { task: None }, line),
            Tag::FootnoteDefinition(label) => Frame::container(
                Container::Footnote {
                    label: label.into_string(),
                },
                line,
            ),
            Tag::Table(alignments) => Frame::Table {
                alignments: alignments.into_iter().map(alignment).collect(),
                header: Vec::new(),
                rows: Vec::new(),
                row: Vec::new(),
                line,
            },
            Tag::TableHead | Tag::TableRow => return,
            Tag::TableCell => Frame::Span {
                span: Span::Cell,
                inlines: Vec::new(),
                line,
            },
            Tag::Emphasis => Frame::Span {
                span: Span::Emphasis,
                inlines: Vec::new(),
                line,
            },
            Tag::Strong => Frame::Span {
                span: Span::Strong,
                inlines: Vec::new(),
                line,
            },
            Tag::Strikethrough => Frame::Span {
                span: Span::Strike,
                inlines: Vec::new(),
                line,
            },
            Tag::Link {
                dest_url, title, ..
            } => {
                let target = self.context.resolve(&dest_url, line);
                let mention = title.as_ref() == "mention";
                let title = (!title.is_empty() && !mention).then(|| title.into_string());
                Frame::Span {
                    span: Span::Link {
                        target,
                        title,
                        mention,
                    },
                    inlines: Vec::new(),
                    line,
                }
            }
            Tag::Image { dest_url, .. } => {
                let source = self.context.resolve(&dest_url, line);
                Frame::Span {
                    span: Span::Image { source },
                    inlines: Vec::new(),
                    line,
                }
            }
            _ => return,
        };
        let is_inline = matches!(&frame, Frame::Span { span, .. } if !matches!(span, Span::Paragraph { .. } | Span::Heading { .. } | Span::Cell));
        if is_inline {
            self.ensure_inline_sink(line);
        } else {
            self.close_implicit_paragraph();
        }
        self.stack.push(frame);
    }

    fn end(&mut self, tag: TagEnd) {
        if self.flattened > 0
            && matches!(
                tag,
                TagEnd::BlockQuote(_) | TagEnd::List(_) | TagEnd::Item | TagEnd::FootnoteDefinition
            )
        {
            self.flattened -= 1;
            self.close_implicit_paragraph();
            return;
        }
        match tag {
            TagEnd::TableHead | TagEnd::TableRow => {
                if let Some(Frame::Table {
                    header, rows, row, ..
                }) = self.stack.last_mut()
                {
                    let row = std::mem::take(row);
                    if matches!(tag, TagEnd::TableHead) {
                        *header = row;
                    } else {
                        rows.push(row);
                    }
                }
                return;
            }
            TagEnd::Item | TagEnd::BlockQuote(_) | TagEnd::FootnoteDefinition => {
                self.close_implicit_paragraph()
            }
            TagEnd::Paragraph
            | TagEnd::Heading(_)
            | TagEnd::CodeBlock
            | TagEnd::HtmlBlock
            | TagEnd::List(_)
            | TagEnd::Table => {}
            TagEnd::TableCell
            | TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Link
            | TagEnd::Image => {
                // Close spans opened by inline HTML (`<mark>`) that were never closed inside this one.
                while matches!(
                    self.stack.last(),
                    Some(Frame::Span {
                        span: Span::Mark { .. },
                        ..
                    })
                ) && self.stack.len() > 1
                {
                    self.pop();
                }
            }
            _ => return,
        }
        self.pop();
    }

    fn container_depth(&self) -> usize {
        self.stack
            .iter()
            .filter(|frame| matches!(frame, Frame::Container { .. } | Frame::List { .. }))
            .count()
    }

    /// Pops the top frame and hands what it built to its parent.
    fn pop(&mut self) {
        if self.stack.len() <= 1 {
            return;
        }
        let Some(frame) = self.stack.pop() else {
            return;
        };
        match frame {
            Frame::Container {
                container,
                blocks,
                line,
            } => {
                let blocks = blocks.into_iter().map(|located| located.block).collect();
                match container {
                    Container::Root => {}
                    Container::Quote => self.push_block(Block::Quote { blocks }, line),
                    Container::Footnote { label } => {
                        self.push_block(Block::FootnoteDefinition { label, blocks }, line)
                    }
                    Container::Item { task } => {
                        if let Some(Frame::List { items, .. }) = self.stack.last_mut() {
                            items.push(ListItem { task, blocks });
                        }
                    }
                }
            }
            Frame::List { start, items, line } => {
                self.push_block(Block::List { start, items }, line)
            }
            Frame::Code {
                language,
                text,
                line,
            } => self.push_block(
                Block::Code {
                    language,
                    title: None,
                    text,
                    line_numbers: false,
                    wrap: false,
                },
                line,
            ),
            Frame::Table {
                alignments,
                header,
                rows,
                line,
                ..
            } => self.push_block(
                Block::Table {
                    alignments,
                    header,
                    rows,
                },
                line,
            ),
            Frame::Html { text, line } => {
                if let Some(block) = self.html_block(&text, line) {
                    self.push_block(block, line);
                }
            }
            Frame::Span {
                span,
                inlines,
                line,
            } => self.pop_span(span, inlines, line),
        }
    }

    fn pop_span(&mut self, span: Span, mut inlines: Vec<Inline>, line: u32) {
        match span {
            Span::Paragraph { display_math, .. } => {
                clean_paragraph(&mut inlines);
                match (display_math, inlines.as_slice()) {
                    (_, []) => {}
                    (true, [Inline::Math { tex }]) => {
                        let tex = tex.clone();
                        self.push_block(Block::Math { tex }, line);
                    }
                    _ => self.push_block(Block::Paragraph { content: inlines }, line),
                }
            }
            Span::Heading {
                level,
                custom_anchor,
            } => {
                clean_paragraph(&mut inlines);
                let wanted = custom_anchor.unwrap_or_else(|| slug(&plain_text(&inlines)));
                let anchor = self.context.anchors.claim(&wanted);
                self.push_block(
                    Block::Heading {
                        level,
                        anchor,
                        content: inlines,
                    },
                    line,
                );
            }
            Span::Cell => {
                clean_paragraph(&mut inlines);
                if let Some(Frame::Table { row, .. }) = self.stack.last_mut() {
                    row.push(inlines);
                }
            }
            Span::Emphasis => self.inline(Inline::Emphasis { content: inlines }, line),
            Span::Strong => self.inline(Inline::Strong { content: inlines }, line),
            Span::Strike => self.inline(Inline::Strike { content: inlines }, line),
            Span::Mark { color, background } => self.inline(
                Inline::Mark {
                    color,
                    background,
                    content: inlines,
                },
                line,
            ),
            Span::Link {
                target,
                title,
                mention,
            } => self.inline(
                Inline::Link {
                    target,
                    title,
                    mention,
                    content: inlines,
                },
                line,
            ),
            Span::Image { source } => {
                let alt = plain_text(&inlines);
                self.inline(
                    Inline::Image {
                        image: Image {
                            source,
                            alt,
                            width: None,
                        },
                        inline_size: false,
                    },
                    line,
                );
            }
        }
    }

    fn push_block(&mut self, block: Block, line: u32) {
        self.close_implicit_paragraph();
        match self.stack.last_mut() {
            Some(Frame::Container { blocks, .. }) => blocks.push(Located { block, line }),
            _ => {
                // A block where only inlines fit (HTML inside a table cell): keep its text.
                if let Block::Html { html } = block {
                    self.text(&html::text_of(&html::tokenize(&html)), line);
                }
            }
        }
    }

    fn close_implicit_paragraph(&mut self) {
        if matches!(
            self.stack.last(),
            Some(Frame::Span {
                span: Span::Paragraph { implicit: true, .. },
                ..
            })
        ) {
            self.pop();
        }
    }

    /// Makes sure inline content has a span to go into (tight list items hold bare text).
    fn ensure_inline_sink(&mut self, line: u32) {
        if matches!(self.stack.last(), Some(Frame::Container { .. })) {
            let span = Span::Paragraph {
                implicit: true,
                display_math: false,
            };
            self.stack.push(Frame::Span {
                span,
                inlines: Vec::new(),
                line,
            });
        }
    }

    fn inline(&mut self, inline: Inline, line: u32) {
        if let Some(Frame::Code { text, .. }) = self.stack.last_mut() {
            text.push_str(&plain_text(std::slice::from_ref(&inline)));
            return;
        }
        self.ensure_inline_sink(line);
        if let Some(Frame::Span { inlines, .. }) = self.stack.last_mut() {
            inlines.push(inline);
        }
    }

    fn text(&mut self, text: &str, line: u32) {
        match self.stack.last_mut() {
            Some(Frame::Code { text: code, .. }) => return code.push_str(text),
            Some(Frame::Html { text: html, .. }) => return html.push_str(text),
            _ => {}
        }
        // `&#xNAN;` is an entity GitBook's writer breaks; it stands for nothing.
        let text = if text.contains("&#xNAN;") {
            text.replace("&#xNAN;", "")
        } else {
            text.to_owned()
        };
        self.ensure_inline_sink(line);
        if let Some(Frame::Span { inlines, .. }) = self.stack.last_mut() {
            match inlines.last_mut() {
                Some(Inline::Text { text: previous }) => previous.push_str(&text),
                _ => inlines.push(Inline::Text { text }),
            }
        }
    }

    fn inline_html(&mut self, raw: &str, line: u32) {
        for token in html::tokenize(raw) {
            match &token {
                Token::Start { name, .. } if name == "mark" => {
                    let (color, background) = mark_colours(token.attribute("style").unwrap_or(""));
                    self.ensure_inline_sink(line);
                    self.stack.push(Frame::Span {
                        span: Span::Mark { color, background },
                        inlines: Vec::new(),
                        line,
                    });
                }
                Token::End { name } if name == "mark" || name == "a" => {
                    let wanted = |span: &Span| match span {
                        Span::Mark { .. } => name == "mark",
                        Span::Link { .. } => name == "a",
                        _ => false,
                    };
                    if matches!(self.stack.last(), Some(Frame::Span { span, .. }) if wanted(span)) {
                        self.pop();
                    }
                }
                Token::Start { name, .. } if name == "br" => self.inline(Inline::LineBreak, line),
                Token::Start { name, .. } if name == "img" => {
                    if let Some(image) = self.image(&token, line) {
                        let inline_size = token.attribute("data-size") == Some("line");
                        self.inline(Inline::Image { image, inline_size }, line);
                    }
                }
                Token::Start { name, .. } if name == "a" => {
                    let id = token.attribute("id").or_else(|| token.attribute("name"));
                    match (token.attribute("href"), id) {
                        // `## Title <a href="#x" id="x"></a>`: GitBook's custom anchor.
                        (href, Some(id))
                            if href.is_none_or(|h| h.trim_start_matches('#') == id) =>
                        {
                            let id = id.to_owned();
                            if let Some(Frame::Span {
                                span: Span::Heading { custom_anchor, .. },
                                ..
                            }) = self.stack.last_mut()
                            {
                                *custom_anchor = Some(id);
                            }
                        }
                        (Some(href), _) => {
                            let target = self.context.resolve(href, line);
                            let title = token.attribute("title").map(str::to_owned);
                            self.ensure_inline_sink(line);
                            self.stack.push(Frame::Span {
                                span: Span::Link {
                                    target,
                                    title,
                                    mention: false,
                                },
                                inlines: Vec::new(),
                                line,
                            });
                        }
                        _ => {}
                    }
                }
                // Other inline tags (`<span>`, `<sup>`, `<u>`…) are dropped; their text stays.
                _ => {}
            }
        }
    }

    fn image(&mut self, token: &Token, line: u32) -> Option<Image> {
        let source = self.context.resolve(token.attribute("src")?, line);
        let alt = token.attribute("alt").unwrap_or("").to_owned();
        let width = token.attribute("width").map(str::to_owned);
        Some(Image { source, alt, width })
    }

    /// GitBook's block HTML: figures, card tables, lone images; anything else is sanitized.
    fn html_block(&mut self, raw: &str, line: u32) -> Option<Block> {
        let tokens = html::tokenize(raw);
        let starts = |tag: &str| tokens.iter().any(|t| t.is_start(tag));
        if starts("figure") {
            if let Some(image) = tokens
                .iter()
                .find(|t| t.is_start("img"))
                .and_then(|t| self.image(t, line))
            {
                let caption_start = tokens.iter().position(|t| t.is_start("figcaption"));
                let caption_end = tokens.iter().position(|t| t.is_end("figcaption"));
                let caption = match (caption_start, caption_end) {
                    (Some(start), Some(end)) if end > start => html::text_of(&tokens[start..end]),
                    (Some(start), _) => html::text_of(&tokens[start..]),
                    _ => String::new(),
                };
                let caption = if caption.is_empty() {
                    Vec::new()
                } else {
                    vec![Inline::Text { text: caption }]
                };
                return Some(Block::Figure { image, caption });
            }
        }
        if tokens
            .iter()
            .any(|t| t.is_start("table") && t.attribute("data-view") == Some("cards"))
        {
            return Some(self.card_table(&tokens, line));
        }
        let meaningful: Vec<&Token> = tokens
            .iter()
            .filter(|t| !matches!(t, Token::Text(text) if text.trim().is_empty()))
            .collect();
        match meaningful.as_slice() {
            [] => None,
            [image] if image.is_start("img") => {
                let image = self.image(image, line)?;
                Some(Block::Paragraph { content: vec![Inline::Image { image, inline_size: false }] })
            }
            // Layout wrappers and anchors alone (`<div align="center">`, `</div>`, `<a id>`) carry nothing.
            tags if tags.iter().all(|t| matches!(t, Token::Start { name, .. } | Token::End { name } if matches!(name.as_str(), "div" | "p" | "a" | "span" | "br" | "center"))) => None,
            _ => {
                let html = html::sanitize(raw);
                (!html.trim().is_empty()).then_some(Block::Html { html })
            }
        }
    }

    fn card_table(&mut self, tokens: &[Token], line: u32) -> Block {
        #[derive(Default)]
        struct Column {
            hidden: bool,
            target: bool,
            cover: bool,
        }
        let mut columns: Vec<Column> = Vec::new();
        let mut header = Vec::new();
        let mut cards = Vec::new();
        let mut in_head = false;
        let mut row: Vec<(String, Option<String>)> = Vec::new();
        let mut cell: Option<(String, Option<String>)> = None;
        for token in tokens {
            match token {
                Token::Start { name, .. } if name == "thead" => in_head = true,
                Token::End { name } if name == "thead" => in_head = false,
                Token::Start { name, .. } if name == "th" => {
                    columns.push(Column {
                        hidden: token.attribute("data-hidden").is_some(),
                        target: token.attribute("data-card-target").is_some(),
                        cover: token.attribute("data-card-cover").is_some(),
                    });
                    cell = Some((String::new(), None));
                }
                Token::Start { name, .. } if name == "td" => cell = Some((String::new(), None)),
                Token::Start { name, .. } if name == "a" => {
                    if let (Some((_, href)), Some(link)) = (cell.as_mut(), token.attribute("href"))
                    {
                        *href = Some(link.to_owned());
                    }
                }
                Token::Text(text) => {
                    if let Some((content, _)) = cell.as_mut() {
                        content.push_str(text);
                    }
                }
                Token::End { name } if name == "th" || name == "td" => {
                    if let Some((content, href)) = cell.take() {
                        let content = content.split_whitespace().collect::<Vec<_>>().join(" ");
                        if in_head || name == "th" {
                            header.push(content);
                        } else {
                            row.push((content, href));
                        }
                    }
                }
                Token::End { name } if name == "tr" && !row.is_empty() => {
                    let mut card = Card {
                        cells: Vec::new(),
                        target: None,
                        cover: None,
                    };
                    for (index, (content, href)) in std::mem::take(&mut row).into_iter().enumerate()
                    {
                        let column = columns.get(index);
                        let href = href.or_else(|| {
                            column
                                .filter(|c| c.target || c.cover)
                                .map(|_| content.clone())
                                .filter(|c| !c.is_empty())
                        });
                        match (column, href) {
                            (Some(c), Some(href)) if c.target => {
                                card.target = Some(self.context.resolve(&href, line))
                            }
                            (Some(c), Some(href)) if c.cover => {
                                card.cover = Some(self.context.resolve(&href, line))
                            }
                            (Some(c), _) if c.hidden => {}
                            _ => card.cells.push(if content.is_empty() {
                                Vec::new()
                            } else {
                                vec![Inline::Text { text: content }]
                            }),
                        }
                    }
                    cards.push(card);
                }
                _ => {}
            }
        }
        let header = header
            .into_iter()
            .zip(
                columns
                    .iter()
                    .map(|c| c.hidden || c.target || c.cover)
                    .chain(std::iter::repeat(false)),
            )
            .filter(|(_, hidden)| !hidden)
            .map(|(text, _)| {
                if text.is_empty() {
                    Vec::new()
                } else {
                    vec![Inline::Text { text }]
                }
            })
            .collect();
        Block::CardTable { header, cards }
    }

    fn finish(mut self) -> Vec<Located> {
        while self.stack.len() > 1 {
            self.pop();
        }
        match self.stack.pop() {
            Some(Frame::Container { blocks, .. }) => blocks,
            _ => Vec::new(),
        }
    }
}

fn is_container(tag: &Tag<'_>) -> bool {
    matches!(
        tag,
        Tag::BlockQuote(_) | Tag::List(_) | Tag::Item | Tag::FootnoteDefinition(_)
    )
}

fn alignment(alignment: pulldown_cmark::Alignment) -> Alignment {
    match alignment {
        pulldown_cmark::Alignment::None => Alignment::None,
        pulldown_cmark::Alignment::Left => Alignment::Left,
        pulldown_cmark::Alignment::Center => Alignment::Center,
        pulldown_cmark::Alignment::Right => Alignment::Right,
    }
}

/// `color:red;background-color:$primary` to its two colours.
fn mark_colours(style: &str) -> (Option<String>, Option<String>) {
    let mut color = None;
    let mut background = None;
    for declaration in style.split(';') {
        if let Some((key, value)) = declaration.split_once(':') {
            let value = Some(value.trim().to_owned()).filter(|v| !v.is_empty());
            match key.trim() {
                "color" => color = value,
                "background-color" | "background" => background = value,
                _ => {}
            }
        }
    }
    (color, background)
}

/// Removes GitBook's writer artefacts from a paragraph: trailing spaces (`&#x20;`), lone or trailing
/// backslashes, doubled spaces, and line breaks at the edges.
fn clean_paragraph(inlines: &mut Vec<Inline>) {
    for inline in inlines.iter_mut() {
        if let Inline::Text { text } = inline {
            if text.contains("  ") {
                *text = collapse_spaces(text);
            }
        }
    }
    while let Some(last) = inlines.last_mut() {
        match last {
            Inline::LineBreak => {
                inlines.pop();
            }
            Inline::Text { text } => {
                let trimmed = text.trim_end().trim_end_matches('\\').trim_end();
                if trimmed.is_empty() {
                    inlines.pop();
                } else {
                    text.truncate(trimmed.len());
                    break;
                }
            }
            _ => break,
        }
    }
    for index in 0..inlines.len() {
        let before_break = matches!(inlines.get(index + 1), Some(Inline::LineBreak));
        if let Some(Inline::Text { text }) = inlines.get_mut(index) {
            if before_break {
                text.truncate(text.trim_end().len());
            }
        }
        let after_break = index > 0 && matches!(inlines.get(index - 1), Some(Inline::LineBreak));
        if let Some(Inline::Text { text }) = inlines.get_mut(index) {
            if after_break || index == 0 {
                let start = text.len() - text.trim_start().len();
                text.drain(..start);
            }
        }
    }
    inlines.retain(|inline| !matches!(inline, Inline::Text { text } if text.is_empty()));
    while matches!(inlines.first(), Some(Inline::LineBreak)) {
        inlines.remove(0);
    }
}

fn collapse_spaces(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c == ' ' && out.ends_with(' ') {
            continue;
        }
        out.push(c);
    }
    out
}
