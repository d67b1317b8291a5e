"""Texts of the explanation, in English and Dutch (placeholders in braces)."""

from __future__ import annotations

__all__ = ["render"]

_MESSAGES: dict[str, dict[str, str]] = {
    "child": {
        "en": "Treated as a child ({why}): the means of trafficking need not be shown "
              "(Directive 2011/36/EU art. 2(5)); appoint a guardian without delay.",
        "nl": "Behandeld als kind ({why}): de middelen van mensenhandel hoeven niet te worden "
              "aangetoond (Richtlijn 2011/36/EU art. 2(5)); benoem zonder uitstel een voogd.",
    },
    "why.minor": {"en": "under 18", "nl": "jonger dan 18"},
    "why.age_uncertain": {
        "en": "age uncertain, presumed a child", "nl": "leeftijd onzeker, vermoedelijk kind"},
    "element": {
        "en": "{element}: {points} point(s) from {indicators}.",
        "nl": "{element}: {points} punt(en) uit {indicators}.",
    },
    "element.means": {"en": "Means (coercion, deception, abuse of vulnerability)",
                      "nl": "Middelen (dwang, misleiding, misbruik van kwetsbaarheid)"},
    "element.purpose": {"en": "Exploitation", "nl": "Uitbuiting"},
    "none_observed": {"en": "{element}: no indicator observed.",
                      "nl": "{element}: geen indicator waargenomen."},
    "level.presumed_victim": {
        "en": "Presumed victim: refer to assistance now; do not wait for formal "
              "identification (CoE Convention art. 10(2)).",
        "nl": "Vermoedelijk slachtoffer: verwijs nu naar hulp; wacht niet op formele "
              "identificatie (Verdrag van de Raad van Europa art. 10(2)).",
    },
    "level.further_inquiry": {
        "en": "Signs present but not enough for a presumption: ask the open questions, talk "
              "to the person again with an interpreter if needed.",
        "nl": "Er zijn signalen, maar te weinig voor een vermoeden: stel de open vragen, spreek "
              "de persoon opnieuw, zo nodig met een tolk.",
    },
    "level.no_indication": {"en": "No indicator of trafficking observed.",
                            "nl": "Geen indicator van mensenhandel waargenomen."},
    "threshold": {
        "en": "Rule {version}: presumed when means and exploitation each reach 2 points "
              "(for a child, exploitation alone).",
        "nl": "Regel {version}: vermoeden als middelen en uitbuiting elk 2 punten halen "
              "(bij een kind alleen uitbuiting).",
    },
    "forms": {"en": "Likely form(s) of exploitation: {forms}.",
              "nl": "Waarschijnlijke vorm(en) van uitbuiting: {forms}."},
    "form_unclear": {"en": "The form of exploitation is not yet clear.",
                     "nl": "De vorm van uitbuiting is nog niet duidelijk."},
    "non_punishment": {
        "en": "Offences may have been compelled: consider not prosecuting or punishing the "
              "person for them (CoE Convention art. 26; Directive 2011/36/EU art. 8).",
        "nl": "Strafbare feiten zijn mogelijk afgedwongen: overweeg de persoon daarvoor niet "
              "te vervolgen of te straffen (Verdrag art. 26; Richtlijn 2011/36/EU art. 8).",
    },
    "urgent": {"en": "Urgent: {needs}.", "nl": "Urgent: {needs}."},
    "open": {"en": "Still to ask: {indicators}.", "nl": "Nog te vragen: {indicators}."},
    "need.safety": {"en": "safety", "nl": "veiligheid"},
    "need.medical": {"en": "medical care", "nl": "medische zorg"},
    "need.shelter": {"en": "safe accommodation", "nl": "veilige opvang"},
    "need.interpretation": {"en": "an interpreter", "nl": "een tolk"},
    "need.guardian": {"en": "a guardian", "nl": "een voogd"},
    "form.sexual": {"en": "sexual exploitation", "nl": "seksuele uitbuiting"},
    "form.labour": {"en": "labour exploitation", "nl": "arbeidsuitbuiting"},
    "form.domestic_servitude": {"en": "domestic servitude", "nl": "huishoudelijke uitbuiting"},
    "form.forced_criminality": {"en": "forced criminality", "nl": "gedwongen criminaliteit"},
    "form.forced_begging": {"en": "forced begging", "nl": "gedwongen bedelarij"},
}


def render(code: str, language: str = "en", **params: str) -> str:
    """The message `code` in `language` (English if missing), placeholders filled in."""
    texts = _MESSAGES[code]
    return (texts.get(language) or texts["en"]).format(**params)
