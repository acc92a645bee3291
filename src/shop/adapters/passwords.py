"""Password hashing with Argon2id (argon2-cffi).

argon2 and its cffi backend are imported on the first hash or check, not at start: most API
processes serve catalog and cart reads that never hash a password, and these libraries cost
each of them about half a megabyte of memory (README, "API worker RSS").
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from argon2 import PasswordHasher


class Argon2Hasher:
    def __init__(self, *, cheap: bool = False) -> None:
        # The cheap profile is for test suites only: it keeps thousands of hashes fast.
        self._cheap = cheap
        self._built: PasswordHasher | None = None
        self._lock = threading.Lock()

    def hash(self, password: str) -> str:
        return self._hasher().hash(password)

    def verify(self, password_hash: str, password: str) -> bool:
        from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

        try:
            return self._hasher().verify(password_hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, password_hash: str) -> bool:
        from argon2.exceptions import InvalidHashError

        try:
            return self._hasher().check_needs_rehash(password_hash)
        except InvalidHashError:
            return True

    def _hasher(self) -> PasswordHasher:
        if self._built is None:
            with self._lock:
                if self._built is None:
                    from argon2 import PasswordHasher, profiles

                    self._built = (
                        PasswordHasher.from_parameters(profiles.CHEAPEST)
                        if self._cheap
                        else PasswordHasher()
                    )
        return self._built
