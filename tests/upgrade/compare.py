"""Compare the snapshots `make upgrade` took before and after the upgrade.

Fails (exit 1) when a register total, a holding, a member count or number moved, or when
an audit chain that verified before does not verify after (every chain must verify after).
"""

import json
import sys
from pathlib import Path

before, after = (json.loads(Path(path).read_text(encoding="utf-8")) for path in sys.argv[1:3])
errors = []
for key in ("members", "member_numbers", "register", "holdings", "operation_numbers", "ballots"):
    if before[key] != after[key]:
        errors.append(f"{key} changed:\n  before {before[key]}\n  after  {after[key]}")
for assembly, chain in after["audit_chains"].items():
    if not chain["ok"]:
        errors.append(f"assembly {assembly}: audit chain broken: {chain['message']}")
if set(before["audit_chains"]) != set(after["audit_chains"]):
    errors.append("the assemblies are not the same before and after")
for error in errors:
    print(f"upgrade: {error}", file=sys.stderr)
if errors:
    sys.exit(1)
members = sum(count for _company, _state, count in after["members"])
operations = sum(count for _company, count, _amount in after["register"])
print(
    f"upgrade: unchanged — {members} memberships, {operations} confirmed register operations, "
    f"{len(after['audit_chains'])} assemblies whose audit chains verify"
)
