//! `CHANGELOG.md`: the changelog for people, in the handbook's language.

use crate::labels::Labels;
use crate::model::{Change, Changelog, CommitRef, PageLog, Revision, ValueEvent, ValueLog};
use crate::summary::quoted_list;
use crate::words::{DiffKind, DiffPart, PARAGRAPH};
use livret_text::dates::civil;
use std::collections::BTreeMap;
use std::fmt::Write;

/// Words of unchanged text kept around each change of a word diff.
const CONTEXT_WORDS: usize = 5;

pub fn render(changelog: &Changelog, l: &Labels) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", l.document_title);
    let book = &changelog.book;
    let (day, month, year) = civil(book.time, book.offset_minutes);
    let book_short: String = book.revision.chars().take(7).collect();
    let book_url = changelog
        .repository_url
        .as_deref()
        .map(|url| crate::timeline::commit_url(url, &book.revision));
    let revision = short_link(&book_short, book_url.as_deref());
    if l.fr() {
        let _ = write!(
            out,
            "Comment ont évolué les pages suivies du livret {}, d’après l’historique Git jusqu’au commit {revision} du {}.",
            l.quote(&escape(&book.title)),
            l.date(day, month, year)
        );
        if changelog.commits == "all" {
            out.push_str(" Tous les commits sont lus, branches fusionnées comprises.");
        }
        out.push_str(" Les révisions vont de la plus récente à la plus ancienne.\n");
    } else {
        let _ = write!(
            out,
            "How the followed pages of {} evolved, from the Git history up to commit {revision} of {}.",
            l.quote(&escape(&book.title)),
            l.date(day, month, year)
        );
        if changelog.commits == "all" {
            out.push_str(" Every commit is read, merged branches included.");
        }
        out.push_str(" Revisions are listed newest first.\n");
    }
    if changelog.since.is_some() || changelog.until.is_some() {
        let since = changelog.since.as_deref().unwrap_or("…");
        let until = changelog.until.as_deref().unwrap_or("…");
        let _ = writeln!(
            out,
            "\n{} {since} – {until}.",
            if l.fr() {
                "Période retenue :"
            } else {
                "Period shown:"
            }
        );
    }
    if changelog.pages.is_empty() {
        let _ = writeln!(
            out,
            "\n{}",
            if l.fr() {
                "Aucune page n’est suivie. Pour suivre la page des valeurs, indiquez son chemin dans `livret.yaml` : `changelog: { pages: [culture/valeurs.md] }`."
            } else {
                "No page is followed. To follow the values page, give its path in `livret.yaml`: `changelog: { pages: [culture/valeurs.md] }`."
            }
        );
    }
    for page in &changelog.pages {
        page_section(&mut out, page, l);
    }
    let mut urls = commit_urls(changelog);
    if let Some(url) = book_url {
        urls.insert(book_short, url);
    }
    let definitions = link_definitions(&out, &urls);
    if !definitions.is_empty() {
        out.push('\n');
        out.push_str(&definitions);
    }
    out
}

