//! The cost catalogue (*kostencatalogus*): standard unit costs with yearly prices.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::money::Money;
use crate::stream::StreamCode;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CatalogueError {
    #[error("Een prijs kan niet negatief zijn.")]
    NegativePrice,
    #[error("De prijsperiode eindigt vóór ze begint.")]
    InvertedPeriod,
    #[error("De prijsperiode vanaf {0} overlapt met een andere prijs van dit item.")]
    OverlappingPeriod(NaiveDate),
    #[error("Vul een code en een naam in voor het catalogusitem.")]
    MissingName,
    #[error("Een indexering ligt tussen -20 % en 50 %.")]
    IndexOutOfRange,
}

/// A new year's price: `price` raised by `percent` (e.g. 3,2), rounded once to
/// cents. Indexations outside -20 % to 50 % are refused as typos.
pub fn indexed_price(
    price: Money,
    percent: rust_decimal::Decimal,
) -> Result<Money, CatalogueError> {
    use rust_decimal::Decimal;
    if percent < Decimal::from(-20) || percent > Decimal::from(50) {
        return Err(CatalogueError::IndexOutOfRange);
    }
    let factor = (Decimal::from(100) + percent) / Decimal::from(100);
    Money::round_from(Decimal::from(price) * factor).map_err(|_| CatalogueError::IndexOutOfRange)
}

/// How a unit price accrues over time.
///
/// Recurring units convert to a monthly amount: per day × 365/12, per week ×
/// 52/12, per month × 1, per year ÷ 12. For per hour and per session the line's
/// quantity is the number of hours or sessions *per month*. A one-off amount
/// counts once, in its start month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Unit {
    OneOff,
    PerDay,
    PerWeek,
    PerMonth,
    PerYear,
    PerHour,
    PerSession,
}

impl Unit {
    pub const ALL: [Unit; 7] = [
        Unit::OneOff,
        Unit::PerDay,
        Unit::PerWeek,
        Unit::PerMonth,
        Unit::PerYear,
        Unit::PerHour,
        Unit::PerSession,
    ];

    /// The monthly conversion as an exact fraction (numerator, denominator), or
    /// `None` for a one-off amount.
    pub fn monthly_fraction(self) -> Option<(i64, i64)> {
        match self {
            Unit::OneOff => None,
            Unit::PerDay => Some((365, 12)),
            Unit::PerWeek => Some((52, 12)),
            Unit::PerMonth | Unit::PerHour | Unit::PerSession => Some((1, 1)),
            Unit::PerYear => Some((1, 12)),
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Unit::OneOff => "one_off",
            Unit::PerDay => "day",
            Unit::PerWeek => "week",
            Unit::PerMonth => "month",
            Unit::PerYear => "year",
            Unit::PerHour => "hour",
            Unit::PerSession => "session",
        }
    }

    pub fn from_code(code: &str) -> Option<Unit> {
        Unit::ALL.into_iter().find(|u| u.code() == code)
    }

