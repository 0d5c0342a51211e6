//! Line breaking: a paragraph becomes boxes, glue and penalties (Knuth and Plass) over the
//! Unicode line-break opportunities (UAX #14) and the hyphenation points of its words; justified
//! text is broken with the total-fit algorithm, ragged text and pathological paragraphs first-fit.

use crate::flow::Draw;
use crate::fonts::Fonts;
use crate::knuth_plass::{self, first_fit, ratio, start_after, total_fit, Measure, Sums, INFINITE};
use crate::text::{Para, OBJECT};
use unicode_linebreak::BreakOpportunity;

/// Stretch of the glue that ends a paragraph: the last line is not justified.
const FILL: f32 = 100_000.0;
/// Cost of breaking at a hyphenation point or after an explicit hyphen.
const HYPHEN_PENALTY: f32 = 50.0;
/// Cost of breaking where UAX #14 allows it without a space (after `/`, between digits…).
const OTHER_PENALTY: f32 = 100.0;
/// Cost of breaking inside a word too long for the line.
const EMERGENCY_PENALTY: f32 = 200.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Align {
    Justify,
    Left,
    Center,
    Right,
}

#[derive(Debug, Clone, Copy)]
enum Content {
    Glyphs { font: u8, start: u32, end: u32 },
    Image { image: u32, height: f32 },
}

#[derive(Debug, Clone, Copy)]
enum Item {
    Box {
        width: f32,
        style: u16,
        content: Content,
    },
    Glue {
        width: f32,
        stretch: f32,
        shrink: f32,
        style: u16,
        font: u8,
        gid: u16,
    },
    Penalty {
        width: f32,
        cost: f32,
        flagged: bool,
        style: u16,
        /// The hyphen drawn when the line breaks here.
        hyphen: Option<(u8, u16)>,
    },
}

impl Measure for Item {
    fn measure(&self) -> knuth_plass::Item {
        match *self {
            Item::Box { width, .. } => knuth_plass::Item::Box { width },
            Item::Glue {
                width,
                stretch,
                shrink,
                ..
            } => knuth_plass::Item::Glue {
                width,
                stretch,
                shrink,
            },
            Item::Penalty {
                width,
                cost,
                flagged,
                ..
            } => knuth_plass::Item::Penalty {
                width,
                cost,
                flagged,
            },
        }
    }
}

/// How to break a paragraph.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Shape {
    pub width: f32,
    pub align: Align,
    pub hyphenate: Option<hypher::Lang>,
    /// Line height, as a multiple of the largest font size on the line.
    pub leading: f32,
}

/// One line, ready to be placed: its height, the baseline from its top, what to draw.
#[derive(Debug, Clone)]
pub(crate) struct Line {
    pub height: f32,
    pub baseline: f32,
    pub draws: Vec<Draw>,
    /// Width of the line's content.
    #[cfg_attr(
        not(test),
        allow(dead_code, reason = "only the tests read it, to check the measure")
    )]
    pub width: f32,
}

/// Breaks and draws a paragraph; `x` is the left edge of its lines.
pub(crate) fn break_paragraph(
    fonts: &mut Fonts<'_>,
    para: &Para,
    shape: &Shape,
    x: f32,
) -> Vec<Line> {
    if para.text.is_empty() {
        return Vec::new();
    }
    let mut builder = Items {
        items: Vec::new(),
        glyphs: Vec::new(),
    };
    builder.build(fonts, para, shape);
    builder.split_wide_boxes(shape.width);
    let Items { items, glyphs } = builder;
    let sums = Sums::new(&items);
    let breaks = match shape.align {
        Align::Justify => total_fit(&items, &sums, shape.width, 2.0)
            .or_else(|| total_fit(&items, &sums, shape.width, 8.0))
            .unwrap_or_else(|| first_fit(&items, &sums, shape.width)),
        _ => first_fit(&items, &sums, shape.width),
    };
    let mut lines = Vec::with_capacity(breaks.len());
    let mut start = 0;
    for &end in &breaks {
        lines.push(draw_line(
            fonts, para, shape, &items, &glyphs, &sums, start, end, x,
        ));
        start = start_after(&items, end);
    }
    lines
}

