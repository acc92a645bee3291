"""The links of account emails. Token links point at the storefront (`SHOP_PUBLIC_URL`),
which posts the token to the API; an export's download link is the API's own, signed with
SECRET_KEY (itsdangerous) and valid for 24 hours."""

from __future__ import annotations

from urllib.parse import quote

from itsdangerous import BadData, URLSafeTimedSerializer

from shop.services.accounts.data_export import EXPORT_LIFETIME
from shop.services.accounts.ports import AccountEmailKind

PAGES = {
    AccountEmailKind.PASSWORD_RESET: "/account/reset-password?token=",
    AccountEmailKind.EMAIL_VERIFICATION: "/account/verify-email?token=",
    AccountEmailKind.ACCOUNT_DELETION: "/account/confirm-deletion?token=",
    AccountEmailKind.EMAIL_CHANGE: "/account/confirm-email-change?token=",
}
DOWNLOAD_PATH = "/api/v1/me/data-export/"


class SignedAccountLinks:
    def __init__(self, public_url: str, secret_key: str) -> None:
        self._base = public_url.rstrip("/")
        self._serializer = URLSafeTimedSerializer(secret_key, salt="shop.data-export")

    def link_for(self, kind: AccountEmailKind, secret: str) -> str:
        if kind is AccountEmailKind.DATA_EXPORT_READY:
            return self._base + DOWNLOAD_PATH + self._serializer.dumps(int(secret))
        return self._base + PAGES[kind] + quote(secret, safe="")

    def export_id(self, signed: str) -> int | None:
        try:
            value = self._serializer.loads(signed, max_age=int(EXPORT_LIFETIME.total_seconds()))
        except BadData:
            return None
        return value if isinstance(value, int) and not isinstance(value, bool) else None
