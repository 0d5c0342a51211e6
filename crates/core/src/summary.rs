//! SUMMARY.md: the table of contents, its groups and the reading order.

use crate::text::LineIndex;
use livret_model::Code;
use livret_model::{Diagnostic, TocEntry, TocGroup, TocTarget};
use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};

struct ItemBuilder {
    title: String,
    href: Option<String>,
    in_link: bool,
    children: Vec<TocEntry>,
    line: u32,
}

/// Parses SUMMARY.md. `resolve` maps a link to its target and says why when it is missing.
pub fn parse_summary<E: std::fmt::Display>(
    path: &str,
    text: &str,
    mut resolve: impl FnMut(&str) -> Result<TocTarget, E>,
) -> (Vec<TocGroup>, Vec<Diagnostic>) {
    let lines = LineIndex::new(text);
    let mut diagnostics = Vec::new();
    let mut groups = vec![TocGroup {
        title: None,
        entries: Vec::new(),
    }];
    let mut lists: Vec<Vec<TocEntry>> = Vec::new();
    let mut items: Vec<ItemBuilder> = Vec::new();
    let mut group_title: Option<String> = None;
    for (event, range) in Parser::new(text).into_offset_iter() {
        let line = lines.line(range.start);
        match event {
            Event::Start(Tag::Heading {
                level: HeadingLevel::H2,
                ..
            }) => group_title = Some(String::new()),
            Event::End(TagEnd::Heading(HeadingLevel::H2)) => {
                let title = group_title.take().map(|t| t.trim().to_owned());
                groups.push(TocGroup {
                    title,
                    entries: Vec::new(),
                });
            }
            Event::Rule => groups.push(TocGroup {
                title: None,
                entries: Vec::new(),
            }),
            Event::Start(Tag::List(_)) => lists.push(Vec::new()),
            Event::End(TagEnd::List(_)) => {
                let entries = lists.pop().unwrap_or_default();
                match items.last_mut() {
                    Some(item) => item.children.extend(entries),
                    None => {
                        if let Some(group) = groups.last_mut() {
                            group.entries.extend(entries);
                        }
                    }
                }
            }
            Event::Start(Tag::Item) => items.push(ItemBuilder {
                title: String::new(),
                href: None,
                in_link: false,
                children: Vec::new(),
                line,
            }),
            Event::Start(Tag::Link { dest_url, .. }) => {
                if let Some(item) = items.last_mut().filter(|item| item.href.is_none()) {
                    item.href = Some(dest_url.into_string());
                    item.in_link = true;
                    item.title.clear();
                }
            }
            Event::End(TagEnd::Link) => {
                if let Some(item) = items.last_mut() {
                    item.in_link = false;
                }
            }
            Event::Text(text) | Event::Code(text) => {
                if let Some(title) = group_title.as_mut() {
                    title.push_str(&text);
                } else if let Some(item) = items.last_mut() {
                    if item.in_link || item.href.is_none() {
                        item.title.push_str(&text);
                    }
                }
            }
            Event::End(TagEnd::Item) => {
                let Some(item) = items.pop() else { continue };
                let title = item.title.trim().to_owned();
                let target = match &item.href {
                    Some(href) => resolve(href).unwrap_or_else(|reason| {
                        diagnostics.push(
                            Diagnostic::error(Code::MissingPage, format!("SUMMARY.md lists `{href}`, but {reason}; the entry is left out"))
                                .with_help("fix the path, or remove the entry")
                                .at(path, Some(item.line), None),
                        );
                        TocTarget::Missing { reference: href.clone() }
                    }),
                    None => {
                        diagnostics.push(
                            Diagnostic::warning(Code::SummaryEntry, format!("the entry `{title}` has no link; it is left out of the reading order"))
                                .with_help("write it as `* [Title](page.md)`")
                                .at(path, Some(item.line), None),
                        );
                        TocTarget::Missing { reference: String::new() }
                    }
                };
                let entry = TocEntry {
                    title,
                    target,
                    children: item.children,
                };
                if let Some(list) = lists.last_mut() {
                    list.push(entry);
                }
            }
            _ => {}
        }
    }
    groups.retain(|group| group.title.is_some() || !group.entries.is_empty());
    (groups, diagnostics)
}

/// Pages in reading order, each once, with their SUMMARY title.
pub fn reading_order(groups: &[TocGroup]) -> Vec<(String, String)> {
    fn walk(entries: &[TocEntry], out: &mut Vec<(String, String)>) {
        for entry in entries {
            if let TocTarget::Page { path } = &entry.target {
                out.push((path.clone(), entry.title.clone()));
            }
            walk(&entry.children, out);
        }
    }
    let mut out = Vec::new();
    for group in groups {
        walk(&group.entries, &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_nesting_and_external_links() {
        let text = "# Table of contents\n\n* [Accueil](README.md)\n\n## Culture\n\n* [Valeurs](valeurs.md)\n  * [Détail](valeurs/detail.md)\n\n***\n\n* [Site](https://example.org)\n* [Absent](absent.md)\n";
        let (groups, diagnostics) = parse_summary("SUMMARY.md", text, |href| match href {
            "absent.md" => Err("there is no such file".to_owned()),
            href if href.starts_with("https") => Ok(TocTarget::External {
                url: href.to_owned(),
            }),
            href => Ok(TocTarget::Page {
                path: href.to_owned(),
            }),
        });
        assert_eq!(groups.len(), 3);
        assert_eq!(groups[1].title.as_deref(), Some("Culture"));
        assert_eq!(groups[1].entries[0].children[0].title, "Détail");
        assert_eq!(groups[2].title, None);
        assert_eq!(diagnostics.len(), 1);
        assert_eq!(diagnostics[0].line, Some(13));
        let order: Vec<_> = reading_order(&groups)
            .into_iter()
            .map(|(path, _)| path)
            .collect();
        assert_eq!(order, ["README.md", "valeurs.md", "valeurs/detail.md"]);
    }
}
