"""While a build runs, what it loaded is kept out of the garbage collector's walks; the exit
of a process that built with paperrefs skips the interpreter's final garbage collection; a
process that goes on after a build collects garbage as usual."""

from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.sphinx import MakeApp, build

pytestmark = pytest.mark.slow  # real Sphinx builds

# conf.py runs before any extension is set up, so this handler is registered first and,
# atexit running handlers last-in first-out, runs after paperrefs' own.
AT_EXIT = """
import atexit, gc
from pathlib import Path

def _note_frozen():
    Path(__file__).with_name("frozen.txt").write_text(str(gc.get_freeze_count()))

atexit.register(_note_frozen)
"""


def test_the_exit_of_a_build_skips_the_final_collection(site: Path) -> None:
    (site / "conf.py").write_text((site / "conf.py").read_text() + AT_EXIT)
    command = [sys.executable, "-m", "sphinx", "-q", "-b", "html", str(site), str(site / "out")]
    run = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert (site / "out" / "index.html").is_file()
    # Every object alive at exit moved out of the collector's sight.
    assert int((site / "frozen.txt").read_text()) > 10_000


def test_a_process_that_goes_on_after_a_build_still_collects(make_app: MakeApp, site: Path) -> None:
    build(make_app, site)
    assert gc.get_freeze_count() == 0
    assert gc.isenabled()


# Registered by conf.py before paperrefs is set up; env-updated comes after every
# builder-inited handler, once the environment and the bib are loaded.
WHILE_BUILDING = """
import gc
from pathlib import Path

def setup(app):
    def note_frozen(app, env):
        Path(__file__).with_name("frozen-while-building.txt").write_text(str(gc.get_freeze_count()))
    app.connect("env-updated", note_frozen)
"""


def test_what_a_build_loaded_is_out_of_the_collectors_sight_until_it_finishes(
    make_app: MakeApp, site: Path
) -> None:
    (site / "conf.py").write_text((site / "conf.py").read_text() + WHILE_BUILDING)
    build(make_app, site)
    assert int((site / "frozen-while-building.txt").read_text()) > 10_000
    assert gc.get_freeze_count() == 0


# Registered by conf.py; records, in the main process and in each -j worker, whether the
# collector runs on its own while documents are read and merged.
DURING_PARALLEL_READ = """
import gc, os
from pathlib import Path

MAIN = os.getpid()
HERE = Path(__file__).parent

def setup(app):
    def note(name, line):
        with (HERE / name).open("a") as out:
            out.write(line + "\\n")

    def in_worker(app, doctree):
        if os.getpid() != MAIN:
            note(f"worker-{os.getpid()}.txt", str(gc.isenabled()))

    def at_merge(app, env, docnames, other):
        note("merges.txt", f"{gc.isenabled()} {gc.get_freeze_count()}")

    def after_read(app, env):
        note("after-read.txt", str(gc.isenabled()))

    app.connect("doctree-read", in_worker)
    app.connect("env-merge-info", at_merge)
    app.connect("env-updated", after_read, priority=950)
"""


def test_a_parallel_read_collects_between_chunks_and_workers_collect_as_usual(
    make_app: MakeApp, site: Path
) -> None:
    (site / "conf.py").write_text((site / "conf.py").read_text() + DURING_PARALLEL_READ)
    build(make_app, site, parallel=2)
    merges = [line.split() for line in (site / "merges.txt").read_text().splitlines()]
    assert len(merges) >= 2, "the site should be read in more than one chunk"
    # Between forks the main process does not walk on its own: what was merged is frozen.
    assert all(enabled == "False" and int(frozen) > 10_000 for enabled, frozen in merges)
    workers = list(site.glob("worker-*.txt"))
    assert len(workers) >= 2
    assert {line for path in workers for line in path.read_text().splitlines()} == {"True"}
    assert (site / "after-read.txt").read_text().split() == ["True"]
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0


# Registered by conf.py; an object the main process makes once the read is over, after
# every other env-updated handler, and looked for by each -j write worker.
DURING_PARALLEL_WRITE = """
import gc, os
from pathlib import Path

MAIN = os.getpid()
HERE = Path(__file__).parent
MADE_AFTER_READ = []

def setup(app):
    def after_read(app, env):
        MADE_AFTER_READ.append(["made after the read"])  # a list: always tracked

    def in_writer(app, pagename, templatename, context, doctree):
        if os.getpid() != MAIN:
            made = MADE_AFTER_READ[0]
            inherited = any(obj is made for obj in gc.get_objects())
            with (HERE / f"writer-{os.getpid()}.txt").open("a") as out:
                out.write(f"{gc.isenabled()} {inherited}\\n")

    app.connect("env-updated", after_read, priority=950)
    app.connect("html-page-context", in_writer)
"""


def test_a_parallel_write_freezes_in_each_worker_what_it_inherited(
    make_app: MakeApp, site: Path
) -> None:
    (site / "conf.py").write_text((site / "conf.py").read_text() + DURING_PARALLEL_WRITE)
    build(make_app, site, parallel=2)
    writers = list(site.glob("writer-*.txt"))
    assert writers, "the pages should be written in workers"
    # gc.get_objects() leaves out frozen objects: the worker sees the main process's object
    # only if it left what it inherited in the collector's sight. Its own it collects.
    seen = {line for path in writers for line in path.read_text().splitlines()}
    assert seen == {"True False"}
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0
