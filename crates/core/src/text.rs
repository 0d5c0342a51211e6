//! Bytes to text: UTF-8 checks, BOM and CRLF, mojibake repair, and line lookup.

use livret_model::Code;
use livret_model::Diagnostic;

/// Characters that start the usual mojibake of UTF-8 read as Mac Roman (`√©`, `‚Äô`) or Windows-1252 (`Ã©`, `â€™`).
const MOJIBAKE_MARKERS: &[char] = &['√', '‚', 'Ã', 'Â', '\u{F8FF}', 'ð'];

/// Whether a text may hold mojibake; `â` alone is common French (tâche), `â€` is not.
fn may_be_mojibake(text: &str) -> bool {
    text.contains(MOJIBAKE_MARKERS) || text.contains("â€")
}

/// Decodes a Markdown file, never failing: problems become diagnostics on `path`.
pub fn decode(path: &str, bytes: &[u8]) -> (String, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match String::from_utf8(bytes.to_vec()) {
        Ok(text) => text,
        Err(error) => {
            let valid = &bytes[..error.utf8_error().valid_up_to()];
            let line = valid.iter().filter(|&&b| b == b'\n').count() as u32 + 1;
            let line_start = valid
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |at| at + 1);
            // Columns count characters, as everywhere else in livret's diagnostics.
            let column = String::from_utf8_lossy(&valid[line_start..])
                .chars()
                .count() as u32
                + 1;
            diagnostics.push(
                Diagnostic::error(
                    Code::InvalidUtf8,
                    "the file is not valid UTF-8; invalid bytes were replaced by �",
                )
                .with_help("re-save the file as UTF-8")
                .at(path, Some(line), Some(column)),
            );
            String::from_utf8_lossy(bytes).into_owned()
        }
    };
    let text = if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text
    };
    let (text, repaired) = match may_be_mojibake(&text) {
        true => repair_mojibake(&text),
        false => (text, Vec::new()),
    };
    if let Some(&first) = repaired.first() {
        diagnostics.push(
            Diagnostic::warning(
                Code::Mojibake,
                format!(
                    "{} line(s) hold UTF-8 text that was once read as Mac Roman or Windows-1252 (`√©` for `é`); livret repaired them in its output",
                    repaired.len()
                ),
            )
            .with_help("fix the file itself so that every tool reads it right")
            .at(path, Some(first), None),
        );
    }
    (text, diagnostics)
}

/// Repairs each line that is mojibake; returns the text and the 1-based numbers of repaired lines.
pub fn repair_mojibake(text: &str) -> (String, Vec<u32>) {
    if !may_be_mojibake(text) {
        return (text.to_owned(), Vec::new());
    }
    let mut repaired_lines = Vec::new();
    let mut out = String::with_capacity(text.len());
    for (index, line) in text.split_inclusive('\n').enumerate() {
        match line
            .contains(MOJIBAKE_MARKERS)
            .then(|| repair_line(line))
            .flatten()
        {
            Some(fixed) => {
                out.push_str(&fixed);
                repaired_lines.push(index as u32 + 1);
            }
            None => out.push_str(line),
        }
    }
    (out, repaired_lines)
}

/// Re-encodes the line in each legacy encoding; if the bytes are valid UTF-8, that was the real text.
fn repair_line(line: &str) -> Option<String> {
    [encoding_rs::MACINTOSH, encoding_rs::WINDOWS_1252]
        .into_iter()
        .find_map(|encoding| {
            let (bytes, _, unmappable) = encoding.encode(line);
            if unmappable {
                return None;
            }
            let fixed = std::str::from_utf8(&bytes).ok()?;
            (fixed != line).then(|| fixed.to_owned())
        })
}

/// Finds the line of byte offsets in a text.
#[derive(Debug)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(at, _)| at + 1));
        LineIndex { starts }
    }

    /// 1-based line of a byte offset.
    pub fn line(&self, offset: usize) -> u32 {
        self.starts.partition_point(|&start| start <= offset) as u32
    }
}

/// The text of a 1-based line, for diagnostics.
pub fn line_text(text: &str, line: u32) -> Option<&str> {
    text.lines().nth(line.checked_sub(1)? as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repairs_mac_roman_mojibake() {
        let (text, lines) =
            repair_mojibake("# \u{F8FF}üí´ D√©couvrir\nok\nConcr√®tement l‚Äô√âtat\n");
        assert_eq!(text, "# 💫 Découvrir\nok\nConcrètement l’État\n");
        assert_eq!(lines, vec![1, 3]);
    }

    #[test]
    fn repairs_windows_1252_mojibake() {
        let (text, lines) = repair_mojibake("Ã©tÃ© â€™\n");
        assert_eq!(text, "été ’\n");
        assert_eq!(lines, vec![1]);
    }

    #[test]
    fn french_circumflexes_are_not_mistaken_for_mojibake() {
        assert!(!may_be_mojibake("La tâche du château, à l’âge de raison"));
        assert!(may_be_mojibake("lâ€™Ã©tÃ©"));
    }

    #[test]
    fn leaves_real_text_alone() {
        let source = "√2 est irrationnel, Ãlot, déjà “vu” — €\n";
        assert_eq!(repair_mojibake(source), (source.to_owned(), vec![]));
    }

    #[test]
    fn invalid_utf8_is_a_diagnostic_with_position() {
        let (text, diagnostics) = decode("a.md", b"ok\n\xc3\xa7\xc3\xa9\xff\n");
        assert_eq!(text, "ok\nçé\u{FFFD}\n");
        assert_eq!(diagnostics[0].code, "invalid-utf8");
        assert_eq!(
            (diagnostics[0].line, diagnostics[0].column),
            (Some(2), Some(3))
        );
    }

    #[test]
    fn bom_and_crlf_are_normalised() {
        let (text, diagnostics) = decode("a.md", b"\xEF\xBB\xBF# T\r\nx\r\n");
        assert_eq!(text, "# T\nx\n");
        assert!(diagnostics.is_empty());
    }

    #[test]
    fn line_index_finds_lines() {
        let index = LineIndex::new("ab\nçd\n");
        assert_eq!(
            (index.line(0), index.line(2), index.line(3), index.line(7)),
            (1, 1, 2, 3)
        );
    }
}
