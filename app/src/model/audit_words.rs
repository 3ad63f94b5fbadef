//! The audit trail in Dutch words: what was done to what, and the recorded
//! details as "veld: waarde" instead of codes and raw JSON.

/// "canvas ingediend" for `case_submitted`; an unknown code in plain words.
pub fn action_nl(code: &str) -> String {
    let known = match code {
        "login" => "ingelogd",
        "login_failed" => "inloggen mislukt",
        "login_throttled" => "inloggen tijdelijk geblokkeerd",
        "logout" => "uitgelogd",
        "logout_everywhere" => "overal uitgelogd",
        "password_reset" => "wachtwoord opnieuw ingesteld",
        "case_created" => "casus aangemaakt",
        "case_opened" => "casus ingezien",
        "erasure_applied" => "gegevens gewist na de bewaartermijn",
        "retention_term_set" => "bewaartermijn gewijzigd",
        "legal_hold_set" => "juridische bewaarplicht ingesteld",
        "legal_hold_lifted" => "juridische bewaarplicht opgeheven",
        "journal_fetched" => "journaal opgehaald via de API",
        "case_draft" => "nieuwe versie van het canvas begonnen",
        "case_submitted" => "canvas ingediend",
        "case_approved" => "canvas goedgekeurd",
        "case_rejected" => "canvas afgewezen",
        "case_returned" => "canvas teruggestuurd",
        "case_in_progress" => "betaling geregistreerd",
        "case_settled" => "casus afgerekend",
        "case_charged_back" => "casus teruggeboekt",
        "case_evaluated" => "casus geëvalueerd",
        "case_closed" => "casus afgesloten",
        "case_waiting" => "wachtstand aangepast",
        "payment_reversed" => "betaling teruggedraaid",
        "canvas_lines_copied" => "scenarioregels overgenomen",
        "template_saved" => "sjabloon bewaard",
        "charge_accepted" => "terugboeking geaccepteerd",
        "charge_disputed" => "terugboeking betwist",
        "dispute_resolved" => "bezwaar afgehandeld",
        "claim_paid" => "vordering betaald",
        "claim_refused" => "vordering geweigerd",
        "claim_invoiced" => "vordering gefactureerd",
        "claims_invoiced" => "verzamelfactuur gemaakt",
        "run_created" => "terugboekvoorstel gemaakt",
        "run_posted" => "terugboeking geboekt",
        "run_discarded" => "terugboekvoorstel vervallen",
        "run_reversed" => "terugboeking gecorrigeerd",
        "run_case_key_set" => "verdeelsleutel van een casus gekozen",
        "accrual_prebooked" => "toerekening geboekt",
        "accrual_trued_up" => "toerekening afgerekend",
        "budget_year_created" => "begrotingsjaar aangemaakt",
        "budget_year_closed" => "begrotingsjaar afgesloten",
        "budget_year_reopened" => "begrotingsjaar heropend",
        "fund_reserved" => "reservering verhoogd",
        "fund_reduced" => "reservering verlaagd",
        "agreement_created" => "convenant vastgelegd",
        "agreement_changed" => "convenant gewijzigd",
        "api_token_issued" => "API-sleutel uitgegeven",
        "api_token_revoked" => "API-sleutel ingetrokken",
        "catalogue_item_created" => "catalogusitem toegevoegd",
        "catalogue_item_updated" => "catalogusitem gewijzigd",
        "catalogue_price_added" => "prijs toegevoegd",
        "catalogue_indexed" => "prijzen geïndexeerd",
        "default_horizon_changed" => "standaardhorizon gewijzigd",
        "mandates_changed" => "mandaten gewijzigd",
        "stream_owner_set" => "eigenaar van een stroom vastgelegd",
        "stream_created" => "financieringsstroom toegevoegd",
        "stream_updated" => "financieringsstroom gewijzigd",
        "team_created" => "team aangemaakt",
        "team_deactivated" => "team gedeactiveerd",
        "team_activated" => "team weer actief",
        "user_created" => "gebruiker aangemaakt",
        "user_updated" => "gebruiker gewijzigd",
        "user_deactivated" => "gebruiker gedeactiveerd",
        "user_activated" => "gebruiker weer actief",
        "demo_data_loaded" => "demogegevens geladen",
        "evaluation_recorded" => "evaluatie vastgelegd",
        "receipt_confirmed" => "ontvangst bevestigd",
        "agenda_item_created" => "knelpunt op de leeragenda gezet",
        "agenda_item_moved" => "agendapunt een stap verder",
        "agenda_roles_changed" => "rollen van de leeragenda gewijzigd",
        "agenda_exported" => "leeragenda gedownload",
        "dashboard_exported" => "resultaten gedownload",
        "journal_exported" => "journaal gedownload",
        "invoice_exported" => "factuurspecificatie gedownload",
        "law_created" => "wet toegevoegd",
        "law_changed" => "wet gewijzigd",
        _ => "",
    };
    if known.is_empty() {
        code.replace('_', " ")
    } else {
        known.to_string()
    }
}

