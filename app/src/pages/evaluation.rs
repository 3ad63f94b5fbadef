//! The evaluation of a case (`/casussen/:id/evaluatie`): the professional of
//! the case's team records, per line of the frozen threatening scenario,
//! whether the cost was avoided, partly avoided or not; every recorded
//! version with realised against projected per stream; and, once
//! evaluated, closing the case (backoffice or approver). Plain forms: the
//! page works without JavaScript.

use doorbraak::Role;
use doorbraak::evaluation::GoalOutcome;
use doorbraak::lifecycle::Status;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::evaluations::{CloseCase, EvaluationView, RecordEvaluation, evaluation};
use crate::components::chart::{BarChart, Series};
use crate::components::form::{FormMessage, last_error, textarea_text};
use crate::components::format::dutch_date;
use crate::components::guard::{Guarded, or_error, role_resource};
use crate::components::table::DataTable;
use crate::error::AppError;
use crate::model::{
    RealisedOverview, RealisedRow, RecordedEvaluation, StreamFigures, occurred_input,
    occurred_words,
};

const ROLES: &[Role] = &[Role::Professional, Role::Approver, Role::Backoffice];

#[component]
pub fn EvaluationPage() -> impl IntoView {
    let id = crate::components::params::object_id();
    let record = ServerAction::<RecordEvaluation>::new();
    let close = ServerAction::<CloseCase>::new();
    let view = role_resource(
        ROLES,
        move || (id(), record.version().get(), close.version().get()),
        |(id, _, _)| evaluation(id),
    );
    view! {
        <Title text="Evaluatie"/>
        <Guarded roles=ROLES>
            <Transition fallback=|| view! { <p class="utrecht-paragraph">"Laden…"</p> }>
                {move || Suspend::new(async move {
                    or_error(view.await, |v| view! { <Evaluation v record close/> })
                })}
            </Transition>
        </Guarded>
    }
}

/// A field's error message, for fields named at run time.
fn message(error: Signal<Option<AppError>>, field: String) -> impl Fn() -> Option<AnyView> {
    move || {
        error
            .get()
            .and_then(|e| e.for_field(&field))
            .map(|m| view! { <div class="utrecht-form-field-error-message">{m}</div> }.into_any())
    }
}

/// Realised against projected per stream.
#[component]
pub fn StreamFiguresTable(
    caption: &'static str,
    streams: Vec<StreamFigures>,
    total_projected: doorbraak::Money,
    total_realised: doorbraak::Money,
) -> impl IntoView {
    let rows = streams
        .into_iter()
        .map(|s| {
            view! {
                <tr class="utrecht-table__row">
                    <th class="utrecht-table__header-cell" scope="row">{s.name}</th>
                    <td class="utrecht-table__cell utrecht-table__cell--numeric">{s.projected.to_string()}</td>
                    <td class="utrecht-table__cell utrecht-table__cell--numeric">{s.realised.to_string()}</td>
                    <td class="utrecht-table__cell utrecht-table__cell--numeric">{s.difference.to_string()}</td>
                </tr>
            }
        })
        .collect_view();
    let difference = total_realised
        .checked_sub(total_projected)
        .map(|d| d.to_string())
        .unwrap_or_default();
    view! {
        <DataTable caption headers=&["Stroom", "Verwacht vermeden", "Gerealiseerd vermeden", "Verschil"]>
            {rows}
            <tr class="utrecht-table__row total-row">
                <th class="utrecht-table__header-cell" scope="row">"Totaal"</th>
                <td class="utrecht-table__cell utrecht-table__cell--numeric">{total_projected.to_string()}</td>
                <td class="utrecht-table__cell utrecht-table__cell--numeric">{total_realised.to_string()}</td>
                <td class="utrecht-table__cell utrecht-table__cell--numeric">{difference}</td>
            </tr>
        </DataTable>
    }
}

