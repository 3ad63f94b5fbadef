//! audit

use serde::{Deserialize, Serialize};

pub const PAGE_SIZE: i64 = 50;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEvent {
    pub id: i64,
    pub at: String,
    pub actor: String,
    /// What was done, in words ("canvas ingediend").
    pub action: String,
    /// To what, in words ("casus 12").
    pub object: String,
    pub before: Option<String>,
    pub after: Option<String>,
    pub address: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub events: Vec<AuditEvent>,
    /// The actions to filter on: code and words.
    pub actions: Vec<(String, String)>,
    pub page: i64,
    pub has_more: bool,
}
