"""Several worker processes on one host: `gunicorn bot.workers:app`.

    gunicorn bot.workers:app --worker-class aiohttp.GunicornWebWorker --workers 2 \
        --bind 127.0.0.1:8080

Each worker is a whole bot on the shared SQLite file (WAL lets them read side by side and
queues their writes): the HTTP application with Discord's `/interactions` (`[discord]
mode = "http"`) and every configured front end, from `config.toml` in the working
directory and the `BRIEFBOT_*` variables, as `python -m bot serve` would run it. Nothing
is kept between requests, so gunicorn may send any request to any worker: an answer
remembered in one worker is keyed by the store's revision, which every worker reads
from the file on each answer. The digest scheduler runs in whichever worker holds the
leader lease (`bot.digest.scheduler`); the others take over if it dies.
"""

from __future__ import annotations

import logging

from aiohttp import web

from bot.__main__ import chat_front_ends
from bot.app import App
from bot.config import load_config
from bot.http_server import HttpServer
from bot.logs import configure_from
from bot.run import Runner
from store.fact_store import FactStore

log = logging.getLogger(__name__)


async def app() -> web.Application:
    """One worker's aiohttp application (gunicorn's aiohttp worker calls this factory in
    each worker); its front ends and scheduler start and stop with it."""
    config = load_config()
    configure_from(config)
    for warning in config.warnings:
        log.warning(warning)
    store = FactStore.open(config.store_path)
    http = HttpServer(config.http_host, config.http_port)  # gunicorn binds; only routes used
    bot = App(config, store)
    runner = Runner(bot, chat_front_ends(bot, http))

    async def started(_: web.Application) -> None:
        await runner.start()

    async def stopped(_: web.Application) -> None:
        await runner.stop()
        store.close()

    http.web.on_startup.append(started)
    http.web.on_cleanup.append(stopped)
    return http.web
