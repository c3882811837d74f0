#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Every ```yaml example in the given Markdown files parses, and every automation example has
the shape Home Assistant (2024.10+ syntax: triggers/actions) reads. Usage: FILE.md..."""
import re
import sys

import yaml


class DocLoader(yaml.SafeLoader):
    """Home Assistant's and ESPHome's own tags (!secret, !include ...) as plain values."""


DocLoader.add_multi_constructor("!", lambda loader, suffix, node: loader.construct_scalar(node))


def check_automation(doc, where):
    problems = []
    triggers = doc.get("triggers")
    if not isinstance(triggers, list) or not triggers:
        return [f"{where}: triggers is not a non-empty list"]
    for t in triggers:
        if not isinstance(t, dict) or "trigger" not in t:
            problems.append(f"{where}: a trigger without 'trigger:' ({t!r})")
        elif t["trigger"] == "state":
            for key in ("not_from", "not_to"):
                if key in t and not isinstance(t[key], list):
                    problems.append(f"{where}: {key} must be a list")
    for action in doc.get("actions", []):
        if not isinstance(action, dict) or "action" not in action:
            problems.append(f"{where}: an action without 'action:' ({action!r})")
    return problems


def main(paths):
    problems, blocks = [], 0
    for path in paths:
        text = open(path, encoding="utf-8").read()
        for match in re.finditer(r"```yaml\n(.*?)```", text, re.S):
            blocks += 1
            line = text.count("\n", 0, match.start()) + 2
            where = f"{path}:{line}"
            try:
                doc = yaml.load(match.group(1), Loader=DocLoader)
            except yaml.YAMLError as e:
                problems.append(f"{where}: not YAML: {e}")
                continue
            if isinstance(doc, dict) and "triggers" in doc:
                problems += check_automation(doc, where)
    if blocks == 0:
        problems.append("no yaml examples found")
    for p in problems:
        print(p)
    print(f"{blocks} yaml examples checked, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
