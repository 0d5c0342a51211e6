use serde::{Deserialize, Serialize};
use std::fmt;

/// How bad a problem is: errors mean content is lost or wrong, warnings mean livret recovered,
/// notes are for information.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Content is lost or wrong.
    Error,
    /// livret recovered from the problem.
    Warning,
    /// For information, e.g. a page not listed in SUMMARY.md.
    Note,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        })
    }
}

/// Every diagnostic livret reports, by its stable code. The list is the documentation: the
/// README's table of diagnostics is made from [`Code::ALL`] (a test keeps them equal).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Code {
    /// An image or attachment is larger than livret embeds; it is left out of the EPUB and PDF.
    AssetTooLarge,
    /// A file that should be text (a page, SUMMARY.md) holds binary data; it is skipped.
    BinaryFile,
    /// A link points at a heading id that the target page does not have.
    BrokenAnchor,
    /// A link points at a page or file that is not in the book, or has a scheme a reader may not follow.
    BrokenLink,
    /// SUMMARY.md lists a page more than once; only its first place is used.
    DuplicateEntry,
    /// A page's YAML front matter cannot be read, or has a field of the wrong type.
    FrontMatter,
    /// An `{% include %}` names a file that is not in the repository.
    IncludeMissing,
    /// A value in livret.yaml or .gitbook.yaml is not valid; the default is used.
    InvalidConfig,
    /// A text file is not valid UTF-8; the bad bytes are replaced.
    InvalidUtf8,
    /// A GitBook block's or HTML tag's attribute cannot be read.
    MalformedAttribute,
    /// A GitBook `{% … %}` tag or an HTML tag cannot be read; it is kept as text.
    MalformedTag,
    /// A GitBook tag appears where it means nothing (a `{% tab %}` outside `{% tabs %}`).
    MisplacedTag,
    /// An object the history or the tree names is not in the repository (a partial or shallow clone).
    MissingBlob,
    /// The font `pdf.font` names is not in the repository; the bundled fonts are used.
    MissingFont,
    /// Characters no font has (emoji, rare symbols) are left out of the PDF.
    MissingGlyphs,
    /// SUMMARY.md lists a page that is not in the book; the entry is left out.
    MissingPage,
    /// A page looks like UTF-8 read as Latin-1 (`Ã©` for `é`); livret repairs it.
    Mojibake,
    /// There is no SUMMARY.md: pages are read in the order of their paths.
    NoSummary,
    /// A Markdown page is not listed in SUMMARY.md, so it is not published.
    OrphanPage,
    /// The repository is a shallow clone: the history stops early, so dates and changes are partial.
    ShallowHistory,
    /// A GitBook end tag (`{% endhint %}`) closes nothing.
    StrayEndTag,
    /// A submodule in the book folder is not read.
    Submodule,
    /// A SUMMARY.md entry cannot be read as a link to a page.
    SummaryEntry,
    /// A symbolic link in the book folder is not followed.
    Symlink,
    /// Blocks or HTML are nested deeper than livret reads; the rest is kept as text.
    TooDeep,
    /// A GitBook block (`{% hint %}`, `{% tabs %}`…) is never closed; it runs to the end of the page.
    UnclosedTag,
    /// livret.yaml has a key livret does not know; it is ignored.
    UnknownKey,
    /// A page followed by the changelog is not in the book at this revision.
    UnknownPage,
    /// A GitBook tag livret does not know; its content is kept, the tag is dropped.
    UnknownTag,
    /// An image cannot be decoded (corrupt, truncated or too large); the PDF shows its alt text.
    UnreadableImage,
    /// A GitBook block livret does not render (an OpenAPI block…); it is left out.
    UnsupportedTag,
}

impl Code {
    /// Every code, in alphabetical order.
    pub const ALL: &[Code] = &[
        Code::AssetTooLarge,
        Code::BinaryFile,
        Code::BrokenAnchor,
        Code::BrokenLink,
        Code::DuplicateEntry,
        Code::FrontMatter,
        Code::IncludeMissing,
        Code::InvalidConfig,
        Code::InvalidUtf8,
        Code::MalformedAttribute,
        Code::MalformedTag,
        Code::MisplacedTag,
        Code::MissingBlob,
        Code::MissingFont,
        Code::MissingGlyphs,
        Code::MissingPage,
        Code::Mojibake,
        Code::NoSummary,
        Code::OrphanPage,
        Code::ShallowHistory,
        Code::StrayEndTag,
        Code::Submodule,
        Code::SummaryEntry,
        Code::Symlink,
        Code::TooDeep,
        Code::UnclosedTag,
        Code::UnknownKey,
        Code::UnknownPage,
        Code::UnknownTag,
        Code::UnreadableImage,
        Code::UnsupportedTag,
    ];

