"""Retention and erasure: personal data kept no longer than its period, and erased for real.

`erase_record` erases one record of an organisation (or only its identifying data) for a
stated reason, with everything other packages keep on it; `due_for_erasure` finds what the
retention periods (`HAVEN_RETENTION_IDENTIFYING_YEARS`, `HAVEN_RETENTION_RECORD_YEARS`) make
due, except what open pathways and proceedings hold; `enforce` erases it. After erasing,
`Registry.compact` overwrites or vacuums the freed space. Every erasure is in the audit log
with its reason and row counts, never a value.
"""

from haven.retention._erase import (
    Erased,
    ErasureReason,
    RecordKind,
    erase_record,
    erase_records,
)
from haven.retention._policy import (
    RETENTION_ACTOR,
    Due,
    RetentionPolicy,
    RetentionRun,
    due_for_erasure,
    enforce,
)

__all__ = [
    "RETENTION_ACTOR",
    "Due",
    "Erased",
    "ErasureReason",
    "RecordKind",
    "RetentionPolicy",
    "RetentionRun",
    "due_for_erasure",
    "enforce",
    "erase_record",
    "erase_records",
]
