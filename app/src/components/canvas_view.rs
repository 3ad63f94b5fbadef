//! A canvas version, read-only and whole: what an approver decides on and
//! what goes into the file (the page prints as the canvas document).

use doorbraak::canvas::{Canvas, Horizon, Judgement, ScenarioLine, TriangleJudgement};
use doorbraak::returns::{ReturnCalculation, line_total};
use leptos::prelude::*;

use crate::components::returns::ReturnTable;
use crate::components::table::DataTable;
use crate::model::StreamNames;

fn judgement_nl(j: Judgement) -> &'static str {
    match j {
        Judgement::Better => "Beter",
        Judgement::Equal => "Gelijk",
        Judgement::Worse => "Slechter",
    }
}

fn scenario_rows(
    lines: &[ScenarioLine],
    horizon: Horizon,
    names: &StreamNames,
) -> impl IntoView + use<> {
    lines
        .iter()
        .map(|l| {
            let total = line_total(l, horizon)
                .map(|t| t.to_string())
                .unwrap_or_else(|_| "te groot".to_string());
            let end = l.start_month() + l.duration_months() - 1;
            let item = match l.item() {
                doorbraak::canvas::LineItem::Catalogue { code, name } => format!("{name} ({code})"),
                doorbraak::canvas::LineItem::Free {
                    description,
                    reason,
                } => format!("{description} (vrij item: {reason})"),
            };
            view! {
                <tr class="utrecht-table__row">
                    <td class="utrecht-table__cell">{item}</td>
                    <td class="utrecht-table__cell">{names.name(&l.stream().to_string())}</td>
                    <td class="utrecht-table__cell">{l.unit().label_nl()}</td>
                    <td class="utrecht-table__cell utrecht-table__cell--numeric">{l.quantity().to_string()}</td>
                    <td class="utrecht-table__cell utrecht-table__cell--numeric">{l.unit_price().to_string()}</td>
                    <td class="utrecht-table__cell utrecht-table__cell--numeric">{l.probability().to_string()}</td>
                    <td class="utrecht-table__cell">{format!("{} t/m {}", l.start_month(), end)}</td>
                    <td class="utrecht-table__cell utrecht-table__cell--numeric">{total}</td>
                </tr>
            }
        })
        .collect_view()
}

const LINE_HEADERS: &[&str] = &[
    "Item",
    "Stroom",
    "Eenheid",
    "Aantal",
    "Prijs",
    "Kans",
    "Maanden",
    "Regeltotaal",
];

/// A scenario's lines with their totals.
#[component]
pub fn Scenario(
    title: &'static str,
    summary: String,
    lines: Vec<ScenarioLine>,
    horizon: Horizon,
    #[prop(optional)] names: StreamNames,
) -> impl IntoView {
    view! {
        <h3 class="utrecht-heading-3">{title}</h3>
        {(!summary.trim().is_empty()).then(|| view! { <p class="utrecht-paragraph">{summary}</p> })}
        {if lines.is_empty() {
            view! { <p class="utrecht-paragraph">"Geen regels."</p> }.into_any()
        } else {
            view! { <DataTable caption=format!("{title}: {} regels", lines.len()) headers=LINE_HEADERS>{scenario_rows(&lines, horizon, &names)}</DataTable> }.into_any()
        }}
    }
}

