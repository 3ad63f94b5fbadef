//! Claims on external payers (backoffice): collective invoices of one
//! payer's open claims with their specification, and payment or refusal.

use doorbraak::Role;
use doorbraak::claim::ClaimStatus;
use doorbraak::dates::dutch;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::claims::{ClaimsView, CloseClaim, InvoiceClaims, claims};
use crate::components::form::{
    FormMessage, SelectField, TextArea, TextField, last_error, select_options,
};
use crate::components::guard::{Guarded, or_error, role_resource};
use crate::components::params::query_text;
use crate::components::table::DataTable;
use crate::error::AppError;
use crate::model::{ClaimRow, InvoiceRow};

const ROLES: &[Role] = &[Role::Backoffice];

/// Claims with their invoice and outcome.
#[component]
pub fn ClaimTable(claims: Vec<ClaimRow>, caption: &'static str) -> impl IntoView {
    let rows = claims
        .iter()
        .map(|k| view! {
            <tr class="utrecht-table__row">
                <td class="utrecht-table__cell">{format!("V{}", k.id)}</td>
                <td class="utrecht-table__cell"><a class="utrecht-link" href=format!("/casussen/{}", k.case_id)>{k.reference.clone()}</a></td>
                <td class="utrecht-table__cell">{k.stream.to_string()}</td>
                <td class="utrecht-table__cell">{k.agreement.clone().unwrap_or_else(|| "—".to_string())}</td>
                <td class="utrecht-table__cell utrecht-table__cell--numeric">{k.amount.to_string()}</td>
                <td class="utrecht-table__cell">{k.status.label_nl()}</td>
                <td class="utrecht-table__cell">{k.invoice_number.clone().map(|n| format!("{n} ({})", k.invoice_date.map(dutch).unwrap_or_default())).unwrap_or_default()}</td>
                <td class="utrecht-table__cell">{k.reason.clone().unwrap_or_default()}</td>
            </tr>
        })
        .collect_view();
    view! {
        <DataTable caption=caption.to_string() headers=&["Vordering", "Casus", "Stroom", "Convenant", "Bedrag", "Status", "Factuur", "Reden"]>{rows}</DataTable>
    }
}

#[component]
pub fn ClaimsPage() -> impl IntoView {
    let (status, payer) = (query_text("status"), query_text("betaler"));
    let invoice = ServerAction::<InvoiceClaims>::new();
    let close = ServerAction::<CloseClaim>::new();
    let list = role_resource(
        ROLES,
        move || {
            (
                status(),
                payer(),
                invoice.version().get(),
                close.version().get(),
            )
        },
        |(s, p, _, _)| claims(s, p),
    );
    view! {
        <Title text="Vorderingen"/>
        <Guarded roles=ROLES>
            <Claims list invoice close/>
        </Guarded>
    }
}

fn spec_links(i: &InvoiceRow) -> impl IntoView + use<> {
    view! {
        <a class="utrecht-link" href=format!("/export/factuur/{}/specificatie.xlsx", i.id) download="" aria-label=format!("Specificatie van factuur {} als Excel-bestand", i.number)>"Excel"</a>
        " · "
        <a class="utrecht-link" href=format!("/export/factuur/{}/specificatie.csv", i.id) download="" aria-label=format!("Specificatie van factuur {} als CSV", i.number)>"CSV"</a>
    }
}

