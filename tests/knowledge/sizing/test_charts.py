"""The documented chart format: curated charts load, merchant uploads are validated and imported."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from knowledge.sizing.charts import (
    CHARTS_DIR,
    ApparelChart,
    ChartFormatError,
    ChartLibrary,
    FootwearChart,
    curated_library,
    import_chart,
    load_chart,
)
from knowledge.sizing.footwear import footwear_fit

ACME = {
    "id": "acme-running",
    "name": "Acme running shoes",
    "kind": "brand-published",
    "brand": "Acme",
    "source": "Acme size guide",
    "source_url": "https://acme.example/size-guide",
    "category": "footwear",
    "width_fitting": "standard",
    "toe_allowance_mm": 12.7,
    "rows": [
        {
            "size": "UK 7",
            "uk": 7,
            "us_men": 8,
            "us_women": 9,
            "eu": 41,
            "india": 7,
            "mondopoint": 258,
            "foot_min_mm": 250.0,
            "foot_max_mm": 260.0,
            "source": "Acme size guide",
        },
        {
            "size": "UK 8",
            "uk": 8,
            "us_men": 9,
            "us_women": 10,
            "eu": 42,
            "india": 8,
            "mondopoint": 267,
            "foot_min_mm": 260.0,
            "foot_max_mm": 270.0,
            "source": "Acme size guide",
        },
    ],
}


def _write(tmp_path: Path, data: object, name: str = "chart.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_every_curated_chart_loads_and_every_row_has_provenance() -> None:
    library = curated_library()
    assert library.standard_footwear is not None
    charts: list[FootwearChart | ApparelChart] = [
        library.standard_footwear,
        *library.footwear.values(),
        *library.apparel,
    ]
    assert len(charts) >= 15
    assert all(row.source for chart in charts for row in chart.rows)
    assert {chart.kind for chart in charts} == {"standard", "sample"}


def test_a_valid_merchant_chart_is_imported_and_used_for_fitting(tmp_path: Path) -> None:
    stored = import_chart(_write(tmp_path, ACME), tmp_path / "merchant")
    assert stored == tmp_path / "merchant" / "footwear" / "acme-running.yaml"
    library = ChartLibrary.from_dirs(CHARTS_DIR, tmp_path / "merchant")
    fit = footwear_fit(262.0, None, 2.0, "acme", library=library)
    assert fit.chart_id == "acme-running"
    assert fit.chart_source == "https://acme.example/size-guide"
    assert fit.recommended == ["UK 8"]


def test_an_imported_apparel_chart_round_trips(tmp_path: Path) -> None:
    source = curated_library().apparel_charts("Chowk Basics", "tops")[0]
    data = yaml.safe_load((CHARTS_DIR / "apparel" / f"{source.id}.yaml").read_text(encoding="utf-8"))
    data["id"] = "merchant-copy"
    stored = import_chart(_write(tmp_path, data), tmp_path / "merchant")
    reloaded = load_chart(stored)
    assert isinstance(reloaded, ApparelChart)
    assert reloaded.rows == source.rows


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda c: c.pop("source_url"), "needs source_url"),
        (lambda c: c.pop("brand"), "needs the brand"),
        (lambda c: c.update(category="hats"), "category: must be 'footwear' or 'apparel'"),
        (lambda c: c.update(kind="official"), "kind:"),
        (
            lambda c: c["rows"][1].update(foot_max_mm=255.0),
            "rows[1]: foot_max_mm (255.0) must be above foot_min_mm (260.0)",
        ),
        (lambda c: c["rows"][1].update(foot_min_mm=240.0), "inside the range of rows[0]"),
        (lambda c: c["rows"][1].update(size="UK 7"), "appears twice"),
        (lambda c: c["rows"][0].pop("source"), "rows[0].source: Field required"),
        (lambda c: c.update(rows=[]), "rows: List should have at least 1 item"),
        (lambda c: c.update(colour="red"), "colour: Extra inputs are not permitted"),
    ],
)
def test_invalid_charts_say_what_is_wrong(tmp_path: Path, change, expected: str) -> None:  # type: ignore[no-untyped-def]
    chart = yaml.safe_load(yaml.safe_dump(ACME))
    change(chart)
    with pytest.raises(ChartFormatError) as error:
        import_chart(_write(tmp_path, chart), tmp_path / "merchant")
    assert expected in error.value.message
    assert error.value.details["problems"]
    assert not (tmp_path / "merchant").exists()


def test_apparel_rows_need_a_measurement_and_ordered_ranges(tmp_path: Path) -> None:
    chart = {
        "id": "x",
        "name": "x",
        "kind": "sample",
        "brand": "X",
        "source": "hand",
        "category": "apparel",
        "garment": "tops",
        "gender": "men",
        "fit_type": "regular",
        "rows": [{"size": "M", "source": "hand"}, {"size": "L", "chest_cm": [100, 96], "source": "hand"}],
    }
    with pytest.raises(ChartFormatError) as error:
        load_chart(_write(tmp_path, chart))
    problems = " | ".join(error.value.details["problems"])
    assert "size M gives none of chest_cm" in problems
    assert "high (96.0) must be above low (100.0)" in problems


def test_broken_yaml_and_non_mapping_files_are_reported(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("id: [unclosed", encoding="utf-8")
    with pytest.raises(ChartFormatError, match="not valid YAML"):
        load_chart(broken)
    with pytest.raises(ChartFormatError, match="a chart is a mapping"):
        load_chart(_write(tmp_path, ["a", "list"]))


def test_a_merchant_chart_replaces_the_curated_chart_of_the_same_brand_garment_and_gender(
    tmp_path: Path,
) -> None:
    data = yaml.safe_load((CHARTS_DIR / "apparel" / "chowk-basics-tops-men.yaml").read_text(encoding="utf-8"))
    data.update(id="chowk-basics-tops-men-2027", fit_type="slim", source="Chowk Basics 2027 re-cut")
    import_chart(_write(tmp_path, data), tmp_path / "merchant")
    library = ChartLibrary.from_dirs(CHARTS_DIR, tmp_path / "merchant")
    men_tops = [chart for chart in library.apparel_charts("Chowk Basics", "tops") if chart.gender == "men"]
    assert [(chart.id, chart.fit_type) for chart in men_tops] == [("chowk-basics-tops-men-2027", "slim")]
