//! Evaluations (append-only versions with their lines and stream figures),
//! receipts of payments, and realised savings summed for reports.

use doorbraak::evaluation::{GoalOutcome, LineOutcome, Occurred};
use doorbraak::{Money, Percentage};
use sqlx::SqliteConnection;

use super::decode;
use crate::model::{EvaluatedLine, RecordedEvaluation, StreamFigures};

/// When the breakthrough started and when the case was decided or settled
/// (stored timestamps), for the due dates.
pub async fn case_dates(
    conn: &mut SqliteConnection,
    case_id: i64,
) -> Result<(Option<String>, Option<String>), sqlx::Error> {
    sqlx::query_as("SELECT first_paid_at, settled_at FROM cases WHERE id = ?1")
        .bind(case_id)
        .fetch_one(&mut *conn)
        .await
}

/// How many versions of the evaluation at `moment` a case has.
pub async fn versions(
    conn: &mut SqliteConnection,
    case_id: i64,
    moment: &str,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM evaluations WHERE case_id = ?1 AND moment = ?2")
        .bind(case_id)
        .bind(moment)
        .fetch_one(&mut *conn)
        .await
}

pub struct NewLine<'a> {
    pub outcome: LineOutcome,
    pub justification: &'a str,
    pub projected: Money,
    pub realised: Money,
}

pub struct NewEvaluation<'a> {
    pub case_id: i64,
    pub canvas_version: i64,
    pub moment: &'a str,
    pub version: i64,
    pub goal: GoalOutcome,
    pub goal_note: &'a str,
    pub reason: Option<&'a str>,
    pub evaluated_on: chrono::NaiveDate,
    pub total_projected: Money,
    pub total_realised: Money,
    pub lines: Vec<NewLine<'a>>,
    /// (stream, projected, realised)
    pub streams: Vec<(String, Money, Money)>,
    pub now: &'a str,
    pub user_id: i64,
}

/// Records one version; `None` when that version exists already (a double
/// submit or someone else's evaluation in between).
pub async fn insert(
    conn: &mut SqliteConnection,
    e: &NewEvaluation<'_>,
) -> Result<Option<i64>, sqlx::Error> {
    let id: Option<i64> = sqlx::query_scalar(
        "INSERT INTO evaluations (case_id, canvas_version, moment, version, goal, goal_note, reason,
             evaluated_on, total_projected_cents, total_realised_cents, created_at, created_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
         ON CONFLICT (case_id, moment, version) DO NOTHING RETURNING id",
    )
    .bind(e.case_id)
    .bind(e.canvas_version)
    .bind(e.moment)
    .bind(e.version)
    .bind(e.goal.code())
    .bind(e.goal_note)
    .bind(e.reason)
    .bind(e.evaluated_on.to_string())
    .bind(e.total_projected.cents())
    .bind(e.total_realised.cents())
    .bind(e.now)
    .bind(e.user_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(id) = id else { return Ok(None) };
    for (i, line) in e.lines.iter().enumerate() {
        let (cents, share) = match line.outcome {
            LineOutcome::Partly(Occurred::Amount(m)) => (Some(m.cents()), None),
            LineOutcome::Partly(Occurred::Share(p)) => (None, Some(p.value().to_string())),
            _ => (None, None),
        };
        sqlx::query(
            "INSERT INTO evaluation_lines (evaluation_id, line_no, outcome, occurred_cents, occurred_share,
                 justification, projected_cents, realised_cents)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )
        .bind(id)
        .bind(i as i64 + 1)
        .bind(line.outcome.code())
        .bind(cents)
        .bind(share)
        .bind(line.justification)
        .bind(line.projected.cents())
        .bind(line.realised.cents())
        .execute(&mut *conn)
        .await?;
    }
    for (stream, projected, realised) in &e.streams {
        sqlx::query(
            "INSERT INTO evaluation_streams (evaluation_id, stream_code, projected_cents, realised_cents)
             VALUES (?1, ?2, ?3, ?4)",
        )
        .bind(id)
        .bind(stream)
        .bind(projected.cents())
        .bind(realised.cents())
        .execute(&mut *conn)
        .await?;
    }
    Ok(Some(id))
}

#[derive(sqlx::FromRow)]
struct EvaluationRecord {
    id: i64,
    moment: String,
    version: i64,
    goal: String,
    goal_note: String,
    reason: Option<String>,
    evaluated_on: String,
    by_name: String,
    total_projected_cents: i64,
    total_realised_cents: i64,
    lines: String,
    streams: String,
}

#[derive(serde::Deserialize)]
struct LineRecord {
    outcome: String,
    occurred_cents: Option<i64>,
    occurred_share: Option<String>,
    justification: String,
    projected_cents: i64,
    realised_cents: i64,
}

#[derive(serde::Deserialize)]
struct StreamRecord {
    stream: String,
    name: Option<String>,
    projected_cents: i64,
    realised_cents: i64,
}

