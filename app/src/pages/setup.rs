//! Configuration by the administrator (inrichting): streams and their
//! accounting codes, mandate levels and the default horizon on one page; the
//! cost catalogue and its prices, and the agreements with external payers,
//! on their own pages. Budget years are on the fund page.

use doorbraak::Role;
use doorbraak::catalogue::Unit;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

use crate::api::setup::{
    AddCataloguePrice, CataloguePage as CatalogueResults, IndexCatalogue, SaveCatalogueItem,
    SaveMandateLevel, SaveStream, SetDefaultHorizon, SetupView, catalogue_item, catalogue_items,
    setup_overview,
};
use crate::components::form::{
    CheckboxField, ErrorAlert, FormMessage, SelectField, TextField, last_error, select_options,
};
use crate::components::format::urlencode;
use crate::components::guard::{Guarded, loaded, role_resource};
use crate::components::table::DataTable;
use crate::error::AppError;
use crate::model::CatalogueItemView;
use doorbraak::stream::{AccountingCodes, Stream, StreamKind};

const LOADING: &str = "Laden…";
const ADMIN: &[Role] = &[Role::Administrator];

fn money(m: Option<doorbraak::Money>) -> String {
    m.map_or_else(|| "—".to_string(), |m| m.to_string())
}

#[component]
pub fn SetupPage() -> impl IntoView {
    let actions = SetupActions {
        stream: ServerAction::new(),
        mandate: ServerAction::new(),
        horizon: ServerAction::new(),
    };
    let SetupActions {
        stream,
        mandate,
        horizon,
    } = actions;
    let setup = role_resource(
        ADMIN,
        move || {
            (
                stream.version().get(),
                mandate.version().get(),
                horizon.version().get(),
            )
        },
        |_| setup_overview(),
    );
    view! {
        <Title text="Inrichting"/>
        <Guarded roles=ADMIN>
            <Setup setup actions/>
        </Guarded>
    }
}

/// What the configuration page can do; the page reloads after each.
#[derive(Clone, Copy)]
struct SetupActions {
    stream: ServerAction<SaveStream>,
    mandate: ServerAction<SaveMandateLevel>,
    horizon: ServerAction<SetDefaultHorizon>,
}

#[component]
fn Setup(
    setup: Resource<Option<Result<SetupView, AppError>>>,
    actions: SetupActions,
) -> impl IntoView {
    let SetupActions {
        stream,
        mandate,
        horizon,
    } = actions;
    let query = use_query_map();
    view! {
        <h1 class="utrecht-heading-1">"Inrichting"</h1>
        <p class="utrecht-paragraph">
            "Financieringsstromen, mandaten en de standaardhorizon. De kostencatalogus staat op "
            <a class="utrecht-link" href="/inrichting/catalogus">"een eigen pagina"</a>", net als "
            <a class="utrecht-link" href="/inrichting/convenanten">"de convenanten met externe financiers"</a>", "
            <a class="utrecht-link" href="/inrichting/budgethouders">"de budgethouders per stroom"</a>", "
            <a class="utrecht-link" href="/inrichting/bewaartermijnen">"de bewaartermijnen"</a>" en "
            <a class="utrecht-link" href="/fonds">"de begrotingsjaren van het doorbraakbudget"</a>"."
        </p>
        <nav class="in-page" aria-label="Op deze pagina">
            <ul class="utrecht-unordered-list">
                <li><a class="utrecht-link" href="#stromen">"Financieringsstromen"</a></li>
                <li><a class="utrecht-link" href="#mandaten">"Mandaten"</a></li>
                <li><a class="utrecht-link" href="#horizon">"Standaardhorizon"</a></li>
            </ul>
        </nav>
        <Transition fallback=|| view! { <p class="utrecht-paragraph">{LOADING}</p> }>
            {move || {
                // Tracked: choosing another stream or level to edit re-renders the forms.
                let (edit_stream, edit_mandate) = query.with(|q| (q.get("stroom").unwrap_or_default(), q.get("mandaat").unwrap_or_default()));
                Suspend::new(async move {
                match loaded(setup.await) {
                    Err(e) => view! { <ErrorAlert message=e.to_string()/> }.into_any(),
                    Ok(view) => view! {
                        <Streams view=view.clone() edit=edit_stream action=stream/>
                        <Mandates view=view.clone() edit=edit_mandate action=mandate/>
                        <DefaultHorizon months=view.horizon_months action=horizon/>
                    }.into_any(),
                }
                })
            }}
        </Transition>
    }
}

