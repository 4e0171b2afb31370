"""The benchmark runs end to end on a small store and reports every metric it promises."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).with_name("bench.py")
TIMINGS = (
    "resolve_ms", "resolve_floor_ms", "autocomplete_ms", "search_ms", "card_ms", "digest_ms",
    "interaction_ms", "interaction_ms_at_80", "http_1_ms_at_80", "http_2_ms_at_80",
    "http_trivial_ms_at_80",
)  # fmt: skip
NUMBERS = (
    "interactions_per_s", "digests_1000_s", "startup_s", "rss_mb", "entities",
    "gateway_trivial_per_s", "gateway_ratio", "http_1_per_s", "http_2_per_s",
    "http_trivial_per_s", "http_1_ratio", "http_2_vs_1", "interactions_cold_per_s",
    "http_1_cold_per_s", "http_2_cold_per_s",
)  # fmt: skip


# It drives a load generator to saturation on purpose, so on a machine busy with other
# work it takes several times its idle 15 s: the limit is for a hang, not for speed.
@pytest.mark.timeout(300)
def test_the_benchmark_reports_every_metric_as_json() -> None:
    done = subprocess.run(
        [sys.executable, str(BENCH), "--entities", "1000", "--quick", "--json"],
        capture_output=True,
        text=True,
        timeout=280,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    for key in TIMINGS:
        assert set(report[key]) == {"p50", "p99"}, key
        assert 0 < report[key]["p50"] <= report[key]["p99"], key
    for key in NUMBERS:
        assert isinstance(report[key], int | float) and report[key] > 0, key
    assert report["entities"] == 1000
    assert set(report["search_ms_by_kind"]) == {"ko_1", "ko_2", "ko_3+", "two_words"}
    assert {"ko_1", "ko_2", "ko_3+", "latin_1", "latin_2", "latin_3+"} <= set(
        report["autocomplete_ms_by_kind"]
    )
    assert done.stdout.splitlines()[2].startswith("resolve_ms")  # the table comes first
