"""Haven's code lists.

Each list is a `StrEnum` whose values are Haven's own codes: lower-case, stable, used in the
database, the API and exports. Spellings found in Eurostat and CTDC/HTCDS exports are accepted
on input through `_aliases.py` and mapped to these codes.

Sources: Eurostat's THB data collection (registered victims = identified + presumed;
suspects, prosecuted, convicted persons), the IOM Counter Trafficking Data Collaborative (CTDC)
and the Human Trafficking Case Data Standard (HTCDS) for age bands, means of control and
recruiter relation; Directive 2011/36/EU as amended by Directive (EU) 2024/1712 for the forms
of exploitation; ISIC Rev. 4 for the economic sector of labour exploitation.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "AgeBand",
    "AgeGroup",
    "ExploitationForm",
    "ExternalSystem",
    "IdentificationStatus",
    "IsicSection",
    "JusticeStage",
    "MeansOfControl",
    "OnlinePlatform",
    "OrganisationType",
    "PersonKind",
    "RecruiterRelation",
    "RecruitmentMethod",
    "RouteEventKind",
    "Sex",
    "SuspectRole",
    "Vulnerability",
]


class OrganisationType(StrEnum):
    POLICE = "police"
    PROSECUTION = "prosecution"
    COURT = "court"
    LABOUR_INSPECTORATE = "labour_inspectorate"
    BORDER_GUARD = "border_guard"
    IMMIGRATION = "immigration"
    SOCIAL_SERVICES = "social_services"
    CHILD_PROTECTION = "child_protection"
    NGO = "ngo"
    SHELTER = "shelter"
    HEALTH = "health"
    EMBASSY = "embassy"
    OTHER = "other"


class IdentificationStatus(StrEnum):
    """Where a victim stands in formal identification.

    Eurostat counts *registered* victims as identified plus presumed; a reasonable-grounds
    decision is a presumed victim whose formal identification is pending. A declined person
    is no longer counted as a victim.
    """

    PRESUMED = "presumed"
    REASONABLE_GROUNDS = "reasonable_grounds"
    IDENTIFIED = "identified"
    DECLINED = "declined"

    @property
    def is_registered_victim(self) -> bool:
        return self is not IdentificationStatus.DECLINED

    @property
    def eurostat_category(self) -> str | None:
        """'identified' or 'presumed' as Eurostat counts them, None for a declined person."""
        if self is IdentificationStatus.IDENTIFIED:
            return "identified"
        if self is IdentificationStatus.DECLINED:
            return None
        return "presumed"


class Sex(StrEnum):
    """Sex as Eurostat collects it; CTDC's transgender/non-conforming maps to OTHER."""

    FEMALE = "female"
    MALE = "male"
    OTHER = "other"
    UNKNOWN = "unknown"


class AgeGroup(StrEnum):
    """Eurostat's split: a child is a person below 18 (Directive 2011/36/EU, art. 2(6))."""

    CHILD = "child"
    ADULT = "adult"
    UNKNOWN = "unknown"

    @classmethod
    def for_age(cls, age: int | None) -> AgeGroup:
        if age is None:
            return cls.UNKNOWN
        return cls.CHILD if age < ADULT_AGE else cls.ADULT


ADULT_AGE = 18


class AgeBand(StrEnum):
    """CTDC's age bands (ageBroad), chosen there to limit re-identification."""

    B0_8 = "0-8"
    B9_17 = "9-17"
    B18_20 = "18-20"
    B21_23 = "21-23"
    B24_26 = "24-26"
    B27_29 = "27-29"
    B30_38 = "30-38"
    B39_47 = "39-47"
    B48_PLUS = "48+"
    UNKNOWN = "unknown"

    @classmethod
    def for_age(cls, age: int | None) -> AgeBand:
        if age is None:
            return cls.UNKNOWN
        for upper, band in _BAND_UPPER_BOUNDS:
            if age <= upper:
                return band
        return cls.B48_PLUS


