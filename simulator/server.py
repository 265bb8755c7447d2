"""HTTP plumbing: the threaded server, fault delivery, the /_sim/ control API
and the ``Simulator`` object that ties them together."""

import json
import socket
import sys
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from .api import INVALID_JSON, Api, Request, json_response, parse_json
from .constants import MAX_SEND_BYTES
from .faults import Fault, FaultError, FaultQueue
from .store import Store
from .world import World, parse_window

# reset()'s "leave it as it is", where None already means "the seed's own window".
KEEP = object()

_FAULT_BODIES = {429: {"errorCode": 0, "message": "Too many requests"}}
_SERVER_ERROR = {"errorCode": 5, "message": "Server system error"}
_HTML_PAGE = ("<html><head><title>{status} {reason}</title></head><body>"
              "<center><h1>{status} {reason}</h1></center><hr><center>nginx</center>"
              "</body></html>\n")
_MALFORMED_BODY = b'{"message": "OK", "data": [{"id": 46128'
# A body larger than this is drained in pieces rather than held in memory.
_DRAIN_CHUNK = 1024 * 1024


def _sleep_until(moment):
    remaining = moment - time.monotonic()
    if remaining > 0:
        time.sleep(remaining)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # bursts of concurrent clients must not be refused

    def __init__(self, address, simulator):
        self.simulator = simulator
        self.open_connections = set()
        self.connections_lock = threading.Lock()
        ThreadingHTTPServer.__init__(self, address, _Handler)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive and chunked CSV streaming
    # Headers and body go out in separate writes; with Nagle's algorithm on, the client's
    # delayed ACK would hold every kept-alive response back by about 40 ms.
    disable_nagle_algorithm = True
    server_version = "turboSMTP-simulator/1.0"

    # -- connection bookkeeping: stop() must be able to close idle keep-alives --
    def setup(self):
        BaseHTTPRequestHandler.setup(self)
        with self.server.connections_lock:
            self.server.open_connections.add(self.connection)

    def finish(self):
        try:
            BaseHTTPRequestHandler.finish(self)
        finally:
            with self.server.connections_lock:
                self.server.open_connections.discard(self.connection)

    def log_message(self, fmt, *args):
        if not self.server.simulator.quiet:
            sys.stderr.write("%s - %s\n" % (self.address_string(), fmt % args))

    def do_GET(self):
        self._dispatch()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = do_GET

    # -- request handling ----------------------------------------------------------
    def _dispatch(self):
        sim = self.server.simulator
        parts = urlsplit(self.path)
        path = parts.path or "/"
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        body, size, too_large = self._read_body()
        if body is None and not too_large and size < 0:
            return  # unreadable body: the connection is already closed
        if path == "/_sim" or path.startswith("/_sim/"):
            self._write(sim.control.handle(self.command, path, query, body))
            return
        request = Request(self.command, path, query, self.headers, body, too_large)
        record = sim.log_request(self, path, query, request.json, size)
        # The latency is the whole round trip as the client sees it: half of it before the request
        # takes effect, and the answer leaves when it is over, however long the handling took.
        answer_time = time.monotonic() + sim.latency_ms / 1000.0
        if sim.latency_ms:
            time.sleep(sim.latency_ms / 2000.0)
        fault = sim.faults.take(self.command, path)
        # The record is complete before the client can read the answer and look at the log.
        if fault is not None and fault.when == "before":
            record["status"] = fault.answer_status
            _sleep_until(answer_time)
            self._deliver_fault(fault)
            return
        try:
            response = sim.api.handle(request)
        except Exception:  # a simulator bug must look like a server error, not a hang
            traceback.print_exc()
            response = json_response(500, _SERVER_ERROR)
        _sleep_until(answer_time)
        if fault is not None:
            # "after": the request took effect; the client just never learns it.
            record["status"] = fault.answer_status
            self._deliver_fault(fault)
            return
        record["status"] = response.status
        self._write(response)

    def _read_body(self):
        """(body bytes or None, size, too_large); size -1 means the read failed."""
        length = self.headers.get("Content-Length")
        if not length:
            return None, 0, False
        try:
            length = int(length)
        except ValueError:
            self.close_connection = True
            return None, -1, False
        try:
            if length > MAX_SEND_BYTES:
                # Drain without keeping it, so the client still gets its 413.
                remaining = length
                while remaining > 0:
                    chunk = self.rfile.read(min(_DRAIN_CHUNK, remaining))
                    if not chunk:
                        break
                    remaining -= len(chunk)
                return None, length - remaining, True
            body = self.rfile.read(length)
        except (OSError, ValueError):
            self.close_connection = True
            return None, -1, False
        return body, len(body), False

    def _deliver_fault(self, fault):
        """Send (or withhold) the faulty answer."""
        if fault.kind == "drop":
            self._abort_connection()
        elif fault.kind == "hang":
            self.server.simulator.stopping.wait(fault.seconds)
            self._abort_connection()
        elif fault.kind == "malformed":
            self._write_bytes(200, "application/json; charset=utf-8", _MALFORMED_BODY, {})
        elif fault.kind == "body":
            if isinstance(fault.body, str):
                payload, default_type = fault.body.encode("utf-8"), "text/plain; charset=utf-8"
            else:
                payload, default_type = json.dumps(fault.body).encode("utf-8"), "application/json; charset=utf-8"
            self._write_bytes(fault.status, fault.content_type or default_type, payload, {})
        elif fault.kind == "html":
            reason = self.responses.get(fault.status, ("Error",))[0]
            page = _HTML_PAGE.format(status=fault.status, reason=reason).encode("utf-8")
            self._write_bytes(fault.status, "text/html", page, {})
        else:
            headers = {}
            if fault.retry_after is not None:
                headers["Retry-After"] = str(fault.retry_after)
            self._write(json_response(fault.status, _FAULT_BODIES.get(fault.status, _SERVER_ERROR),
                                      headers=headers))

    def _abort_connection(self):
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    # -- response writing ------------------------------------------------------------
    def _write(self, response):
        if response.chunks is None:
            self._write_bytes(response.status, response.content_type, response.body,
                              response.headers)
            return
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Transfer-Encoding", "chunked")
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command == "HEAD":
            return
        try:
            for chunk in response.chunks:
                if chunk:
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            self.wfile.write(b"0\r\n\r\n")
        except OSError:
            self.close_connection = True

    def _write_bytes(self, status, content_type, body, headers):
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
        except OSError:
            self.close_connection = True


