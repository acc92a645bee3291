"""/api/v1/auth: password reset and email verification."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_jwt_extended import jwt_required

from shop.entrypoints.api import BEARER, Blueprint
from shop.entrypoints.api.accounts.recovery_schemas import (
    AcceptedSchema,
    LinkTokenSchema,
    PasswordResetConfirmSchema,
    PasswordResetRequestSchema,
)
from shop.entrypoints.web import auth
from shop.entrypoints.web.context import adapters, client_address
from shop.services.accounts import recovery, verification

blp = Blueprint(
    "account_recovery",
    __name__,
    url_prefix="/api/v1/auth",
    description="Password reset and email verification",
)

RESET_REQUESTED = {
    "detail": "If an account uses this email, a link to reset its password has been sent to it."
}
VERIFICATION_SENT = {"detail": "Unless the email is verified already, a new link is on its way."}


@blp.route("/password-reset")
class PasswordReset(MethodView):
    @blp.arguments(PasswordResetRequestSchema)
    @blp.response(202, AcceptedSchema)
    @blp.alt_response(429, response="TOO_MANY_REQUESTS")
    def post(self, body: dict[str, Any]) -> Any:
        """Email a single-use reset link (valid one hour) to the account, if there is one.

        The answer is the same whether or not the account exists. Limited per email and per
        client address (429 with Retry-After).
        """
        recovery.request_reset(adapters().accounts.recovery, body["email"], client_address())
        return RESET_REQUESTED


@blp.route("/password-reset/confirm")
class PasswordResetConfirm(MethodView):
    @blp.arguments(PasswordResetConfirmSchema)
    @blp.response(204)
    @blp.alt_response(400, response="BAD_REQUEST")
    def post(self, body: dict[str, Any]) -> None:
        """Set a new password with the link's token; every token of the account is revoked.

        A used, expired or superseded token is 400.
        """
        recovery.confirm_reset(adapters().accounts.recovery, body["token"], body["new_password"])


@blp.route("/verify-email")
class VerifyEmail(MethodView):
    @blp.arguments(LinkTokenSchema)
    @blp.response(204)
    @blp.alt_response(400, response="BAD_REQUEST")
    def post(self, body: dict[str, Any]) -> None:
        """Verify the account's email with the link's token (valid 24 hours); the guest
        orders placed earlier with that email join the account's history."""
        a = adapters()
        verification.verify(a.accounts.uow, a.clock, body["token"])


@blp.route("/verify-email/resend")
class ResendVerification(MethodView):
    @jwt_required()
    @blp.response(202, AcceptedSchema)
    @blp.alt_response(401, response="UNAUTHORIZED")
    @blp.alt_response(429, response="TOO_MANY_REQUESTS")
    @blp.doc(security=BEARER)
    def post(self) -> Any:
        """Send a new verification link (older ones stop working)."""
        a = adapters()
        verification.resend(
            a.accounts.uow,
            a.accounts.verification_throttle,
            a.clock,
            auth.current_user_id(),
            client_address(),
        )
        return VERIFICATION_SENT
