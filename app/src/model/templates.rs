//! What scenario lines can be copied from.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Where lines come from: a team template or an earlier case of the team.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SourceKey {
    Template(i64),
    Case(i64),
}

/// The form value: `sjabloon-<id>` or `casus-<id>`.
impl fmt::Display for SourceKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SourceKey::Template(id) => write!(f, "sjabloon-{id}"),
            SourceKey::Case(id) => write!(f, "casus-{id}"),
        }
    }
}

impl FromStr for SourceKey {
    type Err = ();

    fn from_str(s: &str) -> Result<SourceKey, ()> {
        let (kind, id) = s.split_once('-').ok_or(())?;
        let id = id.parse().map_err(|_| ())?;
        match kind {
            "sjabloon" => Ok(SourceKey::Template(id)),
            "casus" => Ok(SourceKey::Case(id)),
            _ => Err(()),
        }
    }
}

/// Something lines can be copied from, with its number of lines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineSource {
    pub key: SourceKey,
    /// The template's name or the case's reference.
    pub name: String,
    pub threatening: i64,
    pub realistic: i64,
}

impl LineSource {
    pub fn label_nl(&self) -> String {
        let what = match self.key {
            SourceKey::Template(_) => "Sjabloon: ",
            SourceKey::Case(_) => "Casus ",
        };
        format!(
            "{what}{} ({} + {} regels)",
            self.name, self.threatening, self.realistic
        )
    }
}
