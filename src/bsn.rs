//! Detection of BSN-like numbers in free text (privacy, AVG).
//!
//! A canvas describes the situation, not the person. Any nine digits that pass
//! the eleven-test are refused, written together (`123456782`) or in groups
//! separated by single spaces, dots or dashes (`1234 56 782`, `123.456.782`).
//! Digits are read in maximal blocks; a candidate is one block of nine digits or
//! consecutive blocks that together hold exactly nine, so a longer number (an
//! IBAN, a phone number) is never cut in two to make a match.

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error(
    "De tekst bevat op positie {position} een nummer dat een BSN kan zijn. Beschrijf de situatie zonder BSN, naam of adres."
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

struct Block {
    start: usize,
    digits: Vec<u8>,
}

/// Finds the first BSN-like number.
pub fn find_bsn(text: &str) -> Option<BsnFound> {
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        // A run: digit blocks joined by single separators.
        let mut blocks: Vec<Block> = Vec::new();
        loop {
            let start = i;
            let mut digits = Vec::new();
            while i < chars.len() && chars[i].is_ascii_digit() {
                digits.push(chars[i] as u8 - b'0');
                i += 1;
            }
            blocks.push(Block { start, digits });
            let joined = i + 1 < chars.len()
                && matches!(chars[i], ' ' | '.' | '-')
                && chars[i + 1].is_ascii_digit();
            if !joined {
                break;
            }
            i += 1;
        }
        if let Some(found) = candidate_in(&blocks) {
            return Some(found);
        }
    }
    None
}

fn candidate_in(blocks: &[Block]) -> Option<BsnFound> {
    for first in 0..blocks.len() {
        let mut digits: Vec<u8> = Vec::with_capacity(9);
        for block in &blocks[first..] {
            digits.extend_from_slice(&block.digits);
            if digits.len() >= 9 {
                break;
            }
        }
        if let Ok(nine) = <[u8; 9]>::try_from(digits.as_slice())
            && passes_eleven_test(&nine)
        {
            return Some(BsnFound {
                position: blocks[first].start + 1,
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
        fn every_valid_bsn_is_found_whatever_the_grouping(n in 10_000_000u32..999_999_999, sep in prop::sample::select(vec!["", " ", ".", "-"])) {
            let s = format!("{n:09}");
            let digits: Vec<u8> = s.bytes().map(|b| b - b'0').collect();
            let nine = <[u8; 9]>::try_from(digits.as_slice()).expect("nine");
            let text = format!("tekst {}{sep}{}{sep}{} eind", &s[..3], &s[3..6], &s[6..]);
            prop_assert_eq!(find_bsn(&text).is_some(), passes_eleven_test(&nine));
        }
    }
}
