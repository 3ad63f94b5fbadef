//! Demo cases, deterministic from a seed: canvases built from the catalogue,
//! spread over four years and the teams, in every status from draft to
//! settled, booked in the ledger exactly as the application books them.
//! The same generator makes the national-scale set for benchmarks.

use anyhow::{Context, anyhow};
use app::db;
use chrono::{Datelike, NaiveDate};
use doorbraak::canvas::{
    Blocker, Canvas, CanvasTexts, CostLine, Horizon, Judgement, LineItem, Quantity, ScenarioLine,
    ScenarioLineFields, TriangleJudgement, ValueTriangle,
};
use doorbraak::catalogue::Unit;
use doorbraak::ledger::Operation;
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
        stream: StreamCode::new(&row.stream)?,
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
        life_domains: vec!["wonen".into(), "financiën".into()],
        blockers: vec![Blocker {
            law: *rng.pick(&[
                StreamCode::PARTICIPATIEWET,
                StreamCode::WGS,
                StreamCode::JEUGDWET,
            ]),
            rule: "Regel sluit deze situatie uit".into(),
            organisation: "Gemeente".into(),
            description: String::new(),
        }],
        threatening,
        realistic,
        costs: vec![CostLine::new("Doorbraak", "Leverancier", investment)?],
        triangle: ValueTriangle {
            legitimacy: better("Rechtmatig en eerlijk"),
            return_: better("Ruim rendement"),
            involvement: better("Gezin staat erachter"),
        },
    })
}

/// Who takes a step, what it is called, and why.
struct Step {
    actor: i64,
    action: &'static str,
    reason: Option<&'static str>,
    stamp: Option<&'static str>,
}

/// A generated case moving through its statuses as the application moves it.
struct Progress {
    id: i64,
    status: Status,
    version: i64,
}

impl Progress {
    async fn to(
        &mut self,
        conn: &mut sqlx::SqliteConnection,
        to: Status,
        step: Step,
        when: NaiveDate,
    ) -> anyhow::Result<()> {
        let at = iso(when, 10);
        db::cases::set_status(conn, self.id, self.version, to, step.stamp, &at).await?;
        let event = db::cases::NewCaseEvent {
            case_id: self.id,
            at: &at,
            actor_id: step.actor,
            action: step.action,
            from: Some(self.status),
            to,
            reason: step.reason,
        };
        db::cases::record_event(conn, event).await?;
        self.status = to;
        self.version += 1;
        Ok(())
    }
}

fn iso(date: NaiveDate, hour: u32) -> String {
    format!("{}T{hour:02}:00:00.000Z", date.format("%Y-%m-%d"))
}

