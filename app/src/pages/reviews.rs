//! Stream owners review the charges to their streams; the backoffice
//! resolves disputes; the administrator says who owns which stream.

use doorbraak::Role;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::reviews::{
    DisputesView, OwnerView, ResolveDispute, ReviewCharge, SetStreamOwner, StreamOwner, disputes,
    my_charges, stream_owners,
};
use crate::components::form::{
    FormMessage, SelectField, TextArea, TextField, last_error, select_options,
};

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
    let view = role_resource(ROLES, move || review.version().get(), |_| my_charges());
    view! {
        <Title text="Terugboekingen op uw stroom"/>
        <Guarded roles=ROLES>
            <Owner view review/>
        </Guarded>
    }
}

#[component]
fn Owner(
    view: Resource<Option<Result<OwnerView, AppError>>>,
    review: ServerAction<ReviewCharge>,
) -> impl IntoView {
    let error = last_error(review.value());
    view! {
        <h1 class="utrecht-heading-1">"Terugboekingen op uw stroom"</h1>
        <Transition fallback=|| view! { <p class="utrecht-paragraph">"Laden…"</p> }>
            {move || Suspend::new(async move {
                or_error(view.await, |v| {
                    let open: Vec<(String, String)> = v.charges.iter()
                        .filter(|c| ReviewStatus::open_to_verdict(c.review))
                        .map(|c| (c.form_key(), format!("Run {} · {} · {} · {}", c.run_id, c.reference, c.stream, c.amount)))
                        .collect();
                    let verdicts = select_options(&[("accept".into(), "Akkoord".into()), ("dispute".into(), "Bezwaar".into())], "accept");
                    view! {
                        <p class="utrecht-paragraph">{if v.streams.is_empty() { "U bent nog voor geen stroom budgethouder; vraag functioneel beheer.".to_string() } else { format!("Uw stromen: {}.", v.streams.join(", ")) }}</p>
                        {(!open.is_empty()).then(|| view! {
                            <h2 class="utrecht-heading-2" id="beoordelen">"Beoordelen"</h2>
                            <ActionForm action=review attr:aria-labelledby="beoordelen">
                                <FormMessage error/>
                                <SelectField label="Terugboeking" name="charge" field="charge" error options=select_options(&open, "")/>
                                <SelectField label="Oordeel" name="verdict" field="verdict" error options=verdicts/>
                                <TextArea label="Reden (verplicht bij bezwaar)" name="reason" field="reason" error/>
                                <button type="submit" class="utrecht-button utrecht-button--primary-action" disabled=move || review.pending().get()>"Vastleggen"</button>
                            </ActionForm>
                        })}
                        {if v.charges.is_empty() {
                            view! { <p class="utrecht-paragraph">"Er is nog niets op uw stromen teruggeboekt."</p> }.into_any()
                        } else {
                            view! { <ChargeTable charges=v.charges.clone() caption="Terugboekingen, nieuwste run eerst"/> }.into_any()
                        }}
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
                        return view! { <p class="utrecht-paragraph">"Er zijn geen open bezwaren."</p> }.into_any();
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
