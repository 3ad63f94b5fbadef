//! Euro amounts and percentages.
//!
//! # Rounding
//! Doorbraak rounds in exactly one way unless a rule explicitly says otherwise:
//! **half away from zero, to whole cents** (`RoundingStrategy::MidpointAwayFromZero`).
//! Rounding happens only through [`Money::round_from`], so every place that rounds
//! is visible in the code. Everything else is exact: a [`Money`] always holds
//! exactly two decimals and arithmetic on it is checked.

use std::fmt;
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

/// The largest absolute amount Doorbraak accepts: one trillion euros. Far above
/// any municipal budget, far below what `Decimal` can hold, so sums of many
/// amounts never overflow silently.
pub const MAX_EUROS: i64 = 1_000_000_000_000;
const MAX_CENTS: i64 = MAX_EUROS * 100;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("Vul een bedrag in.")]
    Empty,
    #[error("Ongeldig teken '{found}' in het bedrag: gebruik alleen cijfers, punten en één komma.")]
    InvalidCharacter { position: usize, found: char },
    #[error(
        "Het bedrag '{input}' is dubbelzinnig: schrijf centen met een komma (12,50) en duizendtallen met een punt (12.345)."
    )]
    Ambiguous { input: String },
    #[error("Een bedrag heeft hoogstens twee cijfers achter de komma.")]
    TooManyDecimals,
    #[error("Het bedrag '{input}' is niet goed geschreven: {hint}.")]
    Malformed { input: String, hint: &'static str },
    #[error("Het bedrag valt buiten het toegestane bereik (hoogstens € 1.000.000.000.000).")]
    OutOfRange,
}

/// A euro amount with exactly two decimals, within ±[`MAX_EUROS`].
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(try_from = "Decimal", into = "Decimal")]
pub struct Money(Decimal);

impl Money {
    pub const ZERO: Money = Money(Decimal::from_parts(0, 0, 0, false, 2));

    /// An amount from whole cents.
    pub fn from_cents(cents: i64) -> Result<Money, MoneyError> {
        if !(-MAX_CENTS..=MAX_CENTS).contains(&cents) {
            return Err(MoneyError::OutOfRange);
        }
        Ok(Money(Decimal::new(cents, 2)))
    }

    /// An amount from whole euros.
    pub fn from_euros(euros: i64) -> Result<Money, MoneyError> {
        euros
            .checked_mul(100)
            .ok_or(MoneyError::OutOfRange)
            .and_then(Money::from_cents)
    }

    /// The one rounding place: half away from zero, to cents.
    pub fn round_from(value: Decimal) -> Result<Money, MoneyError> {
        let rounded = value.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
        Money::try_from(rounded)
    }

    pub fn cents(self) -> i64 {
        // Invariant: scale 2 and |value| <= MAX_CENTS, so the mantissa fits i64.
        i64::try_from(self.0.mantissa()).unwrap_or(0)
    }

    pub fn as_decimal(self) -> Decimal {
        self.0
    }

    pub fn is_zero(self) -> bool {
        self.0.is_zero()
    }

    pub fn is_negative(self) -> bool {
        self.0.is_sign_negative() && !self.0.is_zero()
    }

    pub fn is_positive(self) -> bool {
        self.0.is_sign_positive() && !self.0.is_zero()
    }

    pub fn checked_add(self, other: Money) -> Result<Money, MoneyError> {
        let cents = self
            .cents()
            .checked_add(other.cents())
            .ok_or(MoneyError::OutOfRange)?;
        Money::from_cents(cents)
    }

    pub fn checked_sub(self, other: Money) -> Result<Money, MoneyError> {
        let cents = self
            .cents()
            .checked_sub(other.cents())
            .ok_or(MoneyError::OutOfRange)?;
        Money::from_cents(cents)
    }

    pub fn abs(self) -> Money {
        Money(self.0.abs())
    }

    /// The amount, or zero when negative.
    pub fn positive_part(self) -> Money {
        if self.is_negative() {
            Money::ZERO
        } else {
            self
        }
    }

