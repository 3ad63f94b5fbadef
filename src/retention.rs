//! Retention (*bewaartermijnen*) and erasure of household data.
//!
//! Three record classes each have a term in years, with defaults from the
//! *Selectielijst gemeenten en intergemeentelijke organen 2020*. A case is
//! erased once every term that applies to it has passed: the term of its
//! household content (granted, or not granted) counted from its closing, and,
//! when money moved for it, the financial term counted from the closing of
//! the last budget year it was booked in. Erasure blanks household content;
//! amounts, codes, statuses and ledger postings stay, so every total stays.

use chrono::{Datelike, Months, NaiveDate};

/// What every erased free text becomes.
pub const ERASED: &str = "[gewist]";

/// A class of records with its own retention term.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RecordClass {
    /// Household content of a case where a breakthrough was granted.
    Granted,
    /// A canvas that was rejected or closed without a grant.
    NotGranted,
    /// Payments, charges and claims: counted from the budget year's closing.
    Financial,
}

impl RecordClass {
    pub const ALL: [RecordClass; 3] = [
        RecordClass::Granted,
        RecordClass::NotGranted,
        RecordClass::Financial,
    ];

    pub fn code(self) -> &'static str {
        match self {
            RecordClass::Granted => "granted",
            RecordClass::NotGranted => "not_granted",
            RecordClass::Financial => "financial",
        }
    }

    pub fn from_code(code: &str) -> Option<RecordClass> {
        RecordClass::ALL.into_iter().find(|c| c.code() == code)
    }

    /// The class as the administrator reads it.
    pub fn label(self) -> &'static str {
        match self {
            RecordClass::Granted => "Casus met toegekende doorbraak (inhoud over het huishouden)",
            RecordClass::NotGranted => "Afgewezen of zonder toekenning afgesloten canvas",
            RecordClass::Financial => {
                "Financiële gegevens (betalingen, terugboekingen, vorderingen)"
            }
        }
    }

    /// The class in a few words, for lists.
    pub fn short_label(self) -> &'static str {
        match self {
            RecordClass::Granted => "toegekende doorbraak",
            RecordClass::NotGranted => "afgewezen of zonder toekenning",
            RecordClass::Financial => "financieel",
        }
    }

    /// From when the term counts.
    pub fn counted_from(self) -> &'static str {
        match self {
            RecordClass::Granted | RecordClass::NotGranted => "na het afsluiten van de casus",
            RecordClass::Financial => "na het afsluiten van het begrotingsjaar",
        }
    }

    /// The default term in years.
    pub fn default_years(self) -> u8 {
        match self {
            RecordClass::Granted => 15,
            RecordClass::NotGranted => 5,
            RecordClass::Financial => 7,
        }
    }

    /// Where the default comes from.
    pub fn source(self) -> &'static str {
        match self {
            RecordClass::Granted => {
                "Selectielijst gemeenten en intergemeentelijke organen 2020: dossier over \
                 verleende maatschappelijke ondersteuning (Wmo-ondersteuningsplan), \
                 vernietigen 15 jaar na beëindiging"
            }
            RecordClass::NotGranted => {
                "Selectielijst gemeenten en intergemeentelijke organen 2020: afgewezen \
                 aanvraag of melding, vernietigen 5 jaar na de beslissing"
            }
            RecordClass::Financial => {
                "Selectielijst gemeenten en intergemeentelijke organen 2020: financiële \
                 administratie, en de fiscale bewaarplicht van 7 jaar (art. 52 AWR); \
                 vernietigen 7 jaar na het afsluiten van het begrotingsjaar"
            }
        }
    }
}

/// A retention term: whole years, at least 1 and at most 100.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Term(u8);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TermError {
    #[error("Vul een bewaartermijn in hele jaren in, bijvoorbeeld 7.")]
    NotANumber,
    #[error(
        "Een bewaartermijn is minstens 1 jaar: gegevens direct wissen kan niet via een termijn."
    )]
    TooShort,
    #[error("Een bewaartermijn is hoogstens 100 jaar.")]
    TooLong,
}

impl Term {
    pub const MAX: i64 = 100;

