"""The prototype floor: the least a validator of these files must do, in two processes.

Read each evidence file, split off its front matter, load it with libyaml's C loader and
check it with a compiled validator (jsonschema-rs) against the evidence schema. No
positions, no duplicate-key or limit checks, no cross-references, no rules: what the
issue measured at ~85-100 us a file, and what `perfdocs validate` is compared with.

    python bench/prototype.py RECORDS_FOLDER
"""

from __future__ import annotations

import gc
import json
import multiprocessing
import sys
from pathlib import Path

import jsonschema_rs
import yaml

SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"


class Loader(yaml.CSafeLoader):
    """libyaml's loader, with dates left as text (as JSON, and so the schema, has them)."""


Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.CSafeLoader.yaml_implicit_resolvers.items()
}


def _validator():
    docs = [json.loads(p.read_text()) for p in sorted(SCHEMAS.glob("*.schema.json"))]
    registry = jsonschema_rs.Registry([(d["$id"], d) for d in docs])
    evidence = next(d for d in docs if d["$id"].endswith("/evidence.schema.json"))
    return jsonschema_rs.validator_for(evidence, registry=registry, validate_formats=True)


def check(paths: list[str]) -> int:
    gc.disable()
    valid = _validator()
    bad = 0
    for path in paths:
        with open(path, "rb") as fh:
            text = fh.read().decode("utf-8")
        front = text.split("---\n", 2)[1]
        bad += not valid.is_valid(yaml.load(front, Loader=Loader))
    return bad


def main() -> int:
    files = sorted(str(p) for p in Path(sys.argv[1]).glob("people/*/evidence/*.md"))
    half = len(files) // 2
    with multiprocessing.get_context("fork").Pool(1) as pool:
        other = pool.apply_async(check, (files[half:],))
        bad = check(files[:half]) + other.get()
    print(f"{len(files)} files, {bad} invalid")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