    /// The kebab-case code written in diagnostics, e.g. `broken-link`.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::AssetTooLarge => "asset-too-large",
            Code::BinaryFile => "binary-file",
            Code::BrokenAnchor => "broken-anchor",
            Code::BrokenLink => "broken-link",
            Code::DuplicateEntry => "duplicate-entry",
            Code::FrontMatter => "front-matter",
            Code::IncludeMissing => "include-missing",
            Code::InvalidConfig => "invalid-config",
            Code::InvalidUtf8 => "invalid-utf8",
            Code::MalformedAttribute => "malformed-attribute",
            Code::MalformedTag => "malformed-tag",
            Code::MisplacedTag => "misplaced-tag",
            Code::MissingBlob => "missing-blob",
            Code::MissingFont => "missing-font",
            Code::MissingGlyphs => "missing-glyphs",
            Code::MissingPage => "missing-page",
            Code::Mojibake => "mojibake",
            Code::NoSummary => "no-summary",
            Code::OrphanPage => "orphan-page",
            Code::ShallowHistory => "shallow-history",
            Code::StrayEndTag => "stray-end-tag",
            Code::Submodule => "submodule",
            Code::SummaryEntry => "summary-entry",
            Code::Symlink => "symlink",
            Code::TooDeep => "too-deep",
            Code::UnclosedTag => "unclosed-tag",
            Code::UnknownKey => "unknown-key",
            Code::UnknownPage => "unknown-page",
            Code::UnknownTag => "unknown-tag",
            Code::UnreadableImage => "unreadable-image",
            Code::UnsupportedTag => "unsupported-tag",
        }
    }

    /// What the diagnostic means, and what to do about it.
    pub fn explanation(self) -> (&'static str, &'static str) {
        match self {
            Code::AssetTooLarge => (
                "An image or attachment is larger than livret embeds; it is left out of the EPUB and PDF.",
                "Make the file smaller, or link to it from outside the book.",
            ),
            Code::BinaryFile => (
                "A file that should be text (a page, SUMMARY.md) holds binary data; it is skipped.",
                "Replace it with the Markdown it should be.",
            ),
            Code::BrokenAnchor => (
                "A link points at a heading id that the target page does not have.",
                "Fix the `#anchor`, or the heading it names.",
            ),
            Code::BrokenLink => (
                "A link points at a page or file that is not in the book, or has a scheme a reader may not follow.",
                "Fix the path, or remove the link.",
            ),
            Code::DuplicateEntry => (
                "SUMMARY.md lists a page more than once; only its first place is used.",
                "Remove the duplicate entry.",
            ),
            Code::FrontMatter => (
                "A page's YAML front matter cannot be read; the page is read without it.",
                "Fix the YAML between the `---` lines.",
            ),
            Code::IncludeMissing => (
                "An `{% include %}` names a file that is not in the repository.",
                "Fix the path, or remove the include.",
            ),
            Code::InvalidConfig => (
                "A value in livret.yaml or .gitbook.yaml is not valid; the default is used.",
                "Fix the value; the message says what is expected.",
            ),
            Code::InvalidUtf8 => (
                "A text file is not valid UTF-8; the bad bytes are replaced.",
                "Save the file as UTF-8.",
            ),
            Code::MalformedAttribute => (
                "A GitBook block's or HTML tag's attribute cannot be read.",
                "Quote the value, or fix its syntax.",
            ),
            Code::MalformedTag => (
                "A GitBook `{% … %}` tag or an HTML tag cannot be read; it is kept as text.",
                "Fix the tag's syntax.",
            ),
            Code::MisplacedTag => (
                "A GitBook tag appears where it means nothing (a `{% tab %}` outside `{% tabs %}`).",
                "Move it inside the block it belongs to.",
            ),
            Code::MissingBlob => (
                "An object the history or the tree names is not in the repository (a partial or shallow clone).",
                "Fetch the whole repository (`git fetch --unshallow`, or clone without `--filter`).",
            ),
            Code::MissingFont => (
                "The font `pdf.font` names is not in the repository; the bundled fonts are used.",
                "Fix the path in livret.yaml.",
            ),
            Code::MissingGlyphs => (
                "Characters no font has (emoji, rare symbols) are left out of the PDF.",
                "Set `pdf.font` to a font that has them.",
            ),
            Code::MissingPage => (
                "SUMMARY.md lists a page that is not in the book; the entry is left out.",
                "Fix the path, or remove the entry.",
            ),
            Code::Mojibake => (
                "A page looks like UTF-8 read as Latin-1 (`Ã©` for `é`); livret repairs it.",
                "Save the page again as UTF-8.",
            ),
            Code::NoSummary => (
                "There is no SUMMARY.md: pages are read in the order of their paths.",
                "Add a SUMMARY.md, as GitBook writes it.",
            ),
            Code::OrphanPage => (
                "A Markdown page is not listed in SUMMARY.md, so it is not published.",
                "List it in SUMMARY.md, or delete it.",
            ),
            Code::ShallowHistory => (
                "The repository is a shallow clone: the history stops early, so dates and changes are partial.",
                "Fetch the whole history (`git fetch --unshallow`).",
            ),
            Code::StrayEndTag => (
                "A GitBook end tag (`{% endhint %}`) closes nothing.",
                "Remove it, or add the tag it should close.",
            ),
            Code::Submodule => (
                "A submodule in the book folder is not read.",
                "Copy what the book needs into the repository.",
            ),
            Code::SummaryEntry => (
                "A SUMMARY.md entry cannot be read as a link to a page.",
                "Write it as `* [Title](path.md)`.",
            ),
            Code::Symlink => (
                "A symbolic link in the book folder is not followed.",
                "Replace it with the file it points to.",
            ),
            Code::TooDeep => (
                "Blocks or HTML are nested deeper than livret reads; the rest is kept as text.",
                "Nest less deeply.",
            ),
            Code::UnclosedTag => (
                "A GitBook block (`{% hint %}`, `{% tabs %}`…) is never closed; it runs to the end of the page.",
                "Add its end tag.",
            ),
            Code::UnknownKey => (
                "livret.yaml has a key livret does not know; it is ignored.",
                "Fix its spelling, or remove it.",
            ),
            Code::UnknownPage => (
                "A page followed by the changelog is not in the book at this revision.",
                "Name pages by their path in the book.",
            ),
            Code::UnknownTag => (
                "A GitBook tag livret does not know; its content is kept, the tag is dropped.",
                "Check the tag's name.",
            ),
            Code::UnreadableImage => (
                "An image cannot be decoded (corrupt, truncated or too large); the PDF shows its alt text.",
                "Replace it with a valid PNG or JPEG.",
            ),
            Code::UnsupportedTag => (
                "A GitBook block livret does not render (an OpenAPI block…); it is left out.",
                "Nothing to do, or describe it in text.",
            ),
        }
    }
}

