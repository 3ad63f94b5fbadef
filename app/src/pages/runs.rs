//! The backoffice's chargeback: runs (preview, keys, posting, exports,
//! correction) and the claims on external payers.

use doorbraak::Role;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::runs::{
    CASES_PER_PAGE, CreateRun, DiscardRun, PostRun, ReverseRun, RunView, RunsOverview, SetRunCase,
    chargeback_run, chargeback_runs,
};
use crate::components::form::{
    FormMessage, SelectField, TextArea, TextField, last_error, select_options,
};
use crate::components::guard::{Guarded, or_error, role_resource};
use crate::components::table::DataTable;
use crate::error::AppError;
use crate::model::RunCaseView;
use crate::pages::claims::ClaimTable;
use chrono::Datelike;
use doorbraak::dates::dutch;
use doorbraak::run::{RunKind, RunStatus};

const ROLES: &[Role] = &[Role::Backoffice];

#[component]
pub fn RunsPage() -> impl IntoView {
    let create = ServerAction::<CreateRun>::new();
    let overview = role_resource(ROLES, move || create.version().get(), |_| chargeback_runs());
    view! {
        <Title text="Terugboeken"/>
        <Guarded roles=ROLES>
            <Runs overview create/>
        </Guarded>
    }
}

#[component]
fn Runs(
    overview: Resource<Option<Result<RunsOverview, AppError>>>,
    create: ServerAction<CreateRun>,
) -> impl IntoView {
    let error = last_error(create.value());
    view! {
        <h1 class="utrecht-heading-1">"Terugboeken"</h1>
        <Transition fallback=|| view! { <p class="utrecht-paragraph">"Laden…"</p> }>
            {move || Suspend::new(async move {
                or_error(overview.await, |o| {
                    let first = format!("{}-01-01", o.today.year() - 4);
                    let rows = o.runs.iter().map(|r| view! {
                        <tr class="utrecht-table__row">
                            <td class="utrecht-table__cell"><a class="utrecht-link" href=format!("/terugboeken/{}", r.id)>{format!("Run {}", r.id)}</a></td>
                            <td class="utrecht-table__cell">{r.label_nl()}{r.reverses.map(|x| format!(" van run {x}"))}</td>
                            <td class="utrecht-table__cell">{format!("{} t/m {}", dutch(r.period_from), dutch(r.period_to))}</td>
                            <td class="utrecht-table__cell utrecht-table__cell--numeric">{r.cases}</td>
                            <td class="utrecht-table__cell">{r.created_by.clone()}</td>
                            <td class="utrecht-table__cell">{r.booking_date.map(dutch).unwrap_or_default()}</td>
                        </tr>
                    }).collect_view();
                    view! {
                        <p class="utrecht-paragraph">{format!("{} afgerekende casussen wachten op terugboeken.", o.waiting)}</p>
                        <h2 class="utrecht-heading-2" id="nieuwe-run">"Nieuwe terugboekrun"</h2>
                        <ActionForm action=create attr:aria-labelledby="nieuwe-run">
                            <FormMessage error/>
                            <TextField label="Afgerekend vanaf" name="period_from" field="period_from" error input_type="date" value=first/>
                            <TextField label="Afgerekend tot en met" name="period_to" field="period_to" error input_type="date" value=o.today.to_string()/>
                            <button type="submit" class="utrecht-button utrecht-button--primary-action" disabled=move || create.pending().get()>"Voorstel maken"</button>
                        </ActionForm>
                        <DataTable caption="Terugboekingen, nieuwste eerst".to_string() headers=&["Terugboeking", "Status", "Periode", "Casussen", "Gemaakt door", "Boekdatum"]>{rows}</DataTable>
                    }
                })
            })}
        </Transition>
    }
}

/// Everything that can be done on a run's page.
#[derive(Clone, Copy)]
struct RunActions {
    key: ServerAction<SetRunCase>,
    post: ServerAction<PostRun>,
    discard: ServerAction<DiscardRun>,
    reverse: ServerAction<ReverseRun>,
}

