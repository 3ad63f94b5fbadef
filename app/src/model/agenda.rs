//! The list of laws and the learning agenda (leeragenda), as pages show
//! them and forms send them.

use doorbraak::agenda::Groups;
use serde::{Deserialize, Serialize};

/// A law a knelpunt can sit in: a financing stream, or one of the other
/// laws the administrator keeps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LawRow {
    pub code: String,
    pub name: String,
    pub active: bool,
    pub version: i64,
    /// Streams are kept on the streams page.
    pub is_stream: bool,
}

/// A law as the administrator's form posts it: a new one has no version.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct LawForm {
    pub code: String,
    pub name: String,
    /// `true` or `false`; empty keeps a new law active.
    pub active: String,
    /// Empty for a new law.
    pub version: String,
}

/// The roles that keep the learning agenda, as the form posts them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AgendaRolesForm {
    /// Role codes of the ticked boxes.
    pub roles: Vec<String>,
}

/// One step on an item's ladder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgendaStepView {
    pub on_date: String,
    pub rung: String,
    pub note: String,
    pub by: String,
}

/// An item on the learning agenda.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgendaItemView {
    pub id: i64,
    pub law: String,
    pub law_name: String,
    pub rule_key: String,
    pub organisation_key: String,
    pub title: String,
    pub owner: String,
    /// The rung as words ("geëscaleerd naar de regionale stuurgroep").
    pub rung: String,
    /// The rung's code (`signalled`, `on_agenda`…).
    pub rung_code: String,
    pub ended: bool,
    pub version: i64,
    /// Oldest first.
    pub steps: Vec<AgendaStepView>,
}

/// A group's key as the agenda form posts it.
pub fn group_value(key: &doorbraak::agenda::GroupKey) -> String {
    serde_json::json!([key.law.as_str(), key.rule, key.organisation]).to_string()
}

/// The learning agenda page: the knelpunten grouped, and the items.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgendaView {
    pub groups: Groups,
    /// Law code → name, for the groups.
    pub law_names: Vec<(String, String)>,
    pub items: Vec<AgendaItemView>,
    /// How many submitted canvases the groups are drawn from.
    pub canvases: u32,
}

impl AgendaView {
    /// A law's name, or its code when the list has none.
    pub fn law_name(&self, code: &str) -> String {
        self.law_names
            .iter()
            .find(|(c, _)| c == code)
            .map_or_else(|| code.to_string(), |(_, n)| n.clone())
    }

    /// The agenda item of a group of knelpunten, if it is on the agenda.
    pub fn item_of(&self, key: &doorbraak::agenda::GroupKey) -> Option<&AgendaItemView> {
        self.items.iter().find(|i| {
            i.law == key.law.as_str()
                && i.rule_key == key.rule
                && i.organisation_key == key.organisation
        })
    }
}

/// Putting a group on the agenda.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct NewAgendaItem {
    /// The group: its key as a JSON array `[law, rule, organisation]`.
    pub group: String,
    pub title: String,
    pub owner: String,
    pub note: String,
}

/// A step on the ladder.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AgendaStepForm {
    pub item_id: i64,
    pub version: i64,
    /// `team`, `management`, `escalated`, `solved`, `not_solvable`.
    pub to: String,
    /// For `escalated`: to whom.
    pub escalated_to: String,
    pub note: String,
}
