"""How many worker processes write the pages of a ``-j N`` build.

Sphinx reads with N workers but writes with N - 1: the main process loads and resolves
every page and hands the pages out in chunks, and it counts as the N-th. On a paperrefs
site the main process has the lighter share. At 10,000 papers with ``-j 2`` on two cores
it resolved all 10,202 pages in 56 s of a 189 s write and then only waited, while its
single worker wrote the 32 chunks one after another, about 4 s each: the write took as
long as a serial one, and the whole ``-j 2`` build was slower than ``-j 1``.

So for the write, paperrefs asks Sphinx for N workers: the main process shares a core with
them while it resolves, and once it is done every core writes. The number goes back to N
when the build finishes, so a process that builds again starts from what it was given.
"""

from __future__ import annotations

import weakref

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

_raised: weakref.WeakSet[Sphinx] = weakref.WeakSet()


def one_worker_per_job(app: Sphinx, env: BuildEnvironment) -> None:
    """``env-updated``, once the read is over: write with as many workers as ``-j`` says."""
    if app.parallel > 1 and app not in _raised:
        app.parallel += 1  # Sphinx writes with app.parallel - 1 workers
        _raised.add(app)


def restore_jobs(app: Sphinx, exception: BaseException | None) -> None:
    """``build-finished``: the application's ``-j`` is again the one it was given."""
    if app in _raised:
        app.parallel -= 1
        _raised.discard(app)