#[component]
fn Streams(view: SetupView, edit: String, action: ServerAction<SaveStream>) -> impl IntoView {
    let error = last_error(action.value());
    let rows = view
        .streams
        .iter()
        .map(|r| {
            let s = &r.stream;
            let taakveld = Some(s.accounting.taakveld.clone()).filter(|t| !t.is_empty()).map(|code| {
                let label = view.taakvelden.iter().find(|t| t.code == code).map(|t| t.label.clone()).unwrap_or_default();
                format!("{code} {label}")
            });
            view! {
                <tr class="utrecht-table__row">
                    <td class="utrecht-table__cell">{s.code.to_string()}</td>
                    <td class="utrecht-table__cell">{s.name.clone()}</td>
                    <td class="utrecht-table__cell">{s.kind.label_nl()}{s.holds_reservation.then_some(" (reservering)")}</td>
                    <td class="utrecht-table__cell">{taakveld.unwrap_or_else(|| "—".into())}</td>
                    <td class="utrecht-table__cell">{s.accounting.cost_centre.clone()}</td>
                    <td class="utrecht-table__cell">{s.accounting.ledger_account.clone()}</td>
                    <td class="utrecht-table__cell">{if s.active { "actief" } else { "inactief" }}</td>
                    <td class="utrecht-table__cell"><a class="utrecht-link" href=format!("?stroom={}#stroom-bewerken", s.code)>{format!("{} wijzigen", s.code)}</a></td>
                </tr>
            }
        })
        .collect_view();
    let current = view
        .streams
        .iter()
        .find(|r| r.stream.code.as_str() == edit)
        .cloned();
    let is_new = current.is_none();
    let version = current.as_ref().map_or(0, |r| r.version);
    let s = current.map(|r| r.stream).unwrap_or_else(|| Stream {
        code: doorbraak::StreamCode::WMO,
        name: String::new(),
        kind: StreamKind::Internal,
        accounting: AccountingCodes::default(),
        holds_reservation: false,
        active: true,
    });
    let mut taakvelden = vec![(String::new(), "— geen —".to_string())];
    taakvelden.extend(
        view.taakvelden
            .iter()
            .map(|t| (t.code.clone(), format!("{} {}", t.code, t.label))),
    );
    let kinds = vec![
        (
            "internal".to_string(),
            "Intern (gemeentelijk domein)".to_string(),
        ),
        (
            "external".to_string(),
            "Extern (andere financier)".to_string(),
        ),
    ];
    let heading = if is_new {
        "Nieuwe financieringsstroom".to_string()
    } else {
        format!("Stroom {} wijzigen", s.code)
    };
    view! {
        <h2 class="utrecht-heading-2" id="stromen">"Financieringsstromen"</h2>
        <DataTable caption="Stromen met hun boekingsgegevens" headers=&["Code", "Naam", "Soort", "Iv3-taakveld", "Kostenplaats", "Grootboekrekening", "Status", "Actie"]>{rows}</DataTable>
        <h3 class="utrecht-heading-3" id="stroom-bewerken">{heading}</h3>
        {(!is_new).then(|| view! { <p class="utrecht-paragraph"><a class="utrecht-link" href="?#stroom-bewerken">"Nieuwe stroom toevoegen"</a></p> })}
        <ActionForm action attr:aria-labelledby="stroom-bewerken">
            <FormMessage error/>
            {if is_new {
                view! {
                    <TextField label="Code" name="input[code]" field="code" error description="Hoofdletters en cijfers, bijvoorbeeld WMO of ZVW." autocomplete="off"/>
                    <SelectField label="Soort" name="input[kind]" field="kind" error options=select_options(&kinds, s.kind.code())/>
                }.into_any()
            } else {
                view! {
                    <input type="hidden" name="input[code]" value=s.code.to_string()/>
                    <input type="hidden" name="input[version]" value=version.to_string()/>
                }.into_any()
            }}
            <TextField label="Naam" name="input[name]" field="name" error value=s.name.clone()/>
            <SelectField label="Iv3-taakveld" name="input[taakveld]" field="taakveld" error options=select_options(&taakvelden, &s.accounting.taakveld)/>
            <TextField label="Kostenplaats" name="input[cost_centre]" field="cost_centre" error value=s.accounting.cost_centre.clone()/>
            <TextField label="Grootboekrekening" name="input[ledger_account]" field="ledger_account" error value=s.accounting.ledger_account.clone()/>
            <CheckboxField label="Actief" name="input[active]" field="active" error checked=s.active/>
            <button type="submit" class="utrecht-button utrecht-button--primary-action">"Stroom opslaan"</button>
        </ActionForm>
    }
}