fn page_section(out: &mut String, page: &PageLog, l: &Labels) {
    let _ = writeln!(out, "\n## {}\n", escape(&page.title));
    let current = page.values.iter().filter(|v| v.current).count();
    let revisions = page.revisions.len();
    let mut facts = vec![format!("`{}`", page.path)];
    facts.push(if l.fr() {
        l.count(revisions, "révision", "révisions")
    } else {
        l.count(revisions, "revision", "revisions")
    });
    facts.push(if l.fr() {
        l.count(current, "valeur", "valeurs")
    } else {
        l.count(current, "value", "values")
    });
    if let Some(last) = page
        .revisions
        .iter()
        .find(|r| !r.formatting_only && !r.changes.iter().all(is_move_or_missing))
    {
        facts.push(if l.fr() {
            format!("dernière modification le {}", date(&last.commit, l))
        } else {
            format!("last changed on {}", date(&last.commit, l))
        });
    }
    let _ = writeln!(out, "{}.", facts.join(" · "));
    if let Some(boundary) = &page.history.shallow_boundary {
        let short: String = boundary.chars().take(7).collect();
        let _ = writeln!(
            out,
            "\n> {}",
            if l.fr() {
                format!("**Historique incomplet**{} ce dépôt est un clone superficiel et son historique s’arrête au commit `{short}`{} la page existait déjà avant. Pour lire la suite{} `git fetch --unshallow` (ou `git fetch --deepen=100` pour 100 commits de plus).", l.colon(), l.semicolon(), l.colon())
            } else {
                format!("**Incomplete history**: this repository is a shallow clone and its history stops at commit `{short}`; the page existed before. To read further: `git fetch --unshallow` (or `git fetch --deepen=100` for 100 more commits).")
            }
        );
    }
    if page.history.missing_versions > 0 {
        let n = page.history.missing_versions;
        let _ = writeln!(
            out,
            "\n> {}",
            if l.fr() {
                format!("**{} illisible{}**{} {} manque dans ce dépôt (clone partiel{}), les changements sont comptés avec la révision suivante. Pour {} récupérer{} `git fetch --refetch`.",
                    l.count(n, "version", "versions"), if n > 1 { "s" } else { "" }, l.colon(),
                    if n > 1 { "leurs objets Git" } else { "son objet Git" },
                    "\u{a0}?", if n > 1 { "les" } else { "le" }, l.colon())
            } else {
                format!("**{} unreadable**: {} missing from this repository (a partial clone?); the changes are counted with the next revision. To fetch {}: `git fetch --refetch`.",
                    l.count(n, "version", "versions"), if n > 1 { "their Git objects are" } else { "its Git object is" }, if n > 1 { "them" } else { "it" })
            }
        );
    }

    let _ = writeln!(out, "\n### {}", l.revisions);
    let mut index = 0;
    while index < page.revisions.len() {
        let revision = &page.revisions[index];
        if is_plain_formatting(revision) {
            let mut end = index + 1;
            while end < page.revisions.len() && is_plain_formatting(&page.revisions[end]) {
                end += 1;
            }
            formatting_entry(out, &page.revisions[index..end], l);
            index = end;
            continue;
        }
        revision_entry(out, revision, l);
        index += 1;
    }

    let _ = writeln!(out, "\n### {}", l.values);
    for value in page.values.iter().filter(|v| v.current) {
        value_entry(out, value, l);
    }
    if page.values.iter().any(|v| !v.current) {
        let _ = writeln!(out, "\n### {}", l.retired_values);
        for value in page.values.iter().filter(|v| !v.current) {
            value_entry(out, value, l);
        }
    }
}

fn is_move_or_missing(change: &Change) -> bool {
    matches!(
        change,
        Change::PageMoved { .. } | Change::VersionMissing { .. } | Change::FormattingOnly
    )
}

fn is_plain_formatting(revision: &Revision) -> bool {
    revision.formatting_only && matches!(revision.changes.as_slice(), [Change::FormattingOnly])
}

fn heading(revision: &Revision, l: &Labels) -> String {
    format!(
        "#### {} · {} · {}",
        date(&revision.commit, l),
        escape(&revision.commit.author),
        commit_link(&revision.commit)
    )
}

