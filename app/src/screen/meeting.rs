//! A meeting under way: everyone's picture (or their initials while there is none), who is
//! speaking, and the controls: microphone, camera, leave. The call runs in `sparks-call`; this
//! screen only draws its events and asks for changes.

use std::collections::HashSet;

use iced::widget::{Space, button, column, container, image, row, text};
use iced::{Alignment, ContentFit, Length};
use sparks_call::{CallEvent, Quality, TrackKind};
use sparks_devices::DeviceKind;
use sparks_i18n::I18n;

use crate::icon::Icon;
use crate::theme::{self, space};
use crate::widget::{self, Element};

/// Where the meeting is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Phase {
    /// Asking for a token and connecting.
    Joining,
    Live,
    /// The connection dropped; the call is being resumed.
    Reconnecting,
    /// Over: left, or why it ended (a sentence for the user).
    Ended(Option<String>),
}

/// One person in the meeting as a tile.
#[derive(Debug, Clone)]
struct Tile {
    identity: String,
    /// Their Matrix user id (what the middleware's tokens name them).
    name: String,
    picture: Option<image::Handle>,
    /// Their video track, while they publish one.
    video: Option<String>,
    audio_muted: bool,
    video_muted: bool,
    quality: Option<Quality>,
}

pub struct Meeting {
    room_id: String,
    title: String,
    phase: Phase,
    /// Our LiveKit identity, once joined.
    me: Option<String>,
    others: Vec<Tile>,
    speaking: HashSet<String>,
    mic_on: bool,
    camera_on: bool,
    /// Devices that could not be used, each with a sentence.
    notices: Vec<(DeviceKind, String)>,
}

#[derive(Debug, Clone)]
pub enum Message {
    Mic,
    Camera,
    Leave,
    /// Back to where the user was, after the meeting ended.
    Close,
    /// Joined as this LiveKit identity; devices that could not be opened, as sentences.
    Joined {
        identity: String,
        notices: Vec<(DeviceKind, String)>,
    },
    /// Another device of this kind is in use now; why it cannot be, if so.
    Switched(DeviceKind, Option<String>),
    /// Joining failed: why.
    Failed(String),
    Call(CallEvent),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    None,
    Mute(TrackKind, bool),
    Leave,
    Close,
}

impl Meeting {
    /// A meeting in `room_id`, being joined; `title` is what the room is called.
    pub fn new(room_id: String, title: String) -> Meeting {
        Meeting {
            room_id,
            title,
            phase: Phase::Joining,
            me: None,
            others: Vec::new(),
            speaking: HashSet::new(),
            mic_on: true,
            camera_on: true,
            notices: Vec::new(),
        }
    }

    pub fn room_id(&self) -> &str {
        &self.room_id
    }

    pub fn phase(&self) -> &Phase {
        &self.phase
    }

    /// Whether the call is joined or being joined (not over).
    pub fn is_on(&self) -> bool {
        !matches!(self.phase, Phase::Ended(_))
    }

    /// The Matrix ids of the others in the meeting, in the order they came.
    pub fn participants(&self) -> Vec<&str> {
        self.others.iter().map(|t| t.name.as_str()).collect()
    }

    fn tile(&mut self, identity: &str) -> Option<&mut Tile> {
        self.others.iter_mut().find(|t| t.identity == identity)
    }

    pub fn update(&mut self, message: Message) -> Action {
        match message {
            Message::Mic => {
                self.mic_on = !self.mic_on;
                return Action::Mute(TrackKind::Audio, !self.mic_on);
            }
            Message::Camera => {
                self.camera_on = !self.camera_on;
                return Action::Mute(TrackKind::Video, !self.camera_on);
            }
            Message::Leave => {
                self.phase = Phase::Ended(None);
                return Action::Leave;
            }
            Message::Close => return Action::Close,
            Message::Joined { identity, notices } => {
                self.me = Some(identity);
                self.notices = notices;
            }
            Message::Switched(kind, problem) => {
                self.notices.retain(|(k, _)| *k != kind);
                self.notices.extend(problem.map(|p| (kind, p)));
            }
            Message::Failed(problem) => self.phase = Phase::Ended(Some(problem)),
            Message::Call(event) => self.on_event(event),
        }
        Action::None
    }

