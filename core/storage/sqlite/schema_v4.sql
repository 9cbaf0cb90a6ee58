-- Identity: login codes, refresh-token families, API keys and role grants (core/records/identity.py).

CREATE TABLE auth_records (
    tenant_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    user_id TEXT,
    version INTEGER NOT NULL CHECK (version >= 1),
    doc TEXT NOT NULL,
    PRIMARY KEY (tenant_id, kind, key)
) WITHOUT ROWID;
CREATE INDEX auth_records_by_user ON auth_records (tenant_id, user_id) WHERE user_id IS NOT NULL;
