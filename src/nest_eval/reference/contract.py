"""The data contract (version 1) as code: the six datasets, their columns and their rules.

Ingest enforces these schemas, the demo generator writes them, and the data dictionary
(``docs/data-dictionary.md``, :mod:`nest_eval.ingest.dictionary`) is generated from them, so the
three cannot drift apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "CONTRACT_VERSION",
    "DATASETS",
    "DATASET_NAMES",
    "Column",
    "Dataset",
    "dataset_for_file",
    "normalise_column_name",
]

CONTRACT_VERSION = 1

# Column kinds understood by ingest.
KINDS = (
    "id",  # pseudonymous identifier (text; refused if it looks like a real NHS number)
    "text",  # free text kept as given
    "comment",  # free text that is never published
    "rpb",  # resolves through the alias table to a canonical RPB
    "element",  # resolves to a NEST element key
    "measure",  # resolves to a measures catalogue key
    "choice",  # one of ``choices`` (case-insensitive)
    "int",  # whole number within [minimum, maximum]
    "number",  # real number within [minimum, maximum]
    "half_point",  # number within range in steps of 0.5 (journey ratings)
    "score",  # outcome score, range from the measure's catalogue entry
    "rate",  # proportion 0–1, or a percentage 0–100 read as such and recorded
    "date",  # ISO or UK day-first date, or an Excel date cell
    "yesno",  # yes/no, y/n, true/false, 1/0, ie/na; blank = unknown
    "year",  # a calendar year
)


@dataclass(frozen=True)
class Column:
    """One column of a dataset.

    Attributes
    ----------
    name : str
        Contract name (lower case with underscores).
    kind : str
        How values are parsed and checked; one of ``KINDS``.
    required : bool
        The column must be present in every file, and every row must give a value.
    description : str
        Plain-language meaning, for the data dictionary.
    minimum, maximum : float or None
        Inclusive range for numeric kinds.
    choices : tuple of str
        Allowed values for ``choice`` columns.
    default : str or None
        Value used when the cell is blank (recorded as the contract's default, not as a
        coercion of a given value).
    published : bool
        False for free text that the pipeline never publishes.
    """

    name: str
    kind: str
    required: bool = False
    description: str = ""
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()
    default: str | None = None
    published: bool = True

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown column kind {self.kind!r}")


@dataclass(frozen=True)
class Dataset:
    """One dataset of the contract.

    Attributes
    ----------
    name : str
        Dataset name; a file belongs to it when the file name starts with it.
    description : str
        What one row is.
    columns : tuple of Column
        Contract columns. Other columns are kept and passed through as text.
    key : tuple of str
        Columns that identify a row: two accepted rows with the same key and different values
        are a conflicting duplicate, and both are quarantined. Empty when rows have no key.
    key_when : tuple of (str, str) or None
        Restricts the key check to rows where a column has a value (e.g. region-level
        self-assessment rows only).
    at_least_one_of : tuple of str
        Columns of which each row must give at least one value.
    """

    name: str
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    key_when: tuple[str, str] | None = None
    at_least_one_of: tuple[str, ...] = ()

    @property
    def required_columns(self) -> tuple[str, ...]:
        """Names of the columns every file must have."""
        return tuple(c.name for c in self.columns if c.required)

    def column(self, name: str) -> Column:
        """The contract column called ``name``."""
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)


_RESPONDENTS = ("self", "parent", "teacher", "practitioner")
_RESPONDENT_TYPES = ("child", "young_person", "parent_carer", "professional")
_EXPERIENCE_ITEMS = (
    ("nurturing", "The help felt nurturing."),
    ("empowering", "The help felt empowering."),
    ("safe", "The help felt safe."),
    ("trusted", "The people helping could be trusted."),
    ("knew_who_to_turn_to", "Knew who to turn to for help and advice."),
    ("help_was_timely", "Help was accessed in a timely manner."),
    ("made_a_difference", "Help made a positive difference."),
    ("told_story_once", "Only had to tell their story once."),
)
EXPERIENCE_ITEMS: tuple[str, ...] = tuple(name for name, _ in _EXPERIENCE_ITEMS)
NEST_EXPERIENCE_ITEMS: tuple[str, ...] = ("nurturing", "empowering", "safe", "trusted")

DATASETS: tuple[Dataset, ...] = (
    Dataset(
        "self_assessment",
        "One row per RPB, self-assessment cycle and NEST element (or RIF project).",
        (
            Column("rpb", "rpb", True, "Regional Partnership Board (any alias)."),
            Column("year", "year", True, "Self-assessment cycle, e.g. 2024.", 2000, 2100),
            Column("element", "element", True, "NEST core element or foundation."),
            Column(
                "rating",
                "half_point",
                False,
                "Journey rating 1–4 (half points allowed between levels); blank = not rated.",
                1,
                4,
            ),
            Column("cyp_voice", "yesno", False, "Children's voices informed the rating."),
            Column("family_voice", "yesno", False, "Families' voices informed the rating."),
            Column("evidence", "text", False, "The RPB's own evidence (text)."),
            Column(
                "level",
                "choice",
                False,
                "`region` (default) or `project` (RIF project self-assessment).",
                choices=("region", "project"),
                default="region",
            ),
            Column("project", "text", False, "Project name, for project-level rows."),
        ),
        key=("rpb", "year", "element"),
        key_when=("level", "region"),
    ),
    Dataset(
        "outcomes",
        "One row per assessment of a child or young person on a measure.",
        (
            Column("person_id", "id", True, "Pseudonymous person identifier."),
            Column("rpb", "rpb", True, "Regional Partnership Board (any alias)."),
            Column("measure", "measure", True, "Measures catalogue key, e.g. SWEMWBS."),
            Column("date", "date", True, "Date of the assessment."),
            Column("score", "score", True, "Score, within the measure's range."),
            Column(
                "respondent",
                "choice",
                False,
                "Who completed it: self (default), parent, teacher, practitioner.",
                choices=_RESPONDENTS,
                default="self",
            ),
            Column("service", "text", False, "Service that gave the help."),
            Column("age", "number", False, "Age in years at the assessment (0–25).", 0, 25),
            Column("sex", "choice", False, "Sex.", choices=("female", "male", "other")),
            Column(
                "wimd_quintile",
                "int",
                False,
                "Welsh Index of Multiple Deprivation quintile, 1 = most deprived.",
                1,
                5,
            ),
        ),
        key=("person_id", "measure", "respondent", "date"),
    ),
    Dataset(
        "experiences",
        "One row per survey response.",
        (
            Column("rpb", "rpb", True, "Regional Partnership Board (any alias)."),
            Column("date", "date", True, "Date of the response."),
            Column(
                "respondent_type",
                "choice",
                True,
                "child, young_person, parent_carer or professional.",
                choices=_RESPONDENT_TYPES,
            ),
            *(
                Column(name, "int", False, f"{text} (1–5 agreement).", 1, 5)
                for name, text in _EXPERIENCE_ITEMS
            ),
            Column("language", "choice", False, "Language of response.", choices=("en", "cy")),
            Column("response_id", "id", False, "Pseudonymous response identifier."),
            Column(
                "comment",
                "comment",
                False,
                "Free-text comment: counted, never published.",
                published=False,
            ),
        ),
        key=("response_id",),
        at_least_one_of=EXPERIENCE_ITEMS,
    ),
    Dataset(
        "access",
        "One row per request for help (no wrong door).",
        (
            Column("request_id", "id", True, "Pseudonymous request identifier."),
            Column("rpb", "rpb", True, "Regional Partnership Board (any alias)."),
            Column("received_date", "date", True, "Date the request was received."),
            Column(
                "first_support_date",
                "date",
                False,
                "Date first supported; blank = not yet supported. Not before received_date.",
            ),
            Column(
                "redirections",
                "int",
                False,
                "Times passed to another service before support (≥ 0).",
                0,
                None,
            ),
            Column(
                "outcome",
                "choice",
                False,
                "supported, signposted, declined, waiting or withdrawn.",
                choices=("supported", "signposted", "declined", "waiting", "withdrawn"),
            ),
            Column("route", "text", False, "Route of the request (e.g. self, GP, school)."),
            Column("service", "text", False, "Service first receiving the request."),
            Column("age", "number", False, "Age in years (0–25).", 0, 25),
        ),
        key=("request_id",),
    ),
    Dataset(
        "partnership",
        "One row per RPB and year: partnership enablers (G) and co-production maturity (B).",
        (
            Column("rpb", "rpb", True, "Regional Partnership Board (any alias)."),
            Column("year", "year", True, "Year.", 2000, 2100),
            Column("core_funding_gbp", "number", False, "Core funding, £ (≥ 0).", 0, None),
            Column(
                "rif_funding_gbp",
                "number",
                False,
                "Regional Integration Fund funding, £ (≥ 0).",
                0,
                None,
            ),
            Column("pooled_funding_gbp", "number", False, "Pooled funding, £ (≥ 0).", 0, None),
            Column(
                "workforce_vacancy_rate",
                "rate",
                False,
                "Workforce vacancy rate 0–1 (a percentage 0–100 is read as such and recorded).",
                0,
                1,
            ),
            Column("multiagency_panel", "yesno", False, "A multi-agency panel operates."),
            Column(
                "coproduction_maturity",
                "int",
                False,
                "Co-production Maturity Matrix level, 1–5.",
                1,
                5,
            ),
            Column("cyp_on_board", "yesno", False, "Children or young people sit on the board."),
        ),
        key=("rpb", "year"),
    ),
    Dataset(
        "training",
        "One row per learner on the NEST and children's rights course.",
        (
            Column("learner_id", "id", True, "Pseudonymous learner identifier."),
            Column(
                "organisation_type",
                "choice",
                True,
                "nhs, local_authority, third_sector or private_other.",
                choices=("nhs", "local_authority", "third_sector", "private_other"),
            ),
            Column("enrolled_date", "date", True, "Date of enrolment."),
            Column(
                "completed_date",
                "date",
                False,
                "Date of completion; blank = not completed. Not before enrolled_date.",
            ),
            Column("rating", "int", False, "Learner's rating of the course, 1–5.", 1, 5),
        ),
        key=("learner_id",),
    ),
)
"""The six datasets of the contract, in the order reports use."""

DATASET_NAMES: tuple[str, ...] = tuple(d.name for d in DATASETS)

# Date-order rules: (dataset, later column, earlier column).
DATE_ORDER_RULES: tuple[tuple[str, str, str], ...] = (
    ("access", "first_support_date", "received_date"),
    ("training", "completed_date", "enrolled_date"),
)


def normalise_column_name(name: object) -> str:
    """Fold a column header to its contract spelling.

    Case-insensitive, surrounding spaces ignored, spaces, hyphens and underscores alike.

    >>> normalise_column_name(" Person ID ")
    'person_id'
    >>> normalise_column_name("first-support date")
    'first_support_date'
    """
    text = str(name).strip().lstrip("\ufeff").lower()
    return re.sub(r"[\s\-_]+", "_", text).strip("_")


def dataset_for_file(file_name: str) -> Dataset | None:
    """The dataset a file belongs to: the one whose name starts the file's name.

    Matching is case-insensitive and treats spaces and hyphens as underscores; the longest
    matching dataset name wins.

    >>> dataset_for_file("outcomes_2025_gwent.xlsx").name
    'outcomes'
    >>> dataset_for_file("notes.txt") is None
    True
    """
    stem = normalise_column_name(file_name)
    matches = [d for d in DATASETS if stem.startswith(d.name)]
    return max(matches, key=lambda d: len(d.name)) if matches else None
