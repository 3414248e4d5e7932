"""Where commands write: standard output that fails, and `-o` paths that are not plain files.

A write to standard output that fails (`> /dev/full`, a pipe closed early as by `| head`) ends
in one line and a non-zero exit, not an OSError traceback; `-o` never replaces a symbolic link,
a pipe, a device, a folder or the answers file being read.
"""

from __future__ import annotations

import errno
import os
import stat
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from flask.testing import FlaskCliRunner

from screening.commands.failures import guard
from tests.conftest import EXAMPLES

ROOT = Path(__file__).resolve().parent.parent.parent
ANSWERS = EXAMPLES / "stenosis.answers.json"


def _screening(args: list[str], stdout: int) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "SCREENING_ENV": "development",
        "SECRET_KEY": "x",
        "DATABASE_URL": "sqlite:///:memory:",
    }
    return subprocess.run(
        [sys.executable, "-m", "screening.cli", *args],
        cwd=ROOT,
        env=env,
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_full_standard_output_is_one_line_not_a_traceback() -> None:
    with open("/dev/full", "w") as full:
        ran = _screening(["evaluate", str(ANSWERS), "--as-of", "2026-11-21"], full.fileno())
    assert ran.returncode == 1
    assert ran.stderr == "Error: cannot write the output: No space left on device\n"


def test_a_closed_pipe_is_one_line_not_a_traceback() -> None:
    """`screening pdf a.json -o - | head -c 1`: the reader went away before the PDF."""
    reader, writer = os.pipe()
    os.close(reader)
    try:
        ran = _screening(["pdf", str(ANSWERS), "--as-of", "2026-11-21", "-o", "-"], writer)
    finally:
        os.close(writer)
    assert ran.returncode == 1
    assert ran.stderr == (
        "Error: the output was closed before everything was written (broken pipe)\n"
    )


@pytest.mark.parametrize(
    ("error", "says"),
    [
        (OSError(errno.ENOSPC, "No space left on device"), "cannot write the output: No space"),
        (BrokenPipeError(errno.EPIPE, "Broken pipe"), "closed before everything was written"),
    ],
)
def test_the_guard_turns_a_failed_write_into_one_line(error: OSError, says: str) -> None:
    @click.command()
    def writes() -> None:
        raise error

    result = CliRunner().invoke(guard(writes))
    assert result.exit_code == 1
    assert result.exc_info[0] is SystemExit
    assert says in result.output


def test_the_guard_leaves_other_errors_alone() -> None:
    """A file the command opens that is missing is not a failed write: its own message (or
    traceback, for a bug) stays."""

    @click.command()
    def opens() -> None:
        raise FileNotFoundError(errno.ENOENT, "No such file or directory", "/nowhere")

    result = CliRunner().invoke(guard(opens))
    assert isinstance(result.exception, FileNotFoundError)


# -- screening pdf -o --------------------------------------------------------------------------


def _pdf(runner: FlaskCliRunner, answers: Path, output: str):  # type: ignore[no-untyped-def]
    return runner.invoke(args=["pdf", str(answers), "--as-of", "2026-11-21", "-o", output])


def _refused(result, says: str) -> None:  # type: ignore[no-untyped-def]
    assert result.exit_code == 2, result.output
    assert "'-o' / '--output'" in result.output and says in result.output
    assert "Traceback" not in result.output


def test_pdf_does_not_replace_a_symbolic_link(runner: FlaskCliRunner, tmp_path: Path) -> None:
    target = tmp_path / "kept.pdf"
    target.write_bytes(b"old")
    link = tmp_path / "summary.pdf"
    link.symlink_to(target)
    _refused(_pdf(runner, ANSWERS, str(link)), "is a symbolic link")
    assert link.is_symlink() and target.read_bytes() == b"old"


def test_pdf_does_not_replace_a_named_pipe(runner: FlaskCliRunner, tmp_path: Path) -> None:
    fifo = tmp_path / "summary.pdf"
    os.mkfifo(fifo)
    _refused(_pdf(runner, ANSWERS, str(fifo)), "is a named pipe (FIFO)")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


@pytest.mark.skipif(not Path("/dev/null").exists(), reason="needs /dev/null")
def test_pdf_does_not_replace_a_device(runner: FlaskCliRunner) -> None:
    _refused(_pdf(runner, ANSWERS, "/dev/null"), "/dev/null is a character device")
    assert stat.S_ISCHR(os.lstat("/dev/null").st_mode)


def test_pdf_does_not_overwrite_its_answers_file(runner: FlaskCliRunner, tmp_path: Path) -> None:
    answers = tmp_path / "answers.json"
    answers.write_bytes(ANSWERS.read_bytes())
    _refused(_pdf(runner, answers, str(answers)), "is the answers file being read")
    assert answers.read_bytes() == ANSWERS.read_bytes()
    other_name = tmp_path / "same.json"
    os.link(answers, other_name)  # the same file under another name
    _refused(_pdf(runner, answers, str(other_name)), "is the answers file being read")


def test_pdf_refuses_an_empty_name_and_a_folder(runner: FlaskCliRunner, tmp_path: Path) -> None:
    _refused(_pdf(runner, ANSWERS, ""), "the file name is empty")
    _refused(_pdf(runner, ANSWERS, str(tmp_path)), "is a folder: give a file name")


def test_pdf_still_replaces_a_regular_file(runner: FlaskCliRunner, tmp_path: Path) -> None:
    out = tmp_path / "summary.pdf"
    out.write_bytes(b"old")
    result = _pdf(runner, ANSWERS, str(out))
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF-")


# -- screening export --format fhir -o DIR ----------------------------------------------------


def test_fhir_export_does_not_replace_a_link_in_its_folder(
    runner: FlaskCliRunner, tmp_path: Path
) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    target = tmp_path / "elsewhere.ndjson"
    target.write_text("old\n")
    (folder / "Patient.ndjson").symlink_to(target)
    result = runner.invoke(args=["export", "--format", "fhir", "-o", str(folder)])
    _refused(result, "Patient.ndjson is a symbolic link")
    assert target.read_text() == "old\n"
    assert sorted(path.name for path in folder.iterdir()) == ["Patient.ndjson"]


def test_fhir_export_names_what_its_folder_is(runner: FlaskCliRunner, tmp_path: Path) -> None:
    fifo = tmp_path / "export"
    os.mkfifo(fifo)
    result = runner.invoke(args=["export", "--format", "fhir", "-o", str(fifo)])
    _refused(result, "is a named pipe (FIFO), not a folder")
    result = runner.invoke(args=["export", "--format", "fhir", "-o", ""])
    _refused(result, "the folder name is empty")
