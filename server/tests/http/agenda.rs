//! Knelpunten and the learning agenda over HTTP: every knelpunt field and
//! the life domains survive a save, the law list is the administrator's,
//! the agenda groups the demo's knelpunten with small counts suppressed, an
//! item climbs the escalation ladder (and never skips or falls back), and
//! the agenda downloads as CSV and as Excel that LibreOffice reads back.

use app::model::{AgendaItemView, AgendaView, SavedCanvas, group_value};
use doorbraak::agenda::Shown;
use reqwest::StatusCode;

use crate::common::{self, S, canvas, f, new_case, spawn};

/// The demo canvas form with the first knelpunt replaced by `law`, its
/// category and description, and three life domains.
fn with_knelpunt(id: i64, edits: i64, law: &str, category: &str) -> Vec<(String, String)> {
    let mut form = canvas(id, edits);
    form.retain(|(k, _)| {
        !k.starts_with("canvas[blockers]") && !k.starts_with("canvas[life_domains]")
    });
    form.extend([
        f("canvas[blockers][0][law]", law),
        f(
            "canvas[blockers][0][rule]",
            "Terugvordering na inkomenswijziging",
        ),
        f(
            "canvas[blockers][0][organisation]",
            "Belastingdienst/Toeslagen",
        ),
        f("canvas[blockers][0][category]", category),
        f(
            "canvas[blockers][0][description]",
            "De terugvordering komt ineens, midden in de schuldhulp.",
        ),
        // Ticked boxes are posted with gaps in their numbers.
        f("canvas[life_domains][0]", "Financiën"),
        f("canvas[life_domains][2]", "Huisvesting"),
        f("canvas[life_domains][13]", "wonen"),
    ]);
    form
}

async fn save(s: &S, prof: &str, form: &[(String, String)]) -> SavedCanvas {
    s.submit(prof, "save_canvas", form).await.ok()
}

