//! Comparing two versions of a page: which value is which, and what changed.

use crate::model::Change;
use crate::snapshot::{HintSnap, Snapshot, ValueSnap};
use crate::words::{is_typo_fix, title_similarity, word_diff, word_similarity};
use std::collections::BTreeSet;

/// Below this similarity of their whole text, with few values in common, two versions of a page
/// are two different documents: the page was rewritten in place.
const REWRITE_SIMILARITY: f64 = 0.3;

/// Pairs each new value with the old value it continues, if any: same title first, then (for
/// retitled values) the same text, then a close title with close text.
pub fn match_values(old: &[ValueSnap], new: &[ValueSnap]) -> Vec<Option<usize>> {
    let mut matched: Vec<Option<usize>> = vec![None; new.len()];
    let mut taken = vec![false; old.len()];
    for (n, value) in new.iter().enumerate() {
        let key = title_key(&value.title);
        if let Some(o) = (0..old.len()).find(|&o| !taken[o] && title_key(&old[o].title) == key) {
            matched[n] = Some(o);
            taken[o] = true;
        }
    }
    let mut candidates: Vec<(f64, usize, usize)> = Vec::new();
    for (n, value) in new.iter().enumerate() {
        if matched[n].is_some() {
            continue;
        }
        let new_words: Vec<&str> = words(value);
        for (o, previous) in old.iter().enumerate() {
            if taken[o] {
                continue;
            }
            let titles = title_similarity(&previous.title, &value.title);
            let old_words: Vec<&str> = words(previous);
            let texts = if new_words.is_empty() || old_words.is_empty() {
                0.0
            } else {
                word_similarity(old_words.iter().copied(), new_words.iter().copied())
            };
            let same = texts >= 0.6 || (titles >= 0.6 && texts >= 0.3) || titles >= 0.85;
            if same {
                candidates.push((texts + titles / 2.0, o, n));
            }
        }
    }
    // Best pairs first; ties in page order, so the result never depends on hashing.
    candidates.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    for (_, o, n) in candidates {
        if !taken[o] && matched[n].is_none() {
            matched[n] = Some(o);
            taken[o] = true;
        }
    }
    matched
}

fn words(value: &ValueSnap) -> Vec<&str> {
    value
        .paragraphs
        .iter()
        .flat_map(|p| p.split_whitespace())
        .collect()
}

