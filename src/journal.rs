//! The journal (*memoriaal*) of a posted run: every ledger posting of the run
//! as a line carrying the accounting codes of the stream it is booked on.
//!
//! A posting that lowers a balance is a **debit**: the stream bears the cost
//! (its budget for an internal charge, the external payer for a claim). A
//! posting that raises one is a **credit**: the fund, which is a reservation
//! on the Wmo, gets the money back (at once, or as an open claim). So each
//! ledger transaction gives a debit and a credit line of the same amount, and
//! the journal's totals are the ledger's.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::chargeback::ChargeKind;
use crate::ledger::{Account, Posting};
use crate::money::{Money, MoneyError};
use crate::stream::{AccountingCodes, StreamCode};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JournalLine {
    pub date: NaiveDate,
    pub run: i64,
    pub case_reference: String,
    pub stream: StreamCode,
    pub codes: AccountingCodes,
    pub debit: Money,
    pub credit: Money,
    pub description: String,
    /// On a stream's side of a charge: how it was charged (its budget, or a
    /// claim on the payer); `None` on the fund's side.
    pub charged: Option<ChargeKind>,
}

/// The stream whose accounting codes a ledger account is booked on: the fund
/// and everything it holds sit on the reservation stream (the Wmo).
pub fn booked_on(account: Account, reservation: StreamCode) -> StreamCode {
    match account {
        Account::Budget { stream, .. } | Account::Payer { stream } => stream,
        Account::Fund { .. }
        | Account::Hold { .. }
        | Account::Paid { .. }
        | Account::Receivable { .. } => reservation,
    }
}

/// What a posting means, in Dutch, for the description column.
pub fn describe(account: Account) -> String {
    match account {
        Account::Budget { stream, year } => format!("Terugboeking ten laste van {stream} {year}"),
        Account::Payer { stream } => format!("Vordering op {stream}"),
        Account::Fund { year } => format!("Terug naar doorbraakbudget {year}"),
        Account::Receivable { stream, .. } => format!("Openstaande vordering {stream}"),
        Account::Hold { .. } => "Verplichting".to_string(),
        Account::Paid { year } => format!("Uitgaven {year}"),
    }
}

/// A line of a correction run says so: "Correctie terugboeking ten laste van JW 2026".
pub fn as_correction(mut line: JournalLine) -> JournalLine {
    let mut chars = line.description.chars();
    let rest: String = match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    };
    line.description = format!("Correctie {rest}");
    line
}

/// The journal line of one posting.
pub fn line(
    posting: &Posting,
    date: NaiveDate,
    run: i64,
    case_reference: &str,
    reservation: StreamCode,
    codes: impl Fn(StreamCode) -> AccountingCodes,
) -> JournalLine {
    let stream = booked_on(posting.account, reservation);
    let (debit, credit) = if posting.amount.is_negative() {
        (posting.amount.abs(), Money::ZERO)
    } else {
        (Money::ZERO, posting.amount)
    };
    JournalLine {
        date,
        run,
        case_reference: case_reference.to_string(),
        stream,
        codes: codes(stream),
        debit,
        credit,
        description: describe(posting.account),
        charged: match posting.account {
            Account::Budget { .. } => Some(ChargeKind::Internal),
            Account::Payer { .. } => Some(ChargeKind::Claim),
            _ => None,
        },
    }
}

/// Debit and credit totals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Sides {
    pub debit: Money,
    pub credit: Money,
}

