#!/usr/bin/env python3
"""Run the coop suite benchmarks: every tests/bench/bench_*.py defines `run(env)`.

    make bench                       # all benches, full size, database coop_bench
    make bench BENCH=member SCALE=0.1
    python tests/bench/run.py -c .odoo.conf -d coop_bench [pattern ...]

Each bench runs in its own cursor as superuser; the runner rolls the cursor back afterwards,
so benches do not see each other's data. Environment: BENCH (comma-separated patterns
matched against the file name), SCALE (float, read through common.SCALE).
"""

import argparse
import fnmatch
import importlib.util
import os
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent


def discover(patterns):
    files = sorted(HERE.glob("bench_*.py"))
    if patterns:
        files = [
            f for f in files if any(fnmatch.fnmatch(f.stem, f"*{p.strip()}*") for p in patterns)
        ]
    return files


def load(path):
    spec = importlib.util.spec_from_file_location(f"coop_bench.{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-c", "--config", required=True, help="Odoo configuration file")
    parser.add_argument("-d", "--database", required=True, help="database with coop modules")
    parser.add_argument("--log-level", default="warn", help="Odoo log level (default: warn)")
    parser.add_argument("patterns", nargs="*", help="run benches whose name matches")
    args = parser.parse_args(argv)

    patterns = args.patterns or [p for p in os.environ.get("BENCH", "").split(",") if p.strip()]
    benches = discover(patterns)
    scale = os.environ.get("SCALE") or "1.0"
    if not benches:
        wanted = f" matching {','.join(patterns)}" if patterns else ""
        print(f"bench: no tests/bench/bench_*.py{wanted} found, nothing to run.")
        return 0

    sys.path.insert(0, str(HERE))  # benches import their helpers with `import common`
    import odoo  # noqa: PLC0415 - after argument parsing: --help stays fast
    from odoo import SUPERUSER_ID, api  # noqa: PLC0415

    odoo.tools.config.parse_config(
        ["-c", args.config, "-d", args.database, f"--log-level={args.log_level}"]
    )
    registry = odoo.modules.registry.Registry(args.database)
    print(f"bench: database {args.database}, SCALE={scale}, {len(benches)} bench(es)")

    failed = []
    for path in benches:
        print(f"\n=== {path.stem} " + "=" * max(3, 70 - len(path.stem)), flush=True)
        start = time.perf_counter()
        try:
            module = load(path)
            if not callable(getattr(module, "run", None)):
                raise TypeError(f"{path.name} defines no run(env) function")
            with registry.cursor() as cr:
                try:
                    module.run(api.Environment(cr, SUPERUSER_ID, {}))
                finally:
                    cr.rollback()
        except Exception:  # noqa: BLE001 - report and go on with the next bench
            traceback.print_exc()
            failed.append(path.stem)
        print(f"--- {path.stem}: {time.perf_counter() - start:.1f} s in total", flush=True)

    if failed:
        print(f"\nbench: FAILED: {', '.join(failed)}", file=sys.stderr)
        return 1
    print(f"\nbench: {len(benches)} bench(es) done")
    return 0


if __name__ == "__main__":
    sys.exit(main())
