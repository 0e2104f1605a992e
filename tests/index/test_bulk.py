"""Tokenizing in worker processes: their lifetime is tied to the building process."""

from __future__ import annotations

import os
import time
from pathlib import Path

_ORPHAN_SCRIPT = """
import os, signal, sys
from index.bulk import worker_pool
from index.tokens import Tokenizer

pool = worker_pool(1, Tokenizer("builtin"))
print(pool.submit(os.getpid).result(), flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/status").read_text(encoding="utf-8")
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in state  # a zombie has exited


def test_tokenizing_workers_exit_when_the_build_is_killed(run_python) -> None:
    """`kill -9` of a building process: its tokenizing worker exits too, instead of living on as an orphan."""
    result = run_python(_ORPHAN_SCRIPT)
    assert result.returncode == -9, result.stderr
    worker = int(result.stdout.split()[0])
    deadline = time.monotonic() + 20
    while _alive(worker) and time.monotonic() < deadline:
        time.sleep(0.05)
    alive = _alive(worker)
    if alive:
        os.kill(worker, 9)
    assert not alive, f"worker {worker} outlived its parent"
