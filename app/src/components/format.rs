//! Dutch formats for dates and times stored as ISO text.

/// `2026-11-22…` → `22-11-2026`.
pub fn dutch_date(iso: &str) -> String {
    match (iso.get(0..4), iso.get(5..7), iso.get(8..10)) {
        (Some(y), Some(m), Some(d)) => format!("{d}-{m}-{y}"),
        _ => iso.to_string(),
    }
}

/// A stored instant in Dutch local time: `2026-11-22T06:30:00.000Z` →
/// `22-11-2026 07:30:00` (CET; CEST in summer). Text that is no instant is
/// shown as it is.
pub fn dutch_time(iso: &str) -> String {
    match iso.parse::<chrono::DateTime<chrono::Utc>>() {
        Ok(at) => doorbraak::dates::dutch_local(at)
            .format("%d-%m-%Y %H:%M:%S")
            .to_string(),
        Err(_) => dutch_date(iso),
    }
}

/// A stream as people know it: "Schuldhulpverlening (WGS)", never with its
/// code twice when the name already carries it, nor "WGS (WGS)".
pub fn stream_label(name: &str, code: &str) -> String {
    let name = name.trim();
    if name.is_empty() || name.eq_ignore_ascii_case(code) {
        code.to_string()
    } else if name.contains(&format!("({code})")) {
        name.to_string()
    } else {
        format!("{name} ({code})")
    }
}

/// A percentage as Dutch text: "83,9 %".
pub use crate::model::dashboard::percent;

/// An amount in cents as Dutch money: `€ 1.234,56`.
pub fn euros(cents: i64) -> String {
    doorbraak::Money::from_cents(cents)
        .unwrap_or_default()
        .to_string()
}

/// Percent-encodes a query parameter value.
pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stream_code_is_never_doubled() {
        assert_eq!(
            stream_label("Schuldhulpverlening (WGS)", "WGS"),
            "Schuldhulpverlening (WGS)"
        );
        assert_eq!(
            stream_label("Schuldhulpverlening", "WGS"),
            "Schuldhulpverlening (WGS)"
        );
        assert_eq!(stream_label("WMO", "WMO"), "WMO");
    }

    #[test]
    fn iso_becomes_dutch() {
        assert_eq!(dutch_date("2026-11-22"), "22-11-2026");
        assert_eq!(
            dutch_time("2026-11-22T06:30:00.000Z"),
            "22-11-2026 07:30:00"
        );
        assert_eq!(
            dutch_time("2026-07-01T22:30:00.000Z"),
            "02-07-2026 00:30:00"
        );
        assert_eq!(dutch_date("x"), "x");
    }
}
