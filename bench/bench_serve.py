"""Load test of `babybliss serve` against 127.0.0.1 only, with a lean client (raw HTTP/1.1 keep-alive on asyncio
streams, no HTTP library: about 0.1 ms of client CPU a request, so the client is not what is measured).

Starts `babybliss serve` on a free port (or uses `--url`), then:
- closed loop (`--levels`): N clients, each sends its next one-sentence English -> Bliss request (sentences of the
  shipped corpus) as soon as its answer is in, for `--seconds`;
- open loop (`--paced`, e.g. 250@256): 256 connections together offer 250 sentences/s on a fixed schedule, as typing
  users would; a request's latency counts from the moment the schedule sent it (if every connection is busy it waits
  in the client, and that wait counts too);
- a soak (`--soak` requests at 64 clients, 1-3 sentences each) that checks every result comes back, in order;
- English -> Bliss while Bliss -> English keeps the model busy (`--b2e-load SECONDS`, the two lanes);
- the page in a browser (Playwright, Debian's chromium): it converts, composes from symbols, and its screenshot
  becomes docs/serve-page.png (when this bench starts the default server; `--screenshot` elsewhere).
Each run reports sentences/s, p50/p90/p99 latency, non-200 answers, and the CPU seconds the client and the server
(when started here) used. `--pin` puts the server on core 0 and the client on core 1. Results go to OUT/serve.json.
`--direction b2e` sends Bliss -> English requests instead (the shipped novel set's Bliss sentences), which the model
answers. `--agreement` (no server) converts the novel set's Bliss -> English with the shipped adapter in each
decoding form of `--forms` (`generate.runtime` torch or ctranslate2, `generate.weights` plain or int8), alternately,
and reports each form's exact match, how many answers are the same as the first form's, seconds a sentence alone and
sentences/s of a batch of 16; results go to OUT/agreement.json.

    python bench/bench_serve.py --pin --out /tmp/bench-serve
    python bench/bench_serve.py --pin --adapter runs/cpu/epoch-4 --levels 1,16 --paced '' --soak 0
    python bench/bench_serve.py --levels '' --paced '' --soak 0 --b2e-load 30   # the two lanes, the shipped adapter
    python bench/bench_serve.py --levels '' --paced '' --soak 0   # only docs/serve-page.png, from the live page
    python bench/bench_serve.py --direction b2e --levels 1,16 --paced '' --soak 0 --set generate.weights=plain
    python bench/bench_serve.py --agreement --out bench-serve
    python bench/bench_serve.py --agreement --forms torch:plain,torch:int8,ctranslate2:int8,ctranslate2:plain

`bench/wrk_convert.lua` drives the same requests from `wrk` (Debian's package), a cross-check of this client:
`wrk -t1 -c64 -d10s -s bench/wrk_convert.lua http://127.0.0.1:PORT -- BODIES` (one JSON body a line).
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
from urllib.parse import urlsplit

import httpx

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(args, cores: set[int] | None = None) -> tuple[subprocess.Popen, str]:
    port = free_port()
    command = [sys.executable, "-m", "babybliss", "serve", "--host", "127.0.0.1", "--port", str(port)]
    command += ["--adapter", args.adapter] if args.adapter else []
    command += ["--model", args.model] if args.model else []
    for item in getattr(args, "set", None) or []:
        command += ["--set", item]
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    server = subprocess.Popen(command, env=env, preexec_fn=(lambda: os.sched_setaffinity(0, cores)) if cores else None)
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


def process_cpu(pid: int | None) -> float:
    """CPU seconds (user + system) a process has used so far; this process's own when pid is None."""
    if pid is None:
        times = os.times()
        return times.user + times.system
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Connection:
    """One keep-alive HTTP/1.1 connection that POSTs JSON and reads the answer (Content-Length bodies only)."""

    def __init__(self, url: str):
        parts = urlsplit(url)
        self.host, self.port = parts.hostname, parts.port or 80
        self.head = f"POST /v1/convert HTTP/1.1\r\nHost: {parts.netloc}\r\nContent-Type: application/json\r\n"
        self.reader = self.writer = None

    async def post(self, body: bytes) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        self.writer.write(f"{self.head}Content-Length: {len(body)}\r\n\r\n".encode() + body)
        try:
            head = await self.reader.readuntil(b"\r\n\r\n")
            lines = head.split(b"\r\n")
            headers = dict(line.split(b":", 1) for line in lines[1:] if b":" in line)
            length = int(next((v for k, v in headers.items() if k.lower() == b"content-length"), b"0"))
            answer = await self.reader.readexactly(length)
        except (asyncio.IncompleteReadError, ConnectionError):
            self.close()
            raise
        if any(k.lower() == b"connection" and v.strip().lower() == b"close" for k, v in headers.items()):
            self.close()
        return int(lines[0].split()[1]), answer

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


