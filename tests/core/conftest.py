"""A real PostgreSQL server for the checkpointer tests: Debian's binaries, a throwaway cluster in a temp dir.

The server listens on 127.0.0.1 only, on a free port, with its unix socket inside the temp dir, and trusts
local connections (nothing else can reach it). Run as root, initdb and pg_ctl refuse to start, so they run
as the `postgres` user and the cluster directory belongs to that user.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from tests.conftest import free_port

PG_USER = "pakka"
LOG_TAIL_CHARS = 4000


def postgres_bin_dir() -> Path:
    """The newest installed PostgreSQL server's bin directory; fails the test run when there is none."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_major_version)
    if not candidates:
        pytest.fail(
            "PostgreSQL server binaries (initdb, pg_ctl) not found under /usr/lib/postgresql/*/bin. "
            "Run the tests with the README's test command, scripts/test.sh, which installs Debian's "
            "postgresql package.",
            pytrace=False,
        )
    return Path(candidates[-1]).parent


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """Starts a PostgreSQL cluster for the session; yields the admin URL of its `postgres` database."""
    bin_dir = postgres_bin_dir()
    root = Path(tempfile.mkdtemp(prefix="pakka-pg-"))
    try:
        run_as = _run_as_prefix(root)
        data_dir, socket_dir, log_file = root / "data", root / "socket", root / "postgres.log"
        socket_dir.mkdir()
        _chown_to_postgres(socket_dir)
        port = free_port()
        initdb = [*run_as, str(bin_dir / "initdb"), "-D", str(data_dir)]
        pg_ctl = [*run_as, str(bin_dir / "pg_ctl"), "-D", str(data_dir)]
        _run([*initdb, "-U", PG_USER, "-A", "trust", "-E", "UTF8", "--no-locale", "--no-sync"], root)
        server_options = f"-c listen_addresses=127.0.0.1 -p {port} -k {socket_dir} -c fsync=off"
        _run([*pg_ctl, "-l", str(log_file), "-o", server_options, "-w", "start"], root)
        try:
            yield f"postgresql://{PG_USER}@127.0.0.1:{port}/postgres"
        finally:
            _run([*pg_ctl, "-m", "fast", "-w", "stop"], root)
    finally:
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    """A fresh, empty database on the session's server for one test; dropped afterwards."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_server, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield postgres_server.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(postgres_server, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def _major_version(initdb_path: str) -> int:
    return int(Path(initdb_path).parent.parent.name)


def _run_as_prefix(root: Path) -> list[str]:
    """As root: run the server tools as `postgres` (owning `root`); as anyone else: as that user."""
    if os.geteuid() != 0:
        return []
    _chown_to_postgres(root)
    return ["runuser", "-u", "postgres", "--"]


def _chown_to_postgres(path: Path) -> None:
    if os.geteuid() == 0:
        account = pwd.getpwnam("postgres")
        os.chown(path, account.pw_uid, account.pw_gid)


def _run(command: list[str], root: Path) -> None:
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        log_file = root / "postgres.log"
        log = log_file.read_text(errors="replace")[-LOG_TAIL_CHARS:] if log_file.exists() else ""
        pytest.fail(
            f"{' '.join(command)} exited {result.returncode}\n{result.stdout}\n{result.stderr}\n{log}",
            pytrace=False,
        )