    fn on_event(&mut self, event: CallEvent) {
        if !self.is_on() {
            return;
        }
        match event {
            CallEvent::Connected | CallEvent::Reconnected => self.phase = Phase::Live,
            CallEvent::Reconnecting => self.phase = Phase::Reconnecting,
            CallEvent::Disconnected(error) => {
                self.phase = Phase::Ended(Some(error.to_string()));
            }
            CallEvent::ParticipantJoined { identity, name, .. } => {
                if self.tile(&identity).is_none() {
                    self.others.push(Tile {
                        identity,
                        name,
                        picture: None,
                        video: None,
                        audio_muted: false,
                        video_muted: false,
                        quality: None,
                    });
                }
            }
            CallEvent::ParticipantLeft { identity, .. } => {
                self.others.retain(|t| t.identity != identity);
                self.speaking.remove(&identity);
            }
            CallEvent::TrackSubscribed { from, track, kind } => {
                if let (Some(tile), TrackKind::Video) = (self.tile(&from), kind) {
                    tile.video = Some(track);
                }
            }
            CallEvent::TrackUnsubscribed { from, track } => {
                if let Some(tile) = self.tile(&from)
                    && tile.video.as_deref() == Some(track.as_str())
                {
                    tile.video = None;
                    tile.picture = None;
                }
            }
            CallEvent::TrackMuted { from, track, muted } => {
                if let Some(tile) = self.tile(&from) {
                    if tile.video.as_deref() == Some(track.as_str()) {
                        tile.video_muted = muted;
                    } else {
                        tile.audio_muted = muted;
                    }
                }
            }
            CallEvent::Video { from, frame, .. } => {
                if let Some(tile) = self.tile(&from) {
                    tile.picture = Some(image::Handle::from_rgba(
                        frame.width,
                        frame.height,
                        frame.rgba,
                    ));
                }
            }
            CallEvent::Speakers(speakers) => {
                self.speaking = speakers.into_iter().map(|s| s.identity).collect();
            }
            CallEvent::Quality(changes) => {
                for (identity, quality) in changes {
                    if let Some(tile) = self.tile(&identity) {
                        tile.quality = Some(quality);
                    }
                }
            }
            // The engine has left it aside and logged it; the meeting goes on.
            CallEvent::Ignored(_) | CallEvent::Published { .. } | CallEvent::Data(_) => {}
        }
    }

