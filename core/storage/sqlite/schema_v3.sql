-- Decision engine: shoppers' feedback on purchases, and the per-item / per-brand size offsets learned from it.

CREATE TABLE feedback_events (
    tenant_id TEXT NOT NULL,
    id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    doc TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id)
) WITHOUT ROWID;
CREATE INDEX feedback_events_by_user ON feedback_events (tenant_id, user_id, recorded_at, id);

CREATE TABLE size_offsets (
    tenant_id TEXT NOT NULL,
    scope TEXT NOT NULL CHECK (scope IN ('item', 'brand')),
    key TEXT NOT NULL,
    version INTEGER NOT NULL CHECK (version >= 1),
    doc TEXT NOT NULL,
    PRIMARY KEY (tenant_id, scope, key)
) WITHOUT ROWID;
