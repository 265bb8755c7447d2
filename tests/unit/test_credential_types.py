"""The AAP/AWX custom credential types in extensions/aap/credential_types/ give the modules and the
event sources exactly what they read: the TURBOSMTP_* environment variables of the modules'
argument specs, and the extra vars that the rulebooks pass to the webhook source's options.
Injectors are rendered the way automation controller and EDA render them (a sandboxed Jinja
environment, inputs left empty absent from the namespace) and the result drives the real code."""

import base64
import re
from pathlib import Path

import jinja2
import pytest
import yaml
from ansible.module_utils.basic import env_fallback
from jinja2 import meta
from jinja2.sandbox import ImmutableSandboxedEnvironment

from ansible_collections.turbosmtp.api.extensions.eda.plugins.event_source import events, webhook
from ansible_collections.turbosmtp.api.plugins.module_utils.client import DashboardClient
from ansible_collections.turbosmtp.api.plugins.module_utils.module import connection_argument_spec, send_argument_spec
from ansible_collections.turbosmtp.api.plugins.modules import turbosmtp_plans_info, turbosmtp_send
from simulator import CONSUMER_KEY, CONSUMER_SECRET, EMAIL, PASSWORD

REPO = Path(__file__).resolve().parents[2]
TYPES = REPO / 'extensions' / 'aap' / 'credential_types'
RULEBOOKS = REPO / 'extensions' / 'eda' / 'rulebooks'
API_TYPE = 'turbosmtp_api.yml'
WEBHOOK_TYPE = 'turbosmtp_webhook.yml'
ALL_TYPES = sorted(path.name for path in TYPES.glob('*.yml'))
WEBHOOK_VAR_PREFIX = 'turbosmtp_webhook_'
# What controller and EDA render injector templates with.
SANDBOX = ImmutableSandboxedEnvironment()
SECRET_LOOKING = re.compile(r'password|token|secret|key', re.IGNORECASE)


def load(name):
    return yaml.safe_load((TYPES / name).read_text())


def module_spec():
    spec = connection_argument_spec()
    spec.update(send_argument_spec())
    return spec


def module_env_options():
    """{environment variable: option} for every module option that falls back to one."""
    found = {}
    for option, settings in module_spec().items():
        fallback = settings.get('fallback')
        if fallback and fallback[0] is env_fallback:
            for variable in fallback[1]:
                found[variable] = option
    return found


def templates(injectors):
    """(injector kind, name, template) for every template string of an injectors mapping."""
    for kind, entries in injectors.items():
        for name, template in entries.items():
            yield kind, name, template


def referenced(template):
    return meta.find_undeclared_variables(SANDBOX.parse(template))


def render(injectors, kind, inputs):
    """What the platform injects for a credential with these inputs: empty ones are not in the namespace."""
    namespace = dict((name, value) for name, value in inputs.items() if value != '')
    return dict((name, SANDBOX.from_string(template).render(**namespace))
                for name, template in injectors.get(kind, {}).items())


def webhook_options():
    """The webhook source's option names, from its DOCUMENTATION (only the options block if the rest does not parse)."""
    try:
        return set(yaml.safe_load(webhook.DOCUMENTATION)['options'])
    except yaml.YAMLError:
        block = re.search(r'^options:\n((?:[ \t]+.*\n|\n)+)', webhook.DOCUMENTATION, re.MULTILINE).group(0)
        try:
            return set(yaml.safe_load(block)['options'])
        except yaml.YAMLError:
            return set(re.findall(r'^  ([A-Za-z_][A-Za-z0-9_]*):\s*$', block, re.MULTILINE))


def webhook_sources():
    """(rulebook name, webhook source args) for every turbosmtp.api.webhook source of the shipped rulebooks."""
    found = []
    for path in sorted(RULEBOOKS.glob('*.yml')):
        for ruleset in yaml.safe_load(path.read_text()) or []:
            for source in ruleset.get('sources', []):
                if 'turbosmtp.api.webhook' in source:
                    found.append((path.name, source['turbosmtp.api.webhook'] or {}))
    return found


@pytest.mark.parametrize('name', ALL_TYPES)
def test_every_injector_references_only_declared_inputs(name):
    definition = load(name)
    fields = definition['inputs']['fields']
    ids = [field['id'] for field in fields]
    assert len(ids) == len(set(ids)), 'duplicate input ids in %s' % name
    assert set(definition['inputs'].get('required', [])) <= set(ids)
    assert set(definition['injectors']) <= {'env', 'extra_vars', 'file'}
    used = set()
    for kind, variable, template in templates(definition['injectors']):
        names = referenced(template)
        assert names, '%s %s %s injects no input' % (name, kind, variable)
        assert names <= set(ids), '%s %s %s uses undeclared %s' % (name, kind, variable, names - set(ids))
        used |= names
    assert used == set(ids), 'inputs of %s that nothing injects: %s' % (name, set(ids) - used)


@pytest.mark.parametrize('name', ALL_TYPES)
def test_every_secret_input_is_marked_secret(name):
    spec = module_spec()
    for field in load(name)['inputs']['fields']:
        no_log = spec.get(field['id'], {}).get('no_log', False)
        if no_log or SECRET_LOOKING.search(field['id']):
            assert field.get('secret') is True, '%s: %s must be secret: true' % (name, field['id'])


