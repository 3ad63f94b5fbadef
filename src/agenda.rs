//! The learning agenda (*leeragenda*): recurring knelpunten climb an
//! escalation ladder. *gesignaleerd* → *geagendeerd* (team, then
//! management) → *geëscaleerd* (to a named body: the regional steering
//! group, the executing organisation, the ministry via the national
//! *overbruggingsprocedure*…) → *opgelost* or *niet oplosbaar*. Every step
//! carries a dated note. A step never goes down the ladder, and an item
//! that is solved or found not solvable stays so.
//!
//! Knelpunten are grouped by law, rule and organisation as written, with
//! case, spaces and punctuation at the ends ignored ([`GroupKey`]).

use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use std::collections::{BTreeMap, BTreeSet};

use crate::canvas::{BlockerCategory, check_text};
use crate::disclosure::{DisclosureError, is_small, suppress};
use crate::money::{Money, MoneyError};
use crate::stream::StreamCode;

/// Where on the agenda an item was put.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Forum {
    Team,
    Management,
}

impl Forum {
    pub fn code(self) -> &'static str {
        match self {
            Forum::Team => "team",
            Forum::Management => "management",
        }
    }

    pub fn from_code(code: &str) -> Option<Forum> {
        [Forum::Team, Forum::Management]
            .into_iter()
            .find(|f| f.code() == code)
    }

    pub fn label_nl(self) -> &'static str {
        match self {
            Forum::Team => "team",
            Forum::Management => "management",
        }
    }
}

/// The rung an agenda item stands on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Rung {
    Signalled,
    OnAgenda(Forum),
    /// Escalated to the named body.
    Escalated(String),
    Solved,
    NotSolvable,
}

impl Rung {
    /// The stored code of the rung (without its forum or body).
    pub fn code(&self) -> &'static str {
        match self {
            Rung::Signalled => "signalled",
            Rung::OnAgenda(_) => "on_agenda",
            Rung::Escalated(_) => "escalated",
            Rung::Solved => "solved",
            Rung::NotSolvable => "not_solvable",
        }
    }

    /// The rung from its stored parts; None when they do not fit together.
    pub fn decode(code: &str, forum: Option<&str>, to: Option<&str>) -> Option<Rung> {
        Some(match (code, forum, to) {
            ("signalled", None, None) => Rung::Signalled,
            ("on_agenda", Some(f), None) => Rung::OnAgenda(Forum::from_code(f)?),
            ("escalated", None, Some(to)) if !to.trim().is_empty() => {
                Rung::Escalated(to.to_string())
            }
            ("solved", None, None) => Rung::Solved,
            ("not_solvable", None, None) => Rung::NotSolvable,
            _ => return None,
        })
    }

    pub fn forum(&self) -> Option<Forum> {
        match self {
            Rung::OnAgenda(f) => Some(*f),
            _ => None,
        }
    }

    pub fn escalated_to(&self) -> Option<&str> {
        match self {
            Rung::Escalated(to) => Some(to),
            _ => None,
        }
    }

    pub fn is_final(&self) -> bool {
        matches!(self, Rung::Solved | Rung::NotSolvable)
    }

    /// Its height on the ladder.
    fn height(&self) -> u8 {
        match self {
            Rung::Signalled => 0,
            Rung::OnAgenda(Forum::Team) => 1,
            Rung::OnAgenda(Forum::Management) => 2,
            Rung::Escalated(_) => 3,
            Rung::Solved | Rung::NotSolvable => 4,
        }
    }
}