_BAND_UPPER_BOUNDS: tuple[tuple[int, AgeBand], ...] = (
    (8, AgeBand.B0_8),
    (17, AgeBand.B9_17),
    (20, AgeBand.B18_20),
    (23, AgeBand.B21_23),
    (26, AgeBand.B24_26),
    (29, AgeBand.B27_29),
    (38, AgeBand.B30_38),
    (47, AgeBand.B39_47),
)


class ExploitationForm(StrEnum):
    """Forms of exploitation of Directive 2011/36/EU as amended by Directive (EU) 2024/1712."""

    SEXUAL = "sexual"
    LABOUR = "labour"
    DOMESTIC_SERVITUDE = "domestic_servitude"
    FORCED_CRIMINALITY = "forced_criminality"
    FORCED_BEGGING = "forced_begging"
    ORGAN_REMOVAL = "organ_removal"
    ILLEGAL_ADOPTION = "illegal_adoption"
    FORCED_MARRIAGE = "forced_marriage"
    SURROGACY = "surrogacy"
    OTHER = "other"


class IsicSection(StrEnum):
    """ISIC Rev. 4 sections, for the sector in which labour exploitation took place."""

    A = "A"  # agriculture, forestry and fishing
    B = "B"  # mining and quarrying
    C = "C"  # manufacturing
    D = "D"  # electricity, gas, steam
    E = "E"  # water supply, waste
    F = "F"  # construction
    G = "G"  # wholesale and retail trade
    H = "H"  # transportation and storage
    I = "I"  # accommodation and food service  # noqa: E741
    J = "J"  # information and communication
    K = "K"  # financial and insurance
    L = "L"  # real estate
    M = "M"  # professional, scientific, technical
    N = "N"  # administrative and support services (cleaning, temp agencies)
    O = "O"  # public administration  # noqa: E741
    P = "P"  # education
    Q = "Q"  # human health and social work
    R = "R"  # arts, entertainment and recreation
    S = "S"  # other service activities (e.g. nail bars, car washes)
    T = "T"  # households as employers (domestic work)
    U = "U"  # extraterritorial organisations


class MeansOfControl(StrEnum):
    """CTDC's means of control (meansOfControl* columns)."""

    DEBT_BONDAGE = "debt_bondage"
    TAKES_EARNINGS = "takes_earnings"
    RESTRICTS_FINANCIAL_ACCESS = "restricts_financial_access"
    THREATS = "threats"
    PSYCHOLOGICAL_ABUSE = "psychological_abuse"
    PHYSICAL_ABUSE = "physical_abuse"
    SEXUAL_ABUSE = "sexual_abuse"
    FALSE_PROMISES = "false_promises"
    PSYCHOACTIVE_SUBSTANCES = "psychoactive_substances"
    RESTRICTS_MOVEMENT = "restricts_movement"
    RESTRICTS_MEDICAL_CARE = "restricts_medical_care"
    EXCESSIVE_WORKING_HOURS = "excessive_working_hours"
    USES_CHILDREN = "uses_children"
    THREAT_OF_LAW_ENFORCEMENT = "threat_of_law_enforcement"
    WITHHOLDS_NECESSITIES = "withholds_necessities"
    WITHHOLDS_DOCUMENTS = "withholds_documents"
    OTHER = "other"


class RecruiterRelation(StrEnum):
    """CTDC's relation of the recruiter to the victim (recruiterRelation* columns)."""

    INTIMATE_PARTNER = "intimate_partner"
    FRIEND = "friend"
    FAMILY = "family"
    EMPLOYER = "employer"
    AGENCY = "agency"
    STRANGER = "stranger"
    OTHER = "other"
    UNKNOWN = "unknown"


