//! The dashboard (*Resultaten*) for aldermen, approvers and the backoffice:
//! what the fund achieves, in tables that the page, its charts, the
//! downloads and the open-data API share. The database sums; the core
//! decides what a figure means and which cells are hidden
//! ([`doorbraak::disclosure`]); nothing here names a case.
//!
//! A view is computed once per set of filters and kept until something it
//! shows is written (a ledger transaction, case event, evaluation, agenda
//! item or step, invoice, or a renamed stream, law or team) or the day
//! changes.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};

use chrono::{Datelike, Days, NaiveDate};
use doorbraak::Money;
use doorbraak::dashboard::{
    self as core, ClaimAge, Leg, Moments, Period, PeriodError, PeriodQuery, Runway, Stage,
};
use doorbraak::dates;
use doorbraak::disclosure::{self, is_small};
use sqlx::SqliteConnection;

use crate::db::{self, dashboard::Scope};
use crate::error::AppError;
use crate::model::{Cell, Choice, Dashboard, DashboardChoices, DashboardQuery, Table};

/// How many quarters the trend and the lead times cover.
const TREND_QUARTERS: usize = 8;
/// How many knelpunten the dashboard lists.
const TOP_KNELPUNTEN: usize = 10;

fn period_field(e: &PeriodError) -> &'static str {
    match e {
        PeriodError::Year { .. } => "jaar",
        PeriodError::Quarter | PeriodError::QuarterAndMonth => "kwartaal",
        PeriodError::Month => "maand",
        PeriodError::FromAfterTo | PeriodError::HalfRange | PeriodError::Date(_) => "van",
    }
}

/// The filters, checked: a Dutch message next to the filter that is wrong.
struct Filters {
    period: Period,
    team: Option<(i64, String)>,
    stream: Option<(String, String)>,
    teams: Vec<Choice>,
    streams: Vec<Choice>,
}

/// The teams and streams the filters offer.
pub async fn choices(conn: &mut SqliteConnection) -> Result<DashboardChoices, AppError> {
    let teams = db::teams::list(&mut *conn)
        .await?
        .into_iter()
        .map(|t| Choice {
            value: t.id.to_string(),
            label: t.name,
        })
        .collect();
    let streams = db::streams::list(conn)
        .await?
        .into_iter()
        .map(|s| Choice {
            value: s.stream.code.to_string(),
            label: s.stream.name,
        })
        .collect();
    Ok(DashboardChoices { teams, streams })
}

async fn filters(
    conn: &mut SqliteConnection,
    today: NaiveDate,
    q: &DashboardQuery,
) -> Result<Filters, AppError> {
    let period = Period::parse(
        PeriodQuery {
            year: &q.jaar,
            quarter: &q.kwartaal,
            month: &q.maand,
            from: &q.van,
            to: &q.tot,
        },
        today,
    )
    .map_err(|e| AppError::invalid(period_field(&e), e.to_string()))?;
    let DashboardChoices { teams, streams } = choices(conn).await?;
    let team = match q.team.trim() {
        "" => None,
        t => {
            let found = t.parse::<i64>().ok().and_then(|id| {
                teams
                    .iter()
                    .find(|c| c.value == id.to_string())
                    .map(|c| (id, c.label.clone()))
            });
            Some(found.ok_or_else(|| {
                AppError::invalid("team", "Dit team bestaat niet: kies een team uit de lijst.")
            })?)
        }
    };
    let stream = match q.wet.trim() {
        "" => None,
        w => {
            let choice = streams
                .iter()
                .find(|c| c.value.eq_ignore_ascii_case(w))
                .ok_or_else(|| {
                    AppError::invalid(
                        "wet",
                        "Deze wet of financieringsstroom kennen we niet: kies er een uit de lijst.",
                    )
                })?;
            Some((choice.value.clone(), choice.label.clone()))
        }
    };
    Ok(Filters {
        period,
        team,
        stream,
        teams,
        streams,
    })
}

fn scope(f: &Filters, from: NaiveDate, to: NaiveDate) -> Scope {
    let next = to.checked_add_days(Days::new(1)).unwrap_or(to);
    Scope {
        team: f.team.as_ref().map(|(id, _)| *id),
        stream: f.stream.as_ref().map(|(code, _)| code.clone()),
        from,
        to,
        from_at: db::timestamp(dates::dutch_day_start(from)),
        to_at: db::timestamp(dates::dutch_day_start(next)),
    }
}

type CacheKey = (String, Vec<i64>, NaiveDate, DashboardQuery);
static CACHE: Mutex<Vec<(CacheKey, Arc<Dashboard>)>> = Mutex::new(Vec::new());
const CACHED_VIEWS: usize = 64;

/// Which database this is and how far it has been written.
async fn fingerprint(conn: &mut SqliteConnection) -> Result<(String, Vec<i64>), AppError> {
    let file: String =
        sqlx::query_scalar("SELECT file FROM pragma_database_list WHERE name = 'main'")
            .fetch_one(&mut *conn)
            .await?;
    // What the dashboard shows changes only with these; reading a case
    // (an access-log event) does not invalidate it.
    let marks: (i64, i64, i64, i64, i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT coalesce(max(id), 0) FROM ledger_transactions),
                (SELECT coalesce(max(id), 0) FROM case_events),
                (SELECT coalesce(max(id), 0) FROM evaluations),
                (SELECT coalesce(max(id), 0) FROM agenda_items),
                (SELECT coalesce(max(id), 0) FROM agenda_steps),
                (SELECT coalesce(max(id), 0) FROM invoices),
                (SELECT CAST(total(version) AS INTEGER) FROM streams)
                  + (SELECT CAST(total(version) AS INTEGER) FROM laws)
                  + (SELECT CAST(total(length(name) + active) AS INTEGER) FROM teams)",
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok((
        file,
        vec![
            marks.0, marks.1, marks.2, marks.3, marks.4, marks.5, marks.6,
        ],
    ))
}

