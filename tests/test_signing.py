"""Ed25519 signing: the key lives sealed in the vault, every format verifies, any changed byte fails."""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from pairjournal.journal import Journal
from pairjournal.model import SigningKey
from pairjournal.sharing import export, signing
from pairjournal.sharing.signing import CHANGED, BadSignature, NotAnExport, verify_bytes
from sharing_world import END, NOW, START, build

PASSPHRASE = "correct horse battery staple"


def _export(journal: Journal, fmt: str) -> bytes:
    world_pair = journal.pair("Ana")
    return export.prepare(journal, world_pair, START, END, fmt, generated=NOW).data


def test_key_is_made_on_first_need_sealed_and_stable(make_journal: Callable[..., Journal], journal_path: Path) -> None:
    journal = make_journal()
    assert journal.all(SigningKey) == []
    first = signing.fingerprint(journal)
    assert re.fullmatch(r"[0-9a-f]{4}( [0-9a-f]{4}){7}", first)
    assert signing.fingerprint(journal) == first
    private = journal.all(SigningKey)[0].private_key
    journal.close()

    reopened = Journal.open(journal_path, PASSPHRASE)
    try:
        assert signing.fingerprint(reopened) == first
        assert len(reopened.all(SigningKey)) == 1
    finally:
        reopened.close()
    raw = journal_path.read_bytes()
    assert private.encode() not in raw
    assert base64.b64decode(private) not in raw


def test_each_journal_has_its_own_key(make_journal: Callable[..., Journal], tmp_path: Path) -> None:
    a = make_journal()
    b = make_journal(tmp_path / "other.pairjournal")
    assert signing.fingerprint(a) != signing.fingerprint(b)


@pytest.mark.parametrize("fmt", export.FORMATS)
def test_every_format_verifies_with_the_signers_fingerprint(journal: Journal, fmt: str) -> None:
    build(journal)
    data = _export(journal, fmt)
    result = verify_bytes(data)
    assert result.format == fmt
    assert result.fingerprint == signing.fingerprint(journal)


@pytest.mark.parametrize("fmt", export.FORMATS)
def test_any_changed_byte_fails(journal: Journal, fmt: str) -> None:
    build(journal)
    data = _export(journal, fmt)
    assert len(data) > 1000
    for position in range(len(data)):
        changed = bytearray(data)
        changed[position] ^= 0x01
        with pytest.raises(BadSignature) as caught:
            verify_bytes(bytes(changed))
        assert str(caught.value) == CHANGED, position


@pytest.mark.parametrize("fmt", export.FORMATS)
def test_added_or_removed_bytes_fail(journal: Journal, fmt: str) -> None:
    build(journal)
    data = _export(journal, fmt)
    for changed in (data + b"\n", data[:-1], b" " + data, data[:100] + data[101:], data.replace(b"SHARED", b"SHARDE", 1)):
        with pytest.raises(BadSignature):
            verify_bytes(changed)


def test_a_file_re_signed_by_another_key_names_that_key(journal: Journal, make_journal: Callable[..., Journal],
                                                        tmp_path: Path) -> None:
    """Integrity is checked by the signature; who signed is what the fingerprint tells."""
    build(journal)
    data = _export(journal, "md")
    body = data[: data.rfind(signing.MD_FENCE.encode())]
    other = make_journal(tmp_path / "forger.pairjournal")
    forged = signing.sign_text(signing.ensure_key(other), "md", body.decode())
    assert verify_bytes(forged).fingerprint == signing.fingerprint(other)
    assert verify_bytes(forged).fingerprint != signing.fingerprint(journal)


@pytest.mark.parametrize("content", [b"", b"hello\n", b"{}", b'{"payload": {}, "x": 1}', b"# Notes\n\nnothing here\n"])
def test_files_without_a_signature_are_not_exports(content: bytes) -> None:
    with pytest.raises(NotAnExport):
        verify_bytes(content)


def test_user_text_quoting_a_marker_does_not_confuse_verify(journal: Journal) -> None:
    world = build(journal)
    world.shared_takeaway.text = "quote: ```pairjournal-signature\n<!-- pairjournal-signature x -->"
    journal.save(world.shared_takeaway)
    for fmt in export.FORMATS:
        assert verify_bytes(_export(journal, fmt)).format == fmt


