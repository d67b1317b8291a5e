"""Chart data from releases: JSON-ready series for the CLI figures and the web dashboard.

Pure: no plotting library. The web layer renders these dictionaries itself (offline, no
CDN); `_figures` draws the same data with matplotlib, so both show identical numbers.
Suppressed cells stay suppressed: their value is None and their label "c" (confidential);
the figures show the cell's flag instead (C primary, D secondary).
"""

from __future__ import annotations

from typing import Any

from haven.statistics._definitions import DIMENSIONS, TOTAL
from haven.statistics._release import Release

__all__ = ["LABELS", "chart_data", "label"]

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "sexual": "Sexual exploitation", "labour": "Labour exploitation",
        "domestic_servitude": "Domestic servitude", "forced_criminality": "Forced criminality",
        "forced_begging": "Forced begging", "organ_removal": "Organ removal",
        "illegal_adoption": "Illegal adoption", "forced_marriage": "Forced marriage",
        "surrogacy": "Exploitation of surrogacy", "other": "Other", "unknown": "Unknown",
        "female": "Female", "male": "Male", "female child": "Girls", "female adult": "Women",
        "male child": "Boys", "male adult": "Men", "eu": "EU citizens",
        "non_eu": "Non-EU citizens", "national": "Nationals", "other_eu": "Other EU citizens",
        "identified": "Identified", "presumed": "Presumed", "child": "Children",
        "adult": "Adults", "victims": "Registered victims", "persons": "persons",
        "registrations": "registrations", "total": "Total", "confidential": "c",
        "suspects": "Suspects", "by": "by", "age": "age",
        "footer:source": "Source: Haven registry", "footer:unit": "Unit",
        "footer:release": "Release",
        "footer:several": "Shares of all victims; a victim may suffer several forms.",
        "footer:hidden": "Not shown (confidential)",
        "footer:flows": "Flows with at least five detected victims.",
        "flows:title": "Trafficking flows: citizenship → country of exploitation "
                       "(orange: domestic)",
    },
    "nl": {
        "sexual": "Seksuele uitbuiting", "labour": "Arbeidsuitbuiting",
        "domestic_servitude": "Huishoudelijke dienstbaarheid",
        "forced_criminality": "Gedwongen criminaliteit", "forced_begging": "Gedwongen bedelen",
        "organ_removal": "Orgaanverwijdering", "illegal_adoption": "Illegale adoptie",
        "forced_marriage": "Gedwongen huwelijk", "surrogacy": "Uitbuiting van draagmoederschap",
        "other": "Andere vormen", "unknown": "Onbekend", "female": "Vrouwelijk",
        "male": "Mannelijk", "female child": "Meisjes", "female adult": "Vrouwen",
        "male child": "Jongens", "male adult": "Mannen", "eu": "EU-burgers",
        "non_eu": "Niet-EU-burgers", "national": "Eigen nationaliteit",
        "other_eu": "Andere EU-burgers", "identified": "Geïdentificeerd",
        "presumed": "Vermoedelijk", "child": "Kinderen", "adult": "Volwassenen",
        "victims": "Geregistreerde slachtoffers", "persons": "personen",
        "registrations": "registraties", "total": "Totaal", "confidential": "c",
        "suspects": "Verdachten", "by": "naar", "age": "leeftijd",
        "footer:source": "Bron: Haven-register", "footer:unit": "Eenheid",
        "footer:release": "Vrijgave",
        "footer:several": "Aandelen van alle slachtoffers; een slachtoffer kan meerdere "
                          "vormen van uitbuiting hebben ondergaan.",
        "footer:hidden": "Niet getoond (vertrouwelijk)",
        "footer:flows": "Stromen met ten minste vijf gedetecteerde slachtoffers.",
        "flows:title": "Mensenhandelstromen: nationaliteit → land van uitbuiting "
                       "(oranje: binnenlands)",
        "dim:exploitation": "vorm van uitbuiting", "dim:sex": "geslacht",
        "dim:age_group": "leeftijdsgroep", "dim:year": "jaar",
        "dim:status": "identificatiestatus", "dim:citizenship": "nationaliteit",
        "dim:citizenship_group": "nationaliteit",
        "dim:eu_citizenship": "het al dan niet bezitten van een EU-nationaliteit",
        "dim:country_of_exploitation": "land van uitbuiting",
        "dim:reporting_country": "registrerend land",
    },
}


def label(code: str, lang: str = "en") -> str:
    """A display label for a code; countries and unlisted codes are shown as they are."""
    return LABELS.get(lang, LABELS["en"]).get(code, LABELS["en"].get(code, code))


def chart_data(release: Release, *, lang: str = "en") -> dict[str, Any]:
    """Series for a chart of `release`: one series per category of the last dimension.

    Returns:
        A JSON-ready dict: title, dimensions, categories (x axis: the first dimension, or the
        single dimension), series (one per category of the second dimension, or one), every
        value with its share of the published total, flags, the policy text and the release
        id. Values are None (and labels "c") for suppressed cells.
    """
    dims = release.dimensions
    first = release.keys[0] if dims else ()
    second = release.keys[1] if len(dims) > 1 else (TOTAL,)
    rest = (TOTAL,) * max(len(dims) - 2, 0)
    total = release.values.get(tuple(TOTAL for _ in dims))
    series = []
    for s in second:
        points = []
        for c in first:
            key = (c, *((s,) if len(dims) > 1 else ()), *rest)
            value = release.values.get(key)
            points.append({
                "code": c, "label": label(c, lang), "value": value,
                "share": _share(value, total), "flag": release.status[key].value,
                "half_width": release.half_width(key),
            })
        series.append({"code": s, "label": label(s, lang) if s != TOTAL else label("total", lang),
                       "points": points})
    return {
        "title": _title(release, lang),
        "dimensions": [{"name": d, "label": DIMENSIONS[d].label} for d in dims],
        "total": total, "series": series, "policy": release.policy_name,
        "policy_text": release.policy_text(lang), "release_id": str(release.id),
        "counting": release.spec.counting.value,
    }


def _lower(text: str) -> str:
    return text if text[:2].isupper() else text[0].lower() + text[1:]


def _share(value: int | None, total: int | None) -> float | None:
    if value is None or not total:
        return None
    return round(value / total, 4)


def _title(release: Release, lang: str) -> str:
    spec = release.spec
    years = ""
    if spec.years:
        years = (f" {spec.years[0]}" if len(spec.years) == 1
                 else f" {spec.years[0]}–{spec.years[-1]}")
    by = ", ".join(LABELS.get(lang, {}).get(f"dim:{d}") or _lower(DIMENSIONS[d].label)
                   for d in spec.by)
    head = label("victims" if spec.subject == "victims" else "suspects", lang)
    return f"{head}{years}" + (f" {label('by', lang)} {by}" if by else "")