def test_api_type_injects_exactly_the_variables_the_modules_read():
    env = load(API_TYPE)['injectors']['env']
    wanted = module_env_options()

    assert set(env) == set(wanted)
    for variable, option in wanted.items():
        # Each variable carries the input named after the option that reads it.
        assert referenced(env[variable]) == {option}, variable


def test_api_type_also_gives_the_events_source_its_credentials():
    env = load(API_TYPE)['injectors']['env']
    for option, variable in events.ENV_FALLBACKS.items():
        assert variable in env
        assert referenced(env[variable]) == {option}, variable


def test_api_inputs_offer_what_the_modules_accept():
    spec = module_spec()
    for field in load(API_TYPE)['inputs']['fields']:
        option = spec[field['id']]
        if 'choices' in field or option.get('choices'):
            assert sorted(field['choices']) == sorted(option['choices']), field['id']
        if option.get('default') is not None:
            assert field.get('default') == option['default'], field['id']


def test_api_inputs_left_empty_inject_what_the_modules_treat_as_unset():
    spec = module_spec()
    injected = render(load(API_TYPE)['injectors'], 'env', {})

    for variable, option in module_env_options().items():
        default = spec[option].get('default')
        # An option with a default gets it (the env fallback would override the default with ''),
        # every other one gets '' which the modules take as not set.
        assert injected[variable] == ('' if default is None else str(default)), variable


def test_api_credential_with_a_token_runs_a_module(sim, run_module, monkeypatch):
    token = DashboardClient(sim.url).authorize(EMAIL, PASSWORD, no_expire=True)
    sim.clear_requests()
    credential = dict(api_token=token, dashboard_url=sim.url)
    for variable, value in render(load(API_TYPE)['injectors'], 'env', credential).items():
        monkeypatch.setenv(variable, value)

    result, failed = run_module(turbosmtp_plans_info.main, {})

    assert not failed, result
    assert result['plans'] == sim.world.plans
    requests = sim.requests()
    assert [request['path'] for request in requests] == ['/api/plans']
    assert requests[0]['headers'].get('Authorization') == token


def test_api_credential_with_account_and_consumer_keys_sends(sim, run_module, monkeypatch):
    credential = dict(email=EMAIL, password=PASSWORD, consumer_key=CONSUMER_KEY, consumer_secret=CONSUMER_SECRET,
                      dashboard_url=sim.url, send_url=sim.url, api_token='', region='')
    for variable, value in render(load(API_TYPE)['injectors'], 'env', credential).items():
        monkeypatch.setenv(variable, value)

    result, failed = run_module(turbosmtp_send.main, {'from': 'ops@example.com', 'to': ['alice@example.com'],
                                                      'subject': 'From AAP', 'content': 'Hi'})

    assert not failed, result
    sent = sim.requests(path='/api/v2/mail/send')
    assert len(sent) == 1
    assert sent[0]['headers'].get('consumerKey') == CONSUMER_KEY
    assert sent[0]['headers'].get('consumerSecret') == CONSUMER_SECRET


def test_webhook_type_extra_vars_are_named_after_the_sources_options():
    extra_vars = load(WEBHOOK_TYPE)['injectors']['extra_vars']
    options = webhook_options()

    assert extra_vars
    for variable, template in extra_vars.items():
        assert variable.startswith(WEBHOOK_VAR_PREFIX), variable
        option = variable[len(WEBHOOK_VAR_PREFIX):]
        assert option in options, '%s is not an option of turbosmtp.api.webhook (%s)' % (option, sorted(options))
        assert referenced(template) == {option}, variable


@pytest.mark.parametrize('rulebook, args', webhook_sources(), ids=[name for name, _args in webhook_sources()])
def test_rulebooks_take_the_webhook_credentials_from_the_type(rulebook, args):
    extra_vars = load(WEBHOOK_TYPE)['injectors']['extra_vars']
    injected_options = dict((variable[len(WEBHOOK_VAR_PREFIX):], variable) for variable in extra_vars)
    credential = dict(token='t0ken-from-aap', username='turbosmtp', password='pa55-from-aap')
    provided = render(load(WEBHOOK_TYPE)['injectors'], 'extra_vars', credential)

    auth = {}
    for option, variable in injected_options.items():
        value = args.get(option)
        if not isinstance(value, str):
            continue
        names = referenced(value)
        # A templated credential option must read the variable the credential type injects for it.
        assert names <= {variable}, '%s: %s reads %s, the credential injects %s' % (rulebook, option, names, variable)
        auth[option] = jinja2.Environment().from_string(value).render(**provided)
    assert auth, '%s sets no webhook credential' % rulebook

    authenticator = webhook.Authenticator(auth.get('username'), auth.get('password'), auth.get('token'))
    assert authenticator.required
    if auth.get('token'):
        assert authenticator.allows('Bearer %s' % credential['token'])
    if auth.get('password'):
        basic = base64.b64encode(('%s:%s' % (auth['username'], credential['password'])).encode()).decode()
        assert authenticator.allows('Basic %s' % basic)
    assert not authenticator.allows('Bearer wrong')
    assert not authenticator.allows('Basic %s' % base64.b64encode(b'turbosmtp:wrong').decode())
