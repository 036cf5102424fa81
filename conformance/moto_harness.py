#!/usr/bin/env python3
"""Behaviour of the generated AWS CLI scripts and CloudFormation stacks against moto.

Usage:
  moto_harness.py --ddpl-gen BIN --work DIR [--jobs N] [--part cli|cloudformation|all]
                  [--mutate-deploy SED] [--mutate-destroy SED] [--mutate-companion SED]
                  [--mutate-terraform SED] TOPOLOGY...

Each TOPOLOGY is a case (golden/<case>/topology.* or examples/<name>.yaml). For every case, in a
moto server of its own (started by moto_launcher.py on 127.0.0.1, a free port, stopped at the
end even on failure) reset before each case:

1. The case's accounts get one AWS CLI profile each: credentials from `sts assume-role` into
   the 12-digit account (moto maps assumed-role keys to their account), written to a temporary
   AWS_SHARED_CREDENTIALS_FILE; AWS_CONFIG_FILE names no region. A stack without an account id
   uses 123456789012; a stack without a profile uses the `default` profile, which exists only
   when some stack needs it.
2. What the topology names is created in the right account and region: the VPC (its CIDR),
   its subnets (one availability zone each), route tables (each with a route 0.0.0.0/0 to an
   internet gateway), and the security groups the topology lists. Plus decoys that must
   survive the teardown: an untagged interface endpoint in the endpoint VPC and, for peering,
   an unrelated private hosted zone on the endpoint VPC. For the cli part VPCs keep AWS's
   defaults (enableDnsHostnames off) for every kind: the deploy script must turn both DNS
   attributes on in every VPC that needs them (private hosted zones, endpoints with private
   DNS) before creating the endpoints. For the cloudformation part of the same-region and
   cross-region kinds both are on beforehand, as private DNS requires: CloudFormation cannot set
   the attributes of VPCs the stack does not own (the template states the requirement; the
   operator turns them on). The peering stacks come with a companion script whose `dns` step
   turns them on, so there they keep AWS's defaults too.
3. The moto ids replace the topology's ids in a copy of it; the outputs are generated from that
   copy, and `ddpl-gen plan-json` of it is the spec of the expected end state.

cli part: deploy.sh; assert the end state; deploy.sh again: no change at all (snapshot of every
resource in every account and region of the case); destroy.sh: the snapshot equals the one
taken before the deploy (the VPC DNS attributes aside, which the teardown leaves on by design);
destroy.sh again: succeeds, no change.

cloudformation part, same-region and cross-region: `aws cloudformation create-stack` per stack,
wait, assert the end state (endpoints, security group), delete the stack, wait, the snapshot
equals the one before.

cloudformation part, peering: `ddpl-gen cloudformation -o DIR` writes the stacks, the companion
script `<name>-companion.sh` and a README.md that says in what order to run what. The harness
runs the README's own commands, in its order: each numbered step's sh block of "Deploy, in this
order" (but the optional check of the Datadog service names, which moto does not know) and of
"Teardown, in this order" runs as a bash script in DIR, with the scripts' environment. Before
running them it checks that the README's order (the companion's arguments, the stacks that
`aws cloudformation deploy` and `delete-stack` name, in block order) is the one the plan
implies (expected_order: companion `dns`; the first pass of each stack holding a role that
accepts a peering of another account; the endpoint stack; the other stacks; companion
`associate` when a zone is associated with a VPC of another account; teardown: companion
`--destroy` when it associated, the endpoint stack, the other stacks). Deploy steps; every stack
is CREATE_COMPLETE or UPDATE_COMPLETE; assert the whole end state as for the cli part (endpoints,
security groups, DNS attributes, zones and their associations across accounts without
authorizations left, alias records to the endpoints' first DNS entry, peerings active on both
sides, routes); the deploy steps again ("Each step is safe to run again"): no change at all;
teardown steps: the snapshot equals the one before the deploy (the DNS attributes aside, which
the companion leaves on by design). --mutate-companion SED breaks the companion on purpose.

The scripts run with no default region, DDPL_SKIP_PREFLIGHT=1 (moto does not know Datadog's
endpoint services), DDPL_POLL_SECONDS=1, AWS_ENDPOINT_URL set to the worker's moto, and `aws`
being the AWS CLI from PyPI served by aws_forkserver.py: imported once, forked per call (the
CLI's own code and output, about 5x faster to start; CONFORMANCE_AWS_FORKSERVER=0 runs the
plain `aws` entry point instead). Cases run in --jobs workers, each with its own moto server
and fork server; SIGTERM/SIGINT stop every server and script the harness started.

Prints one line per case and `cli behaviour: N/M cases`, `cloudformation behaviour: N/M` (every
case in both parts: 10/10 cases and 10/10 for the golden cases and examples).
Exit 0 when every case passed, 1 otherwise. Every case's files (substituted topology, plan,
scripts, logs of every run, the deployed snapshot) stay under --work.
"""

from __future__ import annotations

import argparse
import copy
import ipaddress
import json
import os
import queue
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import botocore.config
import yaml

sys.dont_write_bytecode = True  # no __pycache__ in conformance/
sys.path.insert(0, str(Path(__file__).resolve().parent))
import aws_forkserver  # noqa: E402
import tf_root  # noqa: E402

HERE = Path(__file__).resolve().parent
LAUNCHER = HERE / "moto_launcher.py"
DEFAULT_ACCOUNT = "123456789012"
DUMMY_KEYS = {"aws_access_key_id": "conformance", "aws_secret_access_key": "conformance"}
BOTO_CONFIG = botocore.config.Config(retries={"max_attempts": 2, "mode": "standard"})
SCRIPT_TIMEOUT = 900
GONE_PEERING = {"deleted", "rejected", "expired", "failed"}
# One request in werkzeug's log: `127.0.0.1 - - [date] "POST / HTTP/1.1" 200 -`.
REQUEST_LINE = re.compile(r'^\S+ - - \[[^\]]*\] "(?:GET|POST|PUT|DELETE|HEAD|PATCH) (?!/moto-api/)', re.M)


class CaseFailure(Exception):
    """An assertion about the end state failed."""


# ------------------------------------------------------------------------------------ moto


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


SERVERS: list[Any] = []  # every server started, stopped again by main() whatever happens
SERVERS_LOCK = threading.Lock()


def terminate(proc: subprocess.Popen[Any]) -> None:
    """Stops a server process: SIGTERM, then SIGKILL after 10 s."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class Moto:
    """One moto server (through the launcher) on 127.0.0.1."""

    def __init__(self, log_path: Path):
        self.log_path = log_path
        self.proc: subprocess.Popen[bytes] | None = None
        self.port = 0
        with SERVERS_LOCK:
            SERVERS.append(self)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        last = ""
        for _ in range(5):
            self.port = free_port()
            log = open(self.log_path, "ab")
            env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_") and k != "MOTO_ACCOUNT_ID"}
            self.proc = subprocess.Popen(
                [sys.executable, str(LAUNCHER), "-H", "127.0.0.1", "-p", str(self.port)],
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=env,
            )
            log.close()
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    last = f"moto exited with {self.proc.returncode} (see {self.log_path})"
                    break
                try:
                    with urllib.request.urlopen(self.url + "/moto-api/data.json", timeout=2):
                        return
                except OSError:
                    time.sleep(0.2)
            else:
                last = f"moto did not answer on {self.url} within 60 s"
            self.stop()
        raise RuntimeError(last)

    def requests_mark(self) -> int:
        """The size of the server's log: requests_since(mark) counts the requests after it."""
        return self.log_path.stat().st_size

    def requests_since(self, mark: int) -> int:
        """The AWS API requests the server logged after MARK (werkzeug logs each one as it
        answers it, before its body; /moto-api/ calls are the harness's own)."""
        with open(self.log_path, "rb") as f:
            f.seek(mark)
            text = f.read().decode("utf-8", "replace")
        return len(REQUEST_LINE.findall(text))

    def reset(self) -> None:
        req = urllib.request.Request(self.url + "/moto-api/reset", method="POST", data=b"")
        with urllib.request.urlopen(req, timeout=30):
            pass

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is None:
            return
        terminate(proc)


