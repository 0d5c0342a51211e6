//! Renders the livret document model as well-formed XHTML fragments, for the JSON Feed and the EPUB.
//!
//! GitBook constructs (hints, tabs, content-refs, cards…) become plain semantic HTML that reads
//! well without CSS: classes name them for styling, words say what colours would. Where links
//! point is the caller's business, through [`Links`]; hrefs with a scheme other than http, https,
//! mailto or tel are refused whatever it answers.

mod sanitize;
#[cfg(test)]
mod tests;
pub mod trace;

use livret_model::{
    plain_text, Alignment, Block, Card, HintStyle, Image, Inline, ListItem, Page, Section, Tab,
    Target, XRef,
};

/// Decides where references point; the caller knows the output's layout.
pub trait Links {
    /// href for a reference, or None to render it as plain text (broken, or not linkable here).
    fn href(&self, xref: &XRef) -> Option<String>;
    /// src for an image (assets), or None to render the alt text as a placeholder.
    fn image_src(&self, xref: &XRef) -> Option<String>;
    /// Title of a published page, used for content-refs and page-refs without a label.
    fn page_title(&self, path: &str) -> Option<String>;
}

/// The language of the few words the renderer writes itself.
pub use livret_text::Language;

#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Options {
    pub language: Language,
    /// Added to every heading level; levels are clamped to 6.
    pub heading_offset: u8,
    /// Emit `id="anchor"` on headings.
    pub section_ids: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            language: Language::French,
            heading_offset: 0,
            section_ids: true,
        }
    }
}

/// The page's intro and sections, section titles as headings; not the page title.
pub fn render_page(page: &Page, links: &dyn Links, options: &Options) -> String {
    let mut renderer = Renderer::new(links, options);
    renderer.blocks(&page.intro);
    for section in &page.sections {
        renderer.section(section);
    }
    renderer.out
}

pub fn render_blocks(blocks: &[Block], links: &dyn Links, options: &Options) -> String {
    let mut renderer = Renderer::new(links, options);
    renderer.blocks(blocks);
    renderer.out
}

/// Inlines with default options (the placeholder of a missing image is in French).
pub fn render_inlines(inlines: &[Inline], links: &dyn Links) -> String {
    let options = Options::default();
    let mut renderer = Renderer::new(links, &options);
    renderer.inlines(inlines);
    renderer.out
}

use livret_text::xml::push as push_escaped;
pub use livret_text::xml::{attribute as escape_attribute, text as escape_text};

/// A link or image a reader may follow: relative, or http, https, mailto, tel, ftp.
fn is_safe_url(url: &str) -> bool {
    livret_text::url::is_followable(url, livret_text::url::SAFE_SCHEMES)
}

/// `fn-` and the label with [A-Za-z0-9_-] kept and every other byte written `.hh`.
fn footnote_id(label: &str) -> String {
    let mut id = String::from("fn-");
    for byte in label.bytes() {
        if byte.is_ascii_alphanumeric() || byte == b'_' || byte == b'-' {
            id.push(char::from(byte));
        } else {
            id.push_str(&format!(".{byte:02x}"));
        }
    }
    id
}

/// A class from a GitBook colour: `$primary` → `primary`, lowercase `[a-z0-9-]` only.
fn colour_token(colour: &str) -> String {
    colour
        .chars()
        .map(|c| c.to_ascii_lowercase())
        .filter(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-')
        .collect()
}

struct Renderer<'a> {
    links: &'a dyn Links,
    options: &'a Options,
    out: String,
    /// Inside an `<a>`: nested links render as their content.
    in_link: bool,
}

impl<'a> Renderer<'a> {
    fn new(links: &'a dyn Links, options: &'a Options) -> Self {
        Renderer {
            links,
            options,
            out: String::new(),
            in_link: false,
        }
    }

