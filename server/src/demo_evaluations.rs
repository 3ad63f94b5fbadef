//! The other half of the method in the demo data: households confirmed what
//! was paid for; two in three charged-back cases whose horizon has passed
//! were evaluated (mostly avoided, some partly, a few not, so realised savings
//! come out at roughly 70–90 % of projected) and most of those closed; and
//! the knelpunten that recur went on the learning agenda and up its ladder.
//! Deterministic: every choice follows from the case's id and line number.

use anyhow::{Context, anyhow};
use app::model::{AgendaStepForm, EvaluationForm, NewAgendaItem, OutcomeForm, group_value};
use app::{db, services};
use chrono::{Days, NaiveDate};
use doorbraak::StreamCode;
use doorbraak::agenda::GroupKey;
use sqlx::SqlitePool;

use crate::demo_history::{as_of, user};

/// A number from 0 to 99 that depends only on `a` and `b`.
fn roll(a: i64, b: i64) -> u64 {
    let x = (a as u64)
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .wrapping_add((b as u64).wrapping_mul(0xBF58_476D_1CE4_E5B9));
    (x ^ (x >> 31)) % 100
}

fn later(date: NaiveDate, days: u64, today: NaiveDate) -> NaiveDate {
    date.checked_add_days(Days::new(days))
        .unwrap_or(today)
        .min(today)
}

/// Receipts, evaluations and closings, then the learning agenda.
pub async fn live(pool: &SqlitePool, today: NaiveDate) -> anyhow::Result<()> {
    let teams: Vec<i64> = db::teams::list(pool)
        .await?
        .into_iter()
        .map(|t| t.id)
        .collect();
    receipts(pool, &teams, today).await?;
    evaluations(pool, &teams, today).await?;
    agenda(pool, today).await
}

async fn professional_of(pool: &SqlitePool, case: i64) -> anyhow::Result<app::model::CurrentUser> {
    let mut conn = pool.acquire().await?;
    let row = db::cases::get(&mut conn, case).await?.context("case")?;
    db::users::get(&mut *conn, row.professional_id)
        .await?
        .map(app::model::CurrentUser::from)
        .ok_or_else(|| anyhow!("professional of case {case}"))
}

/// Four in five payments: the household confirmed receipt within a week.
async fn receipts(pool: &SqlitePool, teams: &[i64], today: NaiveDate) -> anyhow::Result<()> {
    let due = {
        let mut conn = pool.acquire().await?;
        db::evaluations::receipts_due(&mut conn, teams, 100_000).await?
    };
    for (payment, case, _, paid_on, _, _) in due {
        if roll(payment, 7) >= 80 {
            continue;
        }
        let paid: NaiveDate = paid_on.parse().context("paid_on")?;
        let on = later(paid, roll(payment, 8) % 7, today);
        let who = professional_of(pool, case).await?;
        as_of(pool, &who, on, "receipt", async |w| {
            services::evaluations::confirm_receipt(
                w,
                case,
                payment,
                on.to_string(),
                "Ontvangst besproken met het huishouden".into(),
            )
            .await
        })
        .await?;
    }
    Ok(())
}

/// What happened to line `i` of case `case`.
fn outcome(case: i64, i: usize) -> OutcomeForm {
    let r = roll(case, i as i64);
    let (outcome, occurred, justification) = match r {
        0..70 => ("avoided", String::new(), ""),
        70..90 => (
            "partly",
            format!("{}%", 30 + roll(case, 100 + i as i64) % 40),
            "Een deel van de kosten trad toch op, later en korter dan gevreesd.",
        ),
        _ => (
            "not_avoided",
            String::new(),
            "Deze kosten traden toch op: de situatie verslechterde op een ander leefgebied.",
        ),
    };
    OutcomeForm {
        outcome: outcome.into(),
        occurred,
        justification: justification.into(),
    }
}

