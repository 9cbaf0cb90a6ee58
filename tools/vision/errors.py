"""Why a photo could not be measured, with what the shopper can do about it."""

from __future__ import annotations

from core.errors import PakkaError


class ScanRejected(PakkaError):
    """A photo that cannot be measured reliably. The API maps `SCAN_REJECTED` to 422.

    `reason` is a stable machine-readable cause (NO_SHEET, SHEET_CUT_OFF, FOOT_OFF_SHEET, TOO_BLURRED,
    TOO_DARK, MULTIPLE_FEET, HEEL_HIDDEN (the shin hides the heel), TOES_HIDDEN, UNSUPPORTED_FORMAT,
    IMAGE_TOO_LARGE, NO_FACE, MULTIPLE_FACES,
    LANDMARKS_NOT_VISIBLE); `suggestions` are short retake instructions for the shopper.
    """

    code = "SCAN_REJECTED"

    def __init__(self, reason: str, message: str, suggestions: list[str]) -> None:
        super().__init__(message, {"reason": reason, "suggestions": list(suggestions)})
        self.reason = reason
        self.suggestions = list(suggestions)
