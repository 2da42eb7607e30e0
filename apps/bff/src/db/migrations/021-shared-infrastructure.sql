-- Shared infrastructure (docs/live.md): identifier values staff have marked as shared by many
-- unrelated customers (a payment gateway's IP, an office address, a parcel locker), with the
-- reason. Every traversal of the tenant leaves them out (the engine's exclusion). Unmarking deletes
-- the row; both are audited.
CREATE TABLE shared_marks (
  tenant_id text NOT NULL REFERENCES tenants (id),
  id uuid NOT NULL,
  -- The engine's node id '<kind>:<value>', value normalised like the engine's link().
  node_id text NOT NULL CHECK (length(node_id) BETWEEN 3 AND 400),
  kind text NOT NULL,
  value text NOT NULL,
  reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
  created_by_sub text NOT NULL,
  created_by_email text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, node_id)
);

ALTER TABLE shared_marks ENABLE ROW LEVEL SECURITY;
ALTER TABLE shared_marks FORCE ROW LEVEL SECURITY;
CREATE POLICY shared_marks_tenant ON shared_marks
  USING (tenant_id = current_setting('app.tenant_id', true))
  WITH CHECK (tenant_id = current_setting('app.tenant_id', true));

GRANT SELECT, INSERT, DELETE ON shared_marks TO redoubt_app;
