"""The web front end: every lookup at its own address, read-only, on the bot's one
aiohttp application (`bot.http_server.HttpServer`).

`add_web_routes(server, app)` is the one call that serves the pages wherever the HTTP
application is built (beside the gateway bot, or alone with `python -m bot serve`).
"""

from bot.web.pages import WebPages, add_web_routes

__all__ = ["WebPages", "add_web_routes"]
