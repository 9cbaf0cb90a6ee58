-- Generated store websites (core/records/sites.py): the record whole as JSON in `doc`, keyed by site id;
-- the owner columns list a user's sites.
CREATE TABLE sites (
    id TEXT PRIMARY KEY,
    owner_tenant_id TEXT NOT NULL,
    owner_user_id TEXT NOT NULL,
    status TEXT NOT NULL,
    version INTEGER NOT NULL CHECK (version >= 1),
    created_at TEXT NOT NULL,
    doc TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX sites_by_owner ON sites (owner_tenant_id, owner_user_id, created_at);
