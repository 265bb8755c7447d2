"""A module run where the Python library requests cannot be imported fails with Ansible's
missing_required_lib message, naming the library, before any request."""

import json
import os
import subprocess
import sys

from ansible.module_utils.basic import missing_required_lib

# Run in a fresh interpreter: requests is already imported in this one.
RUN_WITHOUT_REQUESTS = '''
import contextlib, json, sys
sys.modules['requests'] = None  # "import requests" now raises ImportError
from ansible.module_utils import basic
try:
    from ansible.module_utils.testing import patch_module_args
except ImportError:
    @contextlib.contextmanager
    def patch_module_args(args):
        basic._ANSIBLE_ARGS = json.dumps({'ANSIBLE_MODULE_ARGS': args}).encode('utf-8')
        yield
from ansible_collections.turbosmtp.api.plugins.modules import turbosmtp_plans_info
with patch_module_args(json.loads(sys.argv[1])):
    turbosmtp_plans_info.main()
'''


def test_a_module_without_requests_fails_with_the_missing_library_message(sim):
    args = {'dashboard_url': sim.url, 'api_token': 'not-used'}
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(path for path in sys.path if path))
    run = subprocess.run([sys.executable, '-c', RUN_WITHOUT_REQUESTS, json.dumps(args)], capture_output=True, text=True,
                         env=env, timeout=60, check=False)

    result = json.loads(run.stdout)
    assert run.returncode == 1, run.stderr
    assert result['failed'] is True
    assert result['msg'] == missing_required_lib('requests')
    assert 'not-used' not in run.stdout
    assert sim.requests() == []
