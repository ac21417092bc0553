"""pairjournal's CLI against jrnl's, on one journal, as whole processes.

    python bench/vs_jrnl.py --entries 10000            # a table with the ratios
    python bench/vs_jrnl.py --entries 10000 --json     # one JSON object

What it does, in order:
1. installs jrnl (JRNL_VERSION, pinned) in its own virtual environment under the
   work folder, once (pip; no keyring package is needed, see 3);
2. writes one journal in jrnl's plain-text format: --entries entries dated over
   2020-2024, each a title and 150-400 words in one to four paragraphs, with 0-4
   @tags (86 distinct), 3 % starred, and the word "zeppelin" in 1 % of them (the
   shape of the baseline in the shared bench-jrnl/RESULTS.md);
3. encrypts a copy with jrnl itself (`jrnl NAME --encrypt`), answering its
   password prompts on standard input (jrnl started in a session of its own has
   no terminal, so getpass reads stdin; keyring lookups are switched off);
4. imports the same plain file into a new pairjournal journal (`pairjournal import
   --from jrnl`, production key derivation unless --cheap-kdf, for the smoke test);
5. times each command of both tools as a whole process (interpreter start, key
   derivation, everything), the page cache warm (each command runs once untimed
   first; for pairjournal that first run also makes today's automatic backup, as
   the first open of any day does), --repeats times, and reports medians:
   - search: `jrnl NAME -contains zeppelin` / `pairjournal search zeppelin`
   - add:    `jrnl NAME "<entry>"` / `pairjournal reflect "<entry>"`; every run
             starts from an identical copy of the journal
   - export: `jrnl NAME --export json --file OUT` / `pairjournal list reflections --json > OUT`
   Both get the passphrase without a prompt (jrnl on stdin, pairjournal from
   --passphrase-file). Ratios are jrnl's time divided by pairjournal's.

Everything lives in --work (default bench/.cache/vs-jrnl): the journals, jrnl's
config (HOME and XDG folders point there, so the real home is never touched).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

import generate

JRNL_VERSION = "4.6"
PASSWORD = "vs-jrnl benchmark password"  # benchmark journals hold generated text only
NEEDLE = "zeppelin"
ADD_TEXT = "A benchmark entry, added from the command line with a @benchmark tag and a few more words."
JOURNAL_NAME = "bench"
TOPICS = [f"@{w}" for w in dict.fromkeys(generate.DOMAIN)][:60]
PEOPLE = [f"@{name}" for name in ("ana", "ben", "chen", "dara", "eli", "fatima", "gus", "hana", "ivo", "jo",
                                  "kai", "lena", "mo", "nia", "omar", "pia", "quinn", "ravi", "sol", "tove",
                                  "uma", "vic", "wen", "xavi", "yara", "zed")]
KEYS = (
    "entries",
    "jrnl_search_s",
    "ours_search_s",
    "search_ratio",
    "jrnl_add_s",
    "ours_add_s",
    "add_ratio",
    "jrnl_export_s",
    "ours_export_s",
    "export_ratio",
    "jrnl_peak_rss_mb",
    "ours_peak_rss_mb",
    "ours_kdf_s",
    "ours_kdf_process_s",
    "cores",
)
BUDGETS = {10_000: {"search_ratio": 2.0, "add_ratio": 10.0}, 50_000: {"search_ratio": 4.0}}


def note(text: str) -> None:
    print(f"vs_jrnl: {text}", file=sys.stderr, flush=True)


# -- the journal, in jrnl's format ---------------------------------------------------------------


def write_jrnl_file(path: Path, entries: int, seed: int = 16) -> dict[str, int]:
    rng = random.Random(seed)
    words = generate.vocabulary()
    weights = [1 / (rank + 1) for rank in range(len(words))]
    start = datetime(2020, 1, 1)
    span = int((datetime(2024, 12, 31) - start).total_seconds() // 60)
    moments = sorted(start + timedelta(minutes=rng.randrange(span)) for _ in range(entries))
    with_needle = set(rng.sample(range(entries), max(1, entries // 100)))
    counts = {"entries": entries, "needle_entries": len(with_needle), "tags": 0}
    with open(path, "w", encoding="utf-8") as out:
        for n, moment in enumerate(moments):
            body_words = rng.choices(words, weights, k=rng.randint(150, 400))
            if n in with_needle:
                body_words[rng.randrange(len(body_words))] = NEEDLE
            tags = [rng.choice(PEOPLE) if rng.random() < 0.2 else rng.choice(TOPICS)
                    for _ in range(rng.choices([0, 1, 2, 3, 4], weights=[15, 30, 30, 15, 10])[0])]
            counts["tags"] += len(tags)
            for tag in tags:
                body_words.insert(rng.randrange(len(body_words)), tag)
            paragraphs = _paragraphs(rng, body_words)
            title = " ".join(rng.choices(words[:400], k=rng.randint(4, 9))).capitalize() + "."
            star = " *" if rng.random() < 0.03 else ""
            out.write(f"[{moment:%Y-%m-%d %H:%M}] {title}{star}\n" + "\n\n".join(paragraphs) + "\n\n")
    return counts


def _paragraphs(rng: random.Random, words: list[str]) -> list[str]:
    cuts = sorted(rng.sample(range(1, len(words)), rng.randint(0, 3)))
    pieces = [words[a:b] for a, b in zip([0, *cuts], [*cuts, len(words)], strict=True)]
    return [_sentences(rng, piece) for piece in pieces if piece]


def _sentences(rng: random.Random, words: list[str]) -> str:
    out, at = [], 0
    while at < len(words):
        size = rng.randint(6, 18)
        out.append(" ".join(words[at : at + size]).capitalize() + ".")
        at += size
    return " ".join(out)


# -- the two tools ---------------------------------------------------------------------------


class Tools:
    def __init__(self, work: Path, jrnl_venv: Path) -> None:
        self.work = work
        self.jrnl = jrnl_venv / "bin" / "jrnl"
        self.home = work / "home"
        self.jrnl_file = work / "jrnl" / "bench.txt"
        self.ours = work / "ours" / "journal.pairjournal"
        self.passfile = work / "passphrase"
        self.out = work / "out"

    def jrnl_env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PAIRJOURNAL_", "XDG_"))}
        env.update(HOME=str(self.home), XDG_CONFIG_HOME=str(self.home / "config"),
                   XDG_DATA_HOME=str(self.home / "data"), PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring")
        return env

    def ours_env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PAIRJOURNAL_")}
        # pip compiled jrnl's bytecode when it installed it, and an installed pairjournal
        # has its own too; this checkout's is kept in the work folder (the untimed warm
        # run writes it), so neither tool is timed compiling its source.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(self.work / "pycache")
        env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
        return env

    def run_jrnl(self, args: list[str], stdin: str = PASSWORD + "\n") -> tuple[float, float, str]:
        return timed([str(self.jrnl), *args], self.jrnl_env(), stdin)

    def run_ours(self, args: list[str], stdout: Path | None = None) -> tuple[float, float, str]:
        command = [sys.executable, "-m", "pairjournal", "--journal", str(self.ours),
                   "--passphrase-file", str(self.passfile), *args]
        return timed(command, self.ours_env(), None, stdout)

    def write_config(self, *, encrypted: bool = True) -> None:
        config = self.home / "config" / "jrnl" / "jrnl.yaml"
        config.parent.mkdir(parents=True, exist_ok=True)
        default = self.work / "jrnl" / "default.txt"
        # Block YAML: jrnl takes a file starting with "{" for an old JSON config.
        config.write_text(
            f"version: v{JRNL_VERSION}\n"
            "journals:\n"
            f"  default:\n    journal: {default}\n    encrypt: false\n"
            f"  {JOURNAL_NAME}:\n    journal: {self.jrnl_file}\n    encrypt: {str(encrypted).lower()}\n"
            "editor: ''\nencrypt: false\ntemplate: false\ndefault_hour: 9\ndefault_minute: 0\n"
            "timeformat: '%Y-%m-%d %H:%M'\ntagsymbols: '#@'\nhighlight: false\nlinewrap: 79\n"
            "indent_character: '|'\ncolors:\n  body: none\n  date: none\n  tags: none\n  title: none\n"
        )


def timed(command: list[str], env: dict[str, str], stdin: str | None,
          stdout: Path | None = None) -> tuple[float, float, str]:
    """(wall seconds, peak RSS MB, stderr) of one whole process; exits on failure."""
    out = open(stdout, "wb") if stdout is not None else subprocess.DEVNULL  # noqa: SIM115
    try:
        started = time.perf_counter()
        # A session of its own: no controlling terminal, so jrnl's getpass reads stdin.
        proc = subprocess.Popen(command, env=env, stdin=subprocess.PIPE, stdout=out, stderr=subprocess.PIPE,
                                start_new_session=True)
        assert proc.stdin is not None and proc.stderr is not None
        if stdin is not None:
            proc.stdin.write(stdin.encode())
        proc.stdin.close()
        err = proc.stderr.read()
        _, status, usage = os.wait4(proc.pid, 0)  # this process's own peak memory, not the largest child's
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        proc.stderr.close()
    finally:
        if stdout is not None:
            out.close()  # type: ignore[union-attr]
    if proc.returncode != 0:
        sys.exit(f"vs_jrnl: {command[0]} {' '.join(command[1:3])}... failed ({proc.returncode}): "
                 f"{err.decode(errors='replace')[-600:]}")
    return wall, usage.ru_maxrss / 1024, err.decode(errors="replace")  # Linux: KiB


def install_jrnl(venv: Path) -> None:
    if (venv / "bin" / "jrnl").exists():
        return
    note(f"installing jrnl {JRNL_VERSION} into {venv} (once)")
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(venv / "bin" / "pip"), "install", "-q", f"jrnl=={JRNL_VERSION}"], check=True)


def prepare(tools: Tools, entries: int, cheap_kdf: bool) -> dict[str, Any]:
    """The journal for both tools, made once per size and kept in the work folder."""
    stamp = tools.work / "prepared.json"
    if stamp.exists():
        found: dict[str, Any] = json.loads(stamp.read_text())
        if found.get("entries") == entries and found.get("cheap_kdf") == cheap_kdf:
            return found
    shutil.rmtree(tools.work, ignore_errors=True)
    (tools.work / "jrnl").mkdir(parents=True)
    tools.passfile.write_text(PASSWORD + "\n")
    os.chmod(tools.passfile, 0o600)
    plain = tools.work / "plain.txt"
    info: dict[str, Any] = write_jrnl_file(plain, entries)
    info["plain_mb"] = plain.stat().st_size / 1e6
    note(f"wrote {entries} entries in jrnl's format ({info['plain_mb']:.1f} MB)")
    shutil.copyfile(plain, tools.jrnl_file)
    tools.write_config(encrypted=False)  # --encrypt reads the journal as plain text first
    wall, _, _ = tools.run_jrnl([JOURNAL_NAME, "--encrypt"], stdin=f"{PASSWORD}\n{PASSWORD}\nn\n")
    if not tools.jrnl_file.read_bytes().startswith(b"JRNLv"):
        sys.exit("vs_jrnl: jrnl --encrypt did not write an encrypted journal")
    tools.write_config()  # jrnl rewrites its config when it encrypts; ours again, the same every run
    info["jrnl_encrypt_s"] = wall
    tools.ours.parent.mkdir(parents=True)
    sys.path.insert(0, str(ROOT / "src"))
    from pairjournal.journal import Journal, KdfParams

    Journal.create(tools.ours, PASSWORD, KdfParams.cheap() if cheap_kdf else None).close()
    wall, _, _ = tools.run_ours(["import", str(plain), "--from", "jrnl"])
    info["ours_import_s"] = wall
    info["cheap_kdf"] = cheap_kdf
    note(f"encrypted with jrnl in {info['jrnl_encrypt_s']:.1f} s, imported into pairjournal in {wall:.1f} s")
    shutil.copyfile(tools.jrnl_file, tools.work / "jrnl-pristine.txt")
    shutil.copyfile(tools.ours, tools.work / "ours-pristine.pairjournal")
    plain.unlink()
    stamp.write_text(json.dumps(info))
    return info


def restore(tools: Tools) -> None:
    shutil.copyfile(tools.work / "jrnl-pristine.txt", tools.jrnl_file)
    shutil.copyfile(tools.work / "ours-pristine.pairjournal", tools.ours)
    for suffix in ("-wal", "-shm"):
        Path(f"{tools.ours}{suffix}").unlink(missing_ok=True)


OPERATIONS = ("search", "add", "export")


def measure(tools: Tools, repeats: int, ops: tuple[str, ...] = OPERATIONS) -> dict[str, Any]:
    tools.out.mkdir(exist_ok=True)
    export_jrnl, export_ours = tools.out / "jrnl.json", tools.out / "ours.json"
    operations = {
        "search": (lambda: tools.run_jrnl([JOURNAL_NAME, "-contains", NEEDLE]),
                   lambda: tools.run_ours(["search", NEEDLE])),
        "add": (lambda: tools.run_jrnl([JOURNAL_NAME, ADD_TEXT]),
                lambda: tools.run_ours(["reflect", ADD_TEXT])),
        "export": (lambda: tools.run_jrnl([JOURNAL_NAME, "--export", "json", "--file", str(export_jrnl)]),
                   lambda: tools.run_ours(["list", "reflections", "--json"], stdout=export_ours)),
    }
    operations = {name: run for name, run in operations.items() if name in ops}
    result: dict[str, Any] = {}
    restore(tools)
    for run_jrnl, run_ours in operations.values():  # warm: the page cache, and today's backup
        run_jrnl()
        run_ours()
        restore(tools)
    peak = {"jrnl": 0.0, "ours": 0.0}
    for name, (run_jrnl, run_ours) in operations.items():
        restore(tools)
        times: dict[str, list[float]] = {"jrnl": [], "ours": []}
        for _ in range(repeats):  # the two tools take turns, so a busy moment hits both
            for tool, run in (("jrnl", run_jrnl), ("ours", run_ours)):
                if name == "add":
                    restore(tools)
                wall, rss, _ = run()
                times[tool].append(wall)
                peak[tool] = max(peak[tool], rss)
        result[f"jrnl_{name}_s"] = statistics.median(times["jrnl"])
        result[f"ours_{name}_s"] = statistics.median(times["ours"])
        result[f"{name}_ratio"] = result[f"jrnl_{name}_s"] / result[f"ours_{name}_s"]
        result[f"{name}_runs_s"] = {tool: [round(t, 3) for t in ts] for tool, ts in times.items()}
    restore(tools)
    if "export" in operations:  # both exports hold every entry, or the times compare nothing
        result["jrnl_export_entries"] = len(json.loads(export_jrnl.read_text()).get("entries", []))
        result["ours_export_entries"] = len(json.loads(export_ours.read_text()))
    result["jrnl_peak_rss_mb"], result["ours_peak_rss_mb"] = peak["jrnl"], peak["ours"]
    return result


def kdf_seconds() -> float:
    sys.path.insert(0, str(ROOT / "src"))
    from pairjournal.vault.crypto import KdfParams, derive_key

    times = []
    for _ in range(3):
        started = time.perf_counter()
        derive_key(PASSWORD, KdfParams.production())
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def journal_kdf(tools: Tools) -> Any:
    sys.path.insert(0, str(ROOT / "src"))
    from pairjournal.vault.store import read_header

    return read_header(tools.ours)[0].kdf


def kdf_process_seconds(tools: Tools, repeats: int) -> float:
    """The floor of any whole-process command of ours on this journal: an interpreter that
    imports the crypto and derives the journal's key (its own Argon2id parameters, from
    the header), and does nothing else. Production parameters cost about a quarter of
    a second by design; no command can be faster than this, whatever else it skips."""
    script = (
        "import sys\n"
        "from pairjournal.vault.crypto import derive_key\n"
        "from pairjournal.vault.store import read_header\n"
        "derive_key(sys.argv[2], read_header(sys.argv[1])[0].kdf)\n"
    )
    times = [timed([sys.executable, "-c", script, str(tools.ours), PASSWORD], tools.ours_env(), None)[0]
             for _ in range(repeats)]
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=10_000, help="journal size (entries), at least 100")
    parser.add_argument("--repeats", type=int, default=5, help="timed runs of each command, per tool")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    parser.add_argument("--work", type=Path, default=BENCH / ".cache" / "vs-jrnl", help="the work folder")
    parser.add_argument("--jrnl-venv", type=Path, default=BENCH / ".cache" / "jrnl-venv",
                        help="where jrnl is installed (made if missing)")
    parser.add_argument("--cheap-kdf", action="store_true", help="pairjournal's journal with fast key derivation "
                        "(smoke tests only: the comparison then means nothing)")
    parser.add_argument("--ops", default=",".join(OPERATIONS),
                        help="the commands to time, comma-separated (at 50,000 entries jrnl takes over a "
                        "minute per add or export; the budget there is for search only)")
    args = parser.parse_args(argv)
    ops = tuple(op for op in OPERATIONS if op in args.ops.split(","))
    if not ops or set(args.ops.split(",")) - set(OPERATIONS):
        parser.error(f"--ops takes some of {', '.join(OPERATIONS)}")
    if args.entries < 100:
        parser.error("--entries must be at least 100")
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    install_jrnl(args.jrnl_venv.resolve())
    work = args.work.resolve() / str(args.entries)
    tools = Tools(work, args.jrnl_venv.resolve())
    info = prepare(tools, args.entries, args.cheap_kdf)
    result: dict[str, Any] = {"entries": args.entries, **measure(tools, args.repeats, ops)}
    result["ours_kdf_s"] = kdf_seconds()
    result["ours_kdf_process_s"] = kdf_process_seconds(tools, args.repeats)
    result["cores"] = os.cpu_count()
    details = {k: v for k, v in result.items() if k not in KEYS} | {"journal": info}
    if args.json:  # an operation not timed (--ops) is null
        print(json.dumps({key: result.get(key) for key in KEYS}))
        note("details: " + json.dumps(details))
        return 0
    budgets = BUDGETS.get(args.entries, {})
    print(f"{'operation':<8} {'jrnl s':>8} {'ours s':>8} {'jrnl/ours':>10}  budget")
    for name in ops:
        ratio = result[f"{name}_ratio"]
        want = budgets.get(f"{name}_ratio")
        verdict = f">= {want:g}x  {'ok' if ratio >= want else 'UNDER'}" if want else ""
        print(f"{name:<8} {result[f'jrnl_{name}_s']:>8.3f} {result[f'ours_{name}_s']:>8.3f} {ratio:>9.1f}x  {verdict}")
    print(f"peak RSS MB: jrnl {result['jrnl_peak_rss_mb']:.0f}, ours {result['ours_peak_rss_mb']:.0f}; "
          f"our key derivation alone {result['ours_kdf_s']:.3f} s; {result['cores']} cores")
    floor = result["ours_kdf_process_s"]
    kdf = journal_kdf(tools)
    print(f"floor of any command of ours: {floor:.3f} s (a process that only derives the key: Argon2id, "
          f"{kdf.memory_kib // 1024} MiB, {kdf.iterations} passes, {kdf.lanes} lanes); ", end="")
    if "add" in ops:
        print(f"so add can be at most {result['jrnl_add_s'] / floor:.1f}x faster than jrnl here, "
              f"and ours spends {result['ours_add_s'] - floor:.3f} s beyond the floor")
    else:
        print("add not timed")
    note("details: " + json.dumps(details))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
