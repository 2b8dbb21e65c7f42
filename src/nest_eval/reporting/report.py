"""A report: what the national and RPB report notebooks show, section by section.

A :class:`Report` holds the year's results, the run's settings and the area shown; each method
returns one section as a :class:`~nest_eval.reporting.blocks.Block` (HTML for the page, text for
reviewers, and ``.frame``, the disclosure-controlled table it shows, for an academic partner to
continue from). The notebooks stay thin: a parameters cell, one call per section, narrative.

>>> from nest_eval.config import RunConfig
>>> report = Report.open({}, data_dir="data/raw")  # doctest: +SKIP
>>> report.at_a_glance().frame  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from nest_eval.config import RunConfig
from nest_eval.domains.year import YearResults, load_results
from nest_eval.reference.vocabulary import resolve_rpb
from nest_eval.reporting.blocks import Block
from nest_eval.reporting.context import Context
from nest_eval.reporting.sections import (
    about,
    access,
    breakdowns,
    comparisons,
    distance,
    evidence,
    experiences,
    front,
    implementation,
    outcomes,
    overview,
    partnership,
)

__all__ = ["Report"]


def _check_computed_with(results: YearResults, config: RunConfig) -> None:
    """Refuse results computed with other settings than the report states.

    The settings compared are those the results depend on (:meth:`RunConfig.computation`).
    """
    settings = config.results_parameters()
    computation = [k for k in config.computation() if k in settings]
    differ = [k for k in computation if results.parameters.get(k) != settings[k]]
    if differ:
        raise ValueError(
            "the results were computed with other settings than this report's: "
            + ", ".join(f"{k} {results.parameters.get(k)!r} not {settings[k]!r}" for k in differ)
        )


class Report:
    """The sections of one report: national (``rpb`` None) or for one RPB.

    Parameters
    ----------
    results : YearResults
        The year's results.
    config : RunConfig
        The run's settings.
    rpb : str, optional
        The RPB of a regional report (any spelling of its name).
    figures_dir : str or pathlib.Path, optional
        Where to save figures (PNG, SVG, alt text); None shows them only.
    lang : str
        The report's language, ``"en"`` or ``"cy"``.
    """

    def __init__(
        self,
        results: YearResults,
        config: RunConfig,
        rpb: str | None = None,
        figures_dir: str | Path | None = None,
        lang: str = "en",
    ) -> None:
        _check_computed_with(results, config)
        scope = resolve_rpb(rpb) if rpb else None
        self.context = Context(results, config, scope, figures_dir, lang)

    @classmethod
    def open(
        cls,
        settings: Mapping[str, Any],
        data_dir: str | Path,
        rpb: str | None = None,
        figures_dir: str | Path | None = None,
        lang: str = "en",
    ) -> Report:
        """The report of a notebook, from its parameters.

        Its ``settings`` parameter gives the run configuration; the year's results are those
        the pipeline stored, or are computed from ``data_dir``; ``lang`` is its language.
        """
        config = RunConfig.from_parameters(settings)
        return cls(load_results(config, data_dir), config, rpb, figures_dir, lang)

    @property
    def results(self) -> YearResults:
        """The year's unsuppressed results (for analysis; publish only what sections show)."""
        return self.context.results

    def title(self) -> Block:
        """The report's ``h1`` naming the area and year, and what a reader must know first.

        The SYNTHETIC DATA banner on the demo data, the notice that the Welsh awaits review
        (Welsh reports), the period, census date and baseline, how small counts are shown,
        and what the year's data leaves out.
        """
        return overview.title(self.context)

    def title_text(self) -> str:
        """The report's title as plain text, e.g. ``Gwent: NYTH/NEST evaluation 2025``."""
        return front.title_text(self.context)

    def front_matter(self) -> Block:
        """Main points from the data, then about these statistics.

        Period covered, publication date, statistics status, contact, licence, how to cite and
        the revisions note.
        """
        return front.front_matter(self.context)

    def main_points(self) -> Block:
        """The clearest changes in the area, in plain words with their 95% intervals."""
        return front.main_points(self.context)

    def banners(self) -> Block | None:
        """What a page without the title must say first; None when there is nothing to say.

        The SYNTHETIC DATA banner on the demo data, the notice that the Welsh awaits review
        (Welsh reports) and what the year's data leaves out (for the analysis notebooks).
        """
        return overview.banners(self.context)

    def left_out(self) -> Block | None:
        """What the year's data leaves out of the report, and why; None when nothing is."""
        return overview.left_out(self.context)

    def at_a_glance(self) -> Block:
        """How many indicators improved, worsened or moved unclearly, by domain."""
        return overview.at_a_glance(self.context)

    def nest_profile(self) -> Block:
        """Journey ratings per element against the Wales mean, with the figure."""
        return implementation.nest_profile(self.context)

    def distance(self, domain: str) -> Block:
        """Distance travelled in one domain, with its chart."""
        return distance.distance(self.context, domain)

    def change_by_rpb(self, domain: str) -> Block:
        """Every RPB's distance travelled in one domain."""
        return distance.change_by_rpb(self.context, domain)

    def implementation_changes(self) -> Block:
        """Each RPB's change in journey ratings."""
        return implementation.changes(self.context)

    def voices(self) -> Block:
        """Share of ratings informed by children's and families' voices."""
        return implementation.voices(self.context)

    def foundations(self) -> Block:
        """Journey ratings of the NEST foundations: each RPB's and the Wales mean."""
        return implementation.foundations(self.context)

    def outcomes(self) -> Block:
        """Change and reliable change per measure, and the case-mix-adjusted change."""
        return outcomes.outcomes(self.context)

    def paired_data(self) -> Block:
        """The paired data rate per RPB (children with a follow-up), with its funnel plot."""
        return outcomes.paired_data(self.context)

    def outcomes_by_rpb(self) -> Block:
        """Outcomes for every RPB, measure and respondent."""
        return outcomes.outcomes_by_rpb(self.context)

    def change_per_year(self) -> Block:
        """The mixed models' change per year of follow-up, per RPB (for analysts)."""
        return outcomes.change_per_year(self.context)

    def models(self) -> Block:
        """The mixed models fitted, singular fits flagged."""
        return outcomes.models(self.context)

    def experiences(self) -> Block:
        """Share agreeing per experience item, and the NEST index by respondent."""
        return experiences.experiences(self.context)

    def access(self) -> Block:
        """Access indicators: timeliness, waits, redirections, still waiting."""
        return access.access(self.context)

    def breakdowns(self, domain: str) -> Block:
        """A domain's indicators by age band, sex, deprivation, language, route or service."""
        return breakdowns.breakdowns(self.context, domain)

    def enablers(self) -> Block:
        """Partnership enablers, co-production maturity and, nationally, training."""
        return partnership.enablers(self.context)

    def enablers_change(self) -> Block:
        """Enablers in the baseline year beside this year's."""
        return partnership.enablers_change(self.context)

    def funnels(self) -> Block:
        """Funnel plots of every proportion compared across RPBs."""
        return comparisons.funnels(self.context)

    def evidence(self) -> Block:
        """The RPB's own evidence, or a national overview of it."""
        return implementation.evidence(self.context)

    def quality(self) -> Block:
        """Data coverage and quality."""
        return about.quality(self.context)

    def recommendations(self) -> Block:
        """The evidence mapped to the recommendations and asks."""
        return evidence.recommendations(self.context)

    def methods(self) -> Block:
        """Methods: figures used, definitions, models, the recommendations' status, disclosure."""
        return about.methods(self.context)

    def reproducibility(self) -> Block:
        """Code version, run identifier and settings."""
        return about.reproducibility(self.context, self.context.results.run_id)
