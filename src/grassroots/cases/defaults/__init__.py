"""The default category tree and deadline policies shipped with Grassroots."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

DEFAULTS_FILE = Path(__file__).with_name("categories.json")


def load_defaults() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(DEFAULTS_FILE.read_text(encoding="utf-8"))
    return data


def flatten(nodes: list[dict[str, Any]], parent: str | None = None) -> list[dict[str, Any]]:
    """Categories parent-first, each with its parent's code."""
    out: list[dict[str, Any]] = []
    for i, node in enumerate(nodes):
        out.append(
            {**{k: v for k, v in node.items() if k != "children"}, "parent": parent, "sort": i}
        )
        out.extend(flatten(node.get("children", []), node["code"]))
    return out
