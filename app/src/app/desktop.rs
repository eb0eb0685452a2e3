//! What the app asks of the desktop: notifications and opening links.

use sparks_domain::Notification;

/// Shows a desktop notification (freedesktop notification spec on Linux). A desktop without a
/// notification service is not an error worth more than a log line.
pub(super) fn show_notification(notification: &Notification, fallback: &str) {
    let title = if notification.sender_name == notification.room_name {
        notification.sender_name.clone()
    } else {
        format!("{} · {}", notification.sender_name, notification.room_name)
    };
    let body = notification.body.as_deref().unwrap_or(fallback);
    let sound = notification.sound.then_some("message-new-instant");
    notify(&title, body, sound);
}

/// Something due now (a reminder, a call that started) as a desktop notification.
pub(super) fn alert(summary: &str) {
    notify(summary, "", Some("alarm-clock-elapsed"));
}

fn notify(summary: &str, body: &str, sound: Option<&str>) {
    let mut desktop = notify_rust::Notification::new();
    desktop
        .appname("Sparks")
        .summary(summary)
        .body(body)
        .icon("org.sparks.Sparks");
    if let Some(sound) = sound {
        desktop.sound_name(sound);
    }
    if let Err(error) = desktop.show() {
        tracing::info!(%error, "no desktop notification service");
    }
}

/// Opens a web or mail link in the desktop's browser or mail program. Other schemes (the
/// sanitizer also lets `ftp:` and `magnet:` through) are not handed to the desktop.
pub(super) fn open_link(url: &str) {
    let allowed = ["https://", "http://", "mailto:"];
    if !allowed.iter().any(|scheme| url.starts_with(scheme)) {
        tracing::warn!(url, "not opening a link of this kind");
        return;
    }
    if let Err(error) = open::that_detached(url) {
        tracing::error!(%error, url, "could not open the link");
    }
}
