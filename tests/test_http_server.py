"""The bot's one HTTP application: kept-alive connections are closed after a hundred
requests, so the workers behind one port share a client's few connections."""

from __future__ import annotations

import aiohttp
from aiohttp import web

from bot.http_server import REQUESTS_PER_CONNECTION, HttpServer


async def _peer_port(request: web.Request) -> web.Response:
    """Which of the client's connections carried the request (its local port)."""
    assert request.transport is not None
    return web.json_response({"port": request.transport.get_extra_info("peername")[1]})


async def test_a_connection_is_closed_after_its_hundredth_request_and_the_next_one_opens() -> None:
    http = HttpServer("127.0.0.1", 0)
    http.web.router.add_get("/peer", _peer_port)
    await http.start()
    answers: list[tuple[int, str, int]] = []
    try:
        connector = aiohttp.TCPConnector(limit=1)
        async with aiohttp.ClientSession(connector=connector) as session:
            for _ in range(2 * REQUESTS_PER_CONNECTION + 1):
                async with session.get(f"{http.url}/peer") as response:
                    port = (await response.json())["port"]
                    answers.append((response.status, response.headers.get("Connection", ""), port))
    finally:
        await http.stop()
    assert {status for status, _, _ in answers} == {200}
    closed_at = [n for n, (_, connection, _) in enumerate(answers, 1) if connection == "close"]
    assert closed_at == [REQUESTS_PER_CONNECTION, 2 * REQUESTS_PER_CONNECTION]
    ports = [port for _, _, port in answers]
    first, second, third = (
        set(ports[:REQUESTS_PER_CONNECTION]),
        set(ports[REQUESTS_PER_CONNECTION : 2 * REQUESTS_PER_CONNECTION]),
        set(ports[2 * REQUESTS_PER_CONNECTION :]),
    )
    assert len(first) == len(second) == len(third) == 1
    assert first != second != third
