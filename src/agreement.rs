//! Agreements (*convenanten*) with external payers, as `domain.md` §3 has
//! them: per external stream, versions with a period, the share of its
//! attributed amount the payer bears (default 100 %), an optional yearly cap
//! and the agreement's reference. A charge uses the version in force on the
//! case's settlement date; without one the stream is not charged. Versions
//! of one stream never overlap, and a version that was used is never edited:
//! a change is a new version, so an old chargeback can always be explained.
//!
//! The yearly cap counts per version and **agreement year**: the calendar
//! year of the settlement date. It is consumed by the claims of earlier runs
//! (refused claims give their part back) and, within a run, case by case in
//! order of settlement date, then case reference.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::chargeback::AgreementTerms;
use crate::money::{Money, Percentage};
use crate::stream::StreamCode;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AgreementError {
    #[error("De einddatum ligt vóór de begindatum.")]
    Period,
    #[error("Een convenant waarin de betaler 0 % draagt, draagt niets: beëindig het convenant.")]
    ZeroShare,
    #[error("Een jaarplafond kan niet negatief zijn.")]
    NegativeCap,
    #[error("Vul het kenmerk van het convenant in (hoogstens 100 tekens).")]
    Reference,
    #[error("Alleen met een externe stroom wordt een convenant gesloten.")]
    NotExternal,
    #[error(
        "Deze periode overlapt met versie {version} ({period}). Laat de versies op elkaar aansluiten."
    )]
    Overlap { version: u32, period: String },
    #[error(
        "Versie {version} is al gebruikt voor een terugboeking en verandert niet meer. Leg een wijziging vast als nieuwe versie."
    )]
    Used { version: u32 },
    #[error(
        "Versie {version} is gebruikt tot en met {last_used}: de einddatum kan niet eerder liggen."
    )]
    EndsBeforeUse { version: u32, last_used: String },
}

/// One version of an agreement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Agreement {
    /// The stored id; a charge names the version it used by it.
    pub id: i64,
    pub stream: StreamCode,
    pub version: u32,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
    /// The share of its attributed amount the payer bears.
    pub payer_share: Percentage,
    pub yearly_cap: Option<Money>,
    /// The agreement's own reference, e.g. `CZ-2026-014`.
    pub reference: String,
}

impl Agreement {
    /// Checks the fields of a version on their own.
    pub fn check(&self) -> Result<(), AgreementError> {
        if self.valid_to.is_some_and(|to| to < self.valid_from) {
            return Err(AgreementError::Period);
        }
        if self.payer_share == Percentage::ZERO {
            return Err(AgreementError::ZeroShare);
        }
        if self.yearly_cap.is_some_and(Money::is_negative) {
            return Err(AgreementError::NegativeCap);
        }
        let reference = self.reference.trim();
        if reference.is_empty() || reference.chars().count() > 100 {
            return Err(AgreementError::Reference);
        }
        Ok(())
    }

    pub fn covers(&self, date: NaiveDate) -> bool {
        self.valid_from <= date && self.valid_to.is_none_or(|to| date <= to)
    }

    pub fn overlaps(&self, other: &Agreement) -> bool {
        let ends_before =
            |a: &Agreement, b: &Agreement| a.valid_to.is_some_and(|to| to < b.valid_from);
        !(ends_before(self, other) || ends_before(other, self))
    }

    /// `1 januari 2026 – 31 december 2026` style, in the numeric Dutch form.
    pub fn period_nl(&self) -> String {
        let from = crate::dates::dutch(self.valid_from);
        match self.valid_to {
            Some(to) => format!("{from} t/m {}", crate::dates::dutch(to)),
            None => format!("vanaf {from}"),
        }
    }
}

impl fmt::Display for Agreement {
    /// `ZVW v2 (CZ-2026-014): 50 %, geen plafond`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} v{} ({}): {}, ",
            self.stream, self.version, self.reference, self.payer_share
        )?;
        match self.yearly_cap {
            Some(cap) => write!(f, "jaarplafond {cap}"),
            None => f.write_str("geen plafond"),
        }
    }
}

