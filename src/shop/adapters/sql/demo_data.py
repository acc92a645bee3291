"""A believable demo catalog, generated deterministically: product i is always the same
product (name, slug, prices, stock, SKUs), so seeding twice finds everything in place.

Pure data: `adapters.demo_seed` writes it to the database.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from shop.domain.catalog.rules import slugify
from shop.domain.money import CENT

ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "Color": (
        "Black",
        "White",
        "Silver",
        "Midnight Blue",
        "Red",
        "Forest Green",
        "Graphite",
        "Sand",
    ),
    "Size": ("XS", "S", "M", "L", "XL", "38", "39", "40", "41", "42", "43", "44", "45"),
    "Memory": ("64GB", "128GB", "256GB", "512GB", "1TB"),
    "Material": ("Cotton", "Merino Wool", "Leather", "Canvas", "Aluminium", "Stainless Steel"),
}


@dataclass(frozen=True)
class CategoryPlan:
    name: str
    code: str
    brands: tuple[str, ...]
    models: tuple[str, ...]
    axes: tuple[tuple[str, tuple[str, ...]], ...]  # (attribute, values) a variant picks from
    price_range: tuple[int, int]
    upcharge: tuple[int, ...] = ()  # added per step of the last axis (e.g. more memory)
    blurb: str = ""


_COLORS = ATTRIBUTES["Color"]
CATEGORIES: tuple[CategoryPlan, ...] = (
    CategoryPlan(
        "Smartphones",
        "PHN",
        ("Nova", "Pixelate", "Orion", "Lumen"),
        ("X1", "8 Pro", "Mini 5", "Edge 14"),
        (("Color", _COLORS[:4]), ("Memory", ("128GB", "256GB", "512GB"))),
        (299, 1199),
        (0, 100, 250),
        "A bright OLED screen, an all-day battery and a camera that loves low light.",
    ),
    CategoryPlan(
        "Laptops",
        "LAP",
        ("Aerobook", "Vertex", "Quill"),
        ("13 Air", "15 Studio", "14 Pro"),
        (("Color", ("Silver", "Graphite")), ("Memory", ("256GB", "512GB", "1TB"))),
        (699, 2499),
        (0, 200, 450),
        "Thin aluminium unibody, a keyboard you will enjoy and a fanless design.",
    ),
    CategoryPlan(
        "Headphones",
        "AUD",
        ("Sonora", "Hush", "Bassline"),
        ("Studio ANC", "Buds Air", "Over-Ear 700"),
        (("Color", ("Black", "White", "Sand", "Midnight Blue")),),
        (49, 399),
        (),
        "Active noise cancelling, 30 hours of playback and a case that fits a pocket.",
    ),
    CategoryPlan(
        "Smartwatches",
        "WCH",
        ("Pulse", "Chrono"),
        ("Fit 3", "Active 44mm", "Classic 42mm", "Sport 40mm"),
        (
            ("Color", ("Black", "Silver", "Forest Green")),
            ("Material", ("Aluminium", "Stainless Steel")),
        ),
        (149, 649),
        (0, 120),
        "Heart-rate, sleep and GPS tracking with a week of battery.",
    ),
    CategoryPlan(
        "T-Shirts",
        "TSH",
        ("Northwind", "Harbor & Co", "Basics Lab"),
        ("Essential Crew Tee", "Pocket Tee", "Heavyweight Tee", "Merino Tee"),
        (("Color", _COLORS), ("Size", ("XS", "S", "M", "L", "XL"))),
        (15, 69),
        (),
        "Soft, breathable and cut to keep its shape wash after wash.",
    ),
    CategoryPlan(
        "Sneakers",
        "SNK",
        ("Stride", "Kinetic", "Trailhead"),
        ("Runner 2", "Court Low", "Trail GTX", "Everyday Knit"),
        (
            ("Color", ("White", "Black", "Red", "Sand")),
            ("Size", ("39", "40", "41", "42", "43", "44", "45")),
        ),
        (59, 189),
        (),
        "A cushioned sole, a breathable upper and grip for city streets and trails alike.",
    ),
    CategoryPlan(
        "Backpacks",
        "BAG",
        ("Wayfarer", "Urbanist"),
        ("Daypack 20L", "Commuter 26L", "Roll-Top 30L", "Sling 8L"),
        (
            ("Color", ("Black", "Forest Green", "Sand", "Midnight Blue")),
            ("Material", ("Canvas", "Leather")),
        ),
        (39, 249),
        (0, 80),
        "A padded laptop sleeve, water-resistant fabric and hidden pockets for the essentials.",
    ),
    CategoryPlan(
        "Knitwear",
        "KNT",
        ("Northwind", "Fjell"),
        ("Crewneck Sweater", "Cardigan", "Roll Neck", "Quarter Zip"),
        (
            ("Color", ("Graphite", "Sand", "Forest Green", "Midnight Blue")),
            ("Size", ("S", "M", "L", "XL")),
        ),
        (49, 179),
        (),
        "Warm without the weight, knitted from soft yarn that does not itch.",
    ),
)


@dataclass(frozen=True)
class VariantRow:
    sku: str
    price: Decimal
    stock: int
    attributes: tuple[tuple[str, str], ...]
    is_active: bool = True


@dataclass(frozen=True)
class ProductRow:
    index: int
    name: str
    slug: str
    category: CategoryPlan
    description: str
    image_url: str
    variants: tuple[VariantRow, ...]


def _name(index: int) -> tuple[CategoryPlan, str]:
    category = CATEGORIES[index % len(CATEGORIES)]
    per_category = index // len(CATEGORIES)
    combos = len(category.brands) * len(category.models)
    brand = category.brands[per_category % len(category.brands)]
    model = category.models[(per_category // len(category.brands)) % len(category.models)]
    generation = per_category // combos
    name = f"{brand} {model}" if generation == 0 else f"{brand} {model} (Series {generation + 1})"
    return category, name


def product(index: int, variants_per_product: int) -> ProductRow:
    """The demo product number `index` (0-based) with up to `variants_per_product` variants."""
    category, name = _name(index)
    rng = random.Random(index)
    low, high = category.price_range
    if high < 100:  # small things end in .99, bigger ones in 9.00
        base = Decimal(rng.randrange(low, high)) + Decimal("0.99")
    else:
        base = Decimal(rng.randrange(low // 10, high // 10) * 10 - 1).quantize(CENT)
    combos = list(itertools.product(*(values for _, values in category.axes)))
    start = rng.randrange(len(combos))
    chosen = [
        combos[(start + k) % len(combos)] for k in range(min(variants_per_product, len(combos)))
    ]
    variants = []
    for number, combo in enumerate(chosen, start=1):
        last_axis_values = category.axes[-1][1]
        step = last_axis_values.index(combo[-1]) if category.upcharge else 0
        upcharge = Decimal(category.upcharge[step]) if category.upcharge else Decimal(0)
        stock = 0 if rng.random() < 0.1 else rng.randrange(1, 150)
        variants.append(
            VariantRow(
                sku=f"{category.code}-{index + 1:06d}-{number:02d}",
                price=base + upcharge,
                stock=stock,
                attributes=tuple(zip((n for n, _ in category.axes), combo, strict=True)),
            )
        )
    slug = slugify(name)
    return ProductRow(
        index=index,
        name=name,
        slug=slug,
        category=category,
        description=f"{name}. {category.blurb}",
        image_url=f"https://images.example.com/products/{slug}.jpg",
        variants=tuple(variants),
    )


def products(count: int, variants_per_product: int) -> Iterator[ProductRow]:
    for index in range(count):
        yield product(index, variants_per_product)
