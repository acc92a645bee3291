"""What bench/run.py and bench/search_scaling.py share: private servers, gunicorn, wrk.

Everything listens on and talks to 127.0.0.1 only, every wait is bounded, and every process
started here is stopped when the `with` block that started it ends, whatever the reason
(error, Ctrl-C, SIGTERM/SIGHUP: see `stop_on_signals`).
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

from tests.support.servers import PostgresServer, RedisServer, start_postgres, start_redis

LOOPBACK = "127.0.0.1"
REPO = Path(__file__).resolve().parent.parent
BENCH_DIR = REPO / "bench"
WRK_DIR = BENCH_DIR / "wrk"
RESULTS_DIR = BENCH_DIR / "results"
VENV_BIN = Path(sys.executable).parent
WRK = os.environ.get("BENCH_WRK", "/usr/bin/wrk")
BIG_STOCK = 1_000_000
HTTP_TIMEOUT = 10.0


class BenchError(RuntimeError):
    """The benchmark could not be set up (a server, a migration, the seeder...)."""


def log(message: str) -> None:
    print(f"==> {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------------
# Process hygiene
# --------------------------------------------------------------------------------------------


class Terminated(BaseException):
    """SIGTERM or SIGHUP arrived: unwind (stopping every server), exit with 128 + signal."""

    def __init__(self, signum: int) -> None:
        super().__init__(f"terminated by signal {signum}")
        self.status = 128 + signum


def _raise_exit(signum: int, frame: FrameType | None) -> None:
    raise Terminated(signum)


def stop_on_signals() -> None:
    """Turn SIGTERM/SIGHUP into Terminated so that every `finally` stops its servers.

    SIGINT raises KeyboardInterrupt even where the shell that started us ignores it (a
    background job): the bench is interactive, Ctrl-C or `kill -INT` must stop it cleanly.
    Installed before tests.support.servers starts anything, so its own handler, which would skip our
    `finally` blocks, is not installed.
    """
    signal.signal(signal.SIGINT, signal.default_int_handler)
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _raise_exit)


def _die_with_parent() -> None:
    """In the child, before exec: get SIGTERM if the bench process dies (even SIGKILLed)."""
    with contextlib.suppress(Exception):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def spawn(
    argv: Sequence[str], env: dict[str, str] | None = None, stdout: Any = None
) -> subprocess.Popen[bytes]:
    """Start a child in its own session (a terminal's Ctrl-C is for us; we stop it)."""
    return subprocess.Popen(
        list(argv),
        stdin=subprocess.DEVNULL,
        stdout=stdout if stdout is not None else subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=env,
        cwd=REPO,
        start_new_session=True,
        preexec_fn=_die_with_parent,
    )


def terminate(proc: subprocess.Popen[bytes], grace: float = 10.0) -> None:
    """SIGTERM the child's process group, SIGKILL it after `grace` seconds."""
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)


def cpu_busy(seconds: float = 1.0) -> float:
    """The fraction of all CPUs busy over `seconds` (/proc/stat): load from other processes
    when nothing of the bench runs, which makes every number of the run noisier."""

    def sample() -> tuple[int, int]:
        with open("/proc/stat") as stat:
            fields = [int(x) for x in stat.readline().split()[1:]]
        idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
        return sum(fields), idle

    try:
        total0, idle0 = sample()
        time.sleep(seconds)
        total1, idle1 = sample()
    except (OSError, ValueError, IndexError):
        return 0.0
    elapsed = total1 - total0
    return 1.0 - (idle1 - idle0) / elapsed if elapsed > 0 else 0.0


def wait_until_quiet(max_wait: float, threshold: float = 0.2) -> float:
    """Wait (at most `max_wait` seconds) for other work to leave the CPUs; the busy share."""
    deadline = time.monotonic() + max_wait
    busy = cpu_busy()
    while busy >= threshold and time.monotonic() < deadline:
        log(f"{busy:.0%} of the CPUs busy with other work; waiting for quiet")
        time.sleep(min(10.0, max(0.0, deadline - time.monotonic())))
        busy = cpu_busy()
    return busy


def busy_warning(busy: float, when: str) -> str | None:
    if busy < 0.2:
        return None
    return (
        f"{busy:.0%} of the CPUs were busy with other work {when} the run: "
        "the numbers are noisier than usual"
    )


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        port: int = sock.getsockname()[1]
        return port


# --------------------------------------------------------------------------------------------
# PostgreSQL, Redis, the shop command
# --------------------------------------------------------------------------------------------


@contextlib.contextmanager
def backing_services() -> Iterator[tuple[PostgresServer, RedisServer]]:
    """A private PostgreSQL and Redis (tests/support/servers.py), stopped at the end."""
    log("starting a private PostgreSQL and Redis")
    with start_postgres() as pg, start_redis() as redis:
        yield pg, redis
    log("PostgreSQL and Redis stopped")


