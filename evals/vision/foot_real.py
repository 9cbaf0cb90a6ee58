"""End to end on real phone photos: how many are measured, why the rest are refused, and whether each refusal
names the true cause, judged by hand labels; plus robustness without ground truth.

The photos (../shared/data/foot_photos, see its SOURCE.txt) have no measured foot lengths, so accuracy is
judged three ways:
- Refusals against hand labels (evals/vision/foot_photo_labels.csv: one whole foot on a whole sheet or not,
  the heel seen or hidden). A refusal is right when its reason is a true cause for that photo: a cut-off sheet
  is SHEET_CUT_OFF, two feet MULTIPLE_FEET, a foot beyond the sheet FOOT_OFF_SHEET, a heel the shin hides
  HEEL_HIDDEN. A photo of one whole foot on a whole sheet with its heel in view has no right refusal.
- Metamorphic checks: the same photo rotated 90/180/270 degrees, mirrored, scaled to 75 %, re-encoded as a
  JPEG of quality 60, and 20 % brighter and darker must get the same outcome (measured, or the same
  refusal) and, when measured, lengths within 2 mm. Run on every measured photo.
- The silhouette against the hand-drawn masks the photos come with (foot and visible leg): on the sheet the
  scan finds, the intersection-over-union of its silhouette (tools/vision/segmentation.py) with the mask's,
  and their area ratio (above 1: the scan takes in more, such as shadows on the paper), per split.
- Plausibility of what is measured: length 170-320 mm, width/length 0.33-0.45 (adult feet in ANSUR II fall
  well inside), over the scans that measured both (not a width estimated from the length, nor a length
  estimated from the breadth where the shin hides the heel, tools/vision/foot_front.py).

Photos are scanned as the scan route does (fitted within 1280 px). Everything stays in memory. The labels'
split keeps a held-out set (whole shooting sessions) that was not looked at while building the scan; both
are reported.

The sheet is taken for the paper the scan route expects (`--sheet`, default the setting's default: A4).

Run: `python -m evals.vision.foot_real [--real-dir PATH] [--no-metamorphic] [--sheet A4|Letter|auto]`.
"""

from __future__ import annotations

import argparse
import csv
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from core.settings import Settings
from evals.shared_data import SHARED_DATA
from tools.vision.errors import ScanRejected
from tools.vision.foot import measure_foot, rectified_scale
from tools.vision.foot_outline import LENGTH_FROM_BREADTH
from tools.vision.image import decode_image, fit_within
from tools.vision.schemas import FootScan
from tools.vision.segmentation import segment_foot
from tools.vision.sheet import find_sheet, rectify
from tools.vision.sheet_geometry import SHEET_SIZES, SheetSize, sheet_sizes

DEFAULT_REAL_DIR = SHARED_DATA / "foot_photos"
LABELS_PATH = Path(__file__).with_name("foot_photo_labels.csv")
SCAN_MAX_SIDE_PX = 1280  # as the scan route (FOOT_MAX_SIDE_PX, api/routes/scan.py)
METAMORPHIC_TOLERANCE_MM = 2.0
PLAUSIBLE_LENGTH_MM = (170.0, 320.0)
PLAUSIBLE_WIDTH_RATIO = (0.33, 0.45)
MEASURED = "MEASURED"
MASK_FOOT_GREY = 136  # the masks' foot-and-leg label read in greyscale (paper 255, background 0)


@dataclass(frozen=True)
class Label:
    photo_id: str
    split: str
    sheet: str
    feet_on_sheet: int
    foot: str
    heel: str
    view: str

    @property
    def measurable(self) -> bool:
        """One whole foot on a whole sheet."""
        return self.sheet == "whole" and self.feet_on_sheet == 1 and self.foot == "whole"

    def right_refusals(self) -> set[str]:
        """The refusal reasons that name a true cause for this photo."""
        reasons = set()
        if self.sheet == "cut_off":
            reasons.add("SHEET_CUT_OFF")
        if self.sheet == "unclear":
            reasons |= {"SHEET_CUT_OFF", "NO_SHEET"}
        if self.feet_on_sheet > 1:
            reasons.add("MULTIPLE_FEET")
        if self.foot == "off":
            reasons.add("FOOT_OFF_SHEET")
        if self.heel == "hidden":
            reasons.add("HEEL_HIDDEN")
        return reasons


