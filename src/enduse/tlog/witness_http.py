"""The witness over HTTP (stdlib server, loopback by default): POST /add-checkpoint."""

from __future__ import annotations

import contextlib
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from enduse.tlog.witness import MAX_REQUEST_BYTES, Response, Witness

SOCKET_TIMEOUT = 10.0  # seconds a client may take to send its request
MAX_CONCURRENT = 32
BUSY = b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n"


def make_server(witness: Witness, host: str = "127.0.0.1", port: int = 0) -> ThreadingHTTPServer:
    slots = threading.BoundedSemaphore(MAX_CONCURRENT)

    class Handler(BaseHTTPRequestHandler):
        server_version = "enduse-witness"
        protocol_version = "HTTP/1.1"  # keep-alive, as tlog-witness recommends
        timeout = SOCKET_TIMEOUT  # a slow or stalled client is dropped, not waited for

        def handle(self) -> None:
            if not slots.acquire(blocking=False):
                self.close_connection = True
                with contextlib.suppress(OSError):
                    self.wfile.write(BUSY)
                return
            try:
                super().handle()
            except (TimeoutError, ConnectionError):
                pass
            finally:
                slots.release()

        def do_POST(self) -> None:
            if self.path.rstrip("/") != "/add-checkpoint":
                return self._send(Response(404, "not found\n"))
            try:
                length = int(self.headers.get("Content-Length", ""))
            except ValueError:
                return self._send(Response(411, "Content-Length required\n"))
            if not 0 <= length <= MAX_REQUEST_BYTES:
                return self._send(Response(413, f"at most {MAX_REQUEST_BYTES} bytes\n"))
            body = self.rfile.read(length)
            try:
                response = witness.add_checkpoint(body)
            except Exception as e:  # a witness must answer, whatever it was sent
                response = Response(500, f"internal error: {type(e).__name__}\n")
            self._send(response)

        def do_GET(self) -> None:
            self._send(Response(405, "use POST /add-checkpoint\n"))

        def _send(self, response: Response) -> None:
            data = response.body.encode("utf-8")
            self.send_response(response.status)
            self.send_header("Content-Type", response.content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: object) -> None:  # quiet unless asked
            return

    return ThreadingHTTPServer((host, port), Handler)
