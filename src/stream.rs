//! Financing streams (*financieringsstromen*).

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StreamError {
    #[error("Ongeldige code voor een financieringsstroom: '{0}' (1 tot 15 letters, cijfers of _).")]
    InvalidCode(String),
    #[error("Onbekende financieringsstroom: {0}.")]
    Unknown(StreamCode),
    #[error("De financieringsstroom {0} komt twee keer voor.")]
    Duplicate(StreamCode),
    #[error("Er moet precies één interne stroom zijn die de reservering draagt (de Wmo).")]
    ReservationStream,
}

/// A short upper-case code for a stream: `WMO`, `PW`, `JW`, `WGS`, `ZVW`.
/// Stored inline (it is `Copy`), so allocations over thousands of cases stay cheap.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct StreamCode {
    len: u8,
    bytes: [u8; 15],
}

impl StreamCode {
    pub const WMO: StreamCode = StreamCode::from_static("WMO");
    pub const PARTICIPATIEWET: StreamCode = StreamCode::from_static("PW");
    pub const JEUGDWET: StreamCode = StreamCode::from_static("JW");
    pub const WGS: StreamCode = StreamCode::from_static("WGS");
    pub const ZVW: StreamCode = StreamCode::from_static("ZVW");
    pub const WLZ: StreamCode = StreamCode::from_static("WLZ");

    /// For compile-time constants; an invalid code is a compile error in const context.
    pub const fn from_static(code: &'static str) -> StreamCode {
        let src = code.as_bytes();
        assert!(!src.is_empty() && src.len() <= 15);
        let mut bytes = [0u8; 15];
        let mut i = 0;
        while i < src.len() {
            assert!(src[i].is_ascii_uppercase() || src[i].is_ascii_digit() || src[i] == b'_');
            bytes[i] = src[i];
            i += 1;
        }
        StreamCode {
            len: src.len() as u8,
            bytes,
        }
    }

    /// Accepts letters, digits and `_`; lower case is folded to upper case.
    pub fn new(code: &str) -> Result<StreamCode, StreamError> {
        let code = code.trim();
        let valid = (1..=15).contains(&code.len())
            && code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
        if !valid {
            return Err(StreamError::InvalidCode(code.chars().take(40).collect()));
        }
        let mut bytes = [0u8; 15];
        for (slot, b) in bytes.iter_mut().zip(code.bytes()) {
            *slot = b.to_ascii_uppercase();
        }
        Ok(StreamCode {
            len: code.len() as u8,
            bytes,
        })
    }

    pub fn as_str(&self) -> &str {
        // Only ASCII is ever stored.
        std::str::from_utf8(&self.bytes[..usize::from(self.len)]).unwrap_or("")
    }
}

impl fmt::Display for StreamCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for StreamCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "StreamCode({})", self.as_str())
    }
}

impl TryFrom<String> for StreamCode {
    type Error = StreamError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        StreamCode::new(&value)
    }
}

impl From<StreamCode> for String {
    fn from(value: StreamCode) -> Self {
        value.as_str().to_string()
    }
}

/// Internal: a municipal budget, charged by an internal journal entry.
/// External: another party, charged by a claim, only where an agreement exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum StreamKind {
    Internal,
    External,
}

impl StreamKind {
    pub fn code(self) -> &'static str {
        match self {
            StreamKind::Internal => "internal",
            StreamKind::External => "external",
        }
    }

    pub fn from_code(code: &str) -> Option<StreamKind> {
        [StreamKind::Internal, StreamKind::External]
            .into_iter()
            .find(|k| k.code() == code)
    }

    pub fn label_nl(self) -> &'static str {
        match self {
            StreamKind::Internal => "intern",
            StreamKind::External => "extern",
        }
    }
}

/// Codes a journal export carries for a stream.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct AccountingCodes {
    /// Iv3 *taakveld*, e.g. `6.71`.
    pub taakveld: String,
    pub cost_centre: String,
    pub ledger_account: String,
}

