"""A small catalog built through the admin API, shared by the catalog integration tests.

    Phones:  "Alpha Phone"  (no variants)
             "Nova Phone"   NOVA-BLU-128 Blue/128GB 500.00 x3, NOVA-RED-256 Red/256GB 700.00 x0,
                            NOVA-OLD Blue/256GB 100.00 x9 (inactive)
             "Hidden Phone" (inactive) HID-1 Red/128GB 50.00 x1
    Laptops: "Zeta Laptop"  "Made of 100% recycled_aluminium" ZETA-1 256GB 1200.00 x5

Created in that order (Alpha first), so the default sort (-created_at) is Zeta, Nova, Alpha.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tests.integration.apps import Api


@dataclass
class Catalog:
    api: Api
    admin: dict[str, str]
    ids: dict[str, int] = field(default_factory=dict)

    def post(self, path: str, body: dict[str, Any], status: int = 201) -> dict[str, Any]:
        response = self.api.client.post(f"/api/v1{path}", json=body, headers=self.admin)
        assert response.status_code == status, response.json
        return dict(response.json or {})

    def patch(self, path: str, body: dict[str, Any], status: int = 200) -> dict[str, Any]:
        response = self.api.client.patch(f"/api/v1{path}", json=body, headers=self.admin)
        assert response.status_code == status, response.json
        return dict(response.json or {})

    def category(self, name: str) -> int:
        self.ids[name] = self.post("/categories", {"name": name})["id"]
        return self.ids[name]

    def attribute(self, name: str, *values: str) -> int:
        attribute_id = self.post("/attributes", {"name": name})["id"]
        for value in values:
            self.post(f"/attributes/{attribute_id}/values", {"value": value})
        self.ids[name] = attribute_id
        return attribute_id

    def product(self, name: str, category: str, **extra: Any) -> int:
        body = {"name": name, "category_id": self.ids[category], **extra}
        self.ids[name] = self.post("/products", body)["id"]
        return self.ids[name]

    def variant(
        self, product: str, sku: str, price: str, stock: int, active: bool = True, **attrs: str
    ) -> int:
        body = {
            "sku": sku,
            "price": price,
            "stock": stock,
            "attributes": attrs,
            "is_active": active,
        }
        self.ids[sku] = self.post(f"/products/{self.ids[product]}/variants", body)["id"]
        return self.ids[sku]


def build_sample(api: Api) -> Catalog:
    catalog = Catalog(api, api.admin_headers())
    catalog.category("Phones")
    catalog.category("Laptops")
    catalog.attribute("Color", "Blue", "Red")
    catalog.attribute("Memory", "128GB", "256GB")
    catalog.product("Alpha Phone", "Phones", description="A basic phone.")
    catalog.product("Nova Phone", "Phones", description="Bright screen, long battery.")
    catalog.variant("Nova Phone", "NOVA-BLU-128", "500.00", 3, Color="Blue", Memory="128GB")
    catalog.variant("Nova Phone", "NOVA-RED-256", "700.00", 0, Color="Red", Memory="256GB")
    catalog.variant(
        "Nova Phone", "NOVA-OLD", "100.00", 9, active=False, Color="Blue", Memory="256GB"
    )
    catalog.product("Zeta Laptop", "Laptops", description="Made of 100% recycled_aluminium.")
    catalog.variant("Zeta Laptop", "ZETA-1", "1200.00", 5, Memory="256GB")
    catalog.product("Hidden Phone", "Phones")
    catalog.variant("Hidden Phone", "HID-1", "50.00", 1, Color="Red", Memory="128GB")
    catalog.patch(f"/products/{catalog.ids['Hidden Phone']}", {"is_active": False})
    return catalog
