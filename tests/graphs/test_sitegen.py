"""The site-generation graph on the rules tier: a sector question below the confidence threshold, the review
interrupt (approve, edit, reject with a note), the draft in the store and the site store, and publishing.

Validation here runs the browser-free checks only (the real html-validate and axe-core run in
tests/domain/sites/test_browser_validation.py and tests/api/routes/test_site_routes.py)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.store.memory import InMemoryStore
from langgraph.types import Command

from core.records.sites import SiteStatus
from core.schemas import ProductQuery
from core.settings import Settings
from domain.sites.checks import static_checks
from domain.sites.validation import ValidationReport
from graphs import sitegen
from graphs.context import GraphContext
from graphs.registry import GRAPHS
from graphs.services import Services

KIRANA = (
    "Sharma Kirana, fresh vegetables and daily groceries in Indore, home delivery in 2 hours, UPI and cash"
)


async def fake_validate(
    files: dict[str, str], *, lang: str, attempt: int, **_: Any
) -> tuple[ValidationReport, dict[str, bytes]]:
    findings = static_checks(files, lang=lang)
    report = ValidationReport(passed=not findings, complete=True, attempt=attempt, findings=findings)
    return report, {"index-390.png": b"\x89PNG fake"}


@pytest.fixture
def services(sqlite_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Services]:
    monkeypatch.setattr(sitegen, "validate_site", fake_validate)
    opened = Services.open(sqlite_settings.model_copy(update={"auth": False}))
    try:
        yield opened
    finally:
        opened.close()


class Run:
    def __init__(self, services: Services) -> None:
        self.graph = GRAPHS["sitegen"].with_persistence(InMemorySaver(), InMemoryStore())
        self.context = GraphContext(services=services, tenant_id="demo", user_id="owner-1")
        self.config = {"configurable": {"thread_id": "thread-1"}}

    async def start(self, **graph_input: Any) -> Any:
        await self.graph.ainvoke(graph_input, config=self.config, context=self.context)
        return await self.graph.aget_state(self.config)

    async def answer(self, decision: dict[str, Any]) -> Any:
        state = await self.graph.aget_state(self.config)
        interrupt_id = state.interrupts[0].id
        await self.graph.ainvoke(
            Command(resume={interrupt_id: {"decisions": [decision]}}),
            config=self.config,
            context=self.context,
        )
        return await self.graph.aget_state(self.config)


async def test_review_approve_stores_a_validated_draft(services: Services) -> None:
    run = Run(services)
    state = await run.start(description=KIRANA)

    question = state.interrupts[0].value
    assert question["action_requests"][0]["name"] == "review_site"
    assert question["review_configs"][0]["allowed_decisions"] == ["approve", "edit", "reject"]
    assert question["action_requests"][0]["args"]["business_name"] == "Sharma Kirana"
    site_id = state.values["site_id"]
    assert services.store.sites.get(site_id).status is SiteStatus.AWAITING_REVIEW

    state = await run.answer({"type": "approve"})

    record = services.store.sites.get(site_id)
    assert record.status is SiteStatus.DRAFT
    assert record.sector == "grocery" and record.sector_confidence >= 0.9
    assert record.validation["passed"] is True
    assert "index.html" in record.pages and "style.css" in record.pages
    assert record.screenshots == ["screenshots/index-390.png"]
    home = services.sites.read(site_id, "index.html").decode()
    assert '<html lang="en">' in home and "Sharma Kirana" in home and "₹" in home
    assert state.values["result"]["status"] == "DRAFT"


async def test_edit_changes_the_name_on_every_page(services: Services) -> None:
    run = Run(services)
    await run.start(description=KIRANA)

    state = await run.answer({"type": "edit", "args": {"business_name": "Sharma General Store"}})

    site_id = state.values["site_id"]
    pages = [path for path in services.sites.list(site_id) if path.endswith(".html")]
    assert len(pages) >= 10
    for path in pages:
        html = services.sites.read(site_id, path).decode()
        assert "<span>Sharma General Store</span>" in html, path  # the header's brand
        assert "Sharma General Store" in html.split("<title>")[1].split("</title>")[0] or path == "index.html"
    assert services.store.sites.get(site_id).business_name == "Sharma General Store"


async def test_an_invalid_edit_asks_again_with_the_reason(services: Services) -> None:
    run = Run(services)
    await run.start(description=KIRANA)

    state = await run.answer({"type": "edit", "args": {"products": []}})

    assert state.interrupts, "the review is asked again"
    description = state.interrupts[0].value["action_requests"][0]["description"]
    assert "not applied" in description and "products" in description


async def test_reject_with_a_note_proposes_again_following_it(services: Services) -> None:
    run = Run(services)
    await run.start(description=KIRANA)

    state = await run.answer({"type": "reject", "message": "call it Sharma Fresh Mart, in Hindi please"})

    proposal = state.interrupts[0].value["action_requests"][0]["args"]
    assert proposal["business_name"] == "Sharma Fresh Mart"
    assert proposal["language"] == "hi"
    assert proposal["products"][0]["name"] == "बासमती चावल"


async def test_reject_without_a_note_ends_the_wizard(services: Services) -> None:
    run = Run(services)
    await run.start(description=KIRANA)

    state = await run.answer({"type": "reject"})

    assert not state.interrupts
    assert services.store.sites.get(state.values["site_id"]).status is SiteStatus.REJECTED


async def test_an_unclear_sector_is_asked_not_guessed(services: Services) -> None:
    run = Run(services)
    state = await run.start(description="We sell sarees and chappals near the bus stand", auto_approve=True)

    question = state.interrupts[0].value["action_requests"][0]
    assert question["name"] == "choose_sector"
    assert state.values["sector_confidence"] < services.settings.sites_sector_threshold
    assert {"fashion", "footwear"} <= set(question["args"]["options"][:2])

    state = await run.answer({"type": "edit", "args": {"sector": "footwear"}})

    assert services.store.sites.get(state.values["site_id"]).sector == "footwear"
    assert state.values["result"]["status"] == "DRAFT"


@pytest.mark.parametrize(
    ("description", "language", "lang"),
    [
        ("गुप्ता किराना स्टोर, लखनऊ। दाल, चावल, आटा और ताज़ी सब्ज़ियां।", "hi", 'lang="hi"'),
        ("Hamari kirana dukaan Pune mein hai, sabzi aur ration milta hai", "hinglish", 'lang="hi-Latn"'),
    ],
)
async def test_hindi_and_hinglish_sites(
    services: Services, description: str, language: str, lang: str
) -> None:
    run = Run(services)
    state = await run.start(description=description, auto_approve=True)

    assert state.values["site_language"] == language
    home = services.sites.read(state.values["site_id"], "index.html").decode()
    assert lang in home


async def test_auto_approve_and_publish_make_an_orderable_store(services: Services) -> None:
    run = Run(services)
    state = await run.start(description=KIRANA, auto_approve=True, publish=True)

    result = state.values["result"]
    assert result["status"] == "PUBLISHED"
    tenant_id = result["tenant_id"]
    assert tenant_id.startswith("sharma-kirana-")
    found = services.store.products.search(tenant_id, ProductQuery(text="basmati", in_stock_region="indore"))
    assert [product.id for product in found.items] == ["basmati-rice"]
    assert services.identity.role_of(tenant_id, "owner-1").value == "merchant"
