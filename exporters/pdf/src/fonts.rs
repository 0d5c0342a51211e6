//! Fonts: the bundled faces (Libertinus Serif, DejaVu Sans Mono, New Computer Modern Math as a
//! fallback for symbols) or a replacement from `pdf.font`; shaping with rustybuzz, cached per
//! word; the glyphs used, for subsetting and for the text a reader copies out of the PDF.

use crate::error::{FontSource, PdfError};
use rustybuzz::{Face, ShapePlan, UnicodeBuffer};
use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;

/// The styles the layout asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum FaceKind {
    Regular,
    Bold,
    Italic,
    BoldItalic,
    Mono,
    MonoBold,
}

impl FaceKind {
    pub(crate) fn bold(self) -> Self {
        match self {
            FaceKind::Regular | FaceKind::Bold => FaceKind::Bold,
            FaceKind::Italic | FaceKind::BoldItalic => FaceKind::BoldItalic,
            FaceKind::Mono | FaceKind::MonoBold => FaceKind::MonoBold,
        }
    }

    pub(crate) fn italic(self) -> Self {
        match self {
            FaceKind::Regular | FaceKind::Italic => FaceKind::Italic,
            FaceKind::Bold | FaceKind::BoldItalic => FaceKind::BoldItalic,
            mono => mono,
        }
    }

    pub(crate) fn mono(self) -> Self {
        match self {
            FaceKind::Bold | FaceKind::BoldItalic | FaceKind::MonoBold => FaceKind::MonoBold,
            _ => FaceKind::Mono,
        }
    }

    pub(crate) fn is_mono(self) -> bool {
        matches!(self, FaceKind::Mono | FaceKind::MonoBold)
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// Positions of the faces in `typst_assets::fonts()` (typst-assets 0.15).
const LIBERTINUS: [usize; 4] = [0, 1, 2, 3];
const NEW_CM_MATH: usize = 8;
const DEJAVU_MONO_BOLD: usize = 13;
const DEJAVU_MONO: usize = 16;

/// One font file, parsed.
pub(crate) struct Font<'a> {
    pub data: &'a [u8],
    pub face: Face<'a>,
    pub units_per_em: f32,
    /// Ascender and descender (positive), in ems.
    pub ascender: f32,
    pub descender: f32,
    pub postscript_name: String,
    /// Drawn with a stroke to look bold (a replacement font given as one file).
    pub fake_bold: bool,
    /// Drawn slanted (a replacement font given as one file).
    pub fake_italic: bool,
}

impl Font<'_> {
    /// Advance of a glyph as the PDF's /W array says it (whole thousandths of an em).
    pub(crate) fn pdf_width(&self, gid: u16) -> f32 {
        let advance = self
            .face
            .glyph_hor_advance(rustybuzz::ttf_parser::GlyphId(gid))
            .map_or(0.0, f32::from);
        (advance * 1000.0 / self.units_per_em).trunc()
    }
}

/// A glyph of a shaped string: id in its font, advance in font units.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ShapedGlyph {
    pub gid: u16,
    pub advance: i32,
}

pub(crate) type Shaped = Rc<[ShapedGlyph]>;

/// A string shaped once: its glyphs, the text each glyph stands for, and the last recording
/// that noted those texts.
struct ShapedEntry {
    glyphs: Shaped,
    texts: Vec<(u16, Box<str>)>,
    stamp: u32,
}

/// Glyphs drawn, with the text each stands for: font, glyph id, text.
pub(crate) type Glyphs = Vec<(u8, u16, String)>;

/// What the layout of one book page took from the fonts, so that its layout can be reused in
/// another build: the glyphs it drew (with their text), the titles it checked, the characters
/// of its text no font has.
#[derive(Debug, Default)]
pub(crate) struct Recording {
    stamp: u32,
    pub used: BTreeMap<(u8, u16), String>,
    pub titles: Vec<String>,
    pub missing: usize,
}

/// Keeps, for a glyph drawn for several texts, the smallest: the same whatever the order in
/// which pages are laid out.
fn note(map: &mut BTreeMap<u16, String>, gid: u16, text: &str) {
    match map.get_mut(&gid) {
        Some(known) if known.as_str() <= text => {}
        Some(known) => text.clone_into(known),
        None => {
            map.insert(gid, text.to_owned());
        }
    }
}

