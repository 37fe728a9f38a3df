"""Writing files so that no reader ever sees half of one, and unchanged files keep their mtime.

Sphinx, sphinx-autobuild and other paperrefs processes read what paperrefs writes while
it writes; a file is therefore replaced in one rename, never rewritten in place, and a
file whose bytes would not change is not touched at all (an unchanged mtime spares
Sphinx a re-read of every page that depends on it).
"""

from __future__ import annotations

import errno
import glob
import os
import re
import secrets
import shutil
from pathlib import Path

_TEMP_NAME = re.compile(r"\.(?P<name>.+)\.(?P<pid>\d+)\.[0-9a-f]{8}\.tmp")


def write_if_changed(path: Path, data: bytes, *, durable: bool = False) -> bool:
    """Atomically replace ``path`` with ``data`` unless it already holds exactly that.

    ``durable`` also flushes the data and the folder to disk before returning: for files
    a person keeps (the bibliography), not for what the next build regenerates anyway.
    Returns whether the file was written.
    """
    try:
        if path.read_bytes() == data:
            return False
    except (FileNotFoundError, IsADirectoryError):
        pass
    atomic_write(path, data, durable=durable)
    return True


def atomic_write(path: Path, data: bytes, *, durable: bool = True) -> None:
    """Replace ``path`` with ``data`` so that readers see the old file or the new, never a mix.

    The temporary file lives in the same folder (``os.replace`` is only atomic within one
    file system) and is removed on any error, leaving the original untouched. The folder
    must exist: creating it silently would hide a mistyped path.
    """
    path = Path(os.path.realpath(path))  # through a symlink, not over it
    folder = path.parent
    if not folder.is_dir():
        raise FileNotFoundError(
            errno.ENOENT, "folder does not exist (it is not created)", str(folder)
        )
    temp = folder / f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
    try:
        _write_new(temp, data, durable=durable)
        if path.exists():
            shutil.copymode(path, temp)
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    if durable:
        _fsync_folder(folder)


def _write_new(temp: Path, data: bytes, *, durable: bool) -> None:
    # 0o666 lets the umask decide, as for any new file; mkstemp would force 0o600.
    descriptor = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    with open(descriptor, "wb") as stream:
        stream.write(data)
        if durable:
            stream.flush()
            os.fsync(stream.fileno())


def _fsync_folder(folder: Path) -> None:
    if os.name != "posix":
        return  # Windows cannot open a folder; its rename is durable enough
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def remove_stale_temps(path: Path) -> None:
    """Delete temporary files that writers killed mid-write left next to ``path``."""
    if os.name != "posix":
        return  # only POSIX can ask whether a process id is alive without side effects
    real = Path(os.path.realpath(path))
    for candidate in real.parent.glob(f".{glob.escape(real.name)}.*.tmp"):
        match = _TEMP_NAME.fullmatch(candidate.name)
        if match and match["name"] == real.name and not _alive(int(match["pid"])):
            candidate.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True  # someone else's process, or not a process id: leave the file alone
    return True