fn revision_entry(out: &mut String, revision: &Revision, l: &Labels) {
    let _ = writeln!(out, "\n{}\n", heading(revision, l));
    let _ = writeln!(out, "{}", escape(&revision.summary));
    let mut lines = Vec::new();
    if let Some(base) = &revision.compared_with {
        lines.push(if l.fr() {
            format!(
                "Changements comptés depuis `{base}`, la version intermédiaire étant illisible."
            )
        } else {
            format!("Changes counted since `{base}`, as the version in between is unreadable.")
        });
    }
    let starts = revision.changes.iter().any(|c| {
        matches!(
            c,
            Change::PageCreated { .. } | Change::HistoryStart { .. } | Change::PageRewritten { .. }
        )
    });
    let born: Vec<&str> = revision
        .changes
        .iter()
        .filter_map(|c| match c {
            Change::ValueAdded { title, .. } | Change::ValuePresent { title, .. } => {
                Some(title.as_str())
            }
            _ => None,
        })
        .collect();
    let linked: Vec<String> = revision
        .changes
        .iter()
        .filter_map(|c| match c {
            Change::LinksUpdated { title, .. } => Some(match title {
                Some(title) => l.quote(&escape(title)),
                None if l.fr() => "l’introduction".to_owned(),
                None => "the introduction".to_owned(),
            }),
            _ => None,
        })
        .collect();
    let mut links_said = false;
    for change in &revision.changes {
        if starts
            && matches!(
                change,
                Change::ValueAdded { .. } | Change::ValuePresent { .. }
            )
        {
            continue;
        }
        if matches!(change, Change::LinksUpdated { .. }) {
            if !links_said {
                links_said = true;
                let places: Vec<&str> = linked.iter().map(String::as_str).collect();
                let places = join_list(&places, l);
                lines.push(if l.fr() {
                    format!("Liens mis à jour dans {places}, texte inchangé.")
                } else {
                    format!("Links updated in {places}, text unchanged.")
                });
            }
            continue;
        }
        if let Some(line) = detail(change, l) {
            lines.push(line);
        }
        if starts
            && matches!(
                change,
                Change::PageCreated { .. }
                    | Change::HistoryStart { .. }
                    | Change::PageRewritten { .. }
            )
            && !born.is_empty()
        {
            let names: Vec<String> = born.iter().map(|t| escape(t)).collect();
            let names: Vec<&str> = names.iter().map(String::as_str).collect();
            let label = match (l.fr(), matches!(change, Change::PageRewritten { .. })) {
                (true, true) => "Nouvelles valeurs",
                (true, false) => "Valeurs",
                (false, true) => "New values",
                (false, false) => "Values",
            };
            lines.push(format!("{label}{} {}.", l.colon(), quoted_list(&names, l)));
        }
    }
    if !lines.is_empty() {
        out.push('\n');
        for line in lines {
            let _ = writeln!(out, "- {line}");
        }
    }
}

fn formatting_entry(out: &mut String, revisions: &[Revision], l: &Labels) {
    let (Some(newest), Some(oldest)) = (revisions.first(), revisions.last()) else {
        return;
    };
    let (from, to) = (date(&oldest.commit, l), date(&newest.commit, l));
    let when = if from == to {
        from
    } else {
        format!("{from} – {to}")
    };
    let what = if l.fr() {
        "Mise en forme seulement"
    } else {
        "Formatting only"
    };
    let _ = writeln!(out, "\n#### {when} · {what}\n");
    let list: Vec<String> = revisions
        .iter()
        .map(|r| {
            format!(
                "{} ({}, {})",
                commit_link(&r.commit),
                escape(&r.commit.author),
                date(&r.commit, l)
            )
        })
        .collect();
    let _ = writeln!(
        out,
        "{}",
        if l.fr() {
            format!(
                "Texte inchangé{} seuls des artefacts de l’éditeur de GitBook (entités, puces, échappements, barres obliques inverses en fin de ligne) ou des espaces ont changé. {}{} {}.",
                l.colon(),
                if revisions.len() == 1 { "Révision" } else { "Révisions" },
                l.colon(),
                list.join(", ")
            )
        } else {
            format!(
                "Text unchanged: only artefacts of GitBook’s editor (entities, bullet markers, escapes, trailing backslashes) or whitespace changed. {}: {}.",
                if revisions.len() == 1 { "Revision" } else { "Revisions" },
                list.join(", ")
            )
        }
    );
}