def load_labels(path: Path = LABELS_PATH) -> dict[str, Label]:
    lines = [line for line in path.read_text().splitlines() if line and not line.startswith("#")]
    return {
        row["id"]: Label(
            row["id"],
            row["split"],
            row["sheet"],
            int(row["feet_on_sheet"]),
            row["foot"],
            row["heel"],
            row["view"],
        )
        for row in csv.DictReader(lines)
    }


@dataclass
class PhotoResult:
    label: Label
    outcome: str
    scan: FootScan | None
    cpu_ms: float
    metamorphic_failures: list[str] = field(default_factory=list)
    metamorphic_run: bool = False

    @property
    def refusal_right(self) -> bool | None:
        """None when measured; else whether the reason is a true cause (see the module's docstring)."""
        if self.outcome == MEASURED:
            return None
        return self.outcome in self.label.right_refusals()


def _jpeg(image: np.ndarray, quality: int) -> np.ndarray:
    ok, encoded = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise RuntimeError("JPEG encoding failed")
    return cv2.imdecode(encoded, cv2.IMREAD_COLOR)


def _brightness(factor: float) -> Callable[[np.ndarray], np.ndarray]:
    return lambda image: np.clip(image.astype(np.float32) * factor, 0, 255).astype(np.uint8)


TRANSFORMS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "rotate 90": lambda image: cv2.rotate(image, cv2.ROTATE_90_CLOCKWISE),
    "rotate 180": lambda image: cv2.rotate(image, cv2.ROTATE_180),
    "rotate 270": lambda image: cv2.rotate(image, cv2.ROTATE_90_COUNTERCLOCKWISE),
    "mirror": lambda image: cv2.flip(image, 1),
    "scale 75%": lambda image: cv2.resize(image, None, fx=0.75, fy=0.75, interpolation=cv2.INTER_AREA),
    "JPEG q60": lambda image: _jpeg(image, 60),
    "brightness +20%": _brightness(1.2),
    "brightness -20%": _brightness(0.8),
}


def scan(image: np.ndarray, sheets: Sequence[SheetSize] = SHEET_SIZES) -> tuple[str, FootScan | None]:
    try:
        return MEASURED, measure_foot(image, sheets)
    except ScanRejected as rejection:
        return rejection.reason, None


def metamorphic_failures(
    image: np.ndarray, outcome: str, reference: FootScan | None, sheets: Sequence[SheetSize] = SHEET_SIZES
) -> list[str]:
    """The transforms under which the scan's outcome changes or its length moves more than the tolerance."""
    failures = []
    for name, transform in TRANSFORMS.items():
        other_outcome, other = scan(transform(image), sheets)
        if other_outcome != outcome:
            failures.append(f"{name}: {other_outcome}")
        elif reference is not None and other is not None:
            shift = abs(other.length_mm - reference.length_mm)
            if shift > METAMORPHIC_TOLERANCE_MM:
                failures.append(f"{name}: length {other.length_mm - reference.length_mm:+.1f} mm")
    return failures


def evaluate(
    directory: Path, labels: dict[str, Label], metamorphic: bool, sheets: Sequence[SheetSize] = SHEET_SIZES
) -> list[PhotoResult]:
    results = []
    for photo_id, label in sorted(labels.items()):
        path = directory / "images" / f"{photo_id}.jpeg"
        if not path.is_file():
            continue
        image = fit_within(decode_image(path.read_bytes()), SCAN_MAX_SIDE_PX)
        start = time.process_time()
        outcome, found = scan(image, sheets)
        cpu_ms = (time.process_time() - start) * 1000
        result = PhotoResult(label, outcome, found, cpu_ms)
        if metamorphic and outcome == MEASURED:
            result.metamorphic_failures = metamorphic_failures(image, outcome, found, sheets)
            result.metamorphic_run = True
        results.append(result)
    return results


@dataclass(frozen=True)
class SilhouetteMatch:
    """The scan's silhouette against a hand-drawn mask's, on the sheet the scan found."""

    photo_id: str
    split: str
    iou: float
    area_ratio: float  # the scan's silhouette over the mask's


