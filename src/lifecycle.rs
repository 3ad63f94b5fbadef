//! The case lifecycle: draft → submitted → approved | rejected | returned →
//! in progress → settled → charged back → evaluated → closed, plus the flag
//! "waiting for an external party". Every transition names the role it needs
//! and the checks it makes; an illegal one is a typed error saying why.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::mandate::{MandateError, MandateTable};
use crate::money::Money;
use crate::roles::{Role, RoleSet};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Status {
    Draft,
    Submitted,
    Approved,
    Rejected,
    Returned,
    InProgress,
    Settled,
    ChargedBack,
    Evaluated,
    Closed,
}

impl Status {
    pub const ALL: [Status; 10] = [
        Status::Draft,
        Status::Submitted,
        Status::Approved,
        Status::Rejected,
        Status::Returned,
        Status::InProgress,
        Status::Settled,
        Status::ChargedBack,
        Status::Evaluated,
        Status::Closed,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Submitted => "submitted",
            Status::Approved => "approved",
            Status::Rejected => "rejected",
            Status::Returned => "returned",
            Status::InProgress => "in_progress",
            Status::Settled => "settled",
            Status::ChargedBack => "charged_back",
            Status::Evaluated => "evaluated",
            Status::Closed => "closed",
        }
    }

    pub fn from_code(code: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label_nl(self) -> &'static str {
        match self {
            Status::Draft => "Concept",
            Status::Submitted => "Ingediend",
            Status::Approved => "Goedgekeurd",
            Status::Rejected => "Afgewezen",
            Status::Returned => "Teruggestuurd voor aanpassing",
            Status::InProgress => "In uitvoering",
            Status::Settled => "Afgerekend",
            Status::ChargedBack => "Teruggeboekt",
            Status::Evaluated => "Geëvalueerd",
            Status::Closed => "Afgesloten",
        }
    }

    /// Whether the fund holds money for the case in this status.
    pub fn has_hold(self) -> bool {
        matches!(self, Status::Approved | Status::InProgress)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label_nl())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Action {
    Submit,
    Approve,
    Reject,
    Return,
    /// Start a new canvas version after "returned".
    Revise,
    RegisterPayment {
        amount: Money,
    },
    Settle,
    /// Correct a payment by reversal: the amount goes back on the hold.
    ReversePayment {
        amount: Money,
    },
    /// Reopen a settlement while nothing was charged back for it.
    ReopenSettlement,
    ChargeBack,
    /// Undo a chargeback (a reversal run); the case can be charged back again.
    ReverseChargeBack,
    Evaluate,
    Close,
    SetWaiting {
        waiting: bool,
    },
}

