//! The Matrix HTML subset of `formatted_body`, sanitized and reduced to [`RichText`].
//!
//! ruma-html parses (html5ever) and sanitizes: tags and attributes the spec does not suggest are
//! removed (their text stays), links keep only the spec's schemes, the reply fallback goes. What
//! is left is walked into blocks and spans. Images are never fetched: an `<img>` shows its alt
//! text. Input that could only be abusive (thousands of tags, endless text) is cut short.

use ruma::events::room::message::{FormattedBody, MessageFormat};
use ruma::html::matrix::{MatrixElement, SpanData};
use ruma::html::{Html, NodeData, NodeRef, SanitizerConfig};
use ruma::{MatrixToUri, MatrixUri, matrix_uri::MatrixId};
use sparks_domain::{Block, Link, RichText, Span, Style};

/// More characters than this are not shown; a message this long is not meant to be read.
const MAX_CHARS: usize = 20_000;
/// More tags than this and the message is shown as its plain body. Parsing and walking stay
/// cheap, and deeply nested trees never reach recursive code.
const MAX_TAGS: usize = 2_000;
/// Elements nested deeper than this are dropped by the sanitizer.
const MAX_DEPTH: u32 = 24;

/// A message's text: its HTML when it has some (and it says something), else its plain body.
pub(crate) fn rich_text(body: &str, formatted: Option<&FormattedBody>) -> RichText {
    formatted
        .filter(|formatted| formatted.format == MessageFormat::Html)
        .and_then(|formatted| from_html(&formatted.body))
        .unwrap_or_else(|| plain(body))
}

fn plain(body: &str) -> RichText {
    match body.char_indices().nth(MAX_CHARS) {
        Some((cut, _)) => RichText::plain(&format!("{}…", &body[..cut])),
        None => RichText::plain(body),
    }
}

fn from_html(html: &str) -> Option<RichText> {
    if html.matches('<').count() > MAX_TAGS {
        return None;
    }
    let tree = Html::parse(html);
    tree.sanitize_with(
        &SanitizerConfig::compat()
            // Unknown tags keep their text; these would only leak code or markup as text.
            .remove_elements(["script", "style", "head", "title", "template", "noscript"])
            .remove_reply_fallback()
            .max_depth(MAX_DEPTH),
    );
    let mut walk = Walk {
        budget: MAX_CHARS,
        depth: 0,
    };
    let blocks = walk.blocks(tree.children());
    (!blocks.is_empty()).then_some(RichText { blocks })
}

struct Walk {
    /// Characters still allowed.
    budget: usize,
    depth: u32,
}

/// Inline text gathered until the next block starts.
#[derive(Default)]
struct Line(Vec<Span>);

impl Line {
    fn push(&mut self, text: &str, style: Style, link: Option<&Link>) {
        if let Some(last) = self.0.last_mut()
            && last.style == style
            && last.link.as_ref() == link
        {
            last.text.push_str(text);
            return;
        }
        self.0.push(Span {
            text: text.to_owned(),
            style,
            link: link.cloned(),
        });
    }

    fn at_line_start(&self) -> bool {
        self.0
            .last()
            .is_none_or(|span| span.text.is_empty() || span.text.ends_with(['\n', ' ']))
    }

    /// The spans so far, trimmed, leaving the line empty.
    fn take(&mut self) -> Vec<Span> {
        let mut spans = std::mem::take(&mut self.0);
        if let Some(last) = spans.last_mut() {
            let trimmed = last.text.trim_end().len();
            last.text.truncate(trimmed);
        }
        spans.retain(|span| !span.text.is_empty());
        spans
    }

    fn flush_into(&mut self, out: &mut Vec<Block>) {
        let spans = self.take();
        if !spans.is_empty() {
            out.push(Block::Paragraph(spans));
        }
    }
}

