//! Styled text of one paragraph, before line breaking: characters, their styles, inline images;
//! French spacing rules applied to it.

use crate::flow::Rgb;
use crate::fonts::FaceKind;

/// The look of a run of text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Style {
    pub face: FaceKind,
    pub size: f32,
    pub color: Rgb,
    /// Index of a link target.
    pub link: Option<u32>,
    pub strike: bool,
    /// Drawn behind the text (inline code, `<mark>`).
    pub background: Option<Rgb>,
    /// Baseline shift upwards, in points (footnote references).
    pub rise: f32,
}

impl Style {
    pub(crate) fn new(face: FaceKind, size: f32, color: Rgb) -> Self {
        Style {
            face,
            size,
            color,
            link: None,
            strike: false,
            background: None,
            rise: 0.0,
        }
    }
}

/// An image inside a line of text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct InlineImage {
    pub image: u32,
    pub width: f32,
    pub height: f32,
}

/// The object replacement character marks an inline image in the text.
pub(crate) const OBJECT: char = '\u{FFFC}';
pub(crate) const NNBSP: char = '\u{202F}';

/// A paragraph's text: one string, each byte's style, its inline images.
#[derive(Debug, Clone, Default)]
pub(crate) struct Para {
    pub text: String,
    /// Style runs: (byte offset where the run starts, style index), ascending, first at 0.
    pub runs: Vec<(usize, u16)>,
    pub styles: Vec<Style>,
    /// Inline images by the byte offset of their [`OBJECT`] character.
    pub images: Vec<(usize, InlineImage)>,
}

impl Para {
    /// Index of the style run holding byte `at`.
    pub(crate) fn run_at(&self, at: usize) -> usize {
        match self.runs.binary_search_by(|(start, _)| start.cmp(&at)) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }

    pub(crate) fn style_at(&self, at: usize) -> u16 {
        self.runs.get(self.run_at(at)).map_or(0, |r| r.1)
    }

    pub(crate) fn is_blank(&self) -> bool {
        self.text.trim().is_empty() && self.images.is_empty()
    }
}

/// Builds a [`Para`] character by character.
#[derive(Debug, Default)]
pub(crate) struct ParaBuilder {
    chars: Vec<char>,
    style_of: Vec<u16>,
    styles: Vec<Style>,
    images: Vec<(usize, InlineImage)>,
}

impl ParaBuilder {
    pub(crate) fn new() -> Self {
        Self::default()
    }

    fn style_index(&mut self, style: Style) -> u16 {
        match self.styles.iter().rposition(|s| *s == style) {
            Some(i) => i as u16,
            None => {
                self.styles.push(style);
                (self.styles.len() - 1) as u16
            }
        }
    }

    /// Appends text; whitespace runs (but no-break spaces and line breaks) become one space.
    pub(crate) fn push(&mut self, text: &str, style: Style) {
        let index = self.style_index(style);
        for c in text.chars() {
            let c = match c {
                '\t' | '\r' | '\n' | '\u{2028}' => ' ',
                // Soft hyphens would add break opportunities without a visible hyphen.
                '\u{AD}' | '\u{FEFF}' => continue,
                c if c.is_control() => continue,
                c => c,
            };
            if c == ' ' && matches!(self.chars.last(), Some(' ') | None) {
                continue;
            }
            self.chars.push(c);
            self.style_of.push(index);
        }
    }

    /// Appends text as it is (code): spaces kept, no collapsing.
    pub(crate) fn push_verbatim(&mut self, text: &str, style: Style) {
        let index = self.style_index(style);
        for c in text.chars() {
            let c = match c {
                '\t' => ' ',
                c if c.is_control() => continue,
                c => c,
            };
            self.chars.push(c);
            self.style_of.push(index);
        }
    }

    /// A forced line break.
    pub(crate) fn line_break(&mut self, style: Style) {
        while self.chars.last() == Some(&' ') {
            self.chars.pop();
            self.style_of.pop();
        }
        let index = self.style_index(style);
        self.chars.push('\n');
        self.style_of.push(index);
    }

    pub(crate) fn image(&mut self, image: InlineImage, style: Style) {
        let index = self.style_index(style);
        self.images.push((self.chars.len(), image));
        self.chars.push(OBJECT);
        self.style_of.push(index);
    }

