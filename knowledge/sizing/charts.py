"""The documented size-chart format: loading, validating and importing footwear and apparel charts.

A chart is one YAML (or JSON) file. Curated charts live in knowledge/data/charts/{footwear,apparel}/;
a merchant's uploads go through `import_chart` into their own data directory, with the same validation.
The format is described for merchants in knowledge/data/charts/FORMAT.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, model_validator

from core.errors import InvalidInput
from knowledge.data import DATA_DIR

CHARTS_DIR = DATA_DIR / "charts"
ChartKind = Literal["standard", "brand-published", "sample"]
WidthFittingName = Literal["narrow", "standard", "wide", "extra-wide"]
FitType = Literal["slim", "regular", "relaxed"]
Gender = Literal["men", "women", "unisex"]
ChartId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,62}$")]
Provenance = Annotated[str, Field(min_length=3, max_length=300)]


class ChartFormatError(InvalidInput):
    """A chart file that does not follow the documented format; `details["problems"]` lists each fault."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _ChartBase(_Strict):
    id: ChartId
    name: str = Field(min_length=1, max_length=200)
    kind: ChartKind
    brand: str | None = Field(default=None, min_length=1, max_length=120)
    source: Provenance
    source_url: str | None = Field(default=None, pattern=r"^https?://\S+$")

    @model_validator(mode="after")
    def _published_charts_cite_their_page(self) -> _ChartBase:
        if self.kind == "brand-published" and not self.source_url:
            raise ValueError("a brand-published chart needs source_url, the page the brand publishes it on")
        if self.kind != "standard" and self.brand is None:
            raise ValueError(f"a {self.kind} chart needs the brand it belongs to")
        return self

    def row_id(self, size: str) -> str:
        """The citation id of one row, e.g. "chart:sprintara:uk-8"."""
        return f"chart:{self.id}:{_slug(size)}"


class FootwearRow(_Strict):
    """One labelled size and the foot lengths it fits (mm, heel to longest toe, barefoot)."""

    size: str = Field(min_length=1, max_length=32)
    uk: float = Field(ge=0, le=20)
    us_men: float = Field(ge=0, le=21)
    us_women: float = Field(ge=0, le=22)
    eu: float = Field(ge=15, le=55)
    india: float = Field(ge=0, le=20)
    mondopoint: int = Field(ge=80, le=400)
    foot_min_mm: float = Field(ge=80, le=400)
    foot_max_mm: float = Field(ge=80, le=400)
    source: Provenance

    @model_validator(mode="after")
    def _range_is_ordered(self) -> FootwearRow:
        if self.foot_max_mm <= self.foot_min_mm:
            raise ValueError(
                f"foot_max_mm ({self.foot_max_mm}) must be above foot_min_mm ({self.foot_min_mm})"
            )
        return self


class FootwearChart(_ChartBase):
    """A brand's (or the standard) footwear chart. `size_offset` is in UK sizes against the standard
    chart: -0.5 means a labelled UK 8 fits like a standard UK 7.5 (the brand runs small)."""

    category: Literal["footwear"]
    width_fitting: WidthFittingName = "standard"
    toe_allowance_mm: float = Field(ge=0, le=30)
    size_offset: float = Field(default=0.0, ge=-2, le=2)
    rows: list[FootwearRow] = Field(min_length=1)

    @model_validator(mode="after")
    def _rows_are_sorted_and_do_not_overlap(self) -> FootwearChart:
        _require_unique_sizes(row.size for row in self.rows)
        for index, (smaller, larger) in enumerate(zip(self.rows, self.rows[1:], strict=False), start=1):
            if larger.foot_min_mm < smaller.foot_max_mm - 0.5:
                raise ValueError(
                    f"rows[{index}] ({larger.size}) starts at {larger.foot_min_mm} mm, inside the range of "
                    f"rows[{index - 1}] ({smaller.size}), which ends at {smaller.foot_max_mm} mm; list rows "
                    "from the smallest foot length up, without overlaps"
                )
        return self


class Range(_Strict):
    """A body-measurement range in cm; a size fits bodies with low <= measurement < high."""

    low: float = Field(gt=0, le=250)
    high: float = Field(gt=0, le=250)

    @model_validator(mode="before")
    @classmethod
    def _from_pair(cls, value: Any) -> Any:
        if isinstance(value, list | tuple):
            if len(value) != 2:
                raise ValueError("a range is written [low, high]")
            return {"low": value[0], "high": value[1]}
        return value

    @model_validator(mode="after")
    def _is_ordered(self) -> Range:
        if self.high <= self.low:
            raise ValueError(f"high ({self.high}) must be above low ({self.low})")
        return self

    @property
    def middle(self) -> float:
        return (self.low + self.high) / 2


BODY_DIMENSIONS = ("chest_cm", "waist_cm", "hip_cm", "inseam_cm")


class ApparelRow(_Strict):
    """One size with the BODY measurements it is cut for (not garment measurements)."""

    size: str = Field(min_length=1, max_length=32)
    letter: str | None = None
    numeric: str | None = None
    india: str | None = None
    chest_cm: Range | None = None
    waist_cm: Range | None = None
    hip_cm: Range | None = None
    inseam_cm: Range | None = None
    source: Provenance

    @model_validator(mode="after")
    def _has_a_measurement(self) -> ApparelRow:
        if not self.ranges():
            raise ValueError(f"size {self.size} gives none of {', '.join(BODY_DIMENSIONS)}")
        return self

    def ranges(self) -> dict[str, Range]:
        found = {name: getattr(self, name) for name in BODY_DIMENSIONS}
        return {name: value for name, value in found.items() if value is not None}