def shop_env(database_url: str, redis_url: str, **extra: str) -> dict[str, str]:
    """The environment of every `shop` command and shop server of a run."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SHOP_", "PG"))}
    env.update(
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        SECRET_KEY=secrets.token_urlsafe(32),
        JWT_SECRET_KEY=secrets.token_urlsafe(32),
        SHOP_ENV="production",
        SHOP_PAYMENT_PROVIDER="test",
        SHOP_LOG_LEVEL="WARNING",
        SHOP_DATA_DIR=tempfile.gettempdir(),
    )
    env.update(extra)
    return env


def run_shop(args: Sequence[str], env: dict[str, str], timeout: float) -> str:
    """`shop ARGS...`; its output, or BenchError with the output's tail."""
    argv = [str(VENV_BIN / "shop"), *args]
    proc = spawn(argv, env)
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        terminate(proc)
        raise BenchError(f"`shop {' '.join(args)}` did not finish within {timeout:g}s") from None
    finally:
        terminate(proc)
    text = out.decode(errors="replace") if out else ""
    if proc.returncode != 0:
        tail = "\n".join(text.splitlines()[-15:])
        raise BenchError(f"`shop {' '.join(args)}` failed (status {proc.returncode}):\n{tail}")
    return text


def migrate(env: dict[str, str]) -> None:
    log("migrating (shop db upgrade)")
    run_shop(["db", "upgrade"], env, timeout=300)


def seeder_help(env: dict[str, str]) -> str | None:
    """`shop seed-demo --help`, or None when the command does not exist (yet)."""
    try:
        return run_shop(["seed-demo", "--help"], env, timeout=60)
    except BenchError:
        return None


def seed_catalog(
    pg: PostgresServer,
    database: str,
    env: dict[str, str],
    products: int,
    variants: int,
    timeout: float,
) -> str | None:
    """Seed the demo catalog, then give every variant plenty of stock and VACUUM ANALYZE
    (what autovacuum does to a table soon after a bulk load: statistics for the planner, and
    the visibility map that lets index-only scans skip the table).

    Returns None when done, or why the catalog could not be seeded (no seeder yet).
    """
    help_text = seeder_help(env)
    if help_text is None:
        return "`shop seed-demo` does not exist yet"
    args = ["seed-demo", "--products", str(products), "--variants-per-product", str(variants)]
    for option in ("--products", "--variants-per-product"):
        if option not in help_text:
            return f"`shop seed-demo` has no {option} option"
    if re.search(r"--stock\b", help_text):
        args += ["--stock", str(BIG_STOCK)]
    log(f"seeding {products} products x {variants} variants (shop {' '.join(args[1:])})")
    started = time.monotonic()
    run_shop(args, env, timeout=timeout)
    log(f"seeded in {time.monotonic() - started:.1f}s")
    raise_stock(pg, database)
    pg.execute("VACUUM ANALYZE", database=database)
    return None


def raise_stock(pg: PostgresServer, database: str) -> None:
    """Give every variant at least BIG_STOCK units, so cart adds never hit 409 for stock.

    The table is found by its columns (`sku` and `stock`), not by name: the bench must not
    depend on the schema's spelling.
    """
    rows = pg.execute(
        "SELECT c.table_name FROM information_schema.columns c "
        "JOIN information_schema.columns s ON s.table_schema = c.table_schema "
        "AND s.table_name = c.table_name AND s.column_name = 'sku' "
        "WHERE c.table_schema = 'public' AND c.column_name = 'stock'",
        database=database,
    )
    for (table,) in rows:
        pg.execute(f'UPDATE "{table}" SET stock = GREATEST(stock, {BIG_STOCK})', database=database)


def flush_redis(redis: RedisServer) -> None:
    """Empty Redis (caches, carts, rate-limit counters) between servers."""
    with socket.create_connection((LOOPBACK, redis.port), timeout=5) as sock:
        sock.sendall(b"FLUSHALL\r\n")
        if not sock.recv(64).startswith(b"+OK"):
            raise BenchError("Redis FLUSHALL failed")


# --------------------------------------------------------------------------------------------
# gunicorn
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ServerConfig:
    workers: int = 2
    threads: int = 4
    worker_class: str = "gthread"  # or "sync" (threads are then ignored)
    # A listening socket per worker process (SO_REUSEPORT): the kernel spreads new connections
    # over the processes instead of the first one awake taking a burst of them.
    reuse_port: bool = False

    @property
    def label(self) -> str:
        if self.worker_class == "sync":
            return f"sync -w {self.workers}"
        label = f"{self.workers}x{self.threads} {self.worker_class}"
        return label + (", reuse-port" if self.reuse_port else "")


