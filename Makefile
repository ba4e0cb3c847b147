# Coop suite — developer entry points.  `make help` lists the targets.
#
#   make run     install what is missing, create the demo database once, serve Odoo
#   make test    throwaway database, install every coop module with demo data, pytest-odoo
#   make lint    ruff + ruff format --check + pylint-odoo + OCA's module and .po checks
#   make bench   fresh database without demo data, run tests/bench/bench_*.py
#   make backup  pg_dump -Fc of DB + its filestore, with checksums; make restore into a new DB
#
# Everything (Python venv, Odoo, PostgreSQL, Debian packages) is checked on every call and
# only done when missing, so a second call is quick.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.ONESHELL:
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

# ---- knobs (override on the command line: make run DB=x PORT=8070) ------------------------
# Generic names are taken from the command line only, never from a same-named environment
# variable that some other tool set (CI images often export PORT or PYTHON).
$(foreach v,DB PORT HOST TEST_PORT PYTHON ADDONS_DIR MODULES BACKUP TARGET FORCE,$(if $(filter environment,$(origin $(v))),$(eval undefine $(v))))
DB         ?= coop_demo
PORT       ?= 8069
# make run listens on loopback only; HOST=0.0.0.0 opens it to the network (README).
HOST       ?= 127.0.0.1
TEST_PORT  ?= 8079
BENCH_DB   ?= coop_bench
BENCH      ?=
FAULTS_DB  ?= coop_faults
FAULTS_PORT ?= 8290
LOAD_DB    ?= coop_load
LOAD_PORT  ?= 8369
LOAD_TIME  ?= 180
LOAD_VOTE_USERS ?= 24
LOAD_REBUILD ?=
SCALE      ?= 1.0
ODOO_SRC   ?=
PYTHON     ?=
ADDONS_DIR ?= $(CURDIR)/addons
ODOO_TARBALL_URL ?= https://nightly.odoo.com/18.0/nightly/src/odoo_18.0.latest.tar.gz
PYTEST_ARGS ?=
# make test runs pytest in this many processes (pytest-xdist), each on its own copy of the
# test database (pytest-odoo makes <db>-gw0, <db>-gw1...); the tests of one file stay together.
TEST_WORKERS ?= 2
ALLOW_WARNINGS ?=
BACKUP_DIR ?= $(CURDIR)/backups
BACKUP     ?=
TARGET     ?=
FORCE      ?=

VENV       := $(CURDIR)/.venv
PY         := $(VENV)/bin/python
VENV_STAMP := $(VENV)/.requirements.stamp
LOAD_VENV  := $(CURDIR)/.venv-load
# The OpenID Connect provider of the coop_auth_oidc tests (requirements-oidc.txt): Flask 3.1
# needs a newer Werkzeug than Odoo's, so it lives in its own venv.
OIDC_VENV  := $(CURDIR)/.venv-oidc
ODOO_DIR   := $(CURDIR)/.odoo
DATA_DIR   := $(ODOO_DIR)/data
# OCA addons from PyPI (requirements-oca.txt), unpacked here and put on the addons path.
# Not pip-installed: a wheel's odoo/addons/ folder in site-packages would shadow the
# editable Odoo (import odoo then finds an empty namespace package).
OCA_DIR    := $(ODOO_DIR)/oca
RUN_CONF   := $(CURDIR)/.odoo.conf
MASTER_PASSWD := $(ODOO_DIR)/master_password
TEST_CONF  := $(CURDIR)/.odoo-test.conf
HOME_DIR   := $(or $(HOME),$(shell getent passwd "$$(id -u)" | cut -d: -f6))
DB_USER    := $(shell id -un)
IS_ROOT    := $(shell [ "$$(id -u)" = 0 ] && echo 1)

# Installable coop_* modules of ADDONS_DIR, comma separated. Odoo orders them by `depends`.
MODULES ?= $(shell for m in $(ADDONS_DIR)/coop_*/__manifest__.py; do [ -f "$$m" ] || continue; \
	grep -Eq "[\"']installable[\"'][[:space:]]*:[[:space:]]*False" "$$m" && continue; \
	basename "$$(dirname "$$m")"; done | paste -sd, -)
# Odoo modules installed next to the coop ones by make run/test/upgrade/bench/faults, never a
# dependency of ours: payment_demo is Odoo's demo payment provider (the tests pay shares and
# donations with it; make run shows paying online with it, in test mode).
EXTRA_MODULES ?= payment_demo
comma := ,
EXTRA_I = $(if $(strip $(EXTRA_MODULES)),$(comma)$(subst $() ,$(comma),$(strip $(EXTRA_MODULES))))

# slapd + ldap-utils: the LDAP tests start a throwaway OpenLDAP server of their own
# (addons/coop_auth_ldap/tests/slapd.py); Debian's own slapd service is stopped (see deps).
DEB_PACKAGES := chromium wkhtmltopdf poppler-utils libldap2-dev libsasl2-dev libpq-dev \
	build-essential curl ca-certificates nodejs npm slapd ldap-utils

# pip, quiet (minus the notices some pip configurations print for every package)
PIP = "$(PY)" -m pip install -q --disable-pip-version-check 2> >(grep -v "^WARNING: Location '.*' is ignored" >&2)

# psql/dropdb against the local server as the current user (unix socket, like Odoo).
PSQL := psql -X -q -v ON_ERROR_STOP=1 -d postgres -tA

.PHONY: help venv odoo deps pg conf node_modules oca_addons oidc_venv run test screenshots lint dist readme upgrade bench faults loadtest backup restore clean distclean

