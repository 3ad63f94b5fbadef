//! The canvas as a form posts it (strings, as typed), and its conversion into
//! the core's `Canvas` with a message per field. Pure: the browser uses the
//! same conversion for the live return calculation.

use doorbraak::canvas::{
    Blocker, BlockerCategory, Canvas, CanvasTexts, CostLine, Horizon, Judgement, LineItem,
    Quantity, ScenarioLine, ScenarioLineFields, TriangleJudgement, ValueTriangle,
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
    /// A [`BlockerCategory`] code, or empty while not chosen.
    pub category: String,
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

/// A part of a draft that is not complete yet: it is kept in the form as
/// typed but left out of the canvas until it is complete.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// The form's field key, e.g. `threatening[1][duration]`.
    pub field: String,
    /// Where it is, in the words of the form: "Dreigend scenario, regel 2".
    pub label: String,
    pub message: String,
}

impl Problem {
    fn of(label: String, error: AppError) -> Problem {
        match error {
            AppError::Invalid { field, message } => Problem {
                field: field.unwrap_or_default(),
                label,
                message,
            },
            other => Problem {
                field: String::new(),
                label,
                message: other.to_string(),
            },
        }
    }

    /// The id of the element the problem's link goes to.
    pub fn anchor(&self) -> String {
        anchor_of(&self.field)
    }
}

/// The element id of a form field key (the editor gives its fields these ids).
pub fn anchor_of(field: &str) -> String {
    let parts: Vec<&str> = field.split(['[', ']']).filter(|p| !p.is_empty()).collect();
    match parts.as_slice() {
        [side @ ("threatening" | "realistic"), i, name] => format!("regel-{side}-{i}-{name}"),
        [side @ ("threatening" | "realistic"), i] => format!("regel-{side}-{i}-catalogue_code"),
        ["blockers", i, "law"] => format!("knelpunt-{i}-wet"),
        ["blockers", i, "category"] => format!("knelpunt-{i}-categorie"),
        ["blockers", i, ..] => format!("knelpunt-{i}-regel"),
        ["costs", i, "amount"] => format!("kosten-{i}-bedrag"),
        ["costs", i, ..] => format!("kosten-{i}-omschrijving"),
        [name, ..] => format!("veld-{name}"),
        [] => "veld-situation".to_string(),
    }
}

/// The Dutch name of a scenario side as the editor shows it.
pub fn side_label(side: &str) -> &'static str {
    match side {
        "threatening" => "Dreigend scenario",
        _ => "Reëel scenario",
    }
}

/// A draft's form as typed, kept while parts of it are incomplete.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftForm {
    pub form: CanvasForm,
    pub problems: Vec<Problem>,
}

/// A draft as far as it is complete, and what is not complete yet.
#[derive(Debug, Clone)]
pub struct Draft {
    pub canvas: Canvas,
    pub problems: Vec<Problem>,
}

impl CanvasForm {
    /// The canvas this form describes; blank rows are skipped. `version` is
    /// the canvas version being edited. Any incomplete part refuses it.
    pub fn to_canvas(&self, version: u32) -> Result<Canvas, AppError> {
        let draft = self.to_draft(version)?;
        match draft.problems.into_iter().next() {
            None => Ok(draft.canvas),
            Some(p) => Err(AppError::invalid(
                &p.field,
                format!("{}: {}", p.label, p.message),
            )),
        }
    }

    /// The canvas made of every complete part of this form, and a problem
    /// for each part left out (a line without months, a cost without a valid
    /// amount, …): a draft saves what is valid and keeps the rest as typed.
    /// Refused outright, so that nothing of it is stored: a text that may
    /// hold a BSN or is too long, and a canvas over its size limits.
    pub fn to_draft(&self, version: u32) -> Result<Draft, AppError> {
        self.to_draft_with(version, Vec::new())
    }

