//! A page's text to a [`Page`]: front matter, GitBook blocks, Markdown, then sections.

use crate::html;
use crate::links::{join, nfc, Anchors, BookIndex};
use crate::liquid::{self, Node, Report, Tag};
use crate::markdown::{self, AnchoredLink, Located, PageContext};
use livret_model::Code;
use livret_model::{
    plain_text, Block, Diagnostic, FrontMatter, HintStyle, Inline, Page, Section, SectionStyle,
    Tab, Value,
};
use std::collections::{BTreeMap, HashMap};

/// How deep includes may nest before livret stops following them.
const MAX_INCLUDE_DEPTH: usize = 4;

/// Everything a page may need besides its own text.
#[derive(Debug)]
pub struct Library<'a> {
    pub index: &'a BookIndex,
    /// Decoded text of every Markdown file of the book, by NFC path (for includes).
    pub texts: &'a HashMap<String, String>,
}

/// A parsed page, its problems, and its links to sections (checked against the whole book later).
#[derive(Debug)]
pub struct ParsedPage {
    pub page: Page,
    pub diagnostics: Vec<Diagnostic>,
    pub anchored_links: Vec<AnchoredLink>,
}

/// Parses one page. Never fails: problems are returned as diagnostics.
pub fn parse_page(
    path: &str,
    text: &str,
    toc_title: Option<&str>,
    library: &Library<'_>,
) -> ParsedPage {
    let mut context = PageContext {
        path: path.to_owned(),
        index: library.index,
        diagnostics: Vec::new(),
        anchors: Anchors::default(),
        anchored_links: Vec::new(),
    };
    let (front_matter, body, first_line) = split_front_matter(text, &mut context);
    let mut stack = vec![path.to_owned()];
    let blocks = parse_body(body, first_line, &mut context, library, &mut stack);
    let (title_from_heading, intro, sections) = sectionize(blocks, &mut context);
    let title = title_from_heading
        .or_else(|| toc_title.map(str::to_owned))
        .or_else(|| match front_matter.other.get("title") {
            Some(Value::String(title)) => Some(title.clone()),
            _ => None,
        })
        .unwrap_or_else(|| file_stem(path));
    let page = Page {
        path: path.to_owned(),
        title,
        front_matter,
        intro,
        sections,
    };
    ParsedPage {
        page,
        diagnostics: context.diagnostics,
        anchored_links: context.anchored_links,
    }
}

fn file_stem(path: &str) -> String {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.strip_suffix(".md").unwrap_or(name).to_owned()
}

fn parse_body(
    body: &str,
    first_line: u32,
    context: &mut PageContext<'_>,
    library: &Library<'_>,
    stack: &mut Vec<String>,
) -> Vec<Located> {
    let mut report_diagnostics = Vec::new();
    let nodes = liquid::structure(
        body,
        first_line,
        &mut Report {
            path: &context.path,
            diagnostics: &mut report_diagnostics,
        },
    );
    context.diagnostics.extend(report_diagnostics);
    convert(nodes, context, library, stack)
}

/// Splits `---` YAML front matter from the body; returns the body's first line number.
fn split_front_matter<'t>(
    text: &'t str,
    context: &mut PageContext<'_>,
) -> (FrontMatter, &'t str, u32) {
    let Some(rest) = text.strip_prefix("---\n") else {
        return (FrontMatter::default(), text, 1);
    };
    let end = if rest.starts_with("---") {
        Some(0)
    } else {
        rest.find("\n---").map(|at| at + 1)
    };
    let Some(end) =
        end.filter(|&end| rest[end + 3..].starts_with('\n') || rest[end + 3..].trim().is_empty())
    else {
        return (FrontMatter::default(), text, 1);
    };
    let yaml = &rest[..end];
    let body_start = (4 + end + 3 + 1).min(text.len());
    let body_line = 2 + yaml.matches('\n').count() as u32 + 1;
    let front_matter = match serde_yaml::from_str::<serde_yaml::Value>(yaml) {
        Ok(value) => front_matter_from(value, context),
        Err(error) => {
            let line = error.location().map_or(2, |l| l.line() as u32 + 1);
            let message = format!("the front matter is not valid YAML ({error}); it is ignored");
            context.diagnose(
                Diagnostic::error(Code::FrontMatter, message)
                    .with_help("fix the YAML between the `---` lines"),
                line,
            );
            FrontMatter::default()
        }
    };
    (front_matter, &text[body_start..], body_line)
}

