//! Short relative times for lists ("5 min", "3 h").

use chrono::Datelike;
use sparks_i18n::I18n;

const MINUTE: u64 = 60_000;
const HOUR: u64 = 60 * MINUTE;
const DAY: u64 = 24 * HOUR;
const WEEK: u64 = 7 * DAY;

/// How long ago `then_ms` was, seen from `now_ms` (both milliseconds since the epoch).
pub fn relative(i18n: &I18n, then_ms: u64, now_ms: u64) -> String {
    let age = now_ms.saturating_sub(then_ms);
    let (key, n) = match age {
        a if a < MINUTE => return i18n.tr("time-now"),
        a if a < HOUR => ("time-minutes", a / MINUTE),
        a if a < DAY => ("time-hours", a / HOUR),
        a if a < WEEK => ("time-days", a / DAY),
        a => ("time-weeks", a / WEEK),
    };
    i18n.tr_args(key, [("n", n.into())])
}

/// The local wall-clock time of `ms`, e.g. `14:05`.
pub fn clock(ms: u64) -> String {
    local(ms).format("%H:%M").to_string()
}

/// The local day of `ms` as a divider shows it: "Today", "Yesterday" or "22 November 2026".
pub fn day(i18n: &I18n, ms: u64, now_ms: u64) -> String {
    let day = local(ms).date_naive();
    let today = local(now_ms).date_naive();
    if day == today {
        i18n.tr("day-today")
    } else if today.pred_opt() == Some(day) {
        i18n.tr("day-yesterday")
    } else {
        let month = i18n.tr(&format!("month-{}", day.month()));
        i18n.tr_args(
            "day-date",
            [
                ("day", i64::from(day.day()).into()),
                ("month", month.into()),
                ("year", i64::from(day.year()).into()),
            ],
        )
    }
}

fn local(ms: u64) -> chrono::DateTime<chrono::Local> {
    let ms = i64::try_from(ms).unwrap_or(i64::MAX);
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap_or_default()
        .with_timezone(&chrono::Local)
}

/// Now, in milliseconds since the epoch.
pub fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use sparks_domain::Language;

    use super::*;

    #[test]
    fn ages_round_down_to_the_largest_unit() {
        let en = I18n::new(Language::English);
        let now = 10 * WEEK;
        assert_eq!(relative(&en, now - 5_000, now), "now");
        assert_eq!(relative(&en, now - 5 * MINUTE - 1, now), "5 min");
        assert_eq!(relative(&en, now - 3 * HOUR, now), "3 h");
        assert_eq!(relative(&en, now - 2 * DAY, now), "2 d");
        assert_eq!(relative(&en, now - 3 * WEEK, now), "3 wk");
        assert_eq!(
            relative(&en, now + MINUTE, now),
            "now",
            "clock skew shows as now"
        );
        let de = I18n::new(Language::German);
        assert_eq!(relative(&de, now - 3 * HOUR, now), "3 Std.");
    }

    #[test]
    fn days_are_named_relative_to_today() {
        let en = I18n::new(Language::English);
        let de = I18n::new(Language::German);
        let now = 1_795_341_600_000; // 2026-11-22 10:00 UTC
        assert_eq!(day(&en, now, now), "Today");
        assert_eq!(day(&de, now - DAY, now), "Gestern");
        let long_ago = 1_700_000_000_000; // 2023-11-14 22:13 UTC
        let shown = day(&en, long_ago, now);
        assert!(
            shown == "14 November 2023" || shown == "15 November 2023",
            "{shown}"
        );
        assert!(day(&de, long_ago, now).ends_with("November 2023"));
        assert_eq!(clock(now).len(), 5);
    }
}
