//! A posted run's journal (*memoriaal*) leaving the application: as CSV and
//! Excel downloads for the backoffice, and as JSON for the municipality's
//! financial system, which signs in with an API token.

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header, request::Parts};
use axum::response::{IntoResponse, Response};
use doorbraak::journal::{self, JournalLine, Totals};
use doorbraak::ledger::Posting;
use doorbraak::{Money, Role, StreamCode};
use serde::Serialize;
use sqlx::SqliteConnection;

use crate::auth::{self, AppState};
use crate::db;
use crate::error::AppError;
use crate::model::{
    AgendaView, Cell, ClaimRow, Dashboard, DashboardQuery, InvoiceRow, RunRow, Table,
};

/// The journal of a posted run.
#[derive(Debug, Clone, Serialize)]
pub struct Journal {
    pub run: RunRow,
    pub lines: Vec<JournalLine>,
    pub totals: Totals,
}

pub async fn journal(conn: &mut SqliteConnection, run_id: i64) -> Result<Journal, AppError> {
    let run = db::runs::get(conn, run_id)
        .await?
        .filter(|r| r.status == doorbraak::run::RunStatus::Posted)
        .ok_or_else(|| {
            AppError::NotFound("Deze run bestaat niet of is nog niet geboekt.".into())
        })?;
    // The codes the run was posted with: a later change of a stream's codes
    // never changes a posted journal.
    let codes = db::runs::frozen_codes(conn, run_id).await?;
    let reservation = db::ledger::reservation_stream(conn).await?;
    let mut lines = Vec::new();
    for p in db::runs::journal_postings(conn, run_id).await? {
        let (Some(account), Ok(amount), Ok(date)) = (
            db::ledger::account_from(&p.kind, p.stream, p.year, p.case_id),
            Money::from_cents(p.amount_cents),
            chrono::NaiveDate::parse_from_str(&p.tx_date, "%Y-%m-%d"),
        ) else {
            return Err(AppError::Internal);
        };
        let on = journal::booked_on(account, reservation);
        if !codes.contains_key(&on) {
            return Err(db::decode::corrupt(
                "run_accounting_codes",
                run_id,
                format!("no codes for {on}"),
            )
            .into());
        }
        let line = journal::line(
            &Posting { account, amount },
            date,
            run_id,
            &p.reference,
            reservation,
            |s: StreamCode| codes.get(&s).cloned().unwrap_or_default(),
        );
        lines.push(match run.kind {
            doorbraak::run::RunKind::Reversal => journal::as_correction(line),
            doorbraak::run::RunKind::Chargeback => line,
        });
    }
    let totals = journal::totals(&lines).map_err(|_| AppError::Internal)?;
    Ok(Journal { run, lines, totals })
}

/// The cell formats of the workbooks.
struct Formats {
    bold: rust_xlsxwriter::Format,
    date: rust_xlsxwriter::Format,
    amount: rust_xlsxwriter::Format,
    bold_amount: rust_xlsxwriter::Format,
}

impl Formats {
    fn new() -> Formats {
        use rust_xlsxwriter::Format;
        Formats {
            bold: Format::new().set_bold(),
            date: Format::new().set_num_format("dd-mm-yyyy"),
            amount: Format::new().set_num_format("#,##0.00"),
            bold_amount: Format::new().set_bold().set_num_format("#,##0.00"),
        }
    }
}

/// An amount as a spreadsheet holds it: binary floating point. Each cent
/// amount becomes the nearest double, which reads back as the same two
/// decimals.
fn cell_number(m: Money) -> f64 {
    m.cents() as f64 / 100.0
}

fn cell_date(
    d: chrono::NaiveDate,
) -> Result<rust_xlsxwriter::ExcelDateTime, rust_xlsxwriter::XlsxError> {
    use chrono::Datelike;
    rust_xlsxwriter::ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)
}

