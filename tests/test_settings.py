"""Settings are read once from the environment; the README's table lists every variable."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from settings import Settings, SettingsError

README = Path(__file__).resolve().parent.parent / "README.md"


def test_the_readme_lists_exactly_the_settings():
    table = README.read_text(encoding="utf-8").split("## Configuration", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"`(COCKPIT_[A-Z_]+)`", table))
    assert documented == set(Settings.variables())


def test_values_are_parsed_by_type():
    s = Settings.from_env({"COCKPIT_PORT": "9000", "COCKPIT_PREWARM": "off", "COCKPIT_VERSION_SECONDS": "0.5",
                           "COCKPIT_CACHE_REDIS_URL": "redis://127.0.0.1:6379/3", "COCKPIT_AUTO_UPGRADE": "yes"})
    assert (s.port, s.prewarm, s.version_seconds, s.cache_redis_url, s.auto_upgrade) == \
        (9000, False, 0.5, "redis://127.0.0.1:6379/3", True)
    assert Settings.from_env({}) == Settings()


@pytest.mark.parametrize("variable, value", [("COCKPIT_PORT", "eighty"), ("COCKPIT_PREWARM", "maybe"),
                                             ("COCKPIT_CACHE_SECONDS", "-1"), ("COCKPIT_MAX_REQUEST_BYTES", "1e9")])
def test_a_bad_value_names_its_variable(variable, value):
    with pytest.raises(SettingsError, match=variable):
        Settings.from_env({variable: value})


def test_overrides_win_over_the_environment():
    assert Settings.from_env({"COCKPIT_AUTO_UPGRADE": "0"}, auto_upgrade=True).auto_upgrade is True