impl Action {
    pub fn label_nl(self) -> &'static str {
        match self {
            Action::Submit => "indienen",
            Action::Approve => "goedkeuren",
            Action::Reject => "afwijzen",
            Action::Return => "terugsturen",
            Action::Revise => "herzien",
            Action::RegisterPayment { .. } => "betaling registreren",
            Action::Settle => "afrekenen",
            Action::ReversePayment { .. } => "betaling terugdraaien",
            Action::ReopenSettlement => "afrekening heropenen",
            Action::ChargeBack => "terugboeken",
            Action::ReverseChargeBack => "terugboeking corrigeren",
            Action::Evaluate => "evalueren",
            Action::Close => "afsluiten",
            Action::SetWaiting { .. } => "wachten op externe partij aangeven",
        }
    }

    /// What the actor did, as the rest of a sentence after their name:
    /// "heeft het canvas ingediend". `label` is a stored event's action
    /// ([`Action::label_nl`], or "aangemaakt" for a new case).
    pub fn sentence_nl(label: &str) -> String {
        match label {
            "aangemaakt" => "heeft de casus aangemaakt",
            "indienen" => "heeft het canvas ingediend",
            "goedkeuren" => "heeft het canvas goedgekeurd",
            "afwijzen" => "heeft het canvas afgewezen",
            "terugsturen" => "heeft het canvas teruggestuurd voor aanpassing",
            "herzien" => "is een nieuwe versie van het canvas begonnen",
            "betaling registreren" => "heeft een betaling geregistreerd",
            "afrekenen" => "heeft de casus afgerekend",
            "betaling terugdraaien" => "heeft een betaling teruggedraaid",
            "afrekening heropenen" => "heeft de afrekening heropend",
            "terugboeken" => "heeft de kosten teruggeboekt naar de stromen",
            "terugboeking corrigeren" => "heeft de terugboeking gecorrigeerd",
            "evalueren" => "heeft de casus geëvalueerd",
            "tussentijds evalueren" => "heeft een tussentijdse evaluatie vastgelegd",
            "evaluatie corrigeren" => "heeft een evaluatie gecorrigeerd",
            "afsluiten" => "heeft de casus afgesloten",
            "wachten op externe partij aangeven" => {
                "heeft de wachtstand bij een externe partij aangepast"
            }
            other => return format!("heeft \"{other}\" gedaan"),
        }
        .to_string()
    }

    /// The roles that may take the action: any one of them will do.
    pub fn roles(self) -> &'static [Role] {
        match self {
            Action::Submit | Action::Revise | Action::Evaluate | Action::SetWaiting { .. } => {
                &[Role::Professional]
            }
            Action::Approve | Action::Reject | Action::Return => &[Role::Approver],
            Action::RegisterPayment { .. }
            | Action::Settle
            | Action::ReversePayment { .. }
            | Action::ReopenSettlement
            | Action::ChargeBack
            | Action::ReverseChargeBack => &[Role::Backoffice],
            // The backoffice closes the books; the team's approver may
            // close a case they reviewed.
            Action::Close => &[Role::Backoffice, Role::Approver],
        }
    }

    /// Whether the action is a decision that needs a reason.
    pub fn needs_reason(self) -> bool {
        matches!(
            self,
            Action::Approve
                | Action::Reject
                | Action::Return
                | Action::ReversePayment { .. }
                | Action::ReopenSettlement
                | Action::SetWaiting { waiting: true }
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LifecycleError {
    #[error("U kunt niet {action}: daarvoor is de rol {} nodig.", role_words(.roles))]
    RoleRequired {
        action: &'static str,
        roles: &'static [Role],
    },
    #[error("Er valt voor deze casus nog iets terug te boeken: evalueer na de terugboeking.")]
    ChargebackPending,
    #[error("Een casus met status '{status}' kan niet worden {action}.", action = past_participle(*.action))]
    NotAllowed { action: Action, status: Status },
    #[error(
        "U kunt dit canvas niet beoordelen: u heeft er zelf een versie van opgeslagen (vier ogen)."
    )]
    OwnCanvas,
    #[error("Er is maar {paid} betaald; er kan niet meer worden teruggedraaid.")]
    ReversalExceedsPaid { amount: Money, paid: Money },
    #[error("Geef een reden op.")]
    ReasonRequired,
    #[error(transparent)]
    Mandate(#[from] MandateError),
    #[error("U heeft geen mandaat om canvassen te beoordelen.")]
    NoMandate,
    #[error("Deze betaling ({amount}) is hoger dan wat er nog gereserveerd is ({remaining}).")]
    PaymentExceedsHold { amount: Money, remaining: Money },
    #[error("Een betaling moet groter dan nul zijn.")]
    PaymentNotPositive,
    #[error(
        "Er is meer betaald ({paid}) dan gereserveerd ({held}); corrigeer eerst de betalingen."
    )]
    PaidMoreThanHeld { paid: Money, held: Money },
    #[error("De casus wacht al niet op een externe partij.")]
    NotWaiting,
    #[error(
        "U heeft deze casus goedgekeurd; een ander registreert de betaling (functiescheiding)."
    )]
    ApproverPays,
}

