"""The simulated turboSMTP account: seed data plus everything that changes.

Seed data is a pure function of (seed, sizes) so two simulators built with the
same arguments expose identical ids, emails and timestamps.  Stats rows are
not materialised: row ``i`` (0 = newest) is computed from ``i`` by integer
arithmetic, which keeps start-up instant even for 100,000 rows.
"""

import bisect
import calendar
import functools
import random
import secrets
import threading
import time

from .constants import (
    EMAIL,
    FIRST_MID,
    INACTIVE_EMAIL,
    PASSWORD,
    SEED_WINDOW_END,
    SEED_WINDOW_START,
    STATS_STATUSES,
    STORED_REPORT_TYPES,
    TOKEN_LIFETIME_SECONDS,
    TOOLS,
)

_MASK64 = (1 << 64) - 1


def _mix(seed, index):
    """splitmix64: a cheap, well-spread hash so row ``index`` needs no RNG state."""
    z = (seed * 0x9E3779B97F4A7C15 + index * 0xBF58476D1CE4E5B9 + 0x94D049BB133111EB) & _MASK64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK64
    return z ^ (z >> 31)


def _utc_epoch(iso):
    return calendar.timegm(time.strptime(iso, "%Y-%m-%dT%H:%M:%S"))


def iso_ms(epoch):
    """Format an epoch as turboSMTP does: ``2026-01-05T06:31:42.000Z``."""
    whole = int(epoch // 1)
    millis = int(round((epoch - whole) * 1000))
    if millis == 1000:
        whole, millis = whole + 1, 0
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(whole)) + ".%03dZ" % millis


WINDOW_START = _utc_epoch(SEED_WINDOW_START)
WINDOW_END = _utc_epoch(SEED_WINDOW_END)

FIRST_NAMES = ("anna", "marco", "giulia", "luca", "sara", "paolo", "elena", "davide", "chiara",
               "matteo", "laura", "andrea", "francesca", "simone", "irene", "tom", "maria", "john")
LAST_NAMES = ("rossi", "bianchi", "colombo", "ferrari", "esposito", "romano", "ricci", "greco",
              "bruno", "gallo", "conti", "costa", "smith", "jones", "martin", "moretti")
RECIPIENT_DOMAINS = ("example.com", "example.org", "example.net", "acme.example", "globex.example",
                     "initech.example", "hooli.example", "umbrella.example")
SENDERS = ("newsletter@shop.example", "billing@shop.example", "noreply@shop.example",
           "support@shop.example", "ops@example.com")
SUBJECTS = ("Your order has shipped", "Invoice available", "Weekly newsletter",
            "Password reset request", "Welcome aboard!", "Your cart is waiting",
            "Monthly statement", "Event reminder", "Security alert", "Spring sale: 20% off")

# A 100-slot table gives a realistic mix without an RNG per row.
_STATUS_WEIGHTS = (("SUCCESS", 38), ("OPEN", 20), ("CLICK", 10), ("NEW", 4), ("DEFER", 6),
                   ("REPORT", 2), ("FAIL", 12), ("SYSFAIL", 4), ("UNSUB", 4))
_STATUS_TABLE = tuple(STATS_STATUSES.index(name) for name, weight in _STATUS_WEIGHTS
                      for _repeat in range(weight))
