//! Demo data: Gemeente Voorbeeld, three teams and a user for every role.
//! Loaded only when asked for, and only into an empty database.

use app::auth;
use app::db;
use doorbraak::Role;
use sqlx::SqlitePool;

pub const MUNICIPALITY: &str = "Gemeente Voorbeeld";
pub const PASSWORD: &str = "demo-wachtwoord";
/// The current year and the three before it get a funded reservation of € 400.000 each.
pub fn demo_years() -> std::ops::RangeInclusive<i32> {
    let current = chrono::Datelike::year(&auth::now().date_naive());
    current - 3..=current
}
pub const RESERVATION_EUROS: i64 = 400_000;
/// About 160 households over four years, as in Groningen 2019–2022.
pub const DEMO_CASES: usize = 160;
pub const DEMO_SEED: u64 = 2019;
pub const TEAMS: [&str; 3] = ["Team Noord", "Team Zuid", "Team Centrum"];

/// A demo account: username, name, roles, index into [`TEAMS`], mandate level.
pub type DemoUser = (
    &'static str,
    &'static str,
    &'static [Role],
    Option<usize>,
    Option<&'static str>,
);

pub const USERS: &[DemoUser] = &[
    (
        "professional",
        "Pim Professional",
        &[Role::Professional],
        Some(0),
        None,
    ),
    (
        "professional.zuid",
        "Zara Zuid",
        &[Role::Professional],
        Some(1),
        None,
    ),
    (
        "teamleider",
        "Tessa Teamleider",
        &[Role::Approver],
        Some(0),
        Some("teamleider"),
    ),
    (
        "manager",
        "Mo Manager",
        &[Role::Approver],
        None,
        Some("manager"),
    ),
    (
        "backoffice",
        "Bas Backoffice",
        &[Role::Backoffice],
        None,
        None,
    ),
    (
        "budgethouder",
        "Bea Budgethouder",
        &[Role::StreamOwner],
        None,
        None,
    ),
    (
        "wethouder",
        "Willem Wethouder",
        &[Role::Alderman],
        None,
        None,
    ),
    (
        "beheer",
        "Fatima Functioneel beheer",
        &[Role::Administrator],
        None,
        None,
    ),
];

/// Stream, taakveld, cost centre, ledger account, agreement.
const DEMO_CODES: &[(&str, &str, &str, &str, bool)] = &[
    ("WMO", "6.71d", "67100", "4300100", false),
    ("PW", "6.3", "63000", "4300200", false),
    ("JW", "6.72d", "67200", "4300300", false),
    ("WGS", "6.3", "63100", "4300400", false),
    ("ZVW", "6.71d", "67100", "1390100", true),
];

/// The earlier year kept in accrual mode when the demo has lived.
pub fn accrual_year() -> i32 {
    demo_years().start() + 1
}

/// Loads the demo set when the database has no users yet, and with
/// `history` the earlier years' chargebacks, claims, disputes and closing
/// ([`crate::demo_history`]). Returns whether it did.
pub async fn load(pool: &SqlitePool, history: bool) -> anyhow::Result<bool> {
    let fresh = prepare(pool, history).await?;
    if fresh && history {
        live(pool).await?;
    }
    Ok(fresh)
}

/// The demo's people, teams, years and cases, when the database has no users
/// yet; with `lived` the years are set up to be lived through
/// ([`live`]: one of them in accrual mode). Returns whether it did.
pub async fn prepare(pool: &SqlitePool, lived: bool) -> anyhow::Result<bool> {
    if db::users::count(pool).await? > 0 {
        return Ok(false);
    }
    let hash = auth::hash_password_async(PASSWORD.to_string())
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let now = db::timestamp(auth::now());
    let mut tx = pool.begin().await?;
    db::set_municipality_name(&mut *tx, MUNICIPALITY).await?;
    let mut team_ids = Vec::new();
    for name in TEAMS {
        let id = db::teams::create(&mut *tx, name, &now)
            .await?
            .ok_or_else(|| anyhow::anyhow!("team {name} exists"))?;
        team_ids.push(id);
    }
    for (username, name, roles, team, mandate) in USERS {
        let id = db::users::create(&mut *tx, username, name, &hash, *mandate, &now)
            .await?
            .ok_or_else(|| anyhow::anyhow!("user {username} exists"))?;
        db::users::set_roles(&mut tx, id, roles.iter().copied().collect()).await?;
        let teams: Vec<i64> = team.map(|t| vec![team_ids[t]]).unwrap_or_default();
        db::users::set_teams(&mut tx, id, &teams).await?;
        if *username == "budgethouder" {
            db::reviews::set_owned_streams(&mut tx, id, &["JW".into(), "PW".into()]).await?;
        }
    }
    // The demo municipality's accounting codes, and an agreement with the
    // health insurer: claims on the Zvw book on the Wmo's taakveld.
    for record in db::streams::list(&mut tx).await? {
        let stream = &record.stream;
        let Some((taakveld, cost_centre, ledger_account, agreement)) = DEMO_CODES
            .iter()
            .find(|(code, ..)| *code == stream.code.as_str())
            .map(|(_, t, c, l, a)| (*t, *c, *l, *a))
        else {
            continue;
        };
        let update = db::streams::NewStream {
            code: stream.code.as_str(),
            name: &stream.name,
            kind: stream.kind,
            taakveld: Some(taakveld),
            cost_centre,
            ledger_account,
            holds_reservation: stream.holds_reservation,
            active: stream.active,
        };
        db::streams::update(&mut tx, &update, record.version).await?;
        if agreement {
            let v1 = doorbraak::agreement::Agreement {
                id: 0,
                stream: stream.code,
                version: 1,
                valid_from: chrono::NaiveDate::from_ymd_opt(2020, 1, 1)
                    .ok_or_else(|| anyhow::anyhow!("date"))?,
                valid_to: None,
                payer_share: doorbraak::Percentage::HUNDRED,
                yearly_cap: None,
                reference: "CZ-2020-001".into(),
            };
            db::agreements::insert(&mut tx, &v1, &now, None).await?;
        }
    }
    for year in demo_years() {
        let date =
            chrono::NaiveDate::from_ymd_opt(year, 1, 2).ok_or_else(|| anyhow::anyhow!("date"))?;
        let amount = doorbraak::Money::from_euros(RESERVATION_EUROS)?;
        db::budget_years::create_year(&mut tx, year, lived && year == accrual_year(), &now).await?;
        db::budget_years::fund(
            &mut tx,
            year,
            amount,
            &format!("fund-{year}"),
            date,
            &now,
            None,
        )
        .await
        .map_err(|e| anyhow::anyhow!("funding {year}: {e:?}"))?;
    }
    db::audit::record(
        &mut *tx,
        db::audit::NewEvent {
            at: now.clone(),
            actor_id: None,
            actor_name: "systeem",
            action: "demo_data_loaded",
            object_type: "database",
            object_id: None,
            before: None,
            after: Some(serde_json::json!({ "teams": TEAMS.len(), "users": USERS.len() })),
            address: None,
        },
    )
    .await?;
    tx.commit().await?;
    crate::demo_cases::generate(pool, DEMO_CASES, DEMO_SEED, false).await?;
    Ok(true)
}

/// The earlier years' money flow, then receipts, evaluations, closings and
/// the learning agenda, over every case in the database.
pub async fn live(pool: &SqlitePool) -> anyhow::Result<()> {
    let earlier: Vec<i32> = (*demo_years().start()..*demo_years().end()).collect();
    crate::demo_history::live(pool, &earlier, accrual_year()).await?;
    crate::demo_evaluations::live(pool, auth::today()).await
}
