//! The canvas editor: the draft canvas saved as typed (catalogue lines
//! filled from the catalogue, the return calculated by the core), the
//! choices the form offers, and reusing lines — copied from a team template
//! or an earlier case of the team, or saved as a template.

use doorbraak::lifecycle::Status;
use sqlx::SqliteConnection;

use super::cases::load_case;
use crate::context::{Read, Write};
use crate::db::{self, cases::CaseRow};
use crate::error::AppError;
use crate::input;
use crate::model::canvas_form::{CanvasForm, CatalogueDefaults, Draft, DraftForm, LineForm};
use crate::model::*;

/// The case as a draft of one of the user's own teams, or a refusal.
pub(crate) async fn load_draft(
    conn: &mut SqliteConnection,
    user: &CurrentUser,
    case_id: i64,
) -> Result<CaseRow, AppError> {
    let case = load_case(conn, user, case_id).await?;
    if case.status != Status::Draft || !user.team_ids.contains(&case.team_id) {
        return Err(AppError::Conflict(
            "Alleen een concept van uw eigen team kan worden gewijzigd.".to_string(),
        ));
    }
    Ok(case)
}

/// Stores a draft canvas with its return, and the form as typed while parts
/// of it are incomplete, if nobody saved it since `edits`.
pub async fn store_draft(
    w: &mut Write,
    case: &CaseRow,
    edits: i64,
    canvas: &doorbraak::canvas::Canvas,
    draft: Option<&DraftForm>,
) -> Result<SavedCanvas, AppError> {
    let streams = db::streams::registry(&mut w.tx).await?;
    for line in canvas.threatening.iter().chain(canvas.realistic.iter()) {
        if streams.get_active(line.stream()).is_err() {
            return Err(AppError::invalid(
                "threatening",
                format!("Onbekende financieringsstroom {}.", line.stream()),
            ));
        }
    }
    let known = streams.active().map(|s| s.code).collect();
    let calculation = doorbraak::returns::calculate_canvas(canvas, &known)
        .map_err(|e| AppError::invalid("threatening", e.to_string()))?;
    let stored = db::cases::update_canvas(
        &mut w.tx,
        case.id,
        case.current_version,
        edits,
        canvas,
        draft,
        &calculation,
        w.user.id,
        &w.time.at,
    )
    .await?;
    if !stored {
        return Err(AppError::Conflict(
            "Iemand anders heeft dit canvas intussen opgeslagen. Laad de pagina opnieuw; uw wijzigingen zijn niet opgeslagen."
                .to_string(),
        ));
    }
    Ok(SavedCanvas {
        edits: edits + 1,
        calculation,
        saved_at: doorbraak::dates::dutch_local(w.time.now)
            .format("%H:%M")
            .to_string(),
        problems: draft.map(|d| d.problems.clone()).unwrap_or_default(),
    })
}

/// The catalogue as a line may use it today: offered items with today's
/// price, and the benchmarks no line may use.
struct Catalogue {
    offered: Vec<crate::model::CatalogueOption>,
    benchmarks: Vec<String>,
}

impl Catalogue {
    async fn on(conn: &mut SqliteConnection, today: chrono::NaiveDate) -> Result<Self, AppError> {
        Ok(Catalogue {
            offered: db::catalogue::priced_on(conn, &today.to_string()).await?,
            benchmarks: db::catalogue::benchmark_codes(conn).await?,
        })
    }

    fn lookup(&self, code: &str) -> Option<CatalogueDefaults> {
        if self.benchmarks.iter().any(|b| b == code) {
            return Some(CatalogueDefaults {
                name: code.to_string(),
                stream: None,
                choices: Vec::new(),
                unit: String::new(),
                price: None,
                benchmark: true,
            });
        }
        self.offered
            .iter()
            .find(|c| c.code == code)
            .map(CatalogueDefaults::of)
    }
}

/// Saves the draft canvas: every complete part, and the form as typed while
/// parts of it are incomplete (nothing typed is lost). `edits` is the save
/// counter the form was loaded with: if someone saved in between, nothing is
/// saved and the user is told.
pub async fn save_canvas(
    w: &mut Write,
    case_id: i64,
    edits: i64,
    canvas: CanvasForm,
) -> Result<SavedCanvas, AppError> {
    let case = load_draft(&mut w.tx, &w.user, case_id).await?;
    let version = u32::try_from(case.current_version).map_err(|_| AppError::Internal)?;
    let catalogue = Catalogue::on(&mut w.tx, w.time.today).await?;
    let streams = db::streams::registry(&mut w.tx).await?;
    let known =
        |code: &str| doorbraak::StreamCode::new(code).is_ok_and(|c| streams.get_active(c).is_ok());
    let laws: std::collections::BTreeSet<String> = db::laws::all(&mut w.tx)
        .await?
        .into_iter()
        .filter(|l| l.active)
        .map(|l| l.code)
        .collect();
    let known_law =
        |code: &str| doorbraak::StreamCode::new(code).is_ok_and(|c| laws.contains(c.as_str()));
    // The problems name the rows as posted; the form is kept without its blank rows.
    let mut form = canvas;
    let mut found = form.fill_from_catalogue(|code| catalogue.lookup(code));
    found.extend(form.unknown_streams(known));
    found.extend(form.unknown_laws(known_law));
    let Draft { canvas, problems } = form.to_draft_with(version, found)?;
    let draft = if problems.is_empty() {
        None
    } else {
        let mut kept = form.without_blank_rows();
        let mut found = kept.fill_from_catalogue(|code| catalogue.lookup(code));
        found.extend(kept.unknown_streams(known));
        found.extend(kept.unknown_laws(known_law));
        let problems = kept.to_draft_with(version, found)?.problems;
        Some(DraftForm {
            form: kept,
            problems,
        })
    };
    let saved = store_draft(w, &case, edits, &canvas, draft.as_ref()).await?;
    Ok(SavedCanvas { problems, ..saved })
}