async fn evaluations(pool: &SqlitePool, teams: &[i64], today: NaiveDate) -> anyhow::Result<()> {
    let back = user(pool, "backoffice").await?;
    let lead = user(pool, "approver").await?;
    let candidates = {
        let mut conn = pool.acquire().await?;
        db::evaluations::awaiting_evaluation(&mut conn, teams).await?
    };
    for c in candidates {
        let (start, lines) = {
            let mut conn = pool.acquire().await?;
            let start = services::evaluations::started_on(&mut conn, c.id).await;
            let canvas = db::cases::frozen_canvas(&mut conn, c.id)
                .await?
                .context("canvas")?;
            (start.map_err(|e| anyhow!("{e}"))?, canvas.1)
        };
        let Some(start) = start else { continue };
        let due = doorbraak::evaluation::final_due(start, lines.horizon);
        // One in three is still to be evaluated: the worklists show it.
        if due > today || roll(c.id, 80) < 33 {
            continue;
        }
        let on = later(due, roll(c.id, 50) % 20, today);
        let who = professional_of(pool, c.id).await?;
        let form = EvaluationForm {
            moment: "final".into(),
            goal: match roll(c.id, 60) {
                0..60 => "reached",
                60..90 => "partly",
                _ => "not_reached",
            }
            .into(),
            goal_note: "Besproken met het huishouden bij het eindgesprek.".into(),
            reason: String::new(),
            lines: (0..lines.threatening.len())
                .map(|i| outcome(c.id, i))
                .collect(),
        };
        as_of(pool, &who, on, "evaluate", async |w| {
            let version = db::cases::get(&mut w.tx, c.id)
                .await?
                .map(|r| r.version)
                .ok_or(app::error::AppError::Internal)?;
            services::evaluations::record(w, c.id, version, form).await
        })
        .await?;
        // Two in three evaluated cases are closed, by the backoffice or the
        // team leader.
        if roll(c.id, 70) < 67 {
            let closer = if roll(c.id, 71) < 70 { &back } else { &lead };
            as_of(pool, closer, later(on, 7, today), "close", async |w| {
                let version = db::cases::get(&mut w.tx, c.id)
                    .await?
                    .map(|r| r.version)
                    .ok_or(app::error::AppError::Internal)?;
                services::evaluations::close(w, c.id, version).await
            })
            .await?;
        }
    }
    Ok(())
}

/// A demo agenda item: law, rule, organisation, title, owner, and its steps
/// (to, escalated to, note).
type DemoItem = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static [Step],
);
type Step = (&'static str, &'static str, &'static str);

/// The two most frequent knelpunten climbed the ladder; a third was solved.
async fn agenda(pool: &SqlitePool, today: NaiveDate) -> anyhow::Result<()> {
    let lead = user(pool, "approver").await?;
    let back_days = |days: u64| today.checked_sub_days(Days::new(days)).unwrap_or(today);
    let items: [DemoItem; 3] = [
        (
            "PW",
            "Kostendelersnorm",
            "Gemeente, Participatiewet",
            "Kostendelersnorm duwt jongeren uit huis",
            "Beleidsadviseur inkomen",
            &[
                (
                    "team",
                    "",
                    "Besproken in het teamoverleg: komt in een op de drie casussen terug.",
                ),
                (
                    "management",
                    "",
                    "Het management vraagt om een voorstel voor maatwerk.",
                ),
                (
                    "escalated",
                    "Regionale stuurgroep",
                    "Voorgelegd aan de regio: de regel is landelijk, de uitvoering kan ruimer.",
                ),
            ],
        ),
        (
            "TOESLAGEN",
            "Terugvordering huurtoeslag na inkomenswijziging",
            "Belastingdienst/Toeslagen",
            "Terugvorderingen van toeslagen na een nieuwe baan",
            "Coördinator schuldhulp",
            &[(
                "management",
                "",
                "Afspraak gemaakt met de Belastingdienst over een vast aanspreekpunt.",
            )],
        ),
        (
            "ZVW",
            "Eigen risico niet in termijnen",
            "Zorgverzekeraar",
            "Eigen risico ineens betalen",
            "Contractmanager zorg",
            &[(
                "solved",
                "",
                "De zorgverzekeraar biedt nu een betalingsregeling in termijnen aan.",
            )],
        ),
    ];
    for (n, (law, rule, organisation, title, owner, steps)) in items.into_iter().enumerate() {
        let key = GroupKey::new(StreamCode::new(law)?, rule, organisation);
        let start = back_days(150 - n as u64 * 30);
        let id = as_of(pool, &lead, start, "agenda", async |w| {
            services::agenda::put_on_agenda(
                w,
                NewAgendaItem {
                    group: group_value(&key),
                    title: title.into(),
                    owner: owner.into(),
                    note: "Komt terug in de canvassen van alle teams.".into(),
                },
            )
            .await
        })
        .await?;
        for (k, (to, escalated_to, note)) in steps.iter().enumerate() {
            let on = later(start, 20 * (k as u64 + 1), today);
            let version = {
                let mut conn = pool.acquire().await?;
                db::agenda::item_rung(&mut conn, id)
                    .await?
                    .context("item")?
                    .1
            };
            as_of(pool, &lead, on, "agenda step", async |w| {
                services::agenda::step(
                    w,
                    AgendaStepForm {
                        item_id: id,
                        version,
                        to: (*to).into(),
                        escalated_to: (*escalated_to).into(),
                        note: (*note).into(),
                    },
                )
                .await
            })
            .await?;
        }
    }
    Ok(())
}
