"""Issue 12, item 1: everything read from outside is read under a cap, from regular files only.

A FIFO would block an import for ever, /dev/zero would never end, a zip of a few
megabytes can unpack to gigabytes, and a link in a notes folder can reach any
file of the user's. Each is refused with one line and exit 2, and nothing is
written. Tests that could hang run the real program in a child process with a
timeout, so a regression fails instead of stopping the suite.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import PASSPHRASE, PYTHON, CliResult, subprocess_env
from pairjournal.errors import UsageError
from pairjournal.importers import common
from pairjournal.journal import Journal
from pairjournal.model import Reflection

Cli = Callable[..., CliResult]
NOTE = "---\ndate: 2024-05-01\n---\n# A note\n\nSome text.\n"


@pytest.fixture
def existing(journal: Journal, journal_path: Path) -> Path:
    journal.add_pair("Maya", "mentee")
    journal.close()
    return journal_path


def _file_bytes(path: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(path.parent.iterdir()) if p.is_file() and p.suffix != ".lock"}


def _run(*args: str, timeout: float = 60, stdin: int | None = subprocess.DEVNULL) -> subprocess.CompletedProcess[str]:
    """The real program, in a child: a hang becomes a TimeoutExpired failure, not a stuck suite."""
    return subprocess.run(
        [PYTHON, "-m", "pairjournal", *args],
        env=subprocess_env(PAIRJOURNAL_PASSPHRASE=PASSPHRASE),
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=stdin,
    )


def _one_line(stderr: str, *fragments: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr and "internal error" not in stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    return lines[0]


def _reflections(path: Path) -> list[Reflection]:
    with Journal.open(path, PASSPHRASE) as reopened:
        return reopened.reflections()


# -- the helper the CLI (and verify) reads through ---------------------------------------


def test_read_bounded_refuses_fifos_devices_sockets_folders_and_big_files(tmp_path: Path) -> None:
    from pairjournal.boundedio import read_bounded

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    sock_path = tmp_path / "sock"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(sock_path))
    try:
        for path, words in [
            (fifo, "is a FIFO (named pipe)"),
            (Path("/dev/zero"), "is a character device"),
            (sock_path, "is a socket"),
            (tmp_path, "is a folder"),
        ]:
            with pytest.raises(UsageError, match="passphrase file") as caught:
                read_bounded(path, 100, "passphrase file")
            assert words in str(caught.value) and str(path) in str(caught.value)
    finally:
        server.close()
    exact = tmp_path / "exact"
    exact.write_bytes(b"x" * 100)
    assert read_bounded(exact, 100, "export") == b"x" * 100
    exact.write_bytes(b"x" * 101)
    with pytest.raises(UsageError, match=r"export .* is larger than 100 bytes"):
        read_bounded(exact, 100, "export")


def test_a_symlink_to_dev_zero_is_refused_as_a_device(tmp_path: Path) -> None:
    from pairjournal.boundedio import read_bounded

    link = tmp_path / "innocent.txt"
    link.symlink_to("/dev/zero")
    with pytest.raises(UsageError, match="is a character device"):
        read_bounded(link, 1 << 20, "export")


# -- passphrase files ---------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["dev-zero", "fifo", "huge"])
def test_passphrase_file_that_never_ends_is_refused(existing: Path, tmp_path: Path, kind: str) -> None:
    source = tmp_path / "secret"
    if kind == "dev-zero":
        source = Path("/dev/zero")
    elif kind == "fifo":
        os.mkfifo(source)
    else:
        source.write_bytes(b"a" * (1 << 20))
    before = _file_bytes(existing)
    done = _run("--journal", str(existing), "--passphrase-file", str(source), "list", "pairs", timeout=30)
    assert done.returncode == 2, done.stderr
    _one_line(done.stderr, "passphrase file", str(source))
    assert _file_bytes(existing) == before


# -- Markdown folders ---------------------------------------------------------------------


def test_a_fifo_in_a_markdown_folder_is_refused_by_name_without_hanging(existing: Path, tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "2024-05-01 real.md").write_text(NOTE)
    os.mkfifo(notes / "waiting.md")
    before = _file_bytes(existing)
    done = _run("--journal", str(existing), "import", str(notes), "--from", "markdown", timeout=30)
    assert done.returncode == 2, done.stderr
    _one_line(done.stderr, "waiting.md", "FIFO", "not a regular file")
    assert _file_bytes(existing) == before


def test_a_link_to_dev_zero_in_a_markdown_folder_is_refused(existing: Path, tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "zero.md").symlink_to("/dev/zero")
    for extra in ([], ["--follow-symlinks"]):
        done = _run("--journal", str(existing), "import", str(notes), "--from", "markdown", *extra, timeout=30)
        assert done.returncode == 2, done.stderr
        # Without the flag it leaves the folder; with it, it is still no regular file.
        _one_line(done.stderr, "zero.md", "outside the folder" if not extra else "character device")
    assert _reflections(existing) == []


def test_a_link_leaving_the_folder_is_refused_unless_asked_for(cli: Cli, existing: Path, tmp_path: Path) -> None:
    private = tmp_path / "private"
    private.mkdir()
    (private / "diary.md").write_text("---\ndate: 2024-01-02\n---\nsomething never meant for the journal\n")
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "2024-05-01 real.md").write_text(NOTE)
    (notes / "linked.md").symlink_to(private / "diary.md")
    before = _file_bytes(existing)

    refused = cli("import", str(notes), "--from", "markdown")
    assert refused.exit_code == 2
    _one_line(refused.stderr, "linked.md", "symbolic link", "outside the folder", "--follow-symlinks")
    assert _file_bytes(existing) == before

    taken = cli("import", str(notes), "--from", "markdown", "--follow-symlinks")
    assert taken.exit_code == 0, taken.stderr
    assert sorted(r.text for r in _reflections(existing)) == ["Some text.", "something never meant for the journal"]


def test_a_folder_link_leaving_the_folder_is_refused_and_a_loop_ends(cli: Cli, existing: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "2024-02-02 far.md").write_text(NOTE.replace("A note", "Far"))
    notes = tmp_path / "notes"
    (notes / "sub").mkdir(parents=True)
    (notes / "sub" / "2024-05-01 real.md").write_text(NOTE)
    (notes / "sub" / "again").symlink_to(notes)  # a loop: notes/sub/again -> notes
    (notes / "away").symlink_to(outside)

    refused = cli("import", str(notes), "--from", "markdown", "--dry-run")
    assert refused.exit_code == 2
    _one_line(refused.stderr, "away", "a folder outside the folder")

    followed = cli("import", str(notes), "--from", "markdown", "--follow-symlinks")
    assert followed.exit_code == 0, followed.stderr
    assert sorted(r.title for r in _reflections(existing)) == ["A note", "Far"]  # each note once, no endless walk


def test_follow_symlinks_only_goes_with_an_import_of_notes(cli: Cli, existing: Path, tmp_path: Path) -> None:
    backup = tmp_path / "backup.json"
    backup.write_text("{}")
    without_from = cli("import", str(backup), "--follow-symlinks")
    assert without_from.exit_code == 2
    _one_line(without_from.stderr, "--follow-symlinks goes with --from markdown")
    jrnl = tmp_path / "journal.txt"
    jrnl.write_text("[2024-01-02 10:00] Fine\nok\n")
    other = cli("import", str(jrnl), "--from", "jrnl", "--follow-symlinks")
    assert other.exit_code == 2
    _one_line(other.stderr, "--follow-symlinks applies only to --from markdown")


def test_a_link_inside_the_folder_is_fine(cli: Cli, existing: Path, tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    (notes / "real").mkdir(parents=True)
    (notes / "real" / "2024-05-01 kept.md").write_text(NOTE)
    (notes / "shortcut").symlink_to(notes / "real")
    (notes / "alias.md").symlink_to(notes / "real" / "2024-05-01 kept.md")
    done = cli("import", str(notes), "--from", "markdown")
    assert done.exit_code == 0, done.stderr
    assert len(_reflections(existing)) >= 1


# -- Day One zips and single files ---------------------------------------------------------


def _zeros_zip(path: Path, members: int, each: int) -> None:
    """A zip of valid Day One journals (no entries, much whitespace) that unpack to `each`
    bytes apiece, written without holding them."""
    chunk = b" " * (1 << 20)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for n in range(members):
            with archive.open(f"Journal{n}.json", "w", force_zip64=True) as member:
                member.write(b'{"entries": [')
                for _ in range(each // len(chunk)):
                    member.write(chunk)
                member.write(b"]}")


def test_a_zip_bomb_is_refused_within_the_budget_in_all(existing: Path, tmp_path: Path) -> None:
    """Three members, each under the budget alone, over it together: refused, and the memory stays bounded."""
    bomb = tmp_path / "Day One export.zip"
    budget = getattr(common, "MAX_IMPORT_BYTES", 128 << 20)
    each = budget // 2 + (1 << 20)
    _zeros_zip(bomb, 3, each)
    assert bomb.stat().st_size < 2 * 1024 * 1024
    before = _file_bytes(existing)
    script = (
        "import resource, sys\n"
        "from pairjournal.cli import main\n"
        "sys.argv = ['pairjournal', '--journal', sys.argv[1], 'import', sys.argv[2], '--from', 'dayone']\n"
        "try:\n"
        "    main()\n"
        "finally:\n"
        # VmHWM, not ru_maxrss: Linux carries ru_maxrss across exec, so a child of a large
        # test process (an xdist worker late in the suite) reported its parent's peak.
        "    peak = [l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM:')]\n"
        "    print(peak[0] if peak else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.__stdout__)\n"
    )
    done = subprocess.run(
        [PYTHON, "-c", script, str(existing), str(bomb)],
        env=subprocess_env(PAIRJOURNAL_PASSPHRASE=PASSPHRASE),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2, done.stderr
    _one_line(done.stderr, "Journal1.json", "more than 128 MB to read in all")
    peak_mb = int(done.stdout.strip().splitlines()[-1]) / 1024
    # Two members' worth (what the budget lets in, plus one read past it) at the very most.
    assert peak_mb < 2.5 * budget / (1 << 20) + 150, peak_mb
    assert _file_bytes(existing) == before


def test_a_zip_member_that_lies_about_its_size_gives_one_clean_error(journal: Journal, tmp_path: Path) -> None:
    """The budget is drawn from what is read, not from what a header claims; a header
    claiming less than its member holds gets the zip refused as damaged, never half-read."""
    from pairjournal.importers import import_notes
    from pairjournal.importers.common import ImportFormatError

    archive = tmp_path / "export.zip"
    entries = {"entries": [{"uuid": f"U{n}", "creationDate": "2024-01-01T10:00:00Z", "text": "x" * 500} for n in range(20)]}
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("Journal.json", json.dumps(entries))
    # Rewrite both headers' uncompressed size to claim 10 bytes: only the stream can tell.
    raw = bytearray(archive.read_bytes())
    real = len(json.dumps(entries)).to_bytes(4, "little")
    for at in [i for i in range(len(raw) - 4) if raw[i : i + 4] == real]:
        raw[at : at + 4] = (10).to_bytes(4, "little")
    archive.write_bytes(bytes(raw))
    with pytest.raises(ImportFormatError):
        import_notes(journal, archive, "dayone")
    assert journal.reflections() == []


@pytest.mark.parametrize("source", ["jrnl", "jrnl-json", "dayone"])
def test_a_fifo_or_device_given_as_the_file_is_refused(existing: Path, tmp_path: Path, source: str) -> None:
    fifo = tmp_path / "feed"
    os.mkfifo(fifo)
    for target, words in ((fifo, "FIFO"), (Path("/dev/zero"), "character device")):
        done = _run("--journal", str(existing), "import", str(target), "--from", source, timeout=30)
        assert done.returncode == 2, done.stderr
        _one_line(done.stderr, str(target), words, "not a regular file")


def test_a_jrnl_file_over_the_budget_is_refused(
    cli: Cli, existing: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(common, "MAX_IMPORT_BYTES", 10_000)
    big = tmp_path / "journal.txt"
    big.write_text("".join(f"[2024-01-{1 + n % 28:02d} 10:00] Entry {n}\nSome words.\n\n" for n in range(1000)))
    before = _file_bytes(existing)
    done = cli("import", str(big), "--from", "jrnl")
    assert done.exit_code == 2
    _one_line(done.stderr, "journal.txt", "more than")
    assert _file_bytes(existing) == before


def test_a_fifo_among_theme_files_is_not_waited_on(tmp_path: Path) -> None:
    import signal

    from pairjournal.tui.themes import load_themes

    os.mkfifo(tmp_path / "waiting.toml")
    (tmp_path / "good.toml").write_text('name = "still-loads"\nprimary = "#123456"\n')
    signal.alarm(20)  # a read that blocks becomes a failure, not a stuck suite
    try:
        result = load_themes([tmp_path])
    finally:
        signal.alarm(0)
    assert "still-loads" in result.names