struct Items {
    items: Vec<Item>,
    /// Glyph id and advance in points, referred to by glyph boxes.
    glyphs: Vec<(u16, f32)>,
}

impl Items {
    fn build(&mut self, fonts: &mut Fonts<'_>, para: &Para, shape: &Shape) {
        let text = &para.text;
        let mut previous = 0;
        for (at, opportunity) in unicode_linebreak::linebreaks(text) {
            let segment = &text[previous..at];
            let content_len = segment
                .trim_end_matches([' ', '\n', '\t', '\u{2028}', '\u{2029}'])
                .len();
            let content_end = previous + content_len;
            self.content(fonts, para, shape, previous, content_end);
            let at_end = at >= text.len();
            let mandatory = opportunity == BreakOpportunity::Mandatory && segment.contains('\n');
            if mandatory && !at_end {
                self.forced_break(para.style_at(content_end.saturating_sub(1)));
            } else if content_end < at && !at_end {
                let style = para.style_at(content_end);
                let s = para.styles[usize::from(style)];
                let font = fonts.font_of(s.face);
                let (gid, space) = fonts.space(font, s.size);
                // Several spaces (code) keep their width.
                let count = segment[content_len..]
                    .chars()
                    .filter(|&c| c == ' ')
                    .count()
                    .max(1);
                let width = space * count as f32;
                let justify = shape.align == Align::Justify;
                self.items.push(Item::Glue {
                    width,
                    stretch: if justify { width * 0.6 } else { 0.0 },
                    shrink: if justify { width * 0.3 } else { 0.0 },
                    style,
                    font,
                    gid,
                });
            } else if !at_end && content_len > 0 {
                let ends_with_hyphen = segment.ends_with(['-', '\u{2010}', '\u{2013}']);
                self.items.push(Item::Penalty {
                    width: 0.0,
                    cost: if ends_with_hyphen {
                        HYPHEN_PENALTY
                    } else {
                        OTHER_PENALTY
                    },
                    flagged: ends_with_hyphen,
                    style: para.style_at(previous),
                    hyphen: None,
                });
            }
            previous = at;
        }
        self.forced_break(para.style_at(text.len().saturating_sub(1)));
    }

    fn forced_break(&mut self, style: u16) {
        self.items.push(Item::Glue {
            width: 0.0,
            stretch: FILL,
            shrink: 0.0,
            style,
            font: 0,
            gid: 0,
        });
        self.items.push(Item::Penalty {
            width: 0.0,
            cost: -INFINITE,
            flagged: false,
            style,
            hyphen: None,
        });
    }

    /// Boxes for `text[start..end]`, by style run, hyphenation point and font.
    fn content(
        &mut self,
        fonts: &mut Fonts<'_>,
        para: &Para,
        shape: &Shape,
        start: usize,
        end: usize,
    ) {
        if start >= end {
            return;
        }
        let mut run = para.run_at(start);
        let mut at = start;
        while at < end {
            let run_end = para.runs.get(run + 1).map_or(end, |r| r.0.min(end));
            let style_index = para.runs[run].1;
            let style = para.styles[usize::from(style_index)];
            let piece = &para.text[at..run_end];
            let points: std::rc::Rc<[usize]> = match shape.hyphenate {
                Some(lang) if !style.face.is_mono() => match fonts.hyphenation.get(piece) {
                    Some(points) => points.clone(),
                    None => {
                        let points: std::rc::Rc<[usize]> = hyphenation_points(piece, lang).into();
                        fonts.hyphenation.insert(piece.to_owned(), points.clone());
                        points
                    }
                },
                _ => std::rc::Rc::from(Vec::new()),
            };
            let mut from = 0;
            for point in points.iter().copied().chain(std::iter::once(piece.len())) {
                self.glyph_boxes(fonts, para, style_index, at + from, at + point);
                if point < piece.len() {
                    let font = fonts.font_for(style.face, '-').unwrap_or(0);
                    let hyphen = fonts.shape(font, "-");
                    let (gid, advance) = hyphen.first().map_or((0, 0), |g| (g.gid, g.advance));
                    let width = advance as f32 * style.size / fonts.font(font).units_per_em;
                    self.items.push(Item::Penalty {
                        width,
                        cost: HYPHEN_PENALTY,
                        flagged: true,
                        style: style_index,
                        hyphen: Some((font, gid)),
                    });
                }
                from = point;
            }
            at = run_end;
            run += 1;
        }
    }

