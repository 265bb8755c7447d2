"""Each target is a playbook that checks what a user cares about: converging, the
idempotent rerun, check mode, and the requests that reached the API."""

import pytest

from conftest import TARGETS, run_playbook

PLAYBOOKS = sorted(TARGETS.glob('*/playbook.yml'))


@pytest.mark.parametrize('path', PLAYBOOKS, ids=[path.parent.name for path in PLAYBOOKS])
def test_target(sim, path):
    result = run_playbook(sim, path)
    assert result.returncode == 0, result.stdout[-20000:]
