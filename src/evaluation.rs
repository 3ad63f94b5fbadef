//! The evaluation of realised savings (*evaluatie*).
//!
//! A canvas *projects* avoided costs. After the horizon the professional
//! records, for every line of the frozen threatening scenario, what
//! happened: the cost was *vermeden* (avoided), *deels* vermeden (part of it
//! occurred: an amount, or a percentage of the line) or *niet vermeden*.
//! Interim follow-ups (after 3 and 6 months) may come earlier; the final
//! evaluation is due once the horizon has passed.
//!
//! The realised avoided cost of a line is what did not occur: the whole line,
//! the line less the part that occurred, or nothing. It is rounded to cents
//! once per line, like the return calculation: a percentage is taken of the
//! line's exact value. Per stream, `realised = Σ realised lines − realistic`,
//! the same shape as `projected = threatening − realistic`, so a case whose
//! every line was avoided realises exactly what it projected, and no stream
//! ever realises more than it projected.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Months, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::canvas::{Canvas, Horizon};
use crate::dates::dutch;
use crate::lifecycle::Status;
use crate::money::{Money, MoneyError, Percentage};
use crate::returns::{ReturnError, calculate_canvas, line_exact, line_total};
use crate::stream::StreamCode;

/// The months after the start at which an interim follow-up may be recorded.
pub const INTERIM_MONTHS: [u16; 2] = [3, 6];

/// What happened to one line of the threatening scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum LineOutcome {
    /// The cost did not occur.
    Avoided,
    /// Part of the cost occurred anyway.
    Partly(Occurred),
    /// The cost occurred in full.
    NotAvoided,
}

/// The part of a line's cost that occurred anyway.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Occurred {
    Amount(Money),
    /// A percentage of the line's projected cost.
    Share(Percentage),
}

impl LineOutcome {
    pub fn code(self) -> &'static str {
        match self {
            LineOutcome::Avoided => "avoided",
            LineOutcome::Partly(_) => "partly",
            LineOutcome::NotAvoided => "not_avoided",
        }
    }

    pub fn label_nl(self) -> &'static str {
        match self {
            LineOutcome::Avoided => "vermeden",
            LineOutcome::Partly(_) => "deels vermeden",
            LineOutcome::NotAvoided => "niet vermeden",
        }
    }
}

/// Whether the household reached its goal (*perspectief*).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum GoalOutcome {
    Reached,
    Partly,
    NotReached,
}

impl GoalOutcome {
    pub const ALL: [GoalOutcome; 3] = [
        GoalOutcome::Reached,
        GoalOutcome::Partly,
        GoalOutcome::NotReached,
    ];

    pub fn code(self) -> &'static str {
        match self {
            GoalOutcome::Reached => "reached",
            GoalOutcome::Partly => "partly",
            GoalOutcome::NotReached => "not_reached",
        }
    }

    pub fn from_code(code: &str) -> Option<GoalOutcome> {
        GoalOutcome::ALL.into_iter().find(|g| g.code() == code)
    }

    pub fn label_nl(self) -> &'static str {
        match self {
            GoalOutcome::Reached => "bereikt",
            GoalOutcome::Partly => "deels bereikt",
            GoalOutcome::NotReached => "niet bereikt",
        }
    }
}

/// An interim follow-up or the final evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum EvaluationKind {
    /// After `month` months (3 or 6); optional.
    Interim { month: u16 },
    /// Due once the horizon has passed.
    Final,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EvaluationError {
    #[error(
        "De horizon is nog niet verstreken: de eindevaluatie kan vanaf {due}. Leg dit vast als tussentijdse evaluatie."
    )]
    TooEarly { due: String },
    #[error("Een tussentijdse evaluatie is na 3 of 6 maanden, binnen de horizon.")]
    NoSuchInterim,
    #[error("Een tussentijdse evaluatie na {month} maanden kan vanaf {due}.")]
    InterimTooEarly { month: u16, due: String },
    #[error(
        "De evaluatie heeft {given} regels, het dreigend scenario {expected}: open de evaluatie opnieuw."
    )]
    LineCount { given: usize, expected: usize },
    #[error(
        "Regel {line}: het deel dat toch optrad ({occurred}) is hoger dan de verwachte kosten van de regel ({projected})."
    )]
    OccurredAboveLine {
        line: usize,
        occurred: Money,
        projected: Money,
    },
    #[error("Regel {line}: het deel dat toch optrad kan niet negatief zijn.")]
    OccurredNegative { line: usize },
    #[error("Een evaluatie kan pas als de doorbraak is gestart (na de eerste betaling).")]
    NotStarted,
    #[error(
        "De eindevaluatie volgt op de afrekening: de backoffice rekent de casus eerst af. Leg tot dan een tussentijdse evaluatie vast."
    )]
    NotSettled,
    #[error("De eindevaluatie is vastgelegd: een tussentijdse evaluatie kan niet meer.")]
    AfterFinal,
    #[error("De casus is afgesloten: de evaluatie kan niet meer worden gewijzigd.")]
    Closed,
    #[error("Deze evaluatie is al vastgelegd: geef de reden van de correctie.")]
    CorrectionReason,
    #[error(transparent)]
    Return(#[from] ReturnError),
}

