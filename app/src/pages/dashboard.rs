//! *Resultaten*: the dashboard of avoided costs for aldermen, approvers and
//! the backoffice. A plain GET form holds the filters in the address; each
//! table comes with its chart where one helps, and with CSV and Excel
//! downloads of exactly what it shows. Aggregates only: small cells are
//! already hidden by the service.

use doorbraak::{Money, Role};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::dashboard::{dashboard_filters, load_dashboard};
use crate::components::chart::{BarChart, Line, LineChart, Series, StackedBarChart};
use crate::components::form::{SelectField, TextField, select_options};
use crate::components::format::urlencode;
use crate::components::guard::{ErrorPage, Guarded, loaded, role_resource};
use crate::error::AppError;
use crate::model::{Cell, Dashboard, DashboardChoices, DashboardQuery, Table};

pub const ROLES: &[Role] = &[Role::Alderman, Role::Approver, Role::Backoffice];

#[component]
pub fn DashboardPage() -> impl IntoView {
    let query = use_query_map();
    let filters = move || {
        let q = query.read();
        let get = |k: &str| q.get(k).unwrap_or_default();
        DashboardQuery {
            jaar: get("jaar"),
            kwartaal: get("kwartaal"),
            maand: get("maand"),
            van: get("van"),
            tot: get("tot"),
            team: get("team"),
            wet: get("wet"),
        }
    };
    let view = role_resource(ROLES, filters, load_dashboard);
    let choices = role_resource(ROLES, || (), |_| dashboard_filters());
    view! {
        <Title text="Resultaten"/>
        <Guarded roles=ROLES>
            <h1 class="utrecht-heading-1">"Resultaten"</h1>
            <p class="utrecht-paragraph utrecht-paragraph--lead">
                "Wat de doorbraken opleveren: hoeveel er zijn, wat ze kostten, welke kosten ze vermeden en hoe het revolverend fonds ervoor staat. "
                "Alleen totalen: een cel met minder dan 5 huishoudens staat er als \u{201c}< 5\u{201d} en de bedragen ervan als \u{201c}—\u{201d}, net als cellen waaruit die terug te rekenen zijn."
            </p>
            <Transition fallback=|| view! { <p class="utrecht-paragraph">"Laden…"</p> }>
                {move || Suspend::new(async move {
                    let q = query.with_untracked(|_| filters());
                    let choices = loaded(choices.await);
                    let result = loaded(view.await);
                    match choices {
                        Err(error) => view! { <ErrorPage error/> }.into_any(),
                        Ok(choices) => {
                            let error = result.as_ref().err().cloned();
                            let body = match result {
                                Ok(d) => view! { <DashboardBody d/> }.into_any(),
                                Err(e) if !e.is_general() => ().into_any(),
                                Err(e) => view! {
                                    <div class="utrecht-alert utrecht-alert--error" role="alert">
                                        <p class="utrecht-paragraph">{e.to_string()}</p>
                                    </div>
                                }.into_any(),
                            };
                            view! {
                                <FilterForm q choices error/>
                                {body}
                            }.into_any()
                        }
                    }
                })}
            </Transition>
        </Guarded>
    }
}

