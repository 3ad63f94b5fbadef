//! Stream owners review the charges to their streams; the backoffice
//! resolves disputes; the administrator says who owns which stream.

use doorbraak::Role;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::reviews::{
    AcceptCharges, DisputesView, EvidenceView, OwnerView, ResolveDispute, ReviewCharge,
    SetStreamOwner, StreamOwner, charge_evidence, disputes, my_charges, stream_owners,
};
use crate::components::canvas_view::Scenario;
use crate::components::form::{
    FormMessage, SelectField, TextArea, TextField, last_error, select_options,
};
use crate::components::params::query_text;
use crate::components::returns::ReturnTable;

use crate::components::guard::{Guarded, or_error, role_resource};
use crate::components::table::DataTable;
use crate::error::AppError;
use crate::model::OwnerCharge;
use doorbraak::review::{Resolution, ReviewStatus};

fn review_nl(c: &OwnerCharge) -> String {
    match (c.review, c.resolution) {
        (Some(ReviewStatus::Accepted), _) => "Akkoord".into(),
        (Some(ReviewStatus::Disputed), _) => {
            format!("Bezwaar: {}", c.reason.clone().unwrap_or_default())
        }
        (Some(ReviewStatus::Resolved), Some(Resolution::Override)) => format!(
            "Bezwaar afgewezen: {}",
            c.resolution_reason.clone().unwrap_or_default()
        ),
        (Some(ReviewStatus::Resolved), _) => format!(
            "Bezwaar gehonoreerd: {}",
            c.resolution_reason.clone().unwrap_or_default()
        ),
        (None, _) => "Nog niet beoordeeld".into(),
    }
}

/// Charges with their evidence: the canvas's figures for the stream.
#[component]
fn ChargeTable(charges: Vec<OwnerCharge>, caption: &'static str) -> impl IntoView {
    let rows = charges
        .iter()
        .map(|c| view! {
            <tr class="utrecht-table__row">
                <td class="utrecht-table__cell">{format!("Run {} ({})", c.run_id, doorbraak::dates::dutch(c.booking_date))}</td>
                <td class="utrecht-table__cell">{c.reference.clone()}</td>
                <td class="utrecht-table__cell">{match (&c.agreement, c.kind) {
                    (Some(a), _) => format!("{} (vordering, convenant {a})", c.stream),
                    (None, doorbraak::chargeback::ChargeKind::Claim) => format!("{} (vordering)", c.stream),
                    (None, _) => c.stream.to_string(),
                }}</td>
                <td class="utrecht-table__cell utrecht-table__cell--numeric">{c.amount.to_string()}</td>
                <td class="utrecht-table__cell utrecht-table__cell--numeric">{c.settled.to_string()}</td>
                <td class="utrecht-table__cell">{format!("dreigend {} · reëel {} · vermeden {} (casus totaal {})", c.threatening, c.realistic, c.avoided, c.case_avoided)}</td>
                <td class="utrecht-table__cell">{review_nl(c)}</td>
            </tr>
        })
        .collect_view();
    view! {
        <DataTable caption=caption.to_string() headers=&["Run", "Casus", "Stroom", "Teruggeboekt", "Afgerekende kosten", "Onderbouwing uit het canvas", "Beoordeling"]>{rows}</DataTable>
    }
}

#[component]
pub fn OwnerPage() -> impl IntoView {
    const ROLES: &[Role] = &[Role::StreamOwner];
    let review = ServerAction::<ReviewCharge>::new();
    let accept = ServerAction::<AcceptCharges>::new();
    let (run, stream, status) = (
        query_text("run"),
        query_text("stroom"),
        query_text("status"),
    );
    let view = role_resource(
        ROLES,
        move || {
            (
                run(),
                stream(),
                status(),
                review.version().get(),
                accept.version().get(),
            )
        },
        |(run, stream, status, _, _)| my_charges(run, stream, status),
    );
    view! {
        <Title text="Terugboekingen op uw stroom"/>
        <Guarded roles=ROLES>
            <Owner view review accept/>
        </Guarded>
    }
}

const STATUSES: [(&str, &str); 5] = [
    ("", "Te beoordelen"),
    ("accepted", "Akkoord"),
    ("disputed", "Bezwaar"),
    ("resolved", "Bezwaar afgehandeld"),
    ("alle", "Alle"),
];

