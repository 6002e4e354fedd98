"""`make run`'s devserver: the web server and the worker run together, and when either stops
the other is stopped too."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psutil
import pytest

ROOT = Path(__file__).resolve().parent.parent


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def children(process):
    """The devserver's web and worker processes: (name, psutil.Process)."""
    found = {}
    for child in psutil.Process(process.pid).children():
        command = " ".join(child.cmdline())
        found["web" if "runserver" in command else "worker"] = child
    return found


@pytest.mark.parametrize("victim", ["worker", "web"])
def test_when_one_process_dies_the_other_is_stopped(tmp_path, victim):
    env = {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'dev.sqlite3'}",
        "TASKS_BACKEND": "db",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "devserver", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    assert r.status == 200
                    break
            except OSError:
                assert time.monotonic() < deadline, "the web server never answered"
                time.sleep(0.3)
        processes = children(server)
        assert set(processes) == {"web", "worker"}
        survivor = processes["web" if victim == "worker" else "worker"]
        os.killpg(processes[victim].pid, signal.SIGKILL)
        assert server.wait(timeout=20) == 1
        survivor.wait(timeout=5)
        assert not survivor.is_running() or survivor.status() == psutil.STATUS_ZOMBIE
    finally:
        if server.poll() is None:
            server.kill()
