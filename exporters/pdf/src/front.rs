//! The book's structure from SUMMARY (parts, pages, external links), the cover page, the table
//! of contents (its page numbers filled in after pagination), part pages, and the outline.

use crate::breaking::Align;
use crate::flow::{Draw, LinkTarget, Rgb};
use crate::fonts::FaceKind;
use crate::layout::{display_title, Layout, OutlineItem};
use crate::text::ParaBuilder;
use crate::words::{commit_date, Words};
use livret_model::{Book, TocEntry, TocTarget};
use std::collections::BTreeSet;

/// Lays out one book page into the flow; returns the outline entries of its sections.
pub(crate) type PageFn<'f> =
    dyn FnMut(&mut Layout<'_>, &livret_model::Page) -> Vec<OutlineItem> + 'f;

/// An entry of the book's structure, in reading order.
#[derive(Debug, Clone)]
pub(crate) enum Node {
    /// A titled SUMMARY group: a part page.
    Part {
        index: usize,
        title: String,
        children: Vec<Node>,
    },
    Page {
        path: String,
        title: String,
        children: Vec<Node>,
    },
    External {
        url: String,
        title: String,
        children: Vec<Node>,
    },
}

impl Node {
    fn children(&self) -> &[Node] {
        match self {
            Node::Part { children, .. }
            | Node::Page { children, .. }
            | Node::External { children, .. } => children,
        }
    }
}

/// The tree of parts and pages: SUMMARY order, each page once, entries without a page lifted to
/// their parent, published pages SUMMARY does not list at the end.
pub(crate) fn structure(book: &Book) -> Vec<Node> {
    fn entries(book: &Book, entries: &[TocEntry], seen: &mut BTreeSet<String>) -> Vec<Node> {
        let mut out = Vec::new();
        for entry in entries {
            let children = entries_of(book, entry, seen);
            match &entry.target {
                TocTarget::Page { path }
                    if book.page(path).is_some() && seen.insert(path.clone()) =>
                {
                    let title = book
                        .page(path)
                        .map_or_else(|| entry.title.clone(), |p| p.title.clone());
                    out.push(Node::Page {
                        path: path.clone(),
                        title,
                        children,
                    });
                }
                TocTarget::External { url } => out.push(Node::External {
                    url: url.clone(),
                    title: entry.title.clone(),
                    children,
                }),
                _ => out.extend(children),
            }
        }
        out
    }
    fn entries_of(book: &Book, entry: &TocEntry, seen: &mut BTreeSet<String>) -> Vec<Node> {
        entries(book, &entry.children, seen)
    }
    let mut seen = BTreeSet::new();
    let mut nodes = Vec::new();
    for (index, group) in book.toc.iter().enumerate() {
        let children = entries(book, &group.entries, &mut seen);
        match &group.title {
            Some(title) if !children.is_empty() => nodes.push(Node::Part {
                index,
                title: title.clone(),
                children,
            }),
            _ => nodes.extend(children),
        }
    }
    for page in &book.pages {
        if seen.insert(page.path.clone()) {
            nodes.push(Node::Page {
                path: page.path.clone(),
                title: page.title.clone(),
                children: Vec::new(),
            });
        }
    }
    nodes
}

fn part_key(index: usize) -> String {
    format!("part:{index}")
}

impl Layout<'_> {
    /// The cover: organisation, optional image, title, subtitle, revision and date.
    pub(crate) fn cover(&mut self, cover_image: Option<&str>) {
        self.start_chapter("", false);
        let book = self.book;
        let size = self.size();
        let body = self.geometry.body_height();
        let x = self.x;
        let width = self.width;
        let mut draws = Vec::new();
        let mut y = 0.0;
        let line = |layout: &mut Layout<'_>,
                    text: &str,
                    face: FaceKind,
                    scale: f32,
                    colour: Rgb,
                    y: &mut f32,
                    draws: &mut Vec<Draw>| {
            let mut builder = ParaBuilder::new();
            let text = display_title(&mut layout.fonts, text);
            builder.push(&text, layout.style(face, scale, colour));
            let para = builder.finish(layout.french());
            let shape = crate::breaking::Shape {
                width,
                align: Align::Center,
                hyphenate: None,
                leading: 1.25,
            };
            for line in crate::breaking::break_paragraph(&mut layout.fonts, &para, &shape, x) {
                draws.extend(line.draws.iter().map(|d| d.shifted(*y)));
                *y += line.height;
            }
        };
        if let Some(organisation) = &book.meta.organisation {
            line(
                self,
                organisation,
                FaceKind::Regular,
                1.2,
                Rgb::GREY,
                &mut y,
                &mut draws,
            );
        }
        y = body * 0.12;
        if let Some((picture, w, h)) = cover_image.and_then(|path| self.picture_at(path)) {
            let max_h = body * 0.35;
            let scale = (width / w).min(max_h / h).min(2.0);
            let (w, h) = (w * scale, h * scale);
            draws.push(Draw::Image {
                image: picture,
                x: x + (width - w) / 2.0,
                y,
                w,
                h,
            });
            y += h + size * 2.0;
        } else {
            y = body * 0.3;
        }
        line(
            self,
            &book.meta.title,
            FaceKind::Bold,
            2.6,
            Rgb::TEXT,
            &mut y,
            &mut draws,
        );
        y += size;
        if let Some(subtitle) = &book.meta.subtitle {
            line(
                self,
                subtitle,
                FaceKind::Italic,
                1.5,
                Rgb::GREY,
                &mut y,
                &mut draws,
            );
        }
        let revision = &book.meta.revision;
        let short: String = revision.id.chars().take(7).collect();
        let text = format!(
            "{} {short} — {}",
            self.lang.revision(),
            commit_date(self.lang, revision.time, revision.offset_minutes)
        );
        let mut bottom = body - size * 3.0;
        if let Some(author) = &book.meta.author {
            line(
                self,
                author,
                FaceKind::Regular,
                1.0,
                Rgb::GREY,
                &mut bottom,
                &mut draws,
            );
        }
        let mut bottom = body - size * 1.5;
        line(
            self,
            &text,
            FaceKind::Regular,
            0.9,
            Rgb::GREY,
            &mut bottom,
            &mut draws,
        );
        let index = self.block_box(body, draws);
        let dest = self.dest("cover");
        self.elements[index].dests.push(dest);
    }

    /// The table of contents: parts and pages with their page numbers, each entry a link.
    pub(crate) fn contents(&mut self, nodes: &[Node]) {
        let title = self.lang.contents().to_owned();
        self.start_chapter(&title, true);
        self.page_break();
        let dest = self.dest("contents");
        let style = self.style(FaceKind::Bold, 2.0, Rgb::TEXT);
        let mut builder = ParaBuilder::new();
        builder.push(&title, style);
        let para = builder.finish(self.french());
        self.heading(&para, 2.0, 0.0, vec![dest]);
        for node in nodes {
            self.contents_entry(node, 0);
        }
    }

    fn contents_entry(&mut self, node: &Node, depth: usize) {
        let size = self.size();
        let (title, target, face, scale) = match node {
            Node::Part { index, title, .. } => {
                let dest = self.dest(&part_key(*index));
                (title.clone(), LinkTarget::Dest(dest), FaceKind::Bold, 1.1)
            }
            Node::Page { path, title, .. } => {
                let dest = self.page_dest(path);
                let face = if depth == 0 {
                    FaceKind::Bold
                } else {
                    FaceKind::Regular
                };
                (title.clone(), LinkTarget::Dest(dest), face, 1.0)
            }
            Node::External { url, title, .. } => (
                title.clone(),
                LinkTarget::Uri(url.clone()),
                FaceKind::Italic,
                1.0,
            ),
        };
        if matches!(node, Node::Part { .. }) {
            self.space(size * 0.8);
        } else if depth == 0 {
            self.space(size * 0.35);
        }
        let number_room = size * 3.0;
        let indent = size * 1.4 * depth as f32;
        let saved = (self.x, self.width);
        self.x += indent;
        self.width -= indent + number_room;
        let style = self.style(face, scale, Rgb::TEXT);
        let mut builder = ParaBuilder::new();
        let key = match node {
            Node::Page { path, .. } => path.as_str(),
            Node::External { url, .. } => url.as_str(),
            Node::Part { .. } => "",
        };
        builder.push(
            &crate::layout::shown_title(&mut self.fonts, &title, key),
            style,
        );
        let para = builder.finish(self.french());
        let first = self.elements.len();
        self.paragraph(&para, Align::Left, 1.35, false, false);
        let (x, width) = (self.x, self.width);
        self.x = saved.0;
        self.width = saved.1;
        let last = self.elements.len();
        if last == first {
            return;
        }
        // Lines of one entry stay together; the link covers them all.
        let link = self.link(target.clone());
        for i in first..last {
            self.elements[i].break_before = i == first;
            let height = self.elements[i].height;
            self.elements[i].draws.push(Draw::Link {
                x,
                y: 0.0,
                w: width + number_room,
                h: height,
                target: link,
            });
        }
        if let LinkTarget::Dest(dest) = target {
            // Leader dots from the end of the last line to the number, then the number.
            let element = &self.elements[last - 1];
            let baseline = element.baseline;
            let end = element
                .draws
                .iter()
                .filter_map(|d| match d {
                    Draw::Glyphs { x, glyphs, .. } => {
                        Some(x + glyphs.iter().map(|g| g.1).sum::<f32>())
                    }
                    _ => None,
                })
                .fold(x, f32::max);
            let right = self.x + self.width;
            let font = self.fonts.font_of(FaceKind::Regular);
            let dot = self.glyph_run(font, ".", size);
            let step = size * 0.55;
            let mut dots = Vec::new();
            let mut dx = ((end + size * 0.5) / step).ceil() * step;
            let dot_width = dot.first().map_or(0.0, |d| d.1);
            while dx + dot_width < right - size * 2.2 {
                dots.push(dx);
                dx += step;
            }
            let mut draws = Vec::new();
            if let (Some(&first_dot), Some(&(gid, advance))) = (dots.first(), dot.first()) {
                draws.push(Draw::Glyphs {
                    font,
                    size,
                    color: Rgb::LIGHT,
                    x: first_dot,
                    y: baseline,
                    glyphs: dots.iter().map(|_| (gid, step)).collect::<Vec<_>>(),
                });
                let _ = advance;
            }
            draws.push(Draw::PageNumber {
                dest,
                font: self.fonts.font_of(if matches!(face, FaceKind::Bold) {
                    FaceKind::Bold
                } else {
                    FaceKind::Regular
                }),
                size,
                color: Rgb::TEXT,
                x: right,
                y: baseline,
            });
            self.elements[last - 1].draws.extend(draws);
        }
        if !matches!(node, Node::Part { .. }) {
            for child in node.children() {
                self.contents_entry(child, depth + 1);
            }
        } else {
            for child in node.children() {
                self.contents_entry(child, depth);
            }
        }
    }

    /// A part page: the group's title alone on its page.
    fn part(&mut self, index: usize, title: &str) {
        let title = display_title(&mut self.fonts, title);
        self.start_chapter(&title, true);
        self.page_break();
        let body = self.geometry.body_height();
        let spacer = self.block_box(body * 0.33, Vec::new());
        self.elements[spacer].keep_with_next = true;
        let style = self.style(FaceKind::Bold, 2.4, Rgb::TEXT);
        let mut builder = ParaBuilder::new();
        builder.push(&title, style);
        let para = builder.finish(self.french());
        if let Some(first) = self.paragraph(&para, Align::Center, 1.25, true, false) {
            let dest = self.dest(&part_key(index));
            self.elements[first].dests.push(dest);
        }
        let x = self.x + self.width / 2.0;
        let size = self.size();
        let rule = self.block_box(
            size * 2.0,
            vec![Draw::Line {
                x1: x - 30.0,
                y1: size,
                x2: x + 30.0,
                y2: size,
                width: 0.8,
                color: Rgb::GREY,
            }],
        );
        self.elements[rule].break_before = false;
    }

    /// The body: part pages and book pages in reading order, each book page laid out by
    /// `page` (which may put back a kept layout); returns the outline.
    pub(crate) fn body(&mut self, nodes: &[Node], page: &mut PageFn<'_>) -> Vec<OutlineItem> {
        let mut outline = Vec::new();
        for node in nodes {
            if let Some(item) = self.body_node(node, page) {
                outline.push(item);
            }
        }
        outline
    }

    fn body_node(&mut self, node: &Node, lay_out: &mut PageFn<'_>) -> Option<OutlineItem> {
        match node {
            Node::Part {
                index,
                title,
                children,
            } => {
                self.part(*index, title);
                let dest = self.dest(&part_key(*index));
                let children = children
                    .iter()
                    .filter_map(|child| self.body_node(child, lay_out))
                    .collect();
                Some(OutlineItem {
                    title: display_title(&mut self.fonts, title),
                    target: LinkTarget::Dest(dest),
                    children,
                })
            }
            Node::Page {
                path,
                title,
                children,
            } => {
                let page = self.book.page(path)?;
                let mut items = lay_out(self, page);
                items.extend(
                    children
                        .iter()
                        .filter_map(|child| self.body_node(child, lay_out)),
                );
                let dest = self.page_dest(path);
                Some(OutlineItem {
                    title: crate::layout::shown_title(&mut self.fonts, title, path),
                    target: LinkTarget::Dest(dest),
                    children: items,
                })
            }
            Node::External {
                url,
                title,
                children,
            } => {
                let children = children
                    .iter()
                    .filter_map(|child| self.body_node(child, lay_out))
                    .collect();
                Some(OutlineItem {
                    title: display_title(&mut self.fonts, title),
                    target: LinkTarget::Uri(url.clone()),
                    children,
                })
            }
        }
    }
}
