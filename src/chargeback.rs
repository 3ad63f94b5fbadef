//! Splitting a settled cost over the streams that benefited (*terugboeken*).
//!
//! **Beneficiary key** (default, as in Groningen): the settled cost is shared
//! pro rata over the positive avoided costs of the streams that can bear a
//! charge — every internal stream, the reservation stream (Wmo) included, and
//! external streams with an agreement. An external stream without one is
//! reported, not charged, and left out of the sum. The Wmo's own share is not
//! charged anywhere: it stays on the Wmo as residual. A stream is never charged
//! more than it avoided; an external payer bears its agreed share up to its
//! remaining yearly cap. Whatever is cut off stays on the Wmo as residual.
//!
//! **Responsibility key** (as in Den Bosch): named streams with percentages
//! summing to exactly 100 %.
//!
//! Splits are in cents by the **largest-remainder** method, so the parts always
//! sum exactly to the settled cost. Ties in the remainder go to the larger
//! weight, then to the stream with the lowest code (alphabetical).

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::money::{Money, Percentage};
use crate::stream::{StreamCode, StreamKind};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChargebackError {
    #[error("De afgerekende kosten kunnen niet negatief zijn.")]
    NegativeCost,
    #[error("De financieringsstroom {0} komt twee keer voor.")]
    DuplicateStream(StreamCode),
    #[error(
        "De percentages van de verantwoordelijkheidssleutel tellen op tot {0} %, niet tot 100 %."
    )]
    PercentagesNotHundred(String),
    #[error("De verantwoordelijkheidssleutel noemt geen enkele stroom.")]
    NoStreams,
    #[error("De verdeling telt niet op tot de afgerekende kosten.")]
    DoesNotSum,
}

/// The terms of an agreement that apply to one charge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgreementTerms {
    /// The agreement version (its stored id).
    pub agreement: i64,
    pub payer_share: Percentage,
    /// What is left of the yearly cap, if there is one.
    pub cap_remaining: Option<Money>,
}

/// A stream's avoided cost in the frozen canvas of a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct StreamAvoided {
    pub stream: StreamCode,
    pub kind: StreamKind,
    pub avoided: Money,
    /// For external streams: the agreement in force on the settlement date.
    pub agreement: Option<AgreementTerms>,
}

/// One stream's part in a responsibility key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResponsibleStream {
    pub stream: StreamCode,
    pub kind: StreamKind,
    pub percentage: Percentage,
    pub agreement: Option<AgreementTerms>,
}

/// Internal streams are booked at once; external ones become claims.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ChargeKind {
    Internal,
    Claim,
}

impl ChargeKind {
    pub fn code(self) -> &'static str {
        match self {
            ChargeKind::Internal => "internal",
            ChargeKind::Claim => "claim",
        }
    }

    pub fn from_code(code: &str) -> Option<ChargeKind> {
        [ChargeKind::Internal, ChargeKind::Claim]
            .into_iter()
            .find(|k| k.code() == code)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Charge {
    pub stream: StreamCode,
    pub amount: Money,
    pub kind: ChargeKind,
    /// For a claim: the agreement version it was made under.
    pub agreement: Option<i64>,
}

/// Why part of a settled cost stays on the Wmo.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ResidualReason {
    /// The Wmo's own share under the key (or nothing avoided elsewhere).
    WmoShare,
    /// A stream is never charged more than it avoided.
    AvoidedCap,
    /// The payer bears less than 100 % under its agreement.
    PayerShare,
    /// The agreement's yearly cap is used up.
    CapUsedUp,
    /// The external stream has no agreement in force on the settlement date.
    NoAgreement,
}

impl ResidualReason {
    pub fn label_nl(self) -> &'static str {
        match self {
            ResidualReason::WmoShare => "eigen aandeel Wmo",
            ResidualReason::AvoidedCap => "begrensd op de vermeden kosten",
            ResidualReason::PayerShare => "aandeel van de betaler volgens het convenant",
            ResidualReason::CapUsedUp => "jaarplafond van het convenant bereikt",
            ResidualReason::NoAgreement => "geen convenant van kracht",
        }
    }
}

/// A part of the residual: which stream's share it was cut from, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResidualPart {
    pub stream: StreamCode,
    pub reason: ResidualReason,
    pub amount: Money,
}

