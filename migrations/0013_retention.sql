-- Retention and erasure. The administrator keeps a term per record class
-- (defaults from the Selectielijst gemeenten 2020; see the core's
-- retention.rs); a case can be put on legal hold; and a case past its terms
-- is erased: its free texts become '[gewist]' (or stay empty/NULL), its
-- reference becomes a random one, its history's times coarsen to the start
-- of their Dutch month (stored in UTC, so 22:00 or 23:00 the day before).
-- Amounts, codes, statuses and postings stay.
--
-- The append-only triggers are replaced by ones that allow exactly that
-- erasure and nothing else: only rows of a case marked erased, only the
-- listed text columns (to the marker) and dates (to the month), every other
-- column unchanged. A case is marked erased once, never while on legal hold,
-- and an erased case never changes again.

CREATE TABLE retention_terms (
    class      TEXT PRIMARY KEY CHECK (class IN ('granted', 'not_granted', 'financial')),
    years      INTEGER NOT NULL CHECK (years BETWEEN 1 AND 100),
    version    INTEGER NOT NULL DEFAULT 1,
    updated_at TEXT,
    updated_by INTEGER REFERENCES users (id)
) STRICT, WITHOUT ROWID;
INSERT INTO retention_terms (class, years) VALUES ('granted', 15), ('not_granted', 5), ('financial', 7);

ALTER TABLE cases ADD COLUMN legal_hold INTEGER NOT NULL DEFAULT 0 CHECK (legal_hold IN (0, 1));
ALTER TABLE cases ADD COLUMN legal_hold_reason TEXT;
ALTER TABLE cases ADD COLUMN erased_at TEXT;

CREATE TRIGGER cases_erasure_once BEFORE UPDATE ON cases
    WHEN OLD.erased_at IS NOT NULL OR (NEW.erased_at IS NOT NULL AND OLD.legal_hold = 1)
BEGIN
    SELECT RAISE(ABORT, 'an erased case never changes, and a case on legal hold is never erased');
END;

-- The rows of one case, for its erasure.
CREATE INDEX charge_reviews_by_case ON charge_reviews (case_id);
CREATE INDEX claims_by_case ON claims (case_id);

-- Who looked at a case, and what the audit trail says about it, by object.
CREATE INDEX audit_events_by_object ON audit_events (object_type, object_id, at);

-- The audit events about a case through another object: a charge on it
-- ('run:case:stream'), one of its claims, or a run action naming it. (An
-- event on the case itself is found by its object, with the index above.)
CREATE VIEW audit_case_mentions (event_id, case_id) AS
    SELECT id, CAST(substr(object_id, instr(object_id, ':') + 1,
                           instr(substr(object_id, instr(object_id, ':') + 1), ':') - 1) AS INTEGER)
    FROM audit_events WHERE object_type = 'charge'
    UNION ALL
    SELECT a.id, k.case_id FROM audit_events a JOIN claims k ON k.id = CAST(a.object_id AS INTEGER)
    WHERE a.object_type = 'claim'
    UNION ALL
    SELECT id, json_extract(after_json, '$.case') FROM audit_events
    WHERE object_type = 'chargeback_run' AND json_extract(after_json, '$.case') IS NOT NULL;

DROP TRIGGER audit_events_no_update;
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
    WHEN NOT (NEW.before_json IS NULL AND NEW.after_json IS NULL
              AND NEW.id = OLD.id AND NEW.at = OLD.at AND NEW.actor_id IS OLD.actor_id
              AND NEW.actor_name = OLD.actor_name AND NEW.action = OLD.action
              AND NEW.object_type = OLD.object_type AND NEW.object_id IS OLD.object_id
              AND NEW.address IS OLD.address
              AND ((OLD.object_type = 'case' AND EXISTS (SELECT 1 FROM cases c WHERE c.id = CAST(OLD.object_id AS INTEGER) AND c.erased_at IS NOT NULL))
                   OR EXISTS (SELECT 1 FROM audit_case_mentions v JOIN cases c ON c.id = v.case_id
                              WHERE v.event_id = OLD.id AND c.erased_at IS NOT NULL)))
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only');
END;

