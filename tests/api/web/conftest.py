"""Fixtures for the web app's end-to-end tests: `pakka serve` on loopback (fresh data dir, demo data, the
rule-based model tier), Debian's Chromium driven by Playwright (no browser download), sign-in through the
sign-in screen with the code the console sender logs, axe-core checks, screenshots at 390 and 1280 px, and
first-load transfer sizes.

Screenshots and `transfer-sizes.json` go to PAKKA_SCREENSHOT_DIR (default `build/screenshots/`, git-ignored).
Every browser test module sets `pytestmark = needs_chromium`: skipped where chromium is missing, except in CI,
where the test command installs it and a missing browser fails."""

from __future__ import annotations

import itertools
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import httpx
import pytest

from core.identity.service import IdentityService
from core.records.identity import Role
from core.settings import Settings
from core.storage.factory import open_store
from core.storage.repositories import Store
from tests.conftest import free_port, unless_installed

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = unless_installed(CHROMIUM is None, "needs Debian's chromium (scripts/test.sh installs it)")

REPO = Path(__file__).resolve().parents[3]
SCREENSHOT_DIR = Path(os.environ.get("PAKKA_SCREENSHOT_DIR") or REPO / "build" / "screenshots")
PHONE_WIDTH, DESKTOP_WIDTH = 390, 1280
PHONE_VIEWPORT = {"width": PHONE_WIDTH, "height": 844}
BLOCKING_IMPACTS = {"serious", "critical"}
SHOPPER_BUDGET_BYTES = 200 * 1024
"""The issue's budget for the first load of a shopper screen (photos excluded)."""
CODE_LINE = re.compile(r"login code for phone ending (\d{4}): (\d{6})")
_phones = itertools.count(1)


class LoggedCodes:
    """Keeps the login codes the console sender logs (it shows only the phone's last four digits)."""

    def __init__(self) -> None:
        self.codes: dict[str, str] = {}
        self.changed = threading.Condition()

    def note(self, line: str) -> None:
        match = CODE_LINE.search(line)
        if match:
            with self.changed:
                self.codes[match.group(1)] = match.group(2)
                self.changed.notify_all()

    def take(self, phone: str, timeout_s: float = 10) -> str:
        """The code sent to `phone` (waiting for it to be logged), forgotten once taken."""
        with self.changed:
            if not self.changed.wait_for(lambda: phone[-4:] in self.codes, timeout=timeout_s):
                raise AssertionError(f"no login code was logged for a phone ending {phone[-4:]}")
            return self.codes.pop(phone[-4:])


@dataclass
class LiveWeb:
    """The running API: its base URL, its settings (to open its store alongside it) and the logged codes."""

    base_url: str
    settings: Settings
    codes: LoggedCodes

    @property
    def tenant_id(self) -> str:
        return self.settings.default_tenant

    @contextmanager
    def store(self) -> Iterator[Store]:
        """The server's store, opened in this process (SQLite: both see the same file)."""
        opened = open_store(self.settings)
        try:
            yield opened
        finally:
            opened.close()

    def grant(self, phone: str, role: Role) -> str:
        """Give the person with `phone` a role (as `pakka auth grant` does); returns their user id."""
        with self.store() as store:
            identity = IdentityService.for_store(self.settings, store)
            user_id = identity.user_id_for_phone(self.tenant_id, phone)
            identity.grant_role(self.tenant_id, user_id, role)
        return user_id


def new_phone() -> str:
    """A phone number no other test signs in with (the last four digits tell the logged codes apart)."""
    return f"+91987{next(_phones):07d}"


def read_log(stream: IO[str], codes: LoggedCodes, tail: deque[str]) -> None:
    """Follows the server's log: keeps the login codes, and the last lines for a start-up failure."""
    for line in stream:
        tail.append(line)
        codes.note(line)