def silhouette_match(
    image: np.ndarray, mask: np.ndarray, sheets: Sequence[SheetSize]
) -> tuple[float, float] | None:
    """IoU and area ratio of the scan's silhouette with the mask's foot and leg, both rectified onto the sheet
    the scan finds (None when it finds none, or the scan finds no foot)."""
    try:
        sheet = find_sheet(image, sheets)
        px_per_mm = rectified_scale(sheet)
        found = segment_foot(rectify(image, sheet, px_per_mm), px_per_mm).mask > 0
    except ScanRejected:
        return None
    drawn = np.where(mask == MASK_FOOT_GREY, 255, 0).astype(np.uint8)
    scaled = cv2.resize(drawn, (image.shape[1], image.shape[0]), interpolation=cv2.INTER_NEAREST)
    truth = rectify(scaled, sheet, px_per_mm) > 127
    if not truth.any():
        return None
    union = int((found | truth).sum())
    return float((found & truth).sum() / union), float(found.sum() / truth.sum())


def silhouettes(
    directory: Path, labels: dict[str, Label], sheets: Sequence[SheetSize] = SHEET_SIZES
) -> list[SilhouetteMatch]:
    matches = []
    for photo_id, label in sorted(labels.items()):
        path, mask_path = directory / "images" / f"{photo_id}.jpeg", directory / "masks" / f"{photo_id}.png"
        mask = cv2.imread(str(mask_path), cv2.IMREAD_GRAYSCALE) if mask_path.is_file() else None
        if mask is None or not path.is_file():
            continue
        found = silhouette_match(fit_within(decode_image(path.read_bytes()), SCAN_MAX_SIDE_PX), mask, sheets)
        if found is not None:
            matches.append(SilhouetteMatch(photo_id, label.split, *found))
    return matches


def report_silhouettes(matches: list[SilhouetteMatch]) -> None:
    print("silhouette against the hand-drawn masks (foot and leg, on the sheet found; photos where the scan")
    print("finds a sheet and a foot):")
    for split in ("dev", "holdout", "all"):
        chosen = [match for match in matches if split in ("all", match.split)]
        if not chosen:
            continue
        ious = np.array([match.iou for match in chosen])
        ratios = np.array([match.area_ratio for match in chosen])
        print(
            f"  {split}: {len(chosen)} photos, IoU median {np.median(ious):.3f}, mean {ious.mean():.3f}, "
            f"under 0.8: {int((ious < 0.8).sum())}; area ratio (scan / mask) median {np.median(ratios):.3f}"
        )


def _share(count: int, total: int) -> str:
    return f"{count}/{total} ({count / total:.0%})" if total else "0/0"