/// Every font of the document, the choice of font per character, and what was drawn.
pub(crate) struct Fonts<'a> {
    pub fonts: Vec<Font<'a>>,
    /// Font index per [`FaceKind`].
    styles: [u8; 6],
    /// Tried in order when a style's font lacks a character.
    fallbacks: Vec<u8>,
    cache: Vec<HashMap<String, ShapedEntry>>,
    /// What the book page being laid out takes from the fonts, when its layout is kept.
    pub(crate) recording: Option<Recording>,
    recordings: u32,
    /// One shaping plan per font (Latin script, left to right), made when first needed.
    plans: Vec<Option<ShapePlan>>,
    /// Per font, for the characters of the Basic Multilingual Plane: 0 not looked up yet,
    /// 1 the font has a glyph, 2 it has none.
    coverage: Vec<Vec<u8>>,
    /// Hyphenation points of words already seen (words repeat a lot in a book).
    pub(crate) hyphenation: HashMap<String, Rc<[usize]>>,
    /// Per font: glyph id → the text it stands for (the smallest when several), for ToUnicode.
    pub used: Vec<BTreeMap<u16, String>>,
    /// Characters no font has (emoji…), left out.
    pub missing: usize,
    /// Titles already checked for missing characters (a title is drawn in many places, counted once).
    pub(crate) titles_counted: std::collections::HashSet<String>,
    space_gid: Vec<u16>,
}

impl std::fmt::Debug for Fonts<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fonts")
            .field("fonts", &self.fonts.len())
            .field("missing", &self.missing)
            .finish()
    }
}

fn bundled(index: usize) -> Option<&'static [u8]> {
    typst_assets::fonts().nth(index)
}

fn parse<'a>(data: &'a [u8], font: FontSource) -> Result<Font<'a>, PdfError> {
    // What `Face::from_slice` does, keeping the parser's error.
    let face = rustybuzz::ttf_parser::Face::parse(data, 0)
        .map(Face::from_face)
        .map_err(|source| PdfError::UnreadableFont { font, source })?;
    let units_per_em = face.units_per_em() as f32;
    if units_per_em <= 0.0 {
        return Err(PdfError::NoUnitsPerEm { font });
    }
    let postscript_name = face
        .names()
        .into_iter()
        .filter(|name| name.name_id == rustybuzz::ttf_parser::name_id::POST_SCRIPT_NAME)
        .find_map(|name| name.to_string())
        .unwrap_or_default();
    let postscript_name: String = postscript_name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    Ok(Font {
        ascender: f32::from(face.ascender()) / units_per_em,
        descender: -f32::from(face.descender()) / units_per_em,
        data,
        units_per_em,
        postscript_name: if postscript_name.is_empty() {
            "Font".to_owned()
        } else {
            postscript_name
        },
        face,
        fake_bold: false,
        fake_italic: false,
    })
}

impl<'a> Fonts<'a> {
    /// The bundled fonts, or `replacement` (a TTF/OTF file) for the text styles.
    pub(crate) fn load(replacement: Option<&'a [u8]>) -> Result<Self, PdfError> {
        let get = |index: usize| {
            bundled(index)
                .ok_or(PdfError::MissingBundledFont { index })
                .and_then(|data| parse(data, FontSource::Bundled(index)))
        };
        let mut fonts = Vec::new();
        let styles = match replacement {
            None => {
                for index in LIBERTINUS {
                    fonts.push(get(index)?);
                }
                fonts.push(get(DEJAVU_MONO)?);
                fonts.push(get(DEJAVU_MONO_BOLD)?);
                [0, 1, 2, 3, 4, 5]
            }
            Some(data) => {
                let font = parse(data, FontSource::Replacement)?;
                let mut bold = parse(data, FontSource::Replacement)?;
                bold.fake_bold = true;
                let mut italic = parse(data, FontSource::Replacement)?;
                italic.fake_italic = true;
                let mut bold_italic = parse(data, FontSource::Replacement)?;
                bold_italic.fake_bold = true;
                bold_italic.fake_italic = true;
                fonts.extend([font, bold, italic, bold_italic]);
                fonts.push(get(DEJAVU_MONO)?);
                fonts.push(get(DEJAVU_MONO_BOLD)?);
                [0, 1, 2, 3, 4, 5]
            }
        };
        // Characters the text fonts lack: the bundled serif (for a replacement font), the
        // monospace font (check boxes, arrows, dingbats), the math font (other symbols).
        let mut fallbacks = vec![0];
        if replacement.is_some() {
            fonts.push(get(LIBERTINUS[0])?);
            fallbacks.push((fonts.len() - 1) as u8);
        }
        fallbacks.push(4);
        fonts.push(get(NEW_CM_MATH)?);
        let count = fonts.len();
        fallbacks.push((count - 1) as u8);
        let space_gid = fonts
            .iter()
            .map(|font| font.face.glyph_index(' ').map_or(0, |g| g.0))
            .collect();
        Ok(Fonts {
            cache: (0..count).map(|_| HashMap::new()).collect(),
            recording: None,
            recordings: 0,
            plans: (0..count).map(|_| None).collect(),
            coverage: vec![Vec::new(); count],
            hyphenation: HashMap::new(),
            used: vec![BTreeMap::new(); count],
            fonts,
            styles,
            fallbacks,
            missing: 0,
            titles_counted: std::collections::HashSet::new(),
            space_gid,
        })
    }

