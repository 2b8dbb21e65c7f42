"""The run configuration: every setting of a run, defined once, built once, passed everywhere.

A :class:`RunConfig` is frozen. The command line builds it from the pipeline file's
``[settings]`` table and the options given (:meth:`RunConfig.from_sources`); every step of the
pipeline receives it; the notebooks receive its publishable part as their one ``settings``
parameter (:meth:`RunConfig.parameters`, :meth:`RunConfig.from_parameters`), and every sentence
of a report that states a setting (the disclosure threshold, the baseline, the year type) is
written from it. Each field has one default, here.

The settings fall in three parts: those the year's results depend on
(:meth:`RunConfig.computation`), those their disclosure decision depends on as well
(:meth:`RunConfig.results_parameters`), and the publication's own (:meth:`RunConfig.publication`:
publication date, statistics status, contact, publisher, revision date), which the reports state
but no result depends on, so changing them never recomputes the results.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nest_eval.files import sha256_file
from nest_eval.reference.messages import LANGUAGES

if TYPE_CHECKING:  # the reference data is read, with pandas, only when a run needs it
    from nest_eval.reference.overrides import Reference
from nest_eval.reference.publication import STATUSES, default_publication_date

__all__ = [
    "ROUNDING_BASES",
    "SD_CHOICES",
    "SHORTHANDS",
    "ConfigError",
    "Disclosure",
    "Folders",
    "RunConfig",
]

SD_CHOICES = ("reference", "sample")
"""The SD the reliable change index uses: the catalogue's reference SD, or the sample's."""

SHORTHANDS = ("c", "[c]")
"""How a suppressed cell is written: ``c`` as StatsWales writes it, ``[c]`` as the GSS guidance."""

ROUNDING_BASES = (3, 5, 10)
"""Bases published counts may be rounded to (NHS Digital rounds to 5)."""


class ConfigError(ValueError):
    """A setting with a value it cannot take, named with where it came from."""


@dataclass(frozen=True)
class Disclosure:
    """Disclosure-control settings.

    Attributes
    ----------
    threshold : int
        Counts of people, responses or requests from 1 to ``threshold - 1`` below Wales level
        are suppressed (default 10).
    shorthand : str
        How a suppressed cell is written (:data:`SHORTHANDS`).
    protection : int or None
        The fewest whole numbers each suppressed cell must still be able to take, given
        everything published, for the run to publish. None (the default): half the values a
        suppressed small count can take, rounded up, from 2 to 5 (5 at the default threshold).
    rounding : int or None
        Round every published count of people, responses or requests to this base (e.g. 5),
        in addition to suppression; None (the default) publishes counts as they are. Shares
        and intervals are computed from exact counts, so the audit takes published counts as
        known exactly: the protection rests on suppression.
    zeros : bool
        Suppress zero counts below Wales level as well as small ones (then a suppressed cell
        may hide 0, and a reader cannot tell a zero from a small count). Default False.
    """

    threshold: int = 10
    shorthand: str = "c"
    protection: int | None = None
    rounding: int | None = None
    zeros: bool = False

    def __post_init__(self) -> None:
        if isinstance(self.threshold, bool) or not isinstance(self.threshold, int):
            raise ConfigError(f"threshold must be a whole number, not {self.threshold!r}")
        if self.threshold < 2:
            raise ConfigError(f"threshold must be at least 2, not {self.threshold}")
        if self.shorthand not in SHORTHANDS:
            raise ConfigError(f"shorthand must be one of {SHORTHANDS}, not {self.shorthand!r}")
        if not isinstance(self.zeros, bool):
            raise ConfigError(f"zeros must be true or false, not {self.zeros!r}")
        low, high = self.small
        if self.protection is not None and not 1 <= self.protection <= high - low + 1:
            raise ConfigError(
                f"protection must be between 1 and {high - low + 1} (a suppressed small count "
                f"is one of {low} to {high}), not {self.protection}"
            )
        if self.rounding is not None and self.rounding not in ROUNDING_BASES:
            raise ConfigError(f"rounding must be one of {ROUNDING_BASES}, not {self.rounding}")

    @property
    def small(self) -> tuple[int, int]:
        """The counts suppressed because they are small: ``(0 or 1, threshold - 1)``."""
        return (0 if self.zeros else 1, self.threshold - 1)

    @property
    def protection_level(self) -> int:
        """The protection level in use: as set, or half the small counts' values (2 to 5)."""
        if self.protection is not None:
            return self.protection
        low, high = self.small
        return min(5, max(2, math.ceil((high - low + 1) / 2)))


@dataclass(frozen=True)
class Folders:
    """Where a run reads and writes.

    Attributes
    ----------
    data : pathlib.Path
        The raw-data folder (never modified).
    processed : pathlib.Path
        Processed data written by ingest.
    reports : pathlib.Path
        The published folder's parent: a run publishes ``<reports>/<year>/`` and nothing else.
    build : pathlib.Path
        Build state: computed results, caches, logs and executing notebooks (never published).
    """

    data: Path = Path("data/raw")
    processed: Path = Path("data/processed")
    reports: Path = Path("reports")
    build: Path = Path("build")


