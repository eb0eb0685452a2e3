//! Meetings, carried out: our MatrixRTC membership of the room's call, a LiveKit token from
//! the middleware (`/get_token`, as Element Call asks), the call joined with this machine's
//! microphone, camera and speaker, and its events streamed to the meeting screen.

use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::Stream;
use iced::Task;
use sparks_call::{Call, CallEvent};
use sparks_i18n::I18n;
use sparks_matrix::{CallMembership, Session};
use sparks_middleware_client::{Middleware, RtcMember, TokenRequest};

use sparks_devices::DeviceKind;
use sparks_domain::{DeviceChoice, Devices};

use super::{Message, Screen, Sparks};
use crate::screen::{home, meeting, settings};

/// Camera pictures are asked for at this size (the call adds the two smaller layers).
const CAMERA: (u32, u32) = (1280, 720);
/// The meeting screen is given at most one picture per person this often.
const FRAME_INTERVAL: Duration = Duration::from_millis(40);

/// A joined call and our membership of it; its events run as a subscription while the app
/// holds it.
#[derive(Clone)]
pub struct Live {
    call: Call,
    membership: CallMembership,
    events: Arc<Mutex<Option<sparks_call::Events>>>,
}

impl std::fmt::Debug for Live {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Live")
            .field("room", &self.membership.room_id)
            .field("identity", &self.call.me().identity)
            .finish_non_exhaustive()
    }
}

impl Hash for Live {
    fn hash<H: Hasher>(&self, state: &mut H) {
        "meeting".hash(state);
        self.membership.room_id.hash(state);
        self.call.me().sid.hash(state);
    }
}

/// Why a meeting could not be joined.
#[derive(Debug, Clone)]
pub enum JoinError {
    NotSetUp,
    OpenId(String),
    Token(String),
    Join(String),
}

impl JoinError {
    fn sentence(&self, i18n: &I18n) -> String {
        let with = |key, details: &str| i18n.tr_args(key, [("details", details.into())]);
        match self {
            JoinError::NotSetUp => i18n.tr("meeting-error-not-set-up"),
            JoinError::OpenId(details) => with("meeting-error-openid", details),
            JoinError::Token(details) => with("meeting-error-token", details),
            JoinError::Join(details) => with("meeting-error-join", details),
        }
    }
}

/// A device that could not be used: which kind, and why.
pub(super) type Notice = (DeviceKind, String);

/// Joins the call of `room_id`: membership first (so others see us coming), then the token
/// and the SFU. A failure after the membership takes it back.
async fn join(
    session: Session,
    middleware: Middleware,
    room_id: String,
    devices: Devices,
) -> Result<(Live, Vec<Notice>), JoinError> {
    let membership = session
        .join_call(&room_id, &middleware.focus_url())
        .await
        .map_err(|e| JoinError::Join(e.to_string()))?;
    let joined = connect(&session, &middleware, &membership).await;
    let (call, events) = match joined {
        Ok(joined) => joined,
        Err(error) => {
            if let Err(left) = session.leave_call(&membership).await {
                tracing::warn!(%left, "the call membership stays until it expires");
            }
            return Err(error);
        }
    };
    let notices = attach_devices(&call, devices).await;
    Ok((
        Live {
            call,
            membership,
            events: Arc::new(Mutex::new(Some(events))),
        },
        notices,
    ))
}

async fn connect(
    session: &Session,
    middleware: &Middleware,
    membership: &CallMembership,
) -> Result<(Call, sparks_call::Events), JoinError> {
    let token = session
        .openid_token()
        .await
        .map_err(|e| JoinError::OpenId(e.0))?;
    let request = TokenRequest {
        room_id: membership.room_id.clone(),
        slot_id: CallMembership::SLOT.into(),
        openid_token: super::services::openid(token),
        member: RtcMember {
            id: membership.member_id.clone(),
            claimed_user_id: membership.user_id.clone(),
            claimed_device_id: membership.device_id.clone(),
        },
    };
    let sfu = middleware
        .meeting_token(&request)
        .await
        .map_err(|e| match e {
            sparks_middleware_client::ClientError::Refused { status: 404, .. } => {
                JoinError::NotSetUp
            }
            other => JoinError::Token(other.to_string()),
        })?;
    Call::join(&sfu.url, &sfu.jwt)
        .await
        .map_err(|e| JoinError::Join(e.to_string()))
}

/// The id of a chosen device; `None` for the system's default.
fn named(choice: &DeviceChoice) -> Option<&str> {
    match choice {
        DeviceChoice::Named(id) => Some(id),
        DeviceChoice::System | DeviceChoice::Test => None,
    }
}