class AwsForkserver:
    """aws_forkserver.py for one worker, and the `aws` shim that calls it."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.proc: subprocess.Popen[str] | None = None
        with SERVERS_LOCK:
            SERVERS.append(self)

    def start(self) -> Path:
        self.directory.mkdir(parents=True, exist_ok=True)
        sock = self.directory / "aws.sock"
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update({"LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"})
        self.proc = subprocess.Popen(
            [sys.executable, str(HERE / "aws_forkserver.py"), str(sock)],
            stdout=subprocess.PIPE,
            stderr=open(self.directory / "forkserver.log", "w"),
            stdin=subprocess.DEVNULL,
            env=env,
            text=True,
            start_new_session=True,  # its children (calls in flight) share its process group
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline().strip()
        if line != "ready":
            self.stop()
            raise RuntimeError(f"aws_forkserver.py did not start (see {self.directory / 'forkserver.log'})")
        aws_forkserver.write_shim(self.directory / "bin", sock)
        return self.directory / "bin"

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is None:
            return
        terminate(proc)
        try:  # calls still in flight
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


# ------------------------------------------------------------------------------------ cases


@dataclass
class Case:
    name: str
    topology: Path
    kind: str = ""


@dataclass
class Result:
    part: str
    case: str
    ok: bool
    seconds: float
    lines: list[str] = field(default_factory=list)
    api_calls: dict[str, int] = field(default_factory=dict)


def case_name(path: Path) -> str:
    if path.parent.parent.name == "golden":
        return path.parent.name
    return f"example-{path.stem}"


def run(cmd: list[str], **kw: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, text=True, capture_output=True, **kw)


def ddpl(bin_: str, *args: str) -> str:
    p = run([bin_, *args])
    if p.returncode != 0:
        raise CaseFailure(f"ddpl-gen {' '.join(args)} exited {p.returncode}: {p.stderr.strip()}")
    return p.stdout


class Context:
    """Per case: credentials, clients, the moto ids of what the topology names."""

    def __init__(self, moto: Moto, case: Case, work: Path, bin_: str, part: str, aws_dir: Path | None):
        self.moto = moto
        self.aws_dir = aws_dir
        self.case = case
        self.dir = work / part / case.name
        if self.dir.exists():
            shutil.rmtree(self.dir)
        self.dir.mkdir(parents=True)
        self.bin = bin_
        self.part = part
        self.session = boto3.session.Session()
        self.creds: dict[str, dict[str, str]] = {}
        self.clients: dict[tuple[str, str, str], Any] = {}
        self.lines: list[str] = []
        self.mapping: dict[str, str] = {}
        self.places: set[tuple[str, str]] = set()
        self.accounts: set[str] = set()
        self.our_vpcs: set[str] = set()
        self.decoys: list[str] = []
        self.api_calls: dict[str, int] = {}  # the AWS API requests of a step, by step

    def note(self, text: str) -> None:
        self.lines.append(text)

    # credentials and clients
    def assume(self, account: str) -> dict[str, str]:
        if account not in self.creds:
            sts = self.session.client(
                "sts", endpoint_url=self.moto.url, region_name="us-east-1", config=BOTO_CONFIG, **DUMMY_KEYS
            )
            c = sts.assume_role(
                RoleArn=f"arn:aws:iam::{account}:role/ddpl-conformance", RoleSessionName="ddpl-conformance"
            )["Credentials"]
            self.creds[account] = {
                "aws_access_key_id": c["AccessKeyId"],
                "aws_secret_access_key": c["SecretAccessKey"],
                "aws_session_token": c["SessionToken"],
            }
            who = self.client(account, "sts", "us-east-1").get_caller_identity()["Account"]
            if who != account:
                raise RuntimeError(f"assumed role credentials map to account {who}, not {account}")
        return self.creds[account]

    def client(self, account: str, service: str, region: str) -> Any:
        key = (account, service, region)
        if key not in self.clients:
            self.clients[key] = self.session.client(
                service,
                endpoint_url=self.moto.url,
                region_name=region,
                config=BOTO_CONFIG,
                **self.assume(account),
            )
        return self.clients[key]

    def write_profiles(self, stacks: list[dict[str, Any]]) -> dict[str, str]:
        """One profile per (profile name -> account); returns the environment for the scripts.
        A stack with a role_arn reaches its account through the role (the scripts and Terraform
        assume it; moto maps assumed-role credentials to the role's account), so its profile
        need not be that account's, except for the CloudFormation README's commands."""
        profiles: dict[str, str] = {}
        for st in sorted(stacks, key=lambda st: bool(st.get("role_arn"))):  # roles' sources last
            name = st["profile"] or "default"
            account = st["account_id"] or DEFAULT_ACCOUNT
            if st.get("role_arn") and self.part != "cloudformation":
                # The scripts and Terraform assume the role: the profile only has to exist.
                profiles.setdefault(name, account)
                continue
            if profiles.get(name, account) != account:
                raise CaseFailure(f"profile {name!r} is used for accounts {profiles[name]} and {account}")
            profiles[name] = account
        cred_lines, conf_lines = [], []
        for name, account in sorted(profiles.items()):
            c = self.assume(account)
            cred_lines += [f"[{name}]", *(f"{k} = {v}" for k, v in c.items()), ""]
            conf_lines += ["[default]" if name == "default" else f"[profile {name}]", "output = json", ""]
        cred_file = self.dir / "aws-credentials"
        conf_file = self.dir / "aws-config"
        cred_file.write_text("\n".join(cred_lines))
        conf_file.write_text("\n".join(conf_lines))
        home = self.dir / "home"
        home.mkdir(exist_ok=True)
        venv_bin = str(Path(sys.executable).parent)
        shim = f"{self.aws_dir}:" if self.aws_dir else ""
        env = {
            "PATH": f"{shim}{venv_bin}:/usr/local/bin:/usr/bin:/bin",
            "HOME": str(home),
            "LANG": "C.UTF-8",
            "LC_ALL": "C.UTF-8",
            "AWS_ENDPOINT_URL": self.moto.url,
            "AWS_CONFIG_FILE": str(conf_file),
            "AWS_SHARED_CREDENTIALS_FILE": str(cred_file),
            "AWS_EC2_METADATA_DISABLED": "true",
            "DDPL_SKIP_PREFLIGHT": "1",
            "DDPL_POLL_SECONDS": "1",
            "DDPL_WAIT_SECONDS": "120",
            "TMPDIR": str(self.dir),
        }
        return env


# ------------------------------------------------------------------------------------ setup


# The plan's public JSON (`ddpl-gen plan-json`): the endpoint VPC and the agent VPCs; how agents
# reach the endpoints (`reach`: peerings) and how names resolve (`resolution`: zones and the VPCs
# every zone is associated with).
def plan_vpcs(plan: dict[str, Any]) -> list[dict[str, Any]]:
    return [plan["endpoint_vpc"], *plan["agent_vpcs"]]


def plan_peerings(plan: dict[str, Any]) -> list[dict[str, Any]]:
    """The VPC peering connections (a transit-gateway reach's `peerings` are Transit Gateway
    peering attachments)."""
    return plan["reach"].get("peerings", []) if plan["reach"]["type"] == "peering" else []


def plan_zones(plan: dict[str, Any]) -> list[dict[str, Any]]:
    return plan["resolution"].get("zones", [])


def plan_associations(plan: dict[str, Any]) -> list[dict[str, Any]]:
    return plan["resolution"].get("associations", [])


def stack_of(plan: dict[str, Any], vpc: dict[str, Any]) -> tuple[str, str]:
    st = plan["stacks"][vpc["stack"]]
    return st["account_id"] or DEFAULT_ACCOUNT, st["region"]


def create_preexisting(ctx: Context, plan: dict[str, Any]) -> None:
    """Creates what the topology names (and decoys); fills ctx.mapping with old -> new ids."""
    peering = plan["kind"] == "peering"
    for vpc in plan_vpcs(plan):
        account, region = stack_of(plan, vpc)
        ctx.places.add((account, region))
        ctx.accounts.add(account)
        ec2 = ctx.client(account, "ec2", region)
        vpc_id = ec2.create_vpc(CidrBlock=vpc["cidr"])["Vpc"]["VpcId"]
        ctx.mapping[vpc["vpc_id"]] = vpc_id
        ctx.our_vpcs.add(vpc_id)
        if vpc["needs_dns_attributes"] and (
            (ctx.part == "cloudformation" and not peering) or ctx.part.startswith("terraform")
        ):
            # Precondition, not the stack's job: CloudFormation cannot set the DNS attributes of
            # a VPC it does not own, so the operator turns them on first, as the template's
            # Metadata (VpcDnsAttributes) says. The Terraform does not own the VPCs either: its
            # data "aws_vpc" postconditions fail the plan, by design, when an attribute is off.
            # The cli part leaves AWS's defaults: the deploy script must turn them on itself;
            # so does the peering stacks' companion script.
            ec2.modify_vpc_attribute(VpcId=vpc_id, EnableDnsSupport={"Value": True})
            ec2.modify_vpc_attribute(VpcId=vpc_id, EnableDnsHostnames={"Value": True})
        zones = [z["ZoneName"] for z in ec2.describe_availability_zones()["AvailabilityZones"]]
        net = ipaddress.ip_network(vpc["cidr"])
        blocks = net.subnets(new_prefix=min(net.prefixlen + 4, 28))
        new_subnets = []
        for i, old in enumerate(vpc["subnet_ids"]):
            if i >= len(zones):
                raise CaseFailure(f"{region} has {len(zones)} zones in moto, the case needs {i + 1}")
            sid = ec2.create_subnet(VpcId=vpc_id, CidrBlock=str(next(blocks)), AvailabilityZone=zones[i])[
                "Subnet"
            ]["SubnetId"]
            ctx.mapping[old] = sid
            new_subnets.append(sid)
        if vpc["route_table_ids"]:
            igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
            ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc_id)
            for old in vpc["route_table_ids"]:
                rtb = ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"]
                ec2.create_route(RouteTableId=rtb, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
                ctx.mapping[old] = rtb
        for n, old in enumerate(vpc["existing_security_group_ids"]):
            sg = ec2.create_security_group(
                GroupName=f"existing-{n}", Description="a security group the topology names", VpcId=vpc_id
            )["GroupId"]
            ec2.authorize_security_group_ingress(
                GroupId=sg,
                IpPermissions=[
                    {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": vpc["cidr"]}]}
                ],
            )
            ctx.mapping[old] = sg
        if vpc["role"] == "endpoint":
            decoy = ec2.create_vpc_endpoint(
                VpcEndpointType="Interface",
                VpcId=vpc_id,
                ServiceName=f"com.amazonaws.{region}.ssm",
                SubnetIds=new_subnets[:1],
                PrivateDnsEnabled=False,
            )["VpcEndpoint"]["VpcEndpointId"]
            ctx.decoys.append(f"endpoint {decoy}")
            if peering:
                r53 = ctx.client(account, "route53", region)
                zone = r53.create_hosted_zone(
                    Name="corp.internal",
                    CallerReference=f"decoy-{vpc_id}",
                    VPC={"VPCId": vpc_id, "VPCRegion": region},
                    HostedZoneConfig={"PrivateZone": True, "Comment": "not ddpl-gen's"},
                )["HostedZone"]["Id"]
                ctx.decoys.append(f"zone {zone}")
    for st in plan["stacks"]:
        ctx.places.add((st["account_id"] or DEFAULT_ACCOUNT, st["region"]))
        ctx.accounts.add(st["account_id"] or DEFAULT_ACCOUNT)
    if plan["kind"] == "transit-gateway":
        create_transit_gateways(ctx, plan)


def create_transit_gateways(ctx: Context, plan: dict[str, Any]) -> None:
    """What a transit-gateway topology only references: the hub (the endpoint VPC's account and
    region), each peered Transit Gateway (the account and region of the first agent VPC on it),
    the peering attachments it names (accepted), the gateway route tables it names, and the
    VPC attachments it names. The hub is shared through RAM with every other account that
    attaches a VPC to it, as AWS requires."""
    tgw = plan["reach"]
    endpoint = plan["endpoint_vpc"]
    owner_of: dict[str, tuple[str, str]] = {tgw["hub"]: stack_of(plan, endpoint)}
    for spoke in tgw["spokes"]:
        owner_of.setdefault(spoke["attachment"]["transit_gateway_id"],
                            stack_of(plan, plan["agent_vpcs"][spoke["agent_vpc"]]))
    for old, (account, region) in owner_of.items():
        ec2 = ctx.client(account, "ec2", region)
        new = ec2.create_transit_gateway(
            Description="a Transit Gateway the topology names",
            Options={"AutoAcceptSharedAttachments": "disable", "DefaultRouteTableAssociation": "enable",
                     "DefaultRouteTablePropagation": "enable"},
        )["TransitGateway"]["TransitGatewayId"]
        ctx.mapping[old] = new
        ctx.decoys.append(f"transit gateway {new}")
    hub_account, hub_region = owner_of[tgw["hub"]]
    sharees = sorted({stack_of(plan, plan["agent_vpcs"][s["agent_vpc"]])[0] for s in tgw["spokes"]
                      if s["attachment"]["transit_gateway_id"] == tgw["hub"]} - {hub_account})
    if sharees:
        ram = ctx.client(hub_account, "ram", hub_region)
        arn = f"arn:aws:ec2:{hub_region}:{hub_account}:transit-gateway/{ctx.mapping[tgw['hub']]}"
        ram.create_resource_share(name="hub", resourceArns=[arn], principals=sharees, allowExternalPrincipals=True)
    for p in tgw["peerings"]:
        if not p["attachment_id"]:
            continue  # ddpl-gen requests and accepts this one
        account, region = owner_of[p["transit_gateway_id"]]
        ec2 = ctx.client(hub_account, "ec2", hub_region)
        att = ec2.create_transit_gateway_peering_attachment(
            TransitGatewayId=ctx.mapping[tgw["hub"]], PeerTransitGatewayId=ctx.mapping[p["transit_gateway_id"]],
            PeerAccountId=account, PeerRegion=region,
        )["TransitGatewayPeeringAttachment"]["TransitGatewayAttachmentId"]
        ctx.client(account, "ec2", region).accept_transit_gateway_peering_attachment(TransitGatewayAttachmentId=att)
        ctx.mapping[p["attachment_id"]] = att
    sides = [(endpoint, tgw["endpoint_attachment"])] + [
        (plan["agent_vpcs"][s["agent_vpc"]], s["attachment"]) for s in tgw["spokes"]
    ]
    for vpc, a in sides:
        gateway_account, gateway_region = owner_of[a["transit_gateway_id"]]
        if a["route_table_id"] and a["route_table_id"] not in ctx.mapping:
            ec2 = ctx.client(gateway_account, "ec2", gateway_region)
            ctx.mapping[a["route_table_id"]] = ec2.create_transit_gateway_route_table(
                TransitGatewayId=ctx.mapping[a["transit_gateway_id"]]
            )["TransitGatewayRouteTable"]["TransitGatewayRouteTableId"]
        if a["existing_id"]:
            account, region = stack_of(plan, vpc)
            ec2 = ctx.client(account, "ec2", region)
            att = ec2.create_transit_gateway_vpc_attachment(
                TransitGatewayId=ctx.mapping[a["transit_gateway_id"]], VpcId=ctx.mapping[vpc["vpc_id"]],
                SubnetIds=[ctx.mapping[sid] for sid in vpc["subnet_ids"][:1]] if vpc["subnet_ids"] else
                [ec2.create_subnet(VpcId=ctx.mapping[vpc["vpc_id"]], CidrBlock=vpc["cidr"].rsplit(".", 2)[0]
                                   + ".250.0/24")["Subnet"]["SubnetId"]],
            )["TransitGatewayVpcAttachment"]["TransitGatewayAttachmentId"]
            ctx.mapping[a["existing_id"]] = att
            ctx.decoys.append(f"attachment {att}")


def substituted_topology(ctx: Context) -> Path:
    src = ctx.case.topology
    data = yaml.safe_load(src.read_text(encoding="utf-8"))

    def sub(obj: dict[str, Any]) -> None:
        obj["vpc_id"] = ctx.mapping[obj["vpc_id"]]
        for key in ("subnet_ids", "route_table_ids", "security_group_ids"):
            if key in obj:
                obj[key] = [ctx.mapping[i] for i in obj[key]]
        for key in ("transit_gateway_id", "transit_gateway_attachment_id", "transit_gateway_route_table_id"):
            if key in obj:
                obj[key] = ctx.mapping[obj[key]]

    sub(data["endpoint_vpc"])
    for agent in data.get("agent_vpcs") or []:
        sub(agent)
    for p in data.get("transit_gateway_peerings") or []:
        p["transit_gateway_id"] = ctx.mapping[p["transit_gateway_id"]]
        if p.get("attachment_id"):
            p["attachment_id"] = ctx.mapping[p["attachment_id"]]
    if src.suffix == ".json":
        out = ctx.dir / "topology.json"
        out.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    else:
        out = ctx.dir / "topology.yaml"
        out.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return out


# ------------------------------------------------------------------------------------ snapshot


def _tags(items: list[dict[str, str]] | None) -> dict[str, str]:
    return {t["Key"]: t["Value"] for t in items or []}


def _rules(perms: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    out = []
    for p in perms:
        base = (p.get("IpProtocol"), p.get("FromPort"), p.get("ToPort"))
        for r in p.get("IpRanges", []):
            out.append((*base, r["CidrIp"]))
        for r in p.get("Ipv6Ranges", []):
            out.append((*base, r["CidrIpv6"]))
        for r in p.get("UserIdGroupPairs", []):
            out.append((*base, "sg:" + r.get("GroupId", "")))
        for r in p.get("PrefixListIds", []):
            out.append((*base, "pl:" + r.get("PrefixListId", "")))
    return sorted(out, key=repr)


def snapshot(ctx: Context) -> dict[str, Any]:
    snap: dict[str, Any] = {}
    for account, region in sorted(ctx.places):
        ec2 = ctx.client(account, "ec2", region)
        d: dict[str, Any] = {}
        d["vpcs"] = {v["VpcId"]: v["CidrBlock"] for v in ec2.describe_vpcs()["Vpcs"]}
        d["dns"] = {}
        for vpc_id in sorted(set(d["vpcs"]) & ctx.our_vpcs):
            d["dns"][vpc_id] = {
                "support": ec2.describe_vpc_attribute(VpcId=vpc_id, Attribute="enableDnsSupport")[
                    "EnableDnsSupport"
                ]["Value"],
                "hostnames": ec2.describe_vpc_attribute(VpcId=vpc_id, Attribute="enableDnsHostnames")[
                    "EnableDnsHostnames"
                ]["Value"],
            }
        d["subnets"] = {
            s["SubnetId"]: [s["VpcId"], s["CidrBlock"], s["AvailabilityZone"]]
            for s in ec2.describe_subnets()["Subnets"]
        }
        d["route_tables"] = {
            rt["RouteTableId"]: {
                "vpc": rt["VpcId"],
                "routes": sorted(
                    (
                        r.get("DestinationCidrBlock") or r.get("DestinationPrefixListId") or "",
                        r.get("GatewayId") or r.get("VpcPeeringConnectionId") or r.get("NatGatewayId")
                        or r.get("TransitGatewayId") or "",
                        r.get("State", ""),
                    )
                    for r in rt.get("Routes", [])
                ),
                "tags": _tags(rt.get("Tags")),
            }
            for rt in ec2.describe_route_tables()["RouteTables"]
        }
        d["transit_gateway_attachments"] = {
            a["TransitGatewayAttachmentId"]: {
                "transit_gateway": a["TransitGatewayId"],
                "vpc": a["VpcId"],
                "state": a["State"],
                "subnets": sorted(a.get("SubnetIds", [])),
                "tags": _tags(a.get("Tags")),
            }
            for a in ec2.describe_transit_gateway_vpc_attachments()["TransitGatewayVpcAttachments"]
            if a["State"] not in ("deleted", "deleting")
        }
        d["transit_gateway_peerings"] = {
            a["TransitGatewayAttachmentId"]: {
                "requester": a["RequesterTgwInfo"]["TransitGatewayId"],
                "accepter": a["AccepterTgwInfo"]["TransitGatewayId"],
                "state": a["State"],
                "tags": _tags(a.get("Tags")),
            }
            for a in ec2.describe_transit_gateway_peering_attachments()["TransitGatewayPeeringAttachments"]
            if a["State"] not in ("deleted", "deleting", "rejected", "failed")
        }
        d["transit_gateway_route_tables"] = {
            t["TransitGatewayRouteTableId"]: {
                "tags": _tags(t.get("Tags")),
                "static": sorted(
                    (r["DestinationCidrBlock"], r.get("State", ""),
                     ",".join(sorted(x["TransitGatewayAttachmentId"] for x in r.get("TransitGatewayAttachments", []))))
                    for r in ec2.search_transit_gateway_routes(
                        TransitGatewayRouteTableId=t["TransitGatewayRouteTableId"],
                        Filters=[{"Name": "type", "Values": ["static"]}],
                    )["Routes"]
                ),
            }
            for t in ec2.describe_transit_gateway_route_tables()["TransitGatewayRouteTables"]
            if t["State"] != "deleted"
        }
        d["security_groups"] = {
            g["GroupId"]: {
                "name": g["GroupName"],
                "vpc": g.get("VpcId"),
                "description": g.get("Description"),
                "ingress": _rules(g.get("IpPermissions", [])),
                "egress": _rules(g.get("IpPermissionsEgress", [])),
                "tags": _tags(g.get("Tags")),
            }
            for g in ec2.describe_security_groups()["SecurityGroups"]
        }
        d["endpoints"] = {
            e["VpcEndpointId"]: {
                "vpc": e["VpcId"],
                "service": e["ServiceName"],
                "type": e.get("VpcEndpointType"),
                "state": e.get("State"),
                "private_dns": e.get("PrivateDnsEnabled"),
                "subnets": sorted(e.get("SubnetIds", [])),
                "security_groups": sorted(g["GroupId"] for g in e.get("Groups", [])),
                "service_region": e.get("ServiceRegion"),
                "dns": [[x.get("DnsName"), x.get("HostedZoneId")] for x in e.get("DnsEntries", [])],
                "tags": _tags(e.get("Tags")),
            }
            for e in ec2.describe_vpc_endpoints()["VpcEndpoints"]
            if (e.get("State") or "").lower() != "deleted"
        }
        d["peerings"] = {
            p["VpcPeeringConnectionId"]: {
                "requester": [p["RequesterVpcInfo"].get("OwnerId"), p["RequesterVpcInfo"].get("Region"),
                              p["RequesterVpcInfo"]["VpcId"]],
                "accepter": [p["AccepterVpcInfo"].get("OwnerId"), p["AccepterVpcInfo"].get("Region"),
                             p["AccepterVpcInfo"]["VpcId"]],
                "status": p["Status"]["Code"],
                "tags": _tags(p.get("Tags")),
            }
            for p in ec2.describe_vpc_peering_connections()["VpcPeeringConnections"]
            if p["Status"]["Code"] not in GONE_PEERING
        }
        snap[f"ec2 {account} {region}"] = d
    for account in sorted(ctx.accounts):
        r53 = ctx.client(account, "route53", "us-east-1")
        zones = {}
        for z in r53.list_hosted_zones()["HostedZones"]:
            zid = z["Id"].split("/")[-1]
            full = r53.get_hosted_zone(Id=zid)
            private = z.get("Config", {}).get("PrivateZone", False)
            zones[zid] = {
                "name": z["Name"],
                "private": private,
                "caller_reference": z["CallerReference"],
                "vpcs": sorted([v["VPCId"], v.get("VPCRegion")] for v in full.get("VPCs", [])),
                "records": sorted(
                    (
                        r["Name"],
                        r["Type"],
                        json.dumps(r.get("AliasTarget"), sort_keys=True) if r.get("AliasTarget") else "",
                        json.dumps(r.get("ResourceRecords"), sort_keys=True) if r.get("ResourceRecords") else "",
                    )
                    for r in r53.list_resource_record_sets(HostedZoneId=zid)["ResourceRecordSets"]
                ),
                "tags": _tags(
                    r53.list_tags_for_resource(ResourceType="hostedzone", ResourceId=zid)["ResourceTagSet"].get(
                        "Tags"
                    )
                ),
                "authorizations": sorted(
                    [v["VPCId"], v["VPCRegion"]]
                    for v in (r53.list_vpc_association_authorizations(HostedZoneId=zid)["VPCs"] if private else [])
                ),
            }
        snap[f"route53 {account}"] = zones
    return json.loads(json.dumps(snap, default=list))


def diff(a: Any, b: Any, path: str = "", out: list[str] | None = None) -> list[str]:
    out = [] if out is None else out
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b), key=str):
            p = f"{path}/{k}"
            if k not in a:
                out.append(f"added {p}: {json.dumps(b[k], ensure_ascii=False)[:300]}")
            elif k not in b:
                out.append(f"removed {p}: {json.dumps(a[k], ensure_ascii=False)[:300]}")
            else:
                diff(a[k], b[k], p, out)
    elif a != b:
        out.append(
            f"changed {path}: {json.dumps(a, ensure_ascii=False)[:300]} -> {json.dumps(b, ensure_ascii=False)[:300]}"
        )
    return out


def without_dns_attributes(snap: dict[str, Any]) -> dict[str, Any]:
    s = copy.deepcopy(snap)
    for key, d in s.items():
        if key.startswith("ec2 "):
            d.pop("dns", None)
    return s


# ------------------------------------------------------------------------------------ assertions


REGIONAL_DNS = re.compile(r"^vpce-[0-9a-z]+-[0-9a-z]+\.")


def alias_target(part: str, entries: list[list[str]]) -> list[str]:
    """The DNS entry (name, hosted zone) an endpoint's alias record must target: the regional
    one (moto_launcher lists the zonal ones first). CloudFormation can only select an entry by
    its position: its stacks take the first, which `ddpl-gen verify` flags on AWS (fewer
    addresses than subnets) when it is zonal."""
    if not entries:
        return ["", ""]
    if part == "cloudformation":
        return entries[0]
    return next((e for e in entries if REGIONAL_DNS.match(e[0])), entries[0])


def check_end_state(ctx: Context, plan: dict[str, Any], snap: dict[str, Any], *, with_peering: bool,
                    kept_authorizations: bool = False) -> list[str]:
    """Every problem of the end state against the plan (empty when right).

    A zone associated with a VPC of another account needs the zone owner's authorization first.
    The scripts and the companion delete it once the VPC is associated, as AWS recommends (none
    may be left); the Terraform manages it as a resource (aws_route53_vpc_association_authorization),
    which stays until destroy: with KEPT_AUTHORIZATIONS there must be exactly one per VPC of
    another account associated with the zone."""
    problems: list[str] = []
    tags = {t["key"]: t["value"] for t in plan["tags"]}
    name_tag = plan["name_tag"]
    endpoint_dns: dict[str, list[str]] = {}

    def tags_ok(what: str, have: dict[str, str]) -> None:
        missing = {k: v for k, v in tags.items() if have.get(k) != v}
        if missing:
            problems.append(f"{what}: tags {missing} missing (has {have})")

    expected_endpoints = 0
    for vpc in plan_vpcs(plan):
        account, region = stack_of(plan, vpc)
        d = snap[f"ec2 {account} {region}"]
        sg_ids = list(vpc["existing_security_group_ids"])
        if vpc["security_groups"]:
            sg_ids = []
        for sg_plan in vpc["security_groups"]:
            found = [gid for gid, g in d["security_groups"].items() if g["vpc"] == vpc["vpc_id"] and g["name"] == sg_plan["name"]]
            if len(found) != 1:
                problems.append(f"security group {sg_plan['name']} in {vpc['vpc_id']}: {len(found)} found, want 1")
            else:
                g = d["security_groups"][found[0]]
                sg_ids += found
                tags_ok(f"security group {sg_plan['name']}", g["tags"])
                want = sorted(["tcp", r["port"], r["port"], r["cidr"]] for r in sg_plan["ingress"])
                have = sorted([list(r) for r in g["ingress"]])
                if have != want:
                    problems.append(f"security group {sg_plan['name']}: ingress {have}, want {want}")
                # No egress in every format (CloudFormation can only name a rule to localhost).
                open_egress = [r for r in g["egress"] if r[3] != "127.0.0.1/32"]
                if open_egress:
                    problems.append(f"security group {sg_plan['name']}: egress {open_egress}, want none")
        for gid in sg_ids:
            g = d["security_groups"].get(gid)
            if g is None:
                problems.append(f"security group {gid} of {vpc['vpc_id']} does not exist")
                continue
            for rule in g["ingress"]:
                if rule[3] in ("0.0.0.0/0", "::/0"):
                    problems.append(f"security group {gid} admits {rule} from everywhere")
        for ep in vpc["endpoints"]:
            expected_endpoints += 1
            found = {
                eid: e
                for eid, e in d["endpoints"].items()
                if e["vpc"] == vpc["vpc_id"] and e["service"] == ep["service_name"]
            }
            if len(found) != 1:
                problems.append(f"endpoint {ep['name']} ({ep['service_name']}) in {vpc['vpc_id']}: {len(found)} found, want 1")
                continue
            eid, e = next(iter(found.items()))
            endpoint_dns[ep["name"]] = alias_target(ctx.part, e["dns"])
            if e["type"] != "Interface":
                problems.append(f"endpoint {ep['name']}: type {e['type']}")
            if (e["state"] or "").lower() != "available":
                problems.append(f"endpoint {ep['name']}: state {e['state']}")
            if bool(e["private_dns"]) != ep["private_dns_enabled"]:
                problems.append(f"endpoint {ep['name']}: private DNS {e['private_dns']}, want {ep['private_dns_enabled']}")
            if e["subnets"] != sorted(vpc["subnet_ids"]):
                problems.append(f"endpoint {ep['name']}: subnets {e['subnets']}, want {sorted(vpc['subnet_ids'])}")
            if e["security_groups"] != sorted(sg_ids):
                problems.append(f"endpoint {ep['name']}: security groups {e['security_groups']}, want {sorted(sg_ids)}")
            if (e["service_region"] or None) != ep["service_region"]:
                problems.append(f"endpoint {ep['name']}: service region {e['service_region']}, want {ep['service_region']}")
            tags_ok(f"endpoint {ep['name']} {eid}", e["tags"])
    ours = [
        eid
        for key, d in snap.items()
        if key.startswith("ec2 ")
        for eid, e in d["endpoints"].items()
        if e["tags"].get(name_tag["key"]) == name_tag["value"]
    ]
    if len(ours) != expected_endpoints:
        problems.append(f"{len(ours)} endpoints carry {name_tag['key']}={name_tag['value']}, want {expected_endpoints}")

    # Every kind: a VPC with private DNS (zones, endpoints with private DNS) has both on.
    for vpc in plan_vpcs(plan):
        if vpc["needs_dns_attributes"]:
            account, region = stack_of(plan, vpc)
            dns = snap[f"ec2 {account} {region}"]["dns"].get(vpc["vpc_id"], {})
            if not (dns.get("support") and dns.get("hostnames")):
                problems.append(f"VPC {vpc['vpc_id']}: DNS attributes {dns}, want both on")

    if not with_peering:
        return problems

    endpoint_vpc = plan["endpoint_vpc"]
    owner = (plan["stacks"][endpoint_vpc["stack"]]["account_id"] or DEFAULT_ACCOUNT)
    zones = snap[f"route53 {owner}"]
    for zone in plan_zones(plan):
        found = {zid: z for zid, z in zones.items() if z["name"].rstrip(".") == zone["name"] and z["private"]}
        if len(found) != 1:
            problems.append(f"zone {zone['name']}: {len(found)} private zones in account {owner}, want 1")
            continue
        zid, z = next(iter(found.items()))
        if z["tags"].get(name_tag["key"]) != name_tag["value"]:
            problems.append(f"zone {zone['name']}: tags {z['tags']}")
        want_vpcs = sorted(
            [[endpoint_vpc["vpc_id"], endpoint_vpc["region"]]] + [[a["vpc_id"], a["vpc_region"]] for a in plan_associations(plan)]
        )
        if z["vpcs"] != want_vpcs:
            problems.append(f"zone {zone['name']}: associated with {z['vpcs']}, want {want_vpcs}")
        want_auth = sorted(
            [a["vpc_id"], a["vpc_region"]] for a in plan_associations(plan) if a["cross_account"]
        ) if kept_authorizations else []
        if z["authorizations"] != want_auth:
            problems.append(f"zone {zone['name']}: authorizations {z['authorizations']}, want {want_auth}")
        zone_endpoint = endpoint_vpc["endpoints"][zone["endpoint"]]["name"]
        dns_name, dns_zone = endpoint_dns.get(zone_endpoint, ["", ""])
        apex = [r for r in z["records"] if r[0].rstrip(".") == zone["name"] and r[1] == "A"]
        if len(apex) != 1:
            problems.append(f"zone {zone['name']}: {len(apex)} apex A records, want 1")
        else:
            alias = json.loads(apex[0][2]) if apex[0][2] else {}
            if (alias.get("DNSName", "").rstrip(".").lower() != (dns_name or "").rstrip(".").lower()
                    or alias.get("HostedZoneId") != dns_zone):
                problems.append(
                    f"zone {zone['name']}: apex alias {alias}, want {dns_name} in {dns_zone} (endpoint {zone_endpoint})"
                )

    for p in plan_peerings(plan):
        req_acct = plan["stacks"][p["requester_stack"]]["account_id"] or DEFAULT_ACCOUNT
        req_region = plan["stacks"][p["requester_stack"]]["region"]
        acc_acct = plan["stacks"][p["accepter_stack"]]["account_id"] or DEFAULT_ACCOUNT
        acc_region = plan["stacks"][p["accepter_stack"]]["region"]
        req = snap[f"ec2 {req_acct} {req_region}"]
        acc = snap[f"ec2 {acc_acct} {acc_region}"]
        agent = plan["agent_vpcs"][p["agent_vpc"]]["name"]
        found = {
            pid: x
            for pid, x in req["peerings"].items()
            if x["requester"][2] == p["requester_vpc_id"] and x["accepter"][2] == p["accepter_vpc_id"]
        }
        if len(found) != 1:
            problems.append(f"peering {agent}: {len(found)} live connections, want 1")
            continue
        pid, x = next(iter(found.items()))
        if x["status"] != "active":
            problems.append(f"peering {agent} {pid}: status {x['status']} on the requester side")
        if x["accepter"] != [acc_acct, acc_region, p["accepter_vpc_id"]]:
            problems.append(f"peering {agent} {pid}: accepter {x['accepter']}")
        if pid not in acc["peerings"] or acc["peerings"][pid]["status"] != "active":
            problems.append(f"peering {agent} {pid}: not active on the accepter side")
        tags_ok(f"peering {agent} {pid}", x["tags"])
        for side, d, routes in (("requester", req, p["requester_routes"]), ("accepter", acc, p["accepter_routes"])):
            for r in routes:
                rt = d["route_tables"].get(r["route_table_id"])
                if rt is None:
                    problems.append(f"route table {r['route_table_id']} ({side}) does not exist")
                    continue
                match = [x for x in rt["routes"] if x[0] == r["destination_cidr"]]
                if [m[1] for m in match] != [pid]:
                    problems.append(
                        f"route {r['destination_cidr']} in {r['route_table_id']} ({side}): {match}, want via {pid}"
                    )
    if plan["reach"]["type"] == "transit-gateway":
        problems += transit_gateway_problems(plan, snap, tags_ok)
    return problems


def transit_gateway_problems(plan: dict[str, Any], snap: dict[str, Any], tags_ok: Any) -> list[str]:
    """The Transit Gateway part of the end state: each VPC's attachment (the one the topology
    names, untouched; or one created, tagged, available, in the VPC's subnets), the routes both
    ways through the gateways, the static routes in the gateway route tables."""
    problems: list[str] = []
    tgw = plan["reach"]
    name_tag = plan["name_tag"]
    vpcs = {v["name"]: v for v in plan_vpcs(plan)}
    attachment_of: dict[str, str] = {}
    created = 0
    sides = [tgw["endpoint_attachment"]] + [s["attachment"] for s in tgw["spokes"]]
    for a in sides:
        vpc = vpcs[a["vpc"]]
        account, region = stack_of(plan, vpc)
        live = {aid: x for aid, x in snap[f"ec2 {account} {region}"]["transit_gateway_attachments"].items()
                if x["vpc"] == a["vpc_id"] and x["transit_gateway"] == a["transit_gateway_id"]}
        if a["existing_id"]:
            attachment_of[a["vpc"]] = a["existing_id"]
            if a["existing_id"] not in live:
                problems.append(f"attachment {a['existing_id']} of {a['vpc']} (the topology's) is gone")
            continue
        created += 1
        if len(live) != 1:
            problems.append(f"attachment of {a['vpc']} to {a['transit_gateway_id']}: {len(live)} live, want 1")
            continue
        aid, x = next(iter(live.items()))
        attachment_of[a["vpc"]] = aid
        tags_ok(f"attachment {aid} of {a['vpc']}", x["tags"])
        if x["state"] != "available":
            problems.append(f"attachment {aid} of {a['vpc']}: state {x['state']}, want available")
        if x["subnets"] != sorted(a["subnet_ids"]):
            problems.append(f"attachment {aid} of {a['vpc']}: subnets {x['subnets']}, want {sorted(a['subnet_ids'])}")
    # Counted in the VPC's account: the hub's owner sees another account's attachment too, with
    # its own tags (Terraform's accepter tags it there).
    ours = [aid for key, d in snap.items() if key.startswith("ec2 ")
            for aid, x in d["transit_gateway_attachments"].items()
            if x["tags"].get(name_tag["key"]) == name_tag["value"] and x["vpc"] in d["vpcs"]]
    if len(ours) != created:
        problems.append(f"{len(ours)} attachments carry {name_tag['key']}={name_tag['value']}, want {created}")
    endpoint = plan["endpoint_vpc"]
    peering_of = transit_gateway_peering_problems(plan, snap, tags_ok, problems)
    for spoke in tgw["spokes"]:
        agent = plan["agent_vpcs"][spoke["agent_vpc"]]
        for vpc, routes, gateway in ((endpoint, spoke["endpoint_routes"], tgw["hub"]),
                                     (agent, spoke["agent_routes"], spoke["attachment"]["transit_gateway_id"])):
            account, region = stack_of(plan, vpc)
            for r in routes:
                rt = snap[f"ec2 {account} {region}"]["route_tables"].get(r["route_table_id"])
                match = [x for x in (rt or {"routes": []})["routes"] if x[0] == r["destination_cidr"]]
                if [m[1] for m in match] != [gateway]:
                    problems.append(f"route {r['destination_cidr']} in {r['route_table_id']}: {match}, want via {gateway}")
    for r in tgw["static_routes"]:
        st = plan["stacks"][r["stack"]]
        d = snap[f"ec2 {st['account_id'] or DEFAULT_ACCOUNT} {st['region']}"]
        target = r["target"]
        want = (peering_of.get(target["peering"], "?") if target["type"] == "peering"
                else attachment_of.get(target["vpc"], "?"))
        table = d["transit_gateway_route_tables"].get(r["route_table_id"])
        match = [x for x in (table or {"static": []})["static"] if x[0] == r["destination_cidr"]]
        if [[m[1], m[2]] for m in match] != [["active", want]]:
            problems.append(f"static route {r['destination_cidr']} in {r['route_table_id']}: {match}, want via {want}")
    return problems


def transit_gateway_peering_problems(plan: dict[str, Any], snap: dict[str, Any], tags_ok: Any,
                                    problems: list[str]) -> dict[int, str]:
    """Each peering the topology names is still there; each one ddpl-gen creates is the only
    live peering of the hub with that gateway, requested by the hub's owner, tagged there and
    available (accepted). Returns the attachment id of each peering, by its index."""
    tgw = plan["reach"]
    endpoint_account, endpoint_region = stack_of(plan, plan["endpoint_vpc"])
    live = snap[f"ec2 {endpoint_account} {endpoint_region}"]["transit_gateway_peerings"]
    peering_of: dict[int, str] = {}
    for n, p in enumerate(tgw["peerings"]):
        if p["attachment_id"]:
            peering_of[n] = p["attachment_id"]
            if p["attachment_id"] not in live:
                problems.append(f"peering attachment {p['attachment_id']} (the topology's) is gone")
            continue
        found = {aid: x for aid, x in live.items()
                 if x["requester"] == tgw["hub"] and x["accepter"] == p["transit_gateway_id"]}
        if len(found) != 1:
            problems.append(f"peering of {tgw['hub']} with {p['transit_gateway_id']}: {len(found)} live, want 1")
            continue
        aid, x = next(iter(found.items()))
        peering_of[n] = aid
        tags_ok(f"peering attachment {aid}", x["tags"])
        if x["state"] != "available":
            problems.append(f"peering attachment {aid}: state {x['state']}, want available (accepted)")
    return peering_of


# ------------------------------------------------------------------------------------ parts


class Script:
    """A generated script run in a process group of its own (so that a stop reaches its `aws`)."""

    def __init__(self, cmd: list[str], **kw: Any):
        self.proc = subprocess.Popen(cmd, start_new_session=True, **kw)
        with SERVERS_LOCK:
            SERVERS.append(self)

    def stop(self) -> None:
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait()


def run_script(ctx: Context, env: dict[str, str], script: Path, label: str, cwd: Path | None = None) -> None:
    run_command(ctx, env, ["bash", str(script)], label, cwd)


def run_command(ctx: Context, env: dict[str, str], cmd: list[str], label: str, cwd: Path | None = None,
                ok: tuple[int, ...] = (0,)) -> tuple[int, str]:
    """Runs CMD (a generated script, terraform) with its log in ctx.dir/LABEL.log; an exit status
    not in OK fails the case. Returns the status and the output."""
    log = ctx.dir / f"{label}.log"
    start = time.monotonic()
    script = Path(cmd[-1]) if cmd[0] == "bash" else None
    shown = f"bash {script}" if script else " ".join(cmd)
    s = Script(
        cmd,
        env=env,
        cwd=cwd or ctx.dir,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        out, err = s.proc.communicate(timeout=SCRIPT_TIMEOUT)
    except subprocess.TimeoutExpired:
        s.stop()
        out, err = s.proc.communicate()
        log.write_text(f"timed out after {SCRIPT_TIMEOUT}s\n{out}{err}")
        raise CaseFailure(f"{label}: {shown} timed out after {SCRIPT_TIMEOUT}s (log {log})")
    finally:
        s.stop()
        with SERVERS_LOCK:
            SERVERS.remove(s)
    code = s.proc.returncode
    log.write_text(f"$ {shown}\n--- stdout\n{out}--- stderr\n{err}--- exit {code}\n")
    ctx.note(f"{label}: exit {code} in {time.monotonic() - start:.0f}s")
    if code not in ok:
        tail = "\n".join((out + err).strip().splitlines()[-15:])
        raise CaseFailure(f"{label}: {shown} exited {code} (log {log}); last lines:\n{tail}")
    return code, out + err


def expect_same(label: str, before: dict[str, Any], after: dict[str, Any]) -> None:
    d = diff(before, after)
    if d:
        more = f"\n      ... {len(d) - 25} more" if len(d) > 25 else ""
        raise CaseFailure(f"{label}:\n      " + "\n      ".join(d[:25]) + more)


def prepare(ctx: Context) -> tuple[dict[str, Any], Path]:
    plan0 = json.loads(ddpl(ctx.bin, "plan-json", "-f", str(ctx.case.topology)))
    ctx.case.kind = plan0["kind"]
    create_preexisting(ctx, plan0)
    topo = substituted_topology(ctx)
    plan = json.loads(ddpl(ctx.bin, "plan-json", "-f", str(topo)))
    (ctx.dir / "plan.json").write_text(json.dumps(plan, indent=2, ensure_ascii=False))
    return plan, topo


def counted(ctx: Context, env: dict[str, str], label: str) -> dict[str, str]:
    """ENV with the script's AWS CLI calls listed, one command a line, in ctx.dir/calls-LABEL.txt
    (aws_forkserver.py writes them; large.sh counts them by command)."""
    return {**env, "CONFORMANCE_AWS_CALLS": str(ctx.dir / f"calls-{label}.txt")}


def cli_case(ctx: Context) -> None:
    plan, topo = prepare(ctx)
    env = ctx.write_profiles(plan["stacks"])
    deploy = ctx.dir / "deploy.sh"
    destroy = ctx.dir / "destroy.sh"
    deploy.write_text(ddpl(ctx.bin, "cli", "-f", str(topo)))
    destroy.write_text(ddpl(ctx.bin, "cli", "--destroy", "-f", str(topo)))
    for script, expr in ((deploy, MUTATE.get("deploy")), (destroy, MUTATE.get("destroy"))):
        if expr:  # the harness's own test: a broken script must fail the case
            subprocess.run(["sed", "-i", "-e", expr, str(script)], check=True)
    before = snapshot(ctx)
    # A dry run first: something would change (exit 2), nothing does.
    dry = {**env, "DDPL_DRY_RUN": "1"}
    run_command(ctx, dry, ["bash", str(deploy)], "deploy-dry-run", ok=(2,))
    expect_same("a dry run of the deploy changed resources", before, snapshot(ctx))
    mark = ctx.moto.requests_mark()
    run_script(ctx, counted(ctx, env, "deploy"), deploy, "deploy")
    ctx.api_calls["cli deploy"] = ctx.moto.requests_since(mark)
    after1 = snapshot(ctx)
    (ctx.dir / "snapshot-deployed.json").write_text(json.dumps(after1, indent=1, ensure_ascii=False))
    problems = check_end_state(ctx, plan, after1, with_peering=True)
    if problems:
        raise CaseFailure("end state after deploy:\n      " + "\n      ".join(problems))
    mark = ctx.moto.requests_mark()
    run_script(ctx, counted(ctx, env, "deploy-again"), deploy, "deploy-again")
    ctx.api_calls["cli re-deploy"] = ctx.moto.requests_since(mark)
    expect_same("second deploy changed resources", after1, snapshot(ctx))
    # Deployed: a dry run of the deploy finds nothing to change (exit 0); one of the teardown
    # would delete (exit 2) and deletes nothing.
    run_command(ctx, dry, ["bash", str(deploy)], "deploy-dry-run-again", ok=(0,))
    run_command(ctx, dry, ["bash", str(destroy)], "destroy-dry-run", ok=(2,))
    expect_same("a dry run of the teardown changed resources", after1, snapshot(ctx))
    mark = ctx.moto.requests_mark()
    run_script(ctx, counted(ctx, env, "destroy"), destroy, "destroy")
    ctx.api_calls["cli teardown"] = ctx.moto.requests_since(mark)
    after_destroy = snapshot(ctx)
    expect_same(
        "teardown did not restore the state before deploy",
        without_dns_attributes(before),
        without_dns_attributes(after_destroy),
    )
    run_script(ctx, env, destroy, "destroy-again")
    expect_same("second teardown changed resources", after_destroy, snapshot(ctx))
    run_command(ctx, dry, ["bash", str(destroy)], "destroy-dry-run-again", ok=(0,))
    ctx.note(f"pre-existing kept: {len(ctx.mapping)} ids, decoys {', '.join(ctx.decoys)}")


# ------------------------------------------------------------------------------ convergence


def changed_topology(ctx: Context, plan: dict[str, Any], topo: Path) -> Path:
    """A' of the convergence part, from A (the case's topology with moto's ids): the first of
    several services dropped; the first allowed CIDR dropped and another added; the endpoint
    VPC's first subnet dropped (when it has several) and one in another zone added; the last
    agent VPC dropped and another added in its account and region (so that the script can
    still reach its route tables). What A' adds is created here, as the case's own VPCs are."""
    data = yaml.safe_load(topo.read_text(encoding="utf-8"))
    if len(data.get("services") or []) >= 2:
        data["services"] = data["services"][1:]
    ep = data["endpoint_vpc"]
    if ep.get("allowed_cidrs"):
        ep["allowed_cidrs"] = ep["allowed_cidrs"][1:] + ["10.254.254.0/24"]
    ep_plan = plan["endpoint_vpc"]
    account, region = stack_of(plan, ep_plan)
    ec2 = ctx.client(account, "ec2", region)
    zones = [z["ZoneName"] for z in ec2.describe_availability_zones()["AvailabilityZones"]]
    net = ipaddress.ip_network(ep_plan["cidr"])
    block = list(net.subnets(new_prefix=min(net.prefixlen + 4, 28)))[-1]
    added = ec2.create_subnet(VpcId=ep["vpc_id"], CidrBlock=str(block), AvailabilityZone=zones[len(ep["subnet_ids"])])
    ep["subnet_ids"] = ep["subnet_ids"][1:] if len(ep["subnet_ids"]) >= 2 else ep["subnet_ids"]
    ep["subnet_ids"] = ep["subnet_ids"] + [added["Subnet"]["SubnetId"]]
    agents = data.get("agent_vpcs") or []
    if agents:
        dropped = agents.pop()
        dropped_plan = next(v for v in plan["agent_vpcs"] if v["name"] == dropped["name"])
        account, region = stack_of(plan, dropped_plan)
        ec2 = ctx.client(account, "ec2", region)
        cidr = "10.253.0.0/16"
        vpc_id = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
        ctx.our_vpcs.add(vpc_id)
        igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
        ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc_id)
        rtb = ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"]
        ec2.create_route(RouteTableId=rtb, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
        kept = ("region", "account_id", "profile", "role_arn", "transit_gateway_id", "transit_gateway_route_table_id")
        agent = {k: v for k, v in dropped.items() if k in kept}
        agent.update({"name": "added-agent", "vpc_id": vpc_id, "cidr": cidr, "route_table_ids": [rtb]})
        if dropped.get("subnet_ids") or plan["kind"] == "transit-gateway":  # an attachment is created in it
            agent["subnet_ids"] = [
                ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.253.0.0/20", AvailabilityZone=zones[0])["Subnet"]["SubnetId"]
            ]
        agents.append(agent)
    out = ctx.dir / f"topology-changed{topo.suffix}"
    if topo.suffix == ".json":
        out.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    else:
        out.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return out


def canonical(snap: dict[str, Any]) -> dict[str, Any]:
    """A snapshot with the ids of what the scripts create replaced by what identifies them
    (an endpoint by VPC and service, a security group of ours by VPC and name, a peering
    connection by its VPCs, an attachment of ours by VPC and Transit Gateway, a zone by name; an endpoint's DNS names by their place in its
    list, and their hosted zone), and the run time taken off the zones' caller references: two deployments of one
    topology then compare equal."""
    tokens: dict[str, str] = {}
    for key, d in snap.items():
        if key.startswith("ec2 "):
            for eid, e in d["endpoints"].items():
                tokens[eid] = f"<endpoint {e['vpc']} {e['service']}>"
                for i, (name, zone) in enumerate(e["dns"]):
                    tokens[name] = f"<dns {i} of {tokens[eid]}>"
                    tokens[zone] = f"<dns zone of {tokens[eid]}>"
            for gid, g in d["security_groups"].items():
                if g["tags"]:
                    tokens[gid] = f"<security group {g['vpc']} {g['name']}>"
            for pid, pcx in d["peerings"].items():
                tokens[pid] = f"<peering {pcx['requester'][2]} {pcx['accepter'][2]}>"
            for aid, a in d["transit_gateway_attachments"].items():
                if a["tags"]:
                    tokens[aid] = f"<attachment {a['vpc']} {a['transit_gateway']}>"
        elif key.startswith("route53 "):
            for zid, z in d.items():
                tokens[zid] = f"<zone {z['name']}>"
    text = json.dumps(snap, sort_keys=True, ensure_ascii=False)
    for old in sorted(tokens, key=len, reverse=True):
        text = text.replace(old, tokens[old])
    data = json.loads(text)
    for key, zones in data.items():
        if key.startswith("route53 "):
            for z in zones.values():
                z["caller_reference"] = re.sub(r"-\d{8}T\d{6}Z$", "", z["caller_reference"])
    return data


def cli_converge_case(ctx: Context) -> None:
    """Deploy A, then A' (changed_topology): the end state must equal a fresh deployment of A'
    (canonical snapshots), and A''s teardown must remove everything, also after a deployment
    of A alone (what A' no longer names included)."""
    plan, topo = prepare(ctx)
    env = ctx.write_profiles(plan["stacks"])
    changed = changed_topology(ctx, plan, topo)
    plan2 = json.loads(ddpl(ctx.bin, "plan-json", "-f", str(changed)))
    scripts = {}
    for name, source, args in (("deploy-a", topo, []), ("deploy-a2", changed, []), ("destroy-a2", changed, ["--destroy"])):
        scripts[name] = ctx.dir / f"{name}.sh"
        scripts[name].write_text(ddpl(ctx.bin, "cli", *args, "-f", str(source)))
    before = snapshot(ctx)
    run_script(ctx, env, scripts["deploy-a"], "deploy A")
    deployed = snapshot(ctx)
    dry = {**env, "DDPL_DRY_RUN": "1"}
    # A dry run of A' over A: something would change (exit 2), nothing does.
    run_command(ctx, dry, ["bash", str(scripts["deploy-a2"])], "deploy A' dry run over A", ok=(2,))
    expect_same("a dry run of A' over A changed resources", deployed, snapshot(ctx))
    mark = ctx.moto.requests_mark()
    run_script(ctx, env, scripts["deploy-a2"], "deploy A'")
    ctx.api_calls["cli converge"] = ctx.moto.requests_since(mark)
    converged = snapshot(ctx)
    problems = check_end_state(ctx, plan2, converged, with_peering=True)
    if problems:
        raise CaseFailure("end state after deploying A then A':\n      " + "\n      ".join(problems))
    run_command(ctx, dry, ["bash", str(scripts["deploy-a2"])], "deploy A' dry run", ok=(0,))
    run_script(ctx, env, scripts["destroy-a2"], "destroy A'")
    expect_same("the teardown of A' did not restore the state before A", without_dns_attributes(before),
                without_dns_attributes(snapshot(ctx)))
    run_script(ctx, env, scripts["deploy-a2"], "deploy A' afresh")
    expect_same("deploying A then A' differs from deploying A' afresh", canonical(converged), canonical(snapshot(ctx)))
    run_script(ctx, env, scripts["destroy-a2"], "destroy A' again")
    run_script(ctx, env, scripts["deploy-a"], "deploy A again")
    run_script(ctx, env, scripts["destroy-a2"], "destroy A' after A")
    expect_same("the teardown of A' left some of A", without_dns_attributes(before),
                without_dns_attributes(snapshot(ctx)))


def cfn_case(ctx: Context) -> None:
    plan, topo = prepare(ctx)
    env = ctx.write_profiles(plan["stacks"])
    out = ctx.dir / "cloudformation"
    ddpl(ctx.bin, "cloudformation", "-f", str(topo), "-o", str(out))
    if plan["kind"] in ("peering", "transit-gateway"):
        cfn_peering_case(ctx, plan, env, out)
        return
    before = snapshot(ctx)
    for st in plan["stacks"]:
        template = out / f"{st['id']}.yaml"
        if not template.exists():
            raise CaseFailure(f"no template {template.name} for stack {st['id']}")
        flags = ["--region", st["region"]] + (["--profile", st["profile"]] if st["profile"] else [])
        aws_cli(ctx, env, ["cloudformation", "create-stack", "--stack-name", st["id"],
                           "--template-body", f"file://{template}", *flags], f"create-stack {st['id']}")
        aws_cli(ctx, env, ["cloudformation", "wait", "stack-create-complete", "--stack-name", st["id"], *flags],
                f"wait stack-create-complete {st['id']}")
        status = aws_cli(ctx, env, ["cloudformation", "describe-stacks", "--stack-name", st["id"], *flags,
                                    "--query", "Stacks[0].StackStatus", "--output", "text"], "describe-stacks").strip()
        if status != "CREATE_COMPLETE":
            raise CaseFailure(f"stack {st['id']}: {status}")
    created = snapshot(ctx)
    problems = check_end_state(ctx, plan, created, with_peering=False)
    if problems:
        raise CaseFailure("end state after create-stack:\n      " + "\n      ".join(problems))
    for st in reversed(plan["stacks"]):
        flags = ["--region", st["region"]] + (["--profile", st["profile"]] if st["profile"] else [])
        aws_cli(ctx, env, ["cloudformation", "delete-stack", "--stack-name", st["id"], *flags], f"delete-stack {st['id']}")
        aws_cli(ctx, env, ["cloudformation", "wait", "stack-delete-complete", "--stack-name", st["id"], *flags],
                f"wait stack-delete-complete {st['id']}")
    expect_same("delete-stack did not restore the state before create-stack", before, snapshot(ctx))


# The peering stacks come with a README.md that says in what order to run what: the companion
# script (`dns` before the stacks, `associate` after them, `--destroy` before deleting them) and
# the stacks, some in two passes (the accepter's role first, its routes once the peering exists).


def readme_steps(readme: str, section: str) -> list[tuple[str, str]]:
    """The numbered steps of the README's section `## SECTION...`: (the step's text, its sh block)."""
    steps: list[tuple[str, str]] = []
    inside = in_block = False
    text: list[str] = []
    block: list[str] = []
    for line in readme.splitlines():
        if line.startswith("## "):
            inside = line[3:].startswith(section)
            continue
        if not inside:
            continue
        bare = line.strip()
        if in_block:
            if bare == "```":
                in_block = False
                steps.append((" ".join(text), "\n".join(block) + "\n"))
                text, block = [], []
            else:
                block.append(line[3:] if line.startswith("   ") else line)
        elif bare == "```sh":
            in_block = True
        elif line[:1].isdigit() and ". " in line[:4]:
            text = [line.split(". ", 1)[1]]
        elif text and bare:
            text.append(bare)
    if in_block:
        raise CaseFailure(f"README.md: unterminated code block in section {section!r}")
    return steps


def block_actions(block: str) -> list[tuple[str, str]]:
    """What a README code block does, in order: (companion, ARG), (deploy, STACK), (delete, STACK)."""
    actions = []
    for command in block.replace("\\\n", " ").splitlines():
        try:
            words = shlex.split(command)
        except ValueError as e:
            raise CaseFailure(f"README.md: cannot split {command!r}: {e}") from e
        if len(words) >= 2 and words[0] == "bash" and words[1].endswith("-companion.sh"):
            actions.append(("companion", words[2] if len(words) > 2 else "all"))
        elif words[:3] in (["aws", "cloudformation", "deploy"], ["aws", "cloudformation", "delete-stack"]):
            if "--stack-name" not in words[:-1]:
                raise CaseFailure(f"README.md: no --stack-name in {command!r}")
            verb = "deploy" if words[2] == "deploy" else "delete"
            actions.append((verb, words[words.index("--stack-name") + 1]))
    return actions


def expected_order(plan: dict[str, Any]) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The deploy and teardown order that the plan implies (what README.md must say).

    Deploy: the companion's `dns`; the first pass of every stack that holds a role accepting a
    peering of another account (the endpoint stack takes the role's ARN); the endpoint stack;
    every other stack (taking the peering connection ids); the companion's `associate` when a zone
    is associated with a VPC of another account, or an attachment or a Transit Gateway peering
    waits for its acceptance; the second pass of the stacks whose routes wait for one. Teardown:
    the companion's `--destroy` (when it associated); the stacks of the other Transit Gateways'
    owners whose peering the endpoint stack requested (their static routes through it go
    first); the endpoint stack (the requester of every peering); then the other stacks.
    """
    endpoint = next(st["id"] for st in plan["stacks"] if st["is_endpoint_stack"])
    others = [st["id"] for st in plan["stacks"] if not st["is_endpoint_stack"]]
    role_stacks = sorted({p["accepter_stack"] for p in plan_peerings(plan) if p["cross_account"]})
    deploy: list[tuple[str, str]] = [("companion", "dns")] if any(v["needs_dns_attributes"] for v in plan_vpcs(plan)) else []
    deploy += [("deploy", plan["stacks"][i]["id"]) for i in role_stacks]
    deploy += [("deploy", endpoint)] + [("deploy", s) for s in others]
    teardown: list[tuple[str, str]] = []
    accepted = [a for a in transit_gateway_attachments(plan) if a["accepted_by_hub"]]
    # transit-gateway: the Transit Gateway peerings ddpl-gen requests (not peering's connections).
    created_peerings = ([p for p in plan["reach"]["peerings"] if not p["attachment_id"]]
                        if plan["reach"]["type"] == "transit-gateway" else [])
    if any(a["cross_account"] for a in plan_associations(plan)) or accepted or created_peerings:
        deploy.append(("companion", "associate"))
    if any(a["cross_account"] for a in plan_associations(plan)):
        teardown.append(("companion", "--destroy"))
    # transit-gateway: a second pass of the stacks whose routes waited for an acceptance (the
    # agent stacks), then, endpoint stack first, of those whose static routes take an
    # attachment's id: another stack's, one accepted by the hub's owner, or a requested peering.
    second = [plan["stacks"][a["stack"]]["id"] for a in accepted]
    waiting = {plan["stacks"][r["stack"]]["id"] for r in plan["reach"].get("static_routes", [])
               if waits_for_attachment(plan, r)}
    second += [s for s in [endpoint] + others if s in waiting]
    deploy += [("deploy", s) for s in dict.fromkeys(second)]
    peer_owners = [plan["stacks"][i]["id"] for i in dict.fromkeys(p["accepter_stack"] for p in created_peerings)]
    teardown += [("delete", s) for s in peer_owners]
    teardown += [("delete", endpoint)] + [("delete", s) for s in others if s not in peer_owners]
    return deploy, teardown


def transit_gateway_attachments(plan: dict[str, Any]) -> list[dict[str, Any]]:
    """Every VPC attachment of a transit-gateway plan (none for the other kinds)."""
    if plan["reach"]["type"] != "transit-gateway":
        return []
    return [plan["reach"]["endpoint_attachment"]] + [s["attachment"] for s in plan["reach"]["spokes"]]


def waits_for_attachment(plan: dict[str, Any], route: dict[str, Any]) -> bool:
    """A static route whose attachment another stack creates, or the hub's owner accepts, or
    through a peering ddpl-gen requests: its stack takes the attachment's id in a second pass."""
    if route["target"]["type"] == "peering":
        return not plan["reach"]["peerings"][route["target"]["peering"]]["attachment_id"]
    a = next(a for a in transit_gateway_attachments(plan) if a["vpc"] == route["target"]["vpc"])
    return not a["existing_id"] and (a["stack"] != route["stack"] or a["accepted_by_hub"])


def run_readme_steps(ctx: Context, env: dict[str, str], out: Path, steps: list[tuple[str, str]], label: str) -> None:
    """Runs each step's block as a bash script in the README's directory (ctx.dir/<label>-N.sh)."""
    for n, (_, block) in enumerate(steps, 1):
        script = ctx.dir / f"{label}-{n}.sh"
        script.write_text("set -euo pipefail\n" + block)
        run_script(ctx, env, script, f"{label}-{n}", cwd=out)


def cfn_peering_case(ctx: Context, plan: dict[str, Any], env: dict[str, str], out: Path) -> None:
    """The peering stacks and their companion script, run as the generated README.md says."""
    if MUTATE.get("companion"):  # the harness's own test: a broken companion must fail the case
        for companion in out.glob("*-companion.sh"):
            subprocess.run(["sed", "-i", "-e", MUTATE["companion"], str(companion)], check=True)
    readme = (out / "README.md").read_text(encoding="utf-8")
    deploy = readme_steps(readme, "Deploy")
    teardown = readme_steps(readme, "Teardown")
    # The optional check of the Datadog service names is skipped: moto does not know Datadog's
    # endpoint services (the scripts' DDPL_SKIP_PREFLIGHT=1).
    deploy = [(text, block) for text, block in deploy if not text.startswith("Optional")]
    want_deploy, want_teardown = expected_order(plan)
    have_deploy = [a for _, block in deploy for a in block_actions(block)]
    have_teardown = [a for _, block in teardown for a in block_actions(block)]
    if (have_deploy, have_teardown) != (want_deploy, want_teardown):
        raise CaseFailure(
            "README.md's order differs from the plan's:\n"
            f"      deploy   {have_deploy}\n      want     {want_deploy}\n"
            f"      teardown {have_teardown}\n      want     {want_teardown}"
        )
    ctx.note(f"README: deploy {have_deploy}; teardown {have_teardown}")
    stacks = [(st["id"], ["--region", st["region"]] + (["--profile", st["profile"]] if st["profile"] else []))
              for st in plan["stacks"]]
    if "DDPL_CFN_BUCKET" in readme:
        # A template over CloudFormation's inline limit goes through S3, as the README says: a
        # bucket of the endpoint stack's account (the one whose template grows with the agents).
        env = {**env, "DDPL_CFN_BUCKET": f"ddpl-conformance-{ctx.case.name}"}
        endpoint = next(st for st in plan["stacks"] if st["is_endpoint_stack"])
        flags = ["--profile", endpoint["profile"]] if endpoint["profile"] else []
        aws_cli(ctx, env, ["s3api", "create-bucket", "--bucket", env["DDPL_CFN_BUCKET"],
                           "--region", "us-east-1", *flags], "create-bucket")
        ctx.note(f"templates over 51,200 bytes go through s3://{env['DDPL_CFN_BUCKET']}")
    before = snapshot(ctx)
    run_readme_steps(ctx, env, out, deploy, "deploy")
    for stack, flags in stacks:
        status = aws_cli(ctx, env, ["cloudformation", "describe-stacks", "--stack-name", stack, *flags,
                                    "--query", "Stacks[0].StackStatus", "--output", "text"], "describe-stacks").strip()
        if status not in ("CREATE_COMPLETE", "UPDATE_COMPLETE"):
            raise CaseFailure(f"stack {stack}: {status}")
    created = snapshot(ctx)
    (ctx.dir / "snapshot-deployed.json").write_text(json.dumps(created, indent=1, ensure_ascii=False))
    problems = check_end_state(ctx, plan, created, with_peering=True)
    if problems:
        raise CaseFailure("end state after the README's deploy steps:\n      " + "\n      ".join(problems))
    # "Each step is safe to run again."
    run_readme_steps(ctx, env, out, deploy, "deploy-again")
    expect_same("the README's deploy steps run again changed resources", created, snapshot(ctx))
    run_readme_steps(ctx, env, out, teardown, "teardown")
    expect_same(
        "the README's teardown did not restore the state before its deploy",
        without_dns_attributes(before),
        without_dns_attributes(snapshot(ctx)),
    )
    ctx.note(f"pre-existing kept: {len(ctx.mapping)} ids, decoys {', '.join(ctx.decoys)}")


# terraform part: the generated Terraform root (the terraform/ directory of `ddpl-gen generate`,
# whatever files it holds), with the real terraform and AWS provider (tf_root.py), against moto:
# first the upgrade from ddpl-gen 0.1.0 (its root of the case, conformance/upgrade-from-0.1.0/,
# applied, then today's root over its state), then today's root from nothing.
UPGRADE_FIXTURES = Path(__file__).resolve().parent / "upgrade-from-0.1.0"


def tf_plan_changes(ctx: Context, env: dict[str, str], tf: str, root: Path, label: str) -> dict[str, Any]:
    """`terraform plan -out` and its JSON: the resource changes, by action."""
    flags = ["-input=false", "-no-color"]
    run_command(ctx, env, [tf, "plan", "-out=tfplan", *flags], label, root)
    shown = subprocess.run([tf, "show", "-json", "tfplan"], cwd=root, env=env, capture_output=True, text=True)
    if shown.returncode != 0:
        raise CaseFailure(f"{label}: terraform show -json exited {shown.returncode}: {shown.stderr.strip()}")
    (root / f"{label}.json").write_text(shown.stdout)
    return json.loads(shown.stdout)


def tf_generated_root(ctx: Context) -> tuple[dict[str, Any], dict[str, str], Path]:
    """The case's pre-existing resources, its plan, the environment terraform runs with, and a
    copy of the Terraform root `ddpl-gen generate` writes for it (ctx.dir/terraform)."""
    plan, topo = prepare(ctx)
    env = tf_root.env(ctx.write_profiles(plan["stacks"]))
    gen = ctx.dir / "generated"
    ddpl(ctx.bin, "generate", "-f", str(topo), "-o", str(gen))
    root = ctx.dir / "terraform"
    for note in tf_root.prepare_root(gen / "terraform", root):
        ctx.note(note)
    return plan, env, root


def alias_only(change: dict[str, Any]) -> bool:
    """A record change that only changes its alias target's name (and hosted zone)."""
    before, after = dict(change.get("before") or {}), dict(change.get("after") or {})
    before.pop("alias", None)
    after.pop("alias", None)
    unknown = change.get("after_unknown") or {}
    return before == after and not any(v for k, v in unknown.items() if k != "alias")


def new_since_0_1(case: Case) -> bool:
    """The case's kind came after 0.1.0 (transit-gateway): no 0.1.0 state can exist to upgrade."""
    return yaml.safe_load(case.topology.read_text(encoding="utf-8")).get("kind") == "transit-gateway"


def tf_upgrade_case(ctx: Context) -> None:
    """The upgrade from 0.1.0: applies the case's 0.1.0 root, then today's root over its state:
    the plan may only rename (moved blocks), leave alone, and point an alias record at the
    endpoint's regional DNS entry in place; never create, destroy or replace; after the apply
    the end state is the plan's and a second plan is empty. (No destroy: the terraform part
    proves it, and the next case starts on a reset moto.)"""
    plan, env, root = tf_generated_root(ctx)
    tf = tf_root.terraform_bin()
    flags = ["-input=false", "-no-color"]
    fixture = UPGRADE_FIXTURES / f"{ctx.case.name}.tf"
    if not fixture.is_file():
        raise CaseFailure(f"no 0.1.0 root for the case: {fixture}")
    old = ctx.dir / "terraform-0.1.0"
    old.mkdir()
    text = fixture.read_text(encoding="utf-8")
    # What 0.1.0 generates for the case's topology with moto's ids: the ids wherever they
    # appear (values, descriptions) and in the addresses named after them (rtb_0aaa...).
    for golden_id in sorted(ctx.mapping, key=len, reverse=True):
        moto_id = ctx.mapping[golden_id]
        text = text.replace(golden_id, moto_id).replace(golden_id.replace("-", "_"), moto_id.replace("-", "_"))
    (old / "main.tf").write_text(text, encoding="utf-8")
    for note in tf_root.prepare_root(old, old):
        ctx.note(note)
    run_command(ctx, env, [tf, "init", *flags], "terraform-0.1.0-init", old)
    run_command(ctx, env, [tf, "apply", "-auto-approve", *flags], "terraform-0.1.0-apply", old)
    run_command(ctx, env, [tf, "init", *flags], "terraform-init", root)
    shutil.copy(old / "terraform.tfstate", root / "terraform.tfstate")
    report = tf_plan_changes(ctx, env, tf, root, "terraform-upgrade-plan")
    moved, realiased, bad = 0, 0, []
    for change in report.get("resource_changes", []):
        actions = change["change"]["actions"]
        if change.get("previous_address"):
            moved += 1
        if actions in (["no-op"], ["read"]):
            continue
        if actions == ["update"] and change["type"] == "aws_route53_record" and alias_only(change["change"]):
            # 0.1.0 aimed the alias at the endpoint's first DNS entry; moto lists a zonal one
            # first (as AWS may): 0.2.0 points it at the regional one, in place.
            realiased += 1
            continue
        bad.append(f"{change['address']}: {'/'.join(actions)}")
    if bad:
        raise CaseFailure("upgrading from 0.1.0 would change resources (moved blocks must rename them):\n      "
                          + "\n      ".join(bad[:40]))
    run_command(ctx, env, [tf, "apply", *flags, "tfplan"], "terraform-upgrade-apply", root)
    problems = check_end_state(ctx, plan, snapshot(ctx), with_peering=True, kept_authorizations=True)
    if problems:
        raise CaseFailure("end state after the upgrade:\n      " + "\n      ".join(problems))
    code, out = run_command(ctx, env, [tf, "plan", "-detailed-exitcode", *flags], "terraform-upgrade-plan-again",
                            root, ok=(0, 2))
    if code == 2:
        raise CaseFailure("terraform plan after the upgrade wants changes (exit 2):\n      "
                          + "\n      ".join(plan_lines(out)[:40]))
    ctx.note(f"upgrade from 0.1.0: {moved} resources renamed, {realiased} alias records pointed at the "
             "regional DNS entry in place, nothing else changed")


def plan_lines(out: str) -> list[str]:
    return [line.strip() for line in out.splitlines()
            if line.lstrip().startswith(("# ", "~ ", "+ ", "- ", "-/+ ", "Plan:"))]


def tf_case(ctx: Context) -> None:
    """init; apply; the end state; a plan with no change; destroy back to the state before."""
    plan, env, root = tf_generated_root(ctx)
    if MUTATE.get("terraform"):  # the harness's own test: a broken Terraform must fail the case
        for f in sorted(root.glob("*.tf")):
            subprocess.run(["sed", "-i", "-e", MUTATE["terraform"], str(f)], check=True)
    tf = tf_root.terraform_bin()
    flags = ["-input=false", "-no-color"]
    before = snapshot(ctx)
    run_command(ctx, env, [tf, "init", *flags], "terraform-init", root)
    mark = ctx.moto.requests_mark()
    run_command(ctx, env, [tf, "apply", "-auto-approve", *flags], "terraform-apply", root)
    ctx.api_calls["terraform apply"] = ctx.moto.requests_since(mark)
    created = snapshot(ctx)
    (ctx.dir / "snapshot-deployed.json").write_text(json.dumps(created, indent=1, ensure_ascii=False))
    problems = check_end_state(ctx, plan, created, with_peering=True, kept_authorizations=True)
    if problems:
        raise CaseFailure("end state after terraform apply:\n      " + "\n      ".join(problems))
    mark = ctx.moto.requests_mark()
    code, out = run_command(ctx, env, [tf, "plan", "-detailed-exitcode", *flags], "terraform-plan-again", root,
                            ok=(0, 2))
    ctx.api_calls["terraform no-op plan"] = ctx.moto.requests_since(mark)
    if code == 2:
        raise CaseFailure("terraform plan after apply wants changes (exit 2):\n      "
                          + "\n      ".join(plan_lines(out)[:40]))
    expect_same("terraform plan changed resources", created, snapshot(ctx))
    mark = ctx.moto.requests_mark()
    run_command(ctx, env, [tf, "destroy", "-auto-approve", *flags], "terraform-destroy", root)
    ctx.api_calls["terraform destroy"] = ctx.moto.requests_since(mark)
    expect_same("terraform destroy did not restore the state before apply", before, snapshot(ctx))
    ctx.note(f"pre-existing kept: {len(ctx.mapping)} ids, decoys {', '.join(ctx.decoys)}")


def aws_cli(ctx: Context, env: dict[str, str], args: list[str], label: str) -> str:
    p = subprocess.run(["aws", *args], env=env, cwd=ctx.dir, capture_output=True, text=True, timeout=300)
    with open(ctx.dir / "aws.log", "a") as log:
        log.write(f"$ aws {' '.join(args)}\n{p.stdout}{p.stderr}exit {p.returncode}\n")
    if p.returncode != 0:
        raise CaseFailure(f"{label}: aws {' '.join(args)} exited {p.returncode}: {p.stderr.strip()[-800:]}")
    return p.stdout


PARTS = {"cli": cli_case, "cli-converge": cli_converge_case, "cloudformation": cfn_case, "terraform": tf_case, "terraform-upgrade": tf_upgrade_case}
LABELS = {"cli": "cli behaviour", "cli-converge": "cli convergence", "cloudformation": "cloudformation behaviour", "terraform": "terraform behaviour",
          "terraform-upgrade": "terraform upgrade"}
MUTATE: dict[str, str] = {}


def next_task(queues: list[queue.Queue[tuple[str, Case]]]) -> tuple[str, Case] | None:
    for q in queues:
        try:
            return q.get_nowait()
        except queue.Empty:
            continue
    return None


def run_case(moto: Any, case: Case, work: Path, args: argparse.Namespace, part: str,
             aws_dir: Path | None) -> Result:
    """One part of one case on a freshly reset moto server."""
    start = time.monotonic()
    ctx = None
    try:
        moto.reset()
        ctx = Context(moto, case, work, args.ddpl_gen, part, aws_dir)
        PARTS[part](ctx)
        return Result(part, case.name, True, time.monotonic() - start, ctx.lines, ctx.api_calls)
    except CaseFailure as e:
        return Result(part, case.name, False, time.monotonic() - start, (ctx.lines if ctx else []) + [str(e)])
    except Exception:  # a harness or moto problem: still a failure, with its trace
        return Result(part, case.name, False, time.monotonic() - start,
                      (ctx.lines if ctx else []) + ["harness error:\n" + traceback.format_exc()])


def worker(queues: list[queue.Queue[tuple[str, Case]]], results: list[Result], args: argparse.Namespace,
           index: int, lock: threading.Lock, stop: threading.Event) -> None:
    """Takes tasks from the first of QUEUES that has one, until all are empty."""
    moto = Moto(args.work / f"moto-{index}.log")
    scripts = any(not part.startswith("terraform") for q in queues for part, _ in list(q.queue))  # needs `aws`
    forkserver = AwsForkserver(Path(args.sockets) / f"w{index}") if args.forkserver and scripts else None
    try:
        moto.start()
        aws_dir = forkserver.start() if forkserver else None
        while not stop.is_set():
            task = next_task(queues)
            if task is None:
                return
            part, case = task
            res = run_case(moto, case, args.work, args, part, aws_dir)
            if not res.ok and part.startswith("terraform"):
                # A flake of the provider against moto, seen in 2 of 28 case runs (two full runs,
                # never on the same case twice): a create landing twice, probably a call the SDK
                # retried (InvalidGroup.Duplicate; two associations of one zone and VPC). One
                # second run on a fresh moto; a generator bug fails both, and the first
                # failure is printed either way. To investigate (conformance/README.md).
                first = res
                res = run_case(moto, case, args.work / "second-run", args, part, aws_dir)
                res.seconds += first.seconds
                res.lines = ["first run failed, second passed; the first run's failure:",
                             *("  " + line for line in first.lines)] + res.lines if res.ok else first.lines + res.lines
            with lock:
                results.append(res)
                status = "ok  " if res.ok else "FAIL"
                calls = ", ".join(f"{k} {v}" for k, v in res.api_calls.items())
                calls = f"; API calls: {calls}" if calls else ""
                print(f"  {status} {part:<14} {case.name} ({res.seconds:.0f}s{calls})", flush=True)
                if not res.ok or (res.lines and res.lines[0].startswith("first run failed")):
                    for line in res.lines:
                        print("       " + line.replace("\n", "\n       "), flush=True)
    except Exception as e:  # moto would not start
        with lock:
            print(f"  moto worker {index}: {e}", flush=True)
    finally:
        if forkserver:
            forkserver.stop()
        moto.stop()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ddpl-gen", required=True)
    ap.add_argument("--work", required=True, type=Path)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--terraform-jobs", type=int, default=0,
                    help="workers for the terraform part only, beside the --jobs ones")
    ap.add_argument("--part", choices=["cli", "cli-converge", "cloudformation", "terraform", "terraform-upgrade", "all"], action="append",
                    dest="parts", help="the part to run (repeatable; default all)")
    ap.add_argument("--mutate-deploy", metavar="SED", help="testing the harness: edit deploy.sh with sed")
    ap.add_argument("--mutate-destroy", metavar="SED", help="testing the harness: edit destroy.sh with sed")
    ap.add_argument("--mutate-companion", metavar="SED",
                    help="testing the harness: edit the peering stacks' companion script with sed")
    ap.add_argument("--mutate-terraform", metavar="SED",
                    help="testing the harness: edit the generated *.tf files with sed")
    ap.add_argument("--converge", metavar="CASES",
                    help="the cli-converge part on these cases only (comma-separated names; default all)")
    ap.add_argument("topologies", nargs="+", type=Path)
    args = ap.parse_args()
    MUTATE.update({"deploy": args.mutate_deploy or "", "destroy": args.mutate_destroy or "",
                   "companion": args.mutate_companion or "", "terraform": args.mutate_terraform or ""})
    # Set CONFORMANCE_AWS_FORKSERVER=0 to run the scripts with the plain `aws` entry point.
    args.forkserver = os.environ.get("CONFORMANCE_AWS_FORKSERVER", "1") != "0"
    args.work.mkdir(parents=True, exist_ok=True)
    args.sockets = tempfile.mkdtemp(prefix="ddpl-aws-")  # short: a socket path has 108 bytes
    args.work = args.work.resolve()
    args.ddpl_gen = str(Path(args.ddpl_gen).resolve())

    # Terminate like an interrupt, so that every moto server is stopped by its worker.
    stop = threading.Event()

    def on_signal(signum: int, _frame: Any) -> None:
        stop.set()
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_signal)

    cases = [Case(case_name(p), p.resolve()) for p in args.topologies]
    kinds = {}
    for c in cases:
        kinds[c.name] = yaml.safe_load(c.topology.read_text(encoding="utf-8"))["kind"]
    if not args.parts or "all" in args.parts:
        parts = list(PARTS)
    else:
        parts = [p for p in PARTS if p in args.parts]
    tasks: queue.Queue[tuple[str, Case]] = queue.Queue()  # the scripts and stacks
    tf_tasks: queue.Queue[tuple[str, Case]] = queue.Queue()  # terraform: mostly the provider's waits
    todo: dict[str, list[str]] = {p: [] for p in parts}
    # The long ones (peering: scripts, then stacks) first, so that the workers finish together.
    order = sorted(cases, key=lambda c: (kinds[c.name] != "peering", c.name))
    converge = set(args.converge.split(",")) if args.converge else {c.name for c in cases}
    unknown = converge - {c.name for c in cases}
    if unknown:
        ap.error(f"--converge: no such case: {', '.join(sorted(unknown))}")
    for part in parts:
        todo[part] = [c.name for c in order if (part != "cli-converge" or c.name in converge)
                      and (part != "terraform-upgrade" or not new_since_0_1(c))]
    for part, c in sorted(((part, c) for part in parts for c in order if c.name in todo[part]),
                          key=lambda t: (kinds[t[1].name] != "peering", t[0] != "cli", t[1].name)):
        (tf_tasks if part.startswith("terraform") else tasks).put((part, c))
    results: list[Result] = []
    lock = threading.Lock()
    # --jobs workers take the scripts and stacks first, then terraform; --terraform-jobs more
    # take terraform only (its apply and destroy mostly wait: the provider polls Route 53 changes
    # and endpoint states, 5 to 30 s each, so more of them than CPUs pays).
    total = tasks.qsize() + tf_tasks.qsize()
    main_jobs = max(1, min(args.jobs, total))
    tf_jobs = max(0, min(args.terraform_jobs, tf_tasks.qsize()))
    threads = [
        threading.Thread(target=worker, args=([tasks, tf_tasks], results, args, i, lock, stop), daemon=True)
        for i in range(main_jobs)
    ] + [
        threading.Thread(target=worker, args=([tf_tasks], results, args, main_jobs + i, lock, stop), daemon=True)
        for i in range(tf_jobs)
    ]
    try:
        for t in threads:
            t.start()
        while any(t.is_alive() for t in threads):
            for t in threads:
                t.join(timeout=0.5)
    except KeyboardInterrupt:
        stop.set()
        print("interrupted", file=sys.stderr)
        return 1
    finally:
        with SERVERS_LOCK:
            servers = list(SERVERS)
        for server in servers:
            server.stop()
        shutil.rmtree(args.sockets, ignore_errors=True)
    ok = True
    for part in parts:
        done = {r.case: r for r in results if r.part == part}
        passed = sum(1 for name in todo[part] if name in done and done[name].ok)
        total = len(todo[part])
        if passed != total or total == 0:
            ok = False
            missing = [n for n in todo[part] if n not in done]
            if missing:
                print(f"  {part}: not run (worker failure): {', '.join(missing)}")
        suffix = "" if part == "cloudformation" else " cases"
        print(f"{LABELS[part]}: {passed}/{total}{suffix}", flush=True)
    # The AWS API requests of a run that changes nothing: terraform's plan after its apply beside
    # the CLI's second deploy (counted in moto's request log), per case.
    noop = {(r.part, r.case): r.api_calls for r in results if r.ok}
    if "terraform" in parts and "cli" in parts:
        for name in todo["terraform"]:
            t = noop.get(("terraform", name), {}).get("terraform no-op plan")
            c = noop.get(("cli", name), {}).get("cli re-deploy")
            print(f"  no-op API calls {name}: terraform plan {t if t is not None else '-'}, "
                  f"cli re-deploy {c if c is not None else '-'}", flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
