"""The fault soak, bounded for CI: a minute of load on the real bot in two processes,
killed and hindered (see `tests/soak.py`), and nothing may be lost.

Every assertion is a count that must hold exactly whatever the machine's load: no digest
lost or posted twice, no acknowledged edit missing from the revision log after any kill,
no request body Slack or Discord would refuse, `store check` clean, and no interaction
left unanswered while its process was up. How fast anything went is not asserted: a
loaded machine answers later, and the soak counts those as late, not as failures.
Deselect it with `-m "not soak"`.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from soak import SoakOptions, run_soak

# A minute of load always contains a minute's turn, when digests come due (and the soak
# kills a process half a second after one, while they go out).
LOAD_SECONDS = 60.0


@pytest.mark.soak
@pytest.mark.timeout(300)
async def test_a_minute_of_faults_loses_nothing(tmp_path: Path) -> None:
    report = await run_soak(
        SoakOptions(seconds=LOAD_SECONDS, settle_seconds=20.0, workdir=tmp_path)
    )
    summary = "\n".join(report.lines())

    assert report.problems() == [], summary
    assert report.digests["due"] >= 1 and report.digests["posted"] == report.digests["due"]
    assert report.digests_lost == report.digests_duplicated == [], summary
    assert report.edits["acknowledged"] >= 1 and report.edits_lost == [], summary
    assert report.faults["kill -9"] >= 1, summary
    assert report.invalid_bodies == [] and report.store_check == "ok", summary
    assert report.unanswered_unexplained == [] and report.crashed == [], summary