/// The journal as an Excel workbook: real dates and numbers with formats,
/// a sheet of lines and one of totals per stream and per taakveld.
pub fn xlsx(j: &Journal) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::Workbook;
    let Formats {
        bold,
        date,
        amount,
        bold_amount,
    } = Formats::new();
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Memoriaal")?;
    for (col, title) in journal::HEADERS.iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, *title, &bold)?;
    }
    for (i, l) in j.lines.iter().enumerate() {
        let row = i as u32 + 1;
        let day = cell_date(l.date)?;
        sheet.write_datetime_with_format(row, 0, &day, &date)?;
        sheet.write_number(row, 1, l.run as f64)?;
        sheet.write_string(row, 2, &l.case_reference)?;
        sheet.write_string(row, 3, l.stream.as_str())?;
        sheet.write_string(row, 4, &l.codes.taakveld)?;
        sheet.write_string(row, 5, &l.codes.cost_centre)?;
        sheet.write_string(row, 6, &l.codes.ledger_account)?;
        sheet.write_number_with_format(row, 7, cell_number(l.debit), &amount)?;
        sheet.write_number_with_format(row, 8, cell_number(l.credit), &amount)?;
        sheet.write_string(row, 9, &l.description)?;
    }
    let last = j.lines.len() as u32 + 1;
    sheet.write_string_with_format(last, 6, "Totaal", &bold)?;
    sheet.write_number_with_format(last, 7, cell_number(j.totals.all.debit), &bold_amount)?;
    sheet.write_number_with_format(last, 8, cell_number(j.totals.all.credit), &bold_amount)?;
    sheet.set_freeze_panes(1, 0)?;
    sheet.autofit();
    let totals = book.add_worksheet();
    totals.set_name("Totalen")?;
    for (col, title) in ["Soort", "Code", "Debet", "Credit"].iter().enumerate() {
        totals.write_string_with_format(0, col as u16, *title, &bold)?;
    }
    let by_stream = j
        .totals
        .by_stream
        .iter()
        .map(|(s, t)| ("Stroom", s.to_string(), t));
    let by_taakveld = j
        .totals
        .by_taakveld
        .iter()
        .map(|(s, t)| ("Iv3-taakveld", s.clone(), t));
    for (row, (kind, code, t)) in (1..).zip(by_stream.chain(by_taakveld)) {
        totals.write_string(row, 0, kind)?;
        totals.write_string(row, 1, &code)?;
        totals.write_number_with_format(row, 2, cell_number(t.debit), &amount)?;
        totals.write_number_with_format(row, 3, cell_number(t.credit), &amount)?;
    }
    totals.autofit();
    book.save_to_buffer()
}

fn plain(status: StatusCode, message: &str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        message.to_string(),
    )
        .into_response()
}

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const CSV: &str = "text/csv; charset=utf-8";

/// Who may download a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Downloader {
    Backoffice,
    /// The roles the administrator chose to keep the learning agenda.
    AgendaKeeper,
    /// The roles that see the dashboard.
    Dashboard,
}

/// A download by session for `who`: `make` builds the body (and says what
/// it read); the download is recorded in the audit trail.
async fn download_for<F>(
    who: Downloader,
    state: AppState,
    parts: Parts,
    content_type: &'static str,
    filename: String,
    event: (&'static str, &'static str, String),
    make: F,
) -> Response
where
    F: AsyncFnOnce(&mut SqliteConnection) -> Result<Vec<u8>, AppError>,
{
    let user = match auth::user_of(&state, &parts).await {
        Ok(Some(user)) => user,
        Ok(None) => {
            return (StatusCode::SEE_OTHER, [(header::LOCATION, "/inloggen")], "").into_response();
        }
        Err(_) => return plain(StatusCode::INTERNAL_SERVER_ERROR, "Er ging iets mis."),
    };
    let (action, object_type, object_id) = event;
    let result = async {
        let mut conn = state.pool.acquire().await?;
        let allowed = match who {
            Downloader::Backoffice => user.roles.has(Role::Backoffice),
            Downloader::AgendaKeeper => crate::services::agenda::may_keep(&mut conn, &user).await?,
            Downloader::Dashboard => user.roles.has_any(crate::api::dashboard::ROLES),
        };
        if !allowed {
            return Err(AppError::Forbidden);
        }
        let body = make(&mut conn).await?;
        db::audit::record(
            &mut *conn,
            db::audit::NewEvent {
                at: db::timestamp(auth::now()),
                actor_id: Some(user.id),
                actor_name: &user.username,
                action,
                object_type,
                object_id: Some(object_id),
                before: None,
                after: Some(serde_json::json!({ "file": filename })),
                address: None,
            },
        )
        .await?;
        Ok::<_, AppError>(body)
    }
    .await;
    match result {
        Ok(body) => {
            let disposition = format!("attachment; filename=\"{filename}\"");
            let mut response = Response::new(Body::from(body));
            let headers = response.headers_mut();
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
            if let Ok(v) = HeaderValue::from_str(&disposition) {
                headers.insert(header::CONTENT_DISPOSITION, v);
            }
            response
        }
        Err(e) => plain(e.status(), &e.to_string()),
    }
}

