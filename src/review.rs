//! A stream owner's review of a charge to their stream: accepted, or
//! disputed with a reason and then resolved by the backoffice. A dispute may
//! follow an acceptance; nothing follows a resolution.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ReviewStatus {
    Accepted,
    Disputed,
    Resolved,
}

impl ReviewStatus {
    pub const ALL: [ReviewStatus; 3] = [
        ReviewStatus::Accepted,
        ReviewStatus::Disputed,
        ReviewStatus::Resolved,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ReviewStatus::Accepted => "accepted",
            ReviewStatus::Disputed => "disputed",
            ReviewStatus::Resolved => "resolved",
        }
    }

    pub fn from_code(code: &str) -> Option<ReviewStatus> {
        ReviewStatus::ALL.into_iter().find(|s| s.code() == code)
    }

    /// Whether the owner may still give a verdict: before any, or a dispute
    /// after an acceptance.
    pub fn open_to_verdict(status: Option<ReviewStatus>) -> bool {
        matches!(status, None | Some(ReviewStatus::Accepted))
    }
}

/// How the backoffice resolves a dispute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Resolution {
    /// The charge stands.
    Override,
    /// The case is reversed and charged again with a responsibility key.
    Key,
    /// The case is reversed and left out of runs.
    Exclude,
}

impl Resolution {
    pub const ALL: [Resolution; 3] = [Resolution::Override, Resolution::Key, Resolution::Exclude];

    pub fn code(self) -> &'static str {
        match self {
            Resolution::Override => "override",
            Resolution::Key => "key",
            Resolution::Exclude => "exclude",
        }
    }

    pub fn from_code(code: &str) -> Option<Resolution> {
        Resolution::ALL.into_iter().find(|r| r.code() == code)
    }

    /// Whether the resolution upholds the dispute (the charge is undone).
    pub fn upholds(self) -> bool {
        self != Resolution::Override
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_verdicts_end_with_a_dispute() {
        for s in ReviewStatus::ALL {
            assert_eq!(ReviewStatus::from_code(s.code()), Some(s));
        }
        assert_eq!(ReviewStatus::from_code("akkoord"), None);
        assert!(ReviewStatus::open_to_verdict(None));
        assert!(ReviewStatus::open_to_verdict(Some(ReviewStatus::Accepted)));
        assert!(!ReviewStatus::open_to_verdict(Some(ReviewStatus::Disputed)));
        assert!(!ReviewStatus::open_to_verdict(Some(ReviewStatus::Resolved)));
        for r in Resolution::ALL {
            assert_eq!(Resolution::from_code(r.code()), Some(r));
        }
        assert!(
            !Resolution::Override.upholds()
                && Resolution::Key.upholds()
                && Resolution::Exclude.upholds()
        );
    }
}
