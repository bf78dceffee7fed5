#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The inputs of the benchmarks: engine specs made runnable on this host, synthetic large specs,
the shipped policy pointed at the benchmark's own directories.

  specs.py adapt FIXTURE BUNDLE ENGINE_DIR ID TIER ARGS_JSON
      a captured engine config.json made runnable here as container ID, written to
      BUNDLE/config.json: its root filesystem is BUNDLE/rootfs (absolute when the engine wrote an
      absolute path, as docker does), docker's per-container binds (resolv.conf, hostname, hosts)
      moved to ENGINE_DIR/containers/ID/ (files created; ENGINE_DIR is the policy's docker
      data_root), no hooks (docker's libnetwork hook runs the capturing dockerd's binary), the
      cgroup /rwbench/ID, the process ARGS_JSON ("-": as captured), and the annotations TIER needs
      in the shipped policy (the tier itself is chosen with --tier, as an operator does)
  specs.py synth BUNDLE ENV MOUNTS
      BUNDLE/config.json grown by ENV environment entries and MOUNTS tmpfs mounts
  specs.py pad BUNDLE KIB
      BUNDLE/config.json grown with environment entries and tmpfs mounts (2:1) to KIB KiB
  specs.py policy POLICY ENGINE_DIR AUDIT_LOG OUT
      the shipped policy with its decision log at AUDIT_LOG and ENGINE_DIR as docker's data_root
      (its "engines" section), where the adapted specs' per-container files live
  specs.py process SPEC OUT
      the spec's process with args ["true"], as `docker exec` hands it over (--process FILE)
"""
import json
import os
import sys

# What a tier of the shipped policy requires of a spec (its "require" section).
TIER_ANNOTATIONS = {
    "untrusted": {},
    "trusted": {},
    "service": {"runwarden.io/owner": "bench"},
}


def load(path):
    with open(path) as f:
        return json.load(f)


def dumps(doc):
    # As docker and containerd write it: compact, one line, no newline at the end.
    return json.dumps(doc, separators=(",", ":"))


def save(doc, path):
    with open(path, "w") as f:
        f.write(dumps(doc))


def adapt(fixture, bundle, engine_dir, cid, tier, args_json):
    spec = load(fixture)
    root = spec.setdefault("root", {"path": "rootfs"})
    root["path"] = os.path.join(bundle, "rootfs") if root["path"].startswith("/") else "rootfs"
    spec.pop("hooks", None)
    if args_json != "-":
        spec["process"]["args"] = json.loads(args_json)
    spec["process"]["terminal"] = False
    cdir = os.path.join(engine_dir, "containers", cid)
    os.makedirs(cdir, exist_ok=True)
    for m in spec.get("mounts", []):
        src = m.get("source", "")
        parts = src.split("/")
        # /var/lib/docker/containers/ID/NAME: this container's own file in docker's data root
        if m.get("type") == "bind" and src.startswith("/var/lib/docker/containers/") and \
                len(parts) == 7:
            name = parts[-1]
            m["source"] = os.path.join(cdir, name)
            with open(m["source"], "w") as f:
                f.write({"hostname": "bench\n", "hosts": "127.0.0.1 localhost bench\n",
                         "resolv.conf": "nameserver 127.0.0.1\n"}.get(name, ""))
    linux = spec.setdefault("linux", {})
    if "cgroupsPath" in linux:
        linux["cgroupsPath"] = "/rwbench/" + cid
    ann = dict(spec.get("annotations", {}))
    ann.update(TIER_ANNOTATIONS[tier])
    if ann:
        spec["annotations"] = ann
    save(spec, os.path.join(bundle, "config.json"))


def env_entry(i):
    # Plain words: a benchmark of the secret detector's hot path, not of a refusal.
    return "BENCH_SETTING_%05d=build-option-value-number-%05d" % (i, i)


def mount_entry(i):
    return {"destination": "/bench/scratch/m%05d" % i, "type": "tmpfs", "source": "tmpfs",
            "options": ["nosuid", "nodev", "mode=755", "size=1m"]}


def synth(bundle, n_env, n_mounts):
    path = os.path.join(bundle, "config.json")
    spec = load(path)
    spec["process"]["env"] += [env_entry(i) for i in range(int(n_env))]
    spec["mounts"] += [mount_entry(i) for i in range(int(n_mounts))]
    save(spec, path)


def pad(bundle, kib):
    path = os.path.join(bundle, "config.json")
    spec = load(path)
    target = int(kib) * 1024
    i = 0
    while len(dumps(spec)) < target:
        spec["process"]["env"].append(env_entry(i))
        if i % 2 == 0:
            spec["mounts"].append(mount_entry(i))
        i += 1
    save(spec, path)


def policy(src, engine_dir, audit_log, out):
    doc = load(src)
    doc["audit_log"]["path"] = audit_log
    doc.setdefault("engines", {}).setdefault("docker", {})["data_root"] = engine_dir
    save(doc, out)


def process(spec_path, out):
    proc = load(spec_path)["process"]
    proc["args"] = ["true"]
    save(proc, out)


def main():
    cmds = {"adapt": (adapt, 6), "synth": (synth, 3), "pad": (pad, 2), "policy": (policy, 4),
            "process": (process, 2)}
    if len(sys.argv) < 2 or sys.argv[1] not in cmds or len(sys.argv) - 2 != cmds[sys.argv[1]][1]:
        sys.exit(__doc__)
    fn, _ = cmds[sys.argv[1]]
    fn(*sys.argv[2:])


if __name__ == "__main__":
    main()