DIRECTION = {"direction": "e2b"}
"""The direction every request asks for (`--direction`)."""


def request_body(sentences: list[str], i: int, per_request: int) -> tuple[list[str], bytes]:
    batch = [sentences[(i * 7 + j) % len(sentences)] for j in range(1 + i % per_request)]
    return batch, json.dumps({"direction": DIRECTION["direction"], "sentences": batch}).encode()


class Tally:
    def __init__(self):
        self.latencies: list[float] = []
        self.counts = {"ok": 0, "503": 0, "other_5xx": 0, "4xx": 0, "transport_errors": 0, "lost_or_reordered": 0}
        self.converted = 0

    async def send(self, connection: Connection, batch: list[str], body: bytes, since: float, check: bool) -> None:
        try:
            status, answer = await connection.post(body)
        except (OSError, asyncio.IncompleteReadError):
            self.counts["transport_errors"] += 1
            return
        if status == 503:
            self.counts["503"] += 1
        elif status >= 500:
            self.counts["other_5xx"] += 1
        elif status >= 400:
            self.counts["4xx"] += 1
        else:
            self.counts["ok"] += 1
            self.latencies.append(time.perf_counter() - since)
            if check:
                self.counts["lost_or_reordered"] += [r["input"] for r in json.loads(answer)["results"]] != batch
            self.converted += len(batch)

    def report(self, seconds: float, **what) -> dict:
        return {
            **what,
            "seconds": round(seconds, 2),
            "sentences_per_s": round(self.converted / seconds, 1),
            "p50_s": round(percentile(self.latencies, 0.5), 4),
            "p90_s": round(percentile(self.latencies, 0.9), 4),
            "p99_s": round(percentile(self.latencies, 0.99), 4),
            **self.counts,
        }


async def closed_loop(url, sentences, clients: int, seconds: float, requests: int, per_request: int, check: bool):
    """`clients` clients with no think time, for `seconds` (or until `requests` requests when given)."""
    tally, next_request = Tally(), 0
    end = time.perf_counter() + seconds

    async def client() -> None:
        nonlocal next_request
        connection = Connection(url)
        while (next_request < requests) if requests else (time.perf_counter() < end):
            batch, body = request_body(sentences, next_request, per_request)
            next_request += 1
            await tally.send(connection, batch, body, time.perf_counter(), check)
        connection.close()

    start = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    return tally.report(time.perf_counter() - start, load="closed", clients=clients,
                        sentences_per_request=f"1-{per_request}" if per_request > 1 else "1")


async def open_loop(url, sentences, rate: float, connections: int, seconds: float) -> dict:
    """`connections` connections together offered `rate` one-sentence requests a second on a fixed schedule."""
    tally, queue = Tally(), asyncio.Queue()
    start = time.perf_counter()
    total = int(rate * seconds)

    async def schedule() -> None:
        for i in range(total):
            await asyncio.sleep(max(0.0, start + i / rate - time.perf_counter()))
            queue.put_nowait((i, start + i / rate))
        for _ in range(connections):
            queue.put_nowait(None)

    async def connection_worker() -> None:
        connection = Connection(url)
        while (job := await queue.get()) is not None:
            i, due = job
            batch, body = request_body(sentences, i, 1)
            await tally.send(connection, batch, body, due, False)
        connection.close()

    await asyncio.gather(schedule(), *(connection_worker() for _ in range(connections)))
    return tally.report(time.perf_counter() - start, load=f"paced {rate:g}/s", clients=connections,
                        sentences_per_request="1")


