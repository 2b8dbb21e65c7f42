"""The ``self_assessment`` demo dataset: journey ratings from a fixed table.

The RPBs also rate the NEST foundations in 2025, from a fixed table
(:data:`~nest_eval.demo.model.FOUNDATION_RATINGS`), in rows written after all the others.

Region-level journey ratings of the 7 RPBs on the 6 core elements for the cycles 2024 and 2025,
from a fixed table (:data:`~nest_eval.demo.model.JOURNEY_RATINGS`) whose 2024 means per element
equal the published national figures (NYTH/NEST implementation update, 2024) when rounded to one
decimal: five elements sum to 16 or 15 over seven whole-number ratings (2.29 → 2.3,
2.14 → 2.1); for *safe and supportive communities* Powys gave no rating and the other six sum to
11 (1.83 → 1.8). In 2025 most RPBs move up a level on some elements, Gwent moves down on
*wellbeing across education* and North Wales rates itself 2.5 on *no wrong door*. Regional
Integration Fund (RIF) project self-assessments (``level = project``) follow the region's rating
within one level. The parameters are in ``self_assessment`` of the model file.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from nest_eval.demo.categories import CORE_ELEMENTS, FOUNDATIONS, category
from nest_eval.demo.draws import spell_rpbs
from nest_eval.demo.model import (
    FOUNDATION_RATINGS,
    JOURNEY_RATINGS,
    MESSY_RPB_SHARE,
    PARAMETERS,
    PUBLISHED_2024_MEANS,
    YEARS,
    DemoScale,
)
from nest_eval.demo.text import rating_text, rounded, text_frame
from nest_eval.reference import vocabulary

__all__ = ["generate_self_assessment", "national_means"]

_RPBS = vocabulary.RPB_NAMES
_CORE = CORE_ELEMENTS[1]
_FOUNDATIONS = FOUNDATIONS[1]
_PARAMETERS = PARAMETERS["self_assessment"]
_SUBMISSIONS = _PARAMETERS["submissions"]
_ELEMENT_SPELLING = {
    (given["year"], given["rpb"]): given["spelling"] for given in _SUBMISSIONS["element_spelling"]
}
_LEVEL_BLANK = {(given["year"], given["rpb"]) for given in _SUBMISSIONS["level_blank"]}
_FAMILY_VOICE_MISSING_2024 = tuple(_SUBMISSIONS["family_voice_missing_2024"])
_VOICES = _PARAMETERS["voices"]
_REGION_CYP = {int(year): p for year, p in _VOICES["region_cyp"].items()}
_RIF = _PARAMETERS["rif_projects"]
_EVIDENCE_BY_LEVEL = {int(level): tuple(t) for level, t in _PARAMETERS["evidence_by_level"].items()}
_VOICE_EVIDENCE = tuple(_PARAMETERS["voice_evidence"]["texts"])

_REGION = category("self_assessment", "level", "region")
_PROJECT = category("self_assessment", "level", "project")
_YES_NO = {
    True: category("self_assessment", "cyp_voice", "yes"),
    False: category("self_assessment", "cyp_voice", "no"),
}

_Project = tuple[int, str, tuple[int, ...]]  # owner RPB index, name, element indices
_Rif = tuple[list[_Project], np.ndarray]  # the projects and their rating shifts


def _element_spelling(key: str, style: str) -> str:
    """An element as a submission writes it: key, English label or Welsh label."""
    element = next(e for e in vocabulary.CORE_ELEMENTS if e.key == key)
    return {"english": element.label("en"), "welsh": element.label("cy")}.get(style, key)


def _evidence(rng: np.random.Generator, rating: float | None, voice: bool) -> str:
    """A short, generic evidence text for a rating."""
    bank = _EVIDENCE_BY_LEVEL[0 if rating is None else math.floor(rating)]
    text = bank[int(rng.integers(len(bank)))]
    if voice and rating is not None:
        text += " " + _VOICE_EVIDENCE[int(rng.integers(len(_VOICE_EVIDENCE)))]
    return text


def _rif_projects(rng: np.random.Generator) -> _Rif:
    """RIF projects per RPB, numbered across Wales, and their rating shifts per cycle."""
    low, high = _RIF["per_rpb"]
    fewest, most = _RIF["elements_per_project"]
    projects: list[_Project] = []
    for i in range(len(_RPBS)):
        for _ in range(int(rng.integers(low, high + 1))):
            size = int(rng.integers(fewest, most + 1))
            elements = tuple(sorted(rng.choice(len(_CORE), size, replace=False)))
            projects.append((i, f"RIF project {len(projects) + 1}", elements))
    shifts = rng.choice(_RIF["rating_shift"], size=(len(projects), len(YEARS), len(_CORE)))
    return projects, shifts


def _row(
    rpb: str,
    year: int,
    element: str,
    rating: float | None,
    cyp: bool,
    family: bool,
    evidence: str,
    level: str,
    project: str,
) -> dict[str, str]:
    """One row as written."""
    return {
        "rpb": rpb,
        "year": str(year),
        "element": element,
        "rating": rating_text(rating),
        "cyp_voice": _YES_NO[cyp],
        "family_voice": _YES_NO[family],
        "evidence": evidence,
        "level": level,
        "project": project,
    }


def _region_rows(
    rng: np.random.Generator, year: int, rpb: str, spelling: str, style: str
) -> list[dict[str, str]]:
    """The region-level rows of one RPB's submission for one cycle."""
    level = "" if (year, rpb) in _LEVEL_BLANK else _REGION
    rows = []
    for e, key in enumerate(_CORE):
        rating = JOURNEY_RATINGS[year][rpb][e]
        cyp = bool(rng.random() < _REGION_CYP[year])
        family = bool(rng.random() < _VOICES["region_family"]) and not (
            year == 2024 and rpb in _FAMILY_VOICE_MISSING_2024
        )
        evidence = _evidence(rng, rating, cyp or family)
        element = _element_spelling(key, style)
        rows.append(_row(spelling, year, element, rating, cyp, family, evidence, level, ""))
    return rows


