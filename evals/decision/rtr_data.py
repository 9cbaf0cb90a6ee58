"""RentTheRunway fit feedback (Misra et al., RecSys 2018) as arrays, and the user-disjoint split.

Data: ../shared/data/rtr_fit/rtr_dev.csv.gz, never copied into the repository."""

from __future__ import annotations

import csv
import gzip
import hashlib
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import numpy.typing as npt

from core.records.feedback import FitReport
from evals.shared_data import SHARED_DATA

DATA = SHARED_DATA / "rtr_fit" / "rtr_dev.csv.gz"
CLASSES = (FitReport.SMALL, FitReport.FIT, FitReport.LARGE)
"""Column order of every probability matrix in the eval; labels index into it."""
NUMERIC = ("height_in", "weight_lbs", "bust_size_num", "age")
TOP_BODY_TYPES = 8
TOP_CUPS = 8
TOP_CATEGORIES = 20

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Rentals:
    """One row per rental with a fit report, in file order."""

    labels: IntArray
    users: npt.NDArray[np.str_]
    items: list[str]
    groups: list[str]
    """The item's category (dress, gown, sheath...): RTR names no brands, so the category takes the brand's
    place as the offset shared by many items."""
    sizes: FloatArray
    body: FloatArray
    """Standardised height, weight, bust, age (means imputed) + missing flags + one-hot body type and cup."""
    categories: FloatArray
    """One-hot of the most common categories (the baseline's features)."""
    order: IntArray
    """Review date as an ordinal (0 when missing): the order feedback arrives in."""

    def subset(self, mask: npt.NDArray[np.bool_]) -> Rentals:
        return Rentals(
            labels=self.labels[mask],
            users=self.users[mask],
            items=[item for item, keep in zip(self.items, mask, strict=True) if keep],
            groups=[group for group, keep in zip(self.groups, mask, strict=True) if keep],
            sizes=self.sizes[mask],
            body=self.body[mask],
            categories=self.categories[mask],
            order=self.order[mask],
        )


def one_hot(values: list[str], top: int) -> FloatArray:
    """Indicator columns for the `top` most common values (ties broken by first appearance)."""
    kinds = [value for value, _ in Counter(values).most_common(top)]
    return np.array([[value == kind for kind in kinds] for value in values], dtype=float)


def load(path: Path = DATA) -> Rentals:
    with gzip.open(path, "rt", newline="") as handle:
        rows = [
            row
            for row in csv.DictReader(handle)
            if row["fit"] in {report.value for report in CLASSES} and row["size"]
        ]
    numeric = np.array([[float(row[name]) if row[name] else np.nan for name in NUMERIC] for row in rows])
    missing = np.isnan(numeric)
    numeric = np.where(missing, np.nanmean(numeric, axis=0), numeric)
    numeric = (numeric - numeric.mean(axis=0)) / numeric.std(axis=0)
    body = np.hstack(
        [
            numeric,
            missing.astype(float),
            one_hot([row["body_type"] for row in rows], TOP_BODY_TYPES),
            one_hot([row["bust_size_letter"] for row in rows], TOP_CUPS),
        ]
    )
    classes = [report.value for report in CLASSES]
    return Rentals(
        labels=np.array([classes.index(row["fit"]) for row in rows]),
        users=np.array([row["user_id"] for row in rows]),
        items=[row["item_id"] for row in rows],
        groups=[row["category"] for row in rows],
        sizes=np.array([float(row["size"]) for row in rows]),
        body=body,
        categories=one_hot([row["category"] for row in rows], TOP_CATEGORIES),
        order=np.array(
            [date.fromisoformat(row["review_date"]).toordinal() if row["review_date"] else 0 for row in rows]
        ),
    )


def held_out(users: npt.NDArray[np.str_], share: int = 5) -> npt.NDArray[np.bool_]:
    """True for the users in the held-out 1/share (stable across runs: a hash of the user id)."""
    return np.array([int(hashlib.sha256(user.encode()).hexdigest(), 16) % share == 0 for user in users])