    pub fn label_nl(self) -> &'static str {
        match self {
            Unit::OneOff => "eenmalig",
            Unit::PerDay => "per dag",
            Unit::PerWeek => "per week",
            Unit::PerMonth => "per maand",
            Unit::PerYear => "per jaar",
            Unit::PerHour => "per uur (aantal per maand)",
            Unit::PerSession => "per keer (aantal per maand)",
        }
    }

    /// Maps the unit column of the sourced catalogue (`per etmaal`, `per kind per
    /// jaar`, `per uitzetting`, …) to a unit.
    pub fn from_dutch_label(label: &str) -> Option<Unit> {
        let l = label.trim().to_lowercase();
        if l.is_empty() {
            return None;
        }
        if l.ends_with("per jaar") {
            return Some(Unit::PerYear);
        }
        Some(match l.as_str() {
            "per dag" | "per etmaal" | "per nacht" => Unit::PerDay,
            "per week" => Unit::PerWeek,
            "per maand" => Unit::PerMonth,
            "per uur" => Unit::PerHour,
            "per dagdeel" | "per consult" | "per visite" | "per rit" | "per bezoek"
            | "per keer" => Unit::PerSession,
            _ => Unit::OneOff,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PricePeriod {
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
    pub price: Money,
}

impl PricePeriod {
    pub fn new(
        valid_from: NaiveDate,
        valid_to: Option<NaiveDate>,
        price: Money,
    ) -> Result<PricePeriod, CatalogueError> {
        if price.is_negative() {
            return Err(CatalogueError::NegativePrice);
        }
        if valid_to.is_some_and(|to| to < valid_from) {
            return Err(CatalogueError::InvertedPeriod);
        }
        Ok(PricePeriod {
            valid_from,
            valid_to,
            price,
        })
    }

    fn covers(&self, date: NaiveDate) -> bool {
        self.valid_from <= date && self.valid_to.is_none_or(|to| date <= to)
    }

    fn overlaps(&self, other: &PricePeriod) -> bool {
        let ends_before =
            |a: &PricePeriod, b: &PricePeriod| a.valid_to.is_some_and(|to| to < b.valid_from);
        !(ends_before(self, other) || ends_before(other, self))
    }
}

/// A standard cost with its prices over time. Prices never overlap, so the
/// price on a date is unambiguous; a canvas keeps the price it was calculated with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogueItem {
    pub code: String,
    pub name: String,
    pub unit: Unit,
    pub stream: StreamCode,
    prices: Vec<PricePeriod>,
}

impl CatalogueItem {
    pub fn new(
        code: &str,
        name: &str,
        unit: Unit,
        stream: StreamCode,
        prices: Vec<PricePeriod>,
    ) -> Result<CatalogueItem, CatalogueError> {
        if code.trim().is_empty() || name.trim().is_empty() {
            return Err(CatalogueError::MissingName);
        }
        let mut item = CatalogueItem {
            code: code.trim().to_string(),
            name: name.trim().to_string(),
            unit,
            stream,
            prices: Vec::new(),
        };
        for p in prices {
            item.add_price(p)?;
        }
        Ok(item)
    }

    /// Adds a price period (e.g. next year's price); refuses overlaps.
    pub fn add_price(&mut self, period: PricePeriod) -> Result<(), CatalogueError> {
        if self.prices.iter().any(|p| p.overlaps(&period)) {
            return Err(CatalogueError::OverlappingPeriod(period.valid_from));
        }
        self.prices.push(period);
        self.prices.sort_by_key(|p| p.valid_from);
        Ok(())
    }

    pub fn prices(&self) -> &[PricePeriod] {
        &self.prices
    }

    /// The price on `date`, if any; an item without a price is inactive.
    pub fn price_on(&self, date: NaiveDate) -> Option<Money> {
        self.prices.iter().find(|p| p.covers(date)).map(|p| p.price)
    }
}

/// Which streams a catalogue item's cost falls on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ItemStreams {
    /// One stream: a scenario line with the item is booked on it.
    One(StreamCode),
    /// Several (e.g. a multi-problem family across Wmo, Jeugdwet,
    /// Participatiewet, Zvw and Wlz): the professional chooses the stream of
    /// each line among these; it is never booked on the Wmo by default.
    Choice(Vec<StreamCode>),
}

/// What a row of the sourced catalogue is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceRow {
    pub streams: ItemStreams,
    /// A savings or yield figure (a benchmark), not a unit cost: never
    /// offered as a scenario line.
    pub benchmark: bool,
}

