#!/usr/bin/env python3
"""Full sign-ins per second (issue 24): each one a new browser that signs in with a password.

usage: sign_in.py AUTHORIZE_URL TOKEN_URL CLIENT_ID CLIENT_SECRET REDIRECT_URI USERNAME PASSWORD
                  SECONDS CONCURRENCY

CONCURRENCY threads each run, until SECONDS are up: a fresh cookie jar → GET /authorize → the
login page → POST the password → (consent already remembered) the code → POST /token with the
PKCE verifier. Prints one line `RESULT rps=<sign-ins/s> p50_ms=… p99_ms=… requests=<sign-ins>
errors=<failed>` like the wrk scenarios, latencies per whole sign-in.
"""

import base64
import statistics
import sys
import threading
import time
import urllib.parse

from oidc_browser import Browser, pkce_pair


def main():
    authorize, token, client_id, secret, redirect_uri, user, password, seconds, conc = sys.argv[1:10]
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    deadline = time.monotonic() + float(seconds)
    times, errors, lock = [], [0], threading.Lock()

    def worker():
        while time.monotonic() < deadline:
            t0 = time.monotonic()
            browser = Browser()
            verifier, challenge = pkce_pair()
            try:
                code = browser.authorize(authorize, {
                    "response_type": "code", "client_id": client_id, "redirect_uri": redirect_uri,
                    "scope": "openid", "state": "bench", "code_challenge": challenge,
                    "code_challenge_method": "S256",
                }, redirect_uri, user, password)
                status, _, body = browser.fetch(token, urllib.parse.urlencode({
                    "grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
                    "code_verifier": verifier,
                }).encode(), {"Authorization": f"Basic {basic}"})
                ok = status == 200 and "id_token" in body
            except (SystemExit, OSError):
                ok = False
            with lock:
                if ok:
                    times.append(time.monotonic() - t0)
                else:
                    errors[0] += 1

    start = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(int(conc))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - start
    q = statistics.quantiles(times, n=100) if len(times) > 1 else [0] * 99
    print(f"RESULT rps={len(times) / elapsed:.1f} p50_ms={1000 * q[49]:.3f} p99_ms={1000 * q[98]:.3f} "
          f"requests={len(times)} errors={errors[0]}")


if __name__ == "__main__":
    main()
