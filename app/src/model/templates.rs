//! What scenario lines can be copied from.

use serde::{Deserialize, Serialize};

/// Something lines can be copied from: `sjabloon-<id>` or `casus-<id>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineSource {
    pub key: String,
    pub label: String,
}
