//! One open conversation: its timeline and the composer.

mod composer;
mod media;
mod members;
mod message;
mod rich;
mod settings;
mod thread;
mod timeline;

use iced::widget::{button, column, container, row, text};
use iced::{Alignment, Length};
use sparks_domain::{
    Link, ListDiff, Member, Message as Msg, MessageBody, Outgoing, RoomDetails, TimelineEntry,
    TimelineItem,
};
use sparks_i18n::I18n;

pub use composer::{Composer, Submit, Target};
pub use media::{Download, Thumbnail, decode as decode_picture, decode_round, human_size};
pub use message::QUICK_REACTIONS;
pub use settings::{
    Change, Message as SettingsMessage, NAME as SETTINGS_NAME, TOPIC as SETTINGS_TOPIC,
};

use crate::theme::{self, Colors, size, space};
use crate::widget::{self, Element};

/// Widget ids, for focus and tests.
pub const COMPOSER: &str = "room-composer";
pub const THREAD_COMPOSER: &str = "thread-composer";

/// Messages from one sender closer together than this share one header.
const GROUP_GAP_MS: u64 = 5 * 60_000;
/// Scrolling closer than this to the oldest loaded line loads the page before it.
const NEAR_TOP: f32 = 300.0;
/// How many events one "load earlier" asks for.
pub const PAGE: u16 = 30;

#[derive(Debug)]
pub struct Room {
    id: String,
    name: String,
    /// Our own user id: not offered as a mention.
    own: String,
    items: Vec<TimelineItem>,
    members: Vec<Member>,
    composer: Composer,
    /// The message whose actions are shown (by event).
    selected: Option<String>,
    /// The message under the pointer.
    hovered: Option<String>,
    /// Who else is typing, by name.
    typing: Vec<String>,
    /// The message waiting for "delete for everyone?" to be confirmed.
    confirm_delete: Option<String>,
    /// "Leave this room?" is showing.
    confirm_leave: bool,
    /// What shows beside the conversation (an open thread comes first).
    side: Side,
    /// The room's own settings, and its picture once fetched.
    details: RoomDetails,
    picture: Option<iced::widget::image::Handle>,
    loading_older: bool,
    problem: Option<String>,
    media: media::Media,
    /// The offer to jump to the first unread message, and where it stands.
    jump: timeline::Jump,
    /// The thread open beside the conversation.
    thread: Option<Thread>,
    /// Whether someone is in the room's call (`None`: meetings are not set up).
    call: Option<bool>,
}

/// The panel beside the conversation.
#[derive(Debug, Default)]
enum Side {
    #[default]
    None,
    Members,
    /// The room's threads once the server has listed them (or said why not).
    Threads(Option<Result<Vec<sparks_domain::ThreadRoot>, String>>),
    Settings(settings::Settings),
}

/// One thread, open beside the conversation: its root and replies, and a reply field.
#[derive(Debug)]
struct Thread {
    root: String,
    items: Vec<TimelineItem>,
    draft: String,
}

#[derive(Debug, Clone)]
pub enum Message {
    /// Start or join the room's call.
    Call,
    Draft(String),
    Send,
    LoadOlder,
    /// The timeline was scrolled; this far (in pixels) from its top.
    Scrolled(f32),
    /// Show the conversation from the first unread message (loading back to it), dismiss the
    /// offer, or go back to the whole conversation.
    JumpToUnread,
    DismissJump,
    ShowEarlier,
    Select(String),
    Hover(String),
    Unhover(String),
    React {
        event: String,
        key: String,
    },
    Reply(String),
    Edit(String),
    Delete(String),
    ConfirmDelete(String),
    CancelDelete,
    CancelTarget,
    Mention(Member),
    Link(Link),
    ToggleMembers,
    ToggleSettings,
    Settings(settings::Message),
    /// Verify this member with emoji.
    Verify(String),
    /// Pick a file to send.
    Attach,
    /// Save an attachment to disk.
    Save(String),
    CancelDownload(String),
    /// Stop an upload, or dismiss a failed one.
    CancelUpload(u64),
    /// Show a saved file in the file manager.
    ShowFile(std::path::PathBuf),
    /// Open the thread rooted at this message (starting one if it has no replies yet).
    OpenThread(String),
    CloseThread,
    ThreadDraft(String),
    ThreadSend,
    ToggleThreads,
    /// Leave (asks first), confirm, or think again.
    Leave,
    ConfirmLeave,
    CancelLeave,
}

/// What the room asks of the backend.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Send(Outgoing),
    Edit { event: String, message: Outgoing },
    Redact(String),
    React { event: String, key: String },
    LoadOlder,
}

