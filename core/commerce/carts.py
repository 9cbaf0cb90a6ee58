"""Shopping carts: validated against the catalog on the way in, priced from the catalog on the way out.

Every change is read-modify-write under the cart's optimistic version; a VersionConflict (another request
changed the cart meanwhile) re-reads and re-applies the change, so concurrent adds never lose each other.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from pydantic import BaseModel
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_random_exponential

from core.commerce.orders import MAX_LINE_QUANTITY
from core.errors import InvalidInput, NotFound, VersionConflict
from core.schemas import Cart, CartItem, Money, Product, utcnow
from core.storage.repositories import Store

CartChange = Callable[[list[CartItem]], list[CartItem]]

retry_on_version_conflict = retry(
    retry=retry_if_exception_type(VersionConflict),
    stop=stop_after_attempt(25),
    wait=wait_random_exponential(multiplier=0.005, max=0.1),
    reraise=True,
)


class CartLine(BaseModel):
    product_id: str
    size: str
    quantity: int
    name: str
    brand: str
    unit_price_inr: Money
    line_total_inr: Money


class CartView(BaseModel):
    user_id: str
    items: list[CartLine]
    total_inr: Money
    version: int


class CartService:
    def __init__(self, store: Store) -> None:
        self._store = store

    def view(self, tenant_id: str, user_id: str) -> CartView:
        """The cart at today's catalog prices. Lines whose product left the catalog are not shown."""
        return self._priced(self._store.carts.get(tenant_id, user_id))

    def add(self, tenant_id: str, user_id: str, product_id: str, size: str, quantity: int = 1) -> CartView:
        """Add units of one product size, merging with a line already in the cart."""
        if not 1 <= quantity <= MAX_LINE_QUANTITY:
            raise InvalidInput(f"quantity must be between 1 and {MAX_LINE_QUANTITY}", {"quantity": quantity})
        product = self._store.products.get(tenant_id, product_id)
        if product is None:
            raise NotFound(f"product {product_id} not found", {"product_id": product_id})
        if size not in product.sizes:
            raise InvalidInput(
                f"{product.name} does not come in size {size!r}",
                {"product_id": product_id, "size": size, "sizes": product.sizes},
            )

        def add_units(items: list[CartItem]) -> list[CartItem]:
            key = (product_id, size)
            current = next((item for item in items if (item.product_id, item.size) == key), None)
            if current is None:
                return [*items, CartItem(product_id=product_id, size=size, quantity=quantity)]
            total = current.quantity + quantity
            if total > MAX_LINE_QUANTITY:
                raise InvalidInput(
                    f"at most {MAX_LINE_QUANTITY} units of one product and size",
                    {"product_id": product_id, "size": size, "quantity": total},
                )
            return [
                item.model_copy(update={"quantity": total}) if item is current else item for item in items
            ]

        return self._priced(self._change(tenant_id, user_id, add_units))

    def remove(
        self,
        tenant_id: str,
        user_id: str,
        product_id: str,
        size: str | None = None,
        quantity: int | None = None,
    ) -> CartView:
        """Take units out; `quantity` None removes whole lines (every size of the product if `size` is None).

        Taking out a quantity needs the size when the product is in the cart in several sizes.
        NotFound when no line matches.
        """
        if quantity is not None and quantity < 1:
            raise InvalidInput("quantity to remove must be at least 1", {"quantity": quantity})

        def remove_units(items: list[CartItem]) -> list[CartItem]:
            matching = [item for item in items if item.product_id == product_id and size in (None, item.size)]
            if not matching:
                raise NotFound(
                    f"product {product_id} is not in the cart", {"product_id": product_id, "size": size}
                )
            if quantity is None:
                return [item for item in items if item not in matching]
            if len(matching) > 1:
                raise InvalidInput(
                    "the product is in the cart in several sizes; say which size",
                    {"product_id": product_id, "sizes": [item.size for item in matching]},
                )
            line = matching[0]
            if quantity >= line.quantity:
                return [item for item in items if item is not line]
            return [
                item.model_copy(update={"quantity": item.quantity - quantity}) if item is line else item
                for item in items
            ]

        return self._priced(self._change(tenant_id, user_id, remove_units))

    def clear(self, tenant_id: str, user_id: str) -> None:
        self._store.carts.clear(tenant_id, user_id)

    @retry_on_version_conflict
    def _change(self, tenant_id: str, user_id: str, change: CartChange) -> Cart:
        """Apply `change` to the freshly read cart's items and save it under the version that was read."""
        cart = self._store.carts.get(tenant_id, user_id)
        changed = cart.model_copy(update={"items": change(list(cart.items)), "updated_at": utcnow()})
        return self._store.carts.save(changed, expected_version=cart.version)

    def _priced(self, cart: Cart) -> CartView:
        product_ids = list(dict.fromkeys(item.product_id for item in cart.items))
        products = self._store.products.get_many(cart.tenant_id, product_ids) if product_ids else {}
        lines = [
            cart_line(item, products[item.product_id]) for item in cart.items if item.product_id in products
        ]
        return CartView(
            user_id=cart.user_id,
            items=lines,
            total_inr=sum((line.line_total_inr for line in lines), Decimal(0)),
            version=cart.version,
        )


def cart_line(item: CartItem, product: Product) -> CartLine:
    return CartLine(
        product_id=item.product_id,
        size=item.size,
        quantity=item.quantity,
        name=product.name,
        brand=product.brand,
        unit_price_inr=product.price_inr,
        line_total_inr=product.price_inr * item.quantity,
    )
