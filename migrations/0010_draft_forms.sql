-- A draft canvas with parts that are not complete yet (a line without its
-- months, a cost without a valid amount) keeps the form as typed beside the
-- canvas made of its complete parts, with what is missing: nothing typed is
-- lost, and the editor shows it again. NULL when the draft is complete.
-- Submitting is refused while it is set.
ALTER TABLE canvases ADD COLUMN draft_form TEXT CHECK (draft_form IS NULL OR json_valid(draft_form));