pub enum Action {
    None,
    Do(Command),
    /// The draft changed; it is kept across restarts.
    Draft(String),
    /// Open a web link in the browser.
    OpenLink(String),
    /// Leave this room.
    Leave,
    /// Verify a member.
    Verify(String),
    /// Ask the desktop for files to send.
    PickFile,
    /// Start saving an attachment, or stop it.
    Save(String),
    CancelDownload(String),
    CancelUpload(u64),
    /// Open the folder holding this file.
    ShowFile(std::path::PathBuf),
    /// Open the thread rooted at this message, or close the open one.
    OpenThread(String),
    CloseThread,
    /// Send this in the open thread.
    ThreadSend(Outgoing),
    /// Change the room's settings.
    Settings(Change),
    /// Start the room's call, or join it.
    Call,
}

impl Room {
    /// A room opened with `unread` messages not read yet.
    pub fn new(id: String, name: String, own: String, draft: String, unread: u64) -> Room {
        Room {
            id,
            name,
            own,
            items: Vec::new(),
            members: Vec::new(),
            composer: Composer::with_text(draft),
            selected: None,
            hovered: None,
            typing: Vec::new(),
            confirm_delete: None,
            confirm_leave: false,
            side: Side::None,
            details: RoomDetails::default(),
            picture: None,
            loading_older: true,
            problem: None,
            media: media::Media::default(),
            thread: None,
            call: None,
            jump: if unread > 0 {
                timeline::Jump::Offered(unread)
            } else {
                timeline::Jump::None
            },
        }
    }

    /// Whether the room has a call now; `None` when meetings are not set up.
    pub fn set_call(&mut self, call: Option<bool>) {
        self.call = call;
    }

