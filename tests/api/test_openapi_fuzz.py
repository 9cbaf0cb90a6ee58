"""schemathesis (pinned in the dev extra) against the running API: every operation of /openapi.json, every
check, with a small fixed budget and seed. The spec tells the truth when no check fails: schema-valid
requests are accepted (or refused with a documented 401/403/404/409), schema-invalid ones refused, every
status and header documented, every body in its schema, no 5xx.

schemathesis' pytest plugin does not load under pytest 9, so this runs its CLI (`st run`) against the app
served by uvicorn on loopback, as an admin (the widest access: every route's logic is reached).

Configured narrowly, each for a reason (the configuration is CONFIG below; hooks in schemathesis_hooks.py):
- `--generation-with-security-parameters false`: the routes take a bearer token *or* an API key
  (`security: [{HTTPBearer}, {APIKeyHeader}]`, alternatives). schemathesis 4.15 flattens alternatives into
  parameters that are all required, so it generated a random X-API-Key next to the valid token and reported
  "missing required header X-API-Key" when the token alone was (rightly) accepted. The credentials are still
  checked: `ignored_auth` sends every successful request again without them and with a wrong one (401).
- The scan routes may answer a schema-valid upload 422 SCAN_REJECTED: the image must be a photo of a foot,
  face or body, which no schema can say (random bytes are not one).
- POST /v1/pricing/suggest may answer 422 NO_SALES_HISTORY: a price needs the shop's sales in the listing's
  currency, a state of the shop like an unknown id's 404, not a property of the request. Its photos are
  generated as real PNG files (a hook), so random base64 does not stop the fuzzer at SCAN_REJECTED.
- POST /v1/pricing/import may answer a schema-valid upload 422 (EMPTY_SALES_FILE, SALES_FILE_NOT_UTF8,
  WRONG_SALES_FORMAT): the file must be a Mercari or thredUP sales file, which no schema can say.
- POST /v1/feedback may answer 422 when the size is not one the product comes in: the product's sizes are
  catalog data (tests/api/routes/test_feedback_routes.py), found by the stateful phase on a real product.
- `ensure_resource_availability` is off for /v1/threads/{thread_id}...: the admin this runs as may name any
  shopper (`user_id`), and a thread belongs to the shopper it was made for, so a thread made for the admin
  is (rightly) a 404 when the next request acts for another shopper.
- A negative case whose only invalid part is an optional header is not generated (a hook): schemathesis
  4.15 sends such a case without the header, a valid request, and then expects it refused.
- One worker: hypothesis 6.140 describes strategies through a cache that is not thread-safe (a second
  worker died in `lambda_description` with FlakyFailure).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI

from api.app import create_app
from core.settings import Settings
from tests.api.conftest import seed_catalog, serving, store_of, tokens_for

pytestmark = [pytest.mark.integration, pytest.mark.parametrize("settings", ["sqlite"], indirect=True)]

MAX_EXAMPLES = 5
SEED = 15
CONFIG = """\
[[operations]]
include-path-regex = "^/v1/scan/"
checks.positive_data_acceptance.expected-statuses = ["2xx", "401", "403", "404", "409", "422"]

[[operations]]
include-path-regex = "^/v1/pricing/suggest$"
checks.positive_data_acceptance.expected-statuses = ["2xx", "401", "403", "404", "409", "422"]

[[operations]]
include-path-regex = "^/v1/pricing/import$"
checks.positive_data_acceptance.expected-statuses = ["2xx", "401", "403", "404", "409", "422"]

[[operations]]
include-path-regex = "^/v1/feedback$"
checks.positive_data_acceptance.expected-statuses = ["2xx", "401", "403", "404", "409", "422"]

[[operations]]
include-path-regex = "^/v1/threads/\\\\{thread_id\\\\}"
checks.ensure_resource_availability.enabled = false
"""
HOOKS = Path(__file__).with_name("schemathesis_hooks.py")


@pytest.fixture
def fuzzed_server(settings: Settings, unused_tcp_port: int) -> Iterator[tuple[str, FastAPI]]:
    """The app behind uvicorn on loopback with the test catalog (no embedding model: the catalog search
    falls back to the store's, which is what the budget should go to)."""
    app = create_app(settings.model_copy(update={"embedding_model": "none"}))
    with serving(app, unused_tcp_port) as base_url:
        seed_catalog(store_of(app), settings.default_tenant)
        yield base_url, app


def test_schemathesis_finds_no_failure_of_any_check(
    fuzzed_server: tuple[str, FastAPI], tmp_path: Path
) -> None:
    base_url, app = fuzzed_server
    token = tokens_for(app).admin()["Authorization"]
    config = tmp_path / "schemathesis.toml"
    config.write_text(CONFIG)
    st = Path(sys.executable).with_name("st")

    run = subprocess.run(
        [
            str(st),
            "--config-file",
            str(config),
            "run",
            f"{base_url}/openapi.json",
            "--header",
            f"Authorization: {token}",
            "--checks",
            "all",
            "--max-examples",
            str(MAX_EXAMPLES),
            "--seed",
            str(SEED),
            "--workers",
            "1",
            "--generation-with-security-parameters",
            "false",
            "--generation-database",
            "none",
            "--request-timeout",
            "60",
            "--no-color",
        ],
        cwd=tmp_path,
        env=os.environ | {"SCHEMATHESIS_HOOKS": str(HOOKS)},
        capture_output=True,
        text=True,
        timeout=1200,
    )

    summary = run.stdout[run.stdout.find("=== SUMMARY") :] or run.stdout[-3000:]
    tested = re.search(r"Selected: (\d+)/(\d+)\s+Tested: (\d+)", summary)
    assert tested is not None, run.stdout[-20000:] + run.stderr[-5000:]
    selected, total, done = map(int, tested.groups())
    assert selected == total == done >= 30, summary  # every operation of the document was exercised
    assert "Failures:" not in summary, run.stdout[-20000:]
    assert "Errors:" not in summary, run.stdout[-20000:]
    assert run.returncode == 0, run.stdout[-20000:] + run.stderr[-5000:]