class _Control:
    """The /_sim/ control API: JSON in, JSON out, no auth, never logged or faulted."""

    def __init__(self, simulator):
        self.sim = simulator

    def handle(self, method, path, query, body):
        payload = parse_json(body)
        if payload is INVALID_JSON or (payload is not None and not isinstance(payload, dict)):
            return json_response(400, {"error": "body must be a JSON object"})
        payload = payload or {}
        route = (method, path.rstrip("/"))
        try:
            return self._route(route, query, payload)
        except (FaultError, TypeError, ValueError) as error:
            return json_response(400, {"error": str(error)})

    def _route(self, route, query, payload):
        handler = self._ROUTES.get(route)
        if handler is None:
            return json_response(404, {"errorCode": 4, "message": "Resource not found"})
        return handler(self, query, payload)

    def _health(self, query, payload):
        return json_response(200, {"ok": True})

    def _state(self, query, payload):
        return json_response(200, self.sim.world.summary())

    def _list_requests(self, query, payload):
        return json_response(200, self.sim.requests(query.get("path"), query.get("method")))

    def _clear_requests(self, query, payload):
        self.sim.clear_requests()
        return json_response(200, {"ok": True})

    def _list_messages(self, query, payload):
        return json_response(200, self.sim.messages())

    def _clear_messages(self, query, payload):
        self.sim.world.clear_messages()
        return json_response(200, {"ok": True})

    def _reset(self, query, payload):
        window = {"stats_window": payload["stats_window"]} if "stats_window" in payload else {}
        self.sim.reset(**{k: payload.get(k) for k in
                          ("seed", "stats_rows", "reports_per_type", "subaccounts")}, **window)
        return json_response(200, {"ok": True})

    def _set_latency(self, query, payload):
        self.sim.set_latency(payload.get("ms", 0))
        return json_response(200, {"ok": True, "ms": self.sim.latency_ms})

    def _list_faults(self, query, payload):
        return json_response(200, self.sim.faults.list())

    def _add_fault(self, query, payload):
        fault = self.sim.add_fault(**{k: payload.get(k) for k in (
            "kind", "count", "method", "path", "status", "retry_after", "seconds", "when", "body",
            "content_type")})
        return json_response(201, fault.to_dict())

    def _clear_faults(self, query, payload):
        self.sim.clear_faults()
        return json_response(200, {"ok": True})

    def _advance_clock(self, query, payload):
        self.sim.advance_clock(float(payload.get("advance", 0)))
        return json_response(200, {"ok": True, "offset": self.sim.world.clock_offset})

    def _set_credits(self, query, payload):
        self.sim.set_credits(payload.get("credits"))
        return json_response(200, {"ok": True, "credits": self.sim.world.credits})

    # (method, path without trailing slash) -> handler(self, query, payload)
    _ROUTES = {
        ("GET", "/_sim/health"): _health,
        ("GET", "/_sim/state"): _state,
        ("GET", "/_sim/requests"): _list_requests,
        ("DELETE", "/_sim/requests"): _clear_requests,
        ("GET", "/_sim/messages"): _list_messages,
        ("DELETE", "/_sim/messages"): _clear_messages,
        ("POST", "/_sim/reset"): _reset,
        ("POST", "/_sim/latency"): _set_latency,
        ("GET", "/_sim/faults"): _list_faults,
        ("POST", "/_sim/faults"): _add_fault,
        ("DELETE", "/_sim/faults"): _clear_faults,
        ("POST", "/_sim/clock"): _advance_clock,
        ("POST", "/_sim/credits"): _set_credits,
    }


