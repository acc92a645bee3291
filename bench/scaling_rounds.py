"""The measurements of bench/run --workers-scaling: interleaved rounds with CPU accounting.

Both servers (1 and 2 worker processes) run at once on the same PostgreSQL and Redis; an idle
gunicorn costs nothing. Each round measures every scenario on both, back to back, the order
alternating from round to round (1-2, then 2-1...), so the drift of a shared machine's load
falls on both sides of each ratio instead of on one. Around each wrk run it reads the CPU time
of the gunicorn processes, of wrk itself (it is our child: its rusage once reaped) and of the
whole machine (/proc/stat), which says what the ratio could be: two processes cannot double
the throughput when one already keeps more than one core busy, or when the cores are full.
"""

from __future__ import annotations

import os
import resource
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.checkout_statements import BUYER
from bench.http_client import http
from bench.processes import BenchError, log
from bench.scenarios import BY_NAME
from bench.shop_catalog import create_carts, problem
from bench.shop_scenarios import Plan, ShopScenarios
from bench.wrk_load import LoadConfig, WrkResult, renewing, run_wrk

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
CHECKOUT = "checkout"


def _stat(pid: str) -> list[str]:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def server_cpu_seconds(base: str) -> float:
    """User + system CPU time of the gunicorn serving `base` (arbiter and worker processes)."""
    bind = base.removeprefix("http://").encode()
    serving: dict[str, list[str]] = {}  # pid -> its /proc stat fields (after the name)
    for entry in Path("/proc").iterdir():
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
            if bind in argv and any(b"gunicorn" in part for part in argv):
                serving[entry.name] = _stat(entry.name)
        except (OSError, ValueError):
            continue  # not a process, or gone meanwhile
    if not serving:
        raise BenchError(f"no gunicorn process found for {base}")
    # fields 11 and 12 after the name: utime and stime, in clock ticks
    return sum(int(f[11]) + int(f[12]) for f in serving.values()) / CLOCK_TICKS


def machine_busy_seconds() -> float:
    """CPU seconds all cores spent busy since boot (everything but idle and iowait)."""
    with open("/proc/stat") as stat:
        ticks = [int(x) for x in stat.readline().split()[1:]]
    return (sum(ticks) - ticks[3] - (ticks[4] if len(ticks) > 4 else 0)) / CLOCK_TICKS


def children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@dataclass
class Sample:
    """One wrk run: its result and the cores each party kept busy meanwhile (CPU s / s)."""

    result: WrkResult
    server_cores: float
    wrk_cores: float
    machine_cores: float

    @property
    def others_cores(self) -> float:
        """PostgreSQL, Redis, the idle server and whatever else runs on the machine."""
        return max(0.0, self.machine_cores - self.server_cores - self.wrk_cores)

    @property
    def server_ms_per_request(self) -> float:
        """CPU time the server spent per request: the same with 1 and 2 processes means they
        do not slow each other down."""
        return 1000 * self.server_cores / self.result.rps if self.result.rps else 0.0

    @property
    def rps(self) -> float:
        return self.result.rps

    @property
    def orders_per_s(self) -> float:
        seconds = self.result.seconds
        return self.result.statuses.get("201", 0) / seconds if seconds else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "rps": self.result.rps,
            "orders_per_s": self.orders_per_s,
            "p99_ms": self.result.p99_ms,
            "errors": self.result.errors,
            "server_cores": round(self.server_cores, 3),
            "server_cpu_ms_per_request": round(self.server_ms_per_request, 3),
            "wrk_cores": round(self.wrk_cores, 3),
            "machine_cores": round(self.machine_cores, 3),
        }


@dataclass
class Series:
    """Every round of one scenario on one server."""

    samples: list[Sample] = field(default_factory=list)
    unavailable: str | None = None

    def median(self, attribute: str) -> float:
        return float(statistics.median(getattr(s, attribute) for s in self.samples))

    @property
    def errors(self) -> int:
        return sum(s.result.errors for s in self.samples)

    @property
    def failed(self) -> bool:
        return self.unavailable is not None or self.errors > 0 or not self.samples


def checkout_plan(recipes: ShopScenarios) -> Plan:
    """wrk's checkout.lua over the catalog's variants, once one guest checkout answered 201."""
    catalog = recipes.catalog()
    (token,) = create_carts(recipes.base, catalog, 1)
    status, _, body = http(
        "POST", f"{recipes.base}/api/v1/checkout", BUYER, {"X-Cart-Token": token}
    )
    if status != 201:
        raise LookupError(f"POST /api/v1/checkout: {problem(status, body)}")
    return recipes.base + "/api/v1/checkout", "checkout.lua", catalog.variant_literals()


class Rounds:
    """Interleaved rounds over `servers` (workers -> scenario recipes of that server)."""

    def __init__(
        self, servers: dict[int, ShopScenarios], load: LoadConfig, reconnect_every: int
    ) -> None:
        self.servers = servers
        self.load = load
        self.reconnect_every = reconnect_every  # 0: wrk keeps its first connections
        self.plans: dict[tuple[int, str], Plan] = {}
        self.series: dict[tuple[int, str], Series] = {}

    def plan(self, workers: int, name: str) -> Plan:
        key = (workers, name)
        if key not in self.plans:
            recipes = self.servers[workers]
            if name == CHECKOUT:
                self.plans[key] = checkout_plan(recipes)
            else:
                self.plans[key] = recipes.prepare(BY_NAME[name])
        return self.plans[key]

    def measure(self, workers: int, name: str) -> None:
        series = self.series.setdefault((workers, name), Series())
        if series.unavailable is not None:
            return
        try:
            url, script, args = self.plan(workers, name)
        except LookupError as exc:
            series.unavailable = str(exc)
            log(f"{name} x{workers}: NOT RUN: {exc}")
            return
        series.samples.append(self._sample(self.servers[workers].base, url, script, args))
        last = series.samples[-1]
        log(
            f"{name} x{workers}: {last.result.rps:.0f} req/s; cores busy: server "
            f"{last.server_cores:.2f}, wrk {last.wrk_cores:.2f}, others {last.others_cores:.2f}"
        )

    def _sample(self, base: str, url: str, script: str, args: Sequence[str]) -> Sample:
        script, args = renewing(script, args, self.reconnect_every)
        run_wrk(url, self.load, script, args, duration=self.load.warmup)
        server0, wrk0, machine0 = (
            server_cpu_seconds(base), children_cpu_seconds(), machine_busy_seconds()
        )
        started = time.monotonic()
        result = run_wrk(url, self.load, script, args)
        elapsed = time.monotonic() - started
        return Sample(
            result,
            server_cores=(server_cpu_seconds(base) - server0) / elapsed,
            wrk_cores=(children_cpu_seconds() - wrk0) / elapsed,
            machine_cores=(machine_busy_seconds() - machine0) / elapsed,
        )

    def run(self, scenarios: Sequence[str], rounds: int) -> None:
        order = sorted(self.servers)
        for number in range(rounds):
            log(f"round {number + 1} of {rounds}")
            for name in scenarios:
                for workers in order if number % 2 == 0 else order[::-1]:
                    self.measure(workers, name)