_STATUS_ERRORS = {
    "FAIL": ("550 5.1.1 <{rcpt}>: Recipient address rejected: User unknown",
             "552 5.2.2 <{rcpt}>: Mailbox full",
             "554 5.7.1 <{rcpt}>: Relay access denied"),
    "SYSFAIL": ("Connection timed out while talking to mx.{domain}",
                "DNS lookup failed for {domain}: no MX record"),
    "DEFER": ("421 4.7.0 Try again later, closing connection",
              "451 4.7.1 Greylisted, please retry in 5 minutes"),
}
_REPORT_RESPONSES = {
    "hardbounce": ("{ip} does not like recipient. Remote host said: 550 5.1.1 <{email}> : sorry, "
                   "no mailbox here by that name (#5.1.1 - chkuser) Giving up on {ip}.",
                   "550 5.1.1 <{email}>: Recipient address rejected: User unknown in virtual "
                   "mailbox table",
                   "550 5.1.2 Host unknown: domain of <{email}> does not exist"),
    "softbounce": ("452 4.2.2 <{email}>: Mailbox full, try again later",
                   "421 4.7.0 {ip} Temporary System Problem. Try again later",
                   "451 4.3.0 <{email}>: Temporary lookup failure"),
    "spam": ("Complaint received via feedback loop (abuse report from {domain})",
             "Recipient marked the message as spam"),
    "unsub": ("Unsubscribed via List-Unsubscribe link",
              "Unsubscribed via the link in the message footer"),
}


def parse_window(window):
    """(start, end) epochs of a stats window given as two UTC times (end excluded), or None."""
    if window is None:
        return None
    try:
        start_text, end_text = window
        bounds = []
        for text in (start_text, end_text):
            text = str(text).strip().replace(" ", "T")
            bounds.append(_utc_epoch(text if "T" in text else text + "T00:00:00"))
    except (TypeError, ValueError):
        raise ValueError("stats_window: expected [start, end], UTC times such as "
                         "2026-06-24T00:00:00 (or dates), got %r" % (window,)) from None
    if bounds[1] <= bounds[0]:
        raise ValueError("stats_window: end must be after start, got %r" % (window,))
    return tuple(bounds)


