# -*- coding: utf-8 -*-
# Copyright: (c) 2026, turbosmtp.api contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The send API: one message per request, at most once."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.turbosmtp.api.plugins.module_utils._answers import TurboSMTPError, preview
from ansible_collections.turbosmtp.api.plugins.module_utils._connection import SEND_URLS, send_client_arguments
from ansible_collections.turbosmtp.api.plugins.module_utils._transport import HttpTransport

SEND_PATH = '/api/v2/mail/send'


class SendClient(HttpTransport):
    """The send host: POST /api/v2/mail/send, at most once per message.

    Authenticates with the consumerKey/consumerSecret headers, or else with the account
    email and password as the legacy authuser/authpass body fields.
    """

    def __init__(self, send_url=None, region='global', consumer_key=None, consumer_secret=None,
                 email=None, password=None, **kwargs):
        super().__init__(send_url or SEND_URLS[region], **kwargs)
        self.consumer_key = consumer_key
        self.consumer_secret = consumer_secret
        self.email = email
        self.password = password

    @classmethod
    def from_options(cls, options, pool_size=10):
        """A client from connection options (module parameters, callback options); unset ones take their default."""
        return cls(**send_client_arguments(options, pool_size))

    def check_credentials(self):
        if not (self.consumer_key and self.consumer_secret) and not (self.email and self.password):
            raise TurboSMTPError('no send credentials: set consumer_key and consumer_secret, or email and password '
                                 '(or TURBOSMTP_CONSUMER_KEY and TURBOSMTP_CONSUMER_SECRET)')

    def _headers(self, token=None):
        if self.consumer_key and self.consumer_secret:
            return {'consumerKey': self.consumer_key, 'consumerSecret': self.consumer_secret}
        return {}

    def _header_options(self):
        if self.consumer_key and self.consumer_secret:
            return (('consumer_key', self.consumer_key), ('consumer_secret', self.consumer_secret))
        return ()

    def send(self, message):
        """Send one message (the API's body fields); return its mid as a string."""
        self.check_credentials()
        body = dict(message)
        if not (self.consumer_key and self.consumer_secret):
            body.update(authuser=self.email, authpass=self.password)
        answer = self.json_answer('POST', SEND_PATH, json=body, at_most_once=True)
        if not isinstance(answer, dict) or answer.get('mid') is None:
            raise TurboSMTPError('turboSMTP accepted the message but returned no mid: %s' % preview(str(answer)))
        return str(answer['mid'])
