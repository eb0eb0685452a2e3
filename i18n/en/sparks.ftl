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
chat-select-room-hint = Reading and writing messages is coming to this pane next.
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
settings-save-error = Your settings could not be saved: { $details }
