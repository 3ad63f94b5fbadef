//! Evaluations of realised savings and receipts, as forms send them and
//! pages show them.

use doorbraak::Money;
use doorbraak::evaluation::{GoalOutcome, LineOutcome, Occurred};
use doorbraak::lifecycle::Status;
use serde::{Deserialize, Serialize};

/// What happened to one line of the threatening scenario, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct OutcomeForm {
    /// `avoided`, `partly`, `not_avoided` or empty.
    pub outcome: String,
    /// For `partly`: the part that did occur, an amount (`1.250,00`) or a
    /// percentage of the line (`40%`).
    pub occurred: String,
    pub justification: String,
}

/// An evaluation as the form posts it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct EvaluationForm {
    /// `final`, `3` or `6`.
    pub moment: String,
    /// `reached`, `partly`, `not_reached` or empty.
    pub goal: String,
    pub goal_note: String,
    /// Why a recorded evaluation is corrected.
    pub reason: String,
    pub lines: Vec<OutcomeForm>,
}

/// One line of the frozen threatening scenario, to evaluate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScenarioLineView {
    pub description: String,
    pub stream: String,
    pub projected: Money,
}

/// A recorded line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvaluatedLine {
    pub outcome: LineOutcome,
    pub justification: String,
    pub projected: Money,
    pub realised: Money,
}

/// Projected and realised avoided cost of one stream.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StreamFigures {
    pub stream: String,
    pub name: String,
    pub projected: Money,
    pub realised: Money,
    pub difference: Money,
}

/// A recorded evaluation (one version).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedEvaluation {
    pub id: i64,
    /// `final`, `3` or `6`.
    pub moment: String,
    pub version: i64,
    pub goal: GoalOutcome,
    pub goal_note: String,
    pub reason: Option<String>,
    pub evaluated_on: String,
    pub by: String,
    pub lines: Vec<EvaluatedLine>,
    pub streams: Vec<StreamFigures>,
    pub total_projected: Money,
    pub total_realised: Money,
}

impl RecordedEvaluation {
    pub fn moment_label(&self) -> String {
        moment_label(&self.moment)
    }
}

pub fn moment_label(moment: &str) -> String {
    match moment {
        "final" => "Eindevaluatie".to_string(),
        month => format!("Tussentijdse evaluatie na {month} maanden"),
    }
}

/// The evaluation page: the lines to evaluate, when each moment is due, and
/// what was recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvaluationView {
    pub case_id: i64,
    pub reference: String,
    pub status: Status,
    /// The case's version: send it back with the form.
    pub version: i64,
    pub lines: Vec<ScenarioLineView>,
    /// When the breakthrough started (first payment), once it has.
    pub started_on: Option<String>,
    /// The moments that can be chosen, with their due date and whether a
    /// version exists: (`final`|`3`|`6`, label, due date).
    pub moments: Vec<(String, String, String)>,
    pub final_due: Option<String>,
    /// Every recorded version, newest first.
    pub recorded: Vec<RecordedEvaluation>,
    /// Whether this user may record an evaluation now.
    pub may_record: bool,
    /// Whether this user may close the case.
    pub may_close: bool,
}

/// Realised against projected on the case page: the newest final evaluation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RealisationView {
    pub version: i64,
    pub evaluated_on: String,
    pub goal: GoalOutcome,
    pub streams: Vec<StreamFigures>,
    pub total_projected: Money,
    pub total_realised: Money,
    /// Realised as a percentage of projected, to one decimal.
    pub share: Option<rust_decimal::Decimal>,
}

/// Realised against projected per budget year, team and stream, and per
/// year and stream over all teams.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RealisedOverview {
    pub rows: Vec<RealisedRow>,
    /// Per year and stream, over all teams (`team` is empty).
    pub totals: Vec<RealisedRow>,
}

/// One row of realised against projected per budget year, team and stream.
/// Amounts are none where the number of households is suppressed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RealisedRow {
    pub year: i32,
    pub team: String,
    pub stream: String,
    /// None when the cell is suppressed (fewer than 5 households, or it
    /// would reveal such a cell).
    pub households: Option<u32>,
    pub projected: Option<Money>,
    pub realised: Option<Money>,
}

/// The part of a line that occurred, as the form takes it back.
pub fn occurred_input(outcome: LineOutcome) -> String {
    match outcome {
        LineOutcome::Partly(Occurred::Amount(m)) => m.to_input_string(),
        LineOutcome::Partly(Occurred::Share(p)) => {
            format!("{}%", p.value().normalize().to_string().replace('.', ","))
        }
        _ => String::new(),
    }
}

/// The part of a line that occurred, as the page shows it.
pub fn occurred_words(outcome: LineOutcome) -> Option<String> {
    match outcome {
        LineOutcome::Partly(Occurred::Amount(m)) => Some(m.to_string()),
        LineOutcome::Partly(Occurred::Share(p)) => Some(p.to_string()),
        _ => None,
    }
}

/// A case on the professional's worklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkItem {
    pub case_id: i64,
    pub reference: String,
    /// The date that matters (`YYYY-MM-DD`): last change, due date, payment date.
    pub date: String,
    /// More words: the payment's supplier and amount.
    pub note: String,
    /// Past its due date.
    pub overdue: bool,
}

/// What waits for the professional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Worklist {
    pub drafts: Vec<WorkItem>,
    pub returned: Vec<WorkItem>,
    /// Final evaluations that can be recorded within 30 days, or are late;
    /// `date` is the date before which each is expected.
    pub evaluations: Vec<WorkItem>,
    /// Payments whose receipt is still to be recorded.
    pub receipts: Vec<WorkItem>,
}