help:
	@echo "make run      serve Odoo on PORT=$(PORT) with database DB=$(DB) (created with demo data once)"
	echo "make test     throwaway database + every coop module with demo data + pytest-odoo"
	echo "make screenshots  the README's screenshots into docs/screenshots/ (Chromium, throwaway demo database)"
	echo "make lint     ruff check, ruff format --check, pylint-odoo, oca-checks-odoo-module, oca-checks-po"
	echo "make dist     one wheel per addon (OCA's whool) into dist/, checked"
	echo "make readme   README.rst + static/description/index.html of each addon from readme/ (oca-gen-addon-readme)"
	echo "make upgrade  install UPGRADE_FROM=$(UPGRADE_FROM) with demo data, -u to this tree, check register, members, audit chains, portal"
	echo "make bench    database $(BENCH_DB) without demo data, then tests/bench (BENCH=pattern SCALE=0.1)"
	echo "make faults   $(FAULTS_DB) with demo data, Odoo --workers: workers killed mid-vote/payment/export, PostgreSQL restarted mid-votes"
	echo "make loadtest Odoo --workers + Locust on $(LOAD_DB) (120,000 members, AG of 30,000 voters): LOAD_TIME=$(LOAD_TIME) s"
	echo "make i18n     refresh addons/*/i18n: export each <module>.pot, merge it into fr.po (msgmerge)"
	echo "make backup   pg_dump -Fc of DB=$(DB) and its filestore into BACKUP_DIR=$(BACKUP_DIR)/<db>-<date>"
	echo "make restore  BACKUP=<backup dir> into a new database TARGET (default <db>_restored; FORCE=1 replaces it)"
	echo "make clean    drop test/bench databases, remove generated configs and caches"
	echo "make distclean  clean + drop DB=$(DB) + remove .venv, .odoo (downloaded Odoo, filestores), node_modules"
	echo "helpers: venv odoo pg deps conf node_modules.  Odoo comes from the Python, ODOO_SRC=/path, or a download."

# ---- Debian packages -------------------------------------------------------------------------
deps:
	@if ! command -v dpkg-query >/dev/null; then
	  echo "deps: not a Debian system, install by hand: $(DEB_PACKAGES) postgresql"; exit 0
	fi
	missing=""
	for p in $(DEB_PACKAGES); do
	  # a Node.js from elsewhere (NodeSource, nvm) bundles npm and conflicts with Debian's npm
	  case "$$p" in nodejs|npm) command -v npm >/dev/null && continue ;; esac
	  dpkg-query -W -f='$${Status}' "$$p" 2>/dev/null | grep -q "install ok installed" \
	    || missing="$$missing $$p"
	done
	# a PostgreSQL server and client of any version will do
	for p in postgresql postgresql-client; do
	  dpkg-query -W -f='$${Status}\n' "$$p-[0-9]*" 2>/dev/null | grep -q "^install ok installed" \
	    || missing="$$missing $$p"
	done
	[ -z "$$missing" ] && exit 0
	if [ "$(IS_ROOT)" = 1 ]; then
	  echo "deps: installing$$missing"
	  export DEBIAN_FRONTEND=noninteractive
	  apt-get update -qq
	  apt-get install -y -qq --no-install-recommends $$missing
	  # Debian starts slapd with an empty directory on port 389 of every interface: the
	  # tests run their own on loopback, so stop and disable the system one.
	  if [[ " $$missing " == *" slapd "* ]]; then
	    if [ -d /run/systemd/system ]; then
	      systemctl disable --now slapd 2>/dev/null || true
	    elif command -v service >/dev/null; then
	      service slapd stop 2>/dev/null || true; update-rc.d slapd disable 2>/dev/null || true
	    fi
	  fi
	else
	  echo "deps: missing Debian packages. Run:"
	  echo "  sudo apt-get update && sudo apt-get install -y$$missing"
	  exit 1
	fi

# ---- Python virtualenv -----------------------------------------------------------------------
venv:
	@if ! "$(PY)" -c 'import sys; assert sys.version_info[:2] == (3, 12)' 2>/dev/null; then
	  py=""
	  for c in $(PYTHON) python3.12 \
	      $$(ls -d $(HOME_DIR)/.pyenv/versions/3.12*/bin/python3.12 2>/dev/null | sort -Vr) \
	      /usr/local/bin/python3.12 /usr/bin/python3.12; do
	    if "$$c" -c 'import sys, venv; assert sys.version_info[:2] == (3, 12)' 2>/dev/null; then
	      py="$$c"; break
	    fi
	  done
	  if [ -z "$$py" ]; then
	    echo "venv: no working Python 3.12 found (tried PYTHON=, python3.12 on PATH," >&2
	    echo "      $(HOME_DIR)/.pyenv/versions/3.12*/bin/python3.12)." >&2
	    echo "      Install Python 3.12 (e.g. 'pyenv install 3.12') or pass PYTHON=/path/to/python3.12." >&2
	    exit 1
	  fi
	  echo "venv: creating .venv from $$py (with system site packages)"
	  rm -rf "$(VENV)"
	  "$$py" -m venv --system-site-packages "$(VENV)"
	fi
	if [ ! -f "$(VENV_STAMP)" ] || [ requirements.txt -nt "$(VENV_STAMP)" ]; then
	  echo "venv: pip install -r requirements.txt"
	  $(PIP) -r requirements.txt
	  touch "$(VENV_STAMP)"
	fi

# ---- Odoo 18.0 -------------------------------------------------------------------------------
# 1. the venv's Python already imports Odoo 18.0 (system site packages)  -> reuse it
# 2. ODOO_SRC=/path/to/odoo-18.0 source tree (else /opt/odoo18, /opt/odoo,
#    /srv/odoo18, /srv/odoo, ~/odoo18, ~/odoo when they hold 18.0)       -> pip install -e it
# 3. download the official 18.0 source tarball into .odoo/src            -> pip install -e it
# ODOO_ROOT_PY prints Odoo's root dir (the one holding odoo/ and addons/) when the venv finds
# an Odoo 18.0 package, without importing it (importing odoo takes over a second).
ODOO_ROOT_PY := import importlib.util as u, os, sys; s = u.find_spec("odoo"); \
	d = s and s.submodule_search_locations and list(s.submodule_search_locations)[0]; \
	ns = {}; d and exec(open(os.path.join(d, "release.py")).read(), ns); \
	sys.exit(0 if ns.get("version_info", ())[:2] == (18, 0) and print(os.path.dirname(d)) is None else 1)
ODOO_STAMP := $(VENV)/.odoo-root
ODOO_SRC_GUESSES := /opt/odoo18 /opt/odoo /srv/odoo18 /srv/odoo $(HOME_DIR)/odoo18 $(HOME_DIR)/odoo

