"""How well the foot scan measures, and how often it finds the sheet in real photos.

Two measurements:
- Rendered photos (evals/vision/foot_render.py) with known foot length and width, drawn at random
  over floors, skin tones, A4/Letter, camera roll and tilt, foot angle, blur, noise and JPEG quality:
  mean absolute error of length and width (target under 2 mm), bias, the share of errors within
  2 sigma, refusals, and measure_foot time on 1080p photos (as they are, and fitted within the scan
  route's 1280 px).
- Real phone photos with hand-drawn masks (../shared/data/foot_photos, see its SOURCE.txt; no foot
  lengths exist for them): on the photos whose mask shows a whole sheet (the convex hull of the paper
  pixels stays clear of the photo's edge), the share where find_sheet returns a quadrilateral whose
  intersection-over-union with that hull is at least 0.8, the IoU distribution, why the others
  failed, and find_sheet's time per photo (also fitted within 1280 px). The masks' hull misses
  paper hidden under the foot, so a correct quadrilateral can score a little under 1. Per returned
  quadrilateral, its aspect with perspective undone and how far it strays from A4's or Letter's
  (find_sheet refuses beyond MAX_ASPECT_ERROR, so none should). Refusals should be honest: no whole
  sheet refused as cut off, and the photos whose sheet runs off the photo refused as cut off.
- False sheets: the same photos cropped to a band of floor beside the sheet (no paper pixels in the
  mask; both sides at least 300 pixels), and rendered photos with no sheet on every floor, must all be
  refused.

Run: `python -m evals.vision.foot [--photos N] [--seed S] [--real-dir PATH]`. A missing real-photo
folder is skipped with a reason. The real photos end to end (measured, refusals judged by hand labels,
metamorphic checks) are evals/vision/foot_real.py.
"""

from __future__ import annotations

import argparse
import contextlib
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from evals.shared_data import SHARED_DATA
from evals.vision.foot_render import SHEETS_MM, SKIN_TONES_BGR, Floor, PhotoSpec, render_foot_photo
from tools.vision.errors import ScanRejected
from tools.vision.foot import measure_foot
from tools.vision.image import decode_image, fit_within
from tools.vision.sheet import find_sheet
from tools.vision.sheet_sides import MAX_ASPECT_ERROR, nearest_sheet_error

DEFAULT_REAL_DIR = SHARED_DATA / "foot_photos"
MIN_IOU = 0.8
MIN_FLOOR_CROP_PX = 300
PAPER_LABEL = 255
SCAN_MAX_SIDE_PX = 1280  # the scan route fits foot photos within this (FOOT_MAX_SIDE_PX, api/routes/scan.py)


@dataclass(frozen=True)
class RenderedResult:
    spec: PhotoSpec
    length_error_mm: float | None = None
    width_error_mm: float | None = None
    length_sigma_mm: float | None = None
    width_sigma_mm: float | None = None
    refused: str | None = None


def random_spec(rng: np.random.Generator, seed: int, image_size: tuple[int, int]) -> PhotoSpec:
    """A plausible, measurable photo: whole sheet in frame, foot on it with 15 mm or more at heel and toe."""
    sheet = str(rng.choice(list(SHEETS_MM)))
    longest = SHEETS_MM[sheet][1] - 30.0
    length = float(rng.uniform(215.0, min(285.0, longest)))
    return PhotoSpec(
        foot_length_mm=length,
        foot_width_mm=float(length * rng.uniform(0.36, 0.41)),
        sheet=sheet,
        floor=Floor(rng.choice(list(Floor))),
        skin=str(rng.choice(list(SKIN_TONES_BGR))),
        image_size=image_size,
        sheet_fill=float(rng.uniform(0.6, 0.78)),
        roll_deg=float(rng.uniform(-180, 180)),
        tilt_x_deg=float(rng.uniform(-12, 12)),
        tilt_y_deg=float(rng.uniform(-12, 12)),
        foot_angle_deg=float(rng.uniform(-4, 4)),
        blur_sigma_px=float(rng.uniform(0.0, 2.0)),
        noise_sigma=float(rng.uniform(1.0, 6.0)),
        brightness=float(rng.uniform(0.6, 1.05)),
        jpeg_quality=int(rng.integers(65, 96)),
        seed=seed,
    )


