"""`python -m bot`: run the bot (Discord with `DISCORD_TOKEN`, else the local console),
or answer one command with `python -m bot ask "/program 국가 AI 연구거점"`; `serve` runs
the HTTP application with the configured front ends and never the console; `check-config`
and `healthcheck` are for operators. A configuration error exits 78."""

from __future__ import annotations

import argparse
import logging
import sys
from datetime import date
from pathlib import Path

from bot import cli
from bot.app import App, fixed_clock
from bot.config import Config, ConfigError, load_config
from bot.console import Console, ask, console_actor, run_console
from bot.digest.delivery import utc_now
from bot.http_server import HttpServer
from bot.i18n import LOCALES
from bot.logs import configure_from
from bot.run import FrontEnd, run
from store.fact_store import FactStore


def _common(default: object) -> argparse.ArgumentParser:
    """Options accepted before and after `ask`; after it they must not reset what came before."""
    common = argparse.ArgumentParser(add_help=False, argument_default=default)
    common.add_argument("--config", type=Path, help="config file (default: config.toml if present)")
    common.add_argument("--db", type=Path, help="database file (overrides [store] path)")
    common.add_argument("--locale", choices=LOCALES, help="reply language (default: [bot] locale)")
    common.add_argument(
        "--user-id",
        type=int,
        help="act as this Discord user id, with the rights the config gives it"
        " (default: the local operator, who may do everything)",
    )
    return common


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot", description=__doc__, parents=[_common(None)]
    )
    parser.add_argument("--version", action="version", version=cli.version_text())
    sub = parser.add_subparsers(dest="mode", title="modes (default: run the bot)")
    one = sub.add_parser(
        "ask", parents=[_common(argparse.SUPPRESS)], help="answer one command and exit"
    )
    one.add_argument(
        "line", help='a command as typed in Discord, e.g. "/program name:국가 AI 연구거점"'
    )
    one.add_argument(
        "--json", action="store_true", help="print the Discord message payload as JSON"
    )
    one.add_argument("--now", type=date.fromisoformat, help="treat this day (YYYY-MM-DD) as today")
    serve = sub.add_parser(
        "serve",
        parents=[_common(argparse.SUPPRESS)],
        help="the HTTP application ([http] host/port: Discord's /interactions in"
        ' [discord] mode = "http") and every configured front end',
    )
    serve.add_argument("--host", help="listen on this address (default: [http] host)")
    serve.add_argument("--port", type=int, help="listen on this port (default: [http] port)")
    cli.add_modes(sub)
    return parser


def chat_front_ends(app: App, http: HttpServer | None = None) -> list[FrontEnd]:
    """The chat platforms whose credentials are configured (their clients imported only
    then, so the console starts without them). Discord in `http` mode answers on `http`."""
    front_ends: list[FrontEnd] = []
    token = app.config.token()
    if token and app.config.discord_mode == "http" and http is not None:
        from bot.discord_adapter.http_interactions import DiscordHttpFrontEnd

        front_ends.append(DiscordHttpFrontEnd(app, token, http))
    elif token:
        from bot.discord_adapter.client import DiscordFrontEnd

        front_ends.append(DiscordFrontEnd(app, token))
    return front_ends


def http_server(config: Config, args: argparse.Namespace) -> HttpServer | None:
    """The HTTP application: always for `serve`, else only when Discord needs it."""
    if args.mode != "serve" and config.discord_mode != "http":
        return None
    host = getattr(args, "host", None) or config.http_host
    port = getattr(args, "port", None)
    return HttpServer(host, config.http_port if port is None else port)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.mode in cli.MODES:
        return cli.MODES[args.mode](args)
    try:
        config = load_config(args.config)
    except ConfigError as exc:
        print(f"config error: {exc}", file=sys.stderr)
        return cli.EX_CONFIG
    configure_from(config)
    for warning in config.warnings:
        logging.getLogger("bot.config").warning(warning)
    locale = args.locale or config.locale
    store = FactStore.open(args.db or config.store_path)
    try:
        fixed = args.now if args.mode == "ask" else None
        app = App(config, store, clock=fixed_clock(fixed, config) if fixed else utc_now)
        console = Console(app, console_actor(args.user_id))
        if args.mode == "ask":
            print(ask(console, args.line, locale=locale, as_json=args.json))
            return 0
        http = http_server(config, args)
        front_ends = chat_front_ends(app, http)
        if front_ends or args.mode == "serve":
            return run(app, front_ends, http)
        return run_console(console, locale=locale)
    finally:
        store.close()


if __name__ == "__main__":
    sys.exit(main())
