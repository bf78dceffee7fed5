#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""A CRI client that makes the calls kubelet makes, one per invocation, for the CRI test.

    client.py --socket SOCK --gen DIR CALL ARG...

DIR holds api_pb2.py and api_pb2_grpc.py, compiled from api.proto by the test with
grpc_tools.protoc. Pod and container configurations are JSON files in the protobuf JSON mapping
of PodSandboxConfig and ContainerConfig (the form crictl reads). Results go to stdout; a failed
call prints "CALL: CODE: DETAILS" on stderr (the error text containerd sends back, which is what
kubelet shows in the pod's events) and exits 100.

Calls:
    version
    status                              the runtime conditions, JSON
    runp POD_JSON HANDLER               RunPodSandbox; prints the sandbox id
    inspectp ID                         PodSandboxStatus (verbose); JSON {"status", "info"}
    stopp ID / rmp ID                   StopPodSandbox / RemovePodSandbox
    create POD_ID CONTAINER_JSON POD_JSON   CreateContainer; prints the container id
    start ID / stop ID / rm ID          StartContainer / StopContainer (timeout 0) / RemoveContainer
    exec ID CMD...                      ExecSync (timeout 30 s); the command's stdout and stderr,
                                        and its exit code as this program's
"""
import argparse
import json
import sys

import grpc

RPC_TIMEOUT = 120


def load_config(message_type, path):
    from google.protobuf import json_format

    with open(path, encoding="utf-8") as f:
        return json_format.Parse(f.read(), message_type())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--socket", required=True, help="containerd's gRPC socket")
    parser.add_argument("--gen", required=True, help="directory of the compiled api.proto")
    parser.add_argument("call")
    parser.add_argument("args", nargs=argparse.REMAINDER)
    opts = parser.parse_args()

    sys.path.insert(0, opts.gen)
    import api_pb2 as api
    import api_pb2_grpc as api_grpc
    from google.protobuf import json_format

    channel = grpc.insecure_channel("unix://" + opts.socket)
    rt = api_grpc.RuntimeServiceStub(channel)
    a = opts.args

    def call(method, request):
        try:
            return getattr(rt, method)(request, timeout=RPC_TIMEOUT)
        except grpc.RpcError as err:
            print(f"{method}: {err.code().name}: {err.details()}", file=sys.stderr)
            sys.exit(100)

    def need(n, usage):
        if len(a) < n:
            parser.error(f"{opts.call}: usage: {usage}")

    if opts.call == "version":
        r = call("Version", api.VersionRequest(version="v1"))
        print(f"{r.runtime_name} {r.runtime_version} {r.runtime_api_version}")
    elif opts.call == "status":
        r = call("Status", api.StatusRequest(verbose=False))
        print(json_format.MessageToJson(r.status, preserving_proto_field_name=True))
    elif opts.call == "runp":
        need(2, "runp POD_JSON HANDLER")
        config = load_config(api.PodSandboxConfig, a[0])
        r = call("RunPodSandbox", api.RunPodSandboxRequest(config=config, runtime_handler=a[1]))
        print(r.pod_sandbox_id)
    elif opts.call == "inspectp":
        need(1, "inspectp ID")
        r = call("PodSandboxStatus", api.PodSandboxStatusRequest(pod_sandbox_id=a[0], verbose=True))
        status = json_format.MessageToDict(r.status, preserving_proto_field_name=True,
                                           including_default_value_fields=True)
        info = {k: json.loads(v) for k, v in r.info.items()}
        print(json.dumps({"status": status, "info": info}))
    elif opts.call == "stopp":
        need(1, "stopp ID")
        call("StopPodSandbox", api.StopPodSandboxRequest(pod_sandbox_id=a[0]))
    elif opts.call == "rmp":
        need(1, "rmp ID")
        call("RemovePodSandbox", api.RemovePodSandboxRequest(pod_sandbox_id=a[0]))
    elif opts.call == "create":
        need(3, "create POD_ID CONTAINER_JSON POD_JSON")
        config = load_config(api.ContainerConfig, a[1])
        sandbox_config = load_config(api.PodSandboxConfig, a[2])
        r = call("CreateContainer", api.CreateContainerRequest(
            pod_sandbox_id=a[0], config=config, sandbox_config=sandbox_config))
        print(r.container_id)
    elif opts.call == "start":
        need(1, "start ID")
        call("StartContainer", api.StartContainerRequest(container_id=a[0]))
    elif opts.call == "stop":
        need(1, "stop ID")
        call("StopContainer", api.StopContainerRequest(container_id=a[0], timeout=0))
    elif opts.call == "rm":
        need(1, "rm ID")
        call("RemoveContainer", api.RemoveContainerRequest(container_id=a[0]))
    elif opts.call == "exec":
        need(2, "exec ID CMD...")
        r = call("ExecSync", api.ExecSyncRequest(container_id=a[0], cmd=a[1:], timeout=30))
        sys.stdout.buffer.write(r.stdout)
        sys.stderr.buffer.write(r.stderr)
        sys.exit(r.exit_code)
    else:
        parser.error(f"unknown call {opts.call}")


if __name__ == "__main__":
    main()
