"""How long `python -m store import` takes as the file grows (README, Reliability).

For each size N it writes a data set file of N entities, exported from the synthetic
store `tests/bench_store.py` builds (about ten facts and one milestone per entity, every
value type and date precision), and imports it, as a separate `python -m store` process,
into a store that holds the file's sources and attributes but none of its entities: N
entities, their names, facts and milestones are added. Then it imports the same file
again, which changes nothing but compares every row. Names that the synthetic store
gives two entities (colliding acronyms) are left out of the file, since a file, like a
chat edit, may not give one name to two entities.

    python tests/bench_import.py 250 1000 4000 20000 [--json]

Files and stores are kept in `var/bench/`. Times are wall-clock seconds; RSS is the
import process's peak.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench_store import CACHE_DIR, ensure_store

from store.dataset import dump_yaml
from store.fact_store import FactStore
from store.hangul import name_key

ROOT = Path(__file__).resolve().parent.parent
NAME_KEYS = ("ko", "en", "acronym")


def _names_once(entities: list[dict[str, Any]]) -> None:
    """Give every name to one entity only (by `name_key`): a Korean name taken already
    gets the entity's id after it, other names taken already are left out."""
    owner: dict[str, str] = {}

    def free(name: str, entity_id: str) -> bool:
        return owner.setdefault(name_key(name), entity_id) == entity_id

    for entity in entities:
        if not free(entity["ko"], entity["id"]):
            entity["ko"] = f"{entity['ko']} {entity['id']}"
            free(entity["ko"], entity["id"])
        for key in NAME_KEYS[1:]:
            if entity.get(key) and not free(entity[key], entity["id"]):
                del entity[key]
        kept = [alias for alias in entity.get("aliases", []) if free(alias, entity["id"])]
        entity.pop("aliases", None)
        if kept:
            entity["aliases"] = kept


def prepare(entities: int) -> tuple[Path, Path]:
    """The file of `entities` entities and the store to import it into (made once)."""
    folder = CACHE_DIR / f"import-{entities}"
    file, base = folder / "entities.yaml", folder / "base.yaml"
    if not file.exists():
        folder.mkdir(parents=True, exist_ok=True)
        source = FactStore.open(ensure_store(entities), create=False)
        try:
            data = source.export()
        finally:
            source.close()
        _names_once(data["entities"])
        base.write_text(dump_yaml({**data, "entities": []}), encoding="utf-8")
        file.write_text(dump_yaml(data), encoding="utf-8")
    return file, base


def _fresh_target(folder: Path, base: Path) -> Path:
    target = folder / "target.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    FactStore.open(target, dataset=base).close()
    return target


def _timed_import(target: Path, file: Path) -> tuple[float, str]:
    started = time.perf_counter()
    run = subprocess.run(
        [sys.executable, "-m", "store", "--db", str(target), "import", str(file)],
        capture_output=True, text=True, check=False, cwd=ROOT,
    )  # fmt: skip
    elapsed = time.perf_counter() - started
    if run.returncode != 0:
        raise SystemExit(f"import failed: {run.stderr[-2000:]}")
    return elapsed, run.stdout.strip().splitlines()[-1]


def measure(entities: int) -> dict[str, Any]:
    """Seconds to import N new entities, and to import the same file again (no change)."""
    file, base = prepare(entities)
    target = _fresh_target(file.parent, base)
    first, summary = _timed_import(target, file)
    again, unchanged = _timed_import(target, file)
    rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {
        "entities": entities,
        "file_mb": round(file.stat().st_size / 2**20, 1),
        "import_s": round(first, 1),
        "reimport_unchanged_s": round(again, 1),
        "ms_per_entity": round(first * 1000 / entities, 2),
        "peak_rss_mb": round(rss_mb),
        "result": summary.rsplit(": ", 1)[-1],
        "again": unchanged.rsplit(": ", 1)[-1],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", type=int, nargs="*", default=[250, 1000, 4000])
    parser.add_argument("--json", action="store_true", help="one JSON object per size")
    args = parser.parse_args()
    for size in args.sizes:
        result = measure(size)
        print(json.dumps(result, ensure_ascii=False) if args.json else result, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
