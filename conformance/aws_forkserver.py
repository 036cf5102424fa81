#!/usr/bin/env python3
"""The AWS CLI (PyPI awscli), imported once and forked per call: same code, faster start.

The behaviour tests run the generated scripts unchanged; they call `aws` a few thousand times,
and each start of the AWS CLI spends about half a second importing botocore and its plugins.
This server imports `awscli.clidriver` once; every call of the `aws` shim (written by
`write_shim`) connects to it over a Unix socket and passes its argument vector, environment,
working directory and standard input/output/error (the file descriptors themselves); the server
forks, the child takes them over and runs `awscli.clidriver.main()` exactly as the `aws` entry
point does, and the shim exits with the child's status. Output, exit status and environment
handling are those of the real CLI; only the import is shared, and the decoded JSON of the
CLI's data files (service models, endpoints), read once by the server: each child gets the
server's pristine copy (fork copies on write, so what one call changes no other call sees).

Usage: aws_forkserver.py SOCKET   (prints "ready" on standard output once it accepts calls)
"""

from __future__ import annotations

import gc
import json
import os
import signal
import socket
import struct
import sys
from pathlib import Path

SHIM = """#!{python} -SE
# The `aws` command for the conformance harness: runs the AWS CLI in aws_forkserver.py.
import json, os, socket, struct, sys
fds = []
for fd in (0, 1, 2):
    try:
        os.fstat(fd)
        fds.append(fd)
    except OSError:
        fds.append(os.open(os.devnull, os.O_RDWR))
payload = json.dumps({{"argv": sys.argv[1:], "env": dict(os.environ), "cwd": os.getcwd()}}).encode()
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect({socket!r})
socket.send_fds(s, [struct.pack("!I", len(payload))], fds)
s.sendall(payload)
status = b""
while len(status) < 4:
    chunk = s.recv(4 - len(status))
    if not chunk:
        sys.stderr.write("aws (conformance forkserver): the AWS CLI process ended without a status\\n")
        sys.exit(255)
    status += chunk
sys.exit(struct.unpack("!i", status)[0])
"""


def write_shim(directory: Path, socket_path: Path) -> Path:
    """Writes DIRECTORY/aws, the client of the server listening on SOCKET_PATH."""
    directory.mkdir(parents=True, exist_ok=True)
    shim = directory / "aws"
    shim.write_text(SHIM.format(python=sys.executable, socket=str(socket_path)))
    shim.chmod(0o755)
    return shim


def _recv_exact(conn: socket.socket, n: int) -> bytes:
    data = b""
    while len(data) < n:
        chunk = conn.recv(n - len(data))
        if not chunk:
            raise EOFError("client went away")
        data += chunk
    return data


def _awscli_import_environment() -> None:
    """What importing awscli does to the environment (awscli/__init__.py), for this call's
    environment: botocore finds the CLI's own data through AWS_DATA_PATH."""
    import awscli

    paths = []
    if "AWS_DATA_PATH" in os.environ:
        for path in os.environ["AWS_DATA_PATH"].split(os.pathsep):
            paths.append(os.path.expanduser(os.path.expandvars(path)))
    paths.append(os.path.join(os.path.dirname(os.path.abspath(awscli.__file__)), "data"))
    os.environ["AWS_DATA_PATH"] = os.pathsep.join(paths)


def _child(conn: socket.socket, clidriver: object) -> None:
    status = 255
    try:
        header, fds, _, _ = socket.recv_fds(conn, 4, 3)
        (length,) = struct.unpack("!I", header)
        request = json.loads(_recv_exact(conn, length))
        for target, fd in enumerate(fds):
            if fd != target:
                os.dup2(fd, target)
                os.close(fd)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        _awscli_import_environment()
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        sys.argv = ["aws", *request["argv"]]
        _count_call(request["argv"])
        sys.stdin = open(0, "r", encoding="utf-8", closefd=False)
        sys.stdout = open(1, "w", encoding="utf-8", closefd=False)
        sys.stderr = open(2, "w", encoding="utf-8", errors="backslashreplace", closefd=False, buffering=1)
        try:
            status = clidriver.main()  # type: ignore[attr-defined]
        except SystemExit as e:
            status = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
        status = int(status or 0)
    except BaseException as e:  # noqa: BLE001 - report anything, the shim waits for a status
        try:
            os.write(2, f"aws (conformance forkserver): {e!r}\n".encode())
        except OSError:
            pass
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:  # noqa: BLE001
                pass
        try:
            conn.sendall(struct.pack("!i", status))
        except OSError:
            pass
        os._exit(status & 0xFF)