impl From<MoneyError> for EvaluationError {
    fn from(_: MoneyError) -> Self {
        EvaluationError::Return(ReturnError::Overflow)
    }
}

/// When the final evaluation is due: the horizon after the start (the
/// breakthrough's first payment).
pub fn final_due(start: NaiveDate, horizon: Horizon) -> NaiveDate {
    months_after(start, horizon.get())
}

/// The month after the horizon in which the final evaluation is expected:
/// it is late after this date.
pub const EVALUATION_WINDOW_MONTHS: u16 = 1;

/// The date before which the final evaluation is expected (it can be
/// recorded from [`final_due`]).
pub fn deadline(due: NaiveDate) -> NaiveDate {
    months_after(due, EVALUATION_WINDOW_MONTHS)
}

fn months_after(start: NaiveDate, months: u16) -> NaiveDate {
    start
        .checked_add_months(Months::new(u32::from(months)))
        .unwrap_or(NaiveDate::MAX)
}

/// Whether an evaluation of `kind` may be recorded `today` for a case that
/// started on `start`.
pub fn check_moment(
    kind: EvaluationKind,
    start: NaiveDate,
    horizon: Horizon,
    today: NaiveDate,
) -> Result<(), EvaluationError> {
    match kind {
        EvaluationKind::Final => {
            let due = final_due(start, horizon);
            if today < due {
                return Err(EvaluationError::TooEarly { due: dutch(due) });
            }
        }
        EvaluationKind::Interim { month } => {
            if !INTERIM_MONTHS.contains(&month) || month >= horizon.get() {
                return Err(EvaluationError::NoSuchInterim);
            }
            let due = months_after(start, month);
            if today < due {
                return Err(EvaluationError::InterimTooEarly {
                    month,
                    due: dutch(due),
                });
            }
        }
    }
    Ok(())
}

/// Whether an evaluation of `kind` may be recorded on a case in `status`.
/// `earlier` is how many versions of this evaluation exist: a submitted
/// evaluation is frozen, and a correction is a new version with a reason.
/// The move to *geëvalueerd* itself is the lifecycle's (`Action::Evaluate`).
pub fn check_record(
    kind: EvaluationKind,
    status: Status,
    earlier: u32,
    reason: Option<&str>,
) -> Result<(), EvaluationError> {
    use Status::*;
    match (kind, status) {
        (_, Closed) => return Err(EvaluationError::Closed),
        (EvaluationKind::Interim { .. }, Evaluated) => return Err(EvaluationError::AfterFinal),
        (EvaluationKind::Interim { .. }, InProgress | Settled | ChargedBack) => {}
        (EvaluationKind::Final, Settled | ChargedBack | Evaluated) => {}
        (EvaluationKind::Final, InProgress) => return Err(EvaluationError::NotSettled),
        _ => return Err(EvaluationError::NotStarted),
    }
    if earlier > 0 && reason.is_none_or(|r| r.trim().is_empty()) {
        return Err(EvaluationError::CorrectionReason);
    }
    Ok(())
}

/// Projected and realised avoided cost of one stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct StreamRealisation {
    pub projected: Money,
    pub realised: Money,
    /// Realised − projected: zero when everything was avoided, never positive.
    pub difference: Money,
}

/// What a case realised, per line of the threatening scenario and per stream.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Realisation {
    /// The realised avoided cost of each threatening line, in order.
    pub lines: Vec<Money>,
    pub per_stream: BTreeMap<StreamCode, StreamRealisation>,
    pub total_projected: Money,
    pub total_realised: Money,
}

impl Realisation {
    /// Realised as a percentage of projected, to one decimal; none when
    /// nothing was projected.
    pub fn realised_share(&self) -> Option<Decimal> {
        share_of(self.total_realised, self.total_projected)
    }
}

