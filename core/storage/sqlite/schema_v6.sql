-- Change counters per tenant (core/storage/repositories.py DataVersionRepository): caches of answers computed
-- from the catalog, the stock and the learned size offsets read them to tell whether anything changed. The
-- triggers move them inside the writing transaction, whatever code path writes.
CREATE TABLE data_versions (
    tenant_id TEXT NOT NULL,
    name TEXT NOT NULL,
    version INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, name)
) WITHOUT ROWID;

CREATE TRIGGER products_version_insert AFTER INSERT ON products BEGIN
    INSERT INTO data_versions (tenant_id, name, version) VALUES (new.tenant_id, 'products', 1)
    ON CONFLICT (tenant_id, name) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER products_version_update AFTER UPDATE ON products BEGIN
    INSERT INTO data_versions (tenant_id, name, version) VALUES (new.tenant_id, 'products', 1)
    ON CONFLICT (tenant_id, name) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER products_version_delete AFTER DELETE ON products BEGIN
    INSERT INTO data_versions (tenant_id, name, version) VALUES (old.tenant_id, 'products', 1)
    ON CONFLICT (tenant_id, name) DO UPDATE SET version = version + 1;
END;

-- Stock: only a row that appears or goes, or whose in-stock state (available > 0) flips, changes an answer
-- (an order that leaves a size in stock does not), so busy ordering leaves cached answers valid.
CREATE TRIGGER inventory_version_insert AFTER INSERT ON inventory BEGIN
    INSERT INTO data_versions (tenant_id, name, version) VALUES (new.tenant_id, 'stock', 1)
    ON CONFLICT (tenant_id, name) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER inventory_version_update AFTER UPDATE ON inventory
WHEN (old.available > 0) <> (new.available > 0) BEGIN
    INSERT INTO data_versions (tenant_id, name, version) VALUES (new.tenant_id, 'stock', 1)
    ON CONFLICT (tenant_id, name) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER inventory_version_delete AFTER DELETE ON inventory BEGIN
    INSERT INTO data_versions (tenant_id, name, version) VALUES (old.tenant_id, 'stock', 1)
    ON CONFLICT (tenant_id, name) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER size_offsets_version_insert AFTER INSERT ON size_offsets BEGIN
    INSERT INTO data_versions (tenant_id, name, version) VALUES (new.tenant_id, 'offsets', 1)
    ON CONFLICT (tenant_id, name) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER size_offsets_version_update AFTER UPDATE ON size_offsets BEGIN
    INSERT INTO data_versions (tenant_id, name, version) VALUES (new.tenant_id, 'offsets', 1)
    ON CONFLICT (tenant_id, name) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER size_offsets_version_delete AFTER DELETE ON size_offsets BEGIN
    INSERT INTO data_versions (tenant_id, name, version) VALUES (old.tenant_id, 'offsets', 1)
    ON CONFLICT (tenant_id, name) DO UPDATE SET version = version + 1;
END;
