//! Draws [`RichText`]: paragraphs and headings as styled spans, quotes with a bar, lists with
//! markers, code blocks in a monospace box. Links show where they really go.

use iced::widget::text::Span;
use iced::widget::{Column, column, container, rich_text, row, span, text};
use iced::{Font, Length, Padding};
use sparks_domain::{Block, Link, RichText, Span as RichSpan};

use crate::theme::{self, Colors, size, space};
use crate::widget::Element;

/// How deep quotes and lists nest on screen; deeper content is flattened.
const MAX_NESTING: usize = 6;

/// A message's rich text; clicking a link produces `on_link(link)`.
pub fn view<'a, M: Clone + 'a>(
    rich: &'a RichText,
    colors: &'static Colors,
    muted: bool,
    on_link: impl Fn(Link) -> M + Clone + 'a,
) -> Element<'a, M> {
    blocks(&rich.blocks, colors, muted, &on_link, 0)
}

fn blocks<'a, M: Clone + 'a>(
    blocks: &'a [Block],
    colors: &'static Colors,
    muted: bool,
    on_link: &(impl Fn(Link) -> M + Clone + 'a),
    depth: usize,
) -> Element<'a, M> {
    let mut out = Column::new().spacing(space::XS);
    for block in blocks {
        out = out.push(self::block(block, colors, muted, on_link, depth));
    }
    out.width(Length::Fill).into()
}

fn block<'a, M: Clone + 'a>(
    block: &'a Block,
    colors: &'static Colors,
    muted: bool,
    on_link: &(impl Fn(Link) -> M + Clone + 'a),
    depth: usize,
) -> Element<'a, M> {
    let deeper = (depth + 1).min(MAX_NESTING);
    match block {
        Block::Paragraph(spans) => paragraph(spans, colors, muted, on_link, size::BODY),
        Block::Heading { level, spans } => {
            let size = match level {
                1 => size::TITLE,
                2 => size::HEADING + 2.0,
                _ => size::HEADING,
            };
            paragraph(spans, colors, muted, on_link, size)
        }
        Block::Quote(inner) => row![
            container(column![])
                .width(Length::Fixed(3.0))
                .height(Length::Fill)
                .style(theme::container::quote_bar),
            blocks(inner, colors, true, on_link, deeper),
        ]
        .spacing(space::S)
        .height(Length::Shrink)
        .into(),
        Block::List { start, items } => {
            let mut list = Column::new().spacing(2);
            for (i, item) in items.iter().enumerate() {
                let marker = match start {
                    Some(first) => format!("{}.", first.saturating_add(i as u64)),
                    None => "•".to_owned(),
                };
                list = list.push(
                    row![
                        container(text(marker).size(size::BODY).style(theme::text::muted))
                            .width(Length::Fixed(22.0)),
                        blocks(item, colors, muted, on_link, deeper),
                    ]
                    .spacing(space::XS),
                );
            }
            list.into()
        }
        Block::Code(code) => container(
            text(code.as_str())
                .size(size::SMALL + 1.0)
                .font(Font::MONOSPACE),
        )
        .padding([space::S, space::M])
        .width(Length::Fill)
        .style(theme::container::code)
        .into(),
        Block::Rule => container(column![])
            .height(Length::Fixed(1.0))
            .width(Length::Fill)
            .style(theme::container::rule)
            .into(),
    }
}

fn paragraph<'a, M: Clone + 'a>(
    spans: &'a [RichSpan],
    colors: &'static Colors,
    muted: bool,
    on_link: &(impl Fn(Link) -> M + Clone + 'a),
    size: f32,
) -> Element<'a, M> {
    // Most messages are one plain run: a plain text widget is cheaper and reads the same.
    if let [only] = spans
        && only.link.is_none()
        && only.style == sparks_domain::Style::default()
    {
        return text(only.text.as_str())
            .size(size)
            .color(if muted { colors.muted } else { colors.text })
            .width(Length::Fill)
            .into();
    }
    let mut out: Vec<Span<'a, Link>> = Vec::with_capacity(spans.len());
    for rich in spans {
        out.extend(styled(rich, colors, muted));
    }
    let on_link = on_link.clone();
    rich_text(out)
        .size(size)
        .on_link_click(on_link)
        .width(Length::Fill)
        .into()
}

/// One span on screen; a link whose words differ from its target is followed by the target.
fn styled<'a>(rich: &'a RichSpan, colors: &'static Colors, muted: bool) -> Vec<Span<'a, Link>> {
    let font = Font {
        weight: if rich.style.bold {
            iced::font::Weight::Semibold
        } else {
            iced::font::Weight::Normal
        },
        style: if rich.style.italic {
            iced::font::Style::Italic
        } else {
            iced::font::Style::Normal
        },
        ..if rich.style.code {
            Font::MONOSPACE
        } else {
            theme::REGULAR
        }
    };
    let mut out = span(rich.text.as_str())
        .font(font)
        .underline(rich.style.underline)
        .strikethrough(rich.style.strike)
        .color(if muted { colors.muted } else { colors.text });
    if rich.style.code {
        out = out
            .background(colors.hover)
            // The border keeps it visible on a hovered or picked message, whose background
            // is the same tint.
            .border(iced::Border {
                color: colors.border,
                width: 1.0,
                radius: 3.0.into(),
            })
            .padding(Padding::from([0, 3]));
    }
    let Some(link) = &rich.link else {
        return vec![out];
    };
    match link {
        Link::User(_) | Link::Room(_) => vec![
            out.color(colors.primary)
                .background(colors.selected)
                .border(iced::Border::default().rounded(8))
                .padding(Padding::from([0, 5]))
                .link(link.clone()),
        ],
        Link::Web(target) => {
            let mut spans = vec![out.color(colors.primary).underline(true).link(link.clone())];
            if !shows_target(&rich.text, target) {
                spans.push(
                    span(format!(" ({target})"))
                        .size(size::SMALL)
                        .color(colors.muted)
                        .link(link.clone()),
                );
            }
            spans
        }
    }
}

/// Whether a link's words already are its target (ignoring the scheme and a trailing slash).
fn shows_target(words: &str, target: &str) -> bool {
    let bare = |s: &str| {
        let s = s.trim();
        let s = s
            .strip_prefix("https://")
            .or_else(|| s.strip_prefix("http://"))
            .or_else(|| s.strip_prefix("mailto:"))
            .unwrap_or(s);
        s.trim_end_matches('/').to_lowercase()
    };
    bare(words) == bare(target)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_link_shows_its_target_unless_the_words_are_the_target() {
        assert!(super::shows_target(
            "https://sparks.example/",
            "https://sparks.example"
        ));
        assert!(super::shows_target(
            "sparks.example",
            "https://sparks.example/"
        ));
        assert!(!super::shows_target(
            "https://bank.example",
            "https://evil.example"
        ));
        assert!(!super::shows_target("click here", "https://sparks.example"));
    }
}