/// "casus" for `case`.
pub fn object_nl(code: &str) -> String {
    match code {
        "case" => "casus",
        "retention" => "bewaartermijnen",
        "session" => "sessie",
        "user" => "gebruiker",
        "team" => "team",
        "charge" => "terugboeking",
        "claim" => "vordering",
        "invoice" => "verzamelfactuur",
        "chargeback_run" => "terugboekvoorstel",
        "budget_year" => "begrotingsjaar",
        "agreement" => "convenant",
        "stream" => "financieringsstroom",
        "canvas_template" => "sjabloon",
        "api_token" => "API-sleutel",
        "catalogue_item" => "catalogusitem",
        "catalogue" => "catalogus",
        "setting" => "instelling",
        "mandate_level" => "mandaat",
        "database" => "database",
        "agenda_item" => "agendapunt",
        "agenda" => "leeragenda",
        "law" => "wet",
        other => return other.replace('_', " "),
    }
    .to_string()
}

/// A recorded field's name in words.
fn field_nl(key: &str) -> String {
    match key {
        "status" => "status",
        "reason" => "reden",
        "name" | "display_name" => "naam",
        "username" => "gebruikersnaam",
        "roles" => "rollen",
        "teams" | "team_ids" => "teams",
        "team" | "team_id" => "team",
        "active" => "actief",
        "amount" | "cents" | "amount_cents" => "bedrag",
        "source" => "bron",
        "mandate_level" => "mandaat",
        "level" => "niveau",
        "code" => "code",
        "price" | "price_cents" => "prijs",
        "valid_from" => "geldig vanaf",
        "valid_to" => "geldig tot",
        "year" => "jaar",
        "version" => "versie",
        "stream" | "stream_code" => "stroom",
        "verdict" => "oordeel",
        "note" => "notitie",
        "number" => "nummer",
        "claims" => "vorderingen",
        "cases" => "casussen",
        "period_from" => "periode vanaf",
        "period_to" => "periode tot en met",
        "months" | "horizon" => "maanden",
        "share" => "aandeel",
        "cap" | "cap_cents" => "plafond",
        "reference" => "kenmerk",
        "owner" | "owners" => "eigenaar",
        "key" => "sleutel",
        "percent" | "percentage" => "percentage",
        "waiting" => "wacht",
        "date" => "datum",
        "booking_date" => "boekdatum",
        "invoice_date" => "factuurdatum",
        "expires_on" => "geldig tot en met",
        "from" => "vanaf",
        "to" => "tot en met",
        "internal" => "intern",
        "carried_over" => "overgeheveld",
        "residual" => "restant",
        "returned" => "teruggegeven",
        "moment" => "moment",
        "goal" => "perspectief",
        "projected" => "verwacht vermeden",
        "realised" => "gerealiseerd vermeden",
        "rung" => "stand",
        "rule" => "regel",
        "organisation" => "organisatie",
        "law" => "wet",
        "title" => "titel",
        "payment_id" => "betaling",
        "received_on" => "ontvangen op",
        "file" => "bestand",
        other => match other.strip_suffix("_cents") {
            Some(amount) => return field_nl(amount),
            None => return other.replace('_', " "),
        },
    }
    .to_string()
}

