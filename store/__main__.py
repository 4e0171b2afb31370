"""`python -m store`: look after the fact store from the shell.

python -m store [--db PATH] stats [--json]
python -m store [--db PATH] check
python -m store [--db PATH] export [--output FILE]
python -m store [--db PATH] backup PATH
python -m store [--db PATH] import FILE [--dry-run] [--reason TEXT] [--progress-every N]
python -m store [--db PATH] upgrade [--dry-run] [--locale ko|en]

It never creates a store (the bot creates its own on first use): a mistyped `--db` is
an error, not a new empty store. Whatever goes wrong with the file (missing, not a
store, busy, read-only, disk full) is one line on stderr and exit status 1.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from store.dataset import DatasetError, dump_yaml, read_dataset
from store.errors import InvalidInput, StoreFault
from store.fact_store import FactStore
from store.importer import scratch_store
from store.progress import Progress


def _print_stats(stats: dict, as_json: bool) -> None:
    if as_json:
        print(json.dumps(stats, ensure_ascii=False, indent=2))
        return
    for section, value in stats.items():
        if isinstance(value, dict):
            print(f"{section}:")
            for key, count in value.items():
                print(f"  {key:<24} {count}")
        else:
            print(f"{section}: {value}")


def _import(
    store: FactStore, path: Path, *, dry_run: bool, reason: str | None, progress_every: int
) -> int:
    """Print the diff, then apply it (unless a dry run); 1 when the file is refused.

    A refused file is one line per problem on stderr, each naming its line in the file:
    `edit.yaml:12: entities[3] (etri).ko: …`. A long import says how far it has got.
    """
    progress = Progress(_to_stderr, f"{path.name}", every=progress_every)
    try:
        # The parsed file is a temporary: freed once loaded, before the diff is planned.
        scratch = scratch_store(read_dataset(path)[0], progress=progress)
        result = store.import_loaded(
            scratch, actor=f"import:{path.name}", reason=reason, dry_run=dry_run, progress=progress
        )
    except DatasetError as exc:
        if exc.total > 1:
            print(f"{path}: {exc.total:,} problems; nothing was written", file=sys.stderr)
        for problem in exc.problems:
            print(problem.text("en", str(path)), file=sys.stderr)
        if exc.total > len(exc.problems):
            print(f"{path}: … and {exc.total - len(exc.problems):,} more", file=sys.stderr)
        return 1
    except InvalidInput as exc:
        print(f"{path}: {exc.en}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"{path}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    for line in result.diff():
        print(line)
    if not result.steps:
        print(f"{path}: no changes")
    elif dry_run:
        print(f"{path}: {len(result.steps)} changes; dry run, nothing written")
    else:
        revisions = result.revisions
        print(
            f"{path}: {len(revisions)} changes applied as revisions {revisions[0]}–{revisions[-1]}"
        )
    return 0


def _to_stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m store", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--db", type=Path, help="database file (default: $BRIEFBOT_DB or var/briefbot.db)"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    stats = commands.add_parser("stats", help="counts per table and kind")
    stats.add_argument("--json", action="store_true", help="one JSON object")
    commands.add_parser("check", help="verify integrity; exits 1 on any problem")
    export = commands.add_parser("export", help="write the store as data set YAML")
    export.add_argument("--output", "-o", type=Path, help="file to write (default: stdout)")
    backup = commands.add_parser("backup", help="copy the live database consistently")
    backup.add_argument("path", type=Path)
    bulk = commands.add_parser("import", help="apply an edited export, one revision per change")
    bulk.add_argument("file", type=Path, help="data set YAML, usually an edited export")
    bulk.add_argument("--dry-run", action="store_true", help="show the changes, write nothing")
    bulk.add_argument("--reason", help="why, recorded with every revision")
    bulk.add_argument(
        "--progress-every",
        type=int,
        default=1000,
        metavar="N",
        help="a progress line on stderr every N entities or changes (default 1000)",
    )
    upgrade = commands.add_parser(
        "upgrade", help="apply newer bundled data set versions as revisions (admin edits kept)"
    )
    upgrade.add_argument("--dry-run", action="store_true", help="show the changes, write nothing")
    upgrade.add_argument("--locale", choices=("ko", "en"), default="ko", help="report language")
    args = parser.parse_args(argv)
    try:
        store = FactStore.open(args.db, create=False)
    except StoreFault as exc:
        print(f"error: {exc.en}", file=sys.stderr)
        return 1
    try:
        return _run(store, args)
    except StoreFault as exc:
        print(f"error: {exc.en}", file=sys.stderr)
        return 1
    except OSError as exc:  # an --output that cannot be written
        print(f"error: {exc.filename}: {exc.strerror}", file=sys.stderr)
        return 1
    finally:
        store.close()


def _run(store: FactStore, args: argparse.Namespace) -> int:
    """Carry out one command on an open store; its exit status."""
    if args.command == "stats":
        _print_stats(store.stats(), args.json)
    elif args.command == "check":
        problems = store.check()
        for problem in problems:
            print(f"problem: {problem}", file=sys.stderr)
        if store.read_only:
            print(
                f"note: {store.path} is read-only: full-text indexes not checked", file=sys.stderr
            )
        print(f"{store.path}: {'ok' if not problems else f'{len(problems)} problems'}")
        return 1 if problems else 0
    elif args.command == "export":
        text = dump_yaml(store.export())
        if args.output:
            args.output.write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text)
    elif args.command == "backup":
        store.backup(args.path)
        print(f"backed up {store.path} to {args.path}")
    elif args.command == "import":
        return _import(
            store,
            args.file,
            dry_run=args.dry_run,
            reason=args.reason,
            progress_every=args.progress_every,
        )
    elif args.command == "upgrade":
        for line in store.upgrade(dry_run=args.dry_run).lines(args.locale):
            print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
