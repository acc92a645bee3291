"""Session-wide: every log line of the run is audited for secrets (tests/support/log_capture)."""

from __future__ import annotations

import pytest

from tests.support import log_capture

_AUDIT = pytest.StashKey[log_capture.SessionLogAudit]()


def pytest_configure(config: pytest.Config) -> None:
    config.stash[_AUDIT] = log_capture.install()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    audit = session.config.stash.get(_AUDIT, None)
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if audit is None:
        return
    if not audit.leaks:
        if reporter is not None:
            reporter.write_sep("-", f"log audit: {audit.lines_seen} log lines, no secret leaked")
        return
    lines = [f"{len(audit.leaks)} log line(s) leak a secret, token, password or email:"]
    lines += audit.leaks[:20]
    if reporter is not None:
        reporter.write_sep("=", "log audit failed", red=True)
        for line in lines:
            reporter.write_line(line)
    session.exitstatus = pytest.ExitCode.TESTS_FAILED
