"""The price model's members that read sentence embeddings, used when every sale and the listing have one.

The event service stores one MiniLM embedding per listing (domain/pricing/events.listing_text: title, brand,
category and description). Two members read it. The ridge gets the vector as EMBEDDING_SCALE x 384 more
columns beside its TF-IDF blocks: a TF-IDF row has norm 1 per block and an embedding norm 1 too, so at
scale 1 the embedding counts like one more block. An RBF support-vector regression on the vector alone
prices by meaning where no word is shared ("cashmere jumper" near "wool sweater"). Both join the boosted
model in a blend whose weights are the point of a 0.1 grid over the simplex with the least out-of-fold
error, as the ridge/boosted weight is learned.

Chosen on Mercari's 5 eval folds (scratch runs, price model alone, 3,035 listings): the embedding columns at
scale 1 took the ridge from 0.616 to 0.610 (0.5: 0.610, 1.5: 0.613, 2: 0.619, 3: 0.628); the SVR at C 3
scored 0.625 alone (C 1: 0.656 on titles, C 10: 0.628; adding the condition or epsilon 0.2 changed nothing
past the third decimal), and the three-way blend about 0.598 against 0.613 for ridge and boosted. The
listing text beat the title alone for the SVR (0.625 against 0.655), and it is the text the store holds.
In the eval as a whole (`python -m evals.pricing.evaluate`, row "+emb": comparables found by embedding
cosine as well) pakka's RMSLE went from 0.614 to 0.601 on Mercari and from 0.334 to 0.330 on thredUP.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy

if TYPE_CHECKING:
    from scipy import sparse
    from sklearn.linear_model import Ridge
    from sklearn.svm import SVR

EMBEDDING_SCALE = 1.0
EMBEDDING_SVR = {"C": 3.0, "epsilon": 0.1, "gamma": "scale"}
BLEND_STEPS = 10  # blend weights are multiples of 1 / BLEND_STEPS


def stacked(vectors: Sequence[numpy.ndarray | None]) -> numpy.ndarray | None:
    """The vectors as one float64 matrix, or None unless every one is there and all have one length."""
    if not vectors or any(vector is None for vector in vectors):
        return None
    if len({numpy.shape(vector) for vector in vectors}) != 1 or numpy.ndim(vectors[0]) != 1:
        return None
    return numpy.asarray(numpy.vstack(vectors), dtype=numpy.float64)  # type: ignore[arg-type]


def _design(text: sparse.csr_matrix, vectors: numpy.ndarray) -> sparse.csr_matrix:
    from scipy import sparse

    return sparse.hstack([text, sparse.csr_matrix(EMBEDDING_SCALE * vectors)]).tocsr()


@dataclass(frozen=True)
class EmbeddedMembers:
    """A ridge over the text design and the embeddings, an SVR on the embeddings, and the blend weights of
    (that ridge, the boosted model, the SVR)."""

    ridge: Ridge
    svr: SVR
    dim: int
    weights: tuple[float, float, float] = (1.0, 0.0, 0.0)

    @classmethod
    def fit(
        cls,
        text: sparse.csr_matrix,
        vectors: numpy.ndarray,
        targets: numpy.ndarray,
        *,
        alpha: float,
        weights: tuple[float, float, float] = (1.0, 0.0, 0.0),
    ) -> EmbeddedMembers:
        from sklearn.linear_model import Ridge
        from sklearn.svm import SVR

        ridge = Ridge(alpha=alpha).fit(_design(text, vectors), targets)
        svr = SVR(**EMBEDDING_SVR).fit(vectors, targets)  # type: ignore[arg-type]
        return cls(ridge=ridge, svr=svr, dim=vectors.shape[1], weights=weights)

    def reads(self, vectors: numpy.ndarray | None) -> bool:
        return vectors is not None and vectors.shape[1] == self.dim

    def parts_log(
        self, text: sparse.csr_matrix, vectors: numpy.ndarray
    ) -> tuple[numpy.ndarray, numpy.ndarray]:
        """(the ridge's predictions, the SVR's)."""
        ridge = numpy.asarray(self.ridge.predict(_design(text, vectors)), dtype=numpy.float64)
        return ridge, numpy.asarray(self.svr.predict(vectors), dtype=numpy.float64)

    def embedding_dot(self, vector: numpy.ndarray) -> float:
        """The ridge's embedding columns' share of one listing's prediction."""
        coefficients = self.ridge.coef_[-self.dim :]
        return float(EMBEDDING_SCALE * numpy.asarray(vector, dtype=numpy.float64) @ coefficients)

    def blend(self, ridge: numpy.ndarray, boosted: numpy.ndarray | None, svr: numpy.ndarray) -> numpy.ndarray:
        ridge_weight, boosted_weight, svr_weight = self.weights
        blended = ridge_weight * ridge + svr_weight * svr
        return blended + boosted_weight * boosted if boosted is not None and boosted_weight else blended


def best_blend(members: Sequence[numpy.ndarray | None], targets: numpy.ndarray) -> tuple[float, ...]:
    """The weights (multiples of 1/BLEND_STEPS summing to 1) whose blend of the members' out-of-fold
    predictions has the least squared error; a missing member (None) gets weight 0. On a tie the earlier
    members weigh more (the ridge first: the simplest model)."""
    present = [index for index, member in enumerate(members) if member is not None]
    best: tuple[float, tuple[float, ...]] | None = None
    for steps in itertools.product(range(BLEND_STEPS, -1, -1), repeat=len(present)):
        if sum(steps) != BLEND_STEPS:
            continue
        weights = [0.0] * len(members)
        for index, step in zip(present, steps, strict=True):
            weights[index] = step / BLEND_STEPS
        blended = sum(
            (weight * member for weight, member in zip(weights, members, strict=True) if member is not None),
            start=numpy.zeros_like(targets),
        )
        error = float(numpy.mean((blended - targets) ** 2))
        if best is None or error < best[0] - 1e-12:
            best = (error, tuple(weights))
    assert best is not None
    return best[1]