_IN_CHILD = False


def _share_data_files() -> None:
    """Keeps every JSON data file the server decodes; children reuse the decoded object."""
    import copy

    import botocore.loaders as loaders  # the CLI's own botocore (awscli installs it as `botocore`)

    files: dict[str, object] = {}
    listings: dict[tuple[object, ...], list[str]] = {}
    load_file = loaders.JSONFileLoader.load_file
    list_services = loaders.Loader.list_available_services

    def cached_load_file(self: object, file_path: str) -> object:
        if file_path not in files:
            data = load_file(self, file_path)
            if _IN_CHILD or data is None:
                return data
            files[file_path] = data
        # The server never hands out its copy; a child owns a copy-on-write snapshot of it.
        return files[file_path] if _IN_CHILD else copy.deepcopy(files[file_path])

    def cached_list_services(self: object, type_name: str) -> list[str]:
        key = (tuple(self.search_paths), type_name)  # type: ignore[attr-defined]
        if key not in listings:
            listings[key] = list(list_services(self, type_name))
        return list(listings[key])

    loaders.JSONFileLoader.load_file = cached_load_file  # type: ignore[method-assign]
    loaders.Loader.list_available_services = cached_list_services  # type: ignore[method-assign]


def _warm_up(clidriver: object, services: list[str]) -> None:
    """Reads the data files of SERVICES as a call would (no request is sent)."""
    driver = clidriver.create_clidriver()  # type: ignore[attr-defined]
    session = driver.session
    for service in services:
        session.create_client(
            service, region_name="us-east-1", aws_access_key_id="warm-up", aws_secret_access_key="warm-up"
        )
    saved = sys.stdout
    sys.stdout = open(os.devnull, "w")
    try:
        for command in (["ec2", "describe-vpcs"], ["route53", "get-hosted-zone"], ["sts", "get-caller-identity"],
                        ["cloudformation", "describe-stacks"]):
            clidriver.create_clidriver().main([*command, "--generate-cli-skeleton"])  # type: ignore[attr-defined]
    finally:
        sys.stdout.close()
        sys.stdout = saved


def _count_call(argv: list[str]) -> None:
    """With CONFORMANCE_AWS_CALLS=FILE, appends the call's command (its first two words after
    the options before them) to FILE: large.sh's count of the calls by command."""
    path = os.environ.get("CONFORMANCE_AWS_CALLS")
    if not path:
        return
    words = list(argv)
    while len(words) > 2 and words[0].startswith("--"):
        words = words[2:]
    with open(path, "a", encoding="utf-8") as f:
        f.write(" ".join(words[:2]) + "\n")


def serve(socket_path: str) -> None:
    environment = dict(os.environ)
    from awscli import clidriver

    _share_data_files()
    _warm_up(clidriver, ["ec2", "route53", "sts", "cloudformation"])
    os.environ.clear()  # the import's change is made again per call, on the call's environment
    os.environ.update(environment)
    gc.freeze()  # children do not scan (and so copy) the server's objects when they collect
    if os.path.exists(socket_path):
        os.unlink(socket_path)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(socket_path)
    server.listen(128)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the kernel
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print("ready", flush=True)
    try:
        while True:
            conn, _ = server.accept()
            if os.fork() == 0:
                global _IN_CHILD
                _IN_CHILD = True
                server.close()
                _child(conn, clidriver)
            conn.close()
    finally:
        server.close()
        try:
            os.unlink(socket_path)
        except OSError:
            pass


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    serve(sys.argv[1])
