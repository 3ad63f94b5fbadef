//! API tokens as the administrator sees them.

use serde::{Deserialize, Serialize};

/// An API token as the administrator sees it (never its secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
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

/// A token just issued: the only time its secret is seen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedToken {
    pub id: i64,
    pub token: String,
    pub expires_on: String,
}
