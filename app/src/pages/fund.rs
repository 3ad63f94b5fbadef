//! The doorbraakbudget per year (backoffice and administrator): the position
//! of one year with every flow that makes it, all years side by side, and
//! the forms to create a year, raise or reduce its reservation and close it.

use doorbraak::Role;
use doorbraak::ledger::FundPosition;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::fund::{
    CloseYear, CreateBudgetYear, FundView, RaiseReservation, ReduceFunding, fund_overview,
};
use crate::components::chart::{Series, StackedBarChart};
use crate::components::form::{
    CheckboxField, FormMessage, SelectField, TextArea, TextField, last_error, select_options,
};
use crate::components::format::dutch_date;
use crate::components::guard::{Guarded, or_error, role_resource};
use crate::components::table::DataTable;
use crate::error::AppError;

const ROLES: &[Role] = &[Role::Backoffice, Role::Administrator];

/// What the fund page can do; the page reloads after each.
#[derive(Clone, Copy)]
struct FundActions {
    create: ServerAction<CreateBudgetYear>,
    raise: ServerAction<RaiseReservation>,
    reduce: ServerAction<ReduceFunding>,
    close: ServerAction<CloseYear>,
}

#[component]
pub fn FundPage() -> impl IntoView {
    let query = use_query_map();
    let year = move || query.read().get("jaar").and_then(|y| y.parse::<i32>().ok());
    let actions = FundActions {
        create: ServerAction::new(),
        raise: ServerAction::new(),
        reduce: ServerAction::new(),
        close: ServerAction::new(),
    };
    let fund = role_resource(
        ROLES,
        move || {
            (
                year(),
                actions.create.version().get(),
                actions.raise.version().get(),
                actions.reduce.version().get(),
                actions.close.version().get(),
            )
        },
        |(y, ..)| fund_overview(y),
    );
    view! {
        <Title text="Doorbraakbudget"/>
        <Guarded roles=ROLES>
            <Fund fund actions/>
        </Guarded>
    }
}

/// The flows of one year, each a row with its `data-fund` name.
fn position_rows(p: &FundPosition) -> impl IntoView + use<> {
    let rows = [
        (
            "funded",
            "Gereserveerd op de Wmo (gestort, min verlagingen)",
            p.funded,
        ),
        (
            "carried_in",
            "Overgeheveld uit het vorige jaar",
            p.carried_in,
        ),
        (
            "recovered",
            "Teruggekomen in dit jaar (terugboekingen, betaalde vorderingen, vooraf geboekt en afgerekend, vrijgevallen reserveringen)",
            p.recovered,
        ),
        ("held", "Vastgelegd voor goedgekeurde casussen", p.held),
        ("paid", "Betaald", p.paid),
        (
            "carried_out",
            "Overgeheveld naar een later jaar (bij afsluiten en wat daarna vrijviel)",
            p.carried_out,
        ),
        (
            "returned",
            "Teruggegeven aan de Wmo bij afsluiten",
            p.returned,
        ),
    ];
    let available = p.available.to_string();
    view! {
        {rows.into_iter().map(|(name, label, amount)| view! {
            <tr class="utrecht-table__row">
                <th class="utrecht-table__header-cell" scope="row">{label}</th>
                <td class="utrecht-table__cell utrecht-table__cell--numeric" data-fund=name>{amount.to_string()}</td>
            </tr>
        }).collect_view()}
        <tr class="utrecht-table__row">
            <th class="utrecht-table__header-cell" scope="row">"Beschikbaar"</th>
            <td class="utrecht-table__cell utrecht-table__cell--numeric" data-fund="available"><strong>{available}</strong></td>
        </tr>
    }
}

#[component]
fn Fund(fund: Resource<Option<Result<FundView, AppError>>>, actions: FundActions) -> impl IntoView {
    view! {
        <h1 class="utrecht-heading-1">"Doorbraakbudget"</h1>
        <Transition fallback=|| view! { <p class="utrecht-paragraph">"Laden…"</p> }>
            {move || Suspend::new(async move {
                or_error(fund.await, |v| view! { <FundDetails v actions/> })
            })}
        </Transition>
    }
}

