"""Tests of the synthetic demo data: reproducibility, published figures, truth and planted rows."""

from __future__ import annotations

import json
import math
import re
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from nest_eval import cli
from nest_eval.demo import generator as demo
from nest_eval.demo.categories import DemoModelError, category
from nest_eval.demo.model import model_text, read_model
from nest_eval.ingest.datasets import ingest
from nest_eval.reference import contract
from nest_eval.reference.vocabulary import RPB_NAMES, UnknownNameError, resolve_element, resolve_rpb

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"
FILES = [f"{name}.csv" for name in contract.DATASET_NAMES] + ["truth.json"]
ITEMS = list(contract.EXPERIENCE_ITEMS)
DATE_COLUMN = {"outcomes": "date", "experiences": "date", "access": "received_date"}
ID_PATTERNS = {
    ("outcomes", "person_id"): r"P[0-9a-f]{7}",
    ("experiences", "response_id"): r"R[0-9a-f]{8}",
    ("access", "request_id"): r"A[0-9a-f]{8}",
    ("training", "learner_id"): r"L[0-9a-f]{6}",
}


def _read(name: str) -> pd.DataFrame:
    return pd.read_csv(RAW / f"{name}.csv", dtype=str, keep_default_na=False)


def _dates(values: pd.Series) -> pd.Series:
    """ISO or UK day-first dates (each parsed with its own explicit format)."""
    iso = pd.to_datetime(values.where(values.str.contains("-")), format="%Y-%m-%d", errors="coerce")
    uk = pd.to_datetime(values.where(values.str.contains("/")), format="%d/%m/%Y", errors="coerce")
    return iso.fillna(uk)


@pytest.fixture(scope="module")
def truth() -> dict:
    return json.loads((RAW / "truth.json").read_text(encoding="utf-8"))


def _clean(name: str, truth: dict) -> pd.DataFrame:
    """A committed dataset without the rows listed as planted problems (header = row 1)."""
    frame = _read(name)
    planted = [p["row"] - 2 for p in truth["planted_problems"] if p["dataset"] == name]
    return frame.drop(index=planted)


def test_regenerating_with_default_seed_reproduces_committed_files(tmp_path):
    paths = demo.write_demo_data(tmp_path / "new", seed=demo.DEFAULT_SEED)
    assert [p.name for p in paths] == FILES
    for path in paths:
        committed = (RAW / path.name).read_bytes()
        assert path.read_bytes() == committed, path.name
        assert not committed.startswith(b"\xef\xbb\xbf")
        assert b"\r" not in committed
        assert committed.endswith(b"\n")


def test_csv_headers_follow_the_contract():
    for dataset in contract.DATASETS:
        header = (RAW / f"{dataset.name}.csv").read_text(encoding="utf-8").split("\n", 1)[0]
        assert header.split(",") == [c.name for c in dataset.columns]


def test_different_seed_gives_different_outcomes(tmp_path):
    paths = demo.write_demo_data(tmp_path, seed=demo.DEFAULT_SEED + 1)
    outcomes = next(p for p in paths if p.name == "outcomes.csv")
    assert outcomes.read_bytes() != (RAW / "outcomes.csv").read_bytes()
    assert json.loads(paths[-1].read_text(encoding="utf-8"))["seed"] == demo.DEFAULT_SEED + 1


def test_in_memory_data_is_what_is_written(truth):
    data = demo.generate_demo_data()
    assert data.truth == truth
    for name, frame in data.frames.items():
        pd.testing.assert_frame_equal(
            frame.reset_index(drop=True), _read(name), check_dtype=False, obj=name
        )


def test_unknown_scale_is_refused():
    with pytest.raises(ValueError, match="unknown scale"):
        demo.generate_demo_data(scale="europe")


