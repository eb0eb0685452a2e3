//! Formatted message text: the Matrix HTML subset reduced to blocks and styled spans. Whoever
//! builds one has already dropped everything unsafe; the app only draws it.

use serde::{Deserialize, Serialize};

/// A message's text, as blocks of styled spans.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RichText {
    pub blocks: Vec<Block>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Block {
    Paragraph(Vec<Span>),
    Heading {
        level: u8,
        spans: Vec<Span>,
    },
    Quote(Vec<Block>),
    /// `start` is the first number of an ordered list; `None` for bullets.
    List {
        start: Option<u64>,
        items: Vec<Vec<Block>>,
    },
    /// Preformatted text, shown verbatim in a monospace font.
    Code(String),
    Rule,
}

/// A run of text with one style.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    pub text: String,
    pub style: Style,
    pub link: Option<Link>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Style {
    pub bold: bool,
    pub italic: bool,
    pub strike: bool,
    pub underline: bool,
    pub code: bool,
}

/// Where a span points.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Link {
    /// An ordinary link; the string is the real target, whatever the text says.
    Web(String),
    /// A mention of a user, by Matrix user id.
    User(String),
    /// A room, by id or alias.
    Room(String),
}

impl RichText {
    /// Unformatted text, one paragraph per blank-line-separated part.
    pub fn plain(text: &str) -> RichText {
        let blocks = text
            .split("\n\n")
            .filter(|part| !part.trim().is_empty())
            .map(|part| {
                Block::Paragraph(vec![Span {
                    text: part.trim_matches('\n').to_owned(),
                    ..Span::default()
                }])
            })
            .collect();
        RichText { blocks }
    }

    /// The words without formatting: for previews, search and accessibility.
    pub fn to_plain(&self) -> String {
        let mut out = String::new();
        for block in &self.blocks {
            if !out.is_empty() {
                out.push('\n');
            }
            block.write_plain(&mut out);
        }
        out
    }

    pub fn is_empty(&self) -> bool {
        self.blocks.is_empty()
    }
}

impl From<&str> for RichText {
    fn from(text: &str) -> RichText {
        RichText::plain(text)
    }
}

impl Block {
    fn write_plain(&self, out: &mut String) {
        let spans = |out: &mut String, spans: &[Span]| {
            for span in spans {
                out.push_str(&span.text);
            }
        };
        match self {
            Block::Paragraph(s) | Block::Heading { spans: s, .. } => spans(out, s),
            Block::Quote(blocks) => {
                for (i, block) in blocks.iter().enumerate() {
                    if i > 0 {
                        out.push('\n');
                    }
                    out.push_str("> ");
                    block.write_plain(out);
                }
            }
            Block::List { start, items } => {
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push('\n');
                    }
                    match start {
                        Some(first) => out.push_str(&format!("{}. ", first + i as u64)),
                        None => out.push_str("• "),
                    }
                    for block in item {
                        block.write_plain(out);
                    }
                }
            }
            Block::Code(code) => out.push_str(code),
            Block::Rule => out.push_str("———"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_splits_into_paragraphs_at_blank_lines() {
        let rich = RichText::plain("one\ntwo\n\n\nthree\n");
        assert_eq!(rich.blocks.len(), 2);
        assert_eq!(rich.to_plain(), "one\ntwo\nthree");
    }

    #[test]
    fn lists_and_quotes_read_as_text() {
        let para = |t: &str| {
            Block::Paragraph(vec![Span {
                text: t.into(),
                ..Span::default()
            }])
        };
        let rich = RichText {
            blocks: vec![
                Block::List {
                    start: Some(3),
                    items: vec![vec![para("a")], vec![para("b")]],
                },
                Block::Quote(vec![para("said")]),
            ],
        };
        assert_eq!(rich.to_plain(), "3. a\n4. b\n> said");
    }
}