/// One bullet describing a change, with its details.
fn detail(change: &Change, l: &Labels) -> Option<String> {
    let fr = l.fr();
    let q = |text: &str| l.quote(&escape(text));
    let c = l.colon();
    Some(match change {
        Change::PageCreated { path, .. } => {
            if fr {
                format!("Page créée sous `{path}`.")
            } else {
                format!("Page created as `{path}`.")
            }
        }
        Change::HistoryStart { path, .. } => {
            if fr {
                format!(
                    "L’historique disponible commence ici{c} la page existait déjà sous `{path}`."
                )
            } else {
                format!("The available history starts here: the page already existed as `{path}`.")
            }
        }
        Change::PageRewritten { from, to } => {
            if fr {
                format!("Page réécrite en un autre document{c} {} devient {}. Elle garde sa place dans l’historique, mais ses valeurs d’avant sont retirées.", q(from), q(to))
            } else {
                format!("Page rewritten into another document: {} became {}. It keeps its place in the history, but its former values are retired.", q(from), q(to))
            }
        }
        Change::PageRetitled { from, to } => {
            if fr {
                format!("Titre de la page{c} {} → {}.", q(from), q(to))
            } else {
                format!("Page title: {} → {}.", q(from), q(to))
            }
        }
        Change::PageMoved { from, to } => {
            if fr {
                format!("Page déplacée{c} `{from}` → `{to}`.")
            } else {
                format!("Page moved: `{from}` → `{to}`.")
            }
        }
        Change::ValueAdded {
            title, group, text, ..
        } => {
            let place = match (fr, group) {
                (true, Some(group)) => format!(" dans {}", q(group)),
                (false, Some(group)) => format!(" under {}", q(group)),
                _ => String::new(),
            };
            if fr {
                format!(
                    "Nouvelle valeur {}{place}{c} {}",
                    q(title),
                    excerpt(text, l)
                )
            } else {
                format!("New value {}{place}: {}", q(title), excerpt(text, l))
            }
        }
        Change::ValuePresent { .. } => return None,
        Change::ValueRemoved { title, text, .. } => {
            if fr {
                format!(
                    "Valeur retirée{c} {}. Son dernier texte{c} {}",
                    q(title),
                    excerpt(text, l)
                )
            } else {
                format!(
                    "Value removed: {}. Its last text: {}",
                    q(title),
                    excerpt(text, l)
                )
            }
        }
        Change::ValueRetitled { from, to, .. } => {
            if fr {
                format!("Valeur renommée{c} {} → {}.", q(from), q(to))
            } else {
                format!("Value retitled: {} → {}.", q(from), q(to))
            }
        }
        Change::ValueReworded {
            title, typo, diff, ..
        } => match (fr, typo) {
            (true, true) => format!(
                "Coquille corrigée dans {}{c} {}",
                q(title),
                diff_excerpt(diff)
            ),
            (true, false) => format!("Valeur {} reformulée{c} {}", q(title), diff_excerpt(diff)),
            (false, true) => format!("Typo fixed in {}: {}", q(title), diff_excerpt(diff)),
            (false, false) => format!("Value {} reworded: {}", q(title), diff_excerpt(diff)),
        },
        Change::ValueMoved {
            title,
            from_group,
            to_group,
            after,
            ..
        } => {
            let place = match (fr, from_group, to_group, after) {
                (true, Some(a), Some(b), _) => format!(", de {} vers {}", q(a), q(b)),
                (true, None, Some(b), _) => format!(", vers {}", q(b)),
                (true, _, _, Some(after)) => format!(", désormais après {}", q(after)),
                (true, _, _, None) => ", désormais en tête".to_owned(),
                (false, Some(a), Some(b), _) => format!(", from {} to {}", q(a), q(b)),
                (false, None, Some(b), _) => format!(", to {}", q(b)),
                (false, _, _, Some(after)) => format!(", now after {}", q(after)),
                (false, _, _, None) => ", now first".to_owned(),
            };
            if fr {
                format!("Valeur {} déplacée dans la page{place}.", q(title))
            } else {
                format!("Value {} moved within the page{place}.", q(title))
            }
        }
        Change::LinksUpdated { title, .. } => match (fr, title) {
            (true, Some(title)) => format!("Liens mis à jour dans {}, texte inchangé.", q(title)),
            (true, None) => "Liens mis à jour dans l’introduction, texte inchangé.".to_owned(),
            (false, Some(title)) => format!("Links updated in {}, text unchanged.", q(title)),
            (false, None) => "Links updated in the introduction, text unchanged.".to_owned(),
        },
        Change::IntroReworded { typo, diff } => match (fr, typo) {
            (true, true) => format!(
                "Coquille corrigée dans l’introduction{c} {}",
                diff_excerpt(diff)
            ),
            (true, false) => format!("Introduction reformulée{c} {}", diff_excerpt(diff)),
            (false, true) => format!("Typo fixed in the introduction: {}", diff_excerpt(diff)),
            (false, false) => format!("Introduction reworded: {}", diff_excerpt(diff)),
        },
        Change::HintAdded {
            style,
            text,
            value_title,
        }
        | Change::HintRemoved {
            style,
            text,
            value_title,
        } => {
            let added = matches!(change, Change::HintAdded { .. });
            let place = match (fr, value_title) {
                (true, Some(value)) => format!(" dans {}", q(value)),
                (true, None) => " dans l’introduction".to_owned(),
                (false, Some(value)) => format!(" in {}", q(value)),
                (false, None) => " in the introduction".to_owned(),
            };
            match (fr, added) {
                (true, true) => format!(
                    "Ajout d’un {}{place}{c} {}",
                    l.hint(*style),
                    excerpt(text, l)
                ),
                (true, false) => format!(
                    "Retrait d’un {}{place}{c} {}",
                    l.hint(*style),
                    excerpt(text, l)
                ),
                (false, true) => format!(
                    "A {} was added{place}: {}",
                    l.hint(*style),
                    excerpt(text, l)
                ),
                (false, false) => format!(
                    "A {} was removed{place}: {}",
                    l.hint(*style),
                    excerpt(text, l)
                ),
            }
        }
        Change::HintReworded { style, diff } => {
            if fr {
                format!(
                    "{} reformulé{c} {}",
                    capitalise(l.hint(*style)),
                    diff_excerpt(diff)
                )
            } else {
                format!(
                    "{} reworded: {}",
                    capitalise(l.hint(*style)),
                    diff_excerpt(diff)
                )
            }
        }
        Change::FormattingOnly => {
            if fr {
                "Mise en forme retouchée, texte inchangé.".to_owned()
            } else {
                "Formatting touched up, text unchanged.".to_owned()
            }
        }
        Change::VersionMissing { blob } => {
            let short: String = blob.chars().take(10).collect();
            if fr {
                format!("Version illisible{c} l’objet `{short}` manque dans ce dépôt (clone partiel{}). Ses changements sont comptés avec la révision suivante. Pour le récupérer{c} `git fetch --refetch`.", "\u{a0}?")
            } else {
                format!("Version unreadable: object `{short}` is missing from this repository (a partial clone?). Its changes are counted with the next revision. To fetch it: `git fetch --refetch`.")
            }
        }
    })
}