def evaluate_rendered(count: int, seed: int) -> list[RenderedResult]:
    rng = np.random.default_rng(seed)
    results = []
    for index in range(count):
        spec = random_spec(rng, seed * 10_000 + index, (1280, 720) if index % 2 else (1920, 1080))
        image = decode_image(render_foot_photo(spec).jpeg)
        try:
            scan = measure_foot(image)
        except ScanRejected as rejection:
            results.append(RenderedResult(spec, refused=rejection.reason))
            continue
        results.append(
            RenderedResult(
                spec,
                scan.length_mm - spec.foot_length_mm,
                scan.width_mm - spec.foot_width_mm,
                scan.length_sigma_mm,
                scan.width_sigma_mm,
            )
        )
    return results


def report_rendered(results: list[RenderedResult]) -> None:
    measured = [result for result in results if result.refused is None]
    refused = Counter(result.refused for result in results if result.refused is not None)
    print(f"Rendered photos: {len(results)} ({len(measured)} measured, refused: {dict(refused) or 'none'})")
    if not measured:
        return
    for name, errors, sigmas in (
        ("length", [r.length_error_mm for r in measured], [r.length_sigma_mm for r in measured]),
        ("width", [r.width_error_mm for r in measured], [r.width_sigma_mm for r in measured]),
    ):
        error = np.array(errors, float)
        sigma = np.array(sigmas, float)
        print(
            f"  {name:6s} MAE {np.abs(error).mean():.2f} mm (target < 2)  bias {error.mean():+.2f} mm  "
            f"max {np.abs(error).max():.2f} mm  within 2 sigma {np.mean(np.abs(error) <= 2 * sigma):.0%}  "
            f"mean sigma {sigma.mean():.2f} mm"
        )


def time_measurement(repeats: int, seed: int) -> None:
    """Wall and CPU time of decode + measure on a 1080p JPEG, as it is and fitted within the scan route's
    SCAN_MAX_SIDE_PX (CPU time is what a busy machine can't skew)."""
    photo = render_foot_photo(PhotoSpec(image_size=(1920, 1080), roll_deg=25, tilt_x_deg=10, seed=seed))
    for label, max_side in (
        ("1080p decode + measure_foot", None),
        (f"1080p decode + fit within {SCAN_MAX_SIDE_PX} px + measure_foot", SCAN_MAX_SIDE_PX),
    ):
        _scan_ms(photo.jpeg, max_side)
        wall, cpu = zip(*(_scan_ms(photo.jpeg, max_side) for _ in range(repeats)), strict=True)
        print(
            f"{label} over {repeats} runs: wall p50 {np.percentile(wall, 50):.0f} ms, "
            f"p95 {np.percentile(wall, 95):.0f} ms; CPU p50 {np.percentile(cpu, 50):.0f} ms"
        )


def _scan_ms(jpeg: bytes, max_side: int | None) -> tuple[float, float]:
    """Wall and CPU milliseconds to decode a photo, fit it within `max_side` if given, and measure it."""
    wall_start, cpu_start = time.perf_counter(), time.process_time()
    image = decode_image(jpeg)
    measure_foot(image if max_side is None else fit_within(image, max_side))
    return (time.perf_counter() - wall_start) * 1000, (time.process_time() - cpu_start) * 1000


def whole_sheet_hull(mask: np.ndarray) -> np.ndarray | None:
    """Convex hull of the mask's paper pixels, or None when it touches the photo's edge (sheet cut off)."""
    paper = cv2.morphologyEx(
        (mask == PAPER_LABEL).astype(np.uint8), cv2.MORPH_OPEN, np.ones((9, 9), np.uint8)
    )
    points = cv2.findNonZero(paper)
    if points is None:
        return None
    hull = cv2.convexHull(points)
    x, y, width, height = cv2.boundingRect(hull)
    rows, cols = mask.shape
    if x <= 3 or y <= 3 or x + width >= cols - 4 or y + height >= rows - 4:
        return None
    return hull


