"""Customers: search, order figures, and promoting or demoting admins."""

from __future__ import annotations

from typing import Any

from flask import redirect, render_template, request, url_for

from shop.domain.accounts.users import Role
from shop.entrypoints.admin_console.blueprint import console
from shop.entrypoints.admin_console.forms import attempt, page_count, page_number
from shop.entrypoints.admin_console.session import actor
from shop.entrypoints.web.context import adapters
from shop.services.accounts import admins

PAGE_SIZE = 25


@console.route("/customers")
def customer_list() -> Any:
    q = request.args.get("q", "").strip() or None
    page = page_number()
    rows, total = admins.list_customers(adapters().accounts.customers, q, page, PAGE_SIZE)
    return render_template(
        "admin/customers.html",
        rows=rows,
        total=total,
        q=q or "",
        page=page,
        pages=page_count(total, PAGE_SIZE),
    )


@console.route("/customers/<int:user_id>/role", methods=["POST"])
def change_role(user_id: int) -> Any:
    a = adapters()
    role = Role.ADMIN if request.form.get("role") == "admin" else Role.CUSTOMER
    attempt(
        lambda: admins.change_role(a.accounts.roles, a.clock, actor(), user_id, role),
        "Promoted to admin." if role == Role.ADMIN else "Now a customer.",
    )
    return redirect(url_for("console.customer_list", q=request.form.get("q", "")))