/// `{stem}.csv` or `{stem}.xlsx`: the content type and whether it is CSV.
fn file_kind(file: &str, stem: &str) -> Option<(&'static str, bool)> {
    match file.strip_prefix(stem)? {
        ".csv" => Some((CSV, true)),
        ".xlsx" => Some((XLSX, false)),
        _ => None,
    }
}

/// The byte order mark lets a Dutch spreadsheet read UTF-8.
fn with_bom(csv: String) -> Vec<u8> {
    let mut bytes = "\u{feff}".as_bytes().to_vec();
    bytes.extend(csv.into_bytes());
    bytes
}

fn workbook_failed(e: rust_xlsxwriter::XlsxError) -> AppError {
    tracing::error!(error = %e, "writing the workbook failed");
    AppError::Internal
}

/// `GET /export/terugboekrun/{id}/{file}`: `journaal.csv` or `journaal.xlsx`,
/// for the backoffice, by its session.
pub async fn download(state: AppState, parts: Parts, run_id: i64, file: String) -> Response {
    let Some((content_type, csv)) = file_kind(&file, "journaal") else {
        return plain(StatusCode::NOT_FOUND, "Onbekend bestand.");
    };
    let filename = format!("terugboekrun-{run_id}-{file}");
    let event = ("journal_exported", "chargeback_run", run_id.to_string());
    download_for(
        Downloader::Backoffice,
        state,
        parts,
        content_type,
        filename,
        event,
        async |conn| {
            let j = journal(conn, run_id).await?;
            if csv {
                Ok(with_bom(journal::to_csv(&j.lines)))
            } else {
                xlsx(&j).map_err(workbook_failed)
            }
        },
    )
    .await
}

/// The columns of an invoice's specification.
const SPEC_HEADERS: [&str; 8] = [
    "Factuurnummer",
    "Factuurdatum",
    "Betaler",
    "Vordering",
    "Casus",
    "Run",
    "Convenant",
    "Bedrag",
];

/// An invoice's specification per case as CSV: a line per claim and the total.
pub fn specification_csv(invoice: &InvoiceRow, claims: &[ClaimRow]) -> String {
    let line = |k: &ClaimRow| {
        vec![
            invoice.number.clone(),
            invoice.date.format("%Y-%m-%d").to_string(),
            invoice.stream.to_string(),
            format!("V{}", k.id),
            k.reference.clone(),
            k.run_id.to_string(),
            k.agreement.clone().unwrap_or_default(),
            k.amount.to_input_string(),
        ]
    };
    let total = vec![
        invoice.number.clone(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        "Totaal".to_string(),
        invoice.total.to_input_string(),
    ];
    journal::csv(&SPEC_HEADERS, claims.iter().map(line).chain([total]))
}

/// An invoice's specification as a workbook with real dates and numbers.
pub fn specification_xlsx(
    invoice: &InvoiceRow,
    claims: &[ClaimRow],
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::Workbook;
    let Formats {
        bold,
        date,
        amount,
        bold_amount,
    } = Formats::new();
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Specificatie")?;
    for (col, title) in SPEC_HEADERS.iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, *title, &bold)?;
    }
    let day = cell_date(invoice.date)?;
    for (i, k) in claims.iter().enumerate() {
        let row = i as u32 + 1;
        sheet.write_string(row, 0, &invoice.number)?;
        sheet.write_datetime_with_format(row, 1, &day, &date)?;
        sheet.write_string(row, 2, invoice.stream.as_str())?;
        sheet.write_string(row, 3, format!("V{}", k.id))?;
        sheet.write_string(row, 4, &k.reference)?;
        sheet.write_number(row, 5, k.run_id as f64)?;
        sheet.write_string(row, 6, k.agreement.clone().unwrap_or_default())?;
        sheet.write_number_with_format(row, 7, cell_number(k.amount), &amount)?;
    }
    let last = claims.len() as u32 + 1;
    sheet.write_string_with_format(last, 6, "Totaal", &bold)?;
    sheet.write_number_with_format(last, 7, cell_number(invoice.total), &bold_amount)?;
    sheet.set_freeze_panes(1, 0)?;
    sheet.autofit();
    book.save_to_buffer()
}

