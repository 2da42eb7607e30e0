-- The audit log's hash chain, one per tenant (docs/audit.md). Every insert into audit_log, from any
-- writer, goes through one BEFORE INSERT trigger: it locks the tenant's chain head row, numbers the
-- row (chain_pos 1, 2, 3 … per tenant), links it to the previous row's hash and hashes its canonical
-- content. Concurrent writers queue on the head row, so the chain cannot fork, and a writer cannot
-- forget it or supply its own hashes (the trigger overwrites them).

ALTER TABLE audit_log ADD COLUMN chain_pos bigint;
-- The role the actor held in the tenant (analyst, lead …) when the writer knows it.
ALTER TABLE audit_log ADD COLUMN actor_role text;

-- The head of each tenant's chain: written only by the trigger below, which runs as this table's
-- owner (SECURITY DEFINER); the application role has no privilege on it.
CREATE TABLE audit_chain_head (
  tenant_id text PRIMARY KEY REFERENCES tenants (id),
  pos bigint NOT NULL,
  head bytea NOT NULL
);
REVOKE ALL ON audit_chain_head FROM PUBLIC;

-- The canonical content of a row: a JSON array (jsonb's text form is deterministic: keys sorted,
-- one spelling per number) of every column except seq and row_hash, the time in UTC to the
-- microsecond, the previous hash in hex. The verifier recomputes exactly this.
CREATE FUNCTION audit_row_hash(r audit_log) RETURNS bytea LANGUAGE sql STABLE AS $$
  SELECT sha256(convert_to(jsonb_build_array(
    r.tenant_id, r.chain_pos, to_char(r.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
    r.actor_sub, r.actor_email, r.actor_role, r.action, r.outcome, r.object_type, r.object_id,
    r.request_id, r.caller_request_id, r.client_ip, r.before, r.after, encode(r.prev_hash, 'hex')
  )::text, 'UTF8'))
$$;

CREATE FUNCTION audit_log_chain() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public, pg_temp AS $$
DECLARE
  last_pos bigint;
  last_hash bytea;
BEGIN
  SELECT pos, head INTO last_pos, last_hash FROM audit_chain_head WHERE tenant_id = NEW.tenant_id FOR UPDATE;
  IF NOT FOUND THEN
    -- The tenant's first row: the genesis link is 32 zero bytes.
    INSERT INTO audit_chain_head (tenant_id, pos, head)
      VALUES (NEW.tenant_id, 0, decode(repeat('00', 32), 'hex')) ON CONFLICT (tenant_id) DO NOTHING;
    SELECT pos, head INTO last_pos, last_hash FROM audit_chain_head WHERE tenant_id = NEW.tenant_id FOR UPDATE;
  END IF;
  NEW.chain_pos := last_pos + 1;
  NEW.prev_hash := last_hash;
  NEW.row_hash := audit_row_hash(NEW);
  UPDATE audit_chain_head SET pos = NEW.chain_pos, head = NEW.row_hash WHERE tenant_id = NEW.tenant_id;
  RETURN NEW;
END
$$;

-- Rows written before this migration are chained once, here, in seq order (the migration runs as
-- the owner; the append-only triggers and forced row-level security are lifted for this block only).
ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update;
ALTER TABLE audit_log NO FORCE ROW LEVEL SECURITY;
DO $$
DECLARE
  r record;
  tenant text := NULL;
  pos bigint := 0;
  link bytea;
BEGIN
  FOR r IN SELECT tenant_id, seq FROM audit_log ORDER BY tenant_id, seq LOOP
    IF tenant IS DISTINCT FROM r.tenant_id THEN
      IF tenant IS NOT NULL THEN
        INSERT INTO audit_chain_head (tenant_id, pos, head) VALUES (tenant, pos, link);
      END IF;
      tenant := r.tenant_id;
      pos := 0;
      link := decode(repeat('00', 32), 'hex');
    END IF;
    pos := pos + 1;
    UPDATE audit_log SET chain_pos = pos, prev_hash = link WHERE tenant_id = r.tenant_id AND seq = r.seq;
    SELECT audit_row_hash(a) INTO link FROM audit_log a WHERE a.tenant_id = r.tenant_id AND a.seq = r.seq;
    UPDATE audit_log SET row_hash = link WHERE tenant_id = r.tenant_id AND seq = r.seq;
  END LOOP;
  IF tenant IS NOT NULL THEN
    INSERT INTO audit_chain_head (tenant_id, pos, head) VALUES (tenant, pos, link);
  END IF;
END
$$;
ALTER TABLE audit_log FORCE ROW LEVEL SECURITY;
ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update;

CREATE TRIGGER audit_log_chain BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_chain();

-- The chain's order is the listing's order (newest first); each filter has an index ending in it.
CREATE UNIQUE INDEX audit_log_chain_pos ON audit_log (tenant_id, chain_pos);
CREATE INDEX audit_log_by_actor ON audit_log (tenant_id, actor_email, chain_pos);
CREATE INDEX audit_log_by_action ON audit_log (tenant_id, action, chain_pos);
CREATE INDEX audit_log_by_object ON audit_log (tenant_id, object_id, chain_pos);
CREATE INDEX audit_log_by_time ON audit_log (tenant_id, at);

-- Signed checkpoints of each chain's head (HMAC under a key derived from REDOUBT_SECRET), written
-- by the BFF periodically: a tail deleted after a checkpoint leaves the checkpoint pointing past
-- the chain's end. Append-only like audit_log.
CREATE TABLE audit_checkpoints (
  tenant_id text NOT NULL REFERENCES tenants (id),
  chain_pos bigint NOT NULL,
  row_hash bytea NOT NULL,
  at timestamptz NOT NULL DEFAULT now(),
  mac text NOT NULL,
  PRIMARY KEY (tenant_id, chain_pos)
);
CREATE TRIGGER audit_checkpoints_no_update BEFORE UPDATE OR DELETE ON audit_checkpoints
  FOR EACH ROW EXECUTE FUNCTION audit_log_immutable();
CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON audit_checkpoints
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_immutable();
ALTER TABLE audit_checkpoints ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_checkpoints FORCE ROW LEVEL SECURITY;
CREATE POLICY audit_checkpoints_tenant ON audit_checkpoints
  USING (tenant_id = current_setting('app.tenant_id', true))
  WITH CHECK (tenant_id = current_setting('app.tenant_id', true));
GRANT SELECT, INSERT ON audit_checkpoints TO redoubt_app;
