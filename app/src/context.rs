//! The one harness every server function runs in. [`read`] and [`write`]
//! check the role, take one `now` and one Dutch `today` from the one clock
//! for the whole request, and map an error to its HTTP status. A write runs
//! in one `BEGIN IMMEDIATE` transaction (the write lock is taken before the
//! first read, so a read-then-write cannot interleave with another), and
//! its audit events are buffered and written in that transaction just
//! before the commit, stamped with the request's time — the same time its
//! rows carry.
//!
//! The logic itself lives in services: plain async functions over a
//! [`Read`] or [`Write`], which tests and the demo generator open directly
//! with [`Write::begin`].

use chrono::{DateTime, NaiveDate, Utc};
use doorbraak::Role;
use sqlx::Sqlite;
use sqlx::pool::PoolConnection;

use crate::auth;
use crate::db::{self, Pool};
use crate::error::AppError;
use crate::model::CurrentUser;

/// Who acts in a context: a signed-in user, or nobody yet (signing in).
pub trait Acting {
    fn actor(&self) -> Option<&CurrentUser>;
}

impl Acting for CurrentUser {
    fn actor(&self) -> Option<&CurrentUser> {
        Some(self)
    }
}

impl Acting for Option<CurrentUser> {
    fn actor(&self) -> Option<&CurrentUser> {
        self.as_ref()
    }
}

/// The request's moment: one instant, its stored form and its Dutch date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Moment {
    pub now: DateTime<Utc>,
    /// `now` as stored in every row the request writes.
    pub at: String,
    /// The Dutch calendar date of `now`.
    pub today: NaiveDate,
}

impl Moment {
    pub fn of(now: DateTime<Utc>) -> Moment {
        Moment {
            now,
            at: db::timestamp(now),
            today: doorbraak::dates::dutch_today(now),
        }
    }
}

/// A read: a connection, who reads, and when.
pub struct Read<U = CurrentUser> {
    pub user: U,
    pub time: Moment,
    pub conn: PoolConnection<Sqlite>,
    /// Household data the read showed, logged once the connection is back.
    opened: Vec<(&'static str, String)>,
}

impl<U> Read<U> {
    pub async fn open(pool: &Pool, user: U, now: DateTime<Utc>) -> Result<Read<U>, AppError> {
        Ok(Read {
            user,
            time: Moment::of(now),
            conn: pool.acquire().await?,
            opened: Vec::new(),
        })
    }

    /// Records that the reader opened household data (a case): written to
    /// the audit trail before the answer is sent.
    pub fn opened(&mut self, object_type: &'static str, object_id: String) {
        self.opened.push((object_type, object_id));
    }

    /// [`Read::opened`] for each case a list showed, once per case.
    pub fn opened_cases(&mut self, cases: impl IntoIterator<Item = i64>) {
        let cases: std::collections::BTreeSet<i64> = cases.into_iter().collect();
        for case in cases {
            self.opened("case", case.to_string());
        }
    }
}

/// One audit event waiting for the commit.
#[derive(Debug, Clone)]
struct Event {
    action: String,
    object_type: &'static str,
    object_id: Option<String>,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
}

/// A write: one `BEGIN IMMEDIATE` transaction, who writes, when, from where,
/// and the audit events to record with it.
pub struct Write<U = CurrentUser> {
    pub user: U,
    pub time: Moment,
    pub tx: sqlx::Transaction<'static, Sqlite>,
    address: String,
    events: Vec<Event>,
}

impl<U: Acting> Write<U> {
    /// Opens a write transaction outside a request (tests, the demo data).
    pub async fn begin(
        pool: &Pool,
        user: U,
        now: DateTime<Utc>,
        address: &str,
    ) -> Result<Write<U>, AppError> {
        Ok(Write {
            user,
            time: Moment::of(now),
            tx: pool.begin_with("BEGIN IMMEDIATE").await?,
            address: address.to_string(),
            events: Vec::new(),
        })
    }

