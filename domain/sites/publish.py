"""Publishing a generated site as a pakka store: the tenant (new, or the owner's), the spec's products with
their stock in the store's region, so that they appear in /v1/products, the chat and orders."""

from __future__ import annotations

import re
from decimal import Decimal

from core.schemas import TENANT_PATTERN, InventoryRecord, Product, Tenant
from core.storage.repositories import Store
from domain.sites.spec import SiteSpec, slugify


def new_tenant_id(business_name: str, site_id: str) -> str:
    """A readable, unique tenant id: the name's slug and the site's short id ("sharma-kirana-3f2a9c")."""
    suffix = re.sub(r"[^a-z0-9]", "", site_id.lower())[-6:] or "site"
    base = slugify(business_name, "store")[:48].strip("-") or "store"
    tenant_id = f"{base}-{suffix}"
    return tenant_id if re.match(TENANT_PATTERN, tenant_id) else f"store-{suffix}"


def site_products(spec: SiteSpec, tenant_id: str, site_id: str) -> list[Product]:
    return [
        Product(
            id=product.id,
            tenant_id=tenant_id,
            name=product.name,
            brand=spec.business_name[:120],
            category=spec.sector,
            subcategory=product.unit[:120],
            description=product.description,
            price_inr=Decimal(product.price_inr),
            sizes=product.sizes,
            attributes={"unit": product.unit, "site_id": site_id, "language": spec.language},
            images=[f"/sites/{site_id}/images/{product.id}.svg"],
            metadata_quality=0.6,
        )
        for product in spec.products
    ]


def site_stock(spec: SiteSpec, tenant_id: str) -> list[InventoryRecord]:
    """Each product's stock, for each of its sizes, in the store's region."""
    return [
        InventoryRecord(
            tenant_id=tenant_id, product_id=product.id, size=size, region=spec.region, available=product.stock
        )
        for product in spec.products
        for size in product.sizes
    ]


def create_store(store: Store, spec: SiteSpec, *, tenant_id: str, site_id: str) -> int:
    """The tenant (created when new, its name kept when it exists) with the spec's products and stock;
    returns how many products were written. Idempotent: publishing again rewrites the same rows."""
    if store.tenants.get(tenant_id) is None:
        store.tenants.put(Tenant(id=tenant_id, name=spec.business_name))
    written = store.products.put_many(site_products(spec, tenant_id, site_id))
    store.inventory.put_many(site_stock(spec, tenant_id))
    return written
