-- The team's work figures (GET /api/tenants/:tenant/quality, docs/audit.md "Team figures"): when
-- each decided customer had entered the queue, kept on the review itself, and the indexes the
-- figures are read by.

-- When the customer entered the queue (or re-entered it by a reopen) before this review; null when
-- it was not in the queue (decided straight from search, or a decision on top of a decision), and
-- for reviews recorded before this migration. Filled by the trigger below on every insert, so no
-- writer can forget it.
ALTER TABLE reviews ADD COLUMN queued_at timestamptz;

CREATE FUNCTION reviews_queued_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.queued_at IS NULL AND NEW.kind IN ('decision', 'batch') THEN
    -- The state row is read before the review's own update of it (the store inserts the review
    -- first): its status is the one the decision moves the customer from. review_state keeps the
    -- first queued_at across a reopen, so a later reopen's time is taken when there is one.
    SELECT GREATEST(s.queued_at, (
             SELECT max(r.created_at) FROM reviews r
             WHERE r.tenant_id = NEW.tenant_id AND r.customer_id = NEW.customer_id AND r.kind = 'reopen'))
      INTO NEW.queued_at
      FROM review_state s
     WHERE s.tenant_id = NEW.tenant_id AND s.customer_id = NEW.customer_id AND s.status IN ('open', 'claimed');
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER reviews_queued_at BEFORE INSERT ON reviews FOR EACH ROW EXECUTE FUNCTION reviews_queued_at();

-- Decisions by time (the figures' range).
CREATE INDEX reviews_by_time ON reviews (tenant_id, created_at);
-- Claims and reassignments by time: the claims whose expiry falls in the range.
CREATE INDEX audit_log_claims_by_time ON audit_log (tenant_id, at)
  WHERE action IN ('queue.claim', 'queue.reassign');
