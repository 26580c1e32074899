"""The official OC4IDS validator library (libcoveoc4ids) run on a package, offline.

The library fetches the schema and the codelists from the standard's web site; here they come
from the copy in tests/data/oc4ids (the same 0.9.5 files as shared/reference/oc4ids). The
checks are the library's own: `common_checks_oc4ids` is what its `oc4ids_json_output` runs.
"""

from __future__ import annotations

import csv
from functools import cached_property
from pathlib import Path

from libcove.lib.common import get_schema_codelist_paths
from libcoveoc4ids.common_checks import common_checks_oc4ids
from libcoveoc4ids.config import LibCoveOC4IDSConfig
from libcoveoc4ids.schema import SchemaOC4IDS

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "data" / "oc4ids"


class LocalSchema(SchemaOC4IDS):
    """The library's schema object reading the local copy instead of the network."""

    @cached_property
    def schema_str(self):
        return (SCHEMA_DIR / self.schema_name).read_text(encoding="utf-8")

    def process_codelists(self):
        self.core_codelist_schema_paths = get_schema_codelist_paths(self, use_extensions=False)
        self.extended_codelist_schema_paths = get_schema_codelist_paths(self, use_extensions=True)
        files = {value[0] for value in self.core_codelist_schema_paths.values()}
        self.core_codelists = {
            name: {
                row["Code"]: row["Title"]
                for row in csv.DictReader((SCHEMA_DIR / "codelists" / name).open(encoding="utf-8"))
            }
            for name in files
        }
        self.extended_codelists = self.core_codelists


def review(package: dict) -> dict:
    """The validator's results: validation_errors, conformance_checks, additional_checks."""
    config = LibCoveOC4IDSConfig({"schema_host": f"{SCHEMA_DIR}/"})
    return common_checks_oc4ids(
        {"file_type": "json"}, "", package, LocalSchema(config), cache=False
    )


def problems(package: dict) -> list:
    """Every error and every failed check; [] for a clean package."""
    result = review(package)
    return [
        *result["validation_errors"],
        *result["conformance_checks"],
        *result["additional_checks"],
        *result["additional_closed_codelist_values"].items(),
    ]
