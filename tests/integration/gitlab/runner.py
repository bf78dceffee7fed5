#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Run one CI job against dockerd's API the way GitLab Runner's docker executor does.

    runner.py --socket SOCK [--keep] JOB_JSON

The job (JSON): runner {token, runtime, concurrent, cache_dir}, project {id, path}, job {id,
ref, protected}, variables {NAME: VALUE}, image, helper_image, services [{name, alias,
command}], script [lines], cache {key, paths}; for the test: helper_script (lines added to every
helper stage) and service_network (the alias of a service whose network namespace the job
joins, standing in for the per-job network a bridge would give). --keep: leave the containers
(the test inspects them and removes them).

What the runner does, and so this does: named cache volumes for the builds directory and /cache
(runner-TOKEN-project-ID-concurrent-N-cache-MD5(path)), or with the runner's cache_dir host
directories CACHE_DIR/runner-TOKEN-project-ID-concurrent-N/MD5(path); a "predefined" helper container for
get_sources and restore_cache before the job and archive_cache after it; service containers
started first; the build container; every stage's script sent to the container's shell over an
attached stdin, its output read back from the attach stream; HostConfig.Runtime set on every
container. The job log goes to stdout; each container is announced with a line

    container ROLE NAME ID

so that the test can find it in runwarden's decision log. The exit status is 0 when every stage
succeeded, 1 when one failed (as the job would), 2 on an API error outside the job.
"""
import argparse
import hashlib
import http.client
import json
import socket
import struct
import sys
import urllib.parse

# What the runner sends as the container's command: find a shell, then read the stage's script
# from stdin (the runner's shell detection, shortened).
DETECT_SHELL = ("if [ -x /usr/local/bin/bash ]; then exec /usr/local/bin/bash; "
                "elif [ -x /bin/bash ]; then exec /bin/bash; "
                "elif [ -x /bin/sh ]; then exec /bin/sh; "
                "else echo shell not found; exit 1; fi")


class ApiError(Exception):
    pass


class Docker:
    def __init__(self, path):
        self.path = path
        self.prefix = ""
        version = self.call("GET", "/version")
        self.prefix = "/v" + version["ApiVersion"]

    def _connect(self):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.connect(self.path)
        return sock

    def call(self, method, path, body=None, query=None, ok=(200, 201, 204, 304)):
        conn = http.client.HTTPConnection("docker")
        conn.sock = self._connect()
        url = self.prefix + path
        if query:
            url += "?" + urllib.parse.urlencode(query)
        headers = {"Host": "docker"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        conn.request(method, url, body=data, headers=headers)
        resp = conn.getresponse()
        raw = resp.read()
        conn.close()
        if resp.status not in ok:
            try:
                message = json.loads(raw).get("message", raw.decode(errors="replace"))
            except ValueError:
                message = raw.decode(errors="replace")
            raise ApiError(f"{method} {path}: {resp.status}: {message}")
        return json.loads(raw) if raw.strip() else None

    def attach(self, cid):
        """A hijacked attach connection (stdin, stdout, stderr), as the runner opens it."""
        sock = self._connect()
        query = "stream=1&stdin=1&stdout=1&stderr=1"
        request = (f"POST {self.prefix}/containers/{cid}/attach?{query} HTTP/1.1\r\n"
                   "Host: docker\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n"
                   "Content-Length: 0\r\n\r\n")
        sock.sendall(request.encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = sock.recv(1)
            if not chunk:
                raise ApiError("attach: connection closed during the upgrade")
            head += chunk
        status = head.split(b"\r\n", 1)[0]
        if b" 101 " not in status and b" 200 " not in status:
            raise ApiError(f"attach: {status.decode(errors='replace')}")
        return sock


def read_stream(sock, out):
    """docker's multiplexed stream: 8-byte headers (stream, 0, 0, 0, size), then the payload."""
    buf = b""
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            break
        buf += chunk
        while len(buf) >= 8:
            size = struct.unpack(">I", buf[4:8])[0]
            if len(buf) < 8 + size:
                break
            out.write(buf[8:8 + size].decode(errors="replace"))
            out.flush()
            buf = buf[8 + size:]


