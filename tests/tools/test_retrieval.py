"""The retrieval tool and node, run inside real LangGraph graphs over an embedded knowledge index."""

from __future__ import annotations

import operator
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any, TypedDict

import pytest
from langchain_core.messages import AIMessage, AnyMessage, HumanMessage, ToolMessage
from langgraph.graph import END, START, MessagesState, StateGraph
from langgraph.graph.message import add_messages
from langgraph.prebuilt import ToolNode

from core.context import AppContext
from core.settings import Settings
from core.storage.factory import open_store
from graphs.services import Services
from knowledge.embeddings import MiniLMEmbedder
from knowledge.ingest import index_documents
from knowledge.search.documents import DocType, KnowledgeDoc
from knowledge.search.embedded import EmbeddedSearchBackend
from knowledge.search.service import KnowledgeBase
from tools.retrieval import PASSAGE_CHARS, ask_knowledge_base, excerpt, retrieve

TENANT = "shop"
DOCS = [
    KnowledgeDoc(
        id="fit:sprintara:runs-large",
        doc_type=DocType.FIT_RULE,
        title="Sprintara sizing",
        text="Sprintara performance shoes run about half a size large; size down half a size.",
        category="footwear",
        brand="Sprintara",
        source="pakka curated",
    ),
    KnowledgeDoc(
        id="article:how-to-measure-foot",
        doc_type=DocType.ARTICLE,
        title="How to measure your foot",
        text="Stand on paper, mark the heel and the longest toe, and measure the length in mm.",
        category="footwear",
        source="pakka curated",
    ),
    KnowledgeDoc(
        id="ingredient:niacinamide",
        doc_type=DocType.INGREDIENT,
        title="Niacinamide",
        text="Vitamin B3. Calms redness and helps oily, acne-prone skin.",
        category="skincare",
        source="pakka curated",
    ),
    KnowledgeDoc(
        id="product:sh-runner",
        tenant_id=TENANT,
        doc_type=DocType.PRODUCT,
        title="Sprintara Aero Runner",
        text="Sprintara running shoes with a cushioned sole.",
        category="footwear",
        brand="Sprintara",
        source="catalog",
    ),
    KnowledgeDoc(
        id="product:rival-runner",
        tenant_id="rival",
        doc_type=DocType.PRODUCT,
        title="Sprintara Aero Runner (rival listing)",
        text="Sprintara running shoes sold by another shop.",
        category="footwear",
        brand="Sprintara",
        source="catalog",
    ),
]


@pytest.fixture
def services(sqlite_settings: Settings, tmp_path: Path, minilm: MiniLMEmbedder) -> Iterator[Services]:
    backend = EmbeddedSearchBackend(tmp_path / "knowledge.db")
    index_documents(backend, minilm, DOCS)
    built = Services.build(sqlite_settings, open_store(sqlite_settings))
    built.knowledge = KnowledgeBase(backend=backend, embedder=minilm)
    try:
        yield built
    finally:
        built.close()


@pytest.fixture
def shopper(services: Services) -> AppContext:
    return AppContext(services=services, tenant_id=TENANT, user_id="u1")


def ask(context: AppContext, **args: Any) -> ToolMessage:
    builder = StateGraph(MessagesState, context_schema=AppContext)
    builder.add_node("tools", ToolNode([ask_knowledge_base]))
    builder.add_edge(START, "tools")
    builder.add_edge("tools", END)
    call = AIMessage(content="", tool_calls=[{"name": "ask_knowledge_base", "args": args, "id": "call-1"}])
    result = builder.compile().invoke({"messages": [call]}, context=context)
    message = result["messages"][-1]
    assert isinstance(message, ToolMessage)
    return message


def passages(message: ToolMessage) -> list[dict[str, Any]]:
    assert message.status == "success", message.content
    return message.artifact["passages"] if message.artifact else _parsed(message)["passages"]


def _parsed(message: ToolMessage) -> dict[str, Any]:
    import json

    return json.loads(message.content)


def test_the_tool_returns_passages_with_source_ids_to_cite(shopper: AppContext) -> None:
    found = passages(ask(shopper, question="do sprintara shoes run small or large?"))

    assert found[0]["source_id"] == "fit:sprintara:runs-large"
    assert found[0]["source"] == "pakka curated" and "half a size large" in found[0]["text"]
    assert {"source_id", "title", "doc_type", "category", "brand", "source", "text", "score"} <= found[
        0
    ].keys()


def test_the_tool_searches_the_shops_own_documents_and_global_knowledge_only(shopper: AppContext) -> None:
    found = passages(ask(shopper, question="sprintara aero runner running shoes", limit=10))

    ids = {p["source_id"] for p in found}
    assert "product:sh-runner" in ids and "fit:sprintara:runs-large" in ids
    assert "product:rival-runner" not in ids


