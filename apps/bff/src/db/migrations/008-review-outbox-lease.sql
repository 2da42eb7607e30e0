-- The followers of several BFF replicas drain one review outbox: each leases the rows it applies
-- (ReviewStore.leaseChanges: FOR UPDATE SKIP LOCKED, then leased_until), so a row is applied by one
-- follower; only the oldest pending row of a customer is leasable, so a customer's changes are
-- applied in order. A lease of a follower that died lapses (docs/decisions/0006-reviews-and-the-queue.md).
ALTER TABLE review_outbox ADD COLUMN leased_until timestamptz;
-- The oldest pending row of each customer.
CREATE INDEX review_outbox_pending_by_customer ON review_outbox (tenant_id, customer_id, id) WHERE done_at IS NULL;