#[component]
fn Recorded(e: RecordedEvaluation) -> impl IntoView {
    let lines = e
        .lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let occurred = occurred_words(l.outcome)
                .map(|o| format!(" (toch opgetreden: {o})"))
                .unwrap_or_default();
            view! {
                <tr class="utrecht-table__row">
                    <th class="utrecht-table__header-cell" scope="row">{format!("Regel {}", i + 1)}</th>
                    <td class="utrecht-table__cell">{format!("{}{occurred}", l.outcome.label_nl())}</td>
                    <td class="utrecht-table__cell">{l.justification.clone()}</td>
                    <td class="utrecht-table__cell utrecht-table__cell--numeric">{l.projected.to_string()}</td>
                    <td class="utrecht-table__cell utrecht-table__cell--numeric">{l.realised.to_string()}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="evaluation-version" aria-label=format!("{}, versie {}", e.moment_label(), e.version)>
            <h3 class="utrecht-heading-3">{format!("{}, versie {}", e.moment_label(), e.version)}</h3>
            <p class="utrecht-paragraph">
                {format!("Vastgelegd op {} door {}. Perspectief van het huishouden: {}.", dutch_date(&e.evaluated_on), e.by, e.goal.label_nl())}
                {(!e.goal_note.is_empty()).then(|| format!(" {}", e.goal_note))}
            </p>
            {e.reason.clone().map(|r| view! { <p class="utrecht-paragraph"><em>{format!("Reden van de correctie: {r}")}</em></p> })}
            <DataTable caption="Per regel van het dreigend scenario" headers=&["Regel", "Uitkomst", "Toelichting", "Verwacht", "Gerealiseerd vermeden"]>{lines}</DataTable>
            <StreamFiguresTable caption="Per stroom" streams=e.streams.clone() total_projected=e.total_projected total_realised=e.total_realised/>
        </section>
    }
}

