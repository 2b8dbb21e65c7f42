"""Report figures: data-only specifications, and a renderer that draws them.

Each figure family has a specification module, built by pure functions that never import
matplotlib (an import-linter contract checks it), and a drawing module:

- NEST profile: :mod:`.profile`, drawn by :mod:`.draw_profile`;
- distance travelled: :mod:`.distance`, drawn by :mod:`.draw_distance`;
- outcome categories: :mod:`.categories`, drawn by :mod:`.draw_categories`;
- funnel plot: :mod:`.funnel`, drawn by :mod:`.draw_funnel`;
- experience items: :mod:`.experiences`, drawn by :mod:`.draw_experiences`.

A specification holds the decisions of a figure: which rows are drawn, which values are
withheld (``"c"``), which are shares, and every text (title, axis labels, legend entries,
notes, alt text, caption and file name). :mod:`.spec` holds what the families share.
:mod:`.render` holds the style, the frame of a report figure, :class:`.render.ReportFigure`
and the deterministic saving (:func:`.render.render`, :func:`.render.save_figure`,
:func:`.render.figure_html`); the ``draw_*`` modules lay out and draw one family each.
:mod:`nest_eval.reporting.plotting` composes the two for the rest of the package.

This package module imports nothing, so importing a specification module never loads
matplotlib.
"""

__all__: list[str] = []
