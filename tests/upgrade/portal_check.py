"""The member portal answers after the upgrade: a member logs in and reads their pages.

Usage: portal_check.py <base url> <login> <password>. Exit 1 with the reason otherwise.
"""

import re
import sys

import requests

base, login, password = sys.argv[1:4]
session = requests.Session()
page = session.get(f"{base}/web/login", timeout=60)
token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
if page.status_code != 200 or not token:
    sys.exit(f"upgrade: /web/login answered {page.status_code} without a login form")
answer = session.post(
    f"{base}/web/login",
    data={"login": login, "password": password, "csrf_token": token.group(1), "redirect": "/my"},
    timeout=60,
)
if answer.status_code != 200 or "/web/login" in answer.url:
    sys.exit(f"upgrade: {login} cannot log in ({answer.status_code} at {answer.url})")
for path in ("/my", "/my/cooperative", "/my/assemblies"):
    response = session.get(f"{base}{path}", timeout=60)
    if response.status_code != 200 or "/web/login" in response.url:
        sys.exit(f"upgrade: {path} answered {response.status_code} for {login}")
print(f"upgrade: the member portal answers {login} (/my, /my/cooperative, /my/assemblies)")