class ApparelChart(_ChartBase):
    """A brand's chart for one garment group (tops, bottoms, ethnic) and gender, cut in one fit type."""

    category: Literal["apparel"]
    garment: str = Field(pattern=r"^[a-z][a-z-]{1,30}$")
    gender: Gender
    fit_type: FitType
    rows: list[ApparelRow] = Field(min_length=1)

    @model_validator(mode="after")
    def _sizes_are_unique(self) -> ApparelChart:
        _require_unique_sizes(row.size for row in self.rows)
        return self


SizeChart = Annotated[FootwearChart | ApparelChart, Field(discriminator="category")]
_CHART_ADAPTER: TypeAdapter[FootwearChart | ApparelChart] = TypeAdapter(SizeChart)


def parse_chart(data: Any, origin: str = "<chart>") -> FootwearChart | ApparelChart:
    """Validate already-parsed chart data; raises ChartFormatError listing every problem by field path."""
    if not isinstance(data, dict):
        problem = "a chart is a mapping with id, name, kind, category and rows"
        raise ChartFormatError(f"{origin}: {problem}", {"file": origin, "problems": [problem]})
    if data.get("category") not in ("footwear", "apparel"):
        problem = f"category: must be 'footwear' or 'apparel', got {data.get('category')!r}"
        raise ChartFormatError(f"{origin}: {problem}", {"file": origin, "problems": [problem]})
    try:
        return _CHART_ADAPTER.validate_python(data)
    except ValidationError as error:
        problems = [_describe(issue) for issue in error.errors(include_url=False)]
        raise ChartFormatError(
            f"{origin}: " + "; ".join(problems), {"file": origin, "problems": problems}
        ) from None


def load_chart(path: Path) -> FootwearChart | ApparelChart:
    """Read and validate one chart file (YAML or JSON)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        problem = f"not valid YAML: {error}"
        raise ChartFormatError(
            f"{path.name}: {problem}", {"file": path.name, "problems": [problem]}
        ) from None
    return parse_chart(data, path.name)


class ChartLibrary:
    """Charts looked up by brand (case-insensitive); a later chart for the same brand (and, for apparel,
    garment and gender) replaces an earlier one."""

    def __init__(self, charts: Iterable[FootwearChart | ApparelChart]) -> None:
        self.footwear: dict[str, FootwearChart] = {}
        self.standard_footwear: FootwearChart | None = None
        apparel: dict[tuple[str, str, str], ApparelChart] = {}
        for chart in charts:
            if isinstance(chart, FootwearChart):
                if chart.kind == "standard":
                    self.standard_footwear = chart
                else:
                    self.footwear[_brand_key(chart.brand or "")] = chart
            else:
                apparel[(_brand_key(chart.brand or ""), chart.garment, chart.gender)] = chart
        self.apparel: list[ApparelChart] = list(apparel.values())

    @classmethod
    def from_dirs(cls, *directories: Path) -> ChartLibrary:
        """Load `<dir>/footwear/*.yaml` and `<dir>/apparel/*.yaml`; later directories override earlier."""
        paths = [
            path
            for directory in directories
            for group in ("footwear", "apparel")
            for path in sorted((directory / group).glob("*.y*ml"))
        ]
        return cls(load_chart(path) for path in paths)

    def footwear_chart(self, brand: str | None) -> FootwearChart | None:
        """The brand's footwear chart, or None when the brand has none (callers fall back to standard)."""
        return self.footwear.get(_brand_key(brand)) if brand else None

    def apparel_charts(self, brand: str, garment: str | None = None) -> list[ApparelChart]:
        key = _brand_key(brand)
        return [
            chart
            for chart in self.apparel
            if _brand_key(chart.brand or "") == key and (garment is None or chart.garment == garment)
        ]


@lru_cache(maxsize=1)
def curated_library() -> ChartLibrary:
    """The charts shipped with pakka, parsed once per process (they ship with the package, and a parse
    costs more than a whole foot measurement). Callers only read the library."""
    return ChartLibrary.from_dirs(CHARTS_DIR)


def import_chart(source: Path, data_dir: Path) -> Path:
    """Validate a merchant's chart file and store it as `<data_dir>/<category>/<id>.yaml`."""
    chart = load_chart(source)
    target = data_dir / chart.category / f"{chart.id}.yaml"
    target.parent.mkdir(parents=True, exist_ok=True)
    dumped = chart.model_dump(mode="json", exclude_none=True)
    if isinstance(chart, ApparelChart):
        for row in dumped["rows"]:
            for name in BODY_DIMENSIONS:
                if name in row:
                    row[name] = [row[name]["low"], row[name]["high"]]
    target.write_text(yaml.safe_dump(dumped, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return target


def _require_unique_sizes(sizes: Iterable[str]) -> None:
    seen: set[str] = set()
    for size in sizes:
        if size in seen:
            raise ValueError(f"size {size!r} appears twice")
        seen.add(size)


def _describe(issue: Any) -> str:
    location: Sequence[Any] = issue["loc"]
    if location and location[0] in ("footwear", "apparel"):  # the discriminator tag, not a field
        location = location[1:]
    path = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in location).lstrip(".")
    message = str(issue["msg"]).removeprefix("Value error, ")
    return f"{path or 'chart'}: {message}"


def _brand_key(brand: str) -> str:
    return " ".join(brand.lower().replace("&", "and").split())


def _slug(text: str) -> str:
    return "-".join("".join(ch if ch.isalnum() else " " for ch in text.lower()).split())