/// The dashboard for `query` as of `today`.
pub async fn load(
    conn: &mut SqliteConnection,
    today: NaiveDate,
    query: DashboardQuery,
) -> Result<Arc<Dashboard>, AppError> {
    let (file, marks) = fingerprint(conn).await?;
    let key: CacheKey = (file, marks, today, query.clone());
    if let Some(hit) = CACHE
        .lock()
        .ok()
        .and_then(|c| c.iter().find(|(k, _)| *k == key).map(|(_, v)| v.clone()))
    {
        return Ok(hit);
    }
    let view = Arc::new(compute(conn, today, query).await?);
    if let Ok(mut cache) = CACHE.lock() {
        cache.retain(|(k, _)| k.0 != key.0 || k.1 == key.1);
        if cache.len() >= CACHED_VIEWS {
            cache.remove(0);
        }
        cache.push((key, view.clone()));
    }
    Ok(view)
}

/// The dashboard, computed from the database (no cache).
pub async fn compute(
    conn: &mut SqliteConnection,
    today: NaiveDate,
    query: DashboardQuery,
) -> Result<Dashboard, AppError> {
    let f = filters(conn, today, &query).await?;
    let period = f.period;
    let in_period = scope(&f, period.from, period.to);
    let quarters = core::quarters_up_to(period.to, TREND_QUARTERS);
    let window_start = quarters
        .first()
        .and_then(|(y, k)| NaiveDate::from_ymd_opt(*y, 3 * k - 2, 1))
        .unwrap_or(period.from)
        .min(period.from);
    let cases: Vec<Moments> = db::dashboard::case_dates(conn, &scope(&f, window_start, period.to))
        .await?
        .into_iter()
        .map(|c| Moments {
            submitted: c.submitted,
            decided: c.decided,
            approved: c.approved,
            rejected: c.rejected,
            first_paid: c.first_paid,
            settled: c.settled,
            evaluated: c.evaluated,
        })
        .collect();
    let stream_names: BTreeMap<String, String> = f
        .streams
        .iter()
        .map(|c| (c.value.clone(), c.label.clone()))
        .collect();
    let name = |code: &str| stream_names.get(code).cloned().unwrap_or(code.to_string());
    let filtered = filter_words(&f);

    let breakthroughs = breakthroughs(&cases, period, &filtered);
    let trend = trend(&cases, &quarters, period.to, &filtered);
    let projected = db::dashboard::projected(conn, &in_period).await?;
    let realised = db::dashboard::realised(conn, &in_period).await?;
    let approved = db::dashboard::approved_investment(conn, &in_period).await?;
    let evaluated = db::dashboard::evaluated_paid(conn, &in_period).await?;
    let laws = laws(&projected, &realised, approved, evaluated, &name, &filtered)?;
    let invested = db::dashboard::invested(conn, &in_period).await?;
    let money = money(invested, approved, evaluated, &laws, &filtered)?;
    let years = db::budget_years::years(conn).await?;
    let households = db::dashboard::households_per_fund_year(conn).await?;
    let fund = fund(&years, &households, today);
    let recovery = db::dashboard::recovery(conn, &in_period).await?;
    let recovery = recovery_table(recovery, f.stream.is_some(), &filtered)?;
    let outstanding = db::dashboard::outstanding(conn, &in_period).await?;
    let claims = claims(&outstanding, today, &name, &filtered)?;
    let last_year = today.checked_sub_days(Days::new(364)).unwrap_or(today);
    let pace = db::dashboard::pace(conn, last_year, today).await?;
    // This year's available amount as the fund table shows it (none when hidden).
    let available = fund
        .cell(&today.year().to_string(), "Beschikbaar")
        .and_then(Cell::as_money);
    let (runway_table, runway) = runway(available, pace, today.year());
    let partners = partners(
        &db::dashboard::partner_years(conn, &in_period).await?,
        &name,
        &filtered,
    )?;
    let leads = lead_times(&cases, &quarters, period.to, &filtered);
    let agenda = crate::services::agenda::load(conn).await?;
    let knelpunten = knelpunten(&agenda, f.stream.as_ref().map(|(c, _)| c.as_str()));

    let mut notices = Vec::new();
    if period.is_provisional(today) {
        notices.push(format!(
            "De periode {} loopt nog: de cijfers zijn voorlopig.",
            period.label_nl()
        ));
    }
    let unevaluated = cases
        .iter()
        .filter(|m| Stage::Approved.date(m).is_some_and(|d| period.contains(d)))
        .filter(|m| m.evaluated.is_none())
        .count();
    if unevaluated > 0 {
        let n = u32::try_from(unevaluated).unwrap_or(u32::MAX);
        let how_many = if is_small(n) {
            "minder dan 5".to_string()
        } else {
            n.to_string()
        };
        notices.push(format!(
            "Van de doorbraken die in deze periode zijn goedgekeurd, zijn er {how_many} nog niet geëvalueerd: wat gerealiseerd is, is voorlopig."
        ));
    }
    let open_years: Vec<String> = years
        .iter()
        .filter(|y| !y.position.closed)
        .map(|y| y.year.to_string())
        .rev()
        .collect();
    if !open_years.is_empty() {
        notices.push(format!(
            "Nog niet afgesloten begrotingsjaren (hun fondscijfers zijn voorlopig): {}.",
            open_years.join(", ")
        ));
    }
    let nothing = Stage::ALL
        .iter()
        .all(|s| core::reached(&cases, *s, period.from, period.to) == 0)
        && invested.amount.is_zero();
    if nothing {
        notices.insert(
            0,
            format!(
                "In {}{} is er nog niets vastgelegd: er zijn geen doorbraken om te tonen. Kies een andere periode.",
                period.label_nl(),
                filtered.suffix
            ),
        );
    }

    let mut headlines = headlines(&breakthroughs, &money, &laws, period);
    headlines.push(runway.sentence_nl());

    Ok(Dashboard {
        period: period.label_nl(),
        team: f
            .team
            .as_ref()
            .map_or("Alle teams".into(), |(_, n)| n.clone()),
        stream: f
            .stream
            .as_ref()
            .map_or("Alle wetten".into(), |(_, n)| n.clone()),
        teams: f.teams,
        streams: f.streams,
        query,
        notices,
        headlines,
        tables: vec![
            breakthroughs,
            trend,
            money,
            laws,
            fund,
            recovery,
            claims,
            runway_table,
            partners,
            leads,
            knelpunten,
        ],
    })
}

