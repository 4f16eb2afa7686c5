"""One live server for the tests and the benchmarks: mapapp on a free loopback port.

``LiveServer(data_dir, *args)`` runs ``python -m mapapp serve --host 127.0.0.1 --port P
--data-dir D *args`` in a subprocess (``env`` adds variables to this process's environment),
polls ``ready`` until it answers 200, and stops the server when the ``with`` block ends::

    with LiveServer(data_dir, "--threads", "4") as server:
        body = server.get("/api/layers")        # server.url, server.port, server.process

With ``factory=True`` it serves the application factory instead, as
``python -m waitress --call mapapp:create_app`` configured by ``MAPAPP_DATA_DIR``: the app then
reads the data on its first request, not at start (``mapapp serve`` reads it before listening),
so it is ready as soon as ``/ogc/conformance``, which touches no data, answers.

If the server exits, or does not answer within ``timeout`` seconds, ``ServerDidNotStart`` is
raised carrying everything the server wrote. Its stdout and stderr go to one log file (never to a
pipe, which a chatty server could fill and block on): ``log_dir/server-P.log``, kept, if
``log_dir`` is given, else a temporary file removed when the server stops.

Where it lives: in tests/, because it is test tooling that the package must not ship. Pytest
puts tests/ on ``sys.path`` (the rootdir conftest has no ``__init__.py`` beside it), so the
tests write ``from liveserver import LiveServer``; the benchmarks are scripts run as ``python
benchmarks/x.py`` and put tests/ on ``sys.path`` themselves, as bench_geoparse.py does with the
repository root. It uses the standard library only, so the benchmarks need no test dependency;
under pytest an error in a fixture is reported, with the server's output, as a setup error,
just as ``pytest.fail`` was.
"""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

__all__ = ["LiveServer", "ServerDidNotStart", "free_port", "HOST"]

REPO = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
#: Debian's chromium, and the switches every headless run here gives it (tests and benchmarks).
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
FACTORY = "mapapp:create_app"


class ServerDidNotStart(RuntimeError):
    """The server exited or did not answer in time; the message carries all it wrote."""


def free_port() -> int:
    """Return a TCP port that is free on the loopback interface now."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class LiveServer:
    """A mapapp server in a subprocess on ``HOST``; a context manager (see the module docstring).

    ``port`` picks the port (default: a free one) when the caller needs the URL before the
    server starts, e.g. for an environment variable naming it. ``python`` and ``cwd`` run
    another interpreter from another directory (an installed wheel); ``env`` is added to this
    process's environment unless ``inherit_env`` is false.
    """

    def __init__(
        self,
        data_dir: Path | str,
        *args: str,
        env: dict[str, str] | None = None,
        port: int | None = None,
        factory: bool = False,
        ready: str | None = None,
        timeout: float = 30,
        log_dir: Path | None = None,
        python: Path | str | None = None,
        cwd: Path | None = None,
        inherit_env: bool = True,
    ) -> None:
        self.data_dir = Path(data_dir)
        self.args = args
        self.port = port or free_port()
        self.url = f"http://{HOST}:{self.port}"
        self.factory = factory
        self.ready = ready or ("/ogc/conformance" if factory else "/api/layers")
        self.timeout = timeout
        self.env = {**(os.environ if inherit_env else {}), **(env or {})}
        self.python = str(python or sys.executable)
        self.cwd = cwd or REPO
        if factory:
            self.env["MAPAPP_DATA_DIR"] = str(self.data_dir)
        self._keep_log = log_dir is not None
        self.log_path = Path(log_dir) / f"server-{self.port}.log" if log_dir else None
        self.process: subprocess.Popen | None = None

    @property
    def command(self) -> list[str]:
        """Return the command line that starts the server."""
        if self.factory:
            listen = f"--listen={HOST}:{self.port}"
            return [self.python, "-m", "waitress", listen, *self.args, "--call", FACTORY]
        where = ["--host", HOST, "--port", str(self.port), "--data-dir", str(self.data_dir)]
        return [self.python, "-m", "mapapp", "serve", *where, *self.args]

    def start(self) -> LiveServer:
        """Start the server and wait until ``ready`` answers 200; raise if it does not."""
        __tracebackhide__ = True  # pytest shows the caller's line and the server's output
        if self.log_path is None:
            handle, name = tempfile.mkstemp(prefix=f"mapapp-server-{self.port}-", suffix=".log")
            os.close(handle)
            self.log_path = Path(name)
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                self.command, cwd=self.cwd, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + self.timeout
        while not self._answers():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self._terminate()
                output = self.log()
                self.stop()
                what = f"waitress --call {FACTORY}" if self.factory else "mapapp serve"
                raise ServerDidNotStart(f"{what} did not come up on {self.url}:\n{output}")
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        """Stop the server (terminate, then kill after 10 s) and remove a temporary log."""
        self._terminate()
        if not self._keep_log and self.log_path is not None:
            self.log_path.unlink(missing_ok=True)
            self.log_path = None

    def log(self) -> str:
        """Return what the server has written so far (stdout and stderr)."""
        if self.log_path is None or not self.log_path.exists():
            return ""
        return self.log_path.read_text("utf-8", errors="replace")

    def get(self, path: str, timeout: float = 10) -> bytes:
        """Return the body of a GET of ``path`` (raises ``HTTPError`` on an error status)."""
        with urllib.request.urlopen(self.url + path, timeout=timeout) as response:
            return response.read()

    def __enter__(self) -> LiveServer:
        __tracebackhide__ = True
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _answers(self) -> bool:
        try:
            with urllib.request.urlopen(self.url + self.ready, timeout=2) as response:
                return response.status == 200
        except (OSError, http.client.HTTPException):  # refused, reset, an error status: not yet
            return False

    def _terminate(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
