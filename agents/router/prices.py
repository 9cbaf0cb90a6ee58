"""Estimated cost of a call from its token counts: USD per million tokens, on-demand Bedrock list prices.

Keys are model ids without the cross-region prefix (`apac.`, `us.`, `eu.`, `global.`), which costs the
same. Unknown models and the local/rule tiers cost 0; the estimate is for dashboards, not invoices.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

REGION_PREFIXES = ("apac.", "us.", "eu.", "global.", "jp.", "au.", "ca.", "us-gov.")


@dataclass(frozen=True)
class Price:
    input_per_mtok: float
    output_per_mtok: float


BEDROCK_PRICES: dict[str, Price] = {
    "anthropic.claude-sonnet-4-5-20250929-v1:0": Price(3.00, 15.00),
    "anthropic.claude-sonnet-4-20250514-v1:0": Price(3.00, 15.00),
    "anthropic.claude-3-7-sonnet-20250219-v1:0": Price(3.00, 15.00),
    "anthropic.claude-3-5-sonnet-20240620-v1:0": Price(3.00, 15.00),
    "anthropic.claude-haiku-4-5-20251001-v1:0": Price(1.00, 5.00),
    "anthropic.claude-3-5-haiku-20241022-v1:0": Price(0.80, 4.00),
    "anthropic.claude-3-haiku-20240307-v1:0": Price(0.25, 1.25),
    "amazon.nova-pro-v1:0": Price(0.80, 3.20),
    "amazon.nova-lite-v1:0": Price(0.06, 0.24),
    "amazon.nova-micro-v1:0": Price(0.035, 0.14),
    "amazon.titan-text-express-v1": Price(0.20, 0.60),
    "amazon.titan-text-lite-v1": Price(0.15, 0.20),
    "meta.llama3-70b-instruct-v1:0": Price(2.65, 3.50),
    "meta.llama3-8b-instruct-v1:0": Price(0.30, 0.60),
    "meta.llama3-1-70b-instruct-v1:0": Price(0.72, 0.72),
    "meta.llama3-3-70b-instruct-v1:0": Price(0.72, 0.72),
}


class PriceTable:
    def __init__(self, prices: Mapping[str, Price] = BEDROCK_PRICES):
        self._prices = dict(prices)

    def price(self, model_id: str) -> Price | None:
        for prefix in REGION_PREFIXES:
            if model_id.startswith(prefix):
                model_id = model_id[len(prefix) :]
                break
        return self._prices.get(model_id)

    def cost_usd(self, model_id: str, input_tokens: int, output_tokens: int) -> float:
        price = self.price(model_id)
        if price is None:
            return 0.0
        return round(
            (input_tokens * price.input_per_mtok + output_tokens * price.output_per_mtok) / 1_000_000, 8
        )
