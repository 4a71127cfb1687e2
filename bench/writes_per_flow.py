#!/usr/bin/env python3
"""Counts the SQLite commits one SSO code flow makes (issue 24), from the write-ahead log.

usage: writes_per_flow.py DB_FILE ISSUER CLIENT_ID CLIENT_SECRET REDIRECT_URI COOKIE_FILE [FLOWS]

With the server running on DB_FILE and the sessions of COOKIE_FILE signed in (seed_sso.py), it
checkpoints the WAL to empty, runs one flow, holds a read transaction open so that the log cannot
start over (the server checkpoints it several times a second; a log is only rewritten from its
start once no reader needs it), runs FLOWS flows one after another (GET /authorize with a session
cookie → code → POST /token), and counts the commit frames the WAL gained: every write
transaction of the server, its session store included, ends in exactly one (SQLite file format
§4.1: a frame whose "database size after commit" field is non-zero). It also counts all the
frames the log gained: the pages those commits wrote. The server's background
work in that second or two (none of it writes on an idle instance) would count too.
"""

import base64
import sqlite3
import struct
import sys
import urllib.parse

from oidc_browser import Browser, pkce_pair


def commit_frames(wal_path):
    """(the log's salt, its commit frames, all its frames) of the current generation of the
    log. A frame is one page written."""
    data = open(wal_path, "rb").read()
    if len(data) < 32:
        return None, 0, 0
    page_size = struct.unpack(">I", data[8:12])[0]
    salt = data[16:24]
    commits, frames, off = 0, 0, 32
    while off + 24 + page_size <= len(data):
        header = data[off:off + 24]
        if header[8:16] != salt:
            break  # frames of an earlier generation of the log
        frames += 1
        if struct.unpack(">I", header[4:8])[0] != 0:
            commits += 1
        off += 24 + page_size
    return salt, commits, frames


def main():
    db, issuer, client_id, secret, redirect_uri, cookie_file = sys.argv[1:7]
    flows = int(sys.argv[7]) if len(sys.argv) > 7 else 50
    cookies = [line.strip() for line in open(cookie_file) if line.strip()]
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    con = sqlite3.connect(db)
    busy, _, _ = con.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    con.close()
    if busy:
        sys.exit("writes_per_flow: the WAL could not be emptied (a reader was busy); run again")
    browser = Browser()
    verifier, challenge = pkce_pair()
    reader = None
    for i in range(-1, flows):
        if i == 0:
            # Flow -1 put frames in the log; a reader of them keeps it from starting over.
            reader = sqlite3.connect(db, isolation_level=None)
            reader.execute("BEGIN")
            reader.execute("SELECT count(*) FROM sqlite_master").fetchone()
            salt, before, pages_before = commit_frames(db + "-wal")
        query = urllib.parse.urlencode({
            "response_type": "code", "client_id": client_id, "redirect_uri": redirect_uri,
            "scope": "openid", "state": "bench", "code_challenge": challenge,
            "code_challenge_method": "S256",
        })
        status, headers, _ = browser.fetch(f"{issuer}/authorize?{query}",
                                           headers={"Cookie": cookies[i % len(cookies)]})
        location = headers.get("Location", "")
        code = urllib.parse.parse_qs(urllib.parse.urlparse(location).query).get("code")
        if status not in (302, 303) or not code:
            sys.exit(f"writes_per_flow: /authorize answered {status} without a code")
        status, _, body = browser.fetch(f"{issuer}/token", urllib.parse.urlencode({
            "grant_type": "authorization_code", "code": code[0], "redirect_uri": redirect_uri,
            "code_verifier": verifier,
        }).encode(), {"Authorization": f"Basic {basic}"})
        if status != 200 or "id_token" not in body:
            sys.exit(f"writes_per_flow: /token answered {status}")
    after_salt, after, pages_after = commit_frames(db + "-wal")
    reader.close()
    if after_salt != salt:
        sys.exit("writes_per_flow: the WAL started over during the count; run again")
    commits = after - before
    pages = pages_after - pages_before
    print(f"commits per SSO flow: {commits / flows:.2f} ({commits} commits in {flows} flows); "
          f"pages written per flow: {pages / flows:.2f}")


if __name__ == "__main__":
    main()
