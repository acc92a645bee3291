"""The secrets a development run makes up for itself when none are set."""

from __future__ import annotations

import secrets
from pathlib import Path


def development_secrets(data_dir: Path) -> dict[str, str]:
    """Random secrets kept in the data folder, so tokens survive a development restart."""
    path = data_dir / "development-secrets"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(f"{secrets.token_urlsafe(48)}\n{secrets.token_urlsafe(48)}\n")
        path.chmod(0o600)
    secret_key, jwt_secret_key = path.read_text().split()[:2]
    return {"secret_key": secret_key, "jwt_secret_key": jwt_secret_key}