    /// As [`CanvasForm::to_draft`], with the problems the catalogue found
    /// ([`CanvasForm::fill_from_catalogue`]): their lines are left out too.
    pub fn to_draft_with(&self, version: u32, found: Vec<Problem>) -> Result<Draft, AppError> {
        self.check_all_texts()?;
        let mut problems = found;
        let horizon = match self.horizon.trim() {
            "" => Horizon::DEFAULT,
            h => match h.parse::<u16>().ok().and_then(|m| Horizon::months(m).ok()) {
                Some(h) => h,
                None => {
                    problems.push(Problem {
                        field: "horizon".into(),
                        label: "Horizon in maanden".into(),
                        message: "De horizon is 1 tot 120 maanden.".into(),
                    });
                    Horizon::DEFAULT
                }
            },
        };
        let mut lines = |name: &str, rows: &[LineForm]| -> Vec<ScenarioLine> {
            let mut kept = Vec::new();
            for (i, l) in rows.iter().enumerate().filter(|(_, l)| !l.is_blank()) {
                let at = format!("{name}[{i}][");
                if problems.iter().any(|p| p.field.starts_with(&at)) {
                    continue;
                }
                match line(&format!("{name}[{i}]"), l) {
                    Ok(line) => kept.push(line),
                    Err(e) => problems.push(Problem::of(
                        format!("{}, regel {}", side_label(name), i + 1),
                        e,
                    )),
                }
            }
            kept
        };
        let threatening = lines("threatening", &self.threatening);
        let realistic = lines("realistic", &self.realistic);
        let mut blockers = Vec::new();
        for (i, b) in self.blockers.iter().enumerate() {
            if b.rule.trim().is_empty() && b.description.trim().is_empty() {
                continue;
            }
            let category = match b.category.trim() {
                "" => Ok(None),
                code => BlockerCategory::from_code(code).map(Some).ok_or(()),
            };
            match (StreamCode::new(&b.law), category) {
                (Ok(law), Ok(category)) => blockers.push(Blocker {
                    law,
                    rule: b.rule.trim().to_string(),
                    organisation: b.organisation.trim().to_string(),
                    description: b.description.trim().to_string(),
                    category,
                }),
                (Err(_), _) => problems.push(Problem {
                    field: format!("blockers[{i}][law]"),
                    label: format!("Knelpunt {}", i + 1),
                    message: "Kies de wet waaronder het knelpunt valt.".into(),
                }),
                (_, Err(())) => problems.push(Problem {
                    field: format!("blockers[{i}][category]"),
                    label: format!("Knelpunt {}", i + 1),
                    message: "Kies een categorie uit de lijst.".into(),
                }),
            }
        }
        let mut costs = Vec::new();
        for (i, c) in self.costs.iter().enumerate() {
            if c.description.trim().is_empty() && c.amount.trim().is_empty() {
                continue;
            }
            let cost = Money::parse(&c.amount)
                .map_err(|e| AppError::invalid(&format!("costs[{i}][amount]"), e.to_string()))
                .and_then(|amount| {
                    CostLine::new(&c.description, &c.supplier, amount).map_err(|e| {
                        AppError::invalid(&format!("costs[{i}][description]"), e.to_string())
                    })
                });
            match cost {
                Ok(cost) => costs.push(cost),
                Err(e) => problems.push(Problem::of(format!("Kostenpost {}", i + 1), e)),
            }
        }
        let mut judged = |field: &str, label: &str, f: &JudgementForm| {
            judgement(field, f).unwrap_or_else(|e| {
                problems.push(Problem::of(label.to_string(), e));
                None
            })
        };
        let triangle = ValueTriangle {
            legitimacy: judged("legitimacy", "Legitimiteit", &self.legitimacy),
            return_: judged("return_", "Rendement", &self.return_),
            involvement: judged("involvement", "Betrokkenheid", &self.involvement),
        };
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
            threatening,
            realistic,
            costs,
            triangle,
        };
        canvas.check_privacy().map_err(|e| {
            let field = match &e {
                doorbraak::canvas::CanvasError::Privacy { field, .. }
                | doorbraak::canvas::CanvasError::TextTooLong { field } => field_for_label(field),
                _ => "situation",
            };
            AppError::invalid(field, e.to_string())
        })?;
        if CanvasForm::non_blank(&self.threatening).max(CanvasForm::non_blank(&self.realistic))
            > doorbraak::canvas::MAX_LINES
        {
            return Err(AppError::invalid(
                "threatening",
                doorbraak::canvas::CanvasError::TooManyLines.to_string(),
            ));
        }
        canvas
            .check_size()
            .map_err(|e| AppError::invalid("threatening", e.to_string()))?;
        Ok(Draft { canvas, problems })
    }

    fn non_blank(rows: &[LineForm]) -> usize {
        rows.iter().filter(|l| !l.is_blank()).count()
    }

    /// Every free text of the form, also of parts that are not complete,
    /// is checked for a BSN: an incomplete part is stored as typed.
    fn check_all_texts(&self) -> Result<(), AppError> {
        let check = |field: String, label: String, text: &str| {
            doorbraak::canvas::check_text(&label, text)
                .map_err(|e| AppError::invalid(&field, e.to_string()))
        };
        for (side, rows) in [
            ("threatening", &self.threatening),
            ("realistic", &self.realistic),
        ] {
            for (i, l) in rows.iter().enumerate() {
                let label = format!("{}, regel {}", side_label(side), i + 1);
                for (name, text) in [
                    ("description", &l.description),
                    ("reason", &l.reason),
                    ("catalogue_code", &l.catalogue_code),
                    ("quantity", &l.quantity),
                    ("unit_price", &l.unit_price),
                ] {
                    check(format!("{side}[{i}][{name}]"), label.clone(), text)?;
                }
            }
        }
        for (i, c) in self.costs.iter().enumerate() {
            let label = format!("Kostenpost {}", i + 1);
            check(
                format!("costs[{i}][description]"),
                label.clone(),
                &c.description,
            )?;
            check(
                format!("costs[{i}][description]"),
                label.clone(),
                &c.supplier,
            )?;
            check(format!("costs[{i}][amount]"), label, &c.amount)?;
        }
        for (i, b) in self.blockers.iter().enumerate() {
            let label = format!("Knelpunt {}", i + 1);
            for text in [&b.rule, &b.organisation, &b.description] {
                check(format!("blockers[{i}][rule]"), label.clone(), text)?;
            }
        }
        Ok(())
    }
}

