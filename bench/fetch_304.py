"""Conditional-GET throughput: Fetcher against a bare aiohttp loop, both hitting one local server.

    python bench/fetch_304.py --n 10000

The server runs in its own process and answers 304 to a matching If-None-Match; each client runs in
a fresh process too, so each reports its own peak RSS.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import resource
import socket
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import aiohttp  # noqa: E402
from aiohttp import web  # noqa: E402

from gazette.ingest.fetcher import Fetcher, FetchOptions, FetchRequest  # noqa: E402


def serve(port_out: multiprocessing.connection.Connection) -> None:
    async def handle(request: web.BaseRequest) -> web.Response:
        etag = '"' + request.path.rsplit("/", 1)[-1] + '"'
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag})
        return web.Response(body=b"<rss/>", headers={"ETag": etag, "Content-Type": "application/rss+xml"})

    async def main() -> None:
        server = web.Server(handle)
        runner = web.ServerRunner(server, access_log=None)
        await runner.setup()
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        site = web.SockSite(runner, sock)
        await site.start()
        port_out.send(sock.getsockname()[1])
        await asyncio.Event().wait()

    asyncio.run(main())


def requests_for(base: str, n: int) -> list[FetchRequest]:
    return [FetchRequest(f"{base}/feed/{i}", etag=f'"{i}"') for i in range(n)]


async def run_fetcher(base: str, n: int, concurrency: int) -> int:
    options = FetchOptions(allow_private=True, per_host_limit=concurrency, max_connections=concurrency)
    not_modified = 0
    async with Fetcher(options) as fetcher:
        async for result in fetcher.fetch_many(requests_for(base, n)):
            not_modified += result.not_modified
    return not_modified


async def run_bare(base: str, n: int, concurrency: int) -> int:
    limit = asyncio.Semaphore(concurrency)
    connector = aiohttp.TCPConnector(limit=concurrency, limit_per_host=concurrency)

    async with aiohttp.ClientSession(connector=connector) as session:

        async def one(request: FetchRequest) -> bool:
            async with limit, session.get(request.url, headers={"If-None-Match": request.etag or ""}) as resp:
                await resp.read()
                return resp.status == 304

        results = await asyncio.gather(*(one(r) for r in requests_for(base, n)))
    return sum(results)


def measure(
    name: str, base: str, n: int, concurrency: int, out: multiprocessing.connection.Connection
) -> None:
    client = run_fetcher if name == "fetcher" else run_bare
    asyncio.run(client(base, min(n, 500), concurrency))  # warm up
    started = time.perf_counter()
    not_modified = asyncio.run(client(base, n, concurrency))
    elapsed = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    out.send((elapsed, not_modified, peak_kb))


def in_child(ctx, target, *args):
    receive, send = ctx.Pipe(duplex=False)
    process = ctx.Process(target=target, args=(*args, send))
    process.start()
    value = receive.recv()
    process.join()
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000, help="conditional GETs per client (default 10000)")
    parser.add_argument("--concurrency", type=int, default=100, help="requests in flight (default 100)")
    parser.add_argument("--rounds", type=int, default=3, help="runs per client; the best counts (default 3)")
    args = parser.parse_args()

    ctx = multiprocessing.get_context("spawn")
    receive, send = ctx.Pipe(duplex=False)
    server = ctx.Process(target=serve, args=(send,), daemon=True)
    server.start()
    base = f"http://127.0.0.1:{receive.recv()}"

    best: dict[str, tuple[float, int, int]] = {}
    try:
        for _ in range(args.rounds):
            for name in ("bare", "fetcher"):
                elapsed, not_modified, peak_kb = in_child(ctx, measure, name, base, args.n, args.concurrency)
                if not_modified != args.n:
                    sys.exit(f"{name}: only {not_modified} of {args.n} answers were 304")
                if name not in best or elapsed < best[name][0]:
                    best[name] = (elapsed, not_modified, peak_kb)
    finally:
        server.terminate()
        server.join()

    print(f"{args.n} conditional GETs, {args.concurrency} in flight, best of {args.rounds}")
    for name, label in (("bare", "bare aiohttp"), ("fetcher", "Fetcher")):
        elapsed, _, peak_kb = best[name]
        rate = args.n / elapsed
        print(f"  {label:<13} {elapsed:6.2f} s  {rate:8.0f} req/s  peak RSS {peak_kb / 1024:6.1f} MB")
    print(f"  Fetcher / bare time ratio: {best['fetcher'][0] / best['bare'][0]:.2f}x")


if __name__ == "__main__":
    main()
