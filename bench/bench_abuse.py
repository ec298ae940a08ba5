"""Abuse bench of `babybliss serve`, bounded and on 127.0.0.1 only: poisoned requests among valid ones, slow headers,
slow bodies and a burst past the queue, each while well-formed clients go on. Nothing may be lost and no well-formed
request may get a 5xx (503 with Retry-After excepted: it is retried after the wait it names, and must then convert).

Starts `babybliss serve` (the rule converter for English -> Bliss, the base model for Bliss -> English) on a free port,
or uses `--url`. Results go to OUT/abuse.json and are printed.

    python bench/bench_abuse.py --out runs/bench-abuse
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import time
from collections import Counter
from pathlib import Path

import httpx

from bench_serve import ROOT, start_server

POISONS = [
    ("lone surrogate", b'{"direction": "e2b", "sentences": ["We go \\ud800 home."]}', 422),
    ("lone surrogate, Bliss side", b'{"direction": "b2e", "sentences": ["present:We go \\udfff home."]}', 422),
    ("control character", b'{"direction": "e2b", "sentences": ["We go\\u0000 home."]}', 422),
    ("not UTF-8", b'{"direction": "e2b", "sentences": ["caf\xe9 au lait."]}', 422),
    ("not JSON", b'{"direction": "e2b", "sentences": [', 422),
    ("huge body", b'{"direction": "e2b", "sentences": ["' + b"x" * 100_000 + b'"]}', 413),
]


def english_sentences() -> list[str]:
    pairs = json.loads((ROOT / "src/babybliss/data/corpus/pairs.json").read_text(encoding="utf-8"))
    return [p["original"] for p in pairs]


async def convert(client: httpx.AsyncClient, url: str, sentences: list[str], retry_503: bool = True) -> dict:
    """One well-formed request, retried after Retry-After on 503; its statuses and whether its answer is whole."""
    statuses, start = [], time.perf_counter()
    while True:
        response = await client.post(f"{url}/v1/convert", json={"direction": "e2b", "sentences": sentences})
        statuses.append(response.status_code)
        if response.status_code == 503 and retry_503:
            await asyncio.sleep(float(response.headers["Retry-After"]))
            continue
        break
    whole = response.status_code == 200 and [r["input"] for r in response.json()["results"]] == sentences
    return {"statuses": statuses, "whole": whole, "seconds": time.perf_counter() - start}


def well_formed_summary(outcomes: list[dict]) -> dict:
    final = Counter(o["statuses"][-1] for o in outcomes)
    seconds = sorted(o["seconds"] for o in outcomes)
    return {
        "requests": len(outcomes),
        "answered_whole": sum(o["whole"] for o in outcomes),
        "final_statuses": dict(final),
        "any_5xx_but_503": sum(any(s >= 500 and s != 503 for s in o["statuses"]) for o in outcomes),
        "503_then_retried": sum(503 in o["statuses"] for o in outcomes),
        "p50_s": round(seconds[len(seconds) // 2], 3),
        "max_s": round(seconds[-1], 3),
    }


async def steady(url: str, sentences: list[str], seconds: float, clients: int = 4) -> list[dict]:
    """Well-formed one-sentence requests from `clients` clients for `seconds`."""
    end, outcomes = time.monotonic() + seconds, []
    async with httpx.AsyncClient(timeout=120) as client:

        async def one_client(k: int) -> None:
            rng = random.Random(k)
            while time.monotonic() < end:
                outcomes.append(await convert(client, url, [rng.choice(sentences)]))

        await asyncio.gather(*(one_client(k) for k in range(clients)))
    return outcomes


async def poisoned(url: str, sentences: list[str], rounds: int) -> dict:
    """Each round: 20 valid requests and every poison at once."""
    got: Counter = Counter()
    valid: list[dict] = []
    async with httpx.AsyncClient(timeout=120) as client:
        for r in range(rounds):
            rng = random.Random(r)
            valid_tasks = [convert(client, url, [rng.choice(sentences)]) for _ in range(20)]
            poison_tasks = [
                client.post(f"{url}/v1/convert", content=body, headers={"content-type": "application/json"})
                for _, body, _ in POISONS
            ]
            results = await asyncio.gather(*valid_tasks, *poison_tasks)
            valid += results[:20]
            for (name, _, expected), response in zip(POISONS, results[20:]):
                ok = response.status_code == expected and "error" in response.json()
                got[f"{name}: {response.status_code}{'' if ok else ' UNEXPECTED'}"] += 1
    return {"valid": well_formed_summary(valid), "poisoned": dict(got)}


async def slow_client(port: int, head: bytes, trickle: bytes, every_s: float, give_up_s: float) -> dict:
    """Send `head`, then `trickle` every `every_s` until the server answers or closes; when that happened."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    start = time.monotonic()
    writer.write(head)
    answer = b""

    async def keep_sending():
        while True:
            await asyncio.sleep(every_s)
            writer.write(trickle)
            await writer.drain()

    sender = asyncio.create_task(keep_sending())
    try:
        answer = await asyncio.wait_for(reader.read(4096), give_up_s)
    except (TimeoutError, ConnectionError):
        pass
    finally:
        sender.cancel()
        writer.close()
    return {"status_line": answer.split(b"\r\n", 1)[0].decode(errors="replace"), "seconds": time.monotonic() - start}


