"""How busy the machine's CPUs are with other work, before and after a run."""

from __future__ import annotations

import time

from bench.processes import log


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
