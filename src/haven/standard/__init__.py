"""The THB data standard as code: code lists, record schemas and validation. Pure: no I/O.

Codes follow Eurostat's THB data collection and CTDC/HTCDS; countries are ISO 3166-1 alpha-2.
Identifying data is a separate schema (`IdentifyingData`) so that it can be kept apart.

>>> from haven.standard import VictimCreate, validate_record
>>> v = validate_record(VictimCreate, {"external_id": "V-1", "identification_status": "IDNT",
...     "sex": "F", "age_at_registration": 16, "registered_on": "2018-05-02"})
>>> v.age_group.value, v.age_band.value
('child', '9-17')
"""

from haven.standard._aliases import parse_code
from haven.standard._case import (
    CaseCreate,
    CasePublic,
    CaseUpdate,
    ExternalReference,
    OrganisationCreate,
    OrganisationPublic,
    RouteEvent,
)
from haven.standard._codes import (
    AgeBand,
    AgeGroup,
    ExploitationForm,
    ExternalSystem,
    IdentificationStatus,
    IsicSection,
    JusticeStage,
    MeansOfControl,
    OnlinePlatform,
    OrganisationType,
    PersonKind,
    RecruiterRelation,
    RecruitmentMethod,
    RouteEventKind,
    Sex,
    SuspectRole,
    Vulnerability,
)
from haven.standard._countries import (
    EU27,
    STATELESS,
    UNKNOWN_CITIZENSHIP,
    country_name,
    is_eu27,
    parse_citizenship,
    parse_country,
)
from haven.standard._flat import COLUMNS, to_flat, to_nested
from haven.standard._identity import DocumentKind, DocumentNumber, IdentifyingData
from haven.standard._suspect import (
    JusticeEvent,
    SuspectCreate,
    SuspectDetail,
    SuspectPublic,
    SuspectUpdate,
)
from haven.standard._validation import (
    IDENTIFYING_FIELDS,
    RecordKind,
    problems_from,
    problems_from_errors,
    schema_for,
    validate_record,
)
from haven.standard._victim import (
    Exploitation,
    Recruitment,
    VictimCreate,
    VictimDetail,
    VictimPublic,
    VictimUpdate,
    age_from_date_of_birth,
)

__all__ = [
    "COLUMNS",
    "EU27",
    "IDENTIFYING_FIELDS",
    "STATELESS",
    "UNKNOWN_CITIZENSHIP",
    "AgeBand",
    "AgeGroup",
    "CaseCreate",
    "CasePublic",
    "CaseUpdate",
    "DocumentKind",
    "DocumentNumber",
    "Exploitation",
    "ExploitationForm",
    "ExternalReference",
    "ExternalSystem",
    "IdentificationStatus",
    "IdentifyingData",
    "IsicSection",
    "JusticeEvent",
    "JusticeStage",
    "MeansOfControl",
    "OnlinePlatform",
    "OrganisationCreate",
    "OrganisationPublic",
    "OrganisationType",
    "PersonKind",
    "RecordKind",
    "RecruiterRelation",
    "Recruitment",
    "RecruitmentMethod",
    "RouteEvent",
    "RouteEventKind",
    "Sex",
    "SuspectCreate",
    "SuspectDetail",
    "SuspectPublic",
    "SuspectRole",
    "SuspectUpdate",
    "VictimCreate",
    "VictimDetail",
    "VictimPublic",
    "VictimUpdate",
    "Vulnerability",
    "age_from_date_of_birth",
    "country_name",
    "is_eu27",
    "parse_citizenship",
    "parse_code",
    "parse_country",
    "problems_from",
    "problems_from_errors",
    "schema_for",
    "to_flat",
    "to_nested",
    "validate_record",
]