def _region_ratings(truth: dict) -> pd.DataFrame:
    frame = _clean("self_assessment", truth)
    frame = frame[frame["level"].replace("", "region").eq("region")].copy()
    frame["rpb"] = frame["rpb"].map(resolve_rpb)
    frame["element"] = frame["element"].map(resolve_element)
    frame["year"] = frame["year"].astype(int)
    frame["rating"] = pd.to_numeric(frame["rating"].replace("", np.nan))
    return frame[frame["element"].isin(list(demo.PUBLISHED_2024_MEANS))]  # the core elements


def test_2024_journey_ratings_reproduce_published_means(truth):
    frame = _region_ratings(truth)
    year = frame[frame["year"].eq(2024)]
    assert not year.duplicated(["rpb", "element"]).any()
    assert len(year) == 7 * 6
    for element, published in demo.PUBLISHED_2024_MEANS.items():
        rows = year[year["element"].eq(element)]
        rated = rows["rating"].dropna()
        assert set(rows["rpb"]) == set(RPB_NAMES)
        assert round(rated.mean(), 1) == published, element
        assert rated.mod(1).eq(0).all()  # whole-number ratings in 2024
        assert len(rated) == (6 if element == "safe_supportive_communities" else 7)
    assert truth["self_assessment"]["published_2024_means"] == dict(demo.PUBLISHED_2024_MEANS)


def test_2025_journey_ratings_move_as_documented(truth):
    frame = _region_ratings(truth)
    wide = frame.pivot_table(index=["rpb", "element"], columns="year", values="rating")
    change = (wide[2025] - wide[2024]).dropna()
    assert (change < 0).sum() == 1
    assert change.idxmin() == ("Gwent", "wellbeing_across_education")
    assert (change > 0).sum() >= 7
    assert (wide[2025].mod(1) == 0.5).sum() == 1
    expected = truth["self_assessment"]["national_means_after_quarantine"]
    for (year, element), rated in frame.groupby(["year", "element"])["rating"]:
        cell = expected[str(year)][element]
        assert rated.mean() == pytest.approx(cell["mean"], abs=1e-6)
        assert rated.count() == cell["n_rpbs"]
    projects = _clean("self_assessment", truth).query("level == 'project'")
    assert projects["project"].str.fullmatch(r"RIF project \d+").all()
    per_cycle = projects.groupby([projects["rpb"].map(resolve_rpb), "year"])["project"].nunique()
    assert per_cycle.between(2, 4).all() and len(per_cycle) == 14


def test_2024_training_reproduces_published_figures(truth):
    frame = _clean("training", truth)
    enrolled = _dates(frame["enrolled_date"])
    assert enrolled.notna().all()
    cohort = frame[enrolled.between("2024-02-01", "2024-10-31")]
    assert len(cohort) == 147
    completed = _dates(cohort["completed_date"])
    assert completed.notna().sum() == 70
    assert (completed.dropna() <= pd.Timestamp("2024-10-31")).all()
    ratings = pd.to_numeric(cohort["rating"].replace("", np.nan)).dropna()
    assert len(ratings) == 61
    assert round(100 * (ratings >= 4).mean()) == 92
    assert completed[ratings.index].notna().all()  # only completers rate
    shares = cohort["organisation_type"].value_counts(normalize=True).mul(100).round()
    assert shares.to_dict() == {
        "nhs": 60,
        "local_authority": 20,
        "private_other": 17,
        "third_sector": 3,
    }
    later = frame[enrolled > pd.Timestamp("2024-10-31")]
    assert len(later) > 147


@pytest.mark.parametrize("name", contract.DATASET_NAMES)
def test_every_rpb_and_both_years_present(name, truth):
    frame = _clean(name, truth)
    if "rpb" in frame:
        assert set(frame["rpb"].map(resolve_rpb)) == set(RPB_NAMES)
    if "year" in frame:
        years = frame["year"].astype(int)
    else:
        years = _dates(frame[DATE_COLUMN.get(name, "enrolled_date")]).dt.year
    assert set(years) == {2024, 2025}