/// `GET /export/factuur/{id}/{file}`: an invoice's specification per case,
/// `specificatie.csv` or `specificatie.xlsx`, for the backoffice.
pub async fn invoice_download(state: AppState, parts: Parts, id: i64, file: String) -> Response {
    let Some((content_type, csv)) = file_kind(&file, "specificatie") else {
        return plain(StatusCode::NOT_FOUND, "Onbekend bestand.");
    };
    let filename = format!("factuur-{id}-{file}");
    let event = ("invoice_exported", "invoice", id.to_string());
    download_for(
        Downloader::Backoffice,
        state,
        parts,
        content_type,
        filename,
        event,
        async |conn| {
            let (invoice, claims) = crate::services::claims::specification(conn, id).await?;
            if csv {
                Ok(with_bom(specification_csv(&invoice, &claims)))
            } else {
                specification_xlsx(&invoice, &claims).map_err(workbook_failed)
            }
        },
    )
    .await
}

/// The columns of the learning agenda's export.
const AGENDA_HEADERS: [&str; 12] = [
    "Wet of regeling",
    "Regel of bepaling",
    "Organisatie",
    "Categorie",
    "Huishoudens",
    "Besteed aan doorbraken",
    "Verwacht vermeden",
    "Gerealiseerd vermeden",
    "Per kwartaal",
    "Agendapunt",
    "Eigenaar",
    "Stand",
];

/// One row per group of knelpunten, as text and (for the workbook) amounts.
struct AgendaRow {
    text: Vec<String>,
    /// Spent, projected, realised: none where suppressed or not evaluated.
    amounts: [Option<Money>; 3],
}

fn agenda_rows(v: &AgendaView) -> Vec<AgendaRow> {
    use doorbraak::agenda::Shown;
    let count = |n: Shown<u32>| n.value().map_or("< 5".to_string(), |n| n.to_string());
    let money = |m: Option<Money>| m.map(|m| m.to_input_string()).unwrap_or_default();
    v.groups
        .groups
        .iter()
        .map(|g| {
            let item = v.item_of(&g.key);
            let amounts = [
                g.spent.value(),
                g.projected.value(),
                g.realised.and_then(Shown::value),
            ];
            let realised = match g.realised {
                None => "nog niet geëvalueerd".to_string(),
                Some(Shown::Suppressed) => String::new(),
                Some(Shown::Value(m)) => m.to_input_string(),
            };
            AgendaRow {
                text: vec![
                    v.law_name(g.key.law.as_str()),
                    g.rule.clone(),
                    g.organisation.clone(),
                    g.categories
                        .iter()
                        .map(|c| c.label_nl())
                        .collect::<Vec<_>>()
                        .join(", "),
                    count(g.households),
                    money(amounts[0]),
                    money(amounts[1]),
                    realised,
                    v.groups
                        .quarters
                        .iter()
                        .zip(&g.per_quarter)
                        .map(|(q, n)| format!("{q}: {}", count(*n)))
                        .collect::<Vec<_>>()
                        .join("; "),
                    item.map(|i| i.title.clone()).unwrap_or_default(),
                    item.map(|i| i.owner.clone()).unwrap_or_default(),
                    item.map_or_else(|| "niet geagendeerd".to_string(), |i| i.rung.clone()),
                ],
                amounts,
            }
        })
        .collect()
}

