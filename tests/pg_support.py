"""The local PostgreSQL that fault tests drive directly (beside the test database)."""

import os

import pytest

PG_HOST, PG_PORT = "127.0.0.1", 5432


def postgres_or_fail():
    """PostgreSQL on 127.0.0.1:5432, or skip on a workstation; on CI its absence fails."""
    import psycopg

    try:
        psycopg.connect(
            f"postgresql://postgres@{PG_HOST}:{PG_PORT}/postgres", connect_timeout=3
        ).close()
    except psycopg.OperationalError as error:
        message = f"PostgreSQL is not reachable on {PG_HOST}:{PG_PORT} ({error})"
        if os.environ.get("CI"):
            pytest.fail(f"{message}; it must be on CI.", pytrace=False)
        pytest.skip(message)