    pub fn view<'a>(&'a self, i18n: &I18n) -> Element<'a, Message> {
        let status = match &self.phase {
            Phase::Joining => i18n.tr("meeting-joining"),
            Phase::Live if self.others.is_empty() => i18n.tr("meeting-waiting"),
            Phase::Live => {
                let people = (self.others.len() + 1) as u64;
                i18n.tr_args("meeting-people", [("n", people.into())])
            }
            Phase::Reconnecting => i18n.tr("meeting-reconnecting"),
            Phase::Ended(_) => i18n.tr("meeting-ended"),
        };
        let header = column![
            text(self.title.clone())
                .size(theme::size::HEADING)
                .font(theme::SEMIBOLD),
            text(status)
                .size(theme::size::SMALL)
                .style(theme::text::muted),
        ]
        .spacing(space::XS);
        let body: Element<'a, Message> = match &self.phase {
            Phase::Ended(reason) => {
                let close = button(text(i18n.tr("meeting-close")))
                    .padding([space::S, space::L])
                    .style(theme::button::primary)
                    .on_press(Message::Close);
                widget::empty_state_with(
                    Icon::Meetings,
                    i18n.tr("meeting-ended"),
                    reason.clone().unwrap_or_else(|| i18n.tr("meeting-left")),
                    Some(close.into()),
                )
            }
            _ => self.grid(i18n),
        };
        let mut page = column![header].spacing(space::M).padding(space::L);
        for (_, notice) in &self.notices {
            page = page.push(
                container(text(notice.clone()).size(theme::size::SMALL))
                    .padding(space::S)
                    .width(Length::Fill)
                    .style(theme::container::notice),
            );
        }
        page = page.push(container(body).height(Length::Fill));
        if self.is_on() {
            page = page.push(self.controls(i18n));
        }
        page.into()
    }

    /// Everyone's tile, ours first, two or three to a row.
    fn grid<'a>(&'a self, i18n: &I18n) -> Element<'a, Message> {
        let mine = self.tile_view(
            &i18n.tr("meeting-you"),
            self.me.as_deref().unwrap_or(""),
            None,
            !self.mic_on,
        );
        let mut tiles = vec![mine];
        for tile in &self.others {
            let picture = tile.picture.as_ref().filter(|_| !tile.video_muted);
            tiles.push(self.tile_view(&tile.name, &tile.identity, picture, tile.audio_muted));
        }
        let across = if tiles.len() <= 4 { 2 } else { 3 };
        let mut grid = column![].spacing(space::M).height(Length::Fill);
        let mut tiles = tiles.into_iter().peekable();
        while tiles.peek().is_some() {
            let mut line = row![].spacing(space::M).height(Length::Fill);
            for _ in 0..across {
                line = match tiles.next() {
                    Some(tile) => line.push(tile),
                    None => line.push(Space::new().width(Length::Fill)),
                };
            }
            grid = grid.push(line);
        }
        grid.into()
    }

    fn tile_view<'a>(
        &self,
        name: &str,
        identity: &str,
        picture: Option<&image::Handle>,
        muted: bool,
    ) -> Element<'a, Message> {
        let inside: Element<'a, Message> = match picture {
            Some(handle) => image(handle.clone())
                .content_fit(ContentFit::Contain)
                .width(Length::Fill)
                .height(Length::Fill)
                .into(),
            None => container(widget::avatar(
                identity,
                // A Matrix id's initials are its name's, not its server's.
                sparks_domain::initials(
                    name.trim_start_matches('@')
                        .split(':')
                        .next()
                        .unwrap_or(name),
                ),
                72.0,
            ))
            .center(Length::Fill)
            .into(),
        };
        let mut label = row![text(name.to_owned()).size(theme::size::SMALL)]
            .spacing(space::XS)
            .align_y(Alignment::Center);
        if muted {
            label = label.push(Icon::MicOff.view(14.0, |t| theme::colors(t).danger));
        }
        let speaking = self.speaking.contains(identity) && !identity.is_empty();
        container(column![inside, label].spacing(space::XS))
            .padding(space::S)
            .width(Length::Fill)
            .height(Length::Fill)
            .style(theme::container::tile(speaking))
            .into()
    }

    fn controls<'a>(&'a self, i18n: &I18n) -> Element<'a, Message> {
        let toggle = |on: bool, icon_on: Icon, icon_off: Icon, key: &str, message: Message| {
            let icon = if on { icon_on } else { icon_off };
            button(
                row![
                    icon.view(18.0, |t| theme::colors(t).text),
                    text(i18n.tr(key))
                ]
                .spacing(space::S)
                .align_y(Alignment::Center),
            )
            .padding([space::S, space::L])
            .style(theme::button::secondary)
            .on_press(message)
        };
        let leave = button(
            row![
                Icon::Phone.view(18.0, |t| theme::colors(t).danger),
                text(i18n.tr("meeting-leave"))
            ]
            .spacing(space::S)
            .align_y(Alignment::Center),
        )
        .padding([space::S, space::L])
        .style(theme::button::danger)
        .on_press(Message::Leave);
        row![
            Space::new().width(Length::Fill),
            toggle(
                self.mic_on,
                Icon::Mic,
                Icon::MicOff,
                if self.mic_on {
                    "meeting-mute"
                } else {
                    "meeting-unmute"
                },
                Message::Mic
            ),
            toggle(
                self.camera_on,
                Icon::Camera,
                Icon::CameraOff,
                if self.camera_on {
                    "meeting-camera-off"
                } else {
                    "meeting-camera-on"
                },
                Message::Camera
            ),
            leave,
            Space::new().width(Length::Fill),
        ]
        .spacing(space::M)
        .into()
    }
}