#[component]
fn Evaluation(
    v: EvaluationView,
    record: ServerAction<RecordEvaluation>,
    close: ServerAction<CloseCase>,
) -> impl IntoView {
    let error = last_error(record.value());
    let close_error = last_error(close.value());
    let recorded = v
        .recorded
        .iter()
        .cloned()
        .map(|e| view! { <Recorded e/> })
        .collect_view();
    let start = v.started_on.as_deref().map_or_else(
        || "De doorbraak is nog niet gestart: er is nog niets betaald.".to_string(),
        |s| {
            format!(
                "De doorbraak startte op {} (eerste betaling).",
                dutch_date(s)
            )
        },
    );
    let due = v
        .final_due
        .as_deref()
        .map(|d| format!(" De eindevaluatie kan vanaf {}.", dutch_date(d)))
        .unwrap_or_default();
    let has_final = v.recorded.iter().any(|e| e.moment == "final");
    let moments = v
        .moments
        .iter()
        .filter(|(code, _, _)| !has_final || code == "final")
        .map(|(code, label, due)| {
            let id = format!("moment-{code}");
            let checked = code == "final";
            view! {
                <div class="utrecht-form-field utrecht-form-field--radio">
                    <input class="utrecht-radio-button utrecht-radio-button--html-input" type="radio" id=id.clone() name="evaluation[moment]" value=code.clone() checked=checked/>
                    <label class="utrecht-form-label utrecht-form-label--radio" for=id>{format!("{label} (vanaf {})", dutch_date(due))}</label>
                </div>
            }
        })
        .collect_view();
    // A correction starts from the newest final evaluation, as recorded.
    let previous = v.recorded.iter().find(|e| e.moment == "final").cloned();
    let lines = v
        .lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let before = previous.as_ref().and_then(|e| e.lines.get(i));
            let chosen = before.map(|b| b.outcome.code());
            let occurred = before.map(|b| occurred_input(b.outcome)).unwrap_or_default();
            let justification = textarea_text(before.map_or("", |b| b.justification.as_str()));
            let outcome_error = message(error, format!("lines[{i}][outcome]"));
            let occurred_error = message(error, format!("lines[{i}][occurred]"));
            let justification_error = message(error, format!("lines[{i}][justification]"));
            let radio = move |value: &'static str, label: &'static str| {
                let id = format!("regel-{i}-{value}");
                view! {
                    <div class="utrecht-form-field utrecht-form-field--radio">
                        <input class="utrecht-radio-button utrecht-radio-button--html-input" type="radio" id=id.clone() name=format!("evaluation[lines][{i}][outcome]") value=value checked=chosen == Some(value)/>
                        <label class="utrecht-form-label utrecht-form-label--radio" for=id>{label}</label>
                    </div>
                }
            };
            view! {
                <fieldset class="utrecht-form-fieldset utrecht-form-fieldset--html-fieldset evaluation-line">
                    <legend class="utrecht-form-fieldset__legend">{format!("Regel {}: {} ({}, verwacht {})", i + 1, l.description, l.stream, l.projected)}</legend>
                    {outcome_error}
                    {radio("avoided", "Vermeden")}
                    {radio("partly", "Deels vermeden")}
                    {radio("not_avoided", "Niet vermeden")}
                    <label class="utrecht-form-label" for=format!("regel-{i}-deel")>"Deel dat toch optrad (bij deels): bedrag of percentage"</label>
                    {occurred_error}
                    <input class="utrecht-textbox utrecht-textbox--html-input" id=format!("regel-{i}-deel") name=format!("evaluation[lines][{i}][occurred]") value=occurred size="12"/>
                    <label class="utrecht-form-label" for=format!("regel-{i}-toelichting")>"Toelichting (anoniem)"</label>
                    {justification_error}
                    <textarea class="utrecht-textarea utrecht-textarea--html-textarea" id=format!("regel-{i}-toelichting") name=format!("evaluation[lines][{i}][justification]") rows="2">{justification}</textarea>
                </fieldset>
            }
        })
        .collect_view();
    let goal_before = previous.as_ref().map(|e| e.goal);
    let goal_note = textarea_text(previous.as_ref().map_or("", |e| e.goal_note.as_str()));
    let goals = GoalOutcome::ALL
        .into_iter()
        .map(|g| {
            let id = format!("doel-{}", g.code());
            let checked = goal_before == Some(g);
            view! {
                <div class="utrecht-form-field utrecht-form-field--radio">
                    <input class="utrecht-radio-button utrecht-radio-button--html-input" type="radio" id=id.clone() name="evaluation[goal]" value=g.code() checked=checked/>
                    <label class="utrecht-form-label utrecht-form-label--radio" for=id>{g.label_nl()}</label>
                </div>
            }
        })
        .collect_view();
    let (id, version) = (v.case_id, v.version);
    view! {
        <h1 class="utrecht-heading-1">{format!("Evaluatie van casus {}", v.reference)}</h1>
        <p class="utrecht-paragraph"><a class="utrecht-link" href=format!("/casussen/{}", v.case_id)>"Terug naar de casus"</a></p>
        <p class="utrecht-paragraph">{format!("Status: {}. {start}{due}", v.status.label_nl())}</p>
        {v.may_record.then(|| view! {
            <h2 class="utrecht-heading-2" id="evalueren">{if has_final { "Eindevaluatie corrigeren" } else { "Evaluatie vastleggen" }}</h2>
            <p class="utrecht-paragraph">"Geef per regel van het vastgestelde dreigend scenario aan wat er gebeurde. Een vastgelegde evaluatie verandert niet meer: een correctie is een nieuwe versie, met een reden."</p>
            <ActionForm action=record attr:aria-labelledby="evalueren">
                <FormMessage error/>
                <input type="hidden" name="case_id" value=id.to_string()/>
                <input type="hidden" name="version" value=version.to_string()/>
                <fieldset class="utrecht-form-fieldset utrecht-form-fieldset--html-fieldset">
                    <legend class="utrecht-form-fieldset__legend">"Moment"</legend>
                    {message(error, "moment".into())}
                    {moments}
                </fieldset>
                {lines}
                <fieldset class="utrecht-form-fieldset utrecht-form-fieldset--html-fieldset">
                    <legend class="utrecht-form-fieldset__legend">"Heeft het huishouden zijn perspectief bereikt?"</legend>
                    {message(error, "goal".into())}
                    {goals}
                </fieldset>
                <label class="utrecht-form-label" for="veld-goal_note">"Toelichting bij het perspectief (anoniem)"</label>
                {message(error, "goal_note".into())}
                <textarea class="utrecht-textarea utrecht-textarea--html-textarea" id="veld-goal_note" name="evaluation[goal_note]" rows="3">{goal_note}</textarea>
                <label class="utrecht-form-label" for="veld-reason">"Reden van de correctie (alleen bij een correctie)"</label>
                {message(error, "reason".into())}
                <textarea class="utrecht-textarea utrecht-textarea--html-textarea" id="veld-reason" name="evaluation[reason]" rows="2"></textarea>
                <button type="submit" class="utrecht-button utrecht-button--primary-action">"Evaluatie vastleggen"</button>
            </ActionForm>
        })}
        {v.may_close.then(|| view! {
            <h2 class="utrecht-heading-2" id="afsluiten">"Casus afsluiten"</h2>
            <p class="utrecht-paragraph">"De casus is geëvalueerd. Afsluiten legt vast dat er niets meer gebeurt; de bewaartermijn gaat dan lopen."</p>
            <ActionForm action=close attr:aria-labelledby="afsluiten">
                <FormMessage error=close_error/>
                <input type="hidden" name="case_id" value=id.to_string()/>
                <input type="hidden" name="version" value=version.to_string()/>
                <button type="submit" class="utrecht-button utrecht-button--primary-action">"Casus afsluiten"</button>
            </ActionForm>
        })}
        {(v.status == Status::Closed).then(|| view! { <p class="utrecht-paragraph">"De casus is afgesloten."</p> })}
        <h2 class="utrecht-heading-2">"Vastgelegde evaluaties"</h2>
        {if v.recorded.is_empty() {
            view! { <p class="utrecht-paragraph">"Nog geen evaluaties."</p> }.into_any()
        } else {
            recorded.into_any()
        }}
        {(!v.recorded.is_empty()).then(|| view! { <p class="utrecht-paragraph utrecht-paragraph--small">{format!("{} versie(s); de nieuwste staat bovenaan.", v.recorded.len())}</p> })}
        {(v.lines.is_empty()).then(|| view! { <p class="utrecht-paragraph">"Er is nog geen vastgesteld canvas om te evalueren."</p> })}
        <p class="utrecht-paragraph utrecht-paragraph--small">"Verwacht vermeden per stroom = dreigend min reëel scenario. Gerealiseerd vermeden = wat van het dreigend scenario niet optrad, min het reëel scenario; per regel eenmaal op centen afgerond."</p>
    }
}