def md5(text):
    return hashlib.md5(text.encode()).hexdigest()


class Runner:
    def __init__(self, docker, job):
        self.docker = docker
        self.job = job
        r, p = job["runner"], job["project"]
        self.unique = (f"runner-{r['token'][:8]}-project-{p['id']}"
                       f"-concurrent-{r.get('concurrent', 0)}")
        self.builds_dir = "/builds"
        self.project_dir = f"/builds/{p['path']}"
        self.created = []

    def labels(self, kind):
        j, p = self.job["job"], self.job["project"]
        base = "com.gitlab.gitlab-runner."
        return {base + "type": kind, base + "job.id": str(j["id"]),
                base + "job.ref": j["ref"], base + "project.id": str(p["id"]),
                base + "runner.id": self.job["runner"]["token"][:8], base + "managed": "true"}

    def env(self):
        j, p = self.job["job"], self.job["project"]
        env = {
            "CI": "true", "GITLAB_CI": "true", "CI_SERVER_URL": "https://gitlab.example.com",
            "CI_JOB_ID": str(j["id"]), "CI_JOB_TOKEN": j.get("token", "glcbt-64_0000000000000000000"),
            "CI_PROJECT_ID": str(p["id"]), "CI_PROJECT_PATH": p["path"],
            "CI_PROJECT_DIR": self.project_dir, "CI_BUILDS_DIR": self.builds_dir,
            "CI_COMMIT_REF_NAME": j["ref"],
            "CI_COMMIT_REF_PROTECTED": "true" if j.get("protected") else "false",
            "CI_COMMIT_SHA": md5(j["ref"]) + md5(str(j["id"]))[:8],
            "CI_REPOSITORY_URL": f"https://gitlab-ci-token:[MASKED]@gitlab.example.com/{p['path']}.git",
            "CI_RUNNER_SHORT_TOKEN": self.job["runner"]["token"][:8],
            "CI_PIPELINE_SOURCE": j.get("source", "push"),
        }
        env.update(self.job.get("variables", {}))
        return [f"{k}={v}" for k, v in env.items()]

    def volumes(self):
        binds = []
        cache_dir = self.job["runner"].get("cache_dir")
        for path in (self.builds_dir, "/cache"):
            if cache_dir:
                source = f"{cache_dir}/{self.unique}/{md5(path)}"
            else:
                source = f"{self.unique}-cache-{md5(path)}"
                self.docker.call("POST", "/volumes/create",
                                 {"Name": source, "Labels": self.labels("cache")})
            binds.append(f"{source}:{path}")
            print(f"volume {path} {source}")
        return binds

    def create(self, role, name, image, binds, cmd=None, network="none", env=None,
               stdin=True):
        body = {
            "Image": image,
            "Env": env if env is not None else self.env(),
            "Labels": self.labels(role),
            "AttachStdin": stdin, "AttachStdout": stdin, "AttachStderr": stdin,
            "OpenStdin": stdin, "StdinOnce": stdin, "Tty": False,
            "HostConfig": {
                "Runtime": self.job["runner"]["runtime"],
                "Binds": binds,
                "NetworkMode": network,
                "RestartPolicy": {"Name": "no"},
                "LogConfig": {"Type": "json-file"},
                "Privileged": False,
            },
        }
        if cmd is not None:
            body["Cmd"] = cmd
        resp = self.docker.call("POST", "/containers/create", body, {"name": name})
        cid = resp["Id"]
        self.created.append(cid)
        print(f"container {role} {name} {cid}", flush=True)
        return cid

    def stage(self, role, name, image, binds, script, network="none", env=None):
        """One stage: a container whose shell reads SCRIPT from stdin; True when it exits 0."""
        print(f"$ stage {name}", flush=True)
        if role == "predefined":
            script += "".join(line + "\n" for line in self.job.get("helper_script", []))
        cid = self.create(role, name, image, binds, ["sh", "-c", DETECT_SHELL], network, env)
        sock = self.docker.attach(cid)
        try:
            try:
                self.docker.call("POST", f"/containers/{cid}/start")
            except ApiError as err:
                # What the runner prints in the job log when the container cannot start.
                print(f"ERROR: Job failed (system failure): {err}", flush=True)
                return False
            sock.sendall(script.encode())
            sock.shutdown(socket.SHUT_WR)
            read_stream(sock, sys.stdout)
        finally:
            sock.close()
        status = self.docker.call("POST", f"/containers/{cid}/wait")["StatusCode"]
        if status != 0:
            print(f"ERROR: Job failed: exit code {status}", flush=True)
        return status == 0

    def service(self, binds, svc):
        name = f"{self.unique}-{svc['alias']}-0"
        print(f"$ service {svc['alias']}", flush=True)
        cid = self.create("service", name, svc["name"], binds, svc.get("command"), stdin=False)
        try:
            self.docker.call("POST", f"/containers/{cid}/start")
        except ApiError as err:
            print(f"ERROR: service {svc['alias']} did not start: {err}", flush=True)
            return None
        return cid

    def run(self):
        j = self.job
        binds = self.volumes()
        helper = j["helper_image"]
        cache = j.get("cache")
        cache_file = f"/cache/{j['project']['path']}/{cache['key']}/cache.tar" if cache else None
        get_sources = (
            "set -e\numask 0000\n"
            f"echo 'Fetching changes for {j['job']['ref']}'\n"
            f"mkdir -p {self.project_dir}\n"
            f"cp -a /repo/. {self.project_dir}/\n"
            f"echo 'Checked out into {self.project_dir}'\n")
        if not self.stage("predefined", f"{self.unique}-predefined-get-sources", helper, binds,
                          get_sources):
            return False
        if cache:
            restore = (f"set -e\nif [ -f {cache_file} ]; then "
                       f"tar -xf {cache_file} -C {self.project_dir}; echo 'Successfully extracted cache'; "
                       f"else echo 'No cache found for {cache['key']}'; fi\n")
            if not self.stage("predefined", f"{self.unique}-predefined-restore-cache", helper,
                              binds, restore):
                return False
        services = {}
        for svc in j.get("services", []):
            cid = self.service(binds, svc)
            if cid is None:
                return False
            services[svc["alias"]] = cid
        network = "none"
        if j.get("service_network") in services:
            network = "container:" + services[j["service_network"]]
        env = self.env() + [f"{k}={v}" for k, v in j.get("extra_env", {}).items()]
        script = "set -e\numask 0000\ncd " + self.project_dir + "\n" + "".join(
            f"echo '$ {line}'\n{line}\n" for line in j["script"])
        if not self.stage("build", f"{self.unique}-build", j["image"], binds, script, network,
                          env):
            return False
        if cache:
            paths = " ".join(cache["paths"])
            archive = (f"set -e\nmkdir -p $(dirname {cache_file})\n"
                       f"cd {self.project_dir} && tar -cf {cache_file} {paths}\n"
                       f"echo 'Created cache {cache['key']}'\n")
            if not self.stage("predefined", f"{self.unique}-predefined-archive-cache", helper,
                              binds, archive):
                return False
        return True

    def cleanup(self):
        for cid in self.created:
            try:
                self.docker.call("DELETE", f"/containers/{cid}", query={"v": "0", "force": "1"},
                                 ok=(200, 204, 404))
            except ApiError as err:
                print(f"WARNING: {err}", file=sys.stderr)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--socket", required=True)
    p.add_argument("--keep", action="store_true")
    p.add_argument("job")
    o = p.parse_args()
    with open(o.job, encoding="utf-8") as f:
        job = json.load(f)
    try:
        runner = Runner(Docker(o.socket), job)
        try:
            ok = runner.run()
        finally:
            if not o.keep:
                runner.cleanup()
    except ApiError as err:
        print(f"runner: {err}", file=sys.stderr)
        return 2
    print("Job succeeded" if ok else "Job failed")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
