//! Cases: the professional's list, the case page with the actions each role
//! may take, and the queues of the approver and the backoffice.

use doorbraak::Role;
use doorbraak::lifecycle::Status;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::cases::{
    CaseChoices, CreateCase, DecideCase, RegisterPayment, ReopenSettlement, ReversePayment,
    ReviseCase, SetWaiting, SettleCase, SubmitCase, approval_queue, case_options, closing_queue,
    get_case, my_cases, payment_queue, payment_token,
};
use crate::api::evaluations::ConfirmReceipt;
use crate::components::canvas_view::CanvasDocument;
use crate::components::form::{
    FormMessage, SelectField, TextArea, TextField, last_error, select_options,
};
use crate::components::format::{dutch_date, dutch_time};
use crate::components::guard::{
    ErrorPage, Guarded, loaded, or_error, role_resource, signed_in_user,
};
use crate::components::table::DataTable;
use crate::error::AppError;
use crate::model::{CaseList, CaseView};

/// Paying from the canvas's cost lines (`?kostenpost=i` fills the form with
/// line i) and settling after a confirmation (`?bevestigen=afrekenen`): both
/// plain links, so they work without JavaScript too.
#[component]
fn Payment(
    view: CaseView,
    token: String,
    pay: ServerAction<RegisterPayment>,
    settle: ServerAction<SettleCase>,
) -> impl IntoView {
    let query = leptos_router::hooks::use_query_map();
    let pay_error = last_error(pay.value());
    let settle_error = last_error(settle.value());
    let (id, version) = (view.id, view.version);
    let standing: Vec<(&str, doorbraak::Money)> = view
        .payments
        .iter()
        .filter(|p| p.reversed.is_none())
        .map(|p| (p.supplier.as_str(), p.amount))
        .collect();
    let paid_costs = doorbraak::canvas::paid_costs(&view.canvas.costs, &standing);
    let cost_rows = view
        .canvas
        .costs
        .iter()
        .zip(paid_costs.iter())
        .enumerate()
        .map(|(i, (c, paid))| view! {
            <tr class="utrecht-table__row">
                <td class="utrecht-table__cell">{c.description.clone()}</td>
                <td class="utrecht-table__cell">{c.supplier.clone()}</td>
                <td class="utrecht-table__cell utrecht-table__cell--numeric">{c.amount.to_string()}</td>
                <td class="utrecht-table__cell">{if *paid {
                    view! { "Betaald" }.into_any()
                } else {
                    view! { <a class="utrecht-link" href=format!("?kostenpost={i}#betaling") data-cost-line=i.to_string() aria-label=format!("{} bij {} overnemen in het betaalformulier", c.description, c.supplier)>"Overnemen"</a> }.into_any()
                }}</td>
            </tr>
        })
        .collect_view();
    let release = view.held.checked_sub(view.paid).unwrap_or(view.held);
    let release_year = view
        .budget_year
        .map(|y| format!(" {y}"))
        .unwrap_or_default();
    let summary = format!(
        "U rekent de casus af: betaald {} van de reservering {}; {release} komt terug in het doorbraakbudget{release_year}.",
        view.paid, view.held
    );
    let costs = view.canvas.costs.clone();
    let today = view.today.clone();
    // The cost line chosen to pay, unless a payment already covers it.
    let prefill = move || {
        query
            .read()
            .get("kostenpost")
            .and_then(|i| i.parse::<usize>().ok())
            .filter(|i| paid_costs.get(*i) == Some(&false))
            .and_then(|i| costs.get(i).cloned())
    };
    let confirming = move || query.read().get("bevestigen").as_deref() == Some("afrekenen");
    view! {
        <p class="utrecht-paragraph">{format!("Gereserveerd {} · betaald {}", view.held, view.paid)}</p>
        <DataTable caption="Kosten van de doorbraak volgens het canvas: neem een kostenpost over in het formulier" headers=&["Kostenpost", "Leverancier", "Bedrag", "Betaling"]>{cost_rows}</DataTable>
        {move || {
            let line = prefill();
            let (token, today) = (token.clone(), today.clone());
            view! {
                <ActionForm action=pay attr:aria-labelledby="betaling">
                    <FormMessage error=pay_error/>
                    <input type="hidden" name="case_id" value=id.to_string()/>
                    <input type="hidden" name="token" value=token/>
                    <TextField label="Bedrag" name="amount" field="amount" error=pay_error description="Bijvoorbeeld 1.234,56" value=line.as_ref().map(|c| c.amount.to_input_string()).unwrap_or_default()/>
                    <TextField label="Betaaldatum" name="paid_on" field="paid_on" error=pay_error input_type="date" value=today/>
                    <TextField label="Ontvanger (leverancier, of 'huishouden' zonder naam)" name="supplier" field="supplier" error=pay_error value=line.as_ref().map(|c| c.supplier.clone()).unwrap_or_default()/>
                    <TextField label="Betalingskenmerk" name="reference" field="reference" error=pay_error/>
                    <button type="submit" class="utrecht-button utrecht-button--primary-action" disabled=move || pay.pending().get()>"Betaling registreren"</button>
                </ActionForm>
            }
        }}
        <h2 class="utrecht-heading-2" id="afrekenen">"Afrekenen"</h2>
        {move || if confirming() {
            view! {
                <div class="confirmation" data-confirm="afrekenen">
                    <p class="utrecht-paragraph"><strong>{summary.clone()}</strong></p>
                    <ActionForm action=settle>
                        <FormMessage error=settle_error/>
                        <input type="hidden" name="case_id" value=id.to_string()/>
                        <input type="hidden" name="version" value=version.to_string()/>
                        <button type="submit" class="utrecht-button utrecht-button--primary-action">"Bevestigen: afrekenen"</button>
                    </ActionForm>
                    <p class="utrecht-paragraph"><a class="utrecht-link" href="?">"Annuleren"</a></p>
                </div>
            }.into_any()
        } else {
            view! {
                <p class="utrecht-paragraph">"Afrekenen sluit de betalingen af en geeft de rest van de reservering vrij."</p>
                <p class="utrecht-paragraph"><a class="utrecht-button-link utrecht-button-link--secondary-action" href="?bevestigen=afrekenen#afrekenen">"Afrekenen…"</a></p>
            }.into_any()
        }}
    }
}

