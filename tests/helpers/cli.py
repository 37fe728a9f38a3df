"""Running ``python -m paperrefs`` as a real process, pointed at a fake arXiv.

Every run gets the API address in ``PAPERREFS_ARXIV_API`` and a private rate-limit stamp
in ``PAPERREFS_THROTTLE_FILE`` (``cwd/throttle`` unless told), so runs never share the
3-second spacing with each other or with the user's own runs. Without an API address the
command is pointed at a port where nothing listens, and so is doi.org unless the test gives
``--doi-url``: a run that should not fetch and does fails at once, and never reaches the
real arXiv or doi.org.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

NO_SERVER = "http://127.0.0.1:9/api/query"  # the discard port: nothing listens there
NO_DOI_SERVER = "http://127.0.0.1:9"  # doi.org's stand-in unless a test gives --doi-url

# Runs the command and, at exit, records its peak resident memory. VmHWM belongs to the
# process image, so unlike ru_maxrss it does not include pytest's memory from before exec.
LAUNCHER = """
import atexit, runpy, sys
from pathlib import Path

def record_peak(target):
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            Path(target).write_text(line.split()[1])

atexit.register(record_peak, sys.argv[1])
sys.argv = ["paperrefs", *sys.argv[2:]]
runpy.run_module("paperrefs", run_name="__main__")
"""


@dataclass
class Run:
    """A finished run: what it printed, how it ended, how long it took."""

    returncode: int
    stdout: str
    stderr: str
    elapsed: float
    max_rss_kb: int  # peak resident memory; 0 unless the run was asked to measure it


def environment(api_url: str, throttle: Path) -> dict[str, str]:
    return {
        **os.environ,
        "PAPERREFS_ARXIV_API": api_url,
        "PAPERREFS_DOI_URL": NO_DOI_SERVER,
        "PAPERREFS_THROTTLE_FILE": str(throttle),
    }


def start_paperrefs(
    args: Sequence[str],
    cwd: Path,
    api_url: str = NO_SERVER,
    *,
    throttle: Path | None = None,
    peak_file: Path | None = None,
    preexec_fn: Callable[[], None] | None = None,
) -> subprocess.Popen[str]:
    """Start ``paperrefs ARGS`` in ``cwd``; stdout and stderr are pipes. With ``peak_file``
    the process writes its peak resident memory (kB) there when it exits."""
    if peak_file is None:
        command = [sys.executable, "-m", "paperrefs", *args]
    else:
        command = [sys.executable, "-c", LAUNCHER, str(peak_file), *args]
    return subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment(api_url, throttle or cwd / "throttle"),
        cwd=cwd,
        preexec_fn=preexec_fn,
    )


def run_paperrefs(
    args: Sequence[str],
    cwd: Path,
    api_url: str = NO_SERVER,
    *,
    throttle: Path | None = None,
    peak_memory: bool = False,
    timeout: float = 120,
) -> Run:
    """Run ``paperrefs ARGS`` in ``cwd`` to the end; measure its wall time and, with
    ``peak_memory``, its peak resident memory."""
    peak = cwd / f"peak-{time.monotonic_ns()}" if peak_memory else None
    started = time.monotonic()
    child = start_paperrefs(args, cwd, api_url, throttle=throttle, peak_file=peak)
    try:
        stdout, stderr = child.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        child.kill()
        child.communicate()
        raise
    elapsed = time.monotonic() - started
    max_rss_kb = int(peak.read_text()) if peak is not None and peak.exists() else 0
    return Run(child.returncode, stdout, stderr, elapsed, max_rss_kb)