def _foundation_rows(rng: np.random.Generator) -> list[dict[str, str]]:
    """Region-level rows rating the NEST foundations, for the cycles that have them.

    Written after every other row (and drawn after them from the stream), by key, so that the
    rows of the core elements are those of a demo without foundations.
    """
    rows = []
    for year, ratings in FOUNDATION_RATINGS.items():
        for rpb in _RPBS:
            for f, key in enumerate(_FOUNDATIONS):
                rating = ratings[rpb][f]
                cyp = bool(rng.random() < _REGION_CYP[year])
                family = bool(rng.random() < _VOICES["region_family"])
                evidence = _evidence(rng, rating, cyp or family)
                rows.append(_row(rpb, year, key, rating, cyp, family, evidence, _REGION, ""))
    return rows


def _project_rows(
    rng: np.random.Generator, y: int, i: int, spelling: str, style: str, rif: _Rif
) -> list[dict[str, str]]:
    """The project-level rows of RPB ``i``'s submission for cycle ``YEARS[y]``."""
    projects, shifts = rif
    year, rpb = YEARS[y], _RPBS[i]
    rows = []
    for p, (owner, name, elements) in enumerate(projects):
        if owner != i:
            continue
        for e in elements:
            region = JOURNEY_RATINGS[year][rpb][e]
            base = _RIF["unrated_region_level"] if region is None else float(region)
            rating = float(min(4, max(1, math.floor(base) + shifts[p, y, e])))  # journey scale
            cyp = bool(rng.random() < _VOICES["project_cyp"])
            family = bool(rng.random() < _VOICES["project_family"])
            evidence = _evidence(rng, rating, cyp)
            element = _element_spelling(_CORE[e], style)
            rows.append(
                _row(spelling, year, element, rating, cyp, family, evidence, _PROJECT, name)
            )
    return rows


