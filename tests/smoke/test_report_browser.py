"""Issue 16: the report page in a real browser (headless Chromium, Debian's `chromium`).

Slow (a browser starts several times): marked ``slow``; `.ci/run` installs chromium when it is
missing and runs these.  Skipped, with the reason shown, only where no chromium exists.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import struct
import subprocess
import zlib
from html.parser import HTMLParser

import pytest
from helpers import ROOT

pytest.importorskip("jinja2", reason="the staff extra (jinja2) is not installed")

from paramcfg.engine import check_profile, load_core
from paramcfg.report import ReportInput, render_report
from paramcfg.tablefile import import_table, read_table_file

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_browser = pytest.mark.skipif(
    CHROMIUM is None, reason="no chromium: install it with `apt-get install -y chromium` "
    "(.ci/run does)")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--enable-logging=stderr", "--v=0"]


def _browse(tmp_path, url: str, *extra: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    profile = tmp_path / f"chromium-profile-{len(list(tmp_path.iterdir()))}"
    return subprocess.run(  # noqa: S603 - our own arguments
        [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *extra, url],
        capture_output=True, text=True, timeout=120, check=False)


def _png_pixels(path) -> tuple[int, int, set[bytes]]:
    """Width, height and a sample of distinct pixels of an 8-bit RGB(A) PNG."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height, depth, colour = struct.unpack(">IIBB", data[16:26])
    idat = b""
    pos = 8
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        if kind == b"IDAT":
            idat += data[pos + 8:pos + 8 + length]
        pos += 12 + length
    raw = zlib.decompress(idat)
    channels = {2: 3, 6: 4}[colour]
    assert depth == 8
    stride = width * channels + 1
    colours: set[bytes] = set()
    for y in range(0, height, max(height // 60, 1)):
        row = raw[y * stride + 1:(y + 1) * stride]  # filtered bytes: enough to see variety
        colours.update(row[i:i + 3] for i in range(0, len(row), channels * 7))
    return width, height, colours


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    """常陸大宮市's report with the 44,600円 cell imported from Excel."""
    folder = tmp_path_factory.mktemp("report")
    core = load_core(ROOT / "package_core")
    sheet, _ = read_table_file(ROOT / "tests" / "fixtures" / "staff" /
                               "hitachiomiya-over-ceiling.xlsx")
    assert sheet is not None
    town = ROOT / "tenant_profiles" / "hitachiomiya.pcfg"
    result = import_table(sheet, town, core, "保育料.月額", dt.date(2024, 4, 1),
                          skip_rows=frozenset({4, 5}))
    profile = folder / "hitachiomiya.pcfg"
    profile.write_text(result.text, encoding="utf-8")
    html = render_report(ReportInput(core, check_profile(profile, core), dt.date(2024, 6, 1)))
    path = folder / "report.html"
    path.write_text(html, encoding="utf-8")
    return path


class _Dom(HTMLParser):
    """The rendered DOM's grids and chart elements."""

    def __init__(self) -> None:
        super().__init__()
        self.grids: dict[str, list[list[str]]] = {}
        self.charts: list[dict[str, int]] = []
        self._grid: str | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table" and "grid" in (a.get("class") or ""):
            self._grid = a["data-name"]
            self.grids[self._grid] = []
        elif tag == "tr" and self._grid:
            self.grids[self._grid].append([])
        elif tag == "td" and self._grid:
            self._cell = []
        elif tag == "figure" and "chart" in (a.get("class") or ""):
            self.charts.append({"steps": 0, "ceiling": 0, "over": 0})
        elif tag == "line" and self.charts and "step" in (a.get("class") or "").split():
            self.charts[-1]["steps"] += 1
        elif tag == "polyline" and self.charts and a.get("class") == "ceiling":
            self.charts[-1]["ceiling"] += 1
        elif tag == "circle" and self.charts and a.get("class") == "over-mark":
            self.charts[-1]["over"] += 1

    def handle_endtag(self, tag):
        if tag == "table":
            self._grid = None
        elif tag == "td" and self._cell is not None and self._grid:
            self.grids[self._grid][-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


@needs_browser
def test_rendered_dom_has_the_grids_and_the_chart(page, tmp_path):
    run = _browse(tmp_path, page.as_uri(), "--dump-dom")
    assert run.returncode == 0, run.stderr[-2000:]
    assert not re.search(r"CONSOLE|Uncaught|Refused to", run.stderr), run.stderr[-2000:]
    dom = _Dom()
    dom.feed(run.stdout)
    fee = [row for row in dom.grids["保育料.月額"] if row]
    assert len(fee) == 7  # the city's 7 brackets (tiers 3-9)
    assert fee[0] == ["48,600円未満", "5,600円", "5,500円", "5,800円", "5,700円"]
    assert fee[2][3] == "44,600円"  # 3号 標準 of 97,000円以上169,000円未満
    assert fee[-1][0] == "397,000円以上"
    assert dom.grids["国保.所得割率"][1:] == [["医療分", "6.4%"], ["支援金分", "3.4%"],
                                           ["介護分", "3%"]]
    # one per column of 保育料.月額, then 保育料.1号月額 (its one 0円 bracket under its ceiling)
    assert [c["steps"] for c in dom.charts] == [7, 7, 7, 7, 1]  # one step per bracket
    for chart in dom.charts:
        assert chart["ceiling"] == 1
    assert sum(c["over"] for c in dom.charts) == 1  # the 44,600円 cell, and only it


@needs_browser
@pytest.mark.parametrize(("width", "height"), [(1280, 1800), (794, 1123)])  # screen, A4 at 96dpi
def test_screenshot_is_not_blank(page, tmp_path, width, height):
    shot = tmp_path / "shot.png"
    run = _browse(tmp_path, page.as_uri(), f"--screenshot={shot}",
                  f"--window-size={width},{height}")
    assert shot.is_file(), run.stderr[-2000:]
    w, h, colours = _png_pixels(shot)
    assert (w, h) == (width, height)
    assert len(colours) > 20  # text, lines, the chart's colours: not a blank page


@needs_browser
def test_prints_to_pdf(page, tmp_path):
    pdf = tmp_path / "report.pdf"
    run = _browse(tmp_path, page.as_uri(), f"--print-to-pdf={pdf}", "--no-pdf-header-footer")
    assert pdf.is_file(), run.stderr[-2000:]
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-")
    assert len(re.findall(rb"/Type\s*/Page[^s]", data)) >= 2  # the tables take several A4 pages
