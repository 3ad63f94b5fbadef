//! The canvas editor. One HTML form is the source of truth: it saves without
//! JavaScript; with it, every change recalculates the return in the browser
//! with the core's own code and the draft is saved automatically.

use doorbraak::Role;
use doorbraak::canvas::{LineItem, ScenarioLine};
use doorbraak::catalogue::Unit;
use doorbraak::lifecycle::Status;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::canvas_lines::{CopyLines, SaveTemplate, line_sources};
use crate::api::cases::{CaseChoices, SaveCanvas, case_options, get_case};
use crate::components::form::{
    Done, ErrorAlert, FormMessage, SelectField, TextArea, TextField, last_error, select_options,
    succeeded,
};
use crate::components::guard::{Guarded, loaded, role_resource};
use crate::components::returns::ReturnTable;
use crate::error::AppError;
use crate::model::CaseView;
use crate::model::LineSource;

/// Blank rows offered per scenario (enough to add lines without JavaScript).
const BLANK_ROWS: usize = 5;
/// The draft is saved this long after the last change.
#[cfg(feature = "hydrate")]
const AUTOSAVE_AFTER_MS: u64 = 2_000;

#[component]
pub fn CanvasPage() -> impl IntoView {
    const ROLES: &[Role] = &[Role::Professional];
    let id = crate::components::params::object_id();
    let copy = ServerAction::<CopyLines>::new();
    let template = ServerAction::<SaveTemplate>::new();
    let case = role_resource(
        ROLES,
        move || (id(), copy.version().get()),
        |(id, _)| get_case(id),
    );
    let options = role_resource(ROLES, || (), |_| case_options());
    let sources = role_resource(
        ROLES,
        move || (id(), template.version().get()),
        |(id, _)| line_sources(id),
    );
    view! {
        <Title text="Maatwerkcanvas"/>
        <Guarded roles=ROLES>
            <CanvasEditor case options sources copy template/>
        </Guarded>
    }
}