def test_rpbs_are_spelled_messily_in_outcomes(truth):
    rpb = _clean("outcomes", truth)["rpb"]
    canonical = rpb.isin(RPB_NAMES).mean()
    assert 0.7 < canonical < 0.9
    assert rpb[~rpb.isin(RPB_NAMES)].nunique() > 20


def _check_planted(problem: dict, frame: pd.DataFrame) -> None:
    record = frame.iloc[problem["row"] - 2]
    if problem["column"]:
        assert record[problem["column"]] == problem["value"]
    rule = problem["rule"]
    if rule == "unknown_rpb":
        with pytest.raises(UnknownNameError):
            resolve_rpb(record["rpb"])
    elif rule == "bad_date":
        assert _dates(pd.Series([problem["value"]])).isna().all()
    elif rule == "out_of_range":
        value = float(problem["value"])
        if problem["dataset"] == "training":
            assert not 1 <= value <= 5
        else:
            model = next(m for m in demo.OUTCOME_MODELS if m.key == record["measure"])
            assert not model.low <= value <= model.high
    elif rule == "missing_required":
        assert record[problem["column"]] == ""
    elif rule == "date_order":
        received, first = _dates(pd.Series([record["received_date"], record["first_support_date"]]))
        assert first < received
    elif rule == "no_item_answered":
        assert (record[ITEMS] == "").all()
    elif rule == "conflicting_duplicate":
        other = frame.iloc[problem["related_row"] - 2]
        for row in (record, other):
            assert resolve_rpb(row["rpb"]) == resolve_rpb(record["rpb"])
            assert resolve_element(row["element"]) == resolve_element(record["element"])
            assert row["level"] == "region" and row["year"] == "2025"
        assert record["rating"] != other["rating"]
    elif rule == "exact_duplicate":
        assert record.equals(frame.iloc[problem["related_row"] - 2])
    else:
        raise AssertionError(f"unexpected rule {rule}")


def test_planted_problems_exist_at_the_rows_named(truth):
    problems = truth["planted_problems"]
    assert 6 <= sum(p["expected"] == "quarantined" for p in problems) <= 10
    assert sum(p["rule"] == "exact_duplicate" for p in problems) == 1
    assert len({p["dataset"] for p in problems}) >= 5
    frames = {name: _read(name) for name in contract.DATASET_NAMES}
    for problem in problems:
        assert problem["file"] == f"{problem['dataset']}.csv"
        _check_planted(problem, frames[problem["dataset"]])
    for name, frame in frames.items():
        accounting = truth["accounting"][name]
        assert accounting["rows_read"] == len(frame)
        duplicates = frame.duplicated().sum()
        assert duplicates == accounting["expected_duplicates_collapsed"], name


def test_no_identifier_is_a_ten_digit_number():
    for (name, column), pattern in ID_PATTERNS.items():
        ids = _read(name)[column]
        assert not ids.str.fullmatch(r"\d{10}").any()
        assert ids.str.fullmatch(pattern).all(), (name, column)
    for name, column in (("experiences", "response_id"), ("access", "request_id")):
        assert _read(name)[column].is_unique


def test_outcome_rows_follow_the_design(truth):
    frame = _clean("outcomes", truth).drop_duplicates()
    assert 3_500 < len(frame) < 4_500
    score = pd.to_numeric(frame["score"])
    for model in demo.OUTCOME_MODELS:
        rows = frame["measure"].eq(model.key)
        assert score[rows].between(model.low, model.high).all(), model.key
        assert frame.loc[rows, "respondent"].eq(model.respondent).all()
    raw = frame["measure"].eq("SWEMWBS_RAW")
    assert score[raw].between(7, 35).all() and score[raw].mod(1).eq(0).all()
    assert 0.02 < raw.sum() / frame["measure"].str.startswith("SWEMWBS").sum() < 0.1
    assert sum(v for c in truth["outcomes"]["clipped"].values() for v in c.values()) == 0
    visits = frame.assign(d=_dates(frame["date"])).groupby("person_id")["d"].nunique()
    assert visits.between(1, 4).all()
    assert 0.08 < (visits == 1).mean() < 0.16
    assert 1_300 < len(visits) < 1_500
    uk = frame["date"].str.contains("/").mean()
    assert 0.05 < uk < 0.15