    pub(crate) fn font_of(&self, kind: FaceKind) -> u8 {
        self.styles[kind.index()]
    }

    pub(crate) fn font(&self, index: u8) -> &Font<'a> {
        &self.fonts[usize::from(index)]
    }

    /// Whether font `index` has a glyph for `c` (cached for the Basic Multilingual Plane).
    pub(crate) fn has(&mut self, index: u8, c: char) -> bool {
        let index = usize::from(index);
        let code = c as usize;
        if code >= 0x10000 {
            return self.fonts[index].face.glyph_index(c).is_some();
        }
        if self.coverage[index].is_empty() {
            self.coverage[index] = vec![0; 0x10000];
        }
        match self.coverage[index][code] {
            1 => true,
            2 => false,
            _ => {
                let has = self.fonts[index].face.glyph_index(c).is_some();
                self.coverage[index][code] = if has { 1 } else { 2 };
                has
            }
        }
    }

    /// The font that draws `c` in style `kind`: the style's own, else the first fallback that has it.
    pub(crate) fn font_for(&mut self, kind: FaceKind, c: char) -> Option<u8> {
        let own = self.font_of(kind);
        if self.has(own, c) {
            return Some(own);
        }
        for i in 0..self.fallbacks.len() {
            let index = self.fallbacks[i];
            if self.has(index, c) {
                return Some(index);
            }
        }
        None
    }

    /// Whether some font draws `c` (without counting it).
    pub(crate) fn drawable(&mut self, c: char) -> bool {
        self.font_for(FaceKind::Regular, c).is_some()
    }

    /// Shapes `text` (one font, one line, left to right); cached per font and string.
    pub(crate) fn shape(&mut self, font: u8, text: &str) -> Shaped {
        let index = usize::from(font);
        if let Some(entry) = self.cache[index].get_mut(text) {
            if let Some(recording) = &mut self.recording {
                if entry.stamp != recording.stamp {
                    entry.stamp = recording.stamp;
                    for (gid, piece) in &entry.texts {
                        match recording.used.get_mut(&(font, *gid)) {
                            Some(known) if known.as_str() <= &**piece => {}
                            Some(known) => *known = piece.to_string(),
                            None => {
                                recording.used.insert((font, *gid), piece.to_string());
                            }
                        }
                    }
                }
            }
            return entry.glyphs.clone();
        }
        let mut buffer = UnicodeBuffer::new();
        buffer.push_str(text);
        buffer.set_direction(rustybuzz::Direction::LeftToRight);
        buffer.set_script(rustybuzz::script::LATIN);
        let face = &self.fonts[index].face;
        let plan = self.plans[index].get_or_insert_with(|| {
            ShapePlan::new(
                face,
                rustybuzz::Direction::LeftToRight,
                Some(rustybuzz::script::LATIN),
                None,
                &[],
            )
        });
        let output = rustybuzz::shape_with_plan(face, plan, buffer);
        let infos = output.glyph_infos();
        let positions = output.glyph_positions();
        let mut glyphs = Vec::with_capacity(infos.len());
        let mut texts = Vec::new();
        for (i, (info, position)) in infos.iter().zip(positions).enumerate() {
            let gid = u16::try_from(info.glyph_id).unwrap_or(0);
            glyphs.push(ShapedGlyph {
                gid,
                advance: position.x_advance,
            });
            // The text a glyph stands for: its cluster, for the first glyph of the cluster.
            let first_of_cluster = i == 0 || infos[i - 1].cluster != info.cluster;
            if first_of_cluster && gid != 0 {
                let start = info.cluster as usize;
                let end = infos[i + 1..]
                    .iter()
                    .map(|next| next.cluster as usize)
                    .find(|&c| c > start)
                    .unwrap_or(text.len());
                if let Some(piece) = text.get(start..end) {
                    texts.push((gid, Box::<str>::from(piece)));
                }
            }
        }
        for (gid, piece) in &texts {
            self.note_used(font, *gid, piece);
        }
        let shaped: Shaped = glyphs.into();
        let stamp = self.recording.as_ref().map_or(0, |r| r.stamp);
        self.cache[index].insert(
            text.to_owned(),
            ShapedEntry {
                glyphs: shaped.clone(),
                texts,
                stamp,
            },
        );
        shaped
    }

    /// Notes that glyph `gid` of `font` is drawn for `text` (for ToUnicode).
    pub(crate) fn note_used(&mut self, font: u8, gid: u16, text: &str) {
        if let Some(map) = self.used.get_mut(usize::from(font)) {
            note(map, gid, text);
        }
        if let Some(recording) = &mut self.recording {
            match recording.used.get_mut(&(font, gid)) {
                Some(known) if known.as_str() <= text => {}
                Some(known) => text.clone_into(known),
                None => {
                    recording.used.insert((font, gid), text.to_owned());
                }
            }
        }
    }

    /// Counts a character of the text that no font has.
    pub(crate) fn count_missing(&mut self) {
        self.missing += 1;
        if let Some(recording) = &mut self.recording {
            recording.missing += 1;
        }
    }

    /// Counts the characters of `title` that no font has, once per title.
    pub(crate) fn count_title(&mut self, title: &str) {
        if let Some(recording) = &mut self.recording {
            recording.titles.push(title.to_owned());
        }
        if self.titles_counted.contains(title) {
            return;
        }
        self.titles_counted.insert(title.to_owned());
        let all = title
            .chars()
            .filter(|&c| !c.is_control() && !c.is_whitespace())
            .count();
        let drawn = title
            .chars()
            .filter(|&c| !c.is_control() && !c.is_whitespace() && self.drawable(c))
            .count();
        self.missing += all - drawn;
    }

    /// Stops recording; the glyphs drawn since [`Fonts::start_recording`], with their text.
    pub(crate) fn glyphs_recorded(&mut self) -> Glyphs {
        self.recording.take().map_or_else(Vec::new, |recording| {
            recording
                .used
                .into_iter()
                .map(|((font, gid), text)| (font, gid, text))
                .collect()
        })
    }

    /// Starts recording what the layout takes from the fonts.
    pub(crate) fn start_recording(&mut self) {
        self.recordings += 1;
        self.recording = Some(Recording {
            stamp: self.recordings,
            ..Recording::default()
        });
    }

    /// Width of `text` at `size` points, in one font.
    pub(crate) fn width(&mut self, font: u8, text: &str, size: f32) -> f32 {
        let upem = self.fonts[usize::from(font)].units_per_em;
        let units: i32 = self.shape(font, text).iter().map(|g| g.advance).sum();
        units as f32 * size / upem
    }

    /// The space glyph of a font and its advance at `size`.
    pub(crate) fn space(&mut self, font: u8, size: f32) -> (u16, f32) {
        let gid = self.space_gid[usize::from(font)];
        self.note_used(font, gid, " ");
        let face = &self.fonts[usize::from(font)].face;
        let advance = face
            .glyph_hor_advance(rustybuzz::ttf_parser::GlyphId(gid))
            .map_or(0.0, f32::from);
        (
            gid,
            advance * size / self.fonts[usize::from(font)].units_per_em,
        )
    }

    /// Advance of a glyph, in font units, as the PDF's /W array says it (whole thousandths of an em).
    pub(crate) fn pdf_width(&self, font: u8, gid: u16) -> f32 {
        self.fonts[usize::from(font)].pdf_width(gid)
    }
}

