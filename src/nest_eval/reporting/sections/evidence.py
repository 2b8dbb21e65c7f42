"""The year's evidence mapped to the Legacy Report's recommendations and the Commissioner's asks."""

from __future__ import annotations

import pandas as pd

from nest_eval.reference.vocabulary import COMMISSIONER_ASKS, RECOMMENDATIONS
from nest_eval.reporting.blocks import Block, Col, html_table
from nest_eval.reporting.context import Context

__all__ = ["domain_evidence", "recommendation_status", "recommendations"]


# The evidence states what there is, never how many: a count in text would be a published number
# outside the disclosure decision.


def _implementation(ctx: Context) -> str:
    ratings = ctx.results.journey_ratings
    rated = ratings[(ratings["year"] == ctx.year) & ratings["rating"].notna()]
    if ctx.rpb is not None:
        rated = rated[rated["rpb"] == ctx.rpb]
    return "journey ratings" if len(rated) else ""


def _outcomes(ctx: Context) -> str:
    oc = ctx.results.outcomes_change
    if oc.empty:
        return ""
    part = oc[(oc["rpb"] == ctx.scope) & (oc["n_pairs"] > 0)]
    return "paired assessments on outcome measures" if len(part) else ""


def _experiences(ctx: Context) -> str:
    table = ctx.results.agreement
    if table.empty:
        return ""
    part = table[(table["rpb"] == ctx.scope) & (table["respondent_type"] == "all")]
    return "survey responses" if (part["n"] > 0).any() else ""


def _access(ctx: Context) -> str:
    table = ctx.results.access
    if table.empty:
        return ""
    part = table[(table["rpb"] == ctx.scope) & (table["indicator"] == "share_redirected")]
    return "requests for help" if len(part) and part["n"].iloc[0] > 0 else ""


def _partnership(ctx: Context) -> str:
    table = ctx.results.enablers
    part = table[table["rpb"] == ctx.scope] if not table.empty else table
    return "partnership return" if len(part) and bool(part["returned"].iloc[0]) else ""


def _training(ctx: Context) -> str:
    table = ctx.results.training
    if table.empty:
        return ""
    enrolled = table.set_index("indicator")["value"].get("enrolled", 0)
    return "training records (national)" if enrolled else ""


_EVIDENCE = {
    "implementation": _implementation,
    "outcomes": _outcomes,
    "experiences": _experiences,
    "access": _access,
    "partnership": _partnership,
    "training": _training,
}


def domain_evidence(ctx: Context) -> dict[str, str]:
    """For each evidence domain with data this year, a short note of that evidence."""
    found = {domain: note(ctx) for domain, note in _EVIDENCE.items()}
    return {domain: note for domain, note in found.items() if note}


def recommendation_status(ctx: Context) -> pd.DataFrame:
    """Map this year's evidence to the recommendations it answers.

    A recommendation's status is *evidence this year* when every domain whose evidence
    answers it has data this year (for the RPB, or for Wales), *partial* when some do, and
    *no data* when none do or when the workbench collects no evidence for it.

    Returns
    -------
    pandas.DataFrame
        ``key``, ``source``, ``recommendation``, ``domains``, ``status``, ``evidence``.
    """
    found = domain_evidence(ctx)
    rows = []
    for rec in (*RECOMMENDATIONS, *COMMISSIONER_ASKS):
        have = [d for d in rec.domains if d in found]
        if rec.domains and len(have) == len(rec.domains):
            status = "evidence this year"
        elif have:
            status = "partial"
        else:
            status = "no data"
        rows.append(
            {
                "key": rec.key,
                "source": rec.document(ctx.lang),
                "recommendation": rec.text(ctx.lang),
                "domains": ", ".join(rec.domains) or "not collected by the workbench",
                "status": status,
                "evidence": "; ".join(f"{d}: {found[d]}" for d in have) or "–",
            }
        )
    return pd.DataFrame(rows)


def recommendations(ctx: Context) -> Block:
    """The evidence mapped to Legacy Report recommendations A–L and the Commissioner's asks."""
    return html_table(
        recommendation_status(ctx),
        (
            Col("key", "Ref.", "text"),
            Col("recommendation", "Recommendation", "text"),
            Col("domains", "Evidence domains", "text"),
            Col("status", "Status", "text"),
            Col("evidence", "This year's evidence", "text"),
        ),
        caption=f"Evidence against the recommendations: {ctx.scope}, {ctx.year}",
        lang=ctx.lang,
    )
