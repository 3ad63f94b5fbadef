//! Detection of BSN-like numbers in free text (privacy, AVG).
//!
//! A canvas describes the situation, not the person. Any nine digits that pass
//! the eleven-test are refused, written together (`123456782`) or in groups
//! (`1234 56 782`, `123.456.782`, `123-456-782`), also when the groups are
//! joined by a non-breaking, narrow or thin space or an en or em dash, and
//! when the digits are full-width (`１２３４５６７８２`).
//!
//! Digits are read in maximal blocks. Blocks joined by a dot or a dash are one
//! number (`1.234.567.890`, `12-03-2024`); numbers joined by a space may be
//! one written in groups. A candidate is one number, or consecutive numbers
//! joined by spaces, holding exactly nine digits — so a longer number (an
//! IBAN, a phone number, an amount in the billions) is never cut to make a
//! match, and a date is never counted in: `op 12-03-2024 1.234 euro` is
//! a date and an amount.

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error(
    "De tekst bevat een nummer van negen cijfers dat een BSN kan zijn. Schrijf het zonder BSN, naam of adres."
)]
pub struct BsnFound {
    /// 1-based position (in characters) of the first digit.
    pub position: usize,
}

/// The eleven-test (*elfproef*) for a BSN: 9·d1 + 8·d2 + … + 2·d8 − 1·d9 is a
/// multiple of 11. All zeros is not a BSN.
pub fn passes_eleven_test(digits: &[u8; 9]) -> bool {
    if digits.iter().all(|&d| d == 0) {
        return false;
    }
    let weighted: i32 = digits[..8]
        .iter()
        .zip((2..=9).rev())
        .map(|(&d, w)| i32::from(d) * w)
        .sum();
    (weighted - i32::from(digits[8])) % 11 == 0
}

/// The value of an ASCII or full-width digit.
fn digit(c: char) -> Option<u8> {
    match c {
        '0'..='9' => Some(c as u8 - b'0'),
        '\u{FF10}'..='\u{FF19}' => u8::try_from(u32::from(c) - 0xFF10).ok(),
        _ => None,
    }
}

/// A space that may stand between the groups of one written number.
fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\u{A0}' | '\u{202F}' | '\u{2009}')
}

/// A dot or dash binds blocks into one number.
fn is_binder(c: char) -> bool {
    matches!(
        c,
        '.' | '-' | '\u{2010}' | '\u{2011}' | '\u{2013}' | '\u{2014}'
    )
}

/// One number: digit blocks joined by dots or dashes.
struct Number {
    start: usize,
    blocks: Vec<Vec<u8>>,
}

impl Number {
    fn digits(&self) -> usize {
        self.blocks.iter().map(Vec::len).sum()
    }

    /// `12-03-2024`, `12.3.2024`, `2024-03-12`: a day, a month and a year.
    fn is_date(&self) -> bool {
        let sizes: Vec<usize> = self.blocks.iter().map(Vec::len).collect();
        matches!(sizes.as_slice(), [1 | 2, 1 | 2, 4] | [4, 1 | 2, 1 | 2])
    }
}

/// Finds the first BSN-like number.
pub fn find_bsn(text: &str) -> Option<BsnFound> {
    let chars: Vec<char> = text.chars().collect();
    let joins = |i: usize, accept: fn(char) -> bool| {
        i + 1 < chars.len() && accept(chars[i]) && digit(chars[i + 1]).is_some()
    };
    let mut i = 0;
    while i < chars.len() {
        if digit(chars[i]).is_none() {
            i += 1;
            continue;
        }
        // A run: numbers joined by single spaces.
        let mut numbers: Vec<Number> = Vec::new();
        loop {
            let mut number = Number {
                start: i,
                blocks: Vec::new(),
            };
            loop {
                let mut block = Vec::new();
                while let Some(d) = chars.get(i).copied().and_then(digit) {
                    block.push(d);
                    i += 1;
                }
                number.blocks.push(block);
                if !joins(i, is_binder) {
                    break;
                }
                i += 1;
            }
            numbers.push(number);
            if !joins(i, is_space) {
                break;
            }
            i += 1;
        }
        if let Some(found) = candidate_in(&numbers) {
            return Some(found);
        }
    }
    None
}

