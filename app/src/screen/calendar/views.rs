//! Drawing the calendar: the header, the sources and calendars beside it, and the agenda, day,
//! week and month views.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Timelike, Utc};
use iced::widget::{Space, button, column, container, row, scrollable, text, text_input};
use iced::{Alignment, Length};
use sparks_i18n::I18n;
use sparks_middleware_client::pim::Event;

use super::{Calendar, Message, Mode, calendar_key};
use crate::theme::{self, space};
use crate::widget::{self, Element};

impl Calendar {
    pub fn view<'a>(&'a self, i18n: &I18n) -> Element<'a, Message> {
        let body: Element<'a, Message> = match self.mode {
            Mode::People => self.people.view(i18n, self.meetings).map(Message::People),
            Mode::Agenda => self.agenda(i18n),
            Mode::Day => self.day_view(i18n),
            Mode::Week => self.week(i18n),
            Mode::Month => self.month(i18n),
        };
        let main = column![self.header(i18n), body]
            .spacing(space::M)
            .padding(space::L)
            .width(Length::Fill);
        let page: Element<'a, Message> = row![self.sidebar(i18n), main].into();
        let dialog = match (&self.editor, &self.connect) {
            (Some(editor), _) => Some(editor.view(i18n).map(Message::Editor)),
            (None, Some(_)) => Some(self.connect_form(i18n)),
            _ => None,
        };
        match dialog {
            Some(dialog) => {
                // The event form scrolls its own fields, keeping its buttons in sight.
                let inner = container(dialog).padding(space::XL);
                let body: Element<'a, Message> = if self.editor.is_some() {
                    inner.into()
                } else {
                    scrollable(inner).into()
                };
                let card = container(body)
                    .max_height(640.0)
                    .style(theme::container::card);
                iced::widget::stack![page, widget::dialog(card.into(), None)].into()
            }
            None => page,
        }
    }

    /// What the operator named source `id`.
    pub fn source_name(&self, id: &str) -> String {
        self.snapshot
            .sources
            .iter()
            .find(|s| s.id == id)
            .map_or_else(|| id.to_owned(), |s| s.name.clone())
    }

    fn local_date(&self, at: DateTime<Utc>, all_day: bool) -> NaiveDate {
        if all_day {
            at.date_naive()
        } else {
            at.with_timezone(&self.zone).date_naive()
        }
    }

    /// "09:30–10:00" (or "All day").
    fn times(&self, event: &Event, i18n: &I18n) -> String {
        if event.details.all_day {
            return i18n.tr("calendar-all-day");
        }
        let start = event.details.start.with_timezone(&self.zone);
        let end = event.details.end.with_timezone(&self.zone);
        format!("{}–{}", start.format("%H:%M"), end.format("%H:%M"))
    }

    /// The events (with their indices) that touch `day`.
    fn on(&self, day: NaiveDate) -> Vec<(usize, &Event)> {
        self.visible()
            .filter(|(_, e)| {
                let first = self.local_date(e.details.start, e.details.all_day);
                let last = self.local_date(e.details.end - Duration::seconds(1), e.details.all_day);
                first <= day && day <= last.max(first)
            })
            .collect()
    }

    fn chip<'a>(
        &'a self,
        index: usize,
        event: &'a Event,
        i18n: &I18n,
        compact: bool,
    ) -> Element<'a, Message> {
        let color = self
            .calendar_of(event)
            .and_then(|c| c.color.as_deref())
            .and_then(theme::hex);
        let mut content = column![
            text(event.details.title.clone())
                .font(theme::SEMIBOLD)
                .size(theme::size::SMALL + 1.0)
        ];
        if !compact {
            content = content.push(
                text(self.times(event, i18n))
                    .size(theme::size::SMALL)
                    .style(theme::text::muted),
            );
            if !event.details.location.is_empty() {
                content = content.push(
                    text(event.details.location.clone())
                        .size(theme::size::SMALL)
                        .style(theme::text::muted),
                );
            }
        }
        if !compact && event.details.meeting.is_some() {
            content = content.push(
                text(i18n.tr("calendar-has-meeting"))
                    .size(theme::size::SMALL)
                    .style(theme::text::primary),
            );
        }
        button(
            container(content)
                .padding([space::XS, space::S])
                .width(Length::Fill)
                .style(theme::container::event(color)),
        )
        .padding(0)
        .style(theme::button::quiet)
        .on_press(Message::Open(index))
        .into()
    }

    fn header<'a>(&'a self, i18n: &I18n) -> Element<'a, Message> {
        let mut modes = row![].spacing(space::XS);
        for mode in Mode::ALL {
            modes = modes.push(
                button(text(i18n.tr(mode.key())))
                    .padding([space::XS, space::M])
                    .style(theme::button::segment(self.mode == mode))
                    .on_press(Message::Mode(mode)),
            );
        }
        let title = match self.mode {
            Mode::People => i18n.tr("people-title"),
            _ => self.period(i18n),
        };
        let mut bar = row![
            text(title).size(theme::size::TITLE).font(theme::SEMIBOLD),
            Space::new().width(Length::Fill)
        ]
        .spacing(space::S)
        .align_y(Alignment::Center);
        if self.mode != Mode::People {
            let nav = |label: &str, message| {
                button(text(label.to_owned()))
                    .padding([space::XS, space::M])
                    .style(theme::button::secondary)
                    .on_press(message)
            };
            bar = bar
                .push(nav("‹", Message::Previous))
                .push(nav(&i18n.tr("calendar-today"), Message::Today))
                .push(nav("›", Message::Next))
                .push(
                    button(text(i18n.tr("calendar-new")))
                        .padding([space::XS, space::M])
                        .style(theme::button::primary)
                        .on_press_maybe((!self.writable().is_empty()).then_some(Message::New)),
                );
        }
        let mut header = column![bar, modes].spacing(space::S);
        if let Some(problem) = &self.problem {
            header = header.push(
                row![
                    container(text(problem.clone()))
                        .padding(space::S)
                        .width(Length::Fill)
                        .style(theme::container::error),
                    button(text(i18n.tr("services-retry")))
                        .style(theme::button::secondary)
                        .on_press(Message::Reload),
                ]
                .spacing(space::S)
                .align_y(Alignment::Center),
            );
        }
        header.into()
    }

    fn month_name(&self, i18n: &I18n, date: NaiveDate) -> String {
        format!(
            "{} {}",
            i18n.tr(&format!("month-{}", date.month())),
            date.year()
        )
    }

    fn date_label(&self, i18n: &I18n, date: NaiveDate) -> String {
        i18n.tr_args(
            "calendar-date",
            [
                (
                    "weekday",
                    i18n.tr(&format!("weekday-{}", date.weekday().number_from_monday()))
                        .into(),
                ),
                ("day", i64::from(date.day()).into()),
                ("month", i18n.tr(&format!("month-{}", date.month())).into()),
            ],
        )
    }

    fn period(&self, i18n: &I18n) -> String {
        let (start, end) = self.range();
        match self.mode {
            Mode::Day => self.date_label(i18n, start),
            Mode::Month => self.month_name(i18n, self.anchor),
            _ => format!(
                "{} – {}",
                self.date_label(i18n, start),
                self.date_label(i18n, end - Duration::days(1))
            ),
        }
    }

    fn sidebar<'a>(&'a self, i18n: &I18n) -> Element<'a, Message> {
        let mut list =
            column![text(i18n.tr("calendar-calendars")).font(theme::SEMIBOLD)].spacing(space::S);
        for calendar in &self.snapshot.calendars {
            let key = calendar_key(&calendar.source, &calendar.id);
            let on = !self.hidden.contains(&key);
            let color = calendar.color.as_deref().and_then(theme::hex);
            let source = self.source_name(&calendar.source);
            list = list.push(
                button(
                    row![
                        container(Space::new().width(12).height(12))
                            .style(theme::container::swatch(color, on)),
                        column![
                            text(calendar.name.clone()),
                            text(source)
                                .size(theme::size::SMALL)
                                .style(theme::text::muted)
                        ]
                    ]
                    .spacing(space::S)
                    .align_y(Alignment::Center),
                )
                .width(Length::Fill)
                .style(theme::button::row(false))
                .on_press(Message::Toggle(key)),
            );
        }
        for source in self.snapshot.sources.iter().filter(|s| !s.connected) {
            list = list.push(
                container(
                    column![
                        text(source.name.clone()).font(theme::SEMIBOLD),
                        text(i18n.tr("calendar-source-signed-out"))
                            .size(theme::size::SMALL)
                            .style(theme::text::muted),
                        button(text(i18n.tr("calendar-source-sign-in")))
                            .style(theme::button::secondary)
                            .on_press(Message::ConnectStart(source.id.clone())),
                    ]
                    .spacing(space::XS),
                )
                .padding(space::S)
                .width(Length::Fill)
                .style(theme::container::notice),
            );
        }
        for gone in &self.snapshot.unavailable {
            let name = self.source_name(&gone.source);
            list = list.push(
                container(
                    column![
                        text(i18n.tr_args(
                            "calendar-source-unavailable",
                            [("source", name.as_str().into())]
                        ))
                        .font(theme::SEMIBOLD),
                        text(crate::errors::source_problem(
                            i18n,
                            &gone.errcode,
                            &name,
                            &gone.reason
                        ))
                        .size(theme::size::SMALL),
                    ]
                    .spacing(space::XS),
                )
                .padding(space::S)
                .width(Length::Fill)
                .style(theme::container::error),
            );
        }
        if self.loading {
            list = list.push(
                text(i18n.tr("calendar-loading"))
                    .size(theme::size::SMALL)
                    .style(theme::text::muted),
            );
        }
        container(scrollable(list.padding(space::L)))
            .width(Length::Fixed(260.0))
            .height(Length::Fill)
            .style(theme::container::sidebar)
            .into()
    }

    fn agenda<'a>(&'a self, i18n: &I18n) -> Element<'a, Message> {
        let (start, end) = self.range();
        let mut list = column![].spacing(space::M);
        let mut day = start;
        let mut any = false;
        while day < end {
            let events = self.on(day);
            if !events.is_empty() {
                any = true;
                let mut group = column![
                    text(self.date_label(i18n, day))
                        .font(theme::SEMIBOLD)
                        .style(if day == self.today {
                            theme::text::primary
                        } else {
                            theme::text::muted
                        })
                ]
                .spacing(space::XS);
                for (i, event) in events {
                    group = group.push(self.chip(i, event, i18n, false));
                }
                list = list.push(group);
            }
            day += Duration::days(1);
        }
        if !any {
            return widget::empty_state(
                crate::icon::Icon::Calendar,
                i18n.tr("calendar-empty-title"),
                i18n.tr("calendar-empty"),
            );
        }
        scrollable(list.width(Length::Fixed(560.0)))
            .height(Length::Fill)
            .into()
    }

    fn day_view<'a>(&'a self, i18n: &I18n) -> Element<'a, Message> {
        let day = self.anchor;
        let events = self.on(day);
        let mut hours = column![].spacing(1);
        let all_day: Vec<_> = events.iter().filter(|(_, e)| e.details.all_day).collect();
        if !all_day.is_empty() {
            let mut strip = row![
                text(i18n.tr("calendar-all-day"))
                    .width(60)
                    .size(theme::size::SMALL)
            ]
            .spacing(space::S);
            for (i, event) in all_day {
                strip = strip.push(self.chip(*i, event, i18n, true));
            }
            hours = hours.push(strip);
        }
        for hour in 7..22 {
            let mut slot = row![
                text(format!("{hour:02}:00"))
                    .width(60)
                    .height(44)
                    .size(theme::size::SMALL)
                    .style(theme::text::muted)
            ]
            .spacing(space::S);
            for (i, event) in &events {
                let start = event.details.start.with_timezone(&self.zone);
                let starts_here = !event.details.all_day
                    && (start.hour() == hour && start.date_naive() == day
                        || hour == 7 && (start.date_naive() < day || start.hour() < 7));
                if starts_here {
                    slot = slot.push(self.chip(*i, event, i18n, false));
                }
            }
            hours = hours.push(container(slot).width(Length::Fill));
        }
        scrollable(hours.padding(iced::Padding {
            right: space::L,
            ..iced::Padding::ZERO
        }))
        .height(Length::Fill)
        .into()
    }

    fn week<'a>(&'a self, i18n: &I18n) -> Element<'a, Message> {
        let (start, _) = self.range();
        let mut columns = row![].spacing(space::S);
        for offset in 0..7 {
            let day = start + Duration::days(offset);
            let mut column = column![
                text(i18n.tr(&format!("weekday-{}", day.weekday().number_from_monday())))
                    .size(theme::size::SMALL)
                    .style(theme::text::muted),
                text(day.day().to_string())
                    .size(theme::size::HEADING)
                    .font(theme::SEMIBOLD)
                    .style(if day == self.today {
                        theme::text::primary
                    } else {
                        theme::text::muted
                    }),
            ]
            .spacing(space::XS);
            for (i, event) in self.on(day) {
                column = column.push(self.chip(i, event, i18n, false));
            }
            columns = columns.push(
                container(column)
                    .padding(space::S)
                    .width(Length::FillPortion(1))
                    .height(Length::Fill)
                    .style(theme::container::day(day == self.today)),
            );
        }
        columns.height(Length::Fill).into()
    }

    fn month<'a>(&'a self, i18n: &I18n) -> Element<'a, Message> {
        let (start, _) = self.range();
        let mut grid = column![].spacing(space::XS);
        let mut names = row![].spacing(space::XS);
        for d in 1..=7 {
            names = names.push(
                text(i18n.tr(&format!("weekday-{d}")))
                    .size(theme::size::SMALL)
                    .style(theme::text::muted)
                    .width(Length::FillPortion(1)),
            );
        }
        grid = grid.push(names);
        for week in 0..6 {
            let mut line = row![].spacing(space::XS);
            for d in 0..7 {
                let day = start + Duration::days(week * 7 + d);
                let faint = day.month() != self.anchor.month();
                let mut cell = column![text(day.day().to_string()).size(theme::size::SMALL).style(
                    if day == self.today {
                        theme::text::primary
                    } else if faint {
                        theme::text::faint
                    } else {
                        theme::text::muted
                    }
                )]
                .spacing(2);
                let events = self.on(day);
                for (i, event) in events.iter().take(3) {
                    cell = cell.push(self.chip(*i, event, i18n, true));
                }
                if events.len() > 3 {
                    cell =
                        cell.push(
                            text(i18n.tr_args(
                                "calendar-more",
                                [("n", (events.len() as i64 - 3).into())],
                            ))
                            .size(theme::size::SMALL)
                            .style(theme::text::muted),
                        );
                }
                line = line.push(
                    container(cell)
                        .padding(space::XS)
                        .width(Length::FillPortion(1))
                        .height(Length::Fill)
                        .style(theme::container::day(day == self.today)),
                );
            }
            grid = grid.push(line.height(Length::FillPortion(1)));
        }
        grid.height(Length::Fill).into()
    }

    fn connect_form<'a>(&'a self, i18n: &I18n) -> Element<'a, Message> {
        let Some(connect) = &self.connect else {
            return Space::new().into();
        };
        let name = self.source_name(&connect.source);
        let mut form = column![
            text(i18n.tr_args("calendar-sign-in-title", [("source", name.into())]))
                .size(theme::size::HEADING)
                .font(theme::SEMIBOLD),
            text(i18n.tr("calendar-sign-in-body")).style(theme::text::muted),
            text_input(&i18n.tr("login-username"), &connect.username)
                .id("source-user")
                .on_input(Message::ConnectUser)
                .padding(space::S)
                .style(theme::text_input::field),
            text_input(&i18n.tr("login-password"), &connect.password)
                .id("source-password")
                .secure(true)
                .on_input(Message::ConnectPassword)
                .on_submit(Message::ConnectSubmit)
                .padding(space::S)
                .style(theme::text_input::field),
        ]
        .spacing(space::M);
        if let Some(problem) = &connect.problem {
            form = form.push(
                container(text(problem.clone()))
                    .padding(space::S)
                    .width(Length::Fill)
                    .style(theme::container::error),
            );
        }
        form.push(
            row![
                Space::new().width(Length::Fill),
                button(text(i18n.tr("event-cancel")))
                    .padding([space::S, space::L])
                    .style(theme::button::secondary)
                    .on_press(Message::ConnectCancel),
                button(text(i18n.tr(if connect.busy {
                    "calendar-signing-in"
                } else {
                    "calendar-source-sign-in"
                })))
                .padding([space::S, space::L])
                .style(theme::button::primary)
                .on_press_maybe((!connect.busy).then_some(Message::ConnectSubmit)),
            ]
            .spacing(space::S),
        )
        .width(Length::Fixed(theme::width::FORM))
        .into()
    }
}