    /// Sum of amounts, failing on overflow.
    pub fn sum<I: IntoIterator<Item = Money>>(items: I) -> Result<Money, MoneyError> {
        items
            .into_iter()
            .try_fold(Money::ZERO, |acc, m| acc.checked_add(m))
    }

    /// Parses an amount as a Dutch user types it. See [`parse_amount`].
    pub fn parse(input: &str) -> Result<Money, MoneyError> {
        parse_amount(input)
    }

    /// Dutch notation without the euro sign, as used in input fields: `1234,56`.
    pub fn to_input_string(self) -> String {
        let cents = self.cents();
        let sign = if cents < 0 { "-" } else { "" };
        let abs = cents.unsigned_abs();
        format!("{sign}{},{:02}", abs / 100, abs % 100)
    }
}

impl TryFrom<Decimal> for Money {
    type Error = MoneyError;
    fn try_from(value: Decimal) -> Result<Self, Self::Error> {
        let normalized = value.normalize();
        if normalized.scale() > 2 {
            return Err(MoneyError::TooManyDecimals);
        }
        let mut scaled = normalized;
        scaled.rescale(2);
        let cents = i64::try_from(scaled.mantissa()).map_err(|_| MoneyError::OutOfRange)?;
        Money::from_cents(cents)
    }
}

/// The range is symmetric, so negation always stays inside it.
impl std::ops::Neg for Money {
    type Output = Money;
    fn neg(self) -> Money {
        Money(-self.0)
    }
}

impl From<Money> for Decimal {
    fn from(value: Money) -> Self {
        value.0
    }
}

impl FromStr for Money {
    type Err = MoneyError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_amount(s)
    }
}

/// Dutch format: `€ 1.234,56`, `-€ 12,50`.
impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cents = self.cents();
        let sign = if cents < 0 { "-" } else { "" };
        let abs = cents.unsigned_abs();
        write!(f, "{sign}€ {},{:02}", group_thousands(abs / 100), abs % 100)
    }
}

/// `1234567` → `1.234.567`.
pub fn group_thousands(value: u64) -> String {
    let digits = value.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(ch);
    }
    out
}

