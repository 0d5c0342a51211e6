//! One home for the text rules every part of livret shares: the language of the words livret
//! writes itself, dates, XML escaping, HTML entities and URL schemes. Pure functions, no I/O.

pub mod dates;
mod lang;
pub mod url;
pub mod xml;

pub use lang::Language;

/// Decodes HTML character references (every named HTML5 entity, decimal and hexadecimal ones);
/// references that name no character (`&#0;`, `&nosuch;`) are kept as written.
pub fn decode_entities(text: &str) -> String {
    html_escape::decode_html_entities(text).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entities_named_and_numbered() {
        assert_eq!(decode_entities("a&#x20;b &amp; d & e"), "a b & d & e");
        assert_eq!(
            decode_entities("&eacute;t&eacute; &laquo;x&raquo;"),
            "été «x»"
        );
        assert_eq!(decode_entities("&#233;&#xE9;&nbsp;"), "éé\u{a0}");
        assert_eq!(decode_entities("a&#0;b"), "a&#0;b");
        assert_eq!(decode_entities("&nosuch;"), "&nosuch;");
    }
}
