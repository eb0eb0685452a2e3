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
chat-select-room-hint = Deine Nachrichten erscheinen hier, und du kannst gleich antworten.
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
not-set-up-title = Nicht eingerichtet
meetings-not-set-up = Der Sparks-Server deiner Organisation hat keinen Medienserver für Meetings. Wer ihn betreibt, kann einen hinzufügen.
calendar-not-set-up = Der Sparks-Server deiner Organisation ist mit keinem Kalender und keinem Adressbuch verbunden. Wer ihn betreibt, kann CalDAV, Exchange oder Microsoft 365 anbinden.
files-not-set-up = Der Sparks-Server deiner Organisation ist mit keinem Dateispeicher verbunden. Wer ihn betreibt, kann WebDAV oder Nextcloud anbinden.
assistant-not-set-up = Der Sparks-Server deiner Organisation hat kein Sprachmodell für den Assistenten. Wer ihn betreibt, kann eines auswählen.
meetings-ready = Meetings sind für deine Organisation eingerichtet. Diese Sparks-Version kann ihnen noch nicht beitreten.
calendar-ready = Kalender sind für deine Organisation eingerichtet. Diese Sparks-Version kann sie noch nicht zeigen.
files-ready = Dateien sind für deine Organisation eingerichtet. Diese Sparks-Version kann sie noch nicht zeigen.
assistant-ready = Der Assistent ist für deine Organisation eingerichtet. Diese Sparks-Version kann noch nicht mit ihm sprechen.
services-checking = Der Sparks-Server deiner Organisation wird gefragt, was eingerichtet ist …
services-retry = Erneut versuchen
services-error-openid = Dein Homeserver hat dich beim Sparks-Server nicht ausgewiesen: { $details }
services-error-unreachable = Der Sparks-Server antwortet nicht: { $details }
services-error-refused = Der Sparks-Server hat dich nicht hereingelassen: { $details }
services-error-protocol = Die Antwort des Sparks-Servers war unverständlich: { $details }
services-error-signed-out = Die Sitzung beim Sparks-Server ist beendet. Versuche es erneut, um dich wieder anzumelden.

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
settings-devices = Geräte
settings-microphone = Mikrofon
settings-camera = Kamera
settings-speaker = Lautsprecher
settings-device-system = Systemstandard
settings-device-tone = Testton
settings-device-pattern = Testbild
settings-device-missing = { $id } (nicht angeschlossen)
settings-devices-looking = Geräte werden gesucht…
settings-devices-again = Erneut suchen
settings-devices-hint = Besprechungen nutzen diese Geräte. Mit Testton und Testbild kann auch ein Rechner ohne Mikrofon oder Kamera teilnehmen.
settings-devices-problem = Einige Geräte ließen sich nicht auflisten: { $details }
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
room-waiting = Wartet auf die Verbindung…
room-edited = (bearbeitet)
room-redacted = Nachricht gelöscht
room-undecryptable = Warte auf den Schlüssel, um diese Nachricht zu entschlüsseln.
room-unsupported = Diese Art Nachricht ({ $kind }) kann noch nicht angezeigt werden.
room-member-joined = { $who } ist beigetreten
room-member-left = { $who } hat den Raum verlassen
room-member-invited = { $who } wurde eingeladen
room-member-removed = { $who } wurde entfernt
room-member-other = { $who } hat die Mitgliedschaft geändert
room-changed = { $who } hat die Raumeinstellungen geändert
room-open-error = Dieser Raum ließ sich nicht öffnen: { $details }
room-send-error = Deine Nachricht konnte nicht gesendet werden: { $details }

room-error-no-such-message = Diese Nachricht ist nicht mehr im Verlauf dieses Raums.
room-error-not-allowed = Das dürfen in diesem Raum nur bestimmte Mitglieder ändern.
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
room-threads = Threads
room-thread = Thread
room-threads-none = Im bisher geladenen Verlauf gibt es keine Threads.
room-thread-loading = Thread wird geladen…
room-thread-placeholder = Im Thread antworten…
message-thread = Thread
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


## Attachments

media-attach = Anhängen
media-uploading = { $name } wird gesendet — { $percent } %
media-upload-failed = { $name } wurde nicht gesendet: { $details }
media-dismiss = Ausblenden
media-cancel = Abbrechen
media-kind-image = Bild
media-kind-video = Video
media-kind-audio = Audio
media-kind-file = Datei
media-save = Speichern
media-downloading = Wird gespeichert — { $percent } %
media-saved = Gespeichert unter { $path }
media-show = Zeigen
media-save-failed = Nicht gespeichert: { $details }
media-retry = Erneut versuchen
media-too-large = Die Datei hat { $size }; dieser Server nimmt höchstens { $limit } an.
media-pick-title = Dateien senden