DROP TRIGGER canvases_frozen_stay;
CREATE TRIGGER canvases_frozen_stay BEFORE UPDATE ON canvases
    WHEN OLD.frozen = 1
     AND NOT (EXISTS (SELECT 1 FROM cases c WHERE c.id = OLD.case_id AND c.erased_at IS NOT NULL)
              AND NEW.case_id = OLD.case_id AND NEW.version = OLD.version
              AND NEW.investment_cents = OLD.investment_cents
              AND NEW.total_avoided_cents = OLD.total_avoided_cents
              AND NEW.frozen = OLD.frozen AND NEW.saved_by = OLD.saved_by AND NEW.edits = OLD.edits
              AND NEW.draft_form IS NULL
              AND NEW.saved_at <= OLD.saved_at AND NEW.saved_at >= strftime('%Y-%m-%dT%H:%M:%fZ', OLD.saved_at, '-32 days')
              AND substr(NEW.saved_at, 12) IN ('22:00:00.000Z', '23:00:00.000Z')
              AND json_extract(NEW.body, '$.texts.situation') IN ('', '[gewist]')
              AND json_extract(NEW.body, '$.texts.goal') IN ('', '[gewist]')
              AND json_extract(NEW.body, '$.texts.breakthrough') IN ('', '[gewist]'))
BEGIN
    SELECT RAISE(ABORT, 'a frozen canvas cannot be changed');
END;

DROP TRIGGER case_events_no_update;
CREATE TRIGGER case_events_no_update BEFORE UPDATE ON case_events
    WHEN NOT (EXISTS (SELECT 1 FROM cases c WHERE c.id = OLD.case_id AND c.erased_at IS NOT NULL)
              AND NEW.id = OLD.id AND NEW.case_id = OLD.case_id AND NEW.actor_id = OLD.actor_id
              AND NEW.action = OLD.action AND NEW.from_status IS OLD.from_status
              AND NEW.to_status = OLD.to_status
              AND NEW.at <= OLD.at AND NEW.at >= strftime('%Y-%m-%dT%H:%M:%fZ', OLD.at, '-32 days')
              AND substr(NEW.at, 12) IN ('22:00:00.000Z', '23:00:00.000Z')
              AND NEW.reason IS (CASE WHEN coalesce(OLD.reason, '') = '' THEN OLD.reason ELSE '[gewist]' END))
BEGIN
    SELECT RAISE(ABORT, 'case_events is append-only');
END;

DROP TRIGGER payments_no_update;
CREATE TRIGGER payments_no_update BEFORE UPDATE ON payments
    WHEN NOT (EXISTS (SELECT 1 FROM cases c WHERE c.id = OLD.case_id AND c.erased_at IS NOT NULL)
              AND NEW.id = OLD.id AND NEW.case_id = OLD.case_id AND NEW.tx_id = OLD.tx_id
              AND NEW.amount_cents = OLD.amount_cents AND NEW.paid_on = OLD.paid_on
              AND NEW.created_at = OLD.created_at AND NEW.created_by = OLD.created_by
              AND NEW.supplier = '[gewist]' AND NEW.reference = '[gewist]')
BEGIN
    SELECT RAISE(ABORT, 'payments are corrected by reversal, not changed');
END;

DROP TRIGGER payment_reversals_stay;
CREATE TRIGGER payment_reversals_stay BEFORE UPDATE ON payment_reversals
    WHEN NOT (EXISTS (SELECT 1 FROM cases c WHERE c.id = (SELECT p.case_id FROM payments p WHERE p.id = OLD.payment_id) AND c.erased_at IS NOT NULL)
              AND NEW.payment_id = OLD.payment_id AND NEW.tx_id = OLD.tx_id
              AND NEW.reversed_on = OLD.reversed_on AND NEW.created_at = OLD.created_at
              AND NEW.created_by = OLD.created_by AND NEW.reason = '[gewist]')
BEGIN
    SELECT RAISE(ABORT, 'a reversal is never changed');
END;

DROP TRIGGER receipts_stay;
CREATE TRIGGER receipts_stay BEFORE UPDATE ON receipts
    WHEN NOT (EXISTS (SELECT 1 FROM cases c WHERE c.id = (SELECT p.case_id FROM payments p WHERE p.id = OLD.payment_id) AND c.erased_at IS NOT NULL)
              AND NEW.payment_id = OLD.payment_id AND NEW.received_on = strftime('%Y-%m-01', OLD.received_on)
              AND NEW.created_at = OLD.created_at AND NEW.created_by = OLD.created_by
              AND NEW.note = (CASE WHEN OLD.note = '' THEN '' ELSE '[gewist]' END))
BEGIN
    SELECT RAISE(ABORT, 'a receipt is never changed');
END;

