"""What a signature proves: bound to its format, canonical, pinned to an expected key.

Each test tries to make `verify` say yes to a file it should refuse, and checks
that the stand-alone script in docs/EXPORT.md refuses it too.
"""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidSignature

from pairjournal.journal import Journal
from pairjournal.model import Takeaway
from pairjournal.sharing import export, signing
from pairjournal.sharing.signing import BadSignature, UnexpectedSigner, verify_bytes
from sharing_world import END, NOW, START, build, reconsent

EXT = {"md": ".md", "json": ".json", "html": ".html"}


def _export(journal: Journal, fmt: str) -> bytes:
    return export.prepare(journal, journal.pair("Ana"), START, END, fmt, generated=NOW).data


def _doc_script(tmp_path: Path) -> Path:
    text = (Path(__file__).resolve().parents[1] / "docs" / "EXPORT.md").read_text()
    script = tmp_path / "check.py"
    script.write_text(text.split("```python\n")[-1].split("\n```")[0])
    return script


def _script_accepts(script: Path, path: Path, *expect: str) -> bool:
    run = subprocess.run([sys.executable, str(script), str(path), *expect], capture_output=True, text=True)
    assert "Traceback" not in run.stderr, run.stderr
    return run.returncode == 0


def _both_refuse(tmp_path: Path, cli: Callable[..., object], name: str, data: bytes, *expect: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    script = _doc_script(tmp_path)
    args = [a for e in expect for a in ("--expect", e)]
    result = cli("verify", str(path), *args)
    assert result.exit_code != 0, (name, result.stdout)  # type: ignore[attr-defined]
    assert len(result.stderr.strip().splitlines()) == 1  # type: ignore[attr-defined]
    assert not _script_accepts(script, path, *expect), name


# -- 5. a signature is bound to its format ------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["md", "json"])
def test_a_markdown_or_json_export_saved_as_html_is_refused(journal: Journal, tmp_path: Path,
                                                            cli: Callable[..., object], fmt: str) -> None:
    world = build(journal)
    takeaway = journal.get(Takeaway, world.shared_takeaway.id)
    takeaway.text = "SHARED <script>alert('pwned')</script>"
    journal.save(takeaway)
    reconsent(journal, takeaway.id)
    data = _export(journal, fmt)
    assert b"<script>" in data or b"\\<script\\>" in data
    with pytest.raises(BadSignature, match=r"saved as \.html"):
        verify_bytes(data, "summary.html")
    _both_refuse(tmp_path, cli, "summary.html", data)
    _both_refuse(tmp_path, cli, "summary.htm", data)
    assert verify_bytes(data, f"summary{EXT[fmt]}").format == fmt


@pytest.mark.parametrize("fmt", export.FORMATS)
def test_the_signed_message_names_its_format(journal: Journal, fmt: str) -> None:
    """Relabelling the block's format (or the layout) cannot move a signature to another format."""
    build(journal)
    data = _export(journal, fmt)
    key = signing.ensure_key(journal)
    public = signing._private(key).public_key()
    if fmt == "json":
        doc = json.loads(data)
        signed = signing.canonical_json(doc["payload"])
        sig = base64.b64decode(doc["signature"]["value"])
    else:
        mark = signing.MD_FENCE if fmt == "md" else signing.HTML_MARK
        at = data.rfind(mark.encode())
        signed = data[:at]
        inner = data[at + len(mark):].decode().split("\n")[0].removesuffix(" -->")
        sig = base64.b64decode(json.loads(inner)["value"])
    public.verify(sig, signing.context(fmt) + signed)
    for other in export.FORMATS:
        if other != fmt:
            with pytest.raises(InvalidSignature):
                public.verify(sig, signing.context(other) + signed)
    with pytest.raises(InvalidSignature):
        public.verify(sig, signed)  # the bare bytes, as version 1 signed them


def test_an_html_export_forbids_scripts(journal: Journal) -> None:
    build(journal)
    text = _export(journal, "html").decode()
    head = text.split("</head>")[0]
    assert '<meta http-equiv="Content-Security-Policy" content="default-src \'none\';' in head
    assert head.index("Content-Security-Policy") < head.index("<title>")


# -- 6. one canonical spelling --------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", export.FORMATS)
@pytest.mark.parametrize("field", ["value", "public_key"])
def test_a_non_canonical_base64_is_refused(journal: Journal, tmp_path: Path, cli: Callable[..., object],
                                          fmt: str, field: str) -> None:
    build(journal)
    data = _export(journal, fmt)
    text = data.decode()
    block = json.loads(text)["signature"] if fmt == "json" else None
    if block is None:
        mark = signing.MD_FENCE if fmt == "md" else signing.HTML_MARK
        inner = text[text.rfind(mark) + len(mark):].split("\n")[0].removesuffix(" -->")
        block = json.loads(inner)
    value = block[field]
    body = value.rstrip("=")
    # The last character before the padding carries unused low bits: set one, same bytes decode.
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    twin = body[:-1] + alphabet[alphabet.index(body[-1]) | 1] + value[len(body):]
    assert twin != value and base64.b64decode(twin) == base64.b64decode(value)
    changed = text.replace(value, twin).encode()
    with pytest.raises(BadSignature):
        verify_bytes(changed, f"x{EXT[fmt]}")
    _both_refuse(tmp_path, cli, f"twin{EXT[fmt]}", changed)


# -- 7. pinned keys ------------------------------------------------------------------------------------


def _forged(journal: Journal, make_journal: Callable[..., Journal], tmp_path: Path) -> bytes:
    build(journal)
    data = _export(journal, "md")
    body = data[: data.rfind(signing.MD_FENCE.encode())]
    forger = make_journal(tmp_path / "forger.pairjournal")
    return signing.sign_text(signing.ensure_key(forger), "md", body.decode())


def test_a_file_re_signed_by_another_key_fails_expect(journal: Journal, make_journal: Callable[..., Journal],
                                                      tmp_path: Path, cli: Callable[..., object]) -> None:
    victim = signing.fingerprint(journal)
    forged = _forged(journal, make_journal, tmp_path)
    # The visible footer names no fingerprint, so it cannot claim the victim's.
    assert victim.encode() not in forged and victim.replace(" ", "").encode() not in forged
    with pytest.raises(UnexpectedSigner):
        signing.require_expected(verify_bytes(forged, "x.md"), [signing.parse_expected(victim)])
    path = tmp_path / "forged.md"
    path.write_bytes(forged)
    result = cli("verify", str(path), "--expect", victim)
    assert result.exit_code == 11, result.stderr  # type: ignore[attr-defined]
    assert result.stdout == ""  # type: ignore[attr-defined]
    assert "not the one you expected" in result.stderr  # type: ignore[attr-defined]
    assert not _script_accepts(_doc_script(tmp_path), path, victim)


def test_expect_takes_spaces_prefixes_and_several_keys(journal: Journal, tmp_path: Path,
                                                       cli: Callable[..., object]) -> None:
    build(journal)
    fp = signing.fingerprint(journal)
    path = tmp_path / "summary.json"
    path.write_bytes(_export(journal, "json"))
    journal.close()
    for given in (fp, fp.replace(" ", ""), fp.replace(" ", "")[:16].upper(), fp[:19]):
        result = cli("verify", str(path), "--expect", given)
        assert result.exit_code == 0, (given, result.stderr)  # type: ignore[attr-defined]
        assert "the key you expected" in result.stdout  # type: ignore[attr-defined]
    other = "0" * 32
    assert cli("verify", str(path), "--expect", other, "--expect", fp).exit_code == 0  # type: ignore[attr-defined]
    assert cli("verify", str(path), "--expect", other).exit_code == 11  # type: ignore[attr-defined]
    for bad in (fp.replace(" ", "")[:15], "not hex at all!!", ""):
        result = cli("verify", str(path), "--expect", bad)
        assert result.exit_code == 2, bad  # type: ignore[attr-defined]
        assert len(result.stderr.strip().splitlines()) == 1  # type: ignore[attr-defined]


def test_without_expect_verify_says_what_a_signature_does_not_prove(journal: Journal, tmp_path: Path,
                                                                    cli: Callable[..., object]) -> None:
    build(journal)
    path = tmp_path / "summary.md"
    path.write_bytes(_export(journal, "md"))
    result = cli("verify", str(path))
    lines = result.stdout.splitlines()  # type: ignore[attr-defined]
    assert lines[0] == f"Valid signature by {signing.fingerprint(journal)} on this Markdown export, version 2"
    assert "only that the file is unchanged" in lines[1] and "--expect" in lines[1]
    # Then one line per exported item: this pair is not linked, so every consent is the author's word.
    assert lines[2:] and all(line.endswith(": consent recorded by the author") for line in lines[2:])


# -- 8. the documented script refuses what verify refuses ---------------------------------------------


@pytest.mark.parametrize("fmt", export.FORMATS)
def test_the_documented_script_refuses_every_tampering(journal: Journal, tmp_path: Path,
                                                       cli: Callable[..., object], fmt: str) -> None:
    build(journal)
    data = _export(journal, fmt)
    name = f"summary{EXT[fmt]}"
    ok = tmp_path / name
    ok.write_bytes(data)
    assert _script_accepts(_doc_script(tmp_path), ok, signing.fingerprint(journal))
    tampered = {
        "appended": data + b"<script>alert(1)</script>\n",
        "appended-newline": data + b"\n",
        "prepended": b" " + data,
        "cut": data[:-1],
        "changed": data.replace(b"SHARED-TAKEAWAY", b"SHARED-TAKEAWAX", 1),
        "block-spaced": data.replace(b'"alg":"Ed25519"', b'"alg": "Ed25519"') if fmt != "json" else data + b" ",
    }
    for label, bad in tampered.items():
        assert bad != data, label
        _both_refuse(tmp_path, cli, name, bad)
    other = next(f for f in export.FORMATS if f != fmt)
    _both_refuse(tmp_path, cli, f"summary{EXT[other]}", data)


def test_version_1_exports_still_verify_and_say_so(journal: Journal, tmp_path: Path, cli: Callable[..., object]) -> None:
    """An export written before the prefix (version 1) is checked by the old rule and reported as such."""
    build(journal)
    key = signing.ensure_key(journal)
    body = b"# Mentoring summary: a version 1 file\n"
    private = signing._private(key)
    public = private.public_key().public_bytes_raw()
    block = {"alg": "Ed25519", "fingerprint": signing.fingerprint_of(public),
             "public_key": base64.b64encode(public).decode(), "value": base64.b64encode(private.sign(body)).decode()}
    data = body + f"{signing.MD_FENCE}{json.dumps(block, sort_keys=True, separators=(',', ':'))}\n```\n".encode()
    assert verify_bytes(data, "old.md").version == 1
    path = tmp_path / "old.md"
    path.write_bytes(data)
    result = cli("verify", str(path))
    assert result.exit_code == 0 and "export version 1" in result.stdout  # type: ignore[attr-defined]
    with pytest.raises(BadSignature):
        verify_bytes(data, "old.html")  # the extension check applies to old files too


def test_verify_refuses_what_is_not_a_regular_file(tmp_path: Path, cli: Callable[..., object]) -> None:
    import os

    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)
    for target in (fifo, Path("/dev/zero"), tmp_path):
        result = cli("verify", str(target))
        assert result.exit_code == 2, target  # type: ignore[attr-defined]
        assert len(result.stderr.strip().splitlines()) == 1  # type: ignore[attr-defined]


