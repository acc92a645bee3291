"""The admins' view of payments."""

from __future__ import annotations

from shop.domain.payments.model import Payment
from shop.services.common import check_window
from shop.services.payments.events import Payments
from shop.services.payments.ports import PaymentFilters


def list_all(
    payments: Payments, filters: PaymentFilters, page: int, page_size: int
) -> tuple[list[Payment], int]:
    check_window(page, page_size)
    with payments.uow() as work:
        return work.payments.find(filters, page, page_size)
