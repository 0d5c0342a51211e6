//! What can stop an export: fonts that cannot be read, a document that cannot be finished.
//! Everything else degrades in the output instead (a font that cannot be subset is embedded
//! whole, an image that cannot be decoded shows its alt text).

use std::fmt;

/// Why the PDF could not be made.
#[derive(Debug, thiserror::Error)]
pub(crate) enum PdfError {
    #[error("bundled font {index} is missing from typst-assets")]
    MissingBundledFont { index: usize },
    #[error("{font}: not a TrueType or OpenType font")]
    UnreadableFont {
        font: FontSource,
        #[source]
        source: rustybuzz::ttf_parser::FaceParsingError,
    },
    #[error("{font}: font has no units per em")]
    NoUnitsPerEm { font: FontSource },
    #[error("the document's catalog cannot be written")]
    Catalog {
        #[source]
        source: lopdf::Error,
    },
}

/// Where a font comes from, for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FontSource {
    /// Font `index` of typst-assets.
    Bundled(usize),
    /// The file `pdf.font` names.
    Replacement,
}

impl fmt::Display for FontSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FontSource::Bundled(index) => write!(f, "bundled font {index}"),
            FontSource::Replacement => f.write_str("the font of `pdf.font`"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_font() {
        let error = PdfError::NoUnitsPerEm {
            font: FontSource::Replacement,
        };
        assert_eq!(
            error.to_string(),
            "the font of `pdf.font`: font has no units per em"
        );
    }
}
