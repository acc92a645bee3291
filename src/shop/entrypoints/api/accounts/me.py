"""/api/v1/me: the signed-in customer's address book, email address and personal data."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask.views import MethodView
from flask_jwt_extended import jwt_required
from flask_smorest.pagination import PaginationParameters

from shop.domain.errors import NotFound
from shop.entrypoints.api import BEARER, MAX_PAGE_SIZE, PAGE_SIZE, Blueprint
from shop.entrypoints.api.accounts.recovery_schemas import (
    AcceptedSchema,
    AddressInSchema,
    AddressPatchSchema,
    EmailChangeSchema,
    LinkTokenSchema,
    PasswordSchema,
    SavedAddressSchema,
)
from shop.entrypoints.web import auth
from shop.entrypoints.web.context import adapters, client_address
from shop.services.accounts import address_book, data_export, email_change, erasure

blp = Blueprint("me", __name__, url_prefix="/api/v1/me", description="Addresses and personal data")

EXPORT_QUEUED = {"detail": "Your data is being exported; an email will bring the link."}
DELETION_REQUESTED = {"detail": "An email asks you to confirm the deletion."}
EMAIL_CHANGE_REQUESTED = {
    "detail": "Unless another account uses that address, an email to it asks you to confirm."
}


def _signed_in(view: Any) -> Any:
    view = jwt_required()(view)
    view = blp.alt_response(401, response="UNAUTHORIZED")(view)
    return blp.doc(security=BEARER)(view)


@blp.route("/addresses")
class Addresses(MethodView):
    @_signed_in
    @blp.response(200, SavedAddressSchema(many=True))
    @blp.paginate(page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
    def get(self, pagination_parameters: PaginationParameters) -> Any:
        """The address book, oldest first."""
        rows = address_book.list_addresses(adapters().accounts.uow, auth.current_user_id())
        pagination_parameters.item_count = len(rows)
        first = (pagination_parameters.page - 1) * pagination_parameters.page_size
        return rows[first : first + pagination_parameters.page_size]

    @_signed_in
    @blp.arguments(AddressInSchema)
    @blp.response(201, SavedAddressSchema)
    def post(self, body: dict[str, Any]) -> Any:
        """Save an address; `is_default_shipping`/`is_default_billing` make it the default
        of that kind (the previous default stops being one)."""
        a = adapters()
        return address_book.add_address(a.accounts.uow, a.clock, auth.current_user_id(), body)


@blp.route("/addresses/<int:address_id>")
class AddressItem(MethodView):
    @_signed_in
    @blp.arguments(AddressPatchSchema)
    @blp.response(200, SavedAddressSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def patch(self, body: dict[str, Any], address_id: int) -> Any:
        """Change an address. Orders placed with it keep the copy they were placed with."""
        a = adapters()
        return address_book.update_address(
            a.accounts.uow, a.clock, auth.current_user_id(), address_id, body
        )

    @_signed_in
    @blp.response(204)
    @blp.alt_response(404, response="NOT_FOUND")
    def delete(self, address_id: int) -> None:
        """Remove an address from the book."""
        address_book.delete_address(adapters().accounts.uow, auth.current_user_id(), address_id)


@blp.route("/data-export")
class DataExport(MethodView):
    @_signed_in
    @blp.response(202, AcceptedSchema)
    @blp.alt_response(409, response="CONFLICT")
    def post(self) -> Any:
        """Export the account, its addresses, orders and reviews as JSON: a job makes the
        file and emails a link valid 24 hours. One export at a time (409 meanwhile)."""
        a = adapters()
        data_export.request_export(a.accounts.uow, a.accounts.jobs, a.clock, auth.current_user_id())
        return EXPORT_QUEUED


@blp.route("/data-export/<string:signed>")
class DataExportFile(MethodView):
    @blp.response(200, {"type": "object"}, content_type="application/json")
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, signed: str) -> Response:
        """Download an export through the emailed link (signed; 404 once expired)."""
        a = adapters()
        export_id = a.accounts.links.export_id(signed)
        if export_id is None:
            raise NotFound("No such export, or it has expired; ask for a new one.")
        content = data_export.download(a.accounts.uow, a.clock, export_id)
        return Response(
            content,
            mimetype="application/json",
            headers={
                "Content-Disposition": 'attachment; filename="shop-personal-data.json"',
                "Cache-Control": "no-store",
            },
        )


@blp.route("/deletion-request")
class DeletionRequest(MethodView):
    @_signed_in
    @blp.arguments(PasswordSchema)
    @blp.response(202, AcceptedSchema)
    @blp.alt_response(403, response="FORBIDDEN")
    def post(self, body: dict[str, Any]) -> Any:
        """Ask to delete the account: with the right password, an email (link valid 24 hours)
        asks to confirm. A wrong password is 403."""
        erasure.request_deletion(
            adapters().accounts.erasure, auth.current_user_id(), body["password"]
        )
        return DELETION_REQUESTED


@blp.route("/deletion/confirm")
class DeletionConfirm(MethodView):
    @blp.arguments(LinkTokenSchema)
    @blp.response(204)
    @blp.alt_response(400, response="BAD_REQUEST")
    def post(self, body: dict[str, Any]) -> None:
        """Confirm with the link's token: the account is anonymised (name, email, phone and
        addresses gone from every table; orders kept with their totals; reviews detached)
        and signed out everywhere."""
        erasure.confirm_deletion(adapters().accounts.erasure, body["token"])


@blp.route("/email-change")
class EmailChangeRequest(MethodView):
    @_signed_in
    @blp.arguments(EmailChangeSchema)
    @blp.response(202, AcceptedSchema)
    @blp.alt_response(403, response="FORBIDDEN")
    @blp.alt_response(429, response="TOO_MANY_REQUESTS")
    def post(self, body: dict[str, Any]) -> Any:
        """Ask to move the account to `new_email`: with the right password, a link (valid 24
        hours, older ones stop working) goes to the new address and a notice to the current
        one; nothing changes until the link is followed. The answer is the same when another
        account uses the address (then no link is sent). A wrong password is 403, the
        current address 422; rate limited per account and client address (429)."""
        email_change.request_change(
            adapters().accounts.email_change,
            auth.current_user_id(),
            body["password"],
            body["new_email"],
            client_address(),
        )
        return EMAIL_CHANGE_REQUESTED


@blp.route("/email-change/confirm")
class EmailChangeConfirm(MethodView):
    @blp.arguments(LinkTokenSchema)
    @blp.response(204)
    @blp.alt_response(400, response="BAD_REQUEST")
    @blp.alt_response(409, response="CONFLICT")
    def post(self, body: dict[str, Any]) -> None:
        """Confirm with the link's token: the account uses the new address, verified, and is
        signed out everywhere (sign in again with the new address). 409 when another
        account took the address meanwhile."""
        email_change.confirm_change(adapters().accounts.email_change, body["token"])
