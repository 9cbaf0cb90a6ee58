"""The import benchmark's 100k history is synthesized from a small file: same layout, new ids, perturbed."""

from __future__ import annotations

import csv
from pathlib import Path

from evals.pricing.import_benchmark import synthesize

HEADER = ["train_id", "name", "item_condition_id", "category_name", "brand_name", "price", "shipping"]


def test_a_bigger_history_is_made_of_the_rows_again_with_new_ids_and_perturbed_titles_and_prices(
    tmp_path: Path,
) -> None:
    source = tmp_path / "small.tsv"
    with source.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream, delimiter="\t")
        writer.writerow(HEADER)
        writer.writerows(
            [["0", "Tee", "3", "Men/Tops", "", "10.0", "1"], ["1", "Mug", "1", "Home", "", "8", "0"]]
        )
    target = tmp_path / "big.tsv"

    synthesize(source, target, 10)

    with target.open(newline="", encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream, delimiter="\t"))
    assert [row["train_id"] for row in rows] == [str(n) for n in range(10)]
    assert rows[0]["name"] == "Tee" and rows[2]["name"].startswith("Tee ") and rows[2]["name"] != "Tee"
    assert {row["price"] for row in rows[2::2]} != {"10.0"}
