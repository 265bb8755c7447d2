"""What every pytest suite shares about the simulator: the collection root on sys.path (so the
repository's simulator/ package imports from any working directory, ansible-test's copies
included), the default world, and a small HTTP client for the simulator's own tests."""

import os
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if REPO not in sys.path:
    sys.path.insert(0, REPO)

import requests  # noqa: E402

from simulator import CONSUMER_KEY, CONSUMER_SECRET, EMAIL, PASSWORD  # noqa: E402

__all__ = ['CONSUMER_KEY', 'CONSUMER_SECRET', 'DEFAULT_WORLD', 'EMAIL', 'PASSWORD', 'REPO', 'SEND_HEADERS', 'Client',
           'self_signed_certificate']

# Each test starts from the same world, whatever an earlier test resized.
DEFAULT_WORLD = dict(seed=1, stats_rows=250, reports_per_type=60, subaccounts=5)

SEND_HEADERS = {"consumerKey": CONSUMER_KEY, "consumerSecret": CONSUMER_SECRET}


class Client:
    """Tiny helper: dashboard calls with the token, send calls with consumer keys."""

    def __init__(self, sim, token):
        self.sim = sim
        self.token = token

    def get(self, path, params=None, **kwargs):
        headers = kwargs.pop("headers", {"Authorization": self.token})
        return requests.get(self.sim.url + path, params=params, headers=headers, timeout=10, **kwargs)

    def request(self, method, path, **kwargs):
        headers = kwargs.pop("headers", {"Authorization": self.token})
        return requests.request(method, self.sim.url + path, headers=headers, timeout=10, **kwargs)

    def send(self, body, headers=None, **kwargs):
        return requests.post(self.sim.url + "/api/v2/mail/send", json=body,
                             headers=SEND_HEADERS if headers is None else headers, timeout=10, **kwargs)


def self_signed_certificate(folder):
    """(certificate file, key file) of a self-signed certificate for 127.0.0.1, written into folder
    (the cryptography package comes with ansible-core)."""
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, '127.0.0.1')])
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                   .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
                   .not_valid_after(now + datetime.timedelta(days=1))
                   .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address('127.0.0.1'))]), critical=False)
                   .sign(key, hashes.SHA256()))
    certfile, keyfile = folder / 'server.crt', folder / 'server.key'
    certfile.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    keyfile.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return str(certfile), str(keyfile)
