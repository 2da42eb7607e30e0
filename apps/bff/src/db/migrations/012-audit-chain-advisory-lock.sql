-- The chain trigger of 011 kept the tenant's head in a row it updated per insert: one statement
-- inserting many rows (a cluster batch, a bulk load) then walks an ever longer chain of that row's
-- versions, quadratic in the rows. Instead the tenant's chain is serialised by a transaction-level
-- advisory lock and the head is read from the chain's own unique index: after the lock is granted,
-- READ COMMITTED sees the previous holder's committed row, and rows of the same statement are
-- visible to the trigger. (tenant_id, chain_pos) is unique, so a fork could never be stored anyway.
CREATE OR REPLACE FUNCTION audit_log_chain() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public, pg_temp AS $$
DECLARE
  last_pos bigint;
  last_hash bytea;
BEGIN
  IF current_setting('transaction_isolation') <> 'read committed' THEN
    -- A snapshot taken before the lock would miss the previous writer's row.
    RAISE EXCEPTION 'audit_log is written in READ COMMITTED transactions only';
  END IF;
  PERFORM pg_advisory_xact_lock(hashtextextended('audit_log:' || NEW.tenant_id, 0));
  SELECT chain_pos, row_hash INTO last_pos, last_hash FROM audit_log
    WHERE tenant_id = NEW.tenant_id AND chain_pos IS NOT NULL ORDER BY chain_pos DESC LIMIT 1;
  IF NOT FOUND THEN
    -- The tenant's first row: the genesis link is 32 zero bytes.
    last_pos := 0;
    last_hash := decode(repeat('00', 32), 'hex');
  END IF;
  NEW.chain_pos := last_pos + 1;
  NEW.prev_hash := last_hash;
  NEW.row_hash := audit_row_hash(NEW);
  RETURN NEW;
END
$$;
DROP TABLE audit_chain_head;