def sheet_iou(mask: np.ndarray, hull: np.ndarray, corners_px: np.ndarray) -> float:
    """Intersection-over-union of a found quadrilateral with the mask's sheet hull."""
    truth = np.zeros_like(mask)
    found = np.zeros_like(mask)
    cv2.fillConvexPoly(truth, hull, 1)
    cv2.fillConvexPoly(found, np.round(corners_px).astype(np.int32), 1)
    return float((truth & found).sum() / (truth | found).sum())


def evaluate_real(directory: Path) -> None:
    images = sorted((directory / "images").glob("*.jpeg"))
    if not images:
        print(f"Real photos: skipped, no images under {directory / 'images'}")
        return
    outcomes: Counter[str] = Counter()
    cut_off_outcomes: Counter[str] = Counter()
    ious, times_ms, long_sides, capped_times_ms = [], [], [], []
    aspects: list[tuple[str, float, str, float]] = []
    for path in images:
        mask = cv2.imread(str(directory / "masks" / f"{path.stem}.png"), cv2.IMREAD_GRAYSCALE)
        if mask is None:
            continue
        hull = whole_sheet_hull(mask)
        image = decode_image(path.read_bytes())
        if hull is None:
            cut_off_outcomes[_outcome(image)] += 1
            continue
        long_sides.append(max(image.shape[:2]))
        capped_times_ms.append(_find_sheet_cpu_ms(fit_within(image, SCAN_MAX_SIDE_PX)))
        start = time.process_time()
        try:
            sheet = find_sheet(image)
        except ScanRejected as rejection:
            outcomes[rejection.reason] += 1
            continue
        finally:
            times_ms.append((time.process_time() - start) * 1000)
        iou = sheet_iou(mask, hull, sheet.corners_px)
        ious.append(iou)
        aspects.append((path.stem, iou, sheet.size.name, sheet.aspect_measured))
        outcomes["found" if iou >= MIN_IOU else "wrong quadrilateral"] += 1
    whole = sum(outcomes.values())
    print(
        f"Real photos: {len(images)} with masks, {whole} show a whole sheet; "
        f"sheet found (IoU >= {MIN_IOU}) in {outcomes['found']}/{whole}"
    )
    print(f"  outcomes: {dict(outcomes)}")
    print(
        f"  SHEET_CUT_OFF on whole sheets (none of them touches the photo's edge): "
        f"{outcomes['SHEET_CUT_OFF']} (should be 0)"
    )
    print(
        f"  photos whose sheet runs off the photo ({sum(cut_off_outcomes.values())}): "
        f"{dict(cut_off_outcomes)} (should be SHEET_CUT_OFF)"
    )
    report_aspects(aspects)
    if ious:
        quartiles = np.percentile(ious, [25, 50, 75])
        print(
            f"  IoU of the {len(ious)} returned quadrilaterals: quartiles "
            + " / ".join(f"{value:.3f}" for value in quartiles)
            + f"; >= 0.9: {sum(iou >= 0.9 for iou in ious)}, 0.8-0.9: "
            f"{sum(0.8 <= iou < 0.9 for iou in ious)}, < 0.8: {sum(iou < 0.8 for iou in ious)}"
        )
    if times_ms:
        print(
            f"  find_sheet CPU time per photo (long side {min(long_sides)}-{max(long_sides)} px): "
            f"p50 {np.percentile(times_ms, 50):.0f} ms, p95 {np.percentile(times_ms, 95):.0f} ms; "
            f"fitted within {SCAN_MAX_SIDE_PX} px as the scan route does: p50 "
            f"{np.percentile(capped_times_ms, 50):.0f} ms, p95 {np.percentile(capped_times_ms, 95):.0f} ms"
        )


