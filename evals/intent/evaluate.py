"""How well the rule-based tier reads shopping messages.

Three measurements:
- Hinglish golden sets written by the project: hinglish_golden.jsonl (development: the parser was
  improved while looking at its misses) and hinglish_holdout.jsonl (written afterwards, never tuned
  on). Per-field accuracy over every message (a field the message does not state must stay empty), and
  attribute recall/precision.
- WebShop human instructions (../shared/data/webshop, MIT): the 2,396 dev instructions state no price,
  so "price bound accuracy" there is the share left without a bound despite their sizes, counts and
  volumes; then every instruction gets WebShop's own price clause appended ("and price lower than
  X dollars", X drawn with a fixed seed) and the bound must come back exactly.
- Attribute recall on every 40th WebShop instruction, hand-labelled by the project (webshop_labels.jsonl:
  colour, apparel/footwear size, brand, gender; no labels for product dimensions).

Run: `python -m evals.intent.evaluate [--webshop-dir PATH]`. Missing WebShop data is skipped with a reason.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agents.rules.budget import extract_price_bounds
from agents.rules.intent import parse_shopping_intent
from evals.shared_data import SHARED_DATA

HERE = Path(__file__).parent
GOLDEN = HERE / "hinglish_golden.jsonl"
HOLDOUT = HERE / "hinglish_holdout.jsonl"
WEBSHOP_LABELS = HERE / "webshop_labels.jsonl"
DEFAULT_WEBSHOP_DIR = SHARED_DATA / "webshop"
FIELDS = ("category", "budget_min_inr", "budget_max_inr", "size", "colour", "brand", "gender", "occasion")
ATTRIBUTES = ("size", "colour", "brand", "gender", "occasion")
PRICE_SEED = 20240607


@dataclass
class Score:
    correct: int = 0
    total: int = 0

    def add(self, ok: bool) -> None:
        self.correct += ok
        self.total += 1

    @property
    def rate(self) -> float:
        return self.correct / self.total if self.total else float("nan")


@dataclass
class AttributeScores:
    recall: dict[str, Score] = field(default_factory=dict)
    precision: dict[str, Score] = field(default_factory=dict)

    def add(self, name: str, gold: Any, predicted: Any) -> None:
        if gold is not None:
            self.recall.setdefault(name, Score()).add(matches(name, gold, predicted))
        if predicted is not None:
            self.precision.setdefault(name, Score()).add(gold is not None and matches(name, gold, predicted))

    @staticmethod
    def overall(scores: dict[str, Score]) -> Score:
        return Score(sum(s.correct for s in scores.values()), sum(s.total for s in scores.values()))


def _norm(value: Any) -> str:
    return " ".join(str(value).lower().replace("'", "").split())


def matches(name: str, gold: Any, predicted: Any) -> bool:
    """Exact after normalising case and spaces; a colour may name the gold shade's base ("lake blue")."""
    if predicted is None:
        return False
    if name in ("budget_min_inr", "budget_max_inr"):
        return abs(float(gold) - float(predicted)) < 0.5
    if name == "colour":
        return set(_norm(predicted).split()) <= set(_norm(gold).split())
    return _norm(gold) == _norm(predicted)


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@dataclass(frozen=True)
class GoldenResult:
    """One golden message: what the parser read and, per field, whether it is right."""

    row: dict[str, Any]
    predicted: dict[str, Any]
    fields: dict[str, bool]


def golden_results(path: Path = GOLDEN) -> list[GoldenResult]:
    results = []
    for row in _read_jsonl(path):
        predicted = parse_shopping_intent(row["text"]).model_dump()
        fields = {
            name: matches(name, row[name], predicted[name])
            if row.get(name) is not None
            else predicted[name] is None
            for name in FIELDS
        }
        results.append(GoldenResult(row, predicted, fields))
    return results