odoo: venv deps
	@root=$$("$(PY)" -c '$(ODOO_ROOT_PY)' 2>/dev/null || true)
	if [ -n "$$root" ] && [ "$$(cat "$(ODOO_STAMP)" 2>/dev/null)" = "$$root" ]; then exit 0; fi
	check() {  # full import once: proves Odoo's own dependencies are there too
	  "$(PY)" -c 'import odoo.release as r, odoo.service.server; assert r.version_info[:2] == (18, 0)' 2>/dev/null \
	    && "$(PY)" -c '$(ODOO_ROOT_PY)' > "$(ODOO_STAMP)"
	}
	install_src() {
	  echo "odoo: installing Odoo from $$1 into .venv"
	  $(PIP) -r "$$1/requirements.txt" && $(PIP) -e "$$1"
	}
	if [ -n "$$root" ] && check; then echo "odoo: using Odoo 18.0 from $$root"; exit 0; fi
	src="$(ODOO_SRC)"
	if [ -z "$$src" ]; then  # a source tree at a usual place counts as ODOO_SRC
	  for c in $(ODOO_SRC_GUESSES); do
	    if grep -qs "^version_info = (18, 0," "$$c/odoo/release.py"; then src="$$c"; break; fi
	  done
	fi
	if [ -n "$$src" ]; then
	  [ -f "$$src/odoo/release.py" ] || { echo "odoo: ODOO_SRC=$$src is not an Odoo source tree" >&2; exit 1; }
	  install_src "$$src" || true
	else
	  src="$(ODOO_DIR)/src"
	  if [ ! -f "$$src/odoo/release.py" ]; then
	    echo "odoo: downloading $(ODOO_TARBALL_URL)"
	    mkdir -p "$(ODOO_DIR)"
	    tarball="$(ODOO_DIR)/odoo_18.0.latest.tar.gz"
	    if curl -fsSL --retry 2 --connect-timeout 20 -o "$$tarball.part" "$(ODOO_TARBALL_URL)"; then
	      mv "$$tarball.part" "$$tarball"
	      rm -rf "$$src.part" && mkdir -p "$$src.part"
	      tar -xzf "$$tarball" -C "$$src.part" --strip-components=1 && mv "$$src.part" "$$src"
	    else
	      rm -f "$$tarball.part"
	    fi
	  fi
	  if [ -f "$$src/odoo/release.py" ]; then install_src "$$src" || true; fi
	fi
	if ! check; then
	  rm -f "$(ODOO_STAMP)"
	  echo "odoo: Odoo 18.0 is not available. Use one of:" >&2
	  echo "  1. a Python 3.12 that can already 'import odoo' (18.0): make ... PYTHON=/path/to/python3.12" >&2
	  echo "  2. a local Odoo 18.0 source tree:                        make ... ODOO_SRC=/path/to/odoo" >&2
	  echo "     (found by itself in $(ODOO_SRC_GUESSES))" >&2
	  echo "  3. network access to $(ODOO_TARBALL_URL)" >&2
	  echo "     (downloaded and extracted into .odoo/src)" >&2
	  echo "  (remove .venv first if it was created from another Python: make distclean)" >&2
	  exit 1
	fi
	echo "odoo: using Odoo 18.0 from $$(cat "$(ODOO_STAMP)")"

# ---- PostgreSQL ------------------------------------------------------------------------------
pg: deps
	@if command -v pg_lsclusters >/dev/null; then
	  pg_lsclusters --no-header 2>/dev/null | while read -r ver name port status rest; do
	    case "$$status" in
	      online*) ;;
	      *) if [ "$(IS_ROOT)" = 1 ]; then echo "pg: starting cluster $$ver $$name"; pg_ctlcluster "$$ver" "$$name" start;
	         else echo "pg: cluster $$ver $$name is $$status. Run: sudo pg_ctlcluster $$ver $$name start" >&2; fi ;;
	    esac
	  done
	fi
	if ! $(PSQL) -c 'select 1' >/dev/null 2>&1; then
	  if [ "$(DB_USER)" = postgres ]; then echo "pg: Odoo refuses to run as user postgres" >&2; exit 1; fi
	  if [ "$(IS_ROOT)" = 1 ] && id postgres >/dev/null 2>&1; then
	    echo "pg: creating PostgreSQL superuser role $(DB_USER)"
	    runuser -u postgres -- createuser -s "$(DB_USER)" || true
	  else
	    echo "pg: cannot connect as $(DB_USER). Run: sudo -u postgres createuser -s $(DB_USER)" >&2
	    exit 1
	  fi
	  $(PSQL) -c 'select 1' >/dev/null || { echo "pg: still cannot connect to PostgreSQL" >&2; exit 1; }
	fi

# ---- Odoo configuration files (gitignored, regenerated every call) ---------------------------
# Safe by default: loopback only, no database list, a random master password of this
# checkout (git-ignored .odoo/master_password) instead of Odoo's default "admin".
define write_conf # $(1)=file $(2)=http_port $(3)=max_cron_threads $(4)=http_interface
	root=$$(cat "$(ODOO_STAMP)")
	paths=""
	for d in "$$root/addons" "$$root/odoo/addons" "$(OCA_DIR)/addons" "$(ADDONS_DIR)"; do
	  [ -d "$$d" ] && paths="$${paths:+$$paths,}$$d"
	done
	mkdir -p "$(DATA_DIR)"
	if [ ! -s "$(MASTER_PASSWD)" ]; then
	  (umask 077; "$(PY)" -c 'import secrets; print(secrets.token_urlsafe(18))' > "$(MASTER_PASSWD)")
	  touch "$(MASTER_PASSWD).new"
	fi
	cat > "$(1).tmp" <<-EOF
	# Generated by 'make' — do not edit, do not commit.  See odoo.conf.example for production.
	[options]
	addons_path = $$paths
	data_dir = $(DATA_DIR)
	db_host =
	db_user = $(DB_USER)
	http_port = $(2)
	http_interface = $(4)
	max_cron_threads = $(3)
	without_demo = False
	list_db = False
	admin_passwd = $$(cat "$(MASTER_PASSWD)")
	EOF
	chmod 600 "$(1).tmp"
	mv "$(1).tmp" "$(1)"
endef

conf: odoo pg oca_addons
	@$(call write_conf,$(RUN_CONF),$(PORT),1,$(HOST))
	$(call write_conf,$(TEST_CONF),$(TEST_PORT),0,127.0.0.1)