/// The filters in words, for the scope of each table.
struct FilterWords {
    /// ", team Noord, Participatiewet" or empty.
    suffix: String,
    /// "Team Noord" or "alle teams".
    team: String,
    /// "de Participatiewet" or "alle wetten".
    stream: String,
}

fn filter_words(f: &Filters) -> FilterWords {
    let mut suffix = String::new();
    if let Some((_, t)) = &f.team {
        suffix.push_str(&format!(", team {t}"));
    }
    if let Some((_, s)) = &f.stream {
        suffix.push_str(&format!(", {s}"));
    }
    FilterWords {
        suffix,
        team: f
            .team
            .as_ref()
            .map_or("alle teams".into(), |(_, t)| format!("team {t}")),
        stream: f
            .stream
            .as_ref()
            .map_or("alle wetten".into(), |(_, s)| s.clone()),
    }
}

fn text(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

fn columns(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| s.to_string()).collect()
}

fn suppressed(counts: Vec<Vec<u32>>) -> Result<disclosure::Suppressed, AppError> {
    disclosure::suppress(&counts).map_err(|e| {
        tracing::error!(error = %e, "a dashboard table is not rectangular");
        AppError::Internal
    })
}

fn breakthroughs(cases: &[Moments], period: Period, w: &FilterWords) -> Table {
    let n = |s: Stage| core::reached(cases, s, period.from, period.to);
    let mut rows: Vec<Vec<Cell>> = Stage::ALL
        .iter()
        .map(|s| vec![text(s.label_nl()), Cell::count(n(*s), is_small(n(*s)))])
        .collect();
    let (yes, no) = (n(Stage::Approved), n(Stage::Rejected));
    let rate = match core::rate(yes, yes + no) {
        _ if is_small(yes) || is_small(no) => Cell::Hidden,
        Some(r) => Cell::Share(r),
        None => Cell::Empty,
    };
    rows.push(vec![text("Goedkeuringspercentage"), rate]);
    Table {
        id: "doorbraken".into(),
        title: "Doorbraken".into(),
        scope: format!(
            "Huishoudens per stap in {}, {}, {}. Het goedkeuringspercentage is goedgekeurd gedeeld door goedgekeurd plus afgewezen.",
            period.label_nl(),
            w.team,
            w.stream
        ),
        columns: columns(&["Stap", "Huishoudens"]),
        rows,
    }
}

/// The stages the trend follows (the rejections are in the table above).
const TREND_STAGES: [Stage; 5] = [
    Stage::Submitted,
    Stage::Approved,
    Stage::Paid,
    Stage::Settled,
    Stage::Evaluated,
];

fn quarter_bounds((y, k): (i32, u32)) -> Option<(NaiveDate, NaiveDate)> {
    let from = NaiveDate::from_ymd_opt(y, 3 * k - 2, 1)?;
    let to = from
        .checked_add_months(chrono::Months::new(3))?
        .pred_opt()?;
    Some((from, to))
}

/// Per quarter up to `until` (the period's end; its quarter may be partly
/// counted).
fn trend(cases: &[Moments], quarters: &[(i32, u32)], until: NaiveDate, w: &FilterWords) -> Table {
    let mut cols = vec!["Stap".to_string()];
    cols.extend(quarters.iter().map(|q| core::quarter_label(*q)));
    let rows = TREND_STAGES
        .iter()
        .map(|s| {
            let counts: Vec<u32> = quarters
                .iter()
                .map(|q| {
                    quarter_bounds(*q).map_or(0, |(a, b)| core::reached(cases, *s, a, b.min(until)))
                })
                .collect();
            // Each row with its total, as if the total were shown.
            let hidden = disclosure::suppress(std::slice::from_ref(&counts)).ok();
            let mut row = vec![text(s.label_nl())];
            row.extend(
                counts
                    .iter()
                    .enumerate()
                    .map(|(i, n)| Cell::count(*n, hidden.as_ref().is_none_or(|h| h.cell(0, i)))),
            );
            row
        })
        .collect();
    Table {
        id: "trend".into(),
        title: "Doorbraken per kwartaal".into(),
        scope: format!(
            "Huishoudens per stap in de {TREND_QUARTERS} kwartalen tot en met het einde van de periode, {}, {}.",
            w.team, w.stream
        ),
        columns: cols,
        rows,
    }
}