def test_observed_change_agrees_with_truth(truth):
    """First-to-last change per measure (Wales, both cohorts) is within 4.5 SE of the truth."""
    frame = _clean("outcomes", truth).drop_duplicates()
    frame = frame[frame["measure"].ne("SWEMWBS_RAW")]  # raw-total children: about 5% of SWEMWBS
    frame = frame.assign(d=_dates(frame["date"]), s=pd.to_numeric(frame["score"]))
    frame = frame.sort_values(["person_id", "measure", "d"])
    ends = frame.groupby(["person_id", "measure"])["s"].agg(["first", "last", "size"])
    ends = ends[ends["size"] >= 2]
    change = (ends["last"] - ends["first"]).groupby(level="measure").agg(["mean", "size"])
    cells = pd.DataFrame(truth["outcomes"]["expected_change_wales"])
    for measure, row in change.iterrows():
        mine = cells[cells["measure"].eq(measure)]
        expected = np.average(mine["expected_mean_change"], weights=mine["n_pairs"])
        sd_change = math.sqrt(2) * truth["outcomes"]["measures"][measure]["sd_e"]
        assert abs(row["mean"] - expected) < 4.5 * sd_change / math.sqrt(row["size"]), measure
        model = next(m for m in demo.OUTCOME_MODELS if m.key == measure)
        assert np.sign(expected) == model.sign  # improvement in every measure's direction


def test_access_dates_and_outcomes_are_consistent(truth):
    frame = _clean("access", truth)
    received, first = _dates(frame["received_date"]), _dates(frame["first_support_date"])
    has_date = frame["outcome"].isin(["supported", "signposted"])
    assert first[has_date].notna().all() and first[~has_date].isna().all()
    assert (first[has_date] >= received[has_date]).all()
    assert (first.dropna() <= pd.Timestamp("2025-12-31")).all()
    assert frame["redirections"].astype(int).ge(0).all()
    cell = truth["access"]["by_rpb_year"]["North Wales"]["2024"]
    assert cell["share_within_28_days"] == pytest.approx(
        0.5
        * math.erfc(
            -math.log(28 / cell["median_wait_days"]) / truth["access"]["sigma"] / math.sqrt(2)
        ),
        abs=1e-6,
    )


def test_experience_items_are_answered_and_improve(truth):
    frame = _clean("experiences", truth)
    items = frame[ITEMS].replace("", np.nan).apply(pd.to_numeric)
    assert items.notna().any(axis=1).all()
    assert items.stack().dropna().between(1, 5).all()
    assert 0.03 < items.isna().mean().mean() < 0.07
    agree = truth["experiences"]["p_agree"]
    assert sum(v["2025"] > v["2024"] for v in agree.values()) >= 5
    cy = (
        frame.assign(rpb=frame["rpb"].map(resolve_rpb))
        .groupby("rpb")["language"]
        .apply(lambda s: s.eq("cy").mean())
    )
    assert cy["North Wales"] > cy["Gwent"] and cy["West Wales"] > cy["Cardiff and Vale"]


def test_partnership_exercises_percentages_and_welsh_yes(truth):
    frame = _read("partnership")
    assert len(frame) == 14
    rate = pd.to_numeric(frame["workforce_vacancy_rate"])
    assert 1 <= (rate > 1).sum() <= 4
    assert {"Y", "ie"} <= set(frame["multiagency_panel"])
    for column in ("core_funding_gbp", "rif_funding_gbp", "pooled_funding_gbp"):
        assert frame[column].str.fullmatch(r"\d+").all()


