"""The ``partnership`` demo dataset: partnership enablers per RPB and year.

Funding (Wales's total shared by population, with a random factor per RPB), workforce vacancy
rate (written as a percentage for some RPBs), multi-agency panel, co-production maturity and
children on the board. The parameters are in ``partnership`` of the model file.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from nest_eval.demo.categories import category
from nest_eval.demo.draws import spell_rpbs
from nest_eval.demo.model import MESSY_RPB_SHARE, PARAMETERS, POPULATION_SHARE, YEARS, DemoScale
from nest_eval.demo.text import numbers, rounded, text_frame
from nest_eval.reference import vocabulary
from nest_eval.reference.codings import VOCABULARIES

__all__ = ["generate_partnership"]

_RPBS = vocabulary.RPB_NAMES
_PARAMETERS = PARAMETERS["partnership"]
_ENABLERS = _PARAMETERS["enablers"]
_VACANCY_AS_PERCENT = tuple(_PARAMETERS["vacancy_as_percent"])
_YES = category("partnership", "cyp_on_board", "yes")


def _funding(
    rng: np.random.Generator, rpb: np.ndarray, year_index: np.ndarray
) -> dict[str, np.ndarray]:
    """Core, RIF and pooled funding per row, whole hundreds of pounds."""
    n = len(_RPBS)
    share = np.asarray(POPULATION_SHARE)[rpb]
    growth = np.where(year_index == 1, rng.normal(*_PARAMETERS["funding_growth"], n)[rpb], 1.0)
    funding = {}
    for name, wales in _PARAMETERS["funding_wales"].items():
        level = share * wales * rng.lognormal(0.0, _PARAMETERS["funding_spread"], n)[rpb] * growth
        funding[name] = (np.round(level / 100) * 100).astype(np.int64)
    return funding


def generate_partnership(
    rng: np.random.Generator, scale: DemoScale
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Partnership enablers per RPB and year: funding, vacancies, panel, maturity, board.

    Parameters
    ----------
    rng : numpy.random.Generator
        The dataset's random stream.
    scale : DemoScale
        Sizes (unused: one row per RPB and year).

    Returns
    -------
    frame : pandas.DataFrame
        One row per RPB and year (text).
    truth : dict
        The true values, with vacancy rates as proportions.
    """
    rpb = np.tile(np.arange(len(_RPBS)), len(YEARS))
    year_index = np.repeat(np.arange(len(YEARS)), len(_RPBS))
    funding = _funding(rng, rpb, year_index)
    as_percent = np.isin(np.array(_RPBS)[rpb], _VACANCY_AS_PERCENT)
    # Vacancy rates: 5-17.5% in half-percent steps where written as a percentage, else 5-18%.
    vacancy = np.where(
        as_percent, rng.integers(10, 36, len(rpb)) * 0.005, rng.integers(5, 19, len(rpb)) / 100
    )
    vacancy_text = np.where(as_percent, numbers(vacancy * 100, 1), numbers(vacancy, 2))
    given = [(_ENABLERS[_RPBS[r]], y) for r, y in zip(rpb, year_index, strict=True)]
    columns = {
        "rpb": spell_rpbs(rng, rpb, MESSY_RPB_SHARE),
        "year": np.asarray(YEARS)[year_index],
        **{f"{name}_funding_gbp": values for name, values in funding.items()},
        "workforce_vacancy_rate": vacancy_text,
        **{
            column: [enablers[column][y] for enablers, y in given]
            for column in ("multiagency_panel", "coproduction_maturity", "cyp_on_board")
        },
    }
    frame = text_frame("partnership", columns)
    return frame, _truth(rpb, year_index, funding, vacancy, as_percent)


def _truth(
    rpb: np.ndarray,
    year_index: np.ndarray,
    funding: dict[str, np.ndarray],
    vacancy: np.ndarray,
    as_percent: np.ndarray,
) -> dict[str, Any]:
    """The partnership section of the truth file."""
    yes_no = VOCABULARIES["yes_no"]
    rows = []
    for k, (r, y) in enumerate(zip(rpb, year_index, strict=True)):
        enablers = _ENABLERS[_RPBS[r]]
        rows.append(
            {
                "rpb": _RPBS[r],
                "year": YEARS[y],
                **{f"{name}_funding_gbp": int(values[k]) for name, values in funding.items()},
                "workforce_vacancy_rate": rounded(vacancy[k]),
                "vacancy_written_as_percent": bool(as_percent[k]),
                "multiagency_panel": yes_no.resolve(enablers["multiagency_panel"][y]) == _YES,
                "coproduction_maturity": enablers["coproduction_maturity"][y],
                "cyp_on_board": yes_no.resolve(enablers["cyp_on_board"][y]) == _YES,
            }
        )
    return {
        "rows": rows,
        "note": (
            "workforce_vacancy_rate is written as a percentage for "
            + ", ".join(_VACANCY_AS_PERCENT)
            + " (e.g. 12.5 = 0.125); multiagency_panel spelled yes/no, Y and ie (Welsh yes)"
        ),
    }
