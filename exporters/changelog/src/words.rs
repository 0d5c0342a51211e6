//! Word-level diffs and text similarity, with the `similar` crate.

use serde::Serialize;
use similar::{Algorithm, DiffOp, TextDiff};
use std::collections::HashMap;

/// One run of a word diff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DiffPart {
    /// `equal`, `delete` or `insert`.
    pub op: DiffKind,
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DiffKind {
    Equal,
    Delete,
    Insert,
}

/// A word diff of two texts (paragraphs separated by blank lines become `¶` words), with single
/// common words between two changes folded into them, so the result reads as phrases.
pub fn word_diff(old: &str, new: &str) -> Vec<DiffPart> {
    let old_words = tokens(old);
    let new_words = tokens(new);
    let diff = TextDiff::configure()
        .algorithm(Algorithm::Patience)
        .diff_slices(&old_words, &new_words);
    // (equal words) or (deleted words, inserted words)
    let mut runs: Vec<Run> = Vec::new();
    for op in diff.ops() {
        match *op {
            DiffOp::Equal { old_index, len, .. } => {
                runs.push(Run::Equal(old_words[old_index..old_index + len].to_vec()))
            }
            DiffOp::Delete {
                old_index, old_len, ..
            } => push_change(&mut runs, &old_words[old_index..old_index + old_len], &[]),
            DiffOp::Insert {
                new_index, new_len, ..
            } => push_change(&mut runs, &[], &new_words[new_index..new_index + new_len]),
            DiffOp::Replace {
                old_index,
                old_len,
                new_index,
                new_len,
            } => push_change(
                &mut runs,
                &old_words[old_index..old_index + old_len],
                &new_words[new_index..new_index + new_len],
            ),
        }
    }
    // Fold a lone short common word between two changes into them: `[-a-] de [-b-]` reads `[-a de b-]`.
    let mut folded: Vec<Run> = Vec::new();
    let mut index = 0;
    while index < runs.len() {
        let lone = matches!(&runs[index], Run::Equal(words) if words.len() == 1 && words[0] != PARAGRAPH && words[0].chars().count() <= 3);
        let between = index > 0
            && index + 1 < runs.len()
            && matches!(folded.last(), Some(Run::Change(..)))
            && matches!(runs[index + 1], Run::Change(..));
        if lone && between {
            if let (Run::Equal(words), Some(Run::Change(deleted, inserted))) =
                (&runs[index], folded.last_mut())
            {
                deleted.extend(words.iter().copied());
                inserted.extend(words.iter().copied());
                if let Run::Change(more_deleted, more_inserted) = &runs[index + 1] {
                    deleted.extend(more_deleted.iter().copied());
                    inserted.extend(more_inserted.iter().copied());
                }
            }
            index += 2;
            continue;
        }
        folded.push(runs[index].clone());
        index += 1;
    }
    let mut parts = Vec::new();
    for run in folded {
        match run {
            Run::Equal(words) => parts.push(part(DiffKind::Equal, &words)),
            Run::Change(deleted, inserted) => {
                if !deleted.is_empty() {
                    parts.push(part(DiffKind::Delete, &deleted));
                }
                if !inserted.is_empty() {
                    parts.push(part(DiffKind::Insert, &inserted));
                }
            }
        }
    }
    parts
}

/// The word standing for a paragraph break in diffs.
pub const PARAGRAPH: &str = "¶";

#[derive(Debug, Clone)]
enum Run<'a> {
    Equal(Vec<&'a str>),
    Change(Vec<&'a str>, Vec<&'a str>),
}

fn push_change<'a>(runs: &mut Vec<Run<'a>>, deleted: &[&'a str], inserted: &[&'a str]) {
    if let Some(Run::Change(d, i)) = runs.last_mut() {
        d.extend_from_slice(deleted);
        i.extend_from_slice(inserted);
    } else {
        runs.push(Run::Change(deleted.to_vec(), inserted.to_vec()));
    }
}

fn part(op: DiffKind, words: &[&str]) -> DiffPart {
    DiffPart {
        op,
        text: words.join(" "),
    }
}