def test_wales_scale_has_all_wales_volumes():
    start = time.perf_counter()
    data = demo.generate_demo_data(seed=7, scale="wales")
    elapsed = time.perf_counter() - start
    assert elapsed < 30
    assert data.outcomes["person_id"].nunique() == demo.SCALES["wales"].n_children == 100_000
    assert 200_000 < len(data.outcomes) < 400_000
    assert len(data.experiences) == 30_000
    assert len(data.access) == 50_000
    assert data.truth["planted_problems"] == []
    assert set(data.outcomes["rpb"].map(resolve_rpb)) == set(RPB_NAMES)
    assert not data.outcomes["person_id"].str.fullmatch(r"\d{10}").any()
    assert re.fullmatch(r"P[0-9a-f]{7}", data.outcomes["person_id"].iloc[0])


# --------------------------------------------------------------------------------------------
# Other scales: one RPB held to a few people, and random mixed sizes
# --------------------------------------------------------------------------------------------

PEOPLE = ("outcomes", "experiences", "access")


def _people_per_group(datasets: dict) -> dict[str, pd.Series]:
    """People per RPB, group and year in the rows ingest accepted: children per measure,
    respondent and cohort (year of the first assessment), responses and requests per year."""
    keys = ["person_id", "measure", "respondent"]
    outcomes = datasets["outcomes"].accepted
    first = outcomes.groupby(keys).agg(rpb=("rpb", "first"), date=("date", "min")).reset_index()
    children = first.groupby(["rpb", "measure", "respondent", first["date"].dt.year]).size()
    experiences = datasets["experiences"].accepted
    access = datasets["access"].accepted
    return {
        "outcomes": children,
        "experiences": experiences.groupby(["rpb", experiences["date"].dt.year]).size(),
        "access": access.groupby(["rpb", access["received_date"].dt.year]).size(),
    }


def _other_rpbs_rows(datasets: dict, name: str) -> pd.DataFrame:
    """A dataset's accepted rows of the RPBs other than Powys, without their source file and row."""
    accepted = datasets[name].accepted
    accepted = accepted[accepted["rpb"].ne("Powys")]
    return accepted.drop(columns=["source_file", "source_row"]).reset_index(drop=True)


def test_small_rpb_scale_holds_powys_to_a_few_people(tmp_path):
    small, default = tmp_path / "small", tmp_path / "default"
    demo.write_demo_data(small, seed=7, scale="small-rpb")
    demo.write_demo_data(default, seed=7)
    small_data, default_data = ingest(small).datasets, ingest(default).datasets
    counts, default_counts = _people_per_group(small_data), _people_per_group(default_data)
    for name in PEOPLE:
        powys = counts[name].xs("Powys", level="rpb")
        assert powys.between(3, 12).all(), name
        assert (powys < 10).any(), name
        # Powys keeps every group it had, in both years
        assert powys.index.equals(default_counts[name].xs("Powys", level="rpb").index), name
        others = counts[name].drop("Powys", level="rpb")
        pd.testing.assert_series_equal(others, default_counts[name].drop("Powys", level="rpb"))
        assert others.groupby(level="rpb").sum().min() > 2 * powys.sum(), name
    assert counts["outcomes"].xs("Powys", level="rpb").size == 12  # six measures, two cohorts
    for name in PEOPLE:  # the other RPBs' rows are the default rows of the same seed
        pd.testing.assert_frame_equal(
            _other_rpbs_rows(small_data, name), _other_rpbs_rows(default_data, name)
        )


