"""The demo's address library: the NYC 311 records' incident addresses and their points.

Only addresses with a house number: a street name alone (`BUTLER STREET`) names a line, not a
place. The same address in several records keeps the last record's point. Loaded once: a
(forced) reload finds the demo's entries there and writes nothing.
"""

from __future__ import annotations

from grassroots.geo.address_import import MAX_KEY, AddressRow
from grassroots.geo.addresskeys import address_key
from grassroots.geo.models import AddressPoint
from grassroots.geo.services import import_addresses

from .records import records

SOURCE = "demo: NYC 311 incident addresses"


def demo_address_rows() -> list[AddressRow]:
    """One row per record whose address starts with a house number."""
    rows = []
    for line, record in enumerate(records(), start=2):
        address = " ".join(record.address.split())
        key = address_key(address)
        if address[:1].isdigit() and key and len(key) <= MAX_KEY:
            rows.append(AddressRow(line, address, key, record.lat, record.lng))
    return rows


def load_addresses() -> int:
    """Fill the address library from the demo records; how many entries were written."""
    if AddressPoint.objects.filter(source=SOURCE).exists():
        return 0
    return import_addresses(demo_address_rows(), source=SOURCE, actor=None)
