//! Cases as lists, queues and the case page show them.

use serde::{Deserialize, Serialize};

/// One line of a case's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseEvent {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub from: Option<doorbraak::lifecycle::Status>,
    pub to: doorbraak::lifecycle::Status,
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentRow {
    pub id: i64,
    pub amount: doorbraak::Money,
    pub paid_on: String,
    pub supplier: String,
    pub reference: String,
    /// Corrected by reversal: when and why.
    pub reversed: Option<(String, String)>,
    /// The household received what it paid for: when, and the note.
    pub received: Option<(String, String)>,
}

/// A case in a list or queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseSummary {
    pub id: i64,
    pub reference: String,
    pub team: String,
    pub professional_id: i64,
    pub professional: String,
    pub status: doorbraak::lifecycle::Status,
    pub investment: doorbraak::Money,
    pub total_avoided: doorbraak::Money,
    pub waiting_for_external: bool,
    pub updated_at: String,
}

/// One page of cases and how many there are in all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseList {
    pub cases: Vec<CaseSummary>,
    /// Whether a next page exists. There is no exact total: counting every
    /// match costs more than the page itself on a large queue.
    pub has_more: bool,
    pub page: i64,
}

/// Everything the case page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseView {
    pub id: i64,
    pub reference: String,
    pub team_id: i64,
    pub professional_id: i64,
    pub status: doorbraak::lifecycle::Status,
    /// Bumped by every change: send it back with an action.
    pub version: i64,
    pub canvas_version: i64,
    /// The canvas's save counter: send it back when saving.
    pub canvas_edits: i64,
    pub canvas_frozen: bool,
    pub canvas: doorbraak::canvas::Canvas,
    /// The names of the streams the canvas and its return mention.
    pub stream_names: StreamNames,
    /// When the current version was last saved, in Dutch time (`dd-mm-jjjj HH:MM`).
    pub canvas_saved_at: String,
    /// A draft with incomplete parts: the form as typed and what is missing.
    pub incomplete: Option<super::canvas_form::DraftForm>,
    pub calculation: Option<doorbraak::returns::ReturnCalculation>,
    /// What changed in the current version since the one before it.
    pub changes: Vec<String>,
    /// The earlier versions, newest first.
    pub earlier: Vec<CanvasVersion>,
    pub events: Vec<CaseEvent>,
    pub payments: Vec<PaymentRow>,
    pub held: doorbraak::Money,
    pub paid: doorbraak::Money,
    pub waiting_for_external: bool,
    pub waiting_note: Option<String>,
    pub budget_year: Option<i32>,
    /// This year's available fund, for an approver deciding a submitted canvas.
    pub fund_available: Option<(i32, doorbraak::Money)>,
    /// The user may decide on the canvas: an approver within mandate who
    /// saved no version of it.
    pub may_decide: bool,
    /// For an approver who may not decide a submitted canvas: who does.
    pub decided_by: Option<String>,
    /// Today on the server (`YYYY-MM-DD`), the default payment date.
    pub today: String,
    /// What the case waits for, and on whom, in a sentence.
    pub awaiting: String,
    /// When the final evaluation is due (`YYYY-MM-DD`), once the
    /// breakthrough has started.
    pub evaluation_due: Option<String>,
    /// Realised against projected, once evaluated.
    pub realisation: Option<super::RealisationView>,
}

/// An earlier canvas version as the case page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CanvasVersion {
    pub version: i64,
    pub frozen: bool,
    pub saved_at: String,
    pub canvas: doorbraak::canvas::Canvas,
    pub calculation: Option<doorbraak::returns::ReturnCalculation>,
    /// What changed since the version before it.
    pub changes: Vec<String>,
}

/// A canvas after saving: the counter to send with the next save, and its return.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedCanvas {
    pub edits: i64,
    pub calculation: doorbraak::returns::ReturnCalculation,
    /// The time of the save in Dutch time (`HH:MM`).
    pub saved_at: String,
    /// The parts kept as typed because they are not complete yet.
    pub problems: Vec<super::canvas_form::Problem>,
}

/// The names of the streams by code, to show "Jeugdwet" where a rule says `JW`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StreamNames(pub Vec<(String, String)>);

impl StreamNames {
    /// The stream's name, or its code when it has none.
    pub fn name(&self, code: &str) -> String {
        self.0
            .iter()
            .find(|(c, _)| c == code)
            .map_or_else(|| code.to_string(), |(_, n)| n.clone())
    }
}

impl From<&[StreamOption]> for StreamNames {
    fn from(streams: &[StreamOption]) -> Self {
        StreamNames(
            streams
                .iter()
                .map(|s| (s.code.clone(), s.name.clone()))
                .collect(),
        )
    }
}

/// Rows per page of a case list.
pub const PER_PAGE: i64 = 25;

/// The fund of a year (this year when none is given).

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StreamOption {
    pub code: String,
    pub name: String,
    pub external: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogueOption {
    pub code: String,
    pub name: String,
    pub unit: String,
    pub unit_label: String,
    /// None for a multi-stream item: the line's stream is chosen among `choices`.
    pub stream: Option<String>,
    pub choices: Vec<String>,
    pub price: Option<doorbraak::Money>,
}

/// What the case pages offer to choose from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseChoices {
    pub teams: Vec<crate::model::Team>,
    pub streams: Vec<StreamOption>,
    pub catalogue: Vec<CatalogueOption>,
    /// The laws a knelpunt can sit in (code, name): the streams and others.
    pub laws: Vec<(String, String)>,
}
