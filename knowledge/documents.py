"""Turns pakka's curated knowledge into `KnowledgeDoc`s for the search index, with stable citation ids.

Ids: "chart:<chart>:<size>" for a size-chart row, "chart:<chart>" for the chart's fit rule,
"fit:width-<name>" and "fit:type-<name>" for width fittings and fit types, "ingredient:<inci>",
"region:<slug>", "festival:<id>" and "article:<id>".
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from core.catalog.regions import find_region
from core.errors import InvalidInput
from knowledge.data import DATA_DIR
from knowledge.ingredients.table import IngredientInfo, IngredientTable, curated_table
from knowledge.regions import CityClimate, Festival, city_climates, festivals
from knowledge.search.documents import DocType, KnowledgeDoc
from knowledge.sizing.apparel import fit_types
from knowledge.sizing.charts import ApparelChart, ChartLibrary, FootwearChart, curated_library
from knowledge.sizing.footwear import width_fittings

ARTICLES_DIR = DATA_DIR / "articles"
_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n(.*)\Z", re.DOTALL)


def curated_documents(
    *,
    library: ChartLibrary | None = None,
    table: IngredientTable | None = None,
    articles_dir: Path = ARTICLES_DIR,
) -> list[KnowledgeDoc]:
    """Every curated document: charts, fit rules, ingredients, regions, festivals and articles."""
    charts = library or curated_library()
    every_chart: list[FootwearChart | ApparelChart] = [*charts.footwear.values(), *charts.apparel]
    if charts.standard_footwear is not None:
        every_chart.insert(0, charts.standard_footwear)
    docs: list[KnowledgeDoc] = []
    for chart in every_chart:
        docs.append(chart_rule_document(chart))
        docs.extend(chart_row_documents(chart))
    docs.extend(fit_rule_documents())
    docs.extend(ingredient_document(info) for info in (table or curated_table()).curated)
    docs.extend(region_document(climate) for climate in city_climates().values())
    docs.extend(festival_document(festival) for festival in festivals())
    docs.extend(article_document(path) for path in sorted(articles_dir.glob("*.md")))
    return docs


def chart_row_documents(chart: FootwearChart | ApparelChart) -> list[KnowledgeDoc]:
    """One document per size row, id "chart:<chart>:<size>" as returned in the fit results' row ids."""
    texts = _footwear_row_texts(chart) if isinstance(chart, FootwearChart) else _apparel_row_texts(chart)
    return [
        KnowledgeDoc(
            id=chart.row_id(size),
            doc_type=DocType.SIZE_CHART,
            title=f"{chart.name} {size}",
            text=text,
            category=chart.category,
            brand=chart.brand,
            source=_chart_source(chart),
            metadata={"chart_id": chart.id, "size": size, "kind": chart.kind, "row_source": row_source},
        )
        for size, text, row_source in texts
    ]


def _footwear_row_texts(chart: FootwearChart) -> list[tuple[str, str, str]]:
    owner = chart.brand or "Standard"
    return [
        (
            row.size,
            f"{owner} footwear size {row.size}: UK {row.uk:g}, India {row.india:g}, US men {row.us_men:g}, "
            f"US women {row.us_women:g}, EU {row.eu:g}, Mondopoint {row.mondopoint}. Fits a foot "
            f"{row.foot_min_mm:g}-{row.foot_max_mm:g} mm long ({chart.width_fitting} width).",
            row.source,
        )
        for row in chart.rows
    ]


def _apparel_row_texts(chart: ApparelChart) -> list[tuple[str, str, str]]:
    owner = chart.brand or "Standard"
    texts = []
    for row in chart.rows:
        ranges = ", ".join(
            f"{name.removesuffix('_cm')} {value.low:g}-{value.high:g} cm"
            for name, value in row.ranges().items()
        )
        labels = ", ".join(
            f"{kind} {value}"
            for kind, value in (("letter", row.letter), ("numeric", row.numeric), ("India", row.india))
            if value
        )
        text = (
            f"{owner} {chart.gender}'s {chart.garment} size {row.size} ({labels}), {chart.fit_type} fit: "
            f"body {ranges}."
        )
        texts.append((row.size, text, row.source))
    return texts


def chart_rule_document(chart: FootwearChart | ApparelChart) -> KnowledgeDoc:
    owner = chart.brand or "pakka's standard"
    if isinstance(chart, FootwearChart):
        runs = (
            "runs small: size up"
            if chart.size_offset < 0
            else "runs large: size down"
            if chart.size_offset > 0
            else "is true to size"
        )
        text = (
            f"{owner} footwear {runs} (offset {chart.size_offset:+g} UK sizes against the standard chart), "
            f"{chart.width_fitting} width fitting, toe allowance {chart.toe_allowance_mm:g} mm. "
            f"Sizes {chart.rows[0].size} to {chart.rows[-1].size}. Chart kind: {chart.kind}."
        )
        category = "footwear"
    else:
        text = (
            f"{owner} {chart.gender}'s {chart.garment} are cut in a {chart.fit_type} fit. "
            f"Sizes {', '.join(row.size for row in chart.rows)}. Chart kind: {chart.kind}."
        )
        category = "apparel"
    return KnowledgeDoc(
        id=f"chart:{chart.id}",
        doc_type=DocType.FIT_RULE,
        title=chart.name,
        text=text,
        category=category,
        brand=chart.brand,
        source=_chart_source(chart),
        metadata={"chart_id": chart.id, "kind": chart.kind},
    )