fn decode_outcome(id: i64, l: &LineRecord) -> Result<LineOutcome, sqlx::Error> {
    const T: &str = "evaluation_lines";
    Ok(
        match (l.outcome.as_str(), l.occurred_cents, &l.occurred_share) {
            ("avoided", None, None) => LineOutcome::Avoided,
            ("not_avoided", None, None) => LineOutcome::NotAvoided,
            ("partly", Some(cents), None) => {
                LineOutcome::Partly(Occurred::Amount(decode::money(T, id, cents)?))
            }
            ("partly", None, Some(share)) => LineOutcome::Partly(Occurred::Share(
                Percentage::parse(share)
                    .map_err(|_| decode::corrupt(T, id, format!("share {share:?}")))?,
            )),
            (other, ..) => return Err(decode::corrupt(T, id, format!("outcome {other:?}"))),
        },
    )
}

impl EvaluationRecord {
    fn decode(self) -> Result<RecordedEvaluation, sqlx::Error> {
        const T: &str = "evaluations";
        let id = self.id;
        let lines: Vec<LineRecord> = serde_json::from_str(&self.lines)
            .map_err(|e| decode::corrupt(T, id, format!("lines: {e}")))?;
        let streams: Vec<StreamRecord> = serde_json::from_str(&self.streams)
            .map_err(|e| decode::corrupt(T, id, format!("streams: {e}")))?;
        let mut figures = Vec::with_capacity(streams.len());
        for s in streams {
            let projected = decode::money(T, id, s.projected_cents)?;
            let realised = decode::money(T, id, s.realised_cents)?;
            figures.push(StreamFigures {
                name: s.name.unwrap_or_else(|| s.stream.clone()),
                stream: s.stream,
                projected,
                realised,
                difference: realised
                    .checked_sub(projected)
                    .map_err(|e| decode::corrupt(T, id, e.to_string()))?,
            });
        }
        Ok(RecordedEvaluation {
            id,
            goal: decode::code(T, id, "goal", &self.goal, GoalOutcome::from_code)?,
            lines: lines
                .iter()
                .map(|l| {
                    Ok(EvaluatedLine {
                        outcome: decode_outcome(id, l)?,
                        justification: l.justification.clone(),
                        projected: decode::money(T, id, l.projected_cents)?,
                        realised: decode::money(T, id, l.realised_cents)?,
                    })
                })
                .collect::<Result<_, sqlx::Error>>()?,
            streams: figures,
            total_projected: decode::money(T, id, self.total_projected_cents)?,
            total_realised: decode::money(T, id, self.total_realised_cents)?,
            evaluated_on: decode::date(T, id, &self.evaluated_on)?.to_string(),
            moment: self.moment,
            version: self.version,
            goal_note: self.goal_note,
            reason: self.reason,
            by: self.by_name,
        })
    }
}

/// Every recorded evaluation of a case, newest first.
pub async fn of_case(
    conn: &mut SqliteConnection,
    case_id: i64,
) -> Result<Vec<RecordedEvaluation>, sqlx::Error> {
    let rows: Vec<EvaluationRecord> = sqlx::query_as(
        "SELECT e.id, e.moment, e.version, e.goal, e.goal_note, e.reason, e.evaluated_on,
                u.display_name AS by_name, e.total_projected_cents, e.total_realised_cents,
                (SELECT json_group_array(json_object('outcome', l.outcome, 'occurred_cents', l.occurred_cents,
                        'occurred_share', l.occurred_share, 'justification', l.justification,
                        'projected_cents', l.projected_cents, 'realised_cents', l.realised_cents))
                   FROM (SELECT * FROM evaluation_lines WHERE evaluation_id = e.id ORDER BY line_no) l) AS lines,
                (SELECT json_group_array(json_object('stream', s.stream_code, 'name', st.name,
                        'projected_cents', s.projected_cents, 'realised_cents', s.realised_cents))
                   FROM (SELECT * FROM evaluation_streams WHERE evaluation_id = e.id ORDER BY stream_code) s
                   LEFT JOIN streams st ON st.code = s.stream_code) AS streams
         FROM evaluations e JOIN users u ON u.id = e.created_by
         WHERE e.case_id = ?1
         ORDER BY e.id DESC",
    )
    .bind(case_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter().map(EvaluationRecord::decode).collect()
}

/// Realised against projected of one budget year, team and stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RealisedCell {
    pub year: i32,
    pub team: String,
    /// The stream's name.
    pub stream: String,
    pub households: u32,
    pub projected: Money,
    pub realised: Money,
}