# ---- OCA addons from PyPI ---------------------------------------------------------------------
# pip download (no install) of the wheels pinned in requirements-oca.txt, their odoo/addons/*
# folders unpacked into OCA_DIR/addons; redone when requirements-oca.txt changes. Their Python
# dependencies are pinned in requirements.txt.
oca_addons: venv
	@req=requirements-oca.txt
	[ -f "$$req" ] || exit 0
	if [ -f "$(OCA_DIR)/.stamp" ] && [ ! "$$req" -nt "$(OCA_DIR)/.stamp" ]; then exit 0; fi
	echo "oca_addons: unpacking the addons of $$req into $(OCA_DIR)/addons"
	part="$(OCA_DIR).part"
	rm -rf "$$part" && mkdir -p "$$part/wheels" "$$part/addons"
	"$(PY)" -m pip download -q --disable-pip-version-check --no-deps -r "$$req" -d "$$part/wheels" \
	  2> >(grep -v "^WARNING: Location '.*' is ignored" >&2)
	for wheel in "$$part"/wheels/*.whl; do "$(PY)" -m zipfile -e "$$wheel" "$$part/unpacked"; done
	mv "$$part"/unpacked/odoo/addons/* "$$part/addons/"
	rm -rf "$$part/wheels" "$$part/unpacked" "$(OCA_DIR)" && mv "$$part" "$(OCA_DIR)"
	touch "$(OCA_DIR)/.stamp"

# ---- the OpenID Connect provider of the tests -------------------------------------------------
oidc_venv: venv
	@if [ ! -x "$(OIDC_VENV)/bin/python" ]; then
	  base=$$("$(PY)" -c 'import sys; print(sys._base_executable)')
	  echo "oidc_venv: creating $(OIDC_VENV) from $$base"
	  "$$base" -m venv "$(OIDC_VENV)"
	fi
	if [ ! -f "$(OIDC_VENV)/.stamp" ] || [ requirements-oidc.txt -nt "$(OIDC_VENV)/.stamp" ]; then
	  echo "oidc_venv: pip install -r requirements-oidc.txt into $(OIDC_VENV)"
	  "$(OIDC_VENV)/bin/python" -m pip install -q --disable-pip-version-check -r requirements-oidc.txt \
	    2> >(grep -v "^WARNING: Location '.*' is ignored" >&2)
	  touch "$(OIDC_VENV)/.stamp"
	fi

# ---- npm test tooling (axe-core for the accessibility tests) --------------------------------
# npm ci when axe-core is missing or package-lock.json changed since the last install.
node_modules: deps
	@if [ -f node_modules/axe-core/axe.min.js ] && [ ! package-lock.json -nt node_modules/.package-lock.json ]; then
	  exit 0
	fi
	command -v npm >/dev/null || {
	  echo "node_modules: npm is missing: make deps (Debian packages nodejs npm), or install Node.js" >&2; exit 1; }
	echo "node_modules: npm ci (axe-core from package-lock.json)"
	npm ci --no-audit --no-fund
	touch node_modules/.package-lock.json

# ---- make run --------------------------------------------------------------------------------
run: conf
	@mods="$(MODULES)"
	[ -n "$$mods" ] || { echo "run: no coop_* module in $(ADDONS_DIR)" >&2; exit 1; }
	odoo=("$(PY)" -m odoo -c "$(RUN_CONF)" -d "$(DB)" --db-filter="^$(DB)\$$")
	if [ -z "$$($(PSQL) -c "select 1 from pg_database where datname = '$(DB)'")" ]; then
	  echo "run: creating database $(DB) with demo data and $$mods (a few minutes, once)"
	  if ! "$${odoo[@]}" -i "$$mods$(EXTRA_I)" --load-language=fr_FR --stop-after-init --log-level=warn; then
	    echo "run: install failed, dropping the half-made database $(DB)" >&2
	    dropdb --if-exists --force "$(DB)"; rm -rf "$(DATA_DIR)/filestore/$(DB)"; exit 1
	  fi
	  nodemo=$$(psql -X -d "$(DB)" -tAc "select string_agg(name, ', ') from ir_module_module where name like 'coop\_%' and state = 'installed' and not demo")
	  if [ -n "$$nodemo" ]; then
	    echo "run: the demo data of $$nodemo failed to load (WARNING above); dropping $(DB)" >&2
	    dropdb --if-exists --force "$(DB)"; rm -rf "$(DATA_DIR)/filestore/$(DB)"; exit 1
	  fi
	  # The cooperative's people speak French: users and contacts of the demo in fr_FR.
	  psql -X -q -d "$(DB)" -c "update res_partner set lang = 'fr_FR'"
	else
	  installed=$$(psql -X -d "$(DB)" -tAc "select string_agg(name, ',') from ir_module_module where state = 'installed'")
	  missing=$$(comm -23 <(tr , '\n' <<<"$$mods$(EXTRA_I)" | sort) <(tr , '\n' <<<"$$installed" | sort) | paste -sd, -)
	  if [ -n "$$missing" ]; then
	    echo "run: installing $$missing into existing database $(DB)"
	    "$${odoo[@]}" -i "$$missing" --stop-after-init --log-level=warn
	  fi
	fi
	echo
	echo "Odoo 18.0 — database $(DB) — http://localhost:$(PORT)/odoo (listening on $(HOST) only)"
	echo "Database manager closed (list_db = False); master password in $(MASTER_PASSWD)"
	if [ -f "$(MASTER_PASSWD).new" ]; then
	  echo "  master password (shown once): $$(cat "$(MASTER_PASSWD)")"; rm -f "$(MASTER_PASSWD).new"
	fi
	echo "Logins (login / password — who, role, cooperative where they land):"
	echo "  admin / admin — administrator, every cooperative"
	# Role = the user's coop groups (implied ones folded: a manager does everything).
	psql -X -d "$(DB)" -tA -F'|' -c "
	  with roles(module, xmlid, label, rank) as (values
	    ('coop_membership', 'group_coop_manager', 'direction (every role)', 1),
	    ('coop_governance', 'group_governance_officer', 'secrétariat des AG (governance officer)', 2),
	    ('coop_membership', 'group_coop_officer', 'sociétariat (officer)', 3),
	    ('coop_membership', 'group_coop_accountant', 'comptable (accountant)', 4),
	    ('coop_engagement', 'group_coop_moderator', 'chargée de vie coopérative (moderator)', 5),
	    ('base', 'group_portal', 'member (member space /my)', 6))
	  select u.login, p.name,
	         coalesce((select string_agg(r.label, ', ' order by r.rank) from roles r
	                     join ir_model_data g on g.module = r.module and g.name = r.xmlid
	                                         and g.model = 'res.groups'
	                     join res_groups_users_rel gu on gu.gid = g.res_id and gu.uid = u.id
	                    where r.rank = 1 or not exists (
	                          select 1 from ir_model_data m join res_groups_users_rel mu
	                              on mu.gid = m.res_id and mu.uid = u.id
	                           where m.module = 'coop_membership' and m.name = 'group_coop_manager')
	                       or r.rank = 5), 'user'),
	         c.name
	    from res_users u
	    join res_partner p on p.id = u.partner_id
	    join res_company c on c.id = u.company_id
	   where u.active and u.login <> 'admin'
	     and exists (select 1 from ir_model_data d where d.model = 'res.users' and d.res_id = u.id
	                   and d.module like 'coop\_%')
	   order by 1" | while IFS='|' read -r login name role company; do
	  echo "  $$login / $$login — $$name, $$role, $$company"
	done
	echo
	exec "$${odoo[@]}" --http-port="$(PORT)"

# ---- make test -------------------------------------------------------------------------------
test: conf node_modules oidc_venv
	@mods="$(MODULES)"
	[ -n "$$mods" ] || { echo "test: no coop_* module in $(ADDONS_DIR)" >&2; exit 1; }
	{ command -v chromium || command -v google-chrome; } >/dev/null \
	  || { echo "test: Chromium is missing (make deps)" >&2; exit 1; }
	"$(PY)" -c 'import websocket' || { echo "test: websocket-client is missing" >&2; exit 1; }
	db="coop_test_$$(date +%Y%m%d_%H%M%S)_$$$$"
	work=$$(mktemp -d)
	cleanup() {
	  for d in "$$db" "$$db"-gw{0..15}; do dropdb --if-exists --force "$$d" 2>/dev/null || true; done
	  rm -rf "$(DATA_DIR)/filestore/$$db" "$(DATA_DIR)/filestore/$$db"-gw* "$$work"
	}
	trap cleanup EXIT
	trap 'exit 130' INT TERM
	echo "test: installing $$mods into $$db (with demo data)"
	start=$$SECONDS
	set +e
	"$(PY)" -m odoo -c "$(TEST_CONF)" -d "$$db" -i "$$mods$(EXTRA_I)" --stop-after-init \
	  --log-level=warn 2>&1 | tee "$$work/install.log"
	rc=$${PIPESTATUS[0]}
	set -e
	[ "$$rc" = 0 ] || { echo "test: FAILED — Odoo install exited with $$rc" >&2; exit 1; }
	if grep -E '^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) ' "$$work/install.log" >/dev/null; then
	  echo "test: FAILED — the install logged errors (above)" >&2; exit 1
	fi
	# Warnings about our own code (missing access rules, duplicate labels...) are bugs too.
	warns=$$(awk '$$4 == "WARNING" { $$1 = $$2 = $$3 = $$4 = $$5 = ""; if (tolower($$0) ~ /coop[._]/) print }' "$$work/install.log")
	if [ -n "$$warns" ] && [ "$(ALLOW_WARNINGS)" != 1 ]; then
	  echo "test: FAILED — the install logged warnings about coop modules (ALLOW_WARNINGS=1 to accept):" >&2
	  echo "$$warns" >&2; exit 1
	fi
	bad=$$(psql -X -d "$$db" -tA -c "select string_agg(name || ' (' || state || case when demo then '' else ', no demo data' end || ')', ', ')
	  from ir_module_module where name = any(string_to_array('$$mods', ',')) and (state <> 'installed' or not demo)")
	[ -z "$$bad" ] || { echo "test: FAILED — not installed with demo data: $$bad" >&2; exit 1; }
	echo "test: install OK in $$((SECONDS - start)) s"
	set +e
	"$(PY)" -m pytest -c "$(CURDIR)/pyproject.toml" --rootdir="$(CURDIR)" -rs -p no:cacheprovider --durations=25 \
	  $$([ "$(TEST_WORKERS)" -gt 1 ] && echo "-n $(TEST_WORKERS) --dist loadfile") \
	  --odoo-config="$(TEST_CONF)" --odoo-database="$$db" --odoo-http --odoo-log-level=error \
	  $(PYTEST_ARGS) "$(ADDONS_DIR)" "$(CURDIR)/tests" 2>&1 | tee "$$work/pytest.log"
	rc=$${PIPESTATUS[0]}
	set -e
	summary=$$(sed 's/\x1b\[[0-9;]*m//g' "$$work/pytest.log" \
	  | grep -E '^=+ .*(passed|failed|error|skipped|no tests ran).* in [0-9.]+s' | tail -n1 || true)
	if [ "$$rc" = 5 ]; then echo "test: FAILED — no test ran" >&2; exit 1; fi
	if [ "$$rc" != 0 ]; then echo "test: FAILED — pytest exited with $$rc" >&2; echo "$$summary"; exit 1; fi
	if grep -q skipped <<<"$$summary"; then
	  echo "test: FAILED — tests were skipped (see 'short test summary info' above)" >&2
	  echo "$$summary"; exit 1
	fi
	echo "$$summary"

# ---- make screenshots ------------------------------------------------------------------------
# The README's screenshots (docs/screenshots/*.png): tests/test_screenshots.py opens the
# member space, an assembly and the moderator's dashboard in Chromium as the people who use
# them, on a throwaway database made as `make run` makes its own (demo data, in French).
# make test runs the same test, which checks the pictures without saving them.
SCREENSHOTS_DIR ?= $(CURDIR)/docs/screenshots
screenshots: conf
	@mods="$(MODULES)"
	[ -n "$$mods" ] || { echo "screenshots: no coop_* module in $(ADDONS_DIR)" >&2; exit 1; }
	db="coop_screenshots_$$$$"
	cleanup() { dropdb --if-exists --force "$$db" 2>/dev/null || true; rm -rf "$(DATA_DIR)/filestore/$$db"; }
	trap cleanup EXIT
	trap 'exit 130' INT TERM
	echo "screenshots: installing $$mods into $$db (with demo data, in French)"
	"$(PY)" -m odoo -c "$(TEST_CONF)" -d "$$db" -i "$$mods$(EXTRA_I)" --load-language=fr_FR \
	  --stop-after-init --log-level=warn
	psql -X -q -d "$$db" -c "update res_partner set lang = 'fr_FR'"
	COOP_SCREENSHOTS="$(SCREENSHOTS_DIR)" "$(PY)" -m pytest -c "$(CURDIR)/pyproject.toml" \
	  --rootdir="$(CURDIR)" -p no:cacheprovider --odoo-config="$(TEST_CONF)" \
	  --odoo-database="$$db" --odoo-http --odoo-log-level=error "$(CURDIR)/tests/test_screenshots.py"
	echo "screenshots: $$(cd "$(SCREENSHOTS_DIR)" && ls *.png | paste -sd' ') in $(SCREENSHOTS_DIR)"

# ---- make lint -------------------------------------------------------------------------------
# OCA's own pre-commit checks (oca-odoo-pre-commit-hooks, pinned in requirements.txt), run
# offline from .venv with the args of OCA's oca-addons-repo-template .pre-commit-config.yaml:
#   oca-checks-odoo-module   every check (manifest, XML, CSV: duplicate xmlids, <data> nodes,
#                            XML header, attribute order, eval of numbers and booleans...)
#   oca-checks-po            every check but po-pretty-format, which OCA disables too: it wants
#                            entries sorted and rewrapped, while fr.po is written by `make i18n`
#                            (Odoo's export + msgmerge) and appended to by hand between two runs.
# Most XML findings are fixed by `.venv/bin/oca-checks-odoo-module --fix addons/coop_*`.
lint: venv
	@rc=0
	targets=$$(ls -d addons tests conftest.py 2>/dev/null)
	"$(VENV)/bin/ruff" check $$targets || rc=1
	"$(VENV)/bin/ruff" format --check $$targets || rc=1
	mods=$$(ls -d addons/coop_* 2>/dev/null || true)
	if [ -n "$$mods" ]; then
	  "$(VENV)/bin/pylint" --rcfile=.pylintrc $$mods || rc=1
	  "$(VENV)/bin/oca-checks-odoo-module" $$mods || rc=1
	  pos=$$(ls addons/coop_*/i18n/*.po 2>/dev/null || true)
	  if [ -n "$$pos" ]; then "$(VENV)/bin/oca-checks-po" --disable=po-pretty-format $$pos || rc=1; fi
	fi
	[ "$$rc" = 0 ] && echo "lint: OK" || { echo "lint: FAILED" >&2; exit 1; }

# ---- make dist / make readme -------------------------------------------------------------------
# Each addon is a Python distribution built by OCA's whool backend (its pyproject.toml):
# odoo-addon-coop_membership... as the OCA publishes on PyPI. The wheels go to dist/; each must
# carry its addon (manifest) and its README.rst as description. whool reads the version from
# the manifest and takes the files git tracks.
dist: venv
	@rm -rf dist && mkdir -p dist
	for m in $$(ls -d addons/coop_*/); do
	  m=$${m%/}
	  "$(PY)" -m pip wheel --quiet --disable-pip-version-check --no-deps -w dist "$$m" \
	    2> >(grep -v "^WARNING: Location '.*' is ignored" >&2) \
	    || { echo "dist: FAILED — $$m does not build (whool)" >&2; exit 1; }
	done
	"$(PY)" tools/check_wheels.py dist