fn role_words(roles: &[Role]) -> String {
    let words: Vec<String> = roles
        .iter()
        .map(|r| format!("'{}'", r.label_nl()))
        .collect();
    words.join(" of ")
}

fn past_participle(action: Action) -> &'static str {
    match action {
        Action::Submit => "ingediend",
        Action::Approve => "goedgekeurd",
        Action::Reject => "afgewezen",
        Action::Return => "teruggestuurd",
        Action::Revise => "herzien",
        Action::RegisterPayment { .. } => "betaald",
        Action::Settle => "afgerekend",
        Action::ReversePayment { .. } => "gecorrigeerd",
        Action::ReopenSettlement => "heropend",
        Action::ChargeBack => "teruggeboekt",
        Action::ReverseChargeBack => "teruggezet naar afgerekend",
        Action::Evaluate => "geëvalueerd",
        Action::Close => "afgesloten",
        Action::SetWaiting { .. } => "op wachten gezet",
    }
}

/// What a case waits for, and on whom: the sentence on the case page and
/// in the worklists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Awaiting {
    /// The professional completes and submits the canvas.
    Submission,
    /// An approver of at least this level decides (name and limit).
    Review {
        level: Option<(String, Option<Money>)>,
    },
    /// The professional makes a new version after "returned".
    Revision,
    /// The backoffice pays (approved, nothing paid yet).
    Payment,
    /// The backoffice pays the rest or settles.
    Settlement,
    /// The backoffice charges the settled cost back to the streams.
    ChargeBack,
    /// The professional evaluates; the final evaluation is expected
    /// before `before`.
    Evaluation { before: NaiveDate },
    /// The backoffice or the approver closes the case.
    Closing,
    /// An external party: the note says which.
    External { note: String },
    /// Nothing: rejected or closed.
    Nothing,
}

impl Awaiting {
    /// What a case in `status` waits for. `due` is the date before which
    /// the final evaluation is expected, once known; `review` the lowest
    /// level that may decide.
    pub fn of(
        facts: &CaseFacts,
        note: Option<&str>,
        review: Option<(String, Option<Money>)>,
        due: Option<NaiveDate>,
    ) -> Awaiting {
        use Status::*;
        if facts.waiting_for_external {
            return Awaiting::External {
                note: note.unwrap_or_default().to_string(),
            };
        }
        match facts.status {
            Draft => Awaiting::Submission,
            Submitted => Awaiting::Review { level: review },
            Returned => Awaiting::Revision,
            Approved => Awaiting::Payment,
            InProgress => Awaiting::Settlement,
            Settled if facts.paid.is_positive() => Awaiting::ChargeBack,
            Settled | ChargedBack => match due {
                Some(before) => Awaiting::Evaluation { before },
                None => Awaiting::Nothing,
            },
            Evaluated => Awaiting::Closing,
            Rejected | Closed => Awaiting::Nothing,
        }
    }

    pub fn sentence_nl(&self) -> String {
        match self {
            Awaiting::Submission => {
                "Wacht op het afmaken en indienen van het canvas door de professional.".into()
            }
            Awaiting::Review { level: Some((name, Some(limit))) } => format!(
                "Wacht op beoordeling door een {} met mandaat tot {limit}.",
                name.to_lowercase()
            ),
            Awaiting::Review { level: Some((name, None)) } => {
                format!("Wacht op beoordeling door een {}.", name.to_lowercase())
            }
            Awaiting::Review { level: None } => {
                "Wacht op beoordeling, maar niemand heeft mandaat voor dit bedrag: vraag functioneel beheer de mandaten aan te passen.".into()
            }
            Awaiting::Revision => {
                "Wacht op een nieuwe versie van het canvas door de professional.".into()
            }
            Awaiting::Payment => "Wacht op betaling door de backoffice.".into(),
            Awaiting::Settlement => {
                "Wacht op verdere betaling of afrekening door de backoffice.".into()
            }
            Awaiting::ChargeBack => "Wacht op terugboeking door de backoffice.".into(),
            Awaiting::Evaluation { before } => format!(
                "Evaluatie door de professional verwacht vóór {}.",
                crate::dates::dutch(*before)
            ),
            Awaiting::Closing => {
                "Wacht op afsluiting door de backoffice of de teamleider.".into()
            }
            Awaiting::External { note } if note.trim().is_empty() => {
                "Wacht op een externe partij.".into()
            }
            Awaiting::External { note } => format!("Wacht op een externe partij: {note}."),
            Awaiting::Nothing => "Wacht nergens op.".into(),
        }
    }
}

