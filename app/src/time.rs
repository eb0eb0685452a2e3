//! Short relative times for lists ("5 min", "3 h").

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
}