#[tokio::test]
async fn a_knelpunt_keeps_every_field_and_names_a_law_from_the_administrators_list() {
    let s = spawn().await;
    let (prof, admin) = (s.login("professional").await, s.login("beheer").await);
    let id = new_case(&s, &prof).await;
    let edits = s.case(&prof, id).await.canvas_edits;
    // Toeslagen is a law, not a financing stream.
    let saved = save(
        &s,
        &prof,
        &with_knelpunt(id, edits, "TOESLAGEN", "execution"),
    )
    .await;
    assert!(saved.problems.is_empty(), "{:?}", saved.problems);
    let case = s.case(&prof, id).await;
    let b = &case.canvas.blockers[0];
    assert_eq!(b.law.as_str(), "TOESLAGEN");
    assert_eq!(b.category.map(|c| c.code()), Some("execution"));
    assert_eq!(
        b.description,
        "De terugvordering komt ineens, midden in de schuldhulp."
    );
    assert_eq!(
        case.canvas.life_domains,
        ["Financiën", "Huisvesting", "wonen"]
    );
    // The editor shows every field again, ticked and chosen.
    let (_, html) = s.page(&prof, &format!("/casussen/{id}/canvas")).await;
    assert!(html.contains("midden in de schuldhulp"));
    assert!(html.contains(r#"value="execution" selected"#));
    assert!(html.contains(r#"value="TOESLAGEN" selected"#));
    assert!(
        html.contains(r#"value="wonen" checked"#),
        "a domain from before the list is kept"
    );
    // Saving what the editor shows keeps it all: nothing is dropped.
    let again = save(
        &s,
        &prof,
        &with_knelpunt(id, case.canvas_edits, "TOESLAGEN", "execution"),
    )
    .await;
    assert!(again.problems.is_empty());
    assert_eq!(s.case(&prof, id).await.canvas, case.canvas);

    // An unknown law or category is kept as typed, with its problem.
    let edits = s.case(&prof, id).await.canvas_edits;
    let saved = save(
        &s,
        &prof,
        &with_knelpunt(id, edits, "PENSIOEN", "execution"),
    )
    .await;
    assert!(
        saved.problems.iter().any(|p| p.field == "blockers[0][law]"),
        "{:?}",
        saved.problems
    );
    // The administrator adds the law; now it can be chosen.
    let bad = s
        .call(
            &admin,
            "save_law",
            &[
                ("law[code]", "pen sioen".into()),
                ("law[name]", "Pensioenen".into()),
            ],
        )
        .await;
    assert!(bad.error().for_field("code").is_some(), "{}", bad.body);
    let taken = s
        .call(
            &admin,
            "save_law",
            &[("law[code]", "PW".into()), ("law[name]", "Nog eens".into())],
        )
        .await;
    assert!(
        taken.error().for_field("code").is_some(),
        "a stream's code: {}",
        taken.body
    );
    let added = s
        .call(
            &admin,
            "save_law",
            &[
                ("law[code]", "pensioen".into()),
                ("law[name]", "Pensioenen (SVB)".into()),
            ],
        )
        .await;
    assert_eq!(added.status, StatusCode::OK, "{}", added.body);
    let edits = s.case(&prof, id).await.canvas_edits;
    let saved = save(&s, &prof, &with_knelpunt(id, edits, "PENSIOEN", "rule")).await;
    assert!(saved.problems.is_empty(), "{:?}", saved.problems);
    // Deactivated, it is no longer offered or accepted; the canvas keeps its name.
    let version = s
        .count("SELECT version FROM laws WHERE code = 'PENSIOEN'")
        .await;
    let off = s
        .call(
            &admin,
            "save_law",
            &[
                ("law[code]", "PENSIOEN".into()),
                ("law[name]", "Pensioenen (SVB)".into()),
                ("law[active]", "false".into()),
                ("law[version]", version.to_string()),
            ],
        )
        .await;
    assert_eq!(off.status, StatusCode::OK, "{}", off.body);
    let stale = s
        .call(
            &admin,
            "save_law",
            &[
                ("law[code]", "PENSIOEN".into()),
                ("law[name]", "Anders".into()),
                ("law[version]", version.to_string()),
            ],
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    let (_, html) = s.page(&prof, &format!("/casussen/{id}")).await;
    assert!(
        html.contains("Pensioenen (SVB)"),
        "the case page names the law"
    );
    let edits = s.case(&prof, id).await.canvas_edits;
    let saved = save(&s, &prof, &with_knelpunt(id, edits, "PENSIOEN", "rule")).await;
    assert!(saved.problems.iter().any(|p| p.field == "blockers[0][law]"));

    // Submitting needs a category for each knelpunt.
    let edits = s.case(&prof, id).await.canvas_edits;
    let saved = save(&s, &prof, &with_knelpunt(id, edits, "TOESLAGEN", "")).await;
    assert!(saved.problems.is_empty());
    let r = s.act(&prof, "submit_case", id).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.error().to_string().contains("categorie"), "{}", r.body);
    // A BSN in the description refuses the whole save.
    let mut form = with_knelpunt(
        id,
        s.case(&prof, id).await.canvas_edits,
        "TOESLAGEN",
        "rule",
    );
    form.retain(|(k, _)| k != "canvas[blockers][0][description]");
    form.push(f("canvas[blockers][0][description]", "Zie 111222333"));
    let before = s.case(&prof, id).await.canvas;
    let r = s.submit(&prof, "save_canvas", &form).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(s.case(&prof, id).await.canvas, before);
}

async fn agenda(s: &S, who: &str) -> AgendaView {
    s.call(who, "agenda", &[]).await.ok()
}

async fn item(s: &S, who: &str, id: i64) -> AgendaItemView {
    s.call(who, "agenda_item", &[("id", id.to_string())])
        .await
        .ok()
}

fn step(item: &AgendaItemView, to: &str, whom: &str, note: &str) -> Vec<(String, String)> {
    vec![
        f("step[item_id]", &item.id.to_string()),
        f("step[version]", &item.version.to_string()),
        f("step[to]", to),
        f("step[escalated_to]", whom),
        f("step[note]", note),
    ]
}

#[tokio::test]
async fn a_manager_puts_a_recurring_knelpunt_on_the_agenda_escalates_it_and_downloads_it() {
    let s = spawn().await;
    let (manager, prof, alderman, admin) = (
        s.login("manager").await,
        s.login("professional").await,
        s.login("wethouder").await,
        s.login("beheer").await,
    );
    let v = agenda(&s, &manager).await;
    assert!(v.canvases > 50);
    let top = &v.groups.groups[0];
    assert_eq!(top.rule, "Kostendelersnorm", "a few rules account for most");
    let Shown::Value(households) = top.households else {
        panic!("the biggest group is shown")
    };
    assert!(households >= 20);
    // Every group is either shown with its money or hidden without it.
    for g in &v.groups.groups {
        match g.households {
            Shown::Value(n) => assert!(n >= 5 || n == 0, "{n} households shown"),
            Shown::Suppressed => assert_eq!(
                (g.spent, g.projected),
                (Shown::Suppressed, Shown::Suppressed)
            ),
        }
    }
    assert!(
        v.groups
            .groups
            .iter()
            .any(|g| g.households == Shown::Suppressed),
        "the rare knelpunten are hidden"
    );
    // Roles: the professional may not see the agenda.
    let r = s.call(&prof, "agenda", &[]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    let group = group_value(&top.key);
    let put = |title: &str, owner: &str, note: &str| {
        vec![
            f("item[group]", &group),
            f("item[title]", title),
            f("item[owner]", owner),
            f("item[note]", note),
        ]
    };
    for (form, field) in [
        (put("Kostendelersnorm", "", "Vaak genoemd"), "owner"),
        (
            put("Kostendelersnorm", "Beleid inkomen", "Zie 111222333"),
            "note",
        ),
        (put("", "Beleid inkomen", "Vaak genoemd"), "title"),
    ] {
        let r = s.submit(&manager, "put_on_agenda", &form).await;
        assert!(r.error().for_field(field).is_some(), "{field}: {}", r.body);
    }
    let mut unknown = put("Kostendelersnorm", "Beleid inkomen", "Vaak genoemd");
    unknown[0] = f("item[group]", r#"["PW","Kostendelersnorm","Gemeente"]"#);
    let r = s.submit(&manager, "put_on_agenda", &unknown).await;
    assert!(
        r.error().for_field("group").is_some(),
        "not a key as the core groups: {}",
        r.body
    );
    assert_eq!(s.rows("agenda_items").await, 0);
    let id: i64 = s
        .submit(
            &manager,
            "put_on_agenda",
            &put("Kostendelersnorm", "Beleid inkomen", "Vaak genoemd"),
        )
        .await
        .ok();
    let twice = s
        .submit(
            &manager,
            "put_on_agenda",
            &put("Kostendelersnorm", "Beleid inkomen", "Vaak genoemd"),
        )
        .await;
    assert_eq!(twice.status, StatusCode::CONFLICT);

    // The ladder: no escalation without whom, none before the agenda, no
    // stale form, no step down.
    let it = item(&s, &manager, id).await;
    assert_eq!(it.rung_code, "signalled");
    let r = s
        .submit(
            &manager,
            "agenda_step",
            &step(&it, "escalated", "Regio", "Snel"),
        )
        .await;
    assert!(r.error().for_field("to").is_some(), "{}", r.body);
    let r = s
        .submit(&manager, "agenda_step", &step(&it, "team", "", ""))
        .await;
    assert!(r.error().for_field("note").is_some());
    let r = s
        .submit(
            &manager,
            "agenda_step",
            &step(&it, "team", "", "Besproken in het team"),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = s
        .submit(
            &manager,
            "agenda_step",
            &step(&it, "management", "", "Oud formulier"),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "a stale form");
    let it = item(&s, &manager, id).await;
    let steps_before = s.rows("agenda_steps").await;
    let r = s
        .submit(
            &manager,
            "agenda_step",
            &step(&it, "escalated", "  ", "Naar boven"),
        )
        .await;
    assert!(r.error().for_field("escalated_to").is_some(), "{}", r.body);
    assert_eq!(s.rows("agenda_steps").await, steps_before, "nothing stored");
    let r = s
        .submit(
            &manager,
            "agenda_step",
            &step(&it, "escalated", "Regionale stuurgroep", "Landelijke regel"),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let it = item(&s, &alderman, id).await;
    assert_eq!(it.rung, "geëscaleerd naar Regionale stuurgroep");
    let r = s
        .submit(&manager, "agenda_step", &step(&it, "team", "", "Terug"))
        .await;
    assert!(
        r.error().to_string().contains("kan niet terug"),
        "{}",
        r.body
    );
    let r = s
        .submit(&prof, "agenda_step", &step(&it, "solved", "", "Klaar"))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(
        it.steps.len(),
        3,
        "signalled, on the team's agenda, escalated"
    );
    let audited = s
        .count("SELECT count(*) FROM audit_events WHERE action IN ('agenda_item_created', 'agenda_item_moved')")
        .await;
    assert_eq!(audited, 3);
    let (status, html) = s.page(&manager, &format!("/leeragenda/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("Landelijke regel") && html.contains("geëscaleerd naar Regionale stuurgroep")
    );

    // The downloads: CSV and an Excel workbook LibreOffice reads back.
    let (status, bytes) = s
        .download(&manager, "/export/leeragenda/leeragenda.csv")
        .await;
    assert_eq!(status, StatusCode::OK);
    let csv = String::from_utf8(bytes).expect("utf-8");
    assert!(csv.contains("Huishoudens") && csv.contains("< 5") && csv.contains("Kostendelersnorm"));
    assert!(csv.contains("geëscaleerd naar Regionale stuurgroep"));
    let (status, xlsx) = s
        .download(&manager, "/export/leeragenda/leeragenda.xlsx")
        .await;
    assert_eq!(status, StatusCode::OK);
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("leeragenda.xlsx");
    std::fs::write(&file, &xlsx).expect("write");
    // Comma-separated, quoted, UTF-8 (filter option 76): "geëscaleerd".
    common::soffice(
        dir.path(),
        &file,
        "csv:Text - txt - csv (StarCalc):44,34,76",
    );
    let read = std::fs::read_to_string(dir.path().join("leeragenda.csv")).expect("converted");
    let row = read
        .lines()
        .find(|l| l.contains("Kostendelersnorm"))
        .expect("the group's row");
    assert!(row.contains(&households.to_string()), "{row}");
    let (status, _) = s.download(&prof, "/export/leeragenda/leeragenda.csv").await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // The administrator decides who keeps the agenda.
    let none = s
        .call(
            &admin,
            "set_agenda_roles",
            &[("choice[roles][0]", "backoffice".into())],
        )
        .await;
    assert!(none.error().for_field("roles").is_some());
    let only = s
        .call(
            &admin,
            "set_agenda_roles",
            &[("choice[roles][1]", "alderman".into())],
        )
        .await;
    assert_eq!(only.status, StatusCode::OK, "{}", only.body);
    assert_eq!(
        s.call(&manager, "agenda", &[]).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        s.call(&alderman, "agenda", &[]).await.status,
        StatusCode::OK
    );
}
