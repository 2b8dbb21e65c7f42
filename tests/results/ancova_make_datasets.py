"""Write the small synthetic datasets that ``ancova_reference.R`` fits with ``lm`` and ``emmeans``.

Run from the repository root::

    .venv/bin/python tests/results/ancova_make_datasets.py

The generator is deterministic (fixed seeds); values are rounded so the CSV files stay small.
R and the test suite read the same CSV files, so the rounding does not affect agreement.

Each file has one row per child: ``rpb`` (7 regional partnership boards, unequal sizes),
``baseline`` and ``followup`` (first and last score), ``age0`` (age at the first assessment),
``sex`` (``female``, ``male``, a few ``other``), ``wimd`` (deprivation quintile 1-5, a factor)
and ``interval`` (years between the two assessments). Model, as R writes it::

    followup ~ 0 + rpb + baseline + age0 + sex + wimd + interval

Datasets
--------
``ancova_data_realistic.csv``
    About 900 children; each RPB's adjusted change is predicted at the case mix of the data.
``ancova_data_other_mix.csv``
    About 300 older, more deprived children with longer intervals: the case mix at which the
    model of ``realistic`` is also predicted (a common case mix for two cohorts).
``ancova_data_aliased.csv``
    Deprivation quintile 5 occurs exactly for the children of sex ``other``, so the column of
    quintile 5 equals that of ``other`` and is dropped (``NA`` in ``lm``); every adjusted change
    stays estimable.
``ancova_data_confounded.csv``
    Every Powys child, and only they, live in quintile 5: the RPBs' adjusted changes at the
    Wales case mix are not estimable (``emmeans`` reports ``NA``); Wales's is.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent

RPBS = (
    "Cardiff and Vale",
    "Cwm Taf Morgannwg",
    "Gwent",
    "North Wales",
    "Powys",
    "West Glamorgan",
    "West Wales",
)


def simulate(
    n: int, seed: int, older: float = 0.0, deprived: float = 0.0, longer: float = 0.0
) -> pd.DataFrame:
    """Children with a baseline and a follow-up score from a random-intercept model."""
    rng = np.random.default_rng(seed)
    shares = np.array([0.16, 0.14, 0.19, 0.22, 0.06, 0.11, 0.12])
    rpb = rng.choice(len(RPBS), size=n, p=shares / shares.sum())
    age0 = np.round(rng.uniform(8.0 + older, 17.0 + older, size=n), 1)
    sex = rng.choice(np.array(["female", "male", "other"]), size=n, p=[0.5, 0.47, 0.03])
    wimd_p = np.array([0.24, 0.22, 0.2, 0.18, 0.16]) + deprived * np.array([2, 1, 0, -1, -2])
    wimd = 1 + rng.choice(5, size=n, p=wimd_p / wimd_p.sum())
    interval = np.round(rng.uniform(0.15, 0.6, size=n) + longer, 3)
    person = 20.0 + 0.2 * (age0 - 12) - 0.6 * (sex == "male") - 0.5 * (wimd - 3)
    person = person + rng.normal(0.0, 3.0, size=n)
    slope = np.array([2.0, 1.0, 3.0, 1.5, 0.5, 2.5, 1.8])[rpb]
    baseline = person + rng.normal(0.0, 2.5, size=n)
    followup = person + slope * interval + rng.normal(0.0, 2.5, size=n)
    return pd.DataFrame(
        {
            "rpb": np.array(RPBS)[rpb],
            "baseline": np.round(baseline, 2),
            "followup": np.round(followup, 2),
            "age0": age0,
            "sex": sex,
            "wimd": wimd,
            "interval": interval,
        }
    )


def aliased(seed: int) -> pd.DataFrame:
    """Quintile 5 exactly for the children of sex ``other``."""
    data = simulate(600, seed)
    other = data["sex"] == "other"
    data.loc[other, "wimd"] = 5
    data.loc[~other & (data["wimd"] == 5), "wimd"] = 4
    return data


def confounded(seed: int) -> pd.DataFrame:
    """Powys children all, and only they, in quintile 5."""
    data = simulate(600, seed)
    powys = data["rpb"] == "Powys"
    data.loc[powys, "wimd"] = 5
    data.loc[~powys & (data["wimd"] == 5), "wimd"] = 4
    return data


def main() -> None:
    """Write the four CSV files next to this script."""
    simulate(900, seed=20250301).to_csv(HERE / "ancova_data_realistic.csv", index=False)
    simulate(300, seed=20250302, older=2.0, deprived=0.04, longer=0.2).to_csv(
        HERE / "ancova_data_other_mix.csv", index=False
    )
    aliased(seed=20250303).to_csv(HERE / "ancova_data_aliased.csv", index=False)
    confounded(seed=20250304).to_csv(HERE / "ancova_data_confounded.csv", index=False)


if __name__ == "__main__":
    main()