/// The filters: a plain GET form, so the address can be shared.
#[component]
fn FilterForm(
    q: DashboardQuery,
    choices: DashboardChoices,
    error: Option<AppError>,
) -> impl IntoView {
    let error = Signal::stored(error);
    let with_all = |all: &str, list: &[crate::model::Choice]| {
        let mut options = vec![(String::new(), all.to_string())];
        options.extend(list.iter().map(|c| (c.value.clone(), c.label.clone())));
        options
    };
    let quarters: Vec<(String, String)> = [
        ("", "Het hele jaar"),
        ("1", "1e kwartaal"),
        ("2", "2e kwartaal"),
        ("3", "3e kwartaal"),
        ("4", "4e kwartaal"),
    ]
    .iter()
    .map(|(v, l)| (v.to_string(), l.to_string()))
    .collect();
    let mut months = vec![(String::new(), "Geen maand".to_string())];
    months.extend(
        doorbraak::dashboard::MONTHS_NL
            .iter()
            .enumerate()
            .map(|(i, m)| ((i + 1).to_string(), m.to_string())),
    );
    view! {
        <form method="get" action="/resultaten" class="filter-form dashboard-filters" aria-label="Filters">
            <div class="filters">
                <TextField label="Jaar" name="jaar" field="jaar" error value=q.jaar.clone() description="Bijvoorbeeld 2026; leeg is dit jaar."/>
                <SelectField label="Kwartaal" name="kwartaal" field="kwartaal" error options=select_options(&quarters, q.kwartaal.trim())/>
                <SelectField label="Maand" name="maand" field="maand" error options=select_options(&months, q.maand.trim())/>
                <TextField label="Of van" name="van" field="van" error value=q.van.clone() input_type="date"/>
                <TextField label="Tot en met" name="tot" field="tot" error value=q.tot.clone() input_type="date"/>
                <SelectField label="Team" name="team" field="team" error options=select_options(&with_all("Alle teams", &choices.teams), q.team.trim())/>
                <SelectField label="Wet of stroom" name="wet" field="wet" error options=select_options(&with_all("Alle wetten", &choices.streams), q.wet.trim())/>
                <button type="submit" class="utrecht-button utrecht-button--primary-action">"Toon resultaten"</button>
            </div>
        </form>
    }
}

/// The filters as an address's query, without the empty ones.
fn query_string(q: &DashboardQuery) -> String {
    [
        ("jaar", &q.jaar),
        ("kwartaal", &q.kwartaal),
        ("maand", &q.maand),
        ("van", &q.van),
        ("tot", &q.tot),
        ("team", &q.team),
        ("wet", &q.wet),
    ]
    .iter()
    .filter(|(_, v)| !v.trim().is_empty())
    .map(|(k, v)| format!("{k}={}", urlencode(v.trim())))
    .collect::<Vec<_>>()
    .join("&")
}

/// The values of a table's column as amounts (none where hidden).
fn money_column(t: &Table, column: &str, rows: &[&Vec<Cell>]) -> Vec<Option<Money>> {
    let i = t.column(column).unwrap_or(usize::MAX);
    rows.iter()
        .map(|r| r.get(i).and_then(Cell::as_money))
        .collect()
}

fn label(row: &[Cell]) -> String {
    row.first().map(Cell::text).unwrap_or_default()
}

#[component]
fn DashboardBody(d: Dashboard) -> impl IntoView {
    let qs = query_string(&d.query);
    let notices = d
        .notices
        .iter()
        .map(|n| view! { <p class="utrecht-paragraph">{n.clone()}</p> })
        .collect_view();
    let headlines = d
        .headlines
        .iter()
        .map(|h| view! { <li>{h.clone()}</li> })
        .collect_view();
    let section = |id: &str, chart: Option<AnyView>| {
        d.table(id).cloned().map(|t| {
            view! { <DashSection t chart qs=qs.clone()/> }
        })
    };
    view! {
        <p class="utrecht-paragraph dashboard-scope">
            <strong>{format!("Periode: {} · {} · {}", d.period, d.team, d.stream)}</strong>
        </p>
        {(!d.notices.is_empty()).then(|| view! {
            <div class="utrecht-alert utrecht-alert--info" role="status">{notices}</div>
        })}
        <section aria-labelledby="kerncijfers">
            <h2 class="utrecht-heading-2" id="kerncijfers">"Kerncijfers"</h2>
            <ul class="utrecht-unordered-list headlines">{headlines}</ul>
        </section>
        {section("doorbraken", None)}
        {section("trend", trend_chart(&d))}
        {section("geld", None)}
        {section("wetten", laws_chart(&d))}
        {section("fonds", fund_chart(&d))}
        {section("terugverdiend", None)}
        {section("vorderingen", None)}
        {section("looptijd", None)}
        {section("partners", partners_chart(&d))}
        {section("doorlooptijden", lead_chart(&d))}
        {section("knelpunten", None)}
    }
}