@pytest.fixture(scope="session")
def live_web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveWeb]:
    """`pakka serve` in its own process on a free loopback port: a fresh data dir with the demo catalog and
    sales, the rule-based model tier, the console login-code sender (its log is read for the codes). A process
    of its own, like a real server: the graphs' subprocesses (the site wizard's html-validate) never share an
    event loop or a child watcher with the test's Playwright."""
    data_dir = tmp_path_factory.mktemp("web") / "data"
    env = {
        **os.environ,
        "PAKKA_DATA_DIR": str(data_dir),
        "PAKKA_STORE": "sqlite",
        "PAKKA_SEED_DEMO_DATA": "true",
        "PAKKA_MODEL_TIERS": "rules",
        "PAKKA_RATE_LIMITS_ENABLED": "false",  # every test signs in and scans; limits have their own tests
        "PAKKA_HOST": "127.0.0.1",
        "PAKKA_PORT": str(free_port()),
    }
    settings = Settings(
        data_dir=data_dir, store="sqlite", model_tiers=["rules"], seed_demo_data=True, _env_file=None
    )
    codes = LoggedCodes()
    tail: deque[str] = deque(maxlen=40)
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("pakka")), "serve"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert server.stdout is not None
    threading.Thread(target=read_log, args=(server.stdout, codes, tail), daemon=True).start()
    base_url = f"http://127.0.0.1:{env['PAKKA_PORT']}"
    try:
        deadline = time.monotonic() + 180
        while True:
            if server.poll() is not None:
                raise RuntimeError("pakka serve stopped during start-up:\n" + "".join(tail))
            try:
                if httpx.get(f"{base_url}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("pakka serve did not answer /health in 180 s:\n" + "".join(tail))
            time.sleep(0.25)
        yield LiveWeb(base_url=base_url, settings=settings, codes=codes)
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium through Playwright, with a fake camera (a moving test pattern) and no prompt.

    Module scope, not session: Playwright's sync API runs an event loop in this thread for as long as it is
    open, and every asyncio test after it would fail; it closes with each module's last browser test."""
    from playwright.sync_api import sync_playwright

    assert CHROMIUM is not None, "chromium is not installed (scripts/test.sh installs Debian's package)"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-dev-shm-usage",
                "--disable-gpu",
                "--use-fake-ui-for-media-stream",
                "--use-fake-device-for-media-stream",
            ],
        )
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page(browser: Any, live_web: LiveWeb) -> Iterator[Any]:
    """A fresh browser context (no cookies, storage or service worker) at phone size, on the live API."""
    context = browser.new_context(
        base_url=live_web.base_url, viewport=PHONE_VIEWPORT, permissions=["camera"], locale="en-IN"
    )
    context.set_default_timeout(30_000)
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    try:
        yield opened
    finally:
        context.close()
    assert not errors, f"uncaught errors in the page: {errors}"


SignedIn = Callable[..., dict[str, Any]]


@pytest.fixture
def signed_in(live_web: LiveWeb) -> SignedIn:
    """signed_in(page, role="shopper", phone=None) signs in through the sign-in screen with the logged code
    and returns the token pair the app keeps ({access_token, refresh_token, user_id, role...}). A merchant or
    an admin is granted the role first, as `pakka auth grant` does."""

    def sign_in(page: Any, role: str = "shopper", phone: str | None = None) -> dict[str, Any]:
        phone = phone or new_phone()
        if role != Role.SHOPPER.value:
            live_web.grant(phone, Role(role))
        page.goto("/#/signin")
        page.get_by_label(re.compile("Mobile number|मोबाइल नंबर")).fill(phone)
        page.locator("form:visible button[type=submit]").click()
        code_box = page.locator("#code")
        code_box.wait_for(state="visible")
        code_box.fill(live_web.codes.take(phone))
        page.locator("form:visible button[type=submit]").click()
        page.wait_for_function(
            "() => !location.hash.startsWith('#/signin') && document.querySelector('.screen h1')"
        )
        tokens: dict[str, Any] = page.evaluate("() => JSON.parse(localStorage.getItem('pakka.tokens'))")
        assert tokens["role"] == role, tokens
        return tokens

    return sign_in


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's serious and critical findings on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [v for v in results.response["violations"] if v.get("impact") in BLOCKING_IMPACTS]


def describe(violations: list[dict[str, Any]]) -> str:
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(" ".join(node["target"]) for node in v["nodes"][:5])
        for v in violations
    )


@pytest.fixture
def check_axe() -> Callable[[Any], None]:
    """check_axe(page): fails on any serious or critical axe-core finding, at phone and desktop widths."""

    def check(page: Any) -> None:
        found = axe_violations(page)
        page.set_viewport_size({"width": DESKTOP_WIDTH, "height": 900})
        try:
            found += axe_violations(page)
        finally:
            page.set_viewport_size(PHONE_VIEWPORT)
        assert not found, "axe-core found:\n" + describe(found)

    return check


NARROWEST_WIDTH = 360


def settle(page: Any, width: int) -> None:
    """Waits until the page has taken a new viewport width and drawn a frame at it (layout done)."""
    page.wait_for_function("width => window.innerWidth === width", arg=width)
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")


