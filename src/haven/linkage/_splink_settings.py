"""The Splink model for victim records: comparisons, blocking rules, training plan.

Pure: this module builds settings dictionaries and SQL strings and never touches a database,
so that the SQL for each engine is unit-testable (see tests/linkage/test_splink_settings.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

__all__ = ["Dialect", "ModelConfig", "blocking_rules", "comparisons", "level_labels", "settings"]

Dialect = Literal["duckdb", "spark"]

_SQL: dict[Dialect, dict[str, str]] = {
    "duckdb": {"jw": "jaro_winkler_similarity({a}, {b})", "dl": "damerau_levenshtein({a}, {b})",
               "overlap": "list_has_any({a}, {b})", "size": "len({a})",
               "common": "len(list_intersect({a}, {b}))"},
    "spark": {"jw": "jaro_winkler({a}, {b})", "dl": "levenshtein({a}, {b})",
              "overlap": "arrays_overlap({a}, {b})", "size": "size({a})",
              "common": "size(array_intersect({a}, {b}))"},
}


@dataclass(frozen=True, slots=True)
class ModelConfig:
    """What the model compares and how hard it blocks.

    Attributes:
        extra_columns: further columns of the input (an address) compared as cleaned strings.
        extra_blocking: blocking keys over extra columns, each a tuple of column names.
        prior_recall: assumed recall of the deterministic rules that set the prior.
        max_u_pairs: random pairs drawn to estimate u probabilities.
        seed: seed of the random sampling, so that a run can be repeated.
        min_probability: pairs scored below this are dropped before clustering.
        term_frequencies: weigh name agreement by how common the name is (namesakes).
        omit: comparisons left out (fields the data never fills), by output column name.
    """

    extra_columns: tuple[str, ...] = ()
    extra_blocking: tuple[tuple[str, ...], ...] = ()
    prior_recall: float = 0.5
    max_u_pairs: float = 2e6
    seed: int = 42
    min_probability: float = 0.01
    term_frequencies: bool = True
    omit: tuple[str, ...] = ()


def _unquoted(sql: str) -> str:
    """Our column names are plain lower-case identifiers; Spark reads "x" as a string, so
    the SQL is written with quotes for legibility and sent without them."""
    return sql.replace('"', "")


def _fn(dialect: Dialect, name: str, a: str, b: str = "") -> str:
    return _SQL[dialect][name].format(a=a, b=b)


def _level(sql: str, label: str, *, null: bool = False, tf: str | None = None,
           m: float | None = None) -> dict[str, Any]:
    level: dict[str, Any] = {"sql_condition": _unquoted(sql), "label_for_charts": label}
    if m is not None:
        # Fixed from domain knowledge: EM on victim data, full of namesakes and relatives,
        # otherwise learns that "same name, other birth date" is a match.
        level["m_probability"] = m
        level["fix_m_probability"] = True
    if null:
        level["is_null_level"] = True
    if tf is not None:
        level["tf_adjustment_column"] = tf
        level["tf_adjustment_weight"] = 1.0
    return level


# m of the date-of-birth levels: same, partial, typo, same year, within 2 years, other.
# Registries copy dates from documents most of the time; a wrong year is rare but real.
_DOB_M = (0.775, 0.12, 0.08, 0.005, 0.005, 0.015)


def _full_name(dialect: Dialect, tf: bool) -> dict[str, Any]:
    """All name tokens at once, order-free: survives swapped fields, family-name-first
    orders and names split differently between the given and family fields (Do | Thanh Ngoc
    against Ngoc | Do Thanh). Fuzzy levels use the Dice coefficient of name bigrams."""
    common = _fn(dialect, "common", '"name_grams_l"', '"name_grams_r"')
    total = (f'({_fn(dialect, "size", chr(34) + "name_grams_l" + chr(34))} + '
             f'{_fn(dialect, "size", chr(34) + "name_grams_r" + chr(34))})')
    dice = f"(2.0 * {common} / {total})"
    return {"output_column_name": "name", "comparison_levels": [
        _level('"name_key_l" IS NULL OR "name_key_r" IS NULL', "missing", null=True),
        _level('"name_key_l" = "name_key_r"', "same names (any order or transliteration)",
               tf="name_key" if tf else None),
        _level(f"{dice} >= 0.85", "names nearly the same (bigram Dice >= 0.85)"),
        _level(f"{dice} >= 0.70", "names similar (bigram Dice >= 0.70)"),
        _level(f"{dice} >= 0.55", "names partly similar (bigram Dice >= 0.55)"),
        # Fixed: EM trains on pairs born the same day, which include twins (same family
        # name and birth date, other given name) and would learn them as matches.
        _level("ELSE", "different names", m=0.02),
    ]}


def _alias(dialect: Dialect) -> dict[str, Any]:
    size_l = _fn(dialect, "size", '"alias_keys_l"')
    size_r = _fn(dialect, "size", '"alias_keys_r"')
    hit = (_fn(dialect, "overlap", '"alias_keys_l"', '"all_keys_r"') + " OR "
           + _fn(dialect, "overlap", '"all_keys_l"', '"alias_keys_r"'))
    return {"output_column_name": "alias", "comparison_levels": [
        _level(f"{size_l} = 0 AND {size_r} = 0", "no aliases", null=True),
        _level(hit, "an alias matches a name or alias"),
        _level("ELSE", "aliases do not match"),
    ]}


def _dob(dialect: Dialect) -> dict[str, Any]:
    same = '"dob_year_l" = "dob_year_r"'
    partial = (f'{same} AND ("dob_month_l" IS NULL OR "dob_month_r" IS NULL OR '
               '("dob_month_l" = "dob_month_r" AND ("dob_day_l" IS NULL OR "dob_day_r" IS NULL)))')
    typo = (f'({same} AND "dob_month_l" = "dob_day_r" AND "dob_day_l" = "dob_month_r") OR '
            + _fn(dialect, "dl", '"dob_l"', '"dob_r"') + " <= 1")
    return {"output_column_name": "date_of_birth", "comparison_levels": [
        _level('"dob_year_l" IS NULL OR "dob_year_r" IS NULL', "missing", null=True),
        _level('"dob_l" = "dob_r"', "same date", m=_DOB_M[0]),
        _level(partial, "partial dates agree", m=_DOB_M[1]),
        _level(typo, "one digit or day/month swapped", m=_DOB_M[2]),
        _level(same, "same year", m=_DOB_M[3]),
        _level('abs("dob_year_l" - "dob_year_r") <= 2', "within two years", m=_DOB_M[4]),
        _level("ELSE", "different", m=_DOB_M[5]),
    ]}


def _exact(col: str, name: str, m_same: float, u_same: float) -> dict[str, Any]:
    """Sex and citizenship follow from names (Maria is female, Nguyen Vietnamese), so among
    pairs that already agree on names they agree by chance far more often than among random
    pairs. Their u is fixed to that conditional rate; random sampling would overcount them."""
    same = _level(f'"{col}_l" = "{col}_r"', "same", m=m_same)
    other = _level("ELSE", "different", m=1 - m_same)
    same |= {"u_probability": u_same, "fix_u_probability": True}
    other |= {"u_probability": 1 - u_same, "fix_u_probability": True}
    return {"output_column_name": name, "comparison_levels": [
        _level(f'"{col}_l" IS NULL OR "{col}_r" IS NULL', "missing", null=True), same, other]}


def _source_country() -> dict[str, Any]:
    """Whether both registrations were made in one country (trained, not fixed)."""
    return {"output_column_name": "source_country", "comparison_levels": [
        _level('"source_country_l" IS NULL OR "source_country_r" IS NULL', "missing",
               null=True),
        _level('"source_country_l" = "source_country_r"', "same country"),
        _level("ELSE", "different countries"),
    ]}


def _registered() -> dict[str, Any]:
    """How far apart the two registrations are. A victim is typically registered again by
    the next agency of a referral chain within weeks; namesakes are registered at random
    times. Statistical attributes, so the hub may use it too."""
    gap = 'abs("registered_day_l" - "registered_day_r")'
    return {"output_column_name": "registered_on", "comparison_levels": [
        _level('"registered_day_l" IS NULL OR "registered_day_r" IS NULL', "missing",
               null=True),
        _level(f"{gap} <= 30", "within a month"),
        _level(f"{gap} <= 180", "within half a year"),
        _level(f"{gap} <= 365", "within a year"),
        _level("ELSE", "more than a year apart"),
    ]}


def _extra(col: str, dialect: Dialect) -> dict[str, Any]:
    a, b = f'"{col}_l"', f'"{col}_r"'
    return {"output_column_name": col, "comparison_levels": [
        _level(f"{a} IS NULL OR {b} IS NULL", "missing", null=True),
        _level(f"{a} = {b}", "same"),
        _level(_fn(dialect, "dl", a, b) + " <= 1", "one edit apart"),
        _level(_fn(dialect, "jw", a, b) + " >= 0.88", "similar"),
        _level("ELSE", "different"),
    ]}


def comparisons(config: ModelConfig, dialect: Dialect) -> list[dict[str, Any]]:
    """The comparisons, in the order their evidence is shown to a case worker."""
    tf = config.term_frequencies
    out = [_full_name(dialect, tf), _alias(dialect), _dob(dialect),
           _exact("sex", "sex", 0.98, 0.90), _exact("citizenship", "citizenship", 0.95, 0.60),
           _registered(), _source_country()]
    out += [_extra(f"x_{c}", dialect) for c in config.extra_columns]
    return [c for c in out if c["output_column_name"] not in config.omit]


def blocking_rules(config: ModelConfig) -> list[str]:
    """Candidate pairs: any rule that fires makes a pair. Swapped-order and alias rules come
    in both directions because Splink keeps only pairs with the smaller id on the left."""
    rules = [
        'l."name_key" = r."name_key"',
        'l."given_sk" = r."given_sk" AND l."dob_year" = r."dob_year"',
        'l."family_sk" = r."family_sk" AND l."dob_year" = r."dob_year"',
        'l."family_sk" = r."family_sk"',
        'l."token_long" = r."token_long"',
        'l."given_sk" = r."given_sk" AND substr(l."family_sk", 1, 1) = substr(r."family_sk", 1, 1)',
        'l."dob" = r."dob"',
        # Typos in both names and no date: the first letters of each name still agree.
        'substr(l."given_sk", 1, 3) = substr(r."given_sk", 1, 3) AND '
        'substr(l."family_sk", 1, 3) = substr(r."family_sk", 1, 3)',
        'substr(l."token_long", 1, 4) = substr(r."token_long", 1, 4) AND l."sex" = r."sex"',
        # Sex unknown (U) on one side must not hide a pair that agrees on year and country.
        'l."dob_year" = r."dob_year" AND l."citizenship" = r."citizenship" AND '
        '(l."sex" = r."sex" OR l."sex" IS NULL OR r."sex" IS NULL)',
        # Typos in both names: the family name's consonants still agree.
        'l."family_cons" = r."family_cons" AND l."sex" = r."sex"',
        'l."given_first" = r."given_first" AND l."citizenship" = r."citizenship" AND '
        'l."source_country" = r."source_country"',
        # A name in a script that is not romanised (Han, Arabic) leaves no name key: such a
        # record meets every record of its country registered within about two months.
        '(l."name_key" IS NULL OR r."name_key" IS NULL) AND '
        'l."source_country" = r."source_country" AND '
        'l."registered_window" = r."registered_window"',
        '(l."name_key" IS NULL OR r."name_key" IS NULL) AND '
        'l."source_country" = r."source_country" AND '
        'l."registered_window_shift" = r."registered_window_shift"',
        'l."given_sk" = r."family_sk"',
        'l."family_sk" = r."given_sk"',
        'l."alias_first" = r."name_key"',
        'l."name_key" = r."alias_first"',
    ]
    for key in config.extra_blocking:
        rules.append(" AND ".join(f'l."x_{c}" = r."x_{c}"' for c in key))
    return [_unquoted(r) for r in rules]


def settings(config: ModelConfig, dialect: Dialect) -> dict[str, Any]:
    """A complete Splink settings dictionary for deduplicating one prepared table."""
    return {
        "link_type": "dedupe_only",
        "unique_id_column_name": "record_id",
        "comparisons": comparisons(config, dialect),
        "blocking_rules_to_generate_predictions": [
            {"blocking_rule": r} for r in blocking_rules(config)],
        "retain_matching_columns": False,
        "retain_intermediate_calculation_columns": True,
        "additional_columns_to_retain": ["source_org"],
    }


def level_labels(config: ModelConfig, dialect: Dialect) -> dict[str, dict[int, str]]:
    """Map each comparison's gamma value to its label, for match evidence.

    Splink numbers the null level -1 and the others from n-1 (first) down to 0 (ELSE).
    """
    labels: dict[str, dict[int, str]] = {}
    for comparison in comparisons(config, dialect):
        levels = comparison["comparison_levels"]
        rest = [lv for lv in levels if not lv.get("is_null_level")]
        mapping = {-1: levels[0]["label_for_charts"]}
        for index, level in enumerate(rest):
            mapping[len(rest) - 1 - index] = level["label_for_charts"]
        labels[comparison["output_column_name"]] = mapping
    return labels