    pub fn years(years: i64) -> Result<Term, TermError> {
        if years < 1 {
            Err(TermError::TooShort)
        } else if years > Term::MAX {
            Err(TermError::TooLong)
        } else {
            Ok(Term(years as u8))
        }
    }

    /// A term as typed: "7", " 15 ", "-2" and "0" are read as whole years.
    pub fn parse(text: &str) -> Result<Term, TermError> {
        let years: i64 = text.trim().parse().map_err(|_| TermError::NotANumber)?;
        Term::years(years)
    }

    pub fn get(self) -> u8 {
        self.0
    }

    /// The day this term ends when counted from `from` (29 February counts
    /// to 28 February in a year without it).
    pub fn end(self, from: NaiveDate) -> NaiveDate {
        from.checked_add_months(Months::new(12 * u32::from(self.0)))
            .unwrap_or(NaiveDate::MAX)
    }
}

/// The three terms of the municipality.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Terms {
    pub granted: Term,
    pub not_granted: Term,
    pub financial: Term,
}

impl Default for Terms {
    fn default() -> Self {
        Terms {
            granted: Term(RecordClass::Granted.default_years()),
            not_granted: Term(RecordClass::NotGranted.default_years()),
            financial: Term(RecordClass::Financial.default_years()),
        }
    }
}

impl Terms {
    pub fn of(&self, class: RecordClass) -> Term {
        match class {
            RecordClass::Granted => self.granted,
            RecordClass::NotGranted => self.not_granted,
            RecordClass::Financial => self.financial,
        }
    }

    pub fn set(&mut self, class: RecordClass, term: Term) {
        match class {
            RecordClass::Granted => self.granted = term,
            RecordClass::NotGranted => self.not_granted = term,
            RecordClass::Financial => self.financial = term,
        }
    }
}

/// What retention needs to know of a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseFacts {
    /// When the case ended: closed, or rejected. None while it runs.
    pub ended_on: Option<NaiveDate>,
    /// A breakthrough was granted (the case was ever approved).
    pub granted: bool,
    /// The closing date of every budget year the case was booked in; None for
    /// a year that is not closed yet.
    pub financial_years: Vec<Option<NaiveDate>>,
    pub legal_hold: bool,
    pub erased: bool,
}

/// Whether a case's household data is erased, and why (not).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Every term passed: erase it (since the date every term had passed).
    Erase {
        since: NaiveDate,
        class: RecordClass,
    },
    /// Past its terms, but on legal hold.
    Held,
    /// A term runs until the date.
    Keep {
        until: NaiveDate,
    },
    /// The case still runs, or a budget year it was booked in is not closed.
    Open,
    AlreadyErased,
}

impl CaseFacts {
    /// The class of the case's household content.
    pub fn class(&self) -> RecordClass {
        if self.granted {
            RecordClass::Granted
        } else {
            RecordClass::NotGranted
        }
    }

    /// The day every applicable term has passed, if the case has ended and
    /// every budget year it was booked in is closed.
    pub fn erasable_from(&self, terms: &Terms) -> Option<NaiveDate> {
        let content = terms.of(self.class()).end(self.ended_on?);
        let mut last = content;
        for closed in &self.financial_years {
            last = last.max(terms.financial.end((*closed)?));
        }
        Some(last)
    }

    pub fn verdict(&self, terms: &Terms, today: NaiveDate) -> Verdict {
        if self.erased {
            return Verdict::AlreadyErased;
        }
        match self.erasable_from(terms) {
            None => Verdict::Open,
            Some(until) if until > today => Verdict::Keep { until },
            Some(_) if self.legal_hold => Verdict::Held,
            Some(since) => Verdict::Erase {
                since,
                class: self.class(),
            },
        }
    }
}

/// A date coarsened to its month (the first day of it).
pub fn month_of(date: NaiveDate) -> NaiveDate {
    date.with_day(1).unwrap_or(date)
}