fn front_matter_from(value: serde_yaml::Value, context: &mut PageContext<'_>) -> FrontMatter {
    let mut front_matter = FrontMatter::default();
    let serde_yaml::Value::Mapping(mapping) = value else {
        if !value.is_null() {
            let message = "the front matter is not a set of `key: value` lines; it is ignored";
            context.diagnose(Diagnostic::warning(Code::FrontMatter, message), 2);
        }
        return front_matter;
    };
    for (key, value) in mapping {
        let key = match key {
            serde_yaml::Value::String(key) => key,
            other => yaml_scalar(&other),
        };
        let value = yaml_value(value, 0);
        match (key.as_str(), value) {
            ("description", Value::String(text)) => front_matter.description = Some(text),
            ("hidden", Value::Bool(hidden)) => front_matter.hidden = hidden,
            ("icon", Value::String(icon)) => front_matter.icon = Some(icon),
            ("cover", Value::String(cover)) => front_matter.cover = Some(cover),
            ("layout", layout) => front_matter.layout = Some(layout),
            (_, value) => {
                front_matter.other.insert(key, value);
            }
        }
    }
    front_matter
}

fn yaml_scalar(value: &serde_yaml::Value) -> String {
    match value {
        serde_yaml::Value::Bool(b) => b.to_string(),
        serde_yaml::Value::Number(n) => n.to_string(),
        serde_yaml::Value::String(s) => s.clone(),
        _ => String::new(),
    }
}

/// Converts YAML to the model's value, cutting nesting that goes deeper than any real front matter.
fn yaml_value(value: serde_yaml::Value, depth: usize) -> Value {
    if depth > 16 {
        return Value::Null;
    }
    match value {
        serde_yaml::Value::Null => Value::Null,
        serde_yaml::Value::Bool(b) => Value::Bool(b),
        serde_yaml::Value::Number(n) => n.as_f64().map_or(Value::Null, Value::Number),
        serde_yaml::Value::String(s) => Value::String(s),
        serde_yaml::Value::Sequence(items) => Value::List(
            items
                .into_iter()
                .map(|v| yaml_value(v, depth + 1))
                .collect(),
        ),
        serde_yaml::Value::Mapping(map) => Value::Map(
            map.into_iter()
                .map(|(k, v)| (yaml_scalar(&k), yaml_value(v, depth + 1)))
                .collect::<BTreeMap<_, _>>(),
        ),
        serde_yaml::Value::Tagged(tagged) => yaml_value(tagged.value, depth + 1),
    }
}

fn convert(
    nodes: Vec<Node>,
    context: &mut PageContext<'_>,
    library: &Library<'_>,
    stack: &mut Vec<String>,
) -> Vec<Located> {
    let mut out = Vec::new();
    for node in nodes {
        match node {
            Node::Markdown {
                text, first_line, ..
            } => out.extend(markdown::parse(&text, first_line, context)),
            Node::Block { tag, children } => {
                convert_tag(tag, children, context, library, stack, &mut out)
            }
        }
    }
    out
}

fn blocks_of(
    nodes: Vec<Node>,
    context: &mut PageContext<'_>,
    library: &Library<'_>,
    stack: &mut Vec<String>,
) -> Vec<Block> {
    convert(nodes, context, library, stack)
        .into_iter()
        .map(|located| located.block)
        .collect()
}

/// The text of Markdown children, for captions and labels.
fn inline_children(children: &[Node], context: &mut PageContext<'_>) -> Vec<Inline> {
    let mut inlines = Vec::new();
    for child in children {
        if let Node::Markdown {
            text, first_line, ..
        } = child
        {
            inlines.extend(markdown::parse_inlines(text, *first_line, context));
        }
    }
    inlines
}

