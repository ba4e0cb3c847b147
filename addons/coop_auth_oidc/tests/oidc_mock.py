"""A local OpenID Connect provider for the tests: PyPI's ``oidc-provider-mock`` on loopback.

It runs from its own venv (``make oidc_venv``: Flask 3.1 needs a newer Werkzeug than Odoo),
as a subprocess on a free port, started and stopped by the tests. Missing, it is an error
with the command that installs it, never a skip.
"""

import json
import os
import socket
import subprocess
import tempfile
import time
import urllib.request

# <repository>/addons/coop_auth_oidc/tests/oidc_mock.py -> <repository>
ROOT = os.path.dirname(
    os.path.dirname(os.path.dirname(os.path.dirname(os.path.realpath(__file__))))
)


def find_mock():
    path = os.environ.get("COOP_OIDC_MOCK") or os.path.join(
        ROOT, ".venv-oidc", "bin", "oidc-provider-mock"
    )
    if not os.access(path, os.X_OK):
        raise RuntimeError(
            f"oidc-provider-mock is missing ({path}): the OpenID Connect tests need it. "
            "Run `make oidc_venv` (make test does), or set COOP_OIDC_MOCK to its path."
        )
    return path


class OidcProvider:
    """oidc-provider-mock with predefined users (``sub`` and claims)."""

    def __init__(self, users):
        self.users = users
        self.port = None
        self.process = None
        self.log = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        mock = find_mock()
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        args = [mock, "--host", "127.0.0.1", "--port", str(self.port), "--require-nonce"]
        for user in self.users:
            args += ["--user-claims", json.dumps(user)]
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 - closed by stop()
        self.process = subprocess.Popen(  # noqa: S603
            args, stdin=subprocess.DEVNULL, stdout=self.log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + 20
        while True:
            if self.process.poll() is not None:
                self.log.seek(0)
                output = self.log.read().decode(errors="replace")
                self.stop()
                raise RuntimeError(f"oidc-provider-mock did not start: {output}")
            try:
                with urllib.request.urlopen(  # noqa: S310
                    f"{self.url}/.well-known/openid-configuration", timeout=2
                ) as response:
                    self.config = json.load(response)
                break
            except OSError:
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError("oidc-provider-mock did not answer within 20 s") from None
                time.sleep(0.1)
        return self

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
        if self.log:
            self.log.close()
            self.log = None
