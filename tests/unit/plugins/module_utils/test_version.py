"""The user agent's version is the one galaxy.yml states (galaxy.yml is not shipped with a module)."""

from pathlib import Path

import yaml

from ansible_collections.turbosmtp.api.plugins.module_utils.client import USER_AGENT
from ansible_collections.turbosmtp.api.plugins.module_utils.version import COLLECTION_VERSION

REPO = Path(__file__).resolve().parents[4]


def test_the_version_constant_is_the_version_galaxy_yml_states():
    assert yaml.safe_load((REPO / 'galaxy.yml').read_text())['version'] == COLLECTION_VERSION


def test_the_user_agent_ends_with_that_version():
    assert USER_AGENT == 'turbosmtp.api-ansible-collection/%s' % COLLECTION_VERSION
