"""bench/run.py and bench/vs_jrnl.py keep working: a tiny journal, every measure present and a number.

No timings are asserted: benchmarks are measured with bench/run.py, not tested here.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
from pathlib import Path

import pytest

from conftest import PYTHON, ROOT, subprocess_env

KEYS = {
    "records",
    "kdf_s",
    "unlock_to_home_s",
    "unlock_to_home_cold_s",
    "all_loaded_s",
    "index_ready_s",
    "search_p50_ms",
    "search_p95_ms",
    "save_p50_ms",
    "save_p95_ms",
    "keystroke_p50_ms",
    "keystroke_p95_ms",
    "export_year_s",
    "check_s",
    "peak_rss_mb",
    "file_mb",
}


def test_bench_run_reports_every_measure(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    done = subprocess.run(
        [PYTHON, str(ROOT / "bench" / "run.py"), "--records", "300", "--json", "--cache-dir", str(cache),
         "--cheap-kdf", "--unlock-runs", "1"],
        capture_output=True,
        text=True,
        env=subprocess_env(),
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout)
    assert set(result) == KEYS
    for key, value in result.items():
        assert isinstance(value, (int, float)) and not isinstance(value, bool), (key, value)
        assert math.isfinite(value) and value >= 0, (key, value)
    assert result["records"] == 300
    assert result["file_mb"] > 0 and result["peak_rss_mb"] > 0
    # The generated journal is kept for the next run of this size; the working copy is gone.
    assert sorted(p.name for p in cache.iterdir()) == ["journal-300-cheap-v4.pairjournal"]


VS_JRNL_KEYS = {
    "entries", "jrnl_search_s", "ours_search_s", "search_ratio", "jrnl_add_s", "ours_add_s", "add_ratio",
    "jrnl_export_s", "ours_export_s", "export_ratio", "jrnl_peak_rss_mb", "ours_peak_rss_mb", "ours_kdf_s",
    "ours_kdf_process_s", "cores",
}


def _jrnl_venv() -> Path:
    return Path(os.environ.get("JRNL_VENV") or ROOT / "bench" / ".cache" / "jrnl-venv")


# The test suite never installs anything (offline): it uses a jrnl that
# bench/vs_jrnl.py (or ../shared/bench-jrnl/setup_venv.sh, via JRNL_VENV) installed.
@pytest.mark.skipif(not (_jrnl_venv() / "bin" / "jrnl").exists(), reason="jrnl is not installed (run bench/vs_jrnl.py once)")
def test_vs_jrnl_reports_every_time_and_ratio(tmp_path: Path) -> None:
    done = subprocess.run(
        [PYTHON, str(ROOT / "bench" / "vs_jrnl.py"), "--entries", "100", "--repeats", "1", "--json",
         "--cheap-kdf", "--work", str(tmp_path / "work"), "--jrnl-venv", str(_jrnl_venv())],
        capture_output=True,
        text=True,
        env=subprocess_env(),
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout)
    assert set(result) == VS_JRNL_KEYS
    for key, value in result.items():
        assert isinstance(value, (int, float)) and not isinstance(value, bool), (key, value)
        assert math.isfinite(value) and value > 0, (key, value)
    assert result["entries"] == 100
    details = json.loads(done.stderr.split("vs_jrnl: details: ", 1)[1])
    # Both exports held every entry: the tools did the same work.
    assert details["jrnl_export_entries"] == details["ours_export_entries"] == 100
