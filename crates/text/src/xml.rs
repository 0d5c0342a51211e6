//! Escaping for XML and XHTML (EPUB documents, the package, the feed's HTML).

/// Text content: `&`, `<`, `>` escaped; characters XML forbids are dropped.
pub fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push(&mut out, s, false);
    out
}

/// An attribute value (between double quotes): `"` escaped too.
pub fn attribute(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push(&mut out, s, true);
    out
}

/// Appends `s` escaped as [`text`] or [`attribute`] does.
pub fn push(out: &mut String, s: &str, attribute: bool) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' => out.push(c),
            c if c >= '\u{10000}' => out.push(c),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_and_drops_what_xml_forbids() {
        assert_eq!(super::text("a < b & \"c\"\u{1}"), "a &lt; b &amp; \"c\"");
        assert_eq!(super::attribute("\"x\" > y"), "&quot;x&quot; &gt; y");
    }
}