/// The streams a source's wording names, in the order named:
/// `Multi (Wmo, Jeugdwet, Pw, Zvw, Wlz)` → WMO, JW, PW, ZVW, WLZ.
fn streams_named(text: &str) -> Vec<StreamCode> {
    const NAMES: &[(&str, StreamCode)] = &[
        ("wmo", StreamCode::WMO),
        ("jeugdwet", StreamCode::JEUGDWET),
        ("participatiewet", StreamCode::PARTICIPATIEWET),
        ("pw", StreamCode::PARTICIPATIEWET),
        ("schuldhulp", StreamCode::WGS),
        ("wgs", StreamCode::WGS),
        ("zorgverzekeringswet", StreamCode::ZVW),
        ("zvw", StreamCode::ZVW),
        ("wet langdurige zorg", StreamCode::WLZ),
        ("wlz", StreamCode::WLZ),
        ("corporatie", StreamCode::from_static("CORP")),
        ("justitie", StreamCode::from_static("JUS")),
        ("politie", StreamCode::from_static("JUS")),
        ("onderwijs", StreamCode::from_static("OND")),
    ];
    let inner = text
        .split_once('(')
        .map_or(text, |(_, rest)| rest.trim_end_matches(')'));
    let mut out = Vec::new();
    for part in inner.split([',', '/']) {
        let part = part.trim().to_lowercase();
        if let Some((_, code)) = NAMES.iter().find(|(name, _)| part.starts_with(name))
            && !out.contains(code)
        {
            out.push(*code);
        }
    }
    out
}

