"""``C360_HOME`` is private to its owner: folders 0700, files 0600, whatever the umask.

The home holds personal data (the store's files, reject files with raw source values, the matching cache,
logs) and the store's root password, so everything c360 makes in it is made owner-only here, and the Java
store runs with ``UMASK``. A home left open to others by an older c360 is tightened once, on first use.
"""

from __future__ import annotations

import contextlib
import logging
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

UMASK = 0o077  # for processes that write into the home themselves (the store)
FOLDER_MODE = 0o700
FILE_MODE = 0o600
_OTHERS = 0o077  # group and other permission bits

log = logging.getLogger("c360.graph")


def private_home(home: Path) -> Path:
    """The home, made owner-only if missing, and tightened if an older c360 left it open to others."""
    tighten(home)
    return private_dir(home)


def private_dir(path: Path) -> Path:
    """``mkdir -p`` where every folder made is 0700 (``Path.mkdir`` makes the parents with the umask's mode)."""
    missing: list[Path] = []
    folder = path
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    for folder in reversed(missing):
        with contextlib.suppress(FileExistsError):  # another process made it first
            folder.mkdir(mode=FOLDER_MODE)
    return path


def open_private(path: Path, mode: str = "w", encoding: str | None = None, errors: str | None = None) -> IO[Any]:
    """``open`` for a file in the home: its folders made 0700, the file created 0600 (an existing one keeps
    its mode: the home it is in was tightened). Mode ``x`` creates it only if it does not exist."""
    private_dir(path.parent)
    return open(path, mode, encoding=encoding, errors=errors, opener=_owner_only)


def _owner_only(path: str, flags: int) -> int:
    return os.open(path, flags, FILE_MODE)


@contextlib.contextmanager
def owner_only() -> Iterator[None]:
    """The umask ``UMASK`` around code that writes into the home through its own ``open`` calls (the demo's
    generator). The umask is the whole process's: use it around single-threaded work only."""
    old = os.umask(UMASK)
    try:
        yield
    finally:
        os.umask(old)


def tighten(home: Path) -> None:
    """Take group and other permissions off an existing home and everything in it, if the home itself has any.

    A home is made 0700, so this runs once, for a home made by an older c360 (or loosened by hand). Symbolic
    links are not followed (their targets are not c360's), nor are files of other users touched.
    """
    try:
        if not home.stat().st_mode & _OTHERS:
            return
    except FileNotFoundError:
        return
    folders = files = 0
    for root, dirnames, filenames in os.walk(home):
        for name in dirnames:
            folders += _tighten(Path(root) / name)
        for name in filenames:
            files += _tighten(Path(root) / name)
    _tighten(home)  # last: an interrupted walk is done again on the next use
    log.info("C360_HOME %s was open to other users: made it, %d folders and %d files in it owner-only",
             home, folders, files)


def _tighten(path: Path) -> int:
    """1 if ``path`` (not a link, one of ours) lost its group and other permissions, else 0."""
    try:
        info = path.lstat()
        if stat.S_ISLNK(info.st_mode) or info.st_uid != os.geteuid() or not info.st_mode & _OTHERS:
            return 0
        path.chmod(stat.S_IMODE(info.st_mode) & ~_OTHERS)
    except FileNotFoundError:  # a lease or temporary file another c360 process removed meanwhile
        return 0
    return 1