fn convert_tag(
    tag: Tag,
    children: Vec<Node>,
    context: &mut PageContext<'_>,
    library: &Library<'_>,
    stack: &mut Vec<String>,
    out: &mut Vec<Located>,
) {
    let line = tag.line;
    let mut push = |block: Block| out.push(Located { block, line });
    match tag.name.as_str() {
        "hint" => {
            let style = tag.attribute("style").unwrap_or("info");
            let style = HintStyle::parse(style).unwrap_or_else(|| {
                let message = format!("unknown hint style `{style}`; shown as `info`");
                context.diagnose(
                    Diagnostic::warning(Code::MalformedAttribute, message)
                        .with_help("use info, success, warning or danger"),
                    line,
                );
                HintStyle::Info
            });
            let icon = tag.attribute("icon").map(str::to_owned);
            push(Block::Hint {
                style,
                icon,
                blocks: blocks_of(children, context, library, stack),
            });
        }
        "tabs" => {
            let tabs = children_of("tab", children, context, library, stack)
                .into_iter()
                .map(|(tag, blocks)| Tab {
                    title: tag
                        .as_ref()
                        .and_then(|t| t.attribute("title"))
                        .unwrap_or("")
                        .to_owned(),
                    icon: tag
                        .as_ref()
                        .and_then(|t| t.attribute("icon"))
                        .map(str::to_owned),
                    blocks,
                })
                .collect();
            push(Block::Tabs { tabs });
        }
        "stepper" => {
            let steps = children_of("step", children, context, library, stack)
                .into_iter()
                .map(|(_, blocks)| blocks)
                .collect();
            push(Block::Stepper { steps });
        }
        "columns" => {
            let columns = children_of("column", children, context, library, stack)
                .into_iter()
                .map(|(_, blocks)| blocks)
                .collect();
            push(Block::Columns { columns });
        }
        "tab" | "step" | "column" => {
            let parent = match tag.name.as_str() {
                "tab" => "tabs",
                "step" => "stepper",
                _ => "columns",
            };
            let message = format!(
                "`{{% {} %}}` outside `{{% {parent} %}}`; its content is kept as it is",
                tag.name
            );
            context.diagnose(Diagnostic::warning(Code::MisplacedTag, message), line);
            out.extend(convert(children, context, library, stack));
        }
        "code" => {
            let mut blocks = convert(children, context, library, stack);
            if let Some(Block::Code {
                title,
                line_numbers,
                wrap,
                ..
            }) = blocks
                .iter_mut()
                .map(|l| &mut l.block)
                .find(|b| matches!(b, Block::Code { .. }))
            {
                *title = tag.attribute("title").map(str::to_owned);
                *line_numbers = tag.attribute("lineNumbers") == Some("true");
                *wrap = tag.attribute("overflow") == Some("wrap");
            }
            out.extend(blocks);
        }
        "content-ref" | "page-ref" => {
            let Some(url) = tag
                .attribute("url")
                .or_else(|| tag.attribute("page"))
                .or(tag.argument.as_deref())
            else {
                context.diagnose(
                    Diagnostic::warning(
                        Code::MalformedTag,
                        format!("`{{% {} %}}` has no url; it is dropped", tag.name),
                    ),
                    line,
                );
                return;
            };
            let target = context.resolve(url, line);
            let reported = context.diagnostics.len();
            let mut label = inline_children(&children, context);
            if let [Inline::Link { content, .. }] = label.as_slice() {
                // The label is the same link again: its problems were reported with the url.
                label = content.clone();
                context.diagnostics.truncate(reported);
            }
            push(Block::ContentRef { target, label });
        }
        "embed" | "file" => {
            let key = if tag.name == "embed" { "url" } else { "src" };
            let Some(raw) = tag.attribute(key).or(tag.argument.as_deref()) else {
                context.diagnose(
                    Diagnostic::warning(
                        Code::MalformedTag,
                        format!("`{{% {} %}}` has no {key}; it is dropped", tag.name),
                    ),
                    line,
                );
                return;
            };
            let target = context.resolve(raw, line);
            let caption = match tag.attribute("caption").filter(|c| !c.is_empty()) {
                Some(caption) => markdown::parse_inlines(caption, line, context),
                None => inline_children(&children, context),
            };
            if tag.name == "embed" {
                push(Block::Embed {
                    url: target,
                    caption,
                    full_width: tag.attribute("fullWidth") == Some("true"),
                });
            } else {
                push(Block::File { target, caption });
            }
        }
        "include" => push(include(&tag, context, library, stack)),
        "details" => {
            let summary = tag
                .attribute("summary")
                .map(|raw| html::text_of(&html::tokenize(raw)))
                .unwrap_or_default();
            let summary = markdown::parse_inlines(&summary, line, context);
            push(Block::Details {
                summary,
                blocks: blocks_of(children, context, library, stack),
            });
        }
        "openapi" | "swagger" => {
            let message = format!(
                "`{{% {} %}}` blocks are not rendered by livret; it is left out",
                tag.name
            );
            context.diagnose(Diagnostic::note(Code::UnsupportedTag, message), line);
        }
        // Blocks whose meaning livret cannot render on paper (`if`, `updates`) keep their content.
        _ => out.extend(convert(children, context, library, stack)),
    }
}

/// The `tab`/`step`/`column` children of a container; stray content joins the previous child.
fn children_of(
    name: &str,
    children: Vec<Node>,
    context: &mut PageContext<'_>,
    library: &Library<'_>,
    stack: &mut Vec<String>,
) -> Vec<(Option<Tag>, Vec<Block>)> {
    let mut items: Vec<(Option<Tag>, Vec<Block>)> = Vec::new();
    for child in children {
        match child {
            Node::Block { tag, children } if tag.name == name => {
                let blocks = blocks_of(children, context, library, stack);
                items.push((Some(tag), blocks));
            }
            Node::Markdown { text, .. } if text.trim().is_empty() => {}
            other => {
                let blocks = blocks_of(vec![other], context, library, stack);
                match items.last_mut() {
                    Some((_, last)) => last.extend(blocks),
                    None => items.push((None, blocks)),
                }
            }
        }
    }
    items
}

