"""`python -m bot`: run the bot (Discord with `DISCORD_TOKEN`, Slack with `SLACK_BOT_TOKEN`
and `SLACK_APP_TOKEN`, both with all three; else the local console),
or answer one command with `python -m bot ask "/program 국가 AI 연구거점"`; `check-config`
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
from bot.http_server import HttpServer, ListenError
from bot.i18n import LOCALES
from bot.logs import configure_from
from bot.monitoring import add_monitoring
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
    cli.add_modes(sub)
    return parser


def chat_front_ends(app: App, http: HttpServer | None = None) -> list[FrontEnd]:
    """The chat platforms whose credentials are configured (their clients imported only
    then, so the console starts without them); `http` is the web application a front end
    in HTTP mode answers on. Raises ConfigError for a platform that cannot start."""
    config = app.config
    front_ends: list[FrontEnd] = []
    token = config.token()
    if token:
        from bot.discord_adapter.client import DiscordFrontEnd

        front_ends.append(DiscordFrontEnd(app, token))
    slack_token = config.slack_bot_token()
    if slack_token:
        from bot.slack_adapter.front_end import SlackFrontEnd

        slack = SlackFrontEnd(
            app,
            slack_token,
            app_token=config.slack_app_token(),
            signing_secret=config.slack_signing_secret(),
            http=http,
        )
        front_ends.append(slack)
    return front_ends


def http_server(config: Config) -> HttpServer | None:
    """The one HTTP application, unless `[http] enabled` is false; a front end in HTTP mode
    adds its routes when it is built, the others join in `add_routes`."""
    return HttpServer(config.http_host, config.http_port) if config.http_enabled else None


def add_routes(http: HttpServer, app: App, front_ends: list[FrontEnd]) -> None:
    """Every route that joins the HTTP application beside the chat front ends."""
    add_monitoring(http, app, front_ends)


def serve(app: App, front_ends: list[FrontEnd], http: HttpServer | None) -> int:
    """Run the chat front ends and the HTTP application until stopped."""
    if http is not None:
        add_routes(http, app, front_ends)
    try:
        return run(app, front_ends, http)
    except ListenError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


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
        http = http_server(config)
        try:
            front_ends = chat_front_ends(app, http)
        except ConfigError as exc:
            print(f"config error: {exc}", file=sys.stderr)
            return cli.EX_CONFIG
        if front_ends:
            return serve(app, front_ends, http)
        return run_console(console, locale=locale)
    finally:
        store.close()


if __name__ == "__main__":
    sys.exit(main())
