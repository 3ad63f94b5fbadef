//! The dashboard's figures (*Resultaten*): the period a view covers, the
//! return said in words, the recovery rate, lead times as median and 90th
//! percentile, the fund's runway and the age of claims. The database sums;
//! what the sums mean is decided here, once. Small cells are hidden by
//! [`crate::disclosure`].

use chrono::{Datelike, Months, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::claim::ClaimStatus;
use crate::dates::{self, DateError, DateWindow};
use crate::evaluation::share_of;
use crate::money::{Money, MoneyError};

/// Days after invoicing within which an external payer pays.
pub const PAYMENT_TERM_DAYS: i64 = 30;

/// The period a dashboard view covers, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub kind: PeriodKind,
}

/// How the period was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PeriodKind {
    Year(i32),
    Quarter(i32, u32),
    Month(i32, u32),
    Range,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PeriodError {
    #[error("Kies een jaar tussen {earliest} en {latest}.")]
    Year { earliest: i32, latest: i32 },
    #[error("Een kwartaal is 1, 2, 3 of 4.")]
    Quarter,
    #[error("Een maand is 1 tot en met 12.")]
    Month,
    #[error("Kies een kwartaal of een maand, niet allebei.")]
    QuarterAndMonth,
    #[error("De begindatum ligt na de einddatum.")]
    FromAfterTo,
    #[error("Vul bij een periode zowel een begin- als een einddatum in.")]
    HalfRange,
    #[error("{0}")]
    Date(#[from] DateError),
}

/// The period parts of a query, as typed (empty when not given).
#[derive(Debug, Clone, Copy, Default)]
pub struct PeriodQuery<'a> {
    pub year: &'a str,
    pub quarter: &'a str,
    pub month: &'a str,
    pub from: &'a str,
    pub to: &'a str,
}

/// The months in Dutch, January first.
pub const MONTHS_NL: [&str; 12] = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
];

fn day(year: i32, month: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, month, d)
}

fn last_of_month(year: i32, month: u32) -> Option<NaiveDate> {
    day(year, month, 1)?
        .checked_add_months(Months::new(1))?
        .pred_opt()
}

impl Period {
    /// The period a query asks for: a from–to range when one is given,
    /// else a month or a quarter of a year, else a year; the current year
    /// when nothing is. Years and dates lie within the usual window around
    /// `today` (ten years back, one ahead).
    pub fn parse(q: PeriodQuery<'_>, today: NaiveDate) -> Result<Period, PeriodError> {
        let window = DateWindow::around(today);
        let (from, to) = (q.from.trim(), q.to.trim());
        if !from.is_empty() || !to.is_empty() {
            if from.is_empty() || to.is_empty() {
                return Err(PeriodError::HalfRange);
            }
            let from = dates::parse_within(from, window)?;
            let to = dates::parse_within(to, window)?;
            if from > to {
                return Err(PeriodError::FromAfterTo);
            }
            return Ok(Period {
                from,
                to,
                kind: PeriodKind::Range,
            });
        }
        let (earliest, latest) = (window.earliest.year(), window.latest.year());
        let year = match q.year.trim() {
            "" => today.year(),
            y => y
                .parse::<i32>()
                .ok()
                .filter(|y| (earliest..=latest).contains(y))
                .ok_or(PeriodError::Year { earliest, latest })?,
        };
        let number = |text: &str, max: u32, error: PeriodError| match text.trim() {
            "" => Ok(None),
            n => n
                .parse::<u32>()
                .ok()
                .filter(|n| (1..=max).contains(n))
                .map(Some)
                .ok_or(error),
        };
        let quarter = number(q.quarter, 4, PeriodError::Quarter)?;
        let month = number(q.month, 12, PeriodError::Month)?;
        let invalid = PeriodError::Year { earliest, latest };
        let (from, to, kind) = match (quarter, month) {
            (Some(_), Some(_)) => return Err(PeriodError::QuarterAndMonth),
            (Some(k), None) => (
                day(year, 3 * k - 2, 1),
                last_of_month(year, 3 * k),
                PeriodKind::Quarter(year, k),
            ),
            (None, Some(m)) => (
                day(year, m, 1),
                last_of_month(year, m),
                PeriodKind::Month(year, m),
            ),
            (None, None) => (day(year, 1, 1), day(year, 12, 31), PeriodKind::Year(year)),
        };
        Ok(Period {
            from: from.ok_or(invalid.clone())?,
            to: to.ok_or(invalid)?,
            kind,
        })
    }

