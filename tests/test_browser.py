"""Every published page in a real browser: axe-core, reflow at 320 px, no network, page weight.

The yearly pipeline runs once on the demo data, in every language; then one headless Chromium
(the system's, installed by ``make browser``, a prerequisite of ``make test``) opens each
published ``.html`` page from disk and checks it:

- axe-core (shipped by the ``axe-playwright-python`` package as ``axe.min.js``; injected, never
  fetched) with its default rules: WCAG 2.0-2.2 A and AA and best practice. No violation at any
  impact is allowed;
- at a 320 CSS px wide viewport (WCAG 1.4.10 Reflow) the page itself does not scroll sideways
  (``document.documentElement.scrollWidth <= 320``); wide tables scroll inside their own box;
- every request that is not ``file://`` (or ``data:``) is blocked, and none may be attempted:
  a page opens with no network;
- page weight, the page and every file it loads: national report at most 1 MB, each RPB report
  at most 600 KB (decimal: 1 MB = 1,000,000 bytes).

No check is skipped: without Chromium the tests fail and say how to install it.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from nest_eval.reference.messages import LANGUAGES
from small_pipelines import RAW, ROOT, config_for

CHROMIUM = os.environ.get("CHROMIUM", "chromium")
"""The browser driven: a name on PATH or a path (``make browser`` installs Debian's)."""

NARROW = 320
"""The narrow viewport's width in CSS px (WCAG 1.4.10 Reflow)."""

WEIGHT_LIMITS = {"national": 1_000_000, "rpb": 600_000}
"""Largest page weight in bytes by kind of page (its first path part)."""

LOCAL_SCHEMES = ("file", "data", "blob", "about")
"""URL schemes that need no network."""

TOO_WIDE = """() => {
  const width = document.documentElement.clientWidth;
  const scrolls = (e) =>
    e.scrollWidth > e.clientWidth && getComputedStyle(e).overflowX !== "visible";
  const found = [];
  for (const e of document.querySelectorAll("body *")) {
    if (e.getBoundingClientRect().right <= width + 0.5) continue;
    let boxed = false;
    for (let a = e.parentElement; a && !boxed; a = a.parentElement) boxed = scrolls(a);
    const text = (e.textContent || "").trim().slice(0, 40);
    if (!boxed) found.push(`${e.tagName.toLowerCase()}.${e.className} "${text}"`);
  }
  return found.slice(0, 3);
}"""
"""The first elements sticking out of the viewport, outside any box that scrolls."""


@dataclass
class Audit:
    """What the browser found on one page."""

    violations: list[dict] = field(default_factory=list)
    scroll_width: int = 0
    too_wide: list[str] = field(default_factory=list)
    rules: int = 0
    seconds: float = 0.0
    external: list[str] = field(default_factory=list)
    files: set[Path] = field(default_factory=set)

    @property
    def weight(self) -> int:
        """Bytes of the page and every local file it loaded (each counted once)."""
        return sum(p.stat().st_size for p in self.files if p.is_file())


def _chromium() -> str:
    found = shutil.which(CHROMIUM)
    if found is None:
        pytest.fail(
            f"no Chromium ({CHROMIUM!r} is not on PATH): the browser tests need it. Install it "
            "with `make browser` (Debian's chromium; `make test` does it first), or point "
            "CHROMIUM= at a Chromium or Chrome binary.",
            pytrace=False,
        )
    return found


def _axe_script() -> str:
    import axe_playwright_python

    return Path(axe_playwright_python.__file__).with_name("axe.min.js").read_text("utf-8")


@pytest.fixture(scope="module")
def year_dir(tmp_path_factory) -> Path:
    """The demo year published in every language, by the project's own pipeline file."""
    from nest_eval.pipeline.runner import run_year

    base = tmp_path_factory.mktemp("browser")
    config = config_for(base, ROOT / "pipelines" / "yearly.toml", languages=LANGUAGES, jobs=2)
    assert config.folders.data == RAW
    summary = run_year(config, progress=lambda _: None)
    assert not summary.failed, [(o.task.label, o.error) for o in summary.failed]
    return config.year_dir()


def _local_file(url: str) -> Path | None:
    parsed = urlparse(url)
    return Path(unquote(parsed.path)) if parsed.scheme == "file" else None


def _audit(page, path: Path, axe: str) -> Audit:
    started = time.perf_counter()
    audit = Audit(files={path})

    def route(request_route) -> None:
        url = request_route.request.url
        if urlparse(url).scheme in LOCAL_SCHEMES:
            request_route.continue_()
        else:
            if url not in audit.external:
                audit.external.append(url)
            request_route.abort()

    def seen(request) -> None:
        url = request.url
        local = _local_file(url)
        if local is not None:
            audit.files.add(local)
        elif urlparse(url).scheme not in LOCAL_SCHEMES and url not in audit.external:
            audit.external.append(url)

    page.route("**/*", route)
    page.on("request", seen)
    try:
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(path.as_uri(), wait_until="load")
        page.add_script_tag(content=axe)
        result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        audit.violations = result["violations"]
        audit.rules = sum(len(result[k]) for k in ("violations", "passes", "incomplete"))
        page.set_viewport_size({"width": NARROW, "height": 640})
        audit.scroll_width = page.evaluate(
            "() => new Promise(done => requestAnimationFrame(() => "
            "done(document.documentElement.scrollWidth)))"
        )
        if audit.scroll_width > NARROW:
            audit.too_wide = page.evaluate(TOO_WIDE)
        for name in page.evaluate(
            "() => performance.getEntriesByType('resource').map(e => e.name)"
        ):
            local = _local_file(name)
            if local is not None:
                audit.files.add(local)
    finally:
        page.remove_listener("request", seen)
        page.unroute("**/*")
    audit.seconds = time.perf_counter() - started
    return audit


@pytest.fixture(scope="module")
def tab() -> Iterator:
    """One tab of one headless Chromium, shared by every page checked in this module."""
    executable = _chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=executable, headless=True)
        try:
            yield browser.new_context(service_workers="block").new_page()
        finally:
            browser.close()