def test_pseudonyms_are_stable_and_keyed() -> None:
    a, b = b"a" * 32, b"b" * 32
    assert signing.pseudonym(a, "Partner", "Ana Souza") == signing.pseudonym(a, "Partner", " ana souza ")
    assert signing.pseudonym(a, "Partner", "Ana Souza") != signing.pseudonym(b, "Partner", "Ana Souza")
    assert re.fullmatch(r"Partner-[0-9a-f]{6}", signing.pseudonym(a, "Partner", "Ana Souza"))


# -- the CLI ---------------------------------------------------------------------------


def _write_export(journal: Journal, tmp_path: Path, fmt: str) -> Path:
    out = tmp_path / f"summary.{fmt}"
    out.write_bytes(_export(journal, fmt))
    return out


@pytest.mark.parametrize("fmt", export.FORMATS)
def test_cli_verify_needs_no_passphrase(journal: Journal, tmp_path: Path, cli: Callable[..., object], fmt: str) -> None:
    build(journal)
    out = _write_export(journal, tmp_path, fmt)
    result = cli("verify", str(out), env={"PAIRJOURNAL_PASSPHRASE": None, "PAIRJOURNAL_JOURNAL": "/nonexistent/x"})
    assert result.exit_code == 0, result.stderr
    names = {"md": "Markdown", "json": "JSON", "html": "HTML"}
    assert result.stdout.splitlines()[0] == (
        f"Valid signature by {signing.fingerprint(journal)} on this {names[fmt]} export, version 2"
    )


def test_cli_verify_a_changed_file(journal: Journal, tmp_path: Path, cli: Callable[..., object]) -> None:
    build(journal)
    out = _write_export(journal, tmp_path, "html")
    data = bytearray(out.read_bytes())
    data[len(data) // 2] ^= 0x20
    out.write_bytes(bytes(data))
    result = cli("verify", str(out))
    assert result.exit_code != 0
    assert result.stdout == ""
    assert result.stderr.strip().splitlines() == [f"pairjournal: error: {CHANGED}"]


@pytest.mark.parametrize("content", [b"just some notes\n", b"\x00\x01binary"])
def test_cli_verify_a_non_export(tmp_path: Path, cli: Callable[..., object], content: bytes) -> None:
    other = tmp_path / "notes.txt"
    other.write_bytes(content)
    result = cli("verify", str(other))
    assert result.exit_code != 0
    assert len(result.stderr.strip().splitlines()) == 1
    assert "not a signed pairjournal export" in result.stderr


def test_cli_verify_the_journal_file_itself(journal: Journal, journal_path: Path, cli: Callable[..., object]) -> None:
    result = cli("verify", str(journal_path))
    assert result.exit_code != 0
    assert len(result.stderr.strip().splitlines()) == 1


def test_cli_verify_missing_file(tmp_path: Path, cli: Callable[..., object]) -> None:
    result = cli("verify", str(tmp_path / "nope.md"))
    assert result.exit_code != 0
    assert len(result.stderr.strip().splitlines()) == 1


def test_cli_fingerprint(journal: Journal, cli: Callable[..., object]) -> None:
    expected = signing.fingerprint(journal)
    journal.close()
    result = cli("fingerprint")
    assert result.exit_code == 0
    assert result.stdout.strip() == expected


def _doc_script() -> str:
    text = (Path(__file__).resolve().parents[1] / "docs" / "EXPORT.md").read_text()
    return text.split("```python\n")[-1].split("\n```")[0]


@pytest.mark.parametrize("fmt", export.FORMATS)
def test_the_documented_manual_check_works(journal: Journal, tmp_path: Path, fmt: str) -> None:
    """EXPORT.md tells a coordinator how to verify without pairjournal; that script must work."""
    import subprocess
    import sys

    build(journal)
    script = tmp_path / "check.py"
    script.write_text(_doc_script())
    out = _write_export(journal, tmp_path, fmt)
    ok = subprocess.run([sys.executable, str(script), str(out)], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    first, *consents = ok.stdout.strip().splitlines()
    assert first == f"Valid signature by {signing.fingerprint(journal)} on this {fmt} export"
    assert consents and all(line.endswith(": consent recorded by the author") for line in consents)
    data = out.read_bytes().replace(b"SHARED-TAKEAWAY", b"SHARED-TAKEAWAX", 1)
    out.write_bytes(data)
    bad = subprocess.run([sys.executable, str(script), str(out)], capture_output=True, text=True)
    assert bad.returncode != 0 and "refused: the signature does not match" in bad.stderr