/// The learning agenda as CSV: a row per group of knelpunten.
pub fn agenda_csv(v: &AgendaView) -> String {
    journal::csv(&AGENDA_HEADERS, agenda_rows(v).into_iter().map(|r| r.text))
}

/// The learning agenda as a workbook: the groups (amounts as numbers,
/// blank where suppressed) and a sheet with every item's steps.
pub fn agenda_xlsx(v: &AgendaView) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::Workbook;
    let Formats {
        bold, date, amount, ..
    } = Formats::new();
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Knelpunten")?;
    for (col, title) in AGENDA_HEADERS.iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, *title, &bold)?;
    }
    for (row, r) in (1u32..).zip(agenda_rows(v)) {
        for (col, text) in r.text.iter().enumerate() {
            let col = col as u16;
            match col {
                5..=7 => match r.amounts[usize::from(col - 5)] {
                    Some(m) => {
                        sheet.write_number_with_format(row, col, cell_number(m), &amount)?;
                    }
                    None => {
                        sheet.write_string(row, col, text)?;
                    }
                },
                _ => {
                    sheet.write_string(row, col, text)?;
                }
            }
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    sheet.autofit();
    let steps = book.add_worksheet();
    steps.set_name("Agendapunten")?;
    for (col, title) in ["Agendapunt", "Eigenaar", "Datum", "Stap", "Door", "Notitie"]
        .iter()
        .enumerate()
    {
        steps.write_string_with_format(0, col as u16, *title, &bold)?;
    }
    let mut row = 1u32;
    for item in &v.items {
        for s in &item.steps {
            steps.write_string(row, 0, &item.title)?;
            steps.write_string(row, 1, &item.owner)?;
            if let Ok(d) = s.on_date.parse::<chrono::NaiveDate>() {
                steps.write_datetime_with_format(row, 2, &cell_date(d)?, &date)?;
            }
            steps.write_string(row, 3, &s.rung)?;
            steps.write_string(row, 4, &s.by)?;
            steps.write_string(row, 5, &s.note)?;
            row += 1;
        }
    }
    steps.autofit();
    book.save_to_buffer()
}

/// `GET /export/leeragenda/{file}`: `leeragenda.csv` or `leeragenda.xlsx`,
/// for the roles that keep the learning agenda.
pub async fn agenda_download(state: AppState, parts: Parts, file: String) -> Response {
    let Some((content_type, csv)) = file_kind(&file, "leeragenda") else {
        return plain(StatusCode::NOT_FOUND, "Onbekend bestand.");
    };
    let event = ("agenda_exported", "agenda", "leeragenda".to_string());
    download_for(
        Downloader::AgendaKeeper,
        state,
        parts,
        content_type,
        file,
        event,
        async |conn| {
            let v = crate::services::agenda::load(conn).await?;
            if csv {
                Ok(with_bom(agenda_csv(&v)))
            } else {
                agenda_xlsx(&v).map_err(workbook_failed)
            }
        },
    )
    .await
}

/// The lines above a dashboard table in its CSV: what it is and its filters.
fn dashboard_preamble(d: &Dashboard, t: &Table, today: chrono::NaiveDate) -> Vec<[String; 2]> {
    vec![
        ["Resultaten".into(), t.title.clone()],
        ["Periode".into(), d.period.clone()],
        ["Team".into(), d.team.clone()],
        ["Wet".into(), d.stream.clone()],
        ["Toelichting".into(), t.scope.clone()],
        ["Gemaakt op".into(), doorbraak::dates::dutch(today)],
    ]
}

/// A dashboard table as CSV (`;`, decimal comma): its filters, a blank
/// line, then the table as the page shows it.
pub fn dashboard_csv(d: &Dashboard, t: &Table, today: chrono::NaiveDate) -> String {
    let preamble = dashboard_preamble(d, t, today);
    let mut out = String::new();
    for [k, v] in &preamble {
        out.push_str(&journal::csv(&[k.as_str(), v.as_str()], std::iter::empty()));
    }
    out.push_str("\r\n");
    let headers: Vec<&str> = t.columns.iter().map(String::as_str).collect();
    out.push_str(&journal::csv(
        &headers,
        t.rows.iter().map(|r| r.iter().map(Cell::csv).collect()),
    ));
    out
}

/// A dashboard table as a workbook: the filters on top, then the table with
/// real numbers (amounts, counts, days, percentages); hidden cells blank,
/// small counts as "< 5".
pub fn dashboard_xlsx(
    d: &Dashboard,
    t: &Table,
    today: chrono::NaiveDate,
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, Workbook};
    let Formats { bold, amount, .. } = Formats::new();
    let share = Format::new().set_num_format("0.0%");
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let name: String = t
        .title
        .chars()
        .filter(|c| !"[]:*?/\\".contains(*c))
        .take(31)
        .collect();
    sheet.set_name(name)?;
    let preamble = dashboard_preamble(d, t, today);
    for (row, [k, v]) in (0u32..).zip(&preamble) {
        sheet.write_string_with_format(row, 0, k, &bold)?;
        sheet.write_string(row, 1, v)?;
    }
    let head = preamble.len() as u32 + 1;
    for (col, title) in (0u16..).zip(&t.columns) {
        sheet.write_string_with_format(head, col, title, &bold)?;
    }
    for (row, cells) in (head + 1..).zip(&t.rows) {
        for (col, cell) in (0u16..).zip(cells) {
            match cell {
                Cell::Text(text) => {
                    sheet.write_string(row, col, text)?;
                }
                Cell::Count(n) => {
                    sheet.write_number(row, col, f64::from(*n))?;
                }
                Cell::Money(m) | Cell::Ratio(m) => {
                    sheet.write_number_with_format(row, col, cell_number(*m), &amount)?;
                }
                Cell::Share(x) => {
                    let value = (x.round_dp(1) / rust_decimal::Decimal::ONE_HUNDRED)
                        .to_string()
                        .parse::<f64>()
                        .map_err(|_| rust_xlsxwriter::XlsxError::ParameterError("share".into()))?;
                    sheet.write_number_with_format(row, col, value, &share)?;
                }
                Cell::Days(n) => {
                    sheet.write_number(row, col, *n as f64)?;
                }
                Cell::Small => {
                    sheet.write_string(row, col, "< 5")?;
                }
                Cell::Hidden | Cell::Empty => {}
            }
        }
    }
    sheet.set_freeze_panes(head + 1, 1)?;
    sheet.autofit();
    book.save_to_buffer()
}

