"""Benchmark: `pairjournal import --from jrnl` of a generated 50,000-entry jrnl journal.

    PYTHONPATH=src python bench/import_jrnl.py            # full size, about 73 MB
    PYTHONPATH=src python bench/import_jrnl.py --entries 200

Generates a realistic jrnl file (multi-line bodies with blank lines, @tags,
some starred entries) in a temporary folder, creates a journal there with the
production key-derivation settings, then times the import in a child process
and reads the child's peak memory with resource.getrusage. Prints one table row.
Nothing is kept: the temporary folder is removed afterwards.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PASSPHRASE = "bench passphrase, not a secret"
WORDS = (
    "mentor mentee session agenda feedback leader junior senior listen question assumption learn teach "
    "digital habit security prompt review progress objective evidence calendar meeting coffee team "
    "customer culture insight practical tool shortcut draft email report trust repair pause intent "
    "recommit boundary energy curious patient honest clear small step weekly monthly follow through"
).split()
TAGS = ["@work", "@mentoring", "@idea", "@family", "@health", "@reading", "@travel", "@ai", "@security"]


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(6, 16))]
    if rng.random() < 0.25:
        words.insert(rng.randrange(len(words)), rng.choice(TAGS))
    return " ".join(words).capitalize() + rng.choice(".!?.")


def paragraph(rng: random.Random) -> str:
    lines = []
    for _ in range(rng.randint(2, 5)):
        lines.append(" ".join(sentence(rng) for _ in range(rng.randint(1, 2))))
    return "\n".join(lines)


def generate(path: Path, entries: int, *, target_bytes: int, seed: int = 7) -> int:
    """Writes a jrnl-format file; bodies are sized so the whole file lands near target_bytes."""
    rng = random.Random(seed)
    per_entry = target_bytes // max(entries, 1)
    moment = datetime(2012, 1, 1, 8, 0)
    written = 0
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(entries):
            moment += timedelta(minutes=rng.randint(60, 300))
            title = sentence(rng)
            star = " *" if rng.random() < 0.05 else ""
            wanted = max(per_entry - len(title) - 24, 40)
            body_parts: list[str] = []
            size = 0
            while size < wanted:
                part = paragraph(rng)
                body_parts.append(part)
                size += len(part) + 2
            body = "\n\n".join(body_parts)[:wanted]
            body = body[: max(body.rfind(" "), 1)].rstrip() + "."  # end on a whole word
            text = f"[{moment:%Y-%m-%d %H:%M}] {title}{star}\n{body}\n"
            if i:
                text = "\n" + text
            fh.write(text)
            written += len(text.encode("utf-8"))
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=50_000)
    parser.add_argument("--megabytes", type=float, default=None, help="target file size (default: 73 MB per 50,000)")
    parser.add_argument(
        "--cheap-kdf",
        action="store_true",
        help="create the journal with the test suite's cheap (still real) Argon2id settings; for the smoke test",
    )
    args = parser.parse_args()
    target = int((args.megabytes or 73 * args.entries / 50_000) * 1_000_000)

    sys.path.insert(0, str(ROOT / "src"))
    from pairjournal.journal import Journal
    from pairjournal.vault.crypto import KdfParams

    with tempfile.TemporaryDirectory(prefix="pairjournal-bench-") as tmp:
        folder = Path(tmp)
        source = folder / "journal.txt"
        size = generate(source, args.entries, target_bytes=target)
        journal_path = folder / "bench.pairjournal"
        Journal.create(journal_path, PASSPHRASE, KdfParams.cheap() if args.cheap_kdf else None).close()

        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
        env["PAIRJOURNAL_PASSPHRASE"] = PASSPHRASE
        command = [sys.executable, "-m", "pairjournal", "--journal", str(journal_path), "import", str(source),
                   "--from", "jrnl"]
        started = time.perf_counter()
        done = subprocess.run(command, env=env, capture_output=True, text=True)
        seconds = time.perf_counter() - started
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # KiB on Linux
        if done.returncode != 0:
            sys.exit(f"import failed ({done.returncode}): {done.stderr.strip()}")
        with Journal.open(journal_path, PASSPHRASE) as check:
            imported = len(check.reflections())
        if imported != args.entries:
            sys.exit(f"expected {args.entries} reflections, found {imported}")

    print("| entries | file MB | seconds | peak MB | cores |")
    print("|--------:|--------:|--------:|--------:|------:|")
    print(f"| {args.entries:,} | {size / 1e6:.1f} | {seconds:.1f} | {peak_mb:.0f} | {os.cpu_count()} |")


if __name__ == "__main__":
    main()