/// A free text erased: an empty text stays empty, any other becomes [`ERASED`].
pub fn erased_text(text: &str) -> String {
    if text.is_empty() {
        String::new()
    } else {
        ERASED.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    fn facts(ended: Option<NaiveDate>, granted: bool, years: Vec<Option<NaiveDate>>) -> CaseFacts {
        CaseFacts {
            ended_on: ended,
            granted,
            financial_years: years,
            legal_hold: false,
            erased: false,
        }
    }

    #[test]
    fn terms_refuse_zero_negative_and_absurd_years() {
        assert_eq!(Term::parse("0"), Err(TermError::TooShort));
        assert_eq!(Term::parse("-3"), Err(TermError::TooShort));
        assert_eq!(Term::parse("101"), Err(TermError::TooLong));
        assert_eq!(Term::parse("zeven"), Err(TermError::NotANumber));
        assert_eq!(Term::parse("7,5"), Err(TermError::NotANumber));
        assert_eq!(Term::parse(" 15 ").map(Term::get), Ok(15));
    }

    #[test]
    fn a_term_counts_whole_years_and_leap_days_fall_back() {
        let t = Term::years(5).expect("term");
        assert_eq!(t.end(d(2020, 3, 31)), d(2025, 3, 31));
        assert_eq!(t.end(d(2024, 2, 29)), d(2029, 2, 28));
    }

    #[test]
    fn a_granted_case_waits_for_content_and_every_financial_year() {
        let terms = Terms::default();
        let f = facts(Some(d(2010, 6, 1)), true, vec![Some(d(2021, 3, 1))]);
        // 15 years after closing is 2025-06-01; 7 after the year's close 2028-03-01.
        assert_eq!(f.erasable_from(&terms), Some(d(2028, 3, 1)));
        assert_eq!(
            f.verdict(&terms, d(2028, 2, 29)),
            Verdict::Keep {
                until: d(2028, 3, 1)
            }
        );
        assert_eq!(
            f.verdict(&terms, d(2028, 3, 1)),
            Verdict::Erase {
                since: d(2028, 3, 1),
                class: RecordClass::Granted
            }
        );
    }

    #[test]
    fn an_open_year_or_a_running_case_keeps_everything() {
        let terms = Terms::default();
        let open_year = facts(Some(d(2000, 1, 1)), true, vec![Some(d(2001, 1, 1)), None]);
        assert_eq!(open_year.verdict(&terms, d(2100, 1, 1)), Verdict::Open);
        let running = facts(None, true, vec![]);
        assert_eq!(running.verdict(&terms, d(2100, 1, 1)), Verdict::Open);
    }

    #[test]
    fn a_rejected_case_goes_after_its_own_shorter_term() {
        let terms = Terms::default();
        let f = facts(Some(d(2019, 5, 14)), false, vec![]);
        assert_eq!(
            f.verdict(&terms, d(2024, 5, 14)),
            Verdict::Erase {
                since: d(2024, 5, 14),
                class: RecordClass::NotGranted
            }
        );
    }

    #[test]
    fn legal_hold_and_erased_cases_are_never_erased() {
        let terms = Terms::default();
        let mut f = facts(Some(d(2000, 1, 1)), false, vec![]);
        f.legal_hold = true;
        assert_eq!(f.verdict(&terms, d(2026, 1, 1)), Verdict::Held);
        f.erased = true;
        assert_eq!(f.verdict(&terms, d(2026, 1, 1)), Verdict::AlreadyErased);
    }

    #[test]
    fn shorter_terms_erase_sooner() {
        let mut terms = Terms::default();
        let f = facts(Some(d(2020, 1, 1)), true, vec![]);
        assert!(matches!(
            f.verdict(&terms, d(2026, 1, 1)),
            Verdict::Keep { .. }
        ));
        terms.set(RecordClass::Granted, Term::years(1).expect("term"));
        assert!(matches!(
            f.verdict(&terms, d(2026, 1, 1)),
            Verdict::Erase { .. }
        ));
    }

    #[test]
    fn dates_coarsen_to_their_month_and_texts_to_the_marker() {
        assert_eq!(month_of(d(2024, 2, 29)), d(2024, 2, 1));
        assert_eq!(erased_text(""), "");
        assert_eq!(erased_text("Mevrouw J. woont aan de Dorpsstraat"), ERASED);
    }
}