DROP TRIGGER evaluations_stay;
CREATE TRIGGER evaluations_stay BEFORE UPDATE ON evaluations
    WHEN NOT (EXISTS (SELECT 1 FROM cases c WHERE c.id = OLD.case_id AND c.erased_at IS NOT NULL)
              AND NEW.id = OLD.id AND NEW.case_id = OLD.case_id
              AND NEW.canvas_version = OLD.canvas_version AND NEW.moment = OLD.moment
              AND NEW.version = OLD.version AND NEW.goal = OLD.goal
              AND NEW.evaluated_on = OLD.evaluated_on
              AND NEW.total_projected_cents = OLD.total_projected_cents
              AND NEW.total_realised_cents = OLD.total_realised_cents
              AND NEW.created_at = OLD.created_at AND NEW.created_by = OLD.created_by
              AND NEW.goal_note = (CASE WHEN OLD.goal_note = '' THEN '' ELSE '[gewist]' END)
              AND NEW.reason IS (CASE WHEN coalesce(OLD.reason, '') = '' THEN OLD.reason ELSE '[gewist]' END))
BEGIN
    SELECT RAISE(ABORT, 'an evaluation is corrected by a new version, not changed');
END;

DROP TRIGGER evaluation_lines_stay;
CREATE TRIGGER evaluation_lines_stay BEFORE UPDATE ON evaluation_lines
    WHEN NOT (EXISTS (SELECT 1 FROM cases c WHERE c.id = (SELECT e.case_id FROM evaluations e WHERE e.id = OLD.evaluation_id) AND c.erased_at IS NOT NULL)
              AND NEW.evaluation_id = OLD.evaluation_id AND NEW.line_no = OLD.line_no
              AND NEW.outcome = OLD.outcome AND NEW.occurred_cents IS OLD.occurred_cents
              AND NEW.occurred_share IS OLD.occurred_share
              AND NEW.projected_cents = OLD.projected_cents AND NEW.realised_cents = OLD.realised_cents
              AND NEW.justification = (CASE WHEN OLD.justification = '' THEN '' ELSE '[gewist]' END))
BEGIN
    SELECT RAISE(ABORT, 'an evaluation is corrected by a new version, not changed');
END;

DROP TRIGGER chargeback_runs_posted_stay;
CREATE TRIGGER chargeback_runs_posted_stay BEFORE UPDATE ON chargeback_runs
    WHEN OLD.status IN ('posted', 'discarded')
     AND NOT (EXISTS (SELECT 1 FROM cases c WHERE c.id = OLD.reversed_case AND c.erased_at IS NOT NULL)
              AND NEW.id = OLD.id AND NEW.kind = OLD.kind AND NEW.status = OLD.status
              AND NEW.period_from = OLD.period_from AND NEW.period_to = OLD.period_to
              AND NEW.reverses IS OLD.reverses AND NEW.reversed_case IS OLD.reversed_case
              AND NEW.booking_date IS OLD.booking_date AND NEW.version = OLD.version
              AND NEW.created_at = OLD.created_at AND NEW.created_by = OLD.created_by
              AND NEW.posted_at IS OLD.posted_at AND NEW.posted_by IS OLD.posted_by
              AND NEW.reason IS (CASE WHEN coalesce(OLD.reason, '') = '' THEN OLD.reason ELSE '[gewist]' END))
BEGIN
    SELECT RAISE(ABORT, 'a posted or discarded run never changes');
END;

DROP TRIGGER claims_closed_stay;
CREATE TRIGGER claims_closed_stay BEFORE UPDATE ON claims
    WHEN OLD.status IN ('paid', 'refused', 'withdrawn')
     AND NOT (EXISTS (SELECT 1 FROM cases c WHERE c.id = OLD.case_id AND c.erased_at IS NOT NULL)
              AND NEW.id = OLD.id AND NEW.run_id = OLD.run_id AND NEW.case_id = OLD.case_id
              AND NEW.stream_code = OLD.stream_code AND NEW.amount_cents = OLD.amount_cents
              AND NEW.status = OLD.status AND NEW.invoice_id IS OLD.invoice_id
              AND NEW.closed_on IS OLD.closed_on AND NEW.version = OLD.version
              AND NEW.reason IS (CASE WHEN coalesce(OLD.reason, '') = '' THEN OLD.reason ELSE '[gewist]' END))
BEGIN
    SELECT RAISE(ABORT, 'a closed claim never changes');
END;
