#!/usr/bin/env python3
"""Serves the example single-page app from its own origin, with its settings as /config.json.

No dependencies beyond Python's standard library. The app's pages get a Content-Security-Policy
that lets them call only Tessera and the resource server.
"""

import argparse
import functools
import http.server
import json
import os
import sys


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--bind", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--issuer", default="http://127.0.0.1:8080", help="Tessera's issuer URL")
    p.add_argument("--client-id", required=True, help="the app's client_id (a public client)")
    p.add_argument("--resource-server", default="http://127.0.0.1:9091")
    p.add_argument("--scope", default="openid profile email offline_access")
    args = p.parse_args()
    config = json.dumps(
        {
            "issuer": args.issuer.rstrip("/"),
            "client_id": args.client_id,
            "resource_server": args.resource_server.rstrip("/"),
            "scope": args.scope,
        }
    ).encode()
    csp = (
        "default-src 'self'; "
        f"connect-src 'self' {args.issuer} {args.resource_server}; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )

    class Handler(http.server.SimpleHTTPRequestHandler):
        def end_headers(self) -> None:
            self.send_header("Content-Security-Policy", csp)
            self.send_header("Cache-Control", "no-store")
            self.send_header("Referrer-Policy", "no-referrer")
            super().end_headers()

        def do_GET(self) -> None:
            if self.path.split("?")[0] == "/config.json":
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(config)))
                self.end_headers()
                self.wfile.write(config)
                return
            super().do_GET()

        def log_message(self, fmt: str, *a) -> None:
            sys.stderr.write("spa: " + fmt % a + "\n")

    here = os.path.dirname(os.path.abspath(__file__))
    handler = functools.partial(Handler, directory=here)
    server = http.server.ThreadingHTTPServer((args.bind, args.port), handler)
    print(f"example app on http://{args.bind}:{server.server_address[1]}/ (issuer {args.issuer})", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
