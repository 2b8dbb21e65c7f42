"""The data dictionary: the contract, the measures' score ranges and the rules, as Markdown.

Generated, never edited by hand: ``nest-eval data-dictionary --out docs/data-dictionary.md``.
"""

from __future__ import annotations

from nest_eval.ingest.validation import RULES
from nest_eval.reference.contract import CONTRACT_VERSION, DATASETS
from nest_eval.reference.measures import CATALOGUE, RAW_INPUT_CODES

__all__ = ["data_dictionary_markdown"]


def data_dictionary_markdown() -> str:
    """The data dictionary of the contract, as Markdown (``docs/data-dictionary.md``)."""
    lines = [
        f"# Data dictionary (data contract version {CONTRACT_VERSION})",
        "",
        "Generated from `src/nest_eval/contract.py` by `nest-eval data-dictionary`; "
        "do not edit by hand.",
        "",
        "A raw-data folder holds CSV (UTF-8, comma-separated, with or without a byte-order mark) "
        "or Excel `.xlsx` files. A file belongs to a dataset when its name starts with the "
        "dataset's name (`outcomes_2025_gwent.xlsx` is `outcomes`). Column names match "
        "case-insensitively, treating spaces, hyphens and underscores alike. Extra columns are "
        "kept and passed through. RPB values resolve through the alias table "
        "(health boards, local authorities, abbreviations); dates are `YYYY-MM-DD` or "
        "`DD/MM/YYYY`; yes/no fields accept yes/no, y/n, true/false, 1/0, ie/na, blank = "
        "unknown. Identifiers are pseudonymous: a value that looks like a real NHS number is "
        "refused.",
        "",
    ]
    for dataset in DATASETS:
        lines += [f"## `{dataset.name}`", "", dataset.description, ""]
        lines += ["| column | required | kind | rule / meaning |", "|---|---|---|---|"]
        for col in dataset.columns:
            rule = col.description
            if col.choices:
                rule += f" Allowed: {', '.join(f'`{c}`' for c in col.choices)}."
            if col.default:
                rule += f" Default `{col.default}`."
            required = "**yes**" if col.required else ""
            lines.append(f"| `{col.name}` | {required} | {col.kind} | {rule} |")
        notes = []
        if dataset.key:
            when = (
                f" (rows with `{dataset.key_when[0]}` = `{dataset.key_when[1]}`)"
                if (dataset.key_when)
                else ""
            )
            notes.append(
                f"Rows are identified by ({', '.join(dataset.key)}){when}: two rows with the same "
                "identity and different values are a conflicting duplicate and both are "
                "quarantined; exact duplicates are collapsed and counted."
            )
        if dataset.at_least_one_of:
            notes.append(
                "Each row must answer at least one of: "
                + ", ".join(f"`{c}`" for c in dataset.at_least_one_of)
                + "."
            )
        if notes:
            lines += ["", *notes]
        lines.append("")
    lines += [
        "## Outcome measures and their score ranges",
        "",
        "The `measure` column takes a catalogue key, English label or Welsh label. Scores "
        "outside the measure's range are quarantined.",
        "",
        "| key | measure | score range | whole numbers | higher is |",
        "|---|---|---|---|---|",
    ]
    for m in CATALOGUE:
        lines.append(
            f"| `{m.key}` | {m.label_en} | {m.score_min:g}–{m.score_max:g} | "
            f"{'yes' if m.integer_scores else 'no'} | "
            f"{'better' if m.higher_is_better else 'worse'} |"
        )
    for code, spec in RAW_INPUT_CODES.items():
        lines.append(
            f"| `{code}` | {spec.measure} raw total, converted on input (raw value kept in "
            f"`score_raw`) | {spec.raw_min}–{spec.raw_max} | yes | better |"
        )
    lines += [
        "",
        "## Rules a row can break",
        "",
        "A row that breaks a rule is quarantined with its file, row number (the header is "
        "row 1), column, value as given and rule; it is never dropped or coerced.",
        "",
        "| rule | meaning |",
        "|---|---|",
        *(f"| `{rule}` | {meaning} |" for rule, meaning in RULES.items()),
        "",
    ]
    return "\n".join(lines)
