"""Knowledge-base retrieval for graphs: the `ask_knowledge_base` tool and the `retrieve` node.

Both read the knowledge base (`Services.knowledge`) and the tenant from the run context (`AppContext`); the
model chooses only the question and the filters. Every passage carries its source id so answers can cite it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from langchain_core.messages import HumanMessage
from langgraph.prebuilt import ToolRuntime
from langgraph.runtime import Runtime
from pydantic import BaseModel, ConfigDict, Field

from core.context import AppContext
from knowledge.search.documents import DocType, SearchFilters, SearchHit
from knowledge.search.service import KnowledgeBase
from tools.commerce.errors import tool_error
from tools.commerce.factory import commerce_tool

PASSAGE_CHARS = 700
NODE_RESULTS = 5


class AskKnowledgeBaseArgs(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    question: str = Field(
        min_length=1, max_length=300, description="What to look up, e.g. 'does Sprintara run small'."
    )
    category: str | None = Field(
        default=None, max_length=64, description="Only this category: footwear, apparel, skincare, home."
    )
    brand: str | None = Field(default=None, max_length=120, description="Only knowledge about this brand.")
    doc_types: list[DocType] | None = Field(
        default=None,
        description="Only these kinds: size_chart, fit_rule, ingredient, article, region, product.",
    )
    limit: int = Field(default=5, ge=1, le=10, description="How many passages to return.")


def passage(hit: SearchHit, question: str | None = None) -> dict[str, Any]:
    """A hit as the model and the citations see it: source id first, text trimmed to PASSAGE_CHARS (to the
    sentences that answer `question`, when one is given: `excerpt`)."""
    doc = hit.doc
    text = excerpt(doc.text, question)
    return {
        "source_id": doc.id,
        "title": doc.title,
        "doc_type": doc.doc_type.value,
        "category": doc.category,
        "brand": doc.brand,
        "source": doc.source,
        "text": text,
        "score": round(hit.score, 6),
    }


_SENTENCE_OR_ITEM = re.compile(r"(?<=[.!?\u0964])\s+|\n+\s*(?=[-*]\s)|\n{2,}")
_STEM = 5  # words compared by their first letters: "reapply" meets "reapplying", "exchange" "exchanges"


def excerpt(text: str, question: str | None = None) -> str:
    """At most PASSAGE_CHARS of `text`. A longer text keeps, for a question, its sentences and list items
    that share the most content words with the question (a rarer word in the text counting more), in order
    (a guide's answer to "how often should I reapply sunscreen?" sits in its fifth item, past what a cut
    from the start keeps); without a question, or where none shares a word, its beginning."""
    if len(text) <= PASSAGE_CHARS:
        return text
    parts = [part.strip() for part in _SENTENCE_OR_ITEM.split(text) if part and part.strip()]
    asked = _content_stems(question or "")
    shared = [asked & _content_stems(part) for part in parts]
    # A word in every part (the guide's topic) says less about which part answers than a rare one.
    spread = {stem: sum(stem in words for words in shared) for stem in asked}
    scores = [sum(1.0 / spread[stem] for stem in words) for words in shared]
    if not any(scores):
        return text[:PASSAGE_CHARS].rsplit(" ", 1)[0] + " ..."
    kept: set[int] = set()
    length = 0
    for index in sorted(range(len(parts)), key=lambda index: (-scores[index], index)):
        if scores[index] == 0:
            break
        if length + len(parts[index]) + 1 > PASSAGE_CHARS:
            continue
        kept.add(index)
        length += len(parts[index]) + 1
    if not kept:
        return text[:PASSAGE_CHARS].rsplit(" ", 1)[0] + " ..."
    chosen = [parts[index] for index in sorted(kept)]
    return " ... ".join(chosen) if len(kept) < len(parts) else "\n".join(chosen)


def _content_stems(text: str) -> set[str]:
    return {word[:_STEM] for word in re.findall(r"[a-z]{4,}|[\u0900-\u097f]{2,}", text.lower())}


def _knowledge(context: object) -> tuple[AppContext, KnowledgeBase]:
    if not isinstance(context, AppContext) or context.services.knowledge is None:
        raise tool_error("NO_KNOWLEDGE_BASE", "the knowledge base is not available in this conversation")
    return context, context.services.knowledge


@commerce_tool(AskKnowledgeBaseArgs)
def ask_knowledge_base(
    *,
    question: str,
    category: str | None,
    brand: str | None,
    doc_types: list[DocType] | None,
    limit: int,
    runtime: ToolRuntime[AppContext],
) -> dict[str, Any]:
    """Look up sizing charts, fit rules, skincare ingredient facts, regional climate and shopping guides (and
    this shop's products). Returns passages, each with the source_id to cite when you use it."""
    context, knowledge = _knowledge(runtime.context)
    filters = SearchFilters(tenant_id=context.tenant_id, category=category, brand=brand, doc_types=doc_types)
    hits = knowledge.search(question, filters, k=limit)
    return {"passages": [passage(hit, question) for hit in hits]}


def _question(state: Mapping[str, Any]) -> str | None:
    """The explicit `retrieval_query`, else the text of the latest human message."""
    query = state.get("retrieval_query")
    if isinstance(query, str) and query.strip():
        return query.strip()
    for message in reversed(state.get("messages") or []):
        if isinstance(message, HumanMessage):
            return message.text.strip() or None
    return None


def retrieve(state: Mapping[str, Any], runtime: Runtime[AppContext]) -> dict[str, Any]:
    """Graph node: knowledge passages for the request, as `{"retrieved": [passage, ...]}`.

    Reads `retrieval_query` (or the latest human message) and optional `category`, `brand` and
    `doc_types` from the state. Without a question or a knowledge base it returns no passages, so a graph
    can run (and answer with lower confidence) when the knowledge base is not built.
    """
    question = _question(state)
    knowledge = runtime.context.services.knowledge if isinstance(runtime.context, AppContext) else None
    if question is None or knowledge is None:
        return {"retrieved": []}
    filters = SearchFilters(
        tenant_id=runtime.context.tenant_id,
        category=state.get("category"),
        brand=state.get("brand"),
        doc_types=state.get("doc_types"),
    )
    hits = knowledge.search(question, filters, k=NODE_RESULTS)
    return {"retrieved": [passage(hit, question) for hit in hits]}
