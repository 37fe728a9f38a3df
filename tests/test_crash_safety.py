"""Writes to the bibliography survive SIGKILL, a full disk and a second writer.

Real processes are killed at random moments (fixed seed) while they write; the file
must then be the old one or the new one, never a mix, and whatever a killed writer
left behind must not disturb the next run.
"""

from __future__ import annotations

import contextlib
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from paperrefs.bibfile import read_bib
from paperrefs.entry import format_entry
from paperrefs.fetching import add_papers
from paperrefs.ids import parse_arxiv_id
from paperrefs.metadata import PaperMetadata

from tests.helpers.cli import start_paperrefs
from tests.helpers.fake_arxiv import FakeArxiv

pytestmark = pytest.mark.slow  # real processes killed mid-write; the command line against a server

KILLS = 25


def paper(arxiv_id: str, title: str) -> PaperMetadata:
    return PaperMetadata(parse_arxiv_id(arxiv_id), title, ("Ada Tester",), "cs.LG")


def big_bib(count: int, title: str = "Paper") -> bytes:
    """``count`` generated entries, sorted: a realistic file of about 300 bytes each."""
    entries = [
        format_entry(f"tester2001p{n:05d}", paper(f"2001.{n:05d}", f"{title} {n}"))
        for n in range(1, count + 1)
    ]
    return "\n".join(["% Hand-written header.\n", *entries]).encode()


def stray_temps(folder: Path) -> list[str]:
    return sorted(name for name in os.listdir(folder) if name.endswith(".tmp"))


def start(script: str, *args: str) -> subprocess.Popen[str]:
    """A child running ``script`` that prints one line once its imports are done."""
    child = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(script), *args], stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None
    assert child.stdout.readline() == "ready\n"
    return child


def kill(child: subprocess.Popen[str]) -> None:
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL


# SIGKILL during atomic_write

SWAPPER = """
    import sys
    from pathlib import Path
    from paperrefs.fsutil import atomic_write

    path = Path(sys.argv[1])
    old, new = Path(sys.argv[2]).read_bytes(), Path(sys.argv[3]).read_bytes()
    print("ready", flush=True)
    while True:
        atomic_write(path, new)
        atomic_write(path, old)
"""


def test_sigkill_at_any_moment_of_a_write_leaves_the_old_or_the_new_file(tmp_path: Path) -> None:
    old, new = big_bib(3000, "Old"), big_bib(3000, "New")
    assert len(old) > 800_000  # big enough that a kill often lands inside a write
    (tmp_path / "old").write_bytes(old)
    (tmp_path / "new").write_bytes(new)
    folder = tmp_path / "bib"
    folder.mkdir()
    path = folder / "papers.bib"
    path.write_bytes(old)
    rng = random.Random(7)
    leftovers = 0
    for _ in range(KILLS):
        child = start(SWAPPER, str(path), str(tmp_path / "old"), str(tmp_path / "new"))
        time.sleep(rng.uniform(0.0, 0.2))
        kill(child)
        assert path.read_bytes() in (old, new)
        leftovers += len(stray_temps(folder))
    # Proof that the kills really hit the window between creating and renaming the temp.
    assert leftovers > 0
    # The next run is not disturbed by the debris, and clears it.
    add_papers(path, [paper("2401.00001", "After the crash")], timeout=5)
    assert stray_temps(folder) == []
    assert len(read_bib(path).entries) == 3001


def test_a_reader_never_sees_a_half_written_file(tmp_path: Path) -> None:
    old, new = big_bib(2000, "Old"), big_bib(2000, "New")
    (tmp_path / "old").write_bytes(old)
    (tmp_path / "new").write_bytes(new)
    path = tmp_path / "papers.bib"
    path.write_bytes(old)
    child = start(SWAPPER, str(path), str(tmp_path / "old"), str(tmp_path / "new"))
    seen = set()
    try:
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline:
            data = path.read_bytes()
            assert data in (old, new)
            seen.add(data)
    finally:
        kill(child)
    assert seen == {old, new}  # the reader really raced the writer


# SIGKILL during a whole read-merge-write cycle

ADDER = """
    import sys
    from pathlib import Path
    from paperrefs.fetching import add_papers
    from paperrefs.ids import parse_arxiv_id
    from paperrefs.metadata import PaperMetadata

    path = Path(sys.argv[1])
    print("ready", flush=True)
    for n in range(1, 100_000):
        meta = PaperMetadata(parse_arxiv_id(f"2402.{n:05d}"), f"Added {n}", ("Bo Writer",), "cs.LG")
        add_papers(path, [meta])
"""


