"""In-memory scans of shopper photos: foot (sheet-referenced), face (skin tone) and body (measurements)."""

from tools.vision.errors import ScanRejected
from tools.vision.image import decode_image
from tools.vision.schemas import Attribute, BodyScan, FaceScan, FootScan, Measurement, ScanQuality

__all__ = [
    "Attribute",
    "BodyScan",
    "FaceScan",
    "FootScan",
    "Measurement",
    "ScanQuality",
    "ScanRejected",
    "decode_image",
]
