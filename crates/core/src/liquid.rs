//! GitBook's `{% … %}` blocks and `<details>` lines: the structure around the Markdown.
//!
//! A first pass over lines (fenced code is left alone) finds the tags; a second builds a tree of
//! blocks whose leaves are runs of Markdown. Missing and stray end tags become diagnostics.

use livret_model::Code;
use livret_model::Diagnostic;

/// An opening tag as written: `{% hint style="info" %}` or `<details>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    pub name: String,
    pub attributes: Vec<(String, String)>,
    /// A value with no key, as in `{% include "x.md" %}`.
    pub argument: Option<String>,
    pub line: u32,
    pub column: u32,
}

impl Tag {
    pub fn attribute(&self, key: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    /// Lines of Markdown; `first_line` is the 1-based line of the first one in the page.
    Markdown {
        text: String,
        first_line: u32,
        /// Line of the run's last line, so that appending a line is O(1).
        last_line: u32,
    },
    Block {
        tag: Tag,
        children: Vec<Node>,
    },
}

/// Blocks nested deeper than this are dropped (their content kept): no real page comes close, and
/// every walk of the model stays within the stack.
const MAX_NESTING: usize = 16;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Needs an end tag.
    Container,
    /// May have an end tag; the text before it is a caption.
    OptionalEnd,
    /// Never has an end tag.
    Leaf,
    /// A tag livret does not know.
    Unknown,
}

fn kind(name: &str) -> Kind {
    match name {
        "hint" | "tabs" | "tab" | "stepper" | "step" | "code" | "content-ref" | "columns"
        | "column" | "details" | "updates" | "update" | "if" => Kind::Container,
        "embed" | "file" => Kind::OptionalEnd,
        "page-ref" | "include" | "openapi" | "swagger" => Kind::Leaf,
        _ => Kind::Unknown,
    }
}

#[derive(Debug)]
enum Token {
    Text {
        text: String,
        line: u32,
    },
    Open(Tag),
    End {
        name: String,
        line: u32,
        column: u32,
    },
}

/// Context for diagnostics: the page's path and its source.
pub struct Report<'a> {
    pub path: &'a str,
    pub diagnostics: &'a mut Vec<Diagnostic>,
}

impl Report<'_> {
    pub fn push(&mut self, diagnostic: Diagnostic, line: u32, column: Option<u32>) {
        self.diagnostics
            .push(diagnostic.at(self.path, Some(line), column));
    }
}

/// Splits a page body (starting at `first_line`) into blocks and Markdown runs.
pub fn structure(text: &str, first_line: u32, report: &mut Report<'_>) -> Vec<Node> {
    let tokens = tokenize(text, first_line, report);
    build(tokens, report)
}

fn tokenize(text: &str, first_line: u32, report: &mut Report<'_>) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut fence: Option<(char, usize)> = None;
    for (index, line) in text.split('\n').enumerate() {
        let number = first_line + index as u32;
        let trimmed = line.trim_start();
        if let Some((marker, length)) = fence_marker(trimmed) {
            match fence {
                None => fence = Some((marker, length)),
                Some((open, open_length))
                    if open == marker
                        && length >= open_length
                        && trimmed.trim_end().chars().all(|c| c == marker) =>
                {
                    fence = None
                }
                Some(_) => {}
            }
            tokens.push(Token::Text {
                text: line.to_owned(),
                line: number,
            });
            continue;
        }
        if fence.is_some() {
            tokens.push(Token::Text {
                text: line.to_owned(),
                line: number,
            });
            continue;
        }
        if let Some(token) = details_line(trimmed, number) {
            tokens.extend(token);
            continue;
        }
        split_line(line, number, report, &mut tokens);
    }
    tokens
}

fn fence_marker(trimmed: &str) -> Option<(char, usize)> {
    let marker = trimmed.chars().next().filter(|&c| c == '`' || c == '~')?;
    let length = trimmed.chars().take_while(|&c| c == marker).count();
    (length >= 3).then_some((marker, length))
}