def test_small_rpb_scale_keeps_the_truth_and_planted_rows_consistent():
    data = demo.generate_demo_data(seed=3, scale="small-rpb")
    truth = data.truth
    assert truth["scale"] == "small-rpb"
    assert truth["sizes"]["small_rpbs"]["Powys"]["fewest"] == 3
    assert truth["sizes"]["small_rpbs"]["Powys"]["most"] == 12
    default = demo.SCALES["default"]
    assert truth["sizes"]["n_children"] == default.n_children
    assert demo.SCALES["small-rpb"].rpb_weights == default.rpb_weights
    assert 6 <= sum(p["expected"] == "quarantined" for p in truth["planted_problems"]) <= 10
    accounting = truth["accounting"]
    for name in PEOPLE:
        assert accounting[name]["clean_rows"] == truth[name]["n_rows"]
    planted = {p["row"] - 2 for p in truth["planted_problems"] if p["dataset"] == "outcomes"}
    clean = data.outcomes.drop(index=sorted(planted))
    assert clean["person_id"].nunique() == truth["outcomes"]["n_children"] < 1_400
    powys = clean["rpb"].map(resolve_rpb).eq("Powys")
    pairs = clean[powys].drop_duplicates(["person_id", "measure"])
    cells = pd.DataFrame(truth["outcomes"]["expected_change"]).query("rpb == 'Powys'")
    assert len(pairs) == (cells["n_pairs"] + cells["n_unpaired"]).sum()


def test_random_scale_is_deterministic_per_seed():
    assert demo.random_scale(5) == demo.random_scale(5)
    assert demo.random_scale(5) != demo.random_scale(6)
    first, again = (
        demo.generate_demo_data(seed=5, scale="random"),
        demo.generate_demo_data(seed=5, scale="random"),
    )
    other = demo.generate_demo_data(seed=6, scale="random")
    assert first.truth == again.truth
    for name in contract.DATASET_NAMES:
        pd.testing.assert_frame_equal(first.frames[name], again.frames[name])
    assert not first.outcomes.equals(other.outcomes)
    assert first.truth["scale"] == "random" and first.truth["seed"] == 5
    assert first.truth["sizes"]["n_children"] == demo.random_scale(5).n_children
    with pytest.raises(ValueError, match="non-negative"):
        demo.random_scale(-1)


def test_random_scales_span_small_and_large_sizes():
    scales = [demo.random_scale(seed) for seed in range(20)]
    children = [s.n_children for s in scales]
    per_year = [(s.experiences_per_year, s.access_per_year) for s in scales]
    assert all(150 <= n <= 6_000 for n in children)
    assert min(children) < 400 and max(children) > 3_000
    assert all(100 <= n <= 5_000 for pair in per_year for n in pair)
    assert min(min(p) for p in per_year) < 200 and max(max(p) for p in per_year) > 3_000
    assert len(set(children)) == 20
    tiny = large = absent = 0
    for scale in scales:
        assert not scale.plant_problems and scale.small_rpbs == ()
        people = {
            "outcomes": scale.n_children / 2,
            "experiences": scale.experiences_per_year,
            "access": scale.access_per_year,
        }
        assert [d for d, _ in scale.dataset_weights] == list(PEOPLE)
        for dataset, weights in scale.dataset_weights:
            assert sum(weights) == pytest.approx(1) and min(weights) >= 0
            assert scale.weights(dataset) == weights
            expected = [w * people[dataset] for w in weights]
            assert max(expected) > people[dataset] / 7  # one RPB has more than an equal share
            tiny += sum(0 < e < 10 for e in expected)
            large += sum(e > 500 for e in expected)
            absent += sum(w == 0 for w in weights)
    assert tiny >= 20 and large >= 20 and 1 <= absent <= 30