    pub fn contains(&self, date: NaiveDate) -> bool {
        (self.from..=self.to).contains(&date)
    }

    /// "2026", "2e kwartaal 2026", "maart 2026", "01-01-2026 t/m 30-06-2026".
    pub fn label_nl(&self) -> String {
        match self.kind {
            PeriodKind::Year(y) => y.to_string(),
            PeriodKind::Quarter(y, k) => format!("{k}e kwartaal {y}"),
            PeriodKind::Month(y, m) => format!("{} {y}", MONTHS_NL[(m - 1) as usize]),
            PeriodKind::Range => {
                format!("{} t/m {}", dates::dutch(self.from), dates::dutch(self.to))
            }
        }
    }

    /// Whether the period reaches past `today`: its figures may still change.
    pub fn is_provisional(&self, today: NaiveDate) -> bool {
        self.to >= today
    }

    /// Every quarter the period touches, oldest first: the x-axis of a trend.
    pub fn quarters(&self) -> Vec<(i32, u32)> {
        let mut out = Vec::new();
        let (mut y, mut k) = (self.from.year(), self.from.month0() / 3 + 1);
        let last = (self.to.year(), self.to.month0() / 3 + 1);
        while (y, k) <= last {
            out.push((y, k));
            (y, k) = if k == 4 { (y + 1, 1) } else { (y, k + 1) };
        }
        out
    }
}

/// What each invested euro brought back, rounded to cents; none before
/// anything was invested.
pub fn per_euro(avoided: Money, invested: Money) -> Option<Money> {
    if !invested.is_positive() {
        return None;
    }
    avoided
        .as_decimal()
        .checked_div(invested.as_decimal())
        .and_then(|r| Money::round_from(r).ok())
}

/// "elke geïnvesteerde euro leverde € 4,12 op" (the past: what was achieved).
pub fn return_sentence(avoided: Money, invested: Money) -> String {
    match per_euro(avoided, invested) {
        Some(r) => format!("elke geïnvesteerde euro leverde {r} op"),
        None => "er is nog niets geïnvesteerd".to_string(),
    }
}

/// Avoided less invested.
/// What each invested euro is expected to bring, in words.
pub fn expected_return_sentence(avoided: Money, invested: Money) -> String {
    match per_euro(avoided, invested) {
        Some(r) => format!("elke geïnvesteerde euro levert naar verwachting {r} op"),
        None => "er is nog niets geïnvesteerd".to_string(),
    }
}

pub fn net_return(avoided: Money, invested: Money) -> Result<Money, MoneyError> {
    avoided.checked_sub(invested)
}

/// What came back as a percentage of the settled cost of the cases whose
/// chargeback is posted, to one decimal; none before any is.
pub fn recovery_rate(recovered: Money, settled: Money) -> Option<Decimal> {
    share_of(recovered, settled)
}

/// The nearest-rank percentile `p` (1–100) of `values`: the smallest value
/// with at least p % of the values at or below it. None for no values.
pub fn percentile(values: &[i64], p: u32) -> Option<i64> {
    if values.is_empty() || !(1..=100).contains(&p) {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    let n = sorted.len();
    let rank = (n * p as usize).div_ceil(100).max(1);
    sorted.get(rank - 1).copied()
}

/// Median and 90th percentile of a lead time, in days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeadTime {
    pub cases: usize,
    pub median: Option<i64>,
    pub p90: Option<i64>,
}

pub fn lead_time(days: &[i64]) -> LeadTime {
    LeadTime {
        cases: days.len(),
        median: percentile(days, 50),
        p90: percentile(days, 90),
    }
}