## Security: cross-signing, recovery, verification

security-title = Verschlüsselung
security-device-verified = Diese Sitzung ist verifiziert
security-device-verified-hint = Deine anderen Sitzungen und deine Gesprächspartner vertrauen den Nachrichten, die sie sendet.
security-device-unverified = Diese Sitzung ist noch nicht verifiziert
security-device-unverified-hint = Verifiziere sie von einer anderen Sitzung aus oder entsperre sie mit deinem Wiederherstellungsschlüssel, um ältere verschlüsselte Nachrichten zu lesen und anderen vertrauenswürdig zu sein.
security-device-checking = Verschlüsselung dieser Sitzung wird geprüft…
security-verify-device = Mit anderer Sitzung verifizieren
security-recovery-on = Wiederherstellung ist eingerichtet
security-recovery-on-hint = Mit deinem Wiederherstellungsschlüssel kannst du deine verschlüsselten Nachrichten auf einem neuen Gerät lesen, auch wenn keine andere Sitzung angemeldet ist.
security-recovery-off = Wiederherstellung ist nicht eingerichtet
security-recovery-off-hint = Ohne Wiederherstellungsschlüssel verlierst du deinen verschlüsselten Verlauf, wenn du dich auf einem neuen Gerät ohne andere Sitzung anmeldest.
security-recovery-incomplete = Entsperre diese Sitzung mit deinem Wiederherstellungsschlüssel
security-recovery-set-up = Wiederherstellung einrichten
security-recovery-change = Schlüssel ändern
security-recovery-working = Einen Moment…
security-recovery-key-label = Wiederherstellungsschlüssel
security-recovery-key-placeholder = Wiederherstellungsschlüssel eingeben
security-recovery-unlock = Entsperren
security-recovery-new-key = Dein Wiederherstellungsschlüssel
security-recovery-new-key-hint = Bewahre ihn sicher auf, etwa in einem Passwortmanager. Er wird nur jetzt angezeigt; wer ihn hat, kann deine verschlüsselten Nachrichten lesen.
security-recovery-copy = Kopieren
security-recovery-copied = Kopiert
security-recovery-saved = Ich habe ihn gespeichert
security-error-wrong-key = Dieser Wiederherstellungsschlüssel stimmt nicht. Prüfe ihn und versuche es noch einmal.
security-error-no-identity = { $user } hat die Verschlüsselung noch nicht eingerichtet und kann daher nicht verifiziert werden.
security-error = Das hat nicht geklappt: { $details }

verify-title-device = Andere Sitzung verifizieren
verify-title-user = { $name } verifizieren
verify-asked-device = Eine andere deiner Sitzungen möchte diese verifizieren.
verify-asked-user = { $name } möchte dich verifizieren.
verify-accept = Verifizieren
verify-decline = Nicht jetzt
verify-waiting-device = Nimm die Anfrage in deiner anderen Sitzung an.
verify-waiting-user = Warte, bis { $name } annimmt…
verify-waiting = Warte auf die Gegenseite…
verify-compare = Prüfe, ob der andere Bildschirm dieselben Emoji in derselben Reihenfolge zeigt.
verify-match = Sie stimmen überein
verify-no-match = Sie stimmen nicht überein
verify-confirmed = Warte auf die Bestätigung der Gegenseite…
verify-done-device = Deine andere Sitzung ist verifiziert.
verify-done-user = { $name } ist verifiziert.
verify-cancelled = Die Verifizierung wurde beendet: { $reason }
verify-cancelled-mismatch = Die Emoji stimmten nicht überein, daher wurde die Verifizierung beendet. Vielleicht hört jemand mit; versucht es noch einmal und sprecht darüber.
verify-cancel = Abbrechen
verify-close = Schließen
members-verify = Verifizieren

## The emoji of SAS verification, by their index in the Matrix specification's table