/// Generates `count` cases with `seed`, in every status or (`all_settled`)
/// all settled. Returns how many were made.
pub async fn generate(
    pool: &SqlitePool,
    count: usize,
    seed: u64,
    all_settled: bool,
) -> anyhow::Result<usize> {
    let people = people(pool).await?;
    let mut rng = Rng(seed);
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let catalogue = db::catalogue::priced_on(&mut tx, "2026-01-01").await?;
    let known = db::streams::registry(&mut tx)
        .await?
        .active()
        .map(|s| s.code)
        .collect();
    let years = db::budget_years::year_numbers(&mut tx).await?;
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
                &iso(date, 8),
                None,
            )
            .await
            .map_err(|e| anyhow!("{e:?}"))?;
        }
    }
    for n in 0..count {
        let year = years[n % years.len()];
        let (team, professional) = *rng.pick(&people.professionals);
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
        let calc = doorbraak::returns::calculate_canvas(&canvas, &known)?;
        let reference = db::cases::next_reference(&mut tx, year).await?;
        let id =
            db::cases::create(&mut tx, &reference, team, professional, &iso(created, 9)).await?;
        db::cases::insert_canvas(
            &mut tx,
            id,
            1,
            &canvas,
            &calc,
            professional,
            &iso(created, 9),
        )
        .await?;
        let mut progress = Progress {
            id,
            status: Status::Draft,
            version: 1,
        };
        db::cases::record_event(
            &mut tx,
            db::cases::NewCaseEvent {
                case_id: id,
                at: &iso(created, 9),
                actor_id: professional,
                action: "aangemaakt",
                from: None,
                to: Status::Draft,
                reason: None,
            },
        )
        .await?;
        if target == Status::Draft {
            continue;
        }
        progress
            .to(
                &mut tx,
                Status::Submitted,
                Step {
                    actor: professional,
                    action: "indienen",
                    reason: None,
                    stamp: Some("submitted_at"),
                },
                at(1)?,
            )
            .await?;
        match target {
            Status::Submitted => continue,
            Status::Returned => {
                progress
                    .to(
                        &mut tx,
                        Status::Returned,
                        Step {
                            actor: people.approver,
                            action: "terugsturen",
                            reason: Some("Onderbouw de kosten beter"),
                            stamp: Some("decided_at"),
                        },
                        at(3)?,
                    )
                    .await?;
                continue;
            }
            Status::Rejected => {
                progress
                    .to(
                        &mut tx,
                        Status::Rejected,
                        Step {
                            actor: people.approver,
                            action: "afwijzen",
                            reason: Some("Past binnen bestaande voorziening"),
                            stamp: Some("decided_at"),
                        },
                        at(3)?,
                    )
                    .await?;
                continue;
            }
            _ => {}
        }
        let approved = at(3)?;
        progress
            .to(
                &mut tx,
                Status::Approved,
                Step {
                    actor: people.approver,
                    action: "goedkeuren",
                    reason: Some("Akkoord"),
                    stamp: Some("decided_at"),
                },
                approved,
            )
            .await?;
        let hold = Operation::Hold {
            case: id,
            year,
            amount: calc.investment,
            date: approved,
        };
        db::ledger::execute(
            &mut tx,
            &format!("approve-{id}-v1"),
            hold,
            &iso(approved, 10),
            Some(people.approver),
        )
        .await
        .map_err(|e| anyhow!("hold {reference}: {e:?}"))?;
        db::cases::set_budget_year(&mut tx, id, year).await?;
        db::cases::freeze_canvas(&mut tx, id, 1).await?;
        if target == Status::Approved {
            continue;
        }
        // One or two payments; together at most the hold, usually a little less.
        let total = calc.investment.cents() * (90 + rng.below(11) as i64) / 100;
        let parts = if rng.below(2) == 0 {
            vec![total]
        } else {
            vec![total * 6 / 10, total - total * 6 / 10]
        };
        for (k, cents) in parts.into_iter().enumerate() {
            let paid_on = at(7 + k as u64 * 10)?;
            let amount = Money::from_cents(cents)?;
            let receipt = db::ledger::execute(
                &mut tx,
                &format!("pay-{id}-{k}"),
                Operation::Pay {
                    case: id,
                    amount,
                    date: paid_on,
                },
                &iso(paid_on, 11),
                Some(people.backoffice),
            )
            .await
            .map_err(|e| anyhow!("pay {reference}: {e:?}"))?;
            let tx_id = receipt
                .tx
                .and_then(|t| i64::try_from(t.0).ok())
                .context("tx")?;
            let paid = paid_on.format("%Y-%m-%d").to_string();
            db::cases::insert_payment(
                &mut tx,
                db::cases::NewPayment {
                    case_id: id,
                    tx_id,
                    amount_cents: cents,
                    paid_on: &paid,
                    supplier: "Leverancier",
                    reference: &format!("{reference}-{k}"),
                    user_id: people.backoffice,
                    now: &iso(paid_on, 11),
                },
            )
            .await?;
            if k == 0 {
                progress
                    .to(
                        &mut tx,
                        Status::InProgress,
                        Step {
                            actor: people.backoffice,
                            action: "betaling registreren",
                            reason: None,
                            stamp: Some("first_paid_at"),
                        },
                        paid_on,
                    )
                    .await?;
            }
        }
        if target == Status::InProgress {
            continue;
        }
        let settled = at(30)?;
        db::ledger::execute(
            &mut tx,
            &format!("settle-{id}"),
            Operation::Release {
                case: id,
                date: settled,
            },
            &iso(settled, 12),
            Some(people.backoffice),
        )
        .await
        .map_err(|e| anyhow!("settle {reference}: {e:?}"))?;
        progress
            .to(
                &mut tx,
                Status::Settled,
                Step {
                    actor: people.backoffice,
                    action: "afrekenen",
                    reason: None,
                    stamp: Some("settled_at"),
                },
                settled,
            )
            .await?;
    }
    tx.commit().await?;
    Ok(count)
}
