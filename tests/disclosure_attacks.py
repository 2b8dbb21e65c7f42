"""An attacker that reads a published year and tries to recover the suppressed cells.

Independent check of the disclosure control: everything here is worked out from the files a run
publishes under ``reports/<year>/`` (``tables/*.csv``, the HTML reports, the notebooks' HTML
outputs, the figures' alt texts and ``manifest.json``), read with the meaning the documentation
gives each number (``indicators.toml`` and the docstrings of ``nest_eval.domains``). Nothing
of the package's disclosure code is used.

Reading
-------
Every count shown is an *observation* of a *quantity*, named by a key such as
``("outcomes", "Powys", "YP_CORE", "self", "n_pairs")``; the same quantity is often shown in
several places (a CSV column, an HTML table, an alt text). A quantity written ``c`` anywhere is a
*target*. What is known of the targets is a set of linear *relations* between quantities, each
of one family:

``text``
    Numbers stated in text: the recommendations' evidence ("outcomes: 91 paired assessments"
    is the sum of the RPB's pairs over the measures), counts in figure alt texts, the mixed
    models' children (the children of the RPBs kept in the model) and the RPBs left out of a
    model for having fewer than a stated number of paired children.
``same``
    One count shown under two definitions that coincide: the children with 2+ assessments of
    the case-mix table are the pairs (when no child missed a covariate). Plain repeats of one
    quantity (``n_pairs`` and the ``n`` of the ``mean_change`` rows) are the same key.
``pct``
    A share, percentage or proportion with its denominator gives the numerator; so do Wilson
    bounds, funnel limits, z-scores and exact probabilities (solved exactly), the change in a
    share with its
    Newcombe interval, and the rule that statistics resting on fewer than ``threshold`` people
    are suppressed (a published mean or share says its count is at least ``threshold``).
``row``
    Relations within a row or an area: pairs = improved + no change + deteriorated + not
    assessable, recovered <= improved, agreeing <= answers, all respondents = the sum of the
    respondent types, current - baseline = change, the groups of a breakdown add up to their
    total (a group's count is written ``c`` from 1 to ``threshold - 1`` even for Wales).
``wales``
    Wales = the sum of the seven RPBs.

Each relation of a sum is used only if the publication's fully shown instances of it hold.

Rounded numbers
---------------
A number is read as written: to the decimals of its CSV cell (``0.495`` is a share between
0.4945 and 0.4955, :func:`half_unit`), exactly when written in full. A share with its
denominator bounds the numerator on both sides; a published interval or limit is matched within
half a unit of its last decimal (the ``half`` of the solvers). What would need an input the
table rounds (funnel limits and z-scores around a rounded target, a Newcombe interval around a
rounded change, Wilson bounds without their denominator) is not solved: what the attacks find
stays certain.

Assumptions on a ``c``
----------------------
The published rule is that counts of 1 to ``threshold - 1`` are written ``c``, with secondary
suppression of other cells (of any value, 0 included). By default (``secondary=False``) a ``c``
written for an RPB's count is taken to be between 1 and ``threshold - 1`` (0 and
``threshold - 1`` with ``zeros_suppressed=True``; the rule is stated for counts below Wales
level, so a Wales ``c`` may be any count), except for the fewest cells the published relations force
outside that range, which may hold any count: the attacker's best guess, which can be wrong
where a secondary suppression happens to fit the range. ``secondary=True`` takes every ``c`` to
be any count, so only what follows from the published relations alone is recovered (a sound
attack: what it finds is certain).

Attacks
-------
Each attack takes a published year folder and the threshold and returns the :class:`Finding`
of every target it pins to fewer than :data:`NARROW` values: :func:`text_totals`,
:func:`same_count`, :func:`percentages`, :func:`row_relations`, :func:`wales_minus_others` and
:func:`combined` (all the relations at once, one integer program per group of related cells).
:func:`attack_all` runs them all; ``python tests/disclosure_attacks.py reports/2025`` prints
what they recover.
"""

from __future__ import annotations

import argparse
import csv
import html
import json
import math
import re
import tomllib
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from statistics import NormalDist

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.stats import binom

WALES = "Wales"
NARROW = 5
"""A target whose feasible values are fewer than this many counts as recovered."""
Z95 = 1.959963984540054
CONTROLLED = frozenset({"people", "responses", "requests", "learners"})
"""What a count counts when disclosure control applies to it (``indicators.toml``)."""
INDICATORS_TOML = (
    Path(__file__).resolve().parents[1] / "src" / "nest_eval" / "reference" / "data"
) / "indicators.toml"
FAMILIES = ("text", "same", "pct", "row", "wales")
RESPONDENT_TYPES = {
    "Children": "child",
    "Parents and carers": "parent_carer",
    "Professionals": "professional",
    "Young people": "young_person",
}
OUTCOME_COUNTS = (
    "reliable_improvement",
    "no_reliable_change",
    "reliable_deterioration",
    "reliable_recovery",
)
_SENTINEL_C = "c"

Key = tuple[str, ...]


@dataclass(frozen=True)
class Finding:
    """A suppressed cell recovered, or narrowed to fewer than :data:`NARROW` values.

    Attributes
    ----------
    table : str
        File of the year folder where the cell is written ``c`` (a CSV table when it is one).
    row : str
        The row's key, e.g. ``"Powys / YP_CORE / self"``.
    column : str
        The column.
    value : tuple of int
        Smallest and largest value the published relations allow (equal when recovered
        exactly).
    how : str
        The relations used, and the assumption made on the ``c`` when it was needed.
    quantity : tuple of str
        What the cell counts, e.g. ``("outcomes", "Powys", "YP_CORE", "self", "n_pairs")``
        (see the module's docstring).
    """

    table: str
    row: str
    column: str
    value: tuple[int, int]
    how: str
    quantity: Key = ()

    def below(self, threshold: int) -> bool:
        """Whether the cell may hold a count the rule suppresses (below ``threshold``)."""
        return self.value[0] < threshold

    @property
    def exact(self) -> bool:
        """Whether the cell's value is determined."""
        return self.value[0] == self.value[1]

    def __str__(self) -> str:
        """One line: place, value and how."""
        lo, hi = self.value
        value = str(lo) if lo == hi else f"{lo} to {hi}"
        return f"{self.table} [{self.row}] {self.column} = {value}: {self.how}"


@dataclass(frozen=True)
class Place:
    """Where a number (or a ``c``) is shown: file, row key and column."""

    file: str
    row: str
    column: str

    def __str__(self) -> str:
        """``file [row] column``."""
        return f"{self.file} [{self.row}] {self.column}"


@dataclass(frozen=True)
class Relation:
    """``lo <= sum(coefficient * quantity) <= hi``, read from the publication.

    Attributes
    ----------
    family : str
        One of :data:`FAMILIES`.
    terms : tuple of (Key, float)
        Quantities and their coefficients.
    lo, hi : float
        Bounds (equal for an equation; ``inf`` for none).
    how : str
        What was read, and where.
    exact : bool
        Integer coefficients (False for a share times a denominator, solved with a tolerance).
    template : str
        The kind of relation: all of a kind are dropped when one of them fails where every
        quantity is shown (the reading of the publication is then wrong).
    """

    family: str
    terms: tuple[tuple[Key, float], ...]
    lo: float
    hi: float
    how: str
    exact: bool = True
    template: str = ""

    def holds(self, known: dict[Key, float]) -> bool | None:
        """Whether the relation holds of the shown values (None: a quantity is not shown)."""
        if not all(q in known for q, _ in self.terms):
            return None
        value = sum(a * known[q] for q, a in self.terms)
        scale = max([1.0] + [abs(a * known[q]) for q, a in self.terms])
        tolerance = (1e-9 if self.exact else 1e-6) * scale
        return self.lo - tolerance <= value <= self.hi + tolerance


@dataclass
class Publication:
    """What an outsider reads in a published year folder.

    Attributes
    ----------
    folder : pathlib.Path
        The year folder.
    rpbs : list of str
        The RPBs named in the tables (Wales apart).
    shown : dict
        Numbers shown in tables, by quantity: a list of (value, place).
    suppressed : dict
        Places where each quantity is written ``c``.
    relations : list of Relation
    rests_on : int or None
        Fewest people a published percentage, mean or interval rests on (from the methods).
    funnel_min_n, min_paired : int or None
        Smallest denominator drawn in a funnel plot, fewest paired children of an RPB kept in
        a mixed model (from the methods).
    shorthand : str
        The mark of a suppressed cell (``manifest.json``).
    weak, strong : set of Key
        Targets written ``c`` only as a statistic resting on them (nothing known of their
        size), and targets written ``c`` as a count.
    notes : list of str
        What was read but could not be used, and groups the relations did not fit.
    """

    folder: Path
    rpbs: list[str] = field(default_factory=list)
    shown: dict[Key, list[tuple[float, Place]]] = field(default_factory=lambda: defaultdict(list))
    suppressed: dict[Key, list[Place]] = field(default_factory=lambda: defaultdict(list))
    relations: list[Relation] = field(default_factory=list)
    rests_on: int | None = None
    funnel_min_n: int | None = None
    min_paired: int | None = None
    shorthand: str = _SENTINEL_C
    weak: set[Key] = field(default_factory=set)
    strong: set[Key] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)
    _seen: set[tuple] = field(default_factory=set, repr=False)

    # -- recording --------------------------------------------------------------------------
    def observe(
        self, key: Key, value: float | str | None, place: Place, *, weak: bool = False
    ) -> None:
        """Record a count shown at ``place`` (a number, ``c``, or nothing).

        ``weak``: the ``c`` is of a statistic resting on the count, not of the count itself (it
        says nothing of the count's size).
        """
        if value is None or key is None:  # nothing shown, or a row naming no quantity
            return
        if value == _SENTINEL_C:
            self.suppressed[key].append(place)
            if weak:
                self.weak.add(key)
            else:
                self.strong.add(key)
        else:
            self.shown[key].append((float(value), place))

    def relate(
        self,
        family: str,
        terms: dict[Key, float] | Iterable[tuple[Key, float]],
        lo: float,
        hi: float,
        how: str,
        *,
        exact: bool = True,
        template: str | None = None,
    ) -> None:
        """Record ``lo <= sum(coefficient * quantity) <= hi``.

        ``template``: the kind of relation (default: ``how`` without its numbers and place).
        """
        items = tuple(terms.items()) if isinstance(terms, dict) else tuple(terms)
        seen = (family, frozenset(items), lo, hi)
        if seen in self._seen:
            return  # the same relation read again (a page and its notebook)
        self._seen.add(seen)
        if template is None:
            template = re.sub(r"\d[\d,.]*", "#", how.split(" at ")[0].split(" (")[0])
        self.relations.append(Relation(family, items, lo, hi, how, exact, f"{family}: {template}"))

    def check(self) -> None:
        """Drop every kind of relation that fails somewhere all its quantities are shown."""
        known = self.known
        failed = {r.template for r in self.relations if r.holds(known) is False}
        if failed:
            self.notes += [f"'{t}' fails where shown; not used" for t in sorted(failed)]
            self.relations = [r for r in self.relations if r.template not in failed]

    def equal(self, family: str, key: Key, value: float, how: str) -> None:
        """Record ``quantity = value`` (a count stated somewhere)."""
        self.relate(family, {key: 1.0}, value, value, how)

    # -- reading ----------------------------------------------------------------------------
    @property
    def known(self) -> dict[Key, float]:
        """The value of every quantity shown as a number in a table."""
        return {key: values[0][0] for key, values in self.shown.items() if values}

    @property
    def targets(self) -> set[Key]:
        """Quantities written ``c`` somewhere."""
        return {key for key, places in self.suppressed.items() if places}

    @property
    def areas(self) -> list[str]:
        """The RPBs, then Wales."""
        return [*self.rpbs, WALES]

    def place(self, key: Key) -> Place:
        """Where a target is written ``c``: a CSV table first."""
        places = self.suppressed[key]
        return min(places, key=lambda p: (not p.file.startswith("tables/"), p.file, p.row))

    def largest(self) -> int:
        """A bound on any count: ten times the largest count shown (at least 1000)."""
        values = [v for v in self.known.values() if math.isfinite(v)]
        return int(max(1000.0, 10 * max(values, default=0.0)))


