"""Runs scim2-tester, unmodified, against Tessera's SCIM API (tests/interop/run.sh step SCIM).

Environment: INTEROP_SCIM_URL (`{issuer}/scim/v2`), INTEROP_SCIM_TOKEN (an access token holding
scim:read and scim:write), INTEROP_RESULTS (optional: where to write the results as JSON).
Prints one line per check and exits non-zero when a check ends in ERROR or CRITICAL, except the
ones in UNSUPPORTED: features ServiceProviderConfig declares unsupported, each with its reason
(also listed in tests/interop/README.md).
"""

import json
import os
import sys

import httpx2
from scim2_client.engines.httpx2 import SyncSCIMClient
from scim2_tester import Status, check_server

FAILED = {Status.ERROR, Status.CRITICAL}

# Check title -> why a failure there is expected. Keep in step with tests/interop/README.md.
UNSUPPORTED: dict[str, str] = {
    "User:check_remove_attribute": (
        "removing `active` leaves no unassigned administrative status in Tessera: a user is "
        "active or not (RFC 7643 §4.1.1 leaves the meaning to the service provider), so the "
        "user reads back `active: true`, the default of a user created without it"
    ),
}


def main() -> int:
    base = os.environ["INTEROP_SCIM_URL"].rstrip("/")
    token = os.environ["INTEROP_SCIM_TOKEN"]
    http = httpx2.Client(
        base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=30
    )
    client = SyncSCIMClient(http)
    results = check_server(client)
    failed = 0
    rows = []
    for r in results:
        title = r.title or "-"
        name = f"{r.resource_type}:{title}" if r.resource_type else title
        expected = r.status in FAILED and (title in UNSUPPORTED or name in UNSUPPORTED)
        if r.status in FAILED and not expected:
            failed += 1
        mark = "expected" if expected else r.status.name
        print(f"{mark:10} {name}: {r.reason or ''}")
        rows.append({"check": name, "status": r.status.name, "reason": r.reason})
    if os.environ.get("INTEROP_RESULTS"):
        with open(os.environ["INTEROP_RESULTS"], "w") as f:
            json.dump(rows, f, indent=1)
    print(f"scim2-tester: {len(results)} checks, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
