"""The latent true-size model fitted on rentals: global parameters by maximum likelihood, offsets by the
service's own update rule.

A shopper's true size s_c = w . body + gamma * size is read from body measurements and from the size they
chose (Sembium et al. learn it from the sizes a customer buys; for a new shopper the size picked is the one
purchase known). The item's true size is the rented size less its offsets (item and category, the category
in the brand's place), so the mismatch in RTR size units is

    m = (s_c - size) + item offset + category offset

and the report follows domain.decision.size_model's ordinal logistic link. Each of ROUNDS rounds fits

1. the global parameters (w, gamma, the link's thresholds and scale) by class-weighted maximum likelihood
   (Adam on the full batch) of every training report given the offsets it saw (none in the first round);
2. then the offsets: one pass over the training feedback in time order with
   domain.decision.size_model.update_offsets (what POST /v1/feedback runs), recording each row's offsets as
   they stood before its own report, so the next round never fits a report to offsets that already learned
   from it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from core.records.feedback import FitReport
from domain.decision.size_model import Belief, OrdinalLink, report_probabilities, update_offsets
from evals.decision.rtr_data import CLASSES, FloatArray, IntArray, Rentals

ROUNDS = 2
STEPS = 250
LEARNING_RATE = 0.02
INITIAL_LINK = OrdinalLink(low=-1.0, high=1.0, scale=0.3, drift_var=0.0)
"""Where the fit starts, in RTR size units (items and categories are not let drift: two years of data)."""
ITEM_PRIOR_LOGIT_SD = 2.0
"""How far, in logits of the link, an unreviewed item's offset is expected to be from zero. Chosen on a
quarter of the training users held out from the rest: 1, 2, 3, 4 gave average AUC 0.728, 0.730, 0.730,
0.729."""
CATEGORY_PRIOR_LOGIT_SD = 0.5
"""The same for a category (not tuned). Both prior variances in size units follow from the scale."""


@dataclass(frozen=True)
class LearnedOffsets:
    items: dict[str, Belief]
    groups: dict[str, Belief]


@dataclass(frozen=True)
class OffsetHistory:
    """Each training row's item + category offset (mean, variance) just before its report was learned."""

    mean: FloatArray
    variance: FloatArray


def learn_offsets(
    rentals: Rentals,
    shifts: FloatArray,
    link: OrdinalLink,
    learning: npt.NDArray[np.bool_] | None = None,
) -> tuple[LearnedOffsets, OffsetHistory]:
    """One pass over the reports in time order, each updating its item and category offsets exactly as
    domain.decision.feedback.SizeLearner.learn does (one joint step, shared by their variances).
    Rows outside `learning` (default: all) only read the offsets as they stood on their date."""
    items: dict[str, Belief] = {}
    groups: dict[str, Belief] = {}
    mean, variance = np.zeros(len(shifts)), np.zeros(len(shifts))
    for index in np.argsort(rentals.order, kind="mergesort"):
        item_key, group_key = rentals.items[index], rentals.groups[index]
        item = items.get(item_key, Belief(0.0, link.item_prior_var))
        group = groups.get(group_key, Belief(0.0, link.brand_prior_var))
        mean[index], variance[index] = item.mean + group.mean, item.variance + group.variance
        if learning is not None and not learning[index]:
            continue
        report, shift = CLASSES[rentals.labels[index]], float(shifts[index])
        items[item_key], groups[group_key] = update_offsets(item, group, report, link, shift)
    return LearnedOffsets(items, groups), OffsetHistory(mean, variance)


@dataclass(frozen=True)
class LatentSizeModel:
    body_weights: FloatArray
    """Weights of [body, 1] in the shopper's true size."""
    size_weight: float
    link: OrdinalLink
    offsets: LearnedOffsets

    def shift(self, rentals: Rentals) -> FloatArray:
        """How far, in RTR size units, the shopper's true size lies above the size they rented."""
        true_size = _with_intercept(rentals.body) @ self.body_weights + self.size_weight * rentals.sizes
        return np.asarray(true_size - rentals.sizes)

    def offset_beliefs(self, rentals: Rentals) -> tuple[FloatArray, FloatArray]:
        """Item + category offset per rental (mean, variance); an unseen one is at its prior."""
        item_prior = Belief(0.0, self.link.item_prior_var)
        group_prior = Belief(0.0, self.link.brand_prior_var)
        beliefs = [
            (self.offsets.items.get(item, item_prior), self.offsets.groups.get(group, group_prior))
            for item, group in zip(rentals.items, rentals.groups, strict=True)
        ]
        return (
            np.array([item.mean + group.mean for item, group in beliefs]),
            np.array([item.variance + group.variance for item, group in beliefs]),
        )

    def item_beliefs(self, rentals: Rentals) -> list[Belief]:
        prior = Belief(0.0, self.link.item_prior_var)
        return [self.offsets.items.get(item, prior) for item in rentals.items]

    def mismatch(self, rentals: Rentals) -> tuple[FloatArray, FloatArray]:
        mean, variance = self.offset_beliefs(rentals)
        return self.shift(rentals) + mean, variance

    def predict(self, rentals: Rentals) -> FloatArray:
        """P(small), P(fit), P(large) per rental (the columns of CLASSES)."""
        mean, variance = self.mismatch(rentals)
        return report_probabilities(mean, variance, self.link)


