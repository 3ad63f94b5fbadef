//! Dates as people type them: `2026-11-22` (ISO, what a date input posts) or
//! `22-11-2026` (Dutch), nothing else, and only inside a sensible window
//! around today. Anything that is stored, booked or exported must pass here
//! first: a year 9999 or `+12026` would otherwise live forever in an
//! append-only table.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, Utc};

/// How far back and ahead of today a typed date may lie.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateWindow {
    pub earliest: NaiveDate,
    pub latest: NaiveDate,
}

impl DateWindow {
    /// Ten years back to one year ahead of `today`: bookings, payments,
    /// invoices, prices and periods all fall inside it.
    pub fn around(today: NaiveDate) -> DateWindow {
        let shift = |years: i32| {
            NaiveDate::from_ymd_opt(today.year() + years, today.month(), today.day().min(28))
                .unwrap_or(today)
        };
        DateWindow {
            earliest: shift(-10),
            latest: shift(1),
        }
    }

    pub fn contains(self, date: NaiveDate) -> bool {
        (self.earliest..=self.latest).contains(&date)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    #[error("Vul een datum in als jjjj-mm-dd of dd-mm-jjjj.")]
    Malformed,
    #[error("Deze datum bestaat niet.")]
    NoSuchDay,
    #[error("Kies een datum tussen {earliest} en {latest}.", earliest = dutch(*.earliest), latest = dutch(*.latest))]
    OutsideWindow {
        earliest: NaiveDate,
        latest: NaiveDate,
    },
}

/// `22-11-2026`.
pub fn dutch(date: NaiveDate) -> String {
    date.format("%d-%m-%Y").to_string()
}

/// Parses `jjjj-mm-dd` or `dd-mm-jjjj` (surrounding white space allowed,
/// nothing else: no signs, no short or long fields, no spaces inside).
pub fn parse(text: &str) -> Result<NaiveDate, DateError> {
    let parts: Vec<&str> = text.trim().split('-').collect();
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    let (year, month, day) = match parts.as_slice() {
        [y, m, d] if digits(y, 4) && digits(m, 2) && digits(d, 2) => (*y, *m, *d),
        [d, m, y] if digits(d, 2) && digits(m, 2) && digits(y, 4) => (*y, *m, *d),
        _ => return Err(DateError::Malformed),
    };
    let number = |s: &str| s.parse::<u32>().map_err(|_| DateError::Malformed);
    let year = i32::try_from(number(year)?).map_err(|_| DateError::Malformed)?;
    NaiveDate::from_ymd_opt(year, number(month)?, number(day)?).ok_or(DateError::NoSuchDay)
}

/// [`parse`], then the date must lie in `window`.
pub fn parse_within(text: &str, window: DateWindow) -> Result<NaiveDate, DateError> {
    let date = parse(text)?;
    if window.contains(date) {
        Ok(date)
    } else {
        Err(DateError::OutsideWindow {
            earliest: window.earliest,
            latest: window.latest,
        })
    }
}

/// The Dutch local time (Europe/Amsterdam) of an instant: CET (UTC+1), and
/// CEST (UTC+2) from the last Sunday of March to the last Sunday of October,
/// switching at 01:00 UTC (the EU rule in force since 1996).
pub fn dutch_local(at: DateTime<Utc>) -> NaiveDateTime {
    let year = at.year();
    let switch = |month: u32| {
        let last = NaiveDate::from_ymd_opt(year, month, 31).unwrap_or(NaiveDate::MIN);
        let back = last.weekday().num_days_from_sunday();
        (last - Duration::days(i64::from(back)))
            .and_hms_opt(1, 0, 0)
            .unwrap_or(NaiveDateTime::MIN)
    };
    let utc = at.naive_utc();
    let summer = switch(3) <= utc && utc < switch(10);
    utc + Duration::hours(if summer { 2 } else { 1 })
}

/// The Dutch calendar date of an instant: what "today" means for a booking,
/// a payment or a deadline.
pub fn dutch_today(at: DateTime<Utc>) -> NaiveDate {
    dutch_local(at).date()
}

/// The instant a Dutch calendar day begins (00:00 in Amsterdam), in UTC.
/// Midnight never falls in a clock change (those happen at 02:00 and 03:00),
/// so the offset is that of the day's start: one hour in winter, two in summer.
pub fn dutch_day_start(date: NaiveDate) -> DateTime<Utc> {
    let midnight = date.and_hms_opt(0, 0, 0).unwrap_or(NaiveDateTime::MIN);
    let summer = (midnight - Duration::hours(2)).and_utc();
    if dutch_local(summer) == midnight {
        summer
    } else {
        (midnight - Duration::hours(1)).and_utc()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("date")
    }

    #[test]
    fn iso_and_dutch_dates_are_read_and_nothing_else() {
        assert_eq!(parse("2026-11-22"), Ok(day(2026, 11, 22)));
        assert_eq!(parse(" 22-11-2026 "), Ok(day(2026, 11, 22)));
        for bad in [
            "",
            "+12026-01-01",
            "12026-01-01",
            "2026-1-01",
            "2026 -01-01",
            "2026-01- 1",
            "22/11/2026",
            "2026-11-22T00:00",
            "-2026-11-22",
            "٢٠٢٦-١١-٢٢",
        ] {
            assert_eq!(parse(bad), Err(DateError::Malformed), "{bad:?}");
        }
        assert_eq!(parse("2026-02-30"), Err(DateError::NoSuchDay));
        assert_eq!(parse("31-04-2026"), Err(DateError::NoSuchDay));
    }

    #[test]
    fn a_date_lies_between_ten_years_back_and_one_year_ahead() {
        let window = DateWindow::around(day(2026, 11, 28));
        assert_eq!(window.earliest, day(2016, 11, 28));
        assert_eq!(window.latest, day(2027, 11, 28));
        assert!(parse_within("2027-11-28", window).is_ok());
        assert!(parse_within("2016-11-28", window).is_ok());
        assert_eq!(
            parse_within("9999-12-31", window),
            Err(DateError::OutsideWindow {
                earliest: day(2016, 11, 28),
                latest: day(2027, 11, 28)
            })
        );
        assert_eq!(
            parse_within("9999-12-31", window).map_err(|e| e.to_string()),
            Err("Kies een datum tussen 28-11-2016 en 28-11-2027.".to_string())
        );
        assert!(parse_within("2016-11-27", window).is_err());
        // Leap day: the window ends on the 28th.
        assert_eq!(
            DateWindow::around(day(2028, 2, 29)).latest,
            day(2029, 2, 28)
        );
    }

    #[test]
    fn dutch_local_time_follows_summer_time() {
        let at = |s: &str| s.parse::<DateTime<Utc>>().expect("instant");
        let local = |s: &str| dutch_local(at(s)).format("%Y-%m-%d %H:%M").to_string();
        assert_eq!(local("2026-01-15T12:00:00Z"), "2026-01-15 13:00");
        assert_eq!(local("2026-07-15T12:00:00Z"), "2026-07-15 14:00");
        // 2026: summer time from 29 March 01:00 UTC to 25 October 01:00 UTC.
        assert_eq!(local("2026-03-29T00:59:00Z"), "2026-03-29 01:59");
        assert_eq!(local("2026-03-29T01:00:00Z"), "2026-03-29 03:00");
        assert_eq!(local("2026-10-25T00:59:00Z"), "2026-10-25 02:59");
        assert_eq!(local("2026-10-25T01:00:00Z"), "2026-10-25 02:00");
        // Just before midnight UTC it is already tomorrow in the Netherlands.
        assert_eq!(
            dutch_today(at("2026-12-31T23:30:00Z")),
            NaiveDate::from_ymd_opt(2027, 1, 1).expect("d")
        );
        assert_eq!(
            dutch_today(at("2026-06-30T22:30:00Z")),
            NaiveDate::from_ymd_opt(2026, 7, 1).expect("d")
        );
    }

    #[test]
    fn a_dutch_day_starts_at_its_own_midnight() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).expect("d");
        let utc = |date| dutch_day_start(date).format("%Y-%m-%dT%H:%M").to_string();
        assert_eq!(utc(d(2027, 1, 1)), "2026-12-31T23:00");
        assert_eq!(utc(d(2026, 7, 1)), "2026-06-30T22:00");
        // The days of the clock changes start before the change.
        assert_eq!(utc(d(2026, 3, 29)), "2026-03-28T23:00");
        assert_eq!(utc(d(2026, 10, 25)), "2026-10-24T22:00");
        for date in [d(2026, 3, 29), d(2026, 10, 25), d(2027, 1, 1)] {
            assert_eq!(dutch_today(dutch_day_start(date)), date);
            assert_eq!(
                dutch_today(dutch_day_start(date) - Duration::seconds(1)),
                date.pred_opt().expect("d")
            );
        }
    }
}
