"""`babybliss serve` with the model on a GPU: every sentence answered by the model, at many concurrent clients, one
replica or several on the same card.

Starts N replicas of `babybliss serve --model M --adapter A` on free ports (all on the visible GPU), waits for
/healthz, then for each level of concurrent clients sends one-sentence Bliss -> English requests (the Bliss side of
the shipped corpus: the direction that always needs the model), spread over the replicas request by request. The
clients run in several processes (`--client-processes`), so the load generator is not what limits a level. Reports
sentences/s, p50/p95/p99 latency, 503s and failures per level to OUT/serve-gpu.json and a table on stdout.

    python bench/bench_serve_gpu.py --model MODEL_FOLDER --adapter RUN/epoch-4 --levels 64,512 --replicas 1,2 \
        --set serve.max_batch=256 --set serve.queue_size=4096 --out $OUT

A model that never stops (random weights) decodes each batch to serve's token bound (twice the longest input plus
8 tokens), more than a trained model's answer: the figures are then a floor.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from bench_serve import free_port, percentile  # bench/ is on sys.path: the script's own folder

ROOT = Path(__file__).resolve().parents[1]


def start_replicas(args, count: int) -> tuple[list[subprocess.Popen], list[str]]:
    import httpx

    servers, urls = [], []
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]))
    for _ in range(count):
        port = free_port()
        command = [sys.executable, "-m", "babybliss", "serve", "--host", "127.0.0.1", "--port", str(port),
                   "--model", args.model] + (["--adapter", args.adapter] if args.adapter else [])
        for item in args.set:
            command += ["--set", item]
        servers.append(subprocess.Popen(command, env=env))
        urls.append(f"http://127.0.0.1:{port}")
    end = time.monotonic() + 600
    waiting = set(urls)
    while waiting and time.monotonic() < end:
        for server in servers:
            if server.poll() is not None:
                raise SystemExit(f"babybliss serve exited with {server.returncode}")
        for url in list(waiting):
            try:
                if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                    waiting.discard(url)
            except httpx.TransportError:
                pass
        time.sleep(0.5)
    if waiting:
        stop(servers)
        raise SystemExit("a replica did not answer /healthz within 600 s")
    return servers, urls


def stop(servers: list[subprocess.Popen]) -> None:
    for server in servers:
        server.terminate()
    for server in servers:
        server.wait(60)


def client_share(urls: list[str], sentences: list[str], clients: int, requests: int, offset: int) -> dict:
    """One client process: `clients` concurrent connections sending `requests` one-sentence requests in all."""
    import httpx

    latencies: list[float] = []
    counts = {"ok": 0, "503": 0, "other_5xx": 0, "4xx": 0, "transport_errors": 0, "lost": 0}
    sent = 0

    async def client(http) -> None:
        nonlocal sent
        while sent < requests:
            i = offset + sent
            sent += 1
            sentence = sentences[(i * 7) % len(sentences)]
            url = urls[i % len(urls)]
            start = time.perf_counter()
            try:
                response = await http.post(f"{url}/v1/convert", json={"direction": "b2e", "sentences": [sentence]})
            except httpx.TransportError:
                counts["transport_errors"] += 1
                continue
            elapsed = time.perf_counter() - start
            if response.status_code == 503:
                counts["503"] += 1
            elif response.status_code >= 500:
                counts["other_5xx"] += 1
            elif response.status_code >= 400:
                counts["4xx"] += 1
            else:
                counts["ok"] += 1
                latencies.append(elapsed)
                counts["lost"] += [r["input"] for r in response.json()["results"]] != [sentence]

    async def run() -> None:
        limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
        async with httpx.AsyncClient(limits=limits, timeout=900) as http:
            await asyncio.gather(*(client(http) for _ in range(clients)))

    asyncio.run(run())
    return {"latencies": latencies, **counts}


def level(pool: ProcessPoolExecutor, processes: int, urls: list[str], sentences: list[str], clients: int,
          requests: int) -> dict:
    shares = [(clients // processes + (p < clients % processes), requests // processes + (p < requests % processes))
              for p in range(processes)]
    start = time.perf_counter()
    futures = [pool.submit(client_share, urls, sentences, c, r, p * 100_003) for p, (c, r) in enumerate(shares) if c]
    parts = [f.result() for f in futures]
    seconds = time.perf_counter() - start
    latencies = [x for part in parts for x in part["latencies"]]
    counts = {key: sum(part[key] for part in parts) for key in parts[0] if key != "latencies"}
    return {"replicas": len(urls), "clients": clients, "requests": requests, "seconds": round(seconds, 2),
            "sentences_per_s": round(counts["ok"] / seconds, 2), "p50_s": round(percentile(latencies, 0.5), 3),
            "p95_s": round(percentile(latencies, 0.95), 3), "p99_s": round(percentile(latencies, 0.99), 3), **counts}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", required=True, help="model spec or folder to serve")
    parser.add_argument("--adapter", help="RUN/epoch-N on that model")
    parser.add_argument("--set", action="append", default=[], help="config override passed to every replica")
    parser.add_argument("--levels", default="64,512", help="concurrent clients per level")
    parser.add_argument("--replicas", default="1,2", help="replica counts to measure, each at every level")
    parser.add_argument("--requests-per-client", type=int, default=4, help="requests per client at each level")
    parser.add_argument("--client-processes", type=int, default=8)
    parser.add_argument("--out", default="bench-serve-gpu")
    args = parser.parse_args()

    pairs = json.loads((ROOT / "src/babybliss/data/corpus/pairs.json").read_text(encoding="utf-8"))
    sentences = [p["bliss"] for p in pairs]
    runs = []
    with ProcessPoolExecutor(args.client_processes) as pool:
        for replicas in (int(r) for r in args.replicas.split(",") if r):
            servers, urls = start_replicas(args, replicas)
            try:
                level(pool, 1, urls, sentences, len(urls), 2 * len(urls))  # warm-up: each replica's first batch
                for clients in (int(c) for c in args.levels.split(",") if c):
                    runs.append(level(pool, args.client_processes, urls, sentences, clients,
                                      clients * args.requests_per_client))
                    print(json.dumps(runs[-1]), flush=True)
            finally:
                stop(servers)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    result = {"date": time.strftime("%Y-%m-%d %H:%M"), "model": args.model, "adapter": args.adapter,
              "sets": args.set, "device": device_label(), "runs": runs}
    (out / "serve-gpu.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(f"device: {result['device']}")
    print("| replicas | clients | requests | s | sentences/s | p50 s | p95 s | p99 s | 503 | other 5xx | lost |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in runs:
        print(f"| {r['replicas']} | {r['clients']} | {r['requests']} | {r['seconds']} | {r['sentences_per_s']} | "
              f"{r['p50_s']} | {r['p95_s']} | {r['p99_s']} | {r['503']} | {r['other_5xx']} | {r['lost']} |")


def device_label() -> str:
    try:
        import torch

        return torch.cuda.get_device_name(0) if torch.cuda.is_available() else "cpu"
    except ImportError:
        return "unknown"


if __name__ == "__main__":
    main()