/// Parses an amount.
///
/// Accepted: an optional minus sign (`-` or `−`) and euro sign in either order
/// (`-€ 12,50`, `€ -12,50`), then digits with Dutch separators: `1.234,56`,
/// `1234,56`, `1.234`, `12,5`. A single dot followed by one or two digits is read
/// as a decimal point (`1234.56`), because no Dutch grouping looks like that.
///
/// Refused: more than two decimals, mixed or misplaced separators
/// (`1,234.5,6`, `1,234.56`), `12,345` / `1,234`, which a Dutch reader takes
/// for a decimal and an English one for a thousands group, and a thousands
/// dot after a leading zero (`0.500`, `0.500,00`): nobody groups a zero, so
/// it is a decimal written with a point and three places — ambiguous.
pub fn parse_amount(input: &str) -> Result<Money, MoneyError> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err(MoneyError::Empty);
    }
    let offset = input.chars().count() - input.trim_start().chars().count();
    let mut chars: Vec<(usize, char)> = trimmed
        .chars()
        .enumerate()
        .map(|(i, c)| (i + offset + 1, c))
        .collect();

    let mut negative = false;
    let mut euro = false;
    let is_minus = |c: char| c == '-' || c == '−';
    // Prefix: sign and euro sign, in either order, each at most once.
    loop {
        match chars.first() {
            Some(&(_, c)) if is_minus(c) && !negative => {
                negative = true;
                chars.remove(0);
            }
            Some(&(_, '€')) if !euro => {
                euro = true;
                chars.remove(0);
            }
            Some(&(_, c)) if c.is_whitespace() && (negative || euro) => {
                chars.remove(0);
            }
            _ => break,
        }
    }
    let malformed = |hint| MoneyError::Malformed {
        input: trimmed.to_string(),
        hint,
    };
    if chars.is_empty() {
        return Err(malformed("er staan geen cijfers in"));
    }
    for &(position, c) in &chars {
        if !(c.is_ascii_digit() || c == '.' || c == ',') {
            return Err(MoneyError::InvalidCharacter { position, found: c });
        }
    }
    let body: String = chars.iter().map(|&(_, c)| c).collect();
    let (first, last) = (body.as_bytes()[0], body.as_bytes()[body.len() - 1]);
    if !first.is_ascii_digit() || !last.is_ascii_digit() {
        return Err(malformed("begin en eindig met een cijfer"));
    }
    if body.contains("..") || body.contains(",,") || body.contains(".,") || body.contains(",.") {
        return Err(malformed("twee scheidingstekens naast elkaar"));
    }
    let commas = body.matches(',').count();
    let dots = body.matches('.').count();

    let (integer_part, decimals): (String, &str) = match (commas, dots) {
        (0, 0) => (body.clone(), ""),
        (1, _) => {
            let (int, dec) = body.split_once(',').unwrap_or((&body, ""));
            if dec.contains('.') {
                return Err(malformed(
                    "gebruik een punt voor duizendtallen en een komma voor centen",
                ));
            }
            if dots > 0 && int.starts_with('0') {
                return Err(MoneyError::Ambiguous {
                    input: trimmed.to_string(),
                });
            }
            if dots > 0 && !is_grouped(int) {
                return Err(malformed("duizendtallen staan in groepen van drie cijfers"));
            }
            if dec.len() > 2 {
                if dots == 0 && dec.len() == 3 && int.len() <= 3 {
                    return Err(MoneyError::Ambiguous {
                        input: trimmed.to_string(),
                    });
                }
                return Err(MoneyError::TooManyDecimals);
            }
            (int.replace('.', ""), dec)
        }
        (0, 1) => {
            let (int, dec) = body.split_once('.').unwrap_or((&body, ""));
            match dec.len() {
                1 | 2 => (int.to_string(), dec),
                3 if int.starts_with('0') => {
                    return Err(MoneyError::Ambiguous {
                        input: trimmed.to_string(),
                    });
                }
                3 if int.len() <= 3 => (format!("{int}{dec}"), ""),
                _ => return Err(malformed("duizendtallen staan in groepen van drie cijfers")),
            }
        }
        (0, _) => {
            if body.starts_with('0') {
                return Err(MoneyError::Ambiguous {
                    input: trimmed.to_string(),
                });
            }
            if !is_grouped(&body) {
                return Err(malformed("duizendtallen staan in groepen van drie cijfers"));
            }
            (body.replace('.', ""), "")
        }
        _ => return Err(malformed("er mag maar één komma in staan")),
    };

    if integer_part.len() > 13 {
        return Err(MoneyError::OutOfRange);
    }
    let mut cents: i64 = 0;
    for b in integer_part.bytes() {
        cents = cents
            .checked_mul(10)
            .and_then(|c| c.checked_add(i64::from(b - b'0')))
            .ok_or(MoneyError::OutOfRange)?;
    }
    let mut dec_cents: i64 = 0;
    for (i, b) in decimals.bytes().enumerate() {
        let weight = if i == 0 { 10 } else { 1 };
        dec_cents += i64::from(b - b'0') * weight;
    }
    cents = cents
        .checked_mul(100)
        .and_then(|c| c.checked_add(dec_cents))
        .ok_or(MoneyError::OutOfRange)?;
    Money::from_cents(if negative { -cents } else { cents })
}