# README.rst (and static/description/index.html, shown by Odoo's Apps) of each addon, made
# from its readme/*.md fragments by OCA's oca-gen-addon-readme with our template (no image
# from another host). The tool is OCA/maintainer-tools (not on PyPI) and needs pandoc.
READMEGEN ?= oca-gen-addon-readme
readme:
	@command -v "$(READMEGEN)" >/dev/null || { echo "readme: $(READMEGEN) is missing:" \
	  "pip install 'oca-maintainers-tools @ git+https://github.com/OCA/maintainer-tools@d4657f8'" \
	  "and apt-get install pandoc" >&2; exit 1; }
	"$(READMEGEN)" --org-name coop-suite --repo-name coop-suite --branch 18.0 \
	  --addons-dir addons --no-commit --gen-html --template-filename tools/readme.rst.jinja

# ---- make upgrade ----------------------------------------------------------------------------
# The upgrade test: install the previous release (UPGRADE_FROM: the newest 18.0.* tag, else
# the last commit that landed) with demo data, take a snapshot (register totals and holdings,
# member counts and numbers, ballots, audit chains), upgrade to this tree with -u, take it
# again and compare; every audit chain must verify; then a member logs in and reads the
# portal. Throwaway database, dropped at the end.
UPGRADE_FROM ?= $(shell git describe --tags --abbrev=0 --match '18.0.*' 2>/dev/null || echo 88523f4)
UPGRADE_PORT ?= 8098
upgrade: conf
	@git rev-parse --verify --quiet "$(UPGRADE_FROM)^{commit}" >/dev/null \
	  || { echo "upgrade: $(UPGRADE_FROM) is not a commit of this clone (UPGRADE_FROM=tag or sha)" >&2; exit 1; }
	db="coop_upgrade_$$$$"
	work=$$(mktemp -d)
	pid=""
	cleanup() {
	  [ -z "$$pid" ] || kill "$$pid" 2>/dev/null || true
	  dropdb --if-exists --force "$$db" 2>/dev/null || true
	  rm -rf "$(DATA_DIR)/filestore/$$db" "$$work"
	}
	trap cleanup EXIT
	trap 'exit 130' INT TERM
	git archive "$(UPGRADE_FROM)" addons | tar -x -C "$$work"
	old=$$(cd "$$work/addons" && ls -d coop_*/ | tr -d / | while read m; do [ -f "$$m/__manifest__.py" ] && echo "$$m"; done | paste -sd,)
	sed "s|$(ADDONS_DIR)|$$work/addons|" "$(TEST_CONF)" > "$$work/old.conf"
	echo "upgrade: installing $$old of $(UPGRADE_FROM) into $$db (with demo data)"
	"$(PY)" -m odoo -c "$$work/old.conf" -d "$$db" -i "$$old$(EXTRA_I)" --stop-after-init --log-level=warn
	COOP_SNAPSHOT="$$work/before.json" "$(PY)" -m odoo shell -c "$$work/old.conf" -d "$$db" \
	  --log-level=warn < tests/upgrade/snapshot.py >/dev/null
	echo "upgrade: updating $$old to this tree (-u)"
	"$(PY)" -m odoo -c "$(TEST_CONF)" -d "$$db" -u "$$old" --stop-after-init --log-level=warn 2>&1 | tee "$$work/update.log"
	if grep -E '^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) ' "$$work/update.log" >/dev/null; then
	  echo "upgrade: FAILED — the update logged errors (above)" >&2; exit 1
	fi
	COOP_SNAPSHOT="$$work/after.json" "$(PY)" -m odoo shell -c "$(TEST_CONF)" -d "$$db" \
	  --log-level=warn < tests/upgrade/snapshot.py >/dev/null
	"$(PY)" tests/upgrade/compare.py "$$work/before.json" "$$work/after.json"
	"$(PY)" -m odoo -c "$(TEST_CONF)" -d "$$db" --http-port=$(UPGRADE_PORT) --log-level=warn \
	  >"$$work/server.log" 2>&1 &
	pid=$$!
	for i in $$(seq 60); do curl -sf -o /dev/null "http://127.0.0.1:$(UPGRADE_PORT)/web/login" && break; sleep 1; done
	"$(PY)" tests/upgrade/portal_check.py "http://127.0.0.1:$(UPGRADE_PORT)" bernard bernard
	echo "upgrade: OK — $(UPGRADE_FROM) → $$(git rev-parse --short HEAD)"