/// Titles compared without case, punctuation or emoji.
fn title_key(title: &str) -> String {
    title
        .chars()
        .map(|c| {
            if c.is_alphanumeric() {
                c.to_lowercase().next().unwrap_or(c)
            } else {
                ' '
            }
        })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Compares two versions: the changes, and the ids of the new version's values. `old_ids` are
/// the ids of the old version's values; `mint` gives an id to a value born in the new one.
pub fn compare(
    old: &Snapshot,
    new: &Snapshot,
    old_ids: &[String],
    mint: &mut dyn FnMut(&str) -> String,
) -> (Vec<Change>, Vec<String>) {
    let mut matched = match_values(&old.values, &new.values);
    let mut changes = Vec::new();
    let kept = matched.iter().filter(|m| m.is_some()).count();
    // Few values in common, and little text: another document (the costly test last).
    let rewritten = kept * 3 <= old.values.len().max(new.values.len()) && {
        let old_words = old.words();
        !old_words.is_empty()
            && word_similarity(old_words.iter().copied(), new.words()) < REWRITE_SIMILARITY
    };
    if rewritten {
        matched = vec![None; new.values.len()];
        changes.push(Change::PageRewritten {
            from: old.title.clone(),
            to: new.title.clone(),
        });
    } else if old.title != new.title {
        changes.push(Change::PageRetitled {
            from: old.title.clone(),
            to: new.title.clone(),
        });
    }
    if !rewritten {
        intro_changes(old, new, &mut changes);
    }

    let new_ids: Vec<String> = new
        .values
        .iter()
        .zip(&matched)
        .map(|(value, m)| match m {
            Some(o) => old_ids
                .get(*o)
                .cloned()
                .unwrap_or_else(|| mint(&value.title)),
            None => mint(&value.title),
        })
        .collect();
    let moved = moved_values(old, new, &matched);
    for (n, value) in new.values.iter().enumerate() {
        let id = new_ids[n].clone();
        let Some(o) = matched[n] else {
            changes.push(Change::ValueAdded {
                value: id,
                title: value.title.clone(),
                group: value.group.clone(),
                text: value.text(),
            });
            continue;
        };
        let previous = &old.values[o];
        if previous.title != value.title {
            changes.push(Change::ValueRetitled {
                value: id.clone(),
                from: previous.title.clone(),
                to: value.title.clone(),
            });
        }
        if previous.paragraphs != value.paragraphs {
            let diff = word_diff(&previous.text(), &value.text());
            changes.push(Change::ValueReworded {
                value: id.clone(),
                title: value.title.clone(),
                typo: is_typo_fix(&diff),
                diff,
            });
        } else if previous.links != value.links {
            changes.push(Change::LinksUpdated {
                value: Some(id.clone()),
                title: Some(value.title.clone()),
            });
        }
        if moved.contains(&n) {
            let after = n
                .checked_sub(1)
                .and_then(|p| new.values.get(p))
                .map(|v| v.title.clone());
            let group_changed = previous.group != value.group;
            changes.push(Change::ValueMoved {
                value: id,
                title: value.title.clone(),
                from_group: if group_changed {
                    previous.group.clone()
                } else {
                    None
                },
                to_group: if group_changed {
                    value.group.clone()
                } else {
                    None
                },
                after,
            });
        }
    }
    let kept_old: BTreeSet<usize> = matched.iter().flatten().copied().collect();
    for (o, value) in old.values.iter().enumerate() {
        if !kept_old.contains(&o) {
            changes.push(Change::ValueRemoved {
                value: old_ids.get(o).cloned().unwrap_or_default(),
                title: value.title.clone(),
                text: value.text(),
            });
        }
    }
    hint_changes(&old.hints, &new.hints, &mut changes);
    (changes, new_ids)
}

fn intro_changes(old: &Snapshot, new: &Snapshot, changes: &mut Vec<Change>) {
    if old.intro != new.intro {
        let diff = word_diff(&old.intro.join("\n\n"), &new.intro.join("\n\n"));
        changes.push(Change::IntroReworded {
            typo: is_typo_fix(&diff),
            diff,
        });
    } else if old.intro_links != new.intro_links {
        changes.push(Change::LinksUpdated {
            value: None,
            title: None,
        });
    }
}

/// New indices of the values that changed place: those that left their group (when that group is
/// still there), then, among the others, those out of the longest run that kept its order.
fn moved_values(old: &Snapshot, new: &Snapshot, matched: &[Option<usize>]) -> BTreeSet<usize> {
    let new_groups: BTreeSet<Option<&str>> =
        new.values.iter().map(|v| v.group.as_deref()).collect();
    let mut moved = BTreeSet::new();
    let mut stayed: Vec<(usize, usize)> = Vec::new();
    for (n, o) in matched
        .iter()
        .enumerate()
        .filter_map(|(n, m)| m.map(|o| (n, o)))
    {
        let before = old.values[o].group.as_deref();
        let after = new.values[n].group.as_deref();
        if before != after && new_groups.contains(&before) {
            moved.insert(n);
        } else {
            stayed.push((n, o));
        }
    }
    let olds: Vec<usize> = stayed.iter().map(|(_, o)| *o).collect();
    let keep = longest_increasing(&olds);
    for (index, (n, _)) in stayed.iter().enumerate() {
        if !keep.contains(&index) {
            moved.insert(*n);
        }
    }
    moved
}

/// Indices (into `items`) of one longest strictly increasing subsequence.
fn longest_increasing(items: &[usize]) -> BTreeSet<usize> {
    let n = items.len();
    let mut length = vec![1usize; n];
    let mut previous = vec![usize::MAX; n];
    for i in 0..n {
        for j in 0..i {
            if items[j] < items[i] && length[j] + 1 > length[i] {
                length[i] = length[j] + 1;
                previous[i] = j;
            }
        }
    }
    let mut out = BTreeSet::new();
    let Some(mut at) = (0..n).max_by_key(|&i| (length[i], usize::MAX - i)) else {
        return out;
    };
    loop {
        out.insert(at);
        if previous[at] == usize::MAX {
            break;
        }
        at = previous[at];
    }
    out
}

fn hint_changes(old: &[HintSnap], new: &[HintSnap], changes: &mut Vec<Change>) {
    let mut taken = vec![false; old.len()];
    let mut added: Vec<&HintSnap> = Vec::new();
    for hint in new {
        match (0..old.len())
            .find(|&o| !taken[o] && old[o].style == hint.style && old[o].text == hint.text)
        {
            Some(o) => taken[o] = true,
            None => added.push(hint),
        }
    }
    let mut removed: Vec<&HintSnap> = old
        .iter()
        .zip(&taken)
        .filter(|(_, t)| !**t)
        .map(|(h, _)| h)
        .collect();
    for hint in added {
        let close = removed.iter().position(|r| {
            r.style == hint.style
                && word_similarity(r.text.split_whitespace(), hint.text.split_whitespace()) >= 0.5
        });
        match close {
            Some(index) => {
                let previous = removed.remove(index);
                changes.push(Change::HintReworded {
                    style: hint.style,
                    diff: word_diff(&previous.text, &hint.text),
                });
            }
            None => changes.push(Change::HintAdded {
                style: hint.style,
                text: hint.text.clone(),
                value_title: hint.value.clone(),
            }),
        }
    }
    for hint in removed {
        changes.push(Change::HintRemoved {
            style: hint.style,
            text: hint.text.clone(),
            value_title: hint.value.clone(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(title: &str, text: &str) -> ValueSnap {
        ValueSnap {
            title: title.to_owned(),
            group: None,
            paragraphs: vec![text.to_owned()],
            links: Vec::new(),
        }
    }

    #[test]
    fn values_are_matched_by_title_then_by_text() {
        let old = vec![
            value("Entraide", "Personne ne réussit seul ici."),
            value(
                "Confiance a priori",
                "Nous partons du principe que chacun fait de son mieux.",
            ),
        ];
        let new = vec![
            value(
                "Confiance par défaut",
                "Nous partons du principe que chacun fait de son mieux.",
            ),
            value("Entraide", "Personne ne réussit seul, jamais."),
            value("Sobriété", "Chaque serveur a un coût."),
        ];
        assert_eq!(match_values(&old, &new), vec![Some(1), Some(0), None]);
    }

    #[test]
    fn longest_run_keeps_most_values_in_place() {
        assert_eq!(
            longest_increasing(&[0, 3, 1, 2]),
            [0, 2, 3].into_iter().collect()
        );
    }
}
