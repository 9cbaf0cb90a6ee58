"""The real validators on a generated site: html-validate (npm) and axe-core in Debian's Chromium pass the
rules tier's site with no error, and catch a page made inaccessible or non-conforming on purpose."""

from __future__ import annotations

from domain.sites.browser import find_chromium, find_html_validate
from domain.sites.validation import validate_site
from tests.conftest import unless_installed
from tests.domain.sites.test_site_spec_and_pages import files_of, site

pytestmark = unless_installed(
    find_chromium() is None or find_html_validate() is None,
    "needs Debian's chromium and npm's html-validate (scripts/test.sh installs both)",
)


async def test_a_generated_site_passes_and_a_broken_page_does_not() -> None:
    spec = site("bakery", "hi", "रोज़ी बेकरी, जयपुर, केक और ब्रेड")
    files = files_of(spec)

    report, shots = await validate_site(files, lang="hi", attempt=1)

    assert report.passed and report.complete, [finding.message for finding in report.findings]
    assert report.conformance_errors == 0 and report.axe_serious_or_critical == 0
    assert report.pages_checked == len([path for path in files if path.endswith(".html")])
    assert sorted(shots) == ["index-1280.png", "index-390.png", "products-1280.png", "products-390.png"]
    assert all(png.startswith(b"\x89PNG") for png in shots.values())

    broken = dict(files)
    broken["about.html"] = (
        files["about.html"]
        .replace('alt="', 'data-alt="')
        .replace("</main>", '<p style="color:#eeeeee">faint</p><div><p></div></main>')
        .replace("</head>", '<link rel="stylesheet" href="https://cdn.example.com/x.css"></head>')
    )
    report, _ = await validate_site(broken, lang="hi", attempt=1)

    assert not report.passed
    rules = {(finding.check, finding.rule) for finding in report.blocking() if finding.page == "about.html"}
    assert ("axe", "image-alt") in rules
    assert ("axe", "color-contrast") in rules
    assert any(check == "html-validate" for check, _ in rules)
    assert any(finding.check == "external" for finding in report.findings)
