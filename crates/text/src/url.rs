//! URL schemes: which links leave the book, and which a reader may follow.

/// The schemes a reader may follow from any output.
pub const SAFE_SCHEMES: &[&str] = &["http", "https", "mailto", "tel", "ftp"];

/// The scheme of an absolute URL (RFC 3986: a letter, then letters, digits, `+`, `-`, `.`,
/// before the first `:`); `None` for a relative reference. One letter is a Windows drive, not a
/// scheme.
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
}
