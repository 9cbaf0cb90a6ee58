"""Every graph pakka serves, in one place: the API (single-shot routes and threads), the CLI, langgraph.json
(kept in step by tests/graphs/test_registry.py) and the eval runner read it.

Adding a graph: one file in graphs/ that builds it, and one entry here."""

from __future__ import annotations

from graphs import chat, checkout, decision, pricing, sitegen
from graphs.spec import GraphSpec

GRAPHS: dict[str, GraphSpec] = {
    spec.name: spec
    for spec in (
        GraphSpec(
            name="decision",
            description="3-5 products a shopper can be sure of, or an honest none and what would help",
            graph=decision.graph,
            input_schema=decision.DecisionInput,
            output_schema=decision.DecisionOutput,
            result_events={"result": "result"},
        ),
        GraphSpec(
            name="pricing",
            description="a price, range and confidence for a listing from the tenant's comparable sales",
            graph=pricing.graph,
            input_schema=pricing.PricingInput,
            output_schema=pricing.PricingOutput,
            result_events={"result": "result"},
        ),
        GraphSpec(
            name="checkout",
            description="the shopper's cart (or given lines) ordered after they approve it",
            graph=checkout.graph,
            input_schema=checkout.CheckoutInput,
            output_schema=checkout.CheckoutOutput,
            keeps_threads=True,
            result_events={"result": "result"},
        ),
        GraphSpec(
            name="chat",
            description="a shopping assistant over the catalog, cart, orders, sizing and guides; asks before "
            "it orders; English, Hindi and Hinglish",
            graph=chat.graph,
            input_schema=chat.ChatInput,
            output_schema=chat.ChatOutput,
            keeps_threads=True,
            token_nodes=frozenset({"agent"}),
            message_nodes=frozenset({"agent"}),
            attachment_input="image",
        ),
        GraphSpec(
            name="sitegen",
            description="a small business's description -> a reviewed, validated online store on pakka",
            graph=sitegen.graph,
            input_schema=sitegen.SitegenInput,
            output_schema=sitegen.SitegenOutput,
            keeps_threads=True,
            result_events={"result": "result"},
        ),
    )
}


def graph_spec(name: str) -> GraphSpec | None:
    return GRAPHS.get(name)
