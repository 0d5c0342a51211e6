//! Cross-references: where a link written in a page really goes, and GitBook-compatible anchors.

use livret_model::{Target, XRef};
use std::collections::{BTreeMap, HashMap, HashSet};
use unicode_normalization::UnicodeNormalization;

/// What a link can point at in one book: its pages, files and redirects, by NFC path.
#[derive(Debug, Default)]
pub struct BookIndex {
    /// NFC path of every published page.
    pub pages: HashSet<String>,
    /// NFC path of every Markdown file not listed in SUMMARY.md.
    pub unpublished: HashSet<String>,
    /// NFC path of every other file, to its path as stored.
    pub files: HashMap<String, String>,
    /// Extension-less old path to the page path it now lives at.
    pub redirects: BTreeMap<String, String>,
    /// Name of a folder's page (`README.md`).
    pub readme: String,
}

/// Normalises a path to NFC with `/` separators.
pub fn nfc(path: &str) -> String {
    if path.is_ascii()
        || unicode_normalization::is_nfc_quick(path.chars())
            == unicode_normalization::IsNormalized::Yes
    {
        return path.to_owned();
    }
    path.nfc().collect()
}

impl BookIndex {
    /// Resolves `raw`, written in the page at `from`, to a typed target. Anchors are checked later.
    pub fn resolve(&self, from: &str, raw: &str) -> XRef {
        let target = self.target(from, raw.trim());
        XRef {
            raw: raw.to_owned(),
            target,
        }
    }

    fn target(&self, from: &str, raw: &str) -> Target {
        if raw.is_empty() {
            return broken("the link is empty");
        }
        if raw == "broken-reference" || raw.ends_with("/broken-reference") {
            return broken("GitBook lost this link's target (`broken-reference`)");
        }
        match external_url(raw) {
            Some(Ok(url)) => return Target::External { url },
            Some(Err(reason)) => return broken(&reason.to_string()),
            None => {}
        }
        let (path, anchor) = match raw.split_once('#') {
            Some((path, anchor)) => (path, Some(anchor)),
            None => (raw, None),
        };
        let path = path.split('?').next().unwrap_or(path);
        let anchor = anchor.filter(|a| !a.is_empty()).map(percent_decode);
        if path.is_empty() {
            return Target::Page {
                path: from.to_owned(),
                anchor,
            };
        }
        let decoded = nfc(&percent_decode(path));
        let Some(joined) = join(from, &decoded) else {
            return broken(&format!("`{path}` climbs above the root of the book"));
        };
        self.lookup(&joined, decoded.ends_with('/'), anchor)
    }

    fn lookup(&self, joined: &str, is_folder: bool, anchor: Option<String>) -> Target {
        let page = |path: String| Target::Page {
            path,
            anchor: anchor.clone(),
        };
        let in_folder = |folder: &str| {
            if folder.is_empty() {
                self.readme.clone()
            } else {
                format!("{folder}/{}", self.readme)
            }
        };
        let mut candidates = Vec::new();
        if is_folder || joined.is_empty() {
            candidates.push(in_folder(joined));
        } else {
            candidates.push(joined.to_owned());
            if !joined.ends_with(".md") {
                candidates.push(format!("{joined}.md"));
                candidates.push(in_folder(joined));
            }
        }
        for candidate in &candidates {
            if self.pages.contains(candidate) {
                return page(candidate.clone());
            }
        }
        if let Some(stored) = self.files.get(joined) {
            return Target::Asset {
                path: stored.clone(),
            };
        }
        let key = joined.trim_end_matches(".md").trim_end_matches('/');
        if let Some(to) = self.redirect(key) {
            return page(to);
        }
        if let Some(candidate) = candidates.iter().find(|c| self.unpublished.contains(*c)) {
            return broken(&format!(
                "`{candidate}` is not listed in SUMMARY.md, so it is not published"
            ));
        }
        broken(&format!("there is no page or file at `{joined}`"))
    }

    /// Follows redirects (at most a few hops, so loops end) to a published page.
    fn redirect(&self, key: &str) -> Option<String> {
        let mut key = key.to_owned();
        for _ in 0..8 {
            let to = nfc(self.redirects.get(&key)?.trim_start_matches('/'));
            if self.pages.contains(&to) {
                return Some(to);
            }
            key = to.trim_end_matches(".md").to_owned();
        }
        None
    }
}

fn broken(reason: &str) -> Target {
    Target::Broken {
        reason: reason.to_owned(),
    }
}

/// A link out of the book: its URL when its scheme is one a reader may follow (`//host` becomes
/// https), why not otherwise (`javascript:`, `file:`, `data:`…); `None` for a path in the book.
pub(crate) fn external_url(raw: &str) -> Option<Result<String, Unresolved>> {
    if let Some(scheme) = livret_text::url::scheme(raw) {
        return Some(
            match livret_text::url::has_scheme(raw, livret_text::url::SAFE_SCHEMES) {
                true => Ok(raw.to_owned()),
                false => Err(Unresolved::Scheme(scheme.to_owned())),
            },
        );
    }
    raw.starts_with("//").then(|| Ok(format!("https:{raw}")))
}

