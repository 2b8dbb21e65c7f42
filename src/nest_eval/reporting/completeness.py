"""What a year's data leaves out of its reports: the findings of the publishing gate.

:func:`assess` reads a run's ingest accounting, the years each dataset has accepted rows in and
the run's settings, and finds, for each of the contract's six datasets, what would leave a part
of the year's reports empty or incomplete:

``absent``
    no file of the dataset in the raw-data folder;
``not_loaded``
    a file of it could not be read or lacks a required column;
``no_rows``
    its files hold no data row;
``all_quarantined``
    every row was quarantined;
``quarantined``
    more than the run's ``max_quarantined`` share of its rows was quarantined;
``no_rows_in_year``
    none of its accepted rows belongs to the reporting year.

An absent dataset always counts: each dataset feeds its own part of every report (training its
own table beside the partnership enablers), so without it that part is empty. The pipeline
publishes nothing when there is a finding, unless the run accepts them (``accept_quarantine``);
the title of every report then carries :func:`banner`, saying what was left out and why. When
no dataset has an accepted row, or none has one in the reporting year, there is nothing to
publish, accepted or not (:meth:`Completeness.blocks`).

Everything here is written from the accounting record and the settings, so the same inputs and
settings give the same findings and the same banner; its sentences come from the message
catalogue (``front.left_out.<kind>``) in the report's language.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from nest_eval.config import RunConfig
from nest_eval.reference.contract import DATASET_NAMES
from nest_eval.reference.messages import label

__all__ = ["Completeness", "Finding", "assess", "banner", "percent"]

KINDS = ("absent", "not_loaded", "no_rows", "all_quarantined", "quarantined", "no_rows_in_year")
"""The kinds of finding, from the most to the least severe."""


@dataclass(frozen=True)
class Finding:
    """One dataset's data left out of the year's reports.

    Attributes
    ----------
    dataset : str
        The dataset.
    kind : str
        What was found (:data:`KINDS`).
    rows_read, rows_quarantined : int
        The dataset's accounting.
    rule : str or None
        The rule its quarantined rows broke most often (ties: the first by name).
    years : tuple of int
        The reporting years it has accepted rows in.
    errors : tuple of str
        Why it could not be loaded (the accounting's errors: files and what is wrong).
    """

    dataset: str
    kind: str
    rows_read: int = 0
    rows_quarantined: int = 0
    rule: str | None = None
    years: tuple[int, ...] = ()
    errors: tuple[str, ...] = ()

    @property
    def share(self) -> float:
        """The share of its rows quarantined (0 when none was read)."""
        return self.rows_quarantined / self.rows_read if self.rows_read else 0.0


@dataclass(frozen=True)
class Completeness:
    """What a year's data leaves out of its reports.

    Attributes
    ----------
    year : int
        The reporting year.
    max_quarantined : float
        The run's largest share of a dataset's rows that may be quarantined.
    findings : tuple of Finding
        In the contract's dataset order.
    rows_accepted : int or None
        Accepted rows over all datasets; None without an accounting record.
    years : dict of str to tuple of int
        The reporting years each dataset has accepted rows in.
    rules : dict of str to str
        Each rule's meaning, as the accounting record gives it.
    """

    year: int
    max_quarantined: float
    findings: tuple[Finding, ...] = ()
    rows_accepted: int | None = None
    years: dict[str, tuple[int, ...]] = field(default_factory=dict)
    rules: dict[str, str] = field(default_factory=dict)

    @property
    def years_present(self) -> tuple[int, ...]:
        """The reporting years any dataset has accepted rows in."""
        return tuple(sorted({y for years in self.years.values() for y in years}))

    @property
    def nothing_loaded(self) -> bool:
        """Whether no dataset has an accepted row (an empty folder, or nothing usable)."""
        return self.rows_accepted == 0

    @property
    def nothing_in_year(self) -> bool:
        """Whether no dataset has an accepted row in the reporting year."""
        return not self.nothing_loaded and self.year not in self.years_present

    def blocks(self, accept_quarantine: bool) -> bool:
        """Whether the run must not publish.

        Parameters
        ----------
        accept_quarantine : bool
            The run accepts the per-dataset findings (they are then stated in every report).

        Returns
        -------
        bool
            True when nothing can be published, or when data is left out and not accepted.
        """
        if self.nothing_loaded or self.nothing_in_year:
            return True
        return bool(self.findings) and not accept_quarantine


def _dominant_rule(problems: Mapping[str, int]) -> str | None:
    """The rule broken most often (ties: the first by name)."""
    if not problems:
        return None
    return min(problems, key=lambda rule: (-int(problems[rule]), rule))


def _kinds(record: Mapping, years: Sequence[int], year: int, limit: float) -> list[str]:
    """The findings of one dataset's accounting record and years."""
    status = record.get("status", "absent")
    if status in ("absent", "failed"):
        return ["absent" if status == "absent" else "not_loaded"]
    read, quarantined = int(record["rows_read"]), int(record["rows_quarantined"])
    if int(record["rows_accepted"]) == 0:
        return ["all_quarantined" if quarantined else "no_rows"]
    kinds = ["quarantined"] if read and quarantined / read > limit else []
    return kinds + ([] if year in years else ["no_rows_in_year"])


def assess(
    accounting: Mapping, years: Mapping[str, Sequence[int]], config: RunConfig
) -> Completeness:
    """What the year's data leaves out of its reports.

    Parameters
    ----------
    accounting : mapping
        The ingest accounting record (``accounting.json``); without a ``datasets`` entry (results
        computed from tables alone) nothing is known to be left out.
    years : mapping of str to sequence of int
        The reporting years each dataset has accepted rows in
        (:func:`~nest_eval.domains.periods.dataset_years`).
    config : RunConfig
        The run: its year and ``max_quarantined``.

    Returns
    -------
    Completeness
    """
    known = {name: tuple(int(y) for y in years.get(name, ())) for name in DATASET_NAMES}
    records = accounting.get("datasets")
    if not records:
        return Completeness(config.year, config.max_quarantined, years=known)
    findings = []
    for name in DATASET_NAMES:
        record = records.get(name, {})
        for kind in _kinds(record, known[name], config.year, config.max_quarantined):
            findings.append(
                Finding(
                    name,
                    kind,
                    int(record.get("rows_read", 0)),
                    int(record.get("rows_quarantined", 0)),
                    _dominant_rule(record.get("problems_by_rule", {})),
                    known[name],
                    tuple(record.get("errors", ())),
                )
            )
    accepted = sum(int(r.get("rows_accepted", 0)) for r in records.values())
    rules = dict(accounting.get("rules", {}))
    return Completeness(
        config.year, config.max_quarantined, tuple(findings), accepted, known, rules
    )


def percent(share: float, lang: str = "en") -> str:
    """A share as a percentage to a tenth, as short as it goes (``0.05`` → ``5%``)."""
    value = round(share * 100, 1)
    return label("front.left_out.under_tenth", lang) if value == 0 and share > 0 else f"{value:g}%"


def _years_text(years: Sequence[int], lang: str) -> str:
    """The years a dataset has rows for, in brackets (nothing when it has none)."""
    if not years:
        return ""
    return label("front.left_out.years", lang, years=", ".join(str(y) for y in years))


def _rule_text(finding: Finding, rules: Mapping[str, str], lang: str) -> str:
    if finding.rule is None:
        return ""
    meaning = rules.get(finding.rule)
    if not meaning:
        return label("front.left_out.rule", lang, rule=finding.rule)
    return label("front.left_out.rule_meaning", lang, rule=finding.rule, meaning=meaning)


def describe(finding: Finding, completeness: Completeness, lang: str = "en") -> str:
    """One sentence saying what a finding leaves out and why.

    Parameters
    ----------
    finding : Finding
        One of ``completeness.findings``.
    completeness : Completeness
        The assessment it belongs to (the year, the limit, the rules' meanings).
    lang : str
        ``"en"`` or ``"cy"`` (messages ``front.left_out.<kind>``).

    Returns
    -------
    str
    """
    rows = label(
        "front.left_out.rows",
        lang,
        quarantined=f"{finding.rows_quarantined:,}",
        read=f"{finding.rows_read:,}",
    )
    return label(
        f"front.left_out.{finding.kind}",
        lang,
        dataset=finding.dataset,
        read=f"{finding.rows_read:,}",
        rows=rows,
        share=percent(finding.share, lang),
        limit=percent(completeness.max_quarantined, lang),
        rule=_rule_text(finding, completeness.rules, lang),
        year=completeness.year,
        years=_years_text(finding.years, lang),
    )


def banner(completeness: Completeness, lang: str = "en") -> list[str]:
    """The sentences of the banner every report of the year carries: one per finding.

    Empty when nothing is left out.
    """
    return [describe(f, completeness, lang) for f in completeness.findings]