def fit_rule_documents() -> list[KnowledgeDoc]:
    docs = [
        KnowledgeDoc(
            id=f"fit:width-{fitting.name}",
            doc_type=DocType.FIT_RULE,
            title=f"{fitting.name} width fitting",
            text=(
                f"The {fitting.name} shoe width fitting (UK {'/'.join(fitting.uk_letters)}) suits feet whose "
                f"width is {fitting.ratio_min:.3f}-{fitting.ratio_max:.3f} of their length."
            ),
            category="footwear",
            source=fitting.source,
        )
        for fitting in width_fittings().values()
    ]
    docs += [
        KnowledgeDoc(
            id=f"fit:type-{ease.name}",
            doc_type=DocType.FIT_RULE,
            title=f"{ease.name} fit",
            text=(
                f"A {ease.name} fit adds {ease.chest_ease_cm[0]:g}-{ease.chest_ease_cm[1]:g} cm of ease "
                f"at the "
                f"chest, {ease.waist_ease_cm[0]:g}-{ease.waist_ease_cm[1]:g} cm at the waist and "
                f"{ease.hip_ease_cm[0]:g}-{ease.hip_ease_cm[1]:g} cm at the hip."
            ),
            category="apparel",
            source=ease.source,
        )
        for ease in fit_types().values()
    ]
    return docs


def ingredient_document(info: IngredientInfo) -> KnowledgeDoc:
    parts = [f"{info.inci}" + (f" (also {', '.join(info.synonyms)})" if info.synonyms else "") + "."]
    if info.functions:
        parts.append(f"Used as {', '.join(info.functions)}.")
    if info.comedogenic is not None:
        parts.append(f"Comedogenic rating {info.comedogenic}/5.")
    parts.append(f"Irritancy {info.irritancy}." + (" Known allergen." if info.allergen else ""))
    for label, values in (
        ("Suits", info.good_for),
        ("Use with care on", info.caution_for),
        ("Avoid for", info.avoid_for),
    ):
        if values:
            parts.append(f"{label} {', '.join(values)} skin.")
    if info.concerns:
        parts.append(f"Helps with {', '.join(info.concerns)}.")
    if info.climate_good or info.climate_caution:
        parts.append(
            f"Climate: good in {', '.join(info.climate_good) or 'any'}; "
            f"care in {', '.join(info.climate_caution) or 'none'}."
        )
    if info.conflicts:
        parts.append(f"Do not layer with {', '.join(info.conflicts)}.")
    return KnowledgeDoc(
        id=info.id,
        doc_type=DocType.INGREDIENT,
        title=info.inci,
        text=" ".join(parts),
        category="skincare",
        source=info.source,
        metadata={"inci": info.inci, "comedogenic": info.comedogenic},
    )


def region_document(climate: CityClimate) -> KnowledgeDoc:
    region = find_region(climate.slug)
    if region is None:
        raise InvalidInput(f"climate data names unknown region {climate.slug!r}")
    months = ", ".join(_MONTHS[month - 1] for month in climate.monsoon)
    winter = ", ".join(_MONTHS[month - 1] for month in climate.winter) or "none to speak of"
    text = (
        f"{region.city}, {region.state}: tier {region.tier} city in the {climate.zone} climate zone. "
        f"Monsoon months: {months}. Winter months: {winter}. "
        f"Otherwise the skin climate is {climate.dry_season}."
    )
    return KnowledgeDoc(
        id=f"region:{climate.slug}",
        doc_type=DocType.REGION,
        title=region.city,
        text=text,
        source=climate.source,
        metadata={"slug": climate.slug, "tier": region.tier, "zone": climate.zone},
    )


def festival_document(festival: Festival) -> KnowledgeDoc:
    where = "across India" if "all" in festival.states else "in " + ", ".join(festival.states)
    text = (
        f"{festival.name}: {festival.note}. Usually in {', '.join(_MONTHS[m - 1] for m in festival.months)} "
        f"{where}. Demand rises (about x{festival.demand_uplift:g}) for {', '.join(festival.categories)}."
    )
    return KnowledgeDoc(
        id=f"festival:{festival.id}",
        doc_type=DocType.REGION,
        title=festival.name,
        text=text,
        source=festival.source,
        metadata={"months": festival.months, "demand_uplift": festival.demand_uplift},
    )


def article_document(path: Path) -> KnowledgeDoc:
    """One markdown guide; its front matter must give id, title, category and source."""
    match = _FRONT_MATTER.match(path.read_text(encoding="utf-8"))
    if match is None:
        raise InvalidInput(f"{path.name}: an article starts with front matter between --- lines")
    meta = yaml.safe_load(match.group(1)) or {}
    missing = [key for key in ("id", "title", "category", "source") if not meta.get(key)]
    if missing:
        raise InvalidInput(f"{path.name}: front matter lacks {', '.join(missing)}", {"file": path.name})
    return KnowledgeDoc(
        id=f"article:{meta['id']}",
        doc_type=DocType.ARTICLE,
        title=str(meta["title"]),
        text=match.group(2).strip(),
        category=str(meta["category"]),
        source=str(meta["source"]),
        metadata={"file": path.name},
    )


def _chart_source(chart: FootwearChart | ApparelChart) -> str:
    if chart.kind == "brand-published":
        return f"brand-published: {chart.source_url}"
    return chart.source


_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
