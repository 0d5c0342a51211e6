//! A revision's changes in one line of words (GitBook's commit subjects are usually empty).

use crate::labels::Labels;
use crate::model::Change;

/// At most this many phrases; the rest are counted.
const MAX_PHRASES: usize = 3;

pub fn summary(changes: &[Change], labels: &Labels) -> String {
    let phrases = phrases(changes, labels);
    let mut shown: Vec<String> = phrases.iter().take(MAX_PHRASES).cloned().collect();
    let rest = phrases.len().saturating_sub(MAX_PHRASES);
    if rest > 0 {
        shown.push(if labels.fr() {
            format!(
                "et {}",
                labels.count(rest, "autre changement", "autres changements")
            )
        } else {
            format!("and {}", labels.count(rest, "more change", "more changes"))
        });
    }
    let separator = format!("{} ", labels.semicolon());
    let mut line = shown.join(&separator);
    if let Some(first) = line.chars().next() {
        line = first.to_uppercase().chain(line.chars().skip(1)).collect();
    }
    if !line.is_empty() {
        line.push('.');
    }
    line
}

/// One phrase per change, values added or removed together grouped, links updates counted once.
pub fn phrases(changes: &[Change], l: &Labels) -> Vec<String> {
    let fr = l.fr();
    let creation = changes.iter().any(|c| {
        matches!(
            c,
            Change::PageCreated { .. } | Change::HistoryStart { .. } | Change::PageRewritten { .. }
        )
    });
    let added: Vec<&str> = changes
        .iter()
        .filter_map(|c| match c {
            Change::ValueAdded { title, .. } => Some(title.as_str()),
            _ => None,
        })
        .collect();
    let present = changes
        .iter()
        .filter(|c| matches!(c, Change::ValuePresent { .. }))
        .count();
    let removed: Vec<&str> = changes
        .iter()
        .filter_map(|c| match c {
            Change::ValueRemoved { title, .. } => Some(title.as_str()),
            _ => None,
        })
        .collect();
    let values = |n: usize| {
        if fr {
            l.count(n, "valeur", "valeurs")
        } else {
            l.count(n, "value", "values")
        }
    };
    let mut out = Vec::new();
    let mut links_said = false;
    let mut added_said = false;
    let mut removed_said = false;
    for change in changes {
        let phrase = match change {
            Change::PageCreated { title, .. } => Some(if fr {
                format!(
                    "création de la page {} avec {}",
                    l.quote(title),
                    values(added.len())
                )
            } else {
                format!(
                    "page {} created with {}",
                    l.quote(title),
                    values(added.len())
                )
            }),
            Change::HistoryStart { title, .. } => Some(if fr {
                format!(
                    "début de l’historique disponible{} la page {} existait déjà, avec {}",
                    l.colon(),
                    l.quote(title),
                    values(present)
                )
            } else {
                format!(
                    "the available history starts here: page {} already existed, with {}",
                    l.quote(title),
                    values(present)
                )
            }),
            Change::PageRewritten { from, to } => Some(if fr {
                format!(
                    "page réécrite en un autre document{} {} devient {}",
                    l.colon(),
                    l.quote(from),
                    l.quote(to)
                )
            } else {
                format!(
                    "page rewritten into another document: {} became {}",
                    l.quote(from),
                    l.quote(to)
                )
            }),
            Change::PageRetitled { from, to } => Some(if fr {
                format!("page renommée de {} en {}", l.quote(from), l.quote(to))
            } else {
                format!("page retitled from {} to {}", l.quote(from), l.quote(to))
            }),
            Change::PageMoved { from, to } => Some(if fr {
                format!("page déplacée de {from} vers {to}")
            } else {
                format!("page moved from {from} to {to}")
            }),
            Change::ValueAdded { .. } if creation => None,
            Change::ValueAdded { .. } if !added_said => {
                added_said = true;
                Some(if fr {
                    if added.len() == 1 {
                        format!("ajout de la valeur {}", quoted_list(&added, l))
                    } else {
                        format!("ajout des valeurs {}", quoted_list(&added, l))
                    }
                } else if added.len() == 1 {
                    format!("value {} added", quoted_list(&added, l))
                } else {
                    format!("values {} added", quoted_list(&added, l))
                })
            }
            Change::ValueRemoved { .. } if creation => None,
            Change::ValueRemoved { .. } if !removed_said => {
                removed_said = true;
                Some(if fr {
                    if removed.len() == 1 {
                        format!("retrait de la valeur {}", quoted_list(&removed, l))
                    } else {
                        format!("retrait des valeurs {}", quoted_list(&removed, l))
                    }
                } else if removed.len() == 1 {
                    format!("value {} removed", quoted_list(&removed, l))
                } else {
                    format!("values {} removed", quoted_list(&removed, l))
                })
            }
            Change::ValueAdded { .. }
            | Change::ValueRemoved { .. }
            | Change::ValuePresent { .. } => None,
            Change::ValueRetitled { value, from, to } => {
                let reworded = changes
                    .iter()
                    .any(|c| matches!(c, Change::ValueReworded { value: v, .. } if v == value));
                Some(match (fr, reworded) {
                    (true, false) => {
                        format!("valeur {} renommée en {}", l.quote(from), l.quote(to))
                    }
                    (true, true) => format!(
                        "valeur {} renommée en {} et reformulée",
                        l.quote(from),
                        l.quote(to)
                    ),
                    (false, false) => format!("value {} retitled {}", l.quote(from), l.quote(to)),
                    (false, true) => format!(
                        "value {} retitled {} and reworded",
                        l.quote(from),
                        l.quote(to)
                    ),
                })
            }
            // Said with its retitling.
            Change::ValueReworded { value, .. }
                if changes
                    .iter()
                    .any(|c| matches!(c, Change::ValueRetitled { value: v, .. } if v == value)) =>
            {
                None
            }
            Change::ValueReworded {
                title, typo: true, ..
            } => Some(if fr {
                format!("coquille corrigée dans {}", l.quote(title))
            } else {
                format!("typo fixed in {}", l.quote(title))
            }),
            Change::ValueReworded { title, .. } => Some(if fr {
                format!("valeur {} reformulée", l.quote(title))
            } else {
                format!("value {} reworded", l.quote(title))
            }),
            Change::ValueMoved {
                title, to_group, ..
            } => Some(match (fr, to_group) {
                (true, Some(group)) => {
                    format!("valeur {} déplacée dans {}", l.quote(title), l.quote(group))
                }
                (true, None) => format!("valeur {} déplacée dans la page", l.quote(title)),
                (false, Some(group)) => {
                    format!("value {} moved under {}", l.quote(title), l.quote(group))
                }
                (false, None) => format!("value {} moved within the page", l.quote(title)),
            }),
            Change::LinksUpdated { .. } if links_said => None,
            Change::LinksUpdated { .. } => {
                links_said = true;
                Some(
                    if fr {
                        "liens mis à jour"
                    } else {
                        "links updated"
                    }
                    .to_owned(),
                )
            }
            Change::IntroReworded { typo: true, .. } => Some(
                if fr {
                    "coquille corrigée dans l’introduction"
                } else {
                    "typo fixed in the introduction"
                }
                .to_owned(),
            ),
            Change::IntroReworded { .. } => Some(
                if fr {
                    "introduction reformulée"
                } else {
                    "introduction reworded"
                }
                .to_owned(),
            ),
            Change::HintAdded { style, .. } => Some(if fr {
                format!("ajout d’un {}", l.hint(*style))
            } else {
                format!("{} added", l.hint(*style))
            }),
            Change::HintRemoved { style, .. } => Some(if fr {
                format!("retrait d’un {}", l.hint(*style))
            } else {
                format!("{} removed", l.hint(*style))
            }),
            Change::HintReworded { style, .. } => Some(if fr {
                format!("{} reformulé", l.hint(*style))
            } else {
                format!("{} reworded", l.hint(*style))
            }),
            Change::FormattingOnly => Some(
                if fr {
                    "mise en forme seulement, texte inchangé"
                } else {
                    "formatting only, text unchanged"
                }
                .to_owned(),
            ),
            Change::VersionMissing { .. } => Some(if fr {
                format!(
                    "version illisible{} son objet Git manque dans ce dépôt",
                    l.colon()
                )
            } else {
                "version unreadable: its Git object is missing from this repository".to_owned()
            }),
        };
        out.extend(phrase);
    }
    out
}

/// `« A »`, `« A » et « B »`, `« A », « B » et « C »`.
pub fn quoted_list(items: &[&str], l: &Labels) -> String {
    let quoted: Vec<String> = items.iter().map(|item| l.quote(item)).collect();
    let and = if l.fr() { " et " } else { " and " };
    match quoted.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{}{and}{last}", rest.join(", ")),
    }
}
