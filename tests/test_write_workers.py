"""A ``-j N`` build writes its pages with N worker processes beside the main process (Sphinx
alone would use N - 1), and the application's ``-j`` is N again once the build is over."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.sphinx import MakeApp, build

pytestmark = pytest.mark.slow  # real Sphinx builds

# Registered by conf.py: notes how many workers Sphinx was asked to write with.
WRITE_WORKERS = """
from pathlib import Path

def setup(app):
    def watch_the_write(app):
        write_parallel = app.builder._write_parallel

        def noted(docnames, nproc):
            Path(__file__).with_name("write-workers.txt").write_text(str(nproc))
            return write_parallel(docnames, nproc)

        app.builder._write_parallel = noted

    app.connect("builder-inited", watch_the_write)
"""


@pytest.mark.parametrize("jobs", [2, 3])
def test_a_parallel_build_writes_with_one_worker_per_job(
    make_app: MakeApp, site: Path, jobs: int
) -> None:
    (site / "conf.py").write_text((site / "conf.py").read_text() + WRITE_WORKERS)
    app = build(make_app, site, parallel=jobs)
    assert (site / "_build" / "html" / "index.html").is_file()
    assert (site / "write-workers.txt").read_text() == str(jobs)
    assert app.parallel == jobs


def test_a_serial_build_stays_serial(make_app: MakeApp, site: Path) -> None:
    (site / "conf.py").write_text((site / "conf.py").read_text() + WRITE_WORKERS)
    app = build(make_app, site, parallel=1)  # -j 1: one more job would make it parallel
    assert not (site / "write-workers.txt").exists()
    assert app.parallel == 1
