-- Sales history for pricing (issue 6). Records are kept whole as JSON in `doc`; the other columns exist to
-- key, filter and sort.
CREATE TABLE listings (
    tenant_id TEXT NOT NULL,
    listing_id TEXT NOT NULL,
    status TEXT NOT NULL,
    version INTEGER NOT NULL CHECK (version >= 1),
    doc TEXT NOT NULL,
    PRIMARY KEY (tenant_id, listing_id)
) WITHOUT ROWID;
CREATE INDEX listings_by_status ON listings (tenant_id, status);

-- One row per sale; a relisted item that sells again adds a row (its listing version tells them apart).
CREATE TABLE sold_items (
    tenant_id TEXT NOT NULL,
    listing_id TEXT NOT NULL,
    listing_version INTEGER NOT NULL,
    category TEXT NOT NULL,
    sold_at TEXT NOT NULL,
    doc TEXT NOT NULL,
    PRIMARY KEY (tenant_id, listing_id, listing_version)
) WITHOUT ROWID;
CREATE INDEX sold_items_by_time ON sold_items (tenant_id, sold_at, listing_id);
CREATE INDEX sold_items_by_category ON sold_items (tenant_id, category, sold_at, listing_id);

-- Dedupe keys of applied events, each holding the outcome to replay until `expires_at`.
CREATE TABLE pricing_event_keys (
    tenant_id TEXT NOT NULL,
    event_type TEXT NOT NULL,
    event_id TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    outcome TEXT NOT NULL,
    PRIMARY KEY (tenant_id, event_type, event_id)
) WITHOUT ROWID;

CREATE TABLE pricing_dead_letters (
    tenant_id TEXT NOT NULL,
    id TEXT NOT NULL,
    failed_at TEXT NOT NULL,
    doc TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id)
) WITHOUT ROWID;
CREATE INDEX pricing_dead_letters_by_time ON pricing_dead_letters (tenant_id, failed_at, id);

CREATE TABLE listing_embeddings (
    tenant_id TEXT NOT NULL,
    listing_id TEXT NOT NULL,
    vector BLOB NOT NULL,
    PRIMARY KEY (tenant_id, listing_id)
) WITHOUT ROWID;