class SeededStats:
    """The seeded stats rows, computed on demand; index 0 is the newest row.

    Times are non-increasing and ids strictly decreasing with the index, so
    the natural order already is "sendTime desc, id desc" and a time range is
    a contiguous index range found by binary search.

    With a ``window`` (a volume mailbox: millions of rows in a week), the rows
    are spread over that window instead of the seed's half year, and statuses
    repeat a seeded 100-row pattern: every count, by status or not, is then
    arithmetic on the index range, and nothing is built per row.
    """

    ID_BASE = 4600000000
    # A listing asks for the same range and the same rows page after page; the simulator shares the
    # machine's cores with the client, so what it recomputes shows up in benchmarks as client time.
    CACHED_ROWS = 20000
    CACHED_RANGES = 64

    def __init__(self, seed, count, window=None):
        self.seed = seed
        self.count = max(0, int(count))
        self.window_start, self.window_end = window or (WINDOW_START, WINDOW_END)
        self._span = self.window_end - self.window_start
        self.patterned = window is not None
        self._pattern = None
        if self.patterned:
            pattern = list(_STATUS_TABLE)
            random.Random("status-pattern-%d" % seed).shuffle(pattern)
            self._pattern = tuple(pattern)
        self._status_codes = None  # built on first status-filtered query
        self._cached_row = functools.lru_cache(maxsize=self.CACHED_ROWS)(self._build_row)
        self.index_range = functools.lru_cache(maxsize=self.CACHED_RANGES)(self._index_range)

    def __len__(self):
        return self.count

    def time_of(self, i, h=None):
        n = self.count
        newest = self.window_end - 1 - (i * self._span) // n
        oldest = max(self.window_end - ((i + 1) * self._span) // n, self.window_start)
        if newest <= oldest:
            return newest
        if h is None:
            h = _mix(self.seed, i)
        return oldest + h % (newest - oldest + 1)

    def id_of(self, i, h=None):
        if h is None:
            h = _mix(self.seed, i)
        return self.ID_BASE + (self.count - i) * 3 + (h >> 8) % 3

    def status_code(self, i, h=None):
        if self.patterned:
            return self._pattern[i % len(self._pattern)]
        if h is None:
            h = _mix(self.seed, i)
        return _STATUS_TABLE[(h >> 16) % 100]

    def status_codes(self):
        if self._status_codes is None:
            # Benign race: two threads may both build it; the result is identical.
            self._status_codes = bytes(self.status_code(i) for i in range(self.count))
        return self._status_codes

    def matching(self, lo, hi, statuses):
        """The indices in [lo, hi) of rows with one of ``statuses``: a lazy sequence when patterned."""
        wanted = {STATS_STATUSES.index(s) for s in statuses}
        if self.patterned:
            return PatternIndices(lo, hi, [slot for slot, code in enumerate(self._pattern) if code in wanted],
                                  len(self._pattern))
        codes = self.status_codes()
        return [i for i in range(lo, hi) if codes[i] in wanted]

    def max_id(self):
        return self.id_of(0) if self.count else self.ID_BASE

    def key_of(self, i):
        return (self.time_of(i), self.id_of(i))

    def row(self, i):
        """Row ``i`` as a new dict, which the caller may change."""
        return dict(self._cached_row(i))

    def _build_row(self, i):
        h = _mix(self.seed, i)
        first = FIRST_NAMES[(h >> 20) % len(FIRST_NAMES)]
        last = LAST_NAMES[(h >> 26) % len(LAST_NAMES)]
        domain = RECIPIENT_DOMAINS[(h >> 32) % len(RECIPIENT_DOMAINS)]
        recipient = "%s.%s@%s" % (first, last, domain)
        status = STATS_STATUSES[self.status_code(i, h)]
        error = None
        if status in _STATUS_ERRORS:
            choices = _STATUS_ERRORS[status]
            error = choices[(h >> 40) % len(choices)].format(rcpt=recipient, domain=domain)
        return {
            "id": self.id_of(i, h),
            "subject": SUBJECTS[(h >> 44) % len(SUBJECTS)],
            "sender": SENDERS[(h >> 50) % len(SENDERS)],
            "recipient": recipient,
            "sendTime": iso_ms(self.time_of(i, h)),
            "status": status,
            "error": error,
        }

    def _index_range(self, start, end):
        """Index range [lo, hi) of rows with start <= time < end."""
        return self._first_older_than(end), self._first_older_than(start)

    def _first_older_than(self, bound):
        lo, hi = 0, self.count
        while lo < hi:
            mid = (lo + hi) // 2
            if self.time_of(mid) >= bound:
                lo = mid + 1
            else:
                hi = mid
        return lo


class PatternIndices:
    """The indices i in [lo, hi) with i % period in ``slots``, as a sequence computed, not stored."""

    def __init__(self, lo, hi, slots, period):
        self._slots = sorted(slots)
        self._period = period
        self._first = self._rank(lo)
        self._length = self._rank(hi) - self._first

    def _rank(self, index):
        """How many matching indices are below ``index``."""
        blocks, rest = divmod(index, self._period)
        return blocks * len(self._slots) + bisect.bisect_left(self._slots, rest)

    def __len__(self):
        return self._length

    def __getitem__(self, position):
        if position < 0:
            position += self._length
        if not 0 <= position < self._length:
            raise IndexError(position)
        block, slot = divmod(self._first + position, len(self._slots))
        return block * self._period + self._slots[slot]


class StatsView:
    """Ordered, lazily materialised merge of seeded rows and rows from sends.

    ``indices`` selects seeded rows (a range or list, newest first); ``extra``
    are rows produced by accepted sends (already filtered, newest first).
    Supports len(), indexing, slicing and iteration without building every row.
    """

    def __init__(self, seeded, indices, extra):
        self._seeded = seeded
        self._indices = indices
        self._extra = extra
        # Merged position of each extra row = seeded rows ahead of it + extras ahead of it.
        self._extra_positions = [self._seeded_before(row) + j for j, row in enumerate(extra)]

    def _seeded_before(self, row):
        key = (row["_t"], row["id"])
        lo, hi = 0, len(self._indices)
        while lo < hi:
            mid = (lo + hi) // 2
            if self._seeded.key_of(self._indices[mid]) > key:
                lo = mid + 1
            else:
                hi = mid
        return lo

    def __len__(self):
        return len(self._indices) + len(self._extra)

    def _row_at(self, position):
        extras_before = 0
        for j, extra_position in enumerate(self._extra_positions):
            if extra_position == position:
                return _public(self._extra[j])
            if extra_position < position:
                extras_before += 1
        return self._seeded.row(self._indices[position - extras_before])

    def __getitem__(self, item):
        if isinstance(item, slice):
            return [self._row_at(p) for p in range(*item.indices(len(self)))]
        if item < 0:
            item += len(self)
        if not 0 <= item < len(self):
            raise IndexError(item)
        return self._row_at(item)

    def __iter__(self):
        extra_iter = iter(self._extra_positions)
        next_extra = next(extra_iter, None)
        j = 0
        for position in range(len(self)):
            if position == next_extra:
                yield _public(self._extra[j])
                j += 1
                next_extra = next(extra_iter, None)
            else:
                yield self._seeded.row(self._indices[position - j])


def _public(row):
    return {k: v for k, v in row.items() if not k.startswith("_")}


class World:
    """All simulator state.  Every mutation happens under ``self.lock``."""

    def __init__(self, seed=1, stats_rows=250, reports_per_type=60, subaccounts=5,
                 store=None, token=None, stats_window=None):
        self.seed = int(seed)
        self.lock = threading.RLock()
        self.store = store
        self.clock_offset = 0.0
        self.account = self._make_account()
        self.plans = self._make_plans()
        self.subaccounts = self._make_subaccounts(int(subaccounts))
        self.seeded_stats = SeededStats(self.seed, stats_rows, parse_window(stats_window))
        self.reports = self._make_reports(int(reports_per_type))
        self._report_times = {row["cid"]: _utc_epoch(row["ts"][:19])
                              for rows in self.reports.values() for row in rows}
        self.tools = {"clickTracking": True, "openingTracking": False}
        self.tokens = {}
        self.credits = None
        self.messages = []
        self.last_mid = None  # kept apart from messages so clearing them never reuses a mid
        self.sent_stats = []  # newest last; each row carries its epoch in "_t"
        if store is not None:
            self._load(store)
        if token:
            self.tokens[token] = None

    # -- seed data ---------------------------------------------------------
    def _make_account(self):
        rng = random.Random("account-%d" % self.seed)
        return {
            "passwd": "",
            "active": True,
            "email": EMAIL,
            "gateway": "q1",
            "ip": rng.randint(3000000000, 3400000000),
            "accountid": rng.randint(10000000, 19999999),
            "firstname": "Sim",
            "lastname": "Operator",
            "company": "Example Ops Ltd",
            "country": "IT",
            "timezone": "Europe/Rome",
            "created": iso_ms(WINDOW_START - rng.randint(30, 900) * 86400),
        }

    def _make_plans(self):
        rng = random.Random("plans-%d" % self.seed)
        account_id = self.account["accountid"]
        first_id = rng.randint(1000, 9000)

        def plan(offset, limit, interval, expiration, count, last_used, expired, active):
            return {"id": first_id + offset, "accountID": account_id, "smtp_limit": limit,
                    "smtp_limit_interval": interval, "plan_expiration": expiration,
                    "smtp_count": count, "last_used": last_used, "parentid": None,
                    "expired": expired, "active": active}

        return [
            plan(0, 200, "Daily", "2027-01-04T00:00:00.000Z", rng.randint(0, 150),
                 "2026-06-29T08:58:06.000Z", 0, True),
            plan(1, 100000, "Monthly", "2027-05-03T00:00:00.000Z", rng.randint(0, 90000),
                 "2026-06-30T18:47:16.000Z", 0, True),
            plan(2, 5000, "Monthly", "2025-12-31T00:00:00.000Z", 5000,
                 "2025-12-30T11:02:41.000Z", 1, False),
        ]

    def _make_subaccounts(self, count):
        rng = random.Random("subaccounts-%d" % self.seed)
        rows = []
        for n in range(count):
            rows.append({
                "id": 500 + n * 7 + rng.randint(0, 6),
                "email": "sub%02d@%s" % (n + 1, rng.choice(RECIPIENT_DOMAINS)),
                "active": n % 4 != 3,
                "ip": "199.244.%d.%d" % (rng.randint(0, 255), rng.randint(1, 254)),
                "sent": rng.randint(0, 50000),
                "limit": rng.choice((-1, -1, 1000, 10000)),
                "reputation": rng.randint(1, 5),
            })
        return rows

    def _make_reports(self, per_type):
        rng = random.Random("reports-%d" % self.seed)
        used_cids = set()
        reports = {}
        for report_type in STORED_REPORT_TYPES:
            rows = []
            for _row in range(per_type):
                cid = rng.randint(300000000, 399999999)
                while cid in used_cids:
                    cid = rng.randint(300000000, 399999999)
                used_cids.add(cid)
                domain = rng.choice(RECIPIENT_DOMAINS)
                email = "%s.%s@%s" % (rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES), domain)
                ip = "62.149.%d.%d" % (rng.randint(0, 255), rng.randint(1, 254))
                response = rng.choice(_REPORT_RESPONSES[report_type]).format(
                    email=email, ip=ip, domain=domain)
                ts = rng.randint(WINDOW_START, WINDOW_END - 1)
                rows.append({"cid": cid, "email": email, "ts": iso_ms(ts), "response": response})
            rows.sort(key=lambda r: (r["ts"], r["cid"]), reverse=True)
            reports[report_type] = rows
        return reports

    def _load(self, store):
        self.tools.update(store.get_meta("tools", {}))
        self.credits = store.get_meta("credits", None)
        self.tokens.update(store.load_tokens())
        deleted = store.load_deleted_reports()
        for report_type, rows in self.reports.items():
            self.reports[report_type] = [r for r in rows if r["cid"] not in deleted]
        self.messages = store.load_messages()
        self.last_mid = store.get_meta("last_mid", None)
        self.sent_stats = store.load_sent_stats()
        self.sent_stats.sort(key=lambda r: (r["_t"], r["id"]))

    # -- clock ---------------------------------------------------------------
    def now(self):
        return time.time() + self.clock_offset

    def advance_clock(self, seconds):
        with self.lock:
            self.clock_offset += float(seconds)

    # -- accounts and tokens -------------------------------------------------
    def check_login(self, email, password):
        """Return "ok", "inactive" or "wrong" for an email/password pair."""
        email = (email or "").strip().lower()
        if password != PASSWORD:
            return "wrong"
        if email == EMAIL:
            return "ok"
        if email == INACTIVE_EMAIL:
            return "inactive"
        return "wrong"

    def issue_token(self, no_expire=False):
        token = secrets.token_hex(21)[:41]
        expires = None if no_expire else self.now() + TOKEN_LIFETIME_SECONDS
        with self.lock:
            self.tokens[token] = expires
            if self.store:
                self.store.put_token(token, expires)
        return token

    def token_is_live(self, token):
        with self.lock:
            if token not in self.tokens:
                return False
            expires = self.tokens[token]
        return expires is None or self.now() < expires

    def revoke_token(self, token):
        """Remove a live token; False when it does not exist (or already expired)."""
        with self.lock:
            if not self.token_is_live(token):
                return False
            del self.tokens[token]
            if self.store:
                self.store.delete_token(token)
            return True

    def live_token_count(self):
        with self.lock:
            return sum(1 for t in list(self.tokens) if self.token_is_live(t))

    # -- tools ---------------------------------------------------------------
    def tool(self, name):
        enabled = self.tools[name]
        settings = []
        if name == "clickTracking":
            settings = [{"key": "clicktracking", "value": enabled},
                        {"key": "clicktracking_plaintext", "value": False}]
        return {"id": name, "forced": False, "requiredSettings": [], "enabled": enabled,
                "settings": settings}

    def set_tool(self, name, enabled):
        assert name in TOOLS
        with self.lock:
            self.tools[name] = bool(enabled)
            if self.store:
                self.store.set_meta("tools", self.tools)
            return self.tool(name)

    # -- reports -------------------------------------------------------------
    def _stored_types(self, report_type):
        return ("hardbounce", "softbounce") if report_type == "bounce" else (report_type,)

    def query_reports(self, report_type, start=None, end=None, text=""):
        """Rows of a type, newest first, with start <= ts < end and email containing text."""
        with self.lock:
            rows = [r for t in self._stored_types(report_type) for r in self.reports[t]]
        needle = (text or "").lower()
        selected = []
        for row in rows:
            ts = self._report_times[row["cid"]]
            if start is not None and ts < start:
                continue
            if end is not None and ts >= end:
                continue
            if needle and needle not in row["email"].lower():
                continue
            selected.append(row)
        selected.sort(key=lambda r: (r["ts"], r["cid"]), reverse=True)
        return selected

    def delete_reports(self, report_type, cids=None):
        """Delete the given cids of that type (all rows when cids is None)."""
        with self.lock:
            deleted = []
            for stored_type in self._stored_types(report_type):
                kept = []
                for row in self.reports[stored_type]:
                    if cids is None or row["cid"] in cids:
                        deleted.append(row["cid"])
                    else:
                        kept.append(row)
                self.reports[stored_type] = kept
            if self.store and deleted:
                self.store.add_deleted_reports(deleted)
            return deleted

    # -- stats ---------------------------------------------------------------
    def stats(self, start=None, end=None, statuses=None):
        """StatsView of rows with start <= sendTime < end and status in statuses."""
        seeded = self.seeded_stats
        lo, hi = 0, len(seeded)
        if seeded.count:
            lo, hi = seeded.index_range(seeded.window_start - 1 if start is None else start,
                                        seeded.window_end + 1 if end is None else end)
        indices = range(lo, hi) if statuses is None else seeded.matching(lo, hi, statuses)
        with self.lock:
            extra = [row for row in reversed(self.sent_stats)
                     if (start is None or row["_t"] >= start)
                     and (end is None or row["_t"] < end)
                     and (statuses is None or row["status"] in statuses)]
        return StatsView(seeded, indices, extra)

    # -- sending -------------------------------------------------------------
    def set_credits(self, remaining):
        """Sends left before the account runs out of credits; None for unlimited."""
        with self.lock:
            self.credits = None if remaining is None else int(remaining)
            if self.store:
                self.store.set_meta("credits", self.credits)

    def accept_message(self, message, sender, recipients, subject):
        """Record an accepted send; returns its mid, or None when out of credits."""
        with self.lock:
            if self.credits is not None:
                if self.credits <= 0:
                    return None
                self.credits -= 1
                if self.store:
                    self.store.set_meta("credits", self.credits)
            # Irregular steps, like real mids, but reproducible from the seed.
            mid = FIRST_MID if self.last_mid is None else self.last_mid + 1 + _mix(self.seed, self.last_mid) % 4194304
            self.last_mid = mid
            message = dict(message, mid=str(mid))
            now = self.now()
            next_id = max([self.seeded_stats.max_id()] + [r["id"] for r in self.sent_stats]) + 1
            rows = []
            for offset, recipient in enumerate(recipients):
                rows.append({"id": next_id + offset, "subject": subject or "", "sender": sender,
                             "recipient": recipient, "sendTime": iso_ms(now), "status": "NEW",
                             "error": None, "_t": round(now, 3)})
            self.messages.append(message)
            self.sent_stats.extend(rows)
            if self.store:
                self.store.set_meta("last_mid", mid)
                self.store.add_message(message, rows)
            return mid

    def clear_messages(self):
        with self.lock:
            self.messages = []
            if self.store:
                self.store.clear_messages()

    def summary(self):
        with self.lock:
            return {
                "tracking": dict(self.tools),
                "tokens": self.live_token_count(),
                "stats_rows": len(self.seeded_stats) + len(self.sent_stats),
                "reports": {t: len(self.reports[t]) for t in STORED_REPORT_TYPES},
                "messages": len(self.messages),
            }

    @property
    def stats_rows(self):
        """All stats rows, newest first (a lazy sequence)."""
        return self.stats()
