#!/usr/bin/env python3
"""Turns a bench/results/<time>/ folder into a Markdown summary: medians of the runs, ratios."""

import csv
import statistics
import sys
from pathlib import Path

out = Path(sys.argv[1])
rows = list(csv.DictReader((out / "results.tsv").open(), delimiter="\t"))
by = {}
for r in rows:
    by.setdefault((r["server"], r["scenario"]), []).append(r)


def med(key, field):
    runs = by.get(key)
    return statistics.median(float(r[field]) for r in runs) if runs else None


sign = {}
sign_file = out / "sign_rate.tsv"
for line in (sign_file.read_text() if sign_file.exists() else "").split("\n"):
    if line.strip():
        alg, _run, rate = line.split("\t")
        sign.setdefault(alg, []).append(float(rate))
sign = {alg: statistics.median(v) for alg, v in sign.items()}

print((out / "machine.txt").read_text().strip().replace("\n", "  \n"))
print()
print("| server | scenario | req/s (median) | p50 ms | p99 ms | runs | errors |")
print("|---|---|---:|---:|---:|---:|---:|")
for (server, scenario), runs in by.items():
    errors = sum(int(r["errors"]) for r in runs)
    print(f"| {server} | {scenario} | {med((server, scenario), 'rps'):,.0f} | "
          f"{med((server, scenario), 'p50_ms'):.2f} | {med((server, scenario), 'p99_ms'):.2f} | "
          f"{len(runs)} | {errors} |")
print()
print("| raw signing (the server's signers: josekit/OpenSSL for RS256, aws-lc-rs for ES256 and EdDSA) and argon2id verification, one core | per second (median) |")
print("|---|---:|")
for alg, rate in sign.items():
    print(f"| {alg} | {rate:,.0f} |")
print()
print("| ratio | value |")
print("|---|---:|")
for alg in ("RS256", "ES256", "EdDSA"):
    t = med(("tessera", f"client_credentials_{alg}"), "rps")
    if t and alg in sign:
        print(f"| tessera client_credentials {alg} / raw {alg} signing | {100 * t / sign[alg]:.0f} % |")
for scenario in (
    "client_credentials_RS256", "client_credentials_ES256", "client_credentials_EdDSA", "jwks", "discovery",
):
    t, n = med(("tessera", scenario), "rps"), med(("node", scenario), "rps")
    if t and n:
        print(f"| tessera / node-oidc-provider, {scenario} | {t / n:.1f}x |")
# The SSO code flow (bench/sso.sh): two signatures per flow on Tessera (ID and access token).
t_es, t_rs, n_rs = (med(k, "rps") for k in (("tessera", "sso_ES256"), ("tessera", "sso_RS256"), ("node", "sso_RS256")))
if t_es and n_rs:
    print(f"| SSO flow: tessera ES256 / node-oidc-provider RS256 | {t_es / n_rs:.1f}x |")
if t_rs and n_rs:
    print(f"| SSO flow: tessera RS256 / node-oidc-provider RS256 | {t_rs / n_rs:.1f}x |")
if t_rs and "RS256" in sign:
    print(f"| SSO flow: tessera RS256 / what two RS256 signatures allow ({sign['RS256'] / 2:,.0f}/s) | "
          f"{100 * t_rs / (sign['RS256'] / 2):.0f} % |")
full = med(("tessera", "full_sign_in"), "rps")
if full and "argon2id" in sign:
    print(f"| full sign-in / raw argon2id verification ({sign['argon2id']:,.1f}/s) | {100 * full / sign['argon2id']:.0f} % |")
floor = med(("floor", "jwks"), "rps")
if floor:
    print()
    print("Ceiling for client_credentials on this core: the HTTP floor (bare axum, same body size as")
    print("the JWKS) plus one signature, with no other work at all: on paper, 1 / (1/floor + 1/signs),")
    print("and measured, the floor spinning on the CPU for one signature's time on each request.")
    print()
    print("| ceiling | req/s | × node-oidc-provider |")
    print("|---|---:|---:|")
    print(f"| bare axum JWKS-sized answer | {floor:,.0f} | |")
    for alg in ("RS256", "ES256", "EdDSA"):
        if alg in sign:
            ceiling = 1 / (1 / floor + 1 / sign[alg])
            n = med(("node", f"client_credentials_{alg}"), "rps")
            vs = f"{ceiling / n:.1f}x" if n else ""
            print(f"| floor + one {alg} signature, on paper | {ceiling:,.0f} | {vs} |")
            measured = med(("floor", f"plus_{alg}_signature_time"), "rps")
            if measured:
                vs = f"{measured / n:.1f}x" if n else ""
                print(f"| floor spinning one {alg} signature's time, measured | {measured:,.0f} | {vs} |")