impl LineForm {
    /// A saved line as the form shows it.
    pub fn of(l: &ScenarioLine) -> LineForm {
        let (catalogue_code, catalogue_name, description, reason) = match l.item() {
            LineItem::Catalogue { code, name } => {
                (code.clone(), name.clone(), String::new(), String::new())
            }
            LineItem::Free {
                description,
                reason,
            } => (
                String::new(),
                String::new(),
                description.clone(),
                reason.clone(),
            ),
        };
        LineForm {
            stream: l.stream().to_string(),
            catalogue_code,
            catalogue_name,
            description,
            reason,
            unit: l.unit().code().to_string(),
            quantity: l.quantity().value().to_string().replace('.', ","),
            unit_price: l.unit_price().to_input_string(),
            probability: l.probability().value().to_string().replace('.', ","),
            start_month: l.start_month().to_string(),
            duration: if l.unit() == Unit::OneOff {
                String::new()
            } else {
                l.duration_months().to_string()
            },
        }
    }
}

impl CanvasForm {
    /// A saved canvas as the form shows it: every field it has, so that
    /// saving the form again keeps them all.
    pub fn of(c: &Canvas) -> CanvasForm {
        let judged = |j: &Option<TriangleJudgement>| {
            j.as_ref()
                .map_or_else(JudgementForm::default, |j| JudgementForm {
                    judgement: match j.judgement {
                        Judgement::Better => "better",
                        Judgement::Equal => "equal",
                        Judgement::Worse => "worse",
                    }
                    .to_string(),
                    justification: j.justification.clone(),
                })
        };
        let t = &c.texts;
        CanvasForm {
            horizon: c.horizon.get().to_string(),
            situation: t.situation.clone(),
            goal: t.goal.clone(),
            providers: t.providers.clone(),
            breakthrough: t.breakthrough.clone(),
            legal_basis: t.legal_basis.clone(),
            threatening_summary: t.threatening_summary.clone(),
            realistic_summary: t.realistic_summary.clone(),
            life_domains: c.life_domains.clone(),
            blockers: c
                .blockers
                .iter()
                .map(|b| BlockerForm {
                    law: b.law.to_string(),
                    rule: b.rule.clone(),
                    organisation: b.organisation.clone(),
                    description: b.description.clone(),
                    category: b.category.map(|c| c.code().to_string()).unwrap_or_default(),
                })
                .collect(),
            costs: c
                .costs
                .iter()
                .map(|k| CostForm {
                    description: k.description.clone(),
                    supplier: k.supplier.clone(),
                    amount: k.amount.to_input_string(),
                })
                .collect(),
            threatening: c.threatening.iter().map(LineForm::of).collect(),
            realistic: c.realistic.iter().map(LineForm::of).collect(),
            legitimacy: judged(&c.triangle.legitimacy),
            return_: judged(&c.triangle.return_),
            involvement: judged(&c.triangle.involvement),
        }
    }

