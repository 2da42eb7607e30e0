-- Roles belong to the grant, not to the person (docs/decisions/0005-tenant-isolation.md).
-- Until now users.role applied to every tenant the person was granted, so granting a merchant of
-- one tenant the analyst role on another made them an analyst everywhere. From here on a person
-- holds one role per tenant (user_grants.role), and administering access is split in two:
--   * the tenant role 'admin' grants and revokes roles within that tenant only;
--   * users.platform_admin administers every tenant's access and holds no tenant role, so a
--     platform administrator reads no tenant's data.

-- 1. Each grant carries the role its person held when this runs.
ALTER TABLE user_grants ADD COLUMN role text;
ALTER TABLE user_grants ADD COLUMN kind text;
UPDATE user_grants g SET role = u.role, kind = u.kind FROM users u WHERE u.id = g.user_id;

-- 2. The old admin administered every tenant and read no data: that is the platform administrator.
--    Their tenant grants gave nothing but the right to administer, which platform_admin now holds.
ALTER TABLE users ADD COLUMN platform_admin boolean NOT NULL DEFAULT false;
UPDATE users SET platform_admin = true WHERE role = 'admin';
DELETE FROM user_grants g USING users u WHERE u.id = g.user_id AND u.role = 'admin';

-- 3. The person's role goes (with the CHECK that tied it to the kind).
ALTER TABLE users DROP COLUMN role;
ALTER TABLE users ADD CONSTRAINT users_platform_admin_is_user CHECK (NOT platform_admin OR kind = 'user');

-- 4. A service principal (kind 'service') holds the role 'service' in each of its tenants and
--    nothing else; a person holds only user roles. The grant repeats its person's kind, kept equal
--    by the foreign key, so the database itself refuses a mixed entry.
ALTER TABLE users ADD CONSTRAINT users_id_kind UNIQUE (id, kind);
ALTER TABLE user_grants ALTER COLUMN role SET NOT NULL;
ALTER TABLE user_grants ALTER COLUMN kind SET NOT NULL;
ALTER TABLE user_grants
  ADD CONSTRAINT user_grants_role CHECK (role IN ('analyst', 'lead', 'merchant', 'admin', 'service')),
  ADD CONSTRAINT user_grants_role_fits_kind CHECK ((kind = 'service') = (role = 'service')),
  ADD CONSTRAINT user_grants_user_kind FOREIGN KEY (user_id, kind) REFERENCES users (id, kind)
    ON DELETE CASCADE ON UPDATE CASCADE;
-- Who made the grant as it stands now (a role change replaces the grant's role in place).
ALTER TABLE user_grants ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
CREATE INDEX user_grants_tenant ON user_grants (tenant_id);

-- 5. Changes that concern no tenant (making or unmaking a platform administrator, disabling or
--    re-enabling a person) are audited here; changes to a tenant's grants go to that tenant's
--    audit_log. Append-only like audit_log, and out of the application role's reach.
CREATE TABLE platform_audit_log (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  actor_sub text NOT NULL,
  actor_email text NOT NULL,
  action text NOT NULL,
  outcome text NOT NULL CHECK (outcome IN ('success', 'failure')),
  object_type text NOT NULL,
  object_id text NOT NULL,
  request_id text,
  client_ip text,
  before jsonb,
  after jsonb
);
CREATE TRIGGER platform_audit_log_no_update BEFORE UPDATE OR DELETE ON platform_audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_immutable();
CREATE TRIGGER platform_audit_log_no_truncate BEFORE TRUNCATE ON platform_audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_immutable();
REVOKE ALL ON platform_audit_log FROM redoubt_app;