/// Opens the device `choice` names for `kind` (or the test tone or pattern) and hands it to
/// the call; with one of that kind in use already, the call switches to it.
fn attach(call: &Call, kind: DeviceKind, choice: &DeviceChoice) -> Result<(), String> {
    let ended = |e: sparks_call::CallError| e.to_string();
    let device = |e: sparks_devices::DeviceError| e.to_string();
    match (kind, choice) {
        (DeviceKind::Microphone, DeviceChoice::Test) => call
            .publish_audio(Box::new(sparks_media::Tone::new(440.0, 0.2)))
            .map_err(ended),
        (DeviceKind::Microphone, choice) => {
            let microphone = sparks_devices::Microphone::open(named(choice)).map_err(device)?;
            call.publish_audio(Box::new(microphone)).map_err(ended)
        }
        (DeviceKind::Camera, DeviceChoice::Test) => call
            .publish_video(Box::new(sparks_media::TestPattern::new(CAMERA.0, CAMERA.1)))
            .map_err(ended),
        (DeviceKind::Camera, choice) => {
            let camera =
                sparks_devices::Camera::open(named(choice), CAMERA.0, CAMERA.1).map_err(device)?;
            call.publish_video(Box::new(camera)).map_err(ended)
        }
        (DeviceKind::Speaker, choice) => {
            let speaker = sparks_devices::Speaker::open(named(choice)).map_err(device)?;
            call.set_output(Box::new(speaker)).map_err(ended)
        }
    }
}

/// The sentence for a device of `kind` that cannot be used.
fn notice(i18n: &I18n, kind: DeviceKind, details: String) -> String {
    let key = match kind {
        DeviceKind::Microphone => "meeting-no-microphone",
        DeviceKind::Camera => "meeting-no-camera",
        DeviceKind::Speaker => "meeting-no-speaker",
    };
    i18n.tr_args(key, [("details", details.into())])
}

/// What the machine has, listed off the UI thread, for Settings → Devices.
pub(super) fn list_devices() -> Task<Message> {
    let listed = tokio::task::spawn_blocking(|| {
        let mut found = settings::devices::Found::default();
        for kind in [
            DeviceKind::Microphone,
            DeviceKind::Camera,
            DeviceKind::Speaker,
        ] {
            match sparks_devices::list(kind) {
                Ok(devices) => found.devices.extend(devices),
                Err(sparks_devices::DeviceError::NoDevice(_)) => {}
                Err(error) => found.problems.push(error.to_string()),
            }
        }
        found
    });
    Task::perform(listed, |found| {
        let found = found.unwrap_or_else(|error| settings::devices::Found {
            devices: Vec::new(),
            problems: vec![error.to_string()],
        });
        Message::Home(home::Message::Settings(settings::Message::Found(found)))
    })
}

/// Publishes the microphone and camera and plays the others on the speaker, as `devices`
/// say; what cannot be opened is left out and said.
async fn attach_devices(call: &Call, devices: Devices) -> Vec<Notice> {
    let call = call.clone();
    // Opening devices waits on the platform; it must not hold up the runtime.
    let attached = tokio::task::spawn_blocking(move || {
        [
            (DeviceKind::Microphone, &devices.microphone),
            (DeviceKind::Camera, &devices.camera),
            (DeviceKind::Speaker, &devices.speaker),
        ]
        .into_iter()
        .filter_map(|(kind, choice)| attach(&call, kind, choice).err().map(|e| (kind, e)))
        .collect()
    })
    .await;
    attached.unwrap_or_else(|_| vec![(DeviceKind::Microphone, "the devices did not answer".into())])
}

/// The call's events, with pictures thinned to what the screen can use.
pub(super) fn events(live: &Live) -> impl Stream<Item = Message> + use<> {
    let receiver = live.events.lock().ok().and_then(|mut r| r.take());
    async_stream(receiver)
}

fn async_stream(receiver: Option<sparks_call::Events>) -> impl Stream<Item = Message> {
    let shown: std::collections::HashMap<String, Instant> = std::collections::HashMap::new();
    futures_util::stream::unfold((receiver, shown), |(receiver, mut shown)| async move {
        let mut receiver = receiver?;
        loop {
            let event = receiver.recv().await?;
            if let CallEvent::Video { track, .. } = &event {
                let now = Instant::now();
                if shown
                    .get(track)
                    .is_some_and(|last| now.duration_since(*last) < FRAME_INTERVAL)
                {
                    continue;
                }
                shown.insert(track.clone(), now);
            }
            let message = Message::Home(home::Message::Meeting(meeting::Message::Call(event)));
            return Some((message, (Some(receiver), shown)));
        }
    })
}