/// Avoided cost per law: projected for the canvases approved in the
/// period, projected and realised for the cases first evaluated in it.
fn laws(
    projected: &[db::dashboard::StreamSum],
    realised: &[db::dashboard::StreamSum],
    approved: db::dashboard::Counted,
    evaluated: db::dashboard::Counted,
    name: &dyn Fn(&str) -> String,
    w: &FilterWords,
) -> Result<Table, AppError> {
    let codes: BTreeSet<&str> = projected
        .iter()
        .chain(realised)
        .map(|s| s.stream.as_str())
        .collect();
    let codes: Vec<&str> = codes.into_iter().collect();
    let find = |list: &[db::dashboard::StreamSum], code: &str| {
        list.iter().find(|s| s.stream == code).cloned()
    };
    let p: Vec<Option<db::dashboard::StreamSum>> =
        codes.iter().map(|c| find(projected, c)).collect();
    let r: Vec<Option<db::dashboard::StreamSum>> =
        codes.iter().map(|c| find(realised, c)).collect();
    let n = |s: &Option<db::dashboard::StreamSum>| s.as_ref().map_or(0, |s| s.households);
    let hide_p = suppressed(vec![p.iter().map(n).collect()])?;
    let hide_r = suppressed(vec![r.iter().map(n).collect()])?;
    let share = |real: Money, proj: Money, hide: bool| {
        if hide {
            Cell::Hidden
        } else {
            doorbraak::evaluation::share_of(real, proj).map_or(Cell::Empty, Cell::Share)
        }
    };
    let mut rows = Vec::new();
    for (i, code) in codes.iter().enumerate() {
        let (hp, hr) = (hide_p.cell(0, i), hide_r.cell(0, i));
        let (pp, rp, rr) = (
            p[i].as_ref().map_or(Money::ZERO, |s| s.projected),
            r[i].as_ref().map_or(Money::ZERO, |s| s.projected),
            r[i].as_ref().map_or(Money::ZERO, |s| s.realised),
        );
        rows.push(vec![
            text(name(code)),
            Cell::count(n(&p[i]), hp),
            Cell::money(pp, hp),
            Cell::count(n(&r[i]), hr),
            Cell::money(rp, hr),
            Cell::money(rr, hr),
            share(rr, rp, hr || n(&r[i]) == 0),
        ]);
    }
    let sum = |list: &[Option<db::dashboard::StreamSum>],
               f: fn(&db::dashboard::StreamSum) -> Money| {
        Money::sum(list.iter().flatten().map(f)).map_err(|_| AppError::Internal)
    };
    let hp = hide_p.row_total(0) || is_small(approved.households);
    let hr = hide_r.row_total(0) || is_small(evaluated.households);
    let (tp, trp, trr) = (
        sum(&p, |s| s.projected)?,
        sum(&r, |s| s.projected)?,
        sum(&r, |s| s.realised)?,
    );
    rows.push(vec![
        text("Totaal"),
        Cell::count(approved.households, is_small(approved.households)),
        Cell::money(tp, hp),
        Cell::count(evaluated.households, is_small(evaluated.households)),
        Cell::money(trp, hr),
        Cell::money(trr, hr),
        share(trr, trp, hr || evaluated.households == 0),
    ]);
    Ok(Table {
        id: "wetten".into(),
        title: "Vermeden kosten per wet".into(),
        scope: format!(
            "Verwacht: de bevroren canvassen die in de periode zijn goedgekeurd. Gerealiseerd: de casussen die in de periode voor het eerst zijn geëvalueerd, met wat daarvoor verwacht was. {}, {}. Het totaal telt elk huishouden één keer.",
            capitalised(&w.team),
            w.stream
        ),
        columns: columns(&[
            "Wet",
            "Huishoudens goedgekeurd",
            "Verwacht vermeden",
            "Huishoudens geëvalueerd",
            "Verwacht bij evaluatie",
            "Gerealiseerd vermeden",
            "Gerealiseerd van verwacht",
        ]),
        rows,
    })
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

fn money(
    invested: db::dashboard::Counted,
    approved: db::dashboard::Counted,
    evaluated: db::dashboard::Counted,
    laws: &Table,
    w: &FilterWords,
) -> Result<Table, AppError> {
    let total = |col: &str| laws.cell("Totaal", col).cloned().unwrap_or(Cell::Empty);
    let ratio = |avoided: &Cell, spent: Money, hide: bool| match avoided.as_money() {
        _ if hide => Cell::Hidden,
        Some(a) => core::per_euro(a, spent).map_or(Cell::Empty, Cell::Ratio),
        None => Cell::Hidden,
    };
    let net = |avoided: &Cell, spent: Money, hide: bool| match avoided.as_money() {
        _ if hide => Cell::Hidden,
        Some(a) => core::net_return(a, spent).map_or(Cell::Empty, Cell::Money),
        None => Cell::Hidden,
    };
    let hide_paid = is_small(invested.households);
    let average = match invested.households {
        0 => Cell::Empty,
        _ if hide_paid => Cell::Hidden,
        n => invested
            .amount
            .as_decimal()
            .checked_div(rust_decimal::Decimal::from(n))
            .and_then(|d| Money::round_from(d).ok())
            .map_or(Cell::Empty, Cell::Money),
    };
    let hide_a = is_small(approved.households);
    let hide_e = is_small(evaluated.households);
    let projected = total("Verwacht vermeden");
    let expected = total("Verwacht bij evaluatie");
    let realised = total("Gerealiseerd vermeden");
    let rows = vec![
        vec![
            text("Betaald in de periode"),
            Cell::money(invested.amount, hide_paid),
        ],
        vec![
            text("Huishoudens met een betaling"),
            Cell::count(invested.households, hide_paid),
        ],
        vec![text("Gemiddeld per huishouden"), average],
        vec![
            text("Goedgekeurde doorbraken"),
            Cell::count(approved.households, hide_a),
        ],
        vec![
            text("Goedgekeurde investering"),
            Cell::money(approved.amount, hide_a),
        ],
        vec![text("Verwacht vermeden"), projected.clone()],
        vec![
            text("Netto rendement, verwacht"),
            net(&projected, approved.amount, hide_a),
        ],
        vec![
            text("Opbrengst per geïnvesteerde euro, verwacht"),
            ratio(&projected, approved.amount, hide_a),
        ],
        vec![
            text("Geëvalueerde doorbraken"),
            Cell::count(evaluated.households, hide_e),
        ],
        vec![
            text("Betaald voor de geëvalueerde doorbraken"),
            Cell::money(evaluated.amount, hide_e),
        ],
        vec![text("Verwacht bij evaluatie"), expected],
        vec![text("Gerealiseerd vermeden"), realised.clone()],
        vec![
            text("Netto rendement, gerealiseerd"),
            net(&realised, evaluated.amount, hide_e),
        ],
        vec![
            text("Opbrengst per geïnvesteerde euro, gerealiseerd"),
            ratio(&realised, evaluated.amount, hide_e),
        ],
        vec![
            text("Gerealiseerd van verwacht"),
            total("Gerealiseerd van verwacht"),
        ],
    ];
    Ok(Table {
        id: "geld".into(),
        title: "Geld: geïnvesteerd en vermeden".into(),
        scope: format!(
            "Betaald: betalingen in de periode min teruggedraaide betalingen. Verwacht: de doorbraken die in de periode zijn goedgekeurd, tegenover hun goedgekeurde investering. Gerealiseerd: de doorbraken die in de periode zijn geëvalueerd, tegenover wat ervoor is betaald. {}, {}.",
            capitalised(&w.team),
            w.stream
        ),
        columns: columns(&["Onderdeel", "Waarde"]),
        rows,
    })
}

fn fund(
    years: &[crate::model::BudgetYearView],
    households: &[(i32, u32)],
    today: NaiveDate,
) -> Table {
    let mut years: Vec<&crate::model::BudgetYearView> = years.iter().collect();
    years.sort_by_key(|y| y.year);
    let rows = years
        .iter()
        .map(|y| {
            let n = households
                .iter()
                .find(|(year, _)| *year == y.year)
                .map_or(0, |(_, n)| *n);
            let hide = is_small(n);
            let p = y.position;
            let state = if p.closed {
                "afgesloten"
            } else if y.year < today.year() {
                "nog niet afgesloten (voorlopig)"
            } else {
                "lopend (voorlopig)"
            };
            vec![
                text(y.year.to_string()),
                Cell::Money(p.funded),
                Cell::Money(p.carried_in),
                Cell::count(n, hide),
                Cell::money(p.held, hide),
                Cell::money(p.paid, hide),
                Cell::money(p.recovered, hide),
                Cell::Money(p.carried_out),
                Cell::Money(p.returned),
                Cell::money(p.available, hide),
                text(state),
            ]
        })
        .collect();
    Table {
        id: "fonds".into(),
        title: "Het revolverend fonds per begrotingsjaar".into(),
        scope:
            "Het hele doorbraakbudget, zoals het grootboek het boekt; team en wet gelden hier niet."
                .into(),
        columns: columns(&[
            "Jaar",
            "Gereserveerd",
            "Meegenomen",
            "Huishoudens",
            "Vastgelegd",
            "Betaald",
            "Teruggekomen",
            "Doorgeschoven",
            "Terug naar Wmo",
            "Beschikbaar",
            "Stand",
        ]),
        rows,
    }
}

fn recovery_table(
    r: db::dashboard::Recovery,
    by_stream: bool,
    w: &FilterWords,
) -> Result<Table, AppError> {
    let hide = suppressed(vec![vec![r.internal.households, r.claims_paid.households]])?;
    let hide_settled = is_small(r.settled.households);
    let share = |amount: Money, hidden: bool| {
        if hidden || hide_settled {
            Cell::Hidden
        } else if by_stream {
            Cell::Empty
        } else {
            core::recovery_rate(amount, r.settled.amount).map_or(Cell::Empty, Cell::Share)
        }
    };
    let recovered = r
        .internal
        .amount
        .checked_add(r.claims_paid.amount)
        .map_err(|_| AppError::Internal)?;
    let line = |label: &str, c: db::dashboard::Counted, hidden: bool| {
        vec![
            text(label),
            Cell::count(c.households, hidden),
            Cell::money(c.amount, hidden),
            share(c.amount, hidden),
        ]
    };
    let settled = if by_stream {
        vec![
            text("Afgerekende kosten"),
            Cell::count(r.settled.households, hide_settled),
            Cell::Empty,
            Cell::Empty,
        ]
    } else {
        vec![
            text("Afgerekende kosten"),
            Cell::count(r.settled.households, hide_settled),
            Cell::money(r.settled.amount, hide_settled),
            Cell::Empty,
        ]
    };
    let total_hidden = hide.row_total(0);
    let rows = vec![
        settled,
        line("Intern teruggeboekt", r.internal, hide.cell(0, 0)),
        line("Vorderingen betaald", r.claims_paid, hide.cell(0, 1)),
        vec![
            text("Terugverdiend"),
            Cell::Empty,
            Cell::money(recovered, total_hidden),
            share(recovered, total_hidden),
        ],
        line(
            "Vorderingen openstaand",
            r.outstanding,
            is_small(r.outstanding.households),
        ),
        line(
            "Vorderingen geweigerd of ingetrokken",
            r.lost,
            is_small(r.lost.households),
        ),
    ];
    Ok(Table {
        id: "terugverdiend".into(),
        title: "Wat terugkwam".into(),
        scope: format!(
            "De casussen waarvan de terugboeking in de periode is geboekt: hun afgerekende kosten, wat intern is teruggeboekt en wat externe betalers betaalden. {}, {}.{}",
            capitalised(&w.team),
            w.stream,
            if by_stream {
                " Met een wet gekozen is er geen percentage: de afgerekende kosten zijn niet per wet te splitsen."
            } else {
                ""
            }
        ),
        columns: columns(&[
            "Onderdeel",
            "Huishoudens",
            "Bedrag",
            "Van de afgerekende kosten",
        ]),
        rows,
    })
}

/// Outstanding claims per external payer, by age.
fn claims(
    list: &[db::dashboard::Outstanding],
    today: NaiveDate,
    name: &dyn Fn(&str) -> String,
    w: &FilterWords,
) -> Result<Table, AppError> {
    #[derive(Default, Clone)]
    struct Bucket {
        cases: BTreeSet<i64>,
        cents: i64,
        oldest: i64,
    }
    let mut payers: BTreeMap<String, [Bucket; 3]> = BTreeMap::new();
    for k in list {
        let Some(age) = core::claim_age(k.status, k.booked_on, k.invoiced_on, today) else {
            continue;
        };
        let (i, days) = match age {
            ClaimAge::Open { days } => (0, days),
            ClaimAge::Invoiced { days } => (1, days),
            ClaimAge::Overdue { days } => (2, days),
        };
        let b = &mut payers.entry(k.stream.clone()).or_default()[i];
        b.cases.insert(k.case_id);
        b.cents += k.amount.cents();
        b.oldest = b.oldest.max(days);
    }
    let counts: Vec<Vec<u32>> = payers
        .values()
        .map(|bs| {
            bs.iter()
                .map(|b| u32::try_from(b.cases.len()).unwrap_or(u32::MAX))
                .collect()
        })
        .collect();
    let hide = suppressed(counts.clone())?;
    let m = |cents: i64| Money::from_cents(cents).map_err(|_| AppError::Internal);
    let mut rows = Vec::new();
    for (r, (payer, bs)) in payers.iter().enumerate() {
        let mut row = vec![text(name(payer))];
        for (i, b) in bs.iter().enumerate() {
            let hidden = hide.cell(r, i);
            row.push(Cell::count(counts[r][i], hidden));
            row.push(Cell::money(m(b.cents)?, hidden));
            if i != 1 {
                row.push(if b.cases.is_empty() {
                    Cell::Empty
                } else if hidden {
                    Cell::Hidden
                } else {
                    Cell::Days(b.oldest)
                });
            }
        }
        rows.push(row);
    }
    if !payers.is_empty() {
        let mut total = vec![text("Totaal")];
        for i in 0..3 {
            let hidden = hide.column_total(i);
            let n: u32 = counts.iter().map(|c| c[i]).sum();
            let cents: i64 = payers.values().map(|bs| bs[i].cents).sum();
            total.push(Cell::count(n, hidden));
            total.push(Cell::money(m(cents)?, hidden));
            if i != 1 {
                let oldest = payers.values().map(|bs| bs[i].oldest).max().unwrap_or(0);
                total.push(if n == 0 {
                    Cell::Empty
                } else if hidden {
                    Cell::Hidden
                } else {
                    Cell::Days(oldest)
                });
            }
        }
        rows.push(total);
    }
    Ok(Table {
        id: "vorderingen".into(),
        title: "Openstaande vorderingen per externe betaler".into(),
        scope: format!(
            "Vandaag openstaand, naar leeftijd: open (nog niet gefactureerd, dagen sinds de terugboeking), gefactureerd binnen de betaaltermijn van {} dagen, en te laat. {}, {}; de periode geldt hier niet.",
            core::PAYMENT_TERM_DAYS,
            capitalised(&w.team),
            w.stream
        ),
        columns: columns(&[
            "Betaler",
            "Open: huishoudens",
            "Open: bedrag",
            "Open: oudste (dagen)",
            "Gefactureerd: huishoudens",
            "Gefactureerd: bedrag",
            "Te laat: huishoudens",
            "Te laat: bedrag",
            "Te laat: oudste (dagen)",
        ]),
        rows,
    })
}

fn runway(available: Option<Money>, pace: db::dashboard::Counted, year: i32) -> (Table, Runway) {
    let hide_pace = is_small(pace.households);
    let runway = match available {
        Some(a) => core::runway(a, pace.amount),
        None => Runway::NoPace,
    };
    let months = match (runway, available, hide_pace) {
        (_, None, _) | (_, _, true) => Cell::Hidden,
        (Runway::Months(n), ..) => Cell::Count(n),
        (Runway::Exhausted, ..) => Cell::Count(0),
        (Runway::NoPace, ..) => Cell::Empty,
    };
    let table = Table {
        id: "looptijd".into(),
        title: "Hoe lang het fonds meegaat".into(),
        scope: format!(
            "Het beschikbare bedrag van {year} tegenover wat er in de laatste 12 maanden is betaald (min teruggedraaide betalingen), voor alle teams en wetten."
        ),
        columns: columns(&["Onderdeel", "Waarde"]),
        rows: vec![
            vec![
                text(format!("Beschikbaar in {year}")),
                available.map_or(Cell::Hidden, Cell::Money),
            ],
            vec![
                text("Betaald in de laatste 12 maanden"),
                Cell::money(pace.amount, hide_pace),
            ],
            vec![
                text("Huishoudens betaald in de laatste 12 maanden"),
                Cell::count(pace.households, hide_pace),
            ],
            vec![text("Maanden dat het beschikbare bedrag meegaat"), months],
        ],
    };
    let runway = if hide_pace || available.is_none() {
        Runway::NoPace
    } else {
        runway
    };
    (table, runway)
}

/// Per stream and year: charged back, projected, realised, outstanding.
fn partners(
    p: &db::dashboard::PartnerYears,
    name: &dyn Fn(&str) -> String,
    w: &FilterWords,
) -> Result<Table, AppError> {
    let measures = [&p.charged, &p.projected, &p.realised, &p.outstanding];
    let streams: BTreeSet<&str> = measures
        .iter()
        .flat_map(|m| m.iter().map(|s| s.stream.as_str()))
        .collect();
    let years: BTreeSet<i32> = measures
        .iter()
        .flat_map(|m| m.iter().map(|s| s.year))
        .collect();
    let (streams, years): (Vec<&str>, Vec<i32>) =
        (streams.into_iter().collect(), years.into_iter().collect());
    let at = |m: &[db::dashboard::YearSum], s: &str, y: i32| {
        m.iter()
            .find(|x| x.stream == s && x.year == y)
            .map_or((0, Money::ZERO), |x| (x.households, x.amount))
    };
    let mut hidden = Vec::new();
    for m in measures {
        let counts = streams
            .iter()
            .map(|s| years.iter().map(|y| at(m, s, *y).0).collect())
            .collect();
        hidden.push(suppressed(counts)?);
    }
    let mut rows = Vec::new();
    for (si, s) in streams.iter().enumerate() {
        let mut totals = [0i64; 4];
        let mut charged_n = 0u32;
        for (yi, y) in years.iter().enumerate() {
            let cells: Vec<(u32, Money)> = measures.iter().map(|m| at(m, s, *y)).collect();
            if cells.iter().all(|(n, _)| *n == 0) {
                continue;
            }
            for (k, (_, amount)) in cells.iter().enumerate() {
                totals[k] += amount.cents();
            }
            charged_n += cells[0].0;
            let mut row = vec![text(name(s)), text(y.to_string())];
            row.push(Cell::count(cells[0].0, hidden[0].cell(si, yi)));
            for (k, (_, amount)) in cells.iter().enumerate() {
                row.push(Cell::money(*amount, hidden[k].cell(si, yi)));
            }
            rows.push(row);
        }
        let mut row = vec![text(name(s)), text("Totaal")];
        row.push(Cell::count(charged_n, hidden[0].row_total(si)));
        for (k, cents) in totals.iter().enumerate() {
            let amount = Money::from_cents(*cents).map_err(|_| AppError::Internal)?;
            row.push(Cell::money(amount, hidden[k].row_total(si)));
        }
        rows.push(row);
    }
    Ok(Table {
        id: "partners".into(),
        title: "Per partner, per jaar".into(),
        scope: format!(
            "Per financieringsstroom: teruggeboekt per boekjaar van de terugboekrun (correcties verrekend), verwacht vermeden per jaar van goedkeuring, gerealiseerd per jaar van de eerste eindevaluatie, en de vorderingen die nog openstaan per boekjaar. {}, {}; alle jaren.",
            capitalised(&w.team),
            w.stream
        ),
        columns: columns(&[
            "Stroom",
            "Jaar",
            "Teruggeboekt: huishoudens",
            "Teruggeboekt",
            "Verwacht vermeden",
            "Gerealiseerd vermeden",
            "Openstaande vorderingen",
        ]),
        rows,
    })
}

fn lead_times(
    cases: &[Moments],
    quarters: &[(i32, u32)],
    until: NaiveDate,
    w: &FilterWords,
) -> Table {
    let mut cols = vec!["Kwartaal".to_string()];
    for leg in Leg::ALL {
        cols.push(format!("{}: mediaan", leg.label_nl()));
        cols.push(format!("{}: 90e percentiel", leg.label_nl()));
    }
    let rows = quarters
        .iter()
        .map(|q| {
            let mut row = vec![text(core::quarter_label(*q))];
            for leg in Leg::ALL {
                let t = core::lead_time_in(cases, leg, *q, until);
                let n = u32::try_from(t.cases).unwrap_or(u32::MAX);
                let cell = |d: Option<i64>| match d {
                    _ if n == 0 => Cell::Empty,
                    _ if is_small(n) => Cell::Small,
                    Some(d) => Cell::Days(d),
                    None => Cell::Empty,
                };
                row.push(cell(t.median));
                row.push(cell(t.p90));
            }
            row
        })
        .collect();
    Table {
        id: "doorlooptijden".into(),
        title: "Doorlooptijden".into(),
        scope: format!(
            "Dagen per stap, naar het kwartaal waarin de stap eindigde: de mediaan en het 90e percentiel, {}, {}. Minder dan 5 huishoudens in een kwartaal: \u{201c}< 5\u{201d}.",
            w.team, w.stream
        ),
        columns: cols,
        rows,
    }
}

fn knelpunten(agenda: &crate::model::AgendaView, law: Option<&str>) -> Table {
    let rows = agenda
        .groups
        .groups
        .iter()
        .filter(|g| law.is_none_or(|l| g.key.law.as_str().eq_ignore_ascii_case(l)))
        .filter_map(|g| g.households.value().map(|n| (g, n)))
        .take(TOP_KNELPUNTEN)
        .map(|(g, n)| {
            let stand = agenda
                .item_of(&g.key)
                .map_or_else(|| "niet geagendeerd".to_string(), |i| i.rung.clone());
            vec![
                text(agenda.law_name(g.key.law.as_str())),
                text(g.rule.clone()),
                text(g.organisation.clone()),
                Cell::Count(n),
                text(stand),
            ]
        })
        .collect();
    Table {
        id: "knelpunten".into(),
        title: "Knelpunten die het vaakst terugkomen".into(),
        scope: format!(
            "De {TOP_KNELPUNTEN} knelpunten met de meeste huishoudens op de leeragenda, met hun stand; uit alle ingediende canvassen, alle perioden en teams{}.",
            law.map_or(String::new(), |_| ", voor de gekozen wet".to_string())
        ),
        columns: columns(&[
            "Wet",
            "Regel of bepaling",
            "Organisatie",
            "Huishoudens",
            "Stand op de leeragenda",
        ]),
        rows,
    }
}

fn headlines(breakthroughs: &Table, money: &Table, laws: &Table, period: Period) -> Vec<String> {
    let count = |label: &str| {
        breakthroughs
            .cell(label, "Huishoudens")
            .map_or("0".into(), Cell::text)
    };
    let value = |label: &str| money.cell(label, "Waarde").cloned().unwrap_or(Cell::Empty);
    let mut out = vec![format!(
        "{}: {} doorbraken goedgekeurd, {} betaald, {} geëvalueerd.",
        capitalised(&period.label_nl()),
        count(Stage::Approved.label_nl()),
        count(Stage::Paid.label_nl()),
        count(Stage::Evaluated.label_nl())
    )];
    if let Cell::Money(paid) = value("Betaald in de periode") {
        out.push(format!("Geïnvesteerd in de periode: {paid}."));
    }
    if let (Cell::Money(avoided), Cell::Money(invested)) = (
        value("Verwacht vermeden"),
        value("Goedgekeurde investering"),
    ) {
        out.push(format!(
            "Verwacht: {}.",
            core::expected_return_sentence(avoided, invested)
        ));
    }
    if let (Cell::Money(avoided), Cell::Money(invested)) = (
        value("Gerealiseerd vermeden"),
        value("Betaald voor de geëvalueerde doorbraken"),
    ) {
        out.push(format!(
            "Gerealiseerd: {}.",
            core::return_sentence(avoided, invested)
        ));
    }
    if let Some(Cell::Share(s)) = laws.cell("Totaal", "Gerealiseerd van verwacht") {
        out.push(format!(
            "Van de verwachte vermeden kosten is {} gerealiseerd.",
            crate::model::dashboard::percent(*s)
        ));
    }
    out
}

/// What was charged back to `streams` per booking year (every posted run,
/// corrections included), with small cells hidden: the stream owner's
/// overview above the list of charges.
pub async fn charged_per_year(
    conn: &mut SqliteConnection,
    streams: &[String],
) -> Result<Table, AppError> {
    let names: BTreeMap<String, String> = choices(conn)
        .await?
        .streams
        .into_iter()
        .map(|c| (c.value, c.label))
        .collect();
    let mut sums = Vec::new();
    for stream in streams {
        let scope = Scope {
            team: None,
            stream: Some(stream.clone()),
            from: NaiveDate::MIN,
            to: NaiveDate::MAX,
            from_at: String::new(),
            to_at: String::new(),
        };
        sums.extend(db::dashboard::charged_per_year(conn, &scope).await?);
    }
    let codes: Vec<&str> = streams.iter().map(String::as_str).collect();
    let years: Vec<i32> = sums
        .iter()
        .map(|s| s.year)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let at = |s: &str, y: i32| {
        sums.iter()
            .find(|x| x.stream == s && x.year == y)
            .map_or((0, Money::ZERO), |x| (x.households, x.amount))
    };
    let hidden = suppressed(
        codes
            .iter()
            .map(|s| years.iter().map(|y| at(s, *y).0).collect())
            .collect(),
    )?;
    let name = |code: &str| names.get(code).cloned().unwrap_or(code.to_string());
    let mut rows = Vec::new();
    for (si, s) in codes.iter().enumerate() {
        for (yi, y) in years.iter().enumerate() {
            let (n, amount) = at(s, *y);
            if n == 0 {
                continue;
            }
            let hide = hidden.cell(si, yi);
            rows.push(vec![
                text(name(s)),
                text(y.to_string()),
                Cell::count(n, hide),
                Cell::money(amount, hide),
            ]);
        }
    }
    Ok(Table {
        id: "teruggeboekt-per-jaar".into(),
        title: "Teruggeboekt per jaar".into(),
        scope: "Wat de geboekte terugboekruns per boekjaar op uw stromen teruggeboekten, correcties verrekend. Minder dan 5 huishoudens: \u{201c}< 5\u{201d}.".into(),
        columns: columns(&["Stroom", "Jaar", "Huishoudens", "Teruggeboekt"]),
        rows,
    })
}