/// `1.234.567`: a first group of one to three digits, then groups of three.
fn is_grouped(s: &str) -> bool {
    let mut groups = s.split('.');
    let first_ok = groups.next().is_some_and(|g| (1..=3).contains(&g.len()));
    first_ok && groups.all(|g| g.len() == 3)
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PercentageError {
    #[error("Vul een percentage in.")]
    Empty,
    #[error("'{0}' is geen getal.")]
    NotANumber(String),
    #[error("Een percentage ligt tussen 0 en 100 (kreeg {0}).")]
    OutOfRange(String),
    #[error("Een percentage heeft hoogstens twee cijfers achter de komma.")]
    TooManyDecimals,
}

/// A percentage from 0 to 100 inclusive, with at most two decimals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "Decimal", into = "Decimal")]
pub struct Percentage(Decimal);

impl Percentage {
    pub const HUNDRED: Percentage = Percentage(Decimal::ONE_HUNDRED);
    pub const ZERO: Percentage = Percentage(Decimal::ZERO);

    pub fn new(value: Decimal) -> Result<Percentage, PercentageError> {
        if value < Decimal::ZERO || value > Decimal::ONE_HUNDRED {
            return Err(PercentageError::OutOfRange(value.normalize().to_string()));
        }
        let value = value.normalize();
        if value.scale() > 2 {
            return Err(PercentageError::TooManyDecimals);
        }
        Ok(Percentage(value))
    }

    /// Parses `75`, `12,5`, `12.5` or `12,5 %`.
    pub fn parse(input: &str) -> Result<Percentage, PercentageError> {
        let s = input.trim().trim_end_matches('%').trim();
        if s.is_empty() {
            return Err(PercentageError::Empty);
        }
        let value =
            parse_plain_decimal(s).ok_or_else(|| PercentageError::NotANumber(s.to_string()))?;
        Percentage::new(value)
    }

    pub fn value(self) -> Decimal {
        self.0
    }

    /// Basis points (hundredths of a percent) as an integer: 12,5 % → 1250.
    pub fn basis_points(self) -> i64 {
        let mut v = self.0;
        v.rescale(2);
        i64::try_from(v.mantissa()).unwrap_or(0)
    }
}

impl TryFrom<Decimal> for Percentage {
    type Error = PercentageError;
    fn try_from(value: Decimal) -> Result<Self, Self::Error> {
        Percentage::new(value)
    }
}

impl From<Percentage> for Decimal {
    fn from(value: Percentage) -> Self {
        value.0
    }
}

impl fmt::Display for Percentage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} %", self.0.normalize().to_string().replace('.', ","))
    }
}