async def e2b_under_b2e_load(url, sentences, bliss, seconds: float, loaders: int = 3, per_request: int = 32,
                             think_s: float = 0.25) -> dict:
    """The two lanes' promise: `loaders` clients each keep a `per_request`-sentence Bliss -> English request in flight
    (the model lane busy all along) while one client sends one-sentence English -> Bliss requests, `think_s` apart;
    gives the English -> Bliss latencies (each must be 200 within 1 s) and the Bliss -> English sentences/s."""
    quick, load = Tally(), Tally()
    end = time.perf_counter() + seconds

    async def loader(k: int) -> None:
        connection, i = Connection(url), k
        while time.perf_counter() < end:
            batch = [bliss[(i * per_request + j) % len(bliss)] for j in range(per_request)]
            body = json.dumps({"direction": "b2e", "sentences": batch}).encode()
            await load.send(connection, batch, body, time.perf_counter(), False)
            i += loaders
        connection.close()

    async def typist() -> None:
        await asyncio.sleep(1.0)  # the Bliss -> English requests are in the model lane by now
        connection, i = Connection(url), 0
        while time.perf_counter() < end:
            batch, body = request_body(sentences, i, 1)
            await quick.send(connection, batch, body, time.perf_counter(), True)
            i += 1
            await asyncio.sleep(think_s)
        connection.close()

    start = time.perf_counter()
    loading = [asyncio.create_task(loader(k)) for k in range(loaders)]
    await typist()
    took = time.perf_counter() - start
    for task in loading:  # the requests still in flight are dropped: their clients leave
        task.cancel()
    await asyncio.gather(*loading, return_exceptions=True)
    result = quick.report(took, load=f"e2b under {loaders}x{per_request} b2e", clients=1, sentences_per_request="1")
    result["max_s"] = round(max(quick.latencies, default=float("nan")), 4)
    result["within_1s"] = f"{sum(t <= 1.0 for t in quick.latencies)}/{sum(quick.counts.values())}"
    result["b2e"] = load.report(took, load="b2e", clients=loaders, sentences_per_request=str(per_request))
    result["b2e"]["in_flight_at_the_end"] = loaders
    return result


def measured(run, server_pid: int | None) -> dict:
    """`run` (a coroutine) with the CPU seconds the client and the server used during it."""
    client, server = process_cpu(None), process_cpu(server_pid) if server_pid else None
    result = asyncio.run(run)
    result["client_cpu_s"] = round(process_cpu(None) - client, 2)
    if server_pid:
        result["server_cpu_s"] = round(process_cpu(server_pid) - server, 2)
    return result