    /// Boxes for one style's text, split where the font changes (fallback fonts).
    fn glyph_boxes(
        &mut self,
        fonts: &mut Fonts<'_>,
        para: &Para,
        style_index: u16,
        start: usize,
        end: usize,
    ) {
        let style = para.styles[usize::from(style_index)];
        let text = &para.text[start..end];
        let mut run_start = 0;
        let mut run_font: Option<u8> = None;
        let mut pieces: Vec<(usize, usize, Option<u8>)> = Vec::new();
        for (i, c) in text.char_indices() {
            if c == OBJECT {
                if i > run_start {
                    pieces.push((run_start, i, run_font));
                }
                pieces.push((i, i + c.len_utf8(), None));
                run_start = i + c.len_utf8();
                run_font = None;
                continue;
            }
            let font = fonts.font_for(style.face, c);
            if font.is_none() {
                fonts.count_missing();
            }
            if i > run_start && font != run_font {
                pieces.push((run_start, i, run_font));
                run_start = i;
            }
            run_font = font;
        }
        if run_start < text.len() {
            pieces.push((run_start, text.len(), run_font));
        }
        for (from, to, font) in pieces {
            let piece = &text[from..to];
            if piece == "\u{FFFC}" {
                let offset = start + from;
                if let Some((_, image)) = para.images.iter().find(|(at, _)| *at == offset) {
                    self.items.push(Item::Box {
                        width: image.width,
                        style: style_index,
                        content: Content::Image {
                            image: image.image,
                            height: image.height,
                        },
                    });
                }
                continue;
            }
            // Characters no font has are left out.
            let Some(font) = font else { continue };
            let shaped = fonts.shape(font, piece);
            let scale = style.size / fonts.font(font).units_per_em;
            let first = self.glyphs.len() as u32;
            let mut width = 0.0;
            for glyph in shaped.iter() {
                let advance = glyph.advance as f32 * scale;
                width += advance;
                self.glyphs.push((glyph.gid, advance));
            }
            self.items.push(Item::Box {
                width,
                style: style_index,
                content: Content::Glyphs {
                    font,
                    start: first,
                    end: self.glyphs.len() as u32,
                },
            });
        }
    }

    /// A box wider than the line becomes one box per glyph, breakable between them.
    fn split_wide_boxes(&mut self, line_width: f32) {
        let wide = self.items.iter().any(|item| {
            matches!(item, Item::Box { width, content: Content::Glyphs { start, end, .. }, .. }
                if *width > line_width && end - start > 1)
        });
        if !wide {
            return;
        }
        let mut items = Vec::with_capacity(self.items.len() * 2);
        for item in self.items.drain(..) {
            match item {
                Item::Box {
                    width,
                    style,
                    content: Content::Glyphs { font, start, end },
                } if width > line_width && end - start > 1 => {
                    for g in start..end {
                        if g > start {
                            items.push(Item::Penalty {
                                width: 0.0,
                                cost: EMERGENCY_PENALTY,
                                flagged: false,
                                style,
                                hyphen: None,
                            });
                        }
                        items.push(Item::Box {
                            width: self.glyphs[g as usize].1,
                            style,
                            content: Content::Glyphs {
                                font,
                                start: g,
                                end: g + 1,
                            },
                        });
                    }
                }
                other => items.push(other),
            }
        }
        self.items = items;
    }
}