class RecruitmentMethod(StrEnum):
    """How the victim was recruited; ONLINE_* methods may name the platform used."""

    PERSONAL_CONTACT = "personal_contact"
    LOVERBOY = "loverboy"  # feigned romance, the "lover boy" method
    JOB_OFFER = "job_offer"
    RECRUITMENT_AGENCY = "recruitment_agency"
    ONLINE_ADVERT = "online_advert"
    ONLINE_SOCIAL_MEDIA = "online_social_media"
    ONLINE_DATING = "online_dating"
    ONLINE_MESSAGING = "online_messaging"
    ABDUCTION = "abduction"
    SOLD_BY_FAMILY = "sold_by_family"
    OTHER = "other"
    UNKNOWN = "unknown"

    @property
    def is_online(self) -> bool:
        return self.value.startswith("online_")


class OnlinePlatform(StrEnum):
    FACEBOOK = "facebook"
    INSTAGRAM = "instagram"
    TIKTOK = "tiktok"
    SNAPCHAT = "snapchat"
    TELEGRAM = "telegram"
    WHATSAPP = "whatsapp"
    SIGNAL = "signal"
    VK = "vk"
    ONLYFANS = "onlyfans"
    DATING_APP = "dating_app"
    CLASSIFIEDS_SITE = "classifieds_site"
    ESCORT_SITE = "escort_site"
    JOB_PORTAL = "job_portal"
    GAMING_PLATFORM = "gaming_platform"
    OTHER = "other"


class Vulnerability(StrEnum):
    """Vulnerability flags recorded at registration (Directive 2011/36/EU, recital 12, art. 11)."""

    UNACCOMPANIED_MINOR = "unaccompanied_minor"
    PHYSICAL_DISABILITY = "physical_disability"
    INTELLECTUAL_DISABILITY = "intellectual_disability"
    MENTAL_HEALTH = "mental_health"
    SUBSTANCE_DEPENDENCE = "substance_dependence"
    PREGNANCY = "pregnancy"
    HOMELESSNESS = "homelessness"
    IRREGULAR_MIGRATION_STATUS = "irregular_migration_status"
    ASYLUM_SEEKER = "asylum_seeker"
    DEBT = "debt"
    POVERTY = "poverty"
    CARE_LEAVER = "care_leaver"
    DOMESTIC_VIOLENCE = "domestic_violence"
    LANGUAGE_BARRIER = "language_barrier"
    ETHNIC_MINORITY = "ethnic_minority"
    LGBTIQ = "lgbtiq"
    OTHER = "other"


class PersonKind(StrEnum):
    NATURAL = "natural"
    LEGAL = "legal"


class SuspectRole(StrEnum):
    RECRUITER = "recruiter"
    TRANSPORTER = "transporter"
    EXPLOITER = "exploiter"
    CONTROLLER = "controller"
    FINANCIER = "financier"
    OTHER = "other"


class JusticeStage(StrEnum):
    """Criminal-justice stages as Eurostat counts persons: suspected, prosecuted, then a verdict."""

    SUSPECTED = "suspected"
    PROSECUTED = "prosecuted"
    CONVICTED = "convicted"
    ACQUITTED = "acquitted"

    @property
    def rank(self) -> int:
        return _STAGE_RANK[self]


_STAGE_RANK = {
    JusticeStage.SUSPECTED: 0,
    JusticeStage.PROSECUTED: 1,
    JusticeStage.CONVICTED: 2,
    JusticeStage.ACQUITTED: 2,
}


class RouteEventKind(StrEnum):
    RECRUITMENT = "recruitment"
    TRANSIT = "transit"
    EXPLOITATION = "exploitation"


class ExternalSystem(StrEnum):
    """Where an external file reference points: another agency's case or file number."""

    POLICE = "police"
    PROSECUTION = "prosecution"
    COURT = "court"
    LABOUR_INSPECTORATE = "labour_inspectorate"
    IMMIGRATION = "immigration"
    NGO = "ngo"
    EUROPOL = "europol"
    EUROJUST = "eurojust"
    OTHER = "other"
