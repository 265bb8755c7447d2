"""A relay in front of the simulator for the tests: an HTTP proxy (it is sent absolute URLs) or a TLS
endpoint, which forwards every request to the simulator and records the request line it was sent."""

import http.client
import ssl
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Relay(ThreadingHTTPServer):
    """Forwards every request to the simulator and records its request line (a proxy sees absolute URLs)."""

    daemon_threads = True

    def __init__(self, upstream, certificate=None):
        super().__init__(('127.0.0.1', 0), _RelayHandler)
        self.upstream = urllib.parse.urlsplit(upstream).netloc
        self.seen = []
        if certificate:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(*certificate)
            self.socket = context.wrap_socket(self.socket, server_side=True)
        self.scheme = 'https' if certificate else 'http'
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self):
        return '%s://127.0.0.1:%d' % (self.scheme, self.server_address[1])

    def stop(self):
        self.shutdown()
        self.server_close()


class _RelayHandler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def forward(self):
        self.server.seen.append(self.path)
        target = urllib.parse.urlsplit(self.path)
        body = self.rfile.read(int(self.headers.get('Content-Length') or 0))
        headers = dict((name, value) for name, value in self.headers.items() if name.lower() not in ('host', 'proxy-connection'))
        upstream = http.client.HTTPConnection(self.server.upstream, timeout=5)
        try:
            upstream.request(self.command, target.path + ('?' + target.query if target.query else ''), body=body, headers=headers)
            answer = upstream.getresponse()
            answer_body = answer.read()
        finally:
            upstream.close()
        self.send_response(answer.status)
        self.send_header('Content-Type', answer.getheader('Content-Type', 'application/json'))
        self.send_header('Content-Length', str(len(answer_body)))
        self.end_headers()
        self.wfile.write(answer_body)

    do_GET = do_POST = forward  # http.server calls do_<METHOD>

    def log_message(self, *args):
        pass
