"""Prints the README's results table from the JSON files the two suites write
(`INTEROP_TABLE=path tests/interop/run.sh` writes it to path)."""

import json
import sys


def main(paths):
    print("| module | what it checks | result |")
    print("| --- | --- | --- |")
    for path in paths:
        try:
            with open(path, encoding="utf-8") as f:
                rows = json.load(f)
        except FileNotFoundError:
            continue
        for r in rows:
            result = "pass" if r["ok"] else "**FAIL**"
            if r["note"]:
                result += f" ({r['note']})"
            checks = r["checks"].replace("|", "\\|")
            print(f"| `{r['module']}` | {checks} | {result.replace('|', '/')} |")


if __name__ == "__main__":
    main(sys.argv[1:])
