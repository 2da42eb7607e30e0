-- The application role that row-level security applies to: it owns nothing and cannot bypass RLS.
-- Sessions switch to it per transaction (SET LOCAL ROLE) with app.tenant_id set beside it.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'redoubt_app') THEN
    CREATE ROLE redoubt_app NOLOGIN NOBYPASSRLS;
  END IF;
END
$$;

CREATE TABLE tenants (
  id text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
  name text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE notes (
  tenant_id text NOT NULL REFERENCES tenants (id),
  id uuid NOT NULL,
  customer_id text NOT NULL CHECK (length(customer_id) BETWEEN 1 AND 128),
  author_sub text NOT NULL,
  author_email text NOT NULL,
  body text NOT NULL CHECK (length(body) BETWEEN 1 AND 4000),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX notes_by_customer ON notes (tenant_id, customer_id, created_at DESC);

-- Row-level security: every tenant table, ENABLE and FORCE, policy on the per-transaction tenant.
ALTER TABLE notes ENABLE ROW LEVEL SECURITY;
ALTER TABLE notes FORCE ROW LEVEL SECURITY;
CREATE POLICY notes_tenant ON notes
  USING (tenant_id = current_setting('app.tenant_id', true))
  WITH CHECK (tenant_id = current_setting('app.tenant_id', true));

GRANT USAGE ON SCHEMA public TO redoubt_app;
GRANT SELECT ON tenants TO redoubt_app;
GRANT SELECT, INSERT ON notes TO redoubt_app;