fn value_nl(key: &str, v: &serde_json::Value) -> String {
    use serde_json::Value;
    match v {
        Value::Null => "—".to_string(),
        Value::Bool(true) => "ja".to_string(),
        Value::Bool(false) => "nee".to_string(),
        Value::Number(n) if key.ends_with("cents") => n
            .as_i64()
            .and_then(|c| doorbraak::Money::from_cents(c).ok())
            .map_or_else(|| n.to_string(), |m| m.to_string()),
        Value::Number(n) => n.to_string(),
        Value::String(s) if key == "status" => doorbraak::lifecycle::Status::from_code(s)
            .map(|st| st.label_nl())
            .or_else(|| doorbraak::claim::ClaimStatus::from_code(s).map(|st| st.label_nl()))
            .map_or_else(|| s.clone(), str::to_lowercase),
        // A date reads dd-mm-jjjj.
        Value::String(s) if chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok() => {
            chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map_or_else(|_| s.clone(), doorbraak::dates::dutch)
        }
        Value::String(s) if key == "moment" => match s.as_str() {
            "final" => "eindevaluatie".to_string(),
            month => format!("na {month} maanden"),
        },
        Value::String(s) if key == "goal" => doorbraak::evaluation::GoalOutcome::from_code(s)
            .map_or_else(|| s.clone(), |g| g.label_nl().to_string()),
        Value::String(s) if key == "roles" => {
            doorbraak::Role::from_code(s).map_or_else(|| s.clone(), |r| r.label_nl().to_lowercase())
        }
        Value::String(s) => s.clone(),
        Value::Array(items) => items
            .iter()
            .map(|i| value_nl(key, i))
            .collect::<Vec<_>>()
            .join(", "),
        Value::Object(_) => details_nl(&v.to_string()),
    }
}

/// Recorded details (JSON) as "reden: te duur; bedrag: € 10,00".
pub fn details_nl(json: &str) -> String {
    match serde_json::from_str::<serde_json::Value>(json) {
        Ok(serde_json::Value::Object(fields)) => fields
            .iter()
            .map(|(k, v)| format!("{}: {}", field_nl(k), value_nl(k, v)))
            .collect::<Vec<_>>()
            .join("; "),
        Ok(other) => value_nl("", &other),
        Err(_) => json.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_json_become_words() {
        assert_eq!(action_nl("case_submitted"), "canvas ingediend");
        assert_eq!(action_nl("something_new"), "something new");
        assert_eq!(object_nl("chargeback_run"), "terugboekvoorstel");
        assert_eq!(
            details_nl(
                r#"{"status":"submitted","active":false,"amount_cents":123456,"roles":["approver","backoffice"]}"#
            ),
            format!(
                "actief: nee; bedrag: € 1.234,56; rollen: {}, {}; status: ingediend",
                doorbraak::Role::Approver.label_nl().to_lowercase(),
                doorbraak::Role::Backoffice.label_nl().to_lowercase()
            )
        );
        assert_eq!(
            details_nl(
                r#"{"claims_cents":630861,"date":"2025-12-15","from":"2023-01-01","status":"paid"}"#
            ),
            format!(
                "vorderingen: € 6.308,61; datum: 15-12-2025; vanaf: 01-01-2023; status: {}",
                doorbraak::claim::ClaimStatus::Paid
                    .label_nl()
                    .to_lowercase()
            )
        );
        assert_eq!(details_nl("not json"), "not json");
        assert_eq!(action_nl("evaluation_recorded"), "evaluatie vastgelegd");
        assert_eq!(
            details_nl(r#"{"goal":"partly","moment":"final","realised_cents":70000}"#),
            "perspectief: deels bereikt; moment: eindevaluatie; gerealiseerd vermeden: € 700,00"
        );
    }
}
