//! The roles of domain.md §2. A user may hold several.

use std::fmt;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Role {
    Professional,
    Approver,
    Backoffice,
    StreamOwner,
    Alderman,
    Administrator,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::Professional,
        Role::Approver,
        Role::Backoffice,
        Role::StreamOwner,
        Role::Alderman,
        Role::Administrator,
    ];

    /// Stable code, as stored in the database.
    pub fn code(self) -> &'static str {
        match self {
            Role::Professional => "professional",
            Role::Approver => "approver",
            Role::Backoffice => "backoffice",
            Role::StreamOwner => "stream_owner",
            Role::Alderman => "alderman",
            Role::Administrator => "administrator",
        }
    }

    pub fn from_code(code: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.code() == code)
    }

    /// The label the interface shows.
    pub fn label_nl(self) -> &'static str {
        match self {
            Role::Professional => "Doorbraakprofessional",
            Role::Approver => "Teamleider / projectleider / manager",
            Role::Backoffice => "Backoffice financiën",
            Role::StreamOwner => "Budgethouder",
            Role::Alderman => "Wethouder / management",
            Role::Administrator => "Functioneel beheer",
        }
    }

    fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label_nl())
    }
}

/// A set of roles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash, Serialize, Deserialize)]
pub struct RoleSet(u8);

impl RoleSet {
    pub fn of(roles: &[Role]) -> RoleSet {
        RoleSet(roles.iter().fold(0, |acc, r| acc | r.bit()))
    }

    pub fn insert(&mut self, role: Role) {
        self.0 |= role.bit();
    }

    pub fn has(self, role: Role) -> bool {
        self.0 & role.bit() != 0
    }

    pub fn has_any(self, roles: &[Role]) -> bool {
        roles.iter().any(|r| self.has(*r))
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn iter(self) -> impl Iterator<Item = Role> {
        Role::ALL.into_iter().filter(move |r| self.has(*r))
    }

    /// Separation of duties: whoever configures users, mandates and streams
    /// holds no role that decides on or pays out money. Returns the first
    /// incompatible pair.
    pub fn conflict(self) -> Option<RoleConflict> {
        [Role::Approver, Role::Backoffice]
            .into_iter()
            .find(|r| self.has(Role::Administrator) && self.has(*r))
            .map(|other| RoleConflict {
                first: Role::Administrator,
                second: other,
            })
    }
}

/// Two roles one person may not hold together.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error(
    "De rollen {first} en {second} gaan niet samen: wie gebruikers en mandaten beheert, beslist niet over geld en betaalt niet uit."
)]
pub struct RoleConflict {
    pub first: Role,
    pub second: Role,
}

/// Which cases one role sees: its user's teams, or every team.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CaseScope {
    OwnTeams,
    AllTeams,
}

impl CaseScope {
    /// What `role` sees of the cases (nothing for the other roles). A
    /// professional sees the cases of their teams; an approver the cases of
    /// their teams, or every team when they belong to none; the backoffice
    /// every case.
    pub fn of(role: Role, has_teams: bool) -> Option<CaseScope> {
        match role {
            Role::Professional => Some(CaseScope::OwnTeams),
            Role::Approver if has_teams => Some(CaseScope::OwnTeams),
            Role::Approver | Role::Backoffice => Some(CaseScope::AllTeams),
            _ => None,
        }
    }

    /// Whether a case lies inside the scope. An unsubmitted draft is the
    /// team's own work: only members of its team see it, whatever the scope.
    pub fn covers(self, in_team: bool, draft: bool) -> bool {
        in_team || (self == CaseScope::AllTeams && !draft)
    }
}

/// Who may see a case: the one visibility rule, for a single case here and
/// for every list through [`CaseScope`].
pub fn may_see_case(roles: RoleSet, in_team: bool, has_teams: bool, draft: bool) -> bool {
    roles
        .iter()
        .filter_map(|role| CaseScope::of(role, has_teams))
        .any(|scope| scope.covers(in_team, draft))
}

impl FromIterator<Role> for RoleSet {
    fn from_iter<T: IntoIterator<Item = Role>>(iter: T) -> Self {
        let mut set = RoleSet::default();
        for r in iter {
            set.insert(r);
        }
        set
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_administrator_never_also_approves_or_pays() {
        use Role::*;
        assert!(RoleSet::of(&[Administrator]).conflict().is_none());
        assert!(RoleSet::of(&[Approver, Backoffice]).conflict().is_none());
        assert_eq!(
            RoleSet::of(&[Administrator, Backoffice])
                .conflict()
                .map(|c| c.second),
            Some(Backoffice)
        );
        assert_eq!(
            RoleSet::of(&[Administrator, Approver, Alderman])
                .conflict()
                .map(|c| c.second),
            Some(Approver)
        );
    }

    #[test]
    fn a_draft_is_seen_by_its_own_team_only() {
        use Role::*;
        let backoffice = RoleSet::of(&[Backoffice]);
        let approver = RoleSet::of(&[Approver]);
        assert!(may_see_case(backoffice, false, false, false));
        assert!(!may_see_case(backoffice, false, false, true));
        assert!(may_see_case(approver, false, false, false));
        assert!(!may_see_case(approver, false, false, true));
        assert!(!may_see_case(approver, false, true, false));
        assert!(may_see_case(RoleSet::of(&[Professional]), true, true, true));
        assert!(!may_see_case(
            RoleSet::of(&[Professional]),
            false,
            true,
            false
        ));
        assert!(!may_see_case(RoleSet::of(&[Alderman]), true, true, false));
    }

    #[test]
    fn a_scope_per_role_and_the_rule_for_one_case_agree() {
        use Role::*;
        assert_eq!(
            CaseScope::of(Professional, false),
            Some(CaseScope::OwnTeams)
        );
        assert_eq!(CaseScope::of(Approver, true), Some(CaseScope::OwnTeams));
        assert_eq!(CaseScope::of(Approver, false), Some(CaseScope::AllTeams));
        assert_eq!(CaseScope::of(Backoffice, true), Some(CaseScope::AllTeams));
        assert_eq!(CaseScope::of(Alderman, true), None);
        assert!(
            !CaseScope::AllTeams.covers(false, true),
            "another team's draft"
        );
        assert!(CaseScope::OwnTeams.covers(true, true));
        assert!(!CaseScope::OwnTeams.covers(false, false));
    }

    #[test]
    fn codes_round_trip_and_sets_hold_several_roles() {
        for r in Role::ALL {
            assert_eq!(Role::from_code(r.code()), Some(r));
        }
        assert_eq!(Role::from_code("root"), None);
        let set = RoleSet::of(&[Role::Approver, Role::Backoffice]);
        assert!(set.has(Role::Approver) && set.has(Role::Backoffice) && !set.has(Role::Alderman));
        assert_eq!(
            set.iter().collect::<Vec<_>>(),
            vec![Role::Approver, Role::Backoffice]
        );
        assert!(set.has_any(&[Role::Alderman, Role::Backoffice]));
        assert!(RoleSet::default().is_empty());
    }
}