impl fmt::Display for Rung {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rung::Signalled => f.write_str("gesignaleerd"),
            Rung::OnAgenda(forum) => write!(f, "geagendeerd ({})", forum.label_nl()),
            Rung::Escalated(to) => write!(f, "geëscaleerd naar {to}"),
            Rung::Solved => f.write_str("opgelost"),
            Rung::NotSolvable => f.write_str("niet oplosbaar"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AgendaError {
    #[error("Zeg aan wie het knelpunt wordt voorgelegd.")]
    EscalateToWhom,
    #[error("Schrijf bij elke stap een notitie: wat is besproken of besloten.")]
    NoteRequired,
    #[error("Dit agendapunt is al {0}; het kan niet meer verder.")]
    Ended(Rung),
    #[error("Een agendapunt dat {from} is, kan niet terug naar {to}.")]
    Backwards { from: Rung, to: Rung },
    #[error("Agendeer het knelpunt eerst bij het team of het management, en escaleer dan.")]
    EscalateFromAgenda,
    #[error("Het agendapunt is al {0}.")]
    Unchanged(Rung),
    #[error("{0}")]
    Text(String),
    #[error(transparent)]
    Money(#[from] MoneyError),
    #[error(transparent)]
    Disclosure(#[from] DisclosureError),
}

/// Every step, the first (signalling) included, carries a note without a BSN.
pub fn check_note(note: &str) -> Result<(), AgendaError> {
    if note.trim().is_empty() {
        return Err(AgendaError::NoteRequired);
    }
    check_text("notitie", note).map_err(|e| AgendaError::Text(e.to_string()))
}

/// Checks a step from `from` to `to` with its note; returns the rung to
/// store (the body escalated to trimmed).
pub fn step(from: &Rung, to: Rung, note: &str) -> Result<Rung, AgendaError> {
    check_note(note)?;
    let to = match to {
        Rung::Escalated(body) => {
            let body = body.trim();
            if body.is_empty() {
                return Err(AgendaError::EscalateToWhom);
            }
            check_text("geëscaleerd naar", body).map_err(|e| AgendaError::Text(e.to_string()))?;
            Rung::Escalated(body.to_string())
        }
        other => other,
    };
    if from.is_final() {
        return Err(AgendaError::Ended(from.clone()));
    }
    if &to == from {
        return Err(AgendaError::Unchanged(to));
    }
    if matches!(to, Rung::Escalated(_)) && matches!(from, Rung::Signalled) {
        return Err(AgendaError::EscalateFromAgenda);
    }
    // Escalating to another body is a step too; anything else goes up.
    let up = to.height() > from.height()
        || matches!((from, &to), (Rung::Escalated(_), Rung::Escalated(_)));
    if !up {
        return Err(AgendaError::Backwards {
            from: from.clone(),
            to,
        });
    }
    Ok(to)
}

/// How knelpunten are grouped: the law, and the rule and organisation as
/// written, case and surrounding punctuation ignored.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct GroupKey {
    pub law: StreamCode,
    pub rule: String,
    pub organisation: String,
}

impl GroupKey {
    pub fn new(law: StreamCode, rule: &str, organisation: &str) -> GroupKey {
        GroupKey {
            law,
            rule: normalise(rule),
            organisation: normalise(organisation),
        }
    }
}

fn normalise(text: &str) -> String {
    let words: Vec<&str> = text
        .trim_matches(|c: char| c.is_whitespace() || c.is_ascii_punctuation())
        .split_whitespace()
        .collect();
    words.join(" ").to_lowercase()
}

/// One knelpunt as a submitted canvas names it, with the money of its case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    pub case: i64,
    /// The quarter the canvas was submitted in ([`quarter`]).
    pub quarter: String,
    pub law: StreamCode,
    pub rule: String,
    pub organisation: String,
    pub category: Option<BlockerCategory>,
    /// The breakthrough money spent on the case (its payments).
    pub spent: Money,
    /// The avoided costs the canvas projects.
    pub projected: Money,
    /// The avoided costs realised, once the case is evaluated.
    pub realised: Option<Money>,
}

/// A figure shown, or hidden because it could reveal a household.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Shown<T> {
    Value(T),
    /// Fewer than 5 households, or it would reveal such a figure.
    Suppressed,
}

impl<T> Shown<T> {
    pub fn value(self) -> Option<T> {
        match self {
            Shown::Value(v) => Some(v),
            Shown::Suppressed => None,
        }
    }
}

/// The knelpunten of one group, summed over its households.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Group {
    pub key: GroupKey,
    /// The most frequent spelling of the rule and the organisation.
    pub rule: String,
    pub organisation: String,
    pub categories: Vec<BlockerCategory>,
    pub households: Shown<u32>,
    pub spent: Shown<Money>,
    pub projected: Shown<Money>,
    /// None while no household of the group is evaluated.
    pub realised: Option<Shown<Money>>,
    /// Households per quarter, in the order of [`Groups::quarters`].
    pub per_quarter: Vec<Shown<u32>>,
}