@contextlib.contextmanager
def gunicorn(
    target: str,
    env: dict[str, str] | None,
    config: ServerConfig,
    ready_path: str,
    name: str,
    pythonpath: Path | None = None,
) -> Iterator[str]:
    """Serve `target` with gunicorn (`config`) on a free loopback port; yield its base URL."""
    with tempfile.TemporaryDirectory(prefix="shop-bench-") as tmp:
        logfile = Path(tmp) / "gunicorn.log"
        port = free_port()
        argv = [
            str(VENV_BIN / "gunicorn"),
            "--no-control-socket",
            "-k",
            config.worker_class,
            "--workers",
            str(config.workers),
            *(["--threads", str(config.threads)] if config.worker_class != "sync" else []),
            *(["--reuse-port"] if config.reuse_port else []),
            "--bind",
            f"{LOOPBACK}:{port}",
            "--graceful-timeout",
            "5",
            "--log-level",
            "warning",
        ]
        if pythonpath is not None:
            argv += ["--pythonpath", str(pythonpath)]
        argv.append(target)
        base = f"http://{LOOPBACK}:{port}"
        log(f"starting gunicorn for {name} on {base} ({config.label})")
        with open(logfile, "wb") as out:
            proc = spawn(argv, env, stdout=out)
        try:
            _wait_ready(proc, base + ready_path, logfile)
            yield base
        finally:
            terminate(proc)
            if proc.returncode not in (0, -signal.SIGTERM):
                log(f"gunicorn for {name} exited with {proc.returncode}:\n{_tail(logfile)}")
            _report_warnings(name, logfile)


def _report_warnings(name: str, logfile: Path) -> None:
    """Say what the server warned about (a cache outage fallback, say): it explains figures."""
    with contextlib.suppress(OSError):
        lines = logfile.read_text(errors="replace").splitlines()
        noted = [line for line in lines if " WARNING " in line or " ERROR " in line]
        if noted:
            log(f"!! gunicorn for {name} logged {len(noted)} warnings/errors, first ones:")
            for line in noted[:5]:
                log(f"   {line}")


def _tail(path: Path, lines: int = 20) -> str:
    with contextlib.suppress(OSError):
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    return "(no log)"


def _cause(logfile: Path) -> str:
    """The likely reason in a failed server's log: a traceback's last line, or the last line."""
    lines = [line for line in _tail(logfile, 60).splitlines() if line.strip()]
    plain = [line for line in lines if not line.startswith(("[", " "))]
    return (plain or lines or ["no log"])[-1].strip()[:200]


def _wait_ready(proc: subprocess.Popen[bytes], url: str, logfile: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise BenchError(
                f"gunicorn exited with {proc.returncode} ({_cause(logfile)}):\n{_tail(logfile)}"
            )
        status, _, _ = http("GET", url, timeout=2)
        if status == 200:
            return
        time.sleep(0.2)
    raise BenchError(f"gunicorn did not answer 200 on {url} within 60s:\n{_tail(logfile)}")


# --------------------------------------------------------------------------------------------
# Plain HTTP (set-up requests only; the load is wrk's)
# --------------------------------------------------------------------------------------------


def http(
    method: str,
    url: str,
    body: Any = None,
    headers: dict[str, str] | None = None,
    timeout: float = HTTP_TIMEOUT,
) -> tuple[int, dict[str, str], Any]:
    """One request; (status, headers, JSON body or text). Status 0 when nothing answered."""
    if not url.startswith(f"http://{LOOPBACK}:"):
        raise ValueError(f"the bench only talks to {LOOPBACK}: {url}")
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers=dict(headers or {}))
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers), _decode(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), _decode(exc.read())
    except (OSError, urllib.error.URLError):
        return 0, {}, None