const OVERVIEW_ROLES: &[Role] = &[Role::Approver, Role::Backoffice, Role::Alderman];

/// Realised against projected per budget year, team and stream
/// (`/realisatie`), from each evaluated case's newest final evaluation.
#[component]
pub fn RealisedPage() -> impl IntoView {
    let rows = role_resource(
        OVERVIEW_ROLES,
        || (),
        |_| crate::api::evaluations::realised(),
    );
    view! {
        <Title text="Gerealiseerde besparingen"/>
        <Guarded roles=OVERVIEW_ROLES>
            <h1 class="utrecht-heading-1">"Gerealiseerd en verwacht"</h1>
            <p class="utrecht-paragraph">
                "Per begrotingsjaar, team en stroom: de vermeden kosten die de canvassen verwachtten en wat de evaluaties lieten zien, "
                "voor de geëvalueerde casussen. Cellen met minder dan 5 huishoudens (en cellen waaruit die terug te rekenen zijn) staan er als \u{201c}< 5\u{201d}."
            </p>
            <Transition fallback=|| view! { <p class="utrecht-paragraph">"Laden…"</p> }>
                {move || Suspend::new(async move {
                    or_error(rows.await, |v: RealisedOverview| view! { <Realised v/> })
                })}
            </Transition>
        </Guarded>
    }
}