/// Every group, most households first, and the quarters of the trend.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Groups {
    pub quarters: Vec<String>,
    pub groups: Vec<Group>,
}

#[derive(Default)]
struct Tally {
    cases: BTreeMap<i64, (String, Money, Money, Option<Money>)>,
    spellings: BTreeMap<(String, String), u32>,
    categories: BTreeSet<BlockerCategory>,
}

/// Groups the knelpunten by [`GroupKey`]. A household counts once per
/// group, however often its canvas names the knelpunt; the counts per
/// group and quarter are suppressed as one table ([`disclosure::suppress`]),
/// and a group's amounts are shown only where its count is. The realised
/// sum is shown only where at least 5 of its households are evaluated.
pub fn group(mentions: &[Mention]) -> Result<Groups, AgendaError> {
    let mut tallies: BTreeMap<GroupKey, Tally> = BTreeMap::new();
    for m in mentions {
        let t = tallies
            .entry(GroupKey::new(m.law, &m.rule, &m.organisation))
            .or_default();
        t.cases
            .entry(m.case)
            .or_insert((m.quarter.clone(), m.spent, m.projected, m.realised));
        *t.spellings
            .entry((m.rule.trim().to_string(), m.organisation.trim().to_string()))
            .or_default() += 1;
        t.categories.extend(m.category);
    }
    let quarters: Vec<String> = tallies
        .values()
        .flat_map(|t| t.cases.values().map(|c| c.0.clone()))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let counts: Vec<Vec<u32>> = tallies
        .values()
        .map(|t| {
            quarters
                .iter()
                .map(|q| t.cases.values().filter(|c| &c.0 == q).count() as u32)
                .collect()
        })
        .collect();
    let hidden = suppress(&counts)?;
    let mut groups = Vec::with_capacity(tallies.len());
    for (row, (key, t)) in tallies.into_iter().enumerate() {
        let shown = !hidden.row_total(row);
        let show = |m: Money| {
            if shown {
                Shown::Value(m)
            } else {
                Shown::Suppressed
            }
        };
        let evaluated: Vec<Money> = t.cases.values().filter_map(|c| c.3).collect();
        let realised = match evaluated.len() {
            0 => None,
            n if !shown || is_small(n as u32) => Some(Shown::Suppressed),
            _ => Some(Shown::Value(Money::sum(evaluated.iter().copied())?)),
        };
        let ((rule, organisation), _) = t
            .spellings
            .iter()
            .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
            .map(|(s, n)| (s.clone(), *n))
            .unwrap_or_default();
        groups.push(Group {
            rule,
            organisation,
            categories: t.categories.into_iter().collect(),
            households: if shown {
                Shown::Value(t.cases.len() as u32)
            } else {
                Shown::Suppressed
            },
            spent: show(Money::sum(t.cases.values().map(|c| c.1))?),
            projected: show(Money::sum(t.cases.values().map(|c| c.2))?),
            realised,
            per_quarter: counts[row]
                .iter()
                .enumerate()
                .map(|(col, n)| {
                    if hidden.cell(row, col) {
                        Shown::Suppressed
                    } else {
                        Shown::Value(*n)
                    }
                })
                .collect(),
            key,
        });
    }
    // Most households first; hidden groups (fewer than 5) last.
    groups.sort_by(|a, b| {
        b.households
            .value()
            .cmp(&a.households.value())
            .then_with(|| a.key.cmp(&b.key))
    });
    Ok(Groups { quarters, groups })
}

/// The quarter a date falls in, as "2026-K3".
pub fn quarter(date: NaiveDate) -> String {
    format!("{}-K{}", date.year(), (date.month0() / 3) + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn esc(to: &str) -> Rung {
        Rung::Escalated(to.into())
    }

    #[test]
    fn the_ladder_goes_up_and_ends() {
        let mut at = Rung::Signalled;
        for next in [
            Rung::OnAgenda(Forum::Team),
            Rung::OnAgenda(Forum::Management),
            esc("regionale stuurgroep"),
            esc("ministerie (overbruggingsprocedure)"),
            Rung::Solved,
        ] {
            at = step(&at, next, "besproken").expect("up");
        }
        assert_eq!(at, Rung::Solved);
        assert_eq!(
            step(&at, Rung::NotSolvable, "toch niet"),
            Err(AgendaError::Ended(Rung::Solved))
        );
    }

    #[test]
    fn a_step_down_or_in_place_is_refused() {
        let team = Rung::OnAgenda(Forum::Team);
        let management = Rung::OnAgenda(Forum::Management);
        assert!(matches!(
            step(&management, team.clone(), "terug"),
            Err(AgendaError::Backwards { .. })
        ));
        assert!(matches!(
            step(&esc("ministerie"), management, "terug"),
            Err(AgendaError::Backwards { .. })
        ));
        assert_eq!(
            step(&team, team.clone(), "nog eens"),
            Err(AgendaError::Unchanged(team.clone()))
        );
        assert_eq!(
            step(&Rung::Signalled, esc("ministerie"), "snel"),
            Err(AgendaError::EscalateFromAgenda)
        );
        // Solved straight from signalled is fine: it may solve itself.
        assert_eq!(
            step(
                &Rung::Signalled,
                Rung::Solved,
                "opgelost door de uitvoerder"
            ),
            Ok(Rung::Solved)
        );
    }

    #[test]
    fn escalating_names_whom_and_every_step_has_a_clean_note() {
        let team = Rung::OnAgenda(Forum::Team);
        assert_eq!(
            step(&team, esc("  "), "naar boven"),
            Err(AgendaError::EscalateToWhom)
        );
        assert_eq!(step(&team, esc("  regio "), "naar boven"), Ok(esc("regio")));
        assert_eq!(
            step(&team, Rung::Solved, " "),
            Err(AgendaError::NoteRequired)
        );
        assert!(matches!(
            step(&team, Rung::Solved, "zie 111222333"),
            Err(AgendaError::Text(_))
        ));
    }

    #[test]
    fn stored_rungs_decode_only_when_whole() {
        for rung in [
            Rung::Signalled,
            Rung::OnAgenda(Forum::Management),
            esc("UWV"),
            Rung::Solved,
            Rung::NotSolvable,
        ] {
            let forum = rung.forum().map(Forum::code);
            assert_eq!(
                Rung::decode(rung.code(), forum, rung.escalated_to()),
                Some(rung.clone())
            );
        }
        assert_eq!(Rung::decode("on_agenda", None, None), None);
        assert_eq!(Rung::decode("escalated", None, Some(" ")), None);
        assert_eq!(Rung::decode("solved", Some("team"), None), None);
        assert_eq!(Rung::decode("later", None, None), None);
    }

    #[test]
    fn knelpunten_group_by_words_not_by_spelling() {
        let a = GroupKey::new(StreamCode::PARTICIPATIEWET, " Kostendelersnorm. ", "UWV");
        let b = GroupKey::new(StreamCode::PARTICIPATIEWET, "kostendelers norm", "uwv");
        let c = GroupKey::new(StreamCode::PARTICIPATIEWET, "kostendelersnorm", "uwv ");
        assert_ne!(a, b);
        assert_eq!(a, c);
        assert_eq!(
            quarter(NaiveDate::from_ymd_opt(2026, 12, 31).expect("d")),
            "2026-K4"
        );
        assert_eq!(
            quarter(NaiveDate::from_ymd_opt(2027, 1, 1).expect("d")),
            "2027-K1"
        );
    }

    fn mention(case: i64, quarter: &str, rule: &str, realised: Option<i64>) -> Mention {
        Mention {
            case,
            quarter: quarter.into(),
            law: StreamCode::PARTICIPATIEWET,
            rule: rule.into(),
            organisation: "UWV".into(),
            category: Some(BlockerCategory::Rule),
            spent: Money::from_euros(1_000).expect("m"),
            projected: Money::from_euros(5_000).expect("m"),
            realised: realised.map(|r| Money::from_euros(r).expect("m")),
        }
    }

    #[test]
    fn groups_count_households_once_and_hide_what_is_small() {
        let mut mentions = Vec::new();
        // Ten households name the kostendelersnorm, one of them twice and
        // in another spelling; five of them are evaluated.
        for case in 1..=10 {
            let q = if case <= 5 { "2026-K1" } else { "2026-K2" };
            mentions.push(mention(
                case,
                q,
                "Kostendelersnorm",
                (case <= 5).then_some(4_000),
            ));
        }
        mentions.push(mention(1, "2026-K1", "kostendelersnorm.", Some(4_000)));
        // Two rare rules, two households each.
        for case in 11..=14 {
            let rule = if case <= 12 {
                "Zeldzame regel"
            } else {
                "Andere regel"
            };
            mentions.push(mention(case, "2026-K2", rule, None));
        }
        let groups = group(&mentions).expect("sums");
        assert_eq!(groups.quarters, vec!["2026-K1", "2026-K2"]);
        let common = &groups.groups[0];
        assert_eq!(common.rule, "Kostendelersnorm");
        assert_eq!(common.households, Shown::Value(10));
        assert_eq!(
            common.spent,
            Shown::Value(Money::from_euros(10_000).expect("m"))
        );
        assert_eq!(
            common.realised,
            Some(Shown::Value(Money::from_euros(20_000).expect("m")))
        );
        assert_eq!(common.per_quarter, vec![Shown::Value(5), Shown::Value(5)]);
        for rare in &groups.groups[1..] {
            assert_eq!(rare.households, Shown::Suppressed);
            assert_eq!(rare.spent, Shown::Suppressed);
            assert_eq!(rare.projected, Shown::Suppressed);
            assert_eq!(rare.realised, None);
            assert_eq!(rare.per_quarter[1], Shown::Suppressed);
        }
    }

    #[test]
    fn a_lone_small_group_takes_a_shown_figure_with_it() {
        // One rare group next to one common group: the common group's
        // figures would reveal the rare one through the totals.
        let mut mentions: Vec<Mention> = (1..=6)
            .map(|case| mention(case, "2026-K1", "Kostendelersnorm", None))
            .collect();
        mentions.push(mention(7, "2026-K1", "Zeldzame regel", None));
        let groups = group(&mentions).expect("sums");
        let hidden = groups
            .groups
            .iter()
            .filter(|g| g.households == Shown::Suppressed)
            .count();
        assert!(hidden >= 2 || groups.groups[0].per_quarter[0] == Shown::Suppressed);
    }

    #[test]
    fn realised_sums_of_fewer_than_five_evaluated_households_are_hidden() {
        let mentions: Vec<Mention> = (1..=8)
            .map(|case| {
                mention(
                    case,
                    "2026-K1",
                    "Kostendelersnorm",
                    (case <= 4).then_some(1_000),
                )
            })
            .collect();
        let groups = group(&mentions).expect("sums");
        let g = &groups.groups[0];
        assert_eq!(g.households, Shown::Value(8));
        assert_eq!(g.per_quarter, vec![Shown::Value(8)]);
        assert_eq!(g.realised, Some(Shown::Suppressed));
    }
}