def screenshot(url: str, path: Path) -> None:
    """The page after converting (each English -> Bliss result in symbols) and composing a sentence from symbols,
    saved with the digest of the page's files (`serve.page_picture`: a test fails when the page changes and the
    picture does not)."""
    from babybliss.serve.page_picture import save_picture

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
        save_picture(page.screenshot(full_page=True), path)
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="a running server (default: start `babybliss serve` on 127.0.0.1)")
    parser.add_argument("--server-pid", type=int, help="with --url: the server's process, to report its CPU seconds")
    parser.add_argument("--adapter", help="RUN/epoch-N to serve")
    parser.add_argument("--model", help="model spec to serve")
    parser.add_argument("--set", action="append", help="config override passed to the server")
    parser.add_argument("--pin", action="store_true", help="server on core 0, this client on core 1")
    parser.add_argument("--levels", default="1,16,64,256", help="closed-loop clients per level ('' for none)")
    parser.add_argument("--paced", default="250@256", help="open-loop RATE@CONNECTIONS runs, comma-separated ('' for none)")
    parser.add_argument("--seconds", type=float, default=15, help="length of each closed- and open-loop run")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each level and pace")
    parser.add_argument("--soak", type=int, default=2000, help="requests of the final run at 64 clients (0: none)")
    parser.add_argument("--b2e-load", type=float, default=0, metavar="SECONDS",
                        help="English -> Bliss one sentence at a time while 3 clients keep 32-sentence Bliss -> English "
                             "requests in flight, for SECONDS (0: not run)")
    parser.add_argument("--screenshot", help="save a screenshot of the page here ('' for none; default: "
                        "docs/serve-page.png when this bench starts the default server, the shipped adapter)")
    parser.add_argument("--out", default="bench-serve", help="folder for serve.json")
    parser.add_argument("--direction", choices=("e2b", "b2e"),
                        help="b2e: the novel set's Bliss (default: e2b, and b2e with --agreement)")
    parser.add_argument("--agreement", action="store_true", help="compare the decoding forms' answers (no server)")
    parser.add_argument("--forms", default="torch:plain,ctranslate2:int8",
                        help="--agreement: RUNTIME:WEIGHTS[:SECTION.KEY=VALUE] forms (torch or ctranslate2; plain or "
                             "int8; a setting of that form's own), comma-separated")
    parser.add_argument("--corpus", default="novel", choices=("novel", "compose", "rare"),
                        help="--agreement: the shipped set whose sentences are converted")
    parser.add_argument("--alone", action="store_true",
                        help="--agreement: decode every sentence alone (as one client does), not in one call")
    parser.add_argument("--rounds", type=int, default=2, help="--agreement: alternate rounds of timing one sentence")
    args = parser.parse_args()
    if args.agreement:
        return agreement(args)
    args.direction = args.direction or "e2b"
    if args.screenshot is None and not (args.url or args.adapter or args.model or args.set):
        args.screenshot = str(ROOT / "docs/serve-page.png")  # the docs' picture is of the page as it is served now

    DIRECTION["direction"] = args.direction
    pairs = json.loads((ROOT / "src/babybliss/data/corpus/pairs.json").read_text(encoding="utf-8"))
    bliss = [p["bliss"] for p in pairs]
    sentences = [p["bliss"] for p in shipped_pairs()] if args.direction == "b2e" else [p["original"] for p in pairs]
    if args.url and not args.url.startswith(("http://127.0.0.1", "http://localhost")):
        raise SystemExit("--url: this load test only runs against 127.0.0.1")
    server, url = (None, args.url.rstrip("/")) if args.url else start_server(args, {0} if args.pin else None)
    if args.pin:
        os.sched_setaffinity(0, {1})
    server_pid = server.pid if server else args.server_pid
    try:
        health = httpx.get(f"{url}/healthz").json()
        asyncio.run(closed_loop(url, sentences, 4, 0, 40, 1, True))  # warm-up
        runs = []
        for _ in range(args.repeat):
            for clients in (int(c) for c in args.levels.split(",") if c):
                runs.append(measured(closed_loop(url, sentences, clients, args.seconds, 0, 1, False), server_pid))
                print(json.dumps(runs[-1]), flush=True)
            for pace in (p for p in args.paced.split(",") if p):
                rate, connections = pace.split("@")
                runs.append(measured(open_loop(url, sentences, float(rate), int(connections), args.seconds), server_pid))
                print(json.dumps(runs[-1]), flush=True)
        if args.b2e_load:
            runs.append(measured(e2b_under_b2e_load(url, sentences, bliss, args.b2e_load), server_pid))
            print(json.dumps(runs[-1]), flush=True)
        if args.soak:
            runs.append(measured(closed_loop(url, sentences, 64, 0, args.soak, 3, True), server_pid))
            print(json.dumps(runs[-1]), flush=True)
        if args.screenshot:
            screenshot(url, Path(args.screenshot))
    finally:
        if server:
            server.terminate()
            server.wait(30)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    result = {"date": time.strftime("%Y-%m-%d %H:%M"), "server": health, "load_average": os.getloadavg(),
              "pinned": args.pin, "direction": args.direction, "set": args.set, "runs": runs}
    (out / "serve.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    print("| load | clients | sentences/request | s | sentences/s | p50 s | p90 s | p99 s | 503 / other 5xx / lost | "
          "client CPU s | server CPU s |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|")
    for r in runs:
        print(f"| {r['load']} | {r['clients']} | {r['sentences_per_request']} | {r['seconds']} | {r['sentences_per_s']} | "
              f"{r['p50_s']} | {r['p90_s']} | {r['p99_s']} | {r['503']} / {r['other_5xx']} / {r['lost_or_reordered']} | "
              f"{r['client_cpu_s']} | {r.get('server_cpu_s', '')} |")


