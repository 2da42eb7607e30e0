-- A write that commits inside the tenant's audit chain lock (migration 012) commits with
-- synchronous_commit off, so the lock is released before the WAL flush, and then waits for the
-- flush with `SELECT setval('commit_flush_barrier', 1)` in the same message: a synchronous
-- transaction that writes WAL, returning once the WAL past the write's COMMIT is durable
-- (db/database.ts commitWith, docs/decisions/0006-reviews-and-the-queue.md). Its value means nothing.
CREATE SEQUENCE commit_flush_barrier;
GRANT UPDATE ON SEQUENCE commit_flush_barrier TO redoubt_app;
