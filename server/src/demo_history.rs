//! Demo data that has lived: the earlier years went through the whole
//! money flow, through the same services people's forms use. Each year's
//! settled cases were charged back in December; the stream owner judged
//! the charges (one dispute stood, one was re-keyed through a correction
//! run); the Zvw claims were invoiced on a collective invoice and paid, one
//! refused; the accrual year was pre-booked and trued up; the oldest year
//! was closed with a carry-over. Deterministic: every date follows from the
//! years, every choice from the order of the rows.

use anyhow::{Context, anyhow};
use app::context::Write;
use app::model::CurrentUser;
use app::{db, services};
use chrono::NaiveDate;
use doorbraak::Money;
use doorbraak::claim::ClaimStatus;
use doorbraak::review::ReviewStatus;
use sqlx::SqlitePool;

use crate::demo_cases::{act, instant, step};

fn day(year: i32, month: u32, d: u32) -> anyhow::Result<NaiveDate> {
    NaiveDate::from_ymd_opt(year, month, d).context("date")
}

pub(crate) async fn user(pool: &SqlitePool, role: &str) -> anyhow::Result<CurrentUser> {
    let id = db::users::first_with_role(pool, role)
        .await?
        .ok_or_else(|| anyhow!("no demo user with role {role}"))?;
    db::users::get(pool, id)
        .await?
        .map(CurrentUser::from)
        .ok_or_else(|| anyhow!("user {id}"))
}

/// One step as `who` on `on`, in a transaction of its own.
pub(crate) async fn as_of<T>(
    pool: &SqlitePool,
    who: &CurrentUser,
    on: NaiveDate,
    what: &str,
    f: impl AsyncFnOnce(&mut Write) -> Result<T, app::error::AppError>,
) -> anyhow::Result<T> {
    let mut w = Write::begin(pool, who.clone(), instant(on, 10)?, "demo")
        .await
        .map_err(|e| anyhow!("{e}"))?;
    act(&mut w, who, on, 10)?;
    let out = step(what, f(&mut w).await)?;
    w.commit().await.map_err(|e| anyhow!("{what}: {e}"))?;
    Ok(out)
}

/// The owner's charges in a run that are still to be judged.
async fn unjudged(
    pool: &SqlitePool,
    owner: &CurrentUser,
    run: i64,
) -> anyhow::Result<Vec<app::model::OwnerCharge>> {
    let mut conn = pool.acquire().await?;
    let streams = db::reviews::owned_streams(&mut conn, owner.id).await?;
    Ok(db::reviews::charges(
        &mut conn,
        &db::reviews::ChargeFilter {
            streams: Some(&streams),
            review: db::reviews::ReviewFilter::Open,
            run: Some(run),
            stream: None,
            case: None,
            limit: 10_000,
        },
    )
    .await?)
}

/// Lives through `years` (the earlier demo years, oldest first); `accrual`
/// is the year kept in accrual mode.
pub async fn live(pool: &SqlitePool, years: &[i32], accrual: i32) -> anyhow::Result<()> {
    let back = crate::demo_cases::actors(pool).await?.backoffice;
    let owner = user(pool, "stream_owner").await?;
    let first = *years.first().ok_or_else(|| anyhow!("no demo years"))?;
    let last = *years.last().ok_or_else(|| anyhow!("no demo years"))?;
    for &year in years {
        if year == accrual {
            as_of(pool, &back, day(year, 1, 5)?, "prebook", async |w| {
                services::accrual::prebook(
                    w,
                    year,
                    "PW 20.000; JW 15.000",
                    &format!("{year}-01-05"),
                )
                .await
            })
            .await?;
        }
        // The year's chargeback run: every case settled by the end of
        // November that was not charged back yet, booked in mid-December.
        let (from, to) = (format!("{first}-01-01"), format!("{year}-11-30"));
        let run = as_of(pool, &back, day(year, 12, 14)?, "run", async |w| {
            services::runs::create(w, &from, &to).await
        })
        .await?;
        let version = {
            let mut conn = pool.acquire().await?;
            db::runs::get(&mut conn, run).await?.context("run")?.version
        };
        let booked = format!("{year}-12-15");
        as_of(pool, &back, day(year, 12, 15)?, "post", async |w| {
            services::runs::post(w, run, version, &booked).await
        })
        .await?;
        if year == accrual {
            as_of(pool, &back, day(year, 12, 31)?, "true-up", async |w| {
                services::accrual::true_up(w, year, &format!("{year}-12-31")).await
            })
            .await?;
        }
        // The newest year's charges wait for the stream owner.
        if year != last {
            judge(pool, &back, &owner, run, year, year == first).await?;
            invoice_and_settle(pool, &back, run, year, year == first).await?;
        }
    }
    // The oldest year is closed after its claims came in: half of what is
    // left carries over, the rest returns to the Wmo.
    let available = {
        let mut conn = pool.acquire().await?;
        db::ledger::position(&mut conn, first).await?.available
    };
    let carry = Money::from_cents(available.cents() / 2)?;
    as_of(pool, &back, day(first + 1, 3, 1)?, "close", async |w| {
        services::fund::close_year(
            w,
            first,
            carry.to_input_string(),
            format!("B&W {}-017", first + 1),
            "Jaarrekening vastgesteld; de helft blijft voor doorbraken".into(),
            app::auth::random_token(),
        )
        .await
    })
    .await?;
    Ok(())
}

