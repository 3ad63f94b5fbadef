//! A claim on an external payer (*vordering*): opened when a run charges a
//! stream whose agreement makes another party pay, then invoiced, and paid or
//! refused; withdrawn when the run is reversed before it was invoiced.
//!
//! open → invoiced → paid | refused, open → withdrawn. Every other move is a
//! typed error saying why, in Dutch.

use std::fmt;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum ClaimStatus {
    Open,
    Invoiced,
    Paid,
    Refused,
    Withdrawn,
}

/// What the backoffice does with a claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ClaimAction {
    Invoice,
    Pay,
    Refuse,
    /// The charge behind it was reversed.
    Withdraw,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ClaimError {
    #[error("Deze vordering is {}; alleen een open vordering kan worden gefactureerd.", .0.label_nl())]
    NotOpen(ClaimStatus),
    #[error("Deze vordering is {}; alleen een gefactureerde vordering kan worden betaald of geweigerd.", .0.label_nl())]
    NotInvoiced(ClaimStatus),
    #[error("Deze vordering is al {}; corrigeer die eerst met de betaler.", .0.label_nl())]
    NotWithdrawable(ClaimStatus),
}

impl ClaimStatus {
    pub const ALL: [ClaimStatus; 5] = [
        ClaimStatus::Open,
        ClaimStatus::Invoiced,
        ClaimStatus::Paid,
        ClaimStatus::Refused,
        ClaimStatus::Withdrawn,
    ];

    /// The claims that still need work.
    pub const PENDING: [ClaimStatus; 2] = [ClaimStatus::Open, ClaimStatus::Invoiced];

    pub fn code(self) -> &'static str {
        match self {
            ClaimStatus::Open => "open",
            ClaimStatus::Invoiced => "invoiced",
            ClaimStatus::Paid => "paid",
            ClaimStatus::Refused => "refused",
            ClaimStatus::Withdrawn => "withdrawn",
        }
    }

    pub fn from_code(code: &str) -> Option<ClaimStatus> {
        ClaimStatus::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label_nl(self) -> &'static str {
        match self {
            ClaimStatus::Open => "open",
            ClaimStatus::Invoiced => "gefactureerd",
            ClaimStatus::Paid => "betaald",
            ClaimStatus::Refused => "geweigerd",
            ClaimStatus::Withdrawn => "ingetrokken",
        }
    }

    /// The status after `action`, or why it is not allowed.
    pub fn apply(self, action: ClaimAction) -> Result<ClaimStatus, ClaimError> {
        use ClaimAction as A;
        use ClaimStatus as S;
        match (self, action) {
            (S::Open, A::Invoice) => Ok(S::Invoiced),
            (S::Open, A::Withdraw) => Ok(S::Withdrawn),
            (S::Invoiced, A::Pay) => Ok(S::Paid),
            (S::Invoiced, A::Refuse) => Ok(S::Refused),
            (s, A::Invoice) => Err(ClaimError::NotOpen(s)),
            (s, A::Pay | A::Refuse) => Err(ClaimError::NotInvoiced(s)),
            (s, A::Withdraw) => Err(ClaimError::NotWithdrawable(s)),
        }
    }

    /// Whether `action` was already applied to reach this status (a double
    /// submit of the same form is answered as done, not as an error).
    pub fn is_result_of(self, action: ClaimAction) -> bool {
        ClaimStatus::ALL
            .into_iter()
            .any(|before| before.apply(action) == Ok(self))
    }
}

impl fmt::Display for ClaimStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label_nl())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ClaimAction as A;
    use ClaimStatus as S;

    #[test]
    fn the_allowed_moves() {
        assert_eq!(S::Open.apply(A::Invoice), Ok(S::Invoiced));
        assert_eq!(S::Open.apply(A::Withdraw), Ok(S::Withdrawn));
        assert_eq!(S::Invoiced.apply(A::Pay), Ok(S::Paid));
        assert_eq!(S::Invoiced.apply(A::Refuse), Ok(S::Refused));
    }

    #[test]
    fn every_other_move_is_refused_with_the_reason() {
        let allowed = [
            (S::Open, A::Invoice),
            (S::Open, A::Withdraw),
            (S::Invoiced, A::Pay),
            (S::Invoiced, A::Refuse),
        ];
        for status in S::ALL {
            for action in [A::Invoice, A::Pay, A::Refuse, A::Withdraw] {
                if allowed.contains(&(status, action)) {
                    continue;
                }
                let err = status.apply(action).expect_err("refused");
                assert!(err.to_string().contains(status.label_nl()), "{err}");
            }
        }
        assert_eq!(
            S::Invoiced
                .apply(A::Withdraw)
                .expect_err("refused")
                .to_string(),
            "Deze vordering is al gefactureerd; corrigeer die eerst met de betaler."
        );
    }

    #[test]
    fn final_statuses_stay_final() {
        for status in [S::Paid, S::Refused, S::Withdrawn] {
            for action in [A::Invoice, A::Pay, A::Refuse, A::Withdraw] {
                assert!(status.apply(action).is_err());
            }
        }
    }

    #[test]
    fn a_repeated_action_is_recognised() {
        assert!(S::Paid.is_result_of(A::Pay));
        assert!(!S::Paid.is_result_of(A::Refuse));
        assert!(S::Invoiced.is_result_of(A::Invoice));
        assert!(!S::Open.is_result_of(A::Invoice));
    }

    #[test]
    fn codes_round_trip() {
        for s in S::ALL {
            assert_eq!(S::from_code(s.code()), Some(s));
        }
        assert_eq!(S::from_code("betaald"), None);
    }
}
