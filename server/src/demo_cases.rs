//! Demo cases, deterministic from a seed: canvases built from the catalogue,
//! spread over four years and the teams, in every status from draft to
//! settled, moved through the same services (and so the same transitions,
//! bookings and audit events) as people's forms.
//! The same generator makes the national-scale set for benchmarks.

use anyhow::{Context, anyhow};
use app::context::{Moment, Write};
use app::model::CurrentUser;
use app::{db, services};
use chrono::{Datelike, NaiveDate};
use doorbraak::canvas::{
    Blocker, BlockerCategory, Canvas, CanvasTexts, CostLine, Horizon, Judgement, LIFE_DOMAINS,
    LineItem, Quantity, ScenarioLine, ScenarioLineFields, TriangleJudgement, ValueTriangle,
};
use doorbraak::catalogue::Unit;
use doorbraak::lifecycle::Status;
use doorbraak::{Money, Percentage, StreamCode};
use rust_decimal::Decimal;
use sqlx::SqlitePool;

/// A small deterministic generator (the same sequence for the same seed).
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n.max(1)
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

/// Threatening lines typical of a household that is stuck: (catalogue code,
/// quantity, start month, duration, probability %).
const THREATS: &[Spec] = &[
    ("WMO-02", 2, 3, 9, 70),   // shelter nights for two
    ("WMO-11", 12, 1, 12, 80), // hours of support a month
    ("PW-01", 1, 4, 24, 60),   // social assistance after eviction
    ("PW-05", 1, 1, 12, 60),   // special assistance
    ("JW-05", 1, 4, 6, 40),    // residential youth care
    ("JW-06", 8, 1, 12, 60),   // youth care hours
    ("WGS-01", 1, 2, 1, 80),   // debt help trajectory
    ("WON-01", 1, 4, 1, 60),   // eviction costs of the landlord
    ("ZVW-02", 4, 1, 12, 70),  // GP and mental-health consults
];

/// Realistic lines: what the plan still costs.
const PLANS: &[Spec] = &[
    ("WMO-11", 4, 1, 6, 100),
    ("WGS-01", 1, 1, 1, 100),
    ("JW-06", 2, 1, 6, 100),
];

/// Knelpunten as practice finds them: a few rules account for most.
/// (law, rule, organisation, category, weight)
const KNELPUNTEN: &[(&str, &str, &str, BlockerCategory, u64)] = &[
    (
        "PW",
        "Kostendelersnorm",
        "Gemeente, Participatiewet",
        BlockerCategory::Rule,
        30,
    ),
    (
        "TOESLAGEN",
        "Terugvordering huurtoeslag na inkomenswijziging",
        "Belastingdienst/Toeslagen",
        BlockerCategory::Execution,
        20,
    ),
    (
        "WGS",
        "Geen schuldhulp zolang er beslag loopt",
        "Gemeente, schuldhulpverlening",
        BlockerCategory::Execution,
        15,
    ),
    (
        "WONINGWET",
        "Geen urgentie bij eigen huurachterstand",
        "Woningcorporatie",
        BlockerCategory::Rule,
        10,
    ),
    (
        "JW",
        "Geen jeugdhulp zonder verwijzing",
        "Jeugdhulpaanbieder",
        BlockerCategory::Cooperation,
        8,
    ),
    (
        "DUO",
        "Studiefinanciering stopt bij uitval",
        "DUO",
        BlockerCategory::Rule,
        6,
    ),
    (
        "ZVW",
        "Eigen risico niet in termijnen",
        "Zorgverzekeraar",
        BlockerCategory::Financing,
        5,
    ),
    (
        "WSNP",
        "Toelating pas na drie jaar goed gedrag",
        "Rechtbank",
        BlockerCategory::Rule,
        4,
    ),
    (
        "UWV",
        "Uitkering pas na herbeoordeling",
        "UWV",
        BlockerCategory::Execution,
        2,
    ),
];

fn knelpunt(rng: &mut Rng) -> anyhow::Result<Blocker> {
    let total: u64 = KNELPUNTEN.iter().map(|k| k.4).sum();
    let mut roll = rng.below(total);
    let (law, rule, organisation, category, _) = KNELPUNTEN
        .iter()
        .find(|k| {
            if roll < k.4 {
                true
            } else {
                roll -= k.4;
                false
            }
        })
        .copied()
        .unwrap_or(KNELPUNTEN[0]);
    Ok(Blocker {
        law: StreamCode::new(law)?,
        rule: rule.into(),
        organisation: organisation.into(),
        description: "De regel laat geen ruimte voor de situatie van dit huishouden.".into(),
        category: Some(category),
    })
}