def shipped_pairs(corpus: str = "novel") -> list[dict]:
    return json.loads((ROOT / f"src/babybliss/data/corpus/{corpus}.json").read_text(encoding="utf-8"))


def agreement(args) -> None:
    """The shipped adapter's answers on the novel set (Bliss -> English unless `--direction e2b`) in each decoding
    form of `--forms` (RUNTIME:WEIGHTS, as `serve` loads them: its dtype, `serve.threads`), the seconds one sentence
    takes alone and the sentences/s of a batch of 16 in each, the forms taking turns. Same answers are counted
    against the first form."""
    import torch

    from babybliss.config import load_config
    from babybliss.convert.generate import adapter_config, load_for_conversion
    from babybliss.convert.shipped import shipped_adapter
    from babybliss.evaluation.acceptable import acceptable_many
    from babybliss.evaluation.metrics import exact_match_rate
    from babybliss.serve.app import ModelConverter

    adapter = shipped_adapter()
    direction = args.direction or "b2e"
    pairs = shipped_pairs(args.corpus)
    inputs, references = ([p["bliss"] for p in pairs], [p["original"] for p in pairs])[:: 1 if direction == "b2e" else -1]
    threads = load_config(None, args.set or []).serve.threads
    if threads:
        torch.set_num_threads(threads)
    forms = {}
    for form in args.forms.split(","):
        runtime, weights, *own = form.split(":")
        config = load_config(None, [f"generate.runtime={runtime}", f"generate.weights={weights}"] + own + (args.set or []))
        loaded = load_for_conversion(config, adapter, config.serve.dtype, direction)
        forms[form] = ModelConverter(loaded, adapter_config(adapter).prompts, config.generate, form)
    answers, seconds = {}, {}
    for form, converter in forms.items():
        start = time.perf_counter()
        batches = [[x] for x in inputs] if args.alone else [inputs]
        answers[form] = [o.answer for batch in batches for o in converter.convert(direction, batch)]
        seconds[form] = {"all": round(time.perf_counter() - start, 1), "one": [], "sixteen": []}
        print(form, "exact match", exact_match_rate(answers[form], references), flush=True)
    for _ in range(args.rounds):
        for form, converter in forms.items():
            for sentence in inputs[:: max(1, len(inputs) // 10)][:10]:
                start = time.perf_counter()
                converter.convert(direction, [sentence])
                seconds[form]["one"].append(time.perf_counter() - start)
            for first in (0, 16):
                start = time.perf_counter()
                converter.convert(direction, inputs[100 + first : 116 + first])
                seconds[form]["sixteen"].append(16 / (time.perf_counter() - start))
    first = next(iter(forms))
    result = {
        "date": time.strftime("%Y-%m-%d %H:%M"), "load_average": os.getloadavg(), "threads": torch.get_num_threads(),
        "direction": direction, "sentences": len(inputs), "alone": args.alone,
        "corpus": args.corpus,
        "exact_match": {f: exact_match_rate(a, references) for f, a in answers.items()},
        "acceptable": {f: sum(acceptable_many(inputs, a)) / len(inputs) for f, a in answers.items()}
        if direction == "b2e" else None,
        "same_answers_as": first,
        "same_answers": {f: sum(a == b for a, b in zip(answers[first], a_)) for f, a_ in answers.items()},
        "one_sentence_p50_s": {f: round(percentile(s["one"], 0.5), 3) for f, s in seconds.items()},
        "batch_of_16_sentences_per_s": {f: round(percentile(s["sixteen"], 0.5), 1) for f, s in seconds.items()},
        "all_sentences_s": {f: s["all"] for f, s in seconds.items()},
        "differing": [{"input": x, "reference": r, **{f: answers[f][i] for f in forms}}
                      for i, (x, r) in enumerate(zip(inputs, references))
                      if len({answers[f][i] for f in forms}) > 1],
    }
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "agreement.json").write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    print(json.dumps({k: v for k, v in result.items() if k != "differing"}))


if __name__ == "__main__":
    main()
