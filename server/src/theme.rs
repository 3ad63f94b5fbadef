//! The municipality's own look: `thema.json` in the data folder (beside the
//! database) names the municipality, points at its logo and sets NL Design
//! System colour tokens. Read once at start; a theme that does not check out
//! stops the start with a message, rather than showing a half-styled page.
//!
//! ```json
//! {
//!   "gemeente": "Gemeente Voorbeeld",
//!   "logo": "logo.svg",
//!   "kleuren": {
//!     "--doorbraak-primary": "#00689e",
//!     "--utrecht-button-primary-action-background-color": "#00689e"
//!   }
//! }
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

/// The theme file's name in the data folder.
pub const FILE: &str = "thema.json";

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeFile {
    gemeente: Option<String>,
    logo: Option<String>,
    #[serde(default)]
    kleuren: BTreeMap<String, String>,
}

/// A checked theme.
#[derive(Debug, Default, Clone)]
pub struct Theme {
    /// The municipality's name, as the header shows it.
    pub name: Option<String>,
    /// The logo's bytes and content type.
    pub logo: Option<(Vec<u8>, &'static str)>,
    /// `--token: value` pairs, checked to be colour tokens with colour values.
    pub tokens: Vec<(String, String)>,
}

impl Theme {
    /// The theme in `data_dir`, or the default look when there is none.
    pub fn load(data_dir: &Path) -> anyhow::Result<Theme> {
        let path = data_dir.join(FILE);
        if !path.exists() {
            return Ok(Theme::default());
        }
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read the theme {}", path.display()))?;
        Theme::parse(&text, data_dir)
            .with_context(|| format!("the theme {} is not valid", path.display()))
    }

    fn parse(text: &str, data_dir: &Path) -> anyhow::Result<Theme> {
        let file: ThemeFile = serde_json::from_str(text)?;
        let name = file
            .gemeente
            .map(|n| n.trim().to_string())
            .filter(|n| !n.is_empty());
        if name.as_ref().is_some_and(|n| n.chars().count() > 80) {
            bail!("\"gemeente\" is longer than 80 characters");
        }
        let logo = file
            .logo
            .map(|logo| {
                let path = PathBuf::from(&logo);
                if path.is_absolute() || path.components().count() != 1 {
                    bail!("\"logo\" must be a file name in the data folder, not {logo}");
                }
                let kind = match path.extension().and_then(|e| e.to_str()) {
                    Some("svg") => "image/svg+xml",
                    Some("png") => "image/png",
                    _ => bail!("\"logo\" must be an .svg or .png file, not {logo}"),
                };
                let bytes = std::fs::read(data_dir.join(&path))
                    .with_context(|| format!("cannot read the logo {logo}"))?;
                if bytes.len() > 512 * 1024 {
                    bail!("the logo {logo} is larger than 512 KB");
                }
                Ok((bytes, kind))
            })
            .transpose()?;
        let mut tokens = Vec::new();
        for (token, value) in file.kleuren {
            if !is_token(&token) {
                bail!(
                    "{token} is not a colour token (--utrecht-…, --nl-…, --denhaag-… or --doorbraak-…, letters, digits and dashes)"
                );
            }
            if !is_colour(&value) {
                bail!("{token}: {value} is not a colour (#rgb, #rrggbb, rgb(…) or hsl(…))");
            }
            tokens.push((token, value.trim().to_string()));
        }
        Ok(Theme { name, logo, tokens })
    }

    /// The tokens as a stylesheet that comes after the application's own.
    pub fn css(&self) -> String {
        if self.tokens.is_empty() {
            return String::new();
        }
        let body: Vec<String> = self
            .tokens
            .iter()
            .map(|(k, v)| format!("{k}:{v}"))
            .collect();
        format!(".utrecht-theme{{{}}}\n", body.join(";"))
    }
}

fn is_token(name: &str) -> bool {
    ["--utrecht-", "--nl-", "--denhaag-", "--doorbraak-"]
        .iter()
        .any(|p| name.starts_with(p))
        && name.len() <= 100
        && name[2..]
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// A colour value and nothing else: no `;`, `}` or `url(` can get through.
fn is_colour(value: &str) -> bool {
    let v = value.trim();
    let hex = |s: &str| s.chars().all(|c| c.is_ascii_hexdigit());
    if let Some(h) = v.strip_prefix('#') {
        return matches!(h.len(), 3 | 4 | 6 | 8) && hex(h);
    }
    for f in ["rgb(", "rgba(", "hsl(", "hsla("] {
        if let Some(inner) = v.strip_prefix(f).and_then(|r| r.strip_suffix(')')) {
            return inner
                .chars()
                .all(|c| c.is_ascii_digit() || " ,./%deg".contains(c));
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_theme_sets_name_logo_and_colour_tokens_and_nothing_else() {
        let dir = tempfile::tempdir().expect("dir");
        std::fs::write(dir.path().join("logo.svg"), "<svg/>").expect("logo");
        let theme = Theme::parse(
            r##"{"gemeente":"Gemeente Voorbeeld","logo":"logo.svg","kleuren":{"--doorbraak-primary":"#00689e","--utrecht-link-color":"rgb(0, 80, 120)"}}"##,
            dir.path(),
        )
        .expect("theme");
        assert_eq!(theme.name.as_deref(), Some("Gemeente Voorbeeld"));
        assert_eq!(theme.logo.as_ref().map(|l| l.1), Some("image/svg+xml"));
        assert_eq!(
            theme.css(),
            ".utrecht-theme{--doorbraak-primary:#00689e;--utrecht-link-color:rgb(0, 80, 120)}\n"
        );
        for bad in [
            r##"{"kleuren":{"--doorbraak-primary":"red;} body{display:none"}}"##,
            r##"{"kleuren":{"--doorbraak-primary":"url(x)"}}"##,
            r##"{"kleuren":{"color":"#fff"}}"##,
            r##"{"logo":"../geheim.svg"}"##,
            r##"{"logo":"logo.gif"}"##,
            r##"{"kleur":{}}"##,
        ] {
            assert!(Theme::parse(bad, dir.path()).is_err(), "{bad}");
        }
        assert!(Theme::load(dir.path()).expect("no file").tokens.is_empty());
    }
}
