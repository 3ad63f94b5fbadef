//! The canvas as a form posts it (strings, as typed), and its conversion into
//! the core's `Canvas` with a message per field. Pure: the browser uses the
//! same conversion for the live return calculation.

use doorbraak::canvas::{
    Blocker, Canvas, CanvasTexts, CostLine, Horizon, Judgement, LineItem, Quantity, ScenarioLine,
    ScenarioLineFields, TriangleJudgement, ValueTriangle,
};
use doorbraak::catalogue::Unit;
use doorbraak::money::parse_plain_decimal;
use doorbraak::{Money, Percentage, StreamCode};
use serde::{Deserialize, Serialize};

use crate::error::AppError;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct LineForm {
    pub stream: String,
    pub catalogue_code: String,
    pub catalogue_name: String,
    pub description: String,
    pub reason: String,
    pub unit: String,
    pub quantity: String,
    pub unit_price: String,
    pub probability: String,
    pub start_month: String,
    pub duration: String,
}

impl LineForm {
    fn is_blank(&self) -> bool {
        [
            &self.catalogue_code,
            &self.description,
            &self.unit_price,
            &self.quantity,
        ]
        .iter()
        .all(|f| f.trim().is_empty())
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct BlockerForm {
    pub law: String,
    pub rule: String,
    pub organisation: String,
    pub description: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CostForm {
    pub description: String,
    pub supplier: String,
    pub amount: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct JudgementForm {
    /// `better`, `equal`, `worse` or empty.
    pub judgement: String,
    pub justification: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CanvasForm {
    pub horizon: String,
    pub situation: String,
    pub goal: String,
    pub providers: String,
    pub breakthrough: String,
    pub legal_basis: String,
    pub threatening_summary: String,
    pub realistic_summary: String,
    pub life_domains: Vec<String>,
    pub blockers: Vec<BlockerForm>,
    pub costs: Vec<CostForm>,
    pub threatening: Vec<LineForm>,
    pub realistic: Vec<LineForm>,
    pub legitimacy: JudgementForm,
    pub return_: JudgementForm,
    pub involvement: JudgementForm,
}

fn whole(field: &str, value: &str, label: &str) -> Result<u16, AppError> {
    value
        .trim()
        .parse::<u16>()
        .map_err(|_| AppError::invalid(field, format!("{label}: vul een heel getal in.")))
}

fn line(path: &str, f: &LineForm) -> Result<ScenarioLine, AppError> {
    let field = |name: &str| format!("{path}[{name}]");
    let stream = StreamCode::new(&f.stream)
        .map_err(|_| AppError::invalid(&field("stream"), "Kies een financieringsstroom."))?;
    let item = if f.catalogue_code.trim().is_empty() {
        LineItem::Free {
            description: f.description.trim().to_string(),
            reason: f.reason.trim().to_string(),
        }
    } else {
        LineItem::Catalogue {
            code: f.catalogue_code.trim().to_string(),
            name: f.catalogue_name.trim().to_string(),
        }
    };
    let unit = Unit::from_code(f.unit.trim())
        .ok_or_else(|| AppError::invalid(&field("unit"), "Kies een eenheid."))?;
    let quantity = parse_plain_decimal(&f.quantity)
        .ok_or_else(|| {
            AppError::invalid(
                &field("quantity"),
                "Vul een aantal in, bijvoorbeeld 2 of 1,5.",
            )
        })
        .and_then(|q| {
            Quantity::new(q).map_err(|e| AppError::invalid(&field("quantity"), e.to_string()))
        })?;
    let unit_price = Money::parse(&f.unit_price)
        .map_err(|e| AppError::invalid(&field("unit_price"), e.to_string()))?;
    let probability = match f.probability.trim() {
        "" => Percentage::HUNDRED,
        p => Percentage::parse(p)
            .map_err(|e| AppError::invalid(&field("probability"), e.to_string()))?,
    };
    let start_month = whole(&field("start_month"), &f.start_month, "Startmaand")?;
    let duration_months = match (unit, f.duration.trim()) {
        (Unit::OneOff, "") => 1,
        _ => whole(&field("duration"), &f.duration, "Looptijd")?,
    };
    ScenarioLine::new(ScenarioLineFields {
        stream,
        item,
        unit,
        quantity,
        unit_price,
        probability,
        start_month,
        duration_months,
    })
    .map_err(|e| {
        let name = match e {
            doorbraak::canvas::CanvasError::StartMonth => "start_month",
            doorbraak::canvas::CanvasError::Duration => "duration",
            doorbraak::canvas::CanvasError::NegativePrice
            | doorbraak::canvas::CanvasError::PriceTooLarge => "unit_price",
            _ => "description",
        };
        AppError::invalid(&field(name), e.to_string())
    })
}

fn judgement(field: &str, f: &JudgementForm) -> Result<Option<TriangleJudgement>, AppError> {
    let judgement = match f.judgement.trim() {
        "" => return Ok(None),
        "better" => Judgement::Better,
        "equal" => Judgement::Equal,
        "worse" => Judgement::Worse,
        _ => return Err(AppError::invalid(field, "Kies beter, gelijk of slechter.")),
    };
    Ok(Some(TriangleJudgement {
        judgement,
        justification: f.justification.trim().to_string(),
    }))
}

impl CanvasForm {
    /// The canvas this form describes; blank rows are skipped. `version` is
    /// the canvas version being edited.
    pub fn to_canvas(&self, version: u32) -> Result<Canvas, AppError> {
        let horizon = match self.horizon.trim() {
            "" => Horizon::DEFAULT,
            h => h
                .parse::<u16>()
                .ok()
                .and_then(|m| Horizon::months(m).ok())
                .ok_or_else(|| AppError::invalid("horizon", "De horizon is 1 tot 120 maanden."))?,
        };
        let lines = |name: &str, rows: &[LineForm]| -> Result<Vec<ScenarioLine>, AppError> {
            rows.iter()
                .enumerate()
                .filter(|(_, l)| !l.is_blank())
                .map(|(i, l)| line(&format!("{name}[{i}]"), l))
                .collect()
        };
        let blockers = self
            .blockers
            .iter()
            .enumerate()
            .filter(|(_, b)| !(b.rule.trim().is_empty() && b.description.trim().is_empty()))
            .map(|(i, b)| {
                let law = StreamCode::new(&b.law).map_err(|_| {
                    AppError::invalid(
                        &format!("blockers[{i}][law]"),
                        "Kies de wet waaronder het knelpunt valt.",
                    )
                })?;
                Ok(Blocker {
                    law,
                    rule: b.rule.trim().to_string(),
                    organisation: b.organisation.trim().to_string(),
                    description: b.description.trim().to_string(),
                })
            })
            .collect::<Result<Vec<_>, AppError>>()?;
        let costs = self
            .costs
            .iter()
            .enumerate()
            .filter(|(_, c)| !(c.description.trim().is_empty() && c.amount.trim().is_empty()))
            .map(|(i, c)| {
                let amount = Money::parse(&c.amount).map_err(|e| {
                    AppError::invalid(&format!("costs[{i}][amount]"), e.to_string())
                })?;
                CostLine::new(&c.description, &c.supplier, amount).map_err(|e| {
                    AppError::invalid(&format!("costs[{i}][description]"), e.to_string())
                })
            })
            .collect::<Result<Vec<_>, AppError>>()?;
        let canvas = Canvas {
            version,
            horizon,
            texts: CanvasTexts {
                situation: self.situation.trim().to_string(),
                goal: self.goal.trim().to_string(),
                providers: self.providers.trim().to_string(),
                breakthrough: self.breakthrough.trim().to_string(),
                legal_basis: self.legal_basis.trim().to_string(),
                threatening_summary: self.threatening_summary.trim().to_string(),
                realistic_summary: self.realistic_summary.trim().to_string(),
            },
            life_domains: self
                .life_domains
                .iter()
                .map(|d| d.trim().to_string())
                .filter(|d| !d.is_empty())
                .collect(),
            blockers,
            threatening: lines("threatening", &self.threatening)?,
            realistic: lines("realistic", &self.realistic)?,
            costs,
            triangle: ValueTriangle {
                legitimacy: judgement("legitimacy", &self.legitimacy)?,
                return_: judgement("return_", &self.return_)?,
                involvement: judgement("involvement", &self.involvement)?,
            },
        };
        canvas.check_privacy().map_err(|e| {
            let field = match &e {
                doorbraak::canvas::CanvasError::Privacy { field, .. }
                | doorbraak::canvas::CanvasError::TextTooLong { field } => field_for_label(field),
                _ => "situation",
            };
            AppError::invalid(field, e.to_string())
        })?;
        canvas
            .check_size()
            .map_err(|e| AppError::invalid("threatening", e.to_string()))?;
        Ok(canvas)
    }
}

/// The form field behind a label the core names in a privacy error.
fn field_for_label(label: &str) -> &'static str {
    match label {
        "perspectief" => "goal",
        "betrokken hulpverlening" => "providers",
        "doorbraak" => "breakthrough",
        "wettelijke grondslag" => "legal_basis",
        "dreigend scenario" => "threatening_summary",
        "reëel scenario" => "realistic_summary",
        "knelpunt" => "blockers",
        "waardendriehoek" => "legitimacy",
        "leefgebied" => "life_domains",
        _ => "situation",
    }
}

/// What the catalogue knows of an item, to fill a line's blank fields.
pub struct CatalogueDefaults {
    pub name: String,
    /// None for a multi-stream item: the professional chooses among `choices`.
    pub stream: Option<String>,
    pub choices: Vec<String>,
    pub unit: String,
    pub price: Option<Money>,
}

impl CanvasForm {
    /// A line with a multi-stream item must name one of the item's streams:
    /// it is never booked on the Wmo by default. The error names the line
    /// (`threatening[0][stream]`) and the streams to choose from.
    pub fn check_chosen_streams(
        &self,
        lookup: impl Fn(&str) -> Option<CatalogueDefaults>,
    ) -> Result<(), AppError> {
        for (scenario, lines) in [
            ("threatening", &self.threatening),
            ("realistic", &self.realistic),
        ] {
            for (i, line) in lines.iter().enumerate() {
                let Some(item) = lookup(line.catalogue_code.trim()) else {
                    continue;
                };
                let chosen = line.stream.trim().to_uppercase();
                if item.stream.is_none() && !item.choices.contains(&chosen) {
                    return Err(AppError::invalid(
                        &format!("{scenario}[{i}][stream]"),
                        format!(
                            "Kies de financieringsstroom voor {}: deze kosten vallen onder meerdere wetten ({}).",
                            line.catalogue_code.trim(),
                            item.choices.join(", ")
                        ),
                    ));
                }
            }
        }
        Ok(())
    }

    /// A catalogue line with blank fields takes the catalogue's name, stream,
    /// unit and price (and quantity 1 from month 1): choosing an item is enough.
    /// The server does this before saving, the browser before its live calculation.
    pub fn fill_from_catalogue(&mut self, lookup: impl Fn(&str) -> Option<CatalogueDefaults>) {
        for line in self.threatening.iter_mut().chain(self.realistic.iter_mut()) {
            let Some(item) = lookup(line.catalogue_code.trim()) else {
                continue;
            };
            line.catalogue_name = item.name;
            let fill = |field: &mut String, value: String| {
                if field.trim().is_empty() {
                    *field = value;
                }
            };
            if let Some(stream) = item.stream {
                fill(&mut line.stream, stream);
            }
            fill(&mut line.unit, item.unit);
            if let Some(price) = item.price {
                fill(&mut line.unit_price, price.to_input_string());
            }
            fill(&mut line.quantity, "1".into());
            fill(&mut line.start_month, "1".into());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filled() -> CanvasForm {
        CanvasForm {
            situation: "Huurachterstand".into(),
            threatening: vec![LineForm {
                stream: "WMO".into(),
                catalogue_code: "WMO-02".into(),
                catalogue_name: "Opvang per nacht".into(),
                unit: "day".into(),
                quantity: "1".into(),
                unit_price: "41".into(),
                start_month: "3".into(),
                duration: "10".into(),
                ..LineForm::default()
            }],
            costs: vec![CostForm {
                description: "Huurschuld aflossen".into(),
                supplier: "Corporatie".into(),
                amount: "2.500,00".into(),
            }],
            ..CanvasForm::default()
        }
    }

    #[test]
    fn a_filled_form_becomes_a_canvas_and_blank_rows_are_skipped() {
        let mut form = filled();
        form.realistic.push(LineForm::default());
        let canvas = form.to_canvas(1).expect("canvas");
        assert_eq!(canvas.threatening.len(), 1);
        assert!(canvas.realistic.is_empty());
        assert_eq!(canvas.investment().ok(), Money::parse("2500").ok());
    }

    #[test]
    fn errors_name_the_field_they_belong_to() {
        let mut form = filled();
        form.threatening[0].probability = "150".into();
        let err = form.to_canvas(1).expect_err("refused");
        assert!(
            err.for_field("threatening[0][probability]").is_some(),
            "{err:?}"
        );
        let mut form = filled();
        form.costs[0].amount = "12,345".into();
        assert!(
            form.to_canvas(1)
                .expect_err("refused")
                .for_field("costs[0][amount]")
                .is_some()
        );
        let mut form = filled();
        form.goal = "BSN 123456782".into();
        assert!(
            form.to_canvas(1)
                .expect_err("refused")
                .for_field("goal")
                .is_some()
        );
        let mut form = filled();
        form.threatening[0].duration = "0".into();
        assert!(
            form.to_canvas(1)
                .expect_err("refused")
                .for_field("threatening[0][duration]")
                .is_some()
        );
    }
}