#[component]
fn Claims(
    list: Resource<Option<Result<ClaimsView, AppError>>>,
    invoice: ServerAction<InvoiceClaims>,
    close: ServerAction<CloseClaim>,
) -> impl IntoView {
    let invoice_error = last_error(invoice.value());
    let close_error = last_error(close.value());
    // `?factuur=<id>`: the invoice just made, with its specification.
    let invoiced = query_text("factuur");
    view! {
        <h1 class="utrecht-heading-1">"Vorderingen op externe betalers"</h1>
        <nav class="tabs" aria-label="Vorderingen">
            <a class="utrecht-link" href="?">"Lopend"</a>
            <a class="utrecht-link" href="?status=paid">"Betaald"</a>
            <a class="utrecht-link" href="?status=refused">"Geweigerd"</a>
            <a class="utrecht-link" href="?status=alle">"Alle"</a>
        </nav>
        <Transition fallback=|| view! { <p class="utrecht-paragraph">"Laden…"</p> }>
            {move || Suspend::new(async move {
                or_error(list.await, |view| {
                    let today = view.today.to_string();
                    let today2 = today.clone();
                    let done = invoiced().parse::<i64>().ok().and_then(|id| view.invoices.iter().find(|i| i.id == id).cloned());
                    let payers = view.payers.iter().map(|(s, n, total)| view! {
                        <li class="utrecht-unordered-list__item">
                            <a class="utrecht-link" href=format!("?betaler={s}#factureren")>{format!("{s}: {n} open vorderingen, samen {total}")}</a>
                        </li>
                    }).collect_view();
                    let to_invoice = view.to_invoice.iter().map(|k| view! {
                        <tr class="utrecht-table__row">
                            <td class="utrecht-table__cell">
                                <input class="utrecht-checkbox utrecht-checkbox--html-input" type="checkbox" id=format!("vordering-{}", k.id) name="claims[]" value=format!("{}:{}", k.id, k.version) checked=true/>
                                <label class="utrecht-form-label utrecht-form-label--checkbox" for=format!("vordering-{}", k.id)>{format!("V{}", k.id)}</label>
                            </td>
                            <td class="utrecht-table__cell">{k.reference.clone()}</td>
                            <td class="utrecht-table__cell">{format!("Run {}", k.run_id)}</td>
                            <td class="utrecht-table__cell">{k.agreement.clone().unwrap_or_else(|| "—".to_string())}</td>
                            <td class="utrecht-table__cell utrecht-table__cell--numeric">{k.amount.to_string()}</td>
                        </tr>
                    }).collect_view();
                    let invoices = view.invoices.iter().map(|i| view! {
                        <tr class="utrecht-table__row">
                            <td class="utrecht-table__cell">{i.number.clone()}</td>
                            <td class="utrecht-table__cell">{dutch(i.date)}</td>
                            <td class="utrecht-table__cell">{i.stream.to_string()}</td>
                            <td class="utrecht-table__cell utrecht-table__cell--numeric">{i.claims}</td>
                            <td class="utrecht-table__cell utrecht-table__cell--numeric">{i.total.to_string()}</td>
                            <td class="utrecht-table__cell">{format!("{} betaald, {} geweigerd", i.paid, i.refused)}</td>
                            <td class="utrecht-table__cell">{spec_links(i)}</td>
                        </tr>
                    }).collect_view();
                    let open_invoiced: Vec<(String, String)> = view.claims.iter().filter(|k| k.status == ClaimStatus::Invoiced)
                        .map(|k| (format!("{}:{}", k.id, k.version), format!("V{} · {} · {} · factuur {}", k.id, k.reference, k.stream, k.invoice_number.clone().unwrap_or_default()))).collect();
                    let outcomes = select_options(&[("paid".into(), "Betaald: het doorbraakbudget wordt aangevuld".into()), ("refused".into(), "Geweigerd: het bedrag blijft op de Wmo".into())], "paid");
                    let payer = view.payer;
                    let count = view.to_invoice.len();
                    view! {
                        {done.map(|i| view! {
                            <div class="utrecht-alert utrecht-alert--ok" role="status" data-recorded="">
                                <p class="utrecht-paragraph">{format!("Verzamelfactuur {} vastgelegd: {} vorderingen op {}, samen {}. Specificatie: ", i.number, i.claims, i.stream, i.total)}{spec_links(&i)}</p>
                            </div>
                        })}
                        <h2 class="utrecht-heading-2" id="factureren">"Factureren"</h2>
                        {view.payer_note.clone().map(|n| view! { <p class="utrecht-paragraph">{n}</p> })}
                        {if view.payers.is_empty() {
                            view! { <p class="utrecht-paragraph">"Nog geen open vorderingen."</p> }.into_any()
                        } else {
                            view! {
                                <p class="utrecht-paragraph">"Kies een betaler; zijn open vorderingen gaan samen op één verzamelfactuur."</p>
                                <ul class="utrecht-unordered-list">{payers}</ul>
                            }.into_any()
                        }}
                        {payer.map(|p| view! {
                            <ActionForm action=invoice attr:aria-label=format!("Verzamelfactuur op {p}")>
                                <FormMessage error=invoice_error/>
                                {move || invoice_error.get().and_then(|e| e.for_field("claims")).map(|m| view! { <div class="utrecht-alert utrecht-alert--error" role="alert"><p class="utrecht-paragraph">{m}</p></div> })}
                                <DataTable caption=format!("Open vorderingen op {p} ({count}); vink uit wat niet op deze factuur hoort") headers=&["Vordering", "Casus", "Run", "Convenant", "Bedrag"]>{to_invoice}</DataTable>
                                <TextField label="Factuurnummer" name="invoice_number" field="invoice_number" error=invoice_error/>
                                <TextField label="Factuurdatum" name="invoice_date" field="invoice_date" error=invoice_error input_type="date" value=today.clone()/>
                                <button type="submit" class="utrecht-button utrecht-button--primary-action" disabled=move || invoice.pending().get()>"Verzamelfactuur vastleggen"</button>
                            </ActionForm>
                        })}
                        {(!view.invoices.is_empty()).then(|| view! {
                            <h2 class="utrecht-heading-2">"Facturen"</h2>
                            <DataTable caption="Facturen, nieuwste eerst, met hun specificatie per casus" headers=&["Factuurnummer", "Datum", "Betaler", "Vorderingen", "Bedrag", "Uitkomst", "Specificatie"]>{invoices}</DataTable>
                        })}
                        {(!open_invoiced.is_empty()).then(|| view! {
                            <h2 class="utrecht-heading-2" id="afhandelen">"Betaling of weigering"</h2>
                            <ActionForm action=close attr:aria-labelledby="afhandelen">
                                <FormMessage error=close_error/>
                                <SelectField label="Vordering" name="claim" field="claim_id" error=close_error options=select_options(&open_invoiced, "")/>
                                <SelectField label="Uitkomst" name="outcome" field="outcome" error=close_error options=outcomes/>
                                <TextField label="Datum" name="date" field="date" error=close_error input_type="date" value=today2.clone()/>
                                <TextArea label="Reden (bij weigering)" name="reason" field="reason" error=close_error/>
                                <button type="submit" class="utrecht-button utrecht-button--primary-action" disabled=move || close.pending().get()>"Vastleggen"</button>
                            </ActionForm>
                        })}
                        <h2 class="utrecht-heading-2">"Vorderingen"</h2>
                        {if view.claims.is_empty() {
                            view! { <p class="utrecht-paragraph">"Nog geen vorderingen in deze lijst."</p> }.into_any()
                        } else {
                            view! { <ClaimTable claims=view.claims.clone() caption="Vorderingen, nieuwste eerst"/> }.into_any()
                        }}
                    }
                })
            })}
        </Transition>
    }
}