fn tokens(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for (index, paragraph) in text.split("\n\n").enumerate() {
        if index > 0 {
            out.push(PARAGRAPH);
        }
        out.extend(paragraph.split_whitespace());
    }
    out
}

/// True when every change of the diff replaces a word or two by a close spelling of it (a typo fixed).
pub fn is_typo_fix(parts: &[DiffPart]) -> bool {
    let mut pairs = 0;
    let mut index = 0;
    while index < parts.len() {
        match parts[index].op {
            DiffKind::Equal => index += 1,
            DiffKind::Insert => return false,
            DiffKind::Delete => {
                let Some(next) = parts.get(index + 1).filter(|p| p.op == DiffKind::Insert) else {
                    return false;
                };
                let old: Vec<&str> = parts[index].text.split(' ').collect();
                let new: Vec<&str> = next.text.split(' ').collect();
                if old.len() != new.len() || old.len() > 2 {
                    return false;
                }
                for (a, b) in old.iter().zip(&new) {
                    if a != b && !close_spelling(a, b) {
                        return false;
                    }
                }
                pairs += 1;
                index += 2;
            }
        }
    }
    pairs > 0 && pairs <= 3
}

/// Two spellings of one word: at most two characters differ, out of at least four.
fn close_spelling(a: &str, b: &str) -> bool {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().min(b.len()) < 4 {
        return false;
    }
    levenshtein(&a, &b) <= 2
}

fn levenshtein(a: &[char], b: &[char]) -> usize {
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        current[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            current[j + 1] = (previous[j] + cost)
                .min(previous[j + 1] + 1)
                .min(current[j] + 1);
        }
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

/// Dice coefficient of the two texts' multisets of words: 1 for the same words, 0 for none shared.
pub fn word_similarity<'a>(
    a: impl IntoIterator<Item = &'a str>,
    b: impl IntoIterator<Item = &'a str>,
) -> f64 {
    let mut counts: HashMap<&str, (u32, u32)> = HashMap::new();
    for word in a {
        counts.entry(word).or_default().0 += 1;
    }
    for word in b {
        counts.entry(word).or_default().1 += 1;
    }
    let (mut common, mut total) = (0u32, 0u32);
    for (x, y) in counts.values() {
        common += x.min(y);
        total += x + y;
    }
    if total == 0 {
        1.0
    } else {
        f64::from(2 * common) / f64::from(total)
    }
}

/// Similarity of two short texts (titles), character by character, case and accents kept.
pub fn title_similarity(a: &str, b: &str) -> f64 {
    let a = a.to_lowercase();
    let b = b.to_lowercase();
    f64::from(TextDiff::from_chars(a.as_str(), b.as_str()).ratio())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(parts: &[DiffPart]) -> String {
        parts
            .iter()
            .map(|p| match p.op {
                DiffKind::Equal => p.text.clone(),
                DiffKind::Delete => format!("[-{}-]", p.text),
                DiffKind::Insert => format!("{{+{}+}}", p.text),
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn a_typo_fix_is_one_close_word() {
        let parts = word_diff(
            "La transparance n’est pas une contrainte",
            "La transparence n’est pas une contrainte",
        );
        assert_eq!(
            render(&parts),
            "La [-transparance-] {+transparence+} n’est pas une contrainte"
        );
        assert!(is_typo_fix(&parts));
    }

    #[test]
    fn a_rewording_is_not_a_typo_fix() {
        let parts = word_diff(
            "Une première version modeste, utilisée par vingt personnes, nous apprend davantage",
            "Une première version simple, utilisée par une poignée de vrais usagers, nous en apprend bien plus",
        );
        assert!(!is_typo_fix(&parts));
        assert_eq!(
            render(&parts),
            "Une première version [-modeste,-] {+simple,+} utilisée par [-vingt personnes,-] {+une poignée de vrais usagers,+} nous {+en+} apprend [-davantage-] {+bien plus+}"
        );
    }

    #[test]
    fn similarity_of_words_and_titles() {
        assert_eq!(word_similarity("a b c".split(' '), "a b c".split(' ')), 1.0);
        assert!((word_similarity("a b".split(' '), "a c".split(' ')) - 0.5).abs() < 1e-9);
        assert!(title_similarity("Confiance a priori", "Confiance par défaut") > 0.5);
    }
}