def test_the_models_filters_narrow_the_search(shopper: AppContext) -> None:
    found = passages(
        ask(
            shopper,
            question="what helps with redness",
            category="skincare",
            doc_types=["ingredient"],
            limit=3,
        )
    )

    assert [p["source_id"] for p in found] == ["ingredient:niacinamide"]


def test_without_a_knowledge_base_the_model_gets_an_error_it_can_read(shopper: AppContext) -> None:
    shopper.services.knowledge = None

    message = ask(shopper, question="how do I measure my foot")

    assert message.status == "error"
    assert "NO_KNOWLEDGE_BASE" in str(message.content)


def test_bad_arguments_come_back_as_a_fixable_error(shopper: AppContext) -> None:
    message = ask(shopper, question="", limit=50)

    assert message.status == "error"
    assert "INVALID_ARGUMENTS" in str(message.content) and "limit" in str(message.content)


class RetrievalState(TypedDict, total=False):
    messages: Annotated[list[AnyMessage], add_messages]
    retrieval_query: str
    category: str
    retrieved: Annotated[list[dict[str, Any]], operator.add]


def run_retrieve_node(context: AppContext, state: RetrievalState) -> list[dict[str, Any]]:
    builder = StateGraph(RetrievalState, context_schema=AppContext)
    builder.add_node("retrieve", retrieve)
    builder.add_edge(START, "retrieve")
    builder.add_edge("retrieve", END)
    return builder.compile().invoke(state, context=context)["retrieved"]


def test_the_node_retrieves_for_the_latest_shopper_message(shopper: AppContext) -> None:
    retrieved = run_retrieve_node(
        shopper,
        {
            "messages": [
                HumanMessage("hi"),
                AIMessage("hello!"),
                HumanMessage("how should I measure my foot length?"),
            ]
        },
    )

    assert retrieved[0]["source_id"] == "article:how-to-measure-foot"


def test_the_node_prefers_an_explicit_query_and_applies_the_category(shopper: AppContext) -> None:
    retrieved = run_retrieve_node(
        shopper,
        {
            "messages": [HumanMessage("running shoes")],
            "retrieval_query": "oily skin redness",
            "category": "skincare",
        },
    )

    assert [p["source_id"] for p in retrieved] == ["ingredient:niacinamide"]


def test_the_node_returns_no_passages_without_a_knowledge_base_or_a_question(shopper: AppContext) -> None:
    assert run_retrieve_node(shopper, {"messages": [AIMessage("how can I help?")]}) == []

    shopper.services.knowledge = None
    assert run_retrieve_node(shopper, {"messages": [HumanMessage("how do I measure my foot")]}) == []


GUIDE = "\n".join(
    [
        "- Choose a broad-spectrum sunscreen with SPF 30 or higher; SPF 50 in Indian summers, at the beach.",
        "- Use enough: about a teaspoon for the face and neck, and a shot glass for the whole body.",
        "- Apply it 15 minutes before going out, on all skin that clothing will not cover.",
        "- Cloudy days still need sunscreen: most UV passes through clouds, even in the monsoon months.",
        "- Mineral filters such as zinc oxide and titanium dioxide are the gentlest on sensitive skin.",
        "- Shade, a hat and sunglasses add to sunscreen, most of all between 10 am and 4 pm in summer.",
        "- Store sunscreen out of the heat: a hot car or a sunny windowsill breaks its filters down faster.",
        "- Check the expiry date: most filters keep for about three years, less once the tube is opened.",
        "- Reapply every two hours outdoors, and straight after swimming or heavy sweating.",
    ]
)


def test_a_long_guide_is_cut_to_the_items_that_answer_the_question() -> None:
    assert len(GUIDE) > PASSAGE_CHARS

    found = excerpt(GUIDE, "how often should I reapply sunscreen?")

    assert "Reapply every two hours" in found  # past what a cut from the start keeps
    assert len(found) <= PASSAGE_CHARS


def test_without_a_question_or_a_shared_word_a_long_guide_keeps_its_beginning() -> None:
    for question in (None, "kurta kaise dhoye?"):
        found = excerpt(GUIDE, question)
        assert found.startswith("- Choose a broad-spectrum sunscreen")
        assert found.endswith(" ...") and len(found) <= PASSAGE_CHARS + len(" ...")


def test_a_short_text_is_kept_whole() -> None:
    assert excerpt("Wash khadi in cold water.", "how to wash khadi") == "Wash khadi in cold water."