# -- found in review: older layouts and other spellings cannot be used to rewrap a file ---------


@pytest.mark.parametrize("source", ["json", "md"])
def test_a_version_2_signature_cannot_be_rewrapped_as_a_version_1_page(
    journal: Journal, tmp_path: Path, cli: Callable[..., object], source: str
) -> None:
    """A version 1 block covers the bytes before it with no prefix; a version 2 signed message
    (prefix included) must not pass as such a body, least of all as an HTML page."""
    build(journal)
    data = _export(journal, source)
    if source == "json":
        doc = json.loads(data)
        sig, body = doc["signature"], signing.context("json") + signing.canonical_json(doc["payload"])
    else:
        at = data.rfind(signing.MD_FENCE.encode())
        sig = json.loads(data[at + len(signing.MD_FENCE):].decode().split("\n")[0])
        body = signing.context("md") + data[:at]
    v1 = {"alg": "Ed25519", "fingerprint": signing.fingerprint_of(base64.b64decode(sig["public_key"])),
          "public_key": sig["public_key"], "value": sig["value"]}
    block = json.dumps(v1, sort_keys=True, separators=(",", ":"))
    forged = body + f"{signing.HTML_MARK}{block}{signing.HTML_END}".encode()
    with pytest.raises(BadSignature):
        verify_bytes(forged, "forged.html")
    _both_refuse(tmp_path, cli, "forged.html", forged, signing.fingerprint(journal))


@pytest.mark.parametrize("fmt", export.FORMATS)
def test_a_block_version_spelled_as_a_float_is_refused(journal: Journal, tmp_path: Path,
                                                       cli: Callable[..., object], fmt: str) -> None:
    build(journal)
    data = _export(journal, fmt)
    respelled = data.replace(b'"v":2,', b'"v":2.0,') if fmt != "json" else data.replace(b'"v": 2,', b'"v": 2.0,')
    assert respelled != data
    _both_refuse(tmp_path, cli, f"respelled{EXT[fmt]}", respelled)


def test_the_documented_script_refuses_pipes_and_folders_cleanly(tmp_path: Path) -> None:
    import os

    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)
    script = _doc_script(tmp_path)
    for target in (fifo, tmp_path, tmp_path / "missing.md", Path("/dev/zero")):
        run = subprocess.run([sys.executable, str(script), str(target)], capture_output=True, text=True, timeout=30)
        assert run.returncode != 0 and "Traceback" not in run.stderr, target
        assert run.stderr.startswith("refused:"), run.stderr
