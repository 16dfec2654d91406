"""The cockpit's plotly.js bundle: picked only when it matches, served when there, Dash's otherwise."""
from __future__ import annotations

from pathlib import Path

from components.plotly_bundle import TRACES, bundle_name, installed_bundle, plotlyjs_version

FULL = "_dash-component-suites/plotly/package_data/plotly.min.js"


def test_bundle_is_named_by_version_and_traces():
    assert bundle_name("4.1.1") != bundle_name("4.2.0")
    assert bundle_name("4.1.1") != bundle_name("4.1.1", TRACES + ("pie",))
    assert bundle_name("4.1.1", ("bar", "scatter")) == bundle_name("4.1.1", ("scatter", "bar"))


def test_only_a_bundle_of_the_installed_version_is_used(tmp_path: Path):
    assert installed_bundle(tmp_path) is None
    (tmp_path / bundle_name("0.0.1")).write_text("window.Plotly = {};")
    assert installed_bundle(tmp_path) is None  # built for another plotly.js
    (tmp_path / bundle_name(plotlyjs_version())).write_text("")
    assert installed_bundle(tmp_path) is None  # an empty file is a failed build
    good = tmp_path / bundle_name(plotlyjs_version())
    good.write_text("window.Plotly = {};")
    assert installed_bundle(tmp_path) == good


def test_page_loads_the_bundle_or_preloads_dashs(cockpit_app, tmp_path: Path):
    bundle = tmp_path / bundle_name(plotlyjs_version())
    index, scripts = cockpit_app.module.page_template("/app/", bundle)
    assert scripts == [f"/app/plotly-bundle/{bundle.name}"] and FULL not in index
    index, scripts = cockpit_app.module.page_template("/app/", None)
    assert scripts == [] and f'href="/app/{FULL}"' in index


def test_the_served_page_matches_what_is_installed(cockpit_app):
    client = cockpit_app.client
    page = client.get("/").get_data(as_text=True)
    bundle = cockpit_app.server.extensions["plotly_bundle"]
    if bundle is None:
        assert FULL in page and "plotly-bundle/" not in page
        assert client.get(f"/plotly-bundle/{bundle_name(plotlyjs_version())}").status_code == 404
    else:
        assert f'src="/plotly-bundle/{bundle.name}"' in page and FULL not in page
        served = client.get(f"/plotly-bundle/{bundle.name}")
        assert served.status_code == 200 and served.data == bundle.read_bytes()
        assert served.headers["Content-Type"].startswith("text/javascript")
        assert client.get("/plotly-bundle/plotly-cockpit-0.0.0-x.min.js").status_code == 404