# ---- make bench ------------------------------------------------------------------------------
bench: conf
	@mods="$(MODULES)"
	[ -n "$$mods" ] || { echo "bench: no coop_* module in $(ADDONS_DIR)" >&2; exit 1; }
	PGOPTIONS="-c client_min_messages=warning" dropdb --if-exists --force "$(BENCH_DB)"
	rm -rf "$(DATA_DIR)/filestore/$(BENCH_DB)"
	echo "bench: installing $$mods into $(BENCH_DB) (without demo data)"
	"$(PY)" -m odoo -c "$(RUN_CONF)" -d "$(BENCH_DB)" -i "$$mods$(EXTRA_I)" --without-demo=all \
	  --stop-after-init --log-level=warn
	BENCH="$(BENCH)" SCALE="$(SCALE)" "$(PY)" tests/bench/run.py -c "$(RUN_CONF)" -d "$(BENCH_DB)"

# ---- make loadtest ---------------------------------------------------------------------------
# Odoo multi-process on a database at federation scale, driven by Locust from loopback
# (tests/bench/loadtest.py). Locust lives in its own venv: its pins (gevent, Werkzeug,
# requests, psutil) are newer than Odoo 18's. The template database is built once
# (LOAD_REBUILD=1 rebuilds it); each run works on a fresh copy.
loadtest: conf
	@mods="$(MODULES)"
	[ -n "$$mods" ] || { echo "loadtest: no coop_* module in $(ADDONS_DIR)" >&2; exit 1; }
	if [ ! -x "$(LOAD_VENV)/bin/python" ]; then
	  base=$$("$(PY)" -c 'import sys; print(sys._base_executable)')
	  echo "loadtest: creating $(LOAD_VENV) from $$base"
	  "$$base" -m venv "$(LOAD_VENV)"
	fi
	if [ ! -f "$(LOAD_VENV)/.stamp" ] || [ requirements-load.txt -nt "$(LOAD_VENV)/.stamp" ]; then
	  echo "loadtest: pip install -r requirements-load.txt into $(LOAD_VENV)"
	  "$(LOAD_VENV)/bin/python" -m pip install -q --disable-pip-version-check -r requirements-load.txt \
	    2> >(grep -v "^WARNING: Location '.*' is ignored" >&2)
	  touch "$(LOAD_VENV)/.stamp"
	fi
	SCALE="$(SCALE)" LOAD_TIME="$(LOAD_TIME)" "$(PY)" tests/bench/loadtest.py -c "$(RUN_CONF)" \
	  --modules "$$mods" --template "$(LOAD_DB)_tpl" --db "$(LOAD_DB)" --port "$(LOAD_PORT)" \
	  --vote-users "$(LOAD_VOTE_USERS)" $(if $(LOAD_REBUILD),--rebuild)

