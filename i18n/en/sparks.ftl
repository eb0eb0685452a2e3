# Sparks — English (source of truth). Every key here must exist in every other language.

app-name = Sparks
app-tagline = Chat, meetings, calendars and files in one calm place.

## Login

login-title = Sign in to your account
login-subtitle = Use your Matrix account. Your organisation's server works, as does any public one.
login-homeserver = Homeserver
login-homeserver-placeholder = matrix.example.org
login-homeserver-hint = Leave empty to find it from a user ID such as @alice:example.org.
login-username = Username
login-username-placeholder = alice or @alice:example.org
login-password = Password
login-submit = Sign in
login-signing-in = Signing in…
login-restoring = Restoring your session…
login-error-username-empty = Enter your username.
login-error-password-empty = Enter your password.
login-error-invalid-user-id = “{ $input }” is not a valid Matrix user ID. It looks like @name:example.org.
login-error-invalid-url = “{ $input }” is not a valid server address. Try matrix.example.org or https://matrix.example.org.
login-error-homeserver-missing = Enter a homeserver, or a full user ID such as @alice:example.org.
login-error-unreachable = Could not reach { $server }. Check the address and your connection.
login-error-discovery = { $server } does not say where its Matrix homeserver is. Enter the homeserver address yourself.
login-error-not-matrix = { $server } does not look like a Matrix homeserver.
login-error-wrong-password = Wrong username or password.
login-error-deactivated = This account has been deactivated.
login-error-rate-limited = Too many attempts. Wait a moment and try again.
login-error-store = Sparks could not open its local storage: { $details }
login-error-secrets = Sparks could not store your session securely: { $details }
login-error-other = Signing in failed: { $details }
restore-error = Your saved session could not be restored, so please sign in again. ({ $details })

## Navigation rail

rail-chat = Chat
rail-meetings = Meetings
rail-calendar = Calendar
rail-files = Files
rail-assistant = Assistant
rail-settings = Settings

## Chat

chat-title = Chats
chat-loading = Loading your rooms…
chat-empty = No conversations yet
chat-empty-hint = Rooms you join and invitations you receive appear here.
chat-invited = Invitation
chat-encrypted = End-to-end encrypted
chat-you = You
chat-select-room = Pick a conversation on the left.
chat-select-room-hint = Its messages appear here, and you can answer right away.
chat-space-rooms = { $count ->
    [one] { $count } room
   *[other] { $count } rooms
}
connection-connecting = Connecting…
connection-offline = Offline. Showing your saved conversations; retrying.
connection-failed = Syncing stopped. Sign out and in again if this persists.

## Relative times in the room list

time-now = now
time-minutes = { $n } min
time-hours = { $n } h
time-days = { $n } d
time-weeks = { $n } wk

## Services that are not connected yet

pending-title = Not connected yet
meetings-title = Meetings
meetings-pending = Video meetings need the Sparks middleware and a LiveKit media server. Your organisation has not connected them to Sparks yet.
calendar-title = Calendar
calendar-pending = Your calendars and contacts appear here once the Sparks middleware is connected to a CalDAV, Exchange or Microsoft 365 server.
files-title = Files
files-pending = Shared files appear here once the Sparks middleware is connected to a WebDAV or Nextcloud server.
assistant-title = Assistant
assistant-pending = The assistant needs the Sparks middleware and a language model chosen by your organisation.
not-set-up-title = Not set up
meetings-not-set-up = Your organisation's Sparks server has no media server for meetings. Whoever runs it can add one.
calendar-not-set-up = Your organisation's Sparks server is not connected to a calendar or address book. Whoever runs it can connect CalDAV, Exchange or Microsoft 365.
files-not-set-up = Your organisation's Sparks server is not connected to a file store. Whoever runs it can connect WebDAV or Nextcloud.
assistant-not-set-up = Your organisation's Sparks server has no language model for the assistant. Whoever runs it can choose one.
meetings-ready = Meetings are set up for your organisation. This version of Sparks cannot join them yet.
calendar-ready = Calendars are set up for your organisation. This version of Sparks cannot show them yet.
files-ready = Files are set up for your organisation. This version of Sparks cannot show them yet.
assistant-ready = The assistant is set up for your organisation. This version of Sparks cannot talk to it yet.
services-checking = Asking your organisation's Sparks server what is set up…
services-retry = Try again
services-error-openid = Your homeserver would not vouch for you to the Sparks server: { $details }
services-error-unreachable = The Sparks server does not answer: { $details }
services-error-refused = The Sparks server did not let you in: { $details }
services-error-protocol = The Sparks server's answer was not understood: { $details }
services-error-signed-out = The session with the Sparks server ended. Try again to sign in to it.

