"""What a benchmark reads of other processes from /proc: RSS, CPU time, and which processes
match, with a sampler of the peak RSS."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from pathlib import Path


def cpu_seconds(pid: int, reaped_children: bool = False) -> float:
    """User + system CPU time the process has used (/proc/PID/stat): unlike wall time, it
    hardly moves when other work shares the CPUs. With `reaped_children`, also that of its
    children that exited and were waited for (a server's short-lived workers)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return 0.0
    ticks = int(fields[11]) + int(fields[12])
    if reaped_children:
        ticks += int(fields[13]) + int(fields[14])
    return ticks / os.sysconf("SC_CLK_TCK")


def rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0


def processes(match: Callable[[int, str], bool]) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (FileNotFoundError, ProcessLookupError, IndexError, ValueError):
            continue
        if match(ppid, cmdline):
            found.append(int(entry.name))
    return found


class PeakRss:
    """Samples the largest RSS among the processes `find` returns, until stopped."""

    def __init__(self, find: Callable[[], list[int]]) -> None:
        self.find, self.peak_kb, self._stop = find, 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        pids: list[int] = []
        found_at = 0.0
        while not self._stop.is_set():
            if time.monotonic() - found_at > 0.5:  # scanning /proc is dear; RSS reads are not
                pids, found_at = self.find(), time.monotonic()
            for pid in pids:
                self.peak_kb = max(self.peak_kb, rss_kb(pid))
            time.sleep(0.02)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