/// `<details>`, `<details><summary>…</summary>`, `<summary>…</summary>` and `</details>` lines.
fn details_line(trimmed: &str, line: u32) -> Option<Vec<Token>> {
    let lower = trimmed.to_ascii_lowercase();
    if lower.starts_with("</details>") && lower.trim_end() == "</details>" {
        return Some(vec![Token::End {
            name: "details".to_owned(),
            line,
            column: 1,
        }]);
    }
    let summary = |text: &str| {
        let start = text.find("<summary>")? + "<summary>".len();
        let end = text
            .rfind("</summary>")
            .filter(|&end| end >= start)
            .unwrap_or(text.len());
        Some(text[start..end].to_owned())
    };
    if lower.starts_with("<details") {
        let mut tag = Tag {
            name: "details".to_owned(),
            attributes: Vec::new(),
            argument: None,
            line,
            column: 1,
        };
        if let Some(text) = summary(trimmed) {
            tag.attributes.push(("summary".to_owned(), text));
        }
        return Some(vec![Token::Open(tag)]);
    }
    if lower.starts_with("<summary>") {
        let text = summary(trimmed)?;
        let tag = Tag {
            name: "summary".to_owned(),
            attributes: vec![("summary".to_owned(), text)],
            argument: None,
            line,
            column: 1,
        };
        return Some(vec![Token::Open(tag)]);
    }
    None
}

/// Splits a line into text and `{% … %}` tags; tags inside inline code spans are text.
fn split_line(line: &str, number: u32, report: &mut Report<'_>, tokens: &mut Vec<Token>) {
    let mut rest = line;
    let mut consumed = 0;
    let mut had_tag = false;
    while let Some(start) = find_tag_start(rest) {
        // `%}` is looked for after `{%`, so that `{%}` is not a tag that ends before it starts.
        let Some(end) = rest[start + 2..].find("%}").map(|end| start + 2 + end) else {
            let column = line[..consumed + start].chars().count() as u32 + 1;
            report.push(
                Diagnostic::error(
                    Code::UnclosedTag,
                    "`{%` has no closing `%}` on its line; it is kept as text",
                )
                .with_help("close the tag with `%}`"),
                number,
                Some(column),
            );
            break;
        };
        let before = &rest[..start];
        if !before.trim().is_empty() {
            tokens.push(Token::Text {
                text: before.to_owned(),
                line: number,
            });
        }
        let column = line[..consumed + start].chars().count() as u32 + 1;
        if let Some(token) = parse_tag(&rest[start + 2..end], number, column, report) {
            tokens.push(token);
        }
        had_tag = true;
        consumed += end + 2;
        rest = &rest[end + 2..];
    }
    if !had_tag {
        tokens.push(Token::Text {
            text: line.to_owned(),
            line: number,
        });
    } else if !rest.trim().is_empty() {
        tokens.push(Token::Text {
            text: rest.to_owned(),
            line: number,
        });
    }
}

/// Byte index of the first `{%` that is not inside a backtick code span.
fn find_tag_start(text: &str) -> Option<usize> {
    let mut search = 0;
    while let Some(found) = text[search..].find("{%") {
        let at = search + found;
        if text[..at].matches('`').count() % 2 == 0 {
            return Some(at);
        }
        search = at + 2;
    }
    None
}

fn parse_tag(inner: &str, line: u32, column: u32, report: &mut Report<'_>) -> Option<Token> {
    let inner = inner
        .trim()
        .trim_start_matches('-')
        .trim_end_matches('-')
        .trim();
    let name_end = inner.find(char::is_whitespace).unwrap_or(inner.len());
    let name = inner[..name_end].to_owned();
    if name.is_empty() {
        report.push(
            Diagnostic::warning(Code::MalformedTag, "empty `{% %}` tag ignored"),
            line,
            Some(column),
        );
        return None;
    }
    if let Some(ended) = name.strip_prefix("end") {
        return Some(Token::End {
            name: ended.to_owned(),
            line,
            column,
        });
    }
    let mut tag = Tag {
        name,
        attributes: Vec::new(),
        argument: None,
        line,
        column,
    };
    let mut rest = inner[name_end..].trim_start();
    while !rest.is_empty() {
        let (key, after_key) =
            match rest.find(|c: char| c == '=' || c.is_whitespace() || c == '"' || c == '\'') {
                Some(at) if rest[at..].starts_with('=') => (Some(&rest[..at]), &rest[at + 1..]),
                _ => (None, rest),
            };
        let (value, remaining) = read_value(after_key, &tag, line, column, report);
        match key {
            Some(key) => tag.attributes.push((key.to_owned(), value)),
            None if tag.argument.is_none() => tag.argument = Some(value),
            None => {}
        }
        rest = remaining.trim_start();
    }
    Some(Token::Open(tag))
}

