"""The API against its own OpenAPI document, with schemathesis (pinned in the dev extra): generated requests,
valid and invalid, to every operation of the running app over real HTTP, signed in as an admin (who may
call every route). Every check must pass: no 5xx, every status and body as documented, invalid input
refused. A modest example budget keeps it to about a minute."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from api.app import create_app
from core.settings import Settings
from tests.api.conftest import seed_catalog, serving, tokens_for
from tests.conftest import free_port

EXAMPLES_PER_OPERATION = 8


@pytest.fixture(scope="module")
def running_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    data_dir: Path = tmp_path_factory.mktemp("schemathesis") / "data"
    app_settings = Settings(
        data_dir=data_dir,
        seed_demo_data=False,
        model_tiers=["rules"],
        embedding_model="none",
        rate_limits_enabled=False,
        _env_file=None,
    )
    app = create_app(app_settings)
    with serving(app, free_port()) as base_url:
        seed_catalog(app.state.services.store, app_settings.default_tenant)
        yield base_url, tokens_for(app).admin()


@pytest.fixture(scope="module")
def api_schema(running_api: tuple[str, dict[str, str]]) -> Any:
    base_url, _ = running_api
    return schemathesis.openapi.from_url(f"{base_url}/openapi.json")


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_the_api_keeps_every_promise_of_its_openapi_document(
    case: schemathesis.Case, running_api: tuple[str, dict[str, str]]
) -> None:
    base_url, admin = running_api
    case.call_and_validate(base_url=base_url, headers=admin, timeout=60)
