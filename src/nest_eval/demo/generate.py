r"""Generate the six demo datasets and their truth, and write them to a folder.

One :class:`numpy.random.SeedSequence` per seed is spawned into one independent stream per
dataset (and one for the planted problems), so a dataset does not depend on the sizes of the
others. The truth (``truth.json``) gathers each dataset's true effects, the sizes, the planted
problems and the rows ingest should accept.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from nest_eval.demo.access import generate_access
from nest_eval.demo.experiences import generate_experiences
from nest_eval.demo.model import (
    DATA_END,
    MESSY_RPB_SHARE,
    UK_DATE_SHARE,
    YEARS,
    DemoScale,
    demo_scale,
)
from nest_eval.demo.outcomes import generate_outcomes
from nest_eval.demo.partnership import generate_partnership
from nest_eval.demo.problems import CONFLICT, insert_problems, plant_problems
from nest_eval.demo.self_assessment import generate_self_assessment, national_means
from nest_eval.demo.text import rounded
from nest_eval.demo.training import generate_training
from nest_eval.reference import contract, vocabulary

__all__ = ["DEFAULT_SEED", "GENERATOR", "DemoData", "generate_demo_data", "write_demo_data"]

DEFAULT_SEED = 2024
"""The seed of the committed demo data in ``data/raw/``."""

GENERATOR = "nest_eval.demo.generator"
"""The generator's public module, recorded in ``truth.json``."""

_Generate = Callable[[np.random.Generator, DemoScale], tuple[pd.DataFrame, dict[str, Any]]]

# Each dataset's generator; dataset k draws from random stream k, the planted problems from the
# stream after the last.
_GENERATORS: dict[str, _Generate] = {
    "self_assessment": generate_self_assessment,
    "outcomes": generate_outcomes,
    "experiences": generate_experiences,
    "access": generate_access,
    "partnership": generate_partnership,
    "training": generate_training,
}


@dataclass(frozen=True, eq=False)
class DemoData:
    """A generated demo data set: the six datasets as written, and the truth.

    Attributes
    ----------
    self_assessment, outcomes, experiences, access, partnership, training : pandas.DataFrame
        The datasets as written to CSV: text values, blank as ``""``, contract columns in
        contract order (planted problems included).
    truth : dict
        The true effects and planted problems, as written to ``truth.json``.
    """

    self_assessment: pd.DataFrame
    outcomes: pd.DataFrame
    experiences: pd.DataFrame
    access: pd.DataFrame
    partnership: pd.DataFrame
    training: pd.DataFrame
    truth: dict[str, Any]

    @property
    def frames(self) -> dict[str, pd.DataFrame]:
        """The six datasets by name, in contract order."""
        return {name: getattr(self, name) for name in contract.DATASET_NAMES}


def generate_demo_data(seed: int = DEFAULT_SEED, scale: str = "default") -> DemoData:
    """Generate the six demo datasets and their truth in memory.

    Parameters
    ----------
    seed : int, default 2024
        Seed of the random streams (one spawned per dataset). The same seed and scale always
        give the same data.
    scale : {"default", "wales", "small-rpb", "random"}
        Sizes, see :data:`~nest_eval.demo.model.SCALES`; ``random`` draws them from the seed
        (:func:`~nest_eval.demo.model.random_scale`). Problems are planted at the ``default``
        and ``small-rpb`` scales.

    Returns
    -------
    DemoData
        The datasets as text DataFrames and the truth dictionary.

    Raises
    ------
    ValueError
        When the scale is unknown or the seed is negative.

    Examples
    --------
    >>> data = generate_demo_data(seed=1)
    >>> sorted(data.frames) == sorted(contract.DATASET_NAMES)
    True
    >>> data.truth["self_assessment"]["published_2024_means"]["safe_supportive_communities"]
    1.8
    """
    if int(seed) < 0:
        raise ValueError("seed must be a non-negative integer")
    size = demo_scale(scale, int(seed))
    sequences = np.random.SeedSequence(int(seed)).spawn(len(_GENERATORS) + 1)
    *streams, problems = (np.random.default_rng(s) for s in sequences)
    made = {
        name: generate(stream, size)
        for (name, generate), stream in zip(_GENERATORS.items(), streams, strict=True)
    }
    frames = {name: made[name][0] for name in contract.DATASET_NAMES}
    clean_rows = {name: len(frame) for name, frame in frames.items()}
    planted = []
    if size.plant_problems:
        planted = insert_problems(frames, plant_problems(problems, frames))
    made["self_assessment"][1]["national_means_after_quarantine"] = national_means(
        (CONFLICT,) if size.plant_problems else ()
    )
    truth = {
        **_truth_header(int(seed), size),
        "accounting": _accounting(frames, clean_rows, planted),
        "planted_problems": planted,
        **{name: made[name][1] for name in contract.DATASET_NAMES},
    }
    return DemoData(**frames, truth=truth)