impl Walk {
    fn blocks(&mut self, children: impl Iterator<Item = NodeRef>) -> Vec<Block> {
        let mut out = Vec::new();
        let mut line = Line::default();
        for child in children {
            self.node(&child, &mut out, &mut line, Style::default(), None);
        }
        line.flush_into(&mut out);
        out
    }

    fn text(&mut self, text: &str, line: &mut Line, style: Style, link: Option<&Link>) {
        if self.budget == 0 {
            return;
        }
        let mut collapsed = String::with_capacity(text.len());
        let mut space = line.at_line_start();
        for c in text.chars() {
            if c.is_whitespace() {
                if !space {
                    collapsed.push(' ');
                    space = true;
                }
            } else {
                collapsed.push(c);
                space = false;
            }
        }
        if let Some((cut, _)) = collapsed.char_indices().nth(self.budget) {
            collapsed.truncate(cut);
            collapsed.push('…');
            self.budget = 0;
        } else {
            self.budget -= collapsed.chars().count();
        }
        if !collapsed.is_empty() {
            line.push(&collapsed, style, link);
        }
    }

    fn node(
        &mut self,
        node: &NodeRef,
        out: &mut Vec<Block>,
        line: &mut Line,
        style: Style,
        link: Option<&Link>,
    ) {
        let element = match node.data() {
            NodeData::Text(text) => return self.text(&text.borrow(), line, style, link),
            NodeData::Element(element) => element.to_matrix().element,
            NodeData::Document | NodeData::Other => return,
        };
        if self.depth > MAX_DEPTH {
            return;
        }
        self.depth += 1;
        let inline = |walk: &mut Walk, out: &mut Vec<Block>, line: &mut Line, style, link| {
            for child in node.children() {
                walk.node(&child, out, line, style, link);
            }
        };
        match element {
            MatrixElement::B | MatrixElement::Strong => inline(
                self,
                out,
                line,
                Style {
                    bold: true,
                    ..style
                },
                link,
            ),
            MatrixElement::I | MatrixElement::Em => inline(
                self,
                out,
                line,
                Style {
                    italic: true,
                    ..style
                },
                link,
            ),
            MatrixElement::S | MatrixElement::Del => inline(
                self,
                out,
                line,
                Style {
                    strike: true,
                    ..style
                },
                link,
            ),
            MatrixElement::U => inline(
                self,
                out,
                line,
                Style {
                    underline: true,
                    ..style
                },
                link,
            ),
            MatrixElement::Code(_) => inline(
                self,
                out,
                line,
                Style {
                    code: true,
                    ..style
                },
                link,
            ),
            MatrixElement::A(_) => {
                let target = href(node).map(|href| link_to(&href));
                inline(self, out, line, style, target.as_ref().or(link));
            }
            MatrixElement::Span(SpanData {
                spoiler: Some(_), ..
            }) => {
                // Spoilers stay hidden behind a label rather than leaking their text.
                self.text("▒▒▒", line, style, link);
            }
            MatrixElement::Br => line.push("\n", style, link),
            MatrixElement::Img(image) => {
                if let Some(alt) = image.alt.filter(|alt| !alt.trim().is_empty()) {
                    self.text(&format!("[{alt}]"), line, style, link);
                }
            }
            MatrixElement::Hr => {
                line.flush_into(out);
                out.push(Block::Rule);
            }
            MatrixElement::Pre => {
                line.flush_into(out);
                let mut code = String::new();
                collect_text(node, &mut code, &mut self.budget);
                let code = code.trim_end_matches('\n').to_owned();
                if !code.is_empty() {
                    out.push(Block::Code(code));
                }
            }
            MatrixElement::H(heading) => {
                line.flush_into(out);
                let mut inner = Vec::new();
                let mut spans = Line::default();
                inline(
                    self,
                    &mut inner,
                    &mut spans,
                    Style {
                        bold: true,
                        ..Style::default()
                    },
                    None,
                );
                let spans = spans.take();
                if !spans.is_empty() {
                    out.push(Block::Heading {
                        level: heading.level.value(),
                        spans,
                    });
                }
                out.extend(inner);
            }
            MatrixElement::Blockquote => {
                line.flush_into(out);
                let quoted = self.blocks(node.children());
                if !quoted.is_empty() {
                    out.push(Block::Quote(quoted));
                }
            }
            MatrixElement::Ul | MatrixElement::Ol(_) => {
                line.flush_into(out);
                let start = match &element {
                    MatrixElement::Ol(list) => Some(list.start.unwrap_or(1).clamp(0, 1_000_000)),
                    _ => None,
                };
                let items: Vec<Vec<Block>> = node
                    .children()
                    .filter(|child| {
                        child.as_element().is_some_and(|element| {
                            matches!(element.to_matrix().element, MatrixElement::Li)
                        })
                    })
                    .map(|item| self.blocks(item.children()))
                    .collect();
                if !items.is_empty() {
                    out.push(Block::List {
                        start: start.map(|n| n as u64),
                        items,
                    });
                }
            }
            MatrixElement::MatrixReply => {}
            // Paragraphs and other block containers: their content stands on its own lines.
            MatrixElement::P
            | MatrixElement::Div(_)
            | MatrixElement::Li
            | MatrixElement::Table
            | MatrixElement::Thead
            | MatrixElement::Tbody
            | MatrixElement::Tr
            | MatrixElement::Caption
            | MatrixElement::Details
            | MatrixElement::Summary => {
                line.flush_into(out);
                inline(self, out, line, Style::default(), None);
                line.flush_into(out);
            }
            MatrixElement::Td | MatrixElement::Th => {
                if !line.at_line_start() {
                    line.push(" · ", style, link);
                }
                inline(self, out, line, style, link);
            }
            // Sup, sub, font-like spans and anything unknown: the text, as it is.
            _ => inline(self, out, line, style, link),
        }
        self.depth -= 1;
    }
}

