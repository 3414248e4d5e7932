"""Where a command may write a file it was given (`pdf -o`, `export --format fhir -o DIR`).

The commands write a temporary file and rename it into place, which replaces whatever the
name pointed at: a symbolic link (its target kept the old content), a named pipe, a device
(`-o /dev/full` as root replaced the device node) or the answers file being read. So the name
must be new or an existing regular file, and not one of the command's own input files.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable

import click

_KINDS = (
    (stat.S_ISLNK, "a symbolic link"),
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def kind_of(path: str | os.PathLike[str]) -> str | None:
    """What `path` is when it exists and is not a regular file ("a symbolic link"), else None."""
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        return None  # absent (or unreadable: writing it says why)
    if stat.S_ISREG(mode):
        return None
    return next((words for test, words in _KINDS if test(mode)), "not a regular file")


def _same_file(first: str | os.PathLike[str], second: str | os.PathLike[str]) -> bool:
    try:
        return os.path.samefile(first, second)
    except OSError:
        return False


def check_output_file(path: str, *, option: str = "-o", inputs: Iterable[str] = ()) -> None:
    """Refuse, naming `option`, a `path` that is empty, exists as anything but a regular file,
    or is one of `inputs` (files the command reads; "-" is standard input)."""
    if not path.strip():
        raise click.BadParameter(
            "the file name is empty: give the file to write.", param_hint=option
        )
    if os.path.isdir(path) and not os.path.islink(path):
        raise click.BadParameter(f"{path} is a folder: give a file name.", param_hint=option)
    kind = kind_of(path)
    if kind:
        raise click.BadParameter(
            f"{path} is {kind}, which writing would replace: give a new file name, "
            "or the name of a regular file to overwrite.",
            param_hint=option,
        )
    for source in inputs:
        if source != "-" and _same_file(source, path):
            raise click.BadParameter(
                f"{path} is the answers file being read: it would be overwritten. "
                "Give another file name.",
                param_hint=option,
            )
