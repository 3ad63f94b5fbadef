//! admin

use serde::{Deserialize, Serialize};