impl RunActions {
    fn versions(self) -> [usize; 4] {
        [
            self.key.version().get(),
            self.post.version().get(),
            self.discard.version().get(),
            self.reverse.version().get(),
        ]
    }
}

#[component]
pub fn RunPage() -> impl IntoView {
    let id = crate::components::params::object_id();
    let page = crate::components::params::page_index();
    let case = crate::components::params::query_text("casus");
    let actions = RunActions {
        key: ServerAction::new(),
        post: ServerAction::new(),
        discard: ServerAction::new(),
        reverse: ServerAction::new(),
    };
    let run = role_resource(
        ROLES,
        move || (id(), page(), case(), actions.versions()),
        |(id, page, case, _)| chargeback_run(id, page, case),
    );
    view! {
        <Title text="Terugboekrun"/>
        <Guarded roles=ROLES>
            <Run run actions/>
        </Guarded>
    }
}

#[component]
fn Run(run: Resource<Option<Result<RunView, AppError>>>, actions: RunActions) -> impl IntoView {
    view! {
        <Transition fallback=|| view! { <p class="utrecht-paragraph">"Laden…"</p> }>
            {move || Suspend::new(async move {
                or_error(run.await, |v| view! { <RunBody v actions/> })
            })}
        </Transition>
    }
}

/// A case's split in words: `JW € 100,00 · ZVW € 50,00 (vordering)`.
fn split_nl(c: &RunCaseView) -> String {
    if c.excluded {
        return format!("Uitgesloten: {}", c.reason.clone().unwrap_or_default());
    }
    if let Some(why) = &c.refused {
        return format!("Niet toe te passen: {why}");
    }
    c.charges
        .iter()
        .map(|c| match &c.agreement {
            Some(a) => format!("{} {} (vordering, convenant {a})", c.stream, c.amount),
            None if c.claim => format!("{} {} (vordering)", c.stream, c.amount),
            None => format!("{} {}", c.stream, c.amount),
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

fn key_nl(c: &RunCaseView) -> String {
    match &c.responsibility {
        Some(key) => format!("Verantwoordelijkheid: {key}"),
        None if c.excluded => "—".to_string(),
        None => "Baathebber".to_string(),
    }
}

/// One case of a chargeback run with its evidence; `action` links to the
/// form that applies to it.
fn case_row(c: &RunCaseView, action: Option<(&'static str, String)>) -> impl IntoView + use<> {
    let why = c
        .residual_why
        .iter()
        .map(|(s, reason, m)| format!("{m} {s}: {reason}"))
        .collect::<Vec<_>>()
        .join(" · ");
    let evidence = c
        .evidence
        .iter()
        .map(|(s, m)| format!("{s} {m}"))
        .collect::<Vec<_>>()
        .join(" · ");
    view! {
        <tr class="utrecht-table__row">
            <td class="utrecht-table__cell"><a class="utrecht-link" href=format!("/casussen/{}", c.case_id)>{c.reference.clone()}</a></td>
            <td class="utrecht-table__cell utrecht-table__cell--numeric">{c.settled.to_string()}</td>
            <td class="utrecht-table__cell">{key_nl(c)}</td>
            <td class="utrecht-table__cell">{split_nl(c)}</td>
            <td class="utrecht-table__cell utrecht-table__cell--numeric">{c.residual.to_string()}</td>
            <td class="utrecht-table__cell" data-residual-why>{why}</td>
            <td class="utrecht-table__cell">{evidence}</td>
            {action.map(|(label, href)| view! { <td class="utrecht-table__cell"><a class="utrecht-link" href=href>{label}</a></td> })}
        </tr>
    }
}

const CASE_HEADERS: &[&str] = CASE_HEADERS_WITH_ACTION.split_at(7).0;
const CASE_HEADERS_WITH_ACTION: &[&str] = &[
    "Casus",
    "Afgerekend",
    "Sleutel",
    "Verdeling",
    "Blijft op de Wmo",
    "Waarom op de Wmo",
    "Vermeden kosten per stroom",
    "Actie",
];

/// The run's totals per stream as bars, beside the table with the same numbers.
fn run_chart(v: &RunView) -> Option<impl IntoView + use<>> {
    if v.totals.is_empty() {
        return None;
    }
    let categories = v
        .totals
        .iter()
        .map(|t| format!("{}{}", t.name, if t.claim { " (vordering)" } else { "" }))
        .collect();
    let most = v.totals.iter().max_by_key(|t| t.amount.cents())?;
    let summary = format!(
        "Het meest op {}: {} voor {} casussen; intern samen {}, vorderingen samen {}.",
        most.name, most.amount, most.cases, v.internal, v.claims_total
    );
    let series = vec![crate::components::chart::Series {
        name: "Bedrag".into(),
        values: v.totals.iter().map(|t| Some(t.amount)).collect(),
    }];
    Some(view! {
        <crate::components::chart::BarChart id="run-totalen" caption="Deze run per financieringsstroom.".to_string() summary categories series/>
    })
}

#[component]
fn RunBody(v: RunView, actions: RunActions) -> impl IntoView {
    let r = v.run.clone();
    let draft = r.status == RunStatus::Draft;
    let posted = r.status == RunStatus::Posted;
    let chargeback = r.kind == RunKind::Chargeback;
    let totals = v
        .totals
        .iter()
        .map(|t| view! {
            <tr class="utrecht-table__row">
                <td class="utrecht-table__cell">{crate::components::format::stream_label(&t.name, &t.stream.to_string())}</td>
                <td class="utrecht-table__cell">{if t.claim { "Vordering (extern)" } else { "Intern" }}</td>
                <td class="utrecht-table__cell utrecht-table__cell--numeric">{t.cases}</td>
                <td class="utrecht-table__cell utrecht-table__cell--numeric">{t.amount.to_string()}</td>
            </tr>
        })
        .collect_view();
    // The form a row's link opens: the key in a draft, a correction once posted.
    let page_query = if v.page > 0 {
        format!("pagina={}&", v.page + 1)
    } else {
        String::new()
    };
    let action = move |c: &RunCaseView| match (draft, posted && chargeback) {
        (true, _) => Some((
            "Sleutel of uitsluiten…",
            format!("?{page_query}casus={}#casus", c.reference),
        )),
        (_, true) => Some((
            "Corrigeren…",
            format!("?{page_query}casus={}#casus", c.reference),
        )),
        _ => None,
    };
    let with_action = draft || (posted && chargeback);
    let cases = if chargeback {
        v.cases
            .iter()
            .map(|c| case_row(c, action(c)))
            .collect_view()
            .into_any()
    } else {
        v.cases
            .iter()
            .map(|c| {
                let total = doorbraak::Money::sum(c.charges.iter().map(|x| x.amount)).map(|m| m.to_string()).unwrap_or_default();
                view! {
                    <tr class="utrecht-table__row">
                        <td class="utrecht-table__cell"><a class="utrecht-link" href=format!("/casussen/{}", c.case_id)>{c.reference.clone()}</a></td>
                        <td class="utrecht-table__cell">{split_nl(c)}</td>
                        <td class="utrecht-table__cell utrecht-table__cell--numeric">{total}</td>
                    </tr>
                }
            })
            .collect_view()
            .into_any()
    };
    let pages = v.case_count.div_ceil(CASES_PER_PAGE).max(1);
    let pager = (pages > 1).then(|| view! {
        <nav class="pagination" aria-label="Paginering">
            {(v.page > 0).then(|| view! { <a class="utrecht-link" href=format!("?pagina={}", v.page)>"Vorige pagina"</a> })}
            <span class="utrecht-paragraph">{format!("Pagina {} van {}", v.page + 1, pages)}</span>
            {(v.page + 1 < pages).then(|| view! { <a class="utrecht-link" href=format!("?pagina={}", v.page + 2)>"Volgende pagina"</a> })}
        </nav>
    });
    let claims = (!v.claims.is_empty()).then(
        || view! { <ClaimTable claims=v.claims.clone() caption="Vorderingen van deze run"/> },
    );
    let selected = v.selected.clone();
    let summary = format!(
        "U boekt {} casussen: {} intern, {} vorderingen; {} blijft op de Wmo.",
        v.charged_cases, v.internal, v.claims_total, v.residual
    );
    view! {
        <h1 class="utrecht-heading-1">{if chargeback { format!("Terugboekrun {}", r.id) } else { format!("Correctierun {}", r.id) }}</h1>
        <dl class="facts">
            <dt>"Status"</dt><dd data-run="status">{r.label_nl()}</dd>
            <dt>"Periode (afrekendatum)"</dt><dd>{format!("{} t/m {}", dutch(r.period_from), dutch(r.period_to))}</dd>
            {r.booking_date.map(|d| view! { <dt>"Boekdatum"</dt><dd>{dutch(d)}</dd> })}
            {r.reverses.map(|x| view! { <dt>"Corrigeert"</dt><dd><a class="utrecht-link" href=format!("/terugboeken/{x}")>{format!("Run {x}")}</a></dd> })}
            {r.reason.clone().map(|why| view! { <dt>"Reden"</dt><dd>{why}</dd> })}
            {(!r.reversed_by.is_empty()).then(|| view! { <dt>"Gecorrigeerd in"</dt><dd>{r.reversed_by.iter().map(|x| format!("run {x}")).collect::<Vec<_>>().join(", ")}</dd> })}
        </dl>
        {(!v.blocked.is_empty()).then(|| view! {
            <div class="utrecht-alert utrecht-alert--warning" role="status">
                <p class="utrecht-paragraph">"Zo kan de run nog niet worden geboekt:"</p>
                <ul class="utrecht-unordered-list">{v.blocked.iter().map(|b| view! { <li class="utrecht-unordered-list__item">{b.to_string()}</li> }).collect_view()}</ul>
            </div>
        })}
        <h2 class="utrecht-heading-2">"Totalen per stroom"</h2>
        <dl class="facts">
            {chargeback.then(|| view! { <dt>"Afgerekende kosten"</dt><dd>{v.settled.to_string()}</dd> })}
            <dt>{if chargeback { "Intern teruggeboekt (naar het doorbraakbudget)" } else { "Intern gecorrigeerd" }}</dt><dd data-total="internal">{v.internal.to_string()}</dd>
            <dt>{if chargeback { "Vorderingen op externe betalers" } else { "Vorderingen gecorrigeerd" }}</dt><dd data-total="claims">{v.claims_total.to_string()}</dd>
            {chargeback.then(|| view! { <dt>"Blijft op de Wmo"</dt><dd>{v.residual.to_string()}</dd> })}
        </dl>
        {run_chart(&v)}
        <DataTable caption="Per financieringsstroom".to_string() headers=&["Stroom", "Soort", "Casussen", "Bedrag"]>{totals}</DataTable>
        {posted.then(|| view! {
            <h2 class="utrecht-heading-2">"Journaal"</h2>
            <p class="utrecht-paragraph">
                <a class="utrecht-link" href=format!("/export/terugboekrun/{}/journaal.xlsx", r.id) download="">"Memoriaal als Excel-bestand"</a>
                " · "
                <a class="utrecht-link" href=format!("/export/terugboekrun/{}/journaal.csv", r.id) download="">"Memoriaal als CSV"</a>
            </p>
        })}
        <h2 class="utrecht-heading-2" id="casussen">"Casussen"</h2>
        {chargeback.then(|| view! {
            <form method="get" class="filter-form filters" action="#casus" aria-label="Casus van deze run zoeken">
                <div class="utrecht-form-field">
                    <div class="utrecht-form-field__label"><label class="utrecht-form-label" for="zoek-casus">"Casus (kenmerk)"</label></div>
                    <div class="utrecht-form-field__input"><input class="utrecht-textbox utrecht-textbox--html-input" id="zoek-casus" name="casus" type="text" autocomplete="off"/></div>
                </div>
                <button type="submit" class="utrecht-button utrecht-button--secondary-action">"Zoeken"</button>
            </form>
        })}
        {v.not_in_run.clone().map(|r| view! {
            <div class="utrecht-alert utrecht-alert--warning" role="status" id="casus"><p class="utrecht-paragraph">{format!("Casus {r} hoort niet bij deze run.")}</p></div>
        })}
        {selected.map(|c| view! { <SelectedCase c run=r.clone() draft posted=posted && chargeback today=v.today.to_string() actions/> })}
        {if chargeback {
            view! { <DataTable caption=format!("{} casussen met onderbouwing (vermeden kosten uit het vastgestelde canvas)", v.case_count) headers=if with_action { CASE_HEADERS_WITH_ACTION } else { CASE_HEADERS }>{cases}</DataTable> }.into_any()
        } else {
            view! { <DataTable caption=format!("{} gecorrigeerde casussen (negatief: teruggenomen)", v.case_count) headers=&["Casus", "Gecorrigeerd per stroom", "Totaal"]>{cases}</DataTable> }.into_any()
        }}
        {pager}
        {draft.then(|| view! { <DraftForms run=r.clone() summary today=v.today.to_string() actions/> })}
        {(posted && chargeback).then(|| view! { <WholeRunCorrection run=r.clone() today=v.today.to_string() actions/> })}
        {claims}
    }
}

/// The case a row's link chose, with the form that applies to it.
#[component]
fn SelectedCase(
    c: RunCaseView,
    run: crate::model::RunRow,
    draft: bool,
    posted: bool,
    today: String,
    actions: RunActions,
) -> impl IntoView {
    let key_error = last_error(actions.key.value());
    let error = last_error(actions.reverse.value());
    let current = if c.excluded {
        "exclude"
    } else if c.responsibility.is_some() {
        "responsibility"
    } else {
        "beneficiary"
    };
    let choices = select_options(
        &[
            ("beneficiary".into(), "Baathebbersleutel (standaard)".into()),
            (
                "responsibility".into(),
                "Verantwoordelijkheidssleutel".into(),
            ),
            ("exclude".into(), "Uitsluiten van deze run".into()),
        ],
        current,
    );
    let reference = c.reference.clone();
    let (case_id, responsibility) = (c.case_id, c.responsibility.clone().unwrap_or_default());
    let row = case_row(&c, None);
    view! {
        <section class="confirmation" id="casus" aria-labelledby="casus-titel">
            <h3 class="utrecht-heading-3" id="casus-titel">{format!("Casus {reference}")}</h3>
            <DataTable caption=format!("Casus {reference} in deze run") headers=CASE_HEADERS>{row}</DataTable>
            {draft.then(|| view! {
                <ActionForm action=actions.key attr:aria-label=format!("Verdeelsleutel van casus {reference}")>
                    <FormMessage error=key_error/>
                    <input type="hidden" name="run_id" value=run.id.to_string()/>
                    <input type="hidden" name="version" value=run.version.to_string()/>
                    <input type="hidden" name="case_id" value=case_id.to_string()/>
                    <SelectField label="Sleutel" name="choice" field="choice" error=key_error options=choices/>
                    <TextField label="Verantwoordelijke stromen met percentage" name="responsibility" field="responsibility" error=key_error description="Alleen bij de verantwoordelijkheidssleutel, bijvoorbeeld: JW 60, PW 40" value=responsibility.clone()/>
                    <TextArea label="Reden" name="reason" field="reason" error=key_error description="Verplicht bij een andere sleutel of uitsluiten."/>
                    <button type="submit" class="utrecht-button utrecht-button--primary-action" disabled=move || actions.key.pending().get()>"Sleutel vastleggen"</button>
                </ActionForm>
            })}
            {posted.then(|| view! {
                <p class="utrecht-paragraph">"Een correctie boekt alles van deze casus in deze run terug; de casus kan daarna opnieuw worden teruggeboekt."</p>
                <ActionForm action=actions.reverse attr:aria-label=format!("Casus {reference} corrigeren")>
                    <FormMessage error/>
                    <input type="hidden" name="run_id" value=run.id.to_string()/>
                    <input type="hidden" name="case_id" value=case_id.to_string()/>
                    <TextArea label="Reden" name="reason" field="reason" error/>
                    <TextField label="Boekdatum" name="booking_date" field="booking_date" error input_type="date" value=today.clone()/>
                    <button type="submit" class="utrecht-button utrecht-button--secondary-action" disabled=move || actions.reverse.pending().get()>"Correctie boeken"</button>
                </ActionForm>
            })}
            <p class="utrecht-paragraph"><a class="utrecht-link" href="?">"Sluiten"</a></p>
        </section>
    }
}

#[component]
fn DraftForms(
    run: crate::model::RunRow,
    summary: String,
    today: String,
    actions: RunActions,
) -> impl IntoView {
    let post_error = last_error(actions.post.value());
    let discard_error = last_error(actions.discard.value());
    let query = use_query_map();
    // `?bevestigen=boeken`: the summary to confirm, a plain link that works without JavaScript.
    let confirming = move || query.read().get("bevestigen").as_deref() == Some("boeken");
    let (run_id, run_version) = (run.id, run.version);
    view! {
        <h2 class="utrecht-heading-2" id="boeken">"Boeken"</h2>
        {move || if confirming() {
            let today = today.clone();
            view! {
                <div class="confirmation" data-confirm="boeken">
                    <p class="utrecht-paragraph"><strong>{summary.clone()}</strong></p>
                    <ActionForm action=actions.post attr:aria-labelledby="boeken">
                        <FormMessage error=post_error/>
                        <input type="hidden" name="run_id" value=run_id.to_string()/>
                        <input type="hidden" name="version" value=run_version.to_string()/>
                        <TextField label="Boekdatum" name="booking_date" field="booking_date" error=post_error input_type="date" value=today/>
                        <button type="submit" class="utrecht-button utrecht-button--primary-action" disabled=move || actions.post.pending().get()>"Bevestigen: run boeken"</button>
                    </ActionForm>
                    <p class="utrecht-paragraph"><a class="utrecht-link" href="?">"Annuleren"</a></p>
                </div>
            }.into_any()
        } else {
            view! {
                <p class="utrecht-paragraph"><a class="utrecht-button-link utrecht-button-link--primary-action" href="?bevestigen=boeken#boeken">"Run boeken…"</a></p>
            }.into_any()
        }}
        <ActionForm action=actions.discard attr:aria-label="Voorstel laten vervallen">
            <FormMessage error=discard_error/>
            <input type="hidden" name="run_id" value=run_id.to_string()/>
            <input type="hidden" name="version" value=run_version.to_string()/>
            <button type="submit" class="utrecht-button utrecht-button--secondary-action">"Voorstel laten vervallen"</button>
        </ActionForm>
    }
}

#[component]
fn WholeRunCorrection(
    run: crate::model::RunRow,
    today: String,
    actions: RunActions,
) -> impl IntoView {
    let error = last_error(actions.reverse.value());
    view! {
        <h2 class="utrecht-heading-2" id="corrigeren">"De hele run corrigeren"</h2>
        <p class="utrecht-paragraph">"Een geboekte run verandert nooit. Een correctie boekt alles terug wat nog niet is gecorrigeerd; één casus corrigeert u via de casus in de tabel."</p>
        <ActionForm action=actions.reverse attr:aria-labelledby="corrigeren">
            <FormMessage error/>
            <input type="hidden" name="run_id" value=run.id.to_string()/>
            <input type="hidden" name="case_id" value=""/>
            <TextArea label="Reden" name="reason" field="reason" error/>
            <TextField label="Boekdatum" name="booking_date" field="booking_date" error input_type="date" value=today/>
            <button type="submit" class="utrecht-button utrecht-button--secondary-action" disabled=move || actions.reverse.pending().get()>"Correctie boeken"</button>
        </ActionForm>
    }
}
