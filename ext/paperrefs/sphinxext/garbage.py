"""The cyclic garbage collector during a build and at the process's exit.

Python's collector now and then walks every object that survived its earlier passes,
to find cycles no one can reach. During a build those are mostly what the build loaded
before it began: the pickled environment, the parsed bib, sphinxcontrib-bibtex's data.
They live until the build ends, so each walk over them finds nothing; at 1,000 papers,
an incremental build spent about 0.6 s in seven such walks. So as each part is loaded
(Sphinx and its extensions, the environment, the bib), the objects alive are moved out of
the collector's sight (``gc.freeze``), and moved back when the build finishes
(``gc.unfreeze``), so a process that builds again and again (a test suite, a server)
frees them as usual; a build that fails before it finishes leaves them out until the
next build finishes. What a build allocates after loading is collected as always.

A parallel read (``-j``) has its own cost. Each worker sends the whole environment back,
and the main process unpickles it, merges the worker's documents and drops the rest:
about 1.5 million objects per chunk at 10,000 papers, most of them in cycles. Unpickling
that many objects set off the collector's full walk over everything merged so far, about
three times a chunk, so the main process spent 150 s of a 200 s read walking. So while
the workers read, the main process collects only between chunks, at each fork, when the
last chunk's environment is garbage: it collects once, freezes what survived (what was
merged) and pauses the collector until the next fork. Workers collect as usual, and the
main process does again once the read ends.

A parallel write forks a worker per chunk of resolved pages. A worker renders and writes
its chunk and exits; what it inherited from the main process (the environment, the pages
the main process has resolved but not yet handed out) it never frees, so it freezes all
of it as it starts: at 10,000 papers the first write worker spent 14 s of its 43 s in
the collector's full walks, and 4 s with what it inherited frozen.

At exit, the interpreter runs the collector once more over everything still alive before
freeing it: 0.5 to 0.8 s after a build at 1,000 papers, to find nothing worth finding.
Freezing as the exit begins skips that walk; the memory goes back to the system with the
process as always. Python does not promise to run ``__del__`` of objects alive at exit;
with this, that holds for objects in unreachable cycles too.
"""

from __future__ import annotations

import atexit
import gc
import os

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.environment import BuildEnvironment

_registered = False
_fork_hooks_registered = False
_reading_in_parallel = False  # a -j read is under way in this process or its parent
_writing_in_parallel = False  # a -j write is under way in this process or its parent


def skip_final_collection() -> None:
    """Arrange, once per process, for the exit to skip the final garbage collection."""
    global _registered
    if not _registered:
        atexit.register(gc.freeze)
        _registered = True


def spare_what_the_build_loaded(app: Sphinx, config: Config | None = None) -> None:
    """What is loaded is not walked again: at ``config-inited`` (Sphinx and its extensions
    are set up, so loading the environment walks only the environment), and at
    ``builder-inited``, first (the environment is loaded) and last (the bib is)."""
    gc.freeze()


def collect_between_chunks(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """``env-before-read-docs``: if the read may run in workers, collect at each fork."""
    global _reading_in_parallel
    if app.parallel <= 1 or not gc.isenabled():
        return  # a serial read, or a process that runs its collector itself
    _register_fork_hooks()
    _reading_in_parallel = True


def _register_fork_hooks() -> None:
    global _fork_hooks_registered
    if not _fork_hooks_registered:
        os.register_at_fork(before=_before_fork, after_in_child=_after_fork_in_child)
        _fork_hooks_registered = True


def _before_fork() -> None:
    if _reading_in_parallel:
        gc.collect()
        gc.freeze()
        gc.disable()


def _after_fork_in_child() -> None:
    if _reading_in_parallel:
        gc.enable()
    if _writing_in_parallel:
        gc.freeze()


def resume_collecting(app: Sphinx, env: BuildEnvironment | None = None) -> None:
    """``env-updated`` first (the read is over), and ``build-finished`` (a read that
    failed): the main process collects on its own again."""
    global _reading_in_parallel
    if _reading_in_parallel:
        _reading_in_parallel = False
        gc.enable()


def spare_write_workers(app: Sphinx, env: BuildEnvironment) -> None:
    """``env-updated``: if the pages may be written in workers, each one freezes at its
    start what it inherited."""
    global _writing_in_parallel
    if app.parallel > 1 and gc.isenabled():
        _register_fork_hooks()
        _writing_in_parallel = True


def collect_as_usual(app: Sphinx, exception: BaseException | None) -> None:
    """``build-finished``, after every other handler: everything is collectable again."""
    global _writing_in_parallel
    resume_collecting(app)
    _writing_in_parallel = False
    gc.unfreeze()
