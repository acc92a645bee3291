"""What a scenario's run came to: its wrk figures, ratio to the ceiling, verdict and table row."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bench.report_output import render_table
from bench.scenarios import Scenario
from bench.wrk_load import LoadConfig, WrkResult


@dataclass
class Outcome:
    scenario: Scenario
    result: WrkResult | None = None
    unavailable: str | None = None  # why the scenario could not run
    note: str = ""
    ratio: float | None = None
    target_met: bool | None = None

    @property
    def failed(self) -> bool:
        return self.unavailable is not None or (self.result is not None and self.result.errors > 0)

    def verdict(self) -> str:
        if self.unavailable is not None:
            return f"NOT RUN: {self.unavailable}"
        assert self.result is not None
        words = []
        if self.result.errors:
            words.append(f"!! ERRORS: {self.result.describe_errors()}")
        if self.target_met is True:
            words.append("ok")
        elif self.target_met is False:
            words.append("MISS")
        if self.note:
            words.append(self.note)
        return "; ".join(words) or "-"

    def as_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario.name,
            "what": self.scenario.what,
            "server": self.scenario.server,
            "target": self.scenario.target,
            "min_ratio": self.scenario.min_ratio,
            "max_p99_ms": self.scenario.max_p99_ms,
            "ratio_to_ceiling": self.ratio,
            "target_met": self.target_met,
            "unavailable": self.unavailable,
            "note": self.note,
            "verdict": self.verdict(),
            "wrk": self.result.as_dict() if self.result else None,
        }


def ceiling_drift(outcomes: list[Outcome]) -> float | None:
    """How far apart the hello runs are, relative to the faster one."""
    rates = [o.result.rps for o in outcomes if o.scenario.server == "hello" and o.result]
    if len(rates) < 2 or not max(rates):
        return None
    return (max(rates) - min(rates)) / max(rates)


def judge(outcomes: list[Outcome], load: LoadConfig) -> float | None:
    """Ratios to the ceiling (mean req/s of the hello runs) and targets; the ceiling."""
    rates = [o.result.rps for o in outcomes if o.scenario.server == "hello" and o.result]
    ceiling = sum(rates) / len(rates) if rates else None
    for outcome in outcomes:
        s, r = outcome.scenario, outcome.result
        if r is None:
            continue
        if ceiling and s.versus_ceiling:
            outcome.ratio = r.rps / ceiling
        if s.min_ratio is None and s.max_p99_ms is None:
            continue
        met = True
        if s.min_ratio is not None:
            if outcome.ratio is None:
                continue  # no ceiling measured: nothing to judge against
            met = met and outcome.ratio >= s.min_ratio
        if s.max_p99_ms is not None:
            met = met and r.p99_ms < s.max_p99_ms
            if load.connections != 32:
                outcome.note = "(the p99 target is for 32 connections)"
        outcome.target_met = met
    return ceiling


def table(outcomes: list[Outcome]) -> str:
    rows = []
    for o in outcomes:
        r = o.result
        rows.append(
            [
                o.scenario.name,
                f"{r.rps:,.0f}" if r else "-",
                f"{r.p50_ms:.2f}" if r else "-",
                f"{r.p99_ms:.2f}" if r else "-",
                f"{o.ratio:.2f}x" if o.ratio is not None else "-",
                o.scenario.target,
                o.verdict(),
            ]
        )
    headers = ["scenario", "req/s", "p50 ms", "p99 ms", "x ceiling", "target", "result"]
    return render_table(headers, rows)
