# Sparks — Deutsch. Schlüssel wie in i18n/en/sparks.ftl.

app-name = Sparks
app-tagline = Chat, Meetings, Kalender und Dateien an einem ruhigen Ort.

## Anmeldung

login-title = Bei deinem Konto anmelden
login-subtitle = Mit deinem Matrix-Konto. Der Server deiner Organisation funktioniert ebenso wie jeder öffentliche.
login-homeserver = Homeserver
login-homeserver-placeholder = matrix.example.org
login-homeserver-hint = Leer lassen, um ihn aus einer Benutzer-ID wie @alice:example.org zu ermitteln.
login-username = Benutzername
login-username-placeholder = alice oder @alice:example.org
login-password = Passwort
login-submit = Anmelden
login-signing-in = Anmeldung läuft…
login-restoring = Sitzung wird wiederhergestellt…
login-error-username-empty = Gib deinen Benutzernamen ein.
login-error-password-empty = Gib dein Passwort ein.
login-error-invalid-user-id = „{ $input }“ ist keine gültige Matrix-Benutzer-ID. Sie sieht so aus: @name:example.org.
login-error-invalid-url = „{ $input }“ ist keine gültige Serveradresse. Versuche matrix.example.org oder https://matrix.example.org.
login-error-homeserver-missing = Gib einen Homeserver ein oder eine vollständige Benutzer-ID wie @alice:example.org.
login-error-unreachable = { $server } ist nicht erreichbar. Prüfe die Adresse und deine Verbindung.
login-error-discovery = { $server } verrät nicht, wo sein Matrix-Homeserver liegt. Gib die Homeserver-Adresse selbst ein.
login-error-not-matrix = { $server } scheint kein Matrix-Homeserver zu sein.
login-error-wrong-password = Benutzername oder Passwort ist falsch.
login-error-deactivated = Dieses Konto wurde deaktiviert.
login-error-rate-limited = Zu viele Versuche. Warte einen Moment und versuche es erneut.
login-error-store = Sparks konnte seinen lokalen Speicher nicht öffnen: { $details }
login-error-secrets = Sparks konnte deine Sitzung nicht sicher speichern: { $details }
login-error-other = Die Anmeldung ist fehlgeschlagen: { $details }
restore-error = Deine gespeicherte Sitzung ließ sich nicht wiederherstellen. Bitte melde dich erneut an. ({ $details })

## Navigationsleiste

rail-chat = Chat
rail-meetings = Meetings
rail-calendar = Kalender
rail-files = Dateien
rail-assistant = Assistent
rail-settings = Einstellungen

## Chat

chat-title = Chats
chat-loading = Deine Räume werden geladen…
chat-empty = Noch keine Unterhaltungen
chat-empty-hint = Räume, denen du beitrittst, und Einladungen, die du erhältst, erscheinen hier.
chat-invited = Einladung
chat-encrypted = Ende-zu-Ende-verschlüsselt
chat-you = Du
chat-select-room = Wähle links eine Unterhaltung.
chat-select-room-hint = Ihre Nachrichten erscheinen hier, und du kannst gleich antworten.
chat-space-rooms = { $count ->
    [one] { $count } Raum
   *[other] { $count } Räume
}
connection-connecting = Verbinde…
connection-offline = Offline. Gespeicherte Unterhaltungen werden angezeigt; neuer Versuch läuft.
connection-failed = Die Synchronisierung wurde beendet. Melde dich ab und wieder an, wenn das so bleibt.

## Relative Zeiten in der Raumliste

time-now = jetzt
time-minutes = { $n } Min.
time-hours = { $n } Std.
time-days = { $n } T.
time-weeks = { $n } Wo.

## Dienste, die noch nicht verbunden sind

pending-title = Noch nicht verbunden
meetings-title = Meetings
meetings-pending = Videomeetings brauchen die Sparks-Middleware und einen LiveKit-Medienserver. Deine Organisation hat sie noch nicht mit Sparks verbunden.
calendar-title = Kalender
calendar-pending = Deine Kalender und Kontakte erscheinen hier, sobald die Sparks-Middleware mit einem CalDAV-, Exchange- oder Microsoft-365-Server verbunden ist.
files-title = Dateien
files-pending = Geteilte Dateien erscheinen hier, sobald die Sparks-Middleware mit einem WebDAV- oder Nextcloud-Server verbunden ist.
assistant-title = Assistent
assistant-pending = Der Assistent braucht die Sparks-Middleware und ein Sprachmodell, das deine Organisation auswählt.

## Einstellungen

