#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Static checks of deploy/: every YAML, TOML and JSON file parses, and the files that name one
another agree (handlers, RuntimeClasses, runtimes, tiers, the installer's policy). Prints one
"ok - ..." or "FAIL - ..." line per check, as the shell tests do; exit status 1 on a failure.

    deploy-check.py SOURCE_ROOT
"""
import glob
import json
import os
import re
import sys

import toml
import yaml

root = sys.argv[1]
deploy = os.path.join(root, "deploy")
failures = 0


def check(desc, ok, detail=""):
    global failures
    if ok:
        print(f"ok - {desc}")
    else:
        failures += 1
        print(f"FAIL - {desc}")
        if detail:
            print(f"    {detail}")


def rel(path):
    return os.path.relpath(path, root)


def load(path, loader):
    try:
        with open(path, encoding="utf-8") as f:
            value = loader(f)
    except Exception as err:  # any parse error is the finding
        check(f"{rel(path)} parses", False, str(err))
        return None
    check(f"{rel(path)} parses", True)
    return value


yaml_docs = {}
for path in sorted(glob.glob(f"{deploy}/**/*.yaml", recursive=True)):
    docs = load(path, lambda f: [d for d in yaml.safe_load_all(f) if d is not None])
    if docs is None:
        continue
    yaml_docs[path] = docs
    bad = [i for i, d in enumerate(docs)
           if not (isinstance(d, dict) and d.get("apiVersion") and d.get("kind")
                   and d.get("metadata", {}).get("name"))]
    check(f"{rel(path)}: every document has apiVersion, kind and metadata.name", not bad,
          f"documents {bad}")

tomls = {}
for path in sorted(glob.glob(f"{deploy}/**/*.toml", recursive=True)
                   + glob.glob(f"{deploy}/**/*.conf", recursive=True)):
    value = load(path, toml.load)
    if value is not None:
        tomls[path] = value

policies = {}
for path in sorted(glob.glob(f"{deploy}/**/policy.json", recursive=True)):
    value = load(path, json.load)
    if value is not None:
        policies[path] = value


def tiers_of(path):
    return set(policies.get(path, {}).get("tiers", {}))


main_policy = os.path.join(deploy, "policy", "policy.json")
gitlab_policy = os.path.join(deploy, "gitlab-runner", "policy.json")

# --- containerd and Kubernetes ---------------------------------------------------------------
def handlers(path, plugin):
    runtimes = (tomls.get(path, {}).get("plugins", {}).get(plugin, {})
                .get("containerd", {}).get("runtimes", {}))
    return {name: h.get("options", {}).get("BinaryName") for name, h in runtimes.items()}


v2 = handlers(os.path.join(deploy, "containerd", "runwarden.toml"), "io.containerd.grpc.v1.cri")
v3 = handlers(os.path.join(deploy, "containerd", "containerd-2", "runwarden.toml"),
              "io.containerd.cri.v1.runtime")
check("the containerd 1.x drop-in declares handlers", bool(v2))
check("the containerd 2.x drop-in has the same handlers and binaries as the 1.x one", v2 == v3,
      f"1.x {v2}, 2.x {v3}")
v2_tables = tomls.get(os.path.join(deploy, "containerd", "runwarden.toml"), {}).get(
    "plugins", {}).get("io.containerd.grpc.v1.cri")
v3_tables = tomls.get(os.path.join(deploy, "containerd", "containerd-2", "runwarden.toml"), {}).get(
    "plugins", {}).get("io.containerd.cri.v1.runtime")
check("the containerd 2.x drop-in's tables equal the 1.x ones", v2_tables == v3_tables)
for name, binary in sorted(v2.items()):
    check(f"handler {name} runs the binary of its own name", binary is not None
          and os.path.basename(binary) == name, f"BinaryName {binary}")
    if name.startswith("runwarden-"):
        check(f"handler {name}: tier {name[len('runwarden-'):]} is in deploy/policy/policy.json",
              name[len("runwarden-"):] in tiers_of(main_policy))
check("handlers exist for every tier of deploy/policy/policy.json",
      {"runwarden-" + t for t in tiers_of(main_policy)} <= set(v2),
      f"tiers {sorted(tiers_of(main_policy))}, handlers {sorted(v2)}")

k8s = [d for p, docs in yaml_docs.items() for d in docs if "kubernetes" in p]
classes = {d["metadata"]["name"]: d.get("handler") for d in k8s if d.get("kind") == "RuntimeClass"}
check("deploy/kubernetes has RuntimeClasses", bool(classes))
for name, handler in sorted(classes.items()):
    check(f"RuntimeClass {name} names a handler of the containerd drop-in", handler in v2,
          f"handler {handler}")
check("a RuntimeClass for every handler", set(v2) <= set(classes.values()))
configmaps = [d for d in k8s if d.get("kind") == "ConfigMap" and "policy.json" in d.get("data", {})]
with open(main_policy, encoding="utf-8") as f:
    main_text = f.read()
check("the installer's ConfigMap holds deploy/policy/policy.json byte for byte",
      len(configmaps) == 1 and configmaps[0]["data"]["policy.json"] == main_text)
daemonsets = [d for d in k8s if d.get("kind") == "DaemonSet"]
check("the installer DaemonSet runs only on labelled nodes",
      len(daemonsets) == 1 and daemonsets[0]["spec"]["template"]["spec"].get("nodeSelector")
      == {"runwarden.io/enabled": "true"})
check("the RuntimeClasses schedule on the same label",
      all(d.get("scheduling", {}).get("nodeSelector") == {"runwarden.io/enabled": "true"}
          for d in k8s if d.get("kind") == "RuntimeClass"))
check("the installer itself runs under the node's default runtime, not runwarden",
      len(daemonsets) == 1 and "runtimeClassName" not in daemonsets[0]["spec"]["template"]["spec"])
with open(os.path.join(deploy, "kubernetes", "installer", "Containerfile"), encoding="utf-8") as f:
    containerfile = f.read()
check("the installer image carries the drop-ins and the merge tool the tests use",
      all(s in containerfile for s in ("deploy/containerd/runwarden.toml",
                                       "deploy/containerd/containerd-2/runwarden.toml",
                                       "deploy/containerd/merge-dropin.py",
                                       "deploy/kubernetes/installer/install.sh")))

# --- GitLab Runner ---------------------------------------------------------------------------
runners = tomls.get(os.path.join(deploy, "gitlab-runner", "config.toml"), {}).get("runners", [])
check("config.toml has runners", bool(runners))
for r in runners:
    if r.get("executor") == "docker":
        rt = r.get("docker", {}).get("runtime", "")
        check(f"GitLab runner {r['name']}: runtime {rt} is runwarden-TIER of a tier in "
              "deploy/gitlab-runner/policy.json",
              rt.startswith("runwarden-") and rt[len("runwarden-"):] in tiers_of(gitlab_policy))
        check(f"GitLab runner {r['name']}: not privileged, no docker socket volume",
              r["docker"].get("privileged") is False
              and not any("docker.sock" in v for v in r["docker"].get("volumes", [])))
    elif r.get("executor") == "kubernetes":
        rc = r.get("kubernetes", {}).get("runtime_class_name")
        check(f"GitLab runner {r['name']}: runtime_class_name {rc} is a RuntimeClass", rc in classes)
        check(f"GitLab runner {r['name']}: jobs may not overwrite pod annotations",
              not r["kubernetes"].get("pod_annotations_overwrite_allowed"))

# --- podman ----------------------------------------------------------------------------------
pconf = tomls.get(os.path.join(deploy, "podman", "runwarden.conf"), {}).get("engine", {})
for name, paths in sorted(pconf.get("runtimes", {}).items()):
    check(f"podman runtime {name} runs the binary of its own name",
          len(paths) == 1 and os.path.basename(paths[0]) == name)
    check(f"podman runtime {name} is in runtime_supports_json",
          name in pconf.get("runtime_supports_json", []))

# --- Every deploy folder of the engines says what it protects and what it does not ------------
for folder in ("containerd", "kubernetes", "gitlab-runner", "github-actions", "podman"):
    path = os.path.join(deploy, folder, "README.md")
    text = open(path, encoding="utf-8").read() if os.path.exists(path) else ""
    check(f"deploy/{folder}/README.md says what it protects and what it does not",
          re.search(r"^## What this protects", text, re.M) is not None
          and re.search(r"^## What it does not protect", text, re.M) is not None)

sys.exit(1 if failures else 0)