    /// The paragraph, trimmed, with French spacing when `french`.
    pub(crate) fn finish(mut self, french: bool) -> Para {
        // Trim leading and trailing spaces and line breaks.
        while matches!(self.chars.last(), Some(' ' | '\n')) {
            self.chars.pop();
            self.style_of.pop();
        }
        let lead = self
            .chars
            .iter()
            .take_while(|c| matches!(c, ' ' | '\n'))
            .count();
        if lead > 0 {
            self.chars.drain(..lead);
            self.style_of.drain(..lead);
            for image in &mut self.images {
                image.0 = image.0.saturating_sub(lead);
            }
        }
        if french {
            self.french_spacing();
        }
        let mut para = Para {
            styles: self.styles,
            ..Para::default()
        };
        let mut image_chars = self.images.iter().peekable();
        for (i, (&c, &style)) in self.chars.iter().zip(&self.style_of).enumerate() {
            if para.runs.last().map(|r| r.1) != Some(style) {
                para.runs.push((para.text.len(), style));
            }
            if c == OBJECT {
                while let Some((at, image)) = image_chars.peek() {
                    if *at < i {
                        image_chars.next();
                        continue;
                    }
                    if *at == i {
                        para.images.push((para.text.len(), *image));
                    }
                    break;
                }
            }
            para.text.push(c);
        }
        if para.runs.is_empty() {
            para.runs.push((0, 0));
        }
        para
    }

    fn is_code(&self, i: usize) -> bool {
        self.style_of
            .get(i)
            .and_then(|&s| self.styles.get(usize::from(s)))
            .is_some_and(|s| s.face.is_mono())
    }

    /// Narrow no-break spaces before `: ; ! ?` and `»`, after `«`; images keep their offsets.
    fn french_spacing(&mut self) {
        let mut chars: Vec<char> = Vec::with_capacity(self.chars.len() + 8);
        let mut styles: Vec<u16> = Vec::with_capacity(self.chars.len() + 8);
        let mut moved: Vec<usize> = Vec::with_capacity(self.chars.len());
        let n = self.chars.len();
        for i in 0..n {
            let c = self.chars[i];
            let code = self.is_code(i);
            moved.push(chars.len());
            if !code {
                let before = chars.last().copied();
                let next = self.chars.get(i + 1).copied();
                match c {
                    ':' | ';' | '!' | '?' | '»' => match before {
                        Some(' ' | '\u{A0}') => {
                            if let Some(last) = chars.last_mut() {
                                *last = NNBSP;
                            }
                        }
                        Some(b)
                            if c != ':'
                                && (b.is_alphanumeric() || matches!(b, '»' | ')' | '*' | '’'))
                                && (c == '»'
                                    || next.is_none_or(|n| {
                                        n.is_whitespace()
                                            || matches!(n, ')' | '»' | '"' | '!' | '?')
                                    })) =>
                        {
                            chars.push(NNBSP);
                            styles.push(self.style_of[i]);
                        }
                        _ => {}
                    },
                    _ => {}
                }
            }
            chars.push(c);
            styles.push(self.style_of[i]);
            if c == '«' && !code {
                match self.chars.get(i + 1) {
                    Some(' ' | '\u{A0}') => {
                        // The space that follows becomes narrow and unbreakable.
                        self.chars[i + 1] = NNBSP;
                    }
                    Some(&next) if next != NNBSP => {
                        chars.push(NNBSP);
                        styles.push(self.style_of[i]);
                    }
                    _ => {}
                }
            }
        }
        for image in &mut self.images {
            image.0 = moved.get(image.0).copied().unwrap_or(image.0);
        }
        self.chars = chars;
        self.style_of = styles;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn french(text: &str) -> String {
        let mut builder = ParaBuilder::new();
        builder.push(text, Style::new(FaceKind::Regular, 10.0, Rgb::BLACK));
        builder.finish(true).text.replace(NNBSP, "_")
    }

    #[test]
    fn narrow_spaces_before_high_punctuation_and_inside_guillemets() {
        assert_eq!(french("Qui fait quoi ?"), "Qui fait quoi_?");
        assert_eq!(french("Qui fait quoi?"), "Qui fait quoi_?");
        assert_eq!(french("dis-le : ce texte"), "dis-le_: ce texte");
        assert_eq!(french("«Bonjour»"), "«_Bonjour_»");
        assert_eq!(french("« Bonjour »"), "«_Bonjour_»");
        assert_eq!(
            french("https://example.org/a?b=c"),
            "https://example.org/a?b=c"
        );
        assert_eq!(french("10:30"), "10:30");
    }
}