#[component]
fn Mandates(
    view: SetupView,
    edit: String,
    action: ServerAction<SaveMandateLevel>,
) -> impl IntoView {
    let error = last_error(action.value());
    let rows = view
        .mandates
        .iter()
        .map(|m| view! {
            <tr class="utrecht-table__row">
                <td class="utrecht-table__cell">{m.code.clone()}</td>
                <td class="utrecht-table__cell">{m.name.clone()}</td>
                <td class="utrecht-table__cell utrecht-table__cell--numeric">{m.limit.map_or_else(|| "onbeperkt".to_string(), |l| l.to_string())}</td>
                <td class="utrecht-table__cell"><a class="utrecht-link" href=format!("?mandaat={}#mandaat-bewerken", m.code)>{format!("{} wijzigen", m.name)}</a></td>
            </tr>
        })
        .collect_view();
    let current = view.mandates.iter().find(|m| m.code == edit).cloned();
    let heading = current.as_ref().map_or_else(
        || "Nieuw mandaatniveau".to_string(),
        |m| format!("Mandaat {} wijzigen", m.name),
    );
    view! {
        <h2 class="utrecht-heading-2" id="mandaten">"Mandaten"</h2>
        <DataTable caption="Wie mag tot welk bedrag goedkeuren" headers=&["Code", "Naam", "Tot en met", "Actie"]>{rows}</DataTable>
        <h3 class="utrecht-heading-3" id="mandaat-bewerken">{heading}</h3>
        <ActionForm action attr:aria-labelledby="mandaat-bewerken">
            <FormMessage error/>
            {match current.clone() {
                Some(m) => view! { <input type="hidden" name="code" value=m.code/> }.into_any(),
                None => view! { <TextField label="Code" name="code" field="code" scope="mandaat" error description="Kleine letters, bijvoorbeeld teamleider." autocomplete="off"/> }.into_any(),
            }}
            <TextField label="Naam" name="name" field="name" scope="mandaat" error value=current.as_ref().map(|m| m.name.clone()).unwrap_or_default()/>
            <TextField label="Grens (leeg is onbeperkt)" name="limit" field="limit" error value=current.as_ref().and_then(|m| m.limit).map(|l| l.to_string()).unwrap_or_default() description="Bijvoorbeeld 2.500,00. Alleen het hoogste niveau is onbeperkt."/>
            <button type="submit" class="utrecht-button utrecht-button--primary-action">"Mandaat opslaan"</button>
        </ActionForm>
    }
}