/// How long the available amount lasts at the pace of the last 12 months.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Runway {
    /// Nothing was spent in the last 12 months.
    NoPace,
    /// Nothing is available.
    Exhausted,
    /// Whole months.
    Months(u32),
}

pub fn runway(available: Money, spent_last_12_months: Money) -> Runway {
    if !available.is_positive() {
        return Runway::Exhausted;
    }
    if !spent_last_12_months.is_positive() {
        return Runway::NoPace;
    }
    // available / (spent / 12), in whole months, without rounding spent.
    let months = i128::from(available.cents()) * 12 / i128::from(spent_last_12_months.cents());
    Runway::Months(u32::try_from(months).unwrap_or(u32::MAX))
}

impl Runway {
    pub fn sentence_nl(&self) -> String {
        match self {
            Runway::NoPace => {
                "In de laatste 12 maanden is niets betaald: er is geen tempo om mee te rekenen."
                    .into()
            }
            Runway::Exhausted => "Er is niets meer beschikbaar.".into(),
            Runway::Months(0) => {
                "In het tempo van de laatste 12 maanden is het beschikbare bedrag binnen een maand op."
                    .into()
            }
            Runway::Months(1) => {
                "In het tempo van de laatste 12 maanden is het beschikbare bedrag over 1 maand op."
                    .into()
            }
            Runway::Months(n) => format!(
                "In het tempo van de laatste 12 maanden is het beschikbare bedrag over {n} maanden op."
            ),
        }
    }
}

/// Where an outstanding claim stands, and for how many days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ClaimAge {
    /// Not invoiced yet, since the chargeback was booked.
    Open { days: i64 },
    /// Invoiced, within the payment term.
    Invoiced { days: i64 },
    /// Invoiced longer ago than the payment term.
    Overdue { days: i64 },
}

/// The age of a claim on `today`; none for a claim that is settled (paid,
/// refused or withdrawn).
pub fn claim_age(
    status: ClaimStatus,
    booked_on: NaiveDate,
    invoiced_on: Option<NaiveDate>,
    today: NaiveDate,
) -> Option<ClaimAge> {
    let since = |d: NaiveDate| (today - d).num_days().max(0);
    match (status, invoiced_on) {
        (ClaimStatus::Open, _) => Some(ClaimAge::Open {
            days: since(booked_on),
        }),
        (ClaimStatus::Invoiced, Some(on)) if since(on) > PAYMENT_TERM_DAYS => {
            Some(ClaimAge::Overdue { days: since(on) })
        }
        (ClaimStatus::Invoiced, on) => Some(ClaimAge::Invoiced {
            days: since(on.unwrap_or(booked_on)),
        }),
        _ => None,
    }
}

/// `part` of `whole` counts as a percentage to one decimal (the approval
/// rate); none of nothing.
pub fn rate(part: u32, whole: u32) -> Option<Decimal> {
    (whole > 0).then(|| {
        (Decimal::from(part) * Decimal::ONE_HUNDRED / Decimal::from(whole))
            .round_dp_with_strategy(1, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
    })
}

/// The quarter a day falls in: (year, 1–4).
pub fn quarter_of(date: NaiveDate) -> (i32, u32) {
    (date.year(), date.month0() / 3 + 1)
}

/// A quarter as the tables name it: "2026 K2".
pub fn quarter_label((year, k): (i32, u32)) -> String {
    format!("{year} K{k}")
}

/// The `n` quarters up to and including the one `to` falls in, oldest first.
pub fn quarters_up_to(to: NaiveDate, n: usize) -> Vec<(i32, u32)> {
    let (mut y, mut k) = quarter_of(to);
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        out.push((y, k));
        (y, k) = if k == 1 { (y - 1, 4) } else { (y, k - 1) };
    }
    out.reverse();
    out
}

/// What happened to one case, and when (Dutch calendar days).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Moments {
    pub submitted: NaiveDate,
    pub decided: Option<NaiveDate>,
    /// The canvas was approved (the case went on after the decision).
    pub approved: bool,
    pub rejected: bool,
    pub first_paid: Option<NaiveDate>,
    pub settled: Option<NaiveDate>,
    /// The first final evaluation.
    pub evaluated: Option<NaiveDate>,
}