@pytest.fixture
def check_fits() -> Callable[[Any], None]:
    """check_fits(page): at 360 px nothing makes the page scroll sideways (wide parts scroll in their box)."""

    def check(page: Any) -> None:
        page.set_viewport_size({"width": NARROWEST_WIDTH, "height": 800})
        try:
            settle(page, NARROWEST_WIDTH)
            width = page.evaluate("() => document.documentElement.scrollWidth")
        finally:
            page.set_viewport_size(PHONE_VIEWPORT)
        assert width <= NARROWEST_WIDTH, f"the page is {width} px wide at {NARROWEST_WIDTH} px"

    return check


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    return SCREENSHOT_DIR


@pytest.fixture
def screenshot(screenshot_dir: Path) -> Callable[[Any, str], list[Path]]:
    """screenshot(page, name) writes `<name>-390.png` and `<name>-1280.png` (whole pages) to the folder."""

    def take(page: Any, name: str) -> list[Path]:
        # A passing notice ("Signed in.") would cover part of the screen in every picture.
        page.evaluate("() => document.getElementById('toast')?.classList.remove('show')")
        written = []
        for width in (PHONE_WIDTH, DESKTOP_WIDTH):
            page.set_viewport_size({"width": width, "height": 844 if width == PHONE_WIDTH else 900})
            settle(page, width)
            path = screenshot_dir / f"{name}-{width}.png"
            page.screenshot(path=str(path), full_page=True, animations="disabled")
            written.append(path)
        page.set_viewport_size(PHONE_VIEWPORT)
        return written

    return take


@dataclass
class FirstLoads:
    """First-load transfer sizes per screen, written to `transfer-sizes.json` at the end of the session."""

    path: Path
    sizes: dict[str, dict[str, Any]] = field(default_factory=dict)

    def record(self, screen: str, transferred: int, requests: list[dict[str, Any]]) -> None:
        self.sizes[screen] = {"bytes": transferred, "requests": requests}
        self.path.write_text(json.dumps(self.sizes, indent=2) + "\n")


@pytest.fixture(scope="session")
def first_loads(screenshot_dir: Path) -> Iterator[FirstLoads]:
    loads = FirstLoads(screenshot_dir / "transfer-sizes.json")
    yield loads
    if loads.sizes:
        rows = "\n".join(f"  {name:28} {item['bytes'] / 1024:7.1f} KB" for name, item in loads.sizes.items())
        print(f"\nfirst load transferred per screen (no cache, no service worker):\n{rows}")


FirstLoad = Callable[..., int]


@pytest.fixture
def first_load(browser: Any, live_web: LiveWeb, first_loads: FirstLoads) -> FirstLoad:
    """first_load(hash, name, tokens=None) -> bytes: opens `/{hash}` in a new context with an empty cache and
    no service worker (signed in with `tokens` if given) and sums what crossed the network (Chromium's
    encodedDataLength: headers and bodies as transferred) until the screen has rendered and the network is
    idle. Recorded under `name` in transfer-sizes.json."""

    def measure(hash_path: str, name: str, tokens: dict[str, Any] | None = None) -> int:
        context = browser.new_context(
            base_url=live_web.base_url, viewport=PHONE_VIEWPORT, service_workers="block"
        )
        try:
            if tokens is not None:
                stored = json.dumps(json.dumps(tokens))
                context.add_init_script(f"localStorage.setItem('pakka.tokens', {stored})")
            opened = context.new_page()
            cdp = context.new_cdp_session(opened)
            cdp.send("Network.enable")
            cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
            urls: dict[str, str] = {}
            sizes: dict[str, int] = {}
            failed: set[str] = set()
            cdp.on(
                "Network.requestWillBeSent", lambda e: urls.__setitem__(e["requestId"], e["request"]["url"])
            )
            cdp.on(
                "Network.loadingFinished",
                lambda e: sizes.__setitem__(e["requestId"], int(e["encodedDataLength"])),
            )
            cdp.on("Network.loadingFailed", lambda e: failed.add(e["requestId"]))
            opened.goto(f"/{hash_path}", wait_until="networkidle")
            opened.locator(".screen h1").first.wait_for()
            opened.wait_for_load_state("networkidle")
            # The idle page's last loadingFinished events may still be on their way: wait (dispatching events)
            # until every request sent has finished or failed, so none is left out of the sum.
            deadline = time.monotonic() + 10
            while set(urls) - set(sizes) - failed:
                assert time.monotonic() < deadline, f"unfinished requests: {set(urls) - set(sizes) - failed}"
                opened.wait_for_timeout(20)
            requests = [
                {"url": urls.get(rid, "?").removeprefix(live_web.base_url), "bytes": size}
                for rid, size in sizes.items()
            ]
            total = sum(sizes.values())
            first_loads.record(name, total, sorted(requests, key=lambda r: -r["bytes"]))
            return total
        finally:
            context.close()

    return measure
