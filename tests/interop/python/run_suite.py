"""The Python half of the interop suite: Authlib as the relying party, headless Chromium as the
person. Prints one PASS/FAIL line per module and a closing 'N passed, N failed' line; exits
non-zero when anything failed. Settings come from run.sh through INTEROP_* variables.

    python run_suite.py [NAME_FILTER ...]   # only modules whose name contains a filter
"""

import json
import os
import sys

os.environ.setdefault("AUTHLIB_INSECURE_TRANSPORT", "1")  # the issuer is http://127.0.0.1

import conformance  # noqa: E402,F401 - registers the conformance modules
import rp_authlib  # noqa: E402,F401 - registers the library modules
from harness import CALLBACK_PORT, MODULES, USERNAME, Browser, CallbackServer, run_modules  # noqa: E402


class Context:
    """What a module gets: the browser and the person's username."""

    def __init__(self, browser):
        self.browser = browser
        self.username = USERNAME


def main():
    callbacks = CallbackServer(CALLBACK_PORT)
    browser = Browser(callbacks)
    try:
        # Library features first, then the conformance modules in the order of the README.
        ordered = sorted(MODULES, key=lambda m: (not m[0].startswith("authlib-"),))
        results = run_modules(ordered, Context(browser), only=sys.argv[1:])
    finally:
        browser.quit()
        callbacks.stop()
    out = os.environ.get("INTEROP_RESULTS")
    if out:
        table = [
            {"module": name, "checks": checks, "ok": results[name][0], "note": results[name][1]}
            for name, checks, _ in ordered
            if name in results
        ]
        with open(out, "w", encoding="utf-8") as f:
            json.dump(table, f, indent=1)
    failed = sum(1 for ok, _ in results.values() if not ok)
    print(f"python: {len(results) - failed} passed, {failed} failed")
    return 1 if failed or (not results and not sys.argv[1:]) else 0


if __name__ == "__main__":
    sys.exit(main())
