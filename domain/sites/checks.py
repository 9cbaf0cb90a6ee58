"""Checks of a generated site that need no browser: every internal link and image resolves, `lang` is set
(to the site's language), a viewport meta, one h1 per page, prices written in INR with Indian digit
grouping, every image with alt text, and each page under the weight budget (HTML + stylesheet, before
images)."""

from __future__ import annotations

import posixpath
import re
from html.parser import HTMLParser
from typing import Literal
from urllib.parse import unquote, urlsplit

from pydantic import BaseModel, Field

PAGE_BUDGET_BYTES = 100 * 1024
Severity = Literal["error", "warning"]
INR_PRICE = re.compile(r"^₹(?:\d{1,2},(?:\d{2},)*\d{3}|\d{1,3})$")
OTHER_CURRENCY = re.compile(r"(?:\bRs\.?\s?\d|\bINR\s?\d|\$\s?\d|\bUSD\b)")


class Finding(BaseModel):
    """One problem a check found on one page."""

    check: str = Field(description="links, lang, viewport, h1, inr, alt, weight, html-validate, axe, ...")
    page: str
    message: str
    severity: Severity = "error"
    rule: str | None = Field(default=None, description="The html-validate rule or axe rule id.")
    impact: str | None = Field(default=None, description="axe: minor, moderate, serious or critical.")


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lang: str | None = None
        self.viewport: str | None = None
        self.h1 = 0
        self.links: list[str] = []
        self.images: list[tuple[str, str | None]] = []
        self.ids: set[str] = set()
        self.prices: list[str] = []
        self._price_depth = 0
        self._price_text: list[str] = []
        self._skip = 0
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"] or "")
        if tag == "html":
            self.lang = values.get("lang")
        elif tag == "meta" and values.get("name") == "viewport":
            self.viewport = values.get("content") or ""
        elif tag == "h1":
            self.h1 += 1
        elif tag in ("a", "link") and values.get("href") is not None:
            self.links.append(values["href"] or "")
        elif tag == "img":
            self.images.append((values.get("src") or "", values.get("alt")))
        elif tag in ("script", "style"):
            self._skip += 1
        if self._price_depth:
            self._price_depth += 1
        elif "price" in (values.get("class") or "").split():
            self._price_depth = 1
            self._price_text = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)
        if self._price_depth:
            self._price_depth -= 1
            if self._price_depth == 0:
                self.prices.append("".join(self._price_text).strip())

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        self.text.append(data)
        if self._price_depth:
            self._price_text.append(data)


def static_checks(files: dict[str, str], *, lang: str) -> list[Finding]:
    """Findings of the browser-free checks over every HTML page of `files` (path -> text)."""
    pages = {path: _parse(text) for path, text in files.items() if path.endswith(".html")}
    css_bytes = len(files.get("style.css", "").encode("utf-8"))
    findings: list[Finding] = []
    for path, parsed in pages.items():
        findings.extend(_page_findings(path, parsed, files, pages, lang))
        weight = len(files[path].encode("utf-8")) + css_bytes
        if weight > PAGE_BUDGET_BYTES:
            findings.append(
                Finding(
                    check="weight",
                    page=path,
                    message=f"page and stylesheet weigh {weight} bytes, over the {PAGE_BUDGET_BYTES} budget",
                )
            )
    return findings


def _parse(text: str) -> _PageParser:
    parser = _PageParser()
    parser.feed(text)
    parser.close()
    return parser


def _page_findings(
    path: str, parsed: _PageParser, files: dict[str, str], pages: dict[str, _PageParser], lang: str
) -> list[Finding]:
    findings: list[Finding] = []

    def add(check: str, message: str) -> None:
        findings.append(Finding(check=check, page=path, message=message))

    if not parsed.lang:
        add("lang", "the html element has no lang attribute")
    elif parsed.lang != lang:
        add("lang", f"lang is {parsed.lang!r}, the site's language is {lang!r}")
    if parsed.viewport is None or "width=device-width" not in parsed.viewport.replace(" ", ""):
        add("viewport", "no <meta name=viewport content=width=device-width ...>")
    if parsed.h1 != 1:
        add("h1", f"{parsed.h1} h1 elements, expected exactly one")
    for href in parsed.links:
        problem = _link_problem(path, href, files, pages)
        if problem:
            add("links", problem)
    for src, alt in parsed.images:
        if alt is None or not alt.strip():
            add("alt", f"image {src!r} has no alt text")
        problem = _link_problem(path, src, files, pages)
        if problem:
            add("links", problem)
    for price in parsed.prices:
        if not INR_PRICE.match(price):
            add("inr", f"price {price!r} is not written as ₹ with Indian digit grouping (₹1,25,000)")
    text = " ".join(parsed.text)
    other = OTHER_CURRENCY.search(text)
    if other:
        add("inr", f"an amount is written as {other.group(0)!r}: prices are written in ₹")
    return findings


def _link_problem(page: str, href: str, files: dict[str, str], pages: dict[str, _PageParser]) -> str | None:
    """Why an internal link does not resolve, or None (external, mail and phone links are not followed)."""
    if not href.strip():
        return "empty link"
    parts = urlsplit(href)
    if parts.scheme in ("http", "https", "mailto", "tel") or href.startswith("//"):
        return None
    if parts.scheme:
        return f"link {href!r} uses an unexpected scheme"
    target = (
        page
        if not parts.path
        else posixpath.normpath(posixpath.join(posixpath.dirname(page), unquote(parts.path)))
    )
    if target.startswith("../") or target not in files:
        return f"link {href!r} points to {target!r}, which the site does not have"
    if parts.fragment and target in pages and parts.fragment not in pages[target].ids:
        return f"link {href!r}: no element with id {parts.fragment!r} on {target}"
    return None
