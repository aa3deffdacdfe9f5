"""Ship the default category tree (both languages) and deadline policies.

Seed data for a fresh deployment, written with the historical models (services cannot be used
inside migrations). Existing rows with the same code are left as the deployment edited them.
"""

from typing import Any

from django.db import migrations


def load(apps: Any, schema_editor: Any) -> None:
    from grassroots.cases.defaults import flatten, load_defaults

    Category = apps.get_model("cases", "Category")
    DeadlinePolicy = apps.get_model("cases", "DeadlinePolicy")
    data = load_defaults()
    by_code: dict[str, Any] = {}
    for node in flatten(data["categories"]):
        category, _created = Category.objects.get_or_create(
            code=node["code"],
            defaults={
                "name_zh": node["zh"],
                "name_en": node["en"],
                "parent": by_code.get(node["parent"]) if node["parent"] else None,
                "keywords": node.get("keywords", ""),
                "sort": node["sort"],
            },
        )
        by_code[node["code"]] = category
    for policy in data["policies"]:
        category = by_code.get(policy["category"]) if policy["category"] else None
        DeadlinePolicy.objects.get_or_create(
            category=category,
            priority=policy["priority"],
            defaults={
                "respond_within": policy["respond"][0],
                "respond_unit": policy["respond"][1],
                "resolve_within": policy["resolve"][0],
                "resolve_unit": policy["resolve"][1],
                "note": policy.get("note", ""),
            },
        )


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
