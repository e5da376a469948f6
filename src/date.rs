//! Calendar dates (UTC), enough for expiry checks without a date-time crate.

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl Date {
    /// `YYYY-MM-DD` in ASCII digits, checked against the calendar.
    pub fn parse(s: &str) -> Option<Date> {
        let mut it = s.splitn(3, '-');
        let (y, m, d) = (it.next()?, it.next()?, it.next()?);
        let digits = |p: &str, n: usize| p.len() == n && p.bytes().all(|b| b.is_ascii_digit());
        if !digits(y, 4) || !digits(m, 2) || !digits(d, 2) {
            return None;
        }
        let date = Date {
            year: y.parse().ok()?,
            month: m.parse().ok()?,
            day: d.parse().ok()?,
        };
        (date.month >= 1
            && date.month <= 12
            && date.day >= 1
            && date.day <= days_in_month(date.year, date.month))
        .then_some(date)
    }

    /// The day ages and expiries are measured at: the day of `collected_at` (so a scan of a
    /// stored snapshot or report is reproducible), or today when there is none.
    pub fn as_of(collected_at: Option<&str>) -> Date {
        collected_at
            .and_then(Date::from_timestamp)
            .unwrap_or_else(Date::today)
    }

    /// The date of an RFC 3339 timestamp as AWS returns it (`2026-01-02T03:04:05Z`, with
    /// optional fractional seconds and a `Z` or `±HH:MM` offset), or a bare date. Anything else,
    /// trailing text included, is `None`: a date read from the first ten characters of
    /// `2026-11-20x` would silently change what ages and expiries mean.
    pub fn from_timestamp(s: &str) -> Option<Date> {
        let date = Date::parse(s.get(..10)?)?;
        let rest = &s[10..];
        if rest.is_empty() {
            return Some(date);
        }
        let time = rest.strip_prefix(['T', 't'])?;
        let two = |p: Option<&str>, max: u32| {
            p.filter(|p| p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit()))
                .and_then(|p| p.parse::<u32>().ok())
                .is_some_and(|v| v <= max)
        };
        let (hms, zone) = time.split_at(time.find(['Z', 'z', '+', '-'])?);
        let (hms, frac) = hms.split_once('.').unwrap_or((hms, "1"));
        let mut parts = hms.split(':');
        let valid_time = two(parts.next(), 23)
            && two(parts.next(), 59)
            && two(parts.next(), 60)
            && parts.next().is_none()
            && !frac.is_empty()
            && frac.bytes().all(|b| b.is_ascii_digit());
        let valid_zone = match zone {
            "Z" | "z" => true,
            _ => {
                let offset = &zone[1..];
                offset.len() == 5
                    && offset.as_bytes()[2] == b':'
                    && two(offset.get(..2), 23)
                    && two(offset.get(3..), 59)
            }
        };
        (valid_time && valid_zone).then_some(date)
    }

    /// Seconds since 1970-01-01T00:00:00Z and nanoseconds of a timestamp `from_timestamp`
    /// accepts (a bare date is its midnight UTC), to order timestamps written with different
    /// offsets or precisions.
    pub fn instant(s: &str) -> Option<(i64, u32)> {
        let date = Date::from_timestamp(s)?;
        let mut secs = date.to_days() * 86_400;
        let Some(time) = s.get(11..) else {
            return Some((secs, 0));
        };
        let num = |a: usize, b: usize| time.get(a..b).and_then(|p| p.parse::<i64>().ok());
        secs += num(0, 2)? * 3600 + num(3, 5)? * 60 + num(6, 8)?;
        let rest = &time[8..];
        let (frac, zone) = rest.split_at(rest.find(['Z', 'z', '+', '-'])?);
        let digits = frac.strip_prefix('.').unwrap_or("");
        let nanos = format!("{:0<9}", &digits[..digits.len().min(9)]);
        if let Some(offset) = zone.get(1..).filter(|o| !o.is_empty()) {
            let minutes =
                offset[..2].parse::<i64>().ok()? * 60 + offset[3..].parse::<i64>().ok()?;
            let sign = if zone.starts_with('+') { 1 } else { -1 };
            secs -= sign * minutes * 60;
        }
        Some((secs, nanos.parse().ok()?))
    }

    /// Days since 1970-01-01 (inverse of [`Date::from_days`]).
    pub fn to_days(self) -> i64 {
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y.rem_euclid(400);
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// Whole days from `self` to `later` (negative when `later` is earlier).
    pub fn days_until(self, later: Date) -> i64 {
        later.to_days() - self.to_days()
    }

    pub fn today() -> Date {
        let secs = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        Date::from_days((secs / 86_400) as i64)
    }

    /// Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    pub fn from_days(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

#[cfg(test)]
mod tests {
    use super::Date;

    #[test]
    fn instants_order_across_offsets_and_precisions() {
        let t = |s| Date::instant(s).unwrap();
        assert_eq!(t("1970-01-01T00:00:00Z"), (0, 0));
        assert_eq!(t("1970-01-02"), (86_400, 0));
        assert_eq!(t("2026-11-20T07:00:00+01:00"), t("2026-11-20T06:00:00Z"));
        assert_eq!(t("2026-11-20T05:30:00-00:30"), t("2026-11-20T06:00:00Z"));
        assert_eq!(t("2026-11-20T06:00:00.5Z").1, 500_000_000);
        assert!(t("2026-11-20T06:00:00.25Z") < t("2026-11-20T06:00:00.3Z"));
        assert!(Date::instant("2026-11-20T06:00Z").is_none());
    }

    #[test]
    fn parses_and_orders() {
        let d = Date::parse("2026-02-28").unwrap();
        assert_eq!(d.to_string(), "2026-02-28");
        assert!(Date::parse("2026-02-29").is_none());
        assert!(Date::parse("2024-02-29").is_some());
        assert!(Date::parse("2026-13-01").is_none());
        assert!(Date::parse("26-01-01").is_none());
        assert!(Date::parse("2026-01-02").unwrap() > Date::parse("2025-12-31").unwrap());
    }

    #[test]
    fn timestamps_parse_strictly() {
        for ok in [
            "2026-11-20",
            "2026-11-20T06:00:00Z",
            "2026-11-20T06:00:00.123456Z",
            "2026-11-20T23:59:60+05:30",
            "2026-11-20t06:00:00z",
        ] {
            assert_eq!(Date::from_timestamp(ok), Date::parse("2026-11-20"), "{ok}");
        }
        for bad in [
            "2026/11/20",
            "20261120",
            "2026-11-20x",
            "2026-11-20T06:00:00",
            "2026-11-20T24:00:00Z",
            "2026-11-20T06:00:00+5:30",
            "2026-11-20T06:00Z",
            "2026-11-20T06:00:00.Z",
            "\u{ff12}\u{ff10}\u{ff12}\u{ff16}-11-20",
            "+026-11-20",
        ] {
            assert_eq!(Date::from_timestamp(bad), None, "{bad}");
        }
    }

    #[test]
    fn from_days_matches_known_dates() {
        assert_eq!(Date::from_days(0).to_string(), "1970-01-01");
        assert_eq!(Date::from_days(20_516).to_string(), "2026-03-04");
        assert_eq!(Date::from_days(11_016).to_string(), "2000-02-29");
        for days in [-800_000, -1, 0, 59, 11_016, 20_516, 2_932_896] {
            assert_eq!(Date::from_days(days).to_days(), days);
        }
        let a = Date::from_timestamp("2026-01-30T23:59:59Z").unwrap();
        assert_eq!(a.days_until(Date::parse("2026-03-01").unwrap()), 30);
        assert!(Date::from_timestamp("2026-01").is_none());
    }
}