/// Who returned the canvas, when and why, while the professional revises it.
fn returned_reason(view: &CaseView) -> Option<(String, String, String)> {
    if !matches!(view.status, Status::Returned | Status::Draft) {
        return None;
    }
    let last = view.events.iter().rposition(|e| e.to == Status::Returned)?;
    let resubmitted = view.events[last..]
        .iter()
        .any(|e| e.to == Status::Submitted);
    let e = &view.events[last];
    (!resubmitted).then(|| {
        (
            e.actor.clone(),
            dutch_time(&e.at),
            e.reason.clone().unwrap_or_default(),
        )
    })
}

/// What changed in a version since the one before it.
#[component]
fn Changes(changes: Vec<String>, since: i64) -> impl IntoView {
    (!changes.is_empty()).then(|| {
        let items = changes
            .into_iter()
            .map(|c| view! { <li class="utrecht-unordered-list__item">{c}</li> })
            .collect_view();
        view! {
            <div class="revision" data-changes="">
                <p class="utrecht-paragraph">{format!("Gewijzigd sinds versie {since}:")}</p>
                <ul class="utrecht-unordered-list">{items}</ul>
            </div>
        }
    })
}

fn status_badge(status: Status) -> impl IntoView {
    let tone = match status {
        Status::Rejected => "utrecht-status-badge--danger",
        Status::Approved | Status::InProgress => "utrecht-status-badge--active",
        Status::Settled | Status::ChargedBack | Status::Evaluated | Status::Closed => {
            "utrecht-status-badge--success"
        }
        _ => "utrecht-status-badge--neutral",
    };
    view! { <span class=format!("utrecht-status-badge {tone}")>{status.label_nl()}</span> }
}

/// The page number in the address (`?pagina=2`), zero-based.
fn page_param() -> impl Fn() -> i64 + Copy + Send + Sync + 'static {
    let query = leptos_router::hooks::use_query_map();
    move || {
        query
            .read()
            .get("pagina")
            .and_then(|p| p.parse::<i64>().ok())
            .map_or(0, |p| (p - 1).clamp(0, 1_000_000))
    }
}

/// Previous/next links; `base` is the address's query without the page.
#[component]
fn Pager(list: CaseList, base: String) -> impl IntoView {
    let link = move |p: i64| format!("?{base}pagina={}", p + 1);
    (list.page > 0 || list.has_more).then(|| view! {
        <nav class="pagination" aria-label="Paginering">
            {(list.page > 0).then(|| view! { <a class="utrecht-link" href=link(list.page - 1)>"Vorige pagina"</a> })}
            <span class="utrecht-paragraph">{format!("Pagina {}", list.page + 1)}</span>
            {list.has_more.then(|| view! { <a class="utrecht-link" href=link(list.page + 1)>"Volgende pagina"</a> })}
        </nav>
    })
}