def generate_self_assessment(
    rng: np.random.Generator, scale: DemoScale
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Region-level and RIF project-level self-assessments, 7 RPBs × 6 elements × 2 cycles.

    Parameters
    ----------
    rng : numpy.random.Generator
        The dataset's random stream (voices, evidence texts, spellings, projects).
    scale : DemoScale
        Sizes (unused: the table is fixed).

    Returns
    -------
    frame : pandas.DataFrame
        Rows as written (text), in cycle, RPB, region-then-project order.
    truth : dict
        Ratings per RPB, element and cycle, the published 2024 targets and the means.
    """
    rif = _rif_projects(rng)
    rows: list[dict[str, str]] = []
    for y, year in enumerate(YEARS):
        for i, rpb in enumerate(_RPBS):
            spelling = spell_rpbs(rng, np.array([i]), MESSY_RPB_SHARE)[0]
            style = _ELEMENT_SPELLING.get((year, rpb), "key")
            rows += _region_rows(rng, year, rpb, spelling, style)
            rows += _project_rows(rng, y, i, spelling, style, rif)
    rows += _foundation_rows(rng)
    frame = text_frame("self_assessment", {c: [r[c] for r in rows] for c in rows[0]})
    return frame, _truth(rif[0])


def _truth(projects: list[_Project]) -> dict[str, Any]:
    """The self_assessment section of the truth file."""
    return {
        "description": (
            "Region-level journey ratings from a fixed table; 2024 means per core element round "
            "to the published national figures. RIF project rows (level=project) are within "
            "one level of their region's rating and do not enter national or RPB figures."
        ),
        "published_2024_means": dict(PUBLISHED_2024_MEANS),
        "ratings": {
            rpb: {
                key: {str(year): JOURNEY_RATINGS[year][rpb][e] for year in YEARS}
                for e, key in enumerate(_CORE)
            }
            for rpb in _RPBS
        },
        "national_means_by_design": national_means(),
        "foundation_ratings": {
            str(year): {rpb: dict(zip(_FOUNDATIONS, ratings[rpb], strict=True)) for rpb in _RPBS}
            for year, ratings in FOUNDATION_RATINGS.items()
        },
        "not_rated": [
            {"rpb": rpb, "year": year, "element": key}
            for year in YEARS
            for rpb in _RPBS
            for e, key in enumerate(_CORE)
            if JOURNEY_RATINGS[year][rpb][e] is None
        ],
        "family_voice_missing_2024": list(_FAMILY_VOICE_MISSING_2024),
        "element_spelling": [
            {"year": year, "rpb": rpb, "spelling": style}
            for (year, rpb), style in sorted(_ELEMENT_SPELLING.items())
        ],
        "level_blank_means_region": [
            {"year": year, "rpb": rpb} for year, rpb in sorted(_LEVEL_BLANK)
        ],
        "rif_projects": [
            {"rpb": _RPBS[owner], "project": name, "elements": [_CORE[e] for e in elements]}
            for owner, name, elements in projects
        ],
    }


def national_means(
    excluded: tuple[tuple[int, str, str], ...] = (),
) -> dict[str, dict[str, dict[str, float | int]]]:
    """Mean region-level rating and number of RPBs rating, per cycle and core element.

    Parameters
    ----------
    excluded : tuple of (year, rpb, element)
        Cells left out (e.g. both rows of a conflicting duplicate are quarantined).

    Returns
    -------
    dict
        ``{year: {element: {"mean": ..., "n_rpbs": ...}}}``, years as text.
    """
    means: dict[str, dict[str, dict[str, float | int]]] = {}
    for year in YEARS:
        means[str(year)] = {}
        for e, key in enumerate(_CORE):
            given = ((r, JOURNEY_RATINGS[year][r][e]) for r in _RPBS)
            rated = [float(v) for r, v in given if v is not None and (year, r, key) not in excluded]
            means[str(year)][key] = {"mean": rounded(sum(rated) / len(rated)), "n_rpbs": len(rated)}
    return means
