"""HTTP interactions under load, for `tests/bench.py`: one `python -m bot serve`, then
two gunicorn workers (`bot.workers:app`), and the trivial ceiling of the same path.

The bot runs in its own process(es), exactly as deployed; the loopback Discord (REST for
command sync and follow-ups) and the load generator run in this process. The generator
POSTs interactions signed as Discord signs them, all signed before the clock starts, so
the 2 cores it shares with the bot go to sending and receiving only. The mix is
`bench_discord.MIX`. Per configuration, as for the gateway: a saturation run
(`IN_FLIGHT` requests always outstanding) from the fresh process gives `cold_per_s`, and
one after `WARMING_PASSES` more the rate; then a run offered at 80 % of it gives p50/p99
latency (from sending the POST to reading the response, which is the first response).
The stand-in checks every body against Discord's OpenAPI description during the warm-up
only, as in `bench_discord`.

`http_stages_ms` splits one interaction of the HTTP path into its stages, in this
process over the same mix: the signature check, parsing, reading names and options,
the core's answer (or completions), and rendering the response body.

The trivial ceiling: `python tests/bench_http.py trivial PUBLIC_KEY` serves the same
aiohttp application (`HttpServer`) with the same `SignatureCheck` in front of a handler
that answers every interaction with one fixed message, driven by the same generator.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import re
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import loopback.objects as obj
import orjson
from aiohttp import web
from bench_discord import IN_FLIGHT, MIX, WARMING_PASSES, LoadDriver
from loopback.harness import LoopbackBot
from loopback.server import TOKEN, LoopbackDiscord
from nacl.signing import SigningKey

from bot.app import App
from bot.briefing.answers import Invocation
from bot.config import Config
from bot.discord_adapter.checks import payload_actor
from bot.discord_adapter.commands import CHOICES_MAX, discord_choices
from bot.discord_adapter.http_interactions import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    SignatureCheck,
    command_path,
    spec_options,
)
from bot.discord_adapter.names import option_names, spec_for
from bot.http_server import HttpServer
from bot.render.discord_payload import reply_payloads
from bot.state import migrate_bot, set_state
from store.fact_store import FactStore

ROOT = Path(__file__).resolve().parent.parent
PACED_SHARE = 0.8
# Connections the generator opens at most. An open-loop run that outpaces the server would
# otherwise open one per waiting request, until the process runs out of file descriptors;
# a request waiting for a connection is still timed from the moment it was due.
CONNECTIONS = 256
START_TIMEOUT_S = 120.0
TRIVIAL_ANSWER = {"type": 4, "data": {"content": "ok", "allowed_mentions": {"parse": []}}}


class SignedLoad:
    """Interactions of the mix, signed in advance, POSTed to one URL."""

    def __init__(self, server: LoopbackDiscord, driver: LoopbackBot, plan: dict[str, Any]) -> None:
        self.server = server
        self.mix = LoadDriver(driver, server, plan)  # type: ignore[arg-type]

    def signed(self, client: RawHttp, count: int) -> list[bytes]:
        """`count` interactions of the mix as whole requests, signed as Discord signs them."""
        out = []
        for _ in range(count):
            body = json.dumps(self.mix.payload()).encode()
            out.append(client.request(body, self.server.signed(body)))
        return out

    async def saturate(self, client: RawHttp, requests: list[bytes]) -> tuple[float, list[float]]:
        """All `requests` with `IN_FLIGHT` outstanding: the rate, and each latency (s)."""
        latencies: list[float] = []
        remaining = iter(requests)

        async def worker() -> None:
            for request in remaining:
                latencies.append(await client.post(request))

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(IN_FLIGHT)))
        return len(requests) / (time.perf_counter() - start), latencies

    async def paced(self, client: RawHttp, requests: list[bytes], rate: float) -> list[float]:
        """`requests` offered at `rate` per second whatever the answers do (open loop)."""
        start = time.perf_counter()
        tasks = []
        for i, request in enumerate(requests):
            delay = start + i / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(client.post(request)))
        return list(await asyncio.gather(*tasks))


class RawHttp:
    """The load generator's HTTP/1.1 client: each request's bytes are built before the
    clock starts, and sending one is a write and two reads on a kept-alive connection.

    Why not aiohttp's client: it spent about 0.2 ms of the shared cores per request
    (headers, cookies, its connection pool), as much as the trivial server's whole answer,
    and the generator shares the 2 cores it measures. The bot's answers all carry a
    `Content-Length`; a connection the server closes (`Connection: close`, or a keep-alive
    timeout) is replaced by a new one.
    """

    def __init__(self, url: str, connections: int = CONNECTIONS) -> None:
        parts = urlsplit(url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.path = parts.path or "/"
        self._idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []
        self._slots = asyncio.Semaphore(connections)

    def request(self, body: bytes, headers: dict[str, str]) -> bytes:
        """The whole POST of `body` to the URL's path, with `headers`."""
        lines = [
            f"POST {self.path} HTTP/1.1", f"Host: {self.host}:{self.port}",
            f"Content-Length: {len(body)}", *(f"{k}: {v}" for k, v in headers.items()),
        ]  # fmt: skip
        return "\r\n".join(lines).encode() + b"\r\n\r\n" + body

    async def post(self, request: bytes) -> float:
        """Send `request`; seconds until its response was read, from its first attempt.

        A kept-alive connection the server closed just as it was reused ends before any
        response: that request never reached a handler, so it is sent once more on a new
        connection, as any HTTP client would. Any answer but 200 fails the run.
        """
        start = time.perf_counter()
        async with self._slots:
            for attempt in (1, 2):
                reused = bool(self._idle)
                reader, writer = (
                    self._idle.pop()
                    if reused
                    else await asyncio.open_connection(self.host, self.port)
                )
                try:
                    writer.write(request)
                    head = await reader.readuntil(b"\r\n\r\n")
                except (ConnectionError, asyncio.IncompleteReadError):
                    writer.close()
                    if attempt == 2 or not reused:
                        raise
                    continue
                status, length, close = _response_head(head)
                await reader.readexactly(length)
                if status != 200:
                    raise RuntimeError(f"the endpoint answered {status}")
                if close:
                    writer.close()
                else:
                    self._idle.append((reader, writer))
                break
        return time.perf_counter() - start

    def close(self) -> None:
        for _, writer in self._idle:
            writer.close()
        self._idle.clear()


