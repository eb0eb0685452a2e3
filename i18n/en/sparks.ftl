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
room-edited = (edited)
room-redacted = Message deleted
room-undecryptable = Waiting for the key to decrypt this message.
room-unsupported = This kind of message ({ $kind }) cannot be shown yet.
room-attachment-image = Image: { $name }
room-attachment-video = Video: { $name }
room-attachment-audio = Audio: { $name }
room-attachment-file = File: { $name }
room-member-joined = { $who } joined
room-member-left = { $who } left
room-member-invited = { $who } was invited
room-member-removed = { $who } was removed
room-member-other = { $who } changed their membership
room-changed = { $who } changed the room settings
room-open-error = This room could not be opened: { $details }
room-send-error = Your message could not be sent: { $details }

room-error-no-such-message = That message is no longer in this room’s history.
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