/// The open years `pick` keeps, as select options with their available amount.
fn open_years(v: &FundView, pick: impl Fn(i32) -> bool) -> Vec<(String, String)> {
    v.years
        .iter()
        .filter(|b| !b.position.closed && pick(b.year))
        .map(|b| {
            (
                b.year.to_string(),
                format!("{} (beschikbaar {})", b.year, b.position.available),
            )
        })
        .collect()
}

#[component]
fn FundDetails(v: FundView, actions: FundActions) -> impl IntoView {
    let FundActions {
        create,
        raise,
        reduce,
        close,
    } = actions;
    let (y, p) = (v.year, v.position);
    let fund_chart = (!v.years.is_empty()).then(|| {
        let series = |name: &str, f: fn(&FundPosition) -> doorbraak::Money| Series {
            name: name.into(),
            values: v.years.iter().map(|b| Some(f(&b.position))).collect(),
        };
        let summary = format!(
            "In {y} is {} vastgelegd, {} betaald en {} beschikbaar; er kwam {} terug in het fonds.",
            p.held, p.paid, p.available, p.recovered
        );
        view! {
            <StackedBarChart
                id="fonds"
                caption="Het doorbraakbudget per jaar: vastgelegd, betaald en beschikbaar, met wat terugkwam.".to_string()
                summary
                categories=v.years.iter().map(|b| b.year.to_string()).collect()
                stacked=vec![series("Vastgelegd", |q| q.held), series("Betaald", |q| q.paid), series("Beschikbaar", |q| q.available)]
                beside=series("Teruggekomen", |q| q.recovered)
            />
        }
    });
    let years_table = v
        .years
        .iter()
        .map(|b| {
            let q = b.position;
            view! {
                <tr class="utrecht-table__row">
                    <th class="utrecht-table__header-cell" scope="row"><a class="utrecht-link" href=format!("?jaar={}", b.year)>{b.year}</a></th>
                    <td class="utrecht-table__cell">{if b.accrual { "baten en lasten" } else { "kasstelsel" }}</td>
                    <td class="utrecht-table__cell">{if q.closed { "afgesloten" } else { "open" }}</td>
                    <td class="utrecht-table__cell utrecht-table__cell--numeric" data-year-reservation=b.year>{b.reservation.to_string()}</td>
                    <td class="utrecht-table__cell utrecht-table__cell--numeric">{q.funded.to_string()}</td>
                    <td class="utrecht-table__cell utrecht-table__cell--numeric">{q.carried_in.to_string()}</td>
                    <td class="utrecht-table__cell utrecht-table__cell--numeric">{q.recovered.to_string()}</td>
                    <td class="utrecht-table__cell utrecht-table__cell--numeric">{q.held.to_string()}</td>
                    <td class="utrecht-table__cell utrecht-table__cell--numeric">{q.paid.to_string()}</td>
                    <td class="utrecht-table__cell utrecht-table__cell--numeric">{q.carried_out.to_string()}</td>
                    <td class="utrecht-table__cell utrecht-table__cell--numeric">{q.returned.to_string()}</td>
                    <td class="utrecht-table__cell utrecht-table__cell--numeric">{q.available.to_string()}</td>
                    <td class="utrecht-table__cell">{if q.reconciles() { "ja" } else { "NEE" }}</td>
                </tr>
            }
        })
        .collect_view();
    let today_year = chrono::Datelike::year(&v.today);
    // A funding is dated in its year: only this year and later ones can be raised.
    let raisable = open_years(&v, |y| y >= today_year);
    let open_years_all = open_years(&v, |_| true);
    let closable = open_years(&v, |y| y < today_year);
    let closings = v
        .closings
        .iter()
        .map(|c| view! {
            <tr class="utrecht-table__row">
                <th class="utrecht-table__header-cell" scope="row">{c.year}</th>
                <td class="utrecht-table__cell">{dutch_date(&c.closed_on.to_string())}</td>
                <td class="utrecht-table__cell utrecht-table__cell--numeric">{c.carried_over.to_string()}</td>
                <td class="utrecht-table__cell utrecht-table__cell--numeric">{c.returned.to_string()}</td>
                <td class="utrecht-table__cell">{c.decision.clone()}</td>
                <td class="utrecht-table__cell">{c.reason.clone()}</td>
                <td class="utrecht-table__cell">{c.closed_by.clone()}</td>
            </tr>
        })
        .collect_view();
    let reductions = v
        .reductions
        .iter()
        .map(|r| view! {
            <tr class="utrecht-table__row">
                <th class="utrecht-table__header-cell" scope="row">{r.year}</th>
                <td class="utrecht-table__cell">{dutch_date(&r.on.to_string())}</td>
                <td class="utrecht-table__cell utrecht-table__cell--numeric">{r.amount.to_string()}</td>
                <td class="utrecht-table__cell">{r.reason.clone()}</td>
                <td class="utrecht-table__cell">{r.by.clone()}</td>
            </tr>
        })
        .collect_view();
    let (create_error, raise_error, reduce_error, close_error) = (
        last_error(create.value()),
        last_error(raise.value()),
        last_error(reduce.value()),
        last_error(close.value()),
    );
    let token = v.token.clone();
    let (t1, t2, t3, t4) = (token.clone(), token.clone(), token.clone(), token);
    let has_closings = !v.closings.is_empty();
    // A year nobody funded has no position: it says so instead of € 0,00.
    let has_year = v.years.iter().any(|b| b.year == y);
    let has_reductions = !v.reductions.is_empty();
    view! {
        <nav class="pagination" aria-label="Begrotingsjaar">
            <a class="utrecht-link" href=format!("?jaar={}", y - 1)>{format!("← {}", y - 1)}</a>
            <a class="utrecht-link" href=format!("?jaar={}", y + 1)>{format!("{} →", y + 1)}</a>
        </nav>
        {if has_year {
            view! {
                <table class="utrecht-table utrecht-table--html-table fund-table">
                    <caption class="utrecht-table__caption">{format!("Stand van het doorbraakbudget {y}{}", if p.closed { " (afgesloten)" } else { "" })}</caption>
                    <tbody class="utrecht-table__body">{position_rows(&p)}</tbody>
                </table>
                <p class="utrecht-paragraph">
                    {if p.reconciles() {
                        "Sluit aan: beschikbaar = gestort + overgeheveld + teruggekomen − vastgelegd − betaald − overgeheveld naar later − teruggegeven."
                    } else {
                        "LET OP: de stand sluit niet aan op het grootboek."
                    }}
                </p>
            }.into_any()
        } else {
            view! {
                <p class="utrecht-paragraph" data-no-budget="">
                    {format!("Voor {y} is nog geen doorbraakbudget aangemaakt. Maak het hieronder aan onder ‘Nieuw begrotingsjaar’.")}
                </p>
            }.into_any()
        }}
        {fund_chart}
        <DataTable caption="Alle begrotingsjaren" headers=&["Jaar", "Stelsel", "Status", "Reservering", "Gestort", "Overgeheveld in", "Teruggekomen", "Vastgelegd", "Betaald", "Overgeheveld uit", "Teruggegeven", "Beschikbaar", "Sluit aan"]>{years_table}</DataTable>
        {has_closings.then(|| view! {
            <DataTable caption="Afgesloten jaren" headers=&["Jaar", "Afgesloten op", "Overgeheveld", "Teruggegeven aan de Wmo", "Besluit", "Reden", "Door"]>{closings}</DataTable>
        })}
        {has_reductions.then(|| view! {
            <DataTable caption="Verlagingen van de reservering" headers=&["Jaar", "Datum", "Bedrag", "Reden", "Door"]>{reductions}</DataTable>
        })}
        <h2 class="utrecht-heading-2" id="nieuw-jaar">"Nieuw begrotingsjaar"</h2>
        <ActionForm action=create attr:aria-labelledby="nieuw-jaar">
            <FormMessage error=create_error/>
            <input type="hidden" name="token" value=t1/>
            <TextField scope="nieuw" label="Jaar" name="year" field="year" error=create_error input_type="number"/>
            <TextField scope="nieuw" label="Reservering op de Wmo" name="reservation" field="reservation" error=create_error description="Bijvoorbeeld 400.000,00."/>
            <CheckboxField scope="nieuw" label="Baten-en-lastenstelsel: verwachte besparingen vooraf boeken" name="accrual" field="accrual" error=create_error checked=false/>
            <button type="submit" class="utrecht-button utrecht-button--primary-action">"Begrotingsjaar aanmaken"</button>
        </ActionForm>
        {(!raisable.is_empty()).then(|| view! {
            <h2 class="utrecht-heading-2" id="reservering-verhogen">"Reservering verhogen"</h2>
            <ActionForm action=raise attr:aria-labelledby="reservering-verhogen">
                <FormMessage error=raise_error/>
                <input type="hidden" name="token" value=t2/>
                <SelectField scope="verhogen" label="Jaar" name="year" field="year" error=raise_error options=select_options(&raisable, &y.to_string())/>
                <TextField scope="verhogen" label="Extra bedrag" name="amount" field="amount" error=raise_error/>
                <button type="submit" class="utrecht-button utrecht-button--primary-action">"Reservering verhogen"</button>
            </ActionForm>
        })}
        {(!open_years_all.is_empty()).then(|| view! {
            <h2 class="utrecht-heading-2" id="reservering-verlagen">"Reservering verlagen"</h2>
            <p class="utrecht-paragraph">"Wat nog beschikbaar is, kan terug naar de Wmo-begroting. Vastgelegde en betaalde bedragen blijven staan."</p>
            <ActionForm action=reduce attr:aria-labelledby="reservering-verlagen">
                <FormMessage error=reduce_error/>
                <input type="hidden" name="token" value=t3/>
                <SelectField scope="verlagen" label="Jaar" name="year" field="year" error=reduce_error options=select_options(&open_years_all, &y.to_string())/>
                <TextField scope="verlagen" label="Bedrag" name="amount" field="amount" error=reduce_error/>
                <TextArea scope="verlagen" label="Reden" name="reason" field="reason" error=reduce_error/>
                <button type="submit" class="utrecht-button utrecht-button--secondary-action">"Reservering verlagen"</button>
            </ActionForm>
        })}
        {(!closable.is_empty()).then(|| view! {
            <h2 class="utrecht-heading-2" id="jaar-afsluiten">"Jaar afsluiten"</h2>
            <p class="utrecht-paragraph">"Wat beschikbaar is, wordt (deels) overgeheveld naar het volgende jaar; de rest gaat terug naar de Wmo-begroting. Lopende reserveringen blijven gelden; wat er later van vrijvalt, komt in het jaar waarin het vrijvalt."</p>
            <ActionForm action=close attr:aria-labelledby="jaar-afsluiten">
                <FormMessage error=close_error/>
                <input type="hidden" name="token" value=t4/>
                <SelectField scope="afsluiten" label="Jaar" name="year" field="year" error=close_error options=select_options(&closable, "")/>
                <TextField scope="afsluiten" label="Over te hevelen naar het volgende jaar" name="carry_over" field="carry_over" error=close_error description="Het deel van het beschikbare bedrag; 0,00 geeft alles terug aan de Wmo."/>
                <TextField scope="afsluiten" label="Kenmerk van het besluit" name="decision" field="decision" error=close_error description="Bijvoorbeeld het raadsbesluit over de overheveling."/>
                <TextArea scope="afsluiten" label="Reden" name="reason" field="reason" error=close_error/>
                <button type="submit" class="utrecht-button utrecht-button--primary-action">"Jaar afsluiten"</button>
            </ActionForm>
        })}
    }
}