/// Realised against projected per budget year, team and stream, from the
/// newest version of each case's final evaluation.
pub async fn realised_totals(
    conn: &mut SqliteConnection,
) -> Result<Vec<RealisedCell>, sqlx::Error> {
    let rows: Vec<(i32, String, String, i64, i64, i64)> = sqlx::query_as(
        "SELECT c.budget_year, t.name, COALESCE(st.name, s.stream_code),
                COUNT(DISTINCT c.id), SUM(s.projected_cents), SUM(s.realised_cents)
         FROM evaluations e
         JOIN cases c ON c.id = e.case_id
         JOIN teams t ON t.id = c.team_id
         JOIN evaluation_streams s ON s.evaluation_id = e.id
         LEFT JOIN streams st ON st.code = s.stream_code
         WHERE e.moment = 'final' AND c.budget_year IS NOT NULL
           AND e.version = (SELECT MAX(x.version) FROM evaluations x
                            WHERE x.case_id = e.case_id AND x.moment = 'final')
         GROUP BY c.budget_year, t.name, s.stream_code
         ORDER BY c.budget_year DESC, t.name, s.stream_code",
    )
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|(year, team, stream, n, p, r)| {
            const T: &str = "evaluation_streams";
            Ok(RealisedCell {
                households: u32::try_from(n)
                    .map_err(|_| decode::corrupt(T, year, format!("count {n}")))?,
                projected: decode::money(T, i64::from(year), p)?,
                realised: decode::money(T, i64::from(year), r)?,
                year,
                team,
                stream,
            })
        })
        .collect()
}

/// The payment's case, and whether its receipt was recorded already.
pub async fn payment_case(
    conn: &mut SqliteConnection,
    payment_id: i64,
) -> Result<Option<(i64, bool)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT p.case_id, EXISTS (SELECT 1 FROM receipts r WHERE r.payment_id = p.id)
         FROM payments p WHERE p.id = ?1",
    )
    .bind(payment_id)
    .fetch_optional(&mut *conn)
    .await
}

/// Records a receipt; `false` when one was recorded already.
pub async fn insert_receipt(
    conn: &mut SqliteConnection,
    payment_id: i64,
    received_on: chrono::NaiveDate,
    note: &str,
    now: &str,
    user_id: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "INSERT INTO receipts (payment_id, received_on, note, created_at, created_by)
         VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (payment_id) DO NOTHING",
    )
    .bind(payment_id)
    .bind(received_on.to_string())
    .bind(note)
    .bind(now)
    .bind(user_id)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A case of the teams that can be evaluated, with what its due date needs.
#[derive(sqlx::FromRow)]
pub struct EvaluationCandidate {
    pub id: i64,
    pub reference: String,
    pub first_paid_at: Option<String>,
    pub settled_at: Option<String>,
    pub horizon: i64,
}

/// A list of ids as the JSON array `json_each` reads.
fn id_list(ids: &[i64]) -> Result<String, sqlx::Error> {
    serde_json::to_string(ids).map_err(|e| sqlx::Error::Protocol(e.to_string()))
}

/// Cases of `teams` that wait for their final evaluation: charged back, or
/// settled without anything paid, and not evaluated yet.
pub async fn awaiting_evaluation(
    conn: &mut SqliteConnection,
    teams: &[i64],
) -> Result<Vec<EvaluationCandidate>, sqlx::Error> {
    sqlx::query_as(
        "SELECT c.id, c.reference, c.first_paid_at, c.settled_at,
                json_extract(cv.body, '$.horizon') AS horizon
         FROM cases c
         JOIN canvases cv ON cv.case_id = c.id AND cv.version = c.current_version
         LEFT JOIN holds h ON h.case_id = c.id
         WHERE c.team_id IN (SELECT value FROM json_each(?1))
           AND (c.status = 'charged_back' OR (c.status = 'settled' AND COALESCE(h.paid_cents, 0) = 0))
           AND NOT EXISTS (SELECT 1 FROM evaluations e WHERE e.case_id = c.id AND e.moment = 'final')
         ORDER BY c.id",
    )
    .bind(id_list(teams)?)
    .fetch_all(&mut *conn)
    .await
}

/// Payments of `teams`' cases, not reversed, whose receipt is not recorded:
/// (payment, case, reference, paid on, supplier, cents), oldest first.
pub async fn receipts_due(
    conn: &mut SqliteConnection,
    teams: &[i64],
    limit: i64,
) -> Result<Vec<(i64, i64, String, String, String, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT p.id, c.id, c.reference, p.paid_on, p.supplier, p.amount_cents
         FROM payments p JOIN cases c ON c.id = p.case_id
         WHERE c.team_id IN (SELECT value FROM json_each(?1))
           AND NOT EXISTS (SELECT 1 FROM receipts r WHERE r.payment_id = p.id)
           AND NOT EXISTS (SELECT 1 FROM payment_reversals v WHERE v.payment_id = p.id)
         ORDER BY p.paid_on, p.id LIMIT ?2",
    )
    .bind(id_list(teams)?)
    .bind(limit)
    .fetch_all(&mut *conn)
    .await
}
