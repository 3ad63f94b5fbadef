//! The responsibility key (*verantwoordelijkheidssleutel*) the backoffice
//! may choose for a case instead of the beneficiary key: the streams that
//! should have paid, with percentages that make 100. Typed as `JW 60, PW 40`
//! (or `JW=60; PW=40`, `JW 60 %`, `JW 12,5`).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::chargeback::ResponsibleStream;
use crate::money::Percentage;
use crate::stream::{StreamCode, StreamKind, StreamRegistry};

/// One stream's share, as stored: `{"stream": "JW", "percentage": "60"}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyPart {
    pub stream: StreamCode,
    pub percentage: Percentage,
}

/// A checked key: known, active streams, each once, making 100 %. The Wmo
/// may be named: its share stays on the Wmo as residual. Whether an external
/// stream can be charged depends on the agreement in force on the settlement
/// date, which the run decides.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ResponsibilityKey(Vec<KeyPart>);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("Noem de stromen met hun percentage, bijvoorbeeld JW 60, PW 40.")]
    Empty,
    #[error("Onbekende financieringsstroom: {0}.")]
    UnknownStream(String),
    #[error("Geef voor {0} een percentage, bijvoorbeeld {0} 60.")]
    NoPercentage(StreamCode),
    #[error("Het percentage voor {0} ligt niet tussen 0 en 100 (met hoogstens twee decimalen).")]
    BadPercentage(StreamCode),
    #[error("Een aandeel van 0 % voor {0} draagt niets: laat {0} weg uit de sleutel.")]
    ZeroPercentage(StreamCode),
    #[error("{0} staat er twee keer in.")]
    Twice(StreamCode),
    #[error("De percentages tellen op tot {0}, niet tot 100.")]
    NotHundred(String),
}

impl ResponsibilityKey {
    /// Parses and checks a typed key against the configured streams.
    pub fn parse(text: &str, streams: &StreamRegistry) -> Result<ResponsibilityKey, KeyError> {
        let mut parts: Vec<KeyPart> = Vec::new();
        for part in split_parts(text) {
            let split = part
                .find(|c: char| c.is_whitespace() || c == '=' || c == ':')
                .unwrap_or(part.len());
            let (code, rest) = part.split_at(split);
            let code = code.trim().to_uppercase();
            let stream = StreamCode::new(&code)
                .ok()
                .and_then(|c| streams.get_active(c).ok())
                .ok_or_else(|| KeyError::UnknownStream(code.clone()))?;
            let number =
                rest.trim_start_matches(|c: char| c.is_whitespace() || c == '=' || c == ':');
            if number.trim().is_empty() {
                return Err(KeyError::NoPercentage(stream.code));
            }
            let percentage =
                Percentage::parse(number).map_err(|_| KeyError::BadPercentage(stream.code))?;
            if percentage == Percentage::ZERO {
                return Err(KeyError::ZeroPercentage(stream.code));
            }
            if parts.iter().any(|p| p.stream == stream.code) {
                return Err(KeyError::Twice(stream.code));
            }
            parts.push(KeyPart {
                stream: stream.code,
                percentage,
            });
        }
        if parts.is_empty() {
            return Err(KeyError::Empty);
        }
        let sum: rust_decimal::Decimal = parts.iter().map(|p| p.percentage.value()).sum();
        if sum != rust_decimal::Decimal::ONE_HUNDRED {
            return Err(KeyError::NotHundred(
                sum.normalize().to_string().replace(".", ","),
            ));
        }
        Ok(ResponsibilityKey(parts))
    }

    pub fn parts(&self) -> &[KeyPart] {
        &self.0
    }

    /// The key as the allocation uses it (the run adds the agreement terms).
    /// A stream that is no longer configured is kept as external, so without
    /// an agreement its share stays on the Wmo instead of being dropped.
    pub fn streams(&self, streams: &StreamRegistry) -> Vec<ResponsibleStream> {
        self.0
            .iter()
            .map(|p| ResponsibleStream {
                stream: p.stream,
                kind: streams
                    .get(p.stream)
                    .map_or(StreamKind::External, |s| s.kind),
                percentage: p.percentage,
                agreement: None,
            })
            .collect()
    }
}