@pytest.fixture(scope="module")
def audits(year_dir: Path, tab, request) -> dict[str, Audit]:
    """Each published page (path relative to the year folder) with what the browser found."""
    axe = _axe_script()
    started = time.perf_counter()
    found = {
        path.relative_to(year_dir).as_posix(): _audit(tab, path, axe)
        for path in sorted(year_dir.rglob("*.html"))
    }
    elapsed = time.perf_counter() - started
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(f"\nbrowser: {len(found)} page(s) checked in {elapsed:.1f} s")
        for name, audit in found.items():
            rules = ", ".join(
                f"{v['id']}:{v['impact']}x{len(v['nodes'])}" for v in audit.violations
            )
            reporter.write_line(
                f"  {name} ({audit.seconds:.1f} s): {audit.weight:,} bytes, scrollWidth "
                f"{audit.scroll_width} px at {NARROW}, {len(audit.external)} external; "
                f"axe: {rules or 'none'}"
            )
    return found


def _violations(audit: Audit) -> list[str]:
    return [
        f"{v['id']} ({v['impact']}) x{len(v['nodes'])}: "
        + "; ".join(" ".join(map(str, node["target"])) for node in v["nodes"][:5])
        for v in audit.violations
    ]


def test_every_page_is_published_in_every_language(audits):
    names = set(audits)
    english = sorted(n for n in names if not n.endswith(".cy.html"))
    assert english, "no page published"
    missing = [n for n in english if n.removesuffix(".html") + ".cy.html" not in names]
    assert missing == [], f"pages with no Welsh twin: {missing}"
    assert {"index.html", "national.html"} <= names


def test_axe_finds_no_violation_on_any_page(audits):
    assert all(a.rules > 10 for a in audits.values()), "axe-core applied almost no rule"
    found = {name: _violations(a) for name, a in audits.items() if a.violations}
    report = "\n".join(f"{name}:\n  " + "\n  ".join(lines) for name, lines in found.items())
    assert not found, f"axe-core violations on {len(found)} of {len(audits)} page(s):\n{report}"


def test_no_page_scrolls_sideways_at_320_px(audits):
    wide = [
        f"{name}: {a.scroll_width} px, sticking out: {'; '.join(a.too_wide)}"
        for name, a in audits.items()
        if a.scroll_width > NARROW
    ]
    assert not wide, f"page scrollWidth above {NARROW} px at {NARROW} px wide:\n" + "\n".join(wide)


def test_no_page_reaches_for_the_network(audits):
    reached = [f"{name}: {' '.join(a.external)}" for name, a in audits.items() if a.external]
    assert not reached, "requests that are not file:// (blocked):\n" + "\n".join(reached)


def test_every_page_loads_only_files_of_the_publication(audits, year_dir):
    outside = {
        name: sorted(str(p) for p in a.files if not p.is_relative_to(year_dir))
        for name, a in audits.items()
    }
    assert {name: files for name, files in outside.items() if files} == {}


def test_report_pages_are_within_their_weight(audits):
    checked = {
        name: (a.weight, WEIGHT_LIMITS[name.split("/")[0].split(".")[0]])
        for name, a in audits.items()
        if name.split("/")[0].split(".")[0] in WEIGHT_LIMITS
    }
    assert any(name.startswith("rpb/") for name in checked), "no RPB report to weigh"
    assert any(name.startswith("national") for name in checked), "no national report to weigh"
    heavy = [f"{name}: {w:,} > {cap:,} bytes" for name, (w, cap) in checked.items() if w > cap]
    assert not heavy, "pages heavier than their limit (with every file they load):\n" + "\n".join(
        heavy
    )


def test_the_index_names_every_published_table_plainly(year_dir):
    from nest_eval.reference.messages import messages

    names = [p.stem for p in (year_dir / "tables").glob("*.csv")]
    assert names
    assert [n for n in names if f"page.index.table.{n}" not in messages()] == []


def test_the_checks_see_what_a_page_loads_and_reaches_for(tab, tmp_path):
    # a page with known files and a known external reference: the audit must find each
    (tmp_path / "figures").mkdir()
    image = tmp_path / "figures" / "dot.svg"
    image.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"></svg>')
    wide = '<div style="width:900px">wide</div>'
    html_page = tmp_path / "page.html"
    html_page.write_text(
        '<!DOCTYPE html><html lang="en"><head><title>t</title></head><body>'
        '<main><h1>t</h1><img src="figures/dot.svg" alt="a dot">'
        '<img src="https://example.org/x.png" alt="x"><img src="figures/dot.svg">'
        f"{wide}</main></body></html>"
    )
    audit = _audit(tab, html_page, _axe_script())
    assert audit.files == {html_page, image}
    assert audit.weight == html_page.stat().st_size + image.stat().st_size
    assert audit.external == ["https://example.org/x.png"]
    assert audit.scroll_width > NARROW
    assert [e.split(" ")[0] for e in audit.too_wide] == ["div."]
    assert "image-alt" in {v["id"] for v in audit.violations}