/// The stream owner accepts a run's charges to their streams, except one
/// disputed: in the oldest year the backoffice lets it stand; later it is
/// corrected and charged again with the responsibility key.
async fn judge(
    pool: &SqlitePool,
    back: &CurrentUser,
    owner: &CurrentUser,
    run: i64,
    year: i32,
    stands: bool,
) -> anyhow::Result<()> {
    let charges = unjudged(pool, owner, run).await?;
    let Some((disputed, rest)) = charges.split_first() else {
        return Ok(());
    };
    let on = day(year, 12, 20)?;
    let why = if stands {
        "Jeugdhulp was al ingezet vóór de doorbraak"
    } else {
        "De besparing valt deels bij de Participatiewet"
    };
    as_of(pool, owner, on, "dispute", async |w| {
        services::reviews::review(w, &disputed.form_key(), "dispute", why).await
    })
    .await?;
    let keys: Vec<String> = rest.iter().map(|c| c.form_key()).collect();
    // As the page offers them: at most a list's worth at a time.
    for chunk in keys.chunks(500) {
        as_of(pool, owner, on, "accept", async |w| {
            services::reviews::accept_all(w, chunk).await
        })
        .await?;
    }
    let review = {
        let mut conn = pool.acquire().await?;
        db::reviews::charges(
            &mut conn,
            &db::reviews::ChargeFilter {
                review: db::reviews::ReviewFilter::Is(ReviewStatus::Disputed),
                ..db::reviews::ChargeFilter::one(None, run, disputed.case_id, disputed.stream)
            },
        )
        .await?
        .pop()
        .context("dispute")?
    };
    let dispute = format!(
        "{}:{}",
        review.review_id.context("review id")?,
        review.review_version.context("review version")?
    );
    let on = day(year + 1, 1, 10)?;
    let date = on.to_string();
    as_of(pool, back, on, "resolve", async |w| {
        let form = if stands {
            services::reviews::ResolutionForm {
                dispute: &dispute,
                resolution: "override",
                responsibility: "",
                reason: "Het canvas onderbouwt de vermeden jeugdhulp",
                booking_date: &date,
            }
        } else {
            services::reviews::ResolutionForm {
                dispute: &dispute,
                resolution: "key",
                responsibility: "JW 50, PW 50",
                reason: "Samen met de budgethouder: half Jeugdwet, half Participatiewet",
                booking_date: &date,
            }
        };
        services::reviews::resolve(w, form).await
    })
    .await
}

/// The run's claims go out on one collective invoice per payer before the
/// year ends and are paid in February; in the oldest year one is refused.
async fn invoice_and_settle(
    pool: &SqlitePool,
    back: &CurrentUser,
    run: i64,
    year: i32,
    refuse_one: bool,
) -> anyhow::Result<()> {
    let claims = {
        let mut conn = pool.acquire().await?;
        db::claims::of_run(&mut conn, run, None).await?
    };
    let open: Vec<_> = claims
        .iter()
        .filter(|k| k.status == ClaimStatus::Open)
        .collect();
    let mut payers: Vec<_> = open.iter().map(|k| k.stream).collect();
    payers.dedup();
    // One collective invoice per payer (of at most 500 claims each).
    let mut n = 0;
    for payer in &payers {
        let selection: Vec<String> = open
            .iter()
            .filter(|k| k.stream == *payer)
            .map(|k| format!("{}:{}", k.id, k.version))
            .collect();
        for part in selection.chunks(500) {
            n += 1;
            let number = format!("VF-{year}-{n:03}");
            let date = format!("{year}-12-22");
            as_of(pool, back, day(year, 12, 22)?, "invoice", async |w| {
                services::claims::invoice_many(w, part, &number, &date).await
            })
            .await?;
        }
    }
    let invoiced = {
        let mut conn = pool.acquire().await?;
        db::claims::of_run(&mut conn, run, None).await?
    };
    let on = day(year + 1, 2, 3)?;
    for (n, k) in invoiced
        .iter()
        .filter(|k| k.status == ClaimStatus::Invoiced)
        .enumerate()
    {
        let claim = format!("{}:{}", k.id, k.version);
        let (outcome, reason) = if refuse_one && n == 0 {
            (
                "refused",
                "Zorgverzekeraar: geen verwijzing van de huisarts",
            )
        } else {
            ("paid", "")
        };
        as_of(pool, back, on, "close claim", async |w| {
            services::claims::close(w, &claim, outcome, &on.to_string(), reason).await
        })
        .await?;
    }
    Ok(())
}
