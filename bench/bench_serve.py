"""Load test of `babybliss serve`: a bounded asyncio client (httpx) against 127.0.0.1 only.

Starts `babybliss serve` on a free port (or uses `--url`), then for each level of concurrent clients sends
one-sentence English -> Bliss requests (sentences of the shipped corpus) and reports throughput, p50/p95 latency,
503s and any other failure. The final soak run (default 2 000 requests at 64 clients) sends 1-3 sentences per
request and checks that every result comes back, in order. Results go to OUT/serve.json.

    python bench/bench_serve.py --adapter runs/cpu/epoch-4 --out /tmp/bench-serve
    python bench/bench_serve.py --adapter runs/cpu/epoch-4 --screenshot docs/serve-page.png   # also the README's picture
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(args) -> tuple[subprocess.Popen, str]:
    port = free_port()
    command = [sys.executable, "-m", "babybliss", "serve", "--host", "127.0.0.1", "--port", str(port)]
    command += ["--adapter", args.adapter] if args.adapter else []
    command += ["--model", args.model] if args.model else []
    for item in args.set or []:
        command += ["--set", item]
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    server = subprocess.Popen(command, env=env)
    url = f"http://127.0.0.1:{port}"
    end = time.monotonic() + 300
    while time.monotonic() < end:
        if server.poll() is not None:
            raise SystemExit(f"babybliss serve exited with {server.returncode}")
        try:
            if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                return server, url
        except httpx.TransportError:
            time.sleep(0.5)
    server.terminate()
    raise SystemExit("babybliss serve did not answer /healthz within 300 s")


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def load(url: str, sentences: list[str], clients: int, requests: int, per_request: int) -> dict:
    """`requests` requests by `clients` concurrent clients; request i sends 1..per_request sentences."""
    latencies: list[float] = []
    counts = {"ok": 0, "503": 0, "other_5xx": 0, "4xx": 0, "transport_errors": 0, "lost_or_reordered": 0}
    converted = 0
    next_request = 0
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async def client(http: httpx.AsyncClient) -> None:
        nonlocal next_request, converted
        while next_request < requests:
            i = next_request
            next_request += 1
            batch = [sentences[(i * 7 + j) % len(sentences)] for j in range(1 + i % per_request)]
            start = time.perf_counter()
            try:
                response = await http.post(f"{url}/v1/convert", json={"direction": "e2b", "sentences": batch})
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
                inputs = [r["input"] for r in response.json()["results"]]
                counts["lost_or_reordered"] += inputs != batch
                converted += len(inputs)

    async with httpx.AsyncClient(limits=limits, timeout=600) as http:
        start = time.perf_counter()
        await asyncio.gather(*(client(http) for _ in range(clients)))
        seconds = time.perf_counter() - start
    return {
        "clients": clients,
        "requests": requests,
        "sentences_per_request": f"1-{per_request}" if per_request > 1 else "1",
        "seconds": round(seconds, 2),
        "sentences_per_s": round(converted / seconds, 2),
        "p50_s": round(percentile(latencies, 0.5), 3),
        "p95_s": round(percentile(latencies, 0.95), 3),
        **counts,
    }


def screenshot(url: str, path: Path) -> None:
    """The page after converting (each English -> Bliss result in symbols) and composing a sentence from symbols."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 900, "height": 1000})
        page.goto(url + "/")
        for text in ("The ferry arrived at the harbor last Saturday.", "Was the sky cloudy last winter?"):
            page.fill("#sentences", text)
            page.keyboard.press("Enter")
            page.locator("#history li").filter(has_text=text).wait_for(timeout=120_000)
        page.fill("#sentences", "The shop was open this morning.\nWhen do the children travel to Accra?")
        page.keyboard.press("Enter")
        page.locator("#history li").filter(has_text="Accra").wait_for(timeout=120_000)
        page.locator("#symbol-search").focus()
        for gloss in ("I", "go", "lake"):  # by keyboard, as a Bliss user composes
            page.keyboard.type(gloss)
            page.locator("#symbol-options [role=option]").first.wait_for()
            page.keyboard.press("Enter")
        page.locator("input[name=tense][value=past]").check()
        page.locator("#read-english").click()
        page.locator("#composed-english .answer").wait_for(timeout=120_000)
        page.screenshot(path=str(path), full_page=True)
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="a running server (default: start `babybliss serve` on 127.0.0.1)")
    parser.add_argument("--adapter", help="RUN/epoch-N to serve")
    parser.add_argument("--model", help="model spec to serve")
    parser.add_argument("--set", action="append", help="config override passed to the server")
    parser.add_argument("--levels", default="1,4,16,64", help="concurrent clients per level ('' for none)")
    parser.add_argument("--requests-per-client", type=int, default=8, help="requests per client at each level (min 20)")
    parser.add_argument("--soak", type=int, default=2000, help="requests of the final run at 64 clients (0: none)")
    parser.add_argument("--screenshot", help="save a screenshot of the page here")
    parser.add_argument("--out", default="bench-serve", help="folder for serve.json")
    args = parser.parse_args()

    pairs = json.loads((ROOT / "src/babybliss/data/corpus/pairs.json").read_text(encoding="utf-8"))
    sentences = [p["original"] for p in pairs]
    server, url = (None, args.url.rstrip("/")) if args.url else start_server(args)
    if args.url and not url.startswith(("http://127.0.0.1", "http://localhost")):
        raise SystemExit("--url: this load test only runs against 127.0.0.1")
    try:
        health = httpx.get(f"{url}/healthz").json()
        asyncio.run(load(url, sentences, 1, 2, 1))  # warm-up
        runs = []
        for clients in (int(c) for c in args.levels.split(",") if c):
            runs.append(asyncio.run(load(url, sentences, clients, max(20, clients * args.requests_per_client), 1)))
            print(json.dumps(runs[-1]), flush=True)
        if args.soak:
            runs.append(asyncio.run(load(url, sentences, 64, args.soak, 3)))
            print(json.dumps(runs[-1]), flush=True)
        if args.screenshot:
            screenshot(url, Path(args.screenshot))
    finally:
        if server:
            server.terminate()
            server.wait(30)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    result = {"date": time.strftime("%Y-%m-%d %H:%M"), "server": health, "load_average": os.getloadavg(), "runs": runs}
    (out / "serve.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    print("| clients | requests | sentences/request | s | sentences/s | p50 s | p95 s | 503 | other 5xx | lost/reordered |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in runs:
        print(f"| {r['clients']} | {r['requests']} | {r['sentences_per_request']} | {r['seconds']} | {r['sentences_per_s']} | "
              f"{r['p50_s']} | {r['p95_s']} | {r['503']} | {r['other_5xx']} | {r['lost_or_reordered']} |")


if __name__ == "__main__":
    main()