fn value_entry(out: &mut String, value: &ValueLog, l: &Labels) {
    let _ = writeln!(out, "\n#### {}\n", escape(&value.title));
    let mut facts = Vec::new();
    if let Some(group) = &value.group {
        facts.push(if l.fr() {
            format!("Dans {}", l.quote(&escape(group)))
        } else {
            format!("Under {}", l.quote(&escape(group)))
        });
    }
    let born_present = value
        .events
        .first()
        .is_some_and(|e| matches!(e.change, Change::ValuePresent { .. }));
    facts.push(match (l.fr(), born_present) {
        (true, false) => format!(
            "apparue le {} ({})",
            date(&value.born, l),
            commit_link(&value.born)
        ),
        (true, true) => format!(
            "présente au début de l’historique disponible ({}, {})",
            date(&value.born, l),
            commit_link(&value.born)
        ),
        (false, false) => format!(
            "appeared on {} ({})",
            date(&value.born, l),
            commit_link(&value.born)
        ),
        (false, true) => format!(
            "present when the available history starts ({}, {})",
            date(&value.born, l),
            commit_link(&value.born)
        ),
    });
    if let Some(retired) = &value.retired {
        facts.push(if l.fr() {
            format!("retirée le {} ({})", date(retired, l), commit_link(retired))
        } else {
            format!("retired on {} ({})", date(retired, l), commit_link(retired))
        });
    } else if value.last_changed.commit == value.born.commit {
        facts.push(if l.fr() {
            "inchangée depuis".to_owned()
        } else {
            "unchanged since".to_owned()
        });
    } else {
        facts.push(if l.fr() {
            format!(
                "dernière modification le {} ({})",
                date(&value.last_changed, l),
                commit_link(&value.last_changed)
            )
        } else {
            format!(
                "last changed on {} ({})",
                date(&value.last_changed, l),
                commit_link(&value.last_changed)
            )
        });
    }
    let mut facts_line = facts.join(" · ");
    if let Some(first) = facts_line.chars().next() {
        facts_line = first
            .to_uppercase()
            .chain(facts_line.chars().skip(1))
            .collect();
    }
    let _ = writeln!(out, "{facts_line}.\n");
    if value.text.is_empty() {
        let _ = writeln!(
            out,
            "{}",
            if l.fr() {
                "_(sans texte)_"
            } else {
                "_(no text)_"
            }
        );
    } else {
        let quoted: Vec<String> = value
            .text
            .split("\n\n")
            .map(|p| format!("> {}", escape_paragraph(p)))
            .collect();
        let _ = writeln!(out, "{}", quoted.join("\n>\n"));
    }
    // One line per revision: what happened to the value then.
    let mut history: Vec<String> = Vec::new();
    let mut index = 0;
    while index < value.events.len() {
        let commit = &value.events[index].commit;
        let mut end = index;
        while end < value.events.len() && value.events[end].commit.commit == commit.commit {
            end += 1;
        }
        let what: Vec<String> = value.events[index..end]
            .iter()
            .filter_map(|event| value_event(event, l))
            .collect();
        if !what.is_empty() {
            let what: Vec<&str> = what.iter().map(String::as_str).collect();
            history.push(format!(
                "{} ({}){} {}.",
                date(commit, l),
                commit_link(commit),
                l.colon(),
                join_list(&what, l)
            ));
        }
        index = end;
    }
    if history.len() > 1 || value.retired.is_some() {
        out.push('\n');
        for line in history {
            let _ = writeln!(out, "- {line}");
        }
    }
}

