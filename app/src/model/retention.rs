//! Retention terms, legal holds and the erasure's dry run, as the
//! administrator's page shows them.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// One record class with its term.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TermRow {
    pub class: String,
    pub label: String,
    pub counted_from: String,
    pub source: String,
    pub years: u8,
    pub default_years: u8,
    pub version: i64,
}

/// A case on legal hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HoldRow {
    pub reference: String,
    pub reason: String,
}

/// A case the erasure would erase now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DueRow {
    pub reference: String,
    pub class: String,
    pub ended_on: NaiveDate,
    pub since: NaiveDate,
}

/// What an erasure would do (a dry run) or did.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ErasurePlan {
    pub today: Option<NaiveDate>,
    pub due: Vec<DueRow>,
    /// Past their terms but on legal hold: not erased.
    pub held: Vec<String>,
    pub erased_before: usize,
    /// Cases erased per class code.
    pub per_class: Vec<(String, usize)>,
}

/// The page: terms, holds, and the dry run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetentionView {
    pub terms: Vec<TermRow>,
    pub holds: Vec<HoldRow>,
    pub plan: ErasurePlan,
}

/// The three terms as the form posts them, in years, each with the row
/// version the form was loaded with.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TermForm {
    pub granted: String,
    pub not_granted: String,
    pub financial: String,
    pub granted_version: String,
    pub not_granted_version: String,
    pub financial_version: String,
}

impl TermForm {
    /// The typed years and the loaded version of a class (by its code).
    pub fn of(&self, class: &str) -> Option<(&str, &str)> {
        match class {
            "granted" => Some((&self.granted, &self.granted_version)),
            "not_granted" => Some((&self.not_granted, &self.not_granted_version)),
            "financial" => Some((&self.financial, &self.financial_version)),
            _ => None,
        }
    }
}

/// Putting a case on legal hold, or lifting it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct HoldForm {
    pub reference: String,
    /// "on" or "off".
    pub hold: String,
    pub reason: String,
}