/// A file name part from free words: lower case, digits and dashes.
fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.to_lowercase().chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}

/// `GET /export/resultaten/{table}.{csv|xlsx}?…`: one dashboard table with
/// the filters of the address, for the roles that see the dashboard.
pub async fn dashboard_download(
    state: AppState,
    parts: Parts,
    file: String,
    query: DashboardQuery,
) -> Response {
    let Some((id, csv)) = file
        .strip_suffix(".csv")
        .map(|id| (id.to_string(), true))
        .or_else(|| file.strip_suffix(".xlsx").map(|id| (id.to_string(), false)))
    else {
        return plain(StatusCode::NOT_FOUND, "Onbekend bestand.");
    };
    let content_type = if csv { CSV } else { XLSX };
    let mut name = vec!["resultaten".to_string(), slug(&id)];
    for part in [
        &query.jaar,
        &query.kwartaal,
        &query.maand,
        &query.van,
        &query.tot,
    ] {
        if !part.trim().is_empty() {
            name.push(slug(part));
        }
    }
    if !query.team.trim().is_empty() {
        name.push(format!("team-{}", slug(&query.team)));
    }
    if !query.wet.trim().is_empty() {
        name.push(slug(&query.wet));
    }
    let filename = format!("{}.{}", name.join("-"), if csv { "csv" } else { "xlsx" });
    let event = ("dashboard_exported", "dashboard", id.clone());
    download_for(
        Downloader::Dashboard,
        state,
        parts,
        content_type,
        filename,
        event,
        async |conn| {
            let today = auth::today();
            let d = crate::services::dashboard::load(conn, today, query).await?;
            let t = d.table(&id).ok_or_else(|| {
                AppError::NotFound("Deze tabel staat niet op het dashboard.".into())
            })?;
            if csv {
                Ok(with_bom(dashboard_csv(&d, t, today)))
            } else {
                dashboard_xlsx(&d, t, today).map_err(workbook_failed)
            }
        },
    )
    .await
}