/// One table with its chart and (on the dashboard) its downloads.
#[component]
pub fn DashSection(
    t: Table,
    chart: Option<AnyView>,
    /// The dashboard's filters for the download links; none without downloads.
    #[prop(optional)]
    qs: Option<String>,
) -> impl IntoView {
    let downloadable = qs.is_some();
    let qs = qs.unwrap_or_default();
    let heading = format!("kop-{}", t.id);
    let table_id = t.id.clone();
    let suffix = if qs.is_empty() {
        String::new()
    } else {
        format!("?{qs}")
    };
    let csv = format!("/export/resultaten/{}.csv{suffix}", t.id);
    let xlsx = format!("/export/resultaten/{}.xlsx{suffix}", t.id);
    let head = t
        .columns
        .iter()
        .map(|c| view! { <th class="utrecht-table__header-cell" scope="col">{c.clone()}</th> })
        .collect_view();
    let body = t
        .rows
        .iter()
        .map(|row| {
            let cells = row
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let numeric = c.numeric();
                    if i == 0 {
                        view! { <th class="utrecht-table__header-cell" scope="row">{c.text()}</th> }.into_any()
                    } else {
                        view! {
                            <td class="utrecht-table__cell" class:utrecht-table__cell--numeric=numeric>{c.text()}</td>
                        }.into_any()
                    }
                })
                .collect_view();
            view! { <tr class="utrecht-table__row">{cells}</tr> }
        })
        .collect_view();
    let empty = t.rows.is_empty();
    view! {
        <section class="dashboard-section" data-table=table_id>
            <h2 class="utrecht-heading-2" id=heading>{t.title.clone()}</h2>
            <p class="utrecht-paragraph">{t.scope.clone()}</p>
            {chart}
            {if empty {
                view! { <p class="utrecht-paragraph">"Hier is nog niets over te tonen."</p> }.into_any()
            } else {
                view! {
                    <div class="utrecht-table-container utrecht-table-container--overflow-inline" tabindex="0" role="region" aria-label=t.title.clone()>
                        <table class="utrecht-table utrecht-table--html-table">
                            <caption class="utrecht-table__caption">{t.title.clone()}</caption>
                            <thead class="utrecht-table__header"><tr class="utrecht-table__row">{head}</tr></thead>
                            <tbody class="utrecht-table__body">{body}</tbody>
                        </table>
                    </div>
                }.into_any()
            }}
            {downloadable.then(|| view! {
                <p class="utrecht-paragraph downloads">
                    "Download deze tabel: "
                    <a class="utrecht-link" href=csv download="">{format!("CSV ({})", t.title)}</a>
                    " · "
                    <a class="utrecht-link" href=xlsx download="">{format!("Excel ({})", t.title)}</a>
                </p>
            })}
        </section>
    }
}