settings-title = Einstellungen
settings-account = Konto
settings-signed-in-as = Angemeldet als { $user }
settings-homeserver = Homeserver: { $server }
settings-device = Sitzung: { $device }
settings-secrets = Anmeldegeheimnisse liegen { $backend ->
    [keyring] im Schlüsselbund des Systems
   *[file] in einer verschlüsselten Datei im Datenordner von Sparks
}.
settings-appearance = Darstellung
settings-language = Sprache
settings-language-system = Systemstandard
settings-theme = Farbschema
theme-light = Hell
theme-dark = Dunkel
theme-system = System
settings-logout = Abmelden
settings-logging-out = Abmeldung läuft…
settings-logout-hint = Beim Abmelden werden die Nachrichten und Schlüssel dieser Sitzung von diesem Computer entfernt.
logout-error = Auf diesem Computer abgemeldet, aber der Server konnte nicht benachrichtigt werden: { $details }
settings-load-error = Deine Einstellungsdatei ließ sich nicht lesen, daher gelten die Standardwerte: { $details }
settings-save-error = Deine Einstellungen konnten nicht gespeichert werden: { $details }

## Verlauf

day-today = Heute
day-yesterday = Gestern
day-date = { $day }. { $month } { $year }
month-1 = Januar
month-2 = Februar
month-3 = März
month-4 = April
month-5 = Mai
month-6 = Juni
month-7 = Juli
month-8 = August
month-9 = September
month-10 = Oktober
month-11 = November
month-12 = Dezember
room-composer-placeholder = Nachricht schreiben…
room-send = Senden
room-load-older = Frühere Nachrichten laden
room-loading-older = Wird geladen…
room-start = Hier beginnt die Unterhaltung.
room-new-messages = Neue Nachrichten
room-sending = Wird gesendet…
room-send-failed = Nicht gesendet
room-edited = (bearbeitet)
room-redacted = Nachricht gelöscht
room-undecryptable = Warte auf den Schlüssel, um diese Nachricht zu entschlüsseln.
room-unsupported = Diese Art Nachricht ({ $kind }) kann noch nicht angezeigt werden.
room-attachment-image = Bild: { $name }
room-attachment-video = Video: { $name }
room-attachment-audio = Audio: { $name }
room-attachment-file = Datei: { $name }
room-member-joined = { $who } ist beigetreten
room-member-left = { $who } hat den Raum verlassen
room-member-invited = { $who } wurde eingeladen
room-member-removed = { $who } wurde entfernt
room-member-other = { $who } hat die Mitgliedschaft geändert
room-changed = { $who } hat die Raumeinstellungen geändert
room-open-error = Dieser Raum ließ sich nicht öffnen: { $details }
room-send-error = Deine Nachricht konnte nicht gesendet werden: { $details }

room-error-no-such-message = Diese Nachricht ist nicht mehr im Verlauf dieses Raums.
chat-filter-placeholder = Räume filtern
chat-filter-none = Kein Raum passt.
switcher-placeholder = Zu einem Raum springen …
composer-replying = Antwort an { $who }
composer-editing = Du bearbeitest deine Nachricht
composer-cancel = Abbrechen
composer-save = Speichern
message-reply = Antworten
message-edit = Bearbeiten
message-delete = Löschen
message-delete-confirm = Für alle löschen?
message-reply-unknown = Eine nicht geladene Nachricht
message-thread-replies = { $count ->
    [one] 1 Antwort im Thread
   *[other] { $count } Antworten im Thread
}
room-typing-one = { $who } schreibt …
room-typing-two = { $first } und { $second } schreiben …
room-typing-many = Mehrere Personen schreiben …
room-error-invalid-target = „{ $target }“ ist keine Raumadresse. Verwende #raum:server, !id:server oder einen matrix.to-Link.
room-error-invalid-user = „{ $user }“ ist keine Matrix-ID. Sie sieht so aus: @name:server.
chat-new = Neu
new-room-title = Unterhaltung beginnen
new-room-tab-direct = Person
new-room-tab-room = Raum
new-room-tab-join = Beitreten
new-room-person = Mit wem
new-room-person-hint = @name:server
new-room-name = Raumname
new-room-name-hint = z. B. Projekt Apollo
new-room-address = Raumadresse oder Link
new-room-address-hint = #raum:server oder https://matrix.to/#/…
new-room-invite = Einladen
new-room-invite-hint = @name:server, @andere:server
new-room-public = Öffentlicher Kanal: Alle auf dem Server können ihn finden und beitreten
new-room-encrypted = Ende-zu-Ende-verschlüsselt
new-room-direct-encrypted = Direktnachrichten sind immer Ende-zu-Ende-verschlüsselt.
new-room-start = Chat beginnen
new-room-create = Erstellen
new-room-join = Beitreten
room-leave = Verlassen
room-leave-confirm = Diesen Raum verlassen?
invite-body = Du bist zu dieser Unterhaltung eingeladen.
invite-join = Beitreten
invite-decline = Ablehnen
notification-hidden = Neue Nachricht
room-members = { $count ->
    [one] 1 Mitglied
   *[other] { $count } Mitglieder
}
room-members-unknown = Mitglieder