## Settings

settings-title = Settings
settings-account = Account
settings-signed-in-as = Signed in as { $user }
settings-homeserver = Homeserver: { $server }
settings-device = Session: { $device }
settings-secrets = Sign-in secrets are kept in { $backend ->
    [keyring] the system keyring
   *[file] an encrypted file in Sparks' data folder
}.
settings-devices = Devices
settings-microphone = Microphone
settings-camera = Camera
settings-speaker = Speaker
settings-device-system = System default
settings-device-tone = Test tone
settings-device-pattern = Test pattern
settings-device-missing = { $id } (not connected)
settings-devices-looking = Looking for devices…
settings-devices-again = Look again
settings-devices-hint = Meetings use these. The test tone and test pattern let a machine without a microphone or camera take part.
settings-devices-problem = Some devices could not be listed: { $details }
settings-appearance = Appearance
settings-language = Language
settings-language-system = System default
settings-theme = Theme
theme-light = Light
theme-dark = Dark
theme-system = System
settings-logout = Sign out
settings-logging-out = Signing out…
settings-logout-hint = Signing out removes this session's messages and keys from this computer.
logout-error = Signed out on this computer, but the server could not be told: { $details }
settings-load-error = Your settings file could not be read, so Sparks uses the defaults: { $details }
settings-save-error = Your settings could not be saved: { $details }

## Timeline

day-today = Today
day-yesterday = Yesterday
day-date = { $day } { $month } { $year }
month-1 = January
month-2 = February
month-3 = March
month-4 = April
month-5 = May
month-6 = June
month-7 = July
month-8 = August
month-9 = September
month-10 = October
month-11 = November
month-12 = December
room-composer-placeholder = Write a message…
room-send = Send
room-load-older = Load earlier messages
room-loading-older = Loading…
room-start = This is the beginning of the conversation.
room-new-messages = New messages
room-sending = Sending…
room-send-failed = Not sent
room-waiting = Waiting for the connection…
room-edited = (edited)
room-redacted = Message deleted
room-undecryptable = Waiting for the key to decrypt this message.
room-unsupported = This kind of message ({ $kind }) cannot be shown yet.
room-member-joined = { $who } joined
room-member-left = { $who } left
room-member-invited = { $who } was invited
room-member-removed = { $who } was removed
room-member-other = { $who } changed their membership
room-changed = { $who } changed the room settings
room-open-error = This room could not be opened: { $details }
room-send-error = Your message could not be sent: { $details }

room-error-no-such-message = That message is no longer in this room’s history.
room-error-not-allowed = Only some members of this room may change that.
chat-filter-placeholder = Filter rooms
chat-filter-none = No rooms match.
switcher-placeholder = Jump to a room…
composer-replying = Replying to { $who }
composer-editing = Editing your message
composer-cancel = Cancel
composer-save = Save
message-reply = Reply
message-edit = Edit
message-delete = Delete
message-delete-confirm = Delete for everyone?
message-reply-unknown = A message that is not loaded
room-threads = Threads
room-thread = Thread
room-threads-none = No threads in the history loaded so far.
room-thread-loading = Loading the thread…
room-thread-placeholder = Reply in thread…
message-thread = Thread
message-thread-replies = { $count ->
    [one] 1 reply in thread
   *[other] { $count } replies in thread
}
room-typing-one = { $who } is typing…
room-typing-two = { $first } and { $second } are typing…
room-typing-many = Several people are typing…
room-error-invalid-target = “{ $target }” is not a room address. Use #room:server, !id:server or a matrix.to link.
room-error-invalid-user = “{ $user }” is not a Matrix ID. It looks like @name:server.
chat-new = New
new-room-title = Start a conversation
new-room-tab-direct = Person
new-room-tab-room = Room
new-room-tab-join = Join
new-room-person = Who
new-room-person-hint = @name:server
new-room-name = Room name
new-room-name-hint = e.g. Project Apollo
new-room-address = Room address or link
new-room-address-hint = #room:server or https://matrix.to/#/…
new-room-invite = Invite
new-room-invite-hint = @name:server, @other:server
new-room-public = Public channel: anyone on the server can find and join it
new-room-encrypted = End-to-end encrypted
new-room-direct-encrypted = Direct chats are always end-to-end encrypted.
new-room-start = Start chat
new-room-create = Create
new-room-join = Join
room-leave = Leave
room-leave-confirm = Leave this room?
invite-body = You are invited to this conversation.
invite-join = Join
invite-decline = Decline
notification-hidden = New message
room-members = { $count ->
    [one] 1 member
   *[other] { $count } members
}
room-members-unknown = Members