/// A font program reduced to the glyphs used, and the new glyph id of each used glyph.
pub(crate) struct Subset {
    pub bytes: Vec<u8>,
    pub new_ids: BTreeMap<u16, u16>,
    pub subset: bool,
}

/// Subsets `font` to the glyphs `ids` (ascending, 0 first) with allsorts (as printpdf does); the
/// whole font when that fails.
pub(crate) fn subset(font: &Font<'_>, ids: &[u16]) -> Subset {
    use allsorts::binary::read::ReadScope;
    use allsorts::font_data::FontData;
    use allsorts::subset::{CmapTarget, SubsetProfile};
    let result = ReadScope::new(font.data)
        .read::<FontData<'_>>()
        .ok()
        .and_then(|data| data.table_provider(0).ok())
        .and_then(|provider| {
            allsorts::subset::subset(&provider, ids, &SubsetProfile::Pdf, CmapTarget::Unicode).ok()
        });
    match result {
        Some(bytes) => Subset {
            bytes,
            new_ids: ids
                .iter()
                .enumerate()
                .map(|(new, &old)| (old, new as u16))
                .collect(),
            subset: true,
        },
        None => Subset {
            bytes: font.data.to_vec(),
            new_ids: ids.iter().map(|&gid| (gid, gid)).collect(),
            subset: false,
        },
    }
}
