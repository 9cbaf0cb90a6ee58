"""schemathesis hooks for tests/api/test_openapi_fuzz.py (loaded through SCHEMATHESIS_HOOKS).

A listing's photos (POST /v1/pricing/suggest) are base64 (`format: byte`) of a JPEG, PNG or WebP image of
at least 64 px a side: what the bytes must decode to is beyond any schema, and random base64 is (rightly)
refused with 422 SCAN_REJECTED. Generated photos are real small PNG images, so the fuzzer reaches the
pricing itself; the pattern of the field (standard base64) is still fuzzed in negative cases.

And one workaround of a schemathesis bug, described at `_sent_without_its_negative_header`.
"""

from __future__ import annotations

import base64
import struct
import zlib
from typing import Any

import schemathesis
from hypothesis import strategies as st
from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation.meta import FuzzingPhaseData, StatefulPhaseData


def png(width: int, height: int, shade: int) -> bytes:
    """An RGB PNG, a gradient tinted by `shade` (built by hand: no imaging library needed)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(
        b"\x00" + bytes(value for x in range(width) for value in (x * 4 % 256, y * 4 % 256, shade))
        for y in range(height)
    )
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    image = chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + image


PHOTOS = [base64.b64encode(png(64, 64, shade)).decode() for shade in (0, 128, 255)]

schemathesis.openapi.format("byte", st.sampled_from(PHOTOS))


def _sent_without_its_negative_header(case: Any) -> bool:
    """A negative case whose invalid part is an *optional* header: schemathesis 4.15 sends it without that
    header (transport/prepare.py `get_exclude_headers`, meant for a required header left out), which makes a
    valid request, and then expects it refused. Such cases test nothing; they are not generated."""
    meta = case.meta
    if meta is None or not meta.generation.mode.is_negative:
        return False
    data = meta.phase.data
    if not isinstance(data, FuzzingPhaseData | StatefulPhaseData):
        return False
    if data.parameter_location != ParameterLocation.HEADER or data.parameter is None:
        return False
    header = case.operation.get_parameter(name=data.parameter, location=ParameterLocation.HEADER)
    return header is not None and not header.is_required


@schemathesis.hook
def before_generate_case(context: Any, strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return strategy.filter(lambda case: not _sent_without_its_negative_header(case))