impl AccountingCodes {
    pub fn is_complete(&self) -> bool {
        !self.taakveld.trim().is_empty()
            && !self.cost_centre.trim().is_empty()
            && !self.ledger_account.trim().is_empty()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stream {
    pub code: StreamCode,
    pub name: String,
    pub kind: StreamKind,
    pub accounting: AccountingCodes,
    /// The stream that holds the doorbraakbudget reservation (the Wmo).
    pub holds_reservation: bool,
    /// Offered in new canvases and keys; an inactive stream keeps its history.
    pub active: bool,
}

/// The configured streams, with exactly one internal reservation stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamRegistry {
    streams: BTreeMap<StreamCode, Stream>,
    reservation: StreamCode,
}

impl StreamRegistry {
    pub fn new(streams: Vec<Stream>) -> Result<StreamRegistry, StreamError> {
        let mut map = BTreeMap::new();
        for stream in streams {
            let code = stream.code;
            if map.insert(code, stream).is_some() {
                return Err(StreamError::Duplicate(code));
            }
        }
        let mut reservation = map.values().filter(|s| s.holds_reservation);
        let (Some(res), None) = (reservation.next(), reservation.next()) else {
            return Err(StreamError::ReservationStream);
        };
        if res.kind != StreamKind::Internal {
            return Err(StreamError::ReservationStream);
        }
        let reservation = res.code;
        Ok(StreamRegistry {
            streams: map,
            reservation,
        })
    }

    pub fn get(&self, code: StreamCode) -> Result<&Stream, StreamError> {
        self.streams.get(&code).ok_or(StreamError::Unknown(code))
    }

    pub fn contains(&self, code: StreamCode) -> bool {
        self.streams.contains_key(&code)
    }

    pub fn reservation(&self) -> StreamCode {
        self.reservation
    }

    pub fn iter(&self) -> impl Iterator<Item = &Stream> {
        self.streams.values()
    }

    /// The streams offered in new canvases and keys.
    pub fn active(&self) -> impl Iterator<Item = &Stream> {
        self.iter().filter(|s| s.active)
    }

    /// An active stream, or why it cannot be used.
    pub fn get_active(&self, code: StreamCode) -> Result<&Stream, StreamError> {
        self.get(code)
            .ok()
            .filter(|s| s.active)
            .ok_or(StreamError::Unknown(code))
    }

    /// The Dutch default set: Wmo (reservation), Participatiewet, Jeugdwet, WGS
    /// internal; Zvw and Wlz external.
    pub fn dutch_default() -> StreamRegistry {
        let s = |code, name: &str, kind, taakveld: &str, holds| Stream {
            code,
            name: name.to_string(),
            kind,
            accounting: AccountingCodes {
                taakveld: taakveld.to_string(),
                cost_centre: String::new(),
                ledger_account: String::new(),
            },
            holds_reservation: holds,
            active: true,
        };
        let streams = vec![
            s(StreamCode::WMO, "Wmo", StreamKind::Internal, "6.71", true),
            s(
                StreamCode::PARTICIPATIEWET,
                "Participatiewet",
                StreamKind::Internal,
                "6.3",
                false,
            ),
            s(
                StreamCode::JEUGDWET,
                "Jeugdwet",
                StreamKind::Internal,
                "6.72",
                false,
            ),
            s(
                StreamCode::WGS,
                "Schuldhulpverlening (WGS)",
                StreamKind::Internal,
                "6.3",
                false,
            ),
            s(
                StreamCode::ZVW,
                "Zorgverzekeringswet",
                StreamKind::External,
                "",
                false,
            ),
            s(
                StreamCode::WLZ,
                "Wet langdurige zorg",
                StreamKind::External,
                "",
                false,
            ),
        ];
        // The set above is valid by construction; a failure here is a programming error.
        StreamRegistry::new(streams).unwrap_or_else(|_| unreachable!("default streams are valid"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_validated_and_folded_to_upper_case() {
        assert_eq!(StreamCode::new("zvw"), Ok(StreamCode::ZVW));
        assert!(StreamCode::new("").is_err());
        assert!(StreamCode::new("toolongforastreamcode").is_err());
        assert!(StreamCode::new("W M O").is_err());
        assert_eq!(StreamCode::WGS.to_string(), "WGS");
    }

    #[test]
    fn registry_needs_exactly_one_internal_reservation_stream() {
        let registry = StreamRegistry::dutch_default();
        assert_eq!(registry.reservation(), StreamCode::WMO);
        let mut streams: Vec<Stream> = registry.iter().cloned().collect();
        streams[1].holds_reservation = true;
        assert_eq!(
            StreamRegistry::new(streams),
            Err(StreamError::ReservationStream)
        );
        assert!(matches!(
            registry.get(StreamCode::new("XYZ").expect("code")),
            Err(StreamError::Unknown(_))
        ));
    }
}