    /// What the room is called now.
    pub fn name(&self) -> &str {
        if self.details.name.is_empty() {
            &self.name
        } else {
            &self.details.name
        }
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    pub fn items(&self) -> &[TimelineItem] {
        &self.items
    }

    pub fn composer(&self) -> &Composer {
        &self.composer
    }

    pub fn set_typing(&mut self, names: Vec<String>) {
        self.typing = names;
    }

    pub fn set_members(&mut self, members: Vec<Member>) {
        self.members = members;
    }

    fn message(&self, event: &str) -> Option<&Msg> {
        self.items.iter().rev().find_map(|item| match &item.entry {
            TimelineEntry::Message(message) if message.event == event => Some(message),
            _ => None,
        })
    }

    /// Opens `side` beside the conversation, or closes it if it is what shows.
    fn toggle(&mut self, side: Side) {
        let same = std::mem::discriminant(&self.side) == std::mem::discriminant(&side);
        self.side = if same { Side::None } else { side };
    }

    /// Whether the list of threads is showing (and so wants to be kept up to date).
    pub fn shows_threads(&self) -> bool {
        matches!(self.side, Side::Threads(_))
    }

    pub fn set_threads(&mut self, threads: Result<Vec<sparks_domain::ThreadRoot>, String>) {
        if let Side::Threads(list) = &mut self.side {
            *list = Some(threads);
        }
    }

    /// The room's settings changed. Returns whether its picture did (to fetch the new one).
    pub fn set_details(&mut self, details: RoomDetails) -> bool {
        let new_picture = details.avatar != self.details.avatar;
        if new_picture && details.avatar.is_none() {
            self.picture = None;
        }
        self.details = details;
        new_picture && self.details.avatar.is_some()
    }

    pub fn set_picture(&mut self, picture: Option<iced::widget::image::Handle>) {
        self.picture = picture;
    }

    /// The server answered a settings change; `problem` says why it failed.
    pub fn settings_done(&mut self, problem: Option<String>) {
        if let Side::Settings(form) = &mut self.side {
            form.done(problem);
        } else if let Some(problem) = problem {
            self.problem = Some(problem);
        }
    }

    pub fn update(&mut self, message: Message) -> Action {
        match message {
            Message::Draft(draft) => {
                self.composer.set_text(draft);
                return self.draft_changed();
            }
            Message::Send => {
                let Some(submit) = self.composer.submit() else {
                    return Action::None;
                };
                self.problem = None;
                let command = match submit {
                    Submit::Send(outgoing) => Command::Send(outgoing),
                    Submit::Edit { event, message } => Command::Edit { event, message },
                };
                return Action::Do(command);
            }
            Message::LoadOlder => return self.load_older(),
            // Close to the oldest loaded line: fetch the page before it.
            Message::Scrolled(from_top) if from_top < NEAR_TOP => return self.load_older(),
            Message::Scrolled(_) => {}
            Message::JumpToUnread => return self.jump_to_unread(),
            Message::DismissJump | Message::ShowEarlier => self.jump = timeline::Jump::None,
            Message::Select(event) => {
                self.confirm_delete = None;
                self.selected = if self.selected.as_deref() == Some(&event) {
                    None
                } else {
                    Some(event)
                };
            }
            Message::Hover(event) => self.hovered = Some(event),
            // Leaving one message and entering the next can arrive in either order.
            Message::Unhover(event) => {
                if self.hovered.as_deref() == Some(&event) {
                    self.hovered = None;
                }
            }
            Message::React { event, key } => {
                self.selected = None;
                return Action::Do(Command::React { event, key });
            }
            Message::Reply(event) => {
                if let Some(message) = self.message(&event) {
                    let (preview, _) = body_text(&message.body);
                    let sender = message.sender_name.clone();
                    self.composer.reply(event, sender, preview);
                    self.selected = None;
                    return self.draft_changed();
                }
            }
            Message::Edit(event) => {
                if let Some(message) = self.message(&event).filter(|m| m.editable) {
                    let (current, _) = body_text(&message.body);
                    self.composer.edit(event, current);
                    self.selected = None;
                    return self.draft_changed();
                }
            }
            Message::Delete(event) => self.confirm_delete = Some(event),
            Message::ConfirmDelete(event) => {
                self.confirm_delete = None;
                self.selected = None;
                return Action::Do(Command::Redact(event));
            }
            Message::CancelDelete => self.confirm_delete = None,
            Message::CancelTarget => {
                self.composer.cancel();
                return self.draft_changed();
            }
            Message::Mention(member) => {
                self.composer.complete(&member);
                return self.draft_changed();
            }
            Message::ToggleMembers => self.toggle(Side::Members),
            Message::ToggleSettings => {
                self.toggle(Side::Settings(settings::Settings::new(&self.details)))
            }
            Message::Settings(message) => {
                if let Side::Settings(form) = &mut self.side
                    && let Some(change) = form.update(message, &self.details)
                {
                    return Action::Settings(change);
                }
            }
            Message::Call => return Action::Call,
            Message::Verify(user_id) => return Action::Verify(user_id),
            Message::Attach => return Action::PickFile,
            Message::Save(event) => {
                if !matches!(
                    self.media.download(&event),
                    Some(media::Download::Running { .. })
                ) {
                    self.media.set_download(
                        event.clone(),
                        Some(media::Download::Running { done: 0, total: 0 }),
                    );
                    return Action::Save(event);
                }
            }
            Message::CancelDownload(event) => {
                self.media.set_download(event.clone(), None);
                return Action::CancelDownload(event);
            }
            Message::CancelUpload(id) => {
                self.media.upload_finished(id, None);
                return Action::CancelUpload(id);
            }
            Message::ShowFile(path) => return Action::ShowFile(path),
            Message::OpenThread(root) => {
                self.selected = None;
                self.side = Side::None;
                if self.thread.as_ref().is_none_or(|t| t.root != root) {
                    self.thread = Some(Thread {
                        root: root.clone(),
                        items: Vec::new(),
                        draft: String::new(),
                    });
                    return Action::OpenThread(root);
                }
            }
            Message::CloseThread => {
                self.thread = None;
                return Action::CloseThread;
            }
            Message::ThreadDraft(draft) => {
                if let Some(thread) = &mut self.thread {
                    thread.draft = draft;
                }
            }
            Message::ThreadSend => {
                if let Some(thread) = &mut self.thread
                    && !thread.draft.trim().is_empty()
                {
                    let text = std::mem::take(&mut thread.draft);
                    return Action::ThreadSend(Outgoing {
                        text: text.trim().to_owned(),
                        mentions: Vec::new(),
                        reply_to: None,
                    });
                }
            }
            Message::ToggleThreads => self.toggle(Side::Threads(None)),
            Message::Leave => self.confirm_leave = true,
            Message::CancelLeave => self.confirm_leave = false,
            Message::ConfirmLeave => {
                self.confirm_leave = false;
                return Action::Leave;
            }
            Message::Link(Link::Web(url)) => return Action::OpenLink(url),
            Message::Link(Link::User(_) | Link::Room(_)) => {}
        }
        Action::None
    }

    /// Escape: drops the open confirmation, selection, reply or edit, innermost first.
    pub fn escape(&mut self) -> Action {
        let settings_question = match &mut self.side {
            Side::Settings(form) => form.escape(),
            _ => false,
        };
        if settings_question
            || self.confirm_delete.take().is_some()
            || self.selected.take().is_some()
            || std::mem::take(&mut self.confirm_leave)
        {
            return Action::None;
        }
        if self.composer.target() != &Target::New {
            self.composer.cancel();
            return self.draft_changed();
        }
        Action::None
    }

    fn draft_changed(&self) -> Action {
        match self.composer.target() {
            // An edit in progress is not a draft worth keeping.
            Target::Edit { .. } => Action::None,
            _ => Action::Draft(self.composer.text().to_owned()),
        }
    }

    /// Applies timeline changes from the backend. Returns the image messages whose thumbnails
    /// should now be fetched.
    pub fn apply(&mut self, diffs: Vec<ListDiff<TimelineItem>>) -> Vec<String> {
        for diff in diffs {
            if let Err(error) = diff.apply(&mut self.items) {
                tracing::error!(?error, room = %self.id, "timeline update out of step");
            }
        }
        // The page that brought the read marker may arrive before its "loaded" answer.
        self.marker_arrived();
        let mut wanted = Vec::new();
        for item in &self.items {
            if let TimelineEntry::Message(message) = &item.entry
                && let MessageBody::Attachment {
                    kind: sparks_domain::AttachmentKind::Image,
                    ..
                } = &message.body
                && self.media.want_thumbnail(&message.event)
            {
                wanted.push(message.event.clone());
            }
        }
        wanted
    }

    /// The root of the open thread.
    pub fn thread_root(&self) -> Option<&str> {
        self.thread.as_ref().map(|t| t.root.as_str())
    }

    /// Applies changes to the open thread's timeline.
    pub fn apply_thread(&mut self, root: &str, diffs: Vec<ListDiff<TimelineItem>>) {
        if let Some(thread) = self.thread.as_mut().filter(|t| t.root == root) {
            for diff in diffs {
                if let Err(error) = diff.apply(&mut thread.items) {
                    tracing::error!(?error, "thread update out of step");
                }
            }
        }
    }

    pub fn set_thumbnail(&mut self, event: String, thumbnail: media::Thumbnail) {
        self.media.set_thumbnail(event, thumbnail);
    }

    pub fn set_download(&mut self, event: String, download: Option<media::Download>) {
        self.media.set_download(event, download);
    }

    pub fn upload_started(&mut self, id: u64, name: String) {
        self.media.upload_started(id, name);
    }

    pub fn upload_progress(&mut self, id: u64, done: u64, total: u64) {
        self.media.upload_progress(id, done, total);
    }

    pub fn upload_finished(&mut self, id: u64, problem: Option<String>) {
        self.media.upload_finished(id, problem);
    }

    /// Older history finished loading (or failed, with a sentence for the user).
    /// A page of earlier messages arrived (or not). While looking for the first unread
    /// message, asks for the next page.
    pub fn older_loaded(&mut self, problem: Option<String>) -> Action {
        self.loading_older = false;
        if problem.is_some() {
            self.problem = problem;
            if self.jump == timeline::Jump::Seeking {
                self.jump = timeline::Jump::None;
            }
            return Action::None;
        }
        self.seek()
    }

    pub fn show_problem(&mut self, problem: String) {
        self.problem = Some(problem);
    }

    pub fn view<'a>(
        &'a self,
        i18n: &I18n,
        now_ms: u64,
        colors: &'static Colors,
    ) -> Element<'a, Message> {
        let leave: Element<'a, Message> = if self.confirm_leave {
            row![
                text(i18n.tr("room-leave-confirm"))
                    .size(size::SMALL)
                    .style(theme::text::danger),
                button(text(i18n.tr("room-leave")).size(size::SMALL))
                    .padding([space::XS, space::M])
                    .style(theme::button::danger)
                    .on_press(Message::ConfirmLeave),
                button(text(i18n.tr("composer-cancel")).size(size::SMALL))
                    .padding([space::XS, space::M])
                    .style(theme::button::quiet)
                    .on_press(Message::CancelLeave),
            ]
            .spacing(space::S)
            .align_y(Alignment::Center)
            .into()
        } else {
            button(text(i18n.tr("room-leave")).size(size::SMALL))
                .padding([space::XS, space::M])
                .style(theme::button::quiet)
                .on_press(Message::Leave)
                .into()
        };
        let name = if self.details.name.is_empty() {
            &self.name
        } else {
            &self.details.name
        };
        let mut title = column![text(name.clone()).size(size::HEADING).font(theme::SEMIBOLD)];
        if !self.details.topic.is_empty() {
            title = title.push(
                text(widget::ellipsize(&self.details.topic, 90))
                    .size(size::SMALL)
                    .style(theme::text::muted),
            );
        }
        let call = self.call.map(|active| {
            let (key, style): (_, fn(&iced::Theme, button::Status) -> button::Style) = if active {
                ("room-join-call", theme::button::primary)
            } else {
                ("room-call", theme::button::quiet)
            };
            button(text(i18n.tr(key)).size(size::SMALL))
                .padding([space::XS, space::M])
                .style(style)
                .on_press(Message::Call)
        });
        let header = row![
            settings::room_picture(&self.id, name, self.picture.as_ref(), 32.0),
            title.width(Length::Fill),
        ]
        .push(call)
        .push(
            row![
                button(text(i18n.tr("room-threads")).size(size::SMALL))
                    .padding([space::XS, space::M])
                    .style(if matches!(self.side, Side::Threads(_)) {
                        theme::button::secondary
                    } else {
                        theme::button::quiet
                    })
                    .on_press(Message::ToggleThreads),
                button(text(self.members_label(i18n)).size(size::SMALL))
                    .padding([space::XS, space::M])
                    .style(if matches!(self.side, Side::Members) {
                        theme::button::secondary
                    } else {
                        theme::button::quiet
                    })
                    .on_press(Message::ToggleMembers),
                button(text(i18n.tr("room-settings")).size(size::SMALL))
                    .padding([space::XS, space::M])
                    .style(if matches!(self.side, Side::Settings(_)) {
                        theme::button::secondary
                    } else {
                        theme::button::quiet
                    })
                    .on_press(Message::ToggleSettings),
                leave,
            ]
            .spacing(space::M),
        )
        .spacing(space::M)
        .align_y(Alignment::Center)
        .padding([space::M, space::XL]);

        let timeline = self.timeline_view(i18n, now_ms, colors);

        let mut bottom = column![].spacing(space::S);
        if let Some(problem) = &self.problem {
            bottom = bottom.push(
                container(text(problem.clone()).size(size::SMALL))
                    .padding([space::S, space::M])
                    .width(Length::Fill)
                    .style(theme::container::error),
            );
        }
        if let Some(uploads) = self.media.uploads_view(i18n) {
            bottom = bottom.push(uploads);
        }
        if let Some(typing) = typing_line(&self.typing, i18n) {
            bottom = bottom.push(text(typing).size(size::SMALL).style(theme::text::muted));
        }
        let composer = self.composer.view(i18n, &self.members, &self.own);
        let bottom = container(bottom.push(composer)).padding([space::M, space::XL]);

        let conversation = column![
            timeline,
            container(bottom)
                .width(Length::Fill)
                .style(theme::container::sidebar),
        ];
        let body: Element<'a, Message> = if let Some(thread) = &self.thread {
            row![conversation, self.thread_panel(thread, i18n, colors)].into()
        } else {
            match &self.side {
                Side::None => conversation.into(),
                Side::Threads(threads) => {
                    row![conversation, self.threads_panel(threads, i18n)].into()
                }
                Side::Members => row![conversation, self.members_panel(i18n)].into(),
                Side::Settings(form) => {
                    let panel = form
                        .view(
                            &self.id,
                            &self.name,
                            &self.details,
                            self.picture.as_ref(),
                            i18n,
                        )
                        .map(Message::Settings);
                    row![conversation, panel].into()
                }
            }
        };
        column![
            container(header)
                .width(Length::Fill)
                .style(theme::container::sidebar),
            body,
        ]
        .into()
    }
}

/// "Bob is typing…", for one, two or more people.
fn typing_line(names: &[String], i18n: &I18n) -> Option<String> {
    Some(match names {
        [] => return None,
        [one] => i18n.tr_args("room-typing-one", [("who", one.as_str().into())]),
        [first, second] => i18n.tr_args(
            "room-typing-two",
            [
                ("first", first.as_str().into()),
                ("second", second.as_str().into()),
            ],
        ),
        _ => i18n.tr("room-typing-many"),
    })
}

/// A message's words as plain text (for a reply's quote or the text to edit), and whether it
/// is a placeholder rather than what someone wrote.
fn body_text(body: &MessageBody) -> (String, bool) {
    match body {
        MessageBody::Text(rich) | MessageBody::Notice(rich) | MessageBody::Emote(rich) => {
            (rich.to_plain(), false)
        }
        MessageBody::Attachment { name, .. } => (name.clone(), false),
        MessageBody::Redacted | MessageBody::UnableToDecrypt | MessageBody::Unsupported(_) => {
            (String::new(), true)
        }
    }
}
