//! URL schemes: which links leave the book, and which a reader may follow.

/// The schemes a reader may follow from any output.
pub const SAFE_SCHEMES: &[&str] = &["http", "https", "mailto", "tel", "ftp"];

/// The scheme of an absolute URL as RFC 3986 writes one (a letter, then letters, digits, `+`,
/// `-`, `.`, before the first `:`); `None` for anything else. One letter is a Windows drive, not
/// a scheme. For reading a link as written in the book.
pub fn scheme(url: &str) -> Option<&str> {
    let colon = url.find(':')?;
    let scheme = &url[..colon];
    let valid = scheme.len() > 1
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then_some(scheme)
}

/// Whether `url` is absolute with one of `schemes` (compared without case).
pub fn has_scheme(url: &str, schemes: &[&str]) -> bool {
    scheme(url).is_some_and(|scheme| schemes.iter().any(|s| scheme.eq_ignore_ascii_case(s)))
}

/// Whether a reader's browser, given `url` in an attribute, would stay on a relative link or
/// one of `schemes`. Read as a browser reads it, not as written: tabs and newlines are removed
/// first (`java\tscript:` is `javascript:`), and anything before a `:` that comes before any
/// `/`, `?` or `#` is taken for a scheme, valid or not.
pub fn is_followable(url: &str, schemes: &[&str]) -> bool {
    let url: String = url
        .trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    if url.is_empty() {
        return false;
    }
    match url.find([':', '/', '?', '#']) {
        Some(at) if url[at..].starts_with(':') => {
            let scheme = &url[..at];
            schemes.iter().any(|s| scheme.eq_ignore_ascii_case(s))
        }
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemes() {
        assert_eq!(scheme("https://x.org/a:b"), Some("https"));
        assert_eq!(scheme("MailTo:a@b"), Some("MailTo"));
        assert_eq!(scheme("page.md#a:b"), None);
        assert_eq!(scheme("c:/x"), None);
        assert_eq!(scheme("/a:b"), None);
        assert!(has_scheme("HTTP://x", SAFE_SCHEMES));
        assert!(!has_scheme("javascript:alert(1)", SAFE_SCHEMES));
    }

    #[test]
    fn followable_as_a_browser_reads_it() {
        assert!(is_followable("page.xhtml#a:b", SAFE_SCHEMES));
        assert!(is_followable("https://x.org", SAFE_SCHEMES));
        assert!(is_followable("/a:b", SAFE_SCHEMES));
        assert!(!is_followable("", SAFE_SCHEMES));
        assert!(!is_followable("javascript:alert(1)", SAFE_SCHEMES));
        assert!(!is_followable(" java\tscript:alert(1)", SAFE_SCHEMES));
        assert!(!is_followable("java script:alert(1)", SAFE_SCHEMES));
        assert!(!is_followable("data:text/html,x", SAFE_SCHEMES));
    }
}
