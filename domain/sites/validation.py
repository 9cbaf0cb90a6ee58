"""One validation of a generated site: the browser-free checks (checks.py), html-validate and axe-core in
headless Chromium (browser.py) run together, with the screenshots. `blocking` findings (conformance errors,
serious or critical axe findings, broken links, missing lang/viewport/h1, prices not in ₹, pages over
budget, requests outside the site) send the pages back to be written again."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from pydantic import BaseModel, Field

from domain.sites.browser import (
    BLOCKING_IMPACTS,
    BrowserReport,
    ToolMissing,
    browser_checks,
    find_chromium,
    find_html_validate,
    html_validate,
)
from domain.sites.checks import Finding, static_checks


class ValidationReport(BaseModel):
    passed: bool = Field(description="Every check ran and none found a blocking problem.")
    complete: bool = Field(description="Every checker was installed and ran.")
    attempt: int = Field(ge=1)
    conformance_errors: int = 0
    axe_serious_or_critical: int = 0
    axe_other: int = 0
    static_errors: int = 0
    warnings: int = 0
    pages_checked: int = 0
    findings: list[Finding] = Field(default_factory=list)
    skipped: list[str] = Field(default_factory=list, description="Checkers that could not run, and why.")
    seconds: dict[str, float] = Field(default_factory=dict)

    def blocking(self) -> list[Finding]:
        return [finding for finding in self.findings if is_blocking(finding)]


def is_blocking(finding: Finding) -> bool:
    if finding.check == "axe":
        return finding.impact in BLOCKING_IMPACTS
    return finding.severity == "error"


async def validate_site(
    files: dict[str, str],
    *,
    lang: str,
    attempt: int,
    chromium: Path | None = None,
    html_validator: Path | None = None,
) -> tuple[ValidationReport, dict[str, bytes]]:
    """The report and the screenshots (name -> PNG) of one validation of `files` (path -> text)."""
    started = time.perf_counter()
    findings = static_checks(files, lang=lang)
    seconds = {"static": time.perf_counter() - started}
    skipped: list[str] = []
    validator = find_html_validate(html_validator)
    browser = find_chromium(chromium)

    async def conformance() -> list[Finding]:
        if validator is None:
            skipped.append("html-validate: not installed (npm install, see scripts/test.sh)")
            return []
        began = time.perf_counter()
        try:
            return await html_validate(files, validator)
        except (ToolMissing, OSError) as error:
            skipped.append(f"html-validate: {error}")
            return []
        finally:
            seconds["html_validate"] = time.perf_counter() - began

    async def accessibility() -> BrowserReport:
        if browser is None:
            skipped.append(
                "axe-core: no Chromium found (apt-get install chromium, or PAKKA_SITES_CHROMIUM_PATH)"
            )
            return BrowserReport()
        try:
            return await browser_checks(files, browser)
        except Exception as error:  # noqa: BLE001 - a browser that cannot start leaves the report incomplete
            skipped.append(f"axe-core: the browser failed: {type(error).__name__}: {str(error)[:300]}")
            return BrowserReport()

    conformance_findings, report = await asyncio.gather(conformance(), accessibility())
    findings.extend(conformance_findings)
    findings.extend(report.findings)
    seconds.update({f"browser_{name}": value for name, value in report.seconds.items()})
    seconds["total"] = time.perf_counter() - started
    result = ValidationReport(
        passed=False,
        complete=not skipped,
        attempt=attempt,
        conformance_errors=sum(1 for f in findings if f.check == "html-validate" and f.severity == "error"),
        axe_serious_or_critical=sum(1 for f in findings if f.check == "axe" and f.impact in BLOCKING_IMPACTS),
        axe_other=sum(1 for f in findings if f.check == "axe" and f.impact not in BLOCKING_IMPACTS),
        static_errors=sum(
            1 for f in findings if f.check not in ("html-validate", "axe") and f.severity == "error"
        ),
        warnings=sum(1 for f in findings if not is_blocking(f)),
        pages_checked=report.pages_checked,
        findings=findings,
        skipped=skipped,
        seconds={name: round(value, 3) for name, value in seconds.items()},
    )
    result.passed = result.complete and not result.blocking()
    return result, report.screenshots
