"""Injected failures: a queue of rules consumed by matching API requests."""

import threading

FAULT_KINDS = ("status", "html", "malformed", "drop", "hang", "body")
FAULT_WHEN = ("before", "after")


class FaultError(ValueError):
    """Raised for an invalid fault definition (reported as 400 by the control API)."""


class Fault:
    def __init__(self, kind, count=1, method=None, path=None, status=None, retry_after=None,
                 seconds=None, when="before", body=None, content_type=None):
        if kind not in FAULT_KINDS:
            raise FaultError("kind must be one of %s" % ", ".join(FAULT_KINDS))
        if when is None:
            when = "before"
        if when not in FAULT_WHEN:
            raise FaultError("when must be 'before' or 'after'")
        try:
            count = 1 if count is None else int(count)
            status = None if status is None else int(status)
            seconds = None if seconds is None else float(seconds)
        except (TypeError, ValueError):
            raise FaultError("count, status and seconds must be numbers") from None
        if count < 1:
            raise FaultError("count must be at least 1")
        if status is None:
            status = {"html": 502, "body": 200}.get(kind, 500)
        if kind == "body" and body is None:
            raise FaultError("a body fault needs a body: any JSON value, or a string sent as it is")
        if content_type is not None and not isinstance(content_type, str):
            raise FaultError("content_type must be a string")
        if not 100 <= status <= 599:
            raise FaultError("status must be an HTTP status code")
        self.kind = kind
        self.count = count
        self.method = method.upper() if method else None
        self.path = path or None
        self.status = status
        self.retry_after = retry_after
        self.seconds = 30.0 if seconds is None else seconds
        self.when = when
        # kind "body": an odd but well-formed answer (an error object under 200, JSON on a CSV path...).
        self.body = body
        self.content_type = content_type

    @property
    def answer_status(self):
        """The status the client will see, or None when no answer is sent."""
        if self.kind in ("drop", "hang"):
            return None
        return 200 if self.kind == "malformed" else self.status

    def matches(self, method, path):
        if self.method and self.method != method.upper():
            return False
        if self.path and self.path.endswith("$"):
            return path == self.path[:-1]
        return not self.path or path.startswith(self.path)

    def to_dict(self):
        return {"kind": self.kind, "count": self.count, "method": self.method, "path": self.path,
                "status": self.status, "retry_after": self.retry_after,
                "seconds": self.seconds, "when": self.when, "body": self.body,
                "content_type": self.content_type}


class FaultQueue:
    def __init__(self):
        self._lock = threading.Lock()
        self._faults = []

    def add(self, fault):
        with self._lock:
            self._faults.append(fault)
        return fault

    def clear(self):
        with self._lock:
            self._faults = []

    def list(self):
        with self._lock:
            return [f.to_dict() for f in self._faults]

    def take(self, method, path):
        """Consume one use of the first matching fault (oldest first) and return it."""
        with self._lock:
            for fault in self._faults:
                if fault.matches(method, path):
                    fault.count -= 1
                    if fault.count == 0:
                        self._faults.remove(fault)
                    return fault
        return None