/// Every part of a canvas version: texts, knelpunten, both scenarios with
/// their line totals, the cost lines, the value triangle and the return.
#[component]
pub fn CanvasDocument(
    canvas: Canvas,
    calculation: Option<ReturnCalculation>,
    /// Stream names by code; without them the code is shown.
    #[prop(optional)]
    names: StreamNames,
) -> impl IntoView {
    let t = canvas.texts.clone();
    let texts = [
        ("Situatie", t.situation),
        ("Perspectief van het huishouden", t.goal),
        ("Betrokken hulpverlening", t.providers),
        ("Voorgestelde doorbraak", t.breakthrough),
        ("Wettelijke grondslag", t.legal_basis),
    ]
    .into_iter()
    .map(|(label, text)| {
        let text = if text.trim().is_empty() {
            "—".to_string()
        } else {
            text
        };
        view! { <dt>{label}</dt><dd>{text}</dd> }
    })
    .collect_view();
    let domains = if canvas.life_domains.is_empty() {
        "—".to_string()
    } else {
        canvas.life_domains.join(", ")
    };
    let blockers = canvas
        .blockers
        .iter()
        .map(|b| {
            view! {
                <tr class="utrecht-table__row">
                    <td class="utrecht-table__cell">{names.name(&b.law.to_string())}</td>
                    <td class="utrecht-table__cell">{b.rule.clone()}</td>
                    <td class="utrecht-table__cell">{b.organisation.clone()}</td>
                    <td class="utrecht-table__cell">{b.category.map_or("—", |c| c.label_nl())}</td>
                    <td class="utrecht-table__cell">{b.description.clone()}</td>
                </tr>
            }
        })
        .collect_view();
    let costs = canvas
        .costs
        .iter()
        .map(|c| view! {
            <tr class="utrecht-table__row">
                <td class="utrecht-table__cell">{c.description.clone()}</td>
                <td class="utrecht-table__cell">{if c.supplier.is_empty() { "—".to_string() } else { c.supplier.clone() }}</td>
                <td class="utrecht-table__cell utrecht-table__cell--numeric">{c.amount.to_string()}</td>
            </tr>
        })
        .collect_view();
    let investment = canvas
        .investment()
        .map(|i| i.to_string())
        .unwrap_or_else(|_| "te groot".to_string());
    let corner = |label: &'static str, j: &Option<TriangleJudgement>| {
        let (judged, why) = match j {
            Some(j) => (judgement_nl(j.judgement), j.justification.clone()),
            None => ("Niet beoordeeld", String::new()),
        };
        view! {
            <tr class="utrecht-table__row">
                <th class="utrecht-table__header-cell" scope="row">{label}</th>
                <td class="utrecht-table__cell">{judged}</td>
                <td class="utrecht-table__cell">{why}</td>
            </tr>
        }
    };
    let triangle = view! {
        {corner("Legitimiteit", &canvas.triangle.legitimacy)}
        {corner("Rendement", &canvas.triangle.return_)}
        {corner("Betrokkenheid", &canvas.triangle.involvement)}
    };
    let horizon = canvas.horizon;
    view! {
        <div class="canvas-document">
            <dl class="canvas-texts">
                {texts}
                <dt>"Leefgebieden"</dt><dd>{domains}</dd>
                <dt>"Horizon"</dt><dd>{format!("{} maanden", horizon.get())}</dd>
            </dl>
            <h3 class="utrecht-heading-3">"Knelpunten"</h3>
            {if canvas.blockers.is_empty() {
                view! { <p class="utrecht-paragraph">"Geen knelpunten."</p> }.into_any()
            } else {
                view! { <DataTable caption="Knelpunten" headers=&["Wet of regeling", "Regel of bepaling", "Organisatie", "Categorie", "Toelichting"]>{blockers}</DataTable> }.into_any()
            }}
            <Scenario title="Dreigend scenario" summary=t.threatening_summary lines=canvas.threatening.clone() horizon names=names.clone()/>
            <Scenario title="Reëel scenario" summary=t.realistic_summary lines=canvas.realistic.clone() horizon names=names.clone()/>
            <h3 class="utrecht-heading-3">"Kosten van de doorbraak"</h3>
            {if canvas.costs.is_empty() {
                view! { <p class="utrecht-paragraph">"Geen kosten."</p> }.into_any()
            } else {
                view! { <DataTable caption=format!("Kosten van de doorbraak, samen {investment}") headers=&["Kostenpost", "Leverancier", "Bedrag"]>{costs}</DataTable> }.into_any()
            }}
            <h3 class="utrecht-heading-3">"Waardendriehoek"</h3>
            <DataTable caption="Waardendriehoek: het plan tegenover het dreigende scenario" headers=&["Hoek", "Oordeel", "Toelichting"]>{triangle}</DataTable>
            <h3 class="utrecht-heading-3">"Rendement per stroom"</h3>
            {calculation.map(|calc| view! { <ReturnTable calc names=names.clone()/> })}
        </div>
    }
}