    /// Blank rows are not worth keeping.
    pub fn without_blank_rows(mut self) -> CanvasForm {
        self.threatening.retain(|l| !l.is_blank());
        self.realistic.retain(|l| !l.is_blank());
        self.blockers.retain(|b| {
            *b != BlockerForm::default()
                && !(b.rule.trim().is_empty()
                    && b.description.trim().is_empty()
                    && b.organisation.trim().is_empty())
        });
        self.costs.retain(|c| {
            *c != CostForm::default()
                && !(c.description.trim().is_empty()
                    && c.amount.trim().is_empty()
                    && c.supplier.trim().is_empty())
        });
        self
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
    /// A benchmark (a saving or a yield), which no line can use.
    pub benchmark: bool,
}

impl CanvasForm {
    /// A line's stream must be one the municipality has (active): a line on
    /// another is incomplete.
    /// Knelpunten under a law that is not on the list (or no longer active).
    pub fn unknown_laws(&self, known: impl Fn(&str) -> bool) -> Vec<Problem> {
        self.blockers
            .iter()
            .enumerate()
            .filter(|(_, b)| {
                let law = b.law.trim();
                !law.is_empty() && StreamCode::new(law).is_ok() && !known(law)
            })
            .map(|(i, b)| Problem {
                field: format!("blockers[{i}][law]"),
                label: format!("Knelpunt {}", i + 1),
                message: format!("Onbekende wet {}: kies er een uit de lijst.", b.law.trim()),
            })
            .collect()
    }