## Attachments

media-attach = Attach
media-uploading = Sending { $name } — { $percent }%
media-upload-failed = { $name } was not sent: { $details }
media-dismiss = Dismiss
media-cancel = Cancel
media-kind-image = Image
media-kind-video = Video
media-kind-audio = Audio
media-kind-file = File
media-save = Save
media-downloading = Saving — { $percent }%
media-saved = Saved to { $path }
media-show = Show
media-save-failed = Not saved: { $details }
media-retry = Try again
media-too-large = The file has { $size }; this server takes at most { $limit }.
media-pick-title = Send files

## Security: cross-signing, recovery, verification

security-title = Encryption
security-device-verified = This session is verified
security-device-verified-hint = Your other sessions and the people you talk to trust the messages it sends.
security-device-unverified = This session is not verified yet
security-device-unverified-hint = Verify it from another session, or unlock it with your recovery key, to read your older encrypted messages and be trusted by others.
security-device-checking = Checking this session's encryption…
security-verify-device = Verify with another session
security-recovery-on = Recovery is set up
security-recovery-on-hint = With your recovery key you can read your encrypted messages on a new device, even when no other session is signed in.
security-recovery-off = Recovery is not set up
security-recovery-off-hint = Without a recovery key, signing in on a new device with no other session at hand means losing your encrypted message history.
security-recovery-incomplete = Unlock this session with your recovery key
security-recovery-set-up = Set up recovery
security-recovery-change = Change recovery key
security-recovery-working = Working…
security-recovery-key-label = Recovery key
security-recovery-key-placeholder = Enter your recovery key
security-recovery-unlock = Unlock
security-recovery-new-key = Your recovery key
security-recovery-new-key-hint = Keep it somewhere safe, such as a password manager. It is shown only now; anyone who has it can read your encrypted messages.
security-recovery-copy = Copy
security-recovery-copied = Copied
security-recovery-saved = I have saved it
security-error-wrong-key = That recovery key is not right. Check it and try again.
security-error-no-identity = { $user } has not set up encryption yet, so they cannot be verified.
security-error = That did not work: { $details }

verify-title-device = Verify your other session
verify-title-user = Verify { $name }
verify-asked-device = Another of your sessions wants to verify this one.
verify-asked-user = { $name } wants to verify you.
verify-accept = Verify
verify-decline = Not now
verify-waiting-device = Accept the request on your other session.
verify-waiting-user = Waiting for { $name } to accept…
verify-waiting = Waiting for the other side…
verify-compare = Check that the other screen shows the same emoji in the same order.
verify-match = They match
verify-no-match = They don't match
verify-confirmed = Waiting for the other side to confirm…
verify-done-device = Your other session is verified.
verify-done-user = { $name } is verified.
verify-cancelled = The verification was stopped: { $reason }
verify-cancelled-mismatch = The emoji did not match, so the verification was stopped. Someone may be listening in; try again and tell the other person.
verify-cancel = Cancel
verify-close = Close
members-verify = Verify

## The emoji of SAS verification, by their index in the Matrix specification's table

