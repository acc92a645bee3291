"""The load: wrk against a loopback URL, and what it reports (bench/wrk/report.lua's line)."""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from bench.processes import BENCH_DIR, LOOPBACK, BenchError, spawn, terminate

WRK = os.environ.get("BENCH_WRK", "/usr/bin/wrk")
WRK_DIR = BENCH_DIR / "wrk"


@dataclass(frozen=True)
class LoadConfig:
    duration: int = 10
    connections: int = 32
    threads: int = 2
    warmup: int = 2
    timeout: int = 10  # wrk's --timeout: a slower answer is a socket error, not a latency
    reconnect_every: int = 0  # renew a connection every N requests (see `renewing`); 0: never


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
    # Requests the script timed itself (checkout_orders.lua): {count, p50_us, p99_us}.
    timed: dict[str, int] | None = None
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


def wrk_command(
    url: str, load: LoadConfig, script: str, args: Sequence[str], seconds: int
) -> tuple[list[str], dict[str, str]]:
    """wrk's argv and environment for `script` against `url` (loopback only)."""
    if not url.startswith(f"http://{LOOPBACK}:"):
        raise ValueError(f"the bench only loads {LOOPBACK}: {url}")
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
    return argv, dict(os.environ, LUA_PATH=f"{WRK_DIR}/?.lua;;")


def run_wrk(
    url: str,
    load: LoadConfig,
    script: str = "get.lua",
    args: Sequence[str] = (),
    duration: int | None = None,
) -> WrkResult:
    """Drive `url` with wrk (bounded by its -d and a hard timeout); parse what it reports."""
    seconds = duration if duration is not None else load.duration
    proc = spawn(*wrk_command(url, load, script, args, seconds))
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
            timed=data.get("timed"),
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


def renewing(script: str, args: Sequence[str], every: int) -> tuple[str, list[str]]:
    """`script` with its connections renewed every `every` requests (bench/wrk/reconnecting.lua,
    which explains why), or as it is when `every` is 0."""
    if not every:
        return script, list(args)
    return "reconnecting.lua", [str(every), script.removesuffix(".lua"), *args]