#[component]
fn CaseTable(
    list: CaseList,
    caption: &'static str,
    #[prop(optional, into)] base: String,
) -> impl IntoView {
    if list.cases.is_empty() {
        let said = if base.is_empty() {
            "Nog geen casussen."
        } else {
            "Geen casussen gevonden met deze zoekvraag."
        };
        return view! { <p class="utrecht-paragraph" data-empty="">{said}</p> }.into_any();
    }
    let shown = list.page * crate::api::cases::PER_PAGE;
    let caption = format!(
        "{caption} ({} tot en met {}{})",
        shown + 1,
        shown + list.cases.len() as i64,
        if list.has_more {
            ", er zijn er meer"
        } else {
            ""
        }
    );
    let pager = view! { <Pager list=list.clone() base/> };
    let rows = list
        .cases
        .into_iter()
        .map(|c| {
            view! {
                <tr class="utrecht-table__row">
                    <td class="utrecht-table__cell reference"><a class="utrecht-link" href=format!("/casussen/{}", c.id)>{c.reference.clone()}</a></td>
                    <td class="utrecht-table__cell">{c.team.clone()}</td>
                    <td class="utrecht-table__cell">{c.professional.clone()}</td>
                    <td class="utrecht-table__cell">{status_badge(c.status)}{c.waiting_for_external.then_some(" (wacht op externe partij)")}</td>
                    <td class="utrecht-table__cell utrecht-table__cell--numeric">{c.investment.to_string()}</td>
                    <td class="utrecht-table__cell utrecht-table__cell--numeric">{c.total_avoided.to_string()}</td>
                    <td class="utrecht-table__cell">{dutch_date(&c.updated_at)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <DataTable caption={caption} headers=&["Casus", "Team", "Professional", "Status", "Investering", "Vermeden kosten", "Gewijzigd"]>{rows}</DataTable>
        {pager}
    }
    .into_any()
}

#[component]
pub fn CasesPage() -> impl IntoView {
    const ROLES: &[Role] = &[Role::Professional];
    let query = leptos_router::hooks::use_query_map();
    let page = page_param();
    let cases = role_resource(
        ROLES,
        move || {
            let q = query.read();
            (
                page(),
                q.get("zoek").unwrap_or_default(),
                q.get("status").unwrap_or_default(),
            )
        },
        |(page, reference, status)| my_cases(page, reference, status),
    );
    let options = role_resource(ROLES, || (), |_| case_options());
    view! {
        <Title text="Casussen"/>
        <Guarded roles=ROLES>
            <Cases cases options/>
        </Guarded>
    }
}

#[component]
fn Cases(
    cases: Resource<Option<Result<CaseList, AppError>>>,
    options: Resource<Option<Result<CaseChoices, AppError>>>,
) -> impl IntoView {
    let create = ServerAction::<CreateCase>::new();
    let error = last_error(create.value());
    view! {
        <h1 class="utrecht-heading-1">"Casussen van uw team"</h1>
        <Transition fallback=|| view! { <p class="utrecht-paragraph">"Laden…"</p> }>
            {move || Suspend::new(async move {
                let teams = loaded(options.await).map(|o| o.teams).unwrap_or_default();
                let team_options = select_options(&teams.into_iter().map(|t| (t.id.to_string(), t.name)).collect::<Vec<_>>(), "");
                view! {
                    <h2 class="utrecht-heading-2" id="nieuwe-casus">"Nieuwe casus"</h2>
                    <ActionForm action=create attr:aria-labelledby="nieuwe-casus">
                        <FormMessage error/>
                        <div class="utrecht-form-field">
                            <div class="utrecht-form-field__label"><label class="utrecht-form-label" for="veld-team_id">"Team"</label></div>
                            {move || error.get().and_then(|e| e.for_field("team_id")).map(|m| view! { <div class="utrecht-form-field-error-message">{m}</div> })}
                            <div class="utrecht-form-field__input">
                                <select class="utrecht-select utrecht-select--html-select" id="veld-team_id" name="team_id" inner_html=team_options></select>
                            </div>
                        </div>
                        <p class="utrecht-paragraph utrecht-paragraph--small">"Het huishouden krijgt een pseudoniem kenmerk; vul nergens een naam, adres of BSN in."</p>
                        <button type="submit" class="utrecht-button utrecht-button--primary-action">"Casus starten"</button>
                    </ActionForm>
                    <CaseSearch/>
                    {or_error(cases.await, |list| view! { <CaseTable list caption="Casussen van uw teams" base=search_query()/> })}
                }
            })}
        </Transition>
    }
}

/// The search and status filter as a query for the page links (`zoek=…&status=…&`).
fn search_query() -> String {
    let query = leptos_router::hooks::use_query_map();
    query.with_untracked(|q| {
        ["zoek", "status"]
            .iter()
            .filter_map(|k| {
                q.get(k)
                    .filter(|v| !v.is_empty())
                    .map(|v| format!("{k}={}&", crate::components::format::urlencode(&v)))
            })
            .collect()
    })
}

/// Search the case list by reference and narrow it to a status: a plain GET
/// form, so the address holds the filter.
#[component]
fn CaseSearch() -> impl IntoView {
    let query = leptos_router::hooks::use_query_map();
    let (text, status) = query.with_untracked(|q| {
        (
            q.get("zoek").unwrap_or_default(),
            q.get("status").unwrap_or_default(),
        )
    });
    let mut statuses = vec![(String::new(), "Alle statussen".to_string())];
    statuses.extend(
        Status::ALL
            .iter()
            .map(|s| (s.code().to_string(), s.label_nl().to_string())),
    );
    let options = select_options(&statuses, &status);
    view! {
        <h2 class="utrecht-heading-2" id="zoeken">"Zoeken"</h2>
        <leptos_router::components::Form method="GET" action="" attr:class="filter-form" attr:aria-labelledby="zoeken">
            <div class="filters">
                <div class="utrecht-form-field">
                    <label class="utrecht-form-label" for="zoek-kenmerk">"Kenmerk (of een deel ervan)"</label>
                    <input class="utrecht-textbox utrecht-textbox--html-input" id="zoek-kenmerk" name="zoek" value=text type="search"/>
                </div>
                <div class="utrecht-form-field">
                    <label class="utrecht-form-label" for="zoek-status">"Status"</label>
                    <select class="utrecht-select utrecht-select--html-select" id="zoek-status" name="status" inner_html=options></select>
                </div>
                <button type="submit" class="utrecht-button utrecht-button--secondary-action">"Zoeken"</button>
            </div>
        </leptos_router::components::Form>
    }
}

#[component]
pub fn ApprovalsPage() -> impl IntoView {
    const ROLES: &[Role] = &[Role::Approver];
    let query = leptos_router::hooks::use_query_map();
    let decidable = move || query.read().get("lijst").as_deref() != Some("overig");
    let page = page_param();
    let queue = role_resource(
        ROLES,
        move || (decidable(), page()),
        |(d, p)| approval_queue(d, p),
    );
    view! {
        <Title text="Te beoordelen"/>
        <Guarded roles=ROLES>
            <Approvals queue/>
        </Guarded>
    }
}

#[component]
fn Approvals(queue: Resource<Option<Result<CaseList, AppError>>>) -> impl IntoView {
    let query = leptos_router::hooks::use_query_map();
    let decidable = move || query.read().get("lijst").as_deref() != Some("overig");
    view! {
        <h1 class="utrecht-heading-1">"Te beoordelen canvassen"</h1>
        <nav class="tabs" aria-label="Lijsten">
            <a class="utrecht-link" href="?lijst=mandaat" aria-current=move || decidable().then_some("page")>"Binnen uw mandaat"</a>
            <a class="utrecht-link" href="?lijst=overig" aria-current=move || (!decidable()).then_some("page")>"Buiten uw mandaat of uw eigen canvas"</a>
        </nav>
        <Transition fallback=|| view! { <p class="utrecht-paragraph">"Laden…"</p> }>
            {move || Suspend::new(async move {
                let inside = query.with_untracked(|_| decidable());
                or_error(queue.await, |list| if inside {
                    view! { <CaseTable list caption="Binnen uw mandaat" base="lijst=mandaat&"/> }
                } else {
                    view! { <CaseTable list caption="Ter informatie: buiten uw mandaat of uw eigen canvas" base="lijst=overig&"/> }
                })
            })}
        </Transition>
    }
}

/// Evaluated cases waiting to be closed (`/afsluiten`).
#[component]
pub fn ClosingPage() -> impl IntoView {
    const ROLES: &[Role] = &[Role::Backoffice, Role::Approver];
    let queue = role_resource(ROLES, page_param(), closing_queue);
    view! {
        <Title text="Afsluiten"/>
        <Guarded roles=ROLES>
            <h1 class="utrecht-heading-1">"Geëvalueerd, af te sluiten"</h1>
            <p class="utrecht-paragraph">"Casussen waarvan de eindevaluatie is vastgelegd. Open een casus en sluit hem af vanaf de evaluatie."</p>
            <Transition fallback=|| view! { <p class="utrecht-paragraph">"Laden…"</p> }>
                {move || Suspend::new(async move {
                    or_error(queue.await, |list| view! { <CaseTable list caption="Geëvalueerde casussen"/> })
                })}
            </Transition>
        </Guarded>
    }
}

#[component]
pub fn PaymentsPage() -> impl IntoView {
    const ROLES: &[Role] = &[Role::Backoffice];
    let queue = role_resource(ROLES, page_param(), payment_queue);
    view! {
        <Title text="Betalen en afrekenen"/>
        <Guarded roles=ROLES>
            <Payments queue/>
        </Guarded>
    }
}

#[component]
fn Payments(queue: Resource<Option<Result<CaseList, AppError>>>) -> impl IntoView {
    view! {
        <h1 class="utrecht-heading-1">"Betalen en afrekenen"</h1>
        <Transition fallback=|| view! { <p class="utrecht-paragraph">"Laden…"</p> }>
            {move || Suspend::new(async move {
                or_error(queue.await, |list| view! { <CaseTable list caption="Goedgekeurde casussen en casussen in uitvoering"/> })
            })}
        </Transition>
    }
}

#[component]
pub fn CasePage() -> impl IntoView {
    const ROLES: &[Role] = &[Role::Professional, Role::Approver, Role::Backoffice];
    let id = crate::components::params::object_id();
    let actions = CaseActions::new();
    let case = role_resource(
        ROLES,
        move || (id(), actions.versions()),
        |(id, _)| get_case(id),
    );
    let token = role_resource(
        &[Role::Backoffice],
        move || actions.pay.version().get(),
        |_| payment_token(),
    );
    view! {
        <Title text="Casus"/>
        <Guarded roles=ROLES>
            <Case case token actions/>
        </Guarded>
    }
}

/// Everything that can be done on the case page.
#[derive(Clone, Copy)]
struct CaseActions {
    submit: ServerAction<SubmitCase>,
    decide: ServerAction<DecideCase>,
    revise: ServerAction<ReviseCase>,
    pay: ServerAction<RegisterPayment>,
    settle: ServerAction<SettleCase>,
    reverse_payment: ServerAction<ReversePayment>,
    reopen: ServerAction<ReopenSettlement>,
    waiting: ServerAction<SetWaiting>,
    receipt: ServerAction<ConfirmReceipt>,
}

impl CaseActions {
    fn new() -> Self {
        CaseActions {
            submit: ServerAction::new(),
            decide: ServerAction::new(),
            revise: ServerAction::new(),
            pay: ServerAction::new(),
            settle: ServerAction::new(),
            reverse_payment: ServerAction::new(),
            reopen: ServerAction::new(),
            waiting: ServerAction::new(),
            receipt: ServerAction::new(),
        }
    }

    /// Changes whenever one of them has run: the case is loaded again.
    fn versions(self) -> [usize; 9] {
        [
            self.submit.version().get(),
            self.decide.version().get(),
            self.revise.version().get(),
            self.pay.version().get(),
            self.settle.version().get(),
            self.reverse_payment.version().get(),
            self.reopen.version().get(),
            self.waiting.version().get(),
            self.receipt.version().get(),
        ]
    }
}

#[component]
fn Case(
    case: Resource<Option<Result<CaseView, AppError>>>,
    token: Resource<Option<Result<String, AppError>>>,
    actions: CaseActions,
) -> impl IntoView {
    let user = signed_in_user();
    view! {
        <Transition fallback=|| view! { <p class="utrecht-paragraph">"Laden…"</p> }>
            {move || {
                let user = user.clone();
                Suspend::new(async move {
                    let view = match loaded(case.await) {
                        Ok(view) => view,
                        Err(error) => return view! { <ErrorPage error/> }.into_any(),
                    };
                    let token = token.await.and_then(Result::ok).unwrap_or_default();
                    view! { <CaseDetails view user token actions/> }.into_any()
                })
            }}
        </Transition>
    }
}

#[component]
fn CaseDetails(
    view: CaseView,
    user: crate::model::CurrentUser,
    token: String,
    actions: CaseActions,
) -> impl IntoView {
    let CaseActions {
        submit,
        decide,
        revise,
        pay,
        settle,
        reverse_payment,
        reopen,
        waiting,
        receipt,
    } = actions;
    let receipt_error = last_error(receipt.value());
    let is_prof = user.roles.has(Role::Professional) && user.team_ids.contains(&view.team_id);
    let is_approver = view.may_decide;
    let is_back = user.roles.has(Role::Backoffice);
    let (id, version) = (view.id, view.version);
    let submit_error = last_error(submit.value());
    let decide_error = last_error(decide.value());
    let revise_error = last_error(revise.value());
    let reverse_error = last_error(reverse_payment.value());
    let reopen_error = last_error(reopen.value());
    let waiting_error = last_error(waiting.value());
    let events = view
        .events
        .iter()
        .map(|e| {
            view! {
                <li>
                    <strong>{dutch_time(&e.at)}</strong>" — "
                    {format!("{} {}.", e.actor, doorbraak::lifecycle::Action::sentence_nl(&e.action))}
                    " "<span class="timeline-status">{match e.from {
                        Some(from) if from != e.to => format!("Status: van {} naar {}.", from.label_nl().to_lowercase(), e.to.label_nl().to_lowercase()),
                        _ => format!("Status: {}.", e.to.label_nl().to_lowercase()),
                    }}</span>
                    {e.reason.clone().map(|r| view! { <br/><em>{format!("Reden: {r}")}</em> })}
                </li>
            }
        })
        .collect_view();
    let payments = view
        .payments
        .iter()
        .map(|p| view! {
            <tr class="utrecht-table__row">
                <td class="utrecht-table__cell">{dutch_date(&p.paid_on)}</td>
                <td class="utrecht-table__cell">{p.supplier.clone()}</td>
                <td class="utrecht-table__cell">{p.reference.clone()}</td>
                <td class="utrecht-table__cell utrecht-table__cell--numeric">{p.amount.to_string()}</td>
                <td class="utrecht-table__cell">{match &p.reversed {
                    Some((on, why)) => format!("Teruggedraaid op {}: {why}", dutch_date(on)),
                    None => "Betaald".to_string(),
                }}</td>
                <td class="utrecht-table__cell">{match &p.received {
                    Some((on, note)) if note.is_empty() => format!("Ontvangen op {}", dutch_date(on)),
                    Some((on, note)) => format!("Ontvangen op {}: {note}", dutch_date(on)),
                    None => "Nog niet bevestigd".to_string(),
                }}</td>
            </tr>
        })
        .collect_view();
    // The payments a form can choose: (id, "date · supplier · amount").
    let choices = |keep: fn(&crate::model::PaymentRow) -> bool| -> Vec<(String, String)> {
        view.payments
            .iter()
            .filter(|p| keep(p))
            .map(|p| {
                (
                    p.id.to_string(),
                    format!("{} · {} · {}", dutch_date(&p.paid_on), p.supplier, p.amount),
                )
            })
            .collect()
    };
    let reversible = choices(|p| p.reversed.is_none());
    let unreceived = choices(|p| p.reversed.is_none() && p.received.is_none());
    let returned_reason = returned_reason(&view);
    let changes = view.changes.clone();
    let names = view.stream_names.clone();
    let earlier = view
        .earlier
        .iter()
        .cloned()
        .map(|v| {
            let saved = dutch_time(&v.saved_at);
            let frozen = if v.frozen { ", vastgesteld" } else { "" };
            view! {
                <details class="canvas-version">
                    <summary>{format!("Versie {} (opgeslagen {saved}{frozen})", v.version)}</summary>
                    <Changes changes=v.changes since=v.version - 1/>
                    <CanvasDocument canvas=v.canvas calculation=v.calculation names=names.clone()/>
                </details>
            }
        })
        .collect_view();
    view! {
        <Title text=format!("Casus {}", view.reference)/>
        <h1 class="utrecht-heading-1">{format!("Casus {}", view.reference)}</h1>
        <p class="utrecht-paragraph">{status_badge(view.status)}" · canvas versie "{view.canvas_version}{view.canvas_frozen.then_some(" (vastgesteld)")}
            {view.waiting_for_external.then(|| format!(" · wacht op een externe partij: {}", view.waiting_note.clone().unwrap_or_default()))}
        </p>
        <p class="utrecht-paragraph awaiting" data-awaiting="">{view.awaiting.clone()}</p>
        {returned_reason.map(|(who, on, why)| view! {
            <div class="utrecht-alert utrecht-alert--warning" role="status" data-returned="">
                <p class="utrecht-paragraph"><strong>{format!("Teruggestuurd door {who} op {on}:")}</strong>" "{why}</p>
            </div>
        })}
        {(is_prof && view.status == Status::Draft).then(|| view! {
            <p class="utrecht-paragraph"><a class="utrecht-link" href=format!("/casussen/{}/canvas", view.id)>"Canvas bewerken"</a></p>
            <ActionForm action=submit>
                <FormMessage error=submit_error/>
                {move || submit_error.get().and_then(|e| e.for_field("canvas")).map(|m| view! { <div class="utrecht-alert utrecht-alert--error" role="alert"><p class="utrecht-paragraph">{m}</p></div> })}
                <input type="hidden" name="case_id" value=id.to_string()/>
                <input type="hidden" name="version" value=version.to_string()/>
                <button type="submit" class="utrecht-button utrecht-button--primary-action">"Indienen ter beoordeling"</button>
            </ActionForm>
        })}
        {(is_prof && view.status == Status::Returned).then(|| view! {
            <ActionForm action=revise>
                <FormMessage error=revise_error/>
                <input type="hidden" name="case_id" value=id.to_string()/>
                <input type="hidden" name="version" value=version.to_string()/>
                <button type="submit" class="utrecht-button utrecht-button--primary-action">"Nieuwe versie van het canvas maken"</button>
            </ActionForm>
        })}
        <h2 class="utrecht-heading-2" id="canvas">{format!("Maatwerkcanvas, versie {}", view.canvas_version)}</h2>
        <Changes changes since=view.canvas_version - 1/>
        <CanvasDocument canvas=view.canvas.clone() calculation=view.calculation.clone() names=view.stream_names.clone()/>
        {(!view.earlier.is_empty()).then(|| view! {
            <h2 class="utrecht-heading-2 no-print">"Eerdere versies"</h2>
            <div class="no-print">{earlier}</div>
        })}
        {view.decided_by.clone().map(|who| view! {
            <div class="utrecht-alert utrecht-alert--info no-print" role="status" data-decided-by="">
                <p class="utrecht-paragraph">{who}</p>
            </div>
        })}
        {(is_approver && view.status == Status::Submitted).then(|| view! {
            <h2 class="utrecht-heading-2" id="besluit">"Besluit"</h2>
            {view.fund_available.map(|(year, available)| view! { <p class="utrecht-paragraph">{format!("Beschikbaar in het doorbraakbudget {year}: {available}")}</p> })}
            <ActionForm action=decide attr:aria-labelledby="besluit">
                <FormMessage error=decide_error/>
                <input type="hidden" name="case_id" value=id.to_string()/>
                <input type="hidden" name="version" value=version.to_string()/>
                <fieldset class="utrecht-form-fieldset utrecht-form-fieldset--html-fieldset">
                    <legend class="utrecht-form-fieldset__legend">"Uw besluit"</legend>
                    {move || decide_error.get().and_then(|e| e.for_field("decision")).map(|m| view! { <div class="utrecht-form-field-error-message" id="besluit-fout">{m}</div> })}
                    <div class="utrecht-form-field utrecht-form-field--radio">
                        <input class="utrecht-radio-button utrecht-radio-button--html-input" type="radio" id="besluit-approve" name="decision" value="approve"/>
                        <label class="utrecht-form-label utrecht-form-label--radio" for="besluit-approve">"Goedkeuren"</label>
                    </div>
                    <div class="utrecht-form-field utrecht-form-field--radio">
                        <input class="utrecht-radio-button utrecht-radio-button--html-input" type="radio" id="besluit-return" name="decision" value="return"/>
                        <label class="utrecht-form-label utrecht-form-label--radio" for="besluit-return">"Terugsturen voor aanpassing"</label>
                    </div>
                    <div class="utrecht-form-field utrecht-form-field--radio">
                        <input class="utrecht-radio-button utrecht-radio-button--html-input" type="radio" id="besluit-reject" name="decision" value="reject"/>
                        <label class="utrecht-form-label utrecht-form-label--radio" for="besluit-reject">"Afwijzen"</label>
                    </div>
                </fieldset>
                <TextArea label="Reden" name="reason" field="reason" error=decide_error/>
                <button type="submit" class="utrecht-button utrecht-button--primary-action" disabled=move || decide.pending().get()>"Besluit vastleggen"</button>
            </ActionForm>
        })}
        {(is_back && matches!(view.status, Status::Approved | Status::InProgress)).then(|| view! {
            <Payment view=view.clone() token=token.clone() pay settle/>
        })}
        {(is_back && matches!(view.status, Status::Approved | Status::InProgress) && !reversible.is_empty()).then(|| view! {
            <h2 class="utrecht-heading-2" id="betaling-terugdraaien">"Betaling terugdraaien"</h2>
            <p class="utrecht-paragraph">"Een foutieve betaling wordt gecorrigeerd door een tegenboeking: het bedrag komt terug op de reservering van de casus."</p>
            <ActionForm action=reverse_payment attr:aria-labelledby="betaling-terugdraaien">
                <FormMessage error=reverse_error/>
                <input type="hidden" name="case_id" value=id.to_string()/>
                <input type="hidden" name="version" value=version.to_string()/>
                <SelectField label="Betaling" name="payment_id" field="payment_id" error=reverse_error options=select_options(&reversible, "")/>
                <TextArea label="Reden" name="reason" field="reason" error=reverse_error/>
                <button type="submit" class="utrecht-button utrecht-button--secondary-action" disabled=move || reverse_payment.pending().get()>"Betaling terugdraaien"</button>
            </ActionForm>
        })}
        {(is_back && view.status == Status::Settled).then(|| view! {
            <h2 class="utrecht-heading-2" id="heropenen">"Afrekening heropenen"</h2>
            <p class="utrecht-paragraph">"Zolang er niets voor de casus is teruggeboekt, kan de afrekening worden heropend: wat bij het afrekenen vrijviel, komt terug op de reservering."</p>
            <ActionForm action=reopen attr:aria-labelledby="heropenen">
                <FormMessage error=reopen_error/>
                <input type="hidden" name="case_id" value=id.to_string()/>
                <input type="hidden" name="version" value=version.to_string()/>
                <TextArea label="Reden" name="reason" field="reason" error=reopen_error/>
                <button type="submit" class="utrecht-button utrecht-button--secondary-action" disabled=move || reopen.pending().get()>"Afrekening heropenen"</button>
            </ActionForm>
        })}
        {((is_prof || is_back) && matches!(view.status, Status::Approved | Status::InProgress | Status::Settled | Status::ChargedBack)).then(|| view! {
            <h2 class="utrecht-heading-2" id="wachten">"Wachten op een externe partij"</h2>
            <ActionForm action=waiting attr:aria-labelledby="wachten">
                <FormMessage error=waiting_error/>
                <input type="hidden" name="case_id" value=id.to_string()/>
                <input type="hidden" name="version" value=version.to_string()/>
                <input type="hidden" name="waiting" value=(!view.waiting_for_external).to_string()/>
                <TextField label="Notitie" name="note" field="note" error=waiting_error/>
                <button type="submit" class="utrecht-button utrecht-button--secondary-action">
                    {if view.waiting_for_external { "Wacht niet meer" } else { "Zet op wachten" }}
                </button>
            </ActionForm>
        })}
        <h2 class="utrecht-heading-2">"Betalingen"</h2>
        {if view.payments.is_empty() {
            view! { <p class="utrecht-paragraph">"Nog geen betalingen."</p> }.into_any()
        } else {
            view! {
                <DataTable caption="Betalingen" headers=&["Datum", "Ontvanger", "Kenmerk", "Bedrag", "Status", "Ontvangst"]>{payments}</DataTable>
            }.into_any()
        }}
        {(is_prof && !unreceived.is_empty()).then(|| view! {
            <h2 class="utrecht-heading-2" id="ontvangst">"Ontvangst bevestigen"</h2>
            <p class="utrecht-paragraph">"Leg vast dat het huishouden heeft ontvangen waarvoor betaald is."</p>
            <ActionForm action=receipt attr:aria-labelledby="ontvangst">
                <FormMessage error=receipt_error/>
                <input type="hidden" name="case_id" value=id.to_string()/>
                <SelectField label="Betaling" name="payment_id" field="payment_id" scope="ontvangst" error=receipt_error options=select_options(&unreceived, "")/>
                <TextField label="Ontvangen op" name="received_on" field="received_on" error=receipt_error input_type="date" value=view.today.clone()/>
                <TextField label="Notitie (anoniem)" name="note" field="note" scope="ontvangst" error=receipt_error/>
                <button type="submit" class="utrecht-button utrecht-button--secondary-action">"Ontvangst bevestigen"</button>
            </ActionForm>
        })}
        {matches!(view.status, Status::InProgress | Status::Settled | Status::ChargedBack | Status::Evaluated | Status::Closed).then(|| view! {
            <h2 class="utrecht-heading-2" id="evaluatie">"Evaluatie"</h2>
            {view.evaluation_due.clone().map(|due| view! { <p class="utrecht-paragraph">{format!("De eindevaluatie kan vanaf {}.", dutch_date(&due))}</p> })}
            {match view.realisation.clone() {
                Some(r) => view! {
                    <p class="utrecht-paragraph">{format!(
                        "Eindevaluatie (versie {}) van {}: perspectief {}; {} van het verwachte bedrag is gerealiseerd.",
                        r.version, dutch_date(&r.evaluated_on), r.goal.label_nl(), r.share.map_or_else(|| "niets".into(), crate::components::format::percent)
                    )}</p>
                    <crate::pages::evaluation::StreamFiguresTable caption="Verwacht en gerealiseerd vermeden per stroom" streams=r.streams total_projected=r.total_projected total_realised=r.total_realised/>
                }.into_any(),
                None => view! { <p class="utrecht-paragraph">"Nog niet geëvalueerd."</p> }.into_any(),
            }}
            <p class="utrecht-paragraph"><a class="utrecht-link" href=format!("/casussen/{}/evaluatie", view.id)>{
                if is_prof { "Evaluatie vastleggen of bekijken" } else if view.status == Status::Evaluated { "Evaluatie bekijken en casus afsluiten" } else { "Evaluatie bekijken" }
            }</a></p>
        })}
        <h2 class="utrecht-heading-2">"Tijdlijn"</h2>
        <ol class="utrecht-ordered-list timeline">{events}</ol>
    }
}