    pub fn unknown_streams(&self, known: impl Fn(&str) -> bool) -> Vec<Problem> {
        let mut problems = Vec::new();
        for (side, lines) in [
            ("threatening", &self.threatening),
            ("realistic", &self.realistic),
        ] {
            for (i, line) in lines.iter().enumerate() {
                let stream = line.stream.trim();
                if !stream.is_empty() && StreamCode::new(stream).is_ok() && !known(stream) {
                    problems.push(Problem {
                        field: format!("{side}[{i}][stream]"),
                        label: format!("{}, regel {}", side_label(side), i + 1),
                        message: format!(
                            "Onbekende financieringsstroom {stream}: kies er een uit de lijst."
                        ),
                    });
                }
            }
        }
        problems
    }
}

impl CatalogueDefaults {
    /// What an offered catalogue item fills in.
    pub fn of(c: &super::CatalogueOption) -> CatalogueDefaults {
        CatalogueDefaults {
            name: c.name.clone(),
            stream: c.stream.clone(),
            choices: c.choices.clone(),
            unit: c.unit.clone(),
            price: c.price,
            benchmark: false,
        }
    }
}

impl CanvasForm {
    /// Fills catalogue lines' blank fields from the catalogue — its name,
    /// stream, unit and price, and quantity 1 from month 1: choosing an item
    /// is enough. The server does this before saving, the browser before its
    /// live calculation. A line is incomplete (a problem) when its code is not
    /// in the catalogue, is a benchmark, or names an item of several streams
    /// without one of them chosen: it is never booked on the Wmo by default.
    pub fn fill_from_catalogue(
        &mut self,
        lookup: impl Fn(&str) -> Option<CatalogueDefaults>,
    ) -> Vec<Problem> {
        let mut problems = Vec::new();
        for (side, lines) in [
            ("threatening", &mut self.threatening),
            ("realistic", &mut self.realistic),
        ] {
            for (i, line) in lines.iter_mut().enumerate() {
                let code = line.catalogue_code.trim().to_string();
                if code.is_empty() {
                    continue;
                }
                let label = format!("{}, regel {}", side_label(side), i + 1);
                let mut problem = |name: &str, message: String| {
                    problems.push(Problem {
                        field: format!("{side}[{i}][{name}]"),
                        label: label.clone(),
                        message,
                    })
                };
                let Some(item) = lookup(&code) else {
                    problem(
                        "catalogue_code",
                        format!(
                            "De code {code} staat niet in de catalogus. Kies een item uit de lijst, of maak er een vrije regel van (code leeg, met omschrijving en reden)."
                        ),
                    );
                    continue;
                };
                if item.benchmark {
                    problem(
                        "catalogue_code",
                        format!(
                            "{code} is een kengetal (een besparing of opbrengst), geen eenheidsprijs: het kan geen regel in een scenario zijn."
                        ),
                    );
                    continue;
                }
                line.catalogue_name = item.name;
                let fill = |field: &mut String, value: String| {
                    if field.trim().is_empty() {
                        *field = value;
                    }
                };
                match item.stream {
                    Some(stream) => fill(&mut line.stream, stream),
                    None => {
                        let chosen = line.stream.trim().to_uppercase();
                        if !item.choices.contains(&chosen) {
                            problem(
                                "stream",
                                format!(
                                    "Kies de financieringsstroom voor {code}: deze kosten vallen onder meerdere wetten ({}).",
                                    item.choices.join(", ")
                                ),
                            );
                        }
                    }
                }
                fill(&mut line.unit, item.unit);
                if let Some(price) = item.price {
                    fill(&mut line.unit_price, price.to_input_string());
                }
                fill(&mut line.quantity, "1".into());
                fill(&mut line.start_month, "1".into());
            }
        }
        problems
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

    #[test]
    fn a_draft_keeps_what_is_complete_and_names_what_is_not() {
        let mut form = filled();
        let mut hourly = form.threatening[0].clone();
        hourly.unit = "hour".into();
        hourly.duration = String::new();
        form.threatening.push(hourly);
        form.costs.push(CostForm {
            description: "Fiets".into(),
            supplier: String::new(),
            amount: "veel".into(),
        });
        let draft = form.to_draft(1).expect("a draft");
        assert_eq!(draft.canvas.threatening.len(), 1, "the complete line stays");
        assert_eq!(draft.canvas.costs.len(), 1);
        let fields: Vec<&str> = draft.problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["threatening[1][duration]", "costs[1][amount]"]);
        assert_eq!(draft.problems[0].label, "Dreigend scenario, regel 2");
        assert_eq!(draft.problems[0].anchor(), "regel-threatening-1-duration");
        assert_eq!(draft.problems[1].anchor(), "kosten-1-bedrag");
        let refused = form.to_canvas(1).expect_err("incomplete");
        assert!(
            refused
                .to_string()
                .starts_with("Dreigend scenario, regel 2"),
            "{refused}"
        );
        // A BSN anywhere, complete or not, refuses the whole draft.
        form.threatening[1].description = "BSN 111222333".into();
        assert!(
            form.to_draft(1)
                .expect_err("refused")
                .for_field("threatening[1][description]")
                .is_some()
        );
    }

    #[test]
    fn a_saved_canvas_comes_back_as_the_same_form() {
        let canvas = filled().to_canvas(1).expect("canvas");
        let again = CanvasForm::of(&canvas).to_canvas(1).expect("again");
        assert_eq!(canvas, again);
    }
}