/// `part` as a percentage of `whole`, to one decimal (half away from
/// zero); none when `whole` is not positive.
pub fn share_of(part: Money, whole: Money) -> Option<Decimal> {
    if !whole.is_positive() {
        return None;
    }
    part.as_decimal()
        .checked_mul(Decimal::ONE_HUNDRED)
        .and_then(|v| v.checked_div(whole.as_decimal()))
        .map(|v| v.round_dp_with_strategy(1, rust_decimal::RoundingStrategy::MidpointAwayFromZero))
}

/// The realised avoided cost of one line (1-based `number` for messages).
fn realised_line(
    number: usize,
    projected: Money,
    exact: Decimal,
    outcome: LineOutcome,
) -> Result<Money, EvaluationError> {
    match outcome {
        LineOutcome::Avoided => Ok(projected),
        LineOutcome::NotAvoided => Ok(Money::ZERO),
        LineOutcome::Partly(Occurred::Amount(occurred)) => {
            if occurred.is_negative() {
                return Err(EvaluationError::OccurredNegative { line: number });
            }
            if occurred > projected {
                return Err(EvaluationError::OccurredAboveLine {
                    line: number,
                    occurred,
                    projected,
                });
            }
            Ok(projected.checked_sub(occurred)?)
        }
        LineOutcome::Partly(Occurred::Share(share)) => {
            let avoided = Decimal::ONE_HUNDRED - share.value();
            let value = exact
                .checked_mul(avoided)
                .and_then(|v| v.checked_div(Decimal::ONE_HUNDRED))
                .ok_or(ReturnError::Overflow)?;
            Ok(Money::round_from(value)?)
        }
    }
}