class Simulator:
    """A running (or ready to run) turboSMTP simulator; see simulator/README.md."""

    def __init__(self, host="127.0.0.1", port=0, seed=1, stats_rows=250, reports_per_type=60,
                 subaccounts=5, latency_ms=0, db_path=None, token=None, quiet=True, stats_window=None):
        self.host = host
        self.port = port
        self.quiet = quiet
        self.token = token
        self.db_path = db_path
        self.store = Store(db_path) if db_path else None
        self._sizes = {"seed": seed, "stats_rows": stats_rows,
                       "reports_per_type": reports_per_type, "subaccounts": subaccounts}
        parse_window(stats_window)
        self.stats_window = stats_window
        self.world = World(store=self.store, token=token, stats_window=stats_window, **self._sizes)
        self.latency_ms = max(0, int(latency_ms or 0))
        self.faults = FaultQueue()
        self.api = Api(self)
        self.control = _Control(self)
        self.stopping = threading.Event()
        self._log_lock = threading.Lock()
        self._requests = []
        self._server = None
        self._thread = None

    # -- lifecycle ---------------------------------------------------------------------
    def start(self):
        self._server = _Server((self.host, self.port), self)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,),
                                        name="turbosmtp-simulator", daemon=True)
        self._thread.start()
        return self

    def stop(self):
        self.stopping.set()  # wakes handlers sleeping in a "hang" fault
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            with self._server.connections_lock:
                for connection in list(self._server.open_connections):
                    try:
                        connection.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass
            self._thread.join(timeout=5)
            self._server = None
        if self.store is not None:
            with self.world.lock:
                self.store.close()
            self.store = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

    @property
    def url(self):
        host = self.host
        if ":" in host:
            host = "[%s]" % host
        return "http://%s:%d" % (host, self.port)

    # -- state control -------------------------------------------------------------------
    def reset(self, seed=None, stats_rows=None, reports_per_type=None, subaccounts=None, stats_window=KEEP):
        """A fresh world; sizes left as None, and the stats window left out, keep their current value."""
        if stats_window is not KEEP:
            parse_window(stats_window)
            self.stats_window = stats_window
        requested = {"seed": seed, "stats_rows": stats_rows,
                     "reports_per_type": reports_per_type, "subaccounts": subaccounts}
        for name, value in requested.items():
            if value is not None:
                self._sizes[name] = int(value)
        with self.world.lock:
            if self.store is not None:
                self.store.clear()
            self.world = World(store=self.store, token=self.token, stats_window=self.stats_window, **self._sizes)
        self.clear_requests()
        self.clear_faults()
        self.set_latency(0)

    def set_latency(self, ms):
        self.latency_ms = max(0, int(ms or 0))

    def advance_clock(self, seconds):
        self.world.advance_clock(seconds)

    def set_credits(self, remaining):
        self.world.set_credits(remaining)

    def add_fault(self, kind, count=1, method=None, path=None, status=None, retry_after=None,
                  seconds=None, when="before", body=None, content_type=None):
        return self.faults.add(Fault(kind, count, method, path, status, retry_after, seconds,
                                     when, body, content_type))

    def clear_faults(self):
        self.faults.clear()

    # -- observation ----------------------------------------------------------------------
    def log_request(self, handler, path, query, parsed_json, size):
        record = {
            "method": handler.command,
            "path": path,
            "query": query,
            "headers": dict(handler.headers.items()),
            "json": None if parsed_json is INVALID_JSON else parsed_json,
            "body_size": max(size, 0),
            "status": None,
            "time": time.time(),
        }
        with self._log_lock:
            self._requests.append(record)
        return record

    def requests(self, path=None, method=None):
        with self._log_lock:
            records = list(self._requests)
        return [dict(r) for r in records
                if (path is None or r["path"].startswith(path))
                and (method is None or r["method"] == method.upper())]

    def clear_requests(self):
        with self._log_lock:
            self._requests = []

    def messages(self):
        with self.world.lock:
            return list(self.world.messages)