sas-emoji-0 = Hund
sas-emoji-1 = Katze
sas-emoji-2 = Löwe
sas-emoji-3 = Pferd
sas-emoji-4 = Einhorn
sas-emoji-5 = Schwein
sas-emoji-6 = Elefant
sas-emoji-7 = Hase
sas-emoji-8 = Panda
sas-emoji-9 = Hahn
sas-emoji-10 = Pinguin
sas-emoji-11 = Schildkröte
sas-emoji-12 = Fisch
sas-emoji-13 = Oktopus
sas-emoji-14 = Schmetterling
sas-emoji-15 = Blume
sas-emoji-16 = Baum
sas-emoji-17 = Kaktus
sas-emoji-18 = Pilz
sas-emoji-19 = Globus
sas-emoji-20 = Mond
sas-emoji-21 = Wolke
sas-emoji-22 = Feuer
sas-emoji-23 = Banane
sas-emoji-24 = Apfel
sas-emoji-25 = Erdbeere
sas-emoji-26 = Mais
sas-emoji-27 = Pizza
sas-emoji-28 = Kuchen
sas-emoji-29 = Herz
sas-emoji-30 = Lächeln
sas-emoji-31 = Roboter
sas-emoji-32 = Hut
sas-emoji-33 = Brille
sas-emoji-34 = Schraubenschlüssel
sas-emoji-35 = Weihnachtsmann
sas-emoji-36 = Daumen hoch
sas-emoji-37 = Regenschirm
sas-emoji-38 = Sanduhr
sas-emoji-39 = Uhr
sas-emoji-40 = Geschenk
sas-emoji-41 = Glühbirne
sas-emoji-42 = Buch
sas-emoji-43 = Bleistift
sas-emoji-44 = Büroklammer
sas-emoji-45 = Schere
sas-emoji-46 = Schloss
sas-emoji-47 = Schlüssel
sas-emoji-48 = Hammer
sas-emoji-49 = Telefon
sas-emoji-50 = Flagge
sas-emoji-51 = Zug
sas-emoji-52 = Fahrrad
sas-emoji-53 = Flugzeug
sas-emoji-54 = Rakete
sas-emoji-55 = Pokal
sas-emoji-56 = Ball
sas-emoji-57 = Gitarre
sas-emoji-58 = Trompete
sas-emoji-59 = Glocke
sas-emoji-60 = Anker
sas-emoji-61 = Kopfhörer
sas-emoji-62 = Ordner
sas-emoji-63 = Stecknadel

room-settings = Raumeinstellungen
room-settings-picture = Bild ändern
room-settings-picture-remove = Bild entfernen
room-settings-name = Name
room-settings-topic = Thema
room-settings-save = Speichern
room-settings-saving = Wird gespeichert…
room-settings-not-allowed = Nur Admins und Moderatoren des Raums können das ändern.
room-settings-encryption = Verschlüsselung
room-settings-encrypted = Nachrichten hier sind Ende-zu-Ende-verschlüsselt.
room-settings-not-encrypted = Nachrichten hier sind nicht verschlüsselt.
room-settings-encrypt = Verschlüsselung einschalten
room-settings-encrypt-confirm = Die Verschlüsselung lässt sich nicht wieder ausschalten. Bots und Brücken ohne Verschlüsselung können neue Nachrichten dann nicht mehr lesen.
room-unread = { $count ->
    [one] Eine ungelesene Nachricht
   *[other] { $count } ungelesene Nachrichten
}
room-jump-unread = Zur ersten ungelesenen
room-jump-dismiss = Ausblenden
room-jump-seeking = Die erste ungelesene Nachricht wird gesucht…
room-show-earlier = Frühere Nachrichten zeigen
room-read-by = Gelesen von { $names }
room-threads-loading = Die Threads werden geladen…
room-threads-failed = Die Threads konnten nicht aufgelistet werden: { $details }

