"""Credentials and fixed values shared by the simulator modules.

They live in their own module so that world.py, server.py and the package
``__init__`` can all import them without circular imports.
"""

EMAIL = "ops@example.com"
PASSWORD = "sim-password"
INACTIVE_EMAIL = "inactive@example.com"
CONSUMER_KEY = "sim-consumer-key"
CONSUMER_SECRET = "sim-consumer-secret"

# Seeded reports and stats are spread over this window (UTC, end exclusive).
SEED_WINDOW_START = "2026-01-01T00:00:00"
SEED_WINDOW_END = "2026-07-01T00:00:00"

REPORT_PAGE_SIZE = 20
STATS_PAGE_SIZE = 10
TOKEN_LIFETIME_SECONDS = 3600
MAX_SEND_BYTES = 24 * 1024 * 1024
MAX_SUBJECT_CHARS = 700
FIRST_MID = 1475205839938715648

STORED_REPORT_TYPES = ("hardbounce", "softbounce", "spam", "unsub")
REPORT_TYPES = ("bounce",) + STORED_REPORT_TYPES
STATS_STATUSES = ("NEW", "DEFER", "SUCCESS", "OPEN", "CLICK", "REPORT", "FAIL", "SYSFAIL", "UNSUB")
TOOLS = ("clickTracking", "openingTracking")