fn value_event(event: &ValueEvent, l: &Labels) -> Option<String> {
    let fr = l.fr();
    let q = |text: &str| l.quote(&escape(text));
    let what = match &event.change {
        Change::ValueAdded { .. } => if fr { "apparue" } else { "appeared" }.to_owned(),
        Change::ValuePresent { .. } => if fr {
            "présente au début de l’historique disponible"
        } else {
            "present when the available history starts"
        }
        .to_owned(),
        Change::ValueRemoved { .. } => if fr { "retirée" } else { "removed" }.to_owned(),
        Change::ValueRetitled { from, to, .. } => {
            if fr {
                format!("renommée de {} en {}", q(from), q(to))
            } else {
                format!("retitled from {} to {}", q(from), q(to))
            }
        }
        Change::ValueReworded { typo: true, .. } => if fr {
            "coquille corrigée"
        } else {
            "typo fixed"
        }
        .to_owned(),
        Change::ValueReworded { .. } => if fr { "reformulée" } else { "reworded" }.to_owned(),
        Change::ValueMoved { to_group, .. } => match (fr, to_group) {
            (true, Some(group)) => format!("déplacée vers {}", q(group)),
            (true, None) => "déplacée dans la page".to_owned(),
            (false, Some(group)) => format!("moved to {}", q(group)),
            (false, None) => "moved within the page".to_owned(),
        },
        Change::LinksUpdated { .. } => if fr {
            "liens mis à jour"
        } else {
            "links updated"
        }
        .to_owned(),
        _ => return None,
    };
    Some(what)
}

fn date(commit: &CommitRef, l: &Labels) -> String {
    let (day, month, year) = civil(commit.time, commit.offset_minutes);
    l.date(day, month, year)
}

fn commit_link(commit: &CommitRef) -> String {
    short_link(&commit.short, commit.url.as_deref())
}

/// A commit's short id, as a reference link when the repository URL is known (the definitions
/// are listed at the end of the document, see [`link_definitions`]).
fn short_link(short: &str, url: Option<&str>) -> String {
    match url {
        Some(_) => format!("[`{short}`][{short}]"),
        None => format!("`{short}`"),
    }
}

/// Every commit URL of the changelog, by short id.
fn commit_urls(changelog: &Changelog) -> BTreeMap<String, String> {
    let mut urls = BTreeMap::new();
    let mut add = |commit: &CommitRef| {
        if let Some(url) = &commit.url {
            urls.insert(commit.short.clone(), url.clone());
        }
    };
    for page in &changelog.pages {
        page.revisions.iter().for_each(|r| add(&r.commit));
        for value in &page.values {
            add(&value.born);
            add(&value.last_changed);
            value.retired.iter().for_each(&mut add);
            value.events.iter().for_each(|e| add(&e.commit));
        }
    }
    urls
}

/// `[short]: url` for each reference link of `text`, in order of first use.
fn link_definitions(text: &str, urls: &BTreeMap<String, String>) -> String {
    let mut seen: Vec<&str> = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("`][") {
        rest = &rest[at + 3..];
        let Some(end) = rest.find(']') else { break };
        let label = &rest[..end];
        if urls.contains_key(label) && !seen.contains(&label) {
            seen.push(label);
        }
    }
    seen.iter()
        .filter_map(|label| urls.get(*label).map(|url| format!("[{label}]: {url}\n")))
        .collect()
}

