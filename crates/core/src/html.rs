//! The small, regular HTML GitBook writes (figures, card tables, marks, anchors), tokenised;
//! any other HTML goes through ammonia's sanitizer.

/// One piece of HTML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Token {
    Start {
        name: String,
        attributes: Vec<(String, String)>,
        self_closing: bool,
    },
    End {
        name: String,
    },
    Text(String),
}

impl Token {
    pub fn attribute(&self, key: &str) -> Option<&str> {
        match self {
            Token::Start { attributes, .. } => attributes
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.as_str()),
            _ => None,
        }
    }

    pub fn is_start(&self, tag: &str) -> bool {
        matches!(self, Token::Start { name, .. } if name == tag)
    }

    pub fn is_end(&self, tag: &str) -> bool {
        matches!(self, Token::End { name } if name == tag)
    }
}

/// Splits HTML into tags and text; comments and doctypes are dropped, entities in text decoded.
pub fn tokenize(html: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut rest = html;
    while !rest.is_empty() {
        let Some(open) = rest.find('<') else {
            push_text(&mut tokens, rest);
            break;
        };
        push_text(&mut tokens, &rest[..open]);
        rest = &rest[open..];
        if let Some(after) = rest.strip_prefix("<!--") {
            rest = after.find("-->").map_or("", |end| &after[end + 3..]);
            continue;
        }
        let Some(close) = tag_end(rest) else {
            push_text(&mut tokens, rest);
            break;
        };
        let inner = &rest[1..close];
        rest = &rest[close + 1..];
        if let Some(name) = inner.strip_prefix('/') {
            tokens.push(Token::End {
                name: name.trim().to_ascii_lowercase(),
            });
        } else if inner.starts_with('!') || inner.starts_with('?') {
            continue;
        } else if let Some(token) = parse_start(inner) {
            tokens.push(token);
        } else {
            push_text(&mut tokens, &format!("<{inner}>"));
        }
    }
    tokens
}

/// Index of the `>` closing the tag at the start of `text`, skipping quoted attribute values.
fn tag_end(text: &str) -> Option<usize> {
    let mut quote = None;
    for (index, c) in text.char_indices().skip(1) {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return Some(index),
            (None, '<') => return None,
            _ => {}
        }
    }
    None
}

fn parse_start(inner: &str) -> Option<Token> {
    let self_closing = inner.ends_with('/');
    let inner = inner.trim_end_matches('/');
    let name_end = inner
        .find(|c: char| c.is_whitespace())
        .unwrap_or(inner.len());
    let name = inner[..name_end].to_ascii_lowercase();
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return None;
    }
    let mut attributes = Vec::new();
    let mut rest = inner[name_end..].trim_start();
    while !rest.is_empty() {
        let key_end = rest
            .find(|c: char| c.is_whitespace() || c == '=')
            .unwrap_or(rest.len());
        let key = rest[..key_end].to_ascii_lowercase();
        rest = rest[key_end..].trim_start();
        let mut value = String::new();
        if let Some(after) = rest.strip_prefix('=') {
            let after = after.trim_start();
            let (raw, remaining) = match after.chars().next() {
                Some(q @ ('"' | '\'')) => {
                    let body = &after[1..];
                    let end = body.find(q).unwrap_or(body.len());
                    (&body[..end], body.get(end + 1..).unwrap_or(""))
                }
                _ => {
                    let end = after.find(char::is_whitespace).unwrap_or(after.len());
                    (&after[..end], &after[end..])
                }
            };
            value = decode_entities(raw);
            rest = remaining.trim_start();
        }
        if !key.is_empty() {
            attributes.push((key, value));
        }
    }
    Some(Token::Start {
        name,
        attributes,
        self_closing,
    })
}

fn push_text(tokens: &mut Vec<Token>, text: &str) {
    if text.is_empty() {
        return;
    }
    let text = decode_entities(text);
    if let Some(Token::Text(previous)) = tokens.last_mut() {
        previous.push_str(&text);
    } else {
        tokens.push(Token::Text(text));
    }
}

pub use livret_text::decode_entities;

/// Plain text of a token run, whitespace collapsed.
pub fn text_of(tokens: &[Token]) -> String {
    let text: String = tokens
        .iter()
        .filter_map(|token| match token {
            Token::Text(text) => Some(text.as_str()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join(" ");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Raw HTML made safe: no scripts, no event handlers, no `javascript:` URLs.
pub fn sanitize(html: &str) -> String {
    ammonia::Builder::default()
        .link_rel(Some("noopener noreferrer"))
        .clean(html)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokenizes_gitbook_figures() {
        let tokens = tokenize(
            r#"<figure><img src="a b.png" alt="Un &amp; deux" width="188"><figcaption><p>Légende</p></figcaption></figure>"#,
        );
        assert_eq!(tokens[1].attribute("src"), Some("a b.png"));
        assert_eq!(tokens[1].attribute("alt"), Some("Un & deux"));
        assert_eq!(text_of(&tokens), "Légende");
    }

    #[test]
    fn boolean_attributes_and_unclosed_tags() {
        let tokens = tokenize("<th data-hidden data-card-target data-type=\"content-ref\"><br>");
        assert_eq!(tokens[0].attribute("data-hidden"), Some(""));
        assert_eq!(tokens[0].attribute("data-type"), Some("content-ref"));
        assert!(tokens[1].is_start("br"));
    }

    #[test]
    fn broken_entities_are_kept_as_written_as_browsers_do() {
        assert_eq!(
            decode_entities("a&#x20;b&#xNAN;c &amp; d & e &eacute;"),
            "a b&#xNAN;c & d & e é"
        );
    }

    #[test]
    fn sanitizer_removes_scripts_and_handlers() {
        let clean = sanitize(
            r#"<p onclick="x()">hi<script>alert(1)</script><a href="javascript:alert(1)">l</a></p>"#,
        );
        assert!(
            !clean.contains("script")
                && !clean.contains("onclick")
                && !clean.contains("javascript"),
            "{clean}"
        );
    }
}
