# -*- coding: utf-8 -*-
# Copyright: (c) 2026, turbosmtp.api contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What turboSMTP answered: the one error type, the API's error bodies, and the shape checks of answers."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

ERROR_BODY_PREVIEW = 200
MAY_HAVE_BEEN_SENT = '; the message may or may not have been sent, so it was not retried'


class TurboSMTPError(Exception):
    """A failed turboSMTP request, described in one sentence a user can act on.

    ``status`` is the HTTP status (None when no answer came back), ``error_code`` and
    ``details`` are the API's own, and ``may_have_been_sent`` marks a send whose fate is
    unknown (the request went out but no answer came back).
    """

    def __init__(self, message, status=None, error_code=None, details=None, may_have_been_sent=False):
        super().__init__(message)
        self.message = message
        self.status = status
        self.error_code = error_code
        self.details = details
        self.may_have_been_sent = may_have_been_sent

    def result_fields(self):
        """What a failed task returns beside its msg."""
        return {
            'http_status': self.status,
            'error_code': self.error_code,
            'error_details': self.details,
        }


# Error bodies


def _flatten_errors(errors):
    """Send API errors come as strings, lists of lists, or a nested {message, errors} object."""
    if isinstance(errors, dict):
        return _flatten_errors(errors.get('errors', errors.get('message')))
    if isinstance(errors, (list, tuple)):
        return [text for item in errors for text in _flatten_errors(item)]
    if errors is None:
        return []
    return [str(errors)]


def parse_error_body(body):
    """Return (error_code, message, details) from any documented error shape, or None."""
    if not isinstance(body, dict):
        return None
    if 'errorCode' in body or 'error' in body:
        code = body.get('errorCode', body.get('error'))
        return code, str(body.get('message') or 'unknown error'), body.get('details')
    if 'errors' in body:
        return None, '; '.join(_flatten_errors(body['errors'])) or str(body.get('message')), None
    if 'message' in body:
        return None, str(body['message']), None
    return None


def is_error_body(body):
    """True when a body is one of the API's error objects, whatever the HTTP status it came with.

    The seed documents errors under ``HTTP/1.1 200 OK`` (a failed login, an unknown token):
    ``{"errorCode": n, "message": ...}``, ``{"error": n, "message": ...}``, and on the send
    host ``{"message": "error", "errors": ...}``. No documented success body has these keys
    (a send's success is ``{"message": "OK", "mid": n}``; stats rows carry ``"error": null``
    but come inside a list).
    """
    if not isinstance(body, dict):
        return False
    if body.get('errorCode') is not None:
        return True
    if body.get('error') not in (None, False, '') and 'message' in body:
        return True
    return body.get('message') == 'error' and 'errors' in body


def api_error(label, status, parsed, attempts=0, may_have_been_sent=False):
    """The TurboSMTPError of an API error body already parsed by parse_error_body()."""
    code, api_message, details = parsed
    message = 'turboSMTP request %s failed with HTTP %d: %s' % (label, status, api_message)
    extras = []
    if code is not None:
        extras.append('error code %s' % code)
    if details:
        extras.append(str(details))
    if attempts:
        extras.append('after %d retries' % attempts)
    if extras:
        message += ' (%s)' % '; '.join(extras)
    if may_have_been_sent:
        message += MAY_HAVE_BEEN_SENT
    return TurboSMTPError(message, status=status, error_code=code, details=details, may_have_been_sent=may_have_been_sent)


# Shape checks


def kind(value):
    """How an answer looks, for messages that must not quote it (it may hold account data)."""
    if isinstance(value, dict):
        return 'an object'
    if isinstance(value, list):
        return 'a list'
    if value is None:
        return 'null'
    return 'a %s' % type(value).__name__


def preview(text):
    """The start of an unexpected body, on one line, for error messages."""
    flat = ' '.join(text.split())
    if len(flat) > ERROR_BODY_PREVIEW:
        flat = flat[:ERROR_BODY_PREVIEW] + '...'
    return flat or '(empty body)'


def expect_object(answer, label, keys=()):
    """The answer when it is a JSON object holding ``keys``, else a TurboSMTPError naming the request."""
    if not isinstance(answer, dict):
        raise TurboSMTPError('turboSMTP request %s returned %s where an object was expected' % (label, kind(answer)))
    missing = [key for key in keys if key not in answer]
    if missing:
        raise TurboSMTPError('turboSMTP request %s returned an object without %s' % (label, ', '.join(missing)))
    return answer


def expect_rows(answer, label):
    """The answer when it is a list of JSON objects, else a TurboSMTPError naming the request."""
    if not isinstance(answer, list):
        raise TurboSMTPError('turboSMTP request %s returned %s where a list was expected' % (label, kind(answer)))
    for index, row in enumerate(answer):
        if not isinstance(row, dict):
            raise TurboSMTPError('turboSMTP request %s returned a list whose item %d is %s, not an object'
                                 % (label, index, kind(row)))
    return answer
