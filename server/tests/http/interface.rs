//! The finished interface over HTTP: the municipality's theme, the case
//! list's search, a year without a budget, error pages with a way back.

use reqwest::StatusCode;

use crate::common::{self, spawn};

#[tokio::test]
async fn the_theme_file_names_the_municipality_and_sets_its_logo_and_colours() {
    let dir = tempfile::tempdir().expect("dir");
    std::fs::write(
        dir.path().join("logo.svg"),
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    )
    .expect("logo");
    std::fs::write(
        dir.path().join("thema.json"),
        r##"{"gemeente":"Gemeente Zeestad","logo":"logo.svg","kleuren":{"--doorbraak-primary":"#00689e"}}"##,
    )
    .expect("theme");
    let config = common::test_config(dir.path());
    let s = common::start(&config, true, dir).await;
    let css = s
        .http
        .get(format!("{}/thema.css", s.base))
        .send()
        .await
        .expect("css");
    assert_eq!(css.status(), StatusCode::OK);
    assert!(
        css.headers()["content-type"]
            .to_str()
            .unwrap_or_default()
            .starts_with("text/css")
    );
    assert_eq!(
        css.text().await.expect("text"),
        ".utrecht-theme{--doorbraak-primary:#00689e}\n"
    );
    let logo = s
        .http
        .get(format!("{}/thema/logo", s.base))
        .send()
        .await
        .expect("logo");
    assert_eq!(logo.status(), StatusCode::OK);
    assert_eq!(logo.headers()["content-type"], "image/svg+xml");
    let (_, page) = s.page(&s.login("professional").await, "/").await;
    assert!(
        page.contains("Gemeente Zeestad"),
        "the theme's name in the header"
    );
    assert!(
        page.contains("src=\"/thema/logo\""),
        "the logo in the header"
    );
    assert!(
        page.contains("href=\"/thema.css\""),
        "the colours after our own stylesheet"
    );

    // A theme that does not check out stops the start, saying why.
    let dir = tempfile::tempdir().expect("dir");
    std::fs::write(
        dir.path().join("thema.json"),
        r##"{"kleuren":{"--doorbraak-primary":"red;}body{display:none"}}"##,
    )
    .expect("theme");
    let config = common::test_config(dir.path());
    let refused = server::start(&config, false).await.err().expect("refused");
    assert!(
        format!("{refused:#}").contains("is not a colour"),
        "{refused:#}"
    );

    // Without a theme: no colours, no logo, the installation's name.
    let s = spawn().await;
    let css = s
        .http
        .get(format!("{}/thema.css", s.base))
        .send()
        .await
        .expect("css");
    assert_eq!(css.text().await.expect("text"), "");
    let logo = s
        .http
        .get(format!("{}/thema/logo", s.base))
        .send()
        .await
        .expect("logo");
    assert_eq!(logo.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_case_list_is_searched_by_reference_and_filtered_by_status() {
    let s = spawn().await;
    let prof = s.login("professional").await;
    // The first page of the list for a search text and a status code.
    let list = |reference: &str, status: &str| {
        let form = [
            ("page", "0".to_string()),
            ("reference", reference.to_string()),
            ("status", status.to_string()),
        ];
        let (s, prof) = (&s, &prof);
        async move { s.call(prof, "my_cases", &form).await }
    };
    let all: app::model::CaseList = list("", "").await.ok();
    let first = all.cases.first().expect("demo cases").clone();
    let part = &first.reference[first.reference.len() - 4..];
    let found: app::model::CaseList = list(&part.to_lowercase(), "").await.ok();
    assert!(found.cases.iter().any(|c| c.id == first.id));
    assert!(
        found
            .cases
            .iter()
            .all(|c| c.reference.to_lowercase().contains(&part.to_lowercase()))
    );
    let drafts: app::model::CaseList = list("", "draft").await.ok();
    assert!(!drafts.cases.is_empty());
    assert!(
        drafts
            .cases
            .iter()
            .all(|c| c.status == doorbraak::lifecycle::Status::Draft)
    );
    // A wildcard is a character like any other.
    let none: app::model::CaseList = list("%", "").await.ok();
    assert!(none.cases.is_empty());
    let bad = list("", "nope").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.error().for_field("status").is_some());
    // The page takes the search from its address and says when nothing matches.
    let (status, page) = s.page(&prof, "/casussen?zoek=ZZZZ&status=draft").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("Geen casussen gevonden met deze zoekvraag."),
        "{page}"
    );
    assert!(
        page.contains("value=\"ZZZZ\""),
        "the search stays in its field"
    );
}

#[tokio::test]
async fn a_year_without_a_budget_says_so_and_error_pages_have_a_way_back() {
    let s = spawn().await;
    let back = s.login("backoffice").await;
    let (status, page) = s.page(&back, "/fonds?jaar=2099").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("Voor 2099 is nog geen doorbraakbudget aangemaakt."),
        "{page}"
    );
    assert!(
        !page.contains("data-fund=\"available\""),
        "no € 0,00 for a year that has no budget"
    );
    // Every year as a stacked bar, drawn on the server, above its table.
    let (_, page) = s.page(&back, "/fonds").await;
    let chart = page.find("<figure").expect("a chart");
    assert!(chart < page.find("Alle begrotingsjaren").expect("the table"));
    assert!(page.contains(r#"role="img""#) && page.contains("fonds-patroon-1"));
    let year = chrono::Datelike::year(&chrono::Utc::now());
    assert!(
        page.contains(&format!(">{year}</text>")),
        "each year labelled"
    );
    for path in ["/bestaat-niet", "/casussen/999999", "/terugboeken/999999"] {
        let (status, page) = s.page(&back, path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert!(page.contains("<h1"), "{path}: a heading");
        assert!(page.contains("startpagina</a>"), "{path}: a way back");
    }
}

#[tokio::test]
async fn the_timeline_reads_as_sentences_and_the_audit_trail_in_words() {
    let s = spawn().await;
    let prof = s.login("professional").await;
    let id = common::new_case(&s, &prof).await;
    let edits = s.case(&prof, id).await.canvas_edits;
    let _: app::api::cases::SavedCanvas = s
        .call(
            &prof,
            "save_canvas",
            &common::refs(&common::canvas(id, edits)),
        )
        .await
        .ok();
    let version = s.case(&prof, id).await.version;
    let _: () = s
        .call(
            &prof,
            "submit_case",
            &[
                ("case_id", id.to_string()),
                ("version", version.to_string()),
            ],
        )
        .await
        .ok();
    let (_, page) = s.page(&prof, &format!("/casussen/{id}")).await;
    assert!(
        page.contains("heeft de casus aangemaakt."),
        "a sentence per event"
    );
    assert!(
        page.contains("heeft het canvas ingediend."),
        "a sentence per event"
    );
    assert!(
        page.contains("Status: van concept naar ingediend."),
        "the change of status in words"
    );
    // Streams by their names in the return.
    assert!(
        page.contains(">Jeugdwet<"),
        "the stream's name, not its code"
    );
    let admin = s.login("beheer").await;
    let (_, audit) = s.page(&admin, "/beheer/audit").await;
    assert!(audit.contains("canvas ingediend"), "actions in words");
    assert!(!audit.contains("case_submitted<"), "no codes");
    assert!(!audit.contains("{&quot;"), "no raw JSON");
}
