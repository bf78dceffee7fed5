#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""meson install script: one runwarden-TIER symlink per tier of the shipped policy.

runwarden takes its tier from the name it is invoked as (docs/policy.md, "Choosing the tier"), so
an engine registers runwarden-TIER by path. The names come from the policy file when installing,
never from a list kept by hand. With MANDIR, each link also gets its manual page, a link to
runwarden(8). usage: install-tier-links.py POLICY BINDIR [MANDIR]
"""
import json
import os
import re
import sys

# The policy's own rule for tier names (docs/policy.md); it also keeps a name inside BINDIR.
TIER_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,62}\Z")


def no_duplicates(pairs):
    keys = [k for k, _ in pairs]
    for k in keys:
        if keys.count(k) > 1:
            raise ValueError(f"duplicate key {k!r}")
    return dict(pairs)


def tiers_of(policy):
    with open(policy, encoding="utf-8") as f:
        doc = json.load(f, object_pairs_hook=no_duplicates)
    tiers = doc.get("tiers") if isinstance(doc, dict) else None
    if not isinstance(tiers, dict) or not tiers:
        raise ValueError("no tiers object")
    for name in tiers:
        if not TIER_NAME.match(name) or name == "baseline":
            raise ValueError(f"tier name {name!r} is not a valid tier name")
    return sorted(tiers)


def destination(bindir):
    """A directory under DESTDIR, as meson installs files there."""
    prefix = os.environ.get("MESON_INSTALL_PREFIX", "")
    destdir_prefix = os.environ.get("MESON_INSTALL_DESTDIR_PREFIX", prefix)
    if prefix and (bindir == prefix or bindir.startswith(prefix.rstrip("/") + "/")):
        return destdir_prefix + bindir[len(prefix.rstrip("/")):]
    destdir = os.environ.get("DESTDIR", "")
    return os.path.join(destdir, bindir.lstrip("/")) if destdir else bindir


def link(target_dir, name, points_to, quiet, dry):
    path = os.path.join(target_dir, name)
    if not quiet:
        print(f"Installing symlink pointing to {points_to} to {path}")
    if dry or (os.path.islink(path) and os.readlink(path) == points_to):
        return
    # A new link renamed over the old name: never a moment without one.
    tmp = path + ".tmp-install"
    if os.path.lexists(tmp):
        os.unlink(tmp)
    os.symlink(points_to, tmp)
    os.replace(tmp, path)


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit("usage: install-tier-links.py POLICY BINDIR [MANDIR]")
    policy, bindir = sys.argv[1], sys.argv[2]
    try:
        tiers = tiers_of(policy)
    except (OSError, ValueError) as e:
        sys.exit(f"install-tier-links: {policy}: {e}")
    quiet = bool(os.environ.get("MESON_INSTALL_QUIET"))
    dry = bool(os.environ.get("MESON_INSTALL_DRY_RUN"))
    for tier in tiers:
        link(destination(bindir), "runwarden-" + tier, "runwarden", quiet, dry)
        if len(sys.argv) == 4:
            link(os.path.join(destination(sys.argv[3]), "man8"), f"runwarden-{tier}.8",
                 "runwarden.8", quiet, dry)


if __name__ == "__main__":
    main()