sas-emoji-0 = Dog
sas-emoji-1 = Cat
sas-emoji-2 = Lion
sas-emoji-3 = Horse
sas-emoji-4 = Unicorn
sas-emoji-5 = Pig
sas-emoji-6 = Elephant
sas-emoji-7 = Rabbit
sas-emoji-8 = Panda
sas-emoji-9 = Rooster
sas-emoji-10 = Penguin
sas-emoji-11 = Turtle
sas-emoji-12 = Fish
sas-emoji-13 = Octopus
sas-emoji-14 = Butterfly
sas-emoji-15 = Flower
sas-emoji-16 = Tree
sas-emoji-17 = Cactus
sas-emoji-18 = Mushroom
sas-emoji-19 = Globe
sas-emoji-20 = Moon
sas-emoji-21 = Cloud
sas-emoji-22 = Fire
sas-emoji-23 = Banana
sas-emoji-24 = Apple
sas-emoji-25 = Strawberry
sas-emoji-26 = Corn
sas-emoji-27 = Pizza
sas-emoji-28 = Cake
sas-emoji-29 = Heart
sas-emoji-30 = Smiley
sas-emoji-31 = Robot
sas-emoji-32 = Hat
sas-emoji-33 = Glasses
sas-emoji-34 = Spanner
sas-emoji-35 = Santa
sas-emoji-36 = Thumbs Up
sas-emoji-37 = Umbrella
sas-emoji-38 = Hourglass
sas-emoji-39 = Clock
sas-emoji-40 = Gift
sas-emoji-41 = Light Bulb
sas-emoji-42 = Book
sas-emoji-43 = Pencil
sas-emoji-44 = Paperclip
sas-emoji-45 = Scissors
sas-emoji-46 = Lock
sas-emoji-47 = Key
sas-emoji-48 = Hammer
sas-emoji-49 = Telephone
sas-emoji-50 = Flag
sas-emoji-51 = Train
sas-emoji-52 = Bicycle
sas-emoji-53 = Aeroplane
sas-emoji-54 = Rocket
sas-emoji-55 = Trophy
sas-emoji-56 = Ball
sas-emoji-57 = Guitar
sas-emoji-58 = Trumpet
sas-emoji-59 = Bell
sas-emoji-60 = Anchor
sas-emoji-61 = Headphones
sas-emoji-62 = Folder
sas-emoji-63 = Pin

room-settings = Room settings
room-settings-picture = Change picture
room-settings-picture-remove = Remove picture
room-settings-name = Name
room-settings-topic = Topic
room-settings-save = Save
room-settings-saving = Saving…
room-settings-not-allowed = Only the room's admins and moderators can change these.
room-settings-encryption = Encryption
room-settings-encrypted = Messages here are end-to-end encrypted.
room-settings-not-encrypted = Messages here are not encrypted.
room-settings-encrypt = Turn on encryption
room-settings-encrypt-confirm = Encryption cannot be turned off again. Bots and bridges without encryption support will no longer read new messages.
room-unread = { $count ->
    [one] One unread message
   *[other] { $count } unread messages
}
room-jump-unread = Jump to first unread
room-jump-dismiss = Dismiss
room-jump-seeking = Looking for the first unread message…
room-show-earlier = Show earlier messages
room-read-by = Read by { $names }
room-threads-loading = Loading the threads…
room-threads-failed = The threads could not be listed: { $details }