def _accounting(
    frames: dict[str, pd.DataFrame], clean_rows: dict[str, int], planted: list[dict[str, Any]]
) -> dict[str, dict[str, int]]:
    """Per dataset, the rows read, clean, and expected quarantined, collapsed and accepted."""
    accounting = {}
    for name, frame in frames.items():
        mine = [p for p in planted if p["dataset"] == name]
        collapsed = sum(p["expected"] == "collapsed" for p in mine)
        quarantined = sum(p["expected"] == "quarantined" for p in mine)
        accounting[name] = {
            "rows_read": len(frame),
            "clean_rows": clean_rows[name],
            "expected_quarantined": quarantined,
            "expected_duplicates_collapsed": collapsed,
            "expected_accepted": len(frame) - quarantined - collapsed,
        }
    return accounting


_SMALL_GROUPS = (
    "children per measure and cohort (outcomes), responses per year (experiences), requests per "
    "year (access); all of a group's people where it has fewer"
)


def _by_rpb(weights: tuple[float, ...]) -> dict[str, float]:
    """Weights per RPB as the truth file records them."""
    return {r: rounded(w) for r, w in zip(vocabulary.RPB_NAMES, weights, strict=True)}


def _truth_header(seed: int, size: DemoScale) -> dict[str, Any]:
    """The truth file's description of the generation: generator, seed, sizes, spellings."""
    sizes: dict[str, Any] = {
        "n_children": size.n_children,
        "experiences_per_year": size.experiences_per_year,
        "access_per_year": size.access_per_year,
        "training_later": size.training_later,
        "rpb_weights": _by_rpb(size.rpb_weights),
    }
    if size.dataset_weights:
        sizes["rpb_weights_by_dataset"] = {d: _by_rpb(w) for d, w in size.dataset_weights}
    if size.small_rpbs:
        sizes["small_rpbs"] = {
            rpb: {"fewest": fewest, "most": most, "per": _SMALL_GROUPS}
            for rpb, fewest, most in size.small_rpbs
        }
    return {
        "generator": GENERATOR,
        "seed": seed,
        "scale": size.name,
        "sizes": sizes,
        "contract_version": contract.CONTRACT_VERSION,
        "years": list(YEARS),
        "data_end": str(DATA_END),
        "rpb_spelling": (
            f"about {MESSY_RPB_SHARE:.0%} of RPB values (per child in outcomes, per "
            "submission in self_assessment, per row elsewhere) are an alias or a local "
            "authority of the RPB"
        ),
        "dates": f"ISO YYYY-MM-DD, about {UK_DATE_SHARE:.0%} of rows UK DD/MM/YYYY",
    }


def write_demo_data(
    directory: str | Path, seed: int = DEFAULT_SEED, scale: str = "default"
) -> list[Path]:
    r"""Write the six demo CSV files and ``truth.json`` into a folder.

    Parameters
    ----------
    directory : str or pathlib.Path
        Folder to write to; created if missing. Existing files of the same names are replaced.
    seed : int, default 2024
        Seed, see :func:`generate_demo_data`.
    scale : {"default", "wales", "small-rpb", "random"}
        Sizes, see :func:`generate_demo_data`.

    Returns
    -------
    list of pathlib.Path
        The files written: ``self_assessment.csv``, ``outcomes.csv``, ``experiences.csv``,
        ``access.csv``, ``partnership.csv``, ``training.csv`` and ``truth.json``.

    Notes
    -----
    CSV files are UTF-8 without byte-order mark, comma-separated, ``\n`` line ends, values
    written exactly as generated (text); ``truth.json`` is sorted, indented and ends with a
    newline. The same seed and scale give byte-identical files.
    """
    data = generate_demo_data(seed=seed, scale=scale)
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, frame in data.frames.items():
        path = out / f"{name}.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            frame.to_csv(handle, index=False, lineterminator="\n")
        paths.append(path)
    path = out / "truth.json"
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        handle.write(json.dumps(data.truth, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
    paths.append(path)
    return paths