# ---- make faults ----------------------------------------------------------------------------
# Fault injection against Odoo --workers on PORT FAULTS_PORT (tests/bench/faults.py): a worker
# killed in the middle of a vote, a payment, an export; PostgreSQL restarted during a burst of
# votes (the restart stops every database of the machine: the script waits while a load test
# runs). Fresh database with demo data, dropped at the end.
faults: conf
	@mods="$(MODULES)"
	[ -n "$$mods" ] || { echo "faults: no coop_* module in $(ADDONS_DIR)" >&2; exit 1; }
	cleanup() {
	  PGOPTIONS="-c client_min_messages=warning" dropdb --if-exists --force "$(FAULTS_DB)" 2>/dev/null || true
	  rm -rf "$(DATA_DIR)/filestore/$(FAULTS_DB)"
	}
	cleanup
	trap cleanup EXIT
	trap 'exit 130' INT TERM
	echo "faults: installing $$mods into $(FAULTS_DB) (with demo data)"
	"$(PY)" -m odoo -c "$(TEST_CONF)" -d "$(FAULTS_DB)" -i "$$mods$(EXTRA_I)" --stop-after-init --log-level=warn
	"$(PY)" tests/bench/faults.py -c "$(TEST_CONF)" -d "$(FAULTS_DB)" --port "$(FAULTS_PORT)"

# ---- make backup / make restore --------------------------------------------------------------
# A backup is a directory: db.dump (pg_dump -Fc), filestore.tar.gz (DATA_DIR/filestore/<db>)
# and manifest.sha256 (checksums of both, `sha256sum -c` format). The database is dumped first:
# Odoo only adds files to a filestore (its garbage collector removes those of deleted
# attachments once a day), so every file the dump refers to is still there for the tar.
backup:
	@command -v pg_dump >/dev/null || { echo "backup: pg_dump is missing (postgresql-client)" >&2; exit 1; }
	if [ -z "$$($(PSQL) -c "select 1 from pg_database where datname = '$(DB)'")" ]; then
	  echo "backup: there is no database $(DB) (DB=name)" >&2; exit 1
	fi
	dest="$(BACKUP_DIR)/$(DB)-$$(date +%Y%m%d_%H%M%S)"
	[ ! -e "$$dest" ] || { echo "backup: $$dest already exists" >&2; exit 1; }
	mkdir -p "$$dest.part"
	trap 'rm -rf "$$dest.part"' EXIT
	trap 'exit 130' INT TERM
	pg_dump -Fc --no-owner -f "$$dest.part/db.dump" "$(DB)"
	store="$(DATA_DIR)/filestore/$(DB)"
	if [ -d "$$store" ]; then
	  tar -C "$$store" -czf "$$dest.part/filestore.tar.gz" .
	else
	  echo "backup: no filestore at $$store: the backup holds an empty one" >&2
	  tar -czf "$$dest.part/filestore.tar.gz" -T /dev/null
	fi
	(cd "$$dest.part" && sha256sum db.dump filestore.tar.gz > manifest.sha256)
	mv "$$dest.part" "$$dest"
	echo "backup: $(DB) saved in $$dest ($$(du -sh "$$dest" | cut -f1))"
	echo "backup: restore it with: make restore BACKUP=$$dest [TARGET=name]"

