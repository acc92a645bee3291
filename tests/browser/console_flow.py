"""The console walk-through a browser test performs, step by step, on any running server."""

from __future__ import annotations

import re

import requests
from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import screenshot
from tests.integration.apps import PASSWORD
from tests.integration.checkout_support import BODY


def sign_in(page: Page, base_url: str, email: str) -> None:
    page.goto(f"{base_url}/admin/products")
    expect(page).to_have_url(re.compile(r"/admin/login\?next="))
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    screenshot(page, "login")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Products")).to_be_visible()  # sent back there
    page.goto(f"{base_url}/admin")
    for heading in ("Orders today", "Revenue today", "Low stock", "Recent activity"):
        expect(page.get_by_role("heading", name=heading)).to_be_visible()


def build_taxonomy(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/admin/categories")
    page.get_by_label("Category name").fill("Browser shirts")
    page.get_by_role("button", name="New category").click()
    expect(page.get_by_text("Category created.")).to_be_visible()
    screenshot(page, "categories")
    page.goto(f"{base_url}/admin/attributes")
    for attribute, values in (("Size", ("S", "M")), ("Color", ("Red", "Blue"))):
        page.get_by_label("Attribute name").fill(attribute)
        page.get_by_role("button", name="New attribute").click()
        expect(page.get_by_text("Attribute created.")).to_be_visible()
        for value in values:
            page.get_by_label(f"New value for {attribute}").fill(value)
            section = page.locator("section.attribute").filter(
                has=page.get_by_role("heading", name=attribute)
            )
            section.get_by_role("button", name="Add value").click()
            expect(page.get_by_text("Value added.")).to_be_visible()
    screenshot(page, "attributes")


def create_product_with_matrix(page: Page, base_url: str) -> int:
    """A product with a 2x2 matrix of variants (Size x Color); returns its id."""
    page.goto(f"{base_url}/admin/products")
    page.get_by_role("button", name="New product").click()
    page.get_by_label("Name").fill("Browser Tee <b>bold</b>")
    page.get_by_label("Category").select_option(label="Browser shirts")
    page.get_by_label("Description").fill("Made in a real browser")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Product created")).to_be_visible()
    product_id = int(page.url.rsplit("/", 1)[1])

    matrix = page.locator("#matrix")
    for value in ("S", "M", "Red", "Blue"):
        matrix.get_by_label(value, exact=True).check()
    expect(page.get_by_text("4 combinations, 4 to create")).to_be_visible()
    page.get_by_label("Price of each").fill("15.00")
    page.get_by_label("Stock of each").fill("3")
    page.get_by_role("button", name="Generate variants").click()
    expect(page.get_by_text("Variants generated.")).to_be_visible()
    expect(page.get_by_role("link", name="3 in stock")).to_have_count(4)

    page.get_by_label("SKU", exact=True).fill("BROWSER-SINGLE")
    page.get_by_label("Price", exact=True).fill("9.50")
    page.get_by_label("Stock", exact=True).fill("1")
    page.get_by_role("button", name="Add variant").click()
    expect(page.get_by_text("Variant added.")).to_be_visible()
    screenshot(page, "product")
    return product_id


def public_api_shows(base_url: str, product_id: int) -> None:
    """The public API serves the new product and its variants at once (no cache lag)."""
    listed = requests.get(f"{base_url}/api/v1/products", params={"q": "browser tee"}, timeout=5)
    assert [p["id"] for p in listed.json()] == [product_id]
    product = requests.get(f"{base_url}/api/v1/products/{product_id}", timeout=5).json()
    assert product["name"] == "Browser Tee <b>bold</b>"
    assert len(product["variants"]) == 5


def search_products(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/admin/products")
    page.get_by_label("Search").fill("BROWSER-SINGLE")
    expect(page).to_have_url(re.compile(r"q=BROWSER-SINGLE"))  # htmx swapped the table
    expect(page.locator("#product-table tbody tr")).to_have_count(1)
    screenshot(page, "products")


def adjust_stock(page: Page, base_url: str, product_id: int) -> None:
    page.goto(f"{base_url}/admin/products/{product_id}")
    page.get_by_role("link", name="3 in stock").first.click()
    page.get_by_label("Stock change").fill("5")
    page.get_by_label("Reason").fill("delivery from supplier")
    page.get_by_role("button", name="Adjust stock").click()
    expect(page.get_by_text("Stock adjusted.")).to_be_visible()
    expect(page.locator("#stock-level")).to_have_text("8")
    expect(page.get_by_role("cell", name="delivery from supplier")).to_be_visible()
    screenshot(page, "variant")


def place_paid_order(base_url: str, product_id: int) -> int:
    """A guest buys two units of the product's first variant through the public API and pays
    with the test provider's card that succeeds."""
    product = requests.get(f"{base_url}/api/v1/products/{product_id}", timeout=5).json()
    variant_id = product["variants"][0]["id"]
    added = requests.post(
        f"{base_url}/api/v1/cart/items", json={"variant_id": variant_id, "quantity": 2}, timeout=5
    )
    order = requests.post(
        f"{base_url}/api/v1/checkout",
        json=BODY,
        headers={"X-Cart-Token": added.headers["X-Cart-Token"]},
        timeout=10,
    )
    assert order.status_code == 201, order.text
    order_id, token = int(order.json()["id"]), order.json()["order_token"]
    paid = requests.post(
        f"{base_url}/api/v1/orders/{order_id}/payments",
        json={"test_card": "4242424242424242"},
        headers={"X-Order-Token": token},
        timeout=10,
    )
    assert paid.status_code == 201, paid.text
    assert paid.json()["status"] == "succeeded", paid.text
    return order_id


def move_order(page: Page, base_url: str, order_id: int) -> None:
    """The paid order's payment section; each move is a confirmed button, and only the
    allowed ones are shown."""
    page.goto(f"{base_url}/admin/orders")
    page.get_by_role("link", name=f"#{order_id}").click()
    expect(page.locator("#order-status")).to_have_text("paid")
    expect(page.get_by_role("button", name="Mark paid")).to_have_count(0)
    expect(page.get_by_role("heading", name="Payments")).to_be_visible()
    expect(page.locator("#payment-status")).to_have_text("paid")
    payments = page.get_by_role("table", name=f"Payments of order #{order_id}")
    row = payments.locator("tbody tr")
    expect(row).to_have_count(1)
    for cell in ("test", "succeeded", "30.00 USD", "0.00 USD"):
        expect(row.get_by_role("cell", name=cell, exact=True)).to_have_count(1)
    expect(row.get_by_role("cell", name=re.compile(r"^test_shop-payment-\d+$"))).to_have_count(1)
    for button, status in (
        ("Mark shipped", "shipped"),
        ("Mark delivered", "delivered"),
    ):
        page.get_by_role("button", name=button).click()  # the confirmation is accepted
        expect(page.locator("#order-status")).to_have_text(status)
    expect(page.get_by_role("button", name="Cancel order")).to_have_count(0)
    screenshot(page, "order")


def read_audit_log(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/admin/audit")
    rows = page.locator("table.audit tbody tr")

    def action(name: str) -> Locator:
        return rows.filter(has=page.get_by_role("cell", name=name, exact=True))

    expect(action("stock")).to_have_count(1)
    expect(action("status")).to_have_count(2)  # shipped, delivered (the payment paid it)
    expect(action("create")).to_have_count(1 + 2 + 1 + 5)  # category, attributes, product, variants
    expect(action("update")).to_have_count(4)  # the four attribute values
    expect(rows.filter(has=page.get_by_role("cell", name="console", exact=True))).to_have_count(
        1 + 2 + 1 + 5 + 4 + 1 + 2
    )
    page.get_by_label("Entity", exact=True).select_option("product")
    page.get_by_role("button", name="Filter").click()
    expect(rows).to_have_count(1)
    screenshot(page, "audit")


def find_customer(page: Page, base_url: str, email: str) -> None:
    page.goto(f"{base_url}/admin/customers")
    page.get_by_label("Search").fill(email.split("@")[0])
    page.get_by_role("button", name="Search customers").click()
    expect(page.get_by_role("cell", name=email, exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Demote to customer")).to_be_visible()
    screenshot(page, "customers")


def sign_out(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/admin")
    expect(page.locator("#orders-today")).to_have_text("1")
    expect(page.locator("#revenue-today")).to_have_text("30.00 USD")
    screenshot(page, "dashboard")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    page.goto(f"{base_url}/admin/audit")
    expect(page).to_have_url(re.compile(r"/admin/login"))