/// Checks a new or changed version against the other versions of its
/// stream: the periods may not overlap. `used_until` is the last settlement
/// date a charge used the version on (none: unused); `stored` is the version
/// as it is stored now, if it exists.
pub fn check_version(
    candidate: &Agreement,
    stored: Option<&Agreement>,
    used_until: Option<NaiveDate>,
    others: &[Agreement],
) -> Result<(), AgreementError> {
    candidate.check()?;
    if let (Some(stored), Some(last)) = (stored, used_until) {
        // A used version only gets an end date (after its last use); the
        // terms that explained its charges never change.
        let only_ended = Agreement {
            valid_to: candidate.valid_to,
            ..stored.clone()
        };
        if &only_ended != candidate {
            return Err(AgreementError::Used {
                version: stored.version,
            });
        }
        if candidate.valid_to.is_some_and(|to| to < last) {
            return Err(AgreementError::EndsBeforeUse {
                version: stored.version,
                last_used: crate::dates::dutch(last),
            });
        }
    }
    if let Some(other) = others
        .iter()
        .filter(|o| o.stream == candidate.stream && o.id != candidate.id)
        .find(|o| o.overlaps(candidate))
    {
        return Err(AgreementError::Overlap {
            version: other.version,
            period: other.period_nl(),
        });
    }
    Ok(())
}

/// The version of `stream` in force on `date`, if any.
pub fn in_force(
    agreements: &[Agreement],
    stream: StreamCode,
    date: NaiveDate,
) -> Option<&Agreement> {
    agreements
        .iter()
        .filter(|a| a.stream == stream && a.covers(date))
        .max_by_key(|a| a.version)
}

/// The agreement version a claim was made under, and its agreement year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgreementUse {
    pub agreement: i64,
    pub year: i32,
}

impl AgreementUse {
    pub fn new(agreement: i64, settled_on: NaiveDate) -> AgreementUse {
        AgreementUse {
            agreement,
            year: settled_on.year(),
        }
    }
}

/// The agreements and what of their yearly caps is used, as a run consumes
/// them case by case.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Agreements {
    versions: Vec<Agreement>,
    /// Cents claimed per (agreement id, agreement year).
    used: BTreeMap<(i64, i32), i64>,
}

impl Agreements {
    /// `used`: what earlier runs claimed per (agreement id, agreement year).
    pub fn new(
        versions: Vec<Agreement>,
        used: impl IntoIterator<Item = ((i64, i32), Money)>,
    ) -> Agreements {
        Agreements {
            versions,
            used: used.into_iter().map(|(k, m)| (k, m.cents())).collect(),
        }
    }

    pub fn versions(&self) -> &[Agreement] {
        &self.versions
    }

    pub fn get(&self, id: i64) -> Option<&Agreement> {
        self.versions.iter().find(|a| a.id == id)
    }

    /// The terms a charge on `stream` settled on `date` is made under:
    /// none when no version is in force.
    pub fn terms(&self, stream: StreamCode, date: NaiveDate) -> Option<AgreementTerms> {
        let a = in_force(&self.versions, stream, date)?;
        let used = self.used.get(&(a.id, date.year())).copied().unwrap_or(0);
        Some(AgreementTerms {
            agreement: a.id,
            payer_share: a.payer_share,
            cap_remaining: a
                .yearly_cap
                .map(|cap| Money::from_cents((cap.cents() - used).max(0)).unwrap_or(Money::ZERO)),
        })
    }