/// The JSON answer of the financial system's endpoint when it is refused.
fn refused(status: StatusCode, message: &str) -> Response {
    (status, axum::Json(serde_json::json!({ "error": message }))).into_response()
}

/// Tokens look like `dbk_` followed by 64 hex characters.
pub fn well_formed(token: &str) -> bool {
    token
        .strip_prefix("dbk_")
        .is_some_and(|hex| hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// An answer of the API for a valid token (`Authorization: Bearer dbk_…`):
/// `make` builds it; a refused token or a failure is JSON with an error.
/// `event`, when given, is recorded in the audit trail under the token.
async fn with_token<T, F>(
    state: AppState,
    parts: Parts,
    event: Option<(&'static str, &'static str, String)>,
    make: F,
) -> Response
where
    T: Serialize,
    F: AsyncFnOnce(&mut SqliteConnection) -> Result<T, AppError>,
{
    let token = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    let Some(token) = token.filter(|t| well_formed(t)) else {
        return refused(
            StatusCode::UNAUTHORIZED,
            "Geen geldig API-token: stuur 'Authorization: Bearer dbk_…'.",
        );
    };
    let result = async {
        let mut conn = state.pool.acquire().await?;
        let hash = auth::token_hash(&state.auth.session_secret, token);
        let today = auth::today().format("%Y-%m-%d").to_string();
        let token_id = match db::tokens::find(&mut conn, &hash).await? {
            None => return Ok(Err("Onbekend API-token.")),
            Some((_, _, true)) => return Ok(Err("Dit API-token is ingetrokken.")),
            Some((_, expires, false)) if expires < today => {
                return Ok(Err("Dit API-token is verlopen."));
            }
            Some((id, ..)) => {
                db::tokens::touch(&mut conn, id, &db::timestamp(auth::now())).await?;
                id
            }
        };
        let body = make(&mut conn).await?;
        if let Some((action, object_type, object_id)) = event {
            let actor = format!("api-token {token_id}");
            let e = db::audit::NewEvent {
                at: db::timestamp(auth::now()),
                actor_id: None,
                actor_name: &actor,
                action,
                object_type,
                object_id: Some(object_id),
                before: None,
                after: None,
                address: None,
            };
            db::audit::record(&mut *conn, e).await?;
        }
        Ok::<_, AppError>(Ok(body))
    }
    .await;
    match result {
        Ok(Ok(body)) => axum::Json(body).into_response(),
        Ok(Err(why)) => refused(StatusCode::UNAUTHORIZED, why),
        Err(e) => refused(e.status(), &e.to_string()),
    }
}

/// `GET /api/v1/runs/{id}/journal` with `Authorization: Bearer dbk_…`.
/// The fetch is in the audit trail: a journal lists case references.
pub async fn api_journal(state: AppState, parts: Parts, run_id: i64) -> Response {
    let event = Some(("journal_fetched", "chargeback_run", run_id.to_string()));
    with_token(state, parts, event, async |conn| {
        journal(conn, run_id).await
    })
    .await
}

/// `GET /api/v1/dashboard?jaar=…&team=…&wet=…` with an API token: the
/// dashboard's tables for the municipality's own reporting, suppressed as
/// on the page.
pub async fn api_dashboard(state: AppState, parts: Parts, query: DashboardQuery) -> Response {
    with_token(state, parts, None, async |conn| {
        let d = crate::services::dashboard::load(conn, auth::today(), query).await?;
        Ok(Dashboard::clone(&d))
    })
    .await
}
