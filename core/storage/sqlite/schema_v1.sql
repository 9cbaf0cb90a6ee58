CREATE TABLE tenants (
    id TEXT PRIMARY KEY,
    doc TEXT NOT NULL
) WITHOUT ROWID;

-- Products keep the full record as JSON in `doc`; the other columns exist to filter, sort and search
-- (small ones first, so filters never read past them). `seq` is a stable rowid for the FTS table.
-- The filter indexes end in (name, id, price_paise): a filtered page is read in name order without a
-- sort, and the price filter and counts are answered from the index alone.
CREATE TABLE products (
    seq INTEGER PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    id TEXT NOT NULL,
    name TEXT NOT NULL,
    brand TEXT NOT NULL,
    category TEXT NOT NULL,
    subcategory TEXT NOT NULL,
    price_paise INTEGER NOT NULL CHECK (price_paise >= 0),
    description TEXT NOT NULL,
    doc TEXT NOT NULL,
    UNIQUE (tenant_id, id)
);
CREATE INDEX products_by_category ON products (tenant_id, category, name, id, price_paise);
CREATE INDEX products_by_brand ON products (tenant_id, brand COLLATE NOCASE, name, id, price_paise);
CREATE INDEX products_by_name ON products (tenant_id, name, id, price_paise);
CREATE INDEX products_by_price ON products (tenant_id, price_paise);

CREATE TABLE product_sizes (
    tenant_id TEXT NOT NULL,
    product_id TEXT NOT NULL,
    size TEXT NOT NULL,
    PRIMARY KEY (tenant_id, product_id, size),
    FOREIGN KEY (tenant_id, product_id) REFERENCES products (tenant_id, id) ON DELETE CASCADE
) WITHOUT ROWID;

CREATE VIRTUAL TABLE products_fts USING fts5(
    name, brand, category, subcategory, description,
    content = 'products', content_rowid = 'seq', prefix = '2 3', tokenize = 'unicode61'
);

CREATE TRIGGER products_after_insert AFTER INSERT ON products BEGIN
    INSERT INTO products_fts (rowid, name, brand, category, subcategory, description)
    VALUES (new.seq, new.name, new.brand, new.category, new.subcategory, new.description);
    INSERT INTO product_sizes (tenant_id, product_id, size)
    SELECT DISTINCT new.tenant_id, new.id, value FROM json_each(new.doc, '$.sizes');
END;

CREATE TRIGGER products_after_update AFTER UPDATE ON products BEGIN
    INSERT INTO products_fts (products_fts, rowid, name, brand, category, subcategory, description)
    VALUES ('delete', old.seq, old.name, old.brand, old.category, old.subcategory, old.description);
    INSERT INTO products_fts (rowid, name, brand, category, subcategory, description)
    VALUES (new.seq, new.name, new.brand, new.category, new.subcategory, new.description);
    DELETE FROM product_sizes WHERE tenant_id = old.tenant_id AND product_id = old.id;
    INSERT INTO product_sizes (tenant_id, product_id, size)
    SELECT DISTINCT new.tenant_id, new.id, value FROM json_each(new.doc, '$.sizes');
END;

CREATE TRIGGER products_after_delete AFTER DELETE ON products BEGIN
    INSERT INTO products_fts (products_fts, rowid, name, brand, category, subcategory, description)
    VALUES ('delete', old.seq, old.name, old.brand, old.category, old.subcategory, old.description);
END;

CREATE TABLE inventory (
    tenant_id TEXT NOT NULL,
    product_id TEXT NOT NULL,
    size TEXT NOT NULL,
    region TEXT NOT NULL,
    available INTEGER NOT NULL CHECK (available >= 0),
    reserved INTEGER NOT NULL CHECK (reserved >= 0),
    version INTEGER NOT NULL CHECK (version >= 1),
    updated_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, product_id, size, region)
) WITHOUT ROWID;

-- Orders keep the full record as JSON in `doc`; `created_at` is a sortable UTC text.
CREATE TABLE orders (
    tenant_id TEXT NOT NULL,
    id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    status TEXT NOT NULL,
    version INTEGER NOT NULL CHECK (version >= 1),
    created_at TEXT NOT NULL,
    doc TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id)
) WITHOUT ROWID;
CREATE INDEX orders_by_user ON orders (tenant_id, user_id, created_at, id);
CREATE INDEX orders_by_status ON orders (tenant_id, status, created_at, id);

-- The key row is written before its order inside one transaction, so the reference is checked at commit.
CREATE TABLE idempotency_keys (
    tenant_id TEXT NOT NULL,
    key TEXT NOT NULL,
    order_id TEXT NOT NULL,
    doc TEXT NOT NULL,
    PRIMARY KEY (tenant_id, key),
    FOREIGN KEY (tenant_id, order_id) REFERENCES orders (tenant_id, id)
        ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED
) WITHOUT ROWID;
CREATE INDEX idempotency_keys_by_order ON idempotency_keys (tenant_id, order_id);

CREATE TABLE carts (
    tenant_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    version INTEGER NOT NULL CHECK (version >= 1),
    doc TEXT NOT NULL,
    PRIMARY KEY (tenant_id, user_id)
) WITHOUT ROWID;

CREATE TABLE users (
    tenant_id TEXT NOT NULL,
    id TEXT NOT NULL,
    doc TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id)
) WITHOUT ROWID;

CREATE TABLE consent_log (
    tenant_id TEXT NOT NULL,
    id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    consent_type TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    doc TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id)
) WITHOUT ROWID;
CREATE INDEX consent_log_by_user ON consent_log (tenant_id, user_id, recorded_at, id);
CREATE INDEX consent_log_by_type ON consent_log (tenant_id, user_id, consent_type, recorded_at, id);

CREATE TABLE audit_log (
    tenant_id TEXT NOT NULL,
    id TEXT NOT NULL,
    entity_type TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    at TEXT NOT NULL,
    doc TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id)
) WITHOUT ROWID;
CREATE INDEX audit_log_by_time ON audit_log (tenant_id, at, id);
CREATE INDEX audit_log_by_entity ON audit_log (tenant_id, entity_type, entity_id, at, id);