/// Why a link or a SUMMARY entry has no target; the text ends a diagnostic's sentence.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum Unresolved {
    #[error("`{0}:` links are not allowed")]
    Scheme(String),
    #[error("that path climbs above the root of the book")]
    AboveRoot,
    #[error("there is no file `{0}` in the book")]
    NoFile(String),
}

fn percent_decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .into_owned()
}

/// Joins a link to the folder of the page it is written in; `None` when it climbs above the root.
pub fn join(from: &str, link: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    if !link.starts_with('/') {
        parts.extend(from.split('/'));
        parts.pop();
    }
    for part in link.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            part => parts.push(part),
        }
    }
    Some(parts.join("/"))
}

/// GitBook's anchor for a heading: lower case, letters and digits kept, spaces to dashes.
pub fn slug(title: &str) -> String {
    let mut slug = String::with_capacity(title.len());
    for c in title.trim().chars() {
        if c.is_alphanumeric() {
            slug.extend(c.to_lowercase());
        } else if (c.is_whitespace() || c == '-' || c == '_') && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    slug.trim_matches('-').to_owned()
}

/// Hands out anchors unique within a page: a repeated one gets `-1`, `-2`…
#[derive(Debug, Default)]
pub struct Anchors {
    used: HashSet<String>,
}

impl Anchors {
    pub fn claim(&mut self, wanted: &str) -> String {
        let base = if wanted.is_empty() {
            "section".to_owned()
        } else {
            wanted.to_owned()
        };
        let mut anchor = base.clone();
        let mut n = 0;
        while !self.used.insert(anchor.clone()) {
            n += 1;
            anchor = format!("{base}-{n}");
        }
        anchor
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index() -> BookIndex {
        let mut index = BookIndex {
            readme: "README.md".to_owned(),
            ..BookIndex::default()
        };
        for page in [
            "README.md",
            "valeurs.md",
            "équipe/README.md",
            "équipe/arrivée.md",
        ] {
            index.pages.insert(page.to_owned());
        }
        index.unpublished.insert("brouillon.md".to_owned());
        index.files.insert(
            ".gitbook/assets/a b.png".to_owned(),
            ".gitbook/assets/a b.png".to_owned(),
        );
        index
            .redirects
            .insert("ancien/chemin".to_owned(), "valeurs.md".to_owned());
        index
    }

    fn target(from: &str, raw: &str) -> Target {
        index().resolve(from, raw).target
    }

    fn page(path: &str, anchor: Option<&str>) -> Target {
        Target::Page {
            path: path.to_owned(),
            anchor: anchor.map(str::to_owned),
        }
    }

    #[test]
    fn resolves_relative_folder_and_extensionless_links() {
        assert_eq!(
            target("équipe/arrivée.md", "../valeurs.md#sobriété"),
            page("valeurs.md", Some("sobriété"))
        );
        assert_eq!(
            target("README.md", "équipe/"),
            page("équipe/README.md", None)
        );
        assert_eq!(target("README.md", "valeurs"), page("valeurs.md", None));
        assert_eq!(
            target("README.md", "équipe"),
            page("équipe/README.md", None)
        );
        assert_eq!(
            target("équipe/README.md", "#intro"),
            page("équipe/README.md", Some("intro"))
        );
        assert_eq!(
            target("équipe/README.md", "/valeurs.md"),
            page("valeurs.md", None)
        );
    }

    #[test]
    fn nfd_links_and_percent_encoding_match_nfc_paths() {
        let nfd: String = "équipe/arrivée.md".nfd().collect();
        assert_eq!(target("README.md", &nfd), page("équipe/arrivée.md", None));
        assert_eq!(
            target("README.md", "%C3%A9quipe/arriv%C3%A9e.md"),
            page("équipe/arrivée.md", None)
        );
        assert_eq!(
            target("README.md", ".gitbook/assets/a%20b.png"),
            Target::Asset {
                path: ".gitbook/assets/a b.png".to_owned()
            }
        );
    }

    #[test]
    fn redirects_external_and_broken() {
        assert_eq!(
            target("README.md", "ancien/chemin"),
            page("valeurs.md", None)
        );
        assert!(matches!(
            target("README.md", "https://a.fr"),
            Target::External { .. }
        ));
        assert!(matches!(
            target("README.md", "javascript:alert(1)"),
            Target::Broken { .. }
        ));
        assert!(matches!(
            target("README.md", "../../etc/passwd"),
            Target::Broken { .. }
        ));
        assert!(matches!(
            target("README.md", "broken-reference"),
            Target::Broken { .. }
        ));
        let Target::Broken { reason } = target("README.md", "brouillon.md") else {
            panic!()
        };
        assert!(reason.contains("not listed in SUMMARY.md"));
    }

    #[test]
    fn slugs_follow_gitbook() {
        assert_eq!(
            slug("Des valeurs pour garder le cap"),
            "des-valeurs-pour-garder-le-cap"
        );
        assert_eq!(
            slug("💫 Découvrir : notre culture !"),
            "découvrir-notre-culture"
        );
        let mut anchors = Anchors::default();
        assert_eq!(anchors.claim("a"), "a");
        assert_eq!(anchors.claim("a"), "a-1");
    }
}