/// A settled cost split into charges and the residual that stays on the Wmo.
/// It cannot exist unless the parts sum exactly to the settled cost.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Allocation {
    settled: Money,
    charges: Vec<Charge>,
    residual: Money,
    /// Why the residual stays on the Wmo; the parts sum to it.
    why: Vec<ResidualPart>,
    not_charged: Vec<StreamCode>,
}

impl Allocation {
    fn new(
        settled: Money,
        reservation: StreamCode,
        (charges, mut why): (Vec<Charge>, Vec<ResidualPart>),
        not_charged: Vec<StreamCode>,
    ) -> Result<Allocation, ChargebackError> {
        let charged: i64 = charges.iter().map(|c| c.amount.cents()).sum();
        let residual = Money::from_cents(settled.cents() - charged)
            .map_err(|_| ChargebackError::DoesNotSum)?;
        if residual.is_negative() || charges.iter().any(|c| !c.amount.is_positive()) {
            return Err(ChargebackError::DoesNotSum);
        }
        // What no share covered (nothing avoided elsewhere) is the Wmo's own.
        let explained: i64 = why.iter().map(|p| p.amount.cents()).sum();
        let rest = residual.cents() - explained;
        if rest < 0 {
            return Err(ChargebackError::DoesNotSum);
        }
        if rest > 0 {
            match why
                .iter_mut()
                .find(|p| p.stream == reservation && p.reason == ResidualReason::WmoShare)
            {
                Some(own) => {
                    own.amount = Money::from_cents(own.amount.cents() + rest)
                        .map_err(|_| ChargebackError::DoesNotSum)?
                }
                None => why.push(ResidualPart {
                    stream: reservation,
                    reason: ResidualReason::WmoShare,
                    amount: Money::from_cents(rest).map_err(|_| ChargebackError::DoesNotSum)?,
                }),
            }
        }
        why.sort_by_key(|p| (p.reason, p.stream));
        Ok(Allocation {
            settled,
            charges,
            residual,
            why,
            not_charged,
        })
    }

    /// Why the residual stays on the Wmo, part by part (summing to it).
    pub fn residual_parts(&self) -> &[ResidualPart] {
        &self.why
    }

    pub fn settled(&self) -> Money {
        self.settled
    }
    /// Charges in stream-code order; only amounts above zero.
    pub fn charges(&self) -> &[Charge] {
        &self.charges
    }
    /// What stays on the reservation stream (the Wmo).
    pub fn residual(&self) -> Money {
        self.residual
    }
    /// External streams with avoided costs but no agreement: reported only.
    pub fn not_charged(&self) -> &[StreamCode] {
        &self.not_charged
    }
    pub fn charge_for(&self, stream: StreamCode) -> Money {
        self.charges
            .iter()
            .find(|c| c.stream == stream)
            .map_or(Money::ZERO, |c| c.amount)
    }
}

/// Splits `total_cents` over non-negative integer `weights` so the parts sum
/// exactly to the total. Exact integer arithmetic; ties as documented above
/// (larger weight first, then the earlier position).
pub fn largest_remainder(total_cents: i64, weights: &[i64]) -> Vec<i64> {
    let sum: i128 = weights.iter().map(|&w| i128::from(w.max(0))).sum();
    if sum == 0 || total_cents <= 0 {
        return vec![0; weights.len()];
    }
    let total = i128::from(total_cents);
    let mut parts: Vec<i64> = Vec::with_capacity(weights.len());
    let mut remainders: Vec<(i128, i64, usize)> = Vec::with_capacity(weights.len());
    for (i, &w) in weights.iter().enumerate() {
        let product = total * i128::from(w.max(0));
        parts.push(i64::try_from(product / sum).unwrap_or(0));
        remainders.push((product % sum, w, i));
    }
    let leftover = total_cents - parts.iter().sum::<i64>();
    remainders.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
    for &(_, _, i) in remainders
        .iter()
        .take(usize::try_from(leftover).unwrap_or(0))
    {
        parts[i] += 1;
    }
    parts
}

fn check_unique(streams: impl Iterator<Item = StreamCode>) -> Result<(), ChargebackError> {
    let mut seen = BTreeSet::new();
    for s in streams {
        if !seen.insert(s) {
            return Err(ChargebackError::DuplicateStream(s));
        }
    }
    Ok(())
}