#[component]
fn Owner(
    view: Resource<Option<Result<OwnerView, AppError>>>,
    review: ServerAction<ReviewCharge>,
    accept: ServerAction<AcceptCharges>,
) -> impl IntoView {
    let (run, stream, status) = (
        query_text("run"),
        query_text("stroom"),
        query_text("status"),
    );
    let review_error = last_error(review.value());
    let accept_error = last_error(accept.value());
    view! {
        <h1 class="utrecht-heading-1">"Terugboekingen op uw stroom"</h1>
        <FormMessage error=review_error/>
        <FormMessage error=accept_error/>
        <Transition fallback=|| view! { <p class="utrecht-paragraph">"Laden…"</p> }>
            {move || {
                let (run, stream, status) = (run(), stream(), status());
                Suspend::new(async move {
                or_error(view.await, |v| {
                    let runs: Vec<(String, String)> = std::iter::once((String::new(), "Alle terugboekingen".to_string()))
                        .chain(v.runs.iter().map(|r| (r.to_string(), format!("Run {r}"))))
                        .collect();
                    let streams: Vec<(String, String)> = std::iter::once((String::new(), "Al uw stromen".to_string()))
                        .chain(v.streams.iter().map(|s| (s.clone(), s.clone())))
                        .collect();
                    let statuses: Vec<(String, String)> = STATUSES.iter().map(|(c, l)| (c.to_string(), l.to_string())).collect();
                    let to_review = status.is_empty();
                    let shown = v.charges.len();
                    let label = STATUSES.iter().find(|(c, _)| *c == status).map_or("Terugboekingen", |(_, l)| l);
                    let caption = format!("{label}: {shown} terugboekingen{}", if v.limited { " (de eerste; verfijn het filter)" } else { "" });
                    let keys = v.charges.iter().filter(|c| c.review.is_none()).map(|c| view! { <input type="hidden" name="charges[]" value=c.form_key()/> }).collect_view();
                    let open = v.charges.iter().filter(|c| c.review.is_none()).count();
                    let none = Signal::derive(|| None::<AppError>);
                    view! {
                        <p class="utrecht-paragraph">{if v.streams.is_empty() { "U bent nog voor geen stroom budgethouder; vraag functioneel beheer.".to_string() } else { format!("Uw stromen: {}.", v.streams.join(", ")) }}</p>
                        <form method="get" class="filter-form filters" aria-label="Filter">
                            <SelectField label="Run" name="run" field="run" error=none options=select_options(&runs, &run)/>
                            <SelectField label="Stroom" name="stroom" field="stroom" error=none options=select_options(&streams, &stream)/>
                            <SelectField label="Beoordeling" name="status" field="status" error=none options=select_options(&statuses, &status)/>
                            <button type="submit" class="utrecht-button utrecht-button--secondary-action">"Tonen"</button>
                        </form>
                        {(!v.per_year.rows.is_empty()).then(|| {
                            let t = v.per_year.clone();
                            let total = t.rows.iter().filter_map(|r| r.get(3).and_then(crate::model::Cell::as_money)).map(|m| m.cents()).sum::<i64>();
                            let summary = format!(
                                "Samen {} in de getoonde jaren{}.",
                                crate::components::format::euros(total),
                                if t.rows.iter().flatten().any(|c| *c == crate::model::Cell::Hidden) { ", zonder de verborgen cellen" } else { "" }
                            );
                            let chart = crate::pages::dashboard::table_bar_chart("per-jaar", "Teruggeboekt per stroom en jaar.", summary, &t, &["Stroom", "Jaar"], &["Teruggeboekt"]);
                            view! { <crate::pages::dashboard::DashSection t chart/> }
                        })}
                        {(to_review && open > 0).then(|| view! {
                            <ActionForm action=accept attr:aria-label="Selectie akkoord">
                                {keys}
                                <button type="submit" class="utrecht-button utrecht-button--primary-action" disabled=move || accept.pending().get()>
                                    {format!("Alle {open} getoonde terugboekingen akkoord")}
                                </button>
                            </ActionForm>
                        })}
                        {if v.charges.is_empty() {
                            view! { <p class="utrecht-paragraph">{if to_review { "Er is niets meer te beoordelen in deze selectie." } else { "Nog geen terugboekingen in deze selectie." }}</p> }.into_any()
                        } else {
                            view! { <OwnerTable charges=v.charges.clone() caption review/> }.into_any()
                        }}
                    }
                })
            })}}
        </Transition>
    }
}

