//! The return calculation (*rendementsberekening*).
//!
//! For each scenario and stream: `cost = Σ quantity × unit price × probability`
//! over the months that fall inside the horizon. Each line's total is computed
//! exactly as one fraction and rounded to cents once, at the end; stream totals
//! are sums of line totals. `avoided = threatening − realistic` per stream;
//! `net return = Σ avoided − investment`; `ratio = Σ avoided / investment`.

use std::collections::{BTreeMap, BTreeSet};

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use crate::canvas::{Canvas, CanvasError, Horizon, ScenarioLine};
use crate::money::{Money, MoneyError};
use crate::stream::{StreamCode, StreamError};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReturnError {
    #[error(transparent)]
    UnknownStream(#[from] StreamError),
    #[error("De berekening valt buiten het toegestane bereik van bedragen.")]
    Overflow,
    #[error(transparent)]
    Canvas(#[from] CanvasError),
}

impl From<MoneyError> for ReturnError {
    fn from(_: MoneyError) -> Self {
        ReturnError::Overflow
    }
}

/// How many months of a line lie inside the horizon.
/// A line starting in month 4 with duration 24 has 9 months in a 12-month horizon.
pub fn months_inside(start_month: u16, duration_months: u16, horizon: Horizon) -> u16 {
    let last = start_month
        .saturating_add(duration_months)
        .saturating_sub(1);
    let end = last.min(horizon.get());
    if start_month > end {
        0
    } else {
        end - start_month + 1
    }
}

/// The total of one line within the horizon, rounded to cents once.
pub fn line_total(line: &ScenarioLine, horizon: Horizon) -> Result<Money, ReturnError> {
    Ok(Money::round_from(line_exact(line, horizon)?)?)
}

/// The total of one line within the horizon, exactly (not yet rounded):
/// a share of it (an evaluation's *deels*) is rounded once, from this.
pub(crate) fn line_exact(line: &ScenarioLine, horizon: Horizon) -> Result<Decimal, ReturnError> {
    let base = line
        .quantity()
        .value()
        .checked_mul(line.unit_price().as_decimal())
        .and_then(|v| v.checked_mul(line.probability().value()))
        .ok_or(ReturnError::Overflow)?;
    // Probability is a percentage: divide by 100 together with the unit's denominator.
    let (numerator, denominator) = match line.unit().monthly_fraction() {
        None if line.start_month() <= horizon.get() => (1, 1),
        None => return Ok(Decimal::ZERO),
        Some((num, den)) => {
            let months = i64::from(months_inside(
                line.start_month(),
                line.duration_months(),
                horizon,
            ));
            (num * months, den)
        }
    };
    base.checked_mul(Decimal::from(numerator))
        .and_then(|v| v.checked_div(Decimal::from(denominator * 100)))
        .ok_or(ReturnError::Overflow)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct StreamReturn {
    pub threatening: Money,
    pub realistic: Money,
    /// Threatening − realistic; negative when the plan costs this stream more.
    pub avoided: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReturnCalculation {
    pub horizon: Horizon,
    pub per_stream: BTreeMap<StreamCode, StreamReturn>,
    pub total_threatening: Money,
    pub total_realistic: Money,
    pub total_avoided: Money,
    pub investment: Money,
    pub net_return: Money,
    /// Euros avoided per euro invested, rounded half away from zero to two
    /// decimals; `None` when nothing is invested.
    pub ratio: Option<Decimal>,
}

impl ReturnCalculation {
    /// "elke geïnvesteerde euro levert € 5,60 op".
    pub fn ratio_sentence(&self) -> String {
        match self.ratio.map(Money::round_from) {
            Some(Ok(per_euro)) => format!("elke geïnvesteerde euro levert {per_euro} op"),
            _ => "nog geen investering ingevuld".to_string(),
        }
    }
}

/// Calculates the return of a set of lines. Every stream must be known.
pub fn calculate(
    threatening: &[ScenarioLine],
    realistic: &[ScenarioLine],
    investment: Money,
    horizon: Horizon,
    known_streams: &BTreeSet<StreamCode>,
) -> Result<ReturnCalculation, ReturnError> {
    let mut per_stream: BTreeMap<StreamCode, StreamReturn> = BTreeMap::new();
    for (lines, threatening_side) in [(threatening, true), (realistic, false)] {
        for line in lines {
            if !known_streams.contains(&line.stream()) {
                return Err(StreamError::Unknown(line.stream()).into());
            }
            let total = line_total(line, horizon)?;
            let entry = per_stream.entry(line.stream()).or_default();
            let slot = if threatening_side {
                &mut entry.threatening
            } else {
                &mut entry.realistic
            };
            *slot = slot.checked_add(total)?;
        }
    }
    for r in per_stream.values_mut() {
        r.avoided = r.threatening.checked_sub(r.realistic)?;
    }
    let total_threatening = Money::sum(per_stream.values().map(|r| r.threatening))?;
    let total_realistic = Money::sum(per_stream.values().map(|r| r.realistic))?;
    let total_avoided = Money::sum(per_stream.values().map(|r| r.avoided))?;
    let net_return = total_avoided.checked_sub(investment)?;
    let ratio = if investment.is_positive() {
        total_avoided
            .as_decimal()
            .checked_div(investment.as_decimal())
            .map(|r| r.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero))
    } else {
        None
    };
    Ok(ReturnCalculation {
        horizon,
        per_stream,
        total_threatening,
        total_realistic,
        total_avoided,
        investment,
        net_return,
        ratio,
    })
}

/// The return of a canvas: its lines, horizon and investment.
pub fn calculate_canvas(
    canvas: &Canvas,
    known_streams: &BTreeSet<StreamCode>,
) -> Result<ReturnCalculation, ReturnError> {
    calculate(
        &canvas.threatening,
        &canvas.realistic,
        canvas.investment()?,
        canvas.horizon,
        known_streams,
    )
}

/// Scenario lines for the core's tests: catalogue item "X" on `stream`.
#[cfg(test)]
pub(crate) mod test_lines {
    use super::*;
    use crate::canvas::{LineItem, Quantity, ScenarioLineFields};
    use crate::catalogue::Unit;
    use crate::money::Percentage;

    pub(crate) fn line(
        stream: StreamCode,
        unit: Unit,
        qty: Decimal,
        price: &str,
        pct: &str,
        start: u16,
        dur: u16,
    ) -> ScenarioLine {
        ScenarioLine::new(ScenarioLineFields {
            stream,
            item: LineItem::Catalogue {
                code: "X".into(),
                name: "X".into(),
            },
            unit,
            quantity: Quantity::new(qty).expect("q"),
            unit_price: Money::parse(price).expect("price"),
            probability: Percentage::parse(pct).expect("pct"),
            start_month: start,
            duration_months: dur,
        })
        .expect("line")
    }
}

#[cfg(test)]
mod tests {
    use super::test_lines::line;
    use super::*;
    use crate::catalogue::Unit;
    use rust_decimal_macros::dec;

    fn streams() -> BTreeSet<StreamCode> {
        [
            StreamCode::WMO,
            StreamCode::PARTICIPATIEWET,
            StreamCode::JEUGDWET,
        ]
        .into_iter()
        .collect()
    }

    #[test]
    fn months_inside_the_horizon() {
        assert_eq!(months_inside(4, 24, Horizon::DEFAULT), 9);
        assert_eq!(months_inside(1, 12, Horizon::DEFAULT), 12);
        assert_eq!(months_inside(13, 5, Horizon::DEFAULT), 0);
        assert_eq!(months_inside(12, 1, Horizon::DEFAULT), 1);
        assert_eq!(months_inside(120, 120, Horizon::months(120).expect("h")), 1);
    }

    #[test]
    fn recurring_units_convert_to_months() {
        let h = Horizon::DEFAULT;
        // 41 per night for 12 months: 41 × 365 = 14.965,00
        assert_eq!(
            line_total(
                &line(StreamCode::WMO, Unit::PerDay, dec!(1), "41", "100", 1, 12),
                h
            )
            .ok(),
            Money::parse("14965").ok()
        );
        // 100 per week, 3 months: 100 × 52/12 × 3 = 1.300,00
        assert_eq!(
            line_total(
                &line(StreamCode::WMO, Unit::PerWeek, dec!(1), "100", "100", 1, 3),
                h
            )
            .ok(),
            Money::parse("1300").ok()
        );
        // 15.000 per year for 6 months at 50 %: 3.750,00
        assert_eq!(
            line_total(
                &line(StreamCode::WMO, Unit::PerYear, dec!(1), "15000", "50", 7, 6),
                h
            )
            .ok(),
            Money::parse("3750").ok()
        );
        // 4 sessions a month at 85,20 for 2 months: 681,60
        assert_eq!(
            line_total(
                &line(
                    StreamCode::WMO,
                    Unit::PerSession,
                    dec!(4),
                    "85,20",
                    "100",
                    1,
                    2
                ),
                h
            )
            .ok(),
            Money::parse("681,60").ok()
        );
        // one-off inside and outside the horizon
        assert_eq!(
            line_total(
                &line(StreamCode::WMO, Unit::OneOff, dec!(1), "7500", "100", 12, 1),
                h
            )
            .ok(),
            Money::parse("7500").ok()
        );
        assert_eq!(
            line_total(
                &line(StreamCode::WMO, Unit::OneOff, dec!(1), "7500", "100", 13, 1),
                h
            )
            .ok(),
            Some(Money::ZERO)
        );
        // per day with a probability that needs rounding: 32,40 × 365/12 × 1 × 33 % = 325,215 → 325,22
        assert_eq!(
            line_total(
                &line(StreamCode::WMO, Unit::PerDay, dec!(1), "32,40", "33", 1, 1),
                h
            )
            .ok(),
            Money::parse("325,22").ok()
        );
    }

    #[test]
    fn avoided_is_threatening_minus_realistic_and_can_be_negative() {
        let t = [line(
            StreamCode::PARTICIPATIEWET,
            Unit::PerMonth,
            dec!(1),
            "1401,50",
            "100",
            1,
            12,
        )];
        let r = [line(
            StreamCode::WMO,
            Unit::PerMonth,
            dec!(1),
            "200",
            "100",
            1,
            12,
        )];
        let calc = calculate(
            &t,
            &r,
            Money::parse("2500").expect("m"),
            Horizon::DEFAULT,
            &streams(),
        )
        .expect("calc");
        assert_eq!(
            calc.per_stream[&StreamCode::PARTICIPATIEWET].avoided,
            Money::parse("16818").expect("m")
        );
        assert_eq!(
            calc.per_stream[&StreamCode::WMO].avoided,
            Money::parse("-2400").expect("m")
        );
        assert_eq!(calc.total_avoided, Money::parse("14418").expect("m"));
        assert_eq!(calc.net_return, Money::parse("11918").expect("m"));
        assert_eq!(calc.ratio, Some(dec!(5.77)));
        assert_eq!(
            calc.ratio_sentence(),
            "elke geïnvesteerde euro levert € 5,77 op"
        );
    }

    #[test]
    fn an_unknown_stream_is_refused() {
        let t = [line(
            StreamCode::ZVW,
            Unit::OneOff,
            dec!(1),
            "1",
            "100",
            1,
            1,
        )];
        assert_eq!(
            calculate(&t, &[], Money::ZERO, Horizon::DEFAULT, &streams()),
            Err(ReturnError::UnknownStream(StreamError::Unknown(
                StreamCode::ZVW
            )))
        );
    }

    #[test]
    fn no_investment_means_no_ratio() {
        let calc = calculate(&[], &[], Money::ZERO, Horizon::DEFAULT, &streams()).expect("calc");
        assert_eq!(calc.ratio, None);
        assert_eq!(calc.total_avoided, Money::ZERO);
    }
}