fn candidate_in(numbers: &[Number]) -> Option<BsnFound> {
    for first in 0..numbers.len() {
        let mut digits: Vec<u8> = Vec::with_capacity(9);
        for number in &numbers[first..] {
            if number.is_date() {
                break;
            }
            digits.extend(number.blocks.iter().flatten());
            if digits.len() >= 9 {
                break;
            }
        }
        if numbers[first].digits() > 9 {
            continue;
        }
        if let Ok(nine) = <[u8; 9]>::try_from(digits.as_slice())
            && passes_eleven_test(&nine)
        {
            return Some(BsnFound {
                position: numbers[first].start + 1,
            });
        }
    }
    None
}

/// Refuses text containing a BSN-like number.
pub fn ensure_no_bsn(text: &str) -> Result<(), BsnFound> {
    find_bsn(text).map_or(Ok(()), Err)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn finds_a_bsn_written_together() {
        assert_eq!(
            find_bsn("BSN 123456782 is bekend"),
            Some(BsnFound { position: 5 })
        );
    }

    #[test]
    fn finds_a_bsn_in_groups() {
        assert_eq!(find_bsn("nr 1234 56 782."), Some(BsnFound { position: 4 }));
        assert_eq!(find_bsn("123.456.782"), Some(BsnFound { position: 1 }));
        assert_eq!(find_bsn("x 123-456-782"), Some(BsnFound { position: 3 }));
        assert_eq!(
            find_bsn("geboren 1980 123 456 782"),
            Some(BsnFound { position: 14 })
        );
    }

    #[test]
    fn ignores_numbers_that_fail_the_eleven_test_or_are_longer() {
        assert_eq!(find_bsn("123456789"), None);
        assert_eq!(find_bsn("bel 0612345678"), None);
        assert_eq!(find_bsn("NL91ABNA0417164300"), None);
        assert_eq!(find_bsn("1234567820"), None);
        assert_eq!(find_bsn("huur € 1.234,56 per maand sinds 12-11-2026"), None);
        assert_eq!(find_bsn("000000000"), None);
        assert_eq!(find_bsn(""), None);
    }

    #[test]
    fn finds_a_bsn_however_its_groups_are_joined_or_its_digits_written() {
        for text in [
            "nr 123\u{A0}456\u{A0}782",
            "nr 123\u{202F}456\u{202F}782",
            "nr 123\u{2013}456\u{2013}782",
            "nr 123\u{2014}456\u{2014}782",
            "nr １２３４５６７８２",
            "nr １２３ ４５６ ７８２",
        ] {
            assert_eq!(find_bsn(text), Some(BsnFound { position: 4 }), "{text:?}");
        }
    }

    #[test]
    fn a_date_or_a_longer_number_is_no_bsn() {
        // 12-03-2024 and 1.234 would make nine digits (120320241) that pass.
        assert!(passes_eleven_test(&[1, 2, 0, 3, 2, 0, 2, 4, 1]));
        assert_eq!(find_bsn("op 12-03-2024 1.234 euro"), None);
        assert_eq!(find_bsn("op 2024-03-12 1.234 euro"), None);
        // Nine digits inside a grouped longer number.
        assert_eq!(find_bsn("€ 1.123.456.782"), None);
        assert_eq!(find_bsn("ref 9-123-456-782"), None);
        // ... but a BSN after a date is still found.
        assert_eq!(
            find_bsn("op 12-03-2024 123456782"),
            Some(BsnFound { position: 15 })
        );
    }

    #[test]
    fn a_bsn_at_the_end_counts_in_characters_not_bytes() {
        assert_eq!(find_bsn("één: 111222333"), Some(BsnFound { position: 6 }));
        assert!(passes_eleven_test(&[1, 1, 1, 2, 2, 2, 3, 3, 3]));
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,200}") {
            let _ = find_bsn(&s);
        }

        #[test]
        fn every_valid_bsn_is_found_whatever_the_grouping(n in 10_000_000u32..999_999_999, sep in prop::sample::select(vec!["", " ", ".", "-", "\u{A0}", "\u{202F}", "\u{2013}", "\u{2014}"])) {
            let s = format!("{n:09}");
            let digits: Vec<u8> = s.bytes().map(|b| b - b'0').collect();
            let nine = <[u8; 9]>::try_from(digits.as_slice()).expect("nine");
            let text = format!("tekst {}{sep}{}{sep}{} eind", &s[..3], &s[3..6], &s[6..]);
            prop_assert_eq!(find_bsn(&text).is_some(), passes_eleven_test(&nine));
        }
    }
}