/// Hyphenation points (byte offsets) in the words of `text` with at least five letters.
fn hyphenation_points(text: &str, lang: hypher::Lang) -> Vec<usize> {
    let mut points = Vec::new();
    let mut word_start: Option<usize> = None;
    let push_word = |start: usize, end: usize, points: &mut Vec<usize>| {
        let word = &text[start..end];
        if word.chars().count() < 5 {
            return;
        }
        let mut offset = start;
        let mut syllables = hypher::hyphenate_bounded(word, lang, 2, 3).peekable();
        while let Some(syllable) = syllables.next() {
            offset += syllable.len();
            if syllables.peek().is_some() {
                points.push(offset);
            }
        }
    };
    for (i, c) in text.char_indices() {
        if c.is_alphabetic() {
            word_start.get_or_insert(i);
        } else if let Some(start) = word_start.take() {
            push_word(start, i, &mut points);
        }
    }
    if let Some(start) = word_start {
        push_word(start, text.len(), &mut points);
    }
    points
}

/// Draws the line from `start` to the break at `end`.
#[allow(
    clippy::too_many_arguments,
    reason = "the paragraph, its items and the line's place, all needed to draw it"
)]
fn draw_line(
    fonts: &mut Fonts<'_>,
    para: &Para,
    shape: &Shape,
    items: &[Item],
    glyphs: &[(u16, f32)],
    sums: &Sums,
    start: usize,
    end: usize,
    x0: f32,
) -> Line {
    let (w, y, z) = sums.line(items, start, end);
    let r = match shape.align {
        Align::Justify => ratio(w, y, z, shape.width).clamp(-1.0, 3.0),
        _ if w > shape.width => ratio(w, y, z, shape.width).max(-1.0),
        _ => 0.0,
    };
    // Metrics: the largest size on the line, the tallest inline image.
    let mut size: f32 = 0.0;
    let mut image_height: f32 = 0.0;
    let mut main_font = 0u8;
    for item in &items[start..end.min(items.len())] {
        if let Item::Box { style, content, .. } = item {
            let s = para.styles[usize::from(*style)];
            if s.size > size {
                size = s.size;
                main_font = fonts.font_of(s.face);
            }
            if let Content::Image { height, .. } = content {
                image_height = image_height.max(*height);
            }
        }
    }
    if size == 0.0 {
        let s = para.styles[usize::from(para.style_at(0))];
        size = s.size;
        main_font = fonts.font_of(s.face);
    }
    let font = fonts.font(main_font);
    let (ascent, descent) = (font.ascender * size, font.descender * size);
    let mut height = size * shape.leading;
    let half_leading = (height - ascent - descent) / 2.0;
    let mut baseline = half_leading + ascent;
    if image_height > ascent {
        baseline = image_height + half_leading.max(0.0);
        height = height.max(baseline + descent + half_leading.max(0.0));
    }
    // Natural width after adjustment, for alignment.
    let adjusted = w + if r >= 0.0 { r * y } else { r * z };
    let fill_adjusted = if y >= FILL { w } else { adjusted };
    let mut x = x0
        + match shape.align {
            Align::Justify | Align::Left => 0.0,
            Align::Center => ((shape.width - fill_adjusted) / 2.0).max(0.0),
            Align::Right => (shape.width - fill_adjusted).max(0.0),
        };
    let mut out = LineDraws::default();
    for item in &items[start..end] {
        match *item {
            Item::Box {
                width,
                style,
                content,
            } => {
                let s = para.styles[usize::from(style)];
                out.decorations(s, x, width, baseline, height);
                match content {
                    Content::Glyphs { font, start, end } => {
                        for &(gid, advance) in &glyphs[start as usize..end as usize] {
                            out.glyph(font, s, x, baseline, gid, advance);
                            x += advance;
                        }
                    }
                    Content::Image { image, height: h } => {
                        out.flush();
                        out.draws.push(Draw::Image {
                            image,
                            x,
                            y: baseline - h,
                            w: width,
                            h,
                        });
                        x += width;
                    }
                }
            }
            Item::Glue {
                width,
                stretch,
                shrink,
                style,
                font,
                gid,
            } => {
                let advance = width + if r >= 0.0 { r * stretch } else { r * shrink };
                if stretch >= FILL {
                    continue;
                }
                let s = para.styles[usize::from(style)];
                out.decorations(s, x, advance, baseline, height);
                out.glyph(font, s, x, baseline, gid, advance);
                x += advance;
            }
            Item::Penalty { .. } => {}
        }
    }
    if let Item::Penalty {
        hyphen: Some((font, gid)),
        width,
        style,
        ..
    } = items[end]
    {
        let s = para.styles[usize::from(style)];
        out.decorations(s, x, width, baseline, height);
        out.glyph(font, s, x, baseline, gid, width);
        x += width;
        // The hyphen's text, for copy and paste.
        fonts.note_used(font, gid, "-");
    }
    out.end_decorations(x, baseline, height);
    out.flush();
    let mut draws = out.backgrounds;
    draws.extend(out.draws);
    draws.extend(out.links);
    Line {
        height,
        baseline,
        draws,
        width: x - x0,
    }
}