    /// Records an audit event with this write (written at commit).
    pub fn audit(
        &mut self,
        action: impl Into<String>,
        object_type: &'static str,
        object_id: Option<String>,
        before: Option<serde_json::Value>,
        after: Option<serde_json::Value>,
    ) {
        self.events.push(Event {
            action: action.into(),
            object_type,
            object_id,
            before,
            after,
        });
    }

    /// Writes the audit events and commits.
    pub async fn commit(mut self) -> Result<(), AppError> {
        let actor = self.user.actor();
        let events: Vec<db::audit::NewEvent<'_>> = self
            .events
            .iter()
            .map(|e| db::audit::NewEvent {
                at: self.time.at.clone(),
                actor_id: actor.map(|a| a.id),
                actor_name: actor.map_or("systeem", |a| a.username.as_str()),
                action: &e.action,
                object_type: e.object_type,
                object_id: e.object_id.clone(),
                before: e.before.clone(),
                after: e.after.clone(),
                address: Some(&self.address),
            })
            .collect();
        db::audit::record_all(&mut *self.tx, &events).await?;
        self.tx.commit().await?;
        Ok(())
    }
}

/// A read by a user holding one of `roles` (any signed-in user when empty).
pub async fn read<T>(
    roles: &[Role],
    f: impl AsyncFnOnce(&mut Read) -> Result<T, AppError>,
) -> Result<T, AppError> {
    auth::respond(
        async {
            let user = auth::require(roles).await?;
            let state = auth::state()?;
            let mut r = Read::open(&state.pool, user, auth::now()).await?;
            let out = f(&mut r).await?;
            let Read {
                user,
                time,
                conn,
                opened,
            } = r;
            // The access log's writer needs a connection of its own.
            drop(conn);
            for (object_type, object_id) in opened {
                let access = crate::access_log::Access {
                    at: time.at.clone(),
                    actor_id: user.id,
                    actor_name: user.username.clone(),
                    action: "case_opened",
                    object_type,
                    object_id,
                    address: auth::client_address(),
                };
                state.access.record(access).await?;
            }
            Ok(out)
        }
        .await,
    )
}

/// A write by a user holding one of `roles`: committed when `f` succeeds,
/// rolled back (audit events included) when it fails.
pub async fn write<T>(
    roles: &[Role],
    f: impl AsyncFnOnce(&mut Write) -> Result<T, AppError>,
) -> Result<T, AppError> {
    auth::respond(
        async {
            let user = auth::require(roles).await?;
            let out = in_write(user, f).await?;
            crate::flash::back_after_form();
            Ok(out)
        }
        .await,
    )
}

/// A write before anyone is signed in (signing in itself).
pub async fn write_public<T>(
    f: impl AsyncFnOnce(&mut Write<Option<CurrentUser>>) -> Result<T, AppError>,
) -> Result<T, AppError> {
    auth::respond(in_write(None, f).await)
}

async fn in_write<U: Acting, T>(
    user: U,
    f: impl AsyncFnOnce(&mut Write<U>) -> Result<T, AppError>,
) -> Result<T, AppError> {
    let state = auth::state()?;
    let mut w = Write::begin(&state.pool, user, auth::now(), &auth::client_address()).await?;
    let out = f(&mut w).await?;
    w.commit().await?;
    Ok(out)
}

/// The signed-in user, if they hold one of `roles` (for work that must be
/// refused before it starts, such as hashing a password).
pub async fn require(roles: &[Role]) -> Result<CurrentUser, AppError> {
    auth::require(roles).await
}

/// Drops the cached sessions after a change to users or teams, so the next
/// request reads roles and activity from the database.
pub fn forget_sessions() -> Result<(), AppError> {
    auth::state()?.sessions.clear();
    Ok(())
}

/// The HTTP status of a result that did not come from one harness call
/// (signing in spans several).
pub fn respond<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    auth::respond(result)
}
