"""The house rules, read off the source: imports run one way, pages never import each other,
only the access layer hands out scopes, only settings.py reads the environment, and no code
writes Dash's private router ids."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SERVED = ["app.py", "settings.py", "access.py", "auth", "urls", "views", "pages", "components", "data_access",
          "exports", "web"]


def modules(*parts: str) -> list[Path]:
    out = []
    for part in parts:
        path = ROOT / part
        out += [path] if path.suffix == ".py" else sorted(path.rglob("*.py"))
    return out


def imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
    return found


def tops(path: Path) -> set[str]:
    return {name.split(".")[0] for name in imports(path)}


# What each layer may import of the project (its own package included).
ALLOWED = {
    "data_access": {"data_access", "settings"},
    "urls": {"urls", "data_access"},
    "access": {"data_access"},
    "views": {"views", "data_access", "urls", "access", "settings"},
    "components": {"components", "data_access", "urls"},
    "pages": {"components", "views", "urls", "access", "data_access", "auth"},
    "auth": {"views", "urls", "access", "data_access"},
    # Files for briefings, made from view data with the screen's rounding (components/units.py).
    "exports": {"exports", "data_access", "components"},
    # Plain Flask routes (downloads): the same seams as pages, minus Dash.
    "web": {"views", "urls", "access", "data_access", "auth", "exports"},
}
PROJECT = {"app", "settings", "access", "urls", "views", "pages", "components", "data_access", "auth", "exports",
           "web"}
# settings.py is the bottom of the house: a leaf any layer may read (never the environment itself).
ALLOWED = {layer: allowed | {"settings"} for layer, allowed in ALLOWED.items()}


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_imports_run_one_way_down(layer):
    files = modules(f"{layer}.py") if (ROOT / f"{layer}.py").exists() else modules(layer)
    for path in files:
        wrong = (tops(path) & PROJECT) - ALLOWED[layer] - {layer}
        assert not wrong, f"{path.relative_to(ROOT)} imports {sorted(wrong)}"


def test_data_access_and_views_never_import_dash():
    for path in modules("data_access", "views", "urls", "access.py", "settings.py", "exports", "web"):
        assert not tops(path) & {"dash", "dash_ag_grid", "dash_bootstrap_components"}, path.relative_to(ROOT)


def test_pages_never_import_each_other_and_hold_only_pages():
    for path in modules("pages"):
        assert not any(name.startswith("pages") for name in imports(path)), path.relative_to(ROOT)
        assert "register_page" in path.read_text(encoding="utf-8"), f"{path.name} is not a page"


def test_only_the_access_layer_makes_scopes_for_the_screens():
    # Pages, components and views get a scope from access.Grant, never by looking a region up.
    for path in modules("pages", "components", "views"):
        text = path.read_text(encoding="utf-8")
        for name in ("resolve_scope", "RegionScope(", "grant_for("):
            if path.name == "runtime.py" and name == "grant_for(":
                continue
            assert name not in text, f"{path.relative_to(ROOT)} uses {name}"


def test_only_settings_reads_the_environment():
    for path in modules(*SERVED):
        if path.name == "settings.py":
            continue
        text = path.read_text(encoding="utf-8")
        assert "os.environ" not in text and "getenv(" not in text, path.relative_to(ROOT)


def test_no_code_writes_dashs_private_router_ids():
    for path in modules(*SERVED):
        text = path.read_text(encoding="utf-8")
        for private in ("_pages_location", "_pages_content", "_pages_store"):
            assert private not in text, f"{path.relative_to(ROOT)} names {private}"


def test_urls_are_built_in_one_place():
    # A hand-written cockpit path in served code bypasses the grammar (urls/routes.py).
    for path in modules("pages", "components", "views", "app.py"):
        text = path.read_text(encoding="utf-8")
        for literal in ('"/region/', "'/region/", 'f"/region', '"/chains?', "'/chains?", 'f"/chains'):
            assert literal not in text, f"{path.relative_to(ROOT)} writes a URL by hand: {literal}"
