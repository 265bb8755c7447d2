# -*- coding: utf-8 -*-
# Copyright: (c) 2026, turbosmtp.api contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Masking of known secrets in text that came from a server or an exception, for the plugins that run
outside AnsibleModule (the notify callback, the events source) and so lack its no_log masking.

Private to this collection: the leading underscore says so.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import re
from urllib.parse import quote, quote_plus

MASK = '********'
# The user information of any URL in a text: scheme://user:password@host.
_URL_USER_INFO = re.compile(r'(?P<scheme>\b[A-Za-z][A-Za-z0-9+.-]*://)(?P<userinfo>[^/?#@\s]*)@')


def _spellings(secret):
    """The ways a server or library may echo a secret: as is, URL-encoded (query or form), JSON-escaped."""
    forms = {secret, quote(secret, safe=''), quote_plus(secret, safe=''), json.dumps(secret)[1:-1]}
    return sorted(forms, key=len, reverse=True)


class SecretMasker:
    """Replaces every known secret (and the user information of URLs) in texts with ********.

    Secrets may be added later (a login token obtained at run time); empty values are ignored, as
    AnsibleModule ignores empty no_log values.
    """

    def __init__(self, secrets=()):
        self._forms = []
        for secret in secrets:
            self.add(secret)

    def add(self, secret):
        if secret is None:
            return
        secret = str(secret)
        if not secret.strip():
            return
        for form in _spellings(secret):
            if form not in self._forms:
                self._forms.append(form)
        # Longest first, so that a secret holding another one is masked whole.
        self._forms.sort(key=len, reverse=True)

    def mask(self, text):
        if text is None:
            return text
        text = _URL_USER_INFO.sub(lambda match: match.group('scheme') + MASK + '@', str(text))
        for form in self._forms:
            text = text.replace(form, MASK)
        return text


def mask_secrets(text, secrets):
    """text with every secret of secrets, and the user information of every URL, masked."""
    return SecretMasker(secrets).mask(text)