/// Collects a line's drawings, merging glyphs of one font and style into one run.
#[derive(Default)]
struct LineDraws {
    draws: Vec<Draw>,
    backgrounds: Vec<Draw>,
    links: Vec<Draw>,
    run: Option<Draw>,
    link: Option<(u32, f32)>,
    background: Option<(crate::flow::Rgb, f32, f32)>,
    strike: Option<(f32, f32, f32, crate::flow::Rgb)>,
}

impl LineDraws {
    fn glyph(
        &mut self,
        font: u8,
        style: crate::text::Style,
        x: f32,
        baseline: f32,
        gid: u16,
        advance: f32,
    ) {
        let y = baseline - style.rise;
        if let Some(Draw::Glyphs {
            font: f,
            size,
            color,
            y: ry,
            glyphs,
            ..
        }) = &mut self.run
        {
            if *f == font && *size == style.size && *color == style.color && *ry == y {
                glyphs.push((gid, advance));
                return;
            }
        }
        self.flush();
        self.run = Some(Draw::Glyphs {
            font,
            size: style.size,
            color: style.color,
            x,
            y,
            glyphs: vec![(gid, advance)],
        });
    }

    fn flush(&mut self) {
        if let Some(run) = self.run.take() {
            self.draws.push(run);
        }
    }

    /// Links, backgrounds and strike-through of the piece of width `width` at `x` in `style`.
    fn decorations(
        &mut self,
        style: crate::text::Style,
        x: f32,
        width: f32,
        baseline: f32,
        height: f32,
    ) {
        match (self.link, style.link) {
            (Some((current, _)), Some(link)) if current == link => {}
            (current, link) => {
                if let Some((target, from)) = current {
                    self.links.push(Draw::Link {
                        x: from,
                        y: 0.0,
                        w: x - from,
                        h: height,
                        target,
                    });
                }
                self.link = link.map(|l| (l, x));
            }
        }
        match (self.background, style.background) {
            (Some((current, _, _)), Some(colour)) if current == colour => {}
            (current, colour) => {
                if let Some((colour, from, size)) = current {
                    self.background_rect(colour, from, x, baseline, size);
                }
                self.background = colour.map(|c| (c, x, style.size));
            }
        }
        if style.strike {
            let y = baseline - style.size * 0.28;
            let continues = self
                .strike
                .is_some_and(|(_, _, sy, _)| (sy - y).abs() < 0.01);
            if !continues {
                if let Some((from, to, y, colour)) = self.strike.take() {
                    self.strike_line(from, to, y, colour);
                }
                self.strike = Some((x, x, y, style.color));
            }
            if let Some(strike) = &mut self.strike {
                strike.1 = x + width;
            }
        } else if let Some((from, to, y, colour)) = self.strike.take() {
            self.strike_line(from, to, y, colour);
        }
    }