def report(results: list[PhotoResult]) -> None:
    for split in ("dev", "holdout", "all"):
        chosen = [result for result in results if split == "all" or result.label.split == split]
        if not chosen:
            continue
        measurable = [result for result in chosen if result.label.measurable]
        refused = [result for result in chosen if result.outcome != MEASURED]
        measured = [result for result in chosen if result.outcome == MEASURED]
        wrong = [result for result in refused if not result.refusal_right]
        heel_seen = [result for result in measurable if result.label.heel == "visible"]
        heel_seen_measured = [result for result in heel_seen if result.outcome == MEASURED]
        print(f"== {split}: {len(chosen)} photos, {len(measurable)} of one whole foot on a whole sheet")
        print(
            f"  measured: {len(measured)} in all; of one whole foot on a whole sheet "
            f"{_share(sum(r.outcome == MEASURED for r in measurable), len(measurable))} (target >= 60%); "
            f"of those with the heel in view {_share(len(heel_seen_measured), len(heel_seen))}"
        )
        print(f"  refused by reason: {dict(Counter(result.outcome for result in refused)) or 'none'}")
        print(
            f"  refusals right: {_share(len(refused) - len(wrong), len(refused))}; wrong: "
            + (", ".join(f"{r.label.photo_id} {r.outcome}" for r in wrong) or "none")
        )
        unmeasurable_measured = [r for r in measured if not r.label.measurable]
        print(
            "  measured although not one whole foot on a whole sheet: "
            + (", ".join(r.label.photo_id for r in unmeasurable_measured) or "none")
        )
        checked = [result for result in measured if result.metamorphic_run]
        if checked:
            passed = [result for result in checked if not result.metamorphic_failures]
            print(
                f"  metamorphic checks passed: {_share(len(passed), len(checked))} of measured photos "
                "(target >= 90%)"
            )
            failing = Counter(
                failure.split(":")[0] for result in checked for failure in result.metamorphic_failures
            )
            sheet_stage = sum(
                failure.endswith(("NO_SHEET", "SHEET_CUT_OFF"))
                for result in checked
                for failure in result.metamorphic_failures
            )
            print(
                f"  metamorphic failures by transform: {dict(failing) or 'none'} "
                f"({sheet_stage} of {sum(failing.values())} lose the sheet)"
            )
        if measured:
            lengths = np.array([r.scan.length_mm for r in measured if r.scan])
            plausible = np.count_nonzero(
                (lengths >= PLAUSIBLE_LENGTH_MM[0]) & (lengths <= PLAUSIBLE_LENGTH_MM[1])
            )
            # A width estimated from the length, or a length from the width, says nothing of their ratio.
            width_measured = [
                r.scan
                for r in measured
                if r.scan and not {"width_estimated", LENGTH_FROM_BREADTH} & set(r.scan.quality.issues)
            ]
            from_breadth = sum(1 for r in measured if r.scan and LENGTH_FROM_BREADTH in r.scan.quality.issues)
            ratios = np.array([s.width_mm / s.length_mm for s in width_measured])
            ratio_ok = np.count_nonzero(
                (ratios >= PLAUSIBLE_WIDTH_RATIO[0]) & (ratios <= PLAUSIBLE_WIDTH_RATIO[1])
            )
            protocols = Counter(r.scan.protocol for r in measured if r.scan)
            sigmas = np.array([r.scan.length_sigma_mm for r in measured if r.scan])
            print(
                f"  plausible length {PLAUSIBLE_LENGTH_MM[0]:.0f}-{PLAUSIBLE_LENGTH_MM[1]:.0f} mm: "
                f"{_share(plausible, len(lengths))}; width/length {PLAUSIBLE_WIDTH_RATIO[0]}-"
                f"{PLAUSIBLE_WIDTH_RATIO[1]} where the width was measured: {_share(ratio_ok, len(ratios))} "
                f"(one estimated from the other: {len(measured) - len(width_measured)}); "
                f"length from the breadth (heel hidden): {from_breadth}; "
                f"protocols {dict(protocols)}; length sigma median {np.median(sigmas):.1f} mm, "
                f"max {sigmas.max():.1f} mm"
            )
        times = [result.cpu_ms for result in chosen]
        print(
            f"  CPU per photo: p50 {np.percentile(times, 50):.0f} ms, p95 {np.percentile(times, 95):.0f} ms"
        )
    print("per photo: id split label -> outcome [length x width mm +- sigma, protocol] metamorphic")
    for result in results:
        label = result.label
        described = f"{label.sheet}/{label.feet_on_sheet}/{label.foot}/heel {label.heel}/{label.view}"
        if result.scan is not None:
            found = (
                f"{result.scan.length_mm:.1f} x {result.scan.width_mm:.1f} "
                f"+- {result.scan.length_sigma_mm:.1f} {result.scan.protocol}"
                + (" from breadth" if LENGTH_FROM_BREADTH in result.scan.quality.issues else "")
            )
        else:
            found = "right" if result.refusal_right else "WRONG"
        checks = (
            "; ".join(result.metamorphic_failures)
            if result.metamorphic_failures
            else ("ok" if result.metamorphic_run else "")
        )
        print(f"  {label.photo_id} {label.split:7s} {described:40s} -> {result.outcome} {found} {checks}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--real-dir", type=Path, default=DEFAULT_REAL_DIR)
    parser.add_argument("--no-metamorphic", action="store_true")
    parser.add_argument(
        "--sheet",
        choices=("A4", "Letter", "auto"),
        default=Settings.model_fields["scan_sheet"].default,
        help="the paper the sheet is taken for (as PAKKA_SCAN_SHEET for the scan route)",
    )
    args = parser.parse_args()
    print(f"sheet: {args.sheet}")
    if not (args.real_dir / "images").is_dir():
        print(f"Real photos: skipped, {args.real_dir / 'images'} does not exist")
        return
    sheets = sheet_sizes(args.sheet)
    labels = load_labels()
    report(evaluate(args.real_dir, labels, metamorphic=not args.no_metamorphic, sheets=sheets))
    report_silhouettes(silhouettes(args.real_dir, labels, sheets))


if __name__ == "__main__":
    main()
