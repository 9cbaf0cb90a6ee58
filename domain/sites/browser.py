"""The checks of a generated site that need real tools: HTML5 conformance with html-validate (npm, run by
Node), and accessibility with axe-core (bundled by axe-playwright-python) in headless Chromium driven by
Playwright. Chromium is the system's own (Debian's `chromium` package), passed as `executable_path`:
nothing downloads a browser. The same browser takes the screenshots kept with the draft, at 390 px and
1280 px wide.

The browser reads the site from memory (every request to the site's origin is answered from the files;
anything else is refused and reported), so no server and no file is needed."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from domain.sites.checks import Finding

ORIGIN = "https://site.pakka.invalid"
SCREENSHOT_WIDTHS = (390, 1280)
SCREENSHOT_HEIGHT = 844
SCREENSHOT_PAGES = ("index.html", "products.html")
BLOCKING_IMPACTS = frozenset({"serious", "critical"})
HTML_VALIDATE_CONFIG = Path(__file__).with_name("htmlvalidate.json")
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".json": "application/json",
    ".txt": "text/plain; charset=utf-8",
}


class ToolMissing(RuntimeError):
    """A checker is not installed; the message says how to install it."""


def content_type(path: str) -> str:
    return CONTENT_TYPES.get(os.path.splitext(path)[1].lower(), "application/octet-stream")


def find_chromium(configured: Path | None = None) -> Path | None:
    """The configured Chromium, else the system's (Debian's chromium, or chromium-browser, google-chrome)."""
    if configured is not None:
        return configured if configured.exists() else None
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return Path(found)
    return None


def find_html_validate(configured: Path | None = None) -> Path | None:
    """The configured html-validate, else node_modules/.bin/html-validate of the working directory or of
    the project checkout (scripts/test.sh installs it with npm), else one on PATH."""
    if configured is not None:
        return configured if configured.exists() else None
    roots = [Path.cwd(), *Path.cwd().parents, *Path(__file__).resolve().parents]
    for root in roots:
        candidate = root / "node_modules" / ".bin" / "html-validate"
        if candidate.exists():
            return candidate
    found = shutil.which("html-validate")
    return Path(found) if found else None


@dataclass
class BrowserReport:
    findings: list[Finding] = field(default_factory=list)
    screenshots: dict[str, bytes] = field(default_factory=dict)
    """name (e.g. 'index-390.png') -> PNG bytes."""
    pages_checked: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


async def html_validate(files: dict[str, str], executable: Path) -> list[Finding]:
    """html-validate's errors and warnings for every HTML page (one Node process for all of them)."""
    pages = {path: text for path, text in files.items() if path.endswith(".html")}
    with tempfile.TemporaryDirectory(prefix="pakka-site-") as folder:
        for path, text in pages.items():
            target = Path(folder, path)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        process = await asyncio.create_subprocess_exec(
            str(executable),
            "--config",
            str(HTML_VALIDATE_CONFIG),
            "--formatter",
            "json",
            *sorted(pages),
            cwd=folder,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        stdout, stderr = await process.communicate()
    if process.returncode not in (0, 1):
        raise ToolMissing(f"html-validate failed ({process.returncode}): {stderr.decode()[:500]}")
    results: list[dict[str, Any]] = json.loads(stdout.decode() or "[]")
    findings: list[Finding] = []
    for result in results:
        page = (
            os.path.relpath(result["filePath"], folder)
            if os.path.isabs(result["filePath"])
            else result["filePath"]
        )
        for message in result.get("messages", []):
            findings.append(
                Finding(
                    check="html-validate",
                    page=page,
                    rule=message.get("ruleId"),
                    severity="error" if message.get("severity") == 2 else "warning",
                    message=f"{message.get('line')}:{message.get('column')} {message.get('message')}",
                )
            )
    return findings


async def browser_checks(
    files: dict[str, str],
    chromium: Path,
    *,
    screenshot_pages: Iterable[str] = SCREENSHOT_PAGES,
) -> BrowserReport:
    """axe-core on every HTML page (at 390 px, the phone layout most shoppers see), then screenshots of
    `screenshot_pages` at each of SCREENSHOT_WIDTHS."""
    from axe_playwright_python.base import AXE_SCRIPT
    from playwright.async_api import Route, async_playwright

    report = BrowserReport()
    bodies = {path: text.encode("utf-8") for path, text in files.items()}
    external: list[str] = []

    async def serve(route: Route) -> None:
        url = route.request.url
        if not url.startswith(ORIGIN + "/"):
            external.append(url)
            await route.abort()
            return
        path = url[len(ORIGIN) + 1 :].split("?")[0].split("#")[0] or "index.html"
        body = bodies.get(path)
        if body is None:
            await route.fulfill(status=404, content_type="text/plain", body=b"not found")
            return
        await route.fulfill(status=200, content_type=content_type(path), body=body)

    started = time.perf_counter()
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(chromium), args=["--disable-gpu", "--no-sandbox", "--disable-dev-shm-usage"]
        )
        try:
            report.seconds["launch"] = time.perf_counter() - started
            context = await browser.new_context(
                viewport={"width": SCREENSHOT_WIDTHS[0], "height": SCREENSHOT_HEIGHT}
            )
            await context.route("**/*", serve)
            page = await context.new_page()
            started = time.perf_counter()
            for path in sorted(p for p in files if p.endswith(".html")):
                await page.goto(f"{ORIGIN}/{path}", wait_until="load")
                await page.evaluate(AXE_SCRIPT)
                results = await page.evaluate(
                    "axe.run(document, {resultTypes: ['violations']}).then(r => r.violations)"
                )
                report.pages_checked += 1
                report.findings.extend(_axe_findings(path, results))
            report.seconds["axe"] = time.perf_counter() - started
            started = time.perf_counter()
            for width in SCREENSHOT_WIDTHS:
                await page.set_viewport_size({"width": width, "height": SCREENSHOT_HEIGHT})
                for path in screenshot_pages:
                    if path not in files:
                        continue
                    await page.goto(f"{ORIGIN}/{path}", wait_until="load")
                    name = f"{path.removesuffix('.html')}-{width}.png"
                    report.screenshots[name] = await page.screenshot(full_page=True, type="png")
            report.seconds["screenshots"] = time.perf_counter() - started
        finally:
            await browser.close()
    for url in dict.fromkeys(external):
        report.findings.append(
            Finding(check="external", page="*", message=f"the site requests {url}: it must be self-contained")
        )
    return report


def _axe_findings(page: str, violations: list[dict[str, Any]]) -> list[Finding]:
    findings: list[Finding] = []
    for violation in violations:
        impact = violation.get("impact") or "minor"
        targets = ", ".join(" ".join(node.get("target", [])) for node in violation.get("nodes", [])[:3])
        findings.append(
            Finding(
                check="axe",
                page=page,
                rule=violation.get("id"),
                impact=impact,
                severity="error" if impact in BLOCKING_IMPACTS else "warning",
                message=f"{violation.get('help')} ({len(violation.get('nodes', []))} nodes: {targets})",
            )
        )
    return findings
