//! One page's history, oldest version first, turned into revisions and value timelines.

use crate::compare::compare;
use crate::labels::Labels;
use crate::model::{Change, CommitRef, HistoryStatus, PageLog, Revision, ValueEvent, ValueLog};
use crate::snapshot::Snapshot;
use crate::summary::summary;
use livret_model::{PageChange, PageHistory, PageVersion, PageVersions};
use std::collections::BTreeMap;

/// What building a page's log needs besides its history.
#[derive(Debug)]
pub struct Context<'a> {
    pub labels: &'static Labels,
    pub repository_url: Option<&'a str>,
    pub shallow_boundary: Option<&'a str>,
}

/// What is known of a value while walking the versions.
#[derive(Debug)]
struct ValueState {
    title: String,
    group: Option<String>,
    text: String,
    born: CommitRef,
    retired: Option<CommitRef>,
    last_changed: CommitRef,
    events: Vec<ValueEvent>,
    /// Order of retirement, for listing retired values.
    retired_order: usize,
}

pub fn page_log(
    path: &str,
    title: &str,
    history: &PageHistory,
    versions: &PageVersions,
    context: &Context<'_>,
) -> PageLog {
    let mut revisions: Vec<Revision> = Vec::new();
    let mut values: BTreeMap<String, ValueState> = BTreeMap::new();
    let mut used_ids: BTreeMap<String, usize> = BTreeMap::new();
    let mut base: Option<(Snapshot, Vec<String>, String)> = None; // snapshot, value ids, commit
    let mut skipped_since: Option<String> = None; // last readable commit before missing versions
    let mut missing = 0;
    let mut retirements = 0;
    let oldest = history.versions.last().map(|v| v.commit.as_str());
    let shallow_start = oldest.is_some() && oldest == context.shallow_boundary;

    for (index, version) in history.versions.iter().rev().enumerate() {
        let commit = commit_ref(version, context.repository_url);
        let mut changes = Vec::new();
        if let PageChange::Moved { from } | PageChange::MovedAndEdited { from } = &version.change {
            changes.push(Change::PageMoved {
                from: from.clone(),
                to: version.path.clone(),
            });
        }
        let Some(page) = versions.get(&version.blob) else {
            missing += 1;
            if skipped_since.is_none() {
                skipped_since = base.as_ref().map(|(_, _, c)| c.clone());
            }
            changes.push(Change::VersionMissing {
                blob: version.blob.clone(),
            });
            revisions.push(revision(
                commit,
                version,
                changes,
                false,
                None,
                context.labels,
            ));
            continue;
        };
        let snapshot = Snapshot::of(page);
        let had_base = base.is_some();
        let mut mint = |title: &str| mint_id(title, &mut used_ids);
        let (new_ids, compared_with) = match &base {
            None => {
                let first = index == 0 && version.change == PageChange::Created && !shallow_start;
                changes.push(if first {
                    Change::PageCreated {
                        path: version.path.clone(),
                        title: snapshot.title.clone(),
                    }
                } else {
                    Change::HistoryStart {
                        path: version.path.clone(),
                        title: snapshot.title.clone(),
                    }
                });
                let ids: Vec<String> = snapshot.values.iter().map(|v| mint(&v.title)).collect();
                for (value, id) in snapshot.values.iter().zip(&ids) {
                    changes.push(if first {
                        Change::ValueAdded {
                            value: id.clone(),
                            title: value.title.clone(),
                            group: value.group.clone(),
                            text: value.text(),
                        }
                    } else {
                        Change::ValuePresent {
                            value: id.clone(),
                            title: value.title.clone(),
                        }
                    });
                }
                (ids, None)
            }
            Some((old, old_ids, _)) => {
                let (found, ids) = compare(old, &snapshot, old_ids, &mut mint);
                changes.extend(found);
                (ids, skipped_since.take().map(|c| short(&c).to_owned()))
            }
        };
        let formatting_only = had_base
            && changes
                .iter()
                .all(|c| matches!(c, Change::PageMoved { .. }))
            && !matches!(version.change, PageChange::Moved { .. });
        if formatting_only {
            changes.push(Change::FormattingOnly);
        }

        // Value timelines.
        for change in &changes {
            let Some(id) = change.value() else { continue };
            let event = ValueEvent {
                commit: commit.clone(),
                change: change.clone(),
            };
            match change {
                Change::ValueAdded { .. } | Change::ValuePresent { .. } => {
                    values.insert(
                        id.to_owned(),
                        ValueState {
                            title: String::new(),
                            group: None,
                            text: String::new(),
                            born: commit.clone(),
                            retired: None,
                            last_changed: commit.clone(),
                            events: vec![event],
                            retired_order: 0,
                        },
                    );
                }
                Change::ValueRemoved { .. } => {
                    if let Some(state) = values.get_mut(id) {
                        retirements += 1;
                        state.retired = Some(commit.clone());
                        state.retired_order = retirements;
                        state.events.push(event);
                    }
                }
                Change::ValueRetitled { .. } | Change::ValueReworded { .. } => {
                    if let Some(state) = values.get_mut(id) {
                        state.last_changed = commit.clone();
                        state.events.push(event);
                    }
                }
                _ => {
                    if let Some(state) = values.get_mut(id) {
                        state.events.push(event);
                    }
                }
            }
        }
        for (value, id) in snapshot.values.iter().zip(&new_ids) {
            if let Some(state) = values.get_mut(id) {
                state.title = value.title.clone();
                state.group = value.group.clone();
                state.text = value.text();
            }
        }
        revisions.push(revision(
            commit.clone(),
            version,
            changes,
            formatting_only,
            compared_with,
            context.labels,
        ));
        base = Some((snapshot, new_ids, version.commit.clone()));
    }

    let current_ids: Vec<String> = base
        .as_ref()
        .map(|(_, ids, _)| ids.clone())
        .unwrap_or_default();
    let mut logs: Vec<ValueLog> = Vec::new();
    for id in &current_ids {
        if let Some(state) = values.remove(id) {
            logs.push(value_log(id, state, true));
        }
    }
    let mut retired: Vec<(String, ValueState)> = values.into_iter().collect();
    retired.sort_by_key(|(_, state)| std::cmp::Reverse(state.retired_order));
    logs.extend(
        retired
            .into_iter()
            .map(|(id, state)| value_log(&id, state, false)),
    );

    revisions.reverse();
    PageLog {
        path: path.to_owned(),
        title: title.to_owned(),
        history: HistoryStatus {
            complete: !shallow_start,
            shallow_boundary: shallow_start
                .then(|| context.shallow_boundary.map(str::to_owned))
                .flatten(),
            help: shallow_start.then(|| "git fetch --unshallow".to_owned()),
            missing_versions: missing,
        },
        revisions,
        values: logs,
    }
}

