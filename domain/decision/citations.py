"""Citations a shopper can read: each source id a recommendation rests on, as a titled link.

The ids stay in `Recommendation.citations` (for clients that resolve them); `cited_sources` turns them into
titles (and a web address where the source has one): a chart row becomes "Sprintara footwear, size UK 8",
the toe allowance its published sources, an ingredient its entry, a sensitivity rule its title and pages,
a knowledge-base guide its title. Ids nobody can title (a chart's free-text provenance) are left out."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

from pydantic import BaseModel, ConfigDict

from knowledge.ingredients.sensitivity import sensitivity_rules
from knowledge.ingredients.table import curated_table
from knowledge.sizing.charts import ApparelChart, FootwearChart, curated_library
from knowledge.sizing.footwear import TOE_ALLOWANCE_CITATION, toe_allowance

CURATED_REMEMBERED = 4096
"""Titled sources of packaged citation ids kept per process (chart rows, fit and ingredient rules)."""


class CitedSource(BaseModel):
    """One source behind a recommendation: its id, a title a shopper can read and, when it is on the web,
    its address."""

    model_config = ConfigDict(frozen=True)

    id: str
    title: str
    url: str | None = None


def cited_sources(citations: Iterable[str], guides: Sequence[dict[str, Any]] = ()) -> list[CitedSource]:
    """The titled sources of these citation ids, in order, each once; `guides` are the knowledge-base
    passages the ids may name (their titles come from there)."""
    titled_guides = {str(guide["source_id"]): str(guide.get("title") or "") for guide in guides}
    found: dict[tuple[str, str], CitedSource] = {}
    for citation in citations:
        for source in _resolve(citation, titled_guides):
            found.setdefault((source.title, source.url or ""), source)
    return list(found.values())


def _resolve(citation: str, guides: dict[str, str]) -> Sequence[CitedSource]:
    if citation in guides and guides[citation]:
        return [CitedSource(id=citation, title=guides[citation])]
    return _curated(citation)


@lru_cache(maxsize=CURATED_REMEMBERED)
def _curated(citation: str) -> tuple[CitedSource, ...]:
    """The sources of a citation of the packaged data (a chart row, a fit or ingredient rule), titled once
    per process: like the data they come from, they never change while it runs."""
    return tuple(_curated_sources(citation))


def _curated_sources(citation: str) -> list[CitedSource]:
    kind, _, rest = citation.partition(":")
    if kind == "chart":
        return _chart_row(citation, rest)
    if citation == TOE_ALLOWANCE_CITATION:
        return [
            CitedSource(
                id=citation,
                title=f"How much room a shoe needs in front of the toes: {source.title}",
                url=source.url,
            )
            for source in toe_allowance().sources
        ]
    if kind == "fit" and rest.startswith("type-"):
        return [
            CitedSource(id=citation, title=f"How a {rest.removeprefix('type-')} fit is cut (ease allowances)")
        ]
    if kind == "fit" and rest.startswith("width-"):
        return [CitedSource(id=citation, title=f"The {rest.removeprefix('width-')} shoe width fitting")]
    if kind == "ingredient":
        return _ingredient(citation)
    if kind == "skin-rule":
        rule = sensitivity_rules().by_citation(citation)
        if rule is None:
            return []
        return [
            CitedSource(id=source.citation or citation, title=f"{rule.title}: {source.title}", url=source.url)
            for source in rule.sources
        ]
    return []


def _chart_row(citation: str, rest: str) -> list[CitedSource]:
    chart_id, _, size_slug = rest.partition(":")
    chart = _charts().get(chart_id)
    if chart is None:
        return []
    size = next((row.size for row in chart.rows if chart.row_id(row.size) == citation), size_slug)
    return [CitedSource(id=citation, title=f"{chart.name}, size {size}", url=chart.source_url)]


def _ingredient(citation: str) -> list[CitedSource]:
    info = next((info for info in curated_table().curated if info.id == citation), None)
    if info is None:
        return []
    return [CitedSource(id=citation, title=f"{info.inci}: {info.source.removeprefix('pakka curated: ')}")]


@lru_cache(maxsize=1)
def _charts() -> dict[str, FootwearChart | ApparelChart]:
    library = curated_library()
    charts: list[FootwearChart | ApparelChart] = [*library.footwear.values(), *library.apparel]
    if library.standard_footwear is not None:
        charts.append(library.standard_footwear)
    return {chart.id: chart for chart in charts}