def evaluate_golden(path: Path = GOLDEN) -> tuple[dict[str, Score], AttributeScores]:
    fields = {name: Score() for name in FIELDS}
    attributes = AttributeScores()
    for result in golden_results(path):
        for name in FIELDS:
            fields[name].add(result.fields[name])
        for name in ("category", *ATTRIBUTES, "budget_min_inr", "budget_max_inr"):
            attributes.add(name, result.row.get(name), result.predicted[name])
    return fields, attributes


def webshop_price_results(instructions: list[str]) -> tuple[list[bool], list[bool]]:
    """Per instruction: no bound invented on the original; the exact bound back with a price clause added."""
    none_invented = [extract_price_bounds(text) is None for text in instructions]
    exact = []
    rng = random.Random(PRICE_SEED)
    for text in instructions:
        price = round(rng.uniform(5, 300), 2)
        bounds = extract_price_bounds(f"{text.rstrip('. ')}, and price lower than {price:.2f} dollars")
        exact.append(
            bounds is not None
            and bounds.currency == "USD"
            and bounds.low is None
            and bounds.high is not None
            and abs(bounds.high - price) < 0.005
        )
    return none_invented, exact


def evaluate_webshop_prices(instructions: list[str]) -> tuple[Score, Score]:
    """(no bound invented on the original instructions, exact bound on instructions with a price clause)."""
    none_invented, exact = Score(), Score()
    invented_results, exact_results = webshop_price_results(instructions)
    for ok in invented_results:
        none_invented.add(ok)
    for ok in exact_results:
        exact.add(ok)
    return none_invented, exact


def evaluate_webshop_attributes(
    instructions: list[str], labels_path: Path = WEBSHOP_LABELS
) -> AttributeScores:
    scores = AttributeScores()
    for label in _read_jsonl(labels_path):
        text = instructions[label["index"]]
        if hashlib.sha1(text.encode()).hexdigest()[:12] != label["sha1"]:
            raise ValueError(f"webshop instruction {label['index']} changed; labels no longer match")
        predicted = parse_shopping_intent(text).model_dump()
        for name in ("size", "colour", "brand", "gender"):
            scores.add(name, label.get(name), predicted[name])
    return scores


def _table(title: str, rows: Iterable[tuple[str, Score]]) -> str:
    lines = [title, f"  {'':<18}{'rate':>8}{'n':>8}"]
    lines += [f"  {name:<18}{score.rate:>8.3f}{score.correct:>5}/{score.total:<4}" for name, score in rows]
    return "\n".join(lines)


def _attribute_tables(title: str, scores: AttributeScores) -> str:
    recall = [*sorted(scores.recall.items()), ("ALL", scores.overall(scores.recall))]
    precision = [*sorted(scores.precision.items()), ("ALL", scores.overall(scores.precision))]
    return (
        _table(f"{title}: attribute recall", recall)
        + "\n"
        + _table(f"{title}: attribute precision", precision)
    )


def report(webshop_dir: Path) -> str:
    parts: list[str] = []
    for path in (GOLDEN, HOLDOUT):
        fields, attributes = evaluate_golden(path)
        parts.append(_table(f"{path.name}: field accuracy", fields.items()))
        parts.append(_attribute_tables(path.name, attributes))
    goals = webshop_dir / "human_goals_dev.json"
    if not goals.is_file():
        parts.append(f"WebShop: skipped, {goals} not found (the data lives in ../shared/data/webshop)")
        return "\n\n".join(parts)
    instructions: list[str] = json.loads(goals.read_text(encoding="utf-8"))
    none_invented, exact = evaluate_webshop_prices(instructions)
    parts.append(
        _table(
            f"WebShop price bounds ({len(instructions)} instructions)",
            [
                ("no bound invented", none_invented),
                ("clause bound exact", exact),
            ],
        )
    )
    parts.append(_attribute_tables("WebShop labelled sample", evaluate_webshop_attributes(instructions)))
    return "\n\n".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--webshop-dir", type=Path, default=DEFAULT_WEBSHOP_DIR)
    print(report(parser.parse_args().webshop_dir))


if __name__ == "__main__":
    main()
