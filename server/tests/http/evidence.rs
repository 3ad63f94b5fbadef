//! The evidence where decisions are made, and bulk work: the whole canvas
//! on the case page, the approver's mandate, paying from cost lines and
//! confirming from a summary (without JavaScript too), a run's cases and
//! corrections, the stream owner's verdicts and evidence, and collective
//! invoices with their specification.

use crate::common::{self, S, canvas, f, new_case, refs, spawn};
use app::api::claims::ClaimsView;
use app::api::reviews::{EvidenceView, OwnerView};
use app::api::runs::RunView;
use reqwest::StatusCode;

fn today() -> String {
    doorbraak::dates::dutch_today(chrono::Utc::now())
        .format("%Y-%m-%d")
        .to_string()
}

/// A professional's submitted canvas whose breakthrough costs `amount`.
async fn submitted(s: &S, prof: &str, amount: &str) -> i64 {
    let id = new_case(s, prof).await;
    let edits = s.case(prof, id).await.canvas_edits;
    let form: Vec<(String, String)> = canvas(id, edits)
        .into_iter()
        .map(|(k, v)| {
            if k == "canvas[costs][0][amount]" {
                (k, amount.to_string())
            } else {
                (k, v)
            }
        })
        .collect();
    s.call(prof, "save_canvas", &refs(&form))
        .await
        .ok::<app::model::SavedCanvas>();
    s.act(prof, "submit_case", id).await.ok::<()>();
    id
}

/// Every `needle` in `html`, with the page in the message when one is missing.
fn shows(html: &str, needles: &[&str]) {
    for n in needles {
        assert!(html.contains(n), "the page shows {n:?}");
    }
}

/// A run's view: one page, and the case asked for by reference.
async fn run_view(s: &S, back: &str, id: i64, page: usize, case: &str) -> RunView {
    s.call(
        back,
        "chargeback_run",
        &[
            ("id", id.to_string()),
            ("page", page.to_string()),
            ("case", case.to_string()),
        ],
    )
    .await
    .ok()
}

/// A draft run over every settled case, and its first page.
async fn draft_run(s: &S, back: &str) -> (i64, RunView) {
    let id: i64 = s
        .call(
            back,
            "create_run",
            &[
                (
                    "period_from",
                    format!("{}-01-01", chrono::Datelike::year(&chrono::Utc::now()) - 9),
                ),
                ("period_to", today()),
            ],
        )
        .await
        .ok();
    (id, run_view(s, back, id, 0, "").await)
}

/// A run over every settled case, posted; its id.
async fn posted_run(s: &S, back: &str) -> i64 {
    let (id, v) = draft_run(s, back).await;
    s.call(
        back,
        "post_run",
        &[
            ("run_id", id.to_string()),
            ("version", v.run.version.to_string()),
            ("booking_date", today()),
        ],
    )
    .await
    .ok::<()>();
    id
}

