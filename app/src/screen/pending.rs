//! Services that are not connected yet: an honest explanation instead of fake data.

use sparks_i18n::I18n;

use crate::icon::Icon;
use crate::widget::{self, Element};

/// A service whose backend is not connected yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    Meetings,
    Calendar,
    Files,
    Assistant,
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

    fn keys(self) -> (&'static str, &'static str) {
        match self {
            Service::Meetings => ("meetings-title", "meetings-pending"),
            Service::Calendar => ("calendar-title", "calendar-pending"),
            Service::Files => ("files-title", "files-pending"),
            Service::Assistant => ("assistant-title", "assistant-pending"),
        }
    }
}

pub fn view<'a, Message: 'a>(service: Service, i18n: &I18n) -> Element<'a, Message> {
    let (title, body) = service.keys();
    let title = format!("{} · {}", i18n.tr(title), i18n.tr("pending-title"));
    widget::empty_state(service.icon(), title, i18n.tr(body))
}