/// Statuses with weights (out of 100); older years are further along.
const STATUSES: &[(Status, u64)] = &[
    (Status::Draft, 4),
    (Status::Submitted, 4),
    (Status::Returned, 2),
    (Status::Rejected, 3),
    (Status::Approved, 5),
    (Status::InProgress, 10),
    (Status::Settled, 72),
];

struct People {
    /// (team id, professional id)
    professionals: Vec<(i64, i64)>,
    approver: i64,
    backoffice: i64,
}

async fn people(pool: &SqlitePool) -> anyhow::Result<People> {
    let professionals = db::users::professionals_by_team(pool).await?;
    let one = |role: &'static str| db::users::first_with_role(pool, role);
    Ok(People {
        approver: one("approver")
            .await?
            .ok_or_else(|| anyhow!("no approver"))?,
        backoffice: one("backoffice")
            .await?
            .ok_or_else(|| anyhow!("no backoffice user"))?,
        professionals: if professionals.is_empty() {
            return Err(anyhow!("no professional with a team"));
        } else {
            professionals
        },
    })
}

/// A line spec: catalogue code, quantity, start month, duration, probability %.
type Spec = (&'static str, i64, u16, u16, i64);
type CatalogueRow = app::model::CatalogueOption;

/// A scenario line from a catalogue row (with a price) and a spec.
fn line(
    row: &CatalogueRow,
    price: Money,
    (_, qty, start, duration, pct): Spec,
) -> anyhow::Result<ScenarioLine> {
    Ok(ScenarioLine::new(ScenarioLineFields {
        // The demo's lines are single-stream items; a multi-stream one takes its first stream.
        stream: StreamCode::new(
            row.stream
                .as_deref()
                .or(row.choices.first().map(String::as_str))
                .ok_or_else(|| anyhow::anyhow!("{} has no stream", row.code))?,
        )?,
        item: LineItem::Catalogue {
            code: row.code.clone(),
            name: row.name.clone(),
        },
        unit: Unit::from_code(&row.unit).unwrap_or(Unit::OneOff),
        quantity: Quantity::new(Decimal::from(qty))?,
        unit_price: price,
        probability: Percentage::new(Decimal::from(pct))?,
        start_month: start,
        duration_months: duration,
    })?)
}

type Catalogue = Vec<CatalogueRow>;

fn canvas(rng: &mut Rng, catalogue: &Catalogue) -> anyhow::Result<Canvas> {
    let find = |code: &str| catalogue.iter().find(|c| c.code == code);
    let build = |spec: Spec| -> anyhow::Result<Option<ScenarioLine>> {
        match find(spec.0) {
            Some(row) => match row.price {
                Some(price) => Ok(Some(line(row, price, spec)?)),
                None => Ok(None),
            },
            None => Ok(None),
        }
    };
    let mut threatening = Vec::new();
    let wanted = 3 + rng.below(3) as usize;
    let mut offset = rng.below(THREATS.len() as u64) as usize;
    while threatening.len() < wanted {
        let t = THREATS[offset % THREATS.len()];
        offset += 1 + rng.below(2) as usize;
        if let Some(l) = build(t)? {
            threatening.push(l);
        }
    }
    // Every household sees its GP; the Zvw's part stays small.
    if !threatening.iter().any(|l| l.stream() == StreamCode::ZVW)
        && let Some(l) = build(THREATS[8])?
    {
        threatening.push(l);
    }
    let realistic = (0..rng.below(3))
        .filter_map(|_| build(*rng.pick(PLANS)).transpose())
        .collect::<anyhow::Result<Vec<_>>>()?;
    let better = |t: &str| {
        Some(TriangleJudgement {
            judgement: Judgement::Better,
            justification: t.to_string(),
        })
    };
    let situations = [
        "Huurachterstand, dreigende uitzetting; alleenstaande ouder met twee kinderen.",
        "Schulden na baanverlies; energie wordt afgesloten, jongste kind in de knel.",
        "Dakloos na scheiding; werk dreigt verloren te gaan zonder vast adres.",
        "Jongere (18) uit jeugdzorg zonder inkomen en woonruimte.",
    ];
    let investment = Money::from_euros(1_000 + rng.below(40) as i64 * 100)?;
    Ok(Canvas {
        version: 1,
        horizon: Horizon::DEFAULT,
        texts: CanvasTexts {
            situation: rng.pick(&situations).to_string(),
            goal: "Stabiel wonen en een vast inkomen over een jaar.".into(),
            providers: "Twee tot vier: wijkteam (Wmo), schuldhulp (WGS), jeugdhulp (Jeugdwet)."
                .into(),
            breakthrough: "Eenmalige betaling die de impasse doorbreekt.".into(),
            legal_basis: "Wmo 2015 art. 2.3.5 (maatwerk) / hardheidsclausule".into(),
            threatening_summary: "Uitzetting, opvang, uithuisplaatsing.".into(),
            realistic_summary: "Blijft wonen, schuldhulp start.".into(),
        },
        life_domains: {
            let first = rng.below(LIFE_DOMAINS.len() as u64) as usize;
            let mut domains = vec![LIFE_DOMAINS[0].to_string(), LIFE_DOMAINS[2].to_string()];
            if first > 2 {
                domains.push(LIFE_DOMAINS[first].to_string());
            }
            domains
        },
        blockers: {
            let mut blockers = vec![knelpunt(rng)?];
            if rng.below(3) == 0 {
                let second = knelpunt(rng)?;
                if second.rule != blockers[0].rule {
                    blockers.push(second);
                }
            }
            blockers
        },
        threatening,
        realistic,
        costs: cost_lines(investment)?,
        triangle: ValueTriangle {
            legitimacy: better("Rechtmatig en eerlijk"),
            return_: better("Ruim rendement"),
            involvement: better("Gezin staat erachter"),
        },
    })
}

/// The breakthrough's costs: the arrears paid to the landlord (60 %) and
/// the support that keeps the household going (the rest).
fn cost_lines(investment: Money) -> anyhow::Result<Vec<CostLine>> {
    let arrears = Money::from_cents(investment.cents() * 6 / 10)?;
    let support = investment.checked_sub(arrears)?;
    Ok(vec![
        CostLine::new(
            "Huurachterstand aflossen",
            "Woningcorporatie Voorbeeld",
            arrears,
        )?,
        CostLine::new(
            "Begeleiding en inrichting",
            "Stichting Welzijn Voorbeeld",
            support,
        )?,
    ])
}

pub(crate) fn instant(date: NaiveDate, hour: u32) -> anyhow::Result<chrono::DateTime<chrono::Utc>> {
    Ok(date.and_hms_opt(hour, 0, 0).context("time")?.and_utc())
}

/// The people who move the cases, as the application knows them.
pub(crate) struct Actors {
    professionals: Vec<(i64, CurrentUser)>,
    approver: CurrentUser,
    pub(crate) backoffice: CurrentUser,
}

pub(crate) async fn actors(pool: &SqlitePool) -> anyhow::Result<Actors> {
    let people = people(pool).await?;
    let user = |id: i64| async move {
        db::users::get(pool, id)
            .await?
            .map(CurrentUser::from)
            .ok_or_else(|| anyhow!("user {id}"))
    };
    let mut professionals = Vec::new();
    for (team, id) in people.professionals {
        professionals.push((team, user(id).await?));
    }
    Ok(Actors {
        professionals,
        approver: user(people.approver).await?,
        backoffice: user(people.backoffice).await?,
    })
}

/// Takes one step of a case as `user` at `at`, through the same service a
/// person's form goes through.
pub(crate) fn act(
    w: &mut Write,
    user: &CurrentUser,
    date: NaiveDate,
    hour: u32,
) -> anyhow::Result<()> {
    w.user = user.clone();
    w.time = Moment::of(instant(date, hour)?);
    Ok(())
}

pub(crate) async fn version(w: &mut Write, id: i64) -> anyhow::Result<i64> {
    Ok(db::cases::get(&mut w.tx, id)
        .await?
        .context("case")?
        .version)
}

/// The services answer in Dutch for people; here an error is a bug.
pub(crate) fn step<T>(what: &str, result: Result<T, app::error::AppError>) -> anyhow::Result<T> {
    result.map_err(|e| anyhow!("{what}: {e}"))
}

/// Cases per transaction.
const BATCH: usize = 500;

/// Generates `count` cases with `seed`, in every status or (`all_settled`)
/// all settled. Returns how many were made.
pub async fn generate(
    pool: &SqlitePool,
    count: usize,
    seed: u64,
    all_settled: bool,
) -> anyhow::Result<usize> {
    let mut rng = Rng(seed);
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let catalogue = db::catalogue::priced_on(&mut tx, "2026-01-01").await?;
    // Only years still open take new approvals.
    let mut years = Vec::new();
    for year in db::budget_years::year_numbers(&mut tx).await? {
        if !db::ledger::position(&mut tx, year).await?.closed {
            years.push(year);
        }
    }
    let today = app::auth::today();
    let current = years
        .last()
        .copied()
        .ok_or_else(|| anyhow!("no budget year"))?;
    // Make sure every year's fund carries its share of the cases.
    let per_year = count.div_ceil(years.len()) as i64;
    for &year in &years {
        let needed = Money::from_euros(per_year * 5_000)?;
        let position = db::ledger::position(&mut tx, year).await?;
        if position.funded < needed {
            let top_up = needed.checked_sub(position.funded)?;
            let date = NaiveDate::from_ymd_opt(year, 1, 3).context("date")?;
            db::budget_years::fund(
                &mut tx,
                year,
                top_up,
                &format!("fund-topup-{year}-{seed}"),
                date,
                &app::db::timestamp(instant(date, 8)?),
                None,
            )
            .await
            .map_err(|e| anyhow!("{e:?}"))?;
        }
    }
    tx.commit().await?;
    let actors = actors(pool).await?;
    let start = instant(today, 8)?;
    let mut w = Write::begin(pool, actors.backoffice.clone(), start, "demo")
        .await
        .map_err(|e| anyhow!("{e}"))?;
    for n in 0..count {
        if n > 0 && n % BATCH == 0 {
            w.commit().await.map_err(|e| anyhow!("{e}"))?;
            w = Write::begin(pool, actors.backoffice.clone(), start, "demo")
                .await
                .map_err(|e| anyhow!("{e}"))?;
        }
        let year = years[n % years.len()];
        let (team, professional) = rng.pick(&actors.professionals).clone();
        // Cases of the current year are younger: fewer are settled yet.
        let mut roll = rng.below(100);
        if year == current {
            roll = roll * 60 / 100;
        }
        let mut acc = 0;
        let target = STATUSES
            .iter()
            .find(|(_, w)| {
                acc += w;
                roll < acc
            })
            .map_or(Status::Settled, |(s, _)| *s);
        let target = if all_settled { Status::Settled } else { target };
        // Nothing happens after today: this year's cases end by today.
        let last_day = if year == today.year() {
            300.min(u64::from(today.ordinal()).saturating_sub(1)).max(1)
        } else {
            330
        };
        let created =
            NaiveDate::from_yo_opt(year, 1 + rng.below(last_day) as u32).context("date")?;
        let end = NaiveDate::from_ymd_opt(year, 12, 31)
            .context("date")?
            .min(today);
        let at = |days: u64| -> anyhow::Result<NaiveDate> {
            Ok((created + chrono::Duration::days(days as i64)).min(end))
        };
        let canvas = canvas(&mut rng, &catalogue)?;

        act(&mut w, &professional, created, 9)?;
        let id = step("create", services::cases::create_case(&mut w, team).await)?;
        let case = db::cases::get(&mut w.tx, id).await?.context("case")?;
        let (_, edits, _) = db::cases::canvas(&mut w.tx, id, case.current_version)
            .await?
            .context("canvas")?;
        step(
            "save",
            services::canvas::store_draft(&mut w, &case, edits, &canvas, None).await,
        )?;
        if target == Status::Draft {
            continue;
        }
        act(&mut w, &professional, at(1)?, 10)?;
        let v = version(&mut w, id).await?;
        step("submit", services::cases::submit_case(&mut w, id, v).await)?;
        let decision = match target {
            Status::Submitted => continue,
            Status::Returned => ("return", "Onderbouw de kosten beter"),
            Status::Rejected => ("reject", "Past binnen bestaande voorziening"),
            _ => ("approve", "Akkoord"),
        };
        act(&mut w, &actors.approver, at(3)?, 10)?;
        let v = version(&mut w, id).await?;
        let decided =
            services::cases::decide_case(&mut w, id, v, decision.0.into(), decision.1.into()).await;
        step("decide", decided)?;
        if matches!(
            target,
            Status::Returned | Status::Rejected | Status::Approved
        ) {
            continue;
        }
        // The cost lines are paid as the canvas names them: the arrears
        // first; the support as well, or (a little less) later.
        let lines = canvas.costs.clone();
        let mut parts: Vec<(String, i64)> =
            vec![(lines[0].supplier.clone(), lines[0].amount.cents())];
        if target != Status::InProgress || rng.below(2) == 0 {
            let support = lines[1].amount.cents();
            let paid = support * (90 + rng.below(11) as i64) / 100;
            parts.push((lines[1].supplier.clone(), paid));
        }
        for (k, (supplier, cents)) in parts.into_iter().enumerate() {
            let paid_on = at(7 + k as u64 * 10)?;
            act(&mut w, &actors.backoffice, paid_on, 11)?;
            let paid = services::cases::register_payment(
                &mut w,
                id,
                Money::from_cents(cents)?.to_input_string(),
                paid_on.to_string(),
                supplier,
                format!("Demo {id}/{k}"),
                format!("demo-payment-{seed}-{id}-{k}"),
            )
            .await;
            step("pay", paid)?;
        }
        if target == Status::InProgress {
            continue;
        }
        act(&mut w, &actors.backoffice, at(30)?, 12)?;
        let v = version(&mut w, id).await?;
        step("settle", services::cases::settle_case(&mut w, id, v).await)?;
    }
    w.commit().await.map_err(|e| anyhow!("{e}"))?;
    Ok(count)
}