impl Sparks {
    /// Starts (or joins) the call of `room_id`, called `title`.
    pub(super) fn start_meeting(&mut self, room_id: String, title: String) -> Task<Message> {
        let Screen::Home {
            session,
            home,
            middleware,
            meeting,
            ..
        } = &mut self.screen
        else {
            return Task::none();
        };
        if home.meeting().is_some_and(|m| m.is_on()) {
            // One meeting at a time: the one under way shows.
            home.update(home::Message::Nav(home::Nav::Meetings));
            return Task::none();
        }
        *meeting = None;
        home.start_meeting(room_id.clone(), title);
        let Some(middleware) = middleware.clone() else {
            let problem = JoinError::NotSetUp.sentence(&self.i18n);
            home.update(home::Message::Meeting(meeting::Message::Failed(problem)));
            return Task::none();
        };
        let session = session.clone();
        let devices = self.settings.devices.clone();
        Task::perform(
            join(session, middleware, room_id, devices),
            Message::MeetingJoined,
        )
    }

    /// Puts the device now chosen for `kind` to use in the meeting under way, if one is.
    pub(super) fn switch_device(&mut self, kind: DeviceKind) -> Task<Message> {
        let Screen::Home {
            meeting: Some(live),
            ..
        } = &self.screen
        else {
            return Task::none();
        };
        let call = live.call.clone();
        let choice = match kind {
            DeviceKind::Microphone => self.settings.devices.microphone.clone(),
            DeviceKind::Camera => self.settings.devices.camera.clone(),
            DeviceKind::Speaker => self.settings.devices.speaker.clone(),
        };
        let switched = tokio::task::spawn_blocking(move || attach(&call, kind, &choice).err());
        Task::perform(switched, move |problem| {
            Message::DeviceSwitched(kind, problem.unwrap_or_else(|e| Some(e.to_string())))
        })
    }

    /// A device switched in the meeting, or why it could not be.
    pub(super) fn device_switched(&mut self, kind: DeviceKind, problem: Option<String>) {
        if let Screen::Home { home, .. } = &mut self.screen {
            let problem = problem.map(|details| notice(&self.i18n, kind, details));
            home.update(home::Message::Meeting(meeting::Message::Switched(
                kind, problem,
            )));
        }
    }

    pub(super) fn meeting_joined(
        &mut self,
        result: Result<(Live, Vec<Notice>), JoinError>,
    ) -> Task<Message> {
        let Screen::Home {
            home,
            meeting,
            session,
            ..
        } = &mut self.screen
        else {
            return Task::none();
        };
        let message = match result {
            Ok((live, notices)) => {
                let identity = live.call.me().identity.clone();
                let notices = notices
                    .into_iter()
                    .map(|(kind, details)| (kind, notice(&self.i18n, kind, details)))
                    .collect();
                if home.meeting().is_some_and(|m| m.is_on()) {
                    *meeting = Some(Box::new(live));
                    meeting::Message::Joined { identity, notices }
                } else {
                    // Left while joining: leave now.
                    return leave(session.clone(), live);
                }
            }
            Err(error) => meeting::Message::Failed(error.sentence(&self.i18n)),
        };
        home.update(home::Message::Meeting(message));
        Task::none()
    }

    pub(super) fn meeting_action(&mut self, action: meeting::Action) -> Task<Message> {
        let Screen::Home {
            home,
            meeting,
            session,
            ..
        } = &mut self.screen
        else {
            return Task::none();
        };
        match action {
            meeting::Action::None => {}
            meeting::Action::Mute(kind, muted) => {
                if let Some(live) = meeting
                    && let Err(error) = live.call.set_muted(kind, muted)
                {
                    tracing::warn!(%error, ?kind, "mute not applied");
                }
            }
            meeting::Action::Leave => {
                if let Some(live) = meeting.take() {
                    return leave(session.clone(), *live);
                }
            }
            meeting::Action::Close => home.close_meeting(),
        }
        // The call ended by itself (the server ended it, or it could not be resumed): our
        // membership goes too.
        if home.meeting().is_some_and(|m| !m.is_on())
            && let Some(live) = meeting.take()
        {
            return leave(session.clone(), *live);
        }
        Task::none()
    }
}

/// Leaves the call and takes our membership back.
fn leave(session: Session, live: Live) -> Task<Message> {
    Task::future(async move {
        live.call.clone().leave().await;
        if let Err(error) = session.leave_call(&live.membership).await {
            tracing::warn!(%error, "the call membership stays until it expires");
        }
    })
    .discard()
}
