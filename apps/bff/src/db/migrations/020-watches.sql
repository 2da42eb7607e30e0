-- Watches ("tripwires", docs/live.md): an analyst pins a customer, an identifier or the component
-- around a customer; a new link into it arriving from ingest is a hit, kept here with the link
-- that triggered it (services/watches.ts). Personal: each row belongs to the person who pinned it.
CREATE TABLE watches (
  tenant_id text NOT NULL REFERENCES tenants (id),
  id uuid NOT NULL,
  owner_sub text NOT NULL,
  owner_email text NOT NULL,
  target_type text NOT NULL CHECK (target_type IN ('customer', 'identifier', 'component')),
  -- The engine's node id: 'c:<customer id>' for a customer or a component, '<kind>:<value>'
  -- (normalised like the engine's link()) for an identifier.
  target text NOT NULL CHECK (length(target) BETWEEN 3 AND 400),
  note text CHECK (length(note) <= 500),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  -- Pinning the same thing twice is the same watch (the create route is idempotent on it).
  UNIQUE (tenant_id, owner_sub, target_type, target)
);

CREATE TABLE watch_hits (
  tenant_id text NOT NULL REFERENCES tenants (id),
  id bigint GENERATED ALWAYS AS IDENTITY,
  watch_id uuid NOT NULL,
  customer_id text NOT NULL,
  kind text NOT NULL,
  value text NOT NULL,
  linked_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  -- A link is new once; with several replicas each sees it (the change feed), and one row is kept.
  UNIQUE (tenant_id, watch_id, customer_id, kind, value),
  FOREIGN KEY (tenant_id, watch_id) REFERENCES watches (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX watch_hits_by_watch ON watch_hits (tenant_id, watch_id, id DESC);

-- Row-level security like every tenant table: the matcher loads each tenant's watches in that
-- tenant's transaction.
ALTER TABLE watches ENABLE ROW LEVEL SECURITY;
ALTER TABLE watches FORCE ROW LEVEL SECURITY;
CREATE POLICY watches_tenant ON watches
  USING (tenant_id = current_setting('app.tenant_id', true))
  WITH CHECK (tenant_id = current_setting('app.tenant_id', true));

ALTER TABLE watch_hits ENABLE ROW LEVEL SECURITY;
ALTER TABLE watch_hits FORCE ROW LEVEL SECURITY;
CREATE POLICY watch_hits_tenant ON watch_hits
  USING (tenant_id = current_setting('app.tenant_id', true))
  WITH CHECK (tenant_id = current_setting('app.tenant_id', true));

GRANT SELECT, INSERT, DELETE ON watches TO redoubt_app;
GRANT SELECT, INSERT, DELETE ON watch_hits TO redoubt_app;