/// `a`, `a et b`, `a, b et c`.
fn join_list(items: &[&str], l: &Labels) -> String {
    let and = if l.fr() { " et " } else { " and " };
    match items.split_last() {
        None => String::new(),
        Some((last, [])) => (*last).to_owned(),
        Some((last, rest)) => format!("{}{and}{last}", rest.join(", ")),
    }
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The start of a text, quoted: at most 30 words.
fn excerpt(text: &str, l: &Labels) -> String {
    const WORDS: usize = 30;
    let words: Vec<&str> = text.split_whitespace().collect();
    let shown = words
        .iter()
        .take(WORDS)
        .map(|w| escape(w))
        .collect::<Vec<_>>()
        .join(" ");
    let more = if words.len() > WORDS { " …" } else { "" };
    if text.trim().is_empty() {
        if l.fr() {
            "_(sans texte)_"
        } else {
            "_(no text)_"
        }
        .to_owned()
    } else {
        l.quote(&format!("{shown}{more}"))
    }
}

/// A word diff with deleted words struck through and inserted words in bold; unchanged text is
/// cut to a few words of the same paragraph around each change.
fn diff_excerpt(parts: &[DiffPart]) -> String {
    let mut pieces: Vec<String> = Vec::new();
    let last = parts.len().saturating_sub(1);
    for (index, part) in parts.iter().enumerate() {
        let words: Vec<&str> = part.text.split(' ').filter(|w| !w.is_empty()).collect();
        match part.op {
            DiffKind::Equal => {
                let first_break = words.iter().position(|w| *w == PARAGRAPH);
                let last_break = words.iter().rposition(|w| *w == PARAGRAPH);
                // The rest of the paragraph the previous change ends in, and the start of the
                // paragraph the next change is in.
                let ending = &words[..first_break.unwrap_or(words.len())];
                let starting = &words[last_break.map_or(0, |b| b + 1)..];
                let (leading, trailing) = (index == 0, index == last);
                let piece = if leading && trailing {
                    String::new()
                } else if leading {
                    let tail = &starting[starting.len().saturating_sub(CONTEXT_WORDS)..];
                    let cut = if tail.len() < starting.len() {
                        "… "
                    } else {
                        ""
                    };
                    format!("{cut}{}", escape_words(tail))
                } else if trailing {
                    let head = &ending[..ending.len().min(CONTEXT_WORDS)];
                    let cut = if head.len() < ending.len() {
                        " …"
                    } else {
                        ""
                    };
                    format!("{}{cut}", escape_words(head))
                } else if first_break.is_none() && words.len() <= 2 * CONTEXT_WORDS + 2 {
                    escape_words(&words)
                } else {
                    let head = &ending[..ending.len().min(CONTEXT_WORDS)];
                    let tail = &starting[starting.len().saturating_sub(CONTEXT_WORDS)..];
                    [escape_words(head), "…".to_owned(), escape_words(tail)]
                        .into_iter()
                        .filter(|p| !p.is_empty())
                        .collect::<Vec<_>>()
                        .join(" ")
                };
                pieces.push(piece);
            }
            DiffKind::Delete => pieces.push(format!("~~{}~~", escape_words(&words))),
            DiffKind::Insert => pieces.push(format!("**{}**", escape_words(&words))),
        }
    }
    pieces.retain(|p| !p.is_empty());
    pieces.join(" ")
}

/// Words escaped for Markdown, a paragraph break shown as ` / `.
fn escape_words(words: &[&str]) -> String {
    words
        .iter()
        .map(|w| {
            if *w == PARAGRAPH {
                "/".to_owned()
            } else {
                escape(w)
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Escapes the characters Markdown would read as markup inside a line.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let entity = c == '&'
            && chars
                .peek()
                .is_some_and(|n| n.is_alphanumeric() || *n == '#');
        if entity || matches!(c, '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '~') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Escapes a paragraph that starts a line: also what would start a heading, list or quote.
fn escape_paragraph(text: &str) -> String {
    let escaped = escape(text);
    let starts_block = escaped.starts_with(['#', '>', '-', '+', '='])
        || escaped.split_once(['.', ')']).is_some_and(|(n, _)| {
            !n.is_empty() && n.len() < 10 && n.chars().all(|c| c.is_ascii_digit())
        });
    if starts_block {
        format!("\\{escaped}")
    } else {
        escaped
    }
}