/// A step of a breakthrough the dashboard counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Stage {
    Submitted,
    Approved,
    Rejected,
    Paid,
    Settled,
    Evaluated,
}

impl Stage {
    pub const ALL: [Stage; 6] = [
        Stage::Submitted,
        Stage::Approved,
        Stage::Rejected,
        Stage::Paid,
        Stage::Settled,
        Stage::Evaluated,
    ];

    pub fn label_nl(self) -> &'static str {
        match self {
            Stage::Submitted => "Ingediend",
            Stage::Approved => "Goedgekeurd",
            Stage::Rejected => "Afgewezen",
            Stage::Paid => "Eerste betaling",
            Stage::Settled => "Afgerekend",
            Stage::Evaluated => "Geëvalueerd",
        }
    }

    /// The day a case reached this step, if it did.
    pub fn date(self, m: &Moments) -> Option<NaiveDate> {
        match self {
            Stage::Submitted => Some(m.submitted),
            Stage::Approved => m.decided.filter(|_| m.approved),
            Stage::Rejected => m.decided.filter(|_| m.rejected),
            Stage::Paid => m.first_paid,
            Stage::Settled => m.settled,
            Stage::Evaluated => m.evaluated,
        }
    }
}

/// How many cases reached `stage` between `from` and `to` (both included).
pub fn reached(cases: &[Moments], stage: Stage, from: NaiveDate, to: NaiveDate) -> u32 {
    let n = cases
        .iter()
        .filter_map(|m| stage.date(m))
        .filter(|d| (from..=to).contains(d))
        .count();
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// A leg of the way from canvas to settlement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Leg {
    /// Submission to decision (approved or rejected).
    Decision,
    /// Approval to the first payment.
    Payment,
    /// The first payment to settlement.
    Settlement,
}

impl Leg {
    pub const ALL: [Leg; 3] = [Leg::Decision, Leg::Payment, Leg::Settlement];

    pub fn label_nl(self) -> &'static str {
        match self {
            Leg::Decision => "Indienen tot besluit",
            Leg::Payment => "Besluit tot eerste betaling",
            Leg::Settlement => "Eerste betaling tot afrekening",
        }
    }

    /// The day the leg ended and how many days it took.
    pub fn span(self, m: &Moments) -> Option<(NaiveDate, i64)> {
        let (start, end) = match self {
            Leg::Decision => (
                Some(m.submitted),
                m.decided.filter(|_| m.approved || m.rejected),
            ),
            Leg::Payment => (m.decided.filter(|_| m.approved), m.first_paid),
            Leg::Settlement => (m.first_paid, m.settled),
        };
        let (start, end) = (start?, end?);
        Some((end, (end - start).num_days().max(0)))
    }
}

