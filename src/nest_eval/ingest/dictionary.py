"""The data dictionary: the contract, its vocabularies, the measures' score ranges and the rules.

Generated as Markdown from the reference data, never edited by hand:
``nest-eval data-dictionary --out docs/data-dictionary.md`` (a test checks the committed file is
current).
"""

from __future__ import annotations

from nest_eval.ingest.validation import RULES
from nest_eval.reference.codings import VOCABULARIES, Vocabularies
from nest_eval.reference.contract import (
    CONTRACT_VERSION,
    DATASETS,
    EXPERIENCE_ITEMS,
    Column,
    Dataset,
)
from nest_eval.reference.measures import CATALOGUE, RAW_INPUT_CODES
from nest_eval.reference.messages import label
from nest_eval.reference.reading import DEFAULT_READING, Reading

__all__ = ["data_dictionary_markdown"]

_INTRODUCTION = (
    "A raw-data folder holds CSV (UTF-8, comma-separated, with or without a byte-order mark) "
    "or workbook (`.xlsx`, `.xls`, `.ods`) files. A file belongs to a dataset when its name "
    "starts with the dataset's name (`outcomes_2025_gwent.xlsx` is `outcomes`). Column names match "
    "case-insensitively, treating spaces, hyphens and underscores alike. Extra columns are "
    "kept and passed through. RPB values resolve through the alias table (health boards, "
    "local authorities, abbreviations); categorical columns accept the codings of their "
    "vocabulary (below); blank = unknown. Numbers, dates and missing values are read as "
    "described under *How values are read*, never guessed. Identifiers are pseudonymous: a "
    "value that looks like a real NHS number (ten digits with a valid modulus-11 check digit, "
    'however written: spaced, dotted, dashed, after an "NHS" prefix or in scientific notation) '
    "is refused in every column: in a column of the contract its row is quarantined (rule "
    "`nhs_number`); an extra column holding one is dropped and reported. Free text (`text` and "
    "`comment` columns) and extra columns are screened: email addresses, NHS numbers, UK phone "
    "numbers and UK postcodes are replaced by a marker such as `[redacted: email]` and counted "
    "by column and kind; the row is kept."
)


def _column_row(col: Column) -> str:
    rule = col.description
    if col.name in EXPERIENCE_ITEMS:
        rule = f'"{label(f"experience_statement.{col.name}")}" {rule}'
    if col.vocabulary:
        rule += f" A value of the `{col.vocabulary}` vocabulary."
    if col.default:
        rule += f" Default `{col.default}`."
    required = "**yes**" if col.required else ""
    return f"| `{col.name}` | {required} | {col.kind} | {rule} |"