    fn background_rect(
        &mut self,
        colour: crate::flow::Rgb,
        from: f32,
        to: f32,
        baseline: f32,
        size: f32,
    ) {
        self.backgrounds.push(Draw::Rect {
            x: from - 1.0,
            y: baseline - size * 0.85,
            w: to - from + 2.0,
            h: size * 1.12,
            color: colour,
        });
    }

    fn strike_line(&mut self, from: f32, to: f32, y: f32, colour: crate::flow::Rgb) {
        self.draws.push(Draw::Line {
            x1: from,
            y1: y,
            x2: to,
            y2: y,
            width: 0.6,
            color: colour,
        });
    }

    fn end_decorations(&mut self, x: f32, baseline: f32, height: f32) {
        if let Some((target, from)) = self.link.take() {
            self.links.push(Draw::Link {
                x: from,
                y: 0.0,
                w: x - from,
                h: height,
                target,
            });
        }
        if let Some((colour, from, size)) = self.background.take() {
            self.background_rect(colour, from, x, baseline, size);
        }
        if let Some((from, to, y, colour)) = self.strike.take() {
            self.strike_line(from, to, y, colour);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flow::Rgb;
    use crate::fonts::FaceKind;
    use crate::text::{ParaBuilder, Style};

    fn lines(text: &str, width: f32, align: Align) -> Vec<Line> {
        let mut fonts = Fonts::load(None).unwrap();
        let mut builder = ParaBuilder::new();
        builder.push(text, Style::new(FaceKind::Regular, 10.0, Rgb::BLACK));
        let para = builder.finish(true);
        let shape = Shape {
            width,
            align,
            hyphenate: Some(hypher::Lang::French),
            leading: 1.3,
        };
        break_paragraph(&mut fonts, &para, &shape, 0.0)
    }

    const TEXT: &str = "Avant d’écrire une ligne de code, nous allons voir celles et ceux qui vivent le problème : au guichet d’une mairie, dans une permanence sociale, au téléphone avec un usager perdu dans un formulaire. Une idée qui n’a pas survécu à cette rencontre ne mérite pas encore d’être construite.";

    #[test]
    fn justified_lines_fill_the_measure_but_the_last() {
        let lines = lines(TEXT, 200.0, Align::Justify);
        assert!(lines.len() >= 5, "{} lines", lines.len());
        for line in &lines[..lines.len() - 1] {
            assert!(
                (line.width - 200.0).abs() < 0.5,
                "line width {}",
                line.width
            );
        }
        assert!(lines.last().unwrap().width < 200.0);
    }

    #[test]
    fn ragged_lines_never_exceed_the_measure() {
        for line in lines(TEXT, 120.0, Align::Left) {
            assert!(line.width <= 120.5, "line width {}", line.width);
        }
    }

    #[test]
    fn a_word_longer_than_the_line_is_cut() {
        let lines = lines(
            "https://example.org/une/adresse/très/longue/qui/ne/tient/pas/sur/une/ligne",
            60.0,
            Align::Justify,
        );
        assert!(lines.len() > 2);
        for line in lines {
            assert!(line.width <= 60.5, "line width {}", line.width);
        }
    }

    #[test]
    fn french_hyphenation_points() {
        let points = hyphenation_points("permanence", hypher::Lang::French);
        assert!(!points.is_empty());
        assert!(points
            .iter()
            .all(|&p| p >= 2 && p <= "permanence".len() - 3));
    }
}
