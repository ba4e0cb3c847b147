"""A real Odoo server for the load and fault runs (`make loadtest`, `make faults`).

Started as the README's "Deploying for real" says: multi-process (``--workers``), one cron
worker, the long-polling (gevent) process, PostgreSQL; on loopback only. Unlike the
in-process benches, requests here cross a socket, a prefork worker and its own cursor, and
a worker can be killed like in production.
"""

import configparser
import importlib.util
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[2]
#: The README's sizing: (2 x cores) + 1 HTTP workers.
DEFAULT_WORKERS = 2 * (os.cpu_count() or 1) + 1


def odoo_launcher():
    """How to start Odoo: through a script, never ``python -m odoo``.

    The prefork master starts the long-polling process as ``python sys.argv[0] gevent``;
    with ``-m odoo`` that is ``odoo/__main__.py``, which cannot run as a script (relative
    import): the gevent process would die and be respawned forever.
    """
    script = Path(sys.executable).with_name("odoo")  # the venv's console script
    if script.is_file():
        return [sys.executable, str(script)]
    spec = importlib.util.find_spec("odoo")
    for location in (spec and spec.submodule_search_locations) or ():
        odoo_bin = Path(location).parent / "odoo-bin"  # a source tree
        if odoo_bin.is_file():
            return [sys.executable, str(odoo_bin)]
    return [sys.executable, "-m", "odoo"]


def production_limits():
    """The limit_* options of odoo.conf.example, as command-line flags: the run is sized
    like the deployment the README describes (e.g. the cron worker's time limit, which
    Odoo's own scan of HTML fields for unused snippets needs on a large database)."""
    parser = configparser.ConfigParser(inline_comment_prefixes=(";",))
    parser.read(ROOT / "odoo.conf.example")
    options = parser["options"] if parser.has_section("options") else {}
    return [
        f"--{key.replace('_', '-')}={value}"
        for key, value in options.items()
        if key.startswith("limit_")
    ]


class LiveOdoo:
    """``with LiveOdoo(conf, db, port) as server:`` a multi-process Odoo serving ``db``."""

    def __init__(self, conf, db, port, workers=DEFAULT_WORKERS, cron=1, log=None, extra=()):
        self.conf, self.db, self.port = str(conf), db, int(port)
        self.workers, self.cron = workers, cron
        self.log = Path(log or f"/tmp/odoo-live-{db}-{port}.log")
        self.extra = list(extra)
        self.proc = None

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.port}"

    def command(self):
        return [
            *odoo_launcher(), "-c", self.conf, "-d", self.db,
            f"--db-filter=^{self.db}$", f"--workers={self.workers}",
            f"--max-cron-threads={self.cron}", "--http-interface=127.0.0.1",
            f"--http-port={self.port}", f"--gevent-port={self.port + 1}",
            f"--logfile={self.log}", "--log-level=warn", "--no-database-list",
            *production_limits(),
            *self.extra,
        ]  # fmt: skip

    def start(self, timeout=180):
        self.log.parent.mkdir(parents=True, exist_ok=True)
        self.log.write_text("")
        # Its own process group: stop() ends the master and every worker it forked.
        self.proc = subprocess.Popen(self.command(), cwd=ROOT, start_new_session=True)  # noqa: S603
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"Odoo exited with {self.proc.returncode}; see {self.log}")
            if self.healthy():
                return self
            time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"Odoo did not answer on {self.base_url} in {timeout} s; see {self.log}")

    def healthy(self):
        try:
            with urllib.request.urlopen(f"{self.base_url}/web/health", timeout=5) as response:  # noqa: S310
                return response.status == 200
        except (OSError, urllib.error.URLError):
            return False

    def stop(self, timeout=30):
        if not self.proc or self.proc.poll() is not None:
            return
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # ------------------------------------------------------------------
    def children(self):
        """The master's forked workers (HTTP and cron) and its long-polling process."""
        return psutil.Process(self.proc.pid).children()

    def worker_serving(self, client_port):
        """The worker process holding the connection from our local ``client_port``."""
        for child in self.children():
            try:
                for conn in child.connections(kind="tcp"):  # psutil 5.9 (Odoo 18 pins it)
                    if (
                        conn.laddr
                        and conn.laddr.port == self.port
                        and conn.raddr
                        and conn.raddr.port == client_port
                    ):
                        return child
            except psutil.NoSuchProcess:
                continue
        return None

    def log_errors(self):
        """ERROR/CRITICAL lines Odoo logged (each with its first line only)."""
        lines = self.log.read_text(errors="replace").splitlines() if self.log.exists() else []
        return [line for line in lines if " ERROR " in line or " CRITICAL " in line]