def _decode(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        return raw.decode(errors="replace")[:300]


# --------------------------------------------------------------------------------------------
# wrk
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LoadConfig:
    duration: int = 10
    connections: int = 32
    threads: int = 2
    warmup: int = 2
    timeout: int = 10  # wrk's --timeout: a slower answer is a socket error, not a latency


@dataclass
class WrkResult:
    requests: int = 0
    seconds: float = 0.0
    rps: float = 0.0
    p50_ms: float = 0.0
    p90_ms: float = 0.0
    p99_ms: float = 0.0
    max_ms: float = 0.0
    non_2xx: int = 0
    socket_errors: dict[str, int] = field(default_factory=dict)
    statuses: dict[str, int] = field(default_factory=dict)
    output: str = ""

    @property
    def errors(self) -> int:
        return self.non_2xx + sum(self.socket_errors.values())

    def describe_errors(self) -> str:
        """'12 non-2xx (12 x 409); socket errors timeout 3', or '' when there were none."""
        parts = []
        if self.non_2xx:
            statuses = ", ".join(
                f"{n} x {code}"
                for code, n in sorted(self.statuses.items())
                if not code.startswith("2")
            )
            parts.append(f"{self.non_2xx} non-2xx" + (f" ({statuses})" if statuses else ""))
        sockets = {k: v for k, v in self.socket_errors.items() if v}
        if sockets:
            parts.append("socket errors " + ", ".join(f"{k} {v}" for k, v in sockets.items()))
        return "; ".join(parts)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["errors"] = self.errors
        return data


def run_wrk(
    url: str,
    load: LoadConfig,
    script: str = "get.lua",
    args: Sequence[str] = (),
    duration: int | None = None,
) -> WrkResult:
    """Drive `url` with wrk (bounded by its -d and a hard timeout); parse what it reports."""
    if not url.startswith(f"http://{LOOPBACK}:"):
        raise ValueError(f"the bench only loads {LOOPBACK}: {url}")
    seconds = duration if duration is not None else load.duration
    argv = [
        WRK,
        "-t",
        str(load.threads),
        "-c",
        str(load.connections),
        "-d",
        f"{seconds}s",
        "--latency",
        "--timeout",
        f"{load.timeout}s",
        "-s",
        str(WRK_DIR / script),
        url,
    ]
    if args:
        argv += ["--", *args]
    env = dict(os.environ, LUA_PATH=f"{WRK_DIR}/?.lua;;")
    proc = spawn(argv, env)
    try:
        out, _ = proc.communicate(timeout=seconds + 60)
    except subprocess.TimeoutExpired:
        raise BenchError(f"wrk did not finish within {seconds + 60}s") from None
    finally:
        terminate(proc, grace=2)
    text = out.decode(errors="replace")
    if proc.returncode != 0:
        raise BenchError(f"wrk failed (status {proc.returncode}):\n{text}")
    return parse_wrk(text)


_RESULT_LINE = re.compile(r"^BENCH_RESULT (\{.*\})$", re.MULTILINE)
_SOCKET_ERRORS = ("connect", "read", "write", "timeout")
_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def parse_wrk(text: str) -> WrkResult:
    """wrk's output: the BENCH_RESULT line of report.lua, else wrk's own text report."""
    match = _RESULT_LINE.search(text)
    if match:
        data = json.loads(match.group(1))
        errors = data["errors"]
        seconds = data["duration_us"] / 1e6
        return WrkResult(
            requests=data["requests"],
            seconds=seconds,
            rps=data["requests"] / seconds if seconds else 0.0,
            p50_ms=data["p50_us"] / 1000,
            p90_ms=data["p90_us"] / 1000,
            p99_ms=data["p99_us"] / 1000,
            max_ms=data["max_us"] / 1000,
            non_2xx=errors["status"],
            socket_errors={k: errors[k] for k in _SOCKET_ERRORS},
            statuses=data.get("statuses") or {},
            output=text,
        )
    return _parse_wrk_text(text)


def _ms(value: str, unit: str) -> float:
    return float(value) * _UNITS_MS[unit]


def _parse_wrk_text(text: str) -> WrkResult:
    def find(pattern: str) -> re.Match[str]:
        match = re.search(pattern, text, re.MULTILINE)
        if match is None:
            raise BenchError(f"cannot parse wrk output ({pattern!r}):\n{text}")
        return match

    percentile = re.compile(r"^\s+(50|90|99)%\s+([\d.]+)(us|ms|s|m|h)\s*$", re.MULTILINE)
    latency = {m.group(1): _ms(m.group(2), m.group(3)) for m in percentile.finditer(text)}
    done = find(r"(\d+) requests in ([\d.]+)(us|ms|s|m|h)")
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text
    )
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    return WrkResult(
        requests=int(done.group(1)),
        seconds=_ms(done.group(2), done.group(3)) / 1000,
        rps=float(find(r"Requests/sec:\s+([\d.]+)").group(1)),
        p50_ms=latency.get("50", 0.0),
        p90_ms=latency.get("90", 0.0),
        p99_ms=latency.get("99", 0.0),
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
        socket_errors=(
            dict(zip(_SOCKET_ERRORS, map(int, sockets.groups()), strict=True)) if sockets else {}
        ),
        output=text,
    )


# --------------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------------


def render_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(str(c)) for c in column) for column in zip(headers, *rows, strict=True)]
    lines = [
        "  ".join(str(c).ljust(w) for c, w in zip(headers, widths, strict=True)),
        "  ".join("-" * w for w in widths),
    ]
    lines += ["  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)) for row in rows]
    return "\n".join(line.rstrip() for line in lines)


def write_results(prefix: str, payload: dict[str, Any]) -> Path:
    """bench/results/<prefix><UTC timestamp>.json (the folder is gitignored)."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    path = RESULTS_DIR / f"{prefix}{stamp}.json"
    path.write_text(json.dumps(payload, indent=2, sort_keys=False) + "\n")
    return path
