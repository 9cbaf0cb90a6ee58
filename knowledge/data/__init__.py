"""Curated knowledge files shipped with pakka. Every row carries its provenance (`source`)."""

from __future__ import annotations

from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent
