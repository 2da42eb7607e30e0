-- Append-only audit log (docs/threat-model.md L1, L3). The hash chain (L4) is added with the audit issue;
-- the columns that carry it exist from the start so no row is ever rewritten.
CREATE TABLE audit_log (
  tenant_id text NOT NULL REFERENCES tenants (id),
  seq bigint GENERATED ALWAYS AS IDENTITY,
  at timestamptz NOT NULL DEFAULT now(),
  actor_sub text NOT NULL,
  actor_email text NOT NULL,
  action text NOT NULL,
  outcome text NOT NULL CHECK (outcome IN ('success', 'failure')),
  object_type text NOT NULL,
  object_id text NOT NULL,
  request_id text,
  client_ip text,
  before jsonb,
  after jsonb,
  prev_hash bytea,
  row_hash bytea,
  PRIMARY KEY (tenant_id, seq)
);

CREATE FUNCTION audit_log_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only';
END
$$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_immutable();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_immutable();

ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_log FORCE ROW LEVEL SECURITY;
CREATE POLICY audit_tenant ON audit_log
  USING (tenant_id = current_setting('app.tenant_id', true))
  WITH CHECK (tenant_id = current_setting('app.tenant_id', true));
GRANT SELECT, INSERT ON audit_log TO redoubt_app;