def report_aspects(aspects: list[tuple[str, float, str, float]]) -> None:
    """Per returned quadrilateral, its aspect with perspective undone, and how far the aspects stray from
    the nearest sheet's (|log ratio|; find_sheet refuses beyond MAX_ASPECT_ERROR)."""
    if not aspects:
        return
    print("  returned quadrilaterals: photo, IoU, sheet, aspect (A4 1.414, Letter 1.294), |log error|")
    errors = []
    for stem, iou, size, aspect in aspects:
        error = nearest_sheet_error(aspect)
        errors.append(error)
        print(f"    {stem}  {iou:.3f}  {size:6s}  {aspect:.3f}  {error:.3f}")
    quartiles = " / ".join(f"{value:.3f}" for value in np.percentile(errors, [25, 50, 75]))
    outside = sum(error > MAX_ASPECT_ERROR for error in errors)
    print(
        f"  aspect |log error| quartiles {quartiles}, max {max(errors):.3f}; outside the "
        f"{MAX_ASPECT_ERROR} tolerance: {outside} (should be 0)"
    )


def _outcome(image: np.ndarray) -> str:
    """find_sheet's refusal reason for a photo, or "found"."""
    try:
        find_sheet(image)
    except ScanRejected as rejection:
        return rejection.reason
    return "found"


def _find_sheet_cpu_ms(image: np.ndarray) -> float:
    """CPU time of one find_sheet call, refused or not."""
    start = time.process_time()
    with contextlib.suppress(ScanRejected):
        find_sheet(image)
    return (time.process_time() - start) * 1000


def floor_crops(image: np.ndarray, mask: np.ndarray) -> list[np.ndarray]:
    """Bands of the photo above, below, left and right of every paper pixel, where large enough."""
    rows = np.flatnonzero((mask == PAPER_LABEL).any(axis=1))
    cols = np.flatnonzero((mask == PAPER_LABEL).any(axis=0))
    if not len(rows):
        return []
    bands = [image[: rows[0]], image[rows[-1] + 1 :], image[:, : cols[0]], image[:, cols[-1] + 1 :]]
    return [band for band in bands if min(band.shape[:2]) >= MIN_FLOOR_CROP_PX]


def evaluate_false_sheets(directory: Path | None, seed: int) -> None:
    """Photos without a sheet: every one should be refused (NO_SHEET or SHEET_CUT_OFF), none measured."""
    crops = []
    if directory is not None:
        for path in sorted((directory / "images").glob("*.jpeg")):
            mask = cv2.imread(str(directory / "masks" / f"{path.stem}.png"), cv2.IMREAD_GRAYSCALE)
            if mask is not None:
                crops.extend(floor_crops(decode_image(path.read_bytes()), mask))
    rendered = [
        render_foot_photo(
            PhotoSpec(
                sheet=None, floor=floor, image_size=(1280, 720), roll_deg=30.0 * index, seed=seed + index
            )
        ).image
        for floor in Floor
        for index in range(3)
    ]
    for name, images in (("real floor crops", crops), ("rendered photos without a sheet", rendered)):
        if not images:
            continue
        false_sheets = sum(_outcome(image) == "found" for image in images)
        print(f"False sheets: {false_sheets}/{len(images)} {name}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=40, help="rendered photos to measure")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timing-runs", type=int, default=20)
    parser.add_argument("--real-dir", type=Path, default=DEFAULT_REAL_DIR)
    args = parser.parse_args()
    report_rendered(evaluate_rendered(args.photos, args.seed))
    time_measurement(args.timing_runs, args.seed)
    if args.real_dir.is_dir():
        evaluate_real(args.real_dir)
    else:
        print(f"Real photos: skipped, {args.real_dir} does not exist")
    evaluate_false_sheets(args.real_dir if args.real_dir.is_dir() else None, args.seed)


if __name__ == "__main__":
    main()
