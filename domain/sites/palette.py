"""Colours of a generated site, checked and fixed for WCAG 2.x AA contrast (4.5:1 for body text)."""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field

AA_TEXT = 4.5
HEX = r"^#[0-9a-f]{6}$"
WHITE, INK = "#ffffff", "#111111"


class Palette(BaseModel):
    """`primary` fills buttons and the header (with `on_primary` text) and colours links and headings;
    `text` and `muted` are body text on `background` and `surface`; `accent` only decorates (borders,
    illustrations), never carries text."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    primary: str = Field(pattern=HEX)
    on_primary: str = Field(pattern=HEX)
    accent: str = Field(pattern=HEX)
    background: str = Field(pattern=HEX)
    surface: str = Field(pattern=HEX)
    text: str = Field(pattern=HEX)
    muted: str = Field(pattern=HEX)

    def text_pairs(self) -> dict[str, tuple[str, str]]:
        """Every (foreground, background) pair the stylesheet puts text in."""
        return {
            "text on background": (self.text, self.background),
            "text on surface": (self.text, self.surface),
            "muted on background": (self.muted, self.background),
            "muted on surface": (self.muted, self.surface),
            "on_primary on primary": (self.on_primary, self.primary),
            "primary on background": (self.primary, self.background),
            "primary on surface": (self.primary, self.surface),
        }

    def contrast_problems(self) -> list[str]:
        """The pairs below AA, e.g. 'muted on surface: 3.9:1 < 4.5:1'; empty when the palette passes."""
        return [
            f"{name}: {contrast(fg, bg):.2f}:1 < {AA_TEXT}:1"
            for name, (fg, bg) in self.text_pairs().items()
            if contrast(fg, bg) < AA_TEXT
        ]


def normalize_hex(value: str) -> str:
    """'#ABC', 'abc', '#AABBCC' -> '#aabbcc'; ValueError for anything else."""
    text = value.strip().lower().lstrip("#")
    if re.fullmatch(r"[0-9a-f]{3}", text):
        text = "".join(char * 2 for char in text)
    if not re.fullmatch(r"[0-9a-f]{6}", text):
        raise ValueError(f"not a hex colour: {value!r}")
    return f"#{text}"


def _rgb(colour: str) -> tuple[int, int, int]:
    code = normalize_hex(colour)
    return int(code[1:3], 16), int(code[3:5], 16), int(code[5:7], 16)


def _hex(rgb: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{max(0, min(255, round(channel))):02x}" for channel in rgb)


def luminance(colour: str) -> float:
    """WCAG relative luminance."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(value) for value in _rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(foreground: str, background: str) -> float:
    lighter, darker = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def mix(colour: str, other: str, amount: float) -> str:
    """`colour` moved `amount` (0-1) of the way to `other`."""
    a, b = _rgb(colour), _rgb(other)
    return _hex(tuple(x + (y - x) * amount for x, y in zip(a, b, strict=True)))  # type: ignore[arg-type]


def darken_until(foreground: str, backgrounds: list[str], ratio: float = AA_TEXT) -> str:
    """`foreground` darkened in small steps until it reaches `ratio` against every one of `backgrounds`."""
    colour = normalize_hex(foreground)
    for step in range(21):
        candidate = mix(colour, "#000000", step * 0.05)
        if all(contrast(candidate, background) >= ratio for background in backgrounds):
            return candidate
    return INK


def accessible_palette(
    *, primary: str, accent: str, background: str, surface: str, text: str
) -> tuple[Palette, list[str]]:
    """A palette built from five colours that passes AA, and a note for every colour that had to change.

    Backgrounds are kept when light enough for dark text (else replaced by near-white); text, muted and
    primary are darkened until they pass on both backgrounds; on_primary is white, or near-black on a light
    primary."""
    notes: list[str] = []
    background, surface = normalize_hex(background), normalize_hex(surface)
    for name, value, fallback in (("background", background, "#fbfbf8"), ("surface", surface, WHITE)):
        if luminance(value) < 0.6:
            notes.append(f"{name} {value} is too dark for body text: {fallback} instead")
            if name == "background":
                background = fallback
            else:
                surface = fallback
    grounds = [background, surface]
    fixed: dict[str, str] = {}
    for name, value in (("text", text), ("primary", primary)):
        value = normalize_hex(value)
        fixed[name] = darken_until(value, grounds)
        if fixed[name] != value:
            notes.append(f"{name} {value} darkened to {fixed[name]} for AA contrast")
    muted = darken_until(mix(fixed["text"], background, 0.3), grounds)
    on_primary = WHITE if contrast(WHITE, fixed["primary"]) >= AA_TEXT else INK
    palette = Palette(
        primary=fixed["primary"],
        on_primary=on_primary,
        accent=normalize_hex(accent),
        background=background,
        surface=surface,
        text=fixed["text"],
        muted=muted,
    )
    return palette, notes