def _dataset_notes(dataset: Dataset) -> list[str]:
    notes = []
    if dataset.key:
        when = (
            f" (rows with `{dataset.key_when[0]}` = `{dataset.key_when[1]}`)"
            if dataset.key_when
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
    return ["", *notes] if notes else []


def _datasets() -> list[str]:
    lines: list[str] = []
    for dataset in DATASETS:
        lines += [f"## `{dataset.name}`", "", dataset.description, ""]
        lines += ["| column | required | kind | rule / meaning |", "|---|---|---|---|"]
        lines += [_column_row(col) for col in dataset.columns]
        lines += [*_dataset_notes(dataset), ""]
    return lines


def _vocabularies(vocabularies: Vocabularies) -> list[str]:
    lines = [
        "## Vocabularies",
        "",
        "The canonical values of each categorical column, and the codings accepted for each "
        "(matched ignoring case, and treating spaces, hyphens, slashes and underscores alike). "
        "An evaluator adds codings in the overrides file given to `validate`, `ingest` and "
        "`run` (`--reference-config`), one line each, the value as sent to its canonical value: "
        '`[codings.sex]` `"1" = "male"`. Every coding applied is counted in the accounting.',
        "",
        "| vocabulary | value | label | also accepted |",
        "|---|---|---|---|",
    ]
    for name, vocab in vocabularies.items():
        for value in vocab.values:
            accepted = ", ".join(f"`{c}`" for c in vocab.codings_of(value)) or "–"
            shown = label(f"{name}.{value}")
            lines.append(f"| `{name}` | `{value}` | {shown} | {accepted} |")
    return [*lines, ""]


def _measures() -> list[str]:
    lines = [
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
            f"| `{m.key}` | {m.label('en')} | {m.score_min:g}–{m.score_max:g} | "
            f"{'yes' if m.integer_scores else 'no'} | "
            f"{'better' if m.higher_is_better else 'worse'} |"
        )
    for code, spec in RAW_INPUT_CODES.items():
        lines.append(
            f"| `{code}` | {spec.measure} raw total, converted on input (raw value kept in "
            f"`score_raw`) | {spec.raw_min}–{spec.raw_max} | yes | better |"
        )
    return [*lines, ""]


def _reading(reading: Reading) -> list[str]:
    default, window = reading.default, reading.window
    missing = ", ".join(f"`{m}`" for m in default.missing)
    return [
        "## How values are read",
        "",
        "Each file is read in its *locale*: the defaults below, or what the evaluator declares "
        "for every file, the files of a dataset or one file. What was read how is counted in "
        "the accounting (`accounting.json`, and the run's `manifest.json`) and listed by "
        "`nest-eval validate`: every coding applied, every cell read as missing, every number "
        "read with separators, and the order each file's dates are read in.",
        "",
        f"- **Missing values.** Cells written exactly {missing} (as R and SPSS write a missing "
        "value) are read as missing, like a blank cell. Welsh `na` and `Na` are *no*.",
        f"- **Numbers.** The decimal mark is `{default.decimal}`. A comma used as a decimal mark "
        "(`1,5`) is quarantined (`decimal_comma`), never read as 15. A value that could be "
        "grouped in thousands or use a decimal comma (`1,234`) is quarantined "
        "(`ambiguous_separator`); one that can only be grouped (`1,234,567`, `1,234.5`, "
        "`£1,250,000`) is read. A leading `£` is allowed.",
        "- **Rates** (`workforce_vacancy_rate`) are proportions 0–1, or percentages (above 1 "
        "and up to 100, or written with `%`) read as such and flagged. A rate of exactly `1` "
        "could be 100% or 1%: it is quarantined (`ambiguous_rate`); write `100%` or `1%`.",
        "- **Dates** are `YYYY-MM-DD` (Excel date cells read so), or written with slashes in "
        "one order per file, never row by row. A date whose first number is above 12 "
        "(`25/03/2024`) can only be day-first, one whose second is above 12 (`03/25/2024`) "
        "only month-first. A file whose dates show one order is read in it; a file whose "
        "dates could all be either is read day-first (`DD/MM/YYYY`, the UK convention), and "
        "reported; a file with dates of both orders is read day-first and its month-first "
        "dates, and those that could be either, are quarantined (`mixed_date_order`, "
        "`ambiguous_date`) until its order is declared. In a file of declared order, a date "
        "that can only be of the other order is quarantined (`mixed_date_order`).",
        f"- **Plausible dates** are {window.earliest.isoformat()} to "
        f"{window.latest.isoformat()}; a date outside them is quarantined "
        "(`implausible_date`). The evaluator may narrow the window, not widen it.",
        "",
        "Declarations go in the overrides file given to `validate`, `ingest` and `run` "
        "(`--reference-config FILE`):",
        "",
        "```toml",
        "[locale]                            # every file",
        'missing = ["NA", "N/A", "-"]',
        "",
        "[locale.datasets.partnership]       # the files of one dataset",
        'decimal = ","',
        'thousands = "."                     # none by default; ",", ".", " " or an apostrophe',
        "",
        '[locale.files."access_gwent.csv"]   # one file (or "book.xlsx[Sheet1]")',
        'dates = "month-first"               # "detect", "day-first" or "month-first"',
        "",
        "[dates]",
        "earliest = 2015-04-01",
        "```",
        "",
    ]


def _rules() -> list[str]:
    return [
        "## Rules a row can break",
        "",
        "A row that breaks a rule is quarantined with its file, row number (the header is "
        "row 1; in a CSV file, the line on which the row starts), column, value as given and "
        "rule; it is never dropped or coerced.",
        "",
        "| rule | meaning |",
        "|---|---|",
        *(f"| `{rule}` | {meaning} |" for rule, meaning in RULES.items()),
        "",
    ]


def data_dictionary_markdown(vocabularies: Vocabularies = VOCABULARIES) -> str:
    """The data dictionary of the contract, as Markdown (``docs/data-dictionary.md``)."""
    lines = [
        f"# Data dictionary (data contract version {CONTRACT_VERSION})",
        "",
        "Generated from the reference data (`src/nest_eval/reference/data/`) by "
        "`nest-eval data-dictionary`; do not edit by hand.",
        "",
        _INTRODUCTION,
        "",
    ]
    lines += _datasets() + _vocabularies(vocabularies) + _reading(DEFAULT_READING)
    lines += _measures() + _rules()
    return "\n".join(lines)