fn read_value<'t>(
    text: &'t str,
    tag: &Tag,
    line: u32,
    column: u32,
    report: &mut Report<'_>,
) -> (String, &'t str) {
    match text.chars().next() {
        Some(quote @ ('"' | '\'' | '“' | '”')) => {
            let body = &text[quote.len_utf8()..];
            let closing: &[char] = if quote == '“' || quote == '”' {
                &['”', '“']
            } else {
                &[quote]
            };
            match body.find(closing) {
                Some(end) => {
                    let close_len = body[end..].chars().next().map_or(1, char::len_utf8);
                    (body[..end].to_owned(), &body[end + close_len..])
                }
                None => {
                    report.push(
                        Diagnostic::warning(
                            Code::MalformedAttribute,
                            format!("an attribute of `{{% {} %}}` has no closing quote; livret read it to the end of the tag", tag.name),
                        )
                        .with_help("add the missing quote"),
                        line,
                        Some(column),
                    );
                    (body.trim_end().to_owned(), "")
                }
            }
        }
        _ => {
            let end = text.find(char::is_whitespace).unwrap_or(text.len());
            (text[..end].to_owned(), &text[end..])
        }
    }
}

struct Frame {
    tag: Tag,
    children: Vec<Node>,
}

fn build(tokens: Vec<Token>, report: &mut Report<'_>) -> Vec<Node> {
    let mut root: Vec<Node> = Vec::new();
    let mut stack: Vec<Frame> = Vec::new();
    // Blocks opened beyond `MAX_NESTING`, by name, so that their end tags are dropped too.
    let mut skipped: Vec<String> = Vec::new();
    let mut tokens = tokens.into_iter().peekable();
    while let Some(token) = tokens.next() {
        match token {
            Token::Text { text, line } => push_text(current(&mut root, &mut stack), text, line),
            Token::Open(tag) if tag.name == "summary" => {
                // A `<summary>` line belongs to the `<details>` just opened.
                if let Some(frame) = stack
                    .last_mut()
                    .filter(|f| f.tag.name == "details" && f.tag.attribute("summary").is_none())
                {
                    frame.tag.attributes.extend(tag.attributes);
                } else if let Some((_, text)) = tag.attributes.into_iter().next() {
                    push_text(current(&mut root, &mut stack), text, tag.line);
                }
            }
            Token::Open(tag)
                if stack.len() >= MAX_NESTING && kind(&tag.name) == Kind::Container =>
            {
                if skipped.is_empty() {
                    report.push(
                    Diagnostic::warning(Code::TooDeep, format!("blocks are nested more than {MAX_NESTING} deep; `{{% {} %}}` is dropped, its content kept", tag.name))
                        .with_help("simplify the nesting"),
                        tag.line,
                        Some(tag.column),
                    );
                }
                skipped.push(tag.name);
            }
            Token::End { name, .. } if skipped.last() == Some(&name) => {
                skipped.pop();
            }
            Token::Open(tag) => match kind(&tag.name) {
                Kind::Container => stack.push(Frame {
                    tag,
                    children: Vec::new(),
                }),
                Kind::Leaf => current(&mut root, &mut stack).push(Node::Block {
                    tag,
                    children: Vec::new(),
                }),
                Kind::OptionalEnd => {
                    // The end tag is optional: only text up to a matching end tag is a caption.
                    let mut caption = Vec::new();
                    let mut rest: Vec<Token> = Vec::new();
                    let mut closed = false;
                    while let Some(next) = tokens.peek() {
                        match next {
                            Token::Text { .. } if rest.len() < 8 => rest.extend(tokens.next()),
                            Token::End { name, .. } if *name == tag.name => {
                                tokens.next();
                                closed = true;
                                break;
                            }
                            _ => break,
                        }
                    }
                    if closed {
                        for token in rest.drain(..) {
                            if let Token::Text { text, line } = token {
                                push_text(&mut caption, text, line);
                            }
                        }
                    }
                    current(&mut root, &mut stack).push(Node::Block {
                        tag,
                        children: caption,
                    });
                    for token in rest {
                        if let Token::Text { text, line } = token {
                            push_text(current(&mut root, &mut stack), text, line);
                        }
                    }
                }
                Kind::Unknown => {
                    report.push(
                        Diagnostic::warning(Code::UnknownTag, format!("unknown GitBook block `{{% {} %}}`; its content is kept, the tag is dropped", tag.name))
                            .with_help("check the tag's spelling, or remove it"),
                        tag.line,
                        Some(tag.column),
                    );
                }
            },
            Token::End { name, line, column } => {
                let Some(depth) = stack.iter().rposition(|frame| frame.tag.name == name) else {
                    // The end of an unknown block was already reported with its start.
                    if kind(&name) != Kind::Unknown {
                        report.push(
                            Diagnostic::error(
                                Code::StrayEndTag,
                                format!("`end{name}` closes no open `{name}` block; it is ignored"),
                            )
                            .with_help(format!(
                                "remove it, or add the `{{% {name} %}}` it should close"
                            )),
                            line,
                            Some(column),
                        );
                    }
                    continue;
                };
                while stack.len() > depth + 1 {
                    close(&mut root, &mut stack, report, true);
                }
                close(&mut root, &mut stack, report, false);
            }
        }
    }
    while !stack.is_empty() {
        close(&mut root, &mut stack, report, true);
    }
    root
}

