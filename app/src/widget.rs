//! The element type every view returns, and small building blocks shared by screens.

use iced::widget::{center, column, container, mouse_area, opaque, stack, text};
use iced::{Alignment, Length};

use crate::icon::Icon;
use crate::theme::{self, size, space};

pub type Element<'a, Message> = iced::Element<'a, Message, iced::Theme, iced::Renderer>;

/// An avatar placeholder: initials on a colour derived from `id`.
pub fn avatar<'a, Message: 'a>(id: &str, initials: String, diameter: f32) -> Element<'a, Message> {
    let id = id.to_owned();
    container(text(initials).size(diameter * 0.38).font(theme::SEMIBOLD))
        .width(Length::Fixed(diameter))
        .height(Length::Fixed(diameter))
        .center_x(Length::Fixed(diameter))
        .center_y(Length::Fixed(diameter))
        .style(move |t| theme::container::avatar(theme::avatar_color(t, &id))(t))
        .into()
}

/// A centred icon, title and explanation, for empty or not-yet-available areas.
pub fn empty_state<'a, Message: 'a>(
    icon: Icon,
    title: String,
    body: String,
) -> Element<'a, Message> {
    empty_state_with(icon, title, body, None)
}

/// [`empty_state`] with something to do about it below the explanation.
pub fn empty_state_with<'a, Message: 'a>(
    icon: Icon,
    title: String,
    body: String,
    action: Option<Element<'a, Message>>,
) -> Element<'a, Message> {
    let content = column![
        icon.view(48.0, |t| theme::colors(t).muted),
        text(title).size(size::HEADING).font(theme::SEMIBOLD),
        text(body)
            .size(size::BODY)
            .style(theme::text::muted)
            .align_x(Alignment::Center),
    ]
    .push(action)
    .spacing(space::M)
    .align_x(Alignment::Center)
    .max_width(420);
    container(content)
        .center(Length::Fill)
        .padding(space::XL)
        .into()
}

/// `content` floating over a dimmed page. A click on the dimmed part sends `outside`; with
/// `None` the dialog must be answered.
pub fn dialog<'a, Message: Clone + 'a>(
    content: Element<'a, Message>,
    outside: Option<Message>,
) -> Element<'a, Message> {
    let scrim = container(column![])
        .width(Length::Fill)
        .height(Length::Fill)
        .style(theme::container::scrim);
    let mut scrim = mouse_area(scrim);
    if let Some(outside) = outside {
        scrim = scrim.on_press(outside);
    }
    opaque(stack![
        scrim,
        center(opaque(content))
            .padding(iced::Padding {
                top: 80.0,
                ..iced::Padding::ZERO
            })
            .align_top(Length::Fill)
    ])
}

/// `text` cut to at most `max` characters, ending in an ellipsis when cut.
pub fn ellipsize(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(max.saturating_sub(1)).collect();
    cut.truncate(cut.trim_end().len());
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    #[test]
    fn ellipsize_cuts_on_characters_not_bytes() {
        assert_eq!(super::ellipsize("short", 10), "short");
        assert_eq!(
            super::ellipsize("Grüße aus Köln und Bonn", 10),
            "Grüße aus…"
        );
        assert_eq!(super::ellipsize("abcdef", 3), "ab…");
    }
}