/// Classifies a row of the sourced catalogue by its code, its stream column
/// and its name. A row whose stream says `Multi (...)` falls on the streams
/// it names; one that is a saving, a yield or an intervention's own price is
/// a benchmark. Otherwise the code's prefix names the stream (`JW-05` → JW,
/// `WON-01` → the housing corporation), the Wmo for anything else.
pub fn classify_source_row(code: &str, stream: &str, name: &str) -> SourceRow {
    let lower_name = name.to_lowercase();
    let benchmark = ["besparing", "opbrengst", "reductie"]
        .iter()
        .any(|w| lower_name.contains(w))
        || stream.trim().to_lowercase().starts_with("interventie");
    if stream.trim().to_lowercase().starts_with("multi") {
        let named = streams_named(stream);
        if named.len() >= 2 {
            return SourceRow {
                streams: ItemStreams::Choice(named),
                benchmark,
            };
        }
    }
    let by_prefix = match code.split('-').next().unwrap_or("") {
        "PW" => StreamCode::PARTICIPATIEWET,
        "JW" => StreamCode::JEUGDWET,
        "WGS" => StreamCode::WGS,
        "ZVW" => StreamCode::ZVW,
        "WLZ" => StreamCode::WLZ,
        "WON" => StreamCode::from_static("CORP"),
        "JUS" => StreamCode::from_static("JUS"),
        "OND" => StreamCode::from_static("OND"),
        _ => StreamCode::WMO,
    };
    SourceRow {
        streams: ItemStreams::One(by_prefix),
        benchmark,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, 1, 1).expect("date")
    }
    fn end(y: i32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, 12, 31)
    }

    #[test]
    fn indexation_rounds_once_and_refuses_typos() {
        use rust_decimal_macros::dec;
        let price = Money::parse("1.234,56").expect("amount");
        // 1234.56 × 1.032 = 1274.06592 → 1274.07
        assert_eq!(
            indexed_price(price, dec!(3.2)),
            Ok(Money::parse("1.274,07").expect("amount"))
        );
        assert_eq!(indexed_price(price, dec!(0)), Ok(price));
        assert_eq!(
            indexed_price(Money::parse("0,05").expect("amount"), dec!(10)),
            Ok(Money::parse("0,06").expect("amount"))
        );
        assert_eq!(
            indexed_price(price, dec!(-20)),
            Ok(Money::parse("987,65").expect("amount"))
        );
        assert_eq!(
            indexed_price(price, dec!(50.01)),
            Err(CatalogueError::IndexOutOfRange)
        );
        assert_eq!(
            indexed_price(price, dec!(-20.5)),
            Err(CatalogueError::IndexOutOfRange)
        );
    }

    #[test]
    fn price_on_a_date_comes_from_the_period_covering_it() {
        let p25 = PricePeriod::new(d(2025), end(2025), Money::from_cents(140_150).expect("m"))
            .expect("p");
        let p26 =
            PricePeriod::new(d(2026), None, Money::from_cents(145_000).expect("m")).expect("p");
        let item = CatalogueItem::new(
            "PW-01",
            "Bijstand",
            Unit::PerMonth,
            StreamCode::PARTICIPATIEWET,
            vec![p26, p25],
        )
        .expect("item");
        assert_eq!(item.price_on(d(2025)).map(Money::cents), Some(140_150));
        assert_eq!(item.price_on(d(2030)).map(Money::cents), Some(145_000));
        assert_eq!(item.price_on(d(2020)), None);
    }

    #[test]
    fn overlapping_prices_and_negative_prices_are_refused() {
        let p = PricePeriod::new(d(2025), None, Money::ZERO).expect("p");
        let mut item =
            CatalogueItem::new("X", "X", Unit::OneOff, StreamCode::WMO, vec![p]).expect("item");
        let overlapping = PricePeriod::new(d(2026), end(2026), Money::ZERO).expect("p");
        assert_eq!(
            item.add_price(overlapping),
            Err(CatalogueError::OverlappingPeriod(d(2026)))
        );
        assert_eq!(
            PricePeriod::new(d(2025), None, Money::from_cents(-1).expect("m")),
            Err(CatalogueError::NegativePrice)
        );
        assert_eq!(
            PricePeriod::new(d(2025), end(2024), Money::ZERO),
            Err(CatalogueError::InvertedPeriod)
        );
    }

    #[test]
    fn catalogue_labels_map_to_units() {
        assert_eq!(Unit::from_dutch_label("per etmaal"), Some(Unit::PerDay));
        assert_eq!(
            Unit::from_dutch_label("per kind per jaar"),
            Some(Unit::PerYear)
        );
        assert_eq!(Unit::from_dutch_label("per uitzetting"), Some(Unit::OneOff));
        assert_eq!(
            Unit::from_dutch_label("per consult"),
            Some(Unit::PerSession)
        );
        assert_eq!(Unit::from_dutch_label(""), None);
        for unit in Unit::ALL {
            assert_eq!(Unit::from_code(unit.code()), Some(unit));
        }
    }

    #[test]
    fn multi_stream_rows_name_their_streams_and_savings_are_benchmarks() {
        let family = classify_source_row(
            "MUL-01",
            "Multi (Wmo, Jeugdwet, Pw, Zvw, Wlz)",
            "Multiprobleemgezin: kosten zorg, ondersteuning en sociale zekerheid",
        );
        assert_eq!(
            family.streams,
            ItemStreams::Choice(vec![
                StreamCode::WMO,
                StreamCode::JEUGDWET,
                StreamCode::PARTICIPATIEWET,
                StreamCode::ZVW,
                StreamCode::WLZ
            ])
        );
        assert!(!family.benchmark);
        let eviction = classify_source_row(
            "WON-02",
            "Multi (Wmo, Participatiewet, Zvw, corporatie)",
            "Huisuitzetting: totale maatschappelijke kosten",
        );
        assert_eq!(
            eviction.streams,
            ItemStreams::Choice(vec![
                StreamCode::WMO,
                StreamCode::PARTICIPATIEWET,
                StreamCode::ZVW,
                StreamCode::from_static("CORP")
            ])
        );
        for (code, stream, name) in [
            (
                "MUL-03",
                "Multi (gemeentelijke wetten)",
                "Sociaal Hospitaal: gerealiseerde besparing gemeente",
            ),
            (
                "MUL-04",
                "Multi",
                "Sociaal Hospitaal: maatschappelijke opbrengst jaar 1",
            ),
            (
                "MUL-05",
                "Multi",
                "Sociaal Hospitaal: beoogde minimale reductie uitvoeringskosten",
            ),
            (
                "MUL-02",
                "Interventie (HIB-voorfinanciering CZ)",
                "Sociaal Hospitaal: interventiekosten maatwerkplan",
            ),
        ] {
            assert!(classify_source_row(code, stream, name).benchmark, "{code}");
        }
        let single = classify_source_row("JW-05", "Jeugdwet", "Logeeropvang");
        assert_eq!(single.streams, ItemStreams::One(StreamCode::JEUGDWET));
        assert!(!single.benchmark);
        assert_eq!(
            classify_source_row(
                "WON-01",
                "Woningcorporatie",
                "Huisuitzetting: directe kosten"
            )
            .streams,
            ItemStreams::One(StreamCode::from_static("CORP"))
        );
    }
}