@pytest.mark.parametrize("seed", [2, 3])
def test_random_data_ingest_cleanly(tmp_path, seed):
    """Both have RPBs with no rows in a dataset; seed 2 has 188 children and 3,482 responses a
    year, seed 3 4,642 children and 122 responses a year."""
    scale = demo.random_scale(seed)
    paths = demo.write_demo_data(tmp_path, seed=seed, scale="random")
    truth = json.loads(paths[-1].read_text(encoding="utf-8"))
    result = ingest(tmp_path)
    assert result.rows_quarantined == 0 and truth["planted_problems"] == []
    datasets = result.datasets
    for name, outcome in datasets.items():
        assert outcome.status == "loaded", name
        assert outcome.rows_accepted == truth["accounting"][name]["clean_rows"], name
        assert outcome.duplicates_collapsed == 0, name
    assert datasets["experiences"].rows_accepted == 2 * scale.experiences_per_year
    assert datasets["access"].rows_accepted == 2 * scale.access_per_year
    assert datasets["outcomes"].accepted["person_id"].nunique() == scale.n_children
    assert any(0 in scale.weights(name) for name in PEOPLE)
    for name in PEOPLE:
        present = set(datasets[name].accepted["rpb"])
        weights = dict(zip(RPB_NAMES, scale.weights(name), strict=True))
        assert {r for r, w in weights.items() if w == 0}.isdisjoint(present), name
        assert truth["sizes"]["rpb_weights_by_dataset"][name] == pytest.approx(weights, abs=1e-6)


def test_command_line_offers_every_scale(tmp_path):
    assert demo.SCALE_NAMES == ("default", "wales", "small-rpb", "random")
    for name in demo.SCALE_NAMES:
        args = cli._parser().parse_args(["demo-data", str(tmp_path), "--scale", name])
        assert args.scale == name
    assert cli.main(["demo-data", str(tmp_path), "--seed", "11", "--scale", "random"]) == 0
    truth = json.loads((tmp_path / "truth.json").read_text(encoding="utf-8"))
    assert truth["scale"] == "random"
    assert truth["sizes"]["access_per_year"] == demo.random_scale(11).access_per_year
    with pytest.raises(ValueError, match="unknown scale 'tiny'"):
        demo.generate_demo_data(scale="tiny")


# --------------------------------------------------------------------------------------------
# Multiples of the Wales scale
# --------------------------------------------------------------------------------------------


