"""`pakka chat`: a conversation in the terminal against the configured services, the order confirmed with a
y/n prompt, and the thread kept for the next session."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.prompt import InvalidResponse
from typer.testing import CliRunner

from api.chat_cli import YesOrNo
from api.cli import app


@pytest.mark.parametrize(
    ("answer", "approved"),
    [("y", True), ("Yes", True), ("haan", True), ("हाँ", True), ("no", False), ("nahi", False)],
)
def test_the_confirmation_takes_yes_and_no_as_people_type_them(answer: str, approved: bool) -> None:
    assert YesOrNo().process_response(answer) is approved


def test_anything_else_is_asked_again() -> None:
    with pytest.raises(InvalidResponse):
        YesOrNo().process_response("maybe")


def test_a_terminal_conversation_orders_after_a_yes_in_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    env = {
        "PAKKA_DATA_DIR": str(tmp_path / "data"),
        "PAKKA_MODEL_TIERS": "rules",
        "PAKKA_EMBEDDING_MODEL": "none",
        "PAKKA_LOG_LEVEL": "WARNING",
    }
    lines = ["running shoes under 3000 size 9", "add the first one", "place the order", "haan", "/quit"]

    result = CliRunner().invoke(app, ["chat", "--region", "mumbai"], input="\n".join(lines) + "\n", env=env)

    assert result.exit_code == 0, result.output
    assert "-> search_products" in result.output
    assert "Place this order for ₹" in result.output and "deliver to Mumbai" in result.output
    assert "is CONFIRMED" in result.output
