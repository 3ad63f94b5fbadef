//! Mandates: approver levels with amount limits. The limits are configuration.

use serde::{Deserialize, Serialize};

use crate::money::Money;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MandateError {
    #[error("Er is minstens één mandaatniveau nodig.")]
    Empty,
    #[error("De mandaatgrenzen moeten oplopen (bij '{0}').")]
    NotIncreasing(String),
    #[error("Een mandaatgrens moet groter dan nul zijn (bij '{0}').")]
    NotPositive(String),
    #[error("Alleen het hoogste mandaatniveau mag onbeperkt zijn.")]
    UnlimitedNotLast,
    #[error("Onbekend mandaatniveau '{0}'.")]
    UnknownLevel(String),
    #[error("Een mandaatniveau heeft een code en een naam nodig.")]
    MissingName,
    #[error("Het mandaatniveau '{0}' komt twee keer voor.")]
    Duplicate(String),
    #[error("{amount} valt buiten uw mandaat ({level}: tot en met {limit}).")]
    OutsideMandate {
        amount: Money,
        level: String,
        limit: Money,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MandateLevel {
    pub code: String,
    pub name: String,
    /// The highest amount this level may approve; `None` is unlimited.
    pub limit: Option<Money>,
}

/// Levels ordered by limit, lowest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Vec<MandateLevel>", into = "Vec<MandateLevel>")]
pub struct MandateTable(Vec<MandateLevel>);

impl MandateTable {
    pub fn new(levels: Vec<MandateLevel>) -> Result<MandateTable, MandateError> {
        if levels.is_empty() {
            return Err(MandateError::Empty);
        }
        let mut previous: Option<Money> = None;
        for (i, level) in levels.iter().enumerate() {
            if level.code.trim().is_empty() || level.name.trim().is_empty() {
                return Err(MandateError::MissingName);
            }
            if levels[..i].iter().any(|l| l.code == level.code) {
                return Err(MandateError::Duplicate(level.code.clone()));
            }
            match level.limit {
                None if i + 1 != levels.len() => return Err(MandateError::UnlimitedNotLast),
                None => {}
                Some(limit) if !limit.is_positive() => {
                    return Err(MandateError::NotPositive(level.name.clone()));
                }
                Some(limit) if previous.is_some_and(|p| limit <= p) => {
                    return Err(MandateError::NotIncreasing(level.name.clone()));
                }
                Some(limit) => previous = Some(limit),
            }
        }
        Ok(MandateTable(levels))
    }

    /// Up to € 2.500 team lead, up to € 10.000 project leader, above that the manager.
    pub fn dutch_default() -> MandateTable {
        let level = |code: &str, name: &str, euros: Option<i64>| MandateLevel {
            code: code.to_string(),
            name: name.to_string(),
            limit: euros.and_then(|e| Money::from_euros(e).ok()),
        };
        MandateTable(vec![
            level("teamleider", "Teamleider", Some(2_500)),
            level("projectleider", "Projectleider", Some(10_000)),
            level("manager", "Manager", None),
        ])
    }

    pub fn levels(&self) -> &[MandateLevel] {
        &self.0
    }

    pub fn level(&self, code: &str) -> Result<&MandateLevel, MandateError> {
        self.0
            .iter()
            .find(|l| l.code == code)
            .ok_or_else(|| MandateError::UnknownLevel(code.to_string()))
    }

    /// The lowest level that may approve `amount`, if any.
    pub fn required_level(&self, amount: Money) -> Option<&MandateLevel> {
        self.0
            .iter()
            .find(|l| l.limit.is_none_or(|limit| amount <= limit))
    }

    /// When `amount` lies outside the mandate of `level_code` (or the user has
    /// none), who decides instead: "Buiten uw mandaat (tot € 2.500): een
    /// projectleider of manager beslist". `None` within the mandate.
    /// The lowest level that may decide on `amount`: who a submitted canvas
    /// waits for.
    pub fn lowest_decider(&self, amount: Money) -> Option<&MandateLevel> {
        self.0
            .iter()
            .filter(|l| l.limit.is_none_or(|limit| amount <= limit))
            .min_by_key(|l| l.limit.map_or((1, Money::ZERO), |limit| (0, limit)))
    }

    pub fn who_decides(&self, level_code: Option<&str>, amount: Money) -> Option<String> {
        let own = level_code.and_then(|c| self.level(c).ok());
        if own.is_some_and(|l| l.limit.is_none_or(|limit| amount <= limit)) {
            return None;
        }
        let deciders: Vec<String> = self
            .0
            .iter()
            .filter(|l| l.limit.is_none_or(|limit| amount <= limit))
            .map(|l| l.name.to_lowercase())
            .collect();
        let who = match deciders.as_slice() {
            [] => "niemand".to_string(),
            [one] => format!("een {one}"),
            [init @ .., last] => format!("een {} of {last}", init.join(", ")),
        };
        Some(match own.and_then(|l| l.limit) {
            Some(limit) => format!("Buiten uw mandaat (tot {limit}): {who} beslist."),
            None => format!("U hebt geen mandaat: {who} beslist."),
        })
    }

    /// Whether a holder of `level_code` may decide on `amount`.
    pub fn check(&self, level_code: &str, amount: Money) -> Result<(), MandateError> {
        let level = self.level(level_code)?;
        match level.limit {
            Some(limit) if amount > limit => Err(MandateError::OutsideMandate {
                amount,
                level: level.name.clone(),
                limit,
            }),
            _ => Ok(()),
        }
    }
}

impl TryFrom<Vec<MandateLevel>> for MandateTable {
    type Error = MandateError;
    fn try_from(value: Vec<MandateLevel>) -> Result<Self, Self::Error> {
        MandateTable::new(value)
    }
}

impl From<MandateTable> for Vec<MandateLevel> {
    fn from(value: MandateTable) -> Self {
        value.0
    }
}

#[cfg(test)]
mod who_decides {
    use super::*;

    #[test]
    fn outside_the_mandate_names_the_levels_that_decide() {
        let t = MandateTable::dutch_default();
        let m = |e| Money::from_euros(e).expect("money");
        assert_eq!(t.who_decides(Some("teamleider"), m(2_500)), None);
        assert_eq!(
            t.who_decides(Some("teamleider"), m(3_650)).as_deref(),
            Some("Buiten uw mandaat (tot € 2.500,00): een projectleider of manager beslist.")
        );
        assert_eq!(
            t.who_decides(Some("projectleider"), m(12_000)).as_deref(),
            Some("Buiten uw mandaat (tot € 10.000,00): een manager beslist.")
        );
        assert_eq!(t.who_decides(Some("manager"), m(1_000_000)), None);
        assert_eq!(
            t.who_decides(None, m(100)).as_deref(),
            Some("U hebt geen mandaat: een teamleider, projectleider of manager beslist.")
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn euros(e: i64) -> Money {
        Money::from_euros(e).expect("m")
    }

    #[test]
    fn the_default_tiers_decide_by_amount() {
        let t = MandateTable::dutch_default();
        assert_eq!(
            t.required_level(euros(2_500)).map(|l| l.code.as_str()),
            Some("teamleider")
        );
        assert_eq!(
            t.required_level(euros(2_501)).map(|l| l.code.as_str()),
            Some("projectleider")
        );
        assert_eq!(
            t.required_level(euros(1_000_000)).map(|l| l.code.as_str()),
            Some("manager")
        );
        assert!(t.check("teamleider", euros(2_500)).is_ok());
        assert!(matches!(
            t.check("teamleider", euros(3_000)),
            Err(MandateError::OutsideMandate { .. })
        ));
        assert!(t.check("manager", euros(3_000_000)).is_ok());
        assert!(matches!(
            t.check("koning", euros(1)),
            Err(MandateError::UnknownLevel(_))
        ));
    }

    #[test]
    fn limits_must_increase_and_only_the_last_may_be_unlimited() {
        let lvl = |c: &str, l: Option<i64>| MandateLevel {
            code: c.into(),
            name: c.into(),
            limit: l.map(euros),
        };
        assert_eq!(MandateTable::new(vec![]), Err(MandateError::Empty));
        assert!(matches!(
            MandateTable::new(vec![lvl("a", Some(10)), lvl("b", Some(5))]),
            Err(MandateError::NotIncreasing(_))
        ));
        assert_eq!(
            MandateTable::new(vec![lvl("a", None), lvl("b", Some(5))]),
            Err(MandateError::UnlimitedNotLast)
        );
        assert!(matches!(
            MandateTable::new(vec![lvl("a", Some(0))]),
            Err(MandateError::NotPositive(_))
        ));
        assert!(matches!(
            MandateTable::new(vec![lvl("a", Some(1)), lvl("a", None)]),
            Err(MandateError::Duplicate(_))
        ));
    }
}