/// Teams of the user, active streams, and the active catalogue with today's prices.
pub async fn case_options(r: &mut Read) -> Result<CaseChoices, AppError> {
    let user = r.user.clone();
    let teams = db::teams::list(&mut *r.conn)
        .await?
        .into_iter()
        .filter(|t| user.team_ids.contains(&t.id))
        .collect();
    let streams = db::streams::registry(&mut r.conn)
        .await?
        .active()
        .map(|s| StreamOption {
            code: s.code.to_string(),
            name: s.name.clone(),
            external: s.kind == doorbraak::stream::StreamKind::External,
        })
        .collect();
    let today = r.time.today.format("%Y-%m-%d").to_string();
    let catalogue = db::catalogue::priced_on(&mut r.conn, &today).await?;
    let laws = db::laws::all(&mut r.conn)
        .await?
        .into_iter()
        .filter(|l| l.active)
        .map(|l| (l.code, l.name))
        .collect();
    Ok(CaseChoices {
        teams,
        streams,
        catalogue,
        laws,
    })
}

/// Templates of the user's teams and the team's latest canvases with lines.
pub async fn line_sources(r: &mut Read, case_id: i64) -> Result<Vec<LineSource>, AppError> {
    Ok(db::templates::sources(&mut r.conn, &r.user.team_ids, case_id).await?)
}

/// Appends the lines of `source` to the draft canvas (saved at `edits`).
pub async fn copy_lines(
    w: &mut Write,
    case_id: i64,
    edits: i64,
    source: String,
) -> Result<SavedCanvas, AppError> {
    let unknown = || {
        AppError::invalid(
            "source",
            "Kies een sjabloon of een eerdere casus van uw team.",
        )
    };
    let key: SourceKey = source.parse().map_err(|_| unknown())?;
    let case = load_draft(&mut w.tx, &w.user, case_id).await?;
    let lines = match key {
        SourceKey::Template(id) => {
            db::templates::template_lines(&mut w.tx, id, &w.user.team_ids).await?
        }
        SourceKey::Case(id) => {
            let source = load_case(&mut w.tx, &w.user, id)
                .await
                .map_err(|_| unknown())?;
            if !w.user.team_ids.contains(&source.team_id) {
                return Err(unknown());
            }
            db::cases::canvas(&mut w.tx, id, source.current_version)
                .await?
                .map(|(c, _, _)| db::templates::Lines {
                    threatening: c.threatening,
                    realistic: c.realistic,
                })
        }
    }
    .ok_or_else(unknown)?;
    let (mut canvas, _, _) = db::cases::canvas(&mut w.tx, case_id, case.current_version)
        .await?
        .ok_or(AppError::Internal)?;
    canvas
        .append_lines(&lines.threatening, &lines.realistic)
        .map_err(|e| AppError::invalid("source", e.to_string()))?;
    // A draft kept as typed gets the copied lines too.
    let mut draft = db::cases::draft_form(&mut w.tx, case_id, case.current_version).await?;
    if let Some(d) = draft.as_mut() {
        d.form
            .threatening
            .extend(lines.threatening.iter().map(LineForm::of));
        d.form
            .realistic
            .extend(lines.realistic.iter().map(LineForm::of));
    }
    let saved = store_draft(w, &case, edits, &canvas, draft.as_ref()).await?;
    w.audit(
        "canvas_lines_copied",
        "case",
        Some(case_id.to_string()),
        None,
        Some(serde_json::json!({ "source": source })),
    );
    Ok(saved)
}

/// Saves the lines of the case's canvas as a template of the case's team.
pub async fn save_template(w: &mut Write, case_id: i64, name: String) -> Result<i64, AppError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(AppError::invalid(
            "template_name",
            "Geef het sjabloon een naam van hoogstens 100 tekens.",
        ));
    }
    input::free_text("template_name", name)?;
    let case = load_case(&mut w.tx, &w.user, case_id).await?;
    if !w.user.team_ids.contains(&case.team_id) {
        return Err(AppError::NotFound(
            "Deze casus bestaat niet of u heeft er geen toegang toe.".to_string(),
        ));
    }
    let (canvas, _, _) = db::cases::canvas(&mut w.tx, case_id, case.current_version)
        .await?
        .ok_or(AppError::Internal)?;
    if canvas.threatening.is_empty() && canvas.realistic.is_empty() {
        return Err(AppError::invalid(
            "template_name",
            "Dit canvas heeft nog geen opgeslagen scenarioregels.",
        ));
    }
    let lines = db::templates::Lines {
        threatening: canvas.threatening,
        realistic: canvas.realistic,
    };
    let now = w.time.at.clone();
    let id = db::templates::insert(&mut w.tx, case.team_id, name, &lines, w.user.id, &now)
        .await?
        .ok_or_else(|| {
            AppError::invalid(
                "template_name",
                "Uw team heeft al een sjabloon met deze naam.",
            )
        })?;
    w.audit(
        "template_saved",
        "canvas_template",
        Some(id.to_string()),
        None,
        Some(serde_json::json!({ "name": name, "team_id": case.team_id })),
    );
    Ok(id)
}