## Calendar and people
calendar-agenda = Agenda
calendar-day = Day
calendar-week = Week
calendar-month = Month
calendar-people = People
calendar-today = Today
calendar-new = New event
calendar-all-day = All day
calendar-has-meeting = Sparks meeting
calendar-calendars = Calendars
calendar-source-signed-out = Not signed in yet.
calendar-source-sign-in = Sign in
calendar-signing-in = Signing in…
calendar-source-unavailable = { $source } is unavailable
calendar-loading = Loading…
calendar-empty-title = Nothing planned
calendar-empty = No events in these two weeks.
calendar-more = { $n } more
calendar-date = { $weekday } { $day } { $month }
calendar-sign-in-title = Sign in to { $source }
calendar-sign-in-body = Your organisation keeps this sign-in encrypted and uses it only to show and change your calendars and contacts.
calendar-upcoming = Today
weekday-1 = Mon
weekday-2 = Tue
weekday-3 = Wed
weekday-4 = Thu
weekday-5 = Fri
weekday-6 = Sat
weekday-7 = Sun
event-new = New event
event-edit = Edit event
event-title = Title
event-date = Starts
event-end-date = Ends
event-start = at
event-end = at
event-all-day = All day
event-calendar = Calendar
event-location = Place
event-description = Notes
event-invitees = Invitees
event-invite-placeholder = Name or email address
event-sparks-meeting = Sparks meeting (adds a link to join)
event-reminder = Reminder
event-reminder-none = No reminder
event-reminder-at-start = When it starts
event-reminder-minutes = { $n } minutes before
event-reminder-hours = { $n ->
    [one] 1 hour before
   *[other] { $n } hours before
}
event-reminder-days = { $n ->
    [one] 1 day before
   *[other] { $n } days before
}
event-reminder-due = { $title } starts { $when }
event-reminder-now = now
event-reminder-in = in { $n } min
event-invited = You are invited. Will you come?
event-answered = Your answer
event-accept = Accept
event-tentative = Maybe
event-decline = Decline
source-error-not-invited = You are not among this event's invitees.
event-only-this = Only this event
event-whole-series = All events of the series
event-repeat = Repeats
event-repeat-none = Does not repeat
event-repeat-daily = { $n ->
    [one] Every day
   *[other] Every { $n } days
}
event-repeat-weekly = { $n ->
    [one] Every week
   *[other] Every { $n } weeks
}
event-repeat-monthly = { $n ->
    [one] Every month
   *[other] Every { $n } months
}
event-repeat-yearly = { $n ->
    [one] Every year
   *[other] Every { $n } years
}
source-error-unsupported = This server does not let Sparks do that. Change this occurrence only, or the series in the server's own app.
event-save = Save
event-saving = Saving…
event-delete = Delete
event-cancel = Cancel
event-read-only = This calendar cannot be changed.
event-error-title = Give the event a title.
event-error-date = Write the day as YYYY-MM-DD.
event-error-time = Write times as HH:MM.
event-error-end = The event cannot end before it starts.
event-error-calendar = Pick a calendar for the event.
event-conflict = Someone else changed this event meanwhile. Close it and open it again to see their change.
source-error-not-connected = Sign in to { $source } first.
source-error-credentials = { $source } does not accept this user name or password.
source-error-unavailable = { $source } cannot be reached right now. Everything else is still shown.
source-error-not-found = This event or calendar is not there any more. Someone may have deleted it.
source-error-too-large = This is too long to save. Shorten the notes and try again.
source-error-rate-limited = Too many changes in a short time. Wait a moment and try again.
people-title = People
people-search = Search people
people-none = Nobody found.
people-pick = Pick someone to see their details.
people-email = Email:
people-phone = Phone:
people-chat = Message
people-no-matrix = No Matrix address: write an email instead.
room-call = Call
room-join-call = Join call
people-call = Call
meeting-joining = Joining…
meeting-waiting = Waiting for the others to join
meeting-people = { $n } people
meeting-reconnecting = Connection lost, reconnecting…
meeting-ended = The meeting has ended
meeting-left = You left the meeting.
meeting-close = Close
meeting-you = You
meeting-mute = Mute
meeting-unmute = Unmute
meeting-camera-off = Stop camera
meeting-camera-on = Start camera
meeting-leave = Leave
meeting-no-microphone = No microphone can be used, so the others cannot hear you: { $details }
meeting-no-camera = No camera can be used, so the others see your initials: { $details }
meeting-no-speaker = No speaker can be used, so you cannot hear the others: { $details }
meeting-error-not-set-up = Meetings are not set up for your organisation.
meeting-error-openid = Your homeserver would not vouch for you to the meeting service: { $details }
meeting-error-token = The meeting service did not let you in: { $details }
meeting-error-join = The meeting could not be joined: { $details }
call-ringing = { $room } is calling
call-started = A call started in { $room }