def fit_latent_model(
    train: Rentals,
    rounds: int = ROUNDS,
    item_prior_logit_sd: float = ITEM_PRIOR_LOGIT_SD,
    category_prior_logit_sd: float = CATEGORY_PRIOR_LOGIT_SD,
) -> LatentSizeModel:
    fits = train.labels == CLASSES.index(FitReport.FIT)
    design = _with_intercept(train.body)
    body_weights = np.linalg.lstsq(design[fits], train.sizes[fits], rcond=None)[0]
    model = LatentSizeModel(body_weights, 0.0, INITIAL_LINK, LearnedOffsets({}, {}))
    history = OffsetHistory(np.zeros(len(train.labels)), np.zeros(len(train.labels)))
    for round_ in range(rounds):
        model = _fit_global(model, train, history, learn_scale=round_ == 0)
        if round_ == 0:
            scale = model.link.scale
            link = replace(
                model.link,
                item_prior_var=(item_prior_logit_sd / scale) ** 2,
                brand_prior_var=(category_prior_logit_sd / scale) ** 2,
            )
            model = replace(model, link=link)
        offsets, history = learn_offsets(train, model.shift(train), model.link)
        model = replace(model, offsets=offsets)
    return model


def _with_intercept(x: FloatArray) -> FloatArray:
    return np.hstack([x, np.ones((len(x), 1))])


def class_weights(labels: IntArray) -> FloatArray:
    """Per-row weights that give every class the same total weight (summing to one)."""
    counts = np.bincount(labels, minlength=len(CLASSES))
    weights = (len(labels) / (len(CLASSES) * counts))[labels]
    return np.asarray(weights / weights.sum())


def undo_class_weighting(probabilities: FloatArray, train_labels: IntArray) -> FloatArray:
    """Probabilities from a model fitted with class_weights, moved back to the training class shares
    (each class scaled by its share, then renormalised): what a report's real chances are."""
    shares = np.bincount(train_labels, minlength=len(CLASSES)) / len(train_labels)
    weighted = probabilities * shares
    return np.asarray(weighted / weighted.sum(axis=-1, keepdims=True))


def _sigmoid(x: FloatArray) -> FloatArray:
    return np.asarray(0.5 * (1.0 + np.tanh(0.5 * x)))


def _fit_global(
    model: LatentSizeModel, train: Rentals, history: OffsetHistory, *, learn_scale: bool
) -> LatentSizeModel:
    """Class-weighted maximum likelihood of the global parameters, the offsets held at `history`.

    The chosen size enters both sides of the mismatch, so the scale is not identified apart from the
    true-size weights: it is learned in the first round only and then held, fixing the unit the offsets
    are measured in (their priors are set in logits, so the choice of unit changes no prediction)."""
    design = np.hstack([_with_intercept(train.body), train.sizes[:, None]])
    weights = class_weights(train.labels)
    small, fit, large = (train.labels == k for k in range(len(CLASSES)))
    link = model.link
    params = [
        np.append(model.body_weights, model.size_weight - 1.0),
        np.array([link.low, link.high]),
        np.array([math.log(link.scale)]),
    ]
    moments = [np.zeros_like(p) for p in params]
    squares = [np.zeros_like(p) for p in params]
    for step in range(1, STEPS + 1):
        coefficients, (low, high), (log_scale,) = params
        scale = math.exp(log_scale)
        mismatch = design @ coefficients + history.mean
        flat = 1.0 / np.sqrt(1.0 + math.pi * scale**2 * history.variance / 8.0)
        flat_slope = -(flat**3) * math.pi * scale * history.variance / 8.0
        below = _sigmoid(flat * (low - scale * mismatch))
        upto = _sigmoid(flat * (high - scale * mismatch))
        mass = np.maximum(upto - below, 1e-12)
        # d(-weighted log-likelihood) / d(logit of P(large)) and / d(logit of P(large or fit))
        d_below = weights * np.where(large, -(1 - below), np.where(fit, below * (1 - below) / mass, 0.0))
        d_upto = weights * np.where(small, upto, np.where(fit, -upto * (1 - upto) / mass, 0.0))
        d_mismatch = -(d_below + d_upto) * flat * scale
        d_scale = np.sum(
            d_below * (-flat * mismatch + flat_slope * (low - scale * mismatch))
            + d_upto * (-flat * mismatch + flat_slope * (high - scale * mismatch))
        )
        gradients = [
            design.T @ d_mismatch,
            np.array([np.sum(d_below * flat), np.sum(d_upto * flat)]),
            np.array([d_scale * scale if learn_scale else 0.0]),
        ]
        for index, gradient in enumerate(gradients):
            moments[index] = 0.9 * moments[index] + 0.1 * gradient
            squares[index] = 0.999 * squares[index] + 0.001 * gradient**2
            corrected = moments[index] / (1 - 0.9**step)
            params[index] = params[index] - LEARNING_RATE * corrected / (
                np.sqrt(squares[index] / (1 - 0.999**step)) + 1e-8
            )
    coefficients, (low, high), (log_scale,) = params
    return replace(
        model,
        body_weights=coefficients[:-1],
        size_weight=float(coefficients[-1] + 1.0),
        link=replace(link, low=float(min(low, high)), high=float(max(low, high)), scale=math.exp(log_scale)),
    )