# -------------------------------------------------------------------------------------------
# Reading helpers
# -------------------------------------------------------------------------------------------


def _cell(text: str | None, shorthand: str = _SENTINEL_C) -> float | str | None:
    """A shown value: a float, :data:`_SENTINEL_C` for a suppressed cell, None for blank."""
    if text is None:
        return None
    s = text.strip()
    if s == shorthand or s == f"{shorthand} ":
        return _SENTINEL_C
    if s in ("", "–", "-", "—", "nan", "NaN", "None", "True", "False"):
        return None
    s = s.replace(",", "").replace("−", "-").replace("£", "").rstrip("%")
    try:
        return float(s)
    except ValueError:
        return None


def _leading(text: str, shorthand: str = _SENTINEL_C) -> float | str | None:
    """The leading number (or ``c``) of a cell such as ``13 (2024)`` or ``+0.50 (c)``."""
    s = text.strip()
    if s == shorthand or s.startswith(f"{shorthand} "):
        return _SENTINEL_C
    match = re.match(r"[+\-−]?[\d,]*\.?\d+", s)
    return _cell(match.group(0)) if match else None


def _number(value: float | str | None) -> float | None:
    """A shown number, or None for ``c`` and blanks."""
    return value if isinstance(value, float) and math.isfinite(value) else None


def slug(name: str) -> str:
    """The slug of an RPB's report.

    Parameters
    ----------
    name : str
        The RPB's name, e.g. ``Cardiff and Vale``.

    Returns
    -------
    str
        E.g. ``cardiff-and-vale`` (the report is ``rpb/<slug>.html``).
    """
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def _read_csv(path: Path) -> list[dict[str, str]]:
    """Rows of a published CSV table (none when it is absent)."""
    if not path.is_file():
        return []
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _units(path: Path = INDICATORS_TOML) -> dict:
    """Units of the indicators and columns (``indicators.toml``); empty when absent."""
    if not path.is_file():
        return {}
    return tomllib.loads(path.read_text(encoding="utf-8"))


def _controlled(units: dict, unit: str) -> bool:
    """Whether counts in ``unit`` are under disclosure control."""
    spec = units.get("units", {}).get(unit)
    if spec is None:
        return unit.startswith("count_") and unit[6:] in CONTROLLED
    return spec.get("kind") == "count" and spec.get("counts") in CONTROLLED


def _basis_controlled(units: dict, indicator: str) -> bool:
    """Whether the ``n`` of an indicator's rows counts people, responses, requests or learners."""
    spec = units.get("indicators", {}).get(indicator)
    if spec is None:
        return True
    return _controlled(units, spec.get("basis", ""))


def _strip_tags(fragment: str) -> str:
    """The text of an HTML fragment, tags removed and spaces collapsed."""
    text = re.sub(r"<[^>]+>", "", fragment)
    return re.sub(r"\s+", " ", html.unescape(text)).strip()


@dataclass
class _Table:
    """A table of an HTML page."""

    caption: str
    header: list[str]
    rows: list[list[str]]

    def records(self) -> Iterator[dict[str, str]]:
        """Each row as a mapping of header to cell text."""
        for row in self.rows:
            yield dict(zip(self.header, row, strict=False))


def html_tables(text: str) -> list[_Table]:
    """The tables of an HTML page or fragment.

    Parameters
    ----------
    text : str
        HTML.

    Returns
    -------
    list of _Table
        Caption, header (the first row of ``th`` cells) and rows of cell texts of each.
    """
    tables = []
    for match in re.finditer(r"<table\b.*?</table>", text, flags=re.S):
        fragment = match.group(0)
        caption = re.search(r"<caption[^>]*>(.*?)</caption>", fragment, flags=re.S)
        header: list[str] = []
        rows: list[list[str]] = []
        for tr in re.findall(r"<tr\b[^>]*>(.*?)</tr>", fragment, flags=re.S):
            cells = re.findall(r"<t([hd])\b[^>]*>(.*?)</t[hd]>", tr, flags=re.S)
            texts = [_strip_tags(c) for _, c in cells]
            if not header and cells and all(kind == "h" for kind, _ in cells):
                header = texts
            else:
                rows.append(texts)
        tables.append(_Table(_strip_tags(caption.group(1)) if caption else "", header, rows))
    return tables


# -------------------------------------------------------------------------------------------
# The meaning of the published tables
# -------------------------------------------------------------------------------------------


def _outcome_key(area: str, measure: str, respondent: str, column: str) -> Key:
    """A count of ``outcomes_change`` (or one derived from it: ``assessable``, ``adjusted_n``)."""
    return ("outcomes", area, measure, respondent, column)


def _experience_key(area: str, respondent_type: str, item: str, column: str) -> Key:
    """Answers (``n``) or agreeing answers (``n_agree``) of an item, or responses to the index."""
    return ("experiences", area, respondent_type, item or "index", column)


_ACCESS_BASIS = {
    "share_within_28_days": "share_within_28_days",
    "median_wait_days": "waits",
    "p90_wait_days": "waits",
    "share_redirected": "requests",
    "mean_redirections": "requests",
    "still_waiting_at_year_end": "waits",
}


def _access_n(area: str, indicator: str) -> Key | None:
    """The requests an access indicator rests on (in the waits, received, window closed)."""
    basis = _ACCESS_BASIS.get(indicator)
    return ("access", area, basis, "n") if basis else None


def _access_count(area: str, indicator: str) -> Key | None:
    """The numerator of an access share, or the number still waiting (beside the waits too)."""
    if indicator in ("share_within_28_days", "share_redirected", "still_waiting_at_year_end"):
        return ("access", area, indicator, "count")
    if indicator in ("median_wait_days", "p90_wait_days"):
        return ("access", area, "still_waiting_at_year_end", "count")
    return None


def group_key(key: Key, dimension: str, group: str) -> Key:
    """A count of one group of a breakdown: the total's key with ``dimension=group`` before
    its last part, e.g. ``("outcomes", "Wales", "GBO", "self", "sex=female", "n_pairs")``."""
    return (*key[:-1], f"{dimension}={group}", key[-1])


def is_group(key: Key) -> bool:
    """Whether a quantity counts a group of a breakdown (below Wales level wherever it is)."""
    return any("=" in part for part in key)


@dataclass(frozen=True)
class _Spec:
    """What a row of ``distance_travelled`` (or a label of it) is about."""

    domain: str
    indicator: str
    measure: str = ""
    respondent: str = ""
    item: str = ""

    def n_key(self, area: str) -> Key | None:
        """The quantity the row's ``n`` shows."""
        if self.indicator == "paired_data_rate":
            return ("paired_data", area, "n")
        if self.domain == "outcomes":
            column = {
                "mean_change": "n_pairs",
                "share_reliable_improvement": "assessable",
                "adjusted_change": "adjusted_n",
            }.get(self.indicator)
            return _outcome_key(area, self.measure, self.respondent, column) if column else None
        if self.domain == "experiences":
            return _experience_key(area, "all", self.item, "n")
        if self.domain == "access":
            return _access_n(area, self.indicator)
        return None

    def count_key(self, area: str) -> Key | None:
        """The numerator of the row's share (or the count the row is)."""
        if self.indicator == "paired_data_rate":
            return ("paired_data", area, "count")
        if self.domain == "outcomes" and self.indicator == "share_reliable_improvement":
            return _outcome_key(area, self.measure, self.respondent, "reliable_improvement")
        if self.domain == "experiences" and self.indicator == "share_agreeing":
            return _experience_key(area, "all", self.item, "n_agree")
        if self.domain == "access":
            return _access_count(area, self.indicator)
        return None

    def baseline_key(self, area: str) -> Key | None:
        """The numerator of the baseline share (or the baseline count)."""
        count = self.count_key(area)
        return (*count[:-1], "baseline_" + count[-1]) if count else None

    @property
    def is_share(self) -> bool:
        """A share (with a numerator and a denominator)."""
        return self.indicator.startswith("share_")

    @property
    def is_count(self) -> bool:
        """A count itself (requests still waiting)."""
        return self.indicator == "still_waiting_at_year_end"

    @property
    def text(self) -> str:
        """Indicator, measure, respondent and item, e.g. ``share_agreeing/safe``."""
        parts = [self.indicator, self.measure, self.respondent, self.item]
        return "/".join(p for p in parts if p)


def _spec_of(row: dict[str, str]) -> _Spec:
    """The indicator a row of a long table is about."""
    return _Spec(
        row.get("domain", ""),
        row.get("indicator", ""),
        row.get("measure", "") or "",
        row.get("respondent", "") or "",
        row.get("item", "") or "",
    )