/// One problem found in the input, with where it is, what is wrong and what to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Diagnostic {
    /// How bad the problem is.
    pub severity: Severity,
    /// A short, stable, kebab-case code such as `unclosed-tag` or `broken-link` (see [`Code`]).
    pub code: String,
    /// What is wrong, for the user.
    pub message: String,
    /// What the user can do about it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// Path of the file in the repository (not on disk), when the problem has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// 1-based line in that file, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// 1-based column on that line, counted in characters, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
    /// The text of the source line the problem is on, for rustc-style display, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_line: Option<String>,
}

impl Diagnostic {
    /// A diagnostic of `code`, with no help and no location.
    pub fn new(severity: Severity, code: Code, message: impl Into<String>) -> Self {
        Diagnostic {
            severity,
            code: code.as_str().to_owned(),
            message: message.into(),
            help: None,
            path: None,
            line: None,
            column: None,
            source_line: None,
        }
    }

    /// An error of `code`, with no help and no location.
    pub fn error(code: Code, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, code, message)
    }

    /// A warning of `code`, with no help and no location.
    pub fn warning(code: Code, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, code, message)
    }

    /// A note of `code`, with no help and no location.
    pub fn note(code: Code, message: impl Into<String>) -> Self {
        Self::new(Severity::Note, code, message)
    }

    /// Adds what the user can do about it.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Sets the file and, when known, the 1-based line and column.
    pub fn at(mut self, path: impl Into<String>, line: Option<u32>, column: Option<u32>) -> Self {
        self.path = Some(path.into());
        self.line = line;
        self.column = column;
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(path) = &self.path {
            write!(f, "{path}")?;
            if let Some(line) = self.line {
                write!(f, ":{line}")?;
                if let Some(column) = self.column {
                    write!(f, ":{column}")?;
                }
            }
            write!(f, ": ")?;
        }
        write!(f, "{}[{}]: {}", self.severity, self.code, self.message)?;
        if let Some(help) = &self.help {
            write!(f, " (help: {help})")?;
        }
        Ok(())
    }
}