    fn words(&self, fr: &'static str, en: &'static str) -> &'static str {
        self.options.language.pick(fr, en)
    }

    /// A start tag; attributes with an empty value are left out, but `alt`.
    fn open(&mut self, tag: &str, attributes: &[(&str, &str)]) {
        self.out.push('<');
        self.out.push_str(tag);
        for (name, value) in attributes {
            if value.is_empty() && *name != "alt" {
                continue;
            }
            self.out.push(' ');
            self.out.push_str(name);
            self.out.push_str("=\"");
            push_escaped(&mut self.out, value, true);
            self.out.push('"');
        }
        self.out.push('>');
    }

    fn void(&mut self, tag: &str, attributes: &[(&str, &str)]) {
        self.open(tag, attributes);
        self.out.pop();
        self.out.push_str("/>");
    }

    fn close(&mut self, tag: &str) {
        self.out.push_str("</");
        self.out.push_str(tag);
        self.out.push('>');
    }

    fn text(&mut self, text: &str) {
        push_escaped(&mut self.out, text, false);
    }

    fn element(&mut self, tag: &str, attributes: &[(&str, &str)], text: &str) {
        self.open(tag, attributes);
        self.text(text);
        self.close(tag);
    }

    fn href(&self, xref: &XRef) -> Option<String> {
        if self.in_link {
            return None;
        }
        self.links.href(xref).filter(|href| is_safe_url(href))
    }

    /// `<p class><strong>title</strong></p>`, the visible label of a GitBook container.
    fn label(&mut self, class: &str, title: impl FnOnce(&mut Self)) {
        self.open("p", &[("class", class)]);
        self.open("strong", &[]);
        title(self);
        self.close("strong");
        self.close("p");
    }

    /// `<a href>` around `content` when there is an href, else `content` alone.
    fn linked(
        &mut self,
        href: Option<&str>,
        attributes: &[(&str, &str)],
        content: impl FnOnce(&mut Self),
    ) {
        match href {
            Some(href) => {
                let mut all = vec![("href", href)];
                all.extend_from_slice(attributes);
                self.open("a", &all);
                let was = std::mem::replace(&mut self.in_link, true);
                content(self);
                self.in_link = was;
                self.close("a");
            }
            None => content(self),
        }
    }

    fn section(&mut self, section: &Section) {
        self.heading(section.level, &section.anchor, &section.title);
        self.blocks(&section.blocks);
        for child in &section.children {
            self.section(child);
        }
    }

    fn heading(&mut self, level: u8, anchor: &str, content: &[Inline]) {
        let tag = format!(
            "h{}",
            level
                .saturating_add(self.options.heading_offset)
                .clamp(1, 6)
        );
        let id = if self.options.section_ids { anchor } else { "" };
        self.wrapped_inlines(&tag, &[("id", id)], content);
    }

    fn blocks(&mut self, blocks: &[Block]) {
        for block in blocks {
            self.block(block);
        }
    }

    fn wrapped_blocks(&mut self, tag: &str, attributes: &[(&str, &str)], blocks: &[Block]) {
        self.open(tag, attributes);
        self.blocks(blocks);
        self.close(tag);
    }

    fn block(&mut self, block: &Block) {
        match block {
            Block::Paragraph { content } => self.wrapped_inlines("p", &[], content),
            Block::Heading {
                level,
                anchor,
                content,
            } => self.heading(*level, anchor, content),
            Block::List { start, items } => self.list(*start, items),
            Block::Quote { blocks } => self.wrapped_blocks("blockquote", &[], blocks),
            Block::Code {
                language,
                title,
                text,
                line_numbers,
                wrap,
            } => {
                let mut class = String::from("code");
                if *line_numbers {
                    class.push_str(" line-numbers");
                }
                if *wrap {
                    class.push_str(" wrap");
                }
                self.open("figure", &[("class", &class)]);
                if let Some(title) = title {
                    self.element("figcaption", &[], title);
                }
                let language: String = language
                    .iter()
                    .flat_map(|l| l.chars())
                    .filter(|c| c.is_ascii_alphanumeric() || "+-_#.".contains(*c))
                    .map(|c| c.to_ascii_lowercase())
                    .collect();
                let class = match language.as_str() {
                    "" => String::new(),
                    language => format!("language-{language}"),
                };
                self.open("pre", &[]);
                self.element("code", &[("class", &class)], text);
                self.close("pre");
                self.close("figure");
            }
            Block::Table {
                alignments,
                header,
                rows,
            } => self.table(alignments, header, rows),
            Block::ThematicBreak => self.void("hr", &[]),
            Block::Figure { image, caption } => {
                self.open("figure", &[]);
                self.image(image, "");
                if !caption.is_empty() {
                    self.wrapped_inlines("figcaption", &[], caption);
                }
                self.close("figure");
            }
            Block::Hint { style, blocks, .. } => {
                let (class, kind) = match style {
                    HintStyle::Info => ("hint hint-info", self.words("Information", "Info")),
                    HintStyle::Success => ("hint hint-success", self.words("Succès", "Success")),
                    HintStyle::Warning => {
                        ("hint hint-warning", self.words("Avertissement", "Warning"))
                    }
                    HintStyle::Danger => ("hint hint-danger", "Danger"),
                };
                self.open("aside", &[("class", class), ("role", "note")]);
                self.label("hint-kind", |r| r.text(kind));
                self.blocks(blocks);
                self.close("aside");
            }
            Block::ContentRef { target, label } => {
                let text = plain_text(label);
                let raw = target.raw.trim_end_matches('/');
                let last = raw.rsplit('/').next().unwrap_or(raw);
                let title = match &target.target {
                    // GitBook shows the page's title; the label is often just the file or folder name.
                    Target::Page { path, .. }
                        if text.trim().is_empty()
                            || text == raw
                            || text == last
                            || text == *path =>
                    {
                        self.links.page_title(path)
                    }
                    _ => None,
                };
                match title {
                    Some(title) => self.link_paragraph("content-ref", target, &[], &title),
                    None => {
                        self.link_paragraph("content-ref", target, label, &fallback_text(target))
                    }
                }
            }
            Block::Embed { url, caption, .. } => {
                self.link_paragraph("embed", url, caption, &fallback_text(url))
            }
            Block::File { target, caption } => {
                let name = match &target.target {
                    Target::Asset { path } => path.rsplit('/').next().unwrap_or(path),
                    _ => target.raw.rsplit('/').next().unwrap_or(&target.raw),
                };
                self.link_paragraph("file", target, caption, name)
            }
            Block::Tabs { tabs } => self.tabs(tabs),
            Block::Stepper { steps } => {
                self.open("ol", &[("class", "stepper")]);
                for step in steps {
                    self.wrapped_blocks("li", &[], step);
                }
                self.close("ol");
            }
            Block::Columns { columns } => {
                self.open("div", &[("class", "columns")]);
                for column in columns {
                    self.wrapped_blocks("div", &[("class", "column")], column);
                }
                self.close("div");
            }
            Block::Details { summary, blocks } => {
                self.open("section", &[("class", "details")]);
                self.label("details-summary", |r| {
                    if summary.is_empty() {
                        let word = r.words("Détails", "Details");
                        r.text(word);
                    } else {
                        r.inlines(summary);
                    }
                });
                self.blocks(blocks);
                self.close("section");
            }
            Block::CardTable { cards, .. } => self.cards(cards),
            Block::Include {
                resolved, blocks, ..
            } => {
                if *resolved {
                    self.blocks(blocks);
                }
            }
            Block::Math { tex } => {
                self.open("p", &[("class", "math")]);
                self.element("code", &[], tex);
                self.close("p");
            }
            Block::FootnoteDefinition { label, blocks } => {
                self.open(
                    "aside",
                    &[("class", "footnote"), ("id", &footnote_id(label))],
                );
                self.open("p", &[]);
                self.element("sup", &[], label);
                let rest = match blocks.split_first() {
                    Some((Block::Paragraph { content }, rest)) => {
                        self.text(" ");
                        self.inlines(content);
                        rest
                    }
                    _ => blocks,
                };
                self.close("p");
                self.blocks(rest);
                self.close("aside");
            }
            Block::Html { html } => sanitize::to_xhtml(html, &mut self.out),
        }
    }

    fn list(&mut self, start: Option<u64>, items: &[ListItem]) {
        let (tag, start) = match start {
            None => ("ul", String::new()),
            Some(1) => ("ol", String::new()),
            Some(start) => ("ol", start.to_string()),
        };
        self.open(tag, &[("start", &start)]);
        for item in items {
            match item.task {
                Some(checked) => {
                    self.open("li", &[("class", "task")]);
                    let box_ = if checked { "☑ " } else { "☐ " };
                    self.element("span", &[("class", "task-box")], box_);
                }
                None => self.open("li", &[]),
            }
            // A leading paragraph is the item's text: no <p>, as in a tight list.
            match item.blocks.split_first() {
                Some((Block::Paragraph { content }, rest)) => {
                    self.inlines(content);
                    self.blocks(rest);
                }
                _ => self.blocks(&item.blocks),
            }
            self.close("li");
        }
        self.close(tag);
    }

    fn table(
        &mut self,
        alignments: &[Alignment],
        header: &[Vec<Inline>],
        rows: &[Vec<Vec<Inline>>],
    ) {
        let cell = |r: &mut Self, tag: &str, index: usize, content: &[Inline]| {
            let class = match alignments.get(index) {
                Some(Alignment::Left) => "align-left",
                Some(Alignment::Center) => "align-center",
                Some(Alignment::Right) => "align-right",
                Some(Alignment::None) | None => "",
            };
            r.wrapped_inlines(tag, &[("class", class)], content);
        };
        self.open("table", &[]);
        if !header.is_empty() {
            self.open("thead", &[]);
            self.open("tr", &[]);
            for (index, content) in header.iter().enumerate() {
                cell(self, "th", index, content);
            }
            self.close("tr");
            self.close("thead");
        }
        if !rows.is_empty() {
            self.open("tbody", &[]);
            for row in rows {
                self.open("tr", &[]);
                for (index, content) in row.iter().enumerate() {
                    cell(self, "td", index, content);
                }
                self.close("tr");
            }
            self.close("tbody");
        }
        self.close("table");
    }

    fn tabs(&mut self, tabs: &[Tab]) {
        self.open("div", &[("class", "tabs")]);
        for tab in tabs {
            self.open("section", &[("class", "tab")]);
            self.label("tab-title", |r| r.text(&tab.title));
            self.blocks(&tab.blocks);
            self.close("section");
        }
        self.close("div");
    }

    fn cards(&mut self, cards: &[Card]) {
        if cards.is_empty() {
            return;
        }
        self.open("ul", &[("class", "cards")]);
        for card in cards {
            self.open("li", &[("class", "card")]);
            let href = card.target.as_ref().and_then(|target| self.href(target));
            self.linked(href.as_deref(), &[], |r| {
                let cells: Vec<_> = card.cells.iter().filter(|c| !c.is_empty()).collect();
                for (index, cell) in cells.iter().enumerate() {
                    if index > 0 {
                        r.text(" — ");
                    }
                    r.inlines(cell);
                }
                if let (true, Some(target)) = (cells.is_empty(), &card.target) {
                    let text = match &target.target {
                        Target::Page { path, .. } => r.links.page_title(path),
                        _ => None,
                    };
                    r.text(&text.unwrap_or_else(|| fallback_text(target)));
                }
            });
            self.close("li");
        }
        self.close("ul");
    }

    /// `<p class><a href>label, else fallback</a></p>`, plain text when there is no href.
    fn link_paragraph(&mut self, class: &str, target: &XRef, label: &[Inline], fallback: &str) {
        self.open("p", &[("class", class)]);
        let href = self.href(target);
        self.linked(href.as_deref(), &[], |r| {
            if plain_text(label).trim().is_empty() {
                r.text(fallback);
            } else {
                r.inlines(label);
            }
        });
        self.close("p");
    }

    fn wrapped_inlines(&mut self, tag: &str, attributes: &[(&str, &str)], inlines: &[Inline]) {
        self.open(tag, attributes);
        self.inlines(inlines);
        self.close(tag);
    }

    fn inlines(&mut self, inlines: &[Inline]) {
        for inline in inlines {
            self.inline(inline);
        }
    }

    fn inline(&mut self, inline: &Inline) {
        match inline {
            Inline::Text { text } => self.text(text),
            Inline::Emphasis { content } => self.wrapped_inlines("em", &[], content),
            Inline::Strong { content } => self.wrapped_inlines("strong", &[], content),
            Inline::Strike { content } => self.wrapped_inlines("s", &[], content),
            Inline::Code { code } => self.element("code", &[], code),
            Inline::Mark {
                color,
                background,
                content,
            } => {
                let classes: Vec<String> = [("mark-", color), ("mark-bg-", background)]
                    .into_iter()
                    .filter_map(|(prefix, colour)| {
                        let token = colour_token(colour.as_deref()?);
                        (!token.is_empty()).then(|| format!("{prefix}{token}"))
                    })
                    .collect();
                self.wrapped_inlines("mark", &[("class", &classes.join(" "))], content);
            }
            Inline::Link {
                target,
                title,
                mention,
                content,
            } => {
                let href = self.href(target);
                // A mention shows the page's title, as GitBook does.
                let page_title = match &target.target {
                    Target::Page { path, .. } if *mention => self.links.page_title(path),
                    _ => None,
                };
                let attribute = match title {
                    _ if *mention => ("class", "mention"),
                    title => ("title", title.as_deref().unwrap_or_default()),
                };
                self.linked(href.as_deref(), &[attribute], |r| match &page_title {
                    Some(page_title) => r.text(page_title),
                    None => r.inlines(content),
                });
            }
            Inline::Image { image, inline_size } => {
                self.image(image, if *inline_size { "inline-icon" } else { "" })
            }
            Inline::LineBreak => self.void("br", &[]),
            Inline::FootnoteReference { label } => {
                self.open("sup", &[]);
                let href = (!self.in_link).then(|| format!("#{}", footnote_id(label)));
                self.linked(href.as_deref(), &[], |r| r.text(label));
                self.close("sup");
            }
            Inline::Math { tex } => self.element("code", &[("class", "math")], tex),
        }
    }

    fn image(&mut self, image: &Image, class: &str) {
        let src = self
            .links
            .image_src(&image.source)
            .filter(|src| is_safe_url(src));
        let Some(src) = src else {
            let placeholder = match image.alt.trim() {
                "" => "[image]".to_owned(),
                _ => format!("{}{}]", self.words("[image : ", "[image: "), image.alt),
            };
            self.element("span", &[("class", "missing-image")], &placeholder);
            return;
        };
        let width = image.width.as_deref().unwrap_or_default();
        let width = match width.len() <= 5 && width.bytes().all(|b| b.is_ascii_digit()) {
            true => width,
            false => "",
        };
        self.void(
            "img",
            &[
                ("src", &src),
                ("alt", &image.alt),
                ("width", width),
                ("class", class),
            ],
        );
    }
}

/// What a reference says when nothing better is known: its URL, else as written.
fn fallback_text(xref: &XRef) -> String {
    match &xref.target {
        Target::External { url } => url.clone(),
        _ => xref.raw.clone(),
    }
}
