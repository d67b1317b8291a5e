"""The published guidance Haven's indicators are grounded in.

Each indicator cites one or more of these by key, with the section it rests on. Indicator
texts are Haven's own words; the sources are where a worker can read the original.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["SOURCES", "Citation", "Source"]


@dataclass(frozen=True, slots=True)
class Source:
    """A published document: who issued it, when, and its title."""

    key: str
    publisher: str
    year: int
    title: str


@dataclass(frozen=True, slots=True)
class Citation:
    """A pointer into a source: its key and the section (article, chapter, numbered indicator)."""

    source: str
    section: str

    def render(self) -> str:
        src = SOURCES[self.source]
        return f"{src.publisher}, {src.title} ({src.year}), {self.section}"


SOURCES: dict[str, Source] = {s.key: s for s in (
    Source("eu-2013", "European Commission (DG Home Affairs)", 2013,
           "Guidelines for the identification of victims of trafficking in human beings, "
           "especially for consular services and border guards"),
    Source("ilo-2012", "International Labour Office, Special Action Programme to Combat "
           "Forced Labour", 2012, "ILO Indicators of Forced Labour"),
    Source("ilo-ec-2009", "International Labour Office and European Commission", 2009,
           "Operational indicators of trafficking in human beings: results from a Delphi "
           "survey (revised September 2009)"),
    Source("iom-2007", "International Organization for Migration", 2007,
           "The IOM Handbook on Direct Assistance for Victims of Trafficking"),
    Source("coe-197", "Council of Europe", 2005,
           "Convention on Action against Trafficking in Human Beings (CETS No. 197)"),
    Source("dir-2011-36", "European Parliament and Council", 2011,
           "Directive 2011/36/EU on preventing and combating trafficking in human beings and "
           "protecting its victims, as amended by Directive (EU) 2024/1712"),
)}
