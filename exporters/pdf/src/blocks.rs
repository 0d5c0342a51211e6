//! Every block of the model laid out as flow elements: paragraphs, headings, lists, quotes,
//! code, tables, figures, hints, content-refs, embeds, files, tabs, steppers, columns, details,
//! cards, includes, math, footnotes, raw HTML; pages and their sections.

use crate::breaking::{break_paragraph, Align, Shape};
use crate::flow::{Container, Draw, Kind, LinkTarget, Rgb};
use crate::fonts::FaceKind;
use crate::layout::{display_title, Layout, OutlineItem};
use crate::text::{InlineImage, Para, ParaBuilder, Style};
use crate::words::Words;
use livret_model::{
    plain_text, Alignment, Block, Card, HintStyle, Image, Inline, ListItem, Page, Section,
    SectionStyle, Target, XRef,
};

/// Justified body text: line height as a multiple of the font size.
const LEADING: f32 = 1.38;

fn hint_colours(style: HintStyle) -> (Rgb, Rgb) {
    match style {
        HintStyle::Info => (Rgb(0.16, 0.42, 0.75), Rgb(0.93, 0.96, 1.0)),
        HintStyle::Success => (Rgb(0.13, 0.55, 0.27), Rgb(0.93, 0.98, 0.94)),
        HintStyle::Warning => (Rgb(0.80, 0.50, 0.0), Rgb(1.0, 0.97, 0.90)),
        HintStyle::Danger => (Rgb(0.78, 0.15, 0.15), Rgb(1.0, 0.94, 0.94)),
    }
}