## Calendar and people
calendar-agenda = Agenda
calendar-day = Tag
calendar-week = Woche
calendar-month = Monat
calendar-people = Personen
calendar-today = Heute
calendar-new = Neuer Termin
calendar-all-day = Ganztägig
calendar-has-meeting = Sparks-Besprechung
calendar-calendars = Kalender
calendar-source-signed-out = Noch nicht angemeldet.
calendar-source-sign-in = Anmelden
calendar-signing-in = Anmeldung läuft…
calendar-source-unavailable = { $source } ist nicht erreichbar
calendar-loading = Wird geladen…
calendar-empty-title = Nichts geplant
calendar-empty = Keine Termine in diesen zwei Wochen.
calendar-more = { $n } weitere
calendar-date = { $weekday }, { $day }. { $month }
calendar-sign-in-title = Bei { $source } anmelden
calendar-sign-in-body = Deine Organisation speichert diese Anmeldung verschlüsselt und nutzt sie nur, um deine Kalender und Kontakte zu zeigen und zu ändern.
calendar-upcoming = Heute
weekday-1 = Mo
weekday-2 = Di
weekday-3 = Mi
weekday-4 = Do
weekday-5 = Fr
weekday-6 = Sa
weekday-7 = So
event-new = Neuer Termin
event-edit = Termin bearbeiten
event-title = Titel
event-date = Beginn
event-end-date = Ende
event-start = um
event-end = um
event-all-day = Ganztägig
event-calendar = Kalender
event-location = Ort
event-description = Notizen
event-invitees = Eingeladene
event-invite-placeholder = Name oder E-Mail-Adresse
event-sparks-meeting = Sparks-Besprechung (fügt einen Link zum Teilnehmen hinzu)
event-reminder = Erinnerung
event-reminder-none = Keine Erinnerung
event-reminder-at-start = Zu Beginn
event-reminder-minutes = { $n } Minuten vorher
event-reminder-hours = { $n ->
    [one] 1 Stunde vorher
   *[other] { $n } Stunden vorher
}
event-reminder-days = { $n ->
    [one] 1 Tag vorher
   *[other] { $n } Tage vorher
}
event-reminder-due = { $title } beginnt { $when }
event-reminder-now = jetzt
event-reminder-in = in { $n } Min.
event-invited = Du bist eingeladen. Kommst du?
event-answered = Deine Antwort
event-accept = Zusagen
event-tentative = Vielleicht
event-decline = Absagen
source-error-not-invited = Du gehörst nicht zu den Eingeladenen dieses Termins.
event-only-this = Nur dieser Termin
event-whole-series = Alle Termine der Serie
event-repeat = Wiederholung
event-repeat-none = Keine Wiederholung
event-repeat-daily = { $n ->
    [one] Jeden Tag
   *[other] Alle { $n } Tage
}
event-repeat-weekly = { $n ->
    [one] Jede Woche
   *[other] Alle { $n } Wochen
}
event-repeat-monthly = { $n ->
    [one] Jeden Monat
   *[other] Alle { $n } Monate
}
event-repeat-yearly = { $n ->
    [one] Jedes Jahr
   *[other] Alle { $n } Jahre
}
source-error-unsupported = Dieser Server erlaubt Sparks das nicht. Ändere nur diesen Termin oder die Serie in der App des Servers.
event-save = Speichern
event-saving = Wird gespeichert…
event-delete = Löschen
event-cancel = Abbrechen
event-read-only = Dieser Kalender kann nicht geändert werden.
event-error-title = Gib dem Termin einen Titel.
event-error-date = Schreib den Tag als JJJJ-MM-TT.
event-error-time = Schreib Uhrzeiten als HH:MM.
event-error-end = Der Termin kann nicht enden, bevor er beginnt.
event-error-calendar = Wähle einen Kalender für den Termin.
event-conflict = Jemand anderes hat diesen Termin inzwischen geändert. Schließ ihn und öffne ihn erneut, um die Änderung zu sehen.
source-error-not-connected = Melde dich zuerst bei { $source } an.
source-error-credentials = { $source } akzeptiert diesen Benutzernamen oder dieses Passwort nicht.
source-error-unavailable = { $source } ist gerade nicht erreichbar. Alles andere wird weiter angezeigt.
source-error-not-found = Dieser Termin oder Kalender ist nicht mehr da. Vielleicht hat ihn jemand gelöscht.
source-error-too-large = Das ist zu lang zum Speichern. Kürze die Notizen und versuche es erneut.
source-error-rate-limited = Zu viele Änderungen in kurzer Zeit. Warte einen Moment und versuche es erneut.
people-title = Personen
people-search = Personen suchen
people-none = Niemand gefunden.
people-pick = Wähle jemanden, um die Details zu sehen.
people-email = E-Mail:
people-phone = Telefon:
people-chat = Nachricht
people-no-matrix = Keine Matrix-Adresse: schreib stattdessen eine E-Mail.
room-call = Anrufen
room-join-call = Anruf beitreten
people-call = Anrufen
meeting-joining = Beitreten…
meeting-waiting = Warte, bis die anderen beitreten
meeting-people = { $n } Personen
meeting-reconnecting = Verbindung verloren, verbinde neu…
meeting-ended = Das Meeting ist beendet
meeting-left = Du hast das Meeting verlassen.
meeting-close = Schließen
meeting-you = Du
meeting-mute = Stumm
meeting-unmute = Ton an
meeting-camera-off = Kamera aus
meeting-camera-on = Kamera an
meeting-leave = Verlassen
meeting-no-microphone = Kein Mikrofon nutzbar, die anderen hören dich nicht: { $details }
meeting-no-camera = Keine Kamera nutzbar, die anderen sehen deine Initialen: { $details }
meeting-no-speaker = Kein Lautsprecher nutzbar, du hörst die anderen nicht: { $details }
meeting-error-not-set-up = Meetings sind für deine Organisation nicht eingerichtet.
meeting-error-openid = Dein Homeserver hat dich beim Meeting-Dienst nicht ausgewiesen: { $details }
meeting-error-token = Der Meeting-Dienst hat dich nicht hereingelassen: { $details }
meeting-error-join = Dem Meeting konnte nicht beigetreten werden: { $details }
call-ringing = { $room } ruft an
call-started = In { $room } hat ein Anruf begonnen