# Restores into a new database (TARGET, default <source db>_restored) and its filestore, after
# checking the checksums; an existing database is replaced only with FORCE=1.
restore:
	@src="$(BACKUP)"
	if [ -z "$$src" ]; then
	  echo "restore: name the backup: make restore BACKUP=$(BACKUP_DIR)/<db>-<date> [TARGET=name] [FORCE=1]" >&2
	  exit 1
	fi
	for f in db.dump filestore.tar.gz manifest.sha256; do
	  [ -f "$$src/$$f" ] || { echo "restore: $$src/$$f is missing: not a backup of make backup" >&2; exit 1; }
	done
	if ! (cd "$$src" && sha256sum --check --strict --quiet manifest.sha256); then
	  echo "restore: the checksums of $$src do not match its manifest: damaged backup, nothing restored" >&2
	  exit 1
	fi
	source_db=$$(pg_restore --list "$$src/db.dump" 2>/dev/null | sed -n 's/^;[[:space:]]*[Dd]bname: //p' || true)
	[ -n "$$source_db" ] || { echo "restore: $$src/db.dump is not a pg_dump -Fc archive" >&2; exit 1; }
	target="$(TARGET)"
	target="$${target:-$${source_db}_restored}"
	if [[ ! "$$target" =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]*$$ ]]; then
	  echo "restore: '$$target' is not a database name Odoo accepts" >&2; exit 1
	fi
	store="$(DATA_DIR)/filestore/$$target"
	if [ -n "$$($(PSQL) -c "select 1 from pg_database where datname = '$$target'")" ]; then
	  if [ "$(FORCE)" != 1 ]; then
	    echo "restore: database $$target exists: choose another TARGET=, or FORCE=1 to replace it" >&2
	    exit 1
	  fi
	  echo "restore: FORCE=1: dropping database $$target and its filestore"
	  dropdb --force "$$target"
	  rm -rf "$$store"
	elif [ -e "$$store" ]; then
	  if [ "$(FORCE)" != 1 ]; then
	    echo "restore: $$store exists (filestore without database): remove it, or FORCE=1" >&2
	    exit 1
	  fi
	  rm -rf "$$store"
	fi
	done=""
	cleanup() { [ -n "$$done" ] || { dropdb --if-exists --force "$$target" 2>/dev/null || true; rm -rf "$$store"; }; }
	trap cleanup EXIT
	trap 'exit 130' INT TERM
	echo "restore: $$src ($$source_db) into database $$target"
	# As Odoo creates its databases: UTF-8, 'C' collation, from template0.
	createdb -T template0 -E UTF8 --lc-collate=C "$$target"
	# One transaction: all or nothing, and several times faster than a commit per object.
	pg_restore --no-owner --single-transaction -d "$$target" "$$src/db.dump"
	mkdir -p "$$store"
	tar -C "$$store" -xzf "$$src/filestore.tar.gz"
	done=1
	echo "restore: database $$target and filestore $$store restored"
	echo "restore: on a test server, neutralize it before serving it (no mail, no bank sync):"
	echo "         $(PY) -m odoo neutralize -c $(RUN_CONF) -d $$target"

# ---- cleaning --------------------------------------------------------------------------------
clean:
	@if command -v psql >/dev/null && $(PSQL) -c 'select 1' >/dev/null 2>&1; then
	  for db in $$($(PSQL) -c "select datname from pg_database where datname like 'coop\_test\_%' or datname in ('$(BENCH_DB)', '$(LOAD_DB)', '$(LOAD_DB)_tpl')"); do
	    # no --force: a database in use belongs to a run still going on
	    if dropdb --if-exists "$$db" 2>/dev/null; then
	      echo "clean: dropped database $$db"; rm -rf "$(DATA_DIR)/filestore/$$db"
	    else echo "clean: database $$db is in use, kept"; fi
	  done
	fi
	rm -f "$(RUN_CONF)" "$(TEST_CONF)"
	rm -rf .pytest_cache .ruff_cache
	find addons tests -name __pycache__ -type d -prune -exec rm -rf {} + 2>/dev/null || true

# The filestore lives in .odoo/data: the demo database goes with it.
distclean: clean
	@if command -v psql >/dev/null && $(PSQL) -c 'select 1' >/dev/null 2>&1; then
	  echo "distclean: dropping database $(DB)"; dropdb --if-exists --force "$(DB)"
	fi
	rm -rf "$(VENV)" "$(LOAD_VENV)" "$(OIDC_VENV)" "$(ODOO_DIR)" node_modules

# ---- make i18n -------------------------------------------------------------------------------
# Throwaway database with every coop module and French; per module, export the template
# addons/<m>/i18n/<m>.pot and merge it into fr.po (translations kept, new terms left empty,
# no fuzzy guesses: Odoo would load them as translations; obsolete terms dropped).
.PHONY: i18n
i18n: conf
	@mods="$(MODULES)"
	[ -n "$$mods" ] || { echo "i18n: no coop_* module in $(ADDONS_DIR)" >&2; exit 1; }
	command -v msgmerge >/dev/null || { echo "i18n: msgmerge is missing (apt-get install gettext)" >&2; exit 1; }
	db="coop_i18n_$$(date +%Y%m%d_%H%M%S)_$$$$"
	cleanup() { dropdb --if-exists --force "$$db" 2>/dev/null || true; rm -rf "$(DATA_DIR)/filestore/$$db"; }
	trap cleanup EXIT
	trap 'exit 130' INT TERM
	odoo=("$(PY)" -m odoo -c "$(TEST_CONF)" -d "$$db" --stop-after-init --log-level=warn)
	echo "i18n: installing $$mods with fr_FR into $$db (without demo data)"
	"$${odoo[@]}" -i "$$mods" --without-demo=all --load-language=fr_FR
	for m in $${mods//,/ }; do
	  dir="$(ADDONS_DIR)/$$m/i18n"; mkdir -p "$$dir"
	  "$${odoo[@]}" --modules="$$m" --i18n-export="$$dir/$$m.pot"
	  if [ -f "$$dir/fr.po" ]; then
	    msgmerge --quiet --update --backup=none --no-fuzzy-matching "$$dir/fr.po" "$$dir/$$m.pot"
	    msgattrib --no-obsolete -o "$$dir/fr.po" "$$dir/fr.po"
	  else
	    msginit --no-translator --locale=fr --input="$$dir/$$m.pot" --output-file="$$dir/fr.po" 2>/dev/null
	  fi
	  echo "i18n: $$m: $$(LC_ALL=C msgfmt --statistics -o /dev/null "$$dir/fr.po" 2>&1)"
	done