fn current<'n>(root: &'n mut Vec<Node>, stack: &'n mut [Frame]) -> &'n mut Vec<Node> {
    match stack.last_mut() {
        Some(frame) => &mut frame.children,
        None => root,
    }
}

fn close(root: &mut Vec<Node>, stack: &mut Vec<Frame>, report: &mut Report<'_>, unclosed: bool) {
    let Some(frame) = stack.pop() else { return };
    if unclosed {
        let shown = if frame.tag.name == "details" {
            "<details>".to_owned()
        } else {
            format!("{{% {} %}}", frame.tag.name)
        };
        let end = if frame.tag.name == "details" {
            "</details>".to_owned()
        } else {
            format!("{{% end{} %}}", frame.tag.name)
        };
        report.push(
            Diagnostic::error(
                Code::UnclosedTag,
                format!("`{shown}` is never closed; livret closed it where its parent ends"),
            )
            .with_help(format!("add `{end}` where the block should end")),
            frame.tag.line,
            Some(frame.tag.column),
        );
    }
    current(root, stack).push(Node::Block {
        tag: frame.tag,
        children: frame.children,
    });
}

fn push_text(nodes: &mut Vec<Node>, text: String, line: u32) {
    if let Some(Node::Markdown {
        text: previous,
        last_line,
        ..
    }) = nodes.last_mut()
    {
        if *last_line + 1 == line {
            previous.push('\n');
            previous.push_str(&text);
            *last_line = line;
            return;
        }
    }
    if !text.trim().is_empty() {
        nodes.push(Node::Markdown {
            text,
            first_line: line,
            last_line: line,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> (Vec<Node>, Vec<Diagnostic>) {
        let mut diagnostics = Vec::new();
        let nodes = structure(
            text,
            1,
            &mut Report {
                path: "p.md",
                diagnostics: &mut diagnostics,
            },
        );
        (nodes, diagnostics)
    }

    fn names(nodes: &[Node]) -> Vec<String> {
        nodes
            .iter()
            .map(|node| match node {
                Node::Markdown {
                    text, first_line, ..
                } => format!("md@{first_line}:{}", text.trim()),
                Node::Block { tag, children } => {
                    format!("{}[{}]", tag.name, names(children).join(","))
                }
            })
            .collect()
    }

    #[test]
    fn nests_blocks() {
        let (nodes, diagnostics) = parse("a\n{% tabs %}\n{% tab title=\"Un\" %}\nx\n{% hint style=\"info\" %}\ny\n{% endhint %}\n{% endtab %}\n{% endtabs %}\nb");
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        assert_eq!(
            names(&nodes),
            vec!["md@1:a", "tabs[tab[md@4:x,hint[md@6:y]]]", "md@10:b"]
        );
    }

    #[test]
    fn tags_in_code_are_text() {
        let (nodes, _) = parse("```\n{% hint %}\n```\n`{% hint %}` inline");
        assert_eq!(
            names(&nodes),
            vec!["md@1:```\n{% hint %}\n```\n`{% hint %}` inline"]
        );
    }

    #[test]
    fn optional_end_tags() {
        let (nodes, diagnostics) = parse("{% embed url=\"https://a\" %}\ntext\n{% embed url=\"https://b\" %}\nLa légende\n{% endembed %}");
        assert!(diagnostics.is_empty());
        assert_eq!(
            names(&nodes),
            vec!["embed[]", "md@2:text", "embed[md@4:La légende]"]
        );
    }

    #[test]
    fn inline_tags_and_attributes() {
        let (nodes, _) = parse("{% tabs %}{% tab title='A b' %}texte{% endtab %}{% endtabs %}");
        assert_eq!(names(&nodes), vec!["tabs[tab[md@1:texte]]"]);
        let Node::Block { children, .. } = &nodes[0] else {
            panic!()
        };
        let Node::Block { tag, .. } = &children[0] else {
            panic!()
        };
        assert_eq!(tag.attribute("title"), Some("A b"));
    }

    #[test]
    fn unclosed_and_stray_tags_are_reported() {
        let (nodes, diagnostics) = parse("{% hint style=\"info\" %}\nx\n{% endtabs %}\n");
        let codes: Vec<_> = diagnostics
            .iter()
            .map(|d| (d.code.as_str(), d.line))
            .collect();
        assert_eq!(
            codes,
            vec![("stray-end-tag", Some(3)), ("unclosed-tag", Some(1))]
        );
        assert_eq!(names(&nodes), vec!["hint[md@2:x]"]);
    }

    #[test]
    fn missing_quote_is_reported() {
        let (nodes, diagnostics) = parse("{% embed url=\"https://a %}");
        assert_eq!(diagnostics[0].code, "malformed-attribute");
        let Node::Block { tag, .. } = &nodes[0] else {
            panic!()
        };
        assert_eq!(tag.attribute("url"), Some("https://a"));
    }

    #[test]
    fn details_lines_are_blocks() {
        let (nodes, diagnostics) =
            parse("<details>\n<summary>Pourquoi ?</summary>\n\nParce que.\n\n</details>");
        assert!(diagnostics.is_empty());
        let Node::Block { tag, .. } = &nodes[0] else {
            panic!()
        };
        assert_eq!(tag.attribute("summary"), Some("Pourquoi ?"));
    }

    /// Found by the fuzzer (tests/fuzz_parser.rs): `{%}` overlaps its own end and panicked.
    #[test]
    fn a_tag_start_overlapping_its_end_is_unclosed() {
        let (nodes, diagnostics) = parse("[%}](:x{%}{/y{)");
        assert_eq!(diagnostics[0].code, "unclosed-tag");
        assert_eq!(diagnostics[0].column, Some(8));
        assert_eq!(names(&nodes), vec!["md@1:[%}](:x{%}{/y{)"]);
        let (nodes, diagnostics) = parse("a {%} b %} c");
        assert_eq!(diagnostics[0].code, "unknown-tag", "{diagnostics:?}");
        assert_eq!(names(&nodes).first().map(String::as_str), Some("md@1:a"));
    }

    #[test]
    fn include_argument() {
        let (nodes, _) = parse("{% include \"../x.md\" %}");
        let Node::Block { tag, .. } = &nodes[0] else {
            panic!()
        };
        assert_eq!(tag.argument.as_deref(), Some("../x.md"));
    }
}