    /// A claim under `agreement` for a case settled on `date` uses its cap.
    pub fn consume(&mut self, agreement: i64, date: NaiveDate, amount: Money) {
        *self.used.entry((agreement, date.year())).or_default() += amount.cents();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    fn version(
        id: i64,
        from: NaiveDate,
        to: Option<NaiveDate>,
        share: &str,
        cap: Option<i64>,
    ) -> Agreement {
        Agreement {
            id,
            stream: StreamCode::ZVW,
            version: u32::try_from(id).expect("v"),
            valid_from: from,
            valid_to: to,
            payer_share: Percentage::parse(share).expect("pct"),
            yearly_cap: cap.map(|c| Money::from_euros(c).expect("m")),
            reference: format!("CZ-{id}"),
        }
    }

    #[test]
    fn the_version_in_force_follows_the_date() {
        let all = [
            version(1, d(2025, 1, 1), Some(d(2025, 12, 31)), "100", Some(1_000)),
            version(2, d(2026, 1, 1), None, "50", None),
        ];
        assert_eq!(
            in_force(&all, StreamCode::ZVW, d(2025, 12, 31)).map(|a| a.version),
            Some(1)
        );
        assert_eq!(
            in_force(&all, StreamCode::ZVW, d(2026, 1, 1)).map(|a| a.version),
            Some(2)
        );
        assert_eq!(in_force(&all, StreamCode::ZVW, d(2024, 12, 31)), None);
        assert_eq!(in_force(&all, StreamCode::WLZ, d(2026, 6, 1)), None);
    }

    #[test]
    fn versions_of_a_stream_never_overlap() {
        let v1 = version(1, d(2025, 1, 1), None, "100", None);
        let v2 = version(2, d(2026, 1, 1), None, "50", None);
        let err = check_version(&v2, None, None, std::slice::from_ref(&v1));
        assert_eq!(
            err,
            Err(AgreementError::Overlap {
                version: 1,
                period: "vanaf 01-01-2025".into()
            })
        );
        let ended = Agreement {
            valid_to: Some(d(2025, 12, 31)),
            ..v1.clone()
        };
        assert_eq!(check_version(&v2, None, None, &[ended]), Ok(()));
        // Another stream's version is no overlap.
        let wlz = Agreement {
            stream: StreamCode::WLZ,
            ..v1
        };
        assert_eq!(check_version(&v2, None, None, &[wlz]), Ok(()));
    }

    #[test]
    fn a_used_version_is_only_ever_ended_after_its_last_use() {
        let v1 = version(1, d(2025, 1, 1), None, "100", Some(1_000));
        let used = Some(d(2025, 11, 30));
        let other_share = Agreement {
            payer_share: Percentage::parse("90").expect("pct"),
            ..v1.clone()
        };
        assert_eq!(
            check_version(&other_share, Some(&v1), used, &[]),
            Err(AgreementError::Used { version: 1 })
        );
        let too_early = Agreement {
            valid_to: Some(d(2025, 6, 30)),
            ..v1.clone()
        };
        assert!(matches!(
            check_version(&too_early, Some(&v1), used, &[]),
            Err(AgreementError::EndsBeforeUse { .. })
        ));
        let ended = Agreement {
            valid_to: Some(d(2025, 12, 31)),
            ..v1.clone()
        };
        assert_eq!(check_version(&ended, Some(&v1), used, &[]), Ok(()));
        // Unused, anything may change.
        assert_eq!(check_version(&other_share, Some(&v1), None, &[]), Ok(()));
    }

    #[test]
    fn bad_fields_are_refused() {
        let ok = version(1, d(2025, 1, 1), None, "100", None);
        let bad = |a: Agreement| a.check().expect_err("refused");
        assert_eq!(
            bad(Agreement {
                valid_to: Some(d(2024, 12, 31)),
                ..ok.clone()
            }),
            AgreementError::Period
        );
        assert_eq!(
            bad(Agreement {
                payer_share: Percentage::ZERO,
                ..ok.clone()
            }),
            AgreementError::ZeroShare
        );
        assert_eq!(
            bad(Agreement {
                yearly_cap: Some(Money::from_cents(-1).expect("m")),
                ..ok.clone()
            }),
            AgreementError::NegativeCap
        );
        assert_eq!(
            bad(Agreement {
                reference: "  ".into(),
                ..ok
            }),
            AgreementError::Reference
        );
        assert!(
            Percentage::parse("100,01").is_err(),
            "a share above 100 % never parses"
        );
    }

    #[test]
    fn the_cap_is_used_per_version_and_agreement_year() {
        let v1 = version(1, d(2025, 1, 1), None, "100", Some(1_000));
        let mut book = Agreements::new(vec![v1], [((1, 2025), Money::from_euros(300).expect("m"))]);
        let terms = book
            .terms(StreamCode::ZVW, d(2025, 5, 1))
            .expect("in force");
        assert_eq!(
            terms.cap_remaining,
            Some(Money::from_euros(700).expect("m"))
        );
        book.consume(1, d(2025, 6, 1), Money::from_euros(700).expect("m"));
        let used_up = book
            .terms(StreamCode::ZVW, d(2025, 7, 1))
            .expect("in force");
        assert_eq!(used_up.cap_remaining, Some(Money::ZERO));
        let next_year = book
            .terms(StreamCode::ZVW, d(2026, 1, 1))
            .expect("in force");
        assert_eq!(
            next_year.cap_remaining,
            Some(Money::from_euros(1_000).expect("m"))
        );
    }
}