#[tokio::test]
async fn the_approver_reads_the_whole_canvas_and_the_professional_what_changed() {
    let s = spawn().await;
    let prof = s.login("professional").await;
    let lead = s.login("teamleider").await;
    let id = submitted(&s, &prof, "2.500,00").await;
    let (status, html) = s.page(&lead, &format!("/casussen/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    shows(
        &html,
        &[
            // Texts, life domains, horizon.
            "Huurachterstand van vier maanden",
            "Drie: schuldhulp (WGS)",
            "Leefgebieden",
            "12 maanden",
            // The knelpunt.
            "Geen bijzondere bijstand voor schulden",
            // Scenario lines with unit, quantity, price, months and total.
            "Dreigend scenario: 4 regels",
            "Reëel scenario: 1 regels",
            "€ 1.401,50",
            "per maand",
            "4 t/m 27",
            // Cost lines with their supplier.
            "Woningcorporatie",
            "Kosten van de doorbraak, samen € 2.500,00",
            // The value triangle with its justifications.
            "Gezin en corporatie staan erachter",
            "Rendementsberekening over 12 maanden",
        ],
    );
    assert!(!html.contains("checked"), "no decision is preselected");
    // A form without a decision is answered in Dutch and changes nothing.
    let version = s.case(&lead, id).await.version;
    let none = s
        .call(
            &lead,
            "decide_case",
            &[
                ("case_id", id.to_string()),
                ("version", version.to_string()),
                ("reason", "Akkoord".into()),
            ],
        )
        .await;
    assert_eq!(
        none.error().for_field("decision").as_deref(),
        Some("Kies goedkeuren, afwijzen of terugsturen.")
    );
    assert_eq!(s.case(&lead, id).await.version, version, "nothing changed");

    // Returned, the professional reads why at the top; the revision says what changed.
    s.call(
        &lead,
        "decide_case",
        &[
            ("case_id", id.to_string()),
            ("version", version.to_string()),
            ("decision", "return".into()),
            ("reason", "Onderbouw de jeugdhulp".into()),
        ],
    )
    .await
    .ok::<()>();
    let (_, html) = s.page(&prof, &format!("/casussen/{id}")).await;
    let top = html.find("data-returned").expect("the reason at the top");
    assert!(top < html.find("Maatwerkcanvas, versie").expect("canvas"));
    shows(&html, &["Onderbouw de jeugdhulp", "Teruggestuurd door"]);
    s.act(&prof, "revise_case", id).await.ok::<()>();
    let edits = s.case(&prof, id).await.canvas_edits;
    let mut form = canvas(id, edits);
    form.push(f("canvas[costs][1][description]", "Fiets naar school"));
    form.push(f("canvas[costs][1][supplier]", "Fietsenmaker"));
    form.push(f("canvas[costs][1][amount]", "150,00"));
    s.call(&prof, "save_canvas", &refs(&form))
        .await
        .ok::<app::model::SavedCanvas>();
    let view = s.case(&prof, id).await;
    assert_eq!(
        view.changes,
        [
            "Kosten van de doorbraak: toegevoegd: Fiets naar school bij Fietsenmaker € 150,00",
            "Investering: van € 2.500,00 naar € 2.650,00"
        ]
    );
    assert_eq!(view.earlier.len(), 1, "version 1 stays readable");
    let (_, html) = s.page(&prof, &format!("/casussen/{id}")).await;
    shows(
        &html,
        &["Gewijzigd sinds versie 1:", "Versie 1 (opgeslagen"],
    );
}

#[tokio::test]
async fn outside_the_mandate_the_page_says_who_decides_and_offers_no_form() {
    let s = spawn().await;
    let prof = s.login("professional").await;
    let lead = s.login("teamleider").await;
    let manager = s.login("manager").await;
    let id = submitted(&s, &prof, "3.650,00").await;
    let view = s.case(&lead, id).await;
    assert!(!view.may_decide);
    assert_eq!(
        view.decided_by.as_deref(),
        Some("Buiten uw mandaat (tot € 2.500,00): een projectleider of manager beslist.")
    );
    let (_, html) = s.page(&lead, &format!("/casussen/{id}")).await;
    shows(&html, &["Buiten uw mandaat (tot € 2.500,00)"]);
    assert!(!html.contains("Besluit vastleggen"), "no decision form");
    let view = s.case(&manager, id).await;
    assert!(view.may_decide && view.decided_by.is_none());
}

#[tokio::test]
async fn the_backoffice_pays_from_the_cost_lines_and_settles_after_a_summary() {
    let s = spawn().await;
    let back = s.login("backoffice").await;
    // An approved case from the demo, its cost lines not paid yet.
    let id = s
        .count("SELECT min(id) FROM cases WHERE status = 'approved'")
        .await;
    let view = s.case(&back, id).await;
    let line = view.canvas.costs[0].clone();
    let (_, html) = s.page(&back, &format!("/casussen/{id}?kostenpost=0")).await;
    shows(
        &html,
        &[
            &format!("value=\"{}\"", line.amount.to_input_string()),
            &format!("value=\"{}\"", line.supplier),
            "Overnemen",
        ],
    );
    let token: String = s.call(&back, "payment_token", &[]).await.ok();
    s.call(
        &back,
        "register_payment",
        &[
            ("case_id", id.to_string()),
            ("amount", line.amount.to_input_string()),
            ("paid_on", today()),
            ("supplier", line.supplier.clone()),
            ("reference", "F-123".into()),
            ("token", token),
        ],
    )
    .await
    .ok::<()>();
    // The same address now shows the line paid and an empty form.
    let (_, html) = s.page(&back, &format!("/casussen/{id}?kostenpost=0")).await;
    assert!(
        !html.contains(&format!("value=\"{}\"", line.amount.to_input_string())),
        "the form is cleared once the line is paid"
    );
    shows(&html, &["Betaald"]);

    // Settling asks first: a summary and a confirming form, without JavaScript.
    let (_, html) = s.page(&back, &format!("/casussen/{id}")).await;
    assert!(html.contains("Afrekenen…") && !html.contains("Bevestigen: afrekenen"));
    let (_, html) = s
        .page(&back, &format!("/casussen/{id}?bevestigen=afrekenen"))
        .await;
    shows(
        &html,
        &[
            &format!("U rekent de casus af: betaald {}", line.amount),
            "komt terug in het doorbraakbudget",
            "Bevestigen: afrekenen",
        ],
    );
}

#[tokio::test]
async fn a_run_asks_before_posting_and_takes_a_key_for_any_of_its_cases() {
    let s = spawn().await;
    let back = s.login("backoffice").await;
    let (id, v) = draft_run(&s, &back).await;
    assert!(
        v.case_count > app::model::CASES_PER_PAGE,
        "more than a page"
    );
    let (_, html) = s
        .page(&back, &format!("/terugboeken/{id}?bevestigen=boeken"))
        .await;
    shows(
        &html,
        &[
            &format!(
                "U boekt {} casussen: {} intern, {} vorderingen",
                v.charged_cases, v.internal, v.claims_total
            ),
            "Bevestigen: run boeken",
        ],
    );
    // A case from the last page, asked for by its reference.
    let last = run_view(&s, &back, id, 9, "").await;
    let far = last.cases.last().expect("a case").clone();
    let picked = run_view(&s, &back, id, 0, &far.reference.to_lowercase()).await;
    assert_eq!(picked.selected.map(|c| c.case_id), Some(far.case_id));
    let (_, html) = s
        .page(&back, &format!("/terugboeken/{id}?casus={}", far.reference))
        .await;
    shows(
        &html,
        &[
            &format!("Verdeelsleutel van casus {}", far.reference),
            "Sleutel vastleggen",
        ],
    );
    let (_, html) = s
        .page(&back, &format!("/terugboeken/{id}?casus=DB-1999-9999"))
        .await;
    shows(&html, &["Casus DB-1999-9999 hoort niet bij deze run."]);
}

#[tokio::test]
async fn a_correction_run_shows_its_cases_and_its_journal_says_it_corrects() {
    let s = spawn().await;
    let back = s.login("backoffice").await;
    let run = posted_run(&s, &back).await;
    let v = run_view(&s, &back, run, 0, "").await;
    let case = v
        .cases
        .iter()
        .find(|c| !c.charges.is_empty())
        .expect("a charged case")
        .clone();
    let correction: i64 = s
        .call(
            &back,
            "reverse_run",
            &[
                ("run_id", run.to_string()),
                ("case_id", case.case_id.to_string()),
                ("reason", "Verkeerde stroom".into()),
                ("booking_date", today()),
            ],
        )
        .await
        .ok();
    let c = run_view(&s, &back, correction, 0, "").await;
    assert_eq!(c.cases.len(), 1);
    assert_eq!(c.cases[0].reference, case.reference);
    let charged: i64 = case.charges.iter().map(|x| x.amount.cents()).sum();
    assert_eq!(
        c.internal.cents() + c.claims_total.cents(),
        -charged,
        "the correction takes back what was charged"
    );
    let (_, html) = s.page(&back, &format!("/terugboeken/{correction}")).await;
    shows(
        &html,
        &[
            &format!("Correctierun {correction}"),
            &case.reference,
            &format!("/export/terugboekrun/{correction}/journaal.csv"),
        ],
    );
    let (status, csv) = s
        .download(
            &back,
            &format!("/export/terugboekrun/{correction}/journaal.csv"),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let csv = String::from_utf8(csv).expect("utf-8");
    let lines: Vec<&str> = csv.lines().skip(1).collect();
    assert!(!lines.is_empty());
    for line in lines {
        assert!(
            line.contains(";Correctie "),
            "every line says it corrects: {line}"
        );
    }
}

#[tokio::test]
async fn the_stream_owner_accepts_a_selection_at_once_or_nothing_and_reads_the_evidence() {
    let s = spawn().await;
    let back = s.login("backoffice").await;
    let owner = s.login("budgethouder").await;
    let run = posted_run(&s, &back).await;
    let all: OwnerView = s.call(&owner, "my_charges", &[]).await.ok();
    assert!(
        all.charges.len() >= 4,
        "the run charged the owner's streams"
    );
    let jw: OwnerView = s
        .call(
            &owner,
            "my_charges",
            &[
                ("run", run.to_string()),
                ("stream", "JW".into()),
                ("status", String::new()),
            ],
        )
        .await
        .ok();
    assert!(!jw.charges.is_empty() && jw.charges.iter().all(|c| c.stream.as_str() == "JW"));
    let reviews = s.rows("charge_reviews").await;

    // Bad selections store nothing.
    let empty = s.call(&owner, "accept_charges", &[]).await;
    assert_eq!(
        empty.error().for_field("charges").as_deref(),
        Some("Er zijn geen terugboekingen geselecteerd.")
    );
    let keys: Vec<(String, String)> = jw
        .charges
        .iter()
        .map(|c| f("charges[]", &c.form_key()))
        .collect();
    let foreign = s
        .count(&format!("SELECT min(case_id) FROM run_charges WHERE run_id = {run} AND stream_code NOT IN ('JW', 'PW')"))
        .await;
    let foreign_stream: String = sqlx::query_scalar(&format!(
        "SELECT stream_code FROM run_charges WHERE run_id = {run} AND case_id = {foreign} AND stream_code NOT IN ('JW', 'PW') LIMIT 1"
    ))
    .fetch_one(&s.pool)
    .await
    .expect("foreign");
    let mut with_foreign = keys.clone();
    with_foreign.push(f("charges[]", &format!("{run}:{foreign}:{foreign_stream}")));
    let refused = s.submit(&owner, "accept_charges", &with_foreign).await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND, "{}", refused.body);
    assert_eq!(s.rows("charge_reviews").await, reviews, "all or nothing");

    // The filtered selection at once; judged, they leave the list.
    let said: String = s.submit(&owner, "accept_charges", &keys).await.ok();
    assert_eq!(
        said,
        format!(
            "Vastgelegd: akkoord met {} terugboekingen.",
            jw.charges.len()
        )
    );
    let again: String = s.submit(&owner, "accept_charges", &keys).await.ok();
    assert_eq!(
        again, "Vastgelegd: akkoord met 0 terugboekingen.",
        "a double submit changes nothing"
    );
    let open: OwnerView = s
        .call(
            &owner,
            "my_charges",
            &[("run", run.to_string()), ("stream", "JW".into())],
        )
        .await
        .ok();
    assert!(
        open.charges.is_empty(),
        "judged charges leave the list to review"
    );
    let accepted: OwnerView = s
        .call(
            &owner,
            "my_charges",
            &[("stream", "JW".into()), ("status", "accepted".into())],
        )
        .await
        .ok();
    assert_eq!(accepted.charges.len(), jw.charges.len());

    // One row disputed from its evidence.
    let pw: OwnerView = s
        .call(&owner, "my_charges", &[("stream", "PW".into())])
        .await
        .ok();
    let charge = pw.charges[0].clone();
    let evidence: EvidenceView = s
        .call(&owner, "charge_evidence", &[("charge", charge.form_key())])
        .await
        .ok();
    assert!(!evidence.threatening.is_empty());
    assert!(
        evidence
            .threatening
            .iter()
            .chain(&evidence.realistic)
            .all(|l| l.stream() == charge.stream),
        "only the lines on the owner's stream"
    );
    let case = s.case(&back, charge.case_id).await;
    let (status, html) = s
        .page(
            &owner,
            &format!("/mijn-stromen/terugboeking?sleutel={}", charge.form_key()),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        !html.contains(case.canvas.texts.situation.as_str()),
        "no household texts"
    );
    shows(
        &html,
        &["Regels op PW", "Rendement per stroom", "Bezwaar maken"],
    );
    let said: String = s
        .call(
            &owner,
            "review_charge",
            &[
                ("charge", charge.form_key()),
                ("verdict", "dispute".into()),
                ("reason", "Uitkering liep al af".into()),
            ],
        )
        .await
        .ok();
    assert_eq!(
        said,
        "Vastgelegd: uw bezwaar is naar de backoffice gestuurd."
    );
    // A stale selection holding the disputed charge records nothing.
    let before = s.rows("charge_reviews").await;
    let stale = s
        .submit(
            &owner,
            "accept_charges",
            &[
                f("charges[]", &pw.charges[1].form_key()),
                f("charges[]", &charge.form_key()),
            ],
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.body);
    assert!(stale.body.contains("al bezwaar gemaakt of beslist"));
    assert_eq!(s.rows("charge_reviews").await, before, "nothing recorded");
    // Another stream's charge is not the owner's to see.
    let other = s
        .call(
            &owner,
            "charge_evidence",
            &[("charge", format!("{run}:{foreign}:{foreign_stream}"))],
        )
        .await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn twenty_claims_of_one_payer_go_on_one_collective_invoice_with_a_specification() {
    let s = spawn().await;
    let back = s.login("backoffice").await;
    let run = posted_run(&s, &back).await;
    let view: ClaimsView = s
        .call(
            &back,
            "claims",
            &[("status", String::new()), ("payer", "ZVW".into())],
        )
        .await
        .ok();
    assert!(
        view.to_invoice.len() >= 20,
        "the run made enough claims on the Zvw"
    );
    let chosen: Vec<_> = view.to_invoice.iter().take(20).cloned().collect();
    let mut form: Vec<(String, String)> = chosen
        .iter()
        .map(|k| f("claims[]", &format!("{}:{}", k.id, k.version)))
        .collect();
    form.push(f("invoice_number", "VF-2026-014"));
    form.push(f("invoice_date", &today()));
    let invoices = s.rows("invoices").await;

    // An empty selection, another payer's claim, a number used before: a
    // Dutch message, nothing stored.
    let empty = s
        .call(
            &back,
            "invoice_claims",
            &[("invoice_number", "VF-1".into()), ("invoice_date", today())],
        )
        .await;
    assert_eq!(
        empty.error().for_field("claims").as_deref(),
        Some("Kies minstens één open vordering.")
    );
    let case = chosen[0].case_id;
    sqlx::query(&format!(
        "INSERT INTO claims (run_id, case_id, stream_code, amount_cents, status) VALUES ({run}, {case}, 'WLZ', 1000, 'open')"
    ))
    .execute(&s.pool)
    .await
    .expect("a claim on another payer");
    let other = s.count("SELECT max(id) FROM claims").await;
    let mut mixed = form.clone();
    mixed.push(f("claims[]", &format!("{other}:1")));
    let refused = s.submit(&back, "invoice_claims", &mixed).await;
    assert!(
        refused
            .error()
            .for_field("claims")
            .is_some_and(|m| m.starts_with("Een verzamelfactuur is voor één betaler")),
        "{}",
        refused.body
    );
    assert_eq!(s.rows("invoices").await, invoices, "nothing stored");
    assert_eq!(
        s.count("SELECT count(*) FROM claims WHERE status = 'invoiced'")
            .await,
        0
    );

    let id: i64 = s.submit(&back, "invoice_claims", &form).await.ok();
    let twice: i64 = s.submit(&back, "invoice_claims", &form).await.ok();
    assert_eq!(twice, id, "a double submit is the same invoice");
    assert_eq!(
        s.count(&format!(
            "SELECT count(*) FROM claims WHERE invoice_id = {id} AND status = 'invoiced'"
        ))
        .await,
        20
    );
    let rest: Vec<(String, String)> = view.to_invoice[20..]
        .iter()
        .take(1)
        .map(|k| f("claims[]", &format!("{}:{}", k.id, k.version)))
        .chain([
            f("invoice_number", "VF-2026-014"),
            f("invoice_date", &today()),
        ])
        .collect();
    let used = s.submit(&back, "invoice_claims", &rest).await;
    assert_eq!(
        used.error().for_field("invoice_number").as_deref(),
        Some("Factuurnummer VF-2026-014 is al gebruikt. Er is niets vastgelegd.")
    );
    assert_eq!(s.rows("invoices").await, invoices + 1);
    // A stale form for a claim invoiced meanwhile, under another number.
    let stale = s
        .submit(
            &back,
            "invoice_claims",
            &[
                f(
                    "claims[]",
                    &format!("{}:{}", chosen[0].id, chosen[0].version),
                ),
                f("invoice_number", "VF-2026-015"),
                f("invoice_date", &today()),
            ],
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.body);
    assert!(stale.body.contains("Er is niets vastgelegd."));
    assert_eq!(s.rows("invoices").await, invoices + 1);

    // The specification per case adds up to the cent, as CSV and as Excel.
    let total: i64 = chosen.iter().map(|k| k.amount.cents()).sum();
    let (status, csv) = s
        .download(&back, &format!("/export/factuur/{id}/specificatie.csv"))
        .await;
    assert_eq!(status, StatusCode::OK);
    let csv = String::from_utf8(csv).expect("utf-8");
    let rows: Vec<Vec<&str>> = csv
        .trim_start_matches('\u{feff}')
        .lines()
        .map(|l| l.split(';').collect())
        .collect();
    assert_eq!(rows[0][0], "Factuurnummer");
    assert_eq!(
        rows.len(),
        1 + 20 + 1,
        "header, a line per claim, the total"
    );
    let cents = |v: &str| {
        let (e, c) = v.split_once(',').expect("decimal comma");
        e.parse::<i64>().expect("euros") * 100 + c.parse::<i64>().expect("cents")
    };
    let lines: i64 = rows[1..21].iter().map(|r| cents(r[7])).sum();
    assert_eq!((lines, cents(rows[21][7])), (total, total));
    for k in &chosen {
        assert!(
            rows.iter().any(|r| r[4] == k.reference),
            "case {} specified",
            k.reference
        );
    }
    let (status, xlsx) = s
        .download(&back, &format!("/export/factuur/{id}/specificatie.xlsx"))
        .await;
    assert_eq!(status, StatusCode::OK);
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("specificatie.xlsx");
    std::fs::write(&file, &xlsx).expect("write");
    common::soffice(dir.path(), &file, "fods");
    let xml = std::fs::read_to_string(dir.path().join("specificatie.fods")).expect("fods");
    let numbers: Vec<i64> = xml
        .match_indices("office:value-type=\"float\" office:value=\"")
        .map(|(i, m)| {
            let rest = &xml[i + m.len()..];
            let value: f64 = rest[..rest.find('"').expect("end")]
                .parse()
                .expect("number");
            (value * 100.0).round() as i64
        })
        .collect();
    // Run numbers and amounts are number cells; the amounts add up.
    let amounts: i64 = numbers.iter().filter(|n| **n != run * 100).sum::<i64>();
    assert_eq!(
        amounts,
        2 * total,
        "the lines and the total row, read back by LibreOffice"
    );
    let (status, _) = s
        .download(
            &s.login("budgethouder").await,
            &format!("/export/factuur/{id}/specificatie.csv"),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = s
        .download(&back, "/export/factuur/999999/specificatie.csv")
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn deactivating_a_team_asks_first_with_what_it_touches() {
    let s = spawn().await;
    let admin = s.login("beheer").await;
    let teams: Vec<app::model::TeamOverview> = s.call(&admin, "teams_overview", &[]).await.ok();
    let t = teams
        .iter()
        .find(|t| t.open_cases > 0)
        .expect("a team with cases")
        .clone();
    let (_, html) = s.page(&admin, "/beheer/teams").await;
    assert!(
        !html.contains("Bevestigen:"),
        "no confirmation before asking"
    );
    let (_, html) = s
        .page(&admin, &format!("/beheer/teams?deactiveren={}", t.team.id))
        .await;
    shows(
        &html,
        &[
            &format!(
                "U deactiveert team {}: {} actieve medewerkers, {} lopende casussen.",
                t.team.name, t.members, t.open_cases
            ),
            &format!("Bevestigen: {} deactiveren", t.team.name),
        ],
    );
}