async def slow_attack(url: str, port: int, sentences: list[str], kind: str, connections: int, give_up_s: float) -> dict:
    if kind == "headers":
        head, trickle = b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n", b"X-Slow: 1\r\n"
    else:
        head = (b"POST /v1/convert HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                b"Content-Length: 4000\r\n\r\n{")
        trickle = b" "
    attackers = [slow_client(port, head, trickle, 2.0, give_up_s) for _ in range(connections)]
    results = await asyncio.gather(asyncio.gather(*attackers), steady(url, sentences, give_up_s / 2))
    closed, served = results
    seconds = sorted(c["seconds"] for c in closed)
    return {
        "connections": connections,
        "answers": dict(Counter(c["status_line"] or "(closed, no answer)" for c in closed)),
        "closed_after_s": {"min": round(seconds[0], 2), "max": round(seconds[-1], 2)},
        "held_past_give_up": sum(s >= give_up_s for s in seconds),
        "meanwhile_well_formed": well_formed_summary(served),
    }


async def burst(url: str, sentences: list[str], requests: int, per_request: int) -> dict:
    """`requests` requests of `per_request` sentences at once, far past the queue; 503s retried after Retry-After."""
    rng = random.Random(7)
    limits = httpx.Limits(max_connections=requests)
    async with httpx.AsyncClient(timeout=600, limits=limits) as client:
        start = time.perf_counter()
        outcomes = await asyncio.gather(
            *(convert(client, url, rng.sample(sentences, per_request)) for _ in range(requests))
        )
    summary = well_formed_summary(outcomes)
    summary["sentences"] = requests * per_request
    summary["wall_s"] = round(time.perf_counter() - start, 1)
    return summary


async def run(url: str, port: int, args) -> dict:
    sentences = english_sentences()
    return {
        "poisoned": await poisoned(url, sentences, args.rounds),
        "slow_headers": await slow_attack(url, port, sentences, "headers", args.connections, args.give_up),
        "slow_bodies": await slow_attack(url, port, sentences, "body", args.connections, args.give_up),
        "burst": await burst(url, sentences, args.burst, 8),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="a running server on 127.0.0.1 (default: start `babybliss serve`)")
    parser.add_argument("--set", action="append", help="config override passed to the server")
    parser.add_argument("--rounds", type=int, default=5, help="poisoned rounds (20 valid + every poison each)")
    parser.add_argument("--connections", type=int, default=50, help="slow connections at once")
    parser.add_argument("--give-up", type=float, default=40.0, help="seconds a slow client keeps trying")
    parser.add_argument("--burst", type=int, default=100, help="requests of 8 sentences sent at once")
    parser.add_argument("--out", default="bench-abuse", help="folder for abuse.json")
    args = parser.parse_args()
    args.adapter = args.model = None
    server = None
    if args.url:
        url = args.url.rstrip("/")
        assert url.startswith(("http://127.0.0.1:", "http://localhost:")), "127.0.0.1 only"
    else:
        server, url = start_server(args)
    port = int(url.rsplit(":", 1)[1])
    try:
        result = asyncio.run(run(url, port, args))
    finally:
        if server is not None:
            server.terminate()
            server.wait(30)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "abuse.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
