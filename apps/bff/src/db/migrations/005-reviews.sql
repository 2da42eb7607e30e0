-- Reviews: each customer's review state (versioned for If-Match), the append-only list of reviews,
-- idempotency keys, per-tenant review settings, cluster batches, and the outbox that carries each
-- review to the search index, the graph and the live bus after commit (docs/decisions/0006-reviews-and-the-queue.md).

CREATE TABLE review_settings (
  tenant_id text PRIMARY KEY REFERENCES tenants (id),
  sla_hours numeric NOT NULL DEFAULT 24 CHECK (sla_hours > 0),
  claim_idle_minutes numeric NOT NULL DEFAULT 30 CHECK (claim_idle_minutes > 0),
  undo_minutes numeric NOT NULL DEFAULT 10 CHECK (undo_minutes >= 0),
  -- [{ "id": "confirmed-fraud", "text": "Confirmed fraud" }, ...]; the defaults live in the store.
  reasons jsonb
);

CREATE TABLE review_state (
  tenant_id text NOT NULL REFERENCES tenants (id),
  customer_id text NOT NULL CHECK (length(customer_id) BETWEEN 1 AND 128),
  status text NOT NULL CHECK (status IN ('none', 'open', 'claimed', 'decided')),
  version integer NOT NULL DEFAULT 0,
  action text CHECK (action IN ('ALLOW', 'REVIEW', 'PREVENT')),
  label text,
  score double precision,
  name text,
  assignee_sub text,
  assignee_email text,
  claim_expires_at timestamptz,
  queued_at timestamptz,
  queue_reason text,
  updated_at timestamptz,
  updated_by_sub text,
  updated_by_email text,
  last_review_id uuid,
  PRIMARY KEY (tenant_id, customer_id),
  CHECK ((status = 'claimed') = (assignee_sub IS NOT NULL))
);
-- The queue is the open and claimed rows; `next` walks these in sort order with SKIP LOCKED.
CREATE INDEX review_queue_by_age ON review_state (tenant_id, queued_at, customer_id)
  WHERE status IN ('open', 'claimed');
CREATE INDEX review_queue_by_score ON review_state (tenant_id, score DESC NULLS LAST, queued_at, customer_id)
  WHERE status IN ('open', 'claimed');

CREATE TABLE review_batches (
  tenant_id text NOT NULL REFERENCES tenants (id),
  id uuid NOT NULL,
  label text NOT NULL,
  actor_sub text NOT NULL,
  actor_email text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  reverted_at timestamptz,
  reverted_by text,
  PRIMARY KEY (tenant_id, id)
);

CREATE TABLE reviews (
  tenant_id text NOT NULL REFERENCES tenants (id),
  id uuid NOT NULL,
  seq bigint GENERATED ALWAYS AS IDENTITY,
  customer_id text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('decision', 'undo', 'reopen', 'batch', 'batch-revert')),
  actor_sub text NOT NULL,
  actor_email text NOT NULL,
  action text,
  label text,
  reason text,
  reason_text text CHECK (length(reason_text) <= 2000),
  note text CHECK (length(note) <= 4000),
  before jsonb NOT NULL,
  after jsonb NOT NULL,
  version integer NOT NULL,
  undoes uuid,
  batch_id uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX reviews_by_customer ON reviews (tenant_id, customer_id, seq DESC);
CREATE INDEX reviews_by_batch ON reviews (tenant_id, batch_id) WHERE batch_id IS NOT NULL;

-- One stored answer per (tenant, caller, route, key): a retry replays it; another body is refused.
CREATE TABLE idempotency_keys (
  tenant_id text NOT NULL REFERENCES tenants (id),
  actor_sub text NOT NULL,
  route text NOT NULL,
  key text NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
  request_hash text NOT NULL,
  status_code integer NOT NULL,
  response jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, actor_sub, route, key)
);

-- Written in the review's transaction, drained in id order after commit. The drainer runs on the
-- owner connection across tenants, so this table enables RLS for the application role without
-- FORCE (the owner reads every tenant's pending rows; the app role only inserts its own).
CREATE TABLE review_outbox (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id text NOT NULL REFERENCES tenants (id),
  customer_id text NOT NULL,
  payload jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  attempts integer NOT NULL DEFAULT 0,
  last_error text,
  done_at timestamptz
);
CREATE INDEX review_outbox_pending ON review_outbox (id) WHERE done_at IS NULL;

ALTER TABLE review_settings ENABLE ROW LEVEL SECURITY;
ALTER TABLE review_settings FORCE ROW LEVEL SECURITY;
CREATE POLICY review_settings_tenant ON review_settings
  USING (tenant_id = current_setting('app.tenant_id', true))
  WITH CHECK (tenant_id = current_setting('app.tenant_id', true));

ALTER TABLE review_state ENABLE ROW LEVEL SECURITY;
ALTER TABLE review_state FORCE ROW LEVEL SECURITY;
CREATE POLICY review_state_tenant ON review_state
  USING (tenant_id = current_setting('app.tenant_id', true))
  WITH CHECK (tenant_id = current_setting('app.tenant_id', true));

ALTER TABLE review_batches ENABLE ROW LEVEL SECURITY;
ALTER TABLE review_batches FORCE ROW LEVEL SECURITY;
CREATE POLICY review_batches_tenant ON review_batches
  USING (tenant_id = current_setting('app.tenant_id', true))
  WITH CHECK (tenant_id = current_setting('app.tenant_id', true));

ALTER TABLE reviews ENABLE ROW LEVEL SECURITY;
ALTER TABLE reviews FORCE ROW LEVEL SECURITY;
CREATE POLICY reviews_tenant ON reviews
  USING (tenant_id = current_setting('app.tenant_id', true))
  WITH CHECK (tenant_id = current_setting('app.tenant_id', true));

ALTER TABLE idempotency_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE idempotency_keys FORCE ROW LEVEL SECURITY;
CREATE POLICY idempotency_keys_tenant ON idempotency_keys
  USING (tenant_id = current_setting('app.tenant_id', true))
  WITH CHECK (tenant_id = current_setting('app.tenant_id', true));

ALTER TABLE review_outbox ENABLE ROW LEVEL SECURITY;
CREATE POLICY review_outbox_tenant ON review_outbox
  USING (tenant_id = current_setting('app.tenant_id', true))
  WITH CHECK (tenant_id = current_setting('app.tenant_id', true));

-- Reviews are history: the application inserts and reads them, never rewrites them.
GRANT SELECT, INSERT ON reviews, review_outbox TO redoubt_app;
GRANT SELECT, INSERT, UPDATE ON review_state, review_batches, review_settings TO redoubt_app;
GRANT SELECT, INSERT ON idempotency_keys TO redoubt_app;