def _response_head(head: bytes) -> tuple[int, int, bool]:
    """Status, body length and whether the server closes the connection, from a head."""
    lines = head.decode("latin-1").split("\r\n")
    fields = dict(
        (name.strip().lower(), value.strip())
        for name, _, value in (line.partition(":") for line in lines[1:] if line)
    )
    if "content-length" not in fields:
        raise RuntimeError(f"a response without Content-Length: {lines[0]}")
    closing = fields.get("connection", "").lower() == "close"
    return int(lines[0].split(" ", 2)[1]), int(fields["content-length"]), closing


@asynccontextmanager
async def serving(command: list[str], env: dict[str, str]) -> AsyncIterator[str]:
    """Run a server process until the block ends; yields the URL it listens on."""
    process = await asyncio.create_subprocess_exec(
        *command, cwd=env.get("BENCH_CWD", str(ROOT)), env=env,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert process.stderr is not None
    url, ready, workers = "", 0, int(env.get("BENCH_WORKERS", "1"))
    deadline = time.perf_counter() + START_TIMEOUT_S
    while ready < workers or not url:
        line = (await asyncio.wait_for(process.stderr.readline(), START_TIMEOUT_S)).decode()
        if not line or time.perf_counter() > deadline:
            raise RuntimeError(f"{command[:4]} did not start")
        found = re.search(r"(?:HTTP on|Listening at:|TRIVIAL on) (http://\S+)", line)
        url = found.group(1) if found else url
        ready += "is ready" in line or "TRIVIAL on" in line
    drain = asyncio.create_task(process.stderr.read())
    try:
        yield url
    except Exception:
        process.terminate()
        tail = (await drain).decode(errors="replace").splitlines()[-30:]
        print(f"{command[:4]} failed; its last lines:", *tail, sep="\n", file=sys.stderr)
        raise
    finally:
        process.terminate()
        await process.wait()
        await drain


async def _measure(load: SignedLoad, url: str, count: int, seconds: float) -> dict[str, Any]:
    client = RawHttp(url)
    try:
        await load.saturate(client, load.signed(client, 50))  # warm-up, checked
        load.server.checking = False
        cold_rate, _ = await load.saturate(client, load.signed(client, count))
        await load.saturate(client, load.signed(client, count * WARMING_PASSES))
        rate, saturated = await load.saturate(client, load.signed(client, count))
        paced_rate = rate * PACED_SHARE
        paced = load.signed(client, int(paced_rate * seconds))
        at_80 = await load.paced(client, paced, paced_rate)
    finally:
        client.close()
        load.server.checking = True
    return {
        "per_s": round(rate, 1),
        "cold_per_s": round(cold_rate, 1),
        "saturated_ms": [s * 1000 for s in saturated],
        "at_80_ms": [s * 1000 for s in at_80],
    }


async def _run(store_path: Path, plan: dict[str, Any]) -> dict[str, Any]:
    server = LoopbackDiscord()
    await server.start()
    store = FactStore.open(store_path)
    migrate_bot(store.db)
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as scratch:
        config = Path(scratch) / "config.toml"
        config.write_text(
            f'[store]\npath = "{store_path}"\n'
            f'[discord]\nmode = "http"\npublic_key = "{server.public_key}"\n'
            f'guild_ids = [{obj.GUILD_ID}]\napi_base = "{server.api_base}"\n'
            f'[http]\nhost = "127.0.0.1"\nport = 0\n[logging]\nlevel = "INFO"\n',
            encoding="utf-8",
        )
        env = {**os.environ, "DISCORD_TOKEN": TOKEN, "PYTHONPATH": str(ROOT), "BENCH_CWD": scratch}
        driver = LoopbackBot(store, Path(scratch), config=Config(store_path=store_path))
        driver.server = server
        load = SignedLoad(server, driver, plan)
        # gunicorn keeps an idle connection 2 s, aiohttp's own server 75 s: the same for both.
        runs = {
            "http_1": ([sys.executable, "-m", "bot", "serve", "--config", str(config)], 1),
            "http_2": (
                [sys.executable, "-m", "gunicorn", "bot.workers:app", "--worker-class",
                 "aiohttp.GunicornWebWorker", "--workers", "2", "--bind", "127.0.0.1:0", "--keep-alive", "75"],
                2,
            ),
            "http_trivial": ([sys.executable, __file__, "trivial", server.public_key], 1),
        }  # fmt: skip
        for name, (command, workers) in runs.items():
            set_state(store.db, f"command_hash:{obj.GUILD_ID}", "")  # a fresh loopback: sync
            env["BENCH_WORKERS"] = str(workers)
            async with serving(command, env) as url:
                results[name] = await _measure(
                    load, f"{url}/interactions", plan["count"], plan["seconds"]
                )
    store.close()
    await server.stop()
    results["loopback_violations"] = list(server.violations)
    return results


def measure_http(store: FactStore, plan: dict[str, Any]) -> dict[str, Any]:
    """`http_1`, `http_2` (gunicorn workers) and `http_trivial`, each with `per_s`
    (saturated), `saturated_ms` and `at_80_ms` (offered at 80 % of its own rate)."""
    return asyncio.run(_run(Path(store.path), plan))


def _stage_payloads(plan: dict[str, Any], count: int) -> list[dict[str, Any]]:
    """Raw interactions of `MIX`, as Discord sends them (the names are the specs')."""
    rng = random.Random(5)
    payloads = []
    for _ in range(count):
        _, kind, command, option, source = rng.choices(MIX, [m[0] for m in MIX])[0]
        if source == "typed":
            command, value = rng.choice(plan["typed"])
        elif source == "days":
            value = rng.choice((7, 30, 90))
        else:
            value = rng.choice(plan[source])
        raw = {"name": option, "type": 4 if source == "days" else 3, "value": value}
        if kind == 4:
            raw["focused"] = True
        data = {"id": "1", "name": command, "type": 1, "options": [raw]}
        payloads.append(obj.interaction(kind, data))
    return payloads


def measure_http_stages(app: App, plan: dict[str, Any], count: int) -> dict[str, float]:
    """Mean milliseconds per interaction of each stage of `InteractionsEndpoint`'s work."""
    key = SigningKey.generate()
    signatures = SignatureCheck(key.verify_key.encode().hex())
    stamp = str(int(time.time()))
    bodies = [orjson.dumps(p) for p in _stage_payloads(plan, count)]
    signed = [(b, key.sign(stamp.encode() + b).signature.hex()) for b in bodies]
    totals = dict.fromkeys(("verify", "parse", "names", "core", "render"), 0.0)
    clock = time.perf_counter
    for body, signature in signed:
        t0 = clock()
        assert signatures.verified(signature, stamp, body)
        t1 = clock()
        payload = orjson.loads(body)
        t2 = clock()
        path, raw = command_path(payload["data"])
        spec = spec_for(path)
        assert spec is not None
        options = spec_options(payload, spec, raw)
        t3 = clock()
        if payload["type"] == 4:
            option = option_names(spec)[raw[0]["name"]]
            found = app.complete(spec.name, option.name, str(raw[0]["value"]), "ko", CHOICES_MAX)
            t4 = clock()
            choices = [{"name": n, "value": v} for n, v in discord_choices(found, option)]
            orjson.dumps({"type": 8, "data": {"choices": choices}})
        else:
            invocation = Invocation(spec.name, options, "ko", payload_actor(payload))
            answer = app.answer(invocation)
            t4 = clock()
            orjson.dumps({"type": 4, "data": reply_payloads(answer.reply, "ko")[0]})
        t5 = clock()
        for stage, start, end in zip(
            totals, (t0, t1, t2, t3, t4), (t1, t2, t3, t4, t5), strict=True
        ):
            totals[stage] += end - start
    return {stage: round(total / count * 1000, 3) for stage, total in totals.items()}


async def _serve_trivial(public_key: str) -> None:
    """The trivial ceiling's server: the bot's aiohttp app and signature check, a fixed answer."""
    signatures = SignatureCheck(public_key)
    body = json.dumps(TRIVIAL_ANSWER).encode()

    async def handle(request: web.Request) -> web.Response:
        raw = await request.read()
        headers = request.headers
        if not signatures.verified(
            headers.get(SIGNATURE_HEADER), headers.get(TIMESTAMP_HEADER), raw
        ):
            return web.Response(status=401)
        orjson.loads(raw)
        return web.Response(body=body, content_type="application/json")

    http = HttpServer("127.0.0.1", 0)
    http.web.router.add_post("/interactions", handle)
    await http.start()
    print(f"TRIVIAL on {http.url}", file=sys.stderr, flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__" and sys.argv[1:2] == ["trivial"]:
    asyncio.run(_serve_trivial(sys.argv[2]))
