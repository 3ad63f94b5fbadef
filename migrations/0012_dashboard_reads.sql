-- What the dashboard and the learning agenda read, without reading every
-- canvas's JSON body: the knelpunten of each canvas version, kept beside
-- the body by the database itself in the same transaction as every insert
-- and update of a canvas; and a covering index for a canvas's figures.

CREATE TABLE canvas_knelpunten (
    case_id      INTEGER NOT NULL,
    version      INTEGER NOT NULL,
    position     INTEGER NOT NULL,   -- the knelpunt's place in the canvas (0-based)
    law          TEXT,
    rule         TEXT,
    organisation TEXT,
    category     TEXT,
    PRIMARY KEY (case_id, version, position),
    FOREIGN KEY (case_id, version) REFERENCES canvases (case_id, version)
) STRICT, WITHOUT ROWID;

INSERT INTO canvas_knelpunten (case_id, version, position, law, rule, organisation, category)
    SELECT c.case_id, c.version, b.key, json_extract(b.value, '$.law'), json_extract(b.value, '$.rule'),
           json_extract(b.value, '$.organisation'), json_extract(b.value, '$.category')
    FROM canvases c, json_each(c.body, '$.blockers') b;

CREATE TRIGGER canvas_knelpunten_inserted AFTER INSERT ON canvases
BEGIN
    INSERT INTO canvas_knelpunten (case_id, version, position, law, rule, organisation, category)
        SELECT NEW.case_id, NEW.version, b.key, json_extract(b.value, '$.law'), json_extract(b.value, '$.rule'),
               json_extract(b.value, '$.organisation'), json_extract(b.value, '$.category')
        FROM json_each(NEW.body, '$.blockers') b;
END;

CREATE TRIGGER canvas_knelpunten_updated AFTER UPDATE OF body ON canvases
BEGIN
    DELETE FROM canvas_knelpunten WHERE case_id = NEW.case_id AND version = NEW.version;
    INSERT INTO canvas_knelpunten (case_id, version, position, law, rule, organisation, category)
        SELECT NEW.case_id, NEW.version, b.key, json_extract(b.value, '$.law'), json_extract(b.value, '$.rule'),
               json_extract(b.value, '$.organisation'), json_extract(b.value, '$.category')
        FROM json_each(NEW.body, '$.blockers') b;
END;

-- What a canvas version invests and avoids, read without its body.
CREATE INDEX canvases_figures ON canvases (case_id, version, investment_cents, total_avoided_cents);
