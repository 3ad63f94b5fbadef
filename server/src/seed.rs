//! Configuration every municipality starts with, loaded into an empty
//! database at start: the Iv3 taakvelden, the Dutch financing streams, the
//! sourced cost catalogue (rows without an amount stay inactive), the
//! mandate levels and the default horizon. All of it is editable afterwards.

use anyhow::{Context, anyhow};
use app::db::catalogue::{ImportItem, insert as insert_catalogue_item};
use app::db::settings::set_setting;
use doorbraak::Money;
use doorbraak::catalogue::{ItemStreams, Unit, classify_source_row};
use doorbraak::stream::StreamKind;
use sqlx::SqlitePool;

const TAAKVELDEN: &str = include_str!("../seed/iv3-taakvelden.csv");
const CATALOGUE: &str = include_str!("../seed/cost-catalogue.csv");

/// (code, name, kind, taakveld, holds reservation)
const STREAMS: &[(&str, &str, StreamKind, Option<&str>, bool)] = &[
    ("WMO", "Wmo 2015", StreamKind::Internal, Some("6.71d"), true),
    (
        "PW",
        "Participatiewet",
        StreamKind::Internal,
        Some("6.3"),
        false,
    ),
    ("JW", "Jeugdwet", StreamKind::Internal, Some("6.72d"), false),
    (
        "WGS",
        "Schuldhulpverlening (WGS)",
        StreamKind::Internal,
        Some("6.3"),
        false,
    ),
    (
        "ZVW",
        "Zorgverzekeringswet",
        StreamKind::External,
        None,
        false,
    ),
    (
        "WLZ",
        "Wet langdurige zorg",
        StreamKind::External,
        None,
        false,
    ),
    (
        "CORP",
        "Woningcorporatie",
        StreamKind::External,
        None,
        false,
    ),
    (
        "JUS",
        "Justitie en politie",
        StreamKind::External,
        None,
        false,
    ),
    ("OND", "Onderwijs", StreamKind::External, None, false),
];

/// Splits one CSV line with quoted fields ("" is a quote inside a field).
fn csv_fields(line: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => fields.push(std::mem::take(&mut field)),
            _ => field.push(c),
        }
    }
    fields.push(field);
    fields
}

pub async fn load(pool: &SqlitePool) -> anyhow::Result<()> {
    let mut tx = pool.begin().await?;
    if app::db::streams::count(&mut tx).await? > 0 {
        return Ok(());
    }
    for line in TAAKVELDEN.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let f = csv_fields(line);
        let label = f.get(1).map(String::as_str).unwrap_or_default();
        let deprecated = f.get(3).is_some_and(|d| d.trim() == "true");
        app::db::streams::insert_taakveld(&mut tx, &f[0], label, deprecated).await?;
    }
    for (code, name, kind, taakveld, holds) in STREAMS {
        let stream = app::db::streams::NewStream {
            code,
            name,
            kind: *kind,
            taakveld: *taakveld,
            cost_centre: "",
            ledger_account: "",
            holds_reservation: *holds,
            active: true,
        };
        app::db::streams::insert(&mut tx, &stream).await?;
    }
    let mut lines = CATALOGUE.lines();
    let header = csv_fields(lines.next().context("empty catalogue")?);
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| anyhow!("catalogue has no column {name}"))
    };
    let (c_code, c_name, c_unit, c_amount, c_year, c_stream, c_source, c_conf) = (
        col("code")?,
        col("name_nl")?,
        col("unit")?,
        col("amount_eur")?,
        col("year")?,
        col("stream")?,
        col("source")?,
        col("confidence")?,
    );
    for line in lines.filter(|l| !l.trim().is_empty()) {
        let f = csv_fields(line);
        let get = |i: usize| f.get(i).map(String::as_str).unwrap_or("");
        let unit = Unit::from_dutch_label(get(c_unit)).unwrap_or(Unit::OneOff);
        let price = match get(c_amount).trim() {
            "" => None,
            amount => {
                let money = Money::parse(amount)
                    .with_context(|| format!("catalogue {}: amount {amount}", get(c_code)))?;
                let year = get(c_year).trim().parse::<i32>().unwrap_or(2026);
                Some((money, format!("{year:04}-01-01")))
            }
        };
        let row = classify_source_row(get(c_code), get(c_stream), get(c_name));
        let (stream, choices) = match &row.streams {
            ItemStreams::One(code) => (Some(code.to_string()), String::new()),
            ItemStreams::Choice(codes) => (
                None,
                codes
                    .iter()
                    .map(|c| c.as_str())
                    .collect::<Vec<_>>()
                    .join(","),
            ),
        };
        let item = ImportItem {
            code: get(c_code),
            name: get(c_name),
            unit: unit.code(),
            unit_label: get(c_unit),
            stream: stream.as_deref(),
            choices: &choices,
            benchmark: row.benchmark,
            source: get(c_source),
            confidence: get(c_conf),
            price,
        };
        insert_catalogue_item(&mut tx, &item)
            .await
            .with_context(|| format!("catalogue item {}", item.code))?;
    }
    let mandates = doorbraak::mandate::MandateTable::dutch_default();
    app::db::mandates::replace(&mut tx, mandates.levels()).await?;
    set_setting(&mut tx, "default_horizon_months", "12").await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_handle_quotes_and_commas() {
        assert_eq!(
            csv_fields(r#"a,"b, c","d ""e""",,f"#),
            vec!["a", "b, c", "d \"e\"", "", "f"]
        );
    }
}
