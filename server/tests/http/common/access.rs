//! Which roles may call each server function, with a form each (shared by
//! the role table in `http.rs` and the bad-input property test in
//! `security.rs`).

use doorbraak::Role;

/// Which roles may call each server function: `None` is public, an empty list
/// any signed-in user. The test fails when a server function is missing here.
pub type Access = (
    &'static str,
    Option<&'static [Role]>,
    &'static [(&'static str, &'static str)],
);

pub const ACCESS: &[Access] = &[
    ("session", None, &[]),
    ("login", None, &[("username", ""), ("password", "")]),
    ("users", Some(&[Role::Administrator]), &[]),
    ("user", Some(&[Role::Administrator]), &[("id", "999999")]),
    ("teams", Some(&[Role::Administrator]), &[]),
    ("teams_overview", Some(&[Role::Administrator]), &[]),
    (
        "save_user",
        Some(&[Role::Administrator]),
        &[("input[display_name]", "")],
    ),
    (
        "set_user_active",
        Some(&[Role::Administrator]),
        &[("id", "999999"), ("active", "true")],
    ),
    (
        "reset_password",
        Some(&[Role::Administrator]),
        &[("id", "999999")],
    ),
    ("create_team", Some(&[Role::Administrator]), &[("name", "")]),
    (
        "set_team_active",
        Some(&[Role::Administrator]),
        &[("id", "999999"), ("active", "true")],
    ),
    (
        "audit_events",
        Some(&[Role::Administrator]),
        &[
            ("actor", ""),
            ("action", ""),
            ("from", ""),
            ("to", ""),
            ("case", ""),
            ("page", "0"),
        ],
    ),
    ("retention", Some(&[Role::Administrator]), &[]),
    (
        "set_retention_terms",
        Some(&[Role::Administrator]),
        &[
            ("terms[granted]", "0"),
            ("terms[not_granted]", "5"),
            ("terms[financial]", "7"),
            ("terms[granted_version]", "1"),
            ("terms[not_granted_version]", "1"),
            ("terms[financial_version]", "1"),
        ],
    ),
    (
        "set_legal_hold",
        Some(&[Role::Administrator]),
        &[
            ("hold[reference]", "DB-1999-0001"),
            ("hold[hold]", "on"),
            ("hold[reason]", ""),
        ],
    ),
    (
        "create_case",
        Some(&[Role::Professional]),
        &[("team_id", "999999")],
    ),
    (
        "case",
        Some(&[Role::Professional, Role::Approver, Role::Backoffice]),
        &[("id", "999999")],
    ),
    (
        "save_canvas",
        Some(&[Role::Professional]),
        &[
            ("case_id", "999999"),
            ("edits", "1"),
            ("canvas[horizon]", "12"),
        ],
    ),
    (
        "submit_case",
        Some(&[Role::Professional]),
        &[("case_id", "999999"), ("version", "1")],
    ),
    (
        "decide_case",
        Some(&[Role::Approver]),
        &[
            ("case_id", "999999"),
            ("version", "1"),
            ("decision", "x"),
            ("reason", ""),
        ],
    ),
    (
        "revise_case",
        Some(&[Role::Professional]),
        &[("case_id", "999999"), ("version", "1")],
    ),
    (
        "register_payment",
        Some(&[Role::Backoffice]),
        &[
            ("case_id", "999999"),
            ("amount", ""),
            ("paid_on", ""),
            ("supplier", ""),
            ("reference", ""),
            ("token", ""),
        ],
    ),
    (
        "settle_case",
        Some(&[Role::Backoffice]),
        &[("case_id", "999999"), ("version", "1")],
    ),
    (
        "set_waiting",
        Some(&[Role::Professional, Role::Backoffice]),
        &[
            ("case_id", "999999"),
            ("version", "1"),
            ("waiting", "true"),
            ("note", ""),
        ],
    ),
    ("my_cases", Some(&[Role::Professional]), &[("page", "0")]),
    (
        "approval_queue",
        Some(&[Role::Approver]),
        &[("decidable", "true"), ("page", "0")],
    ),
    ("payment_queue", Some(&[Role::Backoffice]), &[("page", "0")]),
    (
        "fund_overview",
        Some(&[Role::Backoffice, Role::Administrator]),
        &[("year", "2026")],
    ),
    (
        "reduce_funding",
        Some(&[Role::Backoffice, Role::Administrator]),
        &[
            ("year", "1999"),
            ("amount", "-1"),
            ("reason", ""),
            ("token", ""),
        ],
    ),
    (
        "close_year",
        Some(&[Role::Backoffice, Role::Administrator]),
        &[
            ("year", "1999"),
            ("carry_over", "-1"),
            ("decision", ""),
            ("reason", ""),
            ("token", ""),
        ],
    ),
    (
        "reverse_payment",
        Some(&[Role::Backoffice]),
        &[
            ("case_id", "999999"),
            ("version", "1"),
            ("payment_id", "999999"),
            ("reason", ""),
        ],
    ),
    (
        "reopen_settlement",
        Some(&[Role::Backoffice]),
        &[("case_id", "999999"), ("version", "1"), ("reason", "")],
    ),
    ("agreements", Some(&[Role::Administrator]), &[]),
    (
        "save_agreement",
        Some(&[Role::Administrator]),
        &[("input[stream]", ""), ("input[valid_from]", "")],
    ),
    ("payment_token", Some(&[Role::Backoffice]), &[]),
    ("setup", Some(&[Role::Administrator]), &[]),
    (
        "line_sources",
        Some(&[Role::Professional]),
        &[("case_id", "999999")],
    ),
    (
        "copy_lines",
        Some(&[Role::Professional]),
        &[("case_id", "999999"), ("edits", "1"), ("source", "")],
    ),
    (
        "save_template",
        Some(&[Role::Professional]),
        &[("case_id", "999999"), ("name", "")],
    ),
    (
        "save_stream",
        Some(&[Role::Administrator]),
        &[("input[code]", ""), ("input[name]", "")],
    ),
    (
        "save_mandate_level",
        Some(&[Role::Administrator]),
        &[("code", ""), ("name", ""), ("limit", "")],
    ),
    (
        "create_budget_year",
        Some(&[Role::Backoffice, Role::Administrator]),
        &[("year", "1999"), ("reservation", "0"), ("token", "")],
    ),
    (
        "raise_reservation",
        Some(&[Role::Backoffice, Role::Administrator]),
        &[("year", "1999"), ("amount", "-1"), ("token", "")],
    ),
    (
        "set_default_horizon",
        Some(&[Role::Administrator]),
        &[("months", "0")],
    ),
    (
        "catalogue_items",
        Some(&[Role::Administrator]),
        &[("search", ""), ("page", "0")],
    ),
    (
        "catalogue_item",
        Some(&[Role::Administrator]),
        &[("id", "999999")],
    ),
    (
        "save_catalogue_item",
        Some(&[Role::Administrator]),
        &[
            ("input[name]", ""),
            ("input[unit]", ""),
            ("input[stream]", ""),
        ],
    ),
    (
        "add_catalogue_price",
        Some(&[Role::Administrator]),
        &[("item_id", "999999"), ("valid_from", ""), ("price", "")],
    ),
    (
        "index_catalogue",
        Some(&[Role::Administrator]),
        &[("year", "1999"), ("percentage", "")],
    ),
    (
        "case_options",
        Some(&[Role::Professional, Role::Approver, Role::Backoffice]),
        &[],
    ),
    ("chargeback_runs", Some(&[Role::Backoffice]), &[]),
    (
        "create_run",
        Some(&[Role::Backoffice]),
        &[("period_from", ""), ("period_to", "")],
    ),
    (
        "chargeback_run",
        Some(&[Role::Backoffice]),
        &[("id", "999999"), ("page", "0")],
    ),
    (
        "set_run_case",
        Some(&[Role::Backoffice]),
        &[
            ("run_id", "999999"),
            ("version", "1"),
            ("case_id", "999999"),
            ("choice", ""),
            ("responsibility", ""),
            ("reason", ""),
        ],
    ),
    (
        "post_run",
        Some(&[Role::Backoffice]),
        &[("run_id", "999999"), ("version", "1"), ("booking_date", "")],
    ),
    (
        "discard_run",
        Some(&[Role::Backoffice]),
        &[("run_id", "999999"), ("version", "1")],
    ),
    (
        "reverse_run",
        Some(&[Role::Backoffice]),
        &[
            ("run_id", "999999"),
            ("case_id", ""),
            ("reason", ""),
            ("booking_date", ""),
        ],
    ),
    ("claims", Some(&[Role::Backoffice]), &[("status", "")]),
    (
        "invoice_claim",
        Some(&[Role::Backoffice]),
        &[("claim", ""), ("invoice_number", ""), ("invoice_date", "")],
    ),
    (
        "invoice_claims",
        Some(&[Role::Backoffice]),
        &[("invoice_number", ""), ("invoice_date", "")],
    ),
    (
        "close_claim",
        Some(&[Role::Backoffice]),
        &[("claim", ""), ("outcome", ""), ("date", ""), ("reason", "")],
    ),
    ("api_tokens", Some(&[Role::Administrator]), &[]),
    (
        "issue_token",
        Some(&[Role::Administrator]),
        &[("name", ""), ("valid_days", "")],
    ),
    (
        "revoke_token",
        Some(&[Role::Administrator]),
        &[("id", "999999")],
    ),
    ("my_charges", Some(&[Role::StreamOwner]), &[]),
    (
        "charge_evidence",
        Some(&[Role::StreamOwner]),
        &[("charge", "1:1:JW")],
    ),
    ("accept_charges", Some(&[Role::StreamOwner]), &[]),
    (
        "review_charge",
        Some(&[Role::StreamOwner]),
        &[("charge", ""), ("verdict", ""), ("reason", "")],
    ),
    ("disputes", Some(&[Role::Backoffice]), &[]),
    (
        "resolve_dispute",
        Some(&[Role::Backoffice]),
        &[
            ("dispute", ""),
            ("resolution", ""),
            ("responsibility", ""),
            ("reason", ""),
            ("booking_date", ""),
        ],
    ),
    ("stream_owners", Some(&[Role::Administrator]), &[]),
    (
        "set_stream_owner",
        Some(&[Role::Administrator]),
        &[("user_id", "999999"), ("streams", "")],
    ),
    ("accrual_year", Some(&[Role::Backoffice]), &[]),
    (
        "prebook_year",
        Some(&[Role::Backoffice]),
        &[("year", "1999"), ("amounts", ""), ("date", "")],
    ),
    (
        "true_up_year",
        Some(&[Role::Backoffice]),
        &[("year", "1999"), ("date", "")],
    ),
    ("reconciliation", Some(&[Role::Backoffice]), &[]),
    (
        "evaluation",
        Some(&[Role::Professional, Role::Approver, Role::Backoffice]),
        &[("case_id", "999999")],
    ),
    (
        "record_evaluation",
        Some(&[Role::Professional]),
        &[
            ("case_id", "999999"),
            ("version", "1"),
            ("evaluation[moment]", "final"),
        ],
    ),
    (
        "close_case",
        Some(&[Role::Backoffice, Role::Approver]),
        &[("case_id", "999999"), ("version", "1")],
    ),
    (
        "confirm_receipt",
        Some(&[Role::Professional]),
        &[
            ("case_id", "999999"),
            ("payment_id", "999999"),
            ("received_on", ""),
            ("note", ""),
        ],
    ),
    ("worklist", Some(&[Role::Professional]), &[]),
    (
        "closing_queue",
        Some(&[Role::Backoffice, Role::Approver]),
        &[("page", "0")],
    ),
    (
        "realised",
        Some(&[Role::Approver, Role::Backoffice, Role::Alderman]),
        &[],
    ),
    (
        "load_dashboard",
        Some(&[Role::Alderman, Role::Approver, Role::Backoffice]),
        &[("query[jaar]", "")],
    ),
    (
        "dashboard_filters",
        Some(&[Role::Alderman, Role::Approver, Role::Backoffice]),
        &[],
    ),
    // The agenda's roles are the administrator's setting: by default the
    // approver and the alderman.
    ("agenda", Some(&[Role::Approver, Role::Alderman]), &[]),
    (
        "agenda_item",
        Some(&[Role::Approver, Role::Alderman]),
        &[("id", "999999")],
    ),
    (
        "put_on_agenda",
        Some(&[Role::Approver, Role::Alderman]),
        &[("item[title]", "")],
    ),
    (
        "agenda_step",
        Some(&[Role::Approver, Role::Alderman]),
        &[("step[item_id]", "999999"), ("step[version]", "1")],
    ),
    ("laws", Some(&[Role::Administrator]), &[]),
    (
        "save_law",
        Some(&[Role::Administrator]),
        &[("law[name]", "")],
    ),
    (
        "set_agenda_roles",
        Some(&[Role::Administrator]),
        &[("choice[roles][0]", "")],
    ),
    ("logout", Some(&[]), &[]),
    ("logout_everywhere", Some(&[]), &[]),
];