#[component]
fn DefaultHorizon(months: u16, action: ServerAction<SetDefaultHorizon>) -> impl IntoView {
    let error = last_error(action.value());
    view! {
        <h2 class="utrecht-heading-2" id="horizon">"Standaardhorizon"</h2>
        <ActionForm action attr:aria-labelledby="horizon">
            <FormMessage error/>
            <TextField label="Horizon van nieuwe canvassen, in maanden" name="months" field="months" error value=months.to_string() input_type="number"/>
            <button type="submit" class="utrecht-button utrecht-button--primary-action">"Horizon opslaan"</button>
        </ActionForm>
    }
}

/// The active streams to choose from, as (code, name).
fn active_streams(setup: Option<Result<SetupView, AppError>>) -> Vec<(String, String)> {
    loaded(setup)
        .map(|o| {
            o.streams
                .into_iter()
                .filter(|r| r.stream.active)
                .map(|r| (r.stream.code.to_string(), r.stream.name))
                .collect()
        })
        .unwrap_or_default()
}

fn unit_options() -> Vec<(String, String)> {
    Unit::ALL
        .iter()
        .map(|u| (u.code().to_string(), u.label_nl().to_string()))
        .collect()
}

#[component]
pub fn CataloguePage() -> impl IntoView {
    let query = use_query_map();
    let filter = move || {
        let q = query.read();
        (
            q.get("zoek").unwrap_or_default(),
            q.get("pagina")
                .and_then(|p| p.parse::<i64>().ok())
                .map_or(0, |p| (p - 1).max(0)),
        )
    };
    let create = ServerAction::<SaveCatalogueItem>::new();
    let index = ServerAction::<IndexCatalogue>::new();
    let items = role_resource(
        ADMIN,
        move || (filter(), create.version().get(), index.version().get()),
        |((search, page), _, _)| catalogue_items(search, page),
    );
    let options = role_resource(ADMIN, || (), |_| setup_overview());
    view! {
        <Title text="Kostencatalogus"/>
        <Guarded roles=ADMIN>
            <Catalogue items options create index/>
        </Guarded>
    }
}