impl Sides {
    fn add(&mut self, line: &JournalLine) -> Result<(), MoneyError> {
        self.debit = self.debit.checked_add(line.debit)?;
        self.credit = self.credit.checked_add(line.credit)?;
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Totals {
    pub by_stream: BTreeMap<StreamCode, Sides>,
    pub by_taakveld: BTreeMap<String, Sides>,
    pub all: Sides,
}

pub fn totals(lines: &[JournalLine]) -> Result<Totals, MoneyError> {
    let mut t = Totals::default();
    for l in lines {
        t.by_stream.entry(l.stream).or_default().add(l)?;
        t.by_taakveld
            .entry(l.codes.taakveld.clone())
            .or_default()
            .add(l)?;
        t.all.add(l)?;
    }
    Ok(t)
}

/// The column headers of the exports.
pub const HEADERS: [&str; 10] = [
    "Datum",
    "Run",
    "Casus",
    "Stroom",
    "Iv3-taakveld",
    "Kostenplaats",
    "Grootboekrekening",
    "Debet",
    "Credit",
    "Omschrijving",
];

/// The journal as CSV for a Dutch spreadsheet or financial system: `;`
/// between fields, a decimal comma without thousands separators, ISO dates,
/// CRLF line ends. Text that a spreadsheet would run as a formula is
/// prefixed with `'`.
pub fn to_csv(lines: &[JournalLine]) -> String {
    csv(
        &HEADERS,
        lines.iter().map(|l| {
            vec![
                l.date.format("%Y-%m-%d").to_string(),
                l.run.to_string(),
                l.case_reference.clone(),
                l.stream.to_string(),
                l.codes.taakveld.clone(),
                l.codes.cost_centre.clone(),
                l.codes.ledger_account.clone(),
                l.debit.to_input_string(),
                l.credit.to_input_string(),
                l.description.clone(),
            ]
        }),
    )
}

/// Any table as CSV the same way: `;` between fields, CRLF line ends, text
/// a spreadsheet would run as a formula prefixed with `'`.
pub fn csv(headers: &[&str], rows: impl IntoIterator<Item = Vec<String>>) -> String {
    let mut out = String::new();
    push_row(&mut out, headers.iter().map(|h| h.to_string()));
    for row in rows {
        push_row(&mut out, row.into_iter());
    }
    out
}

fn push_row(out: &mut String, fields: impl Iterator<Item = String>) {
    for (i, field) in fields.enumerate() {
        if i > 0 {
            out.push(';');
        }
        out.push_str(&csv_field(&field));
    }
    out.push_str("\r\n");
}

/// A negative amount as written (`-1250,00`): a number, not a formula.
fn negative_number(field: &str) -> bool {
    field.strip_prefix('-').is_some_and(|rest| {
        rest.starts_with(|c: char| c.is_ascii_digit())
            && rest
                .chars()
                .all(|c| c.is_ascii_digit() || c == ',' || c == '.')
    })
}

fn csv_field(field: &str) -> String {
    let formula = field.starts_with(['=', '+', '-', '@', '\t', '\r']) && !negative_number(field);
    let guarded = if formula {
        format!("'{field}")
    } else {
        field.to_string()
    };
    if guarded.contains([';', '"', '\n', '\r']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_negative_amount_stays_a_number_and_a_formula_does_not() {
        let out = csv(
            &["a", "b", "c"],
            [vec!["-1250,00".into(), "-SUM(A1)".into(), "=1+1".into()]],
        );
        assert_eq!(out.lines().nth(1), Some("-1250,00;'-SUM(A1);'=1+1"));
    }

    fn codes(stream: StreamCode) -> AccountingCodes {
        AccountingCodes {
            taakveld: if stream == StreamCode::WMO {
                "6.71"
            } else {
                "6.3"
            }
            .into(),
            cost_centre: format!("KP-{stream}"),
            ledger_account: "4711".into(),
        }
    }

    #[test]
    fn a_correction_line_says_what_it_corrects() {
        let l = as_correction(lines().remove(0));
        assert!(l.description.starts_with("Correctie "), "{}", l.description);
        assert_eq!(
            as_correction(JournalLine {
                description: "Terug naar doorbraakbudget 2026".into(),
                ..lines().remove(0)
            })
            .description,
            "Correctie terug naar doorbraakbudget 2026"
        );
    }

    fn lines() -> Vec<JournalLine> {
        let date = NaiveDate::from_ymd_opt(2026, 12, 31).expect("date");
        let amount = Money::from_cents(123_456).expect("m");
        let budget = Posting {
            account: Account::Budget {
                stream: StreamCode::PARTICIPATIEWET,
                year: 2026,
            },
            amount: Money::ZERO.checked_sub(amount).expect("m"),
        };
        let fund = Posting {
            account: Account::Fund { year: 2026 },
            amount,
        };
        [budget, fund]
            .iter()
            .map(|p| line(p, date, 7, "DB-2026-0001", StreamCode::WMO, codes))
            .collect()
    }

    #[test]
    fn a_chargeback_is_a_debit_on_the_stream_and_a_credit_on_the_wmo() {
        let l = lines();
        assert_eq!(
            (l[0].stream, l[0].debit.cents(), l[0].credit.cents()),
            (StreamCode::PARTICIPATIEWET, 123_456, 0)
        );
        assert_eq!(
            (l[1].stream, l[1].debit.cents(), l[1].credit.cents()),
            (StreamCode::WMO, 0, 123_456)
        );
        let t = totals(&l).expect("totals");
        assert_eq!(t.all.debit, t.all.credit);
        assert_eq!(t.by_taakveld["6.3"].debit.cents(), 123_456);
        assert_eq!(t.by_stream[&StreamCode::WMO].credit.cents(), 123_456);
    }

    #[test]
    fn csv_uses_semicolons_decimal_commas_and_guards_formulas() {
        let mut l = lines();
        l[0].description = "=HYPERLINK(\"x\";\"y\")".into();
        let csv = to_csv(&l);
        let rows: Vec<&str> = csv.split("\r\n").collect();
        assert_eq!(rows[0], HEADERS.join(";"));
        assert!(rows[1].starts_with("2026-12-31;7;DB-2026-0001;PW;6.3;KP-PW;4711;1234,56;0,00;"));
        assert!(
            rows[1].ends_with(";\"'=HYPERLINK(\"\"x\"\";\"\"y\"\")\""),
            "{}",
            rows[1]
        );
        assert_eq!(rows.len(), 4, "header, two lines, and the final line end");
    }
}
