"""What every report section needs: the year's results, the run's settings, the area shown."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from nest_eval.config import RunConfig
from nest_eval.domains.year import YearResults
from nest_eval.reference.vocabulary import WALES, rpb_slug
from nest_eval.reporting.format import format_date
from nest_eval.reporting.tables import ControlledTables, controlled_for

__all__ = ["Context"]


@dataclass
class Context:
    """A report being written: national (``rpb`` None) or for one RPB.

    Attributes
    ----------
    results : YearResults
        The year's unsuppressed results.
    config : RunConfig
        The run's settings (disclosure threshold and shorthand, years, languages).
    rpb : str or None
        The RPB of a regional report (canonical name); None for the national report.
    figures_dir : str, pathlib.Path or None
        Where figures are saved as PNG, SVG and alt text; None shows them only.
    lang : str
        Language of the report.
    """

    results: YearResults
    config: RunConfig
    rpb: str | None = None
    figures_dir: str | Path | None = None
    lang: str = "en"

    @cached_property
    def tables(self) -> ControlledTables:
        """The year's tables under disclosure control (computed once per report)."""
        return controlled_for(self.results, self.config)

    @property
    def scope(self) -> str:
        """The area shown: the RPB, or Wales."""
        return self.rpb or WALES

    @property
    def slug(self) -> str:
        """The area's file-name slug (for figure names)."""
        return rpb_slug(self.scope)

    @property
    def year(self) -> int:
        """The reporting year."""
        return self.results.year

    @property
    def census_date(self) -> str:
        """The date every "at a date" figure is taken at, in the report's language.

        E.g. ``31 December 2025``, ``31 Rhagfyr 2025`` (:func:`.format.format_date`).
        """
        return format_date(self.results.census_date, self.lang)

    @property
    def threshold(self) -> int:
        """The disclosure-control threshold."""
        return self.config.disclosure.threshold

    @property
    def shorthand(self) -> str:
        """How a suppressed cell is written."""
        return self.config.disclosure.shorthand
