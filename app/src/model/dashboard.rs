//! The dashboard (*Resultaten*): its filters as the address holds them and
//! its figures as tables. A table is what the page shows, what the charts
//! draw, what the downloads and the open-data API carry: one structure, so
//! the four can never disagree. Suppressed cells are already hidden here.

use doorbraak::Money;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// The filters as typed in the address (`?jaar=2026&kwartaal=2&team=3`);
/// empty when not given.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct DashboardQuery {
    pub jaar: String,
    pub kwartaal: String,
    pub maand: String,
    pub van: String,
    pub tot: String,
    pub team: String,
    pub wet: String,
}

impl DashboardQuery {
    /// The filters from an address's query pairs; unknown names are ignored.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> DashboardQuery {
        let mut q = DashboardQuery::default();
        for (k, v) in pairs {
            let slot = match k {
                "jaar" => &mut q.jaar,
                "kwartaal" => &mut q.kwartaal,
                "maand" => &mut q.maand,
                "van" => &mut q.van,
                "tot" => &mut q.tot,
                "team" => &mut q.team,
                "wet" => &mut q.wet,
                _ => continue,
            };
            *slot = v.chars().take(100).collect();
        }
        q
    }
}

/// One cell of a dashboard table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "soort", content = "waarde", rename_all = "snake_case")]
pub enum Cell {
    Text(String),
    /// Households (or cases: one case is one household).
    Count(u32),
    Money(Money),
    /// A percentage to one decimal: 25.0 for 25 %.
    Share(Decimal),
    /// Euros per invested euro.
    Ratio(Money),
    Days(i64),
    /// A count of 1 to 4 households, or one that would reveal such a count.
    Small,
    /// An amount or figure that belongs to a suppressed count.
    Hidden,
    /// Nothing to show: no cases, or a figure that does not apply.
    Empty,
}

impl Cell {
    /// A count, suppressed when `hide`.
    pub fn count(n: u32, hide: bool) -> Cell {
        if hide { Cell::Small } else { Cell::Count(n) }
    }

    /// An amount, hidden when `hide`.
    pub fn money(m: Money, hide: bool) -> Cell {
        if hide { Cell::Hidden } else { Cell::Money(m) }
    }

    /// The cell as the page and the CSV show it (Dutch formats).
    pub fn text(&self) -> String {
        match self {
            Cell::Text(t) => t.clone(),
            Cell::Count(n) => doorbraak::money::group_thousands(u64::from(*n)),
            Cell::Money(m) => m.to_string(),
            Cell::Share(s) => percent(*s),
            Cell::Ratio(r) => r.to_string(),
            Cell::Days(d) => format!("{d} dagen"),
            Cell::Small => "< 5".into(),
            Cell::Hidden => "—".into(),
            Cell::Empty => "n.v.t.".into(),
        }
    }

    /// The cell in a CSV file: amounts with a decimal comma and no unit,
    /// hidden and empty cells blank, a small count as "< 5".
    pub fn csv(&self) -> String {
        match self {
            Cell::Text(t) => t.clone(),
            Cell::Count(n) => n.to_string(),
            Cell::Money(m) => m.to_input_string(),
            Cell::Share(s) => s.round_dp(1).to_string().replace('.', ","),
            Cell::Ratio(r) => r.to_input_string(),
            Cell::Days(d) => d.to_string(),
            Cell::Small => "< 5".into(),
            Cell::Hidden | Cell::Empty => String::new(),
        }
    }

    /// Whether the cell is a number (right-aligned).
    pub fn numeric(&self) -> bool {
        !matches!(self, Cell::Text(_))
    }

    /// The amount in the cell, if it shows one.
    pub fn as_money(&self) -> Option<Money> {
        match self {
            Cell::Money(m) => Some(*m),
            _ => None,
        }
    }

    /// The count in the cell, if it shows one.
    pub fn as_count(&self) -> Option<u32> {
        match self {
            Cell::Count(n) => Some(*n),
            _ => None,
        }
    }
}

/// A percentage as Dutch text with one decimal: "83,9 %".
pub fn percent(share: Decimal) -> String {
    format!("{} %", share.round_dp(1).to_string().replace('.', ","))
}

/// One table of the dashboard: the first cell of each row is its header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Table {
    /// Stable, used in the address of its download (`/export/resultaten/{id}.csv`).
    pub id: String,
    pub title: String,
    /// What the table covers, in a sentence (its filters included).
    pub scope: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    /// The row whose header is `label`.
    pub fn row(&self, label: &str) -> Option<&[Cell]> {
        self.rows
            .iter()
            .find(|r| matches!(r.first(), Some(Cell::Text(t)) if t == label))
            .map(Vec::as_slice)
    }

    /// The index of column `name`.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c == name)
    }

    /// The cell at row `label`, column `name`.
    pub fn cell(&self, label: &str, name: &str) -> Option<&Cell> {
        self.row(label)?.get(self.column(name)?)
    }
}

/// A choice in a filter: its value in the address and its label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    pub value: String,
    pub label: String,
}

/// What the filters offer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DashboardChoices {
    pub teams: Vec<Choice>,
    pub streams: Vec<Choice>,
}

/// The dashboard for one set of filters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dashboard {
    pub query: DashboardQuery,
    /// "2026", "2e kwartaal 2026", "1 maart 2026 t/m 31 mei 2026".
    pub period: String,
    pub team: String,
    pub stream: String,
    pub teams: Vec<Choice>,
    pub streams: Vec<Choice>,
    /// Sentences that say which figures are provisional, or that the period
    /// has no data.
    pub notices: Vec<String>,
    /// The key figures in words (the start page shows these).
    pub headlines: Vec<String>,
    pub tables: Vec<Table>,
}

impl Dashboard {
    pub fn table(&self, id: &str) -> Option<&Table> {
        self.tables.iter().find(|t| t.id == id)
    }
}
