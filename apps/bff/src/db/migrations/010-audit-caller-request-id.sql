-- The request id in audit_log.request_id is the server's own (never the caller's). A caller's
-- X-Request-Id is kept beside it for correlation, as an untrusted value
-- (docs/decisions/0005-tenant-isolation.md). Adding a nullable column rewrites no row, so the
-- append-only triggers of 002 are not involved.
ALTER TABLE audit_log ADD COLUMN caller_request_id text;