#[component]
fn Catalogue(
    items: Resource<Option<Result<CatalogueResults, AppError>>>,
    options: Resource<Option<Result<SetupView, AppError>>>,
    create: ServerAction<SaveCatalogueItem>,
    index: ServerAction<IndexCatalogue>,
) -> impl IntoView {
    let query = use_query_map();
    let search = move || query.read().get("zoek").unwrap_or_default();
    let create_error = last_error(create.value());
    let index_error = last_error(index.value());
    view! {
        <h1 class="utrecht-heading-1">"Kostencatalogus"</h1>
        <p class="utrecht-paragraph"><a class="utrecht-link" href="/inrichting">"Terug naar inrichting"</a></p>
        <Transition fallback=|| view! { <p class="utrecht-paragraph">{LOADING}</p> }>
            {move || Suspend::new(async move {
                let search = query.with_untracked(|_| search());
                let list = match loaded(items.await) {
                    Err(e) => return view! { <ErrorAlert message=e.to_string()/> }.into_any(),
                    Ok(list) => list,
                };
                let streams: Vec<(String, String)> = active_streams(options.await);
                let pages = ((list.total + list.per_page - 1) / list.per_page).max(1);
                let link = { let q = urlencode(&search); move |p: i64| format!("?zoek={q}&pagina={}", p + 1) };
                let rows = list.items.iter().map(|i| view! {
                    <tr class="utrecht-table__row">
                        <td class="utrecht-table__cell"><a class="utrecht-link" href=format!("/inrichting/catalogus/{}", i.id)>{i.code.clone()}</a></td>
                        <td class="utrecht-table__cell">{i.name.clone()}</td>
                        <td class="utrecht-table__cell">{i.unit_label.clone()}</td>
                        <td class="utrecht-table__cell">{match (&i.stream, i.benchmark) {
                            (_, true) => "kengetal (niet in canvassen)".to_string(),
                            (Some(s), _) => s.clone(),
                            (None, _) => format!("meerdere: {}", i.choices.join(", ")),
                        }}</td>
                        <td class="utrecht-table__cell utrecht-table__cell--numeric">{money(i.price)}</td>
                        <td class="utrecht-table__cell">{if i.active { "actief" } else { "inactief" }}</td>
                    </tr>
                }).collect_view();
                view! {
                    <Form method="GET" action="" attr:class="filter-form" attr:aria-label="Zoeken in de catalogus">
                        <div class="filters">
                            <div class="utrecht-form-field">
                                <label class="utrecht-form-label" for="f-zoek">"Code of naam"</label>
                                <input class="utrecht-textbox utrecht-textbox--html-input" id="f-zoek" name="zoek" value=search.clone()/>
                            </div>
                            <button type="submit" class="utrecht-button utrecht-button--secondary-action">"Zoeken"</button>
                        </div>
                    </Form>
                    <DataTable caption={format!("Catalogusitems ({} gevonden)", list.total)} headers=&["Code", "Naam", "Eenheid", "Stroom", "Prijs vandaag", "Status"]>{rows}</DataTable>
                    {(pages > 1).then(|| view! {
                        <nav class="pagination" aria-label="Paginering">
                            {(list.page > 0).then(|| view! { <a class="utrecht-link" href=link(list.page - 1)>"Vorige pagina"</a> })}
                            <span class="utrecht-paragraph">{format!("Pagina {} van {}", list.page + 1, pages)}</span>
                            {(list.page + 1 < pages).then(|| view! { <a class="utrecht-link" href=link(list.page + 1)>"Volgende pagina"</a> })}
                        </nav>
                    })}
                    <h2 class="utrecht-heading-2" id="nieuw-item">"Nieuw catalogusitem"</h2>
                    <ActionForm action=create attr:aria-labelledby="nieuw-item">
                        <FormMessage error=create_error/>
                        <TextField label="Code" name="input[code]" field="code" error=create_error autocomplete="off"/>
                        <TextField label="Naam" name="input[name]" field="name" error=create_error/>
                        <SelectField label="Eenheid" name="input[unit]" field="unit" error=create_error options=select_options(&unit_options(), "one_off")/>
                        <SelectField label="Financieringsstroom" name="input[stream]" field="stream" error=create_error options=select_options(&streams, "")/>
                        <TextField label="Bron" name="input[source]" field="source" error=create_error/>
                        <TextField label="Prijs (leeg: het item blijft inactief)" name="input[price]" field="price" error=create_error/>
                        <TextField label="Geldig vanaf" name="input[valid_from]" field="valid_from" error=create_error input_type="date"/>
                        <button type="submit" class="utrecht-button utrecht-button--primary-action">"Item toevoegen"</button>
                    </ActionForm>
                    <h2 class="utrecht-heading-2" id="indexeren">"Prijzen voor een nieuw jaar"</h2>
                    <p class="utrecht-paragraph">"Elk actief item krijgt vanaf 1 januari de prijs van 31 december ervoor, geïndexeerd. Items met al een prijs voor dat jaar houden die."</p>
                    <ActionForm action=index attr:aria-labelledby="indexeren">
                        <FormMessage error=index_error/>
                        <TextField label="Jaar" name="year" field="year" error=index_error input_type="number"/>
                        <TextField label="Indexering in procenten" name="percentage" field="percentage" error=index_error description="Bijvoorbeeld 3,2."/>
                        <button type="submit" class="utrecht-button utrecht-button--primary-action">"Nieuwe prijzen vastleggen"</button>
                    </ActionForm>
                }.into_any()
            })}
        </Transition>
    }
}

#[component]
pub fn CatalogueItemPage() -> impl IntoView {
    let id = crate::components::params::object_id();
    let save = ServerAction::<SaveCatalogueItem>::new();
    let price = ServerAction::<AddCataloguePrice>::new();
    let item = role_resource(
        ADMIN,
        move || (id(), save.version().get(), price.version().get()),
        |(id, _, _)| catalogue_item(id),
    );
    let options = role_resource(ADMIN, || (), |_| setup_overview());
    view! {
        <Title text="Catalogusitem"/>
        <Guarded roles=ADMIN>
            <CatalogueItem item options save price/>
        </Guarded>
    }
}

