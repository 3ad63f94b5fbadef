//! canvas_lines

use serde::{Deserialize, Serialize};

