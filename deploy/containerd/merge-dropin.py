#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Merge runwarden's containerd runtime handlers into a containerd config.toml, key by key.

    merge-dropin.py [--dry-run] [--remove] [--backup FILE] CONFIG DROPIN...

containerd 1.6 and 1.7 replace a whole plugin section with an imported file's (config
`imports`), so a drop-in that adds a CRI runtime handler would erase the node's other CRI
settings. This does what containerd 2.x does with imports instead: tables are merged key by key,
a value of the drop-in replaces the same key's value, and every other key of CONFIG stays. Each
handler the drop-in adds takes SystemdCgroup from the config's existing runc handler, because it
must agree with kubelet's cgroup driver. A config without handlers of its own (Debian's) relies
on containerd's built-in "runc" handler, which a runtimes table in the file replaces: the merge
then declares that handler, as containerd's default has it, so that the default runtime is still
there (without it the CRI plugin does not load at all).

CONFIG is rewritten atomically (a new file, fsync, rename) and the old one is kept as --backup
(default CONFIG.before-runwarden, written once: a second run never overwrites the original). A
missing CONFIG is created. Nothing is written when the merged configuration equals the current
one. The diff is printed either way; --dry-run prints it and writes nothing.

--remove takes the drop-ins' handlers out of CONFIG again (only the handler tables; the runc
handler a merge may have declared stays, it is containerd's default anyway).

Exit status: 0 on success (changed or not), 1 on an error (nothing written). Comments of CONFIG
are not kept (the backup keeps them).
"""
import argparse
import copy
import difflib
import os
import sys
import tempfile

import toml

# Where each config version keeps the CRI runtime handlers.
RUNTIMES = {
    2: ("plugins", "io.containerd.grpc.v1.cri", "containerd", "runtimes"),
    3: ("plugins", "io.containerd.cri.v1.runtime", "containerd", "runtimes"),
}


def dig(table, keys):
    for key in keys:
        if not isinstance(table, dict) or key not in table:
            return None
        table = table[key]
    return table


def merge(into, dropin, path=()):
    for key, value in dropin.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            merge(into[key], value, path + (key,))
        elif key in into and isinstance(into[key], dict) != isinstance(value, dict):
            where = ".".join(path + (key,))
            raise ValueError(f"{where} is a table in one file and a value in the other")
        else:
            into[key] = copy.deepcopy(value)


def version_of(config, name):
    version = config.get("version", 1)
    if version not in RUNTIMES:
        raise ValueError(f"{name}: config version {version} is not supported "
                         f"(containerd 1.6/1.7 use 2, containerd 2.x uses 3)")
    return version


def keep_default_handler(merged, current, version):
    """A runtimes table in the file replaces containerd's built-in one, runc included."""
    if dig(current, RUNTIMES[version]) is not None:
        return
    cri = dig(merged, RUNTIMES[version][:3])
    default = cri.get("default_runtime_name", "runc")
    if default == "runc" and "runc" not in cri["runtimes"]:
        cri["runtimes"]["runc"] = {"runtime_type": "io.containerd.runc.v2"}


def remove_handlers(merged, dropin, version):
    runtimes = dig(merged, RUNTIMES[version])
    for name in dig(dropin, RUNTIMES[version]) or {}:
        if isinstance(runtimes, dict):
            runtimes.pop(name, None)


def follow_runc_cgroup_driver(merged, dropin, version):
    runtimes = dig(merged, RUNTIMES[version])
    systemd = dig(runtimes, ("runc", "options", "SystemdCgroup"))
    if systemd is None:
        return
    for name in dig(dropin, RUNTIMES[version]) or {}:
        options = dig(runtimes, (name, "options"))
        if isinstance(options, dict) and name != "runc":
            options["SystemdCgroup"] = systemd


def write_atomically(path, text, backup):
    directory = os.path.dirname(os.path.abspath(path))
    if os.path.exists(path) and not os.path.exists(backup):
        with open(path, "rb") as src:
            old = src.read()
        write_file(directory, backup, old)
    mode = os.stat(path).st_mode & 0o7777 if os.path.exists(path) else 0o644
    write_file(directory, path, text.encode(), mode)


def write_file(directory, path, data, mode=0o644):
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".runwarden-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fchmod(f.fileno(), mode)
            os.fsync(f.fileno())
        os.rename(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
    dfd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(dfd)
    finally:
        os.close(dfd)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--dry-run", action="store_true")
    p.add_argument("--remove", action="store_true")
    p.add_argument("--backup")
    p.add_argument("config")
    p.add_argument("dropins", nargs="+")
    o = p.parse_args()

    try:
        if os.path.exists(o.config):
            with open(o.config, encoding="utf-8") as f:
                old_text = f.read()
            current = toml.loads(old_text)
        else:
            old_text, current = "", {}
        merged = copy.deepcopy(current)
        for name in o.dropins:
            dropin = toml.load(name)
            version = version_of(dropin, name)
            if current and version_of(current, o.config) != version:
                raise ValueError(f"{name} is config version {version}, {o.config} is "
                                 f"version {current.get('version', 1)}")
            if o.remove:
                remove_handlers(merged, dropin, version)
                continue
            merge(merged, dropin)
            if dig(dropin, RUNTIMES[version]) is not None:
                keep_default_handler(merged, current, version)
                follow_runc_cgroup_driver(merged, dropin, version)
    except (OSError, ValueError, toml.TomlDecodeError) as err:
        print(f"merge-dropin: {err}", file=sys.stderr)
        return 1

    new_text = toml.dumps(merged)
    if merged == current:
        print(f"{o.config}: nothing to change")
        return 0
    sys.stdout.writelines(difflib.unified_diff(
        old_text.splitlines(keepends=True), new_text.splitlines(keepends=True),
        o.config, o.config + " (merged)"))
    if o.dry_run:
        return 0
    try:
        write_atomically(o.config, new_text, o.backup or o.config + ".before-runwarden")
    except OSError as err:
        print(f"merge-dropin: {err}", file=sys.stderr)
        return 1
    what = "removed the handlers of" if o.remove else "merged"
    print(f"{o.config}: {what} {', '.join(o.dropins)}; restart containerd to apply")
    return 0


if __name__ == "__main__":
    sys.exit(main())