fn value_log(id: &str, state: ValueState, current: bool) -> ValueLog {
    ValueLog {
        id: id.to_owned(),
        title: state.title,
        group: state.group,
        current,
        born: state.born,
        retired: state.retired,
        last_changed: state.last_changed,
        text: state.text,
        events: state.events,
    }
}

fn revision(
    commit: CommitRef,
    version: &PageVersion,
    changes: Vec<Change>,
    formatting_only: bool,
    compared_with: Option<String>,
    labels: &Labels,
) -> Revision {
    Revision {
        summary: summary(&changes, labels),
        commit,
        path: version.path.clone(),
        formatting_only,
        compared_with,
        changes,
    }
}

fn mint_id(title: &str, used: &mut BTreeMap<String, usize>) -> String {
    let base = slug(title);
    let count = used.entry(base.clone()).or_insert(0);
    *count += 1;
    if *count == 1 {
        base
    } else {
        format!("{base}-{count}")
    }
}

/// Lower-case letters and digits, other characters as single dashes.
pub fn slug(title: &str) -> String {
    let mut out = String::new();
    for c in title.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let trimmed = out.trim_end_matches('-').to_owned();
    if trimmed.is_empty() {
        "valeur".to_owned()
    } else {
        trimmed
    }
}

pub fn short(id: &str) -> &str {
    id.get(..7).unwrap_or(id)
}

pub fn commit_ref(version: &PageVersion, repository_url: Option<&str>) -> CommitRef {
    CommitRef {
        commit: version.commit.clone(),
        short: short(&version.commit).to_owned(),
        date: crate::rfc3339(version.time, version.offset_minutes),
        author: version.author.clone(),
        url: repository_url.map(|url| commit_url(url, &version.commit)),
        time: version.time,
        offset_minutes: version.offset_minutes,
    }
}

/// `https://forge.example/org/repo/commit/<id>` (GitHub, GitLab, Gitea and Forgejo all accept it).
pub fn commit_url(repository_url: &str, commit: &str) -> String {
    let base = repository_url.trim_end_matches('/');
    let base = base.strip_suffix(".git").unwrap_or(base);
    format!("{base}/commit/{commit}")
}
