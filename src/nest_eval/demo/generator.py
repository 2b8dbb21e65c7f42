r"""Synthetic demo data for all six datasets of the data contract, generated from known effects.

The demo data lets every analysis of the workbench be checked against the truth: each dataset is
drawn from a documented generative model whose parameters (and the quantities an analysis should
recover) are written beside the CSV files in ``truth.json``. Nothing in the demo data describes a
real person, service or RPB submission; the only real figures are the published national 2024
figures the data are built to reproduce.

This module is the generator's public face (``nest-eval demo-data``); the work is done by the
modules of :mod:`nest_eval.demo`:

- :mod:`~nest_eval.demo.model`: the model parameters, read from ``nest_eval/demo/data/model.toml``
  (true effects, published figures, sizes and shares, with their meaning and sources);
- :mod:`~nest_eval.demo.categories`: the check that every category drawn is a value of the
  vocabulary of the column it is written to;
- one module per dataset, each documenting its generative model:
  :mod:`~nest_eval.demo.self_assessment` (journey ratings reproducing the published 2024 means),
  :mod:`~nest_eval.demo.outcomes` (repeated measures from a random-intercept model with a known
  change per year), :mod:`~nest_eval.demo.experiences` (survey items through a Gaussian copula),
  :mod:`~nest_eval.demo.access` (log-normal waits, Poisson redirections),
  :mod:`~nest_eval.demo.partnership` (enablers per RPB and year) and
  :mod:`~nest_eval.demo.training` (learners reproducing the published 2024 figures);
- :mod:`~nest_eval.demo.problems`: the bad rows planted at the ``default`` and ``small-rpb``
  scales, each listed in ``truth.json`` under ``planted_problems``; every truth figure is
  computed from the clean rows;
- :mod:`~nest_eval.demo.draws` and :mod:`~nest_eval.demo.text`: the random draws and the text
  formats the datasets share;
- :mod:`~nest_eval.demo.generate`: the random streams, the truth file and the writing.

Scales
------
The sizes of a data set (:class:`~nest_eval.demo.model.DemoScale`): ``default`` (the committed
data in ``data/raw/``), ``wales`` (roughly all-Wales volumes), ``small-rpb`` (the default data with
Powys held to 3–12 people per group and year: children per measure and cohort, responses and
requests per year) and ``random`` (sizes of mixed scale drawn from the seed by
:func:`~nest_eval.demo.model.random_scale`: 150–6,000 children, 100–5,000 responses and requests
per year, some RPBs tiny or absent from a dataset). The sizes are in ``scales`` and
``random_scale`` of the model file.

Determinism
-----------
One :class:`numpy.random.SeedSequence` per seed is spawned into one independent stream per
dataset (and one for the planted problems), so a dataset does not depend on the sizes of the
others. No clock, string hash or set order is used; values are pre-formatted as text; CSV files
are UTF-8 without byte-order mark with ``\n`` line ends; ``truth.json`` is sorted, indented and
ends with a newline. The same seed and scale give byte-identical files.

Sources
-------
- Published 2024 journey ratings and training figures: Welsh Government, *NYTH/NEST
  implementation update* (2024).
- Measure ranges and the SWEMWBS raw → metric table: the measures catalogue of
  :mod:`nest_eval.reference.measures` (Shah et al. 2018, HQLO 16:239; Warwick Medical School).
- 28-day standard: Mental Health (Wales) Measure 2010, Part 1.
"""

from __future__ import annotations

from nest_eval.demo.generate import DEFAULT_SEED, DemoData, generate_demo_data, write_demo_data
from nest_eval.demo.model import (
    ACCESS_MEAN_REDIRECTIONS,
    ACCESS_MEDIAN_WAIT,
    EXPERIENCE_AGREE,
    EXPERIENCE_ITEM_SHIFT,
    JOURNEY_RATINGS,
    OUTCOME_MODELS,
    PUBLISHED_2024_MEANS,
    PUBLISHED_2024_TRAINING,
    SCALE_NAMES,
    SCALES,
    THETA_MULTIPLIERS,
    DemoScale,
    OutcomeModel,
    demo_scale,
    multiplied_scale,
    random_scale,
)

__all__ = [
    "ACCESS_MEAN_REDIRECTIONS",
    "ACCESS_MEDIAN_WAIT",
    "DEFAULT_SEED",
    "EXPERIENCE_AGREE",
    "EXPERIENCE_ITEM_SHIFT",
    "JOURNEY_RATINGS",
    "OUTCOME_MODELS",
    "PUBLISHED_2024_MEANS",
    "PUBLISHED_2024_TRAINING",
    "SCALES",
    "SCALE_NAMES",
    "THETA_MULTIPLIERS",
    "DemoData",
    "DemoScale",
    "OutcomeModel",
    "demo_scale",
    "generate_demo_data",
    "multiplied_scale",
    "random_scale",
    "write_demo_data",
]