/// A bar chart of a table's amount columns, one bar group per row; the
/// row's text columns named in `labels` make its category.
pub fn table_bar_chart(
    id: &'static str,
    caption: &str,
    summary: String,
    t: &Table,
    labels: &[&str],
    amounts: &[&str],
) -> Option<AnyView> {
    if t.rows.is_empty() {
        return None;
    }
    let rows: Vec<&Vec<Cell>> = t.rows.iter().collect();
    let label_cols: Vec<usize> = labels.iter().filter_map(|l| t.column(l)).collect();
    let categories = rows
        .iter()
        .map(|r| {
            label_cols
                .iter()
                .filter_map(|i| r.get(*i).map(Cell::text))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    let series = amounts
        .iter()
        .map(|a| Series {
            name: a.to_string(),
            values: money_column(t, a, &rows),
        })
        .collect();
    Some(view! { <BarChart id caption=caption.to_string() summary categories series/> }.into_any())
}

fn trend_chart(d: &Dashboard) -> Option<AnyView> {
    let t = d.table("trend")?;
    let categories: Vec<String> = t.columns.iter().skip(1).cloned().collect();
    let lines: Vec<Line> = t
        .rows
        .iter()
        .map(|r| Line {
            name: label(r),
            values: r
                .iter()
                .skip(1)
                .map(|c| c.as_count().map(i64::from))
                .collect(),
        })
        .collect();
    let last = categories.last()?.clone();
    let at = |stage: &str| t.cell(stage, &last).map_or("0".into(), Cell::text);
    let summary = format!(
        "In {last}: {} ingediend, {} goedgekeurd, {} met een eerste betaling, {} afgerekend en {} geëvalueerd.",
        at("Ingediend"),
        at("Goedgekeurd"),
        at("Eerste betaling"),
        at("Afgerekend"),
        at("Geëvalueerd")
    );
    Some(
        view! {
            <LineChart id="trend" caption="Doorbraken per kwartaal, per stap.".to_string() summary categories lines unit="huishoudens"/>
        }
        .into_any(),
    )
}

fn laws_chart(d: &Dashboard) -> Option<AnyView> {
    let t = d.table("wetten")?;
    let rows: Vec<&Vec<Cell>> = t.rows.iter().filter(|r| label(r) != "Totaal").collect();
    if rows.is_empty() {
        return None;
    }
    let categories = rows.iter().map(|r| label(r)).collect();
    let evaluated = t
        .cell("Totaal", "Huishoudens geëvalueerd")
        .is_some_and(|c| c.as_count() != Some(0));
    let (series, summary) = if evaluated {
        let share = t
            .cell("Totaal", "Gerealiseerd van verwacht")
            .map_or("—".into(), Cell::text);
        (
            vec![
                Series {
                    name: "Verwacht bij evaluatie".into(),
                    values: money_column(t, "Verwacht bij evaluatie", &rows),
                },
                Series {
                    name: "Gerealiseerd vermeden".into(),
                    values: money_column(t, "Gerealiseerd vermeden", &rows),
                },
            ],
            format!("Van wat de geëvalueerde doorbraken verwachtten, is {share} gerealiseerd."),
        )
    } else {
        (
            vec![Series { name: "Verwacht vermeden".into(), values: money_column(t, "Verwacht vermeden", &rows) }],
            "In deze periode is nog niets geëvalueerd: alleen wat de goedgekeurde canvassen verwachten.".to_string(),
        )
    };
    Some(
        view! {
            <BarChart id="wetten" caption="Vermeden kosten per wet: verwacht naast gerealiseerd.".to_string() summary categories series/>
        }
        .into_any(),
    )
}

fn fund_chart(d: &Dashboard) -> Option<AnyView> {
    let t = d.table("fonds")?;
    let rows: Vec<&Vec<Cell>> = t.rows.iter().collect();
    if rows.is_empty() {
        return None;
    }
    let series = |name: &str| Series {
        name: name.into(),
        values: money_column(t, name, &rows),
    };
    let newest = rows.last()?;
    let at = |c: &str| {
        t.column(c)
            .and_then(|i| newest.get(i))
            .map_or("—".into(), Cell::text)
    };
    let summary = format!(
        "In {} is {} vastgelegd, {} betaald en {} beschikbaar; er kwam {} terug in het fonds.",
        label(newest),
        at("Vastgelegd"),
        at("Betaald"),
        at("Beschikbaar"),
        at("Teruggekomen")
    );
    Some(
        view! {
            <StackedBarChart
                id="fonds"
                caption="Het fonds per jaar: vastgelegd, betaald en beschikbaar, met wat terugkwam.".to_string()
                summary
                categories=rows.iter().map(|r| label(r)).collect()
                stacked=vec![series("Vastgelegd"), series("Betaald"), series("Beschikbaar")]
                beside=series("Teruggekomen")
            />
        }
        .into_any(),
    )
}

fn partners_chart(d: &Dashboard) -> Option<AnyView> {
    let t = d.table("partners")?;
    let year = t.column("Jaar")?;
    let rows: Vec<&Vec<Cell>> = t
        .rows
        .iter()
        .filter(|r| r.get(year).map(Cell::text).as_deref() == Some("Totaal"))
        .collect();
    if rows.is_empty() {
        return None;
    }
    let series = |name: &str| Series {
        name: name.into(),
        values: money_column(t, name, &rows),
    };
    let charged = money_column(t, "Teruggeboekt", &rows);
    let most = rows
        .iter()
        .zip(&charged)
        .filter_map(|(r, m)| m.map(|m| (label(r), m)))
        .max_by_key(|(_, m)| m.cents());
    let summary = match most {
        Some((name, m)) => format!("Op {name} is het meest teruggeboekt: {m}, alle jaren samen."),
        None => "Er is nog niets teruggeboekt.".to_string(),
    };
    Some(
        view! {
            <BarChart
                id="partners"
                caption="Per partner: wat is teruggeboekt, naast wat het verwacht en gerealiseerd vermeed.".to_string()
                summary
                categories=rows.iter().map(|r| label(r)).collect()
                series=vec![series("Teruggeboekt"), series("Verwacht vermeden"), series("Gerealiseerd vermeden")]
            />
        }
        .into_any(),
    )
}

fn lead_chart(d: &Dashboard) -> Option<AnyView> {
    let t = d.table("doorlooptijden")?;
    let categories: Vec<String> = t.rows.iter().map(|r| label(r)).collect();
    let lines: Vec<Line> = doorbraak::dashboard::Leg::ALL
        .iter()
        .map(|leg| {
            let col = t
                .column(&format!("{}: mediaan", leg.label_nl()))
                .unwrap_or(usize::MAX);
            Line {
                name: leg.label_nl().to_string(),
                values: t
                    .rows
                    .iter()
                    .map(|r| match r.get(col) {
                        Some(Cell::Days(d)) => Some(*d),
                        _ => None,
                    })
                    .collect(),
            }
        })
        .collect();
    let last = t.rows.last()?;
    let at = |i: usize| {
        let col = t.column(&format!(
            "{}: mediaan",
            doorbraak::dashboard::Leg::ALL[i].label_nl()
        ));
        col.and_then(|c| last.get(c)).map_or("—".into(), Cell::text)
    };
    let summary = format!(
        "In {}, de mediaan: van indienen tot besluit {}, van besluit tot eerste betaling {}, van eerste betaling tot afrekening {}.",
        label(last),
        at(0),
        at(1),
        at(2)
    );
    Some(
        view! {
            <LineChart id="doorlooptijden" caption="Doorlooptijden per kwartaal (mediaan).".to_string() summary categories lines unit="dagen"/>
        }
        .into_any(),
    )
}

/// The alderman's start page: the key figures of this year, and the way to
/// the whole dashboard.
#[component]
pub fn DashboardSummary() -> impl IntoView {
    let view = role_resource(
        &[Role::Alderman],
        || (),
        |_| load_dashboard(DashboardQuery::default()),
    );
    view! {
        <Transition fallback=|| view! { <p class="utrecht-paragraph">"Laden…"</p> }>
            {move || Suspend::new(async move {
                match loaded(view.await) {
                    Err(e) => view! { <p class="utrecht-paragraph">{e.to_string()}</p> }.into_any(),
                    Ok(d) => {
                        let items = d.headlines.iter().map(|h| view! { <li>{h.clone()}</li> }).collect_view();
                        let notices = d.notices.first().cloned();
                        view! {
                            <div class="dashboard-summary" data-dashboard-summary="">
                                <h3 class="utrecht-heading-3">{format!("Kerncijfers {}", d.period)}</h3>
                                <ul class="utrecht-unordered-list headlines">{items}</ul>
                                {notices.map(|n| view! { <p class="utrecht-paragraph">{n}</p> })}
                                <p class="utrecht-paragraph"><a class="utrecht-link" href="/resultaten">"Alle resultaten, met grafieken, tabellen en downloads"</a></p>
                            </div>
                        }.into_any()
                    }
                }
            })}
        </Transition>
    }
}