/// What an external payer bears of an attributed amount: its agreed share
/// (half away from zero, in cents), then at most its remaining cap.
/// Answers (before the cap, after it).
fn payer_bears(attributed: i64, terms: AgreementTerms) -> (i64, i64) {
    let share = attributed * terms.payer_share.basis_points();
    // Half away from zero, in cents (amounts are non-negative here).
    let bears = (share + 5_000) / 10_000;
    let capped = match terms.cap_remaining {
        Some(cap) => bears.min(cap.cents().max(0)),
        None => bears,
    };
    (bears, capped)
}

struct Share {
    stream: StreamCode,
    kind: StreamKind,
    cents: i64,
    /// The most this stream may be charged (its avoided cost), if capped.
    limit: Option<i64>,
    agreement: Option<AgreementTerms>,
}

/// Turns shares into charges, and what each share could not charge into
/// residual parts with their reason.
fn charges_from(shares: Vec<Share>, reservation: StreamCode) -> (Vec<Charge>, Vec<ResidualPart>) {
    let mut charges: Vec<Charge> = Vec::new();
    let mut why: Vec<ResidualPart> = Vec::new();
    let mut cut = |stream, reason, cents: i64| {
        if let Ok(amount) = Money::from_cents(cents)
            && amount.is_positive()
        {
            why.push(ResidualPart {
                stream,
                reason,
                amount,
            });
        }
    };
    for share in shares {
        if share.stream == reservation {
            cut(share.stream, ResidualReason::WmoShare, share.cents);
            continue;
        }
        let mut cents = share
            .limit
            .map_or(share.cents, |limit| share.cents.min(limit));
        cut(
            share.stream,
            ResidualReason::AvoidedCap,
            share.cents - cents,
        );
        let (kind, agreement) = match (share.kind, share.agreement) {
            (StreamKind::Internal, _) => (ChargeKind::Internal, None),
            (StreamKind::External, None) => {
                cut(share.stream, ResidualReason::NoAgreement, cents);
                continue;
            }
            (StreamKind::External, Some(terms)) => {
                let (bears, capped) = payer_bears(cents, terms);
                cut(share.stream, ResidualReason::PayerShare, cents - bears);
                cut(share.stream, ResidualReason::CapUsedUp, bears - capped);
                cents = capped;
                (ChargeKind::Claim, Some(terms.agreement))
            }
        };
        if let Ok(amount) = Money::from_cents(cents)
            && amount.is_positive()
        {
            charges.push(Charge {
                stream: share.stream,
                amount,
                kind,
                agreement,
            });
        }
    }
    charges.sort_by_key(|c| c.stream);
    (charges, why)
}

/// The beneficiary key. `reservation` is the stream holding the fund (the Wmo).
pub fn beneficiary_key(
    settled: Money,
    reservation: StreamCode,
    avoided: &[StreamAvoided],
) -> Result<Allocation, ChargebackError> {
    if settled.is_negative() {
        return Err(ChargebackError::NegativeCost);
    }
    check_unique(avoided.iter().map(|a| a.stream))?;
    let mut sorted: Vec<&StreamAvoided> = avoided.iter().collect();
    sorted.sort_by_key(|a| a.stream);
    let can_bear = |a: &StreamAvoided| a.kind == StreamKind::Internal || a.agreement.is_some();
    let not_charged: Vec<StreamCode> = sorted
        .iter()
        .filter(|a| !can_bear(a) && a.avoided.is_positive())
        .map(|a| a.stream)
        .collect();
    let eligible: Vec<&StreamAvoided> = sorted
        .into_iter()
        .filter(|a| can_bear(a) && a.avoided.is_positive())
        .collect();
    let weights: Vec<i64> = eligible.iter().map(|a| a.avoided.cents()).collect();
    let parts = largest_remainder(settled.cents(), &weights);
    let shares = eligible
        .iter()
        .zip(parts)
        .map(|(a, cents)| Share {
            stream: a.stream,
            kind: a.kind,
            cents,
            limit: Some(a.avoided.cents()),
            agreement: a.agreement,
        })
        .collect();
    Allocation::new(
        settled,
        reservation,
        charges_from(shares, reservation),
        not_charged,
    )
}

