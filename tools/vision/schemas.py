"""What a scan returns: measurements with their uncertainty and the quality of the photo they came from."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class Measurement(BaseModel):
    """A measured quantity with one standard deviation of uncertainty."""

    value: float
    sigma: float = Field(ge=0)
    unit: str


class ScanQuality(BaseModel):
    """How trustworthy the photo was. `score` is 1 for an ideal photo; `issues` name what lowered it."""

    score: float = Field(ge=0, le=1)
    blur: float = Field(
        description="sharpness: variance of the Laplacian on the measured region (higher is sharper)"
    )
    brightness: float = Field(description="mean luminance of the measured region, 0-255")
    resolution: float = Field(description="pixels per millimetre (foot) or per centimetre (face, body)")
    issues: list[str] = Field(default_factory=list)


FootProtocol = Literal["foot_on_sheet", "heel_against_wall"]


class FootScan(BaseModel):
    length_mm: float
    width_mm: float
    length_sigma_mm: float = Field(ge=0)
    width_sigma_mm: float = Field(ge=0)
    sheet: str = Field(description="reference sheet detected: 'A4' or 'Letter'")
    protocol: FootProtocol = Field(
        default="foot_on_sheet",
        description="how the photo was taken: 'foot_on_sheet' (heel and toes on the sheet, both found) or "
        "'heel_against_wall' (heel at the sheet's edge, as against a wall: the length runs from that edge "
        "to the toe tip)",
    )
    quality: ScanQuality


AttributeSource = Literal["image", "questionnaire", "combined"]


class Attribute(BaseModel):
    """One skin attribute, with how sure we are and where it came from (image-only skin type is weak)."""

    value: str | float | int
    confidence: float = Field(ge=0, le=1)
    source: AttributeSource


SkinType = Literal["dry", "oily", "combination", "normal"]
SensitivityLevel = Literal["low", "medium", "high"]


class SkinQuestionnaire(BaseModel):
    """What the shopper says about their skin; every answer is optional."""

    skin_type: SkinType | None = None
    sensitivity: SensitivityLevel | None = None
    concerns: list[str] = Field(default_factory=list, max_length=10)


class FaceScan(BaseModel):
    ita_deg: Attribute
    monk_band: Attribute = Field(description="Monk skin tone scale band, 1-10")
    undertone: Attribute
    shine: Attribute
    redness: Attribute
    skin_type: Attribute
    sensitivity: Attribute
    concerns: list[str] = Field(default_factory=list)
    quality: ScanQuality


class BodyScan(BaseModel):
    measurements: dict[str, Measurement] = Field(
        description="shoulder_width, chest, waist, hip, inseam; centimetres"
    )
    quality: ScanQuality