#[component]
fn CatalogueItem(
    item: Resource<Option<Result<CatalogueItemView, AppError>>>,
    options: Resource<Option<Result<SetupView, AppError>>>,
    save: ServerAction<SaveCatalogueItem>,
    price: ServerAction<AddCataloguePrice>,
) -> impl IntoView {
    view! {
        <p class="utrecht-paragraph"><a class="utrecht-link" href="/inrichting/catalogus">"Terug naar de catalogus"</a></p>
        <Transition fallback=|| view! { <p class="utrecht-paragraph">{LOADING}</p> }>
            {move || Suspend::new(async move {
                match loaded(item.await) {
                    Err(error) => view! { <crate::components::guard::ErrorPage error/> }.into_any(),
                    Ok(item) => {
                        let streams: Vec<(String, String)> = active_streams(options.await);
                        view! { <CatalogueItemForm item streams save price/> }.into_any()
                    }
                }
            })}
        </Transition>
    }
}

#[component]
fn CatalogueItemForm(
    item: CatalogueItemView,
    streams: Vec<(String, String)>,
    save: ServerAction<SaveCatalogueItem>,
    price: ServerAction<AddCataloguePrice>,
) -> impl IntoView {
    let save_error = last_error(save.value());
    let price_error = last_error(price.value());
    let prices = item.prices.iter().map(|p| view! {
        <tr class="utrecht-table__row">
            <td class="utrecht-table__cell">{crate::components::format::dutch_date(&p.valid_from)}</td>
            <td class="utrecht-table__cell">{p.valid_to.as_deref().map_or_else(|| "—".into(), crate::components::format::dutch_date)}</td>
            <td class="utrecht-table__cell utrecht-table__cell--numeric">{p.price.to_string()}</td>
        </tr>
    }).collect_view();
    view! {
        <h1 class="utrecht-heading-1">{format!("{} {}", item.code, item.name)}</h1>
        <ActionForm action=save attr:aria-label="Item wijzigen">
            <FormMessage error=save_error/>
            <input type="hidden" name="input[id]" value=item.id.to_string()/>
            <input type="hidden" name="input[version]" value=item.version.to_string()/>
            <TextField label="Naam" name="input[name]" field="name" error=save_error value=item.name.clone()/>
            <SelectField label="Eenheid" name="input[unit]" field="unit" error=save_error options=select_options(&unit_options(), &item.unit)/>
            <TextField label="Eenheid zoals de bron het noemt" name="input[unit_label]" field="unit_label" error=save_error value=item.unit_label.clone()/>
            <SelectField label="Financieringsstroom" name="input[stream]" field="stream" error=save_error options=select_options(&streams, item.stream.as_deref().unwrap_or(""))/>
            <TextField label="Bron" name="input[source]" field="source" error=save_error value=item.source.clone()/>
            <CheckboxField label="Actief (te kiezen in canvassen)" name="input[active]" field="active" error=save_error checked=item.active/>
            <button type="submit" class="utrecht-button utrecht-button--primary-action">"Item opslaan"</button>
        </ActionForm>
        <h2 class="utrecht-heading-2">"Prijzen"</h2>
        <DataTable caption="Prijs per periode" headers=&["Vanaf", "Tot en met", "Prijs"]>{prices}</DataTable>
        <h3 class="utrecht-heading-3" id="nieuwe-prijs">"Nieuwe prijs"</h3>
        <ActionForm action=price attr:aria-labelledby="nieuwe-prijs">
            <FormMessage error=price_error/>
            <input type="hidden" name="item_id" value=item.id.to_string()/>
            <TextField label="Geldig vanaf" name="valid_from" field="valid_from" error=price_error input_type="date"/>
            <TextField label="Prijs" name="price" field="price" error=price_error/>
            <button type="submit" class="utrecht-button utrecht-button--primary-action">"Prijs vastleggen"</button>
        </ActionForm>
    }
}
