"""/api/v1/admin/users/{id}: personal-data requests an admin carries out for a customer."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from shop.entrypoints.api import Blueprint
from shop.entrypoints.api.accounts.recovery_schemas import AcceptedSchema
from shop.entrypoints.api.catalog.docs import admin_only
from shop.entrypoints.web.auth import api_actor
from shop.entrypoints.web.context import adapters
from shop.services.accounts import data_export, erasure

blp = Blueprint(
    "admin_personal_data",
    __name__,
    url_prefix="/api/v1/admin/users",
    description="Personal-data requests carried out by an admin",
)


@blp.route("/<int:user_id>/data-export")
class AdminDataExport(MethodView):
    @admin_only(blp, 404, 409)
    @blp.response(202, AcceptedSchema)
    def post(self, user_id: int) -> Any:
        """Export a customer's data: the job emails the link to the customer's own address.
        Recorded in the audit log (action `export`). 409 while an export of that account is
        being made."""
        a = adapters()
        data_export.export_for_admin(a.accounts.uow, a.accounts.jobs, a.clock, api_actor(), user_id)
        return {"detail": "The export is being made; the customer will receive the link."}


@blp.route("/<int:user_id>/erasure")
class AdminErasure(MethodView):
    @admin_only(blp, 404, 409)
    @blp.response(204)
    def post(self, user_id: int) -> None:
        """Anonymise a customer's account at once (an erasure request received by other
        means), as the customer's own confirmed deletion does; an admin's account is 409.
        Recorded in the audit log (action `erase`) with the fields erased, never their
        old values."""
        erasure.erase_by_admin(adapters().accounts.erasure, api_actor(), user_id)
