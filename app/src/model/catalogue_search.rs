//! Finding catalogue items by the words a professional types ("dakloos",
//! "uithuisplaatsing", "schuld"): every word must occur in the item's code,
//! name, stream or unit, without regard to case or accents. Pure: the
//! editor's combobox runs it in the browser, the tests on the server.

use super::{CatalogueOption, StreamOption};

/// Lower case without accents: "Reëel" → "reeel".
pub fn fold(text: &str) -> String {
    text.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'á' | 'à' | 'â' | 'ä' | 'ã' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'í' | 'ì' | 'î' | 'ï' => 'i',
            'ó' | 'ò' | 'ô' | 'ö' | 'õ' => 'o',
            'ú' | 'ù' | 'û' | 'ü' => 'u',
            'ç' => 'c',
            'ñ' => 'n',
            other => other,
        })
        .collect()
}

/// The stream an item belongs to, in words: its name, or the streams to
/// choose from.
pub fn stream_words(item: &CatalogueOption, streams: &[StreamOption]) -> String {
    let name = |code: &str| {
        streams
            .iter()
            .find(|s| s.code == code)
            .map_or_else(|| code.to_string(), |s| s.name.clone())
    };
    match &item.stream {
        Some(code) => name(code),
        None => format!(
            "kies: {}",
            item.choices
                .iter()
                .map(|c| name(c))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// The items matching every word of `query`, best first, at most `limit`:
/// a code that starts with the query first, then names that start with its
/// first word, then the rest in catalogue order.
pub fn search<'a>(
    items: &'a [CatalogueOption],
    streams: &[StreamOption],
    query: &str,
    limit: usize,
) -> Vec<&'a CatalogueOption> {
    let query = fold(query);
    let words: Vec<&str> = query.split_whitespace().collect();
    if words.is_empty() {
        return Vec::new();
    }
    let mut found: Vec<(u8, usize, &CatalogueOption)> = items
        .iter()
        .enumerate()
        .filter_map(|(i, item)| {
            let code = fold(&item.code);
            let name = fold(&item.name);
            let hay = format!(
                "{code} {name} {} {} {}",
                fold(&stream_words(item, streams)),
                fold(item.stream.as_deref().unwrap_or_default()),
                fold(&item.unit_label)
            );
            words.iter().all(|w| hay.contains(w)).then(|| {
                let rank = if code.starts_with(query.trim()) {
                    0
                } else if name.starts_with(words[0]) {
                    1
                } else {
                    2
                };
                (rank, i, item)
            })
        })
        .collect();
    found.sort_by_key(|(rank, i, _)| (*rank, *i));
    found
        .into_iter()
        .take(limit)
        .map(|(_, _, item)| item)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(code: &str, name: &str, stream: Option<&str>) -> CatalogueOption {
        CatalogueOption {
            code: code.into(),
            name: name.into(),
            unit: "month".into(),
            unit_label: "per maand".into(),
            stream: stream.map(Into::into),
            choices: vec!["WMO".into(), "JW".into()],
            price: None,
        }
    }

    fn streams() -> Vec<StreamOption> {
        vec![
            StreamOption {
                code: "WMO".into(),
                name: "Wmo".into(),
                external: false,
            },
            StreamOption {
                code: "WGS".into(),
                name: "Schuldhulpverlening".into(),
                external: false,
            },
        ]
    }

    #[test]
    fn words_find_items_in_any_order_case_and_accents_aside() {
        let items = vec![
            item(
                "WMO-03",
                "Dakloosheid: maatschappelijke kosten per persoon",
                Some("WMO"),
            ),
            item("JW-10", "Uithuisplaatsing per kind", None),
            item("WGS-01", "Schuldhulpverlening per schuldgeval", Some("WGS")),
            item(
                "PW-05",
                "Beschermingsbewind, problematische schulden",
                Some("PW"),
            ),
        ];
        let s = streams();
        let codes = |q: &str| -> Vec<String> {
            search(&items, &s, q, 10)
                .iter()
                .map(|i| i.code.clone())
                .collect()
        };
        assert_eq!(codes("dakloos"), ["WMO-03"]);
        assert_eq!(codes("UITHUIS"), ["JW-10"]);
        assert_eq!(codes("schuld"), ["WGS-01", "PW-05"]);
        assert_eq!(codes("schulden bewind"), ["PW-05"]);
        assert_eq!(codes("wgs"), ["WGS-01"], "by code and stream");
        assert_eq!(codes("kind uithuis"), ["JW-10"], "words in any order");
        assert!(codes("dakloos kind").is_empty(), "every word must match");
        assert!(codes("   ").is_empty());
        assert_eq!(fold("Reëel Één"), "reeel een");
        assert_eq!(search(&items, &s, "per", 2).len(), 2, "at most the limit");
    }
}
