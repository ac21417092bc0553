"""bench/run.py keeps working: a tiny journal, every measure present and a number.

No timings are asserted: benchmarks are measured with bench/run.py, not tested here.
"""

from __future__ import annotations

import json
import math
import subprocess
from pathlib import Path

from conftest import PYTHON, ROOT, subprocess_env

KEYS = {
    "records",
    "kdf_s",
    "unlock_to_home_s",
    "search_p50_ms",
    "search_p95_ms",
    "save_p50_ms",
    "save_p95_ms",
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
    assert sorted(p.name for p in cache.iterdir()) == ["journal-300-cheap.pairjournal"]
