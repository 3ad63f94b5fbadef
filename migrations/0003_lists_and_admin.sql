
-- Canvas templates: scenario lines a team reuses (saved from a canvas).
CREATE TABLE canvas_templates (
    id          INTEGER PRIMARY KEY,
    team_id     INTEGER NOT NULL REFERENCES teams (id),
    name        TEXT NOT NULL CHECK (length(trim(name)) BETWEEN 1 AND 100),
    -- JSON: {"threatening": [ScenarioLine], "realistic": [ScenarioLine]}
    lines       TEXT NOT NULL CHECK (json_valid(lines)),
    created_by  INTEGER NOT NULL REFERENCES users (id),
    created_at  TEXT NOT NULL,
    UNIQUE (team_id, name)
) STRICT;

-- The current canvas's totals on the case itself: lists read them without
-- touching the (large) canvas rows. Kept in step by every canvas write.
ALTER TABLE cases ADD COLUMN investment_cents INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN total_avoided_cents INTEGER NOT NULL DEFAULT 0;
UPDATE cases SET
    investment_cents = (SELECT cv.investment_cents FROM canvases cv
                        WHERE cv.case_id = cases.id AND cv.version = cases.current_version),
    total_avoided_cents = (SELECT cv.total_avoided_cents FROM canvases cv
                           WHERE cv.case_id = cases.id AND cv.version = cases.current_version)
WHERE EXISTS (SELECT 1 FROM canvases cv WHERE cv.case_id = cases.id AND cv.version = cases.current_version);

-- Lists page by the last change within a status (approval and payment
-- queues); the index covers the filters, so counting reads no rows.
CREATE INDEX cases_by_status_updated
    ON cases (status, updated_at DESC, id DESC, team_id, professional_id, investment_cents);
