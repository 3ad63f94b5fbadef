//! The accrual variant (as in Maatpact Tilburg): at the start of a year the
//! expected savings per stream are pre-booked as contributions to the fund; at
//! year end the realised chargebacks are trued up against them.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::ledger::{Operation, Year};
use crate::money::Money;
use crate::stream::StreamCode;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccrualError {
    #[error("Een verwachte besparing kan niet negatief zijn ({0}).")]
    Negative(StreamCode),
    #[error("Op de stroom die de reservering draagt wordt niets vooraf geboekt.")]
    ReservationStream,
    #[error("De berekening valt buiten het toegestane bereik van bedragen.")]
    Overflow,
}

/// The pre-booking operations for a year: one contribution per stream with a
/// positive expected saving. The reservation stream cannot contribute to itself.
pub fn prebook(
    year: Year,
    date: NaiveDate,
    reservation: StreamCode,
    expected: &BTreeMap<StreamCode, Money>,
) -> Result<Vec<Operation>, AccrualError> {
    let mut ops = Vec::new();
    for (&stream, &amount) in expected {
        if amount.is_negative() {
            return Err(AccrualError::Negative(stream));
        }
        if stream == reservation && amount.is_positive() {
            return Err(AccrualError::ReservationStream);
        }
        if amount.is_positive() {
            ops.push(Operation::Prebook {
                stream,
                year,
                amount,
                date,
            });
        }
    }
    Ok(ops)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TrueUpDirection {
    /// Realised more than pre-booked: the stream is charged the difference.
    ExtraCharge,
    /// Realised less than pre-booked: the stream gets the difference back.
    Refund,
    Even,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrueUpLine {
    pub stream: StreamCode,
    pub prebooked: Money,
    pub realised: Money,
    /// realised − prebooked.
    pub difference: Money,
    pub direction: TrueUpDirection,
}

/// Compares pre-booked with realised chargebacks per stream (every stream in
/// either map), in stream-code order.
pub fn true_up(
    prebooked: &BTreeMap<StreamCode, Money>,
    realised: &BTreeMap<StreamCode, Money>,
) -> Result<Vec<TrueUpLine>, AccrualError> {
    let streams: BTreeSet<StreamCode> = prebooked.keys().chain(realised.keys()).copied().collect();
    streams
        .into_iter()
        .map(|stream| {
            let pre = prebooked.get(&stream).copied().unwrap_or(Money::ZERO);
            let real = realised.get(&stream).copied().unwrap_or(Money::ZERO);
            if pre.is_negative() || real.is_negative() {
                return Err(AccrualError::Negative(stream));
            }
            let difference = real.checked_sub(pre).map_err(|_| AccrualError::Overflow)?;
            let direction = if difference.is_positive() {
                TrueUpDirection::ExtraCharge
            } else if difference.is_negative() {
                TrueUpDirection::Refund
            } else {
                TrueUpDirection::Even
            };
            Ok(TrueUpLine {
                stream,
                prebooked: pre,
                realised: real,
                difference,
                direction,
            })
        })
        .collect()
}

/// The ledger operations that book a true-up (nothing for even lines).
pub fn true_up_operations(year: Year, date: NaiveDate, lines: &[TrueUpLine]) -> Vec<Operation> {
    lines
        .iter()
        .filter(|l| !l.difference.is_zero())
        .map(|l| Operation::TrueUp {
            stream: l.stream,
            year,
            difference: l.difference,
            date,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(euros: i64) -> Money {
        Money::from_euros(euros).expect("m")
    }

    #[test]
    fn true_up_books_the_difference_either_way() {
        let pre: BTreeMap<_, _> = [
            (StreamCode::JEUGDWET, e(10_000)),
            (StreamCode::PARTICIPATIEWET, e(4_000)),
        ]
        .into();
        let real: BTreeMap<_, _> = [
            (StreamCode::JEUGDWET, e(12_500)),
            (StreamCode::PARTICIPATIEWET, e(3_000)),
            (StreamCode::WGS, e(0)),
        ]
        .into();
        let lines = true_up(&pre, &real).expect("lines");
        assert_eq!(lines.len(), 3);
        let jw = lines
            .iter()
            .find(|l| l.stream == StreamCode::JEUGDWET)
            .expect("jw");
        assert_eq!(
            (jw.difference, jw.direction),
            (e(2_500), TrueUpDirection::ExtraCharge)
        );
        let pw = lines
            .iter()
            .find(|l| l.stream == StreamCode::PARTICIPATIEWET)
            .expect("pw");
        assert_eq!(
            (pw.difference, pw.direction),
            (e(-1_000), TrueUpDirection::Refund)
        );
        let date = NaiveDate::from_ymd_opt(2026, 12, 31).expect("d");
        assert_eq!(true_up_operations(2026, date, &lines).len(), 2);
    }

    #[test]
    fn prebooking_refuses_negative_amounts_and_the_wmo() {
        let date = NaiveDate::from_ymd_opt(2026, 1, 2).expect("d");
        let bad: BTreeMap<_, _> = [(StreamCode::JEUGDWET, e(-1))].into();
        assert_eq!(
            prebook(2026, date, StreamCode::WMO, &bad),
            Err(AccrualError::Negative(StreamCode::JEUGDWET))
        );
        let wmo: BTreeMap<_, _> = [(StreamCode::WMO, e(1))].into();
        assert_eq!(
            prebook(2026, date, StreamCode::WMO, &wmo),
            Err(AccrualError::ReservationStream)
        );
        let ok: BTreeMap<_, _> = [(StreamCode::JEUGDWET, e(5)), (StreamCode::WGS, e(0))].into();
        assert_eq!(
            prebook(2026, date, StreamCode::WMO, &ok).map(|v| v.len()),
            Ok(1)
        );
    }
}
