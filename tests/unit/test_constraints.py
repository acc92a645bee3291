"""Every install uses constraints.txt, the versions the tests pass with."""

from __future__ import annotations

import configparser
import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~;\[ ]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _constraints() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, version = line.split("==")
            pins[_name(name)] = version.strip()
    return pins


def _declared() -> list[str]:
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg")
    lines = config["options"]["install_requires"].splitlines()
    for extra in config["options.extras_require"].values():
        lines += extra.splitlines()
    return [_name(line) for line in lines if line.strip()]


def test_every_declared_dependency_has_a_tested_version() -> None:
    pins = _constraints()
    assert [name for name in _declared() if name not in pins] == []


def test_the_tests_run_on_the_constrained_versions() -> None:
    pins = _constraints()
    wrong = {
        name: (metadata.version(name), pins[name])
        for name in _declared()
        if metadata.version(name) != pins[name]
    }
    assert wrong == {}


def test_every_install_script_uses_the_constraints() -> None:
    assert '-c "$SHOP_CONSTRAINTS"' in (ROOT / "scripts/lib.sh").read_text()
    assert "-c constraints.txt" in (ROOT / "Dockerfile").read_text()
    assert "shop_install_project" in (ROOT / ".ci/run").read_text()


def test_the_pinned_gunicorn_has_no_control_socket_option() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "gunicorn", "--help"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert "--no-control-socket" in result.stdout


def test_scripts_run_installs_the_runtime_only() -> None:
    run = (ROOT / "scripts/run").read_text()
    assert 'shop_ensure_installed ""' in run
    assert "test,dev" not in run
