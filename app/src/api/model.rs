//! Data that crosses between server and browser.

use doorbraak::RoleSet;
use serde::{Deserialize, Serialize};

/// Who is signed in (if anyone) and where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionView {
    pub municipality: String,
    pub user: Option<CurrentUser>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub roles: RoleSet,
    pub team_ids: Vec<i64>,
    pub mandate_level: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRecord {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub active: bool,
    pub mandate_level: Option<String>,
    pub version: i64,
    pub roles: RoleSet,
    pub team_ids: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Team {
    pub id: i64,
    pub name: String,
    pub active: bool,
}

/// The user form as posted (`input[username]`, `input[roles][0]`, …).
/// Every field has a default, so a missing field becomes a clear message
/// instead of a decoding error.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct UserForm {
    /// Set when editing; absent when creating.
    pub id: Option<i64>,
    pub version: Option<i64>,
    pub username: String,
    pub display_name: String,
    pub password: String,
    pub roles: Vec<String>,
    pub teams: Vec<i64>,
    pub mandate_level: String,
}

impl From<UserRecord> for CurrentUser {
    fn from(u: UserRecord) -> Self {
        CurrentUser {
            id: u.id,
            username: u.username,
            display_name: u.display_name,
            roles: u.roles,
            team_ids: u.team_ids,
            mandate_level: u.mandate_level,
        }
    }
}

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
    pub amount: doorbraak::Money,
    pub paid_on: String,
    pub supplier: String,
    pub reference: String,
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
    pub calculation: Option<doorbraak::returns::ReturnCalculation>,
    pub versions: Vec<(i64, bool, String)>,
    pub events: Vec<CaseEvent>,
    pub payments: Vec<PaymentRow>,
    pub held: doorbraak::Money,
    pub paid: doorbraak::Money,
    pub waiting_for_external: bool,
    pub waiting_note: Option<String>,
    pub budget_year: Option<i32>,
    /// This year's available fund, for an approver deciding a submitted canvas.
    pub fund_available: Option<(i32, doorbraak::Money)>,
    /// Today on the server (`YYYY-MM-DD`), the default payment date.
    pub today: String,
}

/// A run as lists and the run page show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunRow {
    pub id: i64,
    pub kind: String,
    pub status: String,
    pub period_from: String,
    pub period_to: String,
    pub reverses: Option<i64>,
    pub reversed_case: Option<i64>,
    pub reason: Option<String>,
    pub booking_date: Option<String>,
    pub version: i64,
    pub created_at: String,
    pub created_by: String,
    pub posted_at: Option<String>,
    pub cases: i64,
    /// Reversal runs made of this one.
    pub reversed_by: Vec<i64>,
}

/// A claim on an external payer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimRow {
    pub id: i64,
    pub run_id: i64,
    pub case_id: i64,
    pub reference: String,
    pub stream: String,
    pub amount_cents: i64,
    /// open, invoiced, paid, refused or withdrawn.
    pub status: String,
    pub invoice_number: Option<String>,
    pub invoice_date: Option<String>,
    pub closed_on: Option<String>,
    pub reason: Option<String>,
    pub version: i64,
}

/// An API token as the administrator sees it (never its secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenRow {
    pub id: i64,
    pub name: String,
    /// The first characters of the token, to recognise it.
    pub prefix: String,
    pub created_at: String,
    pub created_by: String,
    pub expires_on: String,
    pub revoked_at: Option<String>,
    pub last_used_at: Option<String>,
}

/// A posted charge with its evidence, as a stream owner reviews it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnerCharge {
    pub run_id: i64,
    pub case_id: i64,
    pub reference: String,
    pub stream: String,
    /// "internal" or "claim".
    pub kind: String,
    pub year: i64,
    pub amount_cents: i64,
    pub booking_date: String,
    /// The case's settled cost.
    pub settled_cents: i64,
    /// The frozen canvas's figures for this stream.
    pub threatening_cents: i64,
    pub realistic_cents: i64,
    pub avoided_cents: i64,
    /// The case's avoided costs over all streams.
    pub case_avoided_cents: i64,
    pub review_id: Option<i64>,
    /// accepted, disputed or resolved; None before any review.
    pub review: Option<String>,
    pub reason: Option<String>,
    pub review_version: Option<i64>,
    pub resolution: Option<String>,
    pub resolution_reason: Option<String>,
}
