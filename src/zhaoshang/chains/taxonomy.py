"""Chain taxonomies as YAML: read and check a file, write a chain back out.

One file per chain (the city's own chains are in `chains/data/*.yaml`)::

    code: new-energy            # slug, the chain's key
    name: 新能源
    name_en: New energy
    group: emerging             # traditional | emerging | future
    description: ...
    nodes:
      - code: pv-glass          # slug, unique within the chain
        name: 光伏玻璃
        name_en: PV glass
        position: upstream      # upstream | midstream | downstream
        parent: pv              # code of another node of this file, or absent
        description: ...
        products: [光伏玻璃, 超白压延玻璃]
        keywords: [光伏玻璃, 太阳能玻璃]      # what firms write in their business scope
        industry_codes: ["3042"]          # GB/T 4754-2017 classes (4 digits)
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from django.utils.translation import gettext as _

DATA_DIR = Path(__file__).resolve().parent / "data"
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
GROUPS = ("traditional", "emerging", "future")
POSITIONS = ("upstream", "midstream", "downstream")
NODE_KEYS = {
    "code", "name", "name_en", "position", "parent", "description", "products", "keywords",
    "industry_codes",
}  # fmt: skip
CHAIN_KEYS = {"code", "name", "name_en", "group", "description", "nodes"}


def bundled_files() -> list[Path]:
    return sorted(DATA_DIR.glob("*.yaml"))


def _text_list(value: Any) -> list[str] | None:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str | int) for v in value):
        return None
    return [str(v).strip() for v in value if str(v).strip()]


def parse_chain(text: str, *, class_codes: set[str] | None = None) -> tuple[dict, dict[str, str]]:
    """Read one chain file. Returns (data, errors); `errors` maps a field path such as
    `nodes[3].parent` to a message, and is empty when the file is good.

    `class_codes` is the set of GB/T 4754-2017 class codes to check `industry_codes`
    against (the industries table); None skips the check.
    """
    errors: dict[str, str] = {}
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        return {}, {"yaml": _("not valid YAML%(where)s: %(problem)s") % {
            "where": where, "problem": getattr(exc, "problem", exc)}}  # fmt: skip
    if not isinstance(data, dict):
        return {}, {"yaml": _("the file must be a mapping with code, name, group and nodes")}
    for key in sorted(set(data) - CHAIN_KEYS, key=str):  # YAML keys may be numbers or null
        errors[str(key)] = _("unknown field “%(value)s”") % {"value": key}
    code = str(data.get("code") or "").strip()
    if not SLUG.match(code):
        errors["code"] = _("“%(value)s” is not a code (lower-case letters, digits, hyphens)") % {
            "value": code
        }
    name = str(data.get("name") or "").strip()
    if not name:
        errors["name"] = _("a chain needs a name")
    group = str(data.get("group") or "").strip()
    if group not in GROUPS:
        errors["group"] = _("“%(value)s” is not one of %(choices)s") % {
            "value": group,
            "choices": ", ".join(GROUPS),
        }
    raw_nodes = data.get("nodes")
    if not isinstance(raw_nodes, list) or not raw_nodes:
        errors["nodes"] = _("a chain needs a list of nodes")
        raw_nodes = []
    nodes: list[dict[str, Any]] = []
    seen: set[str] = set()
    for i, raw in enumerate(raw_nodes):
        where = f"nodes[{i}]"
        if not isinstance(raw, dict):
            errors[where] = _("each node must be a mapping")
            continue
        for key in sorted(set(raw) - NODE_KEYS, key=str):
            errors[f"{where}.{key}"] = _("unknown field “%(value)s”") % {"value": key}
        node = {
            "code": str(raw.get("code") or "").strip(),
            "name": str(raw.get("name") or "").strip(),
            "name_en": str(raw.get("name_en") or "").strip(),
            "position": str(raw.get("position") or "").strip(),
            "parent": str(raw.get("parent") or "").strip() or None,
            "description": str(raw.get("description") or "").strip(),
        }
        if not SLUG.match(node["code"]):
            errors[f"{where}.code"] = _(
                "“%(value)s” is not a code (lower-case letters, digits, hyphens)"
            ) % {"value": node["code"]}
        elif node["code"] in seen:
            errors[f"{where}.code"] = _("node code “%(value)s” is used twice") % {
                "value": node["code"]
            }
        seen.add(node["code"])
        if not node["name"]:
            errors[f"{where}.name"] = _("a node needs a name")
        elif len(node["name"]) > 100:
            errors[f"{where}.name"] = _("a name has at most 100 characters")
        if node["position"] not in POSITIONS:
            errors[f"{where}.position"] = _("“%(value)s” is not one of %(choices)s") % {
                "value": node["position"],
                "choices": ", ".join(POSITIONS),
            }
        for key in ("products", "keywords", "industry_codes"):
            values = _text_list(raw.get(key))
            if values is None:
                errors[f"{where}.{key}"] = _("must be a list of texts")
                values = []
            node[key] = values
        for industry in node["industry_codes"]:
            if not re.fullmatch(r"\d{4}", industry) or (
                class_codes is not None and industry not in class_codes
            ):
                errors[f"{where}.industry_codes"] = _(
                    "“%(value)s” is not a GB/T 4754-2017 class code"
                ) % {"value": industry}
        nodes.append(node)
    codes = {n["code"] for n in nodes}
    parents = {n["code"]: n["parent"] for n in nodes}
    for i, node in enumerate(nodes):
        parent = node["parent"]
        if parent is None:
            continue
        if parent not in codes:
            errors[f"nodes[{i}].parent"] = _("no node “%(value)s” in this chain") % {
                "value": parent
            }
            continue
        step, hops = parent, 0
        while step is not None and hops <= len(nodes):
            if step == node["code"]:
                errors[f"nodes[{i}].parent"] = _("the parents of “%(value)s” form a loop") % {
                    "value": node["code"]
                }
                break
            step, hops = parents.get(step), hops + 1
    out = {
        "code": code,
        "name": name,
        "name_en": str(data.get("name_en") or "").strip(),
        "group": group,
        "description": str(data.get("description") or "").strip(),
        "nodes": nodes,
    }
    return out, errors


def ordered_nodes(nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Parents before children, otherwise in file order."""
    placed: set[str] = set()
    out: list[dict[str, Any]] = []
    pending = list(nodes)
    while pending:
        rest = []
        for node in pending:
            if node["parent"] is None or node["parent"] in placed:
                out.append(node)
                placed.add(node["code"])
            else:
                rest.append(node)
        if len(rest) == len(pending):  # a loop; parse_chain reports it
            out.extend(rest)
            break
        pending = rest
    return out


def chain_to_yaml(chain) -> str:
    """The chain and its nodes as a YAML file `parse_chain` reads back unchanged."""
    nodes = list(chain.nodes.select_related("parent").order_by("order", "code"))
    data: dict[str, Any] = {
        "code": chain.code,
        "name": chain.name,
        "name_en": chain.name_en,
        "group": chain.group,
        "description": chain.description,
        "nodes": [
            {
                "code": n.code,
                "name": n.name,
                "name_en": n.name_en,
                "position": n.position,
                **({"parent": n.parent.code} if n.parent_id else {}),
                "description": n.description,
                "products": list(n.products),
                "keywords": list(n.keywords),
                "industry_codes": list(n.industry_codes),
            }
            for n in nodes
        ],
    }
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