/// The raw `href` of a link, if the sanitizer left one.
fn href(node: &NodeRef) -> Option<String> {
    let element = node.as_element()?;
    let attrs = element.attrs.borrow();
    attrs
        .iter()
        .find(|attr| &*attr.name.local == "href")
        .map(|attr| attr.value.to_string())
}

fn link_to(href: &str) -> Link {
    let id = MatrixToUri::parse(href)
        .map(|uri| uri.id().clone())
        .or_else(|_| MatrixUri::parse(href).map(|uri| uri.id().clone()));
    match id {
        Ok(MatrixId::User(user)) => Link::User(user.to_string()),
        Ok(MatrixId::Room(room)) => Link::Room(room.to_string()),
        Ok(MatrixId::RoomAlias(alias)) => Link::Room(alias.to_string()),
        _ => Link::Web(href.to_owned()),
    }
}

fn collect_text(node: &NodeRef, out: &mut String, budget: &mut usize) {
    for child in node.children() {
        if *budget == 0 {
            return;
        }
        match child.data() {
            NodeData::Text(text) => {
                let text = text.borrow();
                let taken: String = text.chars().take(*budget).collect();
                *budget -= taken.chars().count();
                out.push_str(&taken);
            }
            NodeData::Element(element)
                if matches!(element.to_matrix().element, MatrixElement::Br) =>
            {
                out.push('\n');
            }
            _ => collect_text(&child, out, budget),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn html(body: &str) -> RichText {
        rich_text("fallback", Some(&FormattedBody::html(body)))
    }

    fn span(text: &str, style: Style) -> Span {
        Span {
            text: text.into(),
            style,
            link: None,
        }
    }

    const BOLD: Style = Style {
        bold: true,
        italic: false,
        strike: false,
        underline: false,
        code: false,
    };

    #[test]
    fn inline_styles_become_spans() {
        let rich = html("Hello <b>big <i>world</i></b> and <code>x()</code>");
        let Block::Paragraph(spans) = &rich.blocks[0] else {
            panic!("{rich:?}")
        };
        assert_eq!(spans[0], span("Hello ", Style::default()));
        assert_eq!(spans[1], span("big ", BOLD));
        assert_eq!(
            spans[2],
            span(
                "world",
                Style {
                    italic: true,
                    ..BOLD
                }
            )
        );
        assert!(spans[4].style.code);
    }

    #[test]
    fn blocks_lists_quotes_and_code() {
        let rich = html(
            "<h2>Plan</h2>\n<ol start=\"3\">\n<li>one</li>\n<li>two</li>\n</ol>\
             <blockquote><p>said</p></blockquote><pre><code class=\"language-rust\">fn main() {\n    x\n}\n</code></pre><hr>",
        );
        assert_eq!(
            rich.blocks[0],
            Block::Heading {
                level: 2,
                spans: vec![span("Plan", BOLD)]
            }
        );
        let Block::List { start, items } = &rich.blocks[1] else {
            panic!("{rich:?}")
        };
        assert_eq!((*start, items.len()), (Some(3), 2));
        assert!(matches!(&rich.blocks[2], Block::Quote(inner) if inner.len() == 1));
        assert_eq!(rich.blocks[3], Block::Code("fn main() {\n    x\n}".into()));
        assert_eq!(rich.blocks[4], Block::Rule);
    }

    #[test]
    fn links_keep_their_real_target_and_mentions_become_user_links() {
        let rich = html(
            "<a href=\"https://evil.example/x\">https://bank.example</a> \
             <a href=\"https://matrix.to/#/@bob:example.org\">Bob</a> \
             <a href=\"javascript:alert(1)\">click</a>",
        );
        let Block::Paragraph(spans) = &rich.blocks[0] else {
            panic!("{rich:?}")
        };
        assert_eq!(
            spans[0].link,
            Some(Link::Web("https://evil.example/x".into()))
        );
        assert_eq!(spans[2].link, Some(Link::User("@bob:example.org".into())));
        // A forbidden scheme loses its link but keeps its words.
        assert_eq!(
            spans.last().map(|s| (s.text.trim(), &s.link)),
            Some(("click", &None))
        );
    }

    #[test]
    fn unknown_and_dangerous_tags_are_dropped_and_images_not_fetched() {
        let rich = html(
            "<script>alert(1)</script><style>p{}</style><blink>hi</blink> \
             <img src=\"https://tracker.example/p.png\" alt=\"cat\"><iframe src=\"x\"></iframe>",
        );
        assert_eq!(rich.to_plain(), "hi [cat]");
    }

    #[test]
    fn broken_html_still_reads() {
        assert_eq!(
            html("<script>alert(1)</script><b>unclosed <i>tags").to_plain(),
            "unclosed tags"
        );
        let rich = html("<b>unclosed <i>tags <ul><li>item</p></b>");
        assert!(rich.to_plain().contains("unclosed tags"), "{rich:?}");
        assert!(rich.to_plain().contains("item"), "{rich:?}");
    }

    #[test]
    fn abusive_html_falls_back_or_is_cut() {
        let nested = "<b>".repeat(30_000) + "deep";
        assert_eq!(html(&nested).to_plain(), "fallback");
        let long = format!("<p>{}</p>", "a".repeat(100_000));
        let text = html(&long).to_plain();
        assert_eq!(text.chars().count(), MAX_CHARS + 1);
        assert!(text.ends_with('…'));
    }

    #[test]
    fn empty_html_uses_the_plain_body() {
        assert_eq!(html("<p> </p>").to_plain(), "fallback");
        assert_eq!(rich_text("just text", None).to_plain(), "just text");
    }

    #[test]
    fn spoilers_stay_hidden() {
        let rich = html("the end: <span data-mx-spoiler>he dies</span>");
        assert!(!rich.to_plain().contains("dies"), "{rich:?}");
    }
}
