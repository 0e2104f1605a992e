"""Real databases for the knowledge tests: a SQLite file, and a throwaway PostgreSQL cluster started here.

PostgreSQL that can't be started fails the tests that need it; it never skips them.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest


def _postgres_bin() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        pytest.fail("PostgreSQL's server binaries aren't installed (Debian: apt-get install postgresql)")
    return Path(found[-1]).parent


def _as_server_user(command: list[str]) -> list[str]:
    # initdb refuses to run as root: the cluster belongs to the postgres system user then.
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@pytest.fixture(scope="session")
def postgres_socket() -> Iterator[Path]:
    """A PostgreSQL cluster listening on a Unix socket in a temporary folder, for the whole test run."""
    binaries = _postgres_bin()
    root = Path(tempfile.mkdtemp(prefix="quotebot-pg-"))
    if os.geteuid() == 0:
        server_user = pwd.getpwnam("postgres")
        os.chown(root, server_user.pw_uid, server_user.pw_gid)
    data = root / "data"
    log = root / "server.log"
    run = lambda command: subprocess.run(  # noqa: E731
        _as_server_user(command), capture_output=True, text=True, timeout=120, check=False
    )
    created = run([str(binaries / "initdb"), "-D", str(data), "-A", "trust", "-U", "quotebot", "--no-sync"])
    if created.returncode != 0:
        pytest.fail(f"initdb failed: {created.stderr.strip()[-500:]}")
    options = f"-k {root} -c listen_addresses='' -c fsync=off"
    started = run([str(binaries / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", options, "-w", "start"])
    if started.returncode != 0:
        pytest.fail(f"PostgreSQL didn't start: {started.stderr.strip()[-500:]} {log.read_text()[-500:]}")
    try:
        yield root
    finally:
        run([str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"])
        shutil.rmtree(root, ignore_errors=True)


_database_numbers = iter(range(1, 1_000_000))


@pytest.fixture
def postgres_url(postgres_socket: Path) -> str:
    """A fresh, empty PostgreSQL database of its own for one test."""
    name = f"test_{os.getpid()}_{next(_database_numbers)}"
    created = subprocess.run(
        [str(_postgres_bin() / "createdb"), "-h", str(postgres_socket), "-U", "quotebot", name],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if created.returncode != 0:
        pytest.fail(f"createdb failed: {created.stderr.strip()}")
    return f"postgresql+asyncpg://quotebot@/{name}?host={postgres_socket}"


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each knowledge test runs on a real SQLite file and on a real PostgreSQL server."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'data' / 'quotebot.db'}"
    return request.getfixturevalue("postgres_url")
