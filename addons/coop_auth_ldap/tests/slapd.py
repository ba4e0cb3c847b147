"""A throwaway OpenLDAP server for the tests: Debian's ``slapd`` on a loopback port.

Like `make test` prepares PostgreSQL, the LDAP tests start a real directory of their own:
a generated ``slapd.conf`` in a temporary directory (mdb backend, the ppolicy overlay a real
deployment uses to lock accounts), seeded with ``ldapadd``, stopped and removed afterwards.
A missing ``slapd`` is an error, never a skip: the suite forbids skips.
"""

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

import ldap

BASE_DN = "dc=coop,dc=test"
ROOT_DN = f"cn=admin,{BASE_DN}"
ROOT_PW = "admin-secret"
# The account Odoo binds with to look people up (read-only in a real directory).
SERVICE_DN = f"cn=odoo,ou=services,{BASE_DN}"
SERVICE_PW = "odoo-secret"
# Where slapd and its modules live on Debian (package slapd).
SLAPD_CANDIDATES = ("/usr/sbin/slapd", "/usr/local/sbin/slapd")
MODULE_PATHS = (
    "/usr/lib/ldap",
    "/usr/lib/x86_64-linux-gnu/ldap",
    "/usr/lib/aarch64-linux-gnu/ldap",
)
SCHEMA_DIR = "/etc/ldap/schema"

SLAPD_CONF = """\
include {schema}/core.schema
include {schema}/cosine.schema
include {schema}/inetorgperson.schema
modulepath {modules}
moduleload back_mdb
moduleload ppolicy
pidfile {tmp}/slapd.pid
argsfile {tmp}/slapd.args

database mdb
maxsize 16777216
suffix "{base}"
rootdn "{rootdn}"
rootpw {rootpw}
directory {tmp}/db
# ppolicy: an administrator disables an account with pwdAccountLockedTime (000001010000Z
# locks it for good); binds of a locked account fail with invalidCredentials.
overlay ppolicy
ppolicy_default "cn=default,ou=policies,{base}"
ppolicy_use_lockout
access to attrs=userPassword
    by self write
    by anonymous auth
    by * none
access to *
    by dn.exact="{service}" read
    by self read
    by * none
"""

BASE_LDIF = """\
dn: {base}
objectClass: dcObject
objectClass: organization
o: Coop test directory
dc: coop

dn: ou=people,{base}
objectClass: organizationalUnit
ou: people

dn: ou=services,{base}
objectClass: organizationalUnit
ou: services

dn: ou=policies,{base}
objectClass: organizationalUnit
ou: policies

dn: cn=default,ou=policies,{base}
objectClass: top
objectClass: device
objectClass: pwdPolicy
cn: default
pwdAttribute: userPassword
pwdLockout: TRUE
pwdMaxFailure: 0

dn: {service}
objectClass: organizationalRole
objectClass: simpleSecurityObject
cn: odoo
userPassword: {service_pw}
"""


def find_slapd():
    """Path of slapd, or an error saying how to install it."""
    for path in (shutil.which("slapd"), *SLAPD_CANDIDATES):
        if path and os.access(path, os.X_OK):
            return path
    raise RuntimeError(
        "slapd (OpenLDAP server) is missing: the LDAP tests need a real directory. "
        "Install Debian's slapd and ldap-utils (make deps, or "
        "apt-get install slapd ldap-utils)."
    )


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Slapd:
    """One slapd process with a fresh directory; ``start()`` then ``stop()``."""

    def __init__(self):
        self.tmp = None
        self.port = None
        self.process = None

    @property
    def uri(self):
        return f"ldap://127.0.0.1:{self.port}"

    def start(self):
        slapd = find_slapd()
        if not shutil.which("ldapadd"):
            raise RuntimeError("ldapadd is missing: install Debian's ldap-utils (make deps).")
        modules = next((p for p in MODULE_PATHS if os.path.exists(f"{p}/back_mdb.la")), None)
        if not modules:
            raise RuntimeError(f"slapd's back_mdb module is not in any of {MODULE_PATHS}.")
        self.tmp = tempfile.mkdtemp(prefix="coop-slapd-")
        os.mkdir(f"{self.tmp}/db")
        conf = f"{self.tmp}/slapd.conf"
        with open(conf, "w", encoding="utf-8") as f:
            f.write(
                SLAPD_CONF.format(
                    schema=SCHEMA_DIR,
                    modules=modules,
                    tmp=self.tmp,
                    base=BASE_DN,
                    rootdn=ROOT_DN,
                    rootpw=ROOT_PW,
                    service=SERVICE_DN,
                )
            )
        self.port = _free_port()
        # -d 0: stay in the foreground (our child, stopped by us), log nothing.
        self.process = subprocess.Popen(  # noqa: S603
            [slapd, "-d", "0", "-h", self.uri, "-f", conf],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 15
        while True:
            if self.process.poll() is not None:
                err = self.process.stderr.read().decode(errors="replace")
                self.stop()
                raise RuntimeError(f"slapd did not start: {err}")
            try:
                conn = ldap.initialize(self.uri)
                conn.simple_bind_s(ROOT_DN, ROOT_PW)
                conn.unbind_s()
                break
            except ldap.SERVER_DOWN:
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError("slapd did not answer within 15 seconds") from None
                time.sleep(0.05)
        self.add(BASE_LDIF.format(base=BASE_DN, service=SERVICE_DN, service_pw=SERVICE_PW))
        return self

    def add(self, ldif):
        """Load LDIF entries with ldapadd, as a directory administrator would."""
        subprocess.run(  # noqa: S603
            ["ldapadd", "-x", "-H", self.uri, "-D", ROOT_DN, "-w", ROOT_PW],
            input=ldif.encode(),
            check=True,
            capture_output=True,
        )

    def modify(self, ldif):
        subprocess.run(  # noqa: S603
            ["ldapmodify", "-x", "-H", self.uri, "-D", ROOT_DN, "-w", ROOT_PW],
            input=ldif.encode(),
            check=True,
            capture_output=True,
        )

    def add_person(self, uid, name, email, password, ou="people"):
        surname = name.split()[-1]
        self.add(
            f"dn: uid={uid},ou={ou},{BASE_DN}\n"
            "objectClass: inetOrgPerson\n"
            f"uid: {uid}\ncn: {name}\nsn: {surname}\nmail: {email}\n"
            f"userPassword: {password}\n"
        )
        return f"uid={uid},ou={ou},{BASE_DN}"

    def lock(self, dn):
        """Disable an account the OpenLDAP way: ppolicy's pwdAccountLockedTime."""
        self.modify(
            f"dn: {dn}\nchangetype: modify\nadd: pwdAccountLockedTime\n"
            "pwdAccountLockedTime: 000001010000Z\n"
        )

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process and self.process.stderr:
            self.process.stderr.close()
        self.process = None
        if self.tmp:
            shutil.rmtree(self.tmp, ignore_errors=True)
            self.tmp = None