impl Layout<'_> {
    /// A book page: its title (destination of links to the page), description, intro and
    /// sections; returns the outline entries of its sections.
    pub(crate) fn page(&mut self, page: &Page) -> Vec<OutlineItem> {
        let title = crate::layout::shown_title(&mut self.fonts, &page.title, &page.path);
        self.page_path = page.path.clone();
        self.start_chapter(&title, true);
        self.page_break();
        let dest = self.page_dest(&page.path);
        let style = self.style(FaceKind::Bold, 2.0, Rgb::TEXT);
        let mut builder = ParaBuilder::new();
        builder.push(&title, style);
        let para = builder.finish(self.french());
        self.heading(&para, 2.0, 0.0, vec![dest]);
        if let Some(description) = &page.front_matter.description {
            let style = self.style(FaceKind::Italic, 1.1, Rgb::GREY);
            self.text_line(description, style, Align::Left, false);
            self.space(self.size());
        }
        self.blocks(&page.intro, false);
        page.sections
            .iter()
            .map(|section| self.section(section))
            .collect()
    }

    fn section(&mut self, section: &Section) -> OutlineItem {
        let scale = match (section.style, section.level) {
            (SectionStyle::BoldTitle, _) => 1.0,
            (_, 0..=2) => 1.45,
            (_, 3) => 1.2,
            (_, 4) => 1.05,
            _ => 1.0,
        };
        let path = self.page_path.clone();
        let dest = self.section_dest(&path, &section.anchor);
        let style = self.style(FaceKind::Bold, scale, Rgb::TEXT);
        let para = self.inline_para(&section.title, style);
        self.heading(&para, scale, self.size() * scale * 1.1, vec![dest]);
        self.blocks(&section.blocks, false);
        let children = section
            .children
            .iter()
            .map(|child| self.section(child))
            .collect();
        OutlineItem {
            title: display_title(&mut self.fonts, &plain_text(&section.title)),
            target: LinkTarget::Dest(dest),
            children,
        }
    }

    pub(crate) fn blocks(&mut self, blocks: &[Block], tight: bool) {
        for block in blocks {
            self.block(block, tight);
        }
    }

    fn gap(&self, tight: bool) -> f32 {
        if tight {
            self.size() * 0.3
        } else {
            self.size() * 0.75
        }
    }

    fn block(&mut self, block: &Block, tight: bool) {
        let size = self.size();
        let gap = self.gap(tight);
        match block {
            Block::Paragraph { content } => self.paragraph_block(content, tight),
            Block::Heading {
                level,
                anchor,
                content,
            } => {
                let scale = match level {
                    0..=2 => 1.3,
                    3 => 1.15,
                    _ => 1.0,
                };
                let path = self.page_path.clone();
                let dest = self.section_dest(&path, anchor);
                let style = self.style(FaceKind::Bold, scale, Rgb::TEXT);
                let para = self.inline_para(content, style);
                self.heading(&para, scale, size * scale * 0.8, vec![dest]);
            }
            Block::List { start, items } => self.list(*start, items, tight),
            Block::Quote { blocks } => {
                self.space(gap);
                let container = Container {
                    x0: 0.0,
                    x1: 0.0,
                    background: None,
                    bar: Some((Rgb::LIGHT, 2.5)),
                    pad: 2.0,
                };
                let saved = self.open(container, 14.0, 0.0);
                self.blocks(blocks, tight);
                self.close(saved);
                self.space(gap);
            }
            Block::Code { title, text, .. } => self.code(title.as_deref(), text, gap),
            Block::Table {
                alignments,
                header,
                rows,
            } => self.table(alignments, header, rows, gap),
            Block::ThematicBreak => {
                self.space(gap);
                let x = self.x + self.width / 2.0;
                let draws = vec![Draw::Line {
                    x1: x - 40.0,
                    y1: size * 0.6,
                    x2: x + 40.0,
                    y2: size * 0.6,
                    width: 0.6,
                    color: Rgb::LIGHT,
                }];
                self.block_box(size * 1.2, draws);
                self.space(gap);
            }
            Block::Figure { image, caption } => self.figure(image, caption, gap),
            Block::Hint { style, blocks, .. } => self.hint(*style, blocks, gap),
            Block::ContentRef { target, label } => {
                let text = plain_text(label);
                let raw = target.raw.trim_end_matches('/');
                let title = match &target.target {
                    Target::Page { path, .. }
                        if text.trim().is_empty() || text == raw || text == *path =>
                    {
                        self.book
                            .page(path)
                            .map(|p| display_title(&mut self.fonts, &p.title))
                    }
                    _ => None,
                };
                let fallback = fallback_text(target);
                let label: Vec<Inline> = match title {
                    Some(title) => vec![Inline::Text { text: title }],
                    None if text.trim().is_empty() => vec![Inline::Text { text: fallback }],
                    None => label.clone(),
                };
                self.link_block("→ ", target, &label, gap);
            }
            Block::Embed { url, caption, .. } => {
                let words = self.lang.embed();
                let label: Vec<Inline> = if plain_text(caption).trim().is_empty() {
                    vec![Inline::Text {
                        text: format!("{words} : {}", fallback_text(url)),
                    }]
                } else {
                    let mut label = caption.clone();
                    if let Target::External { url } = &url.target {
                        label.push(Inline::LineBreak);
                        label.push(Inline::Text { text: url.clone() });
                    }
                    label
                };
                self.link_block("▶ ", url, &label, gap);
            }
            Block::File { target, caption } => {
                let name = match &target.target {
                    Target::Asset { path } => path.rsplit('/').next().unwrap_or(path),
                    _ => target.raw.rsplit('/').next().unwrap_or(&target.raw),
                };
                let mut label = vec![Inline::Text {
                    text: format!("{} : {name}", self.lang.file()),
                }];
                if !plain_text(caption).trim().is_empty() {
                    label.push(Inline::Text {
                        text: " — ".to_owned(),
                    });
                    label.extend(caption.iter().cloned());
                }
                self.link_block("", target, &label, gap);
            }
            Block::Tabs { tabs } => {
                for tab in tabs {
                    self.titled(&tab.title, &tab.blocks, gap);
                }
            }
            Block::Stepper { steps } => {
                for (index, step) in steps.iter().enumerate() {
                    let title = self.lang.step(index + 1);
                    self.titled(&title, step, gap);
                }
            }
            Block::Columns { columns } => {
                for column in columns {
                    self.blocks(column, tight);
                }
            }
            Block::Details { summary, blocks } => {
                let title = if summary.is_empty() {
                    self.lang.details().to_owned()
                } else {
                    plain_text(summary)
                };
                self.titled(&title, blocks, gap);
            }
            Block::CardTable { cards, .. } => self.cards(cards, gap),
            Block::Include {
                resolved, blocks, ..
            } => {
                if *resolved {
                    self.blocks(blocks, tight);
                }
            }
            Block::Math { tex } => {
                let style = self.style(FaceKind::Mono, 0.9, Rgb::TEXT);
                let mut builder = ParaBuilder::new();
                builder.push_verbatim(tex, style);
                let para = builder.finish(false);
                self.space(gap);
                self.paragraph(&para, Align::Center, 1.3, false, false);
                self.space(gap);
            }
            Block::FootnoteDefinition { label, blocks } => {
                let path = self.page_path.clone();
                let dest = self.dest(&format!("footnote:{path}#{label}"));
                let style = self.style(FaceKind::Regular, 0.85, Rgb::TEXT);
                let mut builder = ParaBuilder::new();
                let mut label_style = style;
                label_style.size *= 0.75;
                label_style.rise = style.size * 0.35;
                builder.push(label, label_style);
                builder.push(" ", style);
                let rest = match blocks.split_first() {
                    Some((Block::Paragraph { content }, rest)) => {
                        self.inlines(&mut builder, content, style);
                        rest
                    }
                    _ => blocks.as_slice(),
                };
                let para = builder.finish(self.french());
                self.space(gap * 0.5);
                if let Some(first) = self.paragraph(&para, Align::Justify, 1.3, false, true) {
                    self.elements[first].dests.push(dest);
                }
                let saved = self.indent(10.0);
                self.blocks(rest, true);
                self.restore(saved);
            }
            Block::Html { html } => {
                let text = strip_html(html);
                if !text.trim().is_empty() {
                    let style = self.style(FaceKind::Regular, 1.0, Rgb::TEXT);
                    let mut builder = ParaBuilder::new();
                    builder.push(&text, style);
                    let para = builder.finish(self.french());
                    self.paragraph(&para, Align::Justify, LEADING, false, true);
                    self.space(gap);
                }
            }
        }
    }

    /// Inlines as a paragraph in `style`.
    pub(crate) fn inline_para(&mut self, inlines: &[Inline], style: Style) -> Para {
        let mut builder = ParaBuilder::new();
        self.inlines(&mut builder, inlines, style);
        builder.finish(self.french())
    }

    pub(crate) fn inlines(&mut self, builder: &mut ParaBuilder, inlines: &[Inline], style: Style) {
        for inline in inlines {
            self.inline(builder, inline, style);
        }
    }

    fn inline(&mut self, builder: &mut ParaBuilder, inline: &Inline, style: Style) {
        match inline {
            Inline::Text { text } => builder.push(text, style),
            Inline::Emphasis { content } => {
                let style = Style {
                    face: style.face.italic(),
                    ..style
                };
                self.inlines(builder, content, style);
            }
            Inline::Strong { content } => {
                let style = Style {
                    face: style.face.bold(),
                    ..style
                };
                self.inlines(builder, content, style);
            }
            Inline::Strike { content } => {
                let style = Style {
                    strike: true,
                    ..style
                };
                self.inlines(builder, content, style);
            }
            Inline::Code { code } => {
                let style = Style {
                    face: style.face.mono(),
                    size: style.size * 0.86,
                    background: Some(Rgb::SHADE),
                    ..style
                };
                builder.push(code, style);
            }
            Inline::Mark { content, .. } => {
                let style = Style {
                    background: Some(Rgb(1.0, 0.95, 0.6)),
                    ..style
                };
                self.inlines(builder, content, style);
            }
            Inline::Link {
                target,
                mention,
                content,
                ..
            } => {
                let link = if style.link.is_some() {
                    None
                } else {
                    self.link_for(target)
                };
                let style = match link {
                    Some(link) => Style {
                        link: Some(link),
                        color: Rgb::LINK,
                        ..style
                    },
                    None => style,
                };
                let title = match &target.target {
                    Target::Page { path, .. } if *mention => {
                        self.book.page(path).map(|p| p.title.clone())
                    }
                    _ => None,
                };
                match title {
                    Some(title) => builder.push(&title, style),
                    None => self.inlines(builder, content, style),
                }
            }
            Inline::Image { image, inline_size } => match self.picture(&image.source) {
                Some((picture, width, height)) => {
                    let target = if *inline_size {
                        style.size * 1.1
                    } else {
                        style.size * 3.0
                    };
                    let h = height.min(target).max(1.0);
                    let w = (width * h / height.max(1.0)).min(self.width);
                    builder.image(
                        InlineImage {
                            image: picture,
                            width: w,
                            height: h,
                        },
                        style,
                    );
                }
                None => {
                    let placeholder = self.lang.image(&image.alt);
                    let style = Style {
                        face: style.face.italic(),
                        color: Rgb::GREY,
                        ..style
                    };
                    builder.push(&placeholder, style);
                }
            },
            Inline::LineBreak => builder.line_break(style),
            Inline::FootnoteReference { label } => {
                let path = self.page_path.clone();
                let dest = self.dest(&format!("footnote:{path}#{label}"));
                let link = self.link(LinkTarget::Dest(dest));
                let style = Style {
                    size: style.size * 0.7,
                    rise: style.size * 0.35,
                    link: Some(link),
                    color: Rgb::LINK,
                    ..style
                };
                builder.push(label, style);
            }
            Inline::Math { tex } => {
                let style = Style {
                    face: style.face.mono(),
                    size: style.size * 0.9,
                    ..style
                };
                builder.push(tex, style);
            }
        }
    }

    fn paragraph_block(&mut self, content: &[Inline], tight: bool) {
        // A paragraph of images only (GitBook's way of showing one) is a figure.
        let only_images = content.iter().all(|inline| match inline {
            Inline::Image { inline_size, .. } => !inline_size,
            Inline::Text { text } => text.trim().is_empty(),
            Inline::LineBreak => true,
            _ => false,
        }) && content.iter().any(|i| matches!(i, Inline::Image { .. }));
        let gap = self.gap(tight);
        if only_images {
            for inline in content {
                if let Inline::Image { image, .. } = inline {
                    self.figure(image, &[], gap);
                }
            }
            return;
        }
        let style = self.style(FaceKind::Regular, 1.0, Rgb::TEXT);
        let para = self.inline_para(content, style);
        if self
            .paragraph(&para, Align::Justify, LEADING, false, true)
            .is_some()
        {
            self.space(gap);
        }
    }

    fn list(&mut self, start: Option<u64>, items: &[ListItem], tight: bool) {
        let size = self.size();
        let indent = match start {
            Some(start) => {
                let digits = (start + items.len() as u64).to_string().len() as f32;
                size * (0.9 + 0.55 * digits)
            }
            None => size * 1.3,
        };
        for (index, item) in items.iter().enumerate() {
            let saved = self.indent(indent);
            let first = self.elements.len();
            match item.blocks.split_first() {
                Some((Block::Paragraph { content }, rest)) => {
                    let style = self.style(FaceKind::Regular, 1.0, Rgb::TEXT);
                    let para = self.inline_para(content, style);
                    if self
                        .paragraph(&para, Align::Justify, LEADING, false, true)
                        .is_none()
                    {
                        self.block_box(size * LEADING, Vec::new());
                    }
                    self.space(self.gap(true));
                    self.blocks(rest, true);
                }
                _ => {
                    if item.blocks.is_empty() {
                        self.block_box(size * LEADING, Vec::new());
                    }
                    self.blocks(&item.blocks, true);
                }
            }
            self.restore(saved);
            // The marker sits on the baseline of the item's first line.
            let Some(target) =
                (first..self.elements.len()).find(|&i| self.elements[i].kind == Kind::Content)
            else {
                continue;
            };
            let baseline = if self.elements[target].baseline > 0.0 {
                self.elements[target].baseline
            } else {
                size
            };
            let x = self.x;
            let mut draws = Vec::new();
            match (item.task, start) {
                (Some(checked), _) => {
                    let side = size * 0.7;
                    draws.push(Draw::Frame {
                        x: x + 1.0,
                        y: baseline - side,
                        w: side,
                        h: side,
                        width: 0.6,
                        color: Rgb::TEXT,
                    });
                    if checked {
                        draws.push(Draw::Line {
                            x1: x + 1.0 + side * 0.2,
                            y1: baseline - side * 0.5,
                            x2: x + 1.0 + side * 0.42,
                            y2: baseline - side * 0.2,
                            width: 1.0,
                            color: Rgb::TEXT,
                        });
                        draws.push(Draw::Line {
                            x1: x + 1.0 + side * 0.42,
                            y1: baseline - side * 0.2,
                            x2: x + 1.0 + side * 0.85,
                            y2: baseline - side * 0.85,
                            width: 1.0,
                            color: Rgb::TEXT,
                        });
                    }
                }
                (None, Some(start)) => {
                    let number = format!("{}.", start + index as u64);
                    let font = self.fonts.font_of(FaceKind::Regular);
                    let width = self.fonts.width(font, &number, size);
                    let glyphs = self.glyph_run(font, &number, size);
                    draws.push(Draw::Glyphs {
                        font,
                        size,
                        color: Rgb::TEXT,
                        x: x + indent - size * 0.4 - width,
                        y: baseline,
                        glyphs,
                    });
                }
                (None, None) => {
                    let bullet = if self.in_list_depth() % 2 == 0 {
                        "•"
                    } else {
                        "–"
                    };
                    let font = self.fonts.font_of(FaceKind::Regular);
                    let glyphs = self.glyph_run(font, bullet, size);
                    draws.push(Draw::Glyphs {
                        font,
                        size,
                        color: Rgb::TEXT,
                        x: x + size * 0.35,
                        y: baseline,
                        glyphs,
                    });
                }
            }
            self.elements[target].draws.extend(draws);
        }
        self.space(self.gap(tight));
    }

    /// How deep in lists the current column is, judged by its indent.
    fn in_list_depth(&self) -> usize {
        ((self.x - self.geometry.margin) / (self.size() * 1.3)).round() as usize
    }

    /// Glyph ids and advances of `text` in one font.
    pub(crate) fn glyph_run(&mut self, font: u8, text: &str, size: f32) -> Vec<(u16, f32)> {
        let scale = size / self.fonts.font(font).units_per_em;
        self.fonts
            .shape(font, text)
            .iter()
            .map(|g| (g.gid, g.advance as f32 * scale))
            .collect()
    }

    fn code(&mut self, title: Option<&str>, text: &str, gap: f32) {
        let size = self.size() * 0.84;
        // Boxes stand clear of what surrounds them by the gap, beyond their padding.
        self.space(gap + 10.0);
        let container = Container {
            x0: 0.0,
            x1: 0.0,
            background: Some(Rgb::SHADE),
            bar: None,
            pad: 5.0,
        };
        let saved = self.open(container, 7.0, 7.0);
        if let Some(title) = title {
            let style = Style::new(FaceKind::Bold, size, Rgb::GREY);
            self.text_line(title, style, Align::Left, true);
        }
        let style = Style::new(FaceKind::Mono, size, Rgb::TEXT);
        let lines: Vec<&str> = text.trim_end_matches('\n').split('\n').collect();
        let first = self.elements.len();
        for line in &lines {
            let mut builder = ParaBuilder::new();
            builder.push_verbatim(line.trim_end(), style);
            let para = builder.finish(false);
            if para.text.is_empty() {
                self.block_box(size * 1.3, Vec::new());
            } else {
                self.paragraph(&para, Align::Left, 1.3, false, false);
            }
        }
        // Never fewer than two lines of code at either side of a page break.
        let n = self.elements.len() - first;
        for (i, element) in self.elements[first..].iter_mut().enumerate() {
            element.break_before = i == 0 || (i >= 2 && n - i >= 2);
        }
        self.close(saved);
        self.space(gap + 10.0);
    }

    fn hint(&mut self, style: HintStyle, blocks: &[Block], gap: f32) {
        let (colour, tint) = hint_colours(style);
        self.space(gap + 12.0);
        let container = Container {
            x0: 0.0,
            x1: 0.0,
            background: Some(tint),
            bar: Some((colour, 3.0)),
            pad: 6.0,
        };
        let saved = self.open(container, 12.0, 8.0);
        let label = self.style(FaceKind::Bold, 0.9, colour);
        self.text_line(self.lang.hint(style), label, Align::Left, true);
        self.space(self.size() * 0.2);
        self.blocks(blocks, true);
        // No space at the bottom of the box: the padding is enough.
        if self.elements.last().is_some_and(|e| e.kind == Kind::Space) {
            self.elements.pop();
        }
        self.close(saved);
        self.space(gap + 12.0);
    }

    /// A titled part (tab, step, details): a bold title kept with what follows, then the blocks.
    fn titled(&mut self, title: &str, blocks: &[Block], gap: f32) {
        self.space(gap);
        let container = Container {
            x0: 0.0,
            x1: 0.0,
            background: None,
            bar: Some((Rgb::LIGHT, 1.5)),
            pad: 2.0,
        };
        let saved = self.open(container, 10.0, 0.0);
        let style = self.style(FaceKind::Bold, 1.0, Rgb::TEXT);
        self.text_line(title, style, Align::Left, true);
        self.space(self.size() * 0.25);
        self.blocks(blocks, true);
        if self.elements.last().is_some_and(|e| e.kind == Kind::Space) {
            self.elements.pop();
        }
        self.close(saved);
        self.space(gap);
    }

    /// A paragraph that is a link (content-ref, embed, file).
    fn link_block(&mut self, prefix: &str, target: &XRef, label: &[Inline], gap: f32) {
        let style = self.style(FaceKind::Regular, 1.0, Rgb::TEXT);
        let mut builder = ParaBuilder::new();
        if !prefix.is_empty() {
            builder.push(prefix, style);
        }
        let link = Inline::Link {
            target: target.clone(),
            title: None,
            mention: false,
            content: label.to_vec(),
        };
        self.inline(&mut builder, &link, style);
        let para = builder.finish(self.french());
        self.space(gap * 0.5);
        self.paragraph(&para, Align::Left, LEADING, false, false);
        self.space(gap);
    }

    fn cards(&mut self, cards: &[Card], gap: f32) {
        let items: Vec<ListItem> = cards
            .iter()
            .map(|card| {
                let mut content: Vec<Inline> = Vec::new();
                for cell in card.cells.iter().filter(|c| !c.is_empty()) {
                    if !content.is_empty() {
                        content.push(Inline::Text {
                            text: " — ".to_owned(),
                        });
                    }
                    content.extend(cell.iter().cloned());
                }
                if content.is_empty() {
                    let text = match card.target.as_ref().map(|t| &t.target) {
                        Some(Target::Page { path, .. }) => {
                            self.book.page(path).map(|p| p.title.clone())
                        }
                        _ => None,
                    };
                    let text = text
                        .or_else(|| card.target.as_ref().map(fallback_text))
                        .unwrap_or_default();
                    content.push(Inline::Text { text });
                }
                let content = match &card.target {
                    Some(target) => vec![Inline::Link {
                        target: target.clone(),
                        title: None,
                        mention: false,
                        content,
                    }],
                    None => content,
                };
                ListItem {
                    task: None,
                    blocks: vec![Block::Paragraph { content }],
                }
            })
            .collect();
        if !items.is_empty() {
            self.space(gap);
            self.list(None, &items, false);
        }
    }

    fn figure(&mut self, image: &Image, caption: &[Inline], gap: f32) {
        let size = self.size();
        self.space(gap);
        match self.picture(&image.source) {
            Some((picture, natural_width, natural_height)) => {
                // The width GitBook was given, in pixels, else the natural size; never wider
                // than the column nor taller than half the page.
                let wanted = image
                    .width
                    .as_deref()
                    .and_then(|w| w.trim_end_matches("px").parse::<f32>().ok())
                    .map(|w| w * 0.75)
                    .unwrap_or(natural_width);
                let mut w = wanted.min(self.width);
                let mut h = natural_height * w / natural_width.max(1.0);
                let max_height = self.geometry.body_height() * 0.5;
                if h > max_height {
                    w *= max_height / h;
                    h = max_height;
                }
                let x = self.x + (self.width - w) / 2.0;
                let index = self.block_box(
                    h,
                    vec![Draw::Image {
                        image: picture,
                        x,
                        y: 0.0,
                        w,
                        h,
                    }],
                );
                let has_caption = !plain_text(caption).trim().is_empty();
                self.elements[index].keep_with_next = has_caption;
                if has_caption {
                    self.space(size * 0.4);
                }
            }
            None => {
                let style = self.style(FaceKind::Italic, 0.95, Rgb::GREY);
                let placeholder = self.lang.image(&image.alt);
                self.text_line(&placeholder, style, Align::Center, !caption.is_empty());
            }
        }
        if !plain_text(caption).trim().is_empty() {
            let style = self.style(FaceKind::Italic, 0.9, Rgb::GREY);
            let para = self.inline_para(caption, style);
            self.paragraph(&para, Align::Center, 1.3, false, false);
        }
        self.space(gap);
    }

    fn table(
        &mut self,
        alignments: &[Alignment],
        header: &[Vec<Inline>],
        rows: &[Vec<Vec<Inline>>],
        gap: f32,
    ) {
        let columns = header
            .len()
            .max(rows.iter().map(Vec::len).max().unwrap_or(0));
        if columns == 0 {
            return;
        }
        let size = self.size() * 0.9;
        let pad = 4.0;
        // Natural and minimal widths of each column, from the plain text of its cells.
        let regular = self.fonts.font_of(FaceKind::Regular);
        let bold = self.fonts.font_of(FaceKind::Bold);
        let mut natural = vec![0.0f32; columns];
        let mut minimal = vec![0.0f32; columns];
        let all =
            std::iter::once((header, bold)).chain(rows.iter().map(|r| (r.as_slice(), regular)));
        for (row, font) in all {
            for (i, cell) in row.iter().enumerate().take(columns) {
                let text = plain_text(cell);
                natural[i] = natural[i].max(self.fonts.width(font, text.trim(), size));
                for word in text.split_whitespace() {
                    minimal[i] = minimal[i].max(self.fonts.width(font, word, size));
                }
            }
        }
        let available = self.width - 2.0 * pad * columns as f32;
        let natural_sum: f32 = natural.iter().sum();
        let minimal_sum: f32 = minimal.iter().sum();
        let widths: Vec<f32> = if natural_sum <= available && natural_sum > 0.0 {
            natural
                .iter()
                .map(|w| w + (available - natural_sum) * w / natural_sum)
                .collect()
        } else if minimal_sum <= available {
            let flexible: f32 = natural.iter().zip(&minimal).map(|(n, m)| n - m).sum();
            natural
                .iter()
                .zip(&minimal)
                .map(|(n, m)| m + (available - minimal_sum) * (n - m) / flexible.max(0.001))
                .collect()
        } else {
            minimal
                .iter()
                .map(|m| m * available / minimal_sum.max(0.001))
                .collect()
        };
        let widths: Vec<f32> = widths.into_iter().map(|w| w.max(10.0)).collect();
        self.space(gap);
        let first_row = self.elements.len();
        let mut header_index = None;
        if !header.is_empty() && header.iter().any(|cell| !cell.is_empty()) {
            let index = self.table_row(header, &widths, alignments, size, pad, true);
            self.elements[index].keep_with_next = true;
            header_index = Some(index);
        }
        for row in rows {
            let index = self.table_row(row, &widths, alignments, size, pad, false);
            self.elements[index].repeat = header_index;
        }
        // A line above the table.
        if let Some(element) = self.elements.get_mut(first_row) {
            let x0 = self.x;
            let x1 = self.x + widths.iter().map(|w| w + 2.0 * pad).sum::<f32>();
            element.draws.push(Draw::Line {
                x1: x0,
                y1: 0.0,
                x2: x1,
                y2: 0.0,
                width: 0.8,
                color: Rgb::GREY,
            });
        }
        self.space(gap);
    }

    fn table_row(
        &mut self,
        cells: &[Vec<Inline>],
        widths: &[f32],
        alignments: &[Alignment],
        size: f32,
        pad: f32,
        header: bool,
    ) -> usize {
        let face = if header {
            FaceKind::Bold
        } else {
            FaceKind::Regular
        };
        let mut draws = Vec::new();
        let mut height: f32 = 0.0;
        let mut x = self.x;
        let mut cell_draws = Vec::new();
        for (i, width) in widths.iter().enumerate() {
            let style = Style::new(face, size, Rgb::TEXT);
            let empty = Vec::new();
            let cell = cells.get(i).unwrap_or(&empty);
            let para = self.inline_para(cell, style);
            let align = match alignments.get(i) {
                Some(Alignment::Center) => Align::Center,
                Some(Alignment::Right) => Align::Right,
                _ => Align::Left,
            };
            let shape = Shape {
                width: *width,
                align,
                hyphenate: Some(self.lang.hyphenation()),
                leading: 1.25,
            };
            let lines = break_paragraph(&mut self.fonts, &para, &shape, x + pad);
            let mut y = pad;
            for line in lines {
                cell_draws.extend(line.draws.iter().map(|d| d.shifted(y)));
                y += line.height;
            }
            height = height.max(y + pad);
            x += width + 2.0 * pad;
        }
        if header {
            draws.push(Draw::Rect {
                x: self.x,
                y: 0.0,
                w: x - self.x,
                h: height,
                color: Rgb::SHADE,
            });
        }
        draws.extend(cell_draws);
        draws.push(Draw::Line {
            x1: self.x,
            y1: height,
            x2: x,
            y2: height,
            width: if header { 0.8 } else { 0.4 },
            color: if header { Rgb::GREY } else { Rgb::LIGHT },
        });
        let mut element = self.element(Kind::Content, height);
        element.draws = draws;
        self.push(element)
    }
}

/// What a reference says when nothing better is known: its URL, else as written.
fn fallback_text(xref: &XRef) -> String {
    match &xref.target {
        Target::External { url } => url.clone(),
        _ => xref.raw.clone(),
    }
}

/// The text of sanitized HTML: tags dropped, entities decoded.
fn strip_html(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                out.push(' ');
            }
            '>' if in_tag => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    livret_text::decode_entities(&out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn html_is_stripped_and_its_entities_decoded() {
        // `&amp;lt;` stays `&lt;` (decoded once), and named entities beyond the five that
        // sanitized HTML uses are decoded too (`&eacute;`, which the old replace chain kept).
        assert_eq!(
            super::strip_html("<p>a &lt;b&gt; &amp;lt; &#39;c&#39;&nbsp;&eacute;</p>"),
            " a <b> &lt; 'c'\u{a0}é "
        );
    }
}