@dataclass(frozen=True)
class RunConfig:
    """Every setting of a run.

    Attributes
    ----------
    year : int
        The reporting year.
    baseline_year : int or None
        The baseline for every RPB and domain; None: each one's earliest earlier year with data.
    as_of : datetime.date or None
        The census date of every "at a date" figure (requests still waiting, waits censored,
        learners enrolled and completed) and of the data: rows dated after it are left out.
        None: the last day of the reporting period
        (:func:`nest_eval.domains.census.census_date`), so a past year's figures do not move
        when later data arrive.
    financial : bool
        April–March reporting years for dated rows (default calendar years).
    sd : str
        SD of the reliable change index (:data:`SD_CHOICES`).
    disclosure : Disclosure
        Disclosure-control settings.
    reference_config : pathlib.Path or None
        An evaluator's overrides of the reference data (measures figures, codings).
    languages : tuple of str
        Languages published (default English and Welsh): each report and analysis once per
        language, each page linking to its twin.
    folders : Folders
        Where the run reads and writes.
    rpbs : tuple of str
        Only these RPBs' reports (any spelling); empty: all seven.
    jobs : int
        Notebooks run at once.
    force : bool
        Rerun every step even when unchanged.
    pipeline : pathlib.Path
        The pipeline file (steps and their parameter grid).
    max_quarantined : float
        The largest share of a dataset's rows that may be quarantined for the run to publish
        (default 0.05: 5%); see :mod:`nest_eval.reporting.completeness`.
    accept_quarantine : bool
        Publish even when data is left out (a share quarantined above ``max_quarantined``, an
        absent dataset, one with no row in the year); every report then says what was left
        out and why. Default False: such a run publishes nothing.
    published : datetime.date or None
        The publication date the reports state. None: derived from the reporting year
        (:func:`nest_eval.reference.publication.default_publication_date`), never the clock.
    status : str
        The statistics' status, a key of ``publication.toml``'s ``statuses`` (default
        ``official_statistics_in_development``).
    contact_email, contact_team : str or None
        Who to contact about the statistics. None: the demo's placeholders (an address at
        example.org, a team name marked as a placeholder), which the reports say are
        placeholders.
    publisher : str or None
        The publisher named in the citation. None: the contact team.
    revised : datetime.date or None
        When the publication was last revised; None: first release, nothing revised.
    """

    year: int = 2025
    baseline_year: int | None = None
    as_of: dt.date | None = None
    financial: bool = False
    sd: str = "reference"
    disclosure: Disclosure = field(default_factory=Disclosure)
    reference_config: Path | None = None
    languages: tuple[str, ...] = LANGUAGES
    folders: Folders = field(default_factory=Folders)
    rpbs: tuple[str, ...] = ()
    jobs: int = 2
    force: bool = False
    pipeline: Path = Path("pipelines/yearly.toml")
    max_quarantined: float = 0.05
    accept_quarantine: bool = False
    published: dt.date | None = None
    status: str = "official_statistics_in_development"
    contact_email: str | None = None
    contact_team: str | None = None
    publisher: str | None = None
    revised: dt.date | None = None

    def __post_init__(self) -> None:
        if self.sd not in SD_CHOICES:
            raise ConfigError(f"sd must be one of {SD_CHOICES}, not {self.sd!r}")
        unknown = [lang for lang in self.languages if lang not in LANGUAGES]
        if unknown or not self.languages:
            raise ConfigError(f"languages must be among {LANGUAGES}, not {self.languages!r}")
        if self.baseline_year is not None and self.baseline_year >= self.year:
            raise ConfigError(f"baseline year {self.baseline_year} is not before {self.year}")
        if self.jobs < 1:
            raise ConfigError(f"jobs must be at least 1, not {self.jobs}")
        self._check_quarantine_settings()
        self._check_publication_settings()

    def _check_publication_settings(self) -> None:
        if self.status not in STATUSES:
            raise ConfigError(f"status must be one of {STATUSES}, not {self.status!r}")
        for name in ("published", "revised"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, dt.date):
                raise ConfigError(f"{name} must be a date (YYYY-MM-DD), not {value!r}")
        if self.revised is not None and self.revised <= self.publication_date():
            raise ConfigError(
                f"revised ({self.revised}) must be after the publication date "
                f"({self.publication_date()})"
            )
        if self.contact_email is not None and "@" not in self.contact_email:
            raise ConfigError(f"contact_email must be an email address, not {self.contact_email!r}")
        for name in ("contact_team", "publisher"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, str) or not value.strip()):
                raise ConfigError(f"{name} must be a name, not {value!r}")

    def publication_date(self) -> dt.date:
        """The publication date: as set, or derived from the reporting year (never the clock)."""
        return self.published or default_publication_date(self.year, self.financial)

    def _check_quarantine_settings(self) -> None:
        share = self.max_quarantined
        if isinstance(share, bool) or not isinstance(share, int | float) or not 0 <= share <= 1:
            raise ConfigError(f"max_quarantined must be a share from 0 to 1, not {share!r}")
        if not isinstance(self.accept_quarantine, bool):
            raise ConfigError(
                f"accept_quarantine must be true or false, not {self.accept_quarantine!r}"
            )

    def reference(self) -> Reference:
        """The reference data with this run's overrides applied (read once per file)."""
        return _reference(self.reference_config)

    def computation(self) -> dict[str, Any]:
        """The settings the year's results depend on, as JSON-able values (for hashing)."""
        return {
            "year": self.year,
            "baseline_year": self.baseline_year,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "financial": self.financial,
            "sd": self.sd,
            "threshold": self.disclosure.threshold,  # the models keep RPBs from it up
            "reference_config_sha256": (
                sha256_file(self.reference_config) if self.reference_config else None
            ),
        }

    def results_parameters(self) -> dict[str, Any]:
        """The publishable settings the year's results and their disclosure decision rest on.

        The results stored by a run record these; a report refuses results computed with others.
        """
        settings = {k: v for k, v in self.computation().items() if k != "reference_config_sha256"}
        return {
            **settings,
            **{name: getattr(self.disclosure, name) for name in _DISCLOSURE},
            "languages": list(self.languages),
            "max_quarantined": self.max_quarantined,
            "accept_quarantine": self.accept_quarantine,
        }

    def publication(self) -> dict[str, Any]:
        """The publication's settings, which reports state and no result depends on.

        The publication date is given as the date in use (set or derived), ISO-formatted.
        """
        return {
            "published": self.publication_date().isoformat(),
            "status": self.status,
            "contact_email": self.contact_email,
            "contact_team": self.contact_team,
            "publisher": self.publisher,
            "revised": self.revised.isoformat() if self.revised else None,
        }

    def parameters(self) -> dict[str, Any]:
        """The publishable settings, as the notebooks' ``settings`` parameter.

        The results' settings (:meth:`results_parameters`) and the publication's
        (:meth:`publication`). No folder or file path is included: what is published names no
        build state.
        """
        return {**self.results_parameters(), **self.publication()}

    @classmethod
    def from_parameters(cls, settings: Mapping[str, Any]) -> RunConfig:
        """The configuration a notebook was given (:meth:`parameters`); ``{}`` = defaults."""
        return cls.from_settings(settings, "notebook settings")

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any], where: str) -> RunConfig:
        """A configuration from flat settings (a pipeline file's ``[settings]``, CLI options)."""
        fields = {f.name for f in dataclasses.fields(cls)}
        nested = {*_DISCLOSURE, "data", "processed", "reports", "build"}
        unknown = sorted(set(settings) - fields - nested)
        if unknown:
            raise ConfigError(f"{where}: unknown setting(s) {', '.join(unknown)}")
        values = dict(settings)
        disclosure = Disclosure(**{k: values.pop(k) for k in _DISCLOSURE if k in values})
        folders = Folders(
            **{
                k: Path(values.pop(k))
                for k in ("data", "processed", "reports", "build")
                if k in values
            }
        )
        for name in ("reference_config", "pipeline"):
            if values.get(name) is not None:
                values[name] = Path(values[name])
        for name in ("as_of", "published", "revised"):
            if isinstance(values.get(name), str):
                try:
                    values[name] = dt.date.fromisoformat(values[name])
                except ValueError:
                    raise ConfigError(
                        f"{where}: {name} is not a date (YYYY-MM-DD): {values[name]!r}"
                    ) from None
        for name in ("languages", "rpbs"):
            if name in values:
                values[name] = tuple(values[name])
        try:
            return cls(disclosure=disclosure, folders=folders, **values)
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"{where}: {exc}") from None

    @classmethod
    def from_sources(cls, pipeline_file: str | Path, given: Mapping[str, Any]) -> RunConfig:
        """Build the configuration once: the pipeline file's ``[settings]``, then ``given``.

        Parameters
        ----------
        pipeline_file : str or pathlib.Path
            The pipeline file; its ``[settings]`` table holds the project's defaults.
        given : mapping
            Settings given on the command line (None values are not given).

        Returns
        -------
        RunConfig
        """
        path = Path(pipeline_file)
        with path.open("rb") as handle:
            file_settings = tomllib.load(handle).get("settings", {})
        chosen = {**file_settings, **{k: v for k, v in given.items() if v is not None}}
        return cls.from_settings({**chosen, "pipeline": path}, f"{path} and the command line")

    def year_dir(self) -> Path:
        """The published folder of the run's year: ``<reports>/<year>/``."""
        return self.folders.reports / str(self.year)

    def build_dir(self) -> Path:
        """The build state of the run's year: ``<build>/<year>/`` (never published)."""
        return self.folders.build / str(self.year)


_DISCLOSURE = ("threshold", "shorthand", "protection", "rounding", "zeros")
"""The settings of :class:`Disclosure`, given flat (on the command line, in a settings table)."""


@cache
def _reference(path: Path | None) -> Reference:
    from nest_eval.reference.overrides import load_reference

    return load_reference(path)
