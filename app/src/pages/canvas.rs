//! The canvas editor. One HTML form is the source of truth: it saves without
//! JavaScript; with it, every change recalculates the return in the browser
//! with the core's own code and the draft is saved automatically.

use doorbraak::Role;
use doorbraak::catalogue::Unit;
use doorbraak::lifecycle::Status;
use doorbraak::returns::ReturnCalculation;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

use crate::api::canvas_lines::{CopyLines, SaveTemplate, line_sources};
use crate::api::cases::{CaseChoices, SaveCanvas, case_options, get_case};
use crate::components::combobox::{CatalogueChoices, CatalogueCombobox};
use crate::components::form::{
    FormMessage, SelectField, TextArea, TextField, answered_error, posted_error, select_options,
};
use crate::components::guard::{ErrorPage, Guarded, loaded, role_resource};
use crate::components::returns::ReturnTable;
use crate::error::AppError;
use crate::model::CaseView;
use crate::model::LineSource;
#[cfg(feature = "hydrate")]
use crate::model::canvas_form::CatalogueDefaults;
use crate::model::canvas_form::{
    BlockerForm, CanvasForm as CanvasFormFields, CostForm, JudgementForm, LineForm, Problem,
    anchor_of, side_label,
};
use crate::model::catalogue_search::stream_words;

/// The draft is saved this long after the last change.
#[cfg(feature = "hydrate")]
const AUTOSAVE_AFTER_MS: u64 = 2_000;

#[component]
pub fn CanvasPage() -> impl IntoView {
    const ROLES: &[Role] = &[Role::Professional];
    let id = crate::components::params::object_id();
    let case = role_resource(ROLES, id, get_case);
    let options = role_resource(ROLES, || (), |_| case_options());
    let sources = role_resource(ROLES, id, line_sources);
    view! {
        <Title text="Maatwerkcanvas"/>
        <Guarded roles=ROLES>
            <CanvasEditor case options sources/>
        </Guarded>
    }
}

/// Everything the editor starts from, rendered by the server and handed to
/// the browser as the island's properties.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct EditorStart {
    case_id: i64,
    edits: i64,
    form: CanvasFormFields,
    problems: Vec<Problem>,
    /// "op 28-11-2026 14:32": when the draft was last saved.
    saved_at: String,
    calculation: Option<ReturnCalculation>,
    options: CaseChoices,
    sources: Vec<LineSource>,
    /// Errors of a plain form post (without JavaScript), from the address.
    refused: Option<AppError>,
    copy_error: Option<AppError>,
    template_error: Option<AppError>,
}

