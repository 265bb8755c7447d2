"""The connection options: one table of environment variables and defaults, read by the module
argument specs, the events source and the clients' constructors; and the checks that refuse a value
before any request."""

import pytest

from ansible_collections.turbosmtp.api.plugins.module_utils._connection import (
    CONNECTION_OPTIONS,
    DEFAULT_DASHBOARD_URL,
    check_connection_options,
    connection_secrets,
    connection_settings,
    url_without_credentials_or_error,
)
from ansible_collections.turbosmtp.api.plugins.module_utils._dashboard import DashboardClient
from ansible_collections.turbosmtp.api.plugins.module_utils.module import connection_argument_spec, send_argument_spec


def test_a_dashboard_client_from_options_takes_the_defaults_of_unset_options(monkeypatch):
    for name in ('REQUESTS_CA_BUNDLE', 'CURL_CA_BUNDLE'):  # a bundle named there would be what verify holds
        monkeypatch.delenv(name, raising=False)
    client = DashboardClient.from_options({'api_token': 't', 'timeout': None})
    assert client.base_url == DEFAULT_DASHBOARD_URL
    assert (client.timeout, client.retry_policy.retries, client.session.verify) == (30, 3, True)
    client.close()


def test_connection_settings_take_the_argument_then_the_environment_then_the_default():
    environ = {'TURBOSMTP_EMAIL': 'env@example.com', 'TURBOSMTP_API_TOKEN': 'from-env'}
    settings = connection_settings({'api_token': 'given', 'email': '', 'timeout': None},
                                   ('api_token', 'email', 'password', 'dashboard_url', 'timeout'), environ)
    assert settings == {'api_token': 'given', 'email': 'env@example.com', 'password': None,
                        'dashboard_url': DEFAULT_DASHBOARD_URL, 'timeout': 30}


def test_the_module_options_fall_back_to_the_variables_and_defaults_of_the_table():
    spec = dict(connection_argument_spec(), **send_argument_spec())
    assert set(spec) == set(CONNECTION_OPTIONS)
    for name, option in CONNECTION_OPTIONS.items():
        assert spec[name].get('fallback', (None, [None]))[1] == [option.env], name
        assert spec[name].get('default') == option.default, name


@pytest.mark.parametrize('url', ['https://user:s3cret@dashboard.serversmtp.com', 'http://s3cret@127.0.0.1:8080/',
                                 'https://us%40er:s3cr%3Aet@host', 'https://:s3cret@host'])
def test_a_url_with_user_information_is_refused_without_repeating_it(url):
    with pytest.raises(ValueError) as refused:
        url_without_credentials_or_error(url, 'webhook_url')
    assert str(refused.value).startswith('webhook_url must not hold user information')
    assert 's3cr' not in str(refused.value) and url not in str(refused.value)


@pytest.mark.parametrize('url', ['https://dashboard.serversmtp.com', 'http://127.0.0.1:8080/api?to=a@b.example', None, ''])
def test_a_url_without_user_information_passes(url):
    assert url_without_credentials_or_error(url, 'dashboard_url') == url


def test_the_secrets_of_a_url_are_its_password_as_written_and_decoded():
    secrets = connection_secrets({'dashboard_url': 'https://ops:s3cr%3Aet@host', 'send_url': None})
    assert {'ops:s3cr%3Aet', 's3cr%3Aet', 's3cr:et'} == secrets
    assert connection_secrets({'send_url': 'https://t0ken@host'}) == {'t0ken'}


@pytest.mark.parametrize('options, message', [
    ({'timeout': float('nan')}, 'timeout must be a finite number greater than 0 and at most 3600, got nan'),
    ({'timeout': 1e300}, 'timeout must be a finite number greater than 0 and at most 3600, got 1e+300'),
    ({'retries': True}, 'retries must be a finite number at least 0 and at most 100, got True'),
    ({'api_token': 'a\u2028b'}, 'api_token holds a character that cannot be sent in an HTTP header (only Latin-1 can)'),
    ({'consumer_key': 'a\tb'}, 'consumer_key holds a line break or another control character'),
])
def test_connection_options_that_cannot_work_are_refused(options, message):
    with pytest.raises(ValueError) as refused:
        check_connection_options(options)
    assert str(refused.value).startswith(message)


def test_the_defaults_pass_the_checks():
    check_connection_options({})
