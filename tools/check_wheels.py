"""Check the wheels `make dist` built: one per addon, each installable the OCA way.

A wheel must be named odoo_addon_<addon>-<manifest version>..., hold its addon under
odoo/addons/<addon>/ with the manifest and the code git tracks, and carry the addon's
README.rst as its description (what PyPI shows). Exits non-zero and says why otherwise.
"""

import ast
import sys
import zipfile
from email.parser import Parser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def check(dist):
    errors = []
    addons = sorted(p.parent for p in (ROOT / "addons").glob("coop_*/__manifest__.py"))
    wheels = {w.name.split("-")[0]: w for w in Path(dist).glob("*.whl")}
    for addon in addons:
        name = addon.name
        manifest = ast.literal_eval((addon / "__manifest__.py").read_text())
        wheel = wheels.pop(f"odoo_addon_{name}", None)
        if not wheel:
            errors.append(f"{name}: no wheel odoo_addon_{name}-*.whl in {dist}")
            continue
        version = wheel.name.split("-")[1]
        if not version.startswith(manifest["version"]):
            errors.append(f"{name}: wheel version {version}, manifest {manifest['version']}")
        with zipfile.ZipFile(wheel) as archive:
            files = set(archive.namelist())
            metadata_name = next(f for f in files if f.endswith(".dist-info/METADATA"))
            metadata = Parser().parsestr(archive.read(metadata_name).decode())
        for needed in ("__manifest__.py", "__init__.py"):
            if f"odoo/addons/{name}/{needed}" not in files:
                errors.append(f"{name}: {needed} missing from {wheel.name}")
        readme = (addon / "README.rst").read_text() if (addon / "README.rst").exists() else ""
        if not readme:
            errors.append(f"{name}: no README.rst (make readme)")
        elif manifest["name"] not in (metadata.get_payload() or ""):
            errors.append(f"{name}: the wheel's description is not its README.rst")
        if metadata["Name"] != f"odoo-addon-{name}":
            errors.append(f"{name}: distribution named {metadata['Name']}")
    errors += [f"{w.name}: a wheel of no addon of this tree" for w in wheels.values()]
    for error in errors:
        print(f"dist: {error}", file=sys.stderr)
    if not errors:
        print(f"dist: OK — {len(addons)} wheels in {dist}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(check(sys.argv[1] if len(sys.argv) > 1 else "dist"))
