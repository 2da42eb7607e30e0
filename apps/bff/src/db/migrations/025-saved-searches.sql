-- Saved searches: an analyst's named search screen (text, facet filters, score band, sort), listed
-- in the dashboard's side navigation (routes/saved-searches.ts). Personal: each row belongs to the
-- person who saved it and only they list or delete it; the tenant is enforced by row-level security.
CREATE TABLE saved_searches (
  tenant_id text NOT NULL REFERENCES tenants (id),
  -- Chosen by the client, so a resent create is the same search (idempotent).
  id uuid NOT NULL,
  owner_sub text NOT NULL,
  owner_email text NOT NULL,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
  -- The search as the API schema SavedSearchQuery has it (libs/contracts/src/api.ts).
  query jsonb NOT NULL CHECK (jsonb_typeof(query) = 'object'),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX saved_searches_by_owner ON saved_searches (tenant_id, owner_sub, created_at DESC);

ALTER TABLE saved_searches ENABLE ROW LEVEL SECURITY;
ALTER TABLE saved_searches FORCE ROW LEVEL SECURITY;
CREATE POLICY saved_searches_tenant ON saved_searches
  USING (tenant_id = current_setting('app.tenant_id', true))
  WITH CHECK (tenant_id = current_setting('app.tenant_id', true));

GRANT SELECT, INSERT, DELETE ON saved_searches TO redoubt_app;
