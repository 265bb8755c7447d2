"""The notify callback reads the connection options it shares with the modules from the same environment
variables: the client's one table. (A controller plugin, so its test lives outside the module_utils tests.)"""

import yaml

from ansible_collections.turbosmtp.api.plugins.callback import notify
from ansible_collections.turbosmtp.api.plugins.module_utils.client import CONNECTION_OPTIONS


def test_the_notify_callback_reads_the_same_variables_for_the_options_it_shares():
    options = yaml.safe_load(notify.DOCUMENTATION)['options']
    shared = [name for name in options if name in CONNECTION_OPTIONS and CONNECTION_OPTIONS[name].env]
    assert shared
    for name in shared:
        assert [entry['name'] for entry in options[name]['env']] == [CONNECTION_OPTIONS[name].env], name