/// A plain decimal number with a comma or a point as decimal separator and no
/// grouping: `12,5`, `12.5`, `-3`. Used for quantities and percentages.
pub fn parse_plain_decimal(input: &str) -> Option<Decimal> {
    let s = input.trim().replace(',', ".");
    if s.is_empty() || s.len() > 30 || s.matches('.').count() > 1 {
        return None;
    }
    let unsigned = s.strip_prefix('-').unwrap_or(&s);
    if unsigned.is_empty()
        || !unsigned.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        || unsigned.starts_with('.')
        || unsigned.ends_with('.')
    {
        return None;
    }
    Decimal::from_str(&s).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rust_decimal_macros::dec;

    fn m(s: &str) -> Money {
        Money::parse(s).expect("valid amount")
    }

    #[test]
    fn parses_dutch_notations() {
        assert_eq!(m("1.234,56").cents(), 123_456);
        assert_eq!(m("1234,56").cents(), 123_456);
        assert_eq!(m("€ 1.234").cents(), 123_400);
        assert_eq!(m("-12,50").cents(), -1_250);
        assert_eq!(m("-€ 12,50").cents(), -1_250);
        assert_eq!(m("€ -12,50").cents(), -1_250);
        assert_eq!(m("€12,5").cents(), 1_250);
        assert_eq!(m("1234.56").cents(), 123_456);
        assert_eq!(m("1.234.567").cents(), 123_456_700);
        assert_eq!(m("  7  ").cents(), 700);
    }

    #[test]
    fn refuses_ambiguous_and_malformed_input() {
        assert!(matches!(
            Money::parse("12,345"),
            Err(MoneyError::Ambiguous { .. })
        ));
        assert!(matches!(
            Money::parse("1,234"),
            Err(MoneyError::Ambiguous { .. })
        ));
        for zero_grouped in ["0.500", "0.500,00", "0.500.000", "€ 0.050"] {
            assert!(
                matches!(
                    Money::parse(zero_grouped),
                    Err(MoneyError::Ambiguous { .. })
                ),
                "{zero_grouped}"
            );
        }
        assert_eq!(Money::parse("0.50").map(Money::cents), Ok(50));
        assert!(Money::parse("0,500").is_err());
        assert!(matches!(
            Money::parse("1,234.5,6"),
            Err(MoneyError::Malformed { .. })
        ));
        assert!(matches!(
            Money::parse("1,234.56"),
            Err(MoneyError::Malformed { .. })
        ));
        assert!(matches!(
            Money::parse("1234,567"),
            Err(MoneyError::TooManyDecimals)
        ));
        assert!(matches!(
            Money::parse("1.2345"),
            Err(MoneyError::Malformed { .. })
        ));
        assert!(matches!(Money::parse(""), Err(MoneyError::Empty)));
        assert!(matches!(
            Money::parse("€"),
            Err(MoneyError::Malformed { .. })
        ));
        assert_eq!(
            Money::parse("12a"),
            Err(MoneyError::InvalidCharacter {
                position: 3,
                found: 'a'
            })
        );
        assert!(matches!(
            Money::parse("99999999999999"),
            Err(MoneyError::OutOfRange)
        ));
    }

    #[test]
    fn formats_dutch() {
        assert_eq!(m("1234,56").to_string(), "€ 1.234,56");
        assert_eq!(m("-12,5").to_string(), "-€ 12,50");
        assert_eq!(Money::ZERO.to_string(), "€ 0,00");
        assert_eq!(m("1000000").to_string(), "€ 1.000.000,00");
        assert_eq!(m("-1234,5").to_input_string(), "-1234,50");
    }

    #[test]
    fn rounds_half_away_from_zero() {
        assert_eq!(Money::round_from(dec!(0.005)).map(Money::cents), Ok(1));
        assert_eq!(Money::round_from(dec!(-0.005)).map(Money::cents), Ok(-1));
        assert_eq!(Money::round_from(dec!(0.0049)).map(Money::cents), Ok(0));
    }

    #[test]
    fn decimal_with_more_than_two_places_is_not_money() {
        assert_eq!(
            Money::try_from(dec!(1.234)),
            Err(MoneyError::TooManyDecimals)
        );
        assert_eq!(Money::try_from(dec!(1.2300)).map(Money::cents), Ok(123));
    }

    #[test]
    fn arithmetic_is_checked() {
        let max = Money::from_euros(MAX_EUROS).expect("max");
        assert_eq!(max.checked_add(m("0,01")), Err(MoneyError::OutOfRange));
        assert_eq!(m("1").checked_sub(m("2,50")).map(Money::cents), Ok(-150));
    }

    #[test]
    fn serde_refuses_invalid_amounts() {
        assert!(serde_json::from_str::<Money>("\"1.234\"").is_err());
        assert_eq!(
            serde_json::from_str::<Money>("\"12.5\"")
                .map(Money::cents)
                .ok(),
            Some(1250)
        );
    }

    #[test]
    fn percentages_are_bounded() {
        assert!(Percentage::parse("150").is_err());
        assert!(Percentage::parse("-1").is_err());
        assert_eq!(
            Percentage::parse("12,5 %").map(Percentage::basis_points),
            Ok(1250)
        );
        assert!(Percentage::parse("abc").is_err());
    }

    proptest! {
        #[test]
        fn parse_of_format_is_identity(cents in -MAX_CENTS..=MAX_CENTS) {
            let money = Money::from_cents(cents).expect("in range");
            prop_assert_eq!(Money::parse(&money.to_string()), Ok(money));
            prop_assert_eq!(Money::parse(&money.to_input_string()), Ok(money));
        }

        #[test]
        fn parse_never_panics(s in ".{0,40}") {
            let _ = Money::parse(&s);
            let _ = Percentage::parse(&s);
            let _ = parse_plain_decimal(&s);
        }

        #[test]
        fn parse_never_panics_on_amount_like_text(s in "[-−€ 0-9.,]{0,24}") {
            let _ = Money::parse(&s);
        }
    }
}