def _csv_bytes(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_a_multiplier_gives_the_same_bytes_for_the_same_seed(tmp_path):
    first, again, other = tmp_path / "first", tmp_path / "again", tmp_path / "other"
    assert cli.main(["demo-data", str(first), "--seed", "4", "--scale", "0.02"]) == 0
    assert cli.main(["demo-data", str(again), "--seed", "4", "--scale", "0.02"]) == 0
    assert cli.main(["demo-data", str(other), "--seed", "5", "--scale", "0.02"]) == 0
    assert _csv_bytes(first) == _csv_bytes(again)
    assert _csv_bytes(first)["outcomes.csv"] != _csv_bytes(other)["outcomes.csv"]
    truth = json.loads((first / "truth.json").read_text(encoding="utf-8"))
    assert truth["scale"] == "wales x 0.02"
    assert truth["sizes"]["n_children"] == 2_000


def test_rows_grow_with_the_multiplier():
    wales = demo.SCALES["wales"]
    small, double = (demo.generate_demo_data(seed=8, scale=m) for m in ("0.02", "0.04"))
    for data, factor in ((small, 0.02), (double, 0.04)):
        assert data.outcomes["person_id"].nunique() == round(wales.n_children * factor)
        assert len(data.experiences) == 2 * round(wales.experiences_per_year * factor)
        assert len(data.access) == 2 * round(wales.access_per_year * factor)
        assert data.truth["planted_problems"] == []
    ratio = len(double.outcomes) / len(small.outcomes)
    assert 1.8 < ratio < 2.2  # assessments per child do not depend on the size


def test_a_multiplier_of_one_is_the_wales_scale():
    assert demo.multiplied_scale(1) == demo.SCALES["wales"]
    assert demo.demo_scale("1", seed=3) == demo.demo_scale("wales", seed=3)
    ten = demo.demo_scale("10", seed=3)
    assert (ten.n_children, ten.experiences_per_year) == (1_000_000, 150_000)
    assert ten.rpb_weights == demo.SCALES["wales"].rpb_weights


@pytest.mark.parametrize("given", ["0", "-2", "101", "nan", "inf"])
def test_a_multiplier_out_of_range_is_refused(given, tmp_path, capsys):
    with pytest.raises(ValueError, match=r"multiplier must be from 0\.01 to 100"):
        demo.demo_scale(given, seed=1)
    with pytest.raises(SystemExit):
        cli._parser().parse_args(["demo-data", str(tmp_path), "--scale", given])
    assert "multiplier must be" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("given", "wrong", "message"),
    [
        (
            "female = 0.52",
            "woman = 0.52",
            r"outcomes\.sex: 'woman' is not a value of the sex vocabulary",
        ),
        (
            'respondent = "parent"',
            'respondent = "carer"',
            "'carer' is not a value of the respondent",
        ),
        ("young_person = 0.3", "young person = 0.3", "not valid TOML"),
        ("young_person = 0.3", "youth = 0.3", "'youth' is not a value of the respondent_type"),
        ("withdrawn = 0.05", "pending = 0.05", "'pending' is not a value of the access_outcome"),
        (
            "nhs = 0.5",
            "charity = 0.5",
            r"training\.later\.organisations: 'charity' .* organisation_type",
        ),
        (
            '"Powys" = 0.04',
            '"Atlantis" = 0.04',
            r"population_share: 'Atlantis' is not a value of the RPB",
        ),
        (
            '"Powys" = [0.6, 0.6]',
            "",
            r"theta_multipliers: no value for Powys of the RPB vocabulary",
        ),
        (
            "told_story_once = -0.12",
            "told_once = -0.12",
            "'told_once' is not a value of the experience item",
        ),
        (
            "[outcomes.measures.GBO]",
            "[outcomes.measures.GBO_X]",
            "'GBO_X' is not a value of the measure",
        ),
        (
            '["ie", "ie"]',
            '["ja", "ie"]',
            r"enablers\.\"North Wales\"\.multiagency_panel: 'ja' .* yes_no",
        ),
        ("no_wrong_door = 2.5", "no_door = 2.5", "'no_door' is not a value of the core element"),
        ('rpb = "Gwent"', 'rpb = "Gwynedd"', r"problems\.conflict\.rpb: 'Gwynedd'"),
        (
            '"Powys" = [3, 12]',
            '"Powis" = [3, 12]',
            r"scales\.small-rpb\.small_rpbs: 'Powis' is not a value of the RPB",
        ),
        ('"Powys" = [3, 12]', '"Powys" = [12, 3]', r"\[12, 3\] is not a range above 0"),
        ('like = "default"', 'like = "europe"', "'europe' is not a scale that gives all"),
        ("tiny_people = [1, 8]", "tiny_people = [1, 20]", "120 people of tiny RPBs leave no room"),
        ("absent_share = 0.05", "absent_share = 1.5", r"absent_share: 1\.5 is not a probability"),
    ],
)
def test_model_file_categories_are_checked_against_the_vocabularies(given, wrong, message):
    text = model_text()
    assert given in text
    with pytest.raises(DemoModelError, match=message):
        read_model(text.replace(given, wrong, 1))


def test_model_file_reads_back_the_published_figures():
    model = read_model()
    assert model["self_assessment"]["published_2024_means"] == dict(demo.PUBLISHED_2024_MEANS)
    assert [m.key for m in demo.OUTCOME_MODELS] == list(model["outcomes"]["measures"])
    assert demo.PUBLISHED_2024_TRAINING["organisations"]["nhs"] == 88


def test_category_literals_are_checked():
    assert category("experiences", "language", "cy") == "cy"
    with pytest.raises(DemoModelError, match="'pending' is not a value of the access_outcome"):
        category("access", "outcome", "pending")