class _Reader:
    """Reads a year folder into a :class:`Publication`."""

    def __init__(self, folder: Path, units: dict) -> None:
        self.folder = folder
        self.units = units
        self.pub = Publication(folder)
        self.labels: dict[str, _Spec] = {}
        self.measures: dict[str, tuple[str, str]] = {}
        self.items: dict[str, str] = {}
        self.item_order: list[str] = []
        self.comparison_labels: dict[str, _Spec] = {}
        self.outcome_groups: set[tuple[str, str]] = set()
        self.adjusted_rpbs: dict[tuple[str, str], set[str]] = defaultdict(set)
        self.missing_covariate: dict[tuple[str, str], int] = {}

    @property
    def c(self) -> str:
        """The mark of a suppressed cell."""
        return self.pub.shorthand

    def cell(self, text: str | None) -> float | str | None:
        """A shown value (see :func:`_cell`)."""
        return _cell(text, self.c)

    def read(self) -> Publication:
        """Read every published file, then relate rows, areas and Wales."""
        manifest = self.folder / "manifest.json"
        if manifest.is_file():
            parameters = json.loads(manifest.read_text(encoding="utf-8")).get("parameters", {})
            self.pub.shorthand = parameters.get("shorthand") or _SENTINEL_C
        self.read_rpbs()
        self.read_rules()
        self.read_outcomes_change()
        self.read_distance()
        self.read_experiences()
        self.read_access()
        self.read_comparisons()
        self.read_paired_data()
        self.read_breakdowns()
        self.read_training()
        for path, area, text in self.pages():
            self.read_page(path, area, text)
        self.read_figures()
        self.relate_pairs_to_model()
        self.relate_margins()
        self.relate_wales()
        self.pub.check()
        return self.pub

    # -- what is published -----------------------------------------------------------------
    def rel(self, path: Path) -> str:
        """A path relative to the year folder."""
        return path.relative_to(self.folder).as_posix()

    def read_rpbs(self) -> None:
        """The RPBs named in the tables."""
        names: list[str] = []
        for table in ("outcomes_change", "experiences", "access", "distance_travelled"):
            for row in _read_csv(self.folder / "tables" / f"{table}.csv"):
                name = row.get("rpb", "")
                if name and name != WALES and name not in names:
                    names.append(name)
        self.pub.rpbs = names

    def pages(self) -> Iterator[tuple[Path, str, str]]:
        """Every HTML page, and the HTML outputs of every notebook, with the page's area."""
        by_slug = {slug(name): name for name in self.pub.rpbs}
        for path in sorted(self.folder.rglob("*.html")):
            yield path, self.area_of(path, by_slug), path.read_text(encoding="utf-8")
        for path in sorted(self.folder.rglob("*.ipynb")):
            try:
                notebook = json.loads(path.read_text(encoding="utf-8"))
            except json.JSONDecodeError:
                continue
            parts = []
            for cell in notebook.get("cells", []):
                for output in cell.get("outputs", []):
                    fragment = output.get("data", {}).get("text/html")
                    if fragment:
                        parts.append("".join(fragment))
            if parts:
                yield path, self.area_of(path, by_slug), "\n".join(parts)

    def area_of(self, path: Path, by_slug: dict[str, str]) -> str:
        """The area of a page: its RPB for ``rpb/<slug>``, else Wales."""
        return by_slug.get(path.stem, WALES) if path.parent.name == "rpb" else WALES

    def read_rules(self) -> None:
        """The thresholds the methods state (read from the first page stating them)."""
        for path in sorted(self.folder.rglob("*.html")):
            text = _strip_tags(path.read_text(encoding="utf-8"))
            rests = re.search(r"resting on fewer than ([\d,]+) (?:people|respondents)", text)
            funnel = re.search(r"fewer than ([\d,]+) in the denominator are not shown", text)
            paired = re.search(r"fewer than ([\d,]+) children with two or more assessments", text)
            if rests and self.pub.rests_on is None:
                self.pub.rests_on = int(rests.group(1).replace(",", ""))
            if funnel and self.pub.funnel_min_n is None:
                self.pub.funnel_min_n = int(funnel.group(1).replace(",", ""))
            if paired and self.pub.min_paired is None:
                self.pub.min_paired = int(paired.group(1).replace(",", ""))
            if self.pub.rests_on and self.pub.funnel_min_n and self.pub.min_paired:
                return

    def rests(self, key: Key | None, place: Place, what: str) -> None:
        """A statistic resting on ``key`` is shown: ``key`` is at least the stated minimum."""
        if key is not None and self.pub.rests_on:
            self.pub.relate(
                "pct",
                {key: 1.0},
                self.pub.rests_on,
                math.inf,
                f"{what} shown at {place}, so it rests on at least {self.pub.rests_on}",
                template=f"rests on: {place.file} {place.column}",
            )

    def share(
        self,
        count: Key | None,
        denominator: Key | None,
        share: float | None,
        place: Place,
        *,
        scale: float = 1.0,
    ) -> None:
        """``count = share * denominator`` (``scale`` 100 for a percentage).

        A rounded share (:func:`half_unit`) puts the count between ``(share - h) * denominator``
        and ``(share + h) * denominator``.
        """
        if count is None or denominator is None or share is None:
            return
        h = half_unit(share)
        if h > 0:
            what = f"{share:g}{'%' if scale == 100 else ''} (rounded) of the denominator at {place}"
            for bound, lo, hi in ((share + h, -math.inf, 0.0), (share - h, 0.0, math.inf)):
                self.pub.relate(
                    "pct",
                    {count: scale, denominator: -bound},
                    lo,
                    hi,
                    what,
                    exact=False,
                    template=f"share: {place.file} {place.column}",
                )
            return
        self.pub.relate(
            "pct",
            {count: scale, denominator: -share},
            0.0,
            0.0,
            f"{share:g}{'%' if scale == 100 else ''} of the denominator at {place}",
            exact=False,
            template=f"share: {place.file} {place.column}",
        )

    # -- tables/*.csv -------------------------------------------------------------------------
    def read_outcomes_change(self) -> None:
        """Counts, row sums and percentages of ``outcomes_change``."""
        path = self.folder / "tables" / "outcomes_change.csv"
        rows = _read_csv(path)
        columns = self.units.get("columns", {})
        for row in rows:
            area, measure, respondent = row["rpb"], row["measure"], row["respondent"]
            self.outcome_groups.add((measure, respondent))
            key = f"{area} / {measure} / {respondent}"

            def k(column: str, area=area, measure=measure, respondent=respondent) -> Key:
                return _outcome_key(area, measure, respondent, column)

            def at(column: str, key=key) -> Place:
                return Place(self.rel(path), key, column)

            for column in row:
                unit = columns.get(column, {}).get("unit")
                if (unit and _controlled(self.units, unit)) or (
                    not unit and (column.startswith("n_") or column in OUTCOME_COUNTS)
                ):
                    self.pub.observe(k(column), self.cell(row[column]), at(column))
            parts = {k(c): 1.0 for c in OUTCOME_COUNTS if c != "reliable_recovery"}
            parts[k("n_not_assessable")] = 1.0
            self.pub.relate(
                "row",
                {k("n_pairs"): 1.0, **{q: -a for q, a in parts.items()}},
                0,
                0,
                f"pairs = improved + no change + deteriorated + not assessable at {at('n_pairs')}",
            )
            self.pub.relate(
                "row",
                {k("assessable"): 1.0, k("n_pairs"): -1.0, k("n_not_assessable"): 1.0},
                0,
                0,
                f"assessable pairs = pairs - not assessable at {at('n_pairs')}",
            )
            self.pub.relate(
                "row",
                {k("reliable_improvement"): 1.0, k("reliable_recovery"): -1.0},
                0,
                math.inf,
                f"recovered is part of improved at {at('reliable_recovery')}",
            )
            for column in OUTCOME_COUNTS:
                pct = _number(self.cell(row.get("pct_" + column)))
                self.share(k(column), k("assessable"), pct, at("pct_" + column), scale=100.0)
                if pct is not None:
                    self.rests(k("assessable"), at("pct_" + column), "a percentage")
            for column in ("mean_change", "mean_change_ci_low", "smc", "smc_ci_low"):
                if _number(self.cell(row.get(column))) is not None:
                    self.rests(k("n_pairs"), at(column), "a mean")
                    break

    def read_distance(self) -> None:
        """The ``n`` of every indicator, shares, counts and changes of ``distance_travelled``."""
        path = self.folder / "tables" / "distance_travelled.csv"
        for row in _read_csv(path):
            spec = _spec_of(row)
            label = row.get("label")
            if label:
                self.labels[label] = spec
                if spec.domain == "outcomes" and ": " in label:
                    self.measures[label.rsplit(": ", 1)[0]] = (spec.measure, spec.respondent)
                if spec.indicator == "share_agreeing" and ": " in label:
                    self.items[label.split(": ", 1)[1]] = spec.item
                    if spec.item not in self.item_order:
                        self.item_order.append(spec.item)
            if spec.domain in ("implementation",) or not _basis_controlled(
                self.units, spec.indicator
            ):
                continue
            area = row["rpb"]
            if spec.indicator == "adjusted_change" and area != WALES:
                self.adjusted_rpbs[(spec.measure, spec.respondent)].add(area)
            parts = (area, spec.domain, spec.indicator, spec.measure, spec.respondent, spec.item)
            where = " / ".join(p for p in parts if p)

            def at(column: str, where=where) -> Place:
                return Place(self.rel(path), where, column)

            n_key = spec.n_key(area)
            if n_key:
                self.pub.observe(n_key, self.cell(row.get("n")), at("n"))
            current = self.cell(row.get("current"))
            baseline = self.cell(row.get("baseline"))
            change = _number(self.cell(row.get("change")))
            count, base = spec.count_key(area), spec.baseline_key(area)
            if spec.is_count:
                self.pub.observe(count, current, at("current"))
                self.pub.observe(base, baseline, at("baseline"))
                if change is not None and count and base:
                    self.pub.relate(
                        "row",
                        {count: 1.0, base: -1.0},
                        change,
                        change,
                        f"current - baseline at {at('change')}",
                    )
                continue
            if _number(current) is not None:
                self.rests(n_key, at("current"), "a current value")
            if not spec.is_share:
                continue
            if baseline == _SENTINEL_C and base:
                self.pub.observe(base, _SENTINEL_C, at("baseline"), weak=True)
            share = _number(current)
            if share is None and _number(baseline) is not None and change is not None:
                share = _number(baseline) + change
            self.share(count, n_key, share, at("current"))
            if _number(current) is None and change is not None:
                self.newcombe(row, spec, area, at)

    def newcombe(self, row: dict[str, str], spec: _Spec, area: str, at: Callable) -> None:
        """Current and baseline numerators from a change in a share and its Newcombe interval."""
        n = _number(self.cell(row.get("n")))
        change = _number(self.cell(row.get("change")))
        low, high = _number(self.cell(row.get("ci_low"))), _number(self.cell(row.get("ci_high")))
        baseline = _number(self.cell(row.get("baseline")))
        if n is None or change is None or low is None or high is None or n < 1:
            return
        half = rounding_of(change, low, high, baseline)
        found = newcombe_solutions(int(n), change, low, high, baseline=baseline, half=half)
        count, base = spec.count_key(area), spec.baseline_key(area)
        if not found or count is None or base is None:
            return
        how = f"change {change:g} with its Newcombe interval and n = {int(n)} at {at('change')}"
        currents = sorted({a for a, _, _ in found})
        bases = sorted({b for _, b, _ in found})
        self.pub.relate("pct", {count: 1.0}, currents[0], currents[-1], how)
        self.pub.relate("pct", {base: 1.0}, bases[0], bases[-1], how)

    def read_experiences(self) -> None:
        """Answers and agreeing answers by area and respondent type, shares and intervals."""
        path = self.folder / "tables" / "experiences.csv"
        for row in _read_csv(path):
            area, rtype = row["rpb"], row.get("respondent_type") or "all"
            item = row.get("item", "") if row.get("indicator") == "share_agreeing" else ""
            where = " / ".join(p for p in (area, rtype, row.get("indicator", ""), item) if p)
            n_key = _experience_key(area, rtype, item, "n")
            agree = _experience_key(area, rtype, item, "n_agree")

            def at(column: str, where=where) -> Place:
                return Place(self.rel(path), where, column)

            n = self.cell(row.get("n"))
            self.pub.observe(n_key, n, at("n"))
            estimate = _number(self.cell(row.get("estimate")))
            if estimate is not None:
                self.rests(n_key, at("estimate"), "an estimate")
            if row.get("indicator") != "share_agreeing":
                continue
            self.pub.observe(agree, self.cell(row.get("n_agree")), at("n_agree"))
            self.pub.relate(
                "row", {n_key: 1.0, agree: -1.0}, 0, math.inf, f"agreeing <= answers at {at('n')}"
            )
            self.share(agree, n_key, estimate, at("estimate"))
            self.wilson(agree, n_key, row, at, n)

    def wilson(
        self, count: Key, n_key: Key, row: dict[str, str], at: Callable, n: float | str | None
    ) -> None:
        """The numerator (and denominator) from a Wilson interval's bounds."""
        low, high = _number(self.cell(row.get("ci_low"))), _number(self.cell(row.get("ci_high")))
        if low is None or high is None:
            return
        shown = int(n) if _number(n) is not None else None
        found = wilson_solutions(low, high, n=shown, half=rounding_of(low, high))
        if not found:
            return
        xs, ns = sorted({x for x, _ in found}), sorted({m for _, m in found})
        how = f"Wilson interval {low:.4g} to {high:.4g} at {at('ci_low')}"
        self.pub.relate("pct", {count: 1.0}, xs[0], xs[-1], how)
        self.pub.relate("pct", {n_key: 1.0}, ns[0], ns[-1], how)

    def read_access(self) -> None:
        """Requests and numerators of the access indicators, shares and intervals."""
        path = self.folder / "tables" / "access.csv"
        for row in _read_csv(path):
            area, indicator = row["rpb"], row["indicator"]
            if not _basis_controlled(self.units, indicator):
                continue
            where = f"{area} / {indicator}"

            def at(column: str, where=where) -> Place:
                return Place(self.rel(path), where, column)

            n_key, count = _access_n(area, indicator), _access_count(area, indicator)
            n = self.cell(row.get("n"))
            if n_key:
                self.pub.observe(n_key, n, at("n"))
            if count:
                self.pub.observe(count, self.cell(row.get("count")), at("count"))
                if indicator == "still_waiting_at_year_end":
                    self.pub.observe(count, self.cell(row.get("estimate")), at("estimate"))
                self.pub.relate(
                    "row", {n_key: 1.0, count: -1.0}, 0, math.inf, f"count <= n at {at('n')}"
                )
            estimate = _number(self.cell(row.get("estimate")))
            if estimate is not None and indicator != "still_waiting_at_year_end":
                self.rests(n_key, at("estimate"), "an estimate")
            if indicator.startswith("share_") and count:
                self.share(count, n_key, estimate, at("estimate"))
                self.wilson(count, n_key, row, at, n)
        for area in sorted({row["rpb"] for row in _read_csv(path)}):
            requests = ("access", area, "requests", "n")
            for part in ("waits", "share_within_28_days"):
                self.pub.relate(
                    "row",
                    {requests: 1.0, ("access", area, part, "n"): -1.0},
                    0,
                    math.inf,
                    f"{part} requests are some of the year's requests ({area})",
                )

    def read_comparisons(self) -> None:
        """Numerators, denominators, proportions and funnel figures of ``rpb_comparisons``."""
        path = self.folder / "tables" / "rpb_comparisons.csv"
        for row in _read_csv(path):
            spec = _spec_of(row)
            if row.get("label"):
                self.comparison_labels[row["label"]] = spec
            area = row["rpb"]
            if spec.domain == "implementation" or not _basis_controlled(self.units, spec.indicator):
                continue
            n_key, count = spec.n_key(area), spec.count_key(area)
            if n_key is None or count is None:
                continue
            where = f"{area} / {spec.text}"

            def at(column: str, where=where) -> Place:
                return Place(self.rel(path), where, column)

            n = self.cell(row.get("n"))
            self.pub.observe(n_key, n, at("n"))
            self.pub.observe(count, self.cell(row.get("x")), at("x"))
            proportion = _number(self.cell(row.get("proportion")))
            self.share(count, n_key, proportion, at("proportion"))
            if proportion is not None:
                self.rests(n_key, at("proportion"), "a proportion")
            if row.get("shown") == "True" and self.pub.funnel_min_n:
                self.pub.relate(
                    "pct",
                    {n_key: 1.0},
                    self.pub.funnel_min_n,
                    math.inf,
                    f"drawn in the funnel plot ({at('shown')}), so n >= {self.pub.funnel_min_n}",
                )
            self.funnel(row, count, n_key, n, at)

    def funnel(self, row: dict[str, str], count: Key, n_key: Key, n, at: Callable) -> None:
        """Denominator from a funnel limit; numerator from a z-score or exact probability."""
        target = _number(self.cell(row.get("target")))
        tau2 = _number(self.cell(row.get("tau2"))) or 0.0
        if target is None or not 0 < target < 1:
            return
        ns: set[int] = set()
        if _number(n) is None:  # a shown denominator needs no solving
            for column, level, side in (
                ("lower_95", 0.95, -1),
                ("upper_95", 0.95, 1),
                ("lower_99.8", 0.998, -1),
                ("upper_99.8", 0.998, 1),
            ):
                limit = _number(self.cell(row.get(column)))
                if limit is not None and 0 < limit < 1:
                    half = rounding_of(target, tau2 or None, limit)  # tau2 0: not estimated
                    found = set(funnel_denominators(target, tau2, limit, level, side, half=half))
                    ns = found if not ns else ns & found
            if ns:
                how = f"funnel limits around {target:.4g} at {at('lower_95')}"
                self.pub.relate("pct", {n_key: 1.0}, min(ns), max(ns), how)
        denominators = [int(n)] if _number(n) is not None else sorted(ns)
        for column in ("z", "z_adjusted", "p_exact"):
            value = _number(self.cell(row.get(column)))
            if value is None or not denominators or _number(self.cell(row.get("x"))) is not None:
                continue
            half = rounding_of(target, value, *((tau2,) if tau2 and column != "p_exact" else ()))
            if column == "p_exact":
                xs = {x for m in denominators for x in exact_numerators(target, value, m, half)}
            else:
                adjusted = column == "z_adjusted"
                xs = {
                    x
                    for m in denominators
                    for x in funnel_numerators(target, tau2, value, m, adjusted, half)
                }
            if xs:
                how = f"{column} {value:.4g} with n at {at(column)}"
                self.pub.relate("pct", {count: 1.0}, min(xs), max(xs), how)

    def read_paired_data(self) -> None:
        """Children and those followed up per area, the rate and its interval.

        A child followed up has a pair on some measure, so, in each area, the children
        followed up are at least the pairs of any measure and at most all the pairs, and the
        children at least the pairs and unpaired of any measure and at most all of them.
        """
        path = self.folder / "tables" / "paired_data.csv"
        for row in _read_csv(path):
            area = row["rpb"]
            n_key, count = ("paired_data", area, "n"), ("paired_data", area, "count")

            def at(column: str, area=area) -> Place:
                return Place(self.rel(path), area, column)

            n = self.cell(row.get("n"))
            self.pub.observe(n_key, n, at("n"))
            self.pub.observe(count, self.cell(row.get("count")), at("count"))
            how = f"count <= n at {at('n')}"
            self.pub.relate("row", {n_key: 1.0, count: -1.0}, 0, math.inf, how)
            estimate = _number(self.cell(row.get("estimate")))
            if estimate is not None:
                self.rests(n_key, at("estimate"), "a rate")
            self.share(count, n_key, estimate, at("estimate"))
            self.wilson(count, n_key, row, at, n)
            self.relate_children(area, n_key, count)

    def relate_children(self, area: str, children: Key, followed: Key) -> None:
        """The children and those followed up against the episodes of each measure."""
        groups = sorted(self.outcome_groups)
        pairs = [_outcome_key(area, m, r, "n_pairs") for m, r in groups]
        unpaired = [_outcome_key(area, m, r, "n_unpaired") for m, r in groups]
        present = self.quantities()
        found = [(p, u) for p, u in zip(pairs, unpaired, strict=True) if p in present]
        for p, u in found:
            self.pub.relate(
                "row",
                {followed: 1.0, p: -1.0},
                0,
                math.inf,
                f"followed up >= pairs ({area}, {p[2]})",
                template="followed >= pairs",
            )
            self.pub.relate("row", {children: 1.0, p: -1.0, u: -1.0}, 0, math.inf,
                            f"children >= episodes ({area}, {p[2]})",
                            template="children >= episodes")  # fmt: skip
        if found:
            self.pub.relate(
                "row", {followed: -1.0, **{p: 1.0 for p, _ in found}}, 0, math.inf,
                f"followed up <= all pairs ({area})", template="followed <= pairs",
            )  # fmt: skip
            every = {k: 1.0 for pair in found for k in pair}
            self.pub.relate("row", {children: -1.0, **every}, 0, math.inf,
                            f"children <= all episodes ({area})",
                            template="children <= episodes")  # fmt: skip

    def read_breakdowns(self) -> None:
        """Each group's counts, shares and intervals; the groups adding up to the total.

        A row of ``breakdowns.csv`` is an indicator of the same row of ``distance_travelled``
        (its ``n`` and count the same quantities) for one group of one dimension, so its
        counts are the total's quantities in that group (:func:`group_key`). Every group of a
        dimension is listed, groups without anyone included, so the groups listed add up to
        the total.
        """
        path = self.folder / "tables" / "breakdowns.csv"
        families: dict[tuple[Key, str], set[Key]] = defaultdict(set)
        for row in _read_csv(path):
            spec = _spec_of(row)
            area, dimension, group = row["rpb"], row["dimension"], row["group"]
            n_total, count_total = spec.n_key(area), spec.count_key(area)
            if n_total is None:
                continue
            where = f"{area} / {spec.text} / {dimension} / {group}"

            def at(column: str, where=where) -> Place:
                return Place(self.rel(path), where, column)

            n_key = group_key(n_total, dimension, group)
            families[(n_total, dimension)].add(n_key)
            n = self.cell(row.get("n"))
            self.pub.observe(n_key, n, at("n"))
            value = _number(self.cell(row.get("value")))
            count = None
            if count_total is not None:
                count = group_key(count_total, dimension, group)
                families[(count_total, dimension)].add(count)
                self.pub.observe(count, self.cell(row.get("count")), at("count"))
                if spec.is_count:
                    self.pub.observe(count, self.cell(row.get("value")), at("value"))
                self.pub.relate(
                    "row", {n_key: 1.0, count: -1.0}, 0, math.inf, f"count <= n at {at('n')}"
                )
            if value is not None and not spec.is_count:
                self.rests(n_key, at("value"), "a value")
            if spec.is_share and count is not None:
                self.share(count, n_key, value, at("value"))
                self.wilson(count, n_key, row, at, n)
            self.relate_group(spec, area, dimension, group, at)
        for (total, dimension), parts in sorted(families.items()):
            how = f"the groups by {dimension} add up to the total ({'/'.join(total[1:])})"
            self.relate_sum("row", total, sorted(parts), how)

    def relate_group(
        self, spec: _Spec, area: str, dimension: str, group: str, at: Callable
    ) -> None:
        """Within a group as within its total: assessable pairs are pairs, supported requests
        and requests whose window closed are requests."""
        if spec.domain == "outcomes":
            pairs = _outcome_key(area, spec.measure, spec.respondent, "n_pairs")
            assessable = _outcome_key(area, spec.measure, spec.respondent, "assessable")
            self.pub.relate(
                "row",
                {group_key(pairs, dimension, group): 1.0,
                 group_key(assessable, dimension, group): -1.0},
                0,
                math.inf,
                f"assessable pairs are pairs ({at('n')})",
            )  # fmt: skip
        elif spec.domain == "access":
            requests = group_key(("access", area, "requests", "n"), dimension, group)
            for part in ("supported", "share_within_28_days"):
                self.pub.relate(
                    "row",
                    {requests: 1.0, group_key(("access", area, part, "n"), dimension, group): -1.0},
                    0,
                    math.inf,
                    f"{part} requests are some of the group's requests ({at('n')})",
                )

    def read_training(self) -> None:
        """Learners (Wales only, never suppressed: read for the evidence totals)."""
        path = self.folder / "tables" / "training.csv"
        for row in _read_csv(path):
            indicator = row.get("indicator", "")
            if indicator in ("enrolled", "completed", "n_ratings"):
                where = f"{WALES} / {indicator}"
                value = self.cell(row.get("value"))
                self.pub.observe(
                    ("training", WALES, indicator, "n"),
                    value,
                    Place(self.rel(path), where, "value"),
                )

    # -- HTML tables and text -----------------------------------------------------------------
    def read_page(self, path: Path, page_area: str, text: str) -> None:
        """The count-bearing tables of an HTML page, by caption."""
        file = self.rel(path)
        for table in html_tables(text):
            caption = table.caption
            if caption.startswith("Distance travelled, ") and "at a glance" not in caption:
                self.html_distance(table, file, page_area)
            elif caption.startswith("Change from first to last assessment"):
                area = re.search(r": (.+?) \(", caption)
                self.html_outcomes(table, file, area.group(1) if area else page_area)
            elif caption.startswith("Case-mix-adjusted change"):
                self.html_case_mix(table, file, "Children in the model")
            elif caption.startswith("Change per year of follow-up"):
                self.html_case_mix(table, file, "Children with 2+ assessments")
            elif caption.startswith("Outcomes per RPB"):
                self.html_outcomes(table, file, None)
            elif caption.startswith("Experiences ") and ": " in caption:
                self.html_experiences(table, file, caption.rsplit(": ", 1)[1])
            elif caption.startswith("NEST experience index by respondent type"):
                self.html_index(table, file, page_area)
            elif caption.startswith("Access ") and ": " in caption:
                self.html_access(table, file, caption.rsplit(": ", 1)[1])
            elif caption.startswith("RPBs outside the funnel limits"):
                self.html_funnel(table, file)
            elif caption.startswith("Random-intercept models fitted"):
                self.html_models(table, file)
            elif caption.startswith("Evidence against the recommendations"):
                area = re.search(r": (.+?), \d{4}$", caption)
                self.html_evidence(table, file, area.group(1) if area else page_area)

    def area_name(self, text: str, default: str | None = None) -> str | None:
        """An area's name as published, or ``default``."""
        return text if text in self.pub.areas else default

    def measure_of(self, record: dict[str, str]) -> tuple[str, str] | None:
        """Measure and respondent keys of a row showing their labels."""
        label = f"{record.get('Measure', '')} ({record.get('Respondent', '')})"
        return self.measures.get(label)

    def html_distance(self, table: _Table, file: str, page_area: str) -> None:
        """The ``n`` (and counts) of a distance-travelled table."""
        caption_area = table.caption.rsplit(": ", 1)[-1]
        for record in table.records():
            area = self.area_name(record.get("Area", ""), self.area_name(caption_area, page_area))
            spec = self.labels.get(record.get("Indicator", ""))
            if spec is None or area is None or not _basis_controlled(self.units, spec.indicator):
                continue
            at = Place(file, f"{table.caption} / {area} / {record.get('Indicator')}", "n")
            n_key = spec.n_key(area)
            if n_key:
                self.pub.observe(n_key, self.cell(record.get("n")), at)
            if spec.is_count:
                count, base = spec.count_key(area), spec.baseline_key(area)
                self.pub.observe(count, self.cell(record.get("This year")), at)
                self.pub.observe(base, _leading(record.get("Baseline", ""), self.c), at)

    def html_outcomes(self, table: _Table, file: str, area: str | None) -> None:
        """Pairs, unpaired, not assessable and category counts of an outcomes table."""
        columns = {
            "Pairs": "n_pairs",
            "Unpaired": "n_unpaired",
            "Not assessable": "n_not_assessable",
            "Improved": "reliable_improvement",
            "No reliable change": "no_reliable_change",
            "Deteriorated": "reliable_deterioration",
            "Recovered": "reliable_recovery",
        }
        for record in table.records():
            group = self.measure_of(record)
            where = self.area_name(record.get("Area", ""), area)
            if group is None or where is None:
                continue
            for header, column in columns.items():
                if header in record:
                    at = Place(file, f"{table.caption[:40]}… / {where} / {group[0]}", header)
                    self.pub.observe(
                        _outcome_key(where, *group, column), self.cell(record[header]), at
                    )

    def html_case_mix(self, table: _Table, file: str, header: str) -> None:
        """Children with 2+ assessments in a case-mix table (``header``), and the RPBs it shows.

        The adjusted-change table (ANCOVA) and the mixed models' change per year have the same
        children: the RPB's paired children with every covariate.
        """
        for record in table.records():
            group = self.measure_of(record)
            area = self.area_name(record.get("Area", ""))
            if group is None or area is None:
                continue
            at = Place(file, f"case-mix table / {area} / {group[0]}", header)
            value = self.cell(record.get(header))
            self.pub.observe(_outcome_key(area, *group, "adjusted_n"), value, at)
            if area != WALES:
                self.adjusted_rpbs[group].add(area)

    def html_experiences(self, table: _Table, file: str, area: str) -> None:
        """Answers per item."""
        if area not in self.pub.areas:
            return
        for record in table.records():
            item = self.items.get(record.get("Item", ""))
            if item:
                at = Place(file, f"{table.caption} / {record.get('Item')}", "Answers")
                self.pub.observe(
                    _experience_key(area, "all", item, "n"), self.cell(record.get("Answers")), at
                )

    def html_index(self, table: _Table, file: str, area: str) -> None:
        """Responses per respondent type."""
        for record in table.records():
            rtype = RESPONDENT_TYPES.get(record.get("Respondent", ""))
            if rtype:
                at = Place(
                    file, f"{table.caption} / {area} / {record.get('Respondent')}", "Responses"
                )
                self.pub.observe(
                    _experience_key(area, rtype, "", "n"), self.cell(record.get("Responses")), at
                )

    def html_access(self, table: _Table, file: str, area: str) -> None:
        """Requests each access indicator is based on; the number still waiting."""
        if area not in self.pub.areas:
            return
        for record in table.records():
            spec = self.labels.get(record.get("Indicator", ""))
            if spec is None or spec.domain != "access":
                continue
            at = Place(file, f"{table.caption} / {record.get('Indicator')}", "Based on")
            self.pub.observe(spec.n_key(area), self.cell(record.get("Based on")), at)
            if spec.is_count:
                self.pub.observe(spec.count_key(area), self.cell(record.get("Value")), at)

    def html_funnel(self, table: _Table, file: str) -> None:
        """Denominators of the RPBs outside a funnel's limits."""
        for record in table.records():
            spec = self.comparison_labels.get(record.get("Indicator", ""))
            area = self.area_name(record.get("Area", ""))
            if spec is None or area is None:
                continue
            at = Place(file, f"{table.caption} / {area} / {record.get('Indicator')}", "n")
            self.pub.observe(spec.n_key(area), self.cell(record.get("n")), at)

    def html_models(self, table: _Table, file: str) -> None:
        """Children in each mixed model; the RPBs it left out for too few paired children."""
        for record in table.records():
            group = self.measure_of(record)
            children = _number(self.cell(record.get("Children")))
            if group is None or children is None:
                continue
            missing = _number(self.cell(record.get("Children missing a covariate"))) or 0.0
            self.missing_covariate[group] = int(missing)
            left_out = record.get("RPBs with too few children", "")
            excluded = [a for a in self.pub.rpbs if a in left_out]
            kept = [a for a in self.pub.rpbs if a not in excluded]
            terms = {}
            for area in kept:
                terms[_outcome_key(area, *group, "n_pairs")] = 1.0
                terms[_outcome_key(area, *group, "n_unpaired")] = 1.0
            total = children + missing
            how = f"{int(children)} children in the {group[0]} model ({file}), RPBs left out apart"
            self.pub.relate("text", terms, total, total, how, template="children in a model")
            if self.pub.min_paired:
                for area in excluded:
                    self.pub.relate(
                        "text",
                        {_outcome_key(area, *group, "n_pairs"): 1.0},
                        -math.inf,
                        self.pub.min_paired - 1 + missing,
                        f"{area} left out of the {group[0]} model ({file}): fewer than "
                        f"{self.pub.min_paired} paired children",
                        template="left out of a model",
                    )

    def html_evidence(self, table: _Table, file: str, area: str) -> None:
        """Counts stated in the recommendations' evidence ('outcomes: 91 paired assessments')."""
        seen: set[str] = set()
        for record in table.records():
            evidence = record.get("This year's evidence", "")
            for match in re.finditer(r"(\w+): ([\d,]+) ([^;]+)", evidence):
                domain, value, what = (
                    match.group(1),
                    float(match.group(2).replace(",", "")),
                    match.group(3),
                )
                if (domain, what) in seen:
                    continue
                seen.add((domain, what))
                how = f"evidence '{match.group(0)}' ({file}, {area})"
                if domain == "outcomes" and "paired" in what:
                    terms = {
                        _outcome_key(area, m, r, "n_pairs"): 1.0 for m, r in self.outcome_groups
                    }
                    if terms:
                        self.pub.relate("text", terms, value, value, how)
                elif domain == "experiences" and "response" in what:
                    self.pub.equal("text", _experience_key(area, "all", "", "n"), value, how)
                elif domain == "access" and "request" in what:
                    self.pub.equal("text", ("access", area, "requests", "n"), value, how)
                elif domain == "training" and "learner" in what:
                    self.pub.equal("text", ("training", WALES, "enrolled", "n"), value, how)

    def read_figures(self) -> None:
        """Counts stated in the figures' alt texts."""
        folder = self.folder / "figures"
        if not folder.is_dir():
            return
        by_slug = {slug(name): name for name in self.pub.areas}
        for path in sorted(folder.glob("*.txt")):
            text = path.read_text(encoding="utf-8")
            stem = path.stem
            area = next(
                (name for s, name in by_slug.items() if stem.endswith("_" + s) or f"_{s}_" in stem),
                None,
            )
            file = self.rel(path)
            if stem.startswith("outcomes_") and area:
                self.alt_outcomes(text, file, area)
            elif stem.startswith("distance_") and area:
                self.alt_distance(text, file, area)
            elif stem.startswith("experiences_"):
                self.alt_experiences(text, file)
            elif stem.startswith("funnel_"):
                self.alt_funnel(text, file)

    def stated(self, key: Key | None, value: str, file: str, what: str) -> None:
        """A count stated in an alt text: ``c`` marks a target, a number is a text relation."""
        parsed = self.cell(value.replace(f"suppressed ({self.c})", self.c))
        if key is None or parsed is None:
            return
        if parsed == _SENTINEL_C:
            self.pub.observe(key, _SENTINEL_C, Place(file, what, "alt text"))
        else:
            how = f"alt text '{what}' ({file})"
            self.pub.relate(
                "text", {key: 1.0}, float(parsed), float(parsed), how, template="alt text"
            )

    def alt_outcomes(self, text: str, file: str, area: str) -> None:
        """Counts of the reliable change chart's alt text."""
        number = r"([\d,]+|" + re.escape(self.c) + r")"
        for label, group in self.measures.items():
            q = re.escape(label)
            assessed = re.search(
                q + rf", {number} assessable pairs: reliable improvement {number} \([^)]*\), "
                rf"of which reliable recovery {number} \([^)]*\); no reliable change {number} "
                rf"\([^)]*\); reliable deterioration {number} \(",
                text,
            )
            if assessed:
                columns = ("assessable", "reliable_improvement", "reliable_recovery")
                columns += ("no_reliable_change", "reliable_deterioration")
                for column, value in zip(columns, assessed.groups(), strict=True):
                    self.stated(
                        _outcome_key(area, *group, column), value, file, f"{label} {column}"
                    )
            unassessed = re.search(q + rf": {number} pairs, not assessable", text)
            if unassessed:
                for column in ("n_pairs", "n_not_assessable"):
                    key = _outcome_key(area, *group, column)
                    self.stated(key, unassessed.group(1), file, f"{label} {column}")

    def alt_distance(self, text: str, file: str, area: str) -> None:
        """The ``n`` (and counts) of a distance chart's alt text."""
        for label, spec in self.labels.items():
            match = re.search(
                re.escape(label) + r", \w+ is better: baseline (.*?), current (.*?), "
                r"change .*?, n = ([\d,]+|" + re.escape(self.c) + r")\.",
                text,
            )
            if match is None or not _basis_controlled(self.units, spec.indicator):
                continue
            self.stated(spec.n_key(area), match.group(3), file, f"{label} n")
            if spec.is_count:
                self.stated(spec.count_key(area), match.group(2), file, f"{label} current")
                self.stated(spec.baseline_key(area), match.group(1), file, f"{label} baseline")

    def alt_experiences(self, text: str, file: str) -> None:
        """Answers per item and area in an experiences chart's alt text (items in order)."""
        statements = [s for s in re.split(r"(?<=\))\. ", text) if "n = " in s]
        if len(statements) != len(self.item_order):
            return
        for item, statement in zip(self.item_order, statements, strict=True):
            for area in self.pub.areas:
                match = re.search(
                    r"(?:: |, )"
                    + re.escape(area)
                    + r" [^(]*\([^)]*?n = ([\d,]+|"
                    + re.escape(self.c)
                    + r")\)",
                    statement,
                )
                if match:
                    key = _experience_key(area, "all", item, "n")
                    self.stated(key, match.group(1), file, f"{area} {item} n")

    def alt_funnel(self, text: str, file: str) -> None:
        """Denominators of the RPBs named outside a funnel's limits."""
        label = re.match(r"Funnel plot: (.*?)\. Each of", text)
        spec = self.comparison_labels.get(label.group(1)) if label else None
        if spec is None:
            return
        for area in self.pub.rpbs:
            match = re.search(re.escape(area) + r", [\d.]+% of ([\d,]+)", text)
            if match:
                self.stated(spec.n_key(area), match.group(1), file, f"{area} {spec.text} n")

    # -- relations across rows and tables -------------------------------------------------------
    def relate_pairs_to_model(self) -> None:
        """Children with 2+ assessments in the case-mix table = the RPB's pairs."""
        for group, areas in self.adjusted_rpbs.items():
            missing = self.missing_covariate.get(group, 0)
            for area in areas:
                adjusted = _outcome_key(area, *group, "adjusted_n")
                pairs = _outcome_key(area, *group, "n_pairs")
                how = f"children with 2+ assessments = pairs ({area}, {group[0]}/{group[1]})"
                self.pub.relate("same", {pairs: 1.0, adjusted: -1.0}, 0, missing, how)
                if self.pub.min_paired:
                    self.pub.relate(
                        "text",
                        {pairs: 1.0},
                        self.pub.min_paired,
                        math.inf,
                        f"{area} kept in the {group[0]} model: at least {self.pub.min_paired} "
                        "paired children",
                        template="kept in a model",
                    )

    def quantities(self) -> set[Key]:
        """Every quantity shown, suppressed or related."""
        keys = set(self.pub.shown) | set(self.pub.suppressed)
        for relation in self.pub.relations:
            keys.update(q for q, _ in relation.terms)
        return keys

    def relate_sum(self, family: str, total: Key, parts: Sequence[Key], how: str) -> None:
        """``total = sum(parts)``."""
        self.pub.relate(family, {total: 1.0, **{q: -1.0 for q in parts}}, 0, 0, how)

    def relate_margins(self) -> None:
        """All respondents = the sum of the respondent types, in every area and item."""
        keys = self.quantities()
        types = sorted(set(RESPONDENT_TYPES.values()))
        for key in sorted(k for k in keys if k[0] == "experiences" and k[2] == "all"):
            parts = [(*key[:2], t, *key[3:]) for t in types]
            if all(p in keys for p in parts):
                template = f"all respondents = sum of the types: {key[4]}"
                how = f"{template} ({key[1]}, {key[3]})"
                self.relate_sum("row", key, parts, how)

    def relate_wales(self) -> None:
        """Wales = the sum of the RPBs, for every count that adds up."""
        keys = self.quantities()
        for key in sorted(k for k in keys if k[1] == WALES and k[0] != "training"):
            if key[-1].startswith("baseline_"):
                continue
            if key[0] == "outcomes" and key[-1] == "adjusted_n":
                rpbs = sorted(self.adjusted_rpbs.get((key[2], key[3]), ()))
            else:
                rpbs = self.pub.rpbs
            parts = [(key[0], area, *key[2:]) for area in rpbs]
            if not parts or not all(p in keys for p in parts):
                continue
            template = f"Wales = sum of the RPBs: {key[0]} {key[-1]}"
            what = "/".join(key[2:-1])
            how = f"{template} ({what})"
            self.relate_sum("wales", key, parts, how)


