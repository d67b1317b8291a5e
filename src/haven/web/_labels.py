"""English labels of the code lists shown in the UI; translated through the catalogs.

`N_` only marks a string for extraction (`pybabel extract -k N_`); translation happens when a
page is rendered, in the reader's language.
"""

from __future__ import annotations

from enum import StrEnum

from haven._text import N_
from haven.access import Role
from haven.standard import (
    AgeBand,
    AgeGroup,
    DocumentKind,
    ExploitationForm,
    ExternalSystem,
    IdentificationStatus,
    IsicSection,
    JusticeStage,
    MeansOfControl,
    OnlinePlatform,
    OrganisationType,
    RecruiterRelation,
    RecruitmentMethod,
    RouteEventKind,
    Sex,
    SuspectRole,
    Vulnerability,
)
from haven.web._referral_labels import FIELD_LABELS, REFERRAL_LABELS

__all__ = ["AUDIT_ACTIONS", "LABELS", "N_", "RECORD_FIELDS"]


LABELS: dict[type[StrEnum], dict[str, str]] = {
    OrganisationType: {
        "police": N_("Police"), "prosecution": N_("Public prosecution"), "court": N_("Court"),
        "labour_inspectorate": N_("Labour inspectorate"), "border_guard": N_("Border guard"),
        "immigration": N_("Immigration service"), "social_services": N_("Social services"),
        "child_protection": N_("Child protection"), "ngo": N_("NGO"), "shelter": N_("Shelter"),
        "health": N_("Health service"), "embassy": N_("Embassy or consulate"),
        "other": N_("Other"),
    },
    IdentificationStatus: {
        "presumed": N_("Presumed victim"), "reasonable_grounds": N_("Reasonable grounds"),
        "identified": N_("Identified victim"), "declined": N_("Not identified"),
    },
    Sex: {"female": N_("Female"), "male": N_("Male"), "other": N_("Other"),
          "unknown": N_("Unknown")},
    AgeGroup: {"child": N_("Child"), "adult": N_("Adult"), "unknown": N_("Unknown")},
    ExploitationForm: {
        "sexual": N_("Sexual exploitation"), "labour": N_("Labour exploitation"),
        "domestic_servitude": N_("Domestic servitude"),
        "forced_criminality": N_("Forced criminal activities"),
        "forced_begging": N_("Forced begging"), "organ_removal": N_("Removal of organs"),
        "illegal_adoption": N_("Illegal adoption"), "forced_marriage": N_("Forced marriage"),
        "surrogacy": N_("Exploitation of surrogacy"), "other": N_("Other forms"),
    },
    MeansOfControl: {
        "debt_bondage": N_("Debt bondage"), "takes_earnings": N_("Takes earnings"),
        "restricts_financial_access": N_("Restricts access to money"),
        "threats": N_("Threats"), "psychological_abuse": N_("Psychological abuse"),
        "physical_abuse": N_("Physical abuse"), "sexual_abuse": N_("Sexual abuse"),
        "false_promises": N_("False promises"),
        "psychoactive_substances": N_("Drugs or alcohol"),
        "restricts_movement": N_("Restricts movement"),
        "restricts_medical_care": N_("Restricts medical care"),
        "excessive_working_hours": N_("Excessive working hours"),
        "uses_children": N_("Uses children"),
        "threat_of_law_enforcement": N_("Threat of police or deportation"),
        "withholds_necessities": N_("Withholds necessities"),
        "withholds_documents": N_("Withholds documents"), "other": N_("Other"),
    },
    RecruiterRelation: {
        "intimate_partner": N_("Intimate partner"), "friend": N_("Friend"),
        "family": N_("Family member"), "employer": N_("Employer"),
        "agency": N_("Recruitment agency"), "stranger": N_("Stranger"), "other": N_("Other"),
        "unknown": N_("Unknown"),
    },
    RecruitmentMethod: {
        "personal_contact": N_("Personal contact"), "loverboy": N_("Lover boy method"),
        "job_offer": N_("Job offer"), "recruitment_agency": N_("Recruitment agency"),
        "online_advert": N_("Online advert"), "online_social_media": N_("Social media"),
        "online_dating": N_("Dating app or site"), "online_messaging": N_("Messaging app"),
        "abduction": N_("Abduction"), "sold_by_family": N_("Sold by family"),
        "other": N_("Other"), "unknown": N_("Unknown"),
    },
    ExternalSystem: {
        "police": N_("Police"), "prosecution": N_("Public prosecution"), "court": N_("Court"),
        "labour_inspectorate": N_("Labour inspectorate"),
        "immigration": N_("Immigration service"), "ngo": N_("NGO"), "europol": N_("Europol"),
        "eurojust": N_("Eurojust"), "other": N_("Other"),
    },
    DocumentKind: {
        "passport": N_("Passport"), "id_card": N_("Identity card"),
        "residence_permit": N_("Residence permit"), "driving_licence": N_("Driving licence"),
        "work_permit": N_("Work permit"), "birth_certificate": N_("Birth certificate"),
        "other": N_("Other"),
    },
    # The bands themselves are figures ("18-20"); only "unknown" is a word.
    AgeBand: {"unknown": N_("Unknown")},
    OnlinePlatform: {
        "facebook": N_("Facebook"), "instagram": N_("Instagram"), "tiktok": N_("TikTok"),
        "snapchat": N_("Snapchat"), "telegram": N_("Telegram"), "whatsapp": N_("WhatsApp"),
        "signal": N_("Signal"), "vk": N_("VK"), "onlyfans": N_("OnlyFans"),
        "dating_app": N_("Dating app or site"), "classifieds_site": N_("Classifieds site"),
        "escort_site": N_("Escort site"), "job_portal": N_("Job site"),
        "gaming_platform": N_("Gaming platform"), "other": N_("Other"),
    },
    # ISIC Rev. 4 sections, letter first (the letter is the code people know).
    IsicSection: {
        "A": N_("A · Agriculture, forestry and fishing"), "B": N_("B · Mining and quarrying"),
        "C": N_("C · Manufacturing"),
        "D": N_("D · Electricity, gas, steam and air conditioning supply"),
        "E": N_("E · Water supply, sewerage and waste management"),
        "F": N_("F · Construction"), "G": N_("G · Wholesale and retail trade"),
        "H": N_("H · Transportation and storage"),
        "I": N_("I · Accommodation and food service"),
        "J": N_("J · Information and communication"),
        "K": N_("K · Financial and insurance activities"), "L": N_("L · Real estate"),
        "M": N_("M · Professional, scientific and technical activities"),
        "N": N_("N · Administrative and support services"),
        "O": N_("O · Public administration and defence"), "P": N_("P · Education"),
        "Q": N_("Q · Human health and social work"),
        "R": N_("R · Arts, entertainment and recreation"),
        "S": N_("S · Other service activities"), "T": N_("T · Households as employers"),
        "U": N_("U · Extraterritorial organisations"),
    },
    Vulnerability: {
        "unaccompanied_minor": N_("Unaccompanied minor"),
        "physical_disability": N_("Physical disability"),
        "intellectual_disability": N_("Intellectual disability"),
        "mental_health": N_("Mental health problems"),
        "substance_dependence": N_("Substance dependence"), "pregnancy": N_("Pregnancy"),
        "homelessness": N_("Homelessness"),
        "irregular_migration_status": N_("Irregular migration status"),
        "asylum_seeker": N_("Asylum seeker"), "debt": N_("Debt"), "poverty": N_("Poverty"),
        "care_leaver": N_("Care leaver"), "domestic_violence": N_("Domestic violence"),
        "language_barrier": N_("Language barrier"), "ethnic_minority": N_("Ethnic minority"),
        "lgbtiq": N_("LGBTIQ"), "other": N_("Other"),
    },
    RouteEventKind: {"recruitment": N_("Recruitment"), "transit": N_("Transit"),
                     "exploitation": N_("Exploitation")},
    SuspectRole: {
        "recruiter": N_("Recruiter"), "transporter": N_("Transporter"),
        "exploiter": N_("Exploiter"), "controller": N_("Controller"),
        "financier": N_("Financier"), "other": N_("Other"),
    },
    JusticeStage: {
        "suspected": N_("Suspected"), "prosecuted": N_("Prosecuted"),
        "convicted": N_("Convicted"), "acquitted": N_("Acquitted"),
    },
    Role: {
        "first_line_worker": N_("First-line worker"), "case_worker": N_("Case worker"),
        "supervisor": N_("Supervisor"), "analyst": N_("Analyst"),
        "rapporteur": N_("Rapporteur"), "org_admin": N_("Organisation administrator"),
        "system_admin": N_("System administrator"),
    },
    **REFERRAL_LABELS,
}


# Audit actions as the history table shows them.
AUDIT_ACTIONS: dict[str, str] = {
    "create": N_("Registered"), "update": N_("Changed"), "read": N_("Viewed"),
    "read_identifying": N_("Identifying data viewed"), "list": N_("Listed"),
    "export": N_("Exported"), "import": N_("Imported"), "link": N_("Linked to a person"),
    "grant": N_("Shared"), "revoke": N_("Sharing ended"),
    "read_granted": N_("Viewed by a receiving organisation"),
}

# The fields of a record as its history names them (the audit log keeps names, never values).
RECORD_FIELDS: dict[str, str] = {
    **FIELD_LABELS, "identifying": N_("Identifying data"), "history": N_("History"),
    "person_kind": N_("Person"), "age": N_("Age"), "citizenship": N_("Citizenship"),
    "roles": N_("Roles"), "justice": N_("Criminal justice"), "opened_on": N_("Opened"),
    "victims": N_("Victims"), "suspects": N_("Suspects"), "route": N_("Route"),
    "references": N_("File references"), "stage": N_("Stage"),
}