fn realised_rows(rows: Vec<RealisedRow>) -> impl IntoView {
    let cell = |m: Option<doorbraak::Money>| m.map_or("—".to_string(), |m| m.to_string());
    rows.into_iter()
        .map(|r| {
            view! {
                <tr class="utrecht-table__row">
                    <th class="utrecht-table__header-cell" scope="row">{r.year.to_string()}</th>
                    <td class="utrecht-table__cell">{if r.team.is_empty() { "Alle teams".to_string() } else { r.team.clone() }}</td>
                    <td class="utrecht-table__cell">{r.stream.clone()}</td>
                    <td class="utrecht-table__cell utrecht-table__cell--numeric">{r.households.map_or("< 5".to_string(), |n| n.to_string())}</td>
                    <td class="utrecht-table__cell utrecht-table__cell--numeric">{cell(r.projected)}</td>
                    <td class="utrecht-table__cell utrecht-table__cell--numeric">{cell(r.realised)}</td>
                </tr>
            }
        })
        .collect_view()
}

/// The newest year as a chart (projected beside realised per stream), with
/// its table, then every year per team.
#[component]
fn Realised(v: RealisedOverview) -> impl IntoView {
    const HEADERS: &[&str] = &[
        "Jaar",
        "Team",
        "Stroom",
        "Huishoudens",
        "Verwacht vermeden",
        "Gerealiseerd vermeden",
    ];
    let newest = v.totals.first().map(|r| r.year);
    let chart = newest.map(|year| {
        let of_year: Vec<RealisedRow> = v.totals.iter().filter(|r| r.year == year).cloned().collect();
        let (projected, realised) = of_year.iter().fold((0i64, 0i64), |(p, r), row| {
            (
                p + row.projected.map_or(0, |m| m.cents()),
                r + row.realised.map_or(0, |m| m.cents()),
            )
        });
        let share = doorbraak::Money::from_cents(realised)
            .ok()
            .zip(doorbraak::Money::from_cents(projected).ok())
            .and_then(|(r, p)| doorbraak::evaluation::share_of(r, p));
        let summary = match share {
            Some(share) => format!(
                "Van de getoonde stromen is {} van de verwachte vermeden kosten gerealiseerd.",
                crate::components::format::percent(share)
            ),
            None => "Er is nog niets gerealiseerd.".to_string(),
        };
        let categories = of_year.iter().map(|r| r.stream.clone()).collect();
        let series = vec![
            Series { name: "Verwacht vermeden".into(), values: of_year.iter().map(|r| r.projected).collect() },
            Series { name: "Gerealiseerd vermeden".into(), values: of_year.iter().map(|r| r.realised).collect() },
        ];
        view! {
            <h2 class="utrecht-heading-2">{format!("Begrotingsjaar {year}, alle teams")}</h2>
            <BarChart id="realisatie" caption=format!("Verwacht en gerealiseerd vermeden per stroom, {year}.") summary categories series/>
            <DataTable caption="Verwacht en gerealiseerd vermeden per stroom, alle teams" headers=HEADERS>{realised_rows(of_year)}</DataTable>
        }
    });
    let empty = v.rows.is_empty();
    view! {
        {chart}
        {if empty {
            view! { <p class="utrecht-paragraph">"Er zijn nog geen geëvalueerde casussen."</p> }.into_any()
        } else {
            view! {
                <h2 class="utrecht-heading-2">"Per jaar, team en stroom"</h2>
                <DataTable caption="Verwacht en gerealiseerd vermeden per jaar, team en stroom" headers=HEADERS>{realised_rows(v.rows)}</DataTable>
            }.into_any()
        }}
    }
}