/// The lead time of `leg` over the cases whose leg ended in `quarter`, on
/// or before `until` (the end of the period a view covers).
pub fn lead_time_in(
    cases: &[Moments],
    leg: Leg,
    quarter: (i32, u32),
    until: NaiveDate,
) -> LeadTime {
    let days: Vec<i64> = cases
        .iter()
        .filter_map(|m| leg.span(m))
        .filter(|(end, _)| quarter_of(*end) == quarter && *end <= until)
        .map(|(_, d)| d)
        .collect();
    lead_time(&days)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    fn euros(e: i64) -> Money {
        Money::from_euros(e).expect("money")
    }

    fn q<'a>(
        year: &'a str,
        quarter: &'a str,
        month: &'a str,
        from: &'a str,
        to: &'a str,
    ) -> PeriodQuery<'a> {
        PeriodQuery {
            year,
            quarter,
            month,
            from,
            to,
        }
    }

    const TODAY: (i32, u32, u32) = (2026, 12, 6);

    fn today() -> NaiveDate {
        d(TODAY.0, TODAY.1, TODAY.2)
    }

    #[test]
    fn a_period_is_a_year_a_quarter_a_month_or_a_range() {
        let p = Period::parse(PeriodQuery::default(), today()).expect("default");
        assert_eq!(
            (p.from, p.to, p.label_nl()),
            (d(2026, 1, 1), d(2026, 12, 31), "2026".into())
        );
        assert!(p.is_provisional(today()));
        let p = Period::parse(q("2025", "2", "", "", ""), today()).expect("quarter");
        assert_eq!((p.from, p.to), (d(2025, 4, 1), d(2025, 6, 30)));
        assert_eq!(p.label_nl(), "2e kwartaal 2025");
        assert!(!p.is_provisional(today()));
        let p = Period::parse(q("2024", "", "2", "", ""), today()).expect("month");
        assert_eq!(
            (p.from, p.to, p.label_nl()),
            (d(2024, 2, 1), d(2024, 2, 29), "februari 2024".into())
        );
        let p =
            Period::parse(q("2020", "", "", "2025-03-01", "15-07-2026"), today()).expect("range");
        assert_eq!((p.from, p.to), (d(2025, 3, 1), d(2026, 7, 15)));
        assert_eq!(p.label_nl(), "01-03-2025 t/m 15-07-2026");
        assert_eq!(
            p.quarters(),
            vec![
                (2025, 1),
                (2025, 2),
                (2025, 3),
                (2025, 4),
                (2026, 1),
                (2026, 2),
                (2026, 3)
            ]
        );
    }

    #[test]
    fn a_bad_period_gets_a_dutch_message() {
        let bad = |query: PeriodQuery<'_>| {
            Period::parse(query, today())
                .expect_err("refused")
                .to_string()
        };
        assert_eq!(
            bad(q("", "", "", "2026-06-01", "2026-05-01")),
            "De begindatum ligt na de einddatum."
        );
        assert_eq!(
            bad(q("", "", "", "2026-06-01", "")),
            "Vul bij een periode zowel een begin- als een einddatum in."
        );
        assert_eq!(
            bad(q("1999", "", "", "", "")),
            "Kies een jaar tussen 2016 en 2027."
        );
        assert_eq!(
            bad(q("20266", "", "", "", "")),
            "Kies een jaar tussen 2016 en 2027."
        );
        assert_eq!(
            bad(q("2026", "5", "", "", "")),
            "Een kwartaal is 1, 2, 3 of 4."
        );
        assert_eq!(
            bad(q("2026", "", "13", "", "")),
            "Een maand is 1 tot en met 12."
        );
        assert_eq!(
            bad(q("2026", "1", "1", "", "")),
            "Kies een kwartaal of een maand, niet allebei."
        );
        assert!(
            bad(q("", "", "", "9999-01-01", "9999-02-01")).starts_with("Kies een datum tussen")
        );
        assert_eq!(
            bad(q("", "", "", "2026-02-30", "2026-03-01")),
            "Deze datum bestaat niet."
        );
    }

    #[test]
    fn return_and_recovery_are_said_in_words() {
        assert_eq!(
            per_euro(euros(41_200), euros(10_000)),
            Money::from_cents(412).ok()
        );
        assert_eq!(
            return_sentence(euros(41_200), euros(10_000)),
            "elke geïnvesteerde euro leverde € 4,12 op"
        );
        assert_eq!(
            return_sentence(euros(1), Money::ZERO),
            "er is nog niets geïnvesteerd"
        );
        assert_eq!(net_return(euros(41_200), euros(10_000)), Ok(euros(31_200)));
        assert_eq!(
            recovery_rate(euros(750), euros(1_000)),
            Some(Decimal::new(750, 1))
        );
        assert_eq!(recovery_rate(euros(750), Money::ZERO), None);
    }

    #[test]
    fn percentiles_are_nearest_rank() {
        let days = [10, 3, 7, 1, 30, 14, 2, 5, 8, 21];
        assert_eq!(percentile(&days, 50), Some(7));
        assert_eq!(percentile(&days, 90), Some(21));
        assert_eq!(percentile(&days, 100), Some(30));
        assert_eq!(percentile(&[4], 90), Some(4));
        assert_eq!(percentile(&[], 50), None);
        assert_eq!(
            lead_time(&days),
            LeadTime {
                cases: 10,
                median: Some(7),
                p90: Some(21)
            }
        );
    }

    #[test]
    fn the_runway_counts_whole_months_at_last_years_pace() {
        assert_eq!(runway(euros(100_000), euros(240_000)), Runway::Months(5));
        assert_eq!(runway(euros(100_000), Money::ZERO), Runway::NoPace);
        assert_eq!(runway(Money::ZERO, euros(1)), Runway::Exhausted);
        assert_eq!(
            Runway::Months(5).sentence_nl(),
            "In het tempo van de laatste 12 maanden is het beschikbare bedrag over 5 maanden op."
        );
    }

    #[test]
    fn claims_age_from_booking_and_invoice() {
        let booked = d(2026, 10, 1);
        assert_eq!(
            claim_age(ClaimStatus::Open, booked, None, today()),
            Some(ClaimAge::Open { days: 66 })
        );
        assert_eq!(
            claim_age(
                ClaimStatus::Invoiced,
                booked,
                Some(d(2026, 11, 20)),
                today()
            ),
            Some(ClaimAge::Invoiced { days: 16 })
        );
        assert_eq!(
            claim_age(
                ClaimStatus::Invoiced,
                booked,
                Some(d(2026, 10, 20)),
                today()
            ),
            Some(ClaimAge::Overdue { days: 47 })
        );
        assert_eq!(
            claim_age(ClaimStatus::Paid, booked, Some(d(2026, 10, 20)), today()),
            None
        );
    }

    fn moments(submitted: NaiveDate) -> Moments {
        Moments {
            submitted,
            decided: None,
            approved: false,
            rejected: false,
            first_paid: None,
            settled: None,
            evaluated: None,
        }
    }

    #[test]
    fn a_case_counts_at_each_step_it_reached_within_the_period() {
        let done = Moments {
            decided: Some(d(2026, 3, 30)),
            approved: true,
            first_paid: Some(d(2026, 4, 2)),
            settled: Some(d(2026, 6, 1)),
            evaluated: Some(d(2027, 1, 5)),
            ..moments(d(2026, 3, 20))
        };
        let refused = Moments {
            decided: Some(d(2026, 3, 25)),
            rejected: true,
            ..moments(d(2026, 3, 1))
        };
        let cases = [done, refused, moments(d(2025, 12, 31))];
        let (from, to) = (d(2026, 1, 1), d(2026, 3, 31));
        let n = |s| reached(&cases, s, from, to);
        assert_eq!(
            Stage::ALL.map(n),
            [2, 1, 1, 0, 0, 0],
            "submitted, approved, rejected, paid, settled, evaluated"
        );
        assert_eq!(
            rate(n(Stage::Approved), n(Stage::Approved) + n(Stage::Rejected)),
            Some(Decimal::new(500, 1))
        );
        assert_eq!(rate(0, 0), None);
        // Legs end in the quarter of their last step.
        assert_eq!(Leg::Decision.span(&done), Some((d(2026, 3, 30), 10)));
        assert_eq!(Leg::Decision.span(&refused), Some((d(2026, 3, 25), 24)));
        assert_eq!(Leg::Payment.span(&refused), None);
        assert_eq!(Leg::Settlement.span(&done), Some((d(2026, 6, 1), 60)));
        let q1 = lead_time_in(&cases, Leg::Decision, (2026, 1), d(2026, 12, 31));
        // Legs ending after the period's end are not counted.
        assert_eq!(
            lead_time_in(&cases, Leg::Decision, (2026, 1), d(2026, 3, 26)).cases,
            1
        );
        assert_eq!((q1.cases, q1.median, q1.p90), (2, Some(10), Some(24)));
        assert_eq!(
            lead_time_in(&cases, Leg::Payment, (2026, 2), d(2026, 12, 31)).median,
            Some(3)
        );
    }

    #[test]
    fn the_trend_ends_in_the_quarter_of_the_period_end() {
        assert_eq!(
            quarters_up_to(d(2026, 5, 31), 6),
            vec![
                (2025, 1),
                (2025, 2),
                (2025, 3),
                (2025, 4),
                (2026, 1),
                (2026, 2)
            ]
        );
        assert_eq!(quarter_label(quarter_of(d(2026, 12, 31))), "2026 K4");
        assert_eq!(quarter_of(d(2026, 4, 1)), (2026, 2));
    }

    proptest! {
        #[test]
        fn a_percentile_is_a_value_and_grows_with_p(
            values in proptest::collection::vec(-1_000i64..1_000, 1..60),
            p in 1u32..=100,
            more in 0u32..=99,
        ) {
            let at = percentile(&values, p).expect("some");
            prop_assert!(values.contains(&at));
            let below = values.iter().filter(|v| **v <= at).count();
            prop_assert!(below * 100 >= values.len() * p as usize);
            let higher = (p + more).min(100);
            prop_assert!(percentile(&values, higher).expect("some") >= at);
        }

        #[test]
        fn the_runway_never_overstates(available in 1i64..100_000_000, spent in 1i64..100_000_000) {
            let (a, s) = (Money::from_cents(available).expect("a"), Money::from_cents(spent).expect("s"));
            let Runway::Months(n) = runway(a, s) else { panic!("months") };
            // n months at spent/12 a month fit in what is available; n + 1 do not.
            prop_assert!(i128::from(n) * i128::from(spent) <= i128::from(available) * 12);
            prop_assert!((i128::from(n) + 1) * i128::from(spent) > i128::from(available) * 12);
        }

        #[test]
        fn a_year_counts_what_its_quarters_count_and_legs_end_in_one_quarter(
            cases in proptest::collection::vec(
                (0i64..900, proptest::option::of(0i64..60), 0u8..3, proptest::option::of(0i64..60), proptest::option::of(0i64..120)),
                0..40,
            ),
        ) {
            let start = d(2025, 6, 1);
            let moments: Vec<Moments> = cases
                .iter()
                .map(|(sub, dec, verdict, paid, settled)| {
                    let submitted = start + chrono::Days::new(*sub as u64);
                    let decided = dec.map(|x| submitted + chrono::Days::new(x as u64));
                    let approved = decided.is_some() && *verdict == 1;
                    let first_paid = paid.filter(|_| approved).and_then(|x| decided.map(|dd| dd + chrono::Days::new(x as u64)));
                    let settled = settled.and_then(|x| first_paid.map(|p| p + chrono::Days::new(x as u64)));
                    Moments { submitted, decided, approved, rejected: decided.is_some() && *verdict == 2, first_paid, settled, evaluated: None }
                })
                .collect();
            for stage in Stage::ALL {
                let year = reached(&moments, stage, d(2026, 1, 1), d(2026, 12, 31));
                let quarters: u32 = (1..=4u32)
                    .map(|k| {
                        let from = d(2026, 3 * k - 2, 1);
                        let to = from.checked_add_months(Months::new(3)).expect("m").pred_opt().expect("d");
                        reached(&moments, stage, from, to)
                    })
                    .sum();
                prop_assert_eq!(year, quarters);
            }
            for leg in Leg::ALL {
                let spans = moments.iter().filter(|m| leg.span(m).is_some()).count();
                let per_quarter: usize = quarters_up_to(d(2028, 12, 31), 16).iter().map(|q| lead_time_in(&moments, leg, *q, d(2028, 12, 31)).cases).sum();
                prop_assert_eq!(spans, per_quarter, "every leg ends in exactly one quarter");
                prop_assert!(moments.iter().filter_map(|m| leg.span(m)).all(|(_, days)| days >= 0));
            }
        }

        #[test]
        fn every_day_of_a_quarter_lies_in_it(year in 2017i32..2027, k in 1u32..=4, offset in 0u32..92) {
            let year_text = year.to_string();
            let quarter_text = k.to_string();
            let p = Period::parse(q(&year_text, &quarter_text, "", "", ""), today()).expect("quarter");
            let day = p.from + chrono::Days::new(u64::from(offset));
            prop_assert_eq!(p.contains(day), day <= p.to);
            prop_assert_eq!(p.quarters(), vec![(year, k)]);
            prop_assert_eq!(day.month0() / 3 + 1 == k && day.year() == year, p.contains(day));
        }
    }
}
