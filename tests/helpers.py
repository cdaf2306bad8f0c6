"""Shared test helpers: where the shipped release is, a free port, the CLI in a real process, a Chroma server.

Why a module and not conftest: tests import these by name (``from tests.helpers import RELEASE``); conftest
keeps only fixtures.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"
RELEASE = next(CORPUS.glob("*.txt"))

#: A release written for the tests (no eval set holds it): abbreviations spelled out both ways, two
#: cohorts, a trial acronym, figures for one arm and the other.
ZENTRA = """Zentra Bio announces positive ODAC vote for Zorbatin

Boston, 3 March 2025 - The Oncologic Drugs Advisory Committee (ODAC) of the U.S. Food and Drug \
Administration (FDA) voted 9 to 2 in favour of Zorbatin (zorbatinib) for adults with advanced \
medullary thyroid cancer. The European Medicines Agency (EMA) is reviewing a separate application; its \
Committee for Medicinal Products for Human Use (CHMP) has not yet given an opinion.

The ODAC vote was based on results from the Phase III ZEPHYR trial.

ZEPHYR (Zorbatinib Evaluated in Patients with HYpoxic Relapsed tumors) is a Phase III trial. The trial \
enrolled 412 patients at 80 sites. Patients were randomized 1:1 to Zorbatin or placebo in two cohorts. The first cohort included patients \
with RET mutations. Each cohort was randomized on its own and had its own statistical analysis plan. The primary endpoint was \
progression-free survival (PFS). Median PFS was 11.2 months with Zorbatin versus 5.6 months with placebo.
"""


def free_port() -> int:
    """A free loopback port for a server a test starts."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def assistant_cli(*args: str, env: dict | None = None, input: str | None = None, timeout: int = 600):
    """Run the ``assistant`` command in a real process, as a user would (stdout, stderr, return code)."""
    return subprocess.run(
        [sys.executable, "-m", "assistant", *args],
        env=env if env is not None else dict(os.environ),
        input=input,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def start_chroma(path: Path, port: int) -> subprocess.Popen:
    """A real ``chroma run`` server on loopback, started for a test (the caller stops it)."""
    exe = Path(sys.executable).parent / "chroma"
    proc = subprocess.Popen(
        [str(exe), "run", "--path", str(path), "--port", str(port), "--host", "127.0.0.1"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 30
    while time.time() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return proc
        time.sleep(0.2)
    proc.kill()
    raise RuntimeError("chroma run did not start")