fn charged_as(c: &OwnerCharge) -> String {
    match (&c.agreement, c.kind) {
        (Some(a), _) => format!("{} (vordering, convenant {a})", c.stream),
        (None, doorbraak::chargeback::ChargeKind::Claim) => format!("{} (vordering)", c.stream),
        (None, _) => c.stream.to_string(),
    }
}

fn evidence_href(c: &OwnerCharge) -> String {
    format!("/mijn-stromen/terugboeking?sleutel={}", c.form_key())
}

/// The owner's charges, each with its verdict buttons and its evidence.
#[component]
fn OwnerTable(
    charges: Vec<OwnerCharge>,
    caption: String,
    review: ServerAction<ReviewCharge>,
) -> impl IntoView {
    let rows = charges
        .into_iter()
        .map(|c| {
            let label = format!("run {} casus {} {}", c.run_id, c.reference, c.stream);
            let (key, accept_label, dispute_label) = (c.form_key(), format!("Akkoord met {label}"), format!("Bezwaar tegen {label}"));
            let href = evidence_href(&c);
            view! {
                <tr class="utrecht-table__row">
                    <td class="utrecht-table__cell">{format!("Run {} ({})", c.run_id, doorbraak::dates::dutch(c.booking_date))}</td>
                    <td class="utrecht-table__cell">{c.reference.clone()}</td>
                    <td class="utrecht-table__cell">{charged_as(&c)}</td>
                    <td class="utrecht-table__cell utrecht-table__cell--numeric">{c.amount.to_string()}</td>
                    <td class="utrecht-table__cell utrecht-table__cell--numeric">{c.avoided.to_string()}</td>
                    <td class="utrecht-table__cell utrecht-table__cell--numeric">{c.realised.map_or_else(|| "nog niet geëvalueerd".to_string(), |m| m.to_string())}</td>
                    <td class="utrecht-table__cell"><a class="utrecht-link" href=href.clone() aria-label=format!("Onderbouwing van {label}")>"Onderbouwing"</a></td>
                    <td class="utrecht-table__cell">{review_nl(&c)}</td>
                    <td class="utrecht-table__cell">
                        <div class="row-actions">
                            {c.review.is_none().then(|| view! {
                                <ActionForm action=review>
                                    <input type="hidden" name="charge" value=key.clone()/>
                                    <input type="hidden" name="verdict" value="accept"/>
                                    <button type="submit" class="utrecht-button utrecht-button--secondary-action" aria-label=accept_label.clone()>"Akkoord"</button>
                                </ActionForm>
                            })}
                            {ReviewStatus::open_to_verdict(c.review).then(|| view! {
                                <a class="utrecht-button-link utrecht-button-link--secondary-action" href=format!("{href}#bezwaar") aria-label=dispute_label.clone()>"Bezwaar…"</a>
                            })}
                        </div>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <DataTable caption headers=&["Run", "Casus", "Stroom", "Teruggeboekt", "Vermeden op de stroom", "Gerealiseerd op de stroom", "Onderbouwing", "Beoordeling", "Actie"]>{rows}</DataTable>
    }
}

#[component]
pub fn EvidencePage() -> impl IntoView {
    const ROLES: &[Role] = &[Role::StreamOwner];
    let review = ServerAction::<ReviewCharge>::new();
    let key = query_text("sleutel");
    let evidence = role_resource(
        ROLES,
        move || (key(), review.version().get()),
        |(key, _)| charge_evidence(key),
    );
    view! {
        <Title text="Onderbouwing van een terugboeking"/>
        <Guarded roles=ROLES>
            <Evidence evidence review/>
        </Guarded>
    }
}

#[component]
fn Evidence(
    evidence: Resource<Option<Result<EvidenceView, AppError>>>,
    review: ServerAction<ReviewCharge>,
) -> impl IntoView {
    let error = last_error(review.value());
    view! {
        <h1 class="utrecht-heading-1">"Onderbouwing van een terugboeking"</h1>
        <p class="utrecht-paragraph"><a class="utrecht-link" href="/mijn-stromen">"Terug naar de terugboekingen op uw stroom"</a></p>
        <Transition fallback=|| view! { <p class="utrecht-paragraph">"Laden…"</p> }>
            {move || Suspend::new(async move {
                or_error(evidence.await, |e| {
                    let c = e.charge.clone();
                    let stream = c.stream.to_string();
                    let key = c.form_key();
                    let key2 = key.clone();
                    let unjudged = c.review.is_none();
                    view! {
                        <dl class="facts">
                            <dt>"Run"</dt><dd>{format!("Run {}, geboekt op {}", c.run_id, doorbraak::dates::dutch(c.booking_date))}</dd>
                            <dt>"Casus"</dt><dd>{c.reference.clone()}</dd>
                            <dt>"Stroom"</dt><dd>{charged_as(&c)}</dd>
                            <dt>"Teruggeboekt"</dt><dd data-charge="amount">{c.amount.to_string()}</dd>
                            <dt>"Afgerekende kosten van de casus"</dt><dd>{c.settled.to_string()}</dd>
                            <dt>{format!("Vermeden op {stream} volgens het canvas")}</dt><dd>{format!("dreigend {} − reëel {} = {}", c.threatening, c.realistic, c.avoided)}</dd>
                            <dt>{format!("Gerealiseerd vermeden op {stream} volgens de evaluatie")}</dt><dd data-charge="realised">{c.realised.map_or_else(|| "nog niet geëvalueerd".to_string(), |m| m.to_string())}</dd>
                            <dt>"Beoordeling"</dt><dd>{review_nl(&c)}</dd>
                        </dl>
                        <p class="utrecht-paragraph">{format!("Uit het vastgestelde canvas (versie {}), alleen de regels op {stream}; de teksten over het huishouden blijven bij het team.", e.canvas_version)}</p>
                        <h2 class="utrecht-heading-2">{format!("Regels op {stream}")}</h2>
                        <Scenario title="Dreigend scenario" summary=String::new() lines=e.threatening.clone() horizon=e.horizon/>
                        <Scenario title="Reëel scenario" summary=String::new() lines=e.realistic.clone() horizon=e.horizon/>
                        <h2 class="utrecht-heading-2">"Rendement per stroom"</h2>
                        {e.calculation.clone().map(|calc| view! { <ReturnTable calc/> })}
                        {ReviewStatus::open_to_verdict(c.review).then(|| view! {
                            <h2 class="utrecht-heading-2" id="oordeel">"Uw oordeel"</h2>
                            {unjudged.then(|| view! {
                                <ActionForm action=review attr:aria-label="Akkoord">
                                    <input type="hidden" name="charge" value=key.clone()/>
                                    <input type="hidden" name="verdict" value="accept"/>
                                    <button type="submit" class="utrecht-button utrecht-button--primary-action">"Akkoord"</button>
                                </ActionForm>
                            })}
                            <h3 class="utrecht-heading-3" id="bezwaar">"Bezwaar maken"</h3>
                            <ActionForm action=review attr:aria-labelledby="bezwaar">
                                <FormMessage error/>
                                <input type="hidden" name="charge" value=key2.clone()/>
                                <input type="hidden" name="verdict" value="dispute"/>
                                <TextArea label="Reden van uw bezwaar" name="reason" field="reason" error/>
                                <button type="submit" class="utrecht-button utrecht-button--secondary-action">"Bezwaar maken"</button>
                            </ActionForm>
                        })}
                    }
                })
            })}
        </Transition>
    }
}

#[component]
pub fn DisputesPage() -> impl IntoView {
    const ROLES: &[Role] = &[Role::Backoffice];
    let resolve = ServerAction::<ResolveDispute>::new();
    let view = role_resource(ROLES, move || resolve.version().get(), |_| disputes());
    view! {
        <Title text="Bezwaren van budgethouders"/>
        <Guarded roles=ROLES>
            <Disputes view resolve/>
        </Guarded>
    }
}

#[component]
fn Disputes(
    view: Resource<Option<Result<DisputesView, AppError>>>,
    resolve: ServerAction<ResolveDispute>,
) -> impl IntoView {
    let error = last_error(resolve.value());
    view! {
        <h1 class="utrecht-heading-1">"Bezwaren van budgethouders"</h1>
        <p class="utrecht-paragraph">"Een casus met een open bezwaar gaat niet mee in een nieuwe run tot het bezwaar is afgehandeld."</p>
        <Transition fallback=|| view! { <p class="utrecht-paragraph">"Laden…"</p> }>
            {move || Suspend::new(async move {
                or_error(view.await, |v| {
                    if v.disputes.is_empty() {
                        return view! { <p class="utrecht-paragraph">"Nog geen open bezwaren."</p> }.into_any();
                    }
                    let options: Vec<(String, String)> = v.disputes.iter()
                        .map(|c| (format!("{}:{}", c.review_id.unwrap_or_default(), c.review_version.unwrap_or_default()), format!("Run {} · {} · {} · {}", c.run_id, c.reference, c.stream, c.amount)))
                        .collect();
                    let resolutions = select_options(&[
                        ("override".into(), "Terugboeking blijft staan".into()),
                        ("key".into(), "Corrigeren en opnieuw verdelen met de verantwoordelijkheidssleutel".into()),
                        ("exclude".into(), "Corrigeren en niet terugboeken (blijft op de Wmo)".into()),
                    ], "override");
                    view! {
                        <h2 class="utrecht-heading-2" id="afhandelen">"Afhandelen"</h2>
                        <ActionForm action=resolve attr:aria-labelledby="afhandelen">
                            <FormMessage error/>
                            <SelectField label="Bezwaar" name="dispute" field="dispute" error options=select_options(&options, "")/>
                            <SelectField label="Besluit" name="resolution" field="resolution" error options=resolutions/>
                            <TextField label="Verantwoordelijke stromen met percentage" name="responsibility" field="responsibility" error description="Alleen bij opnieuw verdelen, bijvoorbeeld: JW 60, PW 40"/>
                            <TextArea label="Reden" name="reason" field="reason" error/>
                            <TextField label="Boekdatum van de correctie" name="booking_date" field="booking_date" error input_type="date" value=v.today.to_string()/>
                            <button type="submit" class="utrecht-button utrecht-button--primary-action" disabled=move || resolve.pending().get()>"Besluit vastleggen"</button>
                        </ActionForm>
                        <ChargeTable charges=v.disputes.clone() caption="Open bezwaren"/>
                    }.into_any()
                })
            })}
        </Transition>
    }
}

#[component]
pub fn StreamOwnersPage() -> impl IntoView {
    const ROLES: &[Role] = &[Role::Administrator];
    let set = ServerAction::<SetStreamOwner>::new();
    let owners = role_resource(ROLES, move || set.version().get(), |_| stream_owners());
    view! {
        <Title text="Budgethouders"/>
        <Guarded roles=ROLES>
            <Owners owners set/>
        </Guarded>
    }
}

#[component]
fn Owners(
    owners: Resource<Option<Result<Vec<StreamOwner>, AppError>>>,
    set: ServerAction<SetStreamOwner>,
) -> impl IntoView {
    let error = last_error(set.value());
    view! {
        <h1 class="utrecht-heading-1">"Budgethouders"</h1>
        <Transition fallback=|| view! { <p class="utrecht-paragraph">"Laden…"</p> }>
            {move || Suspend::new(async move {
                or_error(owners.await, |list| {
                    let options: Vec<(String, String)> = list.iter().map(|o| (o.user_id.to_string(), o.name.clone())).collect();
                    let rows = list.iter().map(|o| view! {
                        <tr class="utrecht-table__row">
                            <td class="utrecht-table__cell">{o.name.clone()}</td>
                            <td class="utrecht-table__cell">{if o.streams.is_empty() { "—".to_string() } else { o.streams.clone() }}</td>
                        </tr>
                    }).collect_view();
                    view! {
                        <ActionForm action=set attr:aria-label="Stromen van een budgethouder">
                            <FormMessage error/>
                            <SelectField label="Budgethouder" name="user_id" field="user_id" error options=select_options(&options, "")/>
                            <TextField label="Stromen" name="streams" field="streams" error description="Bijvoorbeeld: JW, PW (leeg: geen)"/>
                            <button type="submit" class="utrecht-button utrecht-button--primary-action">"Opslaan"</button>
                        </ActionForm>
                        <DataTable caption="Gebruikers met de rol Budgethouder".to_string() headers=&["Naam", "Stromen"]>{rows}</DataTable>
                    }
                })
            })}
        </Transition>
    }
}
