"""The catalog CSV and keyboard walk-through a browser test performs on any running server."""

from __future__ import annotations

import re

import requests
from playwright.sync_api import Page, expect

from tests.browser.conftest import screenshot
from tests.integration.imports_support import HEADER

GOOD = HEADER + "".join(
    f"imported-tee-{n},Imported Tee {n},imported,Soft cotton,,true,IMP-{n}-{size},"
    f"18.00,{n + 1},true,Black,{size}\n"
    for n in range(300)
    for size in ("S", "M")
)
BAD = GOOD.replace("IMP-3-S,18.00", 'IMP-3-S,"12,50"')


def upload(page: Page, base_url: str, text: str) -> None:
    page.goto(f"{base_url}/admin/products")
    page.get_by_role("link", name="Import CSV").first.click()
    page.get_by_label("CSV file").set_input_files(
        {"name": "catalog.csv", "mimeType": "text/csv", "buffer": text.encode()}
    )
    page.get_by_role("button", name="Upload and check").click()
    expect(page).to_have_url(re.compile(r"/admin/imports/\d+$"))
    expect(page.get_by_label("Rows checked")).to_be_visible()  # the progress bar


def wait_until_finished(page: Page) -> None:
    """htmx polls the report every second until the job is done (no reload)."""
    expect(page.locator("#import-state")).to_have_text(re.compile("done|failed"), timeout=60_000)


def read_the_error_report(page: Page, base_url: str) -> None:
    upload(page, base_url, BAD)
    wait_until_finished(page)
    problems = page.get_by_role("table", name="Problems by row")
    expect(
        problems.get_by_role("row").filter(has_text="'12,50' is not a price like 12.50")
    ).to_have_count(1)
    expect(problems.get_by_role("cell", name="8", exact=True)).to_be_visible()  # row 8
    expect(page.get_by_role("button", name="Apply import")).to_have_count(0)
    screenshot(page, "import-errors")


def dry_run_then_apply(page: Page, base_url: str) -> None:
    upload(page, base_url, GOOD)
    wait_until_finished(page)
    progress = page.get_by_label("Rows checked")
    expect(progress).to_have_attribute("value", "600")
    expect(page.get_by_role("table", name="Rows by outcome")).to_contain_text("600")
    assert requests.get(f"{base_url}/api/v1/products?q=imported", timeout=5).json() == []
    screenshot(page, "import-dry-run")
    page.get_by_role("button", name="Apply import").click()
    wait_until_finished(page)
    expect(page.get_by_text("Applied: the catalog now matches the file.")).to_be_visible()
    listed = requests.get(
        f"{base_url}/api/v1/products", params={"q": "imported tee 299"}, timeout=5
    ).json()
    assert [p["slug"] for p in listed] == ["imported-tee-299"]


def export_the_filtered_list(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/admin/products?q=imported+tee+29")
    with page.expect_download() as download:
        page.get_by_role("link", name="Export CSV").click()
    text = open(download.value.path(), encoding="utf-8").read()  # noqa: SIM115
    assert text.startswith("product_slug,product_name,")
    skus = {line.split(",")[6] for line in text.splitlines()[1:]}
    assert skus == {f"IMP-{n}-{size}" for n in (29, *range(290, 300)) for size in "SM"}


def keys_ready(page: Page) -> None:
    """The shortcuts' script has run (it shows the help button, hidden without JavaScript)."""
    expect(page.get_by_role("button", name="Keyboard shortcuts (?)")).to_be_visible()


def keyboard_only(page: Page, base_url: str) -> None:
    """The palette finds a product by SKU; j/k and Enter open a row; Ctrl+S saves; ? helps."""
    page.goto(f"{base_url}/admin/products")
    keys_ready(page)
    page.keyboard.press("?")
    expect(page.get_by_role("heading", name="Keyboard shortcuts")).to_be_visible()
    page.keyboard.press("Escape")
    page.keyboard.press("Control+k")
    palette = page.get_by_role("combobox", name="Find a product, SKU, order number or customer")
    expect(palette).to_be_focused()
    results = page.get_by_role("listbox", name="Results").get_by_role("option")
    page.keyboard.type("IMP-42-M")
    expect(results.first).to_contain_text("Imported Tee 42")
    screenshot(page, "palette")
    page.keyboard.press("Enter")
    expect(page.get_by_label("Name")).to_have_value("Imported Tee 42")
    keys_ready(page)
    page.get_by_label("Description").focus()
    page.keyboard.press("End")
    page.keyboard.type(", washed")
    page.keyboard.press("Control+s")
    expect(page.get_by_text("Product saved.")).to_be_visible()
    expect(page.get_by_label("Description")).to_have_value("Soft cotton, washed")
    page.goto(f"{base_url}/admin/products?q=imported")
    keys_ready(page)
    page.locator("body").focus()
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("k")
    expect(page.locator("tr.selected")).to_have_count(1)
    name = page.locator("tr.selected a").first.inner_text()
    page.keyboard.press("Enter")
    expect(page.get_by_label("Name")).to_have_value(name)
    keys_ready(page)
    page.keyboard.press("/")
    expect(palette).to_be_focused()
    page.keyboard.type("console-admin")
    expect(results.first).to_contain_text("Customer")