/// The parts of a typed key: separated by `;` or by a comma that is not a
/// decimal comma (one between two digits, as in `12,5`).
fn split_parts(text: &str) -> impl Iterator<Item = &str> {
    let bytes = text.as_bytes();
    let digit = |i: Option<usize>| i.and_then(|i| bytes.get(i)).is_some_and(u8::is_ascii_digit);
    let mut start = 0;
    let mut parts = Vec::new();
    for (i, b) in bytes.iter().enumerate() {
        let separates =
            *b == b';' || (*b == b',' && !(digit(i.checked_sub(1)) && digit(Some(i + 1))));
        if separates {
            parts.push(&text[start..i]);
            start = i + 1;
        }
    }
    parts.push(&text[start..]);
    parts.into_iter().map(str::trim).filter(|p| !p.is_empty())
}

/// `JW 60, PW 40`: the form it is typed in.
impl fmt::Display for ResponsibilityKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{} {}", p.stream, p.percentage.value().normalize())?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stream::Stream;

    fn streams() -> StreamRegistry {
        let mut all: Vec<Stream> = StreamRegistry::dutch_default().iter().cloned().collect();
        for s in &mut all {
            if s.code.as_str() == "WGS" {
                s.active = false;
            }
        }
        StreamRegistry::new(all).expect("ok")
    }

    fn parse(text: &str) -> Result<String, KeyError> {
        ResponsibilityKey::parse(text, &streams()).map(|k| k.to_string())
    }

    #[test]
    fn the_forms_people_type() {
        assert_eq!(parse("JW 60, PW 40").expect("ok"), "JW 60, PW 40");
        assert_eq!(parse("jw=60; pw=40").expect("ok"), "JW 60, PW 40");
        assert_eq!(
            parse("JW: 87,5 %, PW 12,5").expect("ok"),
            "JW 87.5, PW 12.5"
        );
        assert_eq!(parse("ZVW 100").expect("ok"), "ZVW 100");
        assert_eq!(
            parse("WMO 25, JW 75").expect("ok"),
            "WMO 25, JW 75",
            "the Wmo may keep a share"
        );
    }

    #[test]
    fn every_mistake_says_what_is_wrong() {
        assert_eq!(parse(""), Err(KeyError::Empty));
        assert_eq!(parse(" , ;"), Err(KeyError::Empty));
        assert_eq!(parse("XX 100"), Err(KeyError::UnknownStream("XX".into())));
        assert_eq!(
            parse("WGS 100"),
            Err(KeyError::UnknownStream("WGS".into())),
            "inactive"
        );
        assert_eq!(
            parse("JW"),
            Err(KeyError::NoPercentage(StreamCode::JEUGDWET))
        );
        assert_eq!(
            parse("JW 0, PW 100"),
            Err(KeyError::ZeroPercentage(StreamCode::JEUGDWET))
        );
        assert_eq!(
            parse("JW 0,00, PW 100").map_err(|e| e.to_string()),
            Err("Een aandeel van 0 % voor JW draagt niets: laat JW weg uit de sleutel.".into())
        );
        assert_eq!(
            parse("JW 101"),
            Err(KeyError::BadPercentage(StreamCode::JEUGDWET))
        );
        assert_eq!(
            parse("JW 33,333, PW 66,667"),
            Err(KeyError::BadPercentage(StreamCode::JEUGDWET))
        );
        assert_eq!(
            parse("JW abc"),
            Err(KeyError::BadPercentage(StreamCode::JEUGDWET))
        );
        assert_eq!(
            parse("JW 50, jw 50"),
            Err(KeyError::Twice(StreamCode::JEUGDWET))
        );
        assert_eq!(
            parse("JW 60, PW 30"),
            Err(KeyError::NotHundred("90".into()))
        );
        assert_eq!(
            parse("JW 60, PW 50,5"),
            Err(KeyError::NotHundred("110,5".into())),
            "above 100 the real total is named"
        );
        assert_eq!(
            KeyError::NotHundred("90".into()).to_string(),
            "De percentages tellen op tot 90, niet tot 100."
        );
    }

    #[test]
    fn stored_form_is_stable() {
        let key = ResponsibilityKey::parse("JW 60, PW 40", &streams()).expect("ok");
        let json = serde_json::to_string(&key).expect("ok");
        assert_eq!(
            json,
            r#"[{"stream":"JW","percentage":"60"},{"stream":"PW","percentage":"40"}]"#
        );
        assert_eq!(
            serde_json::from_str::<ResponsibilityKey>(&json).expect("ok"),
            key
        );
    }

    #[test]
    fn streams_carry_their_kind() {
        let key = ResponsibilityKey::parse("ZVW 50, JW 50", &streams()).expect("ok");
        let resolved = key.streams(&streams());
        assert_eq!(resolved[0].kind, StreamKind::External);
        assert_eq!(resolved[1].kind, StreamKind::Internal);
    }
}
