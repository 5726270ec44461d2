"""A small HTTP server on 127.0.0.1 for the tests of outgoing calls: replies are scripted."""

import json
import logging
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

_logger = logging.getLogger(__name__)


class StubServer:
    """Serves ``replies[path] = (status, body, delay)``, or a list of them answered in turn (the
    last one repeats); records each request's path, headers and JSON body (POST). A callable
    body writes the reply itself, given the output stream (a server trickling, say).

    Use as a context manager; ``url`` is its base address.
    """

    def __init__(self):
        self.replies = {}
        self.requests = []
        self.posted = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                path = self.path.split("?")[0]
                stub.requests.append((self.path, dict(self.headers)))
                self._reply(path)

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                stub.posted.append(json.loads(self.rfile.read(length) or b"null"))
                self.do_GET()

            def _reply(self, path):
                reply = stub.replies.get(path, (404, {"error": "unknown"}, 0))
                if isinstance(reply, list):
                    reply = reply.pop(0) if len(reply) > 1 else reply[0]
                status, body, delay = reply
                time.sleep(delay)
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.end_headers()
                    if callable(body):
                        body(self.wfile)
                    else:
                        self.wfile.write(
                            body if isinstance(body, bytes) else json.dumps(body).encode()
                        )
                except (BrokenPipeError, ConnectionResetError):
                    _logger.info("stub: %s left before its reply (timeout test)", self.path)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
