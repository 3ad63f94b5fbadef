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