/// The realisation of a frozen canvas given what happened to each line of
/// its threatening scenario (`outcomes`, in the scenario's order).
pub fn realise(
    canvas: &Canvas,
    outcomes: &[LineOutcome],
    known_streams: &BTreeSet<StreamCode>,
) -> Result<Realisation, EvaluationError> {
    if outcomes.len() != canvas.threatening.len() {
        return Err(EvaluationError::LineCount {
            given: outcomes.len(),
            expected: canvas.threatening.len(),
        });
    }
    let projected = calculate_canvas(canvas, known_streams)?;
    let mut lines = Vec::with_capacity(outcomes.len());
    let mut realised_threatening: BTreeMap<StreamCode, Money> = BTreeMap::new();
    for (i, (line, outcome)) in canvas.threatening.iter().zip(outcomes).enumerate() {
        let exact = line_exact(line, canvas.horizon)?;
        let total = line_total(line, canvas.horizon)?;
        let realised = realised_line(i + 1, total, exact, *outcome)?;
        let slot = realised_threatening
            .entry(line.stream())
            .or_insert(Money::ZERO);
        *slot = slot.checked_add(realised)?;
        lines.push(realised);
    }
    let mut per_stream = BTreeMap::new();
    for (stream, r) in &projected.per_stream {
        let threatening = realised_threatening
            .get(stream)
            .copied()
            .unwrap_or(Money::ZERO);
        let realised = threatening.checked_sub(r.realistic)?;
        per_stream.insert(
            *stream,
            StreamRealisation {
                projected: r.avoided,
                realised,
                difference: realised.checked_sub(r.avoided)?,
            },
        );
    }
    let total_realised = Money::sum(per_stream.values().map(|r| r.realised))?;
    Ok(Realisation {
        lines,
        per_stream,
        total_projected: projected.total_avoided,
        total_realised,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::canvas::ScenarioLine;
    use crate::catalogue::Unit;
    use proptest::prelude::*;
    use rust_decimal_macros::dec;

    fn stream(code: &str) -> StreamCode {
        StreamCode::new(code).expect("stream")
    }

    fn streams() -> BTreeSet<StreamCode> {
        ["PW", "JW", "WMO"].into_iter().map(stream).collect()
    }

    fn line(code: &str, unit: Unit, qty: Decimal, price: &str, pct: &str) -> ScenarioLine {
        crate::returns::test_lines::line(stream(code), unit, qty, price, pct, 1, 12)
    }

    fn canvas(threatening: Vec<ScenarioLine>, realistic: Vec<ScenarioLine>) -> Canvas {
        let mut c = Canvas::new_draft(Horizon::DEFAULT);
        c.threatening = threatening;
        c.realistic = realistic;
        c
    }

    fn money(s: &str) -> Money {
        Money::parse(s).expect("money")
    }

    #[test]
    fn a_worked_example_avoided_partly_and_not() {
        // PW: € 1.000 a month for 12 months at 50 % = € 6.000; JW: € 10.000 once at 100 %.
        // Realistic: € 500 once on PW.
        let c = canvas(
            vec![
                line("PW", Unit::PerMonth, dec!(1), "1000,00", "50"),
                line("JW", Unit::OneOff, dec!(1), "10000,00", "100"),
                line("PW", Unit::OneOff, dec!(1), "333,33", "100"),
            ],
            vec![line("PW", Unit::OneOff, dec!(1), "500,00", "100")],
        );
        let r = realise(
            &c,
            &[
                LineOutcome::Avoided,
                LineOutcome::Partly(Occurred::Amount(money("2500,00"))),
                LineOutcome::Partly(Occurred::Share(Percentage::parse("50").expect("pct"))),
            ],
            &streams(),
        )
        .expect("realise");
        // 333,33 × 50 % = 166,665 → 166,67 (rounded once, half away from zero).
        assert_eq!(
            r.lines,
            vec![money("6000,00"), money("7500,00"), money("166,67")]
        );
        let pw = r.per_stream[&stream("PW")];
        assert_eq!(pw.projected, money("5833,33"));
        assert_eq!(pw.realised, money("5666,67"));
        assert_eq!(pw.difference, money("-166,66"));
        let jw = r.per_stream[&stream("JW")];
        assert_eq!(
            (jw.projected, jw.realised),
            (money("10000,00"), money("7500,00"))
        );
        assert_eq!(r.total_projected, money("15833,33"));
        assert_eq!(r.total_realised, money("13166,67"));
        assert_eq!(r.realised_share(), Some(dec!(83.2)));
    }

    #[test]
    fn bad_outcomes_are_refused_with_the_line() {
        let c = canvas(
            vec![line("PW", Unit::OneOff, dec!(1), "100,00", "100")],
            vec![],
        );
        assert_eq!(
            realise(
                &c,
                &[LineOutcome::Partly(Occurred::Amount(money("100,01")))],
                &streams()
            ),
            Err(EvaluationError::OccurredAboveLine {
                line: 1,
                occurred: money("100,01"),
                projected: money("100,00")
            })
        );
        assert_eq!(
            realise(
                &c,
                &[LineOutcome::Partly(Occurred::Amount(money("-1,00")))],
                &streams()
            ),
            Err(EvaluationError::OccurredNegative { line: 1 })
        );
        assert_eq!(
            realise(&c, &[], &streams()),
            Err(EvaluationError::LineCount {
                given: 0,
                expected: 1
            })
        );
    }

    #[test]
    fn the_final_evaluation_waits_for_the_horizon_and_interims_for_their_month() {
        let start = NaiveDate::from_ymd_opt(2026, 1, 31).expect("date");
        let twelve = Horizon::months(12).expect("horizon");
        let due = final_due(start, twelve);
        assert_eq!(due, NaiveDate::from_ymd_opt(2027, 1, 31).expect("date"));
        let before = due.pred_opt().expect("date");
        assert_eq!(
            check_moment(EvaluationKind::Final, start, twelve, before),
            Err(EvaluationError::TooEarly {
                due: "31-01-2027".into()
            })
        );
        assert_eq!(
            check_moment(EvaluationKind::Final, start, twelve, due),
            Ok(())
        );
        // 31 January + 3 months is the last day of April.
        let three = EvaluationKind::Interim { month: 3 };
        assert!(
            check_moment(
                three,
                start,
                twelve,
                NaiveDate::from_ymd_opt(2026, 4, 29).expect("date")
            )
            .is_err()
        );
        assert_eq!(
            check_moment(
                three,
                start,
                twelve,
                NaiveDate::from_ymd_opt(2026, 4, 30).expect("date")
            ),
            Ok(())
        );
        assert_eq!(
            check_moment(EvaluationKind::Interim { month: 4 }, start, twelve, due),
            Err(EvaluationError::NoSuchInterim)
        );
        // An interim at 6 months makes no sense in a 6-month horizon.
        let six = Horizon::months(6).expect("horizon");
        assert_eq!(
            check_moment(EvaluationKind::Interim { month: 6 }, start, six, due),
            Err(EvaluationError::NoSuchInterim)
        );
    }

    fn any_line() -> impl Strategy<Value = ScenarioLine> {
        (
            prop::sample::select(vec!["PW", "JW", "WMO"]),
            prop::sample::select(vec![Unit::OneOff, Unit::PerMonth, Unit::PerDay]),
            1u32..500,
            1i64..5_000_000,
            0u32..=100,
        )
            .prop_map(|(code, unit, qty, cents, pct)| {
                let price = Money::from_cents(cents).expect("price").to_input_string();
                line(code, unit, Decimal::from(qty), &price, &pct.to_string())
            })
    }

    fn any_outcome() -> impl Strategy<Value = (u8, u32, u32)> {
        // (kind, share in hundredths of a percent, share of the line for an amount)
        (0u8..4, 0u32..=10_000, 0u32..=100)
    }

    proptest! {
        #[test]
        fn realised_never_exceeds_projected_and_streams_are_sums_of_lines(
            threatening in prop::collection::vec(any_line(), 1..12),
            realistic in prop::collection::vec(any_line(), 0..6),
            picks in prop::collection::vec(any_outcome(), 12),
        ) {
            let c = canvas(threatening, realistic);
            let horizon = c.horizon;
            let outcomes: Vec<LineOutcome> = c.threatening.iter().zip(&picks).map(|(l, (kind, bp, part))| {
                let total = line_total(l, horizon).expect("total");
                match kind {
                    0 => LineOutcome::Avoided,
                    1 => LineOutcome::NotAvoided,
                    2 => LineOutcome::Partly(Occurred::Share(
                        Percentage::new(Decimal::new(i64::from(*bp), 2)).expect("pct"))),
                    _ => LineOutcome::Partly(Occurred::Amount(
                        Money::round_from(total.as_decimal() * Decimal::from(*part) / Decimal::ONE_HUNDRED).expect("amount"))),
                }
            }).collect();
            let r = realise(&c, &outcomes, &streams()).expect("realise");
            for ((l, outcome), realised) in c.threatening.iter().zip(&outcomes).zip(&r.lines) {
                let total = line_total(l, horizon).expect("total");
                prop_assert!(!realised.is_negative());
                prop_assert!(*realised <= total, "a line realises at most its projected cost");
                if matches!(outcome, LineOutcome::Avoided) {
                    prop_assert_eq!(*realised, total);
                }
                if matches!(outcome, LineOutcome::NotAvoided) {
                    prop_assert_eq!(*realised, Money::ZERO);
                }
            }
            let projected = calculate_canvas(&c, &streams()).expect("calc");
            for (code, s) in &r.per_stream {
                let lines = Money::sum(c.threatening.iter().zip(&r.lines)
                    .filter(|(l, _)| l.stream() == *code).map(|(_, m)| *m)).expect("sum");
                prop_assert_eq!(s.realised, lines.checked_sub(projected.per_stream[code].realistic).expect("sub"));
                prop_assert!(s.realised <= s.projected);
                prop_assert_eq!(s.difference, s.realised.checked_sub(s.projected).expect("sub"));
            }
            prop_assert_eq!(r.total_realised, Money::sum(r.per_stream.values().map(|s| s.realised)).expect("sum"));
            // Everything avoided realises exactly what was projected.
            let all = vec![LineOutcome::Avoided; c.threatening.len()];
            let full = realise(&c, &all, &streams()).expect("realise");
            prop_assert_eq!(full.total_realised, full.total_projected);
        }
    }

    #[test]
    fn evaluations_are_recorded_in_their_time_and_corrected_with_a_reason() {
        use Status::*;
        let interim = EvaluationKind::Interim { month: 3 };
        let fin = EvaluationKind::Final;
        assert_eq!(check_record(interim, InProgress, 0, None), Ok(()));
        assert_eq!(
            check_record(interim, Approved, 0, None),
            Err(EvaluationError::NotStarted)
        );
        assert_eq!(
            check_record(interim, Evaluated, 0, None),
            Err(EvaluationError::AfterFinal)
        );
        assert_eq!(
            check_record(fin, InProgress, 0, None),
            Err(EvaluationError::NotSettled)
        );
        assert_eq!(
            check_record(fin, Approved, 0, None),
            Err(EvaluationError::NotStarted)
        );
        assert_eq!(check_record(fin, ChargedBack, 0, None), Ok(()));
        assert_eq!(
            check_record(fin, Evaluated, 1, Some(" ")),
            Err(EvaluationError::CorrectionReason)
        );
        assert_eq!(check_record(fin, Evaluated, 1, Some("typfout")), Ok(()));
        assert_eq!(
            check_record(fin, Closed, 1, Some("typfout")),
            Err(EvaluationError::Closed)
        );
    }
}
