"""`shop` commands build their adapters as the API does (secrets, validation) and close them."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from shop import bootstrap as composition
from shop.bootstrap import Adapters
from shop.entrypoints.cli import main as cli
from shop.settings import Settings


@pytest.fixture
def environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    monkeypatch.setenv("SHOP_ENV", "development")
    monkeypatch.setenv("SHOP_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("REDIS_URL", raising=False)
    assert CliRunner().invoke(cli.main, ["db", "upgrade"]).exit_code == 0
    return tmp_path


def test_create_admin_builds_validated_adapters_with_secrets_and_closes_them(
    environment: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    built: list[tuple[Settings, Adapters]] = []
    closed: list[Adapters] = []

    def recording_bootstrap(settings: Settings) -> Adapters:
        adapters = composition.bootstrap(settings)
        original_close = adapters.close

        def close() -> None:
            closed.append(adapters)
            original_close()

        adapters.close = close  # type: ignore[method-assign]
        built.append((settings, adapters))
        return adapters

    monkeypatch.setattr(cli, "bootstrap", recording_bootstrap)
    result = CliRunner().invoke(
        cli.main, ["create-admin", "boss@example.com", "--password", "long-enough-pw"]
    )
    assert result.exit_code == 0, result.output
    [(settings, adapters)] = built
    assert settings.secret_key
    assert settings.jwt_secret_key
    assert closed == [adapters]


@pytest.mark.parametrize(
    "command", [["seed-demo"], ["create-admin", "b@example.com", "--password", "long-enough-pw"]]
)
def test_invalid_settings_stop_a_command_with_one_line(
    environment: Path, monkeypatch: pytest.MonkeyPatch, command: list[str]
) -> None:
    monkeypatch.setenv("SHOP_CURRENCY", "EURO")
    result = CliRunner().invoke(
        cli.main,
        [*command, "--password", "long-enough-pw"][: None if command[0] == "create-admin" else 1],
    )
    assert result.exit_code == 1
    assert "SHOP_CURRENCY must be an ISO 4217 code" in result.output