fn include(
    tag: &Tag,
    context: &mut PageContext<'_>,
    library: &Library<'_>,
    stack: &mut Vec<String>,
) -> Block {
    let line = tag.line;
    let source = tag
        .argument
        .clone()
        .or_else(|| tag.attribute("src").map(str::to_owned))
        .unwrap_or_default();
    let unresolved = |context: &mut PageContext<'_>, reason: String| {
        let diagnostic = Diagnostic::warning(
            Code::IncludeMissing,
            format!("include `{source}` was not resolved: {reason}"),
        )
        .with_help("point the include at a file of the book, such as .gitbook/includes/x.md");
        context.diagnose(diagnostic, line);
        Block::Include {
            source: source.clone(),
            resolved: false,
            blocks: Vec::new(),
        }
    };
    if source.starts_with("/reusable-content") {
        return unresolved(
            context,
            "GitBook's reusable content lives outside the repository".to_owned(),
        );
    }
    let Some(path) = join(&context.path, &nfc(&source)) else {
        return unresolved(context, "it climbs above the root of the book".to_owned());
    };
    let Some(text) = library.texts.get(&path) else {
        return unresolved(context, format!("there is no file `{path}`"));
    };
    if stack.contains(&path) {
        return unresolved(
            context,
            "it includes itself (directly or through other includes)".to_owned(),
        );
    }
    if stack.len() > MAX_INCLUDE_DEPTH {
        return unresolved(
            context,
            format!("includes are nested more than {MAX_INCLUDE_DEPTH} deep"),
        );
    }
    let page_path = std::mem::replace(&mut context.path, path.clone());
    stack.push(path);
    let (_, body, first_line) = split_front_matter(text, context);
    let blocks = parse_body(body, first_line, context, library, stack)
        .into_iter()
        .map(|l| l.block)
        .collect();
    stack.pop();
    context.path = page_path;
    Block::Include {
        source,
        resolved: true,
        blocks,
    }
}

/// Splits top-level blocks into the title, the intro and a tree of sections.
fn sectionize(
    blocks: Vec<Located>,
    context: &mut PageContext<'_>,
) -> (Option<String>, Vec<Block>, Vec<Section>) {
    let mut title = None;
    let mut intro = Vec::new();
    let mut roots: Vec<Section> = Vec::new();
    let mut open: Vec<Section> = Vec::new();
    for Located { block, line } in blocks {
        match block {
            Block::Heading {
                level: 1, content, ..
            } if title.is_none() && roots.is_empty() && open.is_empty() => {
                title = Some(plain_text(&content).trim().to_owned());
            }
            Block::Heading {
                level,
                anchor,
                content,
            } => {
                close_while(&mut open, &mut roots, |s| {
                    s.style == SectionStyle::BoldTitle || s.level >= level
                });
                open.push(Section {
                    anchor,
                    level,
                    style: SectionStyle::Heading,
                    title: content,
                    line,
                    blocks: Vec::new(),
                    children: Vec::new(),
                });
            }
            Block::Paragraph { content } if bold_title(&content).is_some() => {
                let title = bold_title(&content)
                    .map(<[Inline]>::to_vec)
                    .unwrap_or_default();
                close_while(&mut open, &mut roots, |s| {
                    s.style == SectionStyle::BoldTitle
                });
                let level = open.last().map_or(2, |parent| parent.level + 1);
                let anchor = context
                    .anchors
                    .claim(&crate::links::slug(&plain_text(&title)));
                open.push(Section {
                    anchor,
                    level,
                    style: SectionStyle::BoldTitle,
                    title,
                    line,
                    blocks: Vec::new(),
                    children: Vec::new(),
                });
            }
            block => match open.last_mut() {
                Some(section) => section.blocks.push(block),
                None => intro.push(block),
            },
        }
    }
    close_while(&mut open, &mut roots, |_| true);
    (title, intro, roots)
}

fn close_while(
    open: &mut Vec<Section>,
    roots: &mut Vec<Section>,
    should_close: impl Fn(&Section) -> bool,
) {
    while open.last().is_some_and(&should_close) {
        let Some(section) = open.pop() else { break };
        match open.last_mut() {
            Some(parent) => parent.children.push(section),
            None => roots.push(section),
        }
    }
}

/// A paragraph that is only a bold phrase is a title in GitBook handbooks.
fn bold_title(content: &[Inline]) -> Option<&[Inline]> {
    match content {
        [Inline::Strong { content }] => Some(content.as_slice()),
        [Inline::Strong { content }, Inline::Text { text }] if text.trim().is_empty() => {
            Some(content.as_slice())
        }
        _ => None,
    }
    .filter(|title| {
        let text = plain_text(title);
        !text.trim().is_empty() && text.chars().count() <= 200
    })
}

#[cfg(test)]
#[path = "parse_tests.rs"]
mod tests;
