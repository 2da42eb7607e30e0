-- Who may sign in, with which role, to which tenants (docs/threat-model.md A7): looked up by the IAP
-- subject on every request, so a revocation takes effect at once. A row may start with only an
-- email (granted before the person's first sign-in); the first verified sign-in binds the subject.
-- Service principals (ingestion) are rows of kind 'service' with the role 'service' and nothing else.
CREATE TABLE users (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email text NOT NULL UNIQUE CHECK (email = lower(email) AND email ~ '^[^@\s]+@[^@\s]+$'),
  sub text UNIQUE CHECK (length(sub) BETWEEN 1 AND 255),
  kind text NOT NULL CHECK (kind IN ('user', 'service')),
  role text NOT NULL CHECK (role IN ('analyst', 'lead', 'merchant', 'admin', 'service')),
  disabled_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((kind = 'service') = (role = 'service'))
);

CREATE TABLE user_grants (
  user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  tenant_id text NOT NULL REFERENCES tenants (id),
  granted_at timestamptz NOT NULL DEFAULT now(),
  granted_by text NOT NULL,
  PRIMARY KEY (user_id, tenant_id)
);

-- The directory is read and written by the service's own (owner) connection, never inside a
-- tenant transaction: the application role gets no access to it at all.
REVOKE ALL ON users, user_grants FROM redoubt_app;
