"""The exchange API in one import: file format and checks (exchange_file), record kinds (record_kinds), the merge
(exchange_merge, with the rule itself in domain/merge.py), the import log and conflicts (exchange_log).
"""

from .exchange_file import (
    EXCHANGE_FORMAT,
    MANIFEST_TABLE,
    ExchangeData,
    ExchangeRefused,
    check_exchange_file,
    data_tables,
    expected_schema,
    read_exchange_file,
    rows_digest,
    signed_text,
    write_exchange_file,
)
from .exchange_log import conflicts, describe_database, find_import, import_log, resolve_conflict
from .exchange_merge import OUTCOMES, FileHeld, MergeResult, apply_in_transaction, merge_plan, write_transaction
from .record_kinds import RECORD_KINDS, RecordKind, register_kind

__all__ = [
    "EXCHANGE_FORMAT",
    "MANIFEST_TABLE",
    "OUTCOMES",
    "RECORD_KINDS",
    "ExchangeData",
    "ExchangeRefused",
    "FileHeld",
    "MergeResult",
    "RecordKind",
    "apply_in_transaction",
    "check_exchange_file",
    "conflicts",
    "data_tables",
    "describe_database",
    "expected_schema",
    "find_import",
    "import_log",
    "merge_plan",
    "read_exchange_file",
    "register_kind",
    "resolve_conflict",
    "rows_digest",
    "signed_text",
    "write_exchange_file",
    "write_transaction",
]