/// Who acts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub user_id: i64,
    pub roles: RoleSet,
    /// The approver's mandate level code, if any.
    pub mandate_level: Option<String>,
}

/// What the decision needs to know of the case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseFacts {
    pub status: Status,
    /// Everyone who saved any version of the canvas, the case's creator
    /// included: none of them may decide on it (four eyes).
    pub authors: Vec<i64>,
    /// Who approved the canvas now in force, once approved.
    pub approved_by: Option<i64>,
    /// The amount the canvas requests (the investment).
    pub requested: Money,
    /// The hold placed on approval.
    pub held: Money,
    /// The sum of payments so far.
    pub paid: Money,
    pub waiting_for_external: bool,
}

/// The outcome of a permitted action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    pub next: Status,
    pub waiting_for_external: bool,
}

/// The move a chargeback run makes on its cases in bulk, from which status
/// to which: charging back and its reversal need no facts beyond the status.
pub fn bulk_move(action: Action) -> Option<(Status, Status)> {
    match action {
        Action::ChargeBack => Some((Status::Settled, Status::ChargedBack)),
        Action::ReverseChargeBack => Some((Status::ChargedBack, Status::Settled)),
        _ => None,
    }
}

/// Decides whether `actor` may take `action` on a case, and what follows.
/// The canvas's own completeness is checked by `Canvas::check_submittable`;
/// the fund's room by the ledger.
pub fn decide(
    action: Action,
    actor: &Actor,
    case: &CaseFacts,
    reason: Option<&str>,
    mandates: &MandateTable,
) -> Result<Decision, LifecycleError> {
    let roles = action.roles();
    if !roles.iter().any(|r| actor.roles.has(*r)) {
        return Err(LifecycleError::RoleRequired {
            action: action.label_nl(),
            roles,
        });
    }
    if action.needs_reason() && reason.is_none_or(|r| r.trim().is_empty()) {
        return Err(LifecycleError::ReasonRequired);
    }
    let not_allowed = Err(LifecycleError::NotAllowed {
        action,
        status: case.status,
    });
    let keep_flag = case.waiting_for_external;
    let to = |next: Status| {
        Ok(Decision {
            next,
            waiting_for_external: keep_flag,
        })
    };
    use Status::*;
    match (action, case.status) {
        (Action::Submit, Draft) => to(Submitted),
        (Action::Approve | Action::Reject | Action::Return, Submitted) => {
            if case.authors.contains(&actor.user_id) {
                return Err(LifecycleError::OwnCanvas);
            }
            let level = actor
                .mandate_level
                .as_deref()
                .ok_or(LifecycleError::NoMandate)?;
            mandates.check(level, case.requested)?;
            to(match action {
                Action::Approve => Approved,
                Action::Reject => Rejected,
                _ => Returned,
            })
        }
        (Action::Revise, Returned) => to(Draft),
        (Action::RegisterPayment { amount }, Approved | InProgress) => {
            if case.approved_by == Some(actor.user_id) {
                return Err(LifecycleError::ApproverPays);
            }
            if !amount.is_positive() {
                return Err(LifecycleError::PaymentNotPositive);
            }
            let remaining = case.held.checked_sub(case.paid).unwrap_or(Money::ZERO);
            if amount > remaining {
                return Err(LifecycleError::PaymentExceedsHold { amount, remaining });
            }
            to(InProgress)
        }
        (Action::Settle, Approved | InProgress) => {
            if case.paid > case.held {
                return Err(LifecycleError::PaidMoreThanHeld {
                    paid: case.paid,
                    held: case.held,
                });
            }
            to(Settled)
        }
        (Action::ReversePayment { amount }, Approved | InProgress) => {
            if !amount.is_positive() {
                return Err(LifecycleError::PaymentNotPositive);
            }
            let left = case
                .paid
                .checked_sub(amount)
                .map_err(|_| LifecycleError::PaymentNotPositive)?;
            if left.is_negative() {
                return Err(LifecycleError::ReversalExceedsPaid {
                    amount,
                    paid: case.paid,
                });
            }
            to(if left.is_positive() {
                InProgress
            } else {
                Approved
            })
        }
        (Action::ReopenSettlement, Settled) => to(if case.paid.is_positive() {
            InProgress
        } else {
            Approved
        }),
        (Action::ChargeBack | Action::ReverseChargeBack, status) => match bulk_move(action) {
            Some((from, next)) if from == status => to(next),
            _ => not_allowed,
        },
        (Action::Evaluate, ChargedBack) => to(Evaluated),
        // A settled case with nothing paid has nothing to charge back: it is
        // evaluated straight away. Anything paid is charged back first, so
        // the money revolves before the case can close.
        (Action::Evaluate, Settled) if !case.paid.is_positive() => to(Evaluated),
        (Action::Evaluate, Settled) => Err(LifecycleError::ChargebackPending),
        (Action::Close, Evaluated | Rejected) => Ok(Decision {
            next: Closed,
            waiting_for_external: false,
        }),
        (Action::SetWaiting { waiting }, Approved | InProgress | Settled | ChargedBack) => {
            if !waiting && !case.waiting_for_external {
                return Err(LifecycleError::NotWaiting);
            }
            Ok(Decision {
                next: case.status,
                waiting_for_external: waiting,
            })
        }
        _ => not_allowed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn euros(e: i64) -> Money {
        Money::from_euros(e).expect("m")
    }

    fn actor(id: i64, roles: &[Role], level: Option<&str>) -> Actor {
        Actor {
            user_id: id,
            roles: RoleSet::of(roles),
            mandate_level: level.map(str::to_string),
        }
    }

    fn case(status: Status) -> CaseFacts {
        CaseFacts {
            status,
            authors: vec![1],
            approved_by: Some(7),
            requested: euros(2_000),
            held: euros(2_000),
            paid: Money::ZERO,
            waiting_for_external: false,
        }
    }

    fn go(
        action: Action,
        who: &Actor,
        c: &CaseFacts,
        reason: Option<&str>,
    ) -> Result<Status, LifecycleError> {
        decide(action, who, c, reason, &MandateTable::dutch_default()).map(|d| d.next)
    }

    #[test]
    fn the_happy_path_runs_from_draft_to_closed() {
        let prof = actor(1, &[Role::Professional], None);
        let lead = actor(2, &[Role::Approver], Some("teamleider"));
        let back = actor(3, &[Role::Backoffice], None);
        assert_eq!(
            go(Action::Submit, &prof, &case(Status::Draft), None),
            Ok(Status::Submitted)
        );
        assert_eq!(
            go(
                Action::Approve,
                &lead,
                &case(Status::Submitted),
                Some("Akkoord")
            ),
            Ok(Status::Approved)
        );
        let pay = Action::RegisterPayment { amount: euros(500) };
        assert_eq!(
            go(pay, &back, &case(Status::Approved), None),
            Ok(Status::InProgress)
        );
        assert_eq!(
            go(Action::Settle, &back, &case(Status::InProgress), None),
            Ok(Status::Settled)
        );
        assert_eq!(
            go(Action::ChargeBack, &back, &case(Status::Settled), None),
            Ok(Status::ChargedBack)
        );
        assert_eq!(
            go(Action::Evaluate, &prof, &case(Status::ChargedBack), None),
            Ok(Status::Evaluated)
        );
        assert_eq!(
            go(Action::Close, &back, &case(Status::Evaluated), None),
            Ok(Status::Closed)
        );
    }

    #[test]
    fn evaluation_follows_the_chargeback_unless_nothing_was_paid() {
        let prof = actor(1, &[Role::Professional], None);
        let lead = actor(2, &[Role::Approver], Some("teamleider"));
        let back = actor(3, &[Role::Backoffice], None);
        let mut paid = case(Status::Settled);
        paid.paid = euros(1_500);
        assert_eq!(
            go(Action::Evaluate, &prof, &paid, None),
            Err(LifecycleError::ChargebackPending)
        );
        assert_eq!(
            go(Action::Evaluate, &prof, &case(Status::Settled), None),
            Ok(Status::Evaluated)
        );
        for status in [Status::InProgress, Status::Evaluated, Status::Closed] {
            assert!(matches!(
                go(Action::Evaluate, &prof, &case(status), None),
                Err(LifecycleError::NotAllowed { .. })
            ));
        }
        // The backoffice or the approver closes; the professional does not.
        assert_eq!(
            go(Action::Close, &lead, &case(Status::Evaluated), None),
            Ok(Status::Closed)
        );
        assert_eq!(
            go(Action::Close, &back, &case(Status::Evaluated), None),
            Ok(Status::Closed)
        );
        let refused = go(Action::Close, &prof, &case(Status::Evaluated), None);
        assert!(matches!(refused, Err(LifecycleError::RoleRequired { .. })));
        assert!(
            refused
                .expect_err("refused")
                .to_string()
                .contains("'Backoffice financiën' of 'Teamleider / projectleider / manager'")
        );
        assert!(matches!(
            go(Action::Close, &back, &case(Status::ChargedBack), None),
            Err(LifecycleError::NotAllowed { .. })
        ));
    }

    #[test]
    fn every_case_says_what_it_waits_for() {
        let due = NaiveDate::from_ymd_opt(2027, 3, 1).expect("d");
        let said = |status: Status, paid: i64, review, due| {
            let mut facts = case(status);
            facts.paid = euros(paid);
            Awaiting::of(&facts, None, review, due).sentence_nl()
        };
        assert_eq!(
            said(
                Status::Submitted,
                0,
                Some(("Teamleider".into(), Some(euros(10_000)))),
                None
            ),
            "Wacht op beoordeling door een teamleider met mandaat tot € 10.000,00."
        );
        assert_eq!(
            said(Status::Approved, 0, None, None),
            "Wacht op betaling door de backoffice."
        );
        assert_eq!(
            said(Status::Settled, 10, None, Some(due)),
            "Wacht op terugboeking door de backoffice."
        );
        assert_eq!(
            said(Status::ChargedBack, 10, None, Some(due)),
            "Evaluatie door de professional verwacht vóór 01-03-2027."
        );
        assert_eq!(
            said(Status::Settled, 0, None, Some(due)),
            "Evaluatie door de professional verwacht vóór 01-03-2027."
        );
        let mut waiting = case(Status::InProgress);
        waiting.waiting_for_external = true;
        assert_eq!(
            Awaiting::of(&waiting, Some("UWV"), None, None).sentence_nl(),
            "Wacht op een externe partij: UWV."
        );
        let table = MandateTable::dutch_default();
        let level = table.lowest_decider(euros(2_000)).expect("someone");
        assert!(level.limit.is_some_and(|l| l >= euros(2_000)));
        assert!(
            table
                .levels()
                .iter()
                .filter(|l| l.limit.is_some_and(|x| x >= euros(2_000)))
                .all(|l| l.limit >= level.limit)
        );
    }

    #[test]
    fn nobody_approves_a_canvas_they_saved_a_version_of() {
        let both = actor(1, &[Role::Professional, Role::Approver], Some("manager"));
        assert_eq!(
            go(Action::Approve, &both, &case(Status::Submitted), Some("ok")),
            Err(LifecycleError::OwnCanvas)
        );
        // A colleague who saved the second version is an author too.
        let colleague = actor(5, &[Role::Professional, Role::Approver], Some("manager"));
        let edited = CaseFacts {
            authors: vec![1, 5],
            ..case(Status::Submitted)
        };
        for decision in [Action::Approve, Action::Reject, Action::Return] {
            assert_eq!(
                go(decision, &colleague, &edited, Some("ok")),
                Err(LifecycleError::OwnCanvas)
            );
        }
        assert_eq!(
            go(
                Action::Approve,
                &colleague,
                &case(Status::Submitted),
                Some("ok")
            ),
            Ok(Status::Approved)
        );
    }

    #[test]
    fn payments_and_settlements_are_corrected_with_a_reason() {
        let back = actor(3, &[Role::Backoffice], None);
        let paid = |amount: i64, status| CaseFacts {
            paid: euros(amount),
            ..case(status)
        };
        let undo = |e| Action::ReversePayment { amount: euros(e) };
        assert_eq!(
            go(
                undo(300),
                &back,
                &paid(500, Status::InProgress),
                Some("dubbel")
            ),
            Ok(Status::InProgress)
        );
        assert_eq!(
            go(
                undo(500),
                &back,
                &paid(500, Status::InProgress),
                Some("dubbel")
            ),
            Ok(Status::Approved),
            "nothing paid any more"
        );
        assert_eq!(
            go(undo(501), &back, &paid(500, Status::InProgress), Some("x")),
            Err(LifecycleError::ReversalExceedsPaid {
                amount: euros(501),
                paid: euros(500)
            })
        );
        assert_eq!(
            go(undo(1), &back, &paid(500, Status::InProgress), None),
            Err(LifecycleError::ReasonRequired)
        );
        assert!(matches!(
            go(undo(1), &back, &paid(500, Status::Settled), Some("x")),
            Err(LifecycleError::NotAllowed { .. })
        ));
        assert_eq!(
            go(
                Action::ReopenSettlement,
                &back,
                &paid(500, Status::Settled),
                Some("te vroeg")
            ),
            Ok(Status::InProgress)
        );
        assert!(matches!(
            go(
                Action::ReopenSettlement,
                &back,
                &paid(500, Status::ChargedBack),
                Some("x")
            ),
            Err(LifecycleError::NotAllowed { .. })
        ));
    }

    #[test]
    fn decisions_need_a_reason_a_role_and_a_mandate() {
        let lead = actor(2, &[Role::Approver], Some("teamleider"));
        assert_eq!(
            go(Action::Reject, &lead, &case(Status::Submitted), Some("  ")),
            Err(LifecycleError::ReasonRequired)
        );
        let prof = actor(2, &[Role::Professional], None);
        assert!(matches!(
            go(Action::Approve, &prof, &case(Status::Submitted), Some("x")),
            Err(LifecycleError::RoleRequired { .. })
        ));
        let mut big = case(Status::Submitted);
        big.requested = euros(5_000);
        assert!(matches!(
            go(Action::Approve, &lead, &big, Some("x")),
            Err(LifecycleError::Mandate(MandateError::OutsideMandate { .. }))
        ));
        let no_level = actor(2, &[Role::Approver], None);
        assert_eq!(
            go(
                Action::Return,
                &no_level,
                &case(Status::Submitted),
                Some("x")
            ),
            Err(LifecycleError::NoMandate)
        );
    }

    #[test]
    fn no_skipping_steps() {
        let back = actor(3, &[Role::Backoffice], None);
        assert_eq!(
            go(Action::ChargeBack, &back, &case(Status::InProgress), None),
            Err(LifecycleError::NotAllowed {
                action: Action::ChargeBack,
                status: Status::InProgress
            })
        );
        let prof = actor(1, &[Role::Professional], None);
        assert!(matches!(
            go(Action::Submit, &prof, &case(Status::Approved), None),
            Err(LifecycleError::NotAllowed { .. })
        ));
        let msg = go(Action::ChargeBack, &back, &case(Status::Draft), None)
            .err()
            .map(|e| e.to_string());
        assert_eq!(
            msg.as_deref(),
            Some("Een casus met status 'Concept' kan niet worden teruggeboekt.")
        );
    }

    #[test]
    fn payments_stay_within_the_hold_and_settling_checks_it() {
        let back = actor(3, &[Role::Backoffice], None);
        let mut c = case(Status::InProgress);
        c.paid = euros(1_800);
        assert!(matches!(
            go(
                Action::RegisterPayment { amount: euros(300) },
                &back,
                &c,
                None
            ),
            Err(LifecycleError::PaymentExceedsHold { .. })
        ));
        assert_eq!(
            go(
                Action::RegisterPayment {
                    amount: Money::ZERO
                },
                &back,
                &c,
                None
            ),
            Err(LifecycleError::PaymentNotPositive)
        );
        c.paid = euros(2_100);
        assert!(matches!(
            go(Action::Settle, &back, &c, None),
            Err(LifecycleError::PaidMoreThanHeld { .. })
        ));
    }

    #[test]
    fn whoever_approved_a_case_does_not_pay_it() {
        let both = actor(7, &[Role::Approver, Role::Backoffice], Some("manager"));
        let other = actor(8, &[Role::Backoffice], None);
        let pay = Action::RegisterPayment { amount: euros(100) };
        let facts = case(Status::Approved);
        assert_eq!(
            go(pay, &both, &facts, None),
            Err(LifecycleError::ApproverPays)
        );
        assert!(go(pay, &other, &facts, None).is_ok());
    }

    #[test]
    fn the_waiting_flag_needs_a_note_and_keeps_the_status() {
        let prof = actor(1, &[Role::Professional], None);
        let d = decide(
            Action::SetWaiting { waiting: true },
            &prof,
            &case(Status::InProgress),
            Some("Wacht op corporatie"),
            &MandateTable::dutch_default(),
        );
        assert_eq!(
            d,
            Ok(Decision {
                next: Status::InProgress,
                waiting_for_external: true
            })
        );
        assert_eq!(
            go(
                Action::SetWaiting { waiting: true },
                &prof,
                &case(Status::InProgress),
                None
            ),
            Err(LifecycleError::ReasonRequired)
        );
        assert_eq!(
            go(
                Action::SetWaiting { waiting: false },
                &prof,
                &case(Status::InProgress),
                None
            ),
            Err(LifecycleError::NotWaiting)
        );
    }

    #[test]
    fn status_codes_round_trip() {
        for s in Status::ALL {
            assert_eq!(Status::from_code(s.code()), Some(s));
        }
    }

    #[test]
    fn every_action_reads_as_a_sentence_in_the_timeline() {
        let m = Money::from_cents(100).expect("m");
        let actions = [
            Action::Submit,
            Action::Approve,
            Action::Reject,
            Action::Return,
            Action::Revise,
            Action::RegisterPayment { amount: m },
            Action::Settle,
            Action::ReversePayment { amount: m },
            Action::ReopenSettlement,
            Action::ChargeBack,
            Action::ReverseChargeBack,
            Action::Evaluate,
            Action::Close,
            Action::SetWaiting { waiting: true },
        ];
        for a in actions {
            let said = Action::sentence_nl(a.label_nl());
            assert!(
                said.starts_with("heeft ") || said.starts_with("is "),
                "{said}"
            );
            assert!(
                !said.contains('"'),
                "{:?} has a sentence of its own: {said}",
                a
            );
        }
        assert_eq!(
            Action::sentence_nl("aangemaakt"),
            "heeft de casus aangemaakt"
        );
    }
}