def test_sigkill_during_adds_loses_no_entry_and_breaks_no_later_add(tmp_path: Path) -> None:
    folder = tmp_path / "bib"
    folder.mkdir()
    path = folder / "papers.bib"
    path.write_bytes(big_bib(200))
    hand_made = [entry.text for entry in read_bib(path).entries]
    rng = random.Random(11)
    for _ in range(10):
        child = start(ADDER, str(path))
        time.sleep(rng.uniform(0.05, 0.4))
        kill(child)
        document = read_bib(path)  # parses: never a mix of two versions
        added = sorted(
            int(entry.fields["eprint"].removeprefix("2402."))
            for entry in document.entries
            if entry.fields["eprint"].startswith("2402.")
        )
        assert added == list(range(1, len(added) + 1))  # nothing lost, nothing skipped
        assert all(text in document.text for text in hand_made)
    assert added  # the writers did get work done between the kills
    # A killed holder's lock is released by the kernel: the next add does not wait for it.
    add_papers(path, [paper("2403.00001", "After the crashes")], timeout=5)
    assert stray_temps(folder) == []


# The command line: a full disk, and two writers at once


def _small_file_limit() -> None:
    import resource

    # A file may not grow past 4 KB: writes fail with EFBIG, as they would with ENOSPC.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (4096, resource.RLIM_INFINITY))


@pytest.fixture
def any_paper(arxiv: FakeArxiv) -> FakeArxiv:
    """The fake arXiv, with every ID a paper."""
    arxiv.any_id = True
    return arxiv


@contextlib.contextmanager
def small_disk(folder: Path) -> Iterator[Path]:
    """A real 64 KB file system at ``folder``; skips where mounting is not allowed."""
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(folder)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root); EFBIG stands in")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def test_a_full_disk_leaves_the_bib_intact_with_a_clear_error(
    any_paper: FakeArxiv, tmp_path: Path
) -> None:
    with small_disk(tmp_path / "bib") as folder:
        path = folder / "papers.bib"
        path.write_bytes(big_bib(120))  # about 36 KB: a second copy cannot fit in 64 KB
        before = path.read_bytes(), path.stat().st_mtime_ns
        child = start_paperrefs(["add", "2401.00001"], tmp_path, any_paper.url)
        _, stderr = child.communicate(timeout=60)
        assert child.returncode == 2
        assert "bib/papers.bib: could not write: No space left on device" in stderr
        assert "Traceback" not in stderr
        assert (path.read_bytes(), path.stat().st_mtime_ns) == before
        assert stray_temps(folder) == []


def test_a_file_size_limit_leaves_the_bib_intact_with_a_clear_error(
    any_paper: FakeArxiv, tmp_path: Path
) -> None:
    folder = tmp_path / "bib"
    folder.mkdir()
    path = folder / "papers.bib"
    path.write_bytes(big_bib(13))  # 3,940 bytes: one more entry passes the 4 KB limit
    before = path.read_bytes(), path.stat().st_mtime_ns
    child = start_paperrefs(
        ["add", "2401.00001"], tmp_path, any_paper.url, preexec_fn=_small_file_limit
    )
    _, stderr = child.communicate(timeout=60)
    assert child.returncode == 2
    assert "bib/papers.bib: could not write: File too large" in stderr
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before
    assert stray_temps(folder) == []


def test_two_adds_at_once_keep_both_entries_and_space_their_requests(
    any_paper: FakeArxiv, tmp_path: Path
) -> None:
    folder = tmp_path / "bib"
    folder.mkdir()
    path = folder / "papers.bib"
    path.write_bytes(big_bib(50))
    hand_made = [entry.text for entry in read_bib(path).entries]
    children = [
        start_paperrefs(["add", arxiv_id], tmp_path, any_paper.url)
        for arxiv_id in ("2401.00001", "2401.00002")
    ]
    outputs = [child.communicate(timeout=60) for child in children]
    assert [child.returncode for child in children] == [0, 0], outputs
    document = read_bib(path)
    assert document.by_eprint("2401.00001") is not None
    assert document.by_eprint("2401.00002") is not None
    assert all(text in document.text for text in hand_made)
    assert len(document.entries) == 52
    first, second = sorted(seen.at for seen in any_paper.seen)
    assert second - first >= 3 - 0.05  # one shared rate limit for both processes