#[component]
fn CanvasEditor(
    case: Resource<Option<Result<CaseView, AppError>>>,
    options: Resource<Option<Result<CaseChoices, AppError>>>,
    sources: Resource<Option<Result<Vec<LineSource>, AppError>>>,
) -> impl IntoView {
    view! {
        <Suspense fallback=|| view! { <p class="utrecht-paragraph">"Laden…"</p> }>
            {move || Suspend::new(async move {
                match (loaded(case.await), loaded(options.await)) {
                    (Ok(view), Ok(options)) if view.status == Status::Draft => {
                        let sources = sources.await.and_then(Result::ok).unwrap_or_default();
                        let (form, problems) = match view.incomplete {
                            Some(d) => (d.form, d.problems),
                            None => (CanvasFormFields::of(&view.canvas), Vec::new()),
                        };
                        let start = EditorStart {
                            case_id: view.id,
                            edits: view.canvas_edits,
                            form,
                            problems,
                            saved_at: format!("op {}", view.canvas_saved_at),
                            calculation: view.calculation,
                            options,
                            sources,
                            refused: posted_error::<SaveCanvas>(),
                            copy_error: posted_error::<CopyLines>(),
                            template_error: posted_error::<SaveTemplate>(),
                        };
                        view! {
                            <Title text=format!("Maatwerkcanvas {}", view.reference)/>
                            <h1 class="utrecht-heading-1">{format!("Maatwerkcanvas {}", view.reference)}</h1>
                            <p class="utrecht-paragraph"><a class="utrecht-link" href=format!("/casussen/{}", view.id)>"← Naar de casus"</a></p>
                            <CanvasEditorIsland start/>
                        }.into_any()
                    }
                    (Ok(view), Ok(_)) => view! {
                        <h1 class="utrecht-heading-1">"Maatwerkcanvas"</h1>
                        <p class="utrecht-paragraph">{format!("Casus {} is {} en kan niet meer worden bewerkt. ", view.reference, view.status.label_nl().to_lowercase())}
                            <a class="utrecht-link" href=format!("/casussen/{}", view.id)>"Naar de casus"</a></p>
                    }.into_any(),
                    (Err(error), _) | (_, Err(error)) => view! { <ErrorPage error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The problem of a part of the form (`threatening[2]`, `costs[0]`), if any.
fn problem_at(problems: &[Problem], prefix: &str) -> Option<String> {
    problems
        .iter()
        .find(|p| p.field.starts_with(prefix))
        .map(|p| p.message.clone())
}

/// The streams as select choices (code, name), after an empty "—".
fn stream_choices(options: &CaseChoices) -> Vec<(String, String)> {
    std::iter::once((String::new(), "—".to_string()))
        .chain(
            options
                .streams
                .iter()
                .map(|s| (s.code.clone(), s.name.clone())),
        )
        .collect()
}

/// One editable scenario line, filled with `line` as typed.
fn line_row(
    side: &'static str,
    i: usize,
    line: &LineForm,
    options: &CaseChoices,
    choices: StoredValue<CatalogueChoices>,
    problems: Signal<Vec<Problem>>,
    hydrated: Signal<bool>,
) -> impl IntoView + use<> {
    let title = side_label(side);
    let name = move |field: &str| format!("canvas[{side}][{i}][{field}]");
    let id = move |field: &str| format!("regel-{side}-{i}-{field}");
    let label = move |what: &str| format!("{title}, regel {}: {what}", i + 1);
    let stream_options = select_options(&stream_choices(options), &line.stream);
    let mut units = vec![(String::new(), "uit catalogus".to_string())];
    units.extend(
        Unit::ALL
            .iter()
            .map(|u| (u.code().to_string(), u.label_nl().to_string())),
    );
    let unit_options = select_options(&units, &line.unit);
    let prefix = format!("{side}[{i}]");
    let problem = Memo::new(move |_| problems.with(|p| problem_at(p, &prefix)));
    let message_id = id("probleem");
    let invalid = move || problem.get().map(|_| "true");
    let input = move |field: &'static str,
                      what: &'static str,
                      value: &String,
                      size: &'static str| {
        view! {
            <input class="utrecht-textbox utrecht-textbox--html-input" id=id(field) name=name(field) value=value.clone()
                aria-label=label(what) size=size aria-invalid=invalid/>
        }
    };
    view! {
        <tr class="utrecht-table__row" class:line-incomplete=move || problem.get().is_some()>
            <td class="utrecht-table__cell">
                <select class="utrecht-select utrecht-select--html-select" id=id("stream") name=name("stream") aria-label=label("financieringsstroom") inner_html=stream_options aria-invalid=invalid></select>
            </td>
            <td class="utrecht-table__cell">
                <CatalogueCombobox id=id("catalogue_code") name=name("catalogue_code") label=label("catalogusitem (zoek op woorden of code)") value=line.catalogue_code.clone() choices hydrated/>
                <input class="utrecht-textbox utrecht-textbox--html-input" id=id("description") name=name("description") value=line.description.clone() aria-label=label("of vrije omschrijving") placeholder="vrije omschrijving"/>
                <input class="utrecht-textbox utrecht-textbox--html-input" id=id("reason") name=name("reason") value=line.reason.clone() aria-label=label("reden voor een vrije regel") placeholder="reden"/>
            </td>
            <td class="utrecht-table__cell">
                <select class="utrecht-select utrecht-select--html-select" id=id("unit") name=name("unit") aria-label=label("eenheid") inner_html=unit_options aria-invalid=invalid></select>
            </td>
            <td class="utrecht-table__cell">{input("quantity", "aantal", &line.quantity, "5")}</td>
            <td class="utrecht-table__cell">{input("unit_price", "prijs per eenheid", &line.unit_price, "9")}</td>
            <td class="utrecht-table__cell">{input("probability", "kans in procenten", &line.probability, "4")}</td>
            <td class="utrecht-table__cell">{input("start_month", "startmaand", &line.start_month, "3")}</td>
            <td class="utrecht-table__cell">{input("duration", "looptijd in maanden", &line.duration, "3")}</td>
        </tr>
        {move || problem.get().map(|m| view! {
            <tr class="line-problem"><td colspan="8">
                <div class="utrecht-form-field-error-message" id=message_id.clone()>{format!("Onvolledig, bewaard zoals getypt: {m}")}</div>
            </td></tr>
        })}
    }
}

#[component]
fn LineRows(
    side: &'static str,
    lines: Vec<LineForm>,
    options: CaseChoices,
    choices: StoredValue<CatalogueChoices>,
    problems: Signal<Vec<Problem>>,
    /// Whether the page runs with JavaScript: then rows can be added.
    hydrated: Signal<bool>,
) -> impl IntoView {
    let title = side_label(side);
    // The lines as typed and one empty row; with JavaScript, more on request.
    let count = lines.len() + 1;
    let blank = LineForm::default();
    let rows = (0..count)
        .map(|i| {
            line_row(
                side,
                i,
                lines.get(i).unwrap_or(&blank),
                &options,
                choices,
                problems,
                hydrated,
            )
        })
        .collect_view();
    let extra = RwSignal::new(0usize);
    let options = StoredValue::new(options);
    let added = move || {
        (count..count + extra.get())
            .map(|i| {
                options.with_value(|o| {
                    line_row(
                        side,
                        i,
                        &LineForm::default(),
                        o,
                        choices,
                        problems,
                        hydrated,
                    )
                })
            })
            .collect_view()
    };
    let add = move |_| {
        extra.update(|n| *n += 1);
        // Focus the new row's first field.
        #[cfg(feature = "hydrate")]
        {
            let id = format!("regel-{side}-{}-stream", count + extra.get_untracked() - 1);
            request_animation_frame(move || {
                use wasm_bindgen::JsCast;
                if let Some(el) = document()
                    .get_element_by_id(&id)
                    .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
                {
                    let _ = el.focus();
                }
            });
        }
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
        <Show when=move || hydrated.get()
            fallback=|| view! { <p class="utrecht-paragraph utrecht-paragraph--small">"Na opslaan staat er weer een lege regel klaar."</p> }>
            <button type="button" class="utrecht-button utrecht-button--secondary-action" data-add-row=side
                disabled=move || { count + extra.get() >= doorbraak::canvas::MAX_LINES }
                on:click=add>{format!("Regel toevoegen aan {}", title.to_lowercase())}</button>
        </Show>
    }
}

#[component]
fn Corner(
    key: &'static str,
    label: &'static str,
    value: JudgementForm,
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
        &value.judgement,
    );
    let select_id = format!("veld-{key}");
    let text_id = format!("veld-{key}-toelichting");
    view! {
        <div class="utrecht-form-field">
            <label class="utrecht-form-label" for=select_id.clone()>{format!("{label}: vergeleken met het dreigend scenario")}</label>
            {move || error.get().and_then(|e| e.for_field(key)).map(|m| view! { <div class="utrecht-form-field-error-message">{m}</div> })}
            <select class="utrecht-select utrecht-select--html-select" id=select_id name={format!("canvas[{key}][judgement]")} inner_html=options></select>
            <label class="utrecht-form-label" for=text_id.clone()>{format!("{label}: toelichting")}</label>
            <input class="utrecht-textbox utrecht-textbox--html-input" id=text_id name={format!("canvas[{key}][justification]")} value=value.justification/>
        </div>
    }
}

/// A link of the error summary moves focus to its field, not only the view
/// (without JavaScript the browser follows the `#id` itself).
fn focus_field(_event: leptos::ev::MouseEvent, _id: &str) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        if let Some(el) = document()
            .get_element_by_id(_id)
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            _event.prevent_default();
            el.scroll_into_view();
            let _ = el.focus();
        }
    }
}

/// What the editor knows of its last save.
#[derive(Clone, Copy, PartialEq, Eq)]
enum SaveState {
    Saved,
    Changed,
    Saving,
    Refused,
}

/// The NL Design System error summary: what is incomplete or refused, each
/// with a link to its field, at the top of the form.
#[component]
fn ErrorSummary(problems: Signal<Vec<Problem>>, error: Signal<Option<AppError>>) -> impl IntoView {
    let refused = move || {
        error.get().and_then(|e| match e {
            AppError::Invalid { field, message } => Some((field.unwrap_or_default(), message)),
            _ => None,
        })
    };
    move || {
        let problems = problems.get();
        let refused = refused();
        if problems.is_empty() && refused.is_none() {
            return None;
        }
        let (heading, intro) = match &refused {
            Some(_) => (
                "Het concept is niet opgeslagen",
                "Pas dit aan; daarna wordt het concept weer opgeslagen.",
            ),
            None => (
                "Dit concept is nog niet compleet",
                "Alles is opgeslagen. Deze onderdelen zijn bewaard zoals u ze typte, maar tellen pas mee als ze compleet zijn; indienen kan daarna.",
            ),
        };
        let items = refused
            .map(|(field, message)| (anchor_of(&field), message))
            .into_iter()
            .chain(problems.iter().map(|p| (p.anchor(), format!("{}: {}", p.label, p.message))))
            .map(|(anchor, text)| {
                let target = anchor.clone();
                view! { <li><a class="utrecht-link" href=format!("#{anchor}") on:click=move |ev| focus_field(ev, &target)>{text}</a></li> }
            })
            .collect_view();
        Some(view! {
            <div class="error-summary" role="alert" aria-labelledby="foutoverzicht-kop" tabindex="-1" id="foutoverzicht">
                <h2 class="utrecht-heading-2" id="foutoverzicht-kop">{heading}</h2>
                <p class="utrecht-paragraph">{intro}</p>
                <ul class="utrecht-unordered-list">{items}</ul>
            </div>
        })
    }
}

/// The editor itself: the one part of the page that runs in the browser
/// (live return, autosave, combobox, rows added as needed).
#[island]
fn CanvasEditorIsland(start: EditorStart) -> impl IntoView {
    crate::components::island::hydrated();
    let EditorStart {
        case_id,
        edits,
        form,
        problems,
        saved_at,
        calculation,
        options,
        sources,
        refused,
        copy_error,
        template_error,
    } = start;
    let save = ServerAction::<SaveCanvas>::new();
    let error = answered_error(save, refused);
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    let hydrated = Signal::from(hydrated);
    let edits = RwSignal::new(edits);
    let live = RwSignal::new(calculation);
    let live_error = RwSignal::new(None::<String>);
    let form_ref = NodeRef::<leptos::html::Form>::new();
    let problems = RwSignal::new(problems);
    let saved_at = RwSignal::new(saved_at);
    let known = StoredValue::new(
        options
            .streams
            .iter()
            .filter_map(|s| doorbraak::StreamCode::new(&s.code).ok())
            .collect::<std::collections::BTreeSet<_>>(),
    );
    let choices = StoredValue::new(CatalogueChoices {
        items: options.catalogue.clone(),
        streams: options.streams.clone(),
    });
    // Changed since the last save (only known with JavaScript).
    let dirty = RwSignal::new(false);
    Effect::new(move |_| {
        if let Some(Ok(saved)) = save.value().get() {
            edits.set(saved.edits);
            live.set(Some(saved.calculation));
            problems.set(saved.problems);
            saved_at.set(format!("om {}", saved.saved_at));
            dirty.set(false);
        }
    });
    let state = Signal::derive(move || {
        if save.pending().get() {
            SaveState::Saving
        } else if dirty.get() {
            SaveState::Changed
        } else if error.with(Option::is_some) {
            SaveState::Refused
        } else {
            SaveState::Saved
        }
    });
    // Leaving with unsaved changes asks first.
    #[cfg(feature = "hydrate")]
    {
        let guard = window_event_listener(leptos::ev::beforeunload, move |ev| {
            if matches!(
                state.get_untracked(),
                SaveState::Changed | SaveState::Saving | SaveState::Refused
            ) {
                ev.prevent_default();
                ev.set_return_value("Er zijn wijzigingen die nog niet zijn opgeslagen.");
            }
        });
        // A link within the application does not unload the page: ask too,
        // before the router sees the click (capture phase).
        use wasm_bindgen::{JsCast, closure::Closure};
        let ask = Closure::<dyn Fn(web_sys::MouseEvent)>::new(move |ev: web_sys::MouseEvent| {
            let unsaved = matches!(
                state.try_get_untracked(),
                Some(SaveState::Changed | SaveState::Saving | SaveState::Refused)
            );
            let link = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .and_then(|e| e.closest("a[href]").ok().flatten())
                .and_then(|a| a.get_attribute("href"));
            if unsaved && link.is_some_and(|href| !href.starts_with('#')) {
                let leave = window()
                    .confirm_with_message("Er zijn wijzigingen die nog niet zijn opgeslagen. Wilt u de pagina toch verlaten?")
                    .unwrap_or(true);
                if !leave {
                    ev.prevent_default();
                    ev.stop_immediate_propagation();
                }
            }
        });
        let doc = document();
        let _ = doc.add_event_listener_with_callback_and_bool(
            "click",
            ask.as_ref().unchecked_ref(),
            true,
        );
        let links = leptos::__reexports::send_wrapper::SendWrapper::new((doc, ask));
        on_cleanup(move || {
            guard.remove();
            let (doc, ask) = links.take();
            let _ = doc.remove_event_listener_with_callback_and_bool(
                "click",
                ask.as_ref().unchecked_ref(),
                true,
            );
        });
    }
    // Recalculate in the browser from what the form holds now: the complete
    // lines count, as they would after saving.
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
                    let mut found = choices.with_value(|c| {
                        canvas_form.fill_from_catalogue(|code| {
                            c.items
                                .iter()
                                .find(|i| i.code == code)
                                .map(CatalogueDefaults::of)
                        })
                    });
                    found.extend(canvas_form.unknown_streams(|code| {
                        doorbraak::StreamCode::new(code)
                            .is_ok_and(|c| known.with_value(|k| k.contains(&c)))
                    }));
                    match canvas_form.to_draft_with(1, found).and_then(|d| {
                        doorbraak::returns::calculate_canvas(&d.canvas, &known.get_value())
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
        let _ = (&form_ref, &known, &choices);
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
    let on_edit = move |_| {
        dirty.set(true);
        recalculate();
        schedule_save();
    };
    let problems: Signal<Vec<Problem>> = problems.into();
    let datalist = options.catalogue.iter().map(|item| {
        let price = item.price.map_or("geen prijs".to_string(), |p| p.to_string());
        let stream = stream_words(item, &options.streams);
        view! { <option value=item.code.clone()>{format!("{} ({}, {} {})", item.name, stream, price, item.unit_label)}</option> }
    }).collect_view();
    let laws: Vec<(String, String)> = std::iter::once((String::new(), "—".to_string()))
        .chain(options.laws.iter().cloned())
        .collect();
    let categories: Vec<(String, String)> = std::iter::once((String::new(), "—".to_string()))
        .chain(
            doorbraak::canvas::BlockerCategory::ALL
                .iter()
                .map(|c| (c.code().to_string(), c.label_nl().to_string())),
        )
        .collect();
    let blank_blocker = BlockerForm::default();
    let blockers = (0..form.blockers.len() + 1).map(|i| {
        let b = form.blockers.get(i).unwrap_or(&blank_blocker);
        let law_options = select_options(&laws, &b.law);
        let category_options = select_options(&categories, &b.category);
        let description = crate::components::form::textarea_text(&b.description);
        let prefix = format!("blockers[{i}]");
        let problem = move || problems.with(|p| problem_at(p, &prefix));
        view! {
            <fieldset class="utrecht-form-fieldset utrecht-form-fieldset--html-fieldset">
                <legend class="utrecht-form-fieldset__legend">{format!("Knelpunt {}", i + 1)}</legend>
                {move || problem().map(|m| view! { <div class="utrecht-form-field-error-message">{m}</div> })}
                <label class="utrecht-form-label" for={format!("knelpunt-{i}-wet")}>"Wet"</label>
                <select class="utrecht-select utrecht-select--html-select" id={format!("knelpunt-{i}-wet")} name={format!("canvas[blockers][{i}][law]")} inner_html=law_options></select>
                <label class="utrecht-form-label" for={format!("knelpunt-{i}-regel")}>"Regel of voorziening"</label>
                <input class="utrecht-textbox utrecht-textbox--html-input" id={format!("knelpunt-{i}-regel")} name={format!("canvas[blockers][{i}][rule]")} value=b.rule.clone()/>
                <label class="utrecht-form-label" for={format!("knelpunt-{i}-organisatie")}>"Organisatie"</label>
                <input class="utrecht-textbox utrecht-textbox--html-input" id={format!("knelpunt-{i}-organisatie")} name={format!("canvas[blockers][{i}][organisation]")} value=b.organisation.clone()/>
                <label class="utrecht-form-label" for={format!("knelpunt-{i}-categorie")}>"Categorie"</label>
                <select class="utrecht-select utrecht-select--html-select" id={format!("knelpunt-{i}-categorie")} name={format!("canvas[blockers][{i}][category]")} inner_html=category_options></select>
                <label class="utrecht-form-label" for={format!("knelpunt-{i}-omschrijving")}>"Omschrijving (anoniem)"</label>
                <textarea class="utrecht-textarea utrecht-textarea--html-textarea" id={format!("knelpunt-{i}-omschrijving")} name={format!("canvas[blockers][{i}][description]")} rows="2">{description}</textarea>
            </fieldset>
        }
    }).collect_view();
    // The list's domains, then any other the canvas holds (kept, ticked).
    let domains: Vec<String> = doorbraak::canvas::LIFE_DOMAINS
        .iter()
        .map(|d| d.to_string())
        .chain(
            form.life_domains
                .iter()
                .filter(|d| !doorbraak::canvas::LIFE_DOMAINS.contains(&d.as_str()))
                .cloned(),
        )
        .collect();
    let life_domains = domains
        .into_iter()
        .enumerate()
        .map(|(i, d)| {
            let checked = form.life_domains.contains(&d);
            let id = if i == 0 { "veld-life_domains".to_string() } else { format!("leefgebied-{i}") };
            view! {
                <div class="utrecht-form-field utrecht-form-field--checkbox">
                    <input class="utrecht-checkbox utrecht-checkbox--html-input" type="checkbox" id=id.clone() name=format!("canvas[life_domains][{i}]") value=d.clone() checked=checked/>
                    <label class="utrecht-form-label utrecht-form-label--checkbox" for=id>{d}</label>
                </div>
            }
        })
        .collect_view();
    let blank_cost = CostForm::default();
    let costs = (0..form.costs.len() + 1).map(|i| {
        let cost = form.costs.get(i).unwrap_or(&blank_cost);
        let prefix = format!("costs[{i}]");
        let problem = move || problems.with(|p| problem_at(p, &prefix));
        view! {
            <div class="cost-row">
                <label class="utrecht-form-label" for={format!("kosten-{i}-omschrijving")}>{format!("Kostenpost {}: omschrijving", i + 1)}</label>
                <input class="utrecht-textbox utrecht-textbox--html-input" id={format!("kosten-{i}-omschrijving")} name={format!("canvas[costs][{i}][description]")} value=cost.description.clone()/>
                <label class="utrecht-form-label" for={format!("kosten-{i}-leverancier")}>"Leverancier"</label>
                <input class="utrecht-textbox utrecht-textbox--html-input" id={format!("kosten-{i}-leverancier")} name={format!("canvas[costs][{i}][supplier]")} value=cost.supplier.clone()/>
                <label class="utrecht-form-label" for={format!("kosten-{i}-bedrag")}>"Bedrag"</label>
                <input class="utrecht-textbox utrecht-textbox--html-input" id={format!("kosten-{i}-bedrag")} name={format!("canvas[costs][{i}][amount]")} value=cost.amount.clone()/>
                {move || problem().map(|m| view! { <div class="utrecht-form-field-error-message">{m}</div> })}
            </div>
        }
    }).collect_view();
    let status = move || match state.get() {
        SaveState::Saving => "Bezig met opslaan…".to_string(),
        SaveState::Changed => "Wijzigingen nog niet opgeslagen".to_string(),
        SaveState::Refused => "Niet opgeslagen: zie de meldingen bovenaan".to_string(),
        SaveState::Saved => format!("Concept opgeslagen {}", saved_at.get()),
    };
    let summary = move || {
        live.get().map(|calc| {
            format!(
                "Investering {} · vermeden {} · netto {} · {}",
                calc.investment,
                calc.total_avoided,
                calc.net_return,
                calc.ratio_sentence()
            )
        })
    };
    let f = form.clone();
    let names = StoredValue::new(crate::model::StreamNames::from(options.streams.as_slice()));
    view! {
        <datalist id="catalogus">{datalist}</datalist>
        <CopyLinesForm case_id edits sources copy_error template_error dirty/>
        <ActionForm action=save node_ref=form_ref>
            <div class="canvas-layout">
            <div class="canvas-grid" on:input=on_edit on:change=on_edit>
                <ErrorSummary problems error/>
                <FormMessage error/>
                <input type="hidden" name="case_id" value=case_id.to_string()/>
                <input type="hidden" name="edits" value=edits.get_untracked().to_string() prop:value=move || edits.get().to_string()/>
                <TextArea label="Situatie (anoniem: geen naam, adres of BSN)" name="canvas[situation]" field="situation" error value=f.situation.clone()/>
                <TextArea label="Perspectief: waar wil het huishouden over een jaar staan?" name="canvas[goal]" field="goal" error value=f.goal.clone()/>
                <fieldset class="utrecht-form-fieldset utrecht-form-fieldset--html-fieldset life-domains">
                    <legend class="utrecht-form-fieldset__legend">"Betrokken leefgebieden"</legend>
                    {move || problems.with(|p| problem_at(p, "life_domains")).map(|m| view! { <div class="utrecht-form-field-error-message">{m}</div> })}
                    {life_domains}
                </fieldset>
                <TextArea label="Betrokken hulpverlening (hoeveel, welke wetten)" name="canvas[providers]" field="providers" error value=f.providers.clone()/>
                <h2 class="utrecht-heading-2">"Knelpunten"</h2>
                {blockers}
                <h2 class="utrecht-heading-2">"De doorbraak"</h2>
                <TextArea label="Voorgestelde doorbraak" name="canvas[breakthrough]" field="breakthrough" error value=f.breakthrough.clone()/>
                <TextArea label="Wettelijke grondslag (wet, artikel of hardheidsclausule)" name="canvas[legal_basis]" field="legal_basis" error value=f.legal_basis.clone()/>
                {costs}
                <h2 class="utrecht-heading-2">"Scenario's"</h2>
                <div class="utrecht-form-field">
                    <label class="utrecht-form-label" for="veld-horizon">"Horizon in maanden"</label>
                    {move || problems.with(|p| problem_at(p, "horizon")).map(|m| view! { <div class="utrecht-form-field-error-message">{m}</div> })}
                    <input class="utrecht-textbox utrecht-textbox--html-input" id="veld-horizon" name="canvas[horizon]" value=f.horizon.clone() size="4"/>
                </div>
                <TextArea label="Dreigend scenario: wat gebeurt er als niets gebeurt?" name="canvas[threatening_summary]" field="threatening_summary" error value=f.threatening_summary.clone()/>
                <LineRows side="threatening" lines=f.threatening.clone() options=options.clone() choices problems hydrated/>
                <TextArea label="Reëel scenario: wat gebeurt er met de doorbraak?" name="canvas[realistic_summary]" field="realistic_summary" error value=f.realistic_summary.clone()/>
                <LineRows side="realistic" lines=f.realistic.clone() options=options.clone() choices problems hydrated/>
                <h2 class="utrecht-heading-2">"Waardendriehoek"</h2>
                <Corner key="legitimacy" label="Legitimiteit" value=f.legitimacy.clone() error/>
                <Corner key="return_" label="Rendement" value=f.return_.clone() error/>
                <Corner key="involvement" label="Betrokkenheid" value=f.involvement.clone() error/>
                <button type="submit" class="utrecht-button utrecht-button--primary-action" disabled=move || save.pending().get()>"Opslaan"</button>
            </div>
            <aside class="live-return" aria-label="Rendement en opslaan" data-live-return="">
                <p class="save-status" role="status" data-save-status="">{status}</p>
                <p class="return-summary">{summary}</p>
                <div class="return-detail">
                    <h2 class="utrecht-heading-2">"Rendement"</h2>
                    {move || live.get().map(|calc| view! { <ReturnTable calc names=names.get_value()/> })}
                    {move || live_error.get().map(|m| view! { <p class="utrecht-paragraph utrecht-paragraph--small">{format!("Nog niet te berekenen: {m}")}</p> })}
                </div>
            </aside>
            </div>
        </ActionForm>
    }
}

/// Copy lines from a team template or an earlier canvas into the saved
/// draft; save this canvas's lines as a template. Plain forms: the page
/// comes back with the copied lines, or with the refusal at its field.
#[component]
fn CopyLinesForm(
    case_id: i64,
    edits: RwSignal<i64>,
    sources: Vec<LineSource>,
    copy_error: Option<AppError>,
    template_error: Option<AppError>,
    dirty: RwSignal<bool>,
) -> impl IntoView {
    let copy_error = Signal::stored(copy_error);
    let template_error = Signal::stored(template_error);
    let choices: Vec<(String, String)> = sources
        .iter()
        .map(|s| (s.key.to_string(), s.label_nl()))
        .collect();
    let has_sources = !choices.is_empty();
    view! {
        <details class="copy-lines" open={copy_error.get_untracked().is_some() || template_error.get_untracked().is_some()}>
            <summary>"Regels overnemen of bewaren als sjabloon"</summary>
            {has_sources.then(|| view! {
                <form method="post" action={<CopyLines as ServerFn>::url()} aria-label="Regels overnemen">
                    <FormMessage error=copy_error/>
                    <input type="hidden" name="case_id" value=case_id.to_string()/>
                    <input type="hidden" name="edits" value=edits.get_untracked().to_string() prop:value=move || edits.get().to_string()/>
                    <SelectField label="Scenarioregels overnemen uit" name="source" field="source" error=copy_error options=select_options(&choices, "")/>
                    <p class="utrecht-paragraph utrecht-paragraph--small">"De regels komen na de opgeslagen regels van dit canvas: sla uw wijzigingen eerst op."</p>
                    <button type="submit" class="utrecht-button utrecht-button--secondary-action" disabled=move || dirty.get()>"Regels overnemen"</button>
                </form>
            })}
            <form method="post" action={<SaveTemplate as ServerFn>::url()} aria-label="Bewaren als sjabloon">
                <FormMessage error=template_error/>
                <input type="hidden" name="case_id" value=case_id.to_string()/>
                <TextField label="Naam van het sjabloon" name="name" field="template_name" error=template_error autocomplete="off" description="Bewaart de opgeslagen scenarioregels van dit canvas voor uw team."/>
                <button type="submit" class="utrecht-button utrecht-button--secondary-action">"Bewaren als sjabloon"</button>
            </form>
        </details>
    }
}
