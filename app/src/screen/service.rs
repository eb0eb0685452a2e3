//! The pages of the services the Sparks middleware provides (meetings, calendar, files, the
//! assistant) while they cannot show anything yet: what the organisation has set up, honestly.

use iced::widget::{button, text};
use sparks_i18n::I18n;
use sparks_middleware_client::Services;

use crate::icon::Icon;
use crate::theme;
use crate::widget::{self, Element};

/// A service the middleware provides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    Meetings,
    Calendar,
    Files,
    Assistant,
}

/// What is known about the organisation's services.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Offer {
    /// Still asking the middleware.
    #[default]
    Checking,
    /// The homeserver announces no Sparks middleware.
    NoMiddleware,
    /// What the middleware says the organisation has.
    Known(Services),
    /// The middleware could not be asked: why, as a sentence.
    Failed(String),
}

impl Offer {
    /// Whether the organisation has set `service` up.
    pub fn has(&self, service: Service) -> bool {
        let Offer::Known(services) = self else {
            return false;
        };
        match service {
            Service::Meetings => services.meetings,
            Service::Calendar => services.calendar || services.contacts,
            Service::Files => services.files,
            Service::Assistant => services.assistant,
        }
    }
}

impl Service {
    fn icon(self) -> Icon {
        match self {
            Service::Meetings => Icon::Meetings,
            Service::Calendar => Icon::Calendar,
            Service::Files => Icon::Files,
            Service::Assistant => Icon::Assistant,
        }
    }

    /// The page title, and what to say when there is no middleware, when the organisation has
    /// not set the service up, and when it has.
    fn keys(self) -> [&'static str; 4] {
        match self {
            Service::Meetings => [
                "meetings-title",
                "meetings-pending",
                "meetings-not-set-up",
                "meetings-ready",
            ],
            Service::Calendar => [
                "calendar-title",
                "calendar-pending",
                "calendar-not-set-up",
                "calendar-ready",
            ],
            Service::Files => [
                "files-title",
                "files-pending",
                "files-not-set-up",
                "files-ready",
            ],
            Service::Assistant => [
                "assistant-title",
                "assistant-pending",
                "assistant-not-set-up",
                "assistant-ready",
            ],
        }
    }
}

/// The page of `service`; `retry` asks the middleware again after a failure.
pub fn view<'a, Message: Clone + 'a>(
    service: Service,
    offer: &Offer,
    i18n: &I18n,
    retry: Message,
) -> Element<'a, Message> {
    let [title, no_middleware, not_set_up, ready] = service.keys();
    let title = i18n.tr(title);
    let (title, body) = match offer {
        Offer::Checking => (title, i18n.tr("services-checking")),
        Offer::NoMiddleware => (
            format!("{title} · {}", i18n.tr("pending-title")),
            i18n.tr(no_middleware),
        ),
        Offer::Known(_) if offer.has(service) => (title, i18n.tr(ready)),
        Offer::Known(_) => (
            format!("{title} · {}", i18n.tr("not-set-up-title")),
            i18n.tr(not_set_up),
        ),
        Offer::Failed(reason) => {
            let again = button(text(i18n.tr("services-retry")))
                .style(theme::button::secondary)
                .padding([theme::space::S, theme::space::L])
                .on_press(retry);
            return widget::empty_state_with(
                service.icon(),
                title,
                reason.clone(),
                Some(again.into()),
            );
        }
    };
    widget::empty_state(service.icon(), title, body)
}
