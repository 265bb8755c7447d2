"""turboSMTP API simulator for testing the turbosmtp.api collection offline.

See simulator/README.md for the CLI, credentials and the /_sim/ control API.
"""

from .constants import CONSUMER_KEY, CONSUMER_SECRET, EMAIL, INACTIVE_EMAIL, PASSWORD
from .server import Simulator

__all__ = ["Simulator", "EMAIL", "PASSWORD", "INACTIVE_EMAIL", "CONSUMER_KEY", "CONSUMER_SECRET"]
