"""Run one Sphinx build as a subprocess and measure it.

Wall time, CPU of the whole process tree (the child's rusage includes the ``-j`` workers
it waited for), peak memory of the tree (summed RSS, sampled), documents re-read (from
Sphinx's own "N added, M changed" line), and which HTML files were rewritten and which
really changed.
"""

from __future__ import annotations

import hashlib
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import psutil

SAMPLE_SECONDS = 0.02
_UPDATED = re.compile(r"(\d+) added, (\d+) changed, (\d+) removed")
ALWAYS_WRITTEN = frozenset({"genindex.html", "search.html"})


@dataclass
class Build:
    """What one build cost and did."""

    wall: float
    cpu: float
    peak_rss: int  # bytes, whole process tree
    reread: int
    rewritten: set[str]
    changed: set[str]
    warnings: int
    returncode: int
    log: str = field(repr=False)
    on_disk: float | None = None  # live preview only: seconds from the save to the new HTML


def html_hashes(outdir: Path) -> dict[str, tuple[int, str]]:
    """Relative path -> (mtime in ns, content digest) of every HTML page."""
    found = {}
    for path in outdir.rglob("*.html"):
        if "_static" in path.parts:
            continue
        stat = path.stat()
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        found[path.relative_to(outdir).as_posix()] = (stat.st_mtime_ns, digest)
    return found


class TreeMemory:
    """Samples the summed RSS of a process and all its descendants until stopped."""

    def __init__(self, pid: int) -> None:
        self.root = psutil.Process(pid)
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._sample())
            self._stop.wait(SAMPLE_SECONDS)

    def _sample(self) -> int:
        total = 0
        try:
            processes = [self.root, *self.root.children(recursive=True)]
        except psutil.Error:
            return 0
        for process in processes:
            try:
                total += process.memory_info().rss
            except psutil.Error:
                continue
        return total


def sphinx_command(jobs: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "sphinx",
        "-b",
        "html",
        "-j",
        jobs,
        "-d",
        "docs/_build/doctrees",
        "docs",
        "docs/_build/html",
    ]


def run_build(root: Path, jobs: str = "1", env: dict[str, str] | None = None) -> Build:
    outdir = root / "docs" / "_build" / "html"
    before = html_hashes(outdir) if outdir.is_dir() else {}
    started = time.perf_counter()
    process = subprocess.Popen(
        sphinx_command(jobs),
        cwd=root,
        env={**os.environ, "NO_COLOR": "1", **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    with TreeMemory(process.pid) as memory:
        assert process.stdout is not None
        log = process.stdout.read()
        # wait4 gives this child's rusage, which includes the workers it reaped.
        _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    after = html_hashes(outdir) if outdir.is_dir() else {}
    rewritten = {
        name for name, (mtime, _) in after.items() if before.get(name, (0, ""))[0] != mtime
    }
    changed = {name for name, (_, sha) in after.items() if before.get(name, (0, ""))[1] != sha}
    counts = _UPDATED.search(log)
    return Build(
        wall=wall,
        cpu=usage.ru_utime + usage.ru_stime,
        peak_rss=max(memory.peak, usage.ru_maxrss * 1024),
        reread=int(counts[1]) + int(counts[2]) if counts else -1,
        rewritten=rewritten,
        changed=changed,
        warnings=log.count("WARNING:"),
        returncode=process.returncode,
        log=log,
    )


SERVING = "Serving on"
SERVE_TIMEOUT = 900.0
POLL_SECONDS = 0.01


def autobuild_command(port: int, watch_bib: bool) -> list[str]:
    """``make serve``'s sphinx-autobuild command line, on the benchmark's folders."""
    watch = ["--watch", "bib"] if watch_bib else []
    return [
        sys.executable,
        "-m",
        "sphinx_autobuild",
        "-b",
        "html",
        "-j",
        "1",
        "-d",
        "docs/_build/doctrees",
        "--ignore",
        "*/papers/*",
        "--ignore",
        "*/_build/*",
        *watch,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "docs",
        "docs/_build/html",
    ]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Output:
    """Collects a process's output lines on a thread, so waiting never blocks on a pipe."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.lines: list[str] = []
        assert process.stdout is not None
        self._stream = process.stdout
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        for line in self._stream:
            self.lines.append(line)

    def count(self, text: str) -> int:
        return sum(text in line for line in list(self.lines))

    def wait_for(self, text: str, times: int, process: subprocess.Popen[str]) -> None:
        deadline = time.monotonic() + SERVE_TIMEOUT
        while self.count(text) < times:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("sphinx-autobuild stopped:\n" + "".join(self.lines)[-3000:])
            time.sleep(POLL_SECONDS)


def fetch(url: str) -> bytes:
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:
            return bytes(answer.read())
    except OSError:
        return b""


def run_served_edit(
    root: Path, page: str, marker: str, save: Callable[[], None], env: dict[str, str]
) -> Build:
    """The author's loop: sphinx-autobuild running as ``make serve`` runs it, one save.

    Times run from the save to the page's HTML on disk holding ``marker`` (``on_disk``)
    and to the server answering with it (``wall``); the counts come from the rebuild.
    """
    outdir = root / "docs" / "_build" / "html"
    port = free_port()
    process = subprocess.Popen(
        autobuild_command(port, (root / "bib").is_dir()),
        cwd=root,
        env={**os.environ, "NO_COLOR": "1", **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its Sphinx runs are its children: stop them together
    )
    output = Output(process)
    try:
        output.wait_for(SERVING, 1, process)
        url = f"http://127.0.0.1:{port}/{page}"
        while not fetch(url):
            time.sleep(POLL_SECONDS)
        before = html_hashes(outdir)
        wanted = marker.encode("utf-8")
        started = time.perf_counter()
        save()
        while wanted not in (outdir / page).read_bytes():
            time.sleep(POLL_SECONDS)
        on_disk = time.perf_counter() - started
        while wanted not in fetch(url):
            time.sleep(POLL_SECONDS)
        served = time.perf_counter() - started
        output.wait_for(SERVING, 2, process)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=60)
    after = html_hashes(outdir)
    log = "".join(output.lines)
    rebuild = log[log.index(SERVING) :]
    counts = _UPDATED.search(rebuild)
    return Build(
        wall=served,
        cpu=0.0,
        peak_rss=0,
        reread=int(counts[1]) + int(counts[2]) if counts else -1,
        rewritten={
            name for name, (mtime, _) in after.items() if before.get(name, (0, ""))[0] != mtime
        },
        changed={name for name, (_, sha) in after.items() if before.get(name, (0, ""))[1] != sha},
        warnings=rebuild.count("WARNING:"),
        returncode=0,
        log=log,
        on_disk=on_disk,
    )


def excess_writes(build: Build, parents: dict[str, str]) -> set[str]:
    """Pages rewritten that neither changed nor had to be: the minimal set is the pages
    whose content changed, plus what Sphinx always writes (genindex, search) and the
    toctree parents of the pages it writes."""
    minimal = build.changed | ALWAYS_WRITTEN
    minimal |= {parents[page] for page in build.changed if page in parents}
    return build.rewritten - minimal


@dataclass(frozen=True)
class FileState:
    size: int
    mtime_ns: int
    digest: str

    @classmethod
    def of(cls, path: Path) -> FileState:
        data = path.read_bytes()
        return cls(len(data), path.stat().st_mtime_ns, hashlib.sha256(data).hexdigest())