# -------------------------------------------------------------------------------------------
# Exact solutions of published intervals
# -------------------------------------------------------------------------------------------


def _wilson_bounds(x: np.ndarray, n: np.ndarray, z: float = Z95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of ``x / n`` (Wilson 1927)."""
    p = x / n
    d = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / d
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    return centre - half, centre + half


def half_unit(value: float) -> float:
    """Half a unit of the last decimal a published number is written to; 0 when unrounded.

    A number written in full (a float's shortest representation, 10 decimals or more) is read
    as exact.

    Examples
    --------
    >>> half_unit(0.495), half_unit(0.4953271028037383), half_unit(28.0)
    (0.0005, 0.0, 0.05)
    """
    text = repr(float(value))
    if not math.isfinite(value) or "e" in text:
        return 0.0
    decimals = len(text.partition(".")[2])
    return 0.0 if decimals >= 10 else 0.5 * 10.0**-decimals


def _close(a: np.ndarray, b: float, half: float = 0.0) -> np.ndarray:
    """Equal to a published value: within ``half`` (half a unit of its last decimal when it is
    rounded), and with a relative tolerance of 1e-9."""
    return np.abs(a - b) <= max(1e-9 * max(1.0, abs(b)), half * (1 + 1e-9))


def rounding_of(*values: float | None) -> float:
    """The largest :func:`half_unit` of published inputs (0 when every one is unrounded)."""
    return max((half_unit(v) for v in values if v is not None), default=0.0)


def wilson_solutions(
    low: float, high: float, *, n: int | None = None, largest: int = 100_000, half: float = 0.0
) -> list[tuple[int, int]]:
    """The (numerator, denominator) pairs whose 95% Wilson interval is ``low`` to ``high``.

    Parameters
    ----------
    low, high : float
        The published bounds.
    n : int, optional
        The denominator when it is shown (needed when the bounds are rounded).
    largest : int
        Largest denominator tried when it is not.
    half : float
        Half a unit of the last decimal the bounds are written to (0: unrounded).

    Returns
    -------
    list of tuple of int
    """
    if half > 0:
        if not n:
            return []  # too many denominators fit rounded bounds
        # every numerator whose share could lie within the rounded bounds
        h = half
        xs = np.arange(max(0, math.floor((low - h) * n)), min(n, math.ceil((high + h) * n)) + 1)
        ns = np.full(len(xs), n)
    else:
        ns = np.array([n]) if n else np.arange(1, largest + 1)
        z2 = Z95 * Z95
        centre = (low + high) / 2
        p = centre * (1 + z2 / ns) - z2 / (2 * ns)
        xs = np.rint(p * ns)
    ok = (xs >= 0) & (xs <= ns)
    xs, ns = xs[ok], ns[ok]
    lo, hi = _wilson_bounds(xs, ns.astype(float))
    good = _close(lo, low, half) & _close(hi, high, half)
    return [(int(x), int(m)) for x, m in zip(xs[good], ns[good], strict=True)]


def newcombe_solutions(
    n: int,
    change: float,
    low: float,
    high: float,
    *,
    baseline: float | None = None,
    largest: int = 5000,
    half: float = 0.0,
) -> list[tuple[int, int, int]]:
    """Current numerator, baseline numerator and denominator matching a change in a share.

    The change is current share minus baseline share (current ``a / n``), with Newcombe's
    hybrid score interval (method 10) from ``low`` to ``high``.

    Parameters
    ----------
    n : int
        The current denominator (shown).
    change, low, high : float
        The change and its interval (unrounded).
    baseline : float, optional
        The baseline share when shown.
    largest : int
        Largest baseline denominator tried.

    Returns
    -------
    list of tuple of int
        ``(a, b, m)``: current ``a / n``, baseline ``b / m``.
    """
    if half > 0:
        return []  # not solved around rounded inputs
    found = []
    ms = np.arange(1, largest + 1, dtype=float)
    for a in range(n + 1):
        p1 = a / n
        bs = np.rint((p1 - change) * ms)
        ok = (bs >= 0) & (bs <= ms) & _close(p1 - bs / ms, change)
        if baseline is not None:
            ok &= _close(bs / ms, baseline)
        if not ok.any():
            continue
        b, m = bs[ok], ms[ok]
        l1, u1 = _wilson_bounds(np.array([a], float), np.array([n], float))
        l2, u2 = _wilson_bounds(b, m)
        p2 = b / m
        lo = change - np.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
        hi = change + np.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
        good = _close(lo, low) & _close(hi, high)
        found += [(a, int(bb), int(mm)) for bb, mm in zip(b[good], m[good], strict=True)]
    return found


def _exact_limits(target: float, ns: np.ndarray, prob: float) -> np.ndarray:
    """Spiegelhalter's (2005) interpolated binomial limit at each whole ``n``, within [0, 1]."""
    r = binom.ppf(prob, ns, target)
    below = binom.cdf(r - 1, ns, target)
    a = (binom.cdf(r, ns, target) - prob) / (binom.cdf(r, ns, target) - below)
    return np.clip((r - a) / ns, 0.0, 1.0)


def funnel_denominators(
    target: float,
    tau2: float,
    limit: float,
    level: float,
    side: int,
    largest: int = 100_000,
    half: float = 0.0,
) -> list[int]:
    """Denominators whose published funnel limit is ``limit``.

    The methods say how: exact binomial limits interpolated between whole counts
    (Spiegelhalter 2005), widened where ``tau2`` > 0 to the overdispersed limits on the
    arcsine scale when those are wider.

    Parameters
    ----------
    target : float
        The funnel's target proportion.
    tau2 : float
        Overdispersion (additive, arcsine scale); 0 when it was not estimated.
    limit : float
        The published limit.
    level : float
        Its level, e.g. 0.95.
    side : int
        -1 for a lower limit, 1 for an upper.
    largest : int
        Largest denominator tried.

    Returns
    -------
    list of int
    """
    if half > 0:
        return []  # not solved around rounded inputs
    ns = np.arange(1, largest + 1, dtype=float)
    limits = _exact_limits(target, ns, (1 + side * level) / 2)
    if tau2 > 0:
        z = side * NormalDist().inv_cdf((1 + level) / 2)
        theta = math.asin(math.sqrt(target))
        widened = np.sin(np.clip(theta + z * np.sqrt(1 / (4 * ns) + tau2), 0, math.pi / 2)) ** 2
        limits = np.maximum(limits, widened) if side > 0 else np.minimum(limits, widened)
    return [int(m) for m in ns[_close(limits, limit)]]


def exact_numerators(target: float, p_exact: float, n: int, half: float = 0.0) -> list[int]:
    """Numerators whose smaller exact binomial tail probability at ``n`` is ``p_exact``.

    Parameters
    ----------
    target : float
        The funnel's target proportion.
    p_exact : float
        The published probability, min(P(X >= x), P(X <= x)).
    n : int
        The denominator.

    Returns
    -------
    list of int
    """
    if half > 0:
        return []
    xs = np.arange(0, n + 1, dtype=float)
    tails = np.minimum(binom.sf(xs - 1, n, target), binom.cdf(xs, n, target))
    return [int(x) for x in xs[np.abs(tails - p_exact) <= 1e-9 * p_exact]]


def funnel_numerators(
    target: float, tau2: float, z: float, n: int, adjusted: bool, half: float = 0.0
) -> list[int]:
    """Numerators whose funnel z-score (or overdispersion-adjusted z-score) is ``z``.

    Parameters
    ----------
    target, tau2 : float
        The funnel's target and overdispersion.
    z : float
        The published z-score.
    n : int
        The denominator.
    adjusted : bool
        Whether ``z`` is adjusted for overdispersion.

    Returns
    -------
    list of int
    """
    if half > 0:
        return []
    xs = np.arange(0, n + 1, dtype=float)
    theta = math.asin(math.sqrt(target))
    scale = np.sqrt(1 / (4 * n) + (tau2 if adjusted else 0.0))
    zs = (np.arcsin(np.sqrt(xs / n)) - theta) / scale
    return [int(x) for x in xs[_close(zs, z)]]


# -------------------------------------------------------------------------------------------
# Solving: the feasible values of each target
# -------------------------------------------------------------------------------------------


@dataclass
class _Row:
    """A relation with the shown quantities substituted."""

    terms: dict[Key, float]
    lo: float
    hi: float
    relation: Relation


def _substitute(relations: Iterable[Relation], known: dict[Key, float]) -> list[_Row]:
    """Relations on the unknown quantities only (shares solved with a tolerance of 1e-6)."""
    rows = []
    for relation in relations:
        terms: dict[Key, float] = defaultdict(float)
        constant = 0.0
        for q, a in relation.terms:
            if q in known:
                constant += a * known[q]
            else:
                terms[q] += a
        terms = {q: a for q, a in terms.items() if a != 0}
        if not terms:
            continue
        slack = 0.0 if relation.exact else 1e-6
        rows.append(
            _Row(terms, relation.lo - constant - slack, relation.hi - constant + slack, relation)
        )
    return rows


def _components(rows: list[_Row]) -> list[list[_Row]]:
    """Groups of relations sharing unknown quantities (solved apart)."""
    parent: dict[Key, Key] = {}

    def find(q: Key) -> Key:
        parent.setdefault(q, q)
        while parent[q] != q:
            parent[q] = parent[parent[q]]
            q = parent[q]
        return q

    for row in rows:
        first, *rest = list(row.terms)
        for q in rest:
            parent[find(q)] = find(first)
        find(first)
    groups: dict[Key, list[_Row]] = defaultdict(list)
    for row in rows:
        groups[find(next(iter(row.terms)))].append(row)
    return list(groups.values())


class _Program:
    """One group of related cells as an integer program."""

    def __init__(
        self, rows: list[_Row], targets: set[Key], weak: set[Key], lb: int, big: int
    ) -> None:
        self.variables = sorted({q for row in rows for q in row.terms})
        self.index = {q: i for i, q in enumerate(self.variables)}
        self.targets = [q for q in self.variables if q in targets]
        # the published rule suppresses small counts below Wales level only: a Wales c is
        # never assumed small, a group's (a breakdown's, even for Wales) is
        self.assumed = [q for q in self.targets if q not in weak and (q[1] != WALES or is_group(q))]
        self.big = big
        n = len(self.variables)
        self.a = np.zeros((len(rows), n))
        for r, row in enumerate(rows):
            for q, coefficient in row.terms.items():
                self.a[r, self.index[q]] = coefficient
        self.lo = np.array([row.lo for row in rows])
        self.hi = np.array([row.hi for row in rows])
        self.lb = lb
        self.lower = np.zeros(n)
        self.upper = np.full(n, float(big))

    def know_small(self, small: Callable[[Key], bool | None], threshold: int) -> None:
        """Bound each target a reader knows to hide a small count (``small(key)`` True)."""
        for q in self.targets:
            if q in self.assumed and small(q):
                i = self.index[q]
                self.lower[i], self.upper[i] = self.lb, threshold - 1

    def intervals(
        self, threshold: int | None, wanted: Sequence[Key] | None = None
    ) -> dict[Key, tuple[int, int]] | None:
        """Smallest and largest value of targets (None if the group has no solution).

        With ``threshold``, every target written ``c`` as a count is below it except the
        fewest the relations force above (a binary ``s`` per target:
        ``x - big * s <= threshold - 1``, the sum of ``s`` at its minimum). Without
        ``wanted``, a target seen to take :data:`NARROW` values or more in the solutions
        found on the way is not solved for (it is not narrowed).
        """
        n = len(self.variables)
        k = len(self.assumed) if threshold is not None else 0
        matrix = np.hstack([self.a, np.zeros((self.a.shape[0], k))])
        lo, hi = list(self.lo), list(self.hi)
        if k:
            # x <= threshold - 1 + big * s and x >= lb * (1 - s): below the threshold, or not
            link = np.zeros((2 * k, n + k))
            for j, q in enumerate(self.assumed):
                link[j, self.index[q]] = 1.0
                link[j, n + j] = -self.big
                link[k + j, self.index[q]] = 1.0
                link[k + j, n + j] = self.lb
            matrix = np.vstack([matrix, link])
            lo += [-np.inf] * k + [self.lb] * k
            hi += [threshold - 1] * k + [np.inf] * k
        bounds = Bounds(
            np.concatenate([self.lower, np.zeros(k)]), np.concatenate([self.upper, np.ones(k)])
        )
        constraints = [LinearConstraint(matrix, lo, hi)]
        integrality = np.ones(n + k)

        def solve(c: np.ndarray):
            return milp(c, integrality=integrality, bounds=bounds, constraints=constraints)

        fewest = np.concatenate([np.zeros(n), np.ones(k)])
        result = solve(fewest)
        if result.status != 0:
            return None
        if k:
            constraints.append(LinearConstraint(fewest[None, :], -np.inf, round(result.fun)))
        seen_lo, seen_hi = result.x[:n].copy(), result.x[:n].copy()
        out: dict[Key, tuple[int, int]] = {}
        for q in wanted if wanted is not None else self.targets:
            i = self.index[q]
            if wanted is None and seen_hi[i] - seen_lo[i] + 1 >= NARROW:
                continue
            ends = []
            for sign in (1.0, -1.0):
                c = np.zeros(n + k)
                c[i] = sign
                result = solve(c)
                if result.status != 0:
                    break
                seen_lo = np.minimum(seen_lo, result.x[:n])
                seen_hi = np.maximum(seen_hi, result.x[:n])
                ends.append(sign * result.fun)
            if len(ends) == 2:
                out[q] = (math.ceil(ends[0] - 1e-6), math.floor(ends[1] + 1e-6))
        return out


def _describe(key: Key) -> str:
    """A quantity in words, e.g. ``Powys YP_CORE self n_pairs``."""
    return " ".join(key[1:])


def _solve(
    pub: Publication,
    families: Iterable[str],
    threshold: int,
    *,
    secondary: bool,
    zeros_suppressed: bool,
    name: str,
    targets: set[Key] | None = None,
    small: Callable[[Key], bool | None] | None = None,
) -> list[Finding]:
    """Targets the relations of ``families`` pin to fewer than :data:`NARROW` values.

    With ``small``, the reader knows which ``c`` hides a small count (``small(key)`` True:
    from ``lb`` to ``threshold - 1``) and which does not (any count): no guess is made.
    """
    families = set(families)
    known = pub.known
    if targets is None:
        targets = {q for q in pub.targets if q not in known}
    rows = _substitute((r for r in pub.relations if r.family in families), known)
    lb = 0 if zeros_suppressed else 1
    big = pub.largest()
    findings = []
    for group in _components(rows):
        program = _Program(group, targets, pub.weak - pub.strong, lb, big)
        if not program.targets:
            continue
        if small is not None:
            program.know_small(small, threshold)
        guessing = not secondary and small is None
        assumed = program.intervals(threshold if guessing else None)
        if assumed is None:
            pub.notes.append(
                f"{name}: relations of {len(program.targets)} targets "
                f"({_describe(program.targets[0])}, …) have no solution; not used"
            )
            continue
        narrow = [q for q, (lo, hi) in assumed.items() if hi - lo + 1 < NARROW]
        sound = program.intervals(None, narrow) if narrow and guessing else {}
        for q in narrow:
            lo, hi = assumed[q]
            used = [row.relation.how for row in group if q in row.terms]
            how = f"{name}: " + "; ".join(dict.fromkeys(used[:3]))
            if len(used) > 3:
                size = len(program.variables)
                how += f"; and {len(used) - 3} more relation(s) in a group of {size} cells"
            if sound and sound.get(q) and sound[q] != (lo, hi):
                s_lo, s_hi = sound[q]
                how += (
                    f" (assuming each c is {lb} to {threshold - 1} where the relations allow;"
                    f" without that: {s_lo} to {s_hi})"
                )
            place = pub.place(q)
            findings.append(Finding(place.file, place.row, place.column, (lo, hi), how, q))
    return sorted(findings, key=lambda f: (f.table, f.row, f.column))


# -------------------------------------------------------------------------------------------
# Reading a folder (cached) and the attacks
# -------------------------------------------------------------------------------------------

_CACHE: dict[tuple, Publication] = {}


def read_publication(year_dir: str | Path, units: dict | None = None) -> Publication:
    """Read a published year folder.

    Parameters
    ----------
    year_dir : str or pathlib.Path
        The year folder (``reports/<year>``).
    units : dict, optional
        ``indicators.toml`` as read (default: the project's).

    Returns
    -------
    Publication
        Cached while the folder's files are unchanged.
    """
    folder = Path(year_dir).resolve()
    stamp = tuple(
        (p.as_posix(), p.stat().st_size, p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    )
    key = (folder.as_posix(), stamp, id(units))
    if key not in _CACHE:
        _CACHE.clear()
        _CACHE[key] = _Reader(folder, units if units is not None else _units()).read()
    return _CACHE[key]


def _attack(name: str, families: Sequence[str]) -> Callable[..., list[Finding]]:
    """An attack solving the relations of ``families`` (its docstring is set after)."""

    def attack(
        year_dir: str | Path,
        threshold: int,
        *,
        secondary: bool = False,
        zeros_suppressed: bool = False,
        small: Callable[[Key], bool | None] | None = None,
    ) -> list[Finding]:
        pub = read_publication(year_dir)
        return _solve(
            pub,
            families,
            threshold,
            secondary=secondary,
            zeros_suppressed=zeros_suppressed,
            name=name,
            small=small,
        )

    attack.__name__ = name
    return attack


def _doc(
    summary: str, returns: str = "Each target pinned to fewer than :data:`NARROW` values."
) -> str:
    """The docstring of an attack."""
    return f"""{summary}

    Parameters
    ----------
    year_dir : str or pathlib.Path
        A published year folder (``reports/<year>``).
    threshold : int
        Counts from 1 to ``threshold - 1`` are suppressed.
    secondary : bool
        Take every ``c`` to be any count (default: 1 to ``threshold - 1``, except the fewest
        cells the relations force outside that range).
    zeros_suppressed : bool
        Zeros are suppressed too: a ``c`` taken to be below the threshold may be 0.
    small : callable, optional
        A reader who knows which ``c`` hides a small count: ``small(key)`` is True for those
        (taken from ``lb`` to ``threshold - 1``), False or None for the others (any count).
        No reader knows as much; nothing such a reader cannot recover can be recovered.

    Returns
    -------
    list of Finding
        {returns}
    """


text_totals = _attack("text_totals", ["text"])
text_totals.__doc__ = _doc(
    "Numbers stated in text (evidence, alt texts, the models' children) minus the shown parts."
)
percentages = _attack("percentages", ["pct"])
percentages.__doc__ = _doc(
    "Shares, percentages and interval bounds with their denominators; minimum denominators."
)
row_relations = _attack("row_relations", ["row"])
row_relations.__doc__ = _doc(
    "Relations within a row or an area (pairs = the categories' sum, all = the types' sum)."
)
wales_minus_others = _attack("wales_minus_others", ["wales"])
wales_minus_others.__doc__ = _doc("The Wales row of each count minus the RPB rows shown.")
combined = _attack("combined", FAMILIES)
combined.__doc__ = _doc(
    "Every relation at once: one integer program per group of related cells, each target's "
    "smallest and largest feasible value (HiGHS)."
)


def same_count(
    year_dir: str | Path,
    threshold: int,
    *,
    secondary: bool = False,
    zeros_suppressed: bool = False,
    small: Callable[[Key], bool | None] | None = None,
) -> list[Finding]:
    pub = read_publication(year_dir)
    findings = []
    for q in sorted(pub.targets & set(pub.known)):
        place = pub.place(q)
        value, where = pub.shown[q][0]
        how = f"same_count: written c here, {value:g} at {where}"
        value_range = (int(value), int(value))
        findings.append(Finding(place.file, place.row, place.column, value_range, how, q))
    findings += _solve(
        pub,
        ["same"],
        threshold,
        secondary=secondary,
        zeros_suppressed=zeros_suppressed,
        name="same_count",
        small=small,
    )
    return sorted(findings, key=lambda f: (f.table, f.row, f.column))


same_count.__doc__ = _doc(
    "A count written ``c`` in one place and shown as a number in another.",
    "The same quantity (or one defined to equal it) shown elsewhere.",
)

ATTACKS: dict[str, Callable[..., list[Finding]]] = {
    "text_totals": text_totals,
    "same_count": same_count,
    "percentages": percentages,
    "row_relations": row_relations,
    "wales_minus_others": wales_minus_others,
    "combined": combined,
}
"""Every attack by name."""


def attack_all(
    year_dir: str | Path,
    threshold: int,
    *,
    secondary: bool = False,
    zeros_suppressed: bool = False,
    small: Callable[[Key], bool | None] | None = None,
) -> dict[str, list[Finding]]:
    """Run every attack on a published year.

    Parameters
    ----------
    year_dir : str or pathlib.Path
        A published year folder.
    threshold : int
        Counts from 1 to ``threshold - 1`` are suppressed.
    secondary, zeros_suppressed : bool
        As for each attack.
    small : callable, optional
        As for each attack.

    Returns
    -------
    dict of str to list of Finding
        By attack name (:data:`ATTACKS`); ``combined`` includes what the others find, and the
        cells recovered by ``same_count``.
    """
    results = {
        name: attack(
            year_dir,
            threshold,
            secondary=secondary,
            zeros_suppressed=zeros_suppressed,
            small=small,
        )
        for name, attack in ATTACKS.items()
    }
    seen = {(f.table, f.row, f.column) for f in results["combined"]}
    results["combined"] = sorted(
        results["combined"]
        + [f for f in results["same_count"] if (f.table, f.row, f.column) not in seen],
        key=lambda f: (f.table, f.row, f.column),
    )
    return results


def summary(results: dict[str, list[Finding]], threshold: int, examples: int = 3) -> str:
    """A text summary of :func:`attack_all`: counts per attack and a few findings each.

    Parameters
    ----------
    results : dict of str to list of Finding
        Output of :func:`attack_all`.
    threshold : int
        The suppression threshold (to count the cells that may hold a suppressed count).
    examples : int
        Findings listed per attack (all with a negative number).

    Returns
    -------
    str
    """
    lines = []
    for name, findings in results.items():
        exact = sum(f.exact for f in findings)
        below = sum(f.below(threshold) for f in findings)
        lines.append(
            f"{name}: {len(findings)} cell(s): {exact} exactly, {len(findings) - exact} "
            f"narrowed; {below} may hold a count below {threshold}"
        )
        shown = findings if examples < 0 else findings[:examples]
        lines += [f"  {f}" for f in shown]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: print what every attack recovers from a published year folder.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments (default: the command line).

    Returns
    -------
    int
        1 if any cell is recovered, else 0.
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("year_dir", help="published year folder, e.g. reports/2025")
    parser.add_argument("--threshold", type=int, default=None, help="default: from manifest.json")
    parser.add_argument("--secondary", action="store_true", help="a c may be any count")
    parser.add_argument("--zeros-suppressed", action="store_true", help="a c may be 0")
    parser.add_argument("--all", action="store_true", help="list every finding")
    args = parser.parse_args(argv)
    threshold = args.threshold
    if threshold is None:
        manifest = Path(args.year_dir) / "manifest.json"
        parameters = json.loads(manifest.read_text(encoding="utf-8")).get("parameters", {})
        threshold = int(parameters.get("threshold", 10))
    results = attack_all(
        args.year_dir,
        threshold,
        secondary=args.secondary,
        zeros_suppressed=args.zeros_suppressed,
    )
    print(summary(results, threshold, -1 if args.all else 3))
    for note in read_publication(args.year_dir).notes:
        print("note:", note)
    return int(any(results.values()))


if __name__ == "__main__":
    raise SystemExit(main())
