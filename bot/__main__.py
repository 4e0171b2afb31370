"""`python -m bot`: run the bot (Discord with `DISCORD_TOKEN`, Slack with `SLACK_BOT_TOKEN`
and `SLACK_APP_TOKEN`, both with all three; else the local console),
or answer one command with `python -m bot ask "/program 국가 AI 연구거점"`; `serve` runs
the HTTP application (the web pages and calendars, Discord's /interactions in
`[discord] mode = "http"`) with the configured front ends and never the console;
`check-config` and `healthcheck` are for operators. A configuration error exits 78."""

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
from bot.web import add_web_routes
from store.errors import StoreFault
from store.fact_store import FactStore


def _common(default: object) -> argparse.ArgumentParser:
    """Options accepted before and after `ask`; after it they must not reset what came before."""
    common = argparse.ArgumentParser(add_help=False, argument_default=default)
    common.add_argument("--config", type=Path, help="config file (default: config.toml if present)")
    common.add_argument("--db", type=Path, help="database file (overrides [store] path)")
    common.add_argument("--locale", choices=LOCALES, help="reply language (default: [bot] locale)")
    common.add_argument(
        "--out",
        type=Path,
        help="where the console and ask write the files answers come with (timeline"
        " pictures, .ics calendars; default: the current directory)",
    )
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
        help="the HTTP application ([http] host/port: the web pages and calendars, and"
        " Discord's /interactions in [discord] mode = http) and every configured front end",
    )
    serve.add_argument("--host", help="listen on this address (default: [http] host)")
    serve.add_argument("--port", type=int, help="listen on this port (default: [http] port)")
    cli.add_modes(sub)
    return parser


def chat_front_ends(app: App, http: HttpServer | None = None) -> list[FrontEnd]:
    """The chat platforms whose credentials are configured (their clients imported only
    then, so the console starts without them); `http` is the web application a front end
    in HTTP mode answers on (Discord's /interactions, Slack's /slack/events). Raises
    ConfigError for a platform that cannot start."""
    config = app.config
    front_ends: list[FrontEnd] = []
    token = config.token()
    if token and config.discord_mode == "http":
        if http is None:
            raise ConfigError(
                'discord.mode = "http" needs the HTTP application: set [http] enabled = true'
            )
        from bot.discord_adapter.http_interactions import DiscordHttpFrontEnd

        front_ends.append(DiscordHttpFrontEnd(app, token, http))
    elif token:
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


def serve_http(config: Config, args: argparse.Namespace) -> HttpServer:
    """`serve`'s HTTP application: always, on `--host`/`--port` when given."""
    port = config.http_port if args.port is None else args.port
    return HttpServer(args.host or config.http_host, port)


def add_routes(http: HttpServer, app: App, front_ends: list[FrontEnd]) -> None:
    """Every route that joins the HTTP application beside the chat front ends."""
    add_monitoring(http, app, front_ends)
    add_web_routes(http, app)


def serve(app: App, front_ends: list[FrontEnd], http: HttpServer | None) -> int:
    """Run the chat front ends and the HTTP application until stopped."""
    if http is not None:
        add_routes(http, app, front_ends)
    try:
        return run(app, front_ends, http)
    except ListenError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


def upgrade(store: FactStore) -> None:
    """Bring the store to the bundled data set's newest version, as revisions (an admin's
    later edits are kept: a conflicting change is skipped and reported); say what was done.
    A store that cannot be written now (read-only, busy) is answered from as it is."""
    log = logging.getLogger("bot.upgrade")
    try:
        report = store.upgrade()
    except StoreFault as exc:
        log.warning("data set not upgraded: %s", exc.message("en"))
        return
    if report.applied or report.conflicts:
        log.info("%s", report.summary("en"))
        for conflict in report.conflicts:
            log.warning("data set change skipped: %s", conflict.message("en"))
        for line in report.lines("en")[1:]:
            log.debug("  %s", line)


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
    try:
        # Only the configured store is created on first use: a mistyped --db is an error.
        store = FactStore.open(args.db or config.store_path, create=args.db is None)
    except StoreFault as exc:
        print(f"error: {exc.message(locale)}", file=sys.stderr)
        return 1
    try:
        fixed = args.now if args.mode == "ask" else None
        app = App(config, store, clock=fixed_clock(fixed, config) if fixed else utc_now)
        console = Console(app, console_actor(args.user_id), (args.out or Path.cwd()).absolute())
        if args.mode == "ask":
            if config.store_upgrade_on_start:
                upgrade(store)
            print(ask(console, args.line, locale=locale, as_json=args.json))
            return 0
        http = serve_http(config, args) if args.mode == "serve" else http_server(config)
        try:
            front_ends = chat_front_ends(app, http)
        except ConfigError as exc:
            print(f"config error: {exc}", file=sys.stderr)
            return cli.EX_CONFIG
        # After the configuration is known to be usable, before anything is answered.
        if config.store_upgrade_on_start:
            upgrade(store)
        if front_ends or args.mode == "serve":
            return serve(app, front_ends, http)
        return run_console(console, locale=locale)
    finally:
        store.close()


if __name__ == "__main__":
    sys.exit(main())