/// The responsibility key: the named streams with percentages summing to 100 %.
pub fn responsibility_key(
    settled: Money,
    reservation: StreamCode,
    responsible: &[ResponsibleStream],
) -> Result<Allocation, ChargebackError> {
    if settled.is_negative() {
        return Err(ChargebackError::NegativeCost);
    }
    if responsible.is_empty() {
        return Err(ChargebackError::NoStreams);
    }
    check_unique(responsible.iter().map(|r| r.stream))?;
    let total_bp: i64 = responsible
        .iter()
        .map(|r| r.percentage.basis_points())
        .sum();
    if total_bp != 10_000 {
        let shown = rust_decimal::Decimal::new(total_bp, 2).normalize();
        return Err(ChargebackError::PercentagesNotHundred(
            shown.to_string().replace('.', ","),
        ));
    }
    let mut sorted: Vec<&ResponsibleStream> = responsible.iter().collect();
    sorted.sort_by_key(|r| r.stream);
    let weights: Vec<i64> = sorted.iter().map(|r| r.percentage.basis_points()).collect();
    let parts = largest_remainder(settled.cents(), &weights);
    let shares = sorted
        .iter()
        .zip(parts)
        .map(|(r, cents)| Share {
            stream: r.stream,
            kind: r.kind,
            cents,
            limit: None,
            agreement: r.agreement,
        })
        .collect();
    let not_charged = sorted
        .iter()
        .filter(|r| r.kind == StreamKind::External && r.agreement.is_none())
        .map(|r| r.stream)
        .collect();
    Allocation::new(
        settled,
        reservation,
        charges_from(shares, reservation),
        not_charged,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn e(euros: i64) -> Money {
        Money::from_euros(euros).expect("m")
    }

    fn internal(stream: StreamCode, euros: i64) -> StreamAvoided {
        StreamAvoided {
            stream,
            kind: StreamKind::Internal,
            avoided: e(euros),
            agreement: None,
        }
    }

    #[test]
    fn largest_remainder_sums_exactly_and_breaks_ties_by_position() {
        assert_eq!(
            largest_remainder(10_000, &[1, 1, 1]),
            vec![3_334, 3_333, 3_333]
        );
        assert_eq!(largest_remainder(1, &[1, 2]), vec![0, 1]);
        assert_eq!(largest_remainder(100, &[0, 0]), vec![0, 0]);
        assert_eq!(largest_remainder(5, &[3, 0, 3]), vec![3, 0, 2]);
    }

    #[test]
    fn an_external_payer_bears_its_share_up_to_its_cap() {
        let zvw = StreamAvoided {
            stream: StreamCode::ZVW,
            kind: StreamKind::External,
            avoided: e(5_000),
            agreement: Some(AgreementTerms {
                agreement: 7,
                payer_share: Percentage::parse("50").expect("p"),
                cap_remaining: Some(e(200)),
            }),
        };
        let a = beneficiary_key(
            e(1_000),
            StreamCode::WMO,
            &[zvw, internal(StreamCode::JEUGDWET, 5_000)],
        )
        .expect("a");
        // Zvw is attributed 500, bears 50 % = 250, capped at 200; the rest stays on the Wmo.
        assert_eq!(a.charge_for(StreamCode::ZVW), e(200));
        assert_eq!(a.charge_for(StreamCode::JEUGDWET), e(500));
        assert_eq!(a.residual(), e(300));
        assert_eq!(a.charges()[1].agreement, Some(7));
        let why: Vec<(ResidualReason, i64)> = a
            .residual_parts()
            .iter()
            .map(|p| (p.reason, p.amount.cents()))
            .collect();
        assert_eq!(
            why,
            vec![
                (ResidualReason::PayerShare, 25_000),
                (ResidualReason::CapUsedUp, 5_000)
            ]
        );
    }

    #[test]
    fn responsibility_key_needs_exactly_one_hundred_percent() {
        let r = |stream, pct: &str| ResponsibleStream {
            stream,
            kind: StreamKind::Internal,
            percentage: Percentage::parse(pct).expect("p"),
            agreement: None,
        };
        let ok = responsibility_key(
            e(1_000),
            StreamCode::WMO,
            &[r(StreamCode::JEUGDWET, "70"), r(StreamCode::WMO, "30")],
        )
        .expect("ok");
        assert_eq!(ok.charge_for(StreamCode::JEUGDWET), e(700));
        assert_eq!(ok.residual(), e(300));
        assert_eq!(
            ok.residual_parts(),
            &[ResidualPart {
                stream: StreamCode::WMO,
                reason: ResidualReason::WmoShare,
                amount: e(300)
            }]
        );
        assert_eq!(
            responsibility_key(
                e(1),
                StreamCode::WMO,
                &[r(StreamCode::JEUGDWET, "70"), r(StreamCode::PARTICIPATIEWET, "40,5")]
            )
            .map_err(|e| e.to_string()),
            Err("De percentages van de verantwoordelijkheidssleutel tellen op tot 110,5 %, niet tot 100 %.".into())
        );
        // An external stream without an agreement in force: its share stays on the Wmo.
        let ext = ResponsibleStream {
            stream: StreamCode::ZVW,
            kind: StreamKind::External,
            percentage: Percentage::HUNDRED,
            agreement: None,
        };
        let none = responsibility_key(e(10), StreamCode::WMO, &[ext]).expect("allocated");
        assert!(none.charges().is_empty());
        assert_eq!(none.not_charged(), &[StreamCode::ZVW]);
        assert_eq!(none.residual_parts()[0].reason, ResidualReason::NoAgreement);
        assert_eq!(none.residual_parts()[0].amount, e(10));
        assert_eq!(
            responsibility_key(
                e(1),
                StreamCode::WMO,
                &[r(StreamCode::JEUGDWET, "50"), r(StreamCode::JEUGDWET, "50")]
            ),
            Err(ChargebackError::DuplicateStream(StreamCode::JEUGDWET))
        );
    }

    #[test]
    fn nothing_positive_means_everything_stays_on_the_wmo() {
        let a = beneficiary_key(
            e(800),
            StreamCode::WMO,
            &[internal(StreamCode::JEUGDWET, -10)],
        )
        .expect("a");
        assert!(a.charges().is_empty());
        assert_eq!(a.residual(), e(800));
        assert_eq!(
            beneficiary_key(e(-1), StreamCode::WMO, &[]),
            Err(ChargebackError::NegativeCost)
        );
    }

    fn arb_avoided() -> impl Strategy<Value = Vec<StreamAvoided>> {
        let codes = ["WMO", "PW", "JW", "WGS", "ZVW", "WLZ", "CORP"];
        prop::collection::vec(
            (
                -1_000_000i64..5_000_000,
                any::<bool>(),
                prop::option::of((0i64..=10_000, prop::option::of(0i64..2_000_000))),
            ),
            codes.len(),
        )
        .prop_map(move |rows| {
            rows.into_iter()
                .zip(codes)
                .map(|((cents, external, agreement), code)| StreamAvoided {
                    stream: StreamCode::new(code).expect("code"),
                    kind: if external && code != "WMO" {
                        StreamKind::External
                    } else {
                        StreamKind::Internal
                    },
                    avoided: Money::from_cents(cents).expect("m"),
                    agreement: agreement.map(|(bp, cap)| AgreementTerms {
                        agreement: 1,
                        payer_share: Percentage::new(rust_decimal::Decimal::new(bp, 2)).expect("p"),
                        cap_remaining: cap.map(|c| Money::from_cents(c).expect("m")),
                    }),
                })
                .collect()
        })
    }

    proptest! {
        #[test]
        fn allocations_sum_exactly_and_respect_the_caps(settled in 0i64..1_000_000_000, avoided in arb_avoided()) {
            let settled = Money::from_cents(settled).expect("m");
            let a = beneficiary_key(settled, StreamCode::WMO, &avoided).expect("alloc");
            let charged: i64 = a.charges().iter().map(|c| c.amount.cents()).sum();
            prop_assert_eq!(charged + a.residual().cents(), settled.cents());
            let explained: i64 = a.residual_parts().iter().map(|p| p.amount.cents()).sum();
            prop_assert_eq!(explained, a.residual().cents(), "every cent of the residual has its reason");
            prop_assert!(!a.residual().is_negative());
            for c in a.charges() {
                let s = avoided.iter().find(|s| s.stream == c.stream).expect("stream");
                prop_assert!(c.amount <= s.avoided, "charged more than avoided");
                prop_assert!(c.stream != StreamCode::WMO);
                if let (StreamKind::External, Some(cap)) = (s.kind, s.agreement.and_then(|t| t.cap_remaining)) {
                    prop_assert!(c.amount <= cap);
                }
                prop_assert!(s.kind == StreamKind::Internal || s.agreement.is_some());
            }
        }
    }
}