#[component]
fn CanvasEditor(
    case: Resource<Option<Result<CaseView, AppError>>>,
    options: Resource<Option<Result<CaseChoices, AppError>>>,
    sources: Resource<Option<Result<Vec<LineSource>, AppError>>>,
    copy: ServerAction<CopyLines>,
    template: ServerAction<SaveTemplate>,
) -> impl IntoView {
    view! {
        <Suspense fallback=|| view! { <p class="utrecht-paragraph">"Laden…"</p> }>
            {move || Suspend::new(async move {
                match (loaded(case.await), loaded(options.await)) {
                    (Ok(view), Ok(options)) if view.status == Status::Draft => {
                        let sources = sources.await.and_then(Result::ok).unwrap_or_default();
                        view! { <CanvasForm_ view options sources copy template/> }.into_any()
                    }
                    (Ok(view), Ok(_)) => view! {
                        <h1 class="utrecht-heading-1">"Maatwerkcanvas"</h1>
                        <p class="utrecht-paragraph">{format!("Casus {} is {} en kan niet meer worden bewerkt. ", view.reference, view.status.label_nl().to_lowercase())}
                            <a class="utrecht-link" href=format!("/casussen/{}", view.id)>"Naar de casus"</a></p>
                    }.into_any(),
                    (Err(e), _) | (_, Err(e)) => view! { <ErrorAlert message=e.to_string()/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn line_values(line: Option<&ScenarioLine>) -> [String; 9] {
    match line {
        None => Default::default(),
        Some(l) => {
            let (code, description, reason) = match l.item() {
                LineItem::Catalogue { code, .. } => (code.clone(), String::new(), String::new()),
                LineItem::Free {
                    description,
                    reason,
                } => (String::new(), description.clone(), reason.clone()),
            };
            [
                l.stream().to_string(),
                code,
                description,
                reason,
                l.unit().code().to_string(),
                l.quantity().value().to_string().replace('.', ","),
                l.unit_price().to_input_string(),
                l.probability().value().to_string().replace('.', ","),
                format!(
                    "{}|{}",
                    l.start_month(),
                    if l.unit() == Unit::OneOff {
                        String::new()
                    } else {
                        l.duration_months().to_string()
                    }
                ),
            ]
        }
    }
}

/// One editable scenario line; `line` prefills it.
fn line_row(
    side: &'static str,
    title: &'static str,
    i: usize,
    line: Option<&ScenarioLine>,
    options: &CaseChoices,
    error: Signal<Option<AppError>>,
) -> impl IntoView + use<> {
    let [
        stream,
        code,
        description,
        reason,
        unit,
        quantity,
        price,
        probability,
        months,
    ] = line_values(line);
    let (start, duration) = months
        .split_once('|')
        .map(|(s, d)| (s.to_string(), d.to_string()))
        .unwrap_or_default();
    let name = move |field: &str| format!("canvas[{side}][{i}][{field}]");
    let label = move |what: &str| format!("{title}, regel {}: {what}", i + 1);
    let mut streams = vec![(String::new(), "—".to_string())];
    streams.extend(
        options
            .streams
            .iter()
            .map(|s| (s.code.clone(), format!("{} — {}", s.code, s.name))),
    );
    let stream_options = select_options(&streams, &stream);
    let mut units = vec![(String::new(), "uit catalogus".to_string())];
    units.extend(
        Unit::ALL
            .iter()
            .map(|u| (u.code().to_string(), u.label_nl().to_string())),
    );
    let unit_options = select_options(&units, &unit);
    let row_error = move || {
        error.get().and_then(|e| match &e {
            AppError::Invalid {
                field: Some(f),
                message,
            } if f.starts_with(&format!("{side}[{i}]")) => Some(message.clone()),
            _ => None,
        })
    };
    view! {
        <tr class="utrecht-table__row">
            <td class="utrecht-table__cell">
                <select class="utrecht-select utrecht-select--html-select" name=name("stream") aria-label=label("financieringsstroom") inner_html=stream_options></select>
            </td>
            <td class="utrecht-table__cell">
                <input class="utrecht-textbox utrecht-textbox--html-input" name=name("catalogue_code") value=code list="catalogus" aria-label=label("catalogusitem (code)") size="8"/>
                <input class="utrecht-textbox utrecht-textbox--html-input" name=name("description") value=description aria-label=label("of vrije omschrijving") placeholder="vrije omschrijving"/>
                <input class="utrecht-textbox utrecht-textbox--html-input" name=name("reason") value=reason aria-label=label("reden voor een vrije regel") placeholder="reden"/>
            </td>
            <td class="utrecht-table__cell">
                <select class="utrecht-select utrecht-select--html-select" name=name("unit") aria-label=label("eenheid") inner_html=unit_options></select>
            </td>
            <td class="utrecht-table__cell"><input class="utrecht-textbox utrecht-textbox--html-input" name=name("quantity") value=quantity aria-label=label("aantal") size="5"/></td>
            <td class="utrecht-table__cell"><input class="utrecht-textbox utrecht-textbox--html-input" name=name("unit_price") value=price aria-label=label("prijs per eenheid") size="9"/></td>
            <td class="utrecht-table__cell"><input class="utrecht-textbox utrecht-textbox--html-input" name=name("probability") value=probability aria-label=label("kans in procenten") size="4"/></td>
            <td class="utrecht-table__cell"><input class="utrecht-textbox utrecht-textbox--html-input" name=name("start_month") value=start aria-label=label("startmaand") size="3"/></td>
            <td class="utrecht-table__cell"><input class="utrecht-textbox utrecht-textbox--html-input" name=name("duration") value=duration aria-label=label("looptijd in maanden") size="3"/></td>
        </tr>
        {move || row_error().map(|m| view! { <tr><td colspan="8"><div class="utrecht-form-field-error-message" role="alert">{m}</div></td></tr> })}
    }
}

#[component]
fn LineRows(
    side: &'static str,
    title: &'static str,
    lines: Vec<ScenarioLine>,
    options: CaseChoices,
    error: Signal<Option<AppError>>,
    /// Whether the page runs with JavaScript: then rows can be added.
    hydrated: Signal<bool>,
) -> impl IntoView {
    let count = lines.len() + BLANK_ROWS;
    let rows = (0..count)
        .map(|i| line_row(side, title, i, lines.get(i), &options, error))
        .collect_view();
    let extra = RwSignal::new(0usize);
    let options = StoredValue::new(options);
    let added = move || {
        (count..count + extra.get())
            .map(|i| options.with_value(|o| line_row(side, title, i, None, o, error)))
            .collect_view()
    };
    view! {
        <div class="utrecht-table-container utrecht-table-container--overflow-inline">
            <table class="utrecht-table utrecht-table--html-table line-table">
                <caption class="utrecht-table__caption">{title}</caption>
                <thead class="utrecht-table__header">
                    <tr class="utrecht-table__row">
                        <th class="utrecht-table__header-cell" scope="col">"Stroom"</th>
                        <th class="utrecht-table__header-cell" scope="col">"Item"</th>
                        <th class="utrecht-table__header-cell" scope="col">"Eenheid"</th>
                        <th class="utrecht-table__header-cell" scope="col">"Aantal"</th>
                        <th class="utrecht-table__header-cell" scope="col">"Prijs"</th>
                        <th class="utrecht-table__header-cell" scope="col">"Kans %"</th>
                        <th class="utrecht-table__header-cell" scope="col">"Start"</th>
                        <th class="utrecht-table__header-cell" scope="col">"Maanden"</th>
                    </tr>
                </thead>
                <tbody class="utrecht-table__body">{rows}{added}</tbody>
            </table>
        </div>
        <Show when=move || hydrated.get()>
            <button type="button" class="utrecht-button utrecht-button--secondary-action" data-add-row=side
                disabled=move || { count + extra.get() >= doorbraak::canvas::MAX_LINES }
                on:click=move |_| extra.update(|n| *n += 1)>{format!("Regel toevoegen aan {}", title.to_lowercase())}</button>
        </Show>
    }
}

fn judgement_value(j: &Option<doorbraak::canvas::TriangleJudgement>) -> (String, String) {
    use doorbraak::canvas::Judgement;
    j.as_ref().map_or_else(Default::default, |j| {
        let code = match j.judgement {
            Judgement::Better => "better",
            Judgement::Equal => "equal",
            Judgement::Worse => "worse",
        };
        (code.to_string(), j.justification.clone())
    })
}

#[component]
fn Corner(
    key: &'static str,
    label: &'static str,
    value: (String, String),
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let options = select_options(
        &[
            ("", "—"),
            ("better", "beter"),
            ("equal", "gelijk"),
            ("worse", "slechter"),
        ]
        .map(|(code, text)| (code.to_string(), text.to_string())),
        &value.0,
    );
    let select_id = format!("veld-{key}");
    let text_id = format!("veld-{key}-toelichting");
    view! {
        <div class="utrecht-form-field">
            <label class="utrecht-form-label" for=select_id.clone()>{format!("{label}: vergeleken met het dreigend scenario")}</label>
            {move || error.get().and_then(|e| e.for_field(key)).map(|m| view! { <div class="utrecht-form-field-error-message">{m}</div> })}
            <select class="utrecht-select utrecht-select--html-select" id=select_id name={format!("canvas[{key}][judgement]")} inner_html=options></select>
            <label class="utrecht-form-label" for=text_id.clone()>{format!("{label}: toelichting")}</label>
            <input class="utrecht-textbox utrecht-textbox--html-input" id=text_id name={format!("canvas[{key}][justification]")} value=value.1/>
        </div>
    }
}

#[component]
#[allow(non_snake_case)]
fn CanvasForm_(
    view: CaseView,
    options: CaseChoices,
    sources: Vec<LineSource>,
    copy: ServerAction<CopyLines>,
    template: ServerAction<SaveTemplate>,
) -> impl IntoView {
    let save = ServerAction::<SaveCanvas>::new();
    let error = last_error(save.value());
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    let hydrated = Signal::from(hydrated);
    let edits = RwSignal::new(view.canvas_edits);
    let live = RwSignal::new(view.calculation.clone());
    let live_error = RwSignal::new(None::<String>);
    let form_ref = NodeRef::<leptos::html::Form>::new();
    let known = StoredValue::new(
        options
            .streams
            .iter()
            .filter_map(|s| doorbraak::StreamCode::new(&s.code).ok())
            .collect::<std::collections::BTreeSet<_>>(),
    );
    let catalogue = StoredValue::new(options.catalogue.clone());
    Effect::new(move |_| {
        if let Some(Ok(saved)) = save.value().get() {
            edits.set(saved.edits);
            live.set(Some(saved.calculation));
        }
    });
    // Recalculate in the browser from what the form holds now.
    let recalculate = move || {
        #[cfg(feature = "hydrate")]
        if let Some(form) = form_ref.get_untracked() {
            use leptos::form::FromFormData;
            let Ok(data) = web_sys::FormData::new_with_form(&form) else {
                return;
            };
            match SaveCanvas::from_form_data(&data) {
                Ok(args) => {
                    let mut canvas_form = args.canvas;
                    canvas_form.fill_from_catalogue(|code| {
                        catalogue.with_value(|items| {
                            items.iter().find(|c| c.code == code).map(|c| {
                                crate::model::canvas_form::CatalogueDefaults {
                                    name: c.name.clone(),
                                    stream: c.stream.clone(),
                                    choices: c.choices.clone(),
                                    unit: c.unit.clone(),
                                    price: c.price,
                                }
                            })
                        })
                    });
                    match canvas_form.to_canvas(1).and_then(|c| {
                        doorbraak::returns::calculate_canvas(&c, &known.get_value())
                            .map_err(|e| AppError::invalid("canvas", e.to_string()))
                    }) {
                        Ok(calc) => {
                            live.set(Some(calc));
                            live_error.set(None);
                        }
                        Err(e) => live_error.set(Some(e.to_string())),
                    }
                }
                Err(_) => live_error.set(Some("Het formulier kon niet worden gelezen.".into())),
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (&form_ref, &known, &catalogue);
    };
    // Save the draft once the user pauses typing.
    let timer = StoredValue::new(None::<leptos::prelude::TimeoutHandle>);
    let schedule_save = move || {
        #[cfg(feature = "hydrate")]
        {
            if let Some(pending) = timer.get_value() {
                pending.clear();
            }
            let handle = set_timeout_with_handle(
                move || {
                    if save.pending().get_untracked() {
                        return;
                    }
                    if let Some(form) = form_ref.get_untracked() {
                        use leptos::form::FromFormData;
                        let args = web_sys::FormData::new_with_form(&form)
                            .ok()
                            .and_then(|data| SaveCanvas::from_form_data(&data).ok());
                        if let Some(args) = args {
                            save.dispatch(args);
                        }
                    }
                },
                std::time::Duration::from_millis(AUTOSAVE_AFTER_MS),
            )
            .ok();
            timer.set_value(handle);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = &timer;
    };
    on_cleanup(move || {
        if let Some(Some(pending)) = timer.try_get_value() {
            pending.clear();
        }
    });
    // Changed since the last save (only known with JavaScript).
    let dirty = RwSignal::new(false);
    Effect::new(move |_| {
        if let Some(Ok(_)) = save.value().get() {
            dirty.set(false);
        }
    });
    let on_edit = move |_| {
        dirty.set(true);
        recalculate();
        schedule_save();
    };
    let c = view.canvas.clone();
    let datalist = options.catalogue.iter().map(|item| {
        let price = item.price.map_or("geen prijs".to_string(), |p| p.to_string());
        let stream = item.stream.clone().unwrap_or_else(|| format!("kies: {}", item.choices.join("/")));
        view! { <option value=item.code.clone()>{format!("{} ({}, {} {})", item.name, stream, price, item.unit_label)}</option> }
    }).collect_view();
    let blockers = (0..c.blockers.len() + 1).map(|i| {
        let b = c.blockers.get(i);
        let law = b.map(|b| b.law.to_string()).unwrap_or_default();
        let mut laws = vec![(String::new(), "—".to_string())];
        laws.extend(options.streams.iter().map(|s| (s.code.clone(), s.name.clone())));
        let stream_options = select_options(&laws, &law);
        let v = |f: fn(&doorbraak::canvas::Blocker) -> &String| b.map(|b| f(b).clone()).unwrap_or_default();
        view! {
            <fieldset class="utrecht-form-fieldset utrecht-form-fieldset--html-fieldset">
                <legend class="utrecht-form-fieldset__legend">{format!("Knelpunt {}", i + 1)}</legend>
                <label class="utrecht-form-label" for={format!("knelpunt-{i}-wet")}>"Wet"</label>
                <select class="utrecht-select utrecht-select--html-select" id={format!("knelpunt-{i}-wet")} name={format!("canvas[blockers][{i}][law]")} inner_html=stream_options></select>
                <label class="utrecht-form-label" for={format!("knelpunt-{i}-regel")}>"Regel of voorziening"</label>
                <input class="utrecht-textbox utrecht-textbox--html-input" id={format!("knelpunt-{i}-regel")} name={format!("canvas[blockers][{i}][rule]")} value=v(|b| &b.rule)/>
                <label class="utrecht-form-label" for={format!("knelpunt-{i}-organisatie")}>"Organisatie"</label>
                <input class="utrecht-textbox utrecht-textbox--html-input" id={format!("knelpunt-{i}-organisatie")} name={format!("canvas[blockers][{i}][organisation]")} value=v(|b| &b.organisation)/>
            </fieldset>
        }
    }).collect_view();
    let costs = (0..c.costs.len() + 2).map(|i| {
        let cost = c.costs.get(i);
        view! {
            <div class="cost-row">
                <label class="utrecht-form-label" for={format!("kosten-{i}-omschrijving")}>{format!("Kostenpost {}: omschrijving", i + 1)}</label>
                <input class="utrecht-textbox utrecht-textbox--html-input" id={format!("kosten-{i}-omschrijving")} name={format!("canvas[costs][{i}][description]")} value=cost.map(|c| c.description.clone()).unwrap_or_default()/>
                <label class="utrecht-form-label" for={format!("kosten-{i}-leverancier")}>"Leverancier"</label>
                <input class="utrecht-textbox utrecht-textbox--html-input" id={format!("kosten-{i}-leverancier")} name={format!("canvas[costs][{i}][supplier]")} value=cost.map(|c| c.supplier.clone()).unwrap_or_default()/>
                <label class="utrecht-form-label" for={format!("kosten-{i}-bedrag")}>"Bedrag"</label>
                <input class="utrecht-textbox utrecht-textbox--html-input" id={format!("kosten-{i}-bedrag")} name={format!("canvas[costs][{i}][amount]")} value=cost.map(|c| c.amount.to_input_string()).unwrap_or_default()/>
                {move || error.get().and_then(|e| e.for_field(&format!("costs[{i}][amount]")).or(e.for_field(&format!("costs[{i}][description]")))).map(|m| view! { <div class="utrecht-form-field-error-message">{m}</div> })}
            </div>
        }
    }).collect_view();
    let t = c.texts.clone();
    view! {
        <Title text=format!("Maatwerkcanvas {}", view.reference)/>
        <h1 class="utrecht-heading-1">{format!("Maatwerkcanvas {}", view.reference)}</h1>
        <p class="utrecht-paragraph"><a class="utrecht-link" href=format!("/casussen/{}", view.id)>"← Naar de casus"</a></p>
        <datalist id="catalogus">{datalist}</datalist>
        <CopyLinesForm case_id=view.id edits sources copy template dirty/>
        <ActionForm action=save node_ref=form_ref>
            <div class="canvas-grid" on:input=on_edit on:change=on_edit>
                <FormMessage error/>
                <input type="hidden" name="case_id" value=view.id.to_string()/>
                <input type="hidden" name="edits" value=edits.get_untracked().to_string() prop:value=move || edits.get().to_string()/>
                <TextArea label="Situatie (anoniem: geen naam, adres of BSN)" name="canvas[situation]" field="situation" error value=t.situation.clone()/>
                <TextArea label="Perspectief: waar wil het huishouden over een jaar staan?" name="canvas[goal]" field="goal" error value=t.goal.clone()/>
                <TextArea label="Betrokken hulpverlening (hoeveel, welke wetten)" name="canvas[providers]" field="providers" error value=t.providers.clone()/>
                <h2 class="utrecht-heading-2">"Knelpunten"</h2>
                {blockers}
                <h2 class="utrecht-heading-2">"De doorbraak"</h2>
                <TextArea label="Voorgestelde doorbraak" name="canvas[breakthrough]" field="breakthrough" error value=t.breakthrough.clone()/>
                <TextArea label="Wettelijke grondslag (wet, artikel of hardheidsclausule)" name="canvas[legal_basis]" field="legal_basis" error value=t.legal_basis.clone()/>
                {costs}
                <h2 class="utrecht-heading-2">"Scenario's"</h2>
                <div class="utrecht-form-field">
                    <label class="utrecht-form-label" for="veld-horizon">"Horizon in maanden"</label>
                    <input class="utrecht-textbox utrecht-textbox--html-input" id="veld-horizon" name="canvas[horizon]" value=c.horizon.get().to_string() size="4"/>
                </div>
                <TextArea label="Dreigend scenario: wat gebeurt er als niets gebeurt?" name="canvas[threatening_summary]" field="threatening_summary" error value=t.threatening_summary.clone()/>
                <LineRows side="threatening" title="Dreigend scenario" lines=c.threatening.clone() options=options.clone() error hydrated/>
                <TextArea label="Reëel scenario: wat gebeurt er met de doorbraak?" name="canvas[realistic_summary]" field="realistic_summary" error value=t.realistic_summary.clone()/>
                <LineRows side="realistic" title="Reëel scenario" lines=c.realistic.clone() options=options.clone() error hydrated/>
                <h2 class="utrecht-heading-2">"Waardendriehoek"</h2>
                <Corner key="legitimacy" label="Legitimiteit" value=judgement_value(&c.triangle.legitimacy) error/>
                <Corner key="return_" label="Rendement" value=judgement_value(&c.triangle.return_) error/>
                <Corner key="involvement" label="Betrokkenheid" value=judgement_value(&c.triangle.involvement) error/>
                <h2 class="utrecht-heading-2">"Rendement"</h2>
                <div class="live-return" data-live-return="">
                    {move || live.get().map(|calc| view! { <ReturnTable calc/> })}
                    {move || live_error.get().map(|m| view! { <p class="utrecht-paragraph utrecht-paragraph--small">{format!("Nog niet te berekenen: {m}")}</p> })}
                </div>
                <div aria-live="polite">
                    <Done shown=succeeded(save.value()) text="Concept opgeslagen."/>
                </div>
                <button type="submit" class="utrecht-button utrecht-button--primary-action" disabled=move || save.pending().get()>"Opslaan"</button>
            </div>
        </ActionForm>
    }
}

/// Copy lines from a team template or an earlier canvas into the saved
/// draft; save this canvas's lines as a template.
#[component]
fn CopyLinesForm(
    case_id: i64,
    edits: RwSignal<i64>,
    sources: Vec<LineSource>,
    copy: ServerAction<CopyLines>,
    template: ServerAction<SaveTemplate>,
    dirty: RwSignal<bool>,
) -> impl IntoView {
    let copy_error = last_error(copy.value());
    let template_error = last_error(template.value());
    let choices: Vec<(String, String)> = sources
        .iter()
        .map(|s| (s.key.to_string(), s.label_nl()))
        .collect();
    let has_sources = !choices.is_empty();
    view! {
        <details class="copy-lines">
            <summary>"Regels overnemen of bewaren als sjabloon"</summary>
            {has_sources.then(|| view! {
                <ActionForm action=copy attr:aria-label="Regels overnemen">
                    <FormMessage error=copy_error/>
                    <input type="hidden" name="case_id" value=case_id.to_string()/>
                    <input type="hidden" name="edits" value=edits.get_untracked().to_string() prop:value=move || edits.get().to_string()/>
                    <SelectField label="Scenarioregels overnemen uit" name="source" field="source" error=copy_error options=select_options(&choices, "")/>
                    <p class="utrecht-paragraph utrecht-paragraph--small">"De regels komen na de opgeslagen regels van dit canvas: sla uw wijzigingen eerst op."</p>
                    <button type="submit" class="utrecht-button utrecht-button--secondary-action" disabled=move || copy.pending().get() || dirty.get()>"Regels overnemen"</button>
                </ActionForm>
            })}
            <ActionForm action=template attr:aria-label="Bewaren als sjabloon">
                <FormMessage error=template_error/>
                <Done shown=succeeded(template.value()) text="Het sjabloon is bewaard voor uw team."/>
                <input type="hidden" name="case_id" value=case_id.to_string()/>
                <TextField label="Naam van het sjabloon" name="name" field="template_name" error=template_error autocomplete="off" description="Bewaart de opgeslagen scenarioregels van dit canvas voor uw team."/>
                <button type="submit" class="utrecht-button utrecht-button--secondary-action">"Bewaren als sjabloon"</button>
            </ActionForm>
        </details>
    }
}
