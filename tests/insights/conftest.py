"""The answer-log tests use the knowledge tests' real databases: a SQLite file and a throwaway PostgreSQL cluster."""

from __future__ import annotations

import importlib.util
from pathlib import Path

# Loaded by path: the test folders aren't packages, and copying the cluster fixture would let the two drift.
_spec = importlib.util.spec_from_file_location(
    "knowledge_test_databases", Path(__file__).resolve().parent.parent / "knowledge" / "conftest.py"
)
assert _spec is not None and _spec.loader is not None
_databases = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_databases)

postgres_socket = _databases.postgres_socket
postgres_url = _databases.postgres_url
database_url = _databases.database_url
