-- Lists page by the last change within a status (approval and payment queues).
CREATE INDEX cases_by_status_updated ON cases (status, updated_at DESC, id DESC);
