#!/usr/bin/env python3
"""Starts moto_server with the AWS semantics the conformance suite needs and moto lacks.

Usage: moto_launcher.py [-H HOST] [-p PORT]   (the arguments of moto_server)

Every patch makes moto behave like AWS; none adapts AWS to a generated script. What is added:

EC2
- DescribeVpcPeeringConnections applies its filters (moto ignores them): accepter-vpc-info.*
  and requester-vpc-info.* (cidr-block, owner-id, vpc-id), status-code, status-message,
  vpc-peering-connection-id, expiration-time, tag:<key>, tag-key; several values of one filter
  match any, several filters must all match, `*` and `?` are wildcards, an unknown filter name
  is InvalidParameterValue. As in AWS, the tags of a peering connection are those of the
  caller's account and region (the requester's tags are not the accepter's).
- CreateVpcEndpoint (API and CloudFormation) keeps ServiceRegion (cross-region PrivateLink),
  which DescribeVpcEndpoints returns; moto drops it. The CloudFormation resource applies its
  Tags, which moto drops.
- Deleting a CloudFormation stack deletes its AWS::EC2::VPCEndpoint resources (moto keeps them).
- CloudFormation reads a path-style TemplateURL on an S3 endpoint given by IP address (what
  `aws cloudformation deploy --s3-bucket` sends with AWS_ENDPOINT_URL=http://127.0.0.1:PORT)
  from that bucket; moto takes the first label of the host for the bucket.
- DeleteSecurityGroup of a group a live VPC endpoint uses is DependencyViolation, as in AWS.
- AWS::EC2::SecurityGroup with SecurityGroupEgress replaces the default allow-all egress rule
  with the rules given, as in AWS; moto ignores SecurityGroupEgress.
- CreateVpcEndpoint refuses what AWS refuses: private DNS on a VPC without enableDnsSupport and
  enableDnsHostnames (InvalidParameter), and two subnets in one availability zone
  (DuplicateSubnetsInSameZone).
- An interface endpoint has, as in AWS, a zonal DNS entry per subnet's availability zone
  (vpce-<id>-<suffix>-<zone>.<service>) beside the regional one; moto has only the regional.
  AWS promises no order; the zonal entries come first here, so that a format that takes the
  first entry instead of the regional one is caught. ModifyVpcEndpoint that adds or removes
  subnets adds or removes their zonal entries, as in AWS (moto keeps the entries of the
  creation), and refuses a second subnet in one zone (DuplicateSubnetsInSameZone).
- Fn::GetAtt of AWS::EC2::VPCEndpoint (moto has none): DnsEntries, a list of
  "HostedZoneId:DnsName" strings in the order of DescribeVpcEndpoints' DnsEntries (what the peering
  stacks' alias records split), and Id, CreationTimestamp, NetworkInterfaceIds.
- AWS::EC2::VPCPeeringConnection (moto looks PeerVpcId up in the stack's own account and region,
  drops Tags, never accepts, and keeps the connection when the stack is deleted): PeerRegion and
  PeerOwnerId locate the accepter VPC; Tags are applied (in the requester's account and region).
  In one account (same region or another) the request is accepted with the resource. For another
  account CloudFormation accepts by assuming PeerRoleArn: the role must exist in the accepter's
  account (its ARN as given), trust the requester's account (principal "*", the account id or
  its :root ARN, with sts:AssumeRole and no condition), and its inline policies must allow
  ec2:AcceptVpcPeeringConnection on both resources the action covers, the peering connection
  (arn:aws:ec2:REGION:ACCOUNT:vpc-peering-connection/ID) and the accepter VPC, with the conditions
  ArnEquals/ArnLike/StringEquals/StringLike on ec2:RequesterVpc, ec2:AccepterVpc and
  ec2:VpcPeeringConnectionID evaluated (any other condition makes a statement not apply, a Deny
  that applies wins); otherwise, or without PeerRoleArn, the request is deleted and the resource
  fails (VpcPeeringConnectionNotAccepted; moto reports a failed resource on the CreateStack or
  ExecuteChangeSet call instead of rolling the stack back). Deleting the stack deletes the
  connection (status deleted).
- Deleting a CloudFormation stack deletes its AWS::EC2::Route resources (moto keeps them).
- Transit Gateways. CreateTransitGatewayVpcAttachment applies the tags of its
  "transit-gateway-attachment" TagSpecification (moto reads those of another resource type and
  drops them). It attaches a VPC to a Transit Gateway of another account of the partition, in
  the same region, when the gateway's owner shares it with the caller's account through RAM
  (moto's RAM is taught to share a transit-gateway; moto looks the gateway up in the caller's
  account only): such an attachment is pendingAcceptance unless the gateway's
  AutoAcceptSharedAttachments is enable, and the owner sees it too, with the owner's own tags
  (tags of a shared resource are per account in AWS).
  AcceptTransitGatewayVpcAttachment (moto has none): by the gateway's owner, of a
  pendingAcceptance attachment (else IncorrectState), which becomes available and is
  associated with the gateway's default route table. DeleteTransitGatewayVpcAttachment, by
  either account, removes it from both (a second delete is
  InvalidTransitGatewayAttachmentID.NotFound; moto failed with an internal error), and DescribeTransitGatewayVpcAttachments lists it for the rest of the
  run in state deleted, as AWS does for a while (moto forgets it at once; the Terraform
  provider waits for that state). DescribeTransitGatewayVpcAttachments lists VPC attachments
  only (moto lists peering attachments too). CreateTransitGatewayRoute names the attachment of a static route
  in a list, as AWS (moto's response loses it), and refuses an attachment the gateway's account
  does not have (InvalidTransitGatewayAttachmentID.NotFound). CreateRoute and ReplaceRoute with a TransitGatewayId find a
  gateway shared with the caller (moto finds only its own, and makes a route without a target).
  DescribeTransitGateways lists the gateways RAM shares with the caller's account too, as AWS.
  CreateTransitGatewayRoute refuses an attachment that is not available (pending acceptance:
  IncorrectState), as AWS. DescribeTransitGatewayPeeringAttachments lists peering attachments
  only (moto lists VPC attachments too), each with the caller's own tags.
  AWS::EC2::TransitGatewayVpcAttachment, AWS::EC2::TransitGatewayPeeringAttachment (pending
  acceptance until the peer's owner accepts it) and AWS::EC2::TransitGatewayRoute (moto has
  none of them): created with their properties (Ref: the attachment's id), deleted with the
  stack.

CloudFormation
- CreateChangeSet of type UPDATE that changes nothing creates a FAILED change set whose
  StatusReason says it "didn't contain changes", as AWS does (moto refuses the call with
  UpdateStack's "No updates are to be performed"); `aws cloudformation deploy
  --no-fail-on-empty-changeset` then exits 0, as against AWS.
- A String parameter's value, given or its Default, must match the parameter's AllowedPattern
  as a whole (ValidationError "Parameter 'NAME' failed to satisfy constraint:
  ConstraintDescription", or "must match pattern" without one); moto checks no pattern. AWS
  refuses on CreateStack, UpdateStack or CreateChangeSet; moto resolves a change set's parameters
  only on ExecuteChangeSet, which refuses then.
- ExecuteChangeSet leaves the stack with the change set's template, parameters and Outputs (moto
  keeps the outputs of the stack's creation: none for a stack created by a change set).
- A stack update creates a resource whose Condition has become true and deletes one whose
  Condition has become false (moto ignores a changed Condition, or, when the resource's
  properties use a changed parameter, "modifies" it: a resource created so is then not deleted
  with the stack). The accepter's stack of a peering of another account relies on it: its
  routes exist from the pass that receives the peering connection id.

Route53 (moto keeps each account's zones apart and has no association authorization)
- CreateVPCAssociationAuthorization, DeleteVPCAssociationAuthorization and
  ListVPCAssociationAuthorizations, called by the zone's owner.
- AssociateVPCWithHostedZone: the VPC must exist in the caller's account and the given region
  (else InvalidVPCId); when the zone belongs to another account, the zone owner must have
  authorized that VPC (else NotAuthorizedException) and the association is made on the owner's
  zone; a VPC already associated with a zone of the same name is ConflictingDomainExists.
- DisassociateVPCFromHostedZone: by the zone's owner or by the VPC's owner (who does not own the
  zone); a VPC that is not associated is VPCAssociationNotFound.
- ListHostedZonesByVPC lists the zones of every account associated with the VPC (in that
  region), each with its owning account, in pages: MaxItems and NextToken as in AWS (moto
  returns everything at once), and never more than ZONE_PAGE (2) zones per page, which the API
  allows ("up to MaxItems"), so that every peering case runs the scripts' NextToken loop.
- CreateHostedZone: a caller reference is accepted once per account, even after the zone is
  deleted (HostedZoneAlreadyExists); a zone created with a VPC is private, whether or not
  HostedZoneConfig.PrivateZone says so (moto makes it public unless PrivateZone is true; the
  Terraform provider's aws_route53_zone with a `vpc` block sends the VPC alone, so every
  aws_route53_zone_association failed with PublicZoneVPCAssociation); a private zone's VPC must
  exist in the caller's account (InvalidVPCId); a name already associated with that VPC is
  ConflictingDomainExists.
- AWS::Route53::HostedZone (moto makes a public zone of the Name alone and keeps it when the
  stack is deleted): with VPCs it is a private zone associated with each of them (each must exist
  in the stack's account, else InvalidVPCId; a name already associated with one of them is
  ConflictingDomainExists), with HostedZoneConfig's Comment and HostedZoneTags; deleting the stack
  deletes the zone (HostedZoneNotEmpty while records other than SOA and NS remain, which the
  stack's AWS::Route53::RecordSet deletion removes first).
"""

from __future__ import annotations

import copy
import fnmatch
import json
import re
import sys
from typing import Any
from urllib.parse import urlparse

from moto.cloudformation import parsing as cfn_parsing
from moto.cloudformation.exceptions import ValidationError as CfnValidationError
from moto.cloudformation import models as cfn_models
from moto.cloudformation.models import CloudFormationBackend
from moto.cloudformation import responses as cfn_responses
from moto.cloudformation.responses import CloudFormationResponse
from moto.s3.models import s3_backends
from moto.core.common_models import CloudFormationModel
from moto.core.exceptions import ServiceException
from moto.core.responses import ActionResult, EmptyResult
from moto.core.utils import utcnow
from moto.utilities.utils import get_partition
from moto.ec2.exceptions import EC2ClientError, InvalidTransitGatewayID
from moto.ec2.models import ec2_backends
from moto.ec2.models.route_tables import Route
from moto.ec2.models.security_groups import SecurityGroup, SecurityGroupBackend
from moto.ec2.models.vpc_peering_connections import VPCPeeringConnection
from moto.ec2.models.vpcs import VPCBackend, VPCEndPoint
from moto.ec2.responses.vpc_peering_connections import VPCPeeringConnections
from moto.ec2.utils import split_route_id
from moto.iam.models import iam_backends
from moto.ec2.responses.vpcs import VPCs
from moto.route53 import urls as route53_urls
from moto.route53.exceptions import (
    InvalidPaginationToken,
    LastVPCAssociation,
    NoSuchHostedZone,
    PublicZoneVPCAssociation,
)
from moto.route53.models import FakeZone, Route53Backend, route53_backends
from moto.route53.responses import Route53


# --------------------------------------------------------------------------- EC2 peering filters

def _pcx_values(pcx: Any, name: str, tags: dict[str, str]) -> list[str] | None:
    """The values a peering connection has for filter NAME; None for an unknown filter."""
    sides = {"requester-vpc-info": pcx.vpc, "accepter-vpc-info": pcx.peer_vpc}
    side, _, field = name.partition(".")
    if side in sides and field:
        vpc = sides[side]
        if field == "vpc-id":
            return [vpc.id]
        if field == "owner-id":
            return [vpc.owner_id]
        if field == "cidr-block":
            blocks = [vpc.cidr_block]
            for assoc in getattr(vpc, "cidr_block_association_set", {}).values():
                block = assoc.get("cidr_block")
                if block and block not in blocks:
                    blocks.append(block)
            return blocks
        return None
    if name == "status-code":
        return [pcx._status.code]
    if name == "status-message":
        return [pcx._status.message]
    if name == "vpc-peering-connection-id":
        return [pcx.id]
    if name == "expiration-time":
        return []
    if name == "tag-key":
        return list(tags)
    if name.startswith("tag:"):
        key = name[len("tag:"):]
        return [tags[key]] if key in tags else []
    return None


def _pcx_matches(pcx: Any, filters: dict[str, list[str]], tags: dict[str, str]) -> bool:
    for name, wanted in filters.items():
        have = _pcx_values(pcx, name, tags)
        if have is None:
            raise EC2ClientError("InvalidParameterValue", f"The filter '{name}' is invalid")
        if not any(fnmatch.fnmatchcase(h, w) for h in have for w in wanted):
            return False
    return True


def _pcx_view(pcx: Any, tags: dict[str, str]) -> dict[str, Any]:
    return {
        "AccepterVpcInfo": pcx.accepter_vpc_info,
        "RequesterVpcInfo": pcx.requester_vpc_info,
        "Status": pcx.status,
        "Tags": [{"Key": k, "Value": v} for k, v in tags.items()],
        "VpcPeeringConnectionId": pcx.id,
    }


def describe_vpc_peering_connections(self: Any) -> ActionResult:
    ids = self._get_param("VpcPeeringConnectionIds", [])
    filters = self._filters_from_querystring()
    backend = self.ec2_backend
    result = []
    for pcx in backend.describe_vpc_peering_connections(vpc_peering_ids=ids):
        # Tags live per account and region, as in AWS.
        tags = dict(backend.tags.get(pcx.id, {}))
        if _pcx_matches(pcx, filters, tags):
            result.append(_pcx_view(pcx, tags))
    return ActionResult({"VpcPeeringConnections": result})


# --------------------------------------------------------------------------- EC2 ServiceRegion

_original_create_vpc_endpoint = VPCs.create_vpc_endpoint


def create_vpc_endpoint(self: Any) -> ActionResult:
    result = _original_create_vpc_endpoint(self)
    endpoint = result.result["VpcEndpoint"]  # type: ignore[index]
    endpoint.service_region = self._get_param("ServiceRegion") or None
    return result


_original_backend_create_vpc_endpoint = VPCBackend.create_vpc_endpoint


def backend_create_vpc_endpoint(self: Any, *args: Any, **kwargs: Any) -> Any:
    names = ["vpc_id", "service_name", "endpoint_type", "policy_document", "route_table_ids", "subnet_ids"]
    given = dict(zip(names, args))
    given.update(kwargs)
    if (given.get("endpoint_type") or "").lower() == "interface":
        vpc_id = given.get("vpc_id")
        vpc = self.get_vpc(vpc_id)
        if given.get("private_dns_enabled") and not (vpc.enable_dns_support and vpc.enable_dns_hostnames):
            raise EC2ClientError(
                "InvalidParameter",
                "Enabling private DNS requires both enableDnsSupport and enableDnsHostnames "
                f"VPC attributes set to true for {vpc_id}",
            )
        zones: dict[str, str] = {}
        for subnet_id in given.get("subnet_ids") or []:
            _add_endpoint_subnet(self, zones, subnet_id)
    endpoint = _original_backend_create_vpc_endpoint(self, *args, **kwargs)
    if (given.get("endpoint_type") or "").lower() == "interface" and endpoint.dns_entries:
        # AWS lists a regional DNS entry and one per zone, in no promised order (for partner
        # services a zonal one can come first): zonal first here, so that a format taking the
        # first entry is caught.
        regional = endpoint.dns_entries[0]
        label, rest = regional["dns_name"].split(".", 1)
        endpoint.dns_entries = _zonal_entries(regional, sorted(zones)) + [regional]
    return endpoint


def _add_endpoint_subnet(backend: Any, zones: dict[str, str], subnet_id: str) -> None:
    """Adds SUBNET_ID to an interface endpoint's subnets by zone; AWS refuses two in one zone."""
    zone = backend.get_subnet(subnet_id).availability_zone
    if zone in zones:
        raise EC2ClientError(
            "DuplicateSubnetsInSameZone",
            f"Found another VPC endpoint subnet in the availability zone of {subnet_id}. "
            "VPC endpoint subnets should be in different availability zones supported "
            "by the VPC endpoint service.",
        )
    zones[zone] = subnet_id


def _zonal_entries(regional: dict[str, str], zones: list[str]) -> list[dict[str, str]]:
    label, rest = regional["dns_name"].split(".", 1)
    return [{"dns_name": f"{label}-{zone}.{rest}", "hosted_zone_id": regional["hosted_zone_id"]} for zone in zones]


_original_modify_vpc_endpoint = VPCBackend.modify_vpc_endpoint


def modify_vpc_endpoint(self: Any, vpc_id: str, policy_doc: str, add_subnets: list[str] | None,
                        remove_subnets: list[str] | None, *args: Any, **kwargs: Any) -> None:
    endpoint = self.describe_vpc_endpoints(vpc_end_point_ids=[vpc_id])[0]
    zones = {self.get_subnet(s).availability_zone: s for s in endpoint.subnet_ids or []}
    for subnet_id in remove_subnets or []:
        zones = {z: s for z, s in zones.items() if s != subnet_id}
    for subnet_id in add_subnets or []:
        _add_endpoint_subnet(self, zones, subnet_id)
    _original_modify_vpc_endpoint(self, vpc_id, policy_doc, add_subnets, remove_subnets, *args, **kwargs)
    if (endpoint.vpc_endpoint_type or "").lower() == "interface" and endpoint.dns_entries:
        regional = endpoint.dns_entries[-1]
        endpoint.dns_entries = _zonal_entries(regional, sorted(zones)) + [regional]


_original_cfn_create_vpc_endpoint = VPCEndPoint.create_from_cloudformation_json.__func__  # type: ignore[attr-defined]


def cfn_create_vpc_endpoint(cls: Any, resource_name: str, cloudformation_json: Any, account_id: str,
                            region_name: str, **kwargs: Any) -> Any:
    endpoint = _original_cfn_create_vpc_endpoint(cls, resource_name, cloudformation_json, account_id,
                                                 region_name, **kwargs)
    properties = cloudformation_json.get("Properties", {})
    endpoint.service_region = properties.get("ServiceRegion")
    tags = {t["Key"]: t["Value"] for t in properties.get("Tags") or []}
    if tags:
        endpoint.add_tags(tags)
    return endpoint


def cfn_delete_vpc_endpoint(cls: Any, resource_name: str, cloudformation_json: Any, account_id: str,
                            region_name: str) -> None:
    if resource_name:
        ec2_backends[account_id][region_name].delete_vpc_endpoints([resource_name])


# --------------------------------------------------------------------------- CloudFormation TemplateURL

_original_get_stack_from_s3_url = cfn_responses.get_stack_from_s3_url


def get_stack_from_s3_url(template_url: str, account_id: str, partition: str) -> str:
    """A TemplateURL in path style on the S3 endpoint the caller uses (what `aws cloudformation
    deploy --s3-bucket` sends when AWS_ENDPOINT_URL names a server by IP address) is read from
    that bucket, as AWS reads https://s3.amazonaws.com/BUCKET/KEY; moto takes the host's first
    label (`127`) for the bucket unless the host is `localhost`."""
    parts = urlparse(template_url)
    host = parts.hostname or ""
    if host.replace(".", "").isdigit():
        bucket_name, key_name = parts.path.lstrip("/").split("/", 1)
        key = s3_backends[account_id][partition].get_object(bucket_name, key_name)
        return key.value.decode("utf-8")
    return _original_get_stack_from_s3_url(template_url, account_id, partition)


# --------------------------------------------------------------------------- CloudFormation change sets

_original_create_change_set = CloudFormationResponse.create_change_set


def create_change_set(self: Any) -> ActionResult:
    """An UPDATE change set without changes is created FAILED (its StatusReason says "didn't contain
    changes"), as in AWS; moto refuses the call ("No updates are to be performed", UpdateStack's
    answer)."""
    self._validate_different_update = lambda *args: None  # this request only
    return _original_create_change_set(self)


_original_execute_change_set = CloudFormationBackend.execute_change_set


def execute_change_set(self: Any, change_set_name: str, stack_name: str | None = None) -> None:
    """As in AWS, the stack then has the change set's template, parameters and outputs."""
    _original_execute_change_set(self, change_set_name, stack_name)
    change_set = self.change_sets.get(change_set_name)
    if change_set is None:  # a name: the last change set of that name, as moto's execute_change_set
        change_set = [cs for cs in self.change_sets.values() if cs.change_set_name == change_set_name][-1]
    stack = self.stacks[change_set.stack_id]
    stack._parse_template()
    stack.description = stack.template_dict.get("Description")
    stack.parameters = change_set.parameters
    stack.output_map = stack._create_output_map()


_original_load_parameters = cfn_parsing.ResourceMap.load_parameters


def load_parameters(self: Any) -> None:
    """A String parameter's value (given or default) must match its AllowedPattern as a whole."""
    _original_load_parameters(self)
    for name, slot in (self._template.get("Parameters") or {}).items():
        pattern = slot.get("AllowedPattern")
        value = self.resolved_parameters.get(name)
        if pattern is None or slot.get("Type", "String") != "String" or not isinstance(value, str):
            continue
        if re.fullmatch(pattern, value) is None:
            reason = slot.get("ConstraintDescription")
            raise CfnValidationError(
                name,
                message=f"Parameter '{name}' failed to satisfy constraint: {reason}"
                if reason else f"Parameter '{name}' must match pattern {pattern}",
            )


_original_parse_and_update_resource = cfn_parsing.parse_and_update_resource


def parse_and_update_resource(logical_id: str, resource_json: dict[str, Any], resources_map: Any,
                              account_id: str, region_name: str) -> Any:
    """A resource that a stack update modifies (its properties or the parameters they use changed):
    created when it was not (its Condition was false), deleted when its Condition has become
    false; moto "modifies" it (a resource created so is then never deleted with the stack)."""
    condition = resource_json.get("Condition")
    if resources_map._parsed_resources.get(logical_id) is None:  # not created (so far)
        resources_map._parsed_resources.pop(logical_id, None)
        return resources_map[logical_id]  # created now when its condition holds
    if condition and not resources_map.lazy_condition_map[condition]:
        resources_map._delete_resource(resources_map._parsed_resources.pop(logical_id), resource_json)
        return None
    return _original_parse_and_update_resource(logical_id, resource_json, resources_map, account_id, region_name)


_original_resource_map_update = cfn_parsing.ResourceMap.update


def resource_map_update(self: Any, template: dict[str, Any], parameters: dict[str, Any] | None = None) -> None:
    """After a stack update, every resource exists exactly when its Condition holds, as in AWS (moto
    leaves alone a resource whose Condition changed while its properties did not)."""
    _original_resource_map_update(self, template, parameters)
    for logical_id, resource_json in self._resource_json_map.items():
        condition = resource_json.get("Condition")
        if not condition:
            continue
        created = self._parsed_resources.get(logical_id) is not None
        if self.lazy_condition_map[condition] and not created:
            self._parsed_resources.pop(logical_id, None)
            _ = self[logical_id]
        elif not self.lazy_condition_map[condition] and created:
            self._delete_resource(self._parsed_resources.pop(logical_id), resource_json)


# --------------------------------------------------------------------------- EC2 peering in CloudFormation


class PeeringNotAccepted(EC2ClientError):
    """CloudFormation could not accept a peering request (the stack fails)."""

    def __init__(self, message: str):
        super().__init__("VpcPeeringConnectionNotAccepted", message)


def _statements(document: Any) -> list[dict[str, Any]]:
    if isinstance(document, str):
        document = json.loads(document)
    statements = document.get("Statement", [])
    return statements if isinstance(statements, list) else [statements]


def _listed(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _trusts_account(role: Any, account_id: str) -> bool:
    """The role's trust policy lets principals of ACCOUNT_ID call sts:AssumeRole."""
    for st in _statements(role.assume_role_policy_document):
        if st.get("Effect") != "Allow" or "Condition" in st:
            continue
        if not any(fnmatch.fnmatchcase("sts:assumerole", a.lower()) for a in _listed(st.get("Action", []))):
            continue
        principal = st.get("Principal")
        names = ["*"] if principal == "*" else _listed((principal or {}).get("AWS", []))
        for name in names:
            root = name.startswith("arn:aws") and name.endswith(f":iam::{account_id}:root")
            if name in ("*", account_id) or root:
                return True
    return False


# Condition operators of an ec2:AcceptVpcPeeringConnection permission that the emulation evaluates
# (on ec2:RequesterVpc, ec2:AccepterVpc, ec2:VpcPeeringConnectionID); any other makes the statement
# not apply, which can only refuse what AWS might allow.
_CONDITIONS = {
    "ArnEquals": lambda have, want: have == want,
    "ArnLike": fnmatch.fnmatchcase,
    "StringEquals": lambda have, want: have == want,
    "StringLike": fnmatch.fnmatchcase,
}


def _allows_accept(role: Any, resource: str, context: dict[str, str]) -> bool:
    """An inline policy of the role allows ec2:AcceptVpcPeeringConnection on RESOURCE."""
    allowed = False
    for document in role.policies.values():
        for st in _statements(document):
            if not any(fnmatch.fnmatchcase("ec2:acceptvpcpeeringconnection", a.lower())
                       for a in _listed(st.get("Action", []))):
                continue
            if not any(fnmatch.fnmatchcase(resource, r) for r in _listed(st.get("Resource", []))):
                continue
            matched = True
            for operator, tests in (st.get("Condition") or {}).items():
                compare = _CONDITIONS.get(operator)
                for key, wanted in tests.items():
                    have = context.get(key.lower())
                    if compare is None or have is None or not any(compare(have, w) for w in _listed(wanted)):
                        matched = False
            if matched and st.get("Effect") == "Deny":
                return False
            allowed = allowed or (matched and st.get("Effect") == "Allow")
    return allowed


def _accept_with_role(pcx: Any, role_arn: str | None, requester_account: str) -> None:
    """Accepts PCX as CloudFormation does for another account: by assuming PeerRoleArn."""
    peer = pcx.peer_vpc
    if not role_arn:
        raise PeeringNotAccepted(
            f"cannot accept peering {pcx.id}: the accepter VPC {peer.id} is in account {peer.owner_id} "
            "and no PeerRoleArn is given"
        )
    try:
        role = iam_backends[peer.owner_id]["aws"].get_role_by_arn(role_arn)
    except Exception as e:
        raise PeeringNotAccepted(f"cannot assume PeerRoleArn {role_arn} in account {peer.owner_id}: {e}") from e
    if not _trusts_account(role, requester_account):
        raise PeeringNotAccepted(f"PeerRoleArn {role_arn} does not trust account {requester_account}")
    prefix = f"arn:aws:ec2:{peer.region}:{peer.owner_id}"
    context = {
        "ec2:requestervpc": f"arn:aws:ec2:{pcx.vpc.region}:{pcx.vpc.owner_id}:vpc/{pcx.vpc.id}",
        "ec2:acceptervpc": f"{prefix}:vpc/{peer.id}",
        "ec2:vpcpeeringconnectionid": f"{prefix}:vpc-peering-connection/{pcx.id}",
    }
    for resource in (context["ec2:vpcpeeringconnectionid"], context["ec2:acceptervpc"]):
        if not _allows_accept(role, resource, context):
            raise PeeringNotAccepted(
                f"PeerRoleArn {role_arn} is not allowed ec2:AcceptVpcPeeringConnection on {resource}"
            )
    pcx._status.accept()


def cfn_create_vpc_peering_connection(cls: Any, resource_name: str, cloudformation_json: Any, account_id: str,
                                      region_name: str, **kwargs: Any) -> Any:
    properties = cloudformation_json["Properties"]
    backend = ec2_backends[account_id][region_name]
    vpc = backend.get_vpc(properties["VpcId"])
    peer_account = properties.get("PeerOwnerId") or account_id
    peer_region = properties.get("PeerRegion") or region_name
    peer_vpc = ec2_backends[peer_account][peer_region].get_vpc(properties["PeerVpcId"])
    tags = {t["Key"]: t["Value"] for t in properties.get("Tags") or []}
    pcx = backend.create_vpc_peering_connection(vpc, peer_vpc, tags)
    if peer_account == account_id:
        pcx._status.accept()
    else:
        try:
            _accept_with_role(pcx, properties.get("PeerRoleArn"), account_id)
        except PeeringNotAccepted:
            backend.delete_vpc_peering_connection(pcx.id)
            raise
    return pcx


def cfn_delete_vpc_peering_connection(cls: Any, resource_name: str, cloudformation_json: Any, account_id: str,
                                      region_name: str) -> None:
    if resource_name:
        ec2_backends[account_id][region_name].delete_vpc_peering_connection(resource_name)


def cfn_delete_route(cls: Any, resource_name: str, cloudformation_json: Any, account_id: str,
                     region_name: str) -> None:
    if resource_name and "~" in resource_name:
        route_table_id, cidr = split_route_id(resource_name)
        ec2_backends[account_id][region_name].delete_route(route_table_id, cidr)


# Fn::GetAtt of AWS::EC2::VPCEndpoint (moto has none): Id, CreationTimestamp,
# NetworkInterfaceIds, and DnsEntries, "HostedZoneId:DnsName" strings in the order of
# DescribeVpcEndpoints' DnsEntries.
VPC_ENDPOINT_ATTRIBUTES = ("CreationTimestamp", "DnsEntries", "Id", "NetworkInterfaceIds")


def vpc_endpoint_has_cfn_attr(cls: Any, attr: str) -> bool:
    return attr in VPC_ENDPOINT_ATTRIBUTES


def vpc_endpoint_cfn_attribute(self: Any, attribute_name: str) -> Any:
    from moto.cloudformation.exceptions import UnformattedGetAttTemplateException

    if attribute_name == "Id":
        return self.id
    if attribute_name == "CreationTimestamp":
        return self.creation_timestamp.isoformat()
    if attribute_name == "NetworkInterfaceIds":
        return list(self.network_interface_ids)
    if attribute_name == "DnsEntries":
        return [f"{e['hosted_zone_id']}:{e['dns_name']}" for e in self.dns_entries or []]
    raise UnformattedGetAttTemplateException()


_original_delete_security_group = SecurityGroupBackend._delete_security_group


def delete_security_group(self: Any, vpc_id: str | None, group_id: str) -> None:
    for endpoint in self.vpc_end_points.values():
        if endpoint.state != "deleted" and group_id in (endpoint.security_group_ids or []):
            raise EC2ClientError(
                "DependencyViolation", f"resource {group_id} has a dependent object ({endpoint.id})"
            )
    return _original_delete_security_group(self, vpc_id, group_id)


# --------------------------------------------------------------------------- EC2 security group egress in CloudFormation

_original_cfn_create_security_group = SecurityGroup.create_from_cloudformation_json


def cfn_create_security_group(cls: Any, resource_name: str, cloudformation_json: Any, account_id: str,
                              region_name: str, **kwargs: Any) -> Any:
    """AWS::EC2::SecurityGroup: "the default rule is removed only when you specify one or more
    egress rules in the SecurityGroupEgress property" (CloudFormation reference); moto ignores
    SecurityGroupEgress and keeps the default allow-all rule."""
    group = _original_cfn_create_security_group(resource_name, cloudformation_json, account_id, region_name, **kwargs)
    egress = cloudformation_json["Properties"].get("SecurityGroupEgress")
    if egress:
        backend = ec2_backends[account_id][region_name]
        group.egress_rules.clear()
        for rule in egress:
            backend.authorize_security_group_egress(
                group_name_or_id=group.id,
                ip_protocol=str(rule["IpProtocol"]),
                from_port=rule.get("FromPort"),
                to_port=rule.get("ToPort"),
                ip_ranges=[{"CidrIp": rule["CidrIp"], "Description": rule.get("Description", "")}],
                vpc_id=cloudformation_json["Properties"].get("VpcId"),
            )
    return group


# --------------------------------------------------------------------------- Route53


class NotAuthorizedException(ServiceException):
    code = "NotAuthorizedException"


class VPCAssociationAuthorizationNotFound(ServiceException):
    code = "VPCAssociationAuthorizationNotFound"


class VPCAssociationNotFound(ServiceException):
    code = "VPCAssociationNotFound"


class HostedZoneAlreadyExists(ServiceException):
    code = "HostedZoneAlreadyExists"


class ConflictingDomainExists(ServiceException):
    code = "ConflictingDomainExists"


class InvalidVPCId(ServiceException):
    code = "InvalidVPCId"


def _state(backend: Route53Backend, name: str, default: Any) -> Any:
    # Kept on the backend so that moto's reset clears it with the rest.
    if not hasattr(backend, name):
        setattr(backend, name, default)
    return getattr(backend, name)


def _authorizations(backend: Route53Backend, zone_id: str) -> list[dict[str, str]]:
    return _state(backend, "_conformance_authorizations", {}).setdefault(zone_id, [])


def _bare(zone_id: str) -> str:
    return zone_id.replace("/hostedzone/", "")


def _all_route53(partition: str) -> list[tuple[str, Route53Backend]]:
    found = []
    for account_id, per_account in list(route53_backends.items()):
        if partition in per_account.keys():
            found.append((account_id, per_account[partition]))
    return found


def _find_zone(self: Any, zone_id: str) -> tuple[str, Route53Backend, Any]:
    """(owner account, owner backend, zone) of a zone of any account."""
    zid = _bare(zone_id)
    own = self.backend
    if zid in own.zones:
        return self.current_account, own, own.zones[zid]
    for account_id, backend in _all_route53(self.partition):
        if zid in backend.zones:
            return account_id, backend, backend.zones[zid]
    raise NoSuchHostedZone(zone_id)


def _vpc_in_account(account_id: str, region: str | None, vpc_id: str | None) -> bool:
    if not region or not vpc_id:
        return False
    try:
        backend = ec2_backends[account_id][region]
    except KeyError:
        return False
    return vpc_id in backend.vpcs


def _same_name_zone_on_vpc(partition: str, name: str, vpc_id: str, region: str) -> Any:
    wanted = name.rstrip(".").lower()
    for _, backend in _all_route53(partition):
        for zone in backend.zones.values():
            if not zone.private_zone or zone.name.rstrip(".").lower() != wanted:
                continue
            for vpc in zone.vpcs:
                if vpc.get("vpc_id") == vpc_id and vpc.get("vpc_region", region) == region:
                    return zone
    return None


def _change_info(comment: str | None = None) -> dict[str, Any]:
    info: dict[str, Any] = {"Id": "/change/C0NF0RMANCE", "Status": "INSYNC", "SubmittedAt": utcnow()}
    if comment:
        info["Comment"] = comment
    return info


_original_create_hosted_zone = Route53.create_hosted_zone


def create_hosted_zone(self: Any) -> ActionResult:
    reference = self._get_param("CallerReference")
    used = _state(self.backend, "_conformance_caller_references", set())
    if reference in used:
        raise HostedZoneAlreadyExists(
            f"A hosted zone has already been created with the specified caller reference {reference}."
        )
    vpc_id = self._get_param("VPC.VPCId")
    if vpc_id and not self._get_bool_param("HostedZoneConfig.PrivateZone", False):
        # As in AWS, a zone created with a VPC is private whether HostedZoneConfig.PrivateZone
        # says so or not (the Terraform provider sends only the VPC); moto makes it public.
        original_bool = self._get_bool_param

        def private_bool(name: str, default: Any = None) -> Any:
            return True if name == "HostedZoneConfig.PrivateZone" else original_bool(name, default)

        self._get_bool_param = private_bool  # this request only
    if self._get_bool_param("HostedZoneConfig.PrivateZone", False):
        region = self._get_param("VPC.VPCRegion")
        if not _vpc_in_account(self.current_account, region, vpc_id):
            raise InvalidVPCId(f"The VPC {vpc_id} in {region} does not exist in account {self.current_account}.")
        if _same_name_zone_on_vpc(self.partition, self._get_param("Name"), vpc_id, region):
            raise ConflictingDomainExists(
                f"A hosted zone named {self._get_param('Name')} is already associated with {vpc_id}."
            )
    result = _original_create_hosted_zone(self)
    used.add(reference)
    return result


def associate_vpc_with_hosted_zone(self: Any) -> ActionResult:
    zone_id = self._get_param("HostedZoneId")
    vpc_id = self._get_param("VPC.VPCId")
    region = self._get_param("VPC.VPCRegion")
    owner, backend, zone = _find_zone(self, zone_id)
    if not zone.private_zone:
        raise PublicZoneVPCAssociation()
    if not _vpc_in_account(self.current_account, region, vpc_id):
        raise InvalidVPCId(
            f"The VPC {vpc_id} in {region} does not exist in account {self.current_account}; "
            "only the VPC's owner can associate it."
        )
    if owner != self.current_account:
        authorized = any(
            a["VPCId"] == vpc_id and a["VPCRegion"] == region
            for a in _authorizations(backend, zone.resource_id)
        )
        if not authorized:
            raise NotAuthorizedException(
                f"The hosted zone {zone.resource_id} of account {owner} has not authorized "
                f"the association of {vpc_id} ({region})."
            )
    if _same_name_zone_on_vpc(self.partition, zone.name, vpc_id, region):
        raise ConflictingDomainExists(
            f"The VPC {vpc_id} is already associated with a hosted zone named {zone.name}."
        )
    zone.add_vpc(vpc_id, region)
    return ActionResult({"ChangeInfo": _change_info(self._get_param("Comment"))})


def disassociate_vpc_from_hosted_zone(self: Any) -> ActionResult:
    zone_id = self._get_param("HostedZoneId")
    vpc_id = self._get_param("VPC.VPCId")
    region = self._get_param("VPC.VPCRegion")
    owner, _, zone = _find_zone(self, zone_id)
    if owner != self.current_account and not _vpc_in_account(self.current_account, region, vpc_id):
        raise NotAuthorizedException(
            f"Only the owner of the hosted zone {zone.resource_id} or of the VPC {vpc_id} can disassociate them."
        )
    if not any(v.get("vpc_id") == vpc_id for v in zone.vpcs):
        raise VPCAssociationNotFound(f"The VPC {vpc_id} is not associated with the hosted zone {zone.resource_id}.")
    if len(zone.vpcs) <= 1:
        raise LastVPCAssociation()
    zone.delete_vpc(vpc_id)
    return ActionResult({"ChangeInfo": _change_info(self._get_param("Comment"))})


def create_vpc_association_authorization(self: Any) -> ActionResult:
    zone = self.backend.get_hosted_zone(self._get_param("HostedZoneId"))  # the caller's zones only
    vpc = {"VPCId": self._get_param("VPC.VPCId"), "VPCRegion": self._get_param("VPC.VPCRegion")}
    if not vpc["VPCId"] or not vpc["VPCRegion"]:
        raise InvalidVPCId("Invalid or missing VPC Id.")
    authorizations = _authorizations(self.backend, zone.resource_id)
    if vpc not in authorizations:
        authorizations.append(vpc)
    return ActionResult({"HostedZoneId": zone.resource_id, "VPC": vpc})


def delete_vpc_association_authorization(self: Any) -> ActionResult:
    zone = self.backend.get_hosted_zone(self._get_param("HostedZoneId"))
    vpc = {"VPCId": self._get_param("VPC.VPCId"), "VPCRegion": self._get_param("VPC.VPCRegion")}
    authorizations = _authorizations(self.backend, zone.resource_id)
    if vpc not in authorizations:
        raise VPCAssociationAuthorizationNotFound(
            f"The hosted zone {zone.resource_id} has no association authorization for {vpc['VPCId']}."
        )
    authorizations.remove(vpc)
    return EmptyResult()


def list_vpc_association_authorizations(self: Any) -> ActionResult:
    zone = self.backend.get_hosted_zone(self._get_param("HostedZoneId"))
    vpcs = list(_authorizations(self.backend, zone.resource_id))
    return ActionResult({"HostedZoneId": zone.resource_id, "VPCs": vpcs})


def cfn_create_hosted_zone(cls: Any, resource_name: str, cloudformation_json: Any, account_id: str,
                           region_name: str, **kwargs: Any) -> Any:
    """AWS::Route53::HostedZone as in AWS: private when VPCs are given, with its comment and tags."""
    properties = cloudformation_json["Properties"]
    name = properties.get("Name") or resource_name
    if not name.endswith("."):
        name += "."
    vpcs = properties.get("VPCs") or []
    partition = get_partition(region_name)
    for vpc in vpcs:
        if not _vpc_in_account(account_id, vpc.get("VPCRegion"), vpc.get("VPCId")):
            raise InvalidVPCId(
                f"The VPC {vpc.get('VPCId')} in {vpc.get('VPCRegion')} does not exist in account {account_id}."
            )
        if _same_name_zone_on_vpc(partition, name, vpc["VPCId"], vpc["VPCRegion"]):
            raise ConflictingDomainExists(f"A hosted zone named {name} is already associated with {vpc['VPCId']}.")
    backend = route53_backends[account_id][partition]
    zone = backend.create_hosted_zone(
        name,
        private_zone=bool(vpcs),
        vpcid=vpcs[0]["VPCId"] if vpcs else None,
        vpcregion=vpcs[0]["VPCRegion"] if vpcs else None,
        comment=(properties.get("HostedZoneConfig") or {}).get("Comment"),
    )
    for vpc in vpcs[1:]:
        zone.add_vpc(vpc["VPCId"], vpc["VPCRegion"])
    tags = properties.get("HostedZoneTags") or []
    if tags:
        backend.change_tags_for_resource("hostedzone", zone.resource_id, tags, [])
    return zone


def cfn_delete_hosted_zone(cls: Any, resource_name: str, cloudformation_json: Any, account_id: str,
                           region_name: str) -> None:
    if resource_name:
        backend = route53_backends[account_id][get_partition(region_name)]
        backend.delete_hosted_zone(resource_name)
        backend.resource_tags.pop(resource_name, None)


# Zones per ListHostedZonesByVPC page (see the module's docstring).
ZONE_PAGE = 2


def list_hosted_zones_by_vpc(self: Any) -> ActionResult:
    vpc_id = self._get_param("VPCId")
    region = self._get_param("VPCRegion")
    summaries = []
    for account_id, backend in _all_route53(self.partition):
        for zone in backend.zones.values():
            if not zone.private_zone:
                continue
            if any(v.get("vpc_id") == vpc_id and v.get("vpc_region", region) == region for v in zone.vpcs):
                summaries.append(
                    {
                        "HostedZoneId": zone.resource_id,
                        "Name": zone.name,
                        "Owner": {"OwningAccount": account_id},
                    }
                )
    # NextToken is the offset of the page's first zone.
    token = self._get_param("NextToken")
    if token is not None and not str(token).isdigit():
        raise InvalidPaginationToken()
    start = int(token or 0)
    size = min(int(self._get_param("MaxItems") or 100), ZONE_PAGE)
    page: dict[str, Any] = {"HostedZoneSummaries": summaries[start : start + size], "MaxItems": str(size)}
    if start + size < len(summaries):
        page["NextToken"] = str(start + size)
    return ActionResult(page)


# --------------------------------------------------------------------------- EC2 Transit Gateways

from moto.ec2.models.route_tables import RouteBackend  # noqa: E402
from moto.ec2.models.transit_gateway_attachments import TransitGatewayAttachmentBackend  # noqa: E402
from moto.ec2.models.transit_gateway import TransitGatewayBackend  # noqa: E402
from moto.ec2.models.transit_gateway_route_tables import TransitGatewayRouteTableBackend  # noqa: E402
from moto.ec2.responses.transit_gateway_attachments import TransitGatewayAttachment as TgwAttachmentResponse  # noqa: E402
from moto.ram.models import ResourceShare, ram_backends  # noqa: E402


class TgwIncorrectState(EC2ClientError):
    def __init__(self, message: str):
        super().__init__("IncorrectState", message)


def _region_backends(region: str) -> list[tuple[str, Any]]:
    """(account, EC2 backend) of every account that has a backend in REGION."""
    found = []
    for account_id, per_account in list(ec2_backends.items()):
        if region in per_account.keys():
            found.append((account_id, per_account[region]))
    return found


def _shares_with(owner: str, transit_gateway_id: str, backend: Any) -> bool:
    """OWNER shares its Transit Gateway with BACKEND's account through RAM, in BACKEND's region."""
    region = backend.region_name
    arn = f"arn:{get_partition(region)}:ec2:{region}:{owner}:transit-gateway/{transit_gateway_id}"
    try:
        shares = ram_backends[owner][region].resource_shares
    except KeyError:
        return False
    return any(sh.status == "ACTIVE" and arn in sh.resource_arns and backend.account_id in sh.principals
               for sh in shares)


def _shared_gateway(backend: Any, transit_gateway_id: str) -> tuple[str, Any, Any] | None:
    """(owner, owner's backend, gateway) of a Transit Gateway of another account that its owner
    shares with BACKEND's account through RAM, in BACKEND's region."""
    for owner, other in _region_backends(backend.region_name):
        gateway = other.transit_gateways.get(transit_gateway_id) if owner != backend.account_id else None
        if gateway is not None and _shares_with(owner, transit_gateway_id, backend):
            return owner, other, gateway
    return None


def tgw_create_vpc_attachment_response(self: Any) -> ActionResult:
    tags = self._parse_tag_specification().get("transit-gateway-attachment", {})
    attachment = self.ec2_backend.create_transit_gateway_vpc_attachment(
        transit_gateway_id=self._get_param("TransitGatewayId"),
        tags=tags,
        vpc_id=self._get_param("VpcId"),
        subnet_ids=self._get_param("SubnetIds", []),
        options=self._get_param("Options", {}),
    )
    return ActionResult({"TransitGatewayVpcAttachment": attachment})


_original_tgw_create_vpc_attachment = TransitGatewayAttachmentBackend.create_transit_gateway_vpc_attachment


def tgw_create_vpc_attachment(self: Any, transit_gateway_id: str, vpc_id: str, subnet_ids: list[str],
                              tags: dict[str, str] | None = None, options: dict[str, str] | None = None) -> Any:
    # moto's check for an attachment of the VPC already there must not count deleted ones.
    self._conformance_creating = True
    try:
        return _create_vpc_attachment(self, transit_gateway_id, vpc_id, subnet_ids, tags, options)
    finally:
        self._conformance_creating = False


def _create_vpc_attachment(self: Any, transit_gateway_id: str, vpc_id: str, subnet_ids: list[str],
                           tags: dict[str, str] | None, options: dict[str, str] | None) -> Any:
    if transit_gateway_id in self.transit_gateways:
        return _original_tgw_create_vpc_attachment(self, transit_gateway_id, vpc_id, subnet_ids, tags, options)
    shared = _shared_gateway(self, transit_gateway_id)
    if shared is None:
        raise InvalidTransitGatewayID(transit_gateway_id)
    owner, owner_backend, gateway = shared
    # The attachment as moto makes one, on the owner's gateway (and its default route table, in
    # the owner's account), kept in both accounts.
    table = gateway.default_route_table
    self.transit_gateways[transit_gateway_id] = gateway
    self.transit_gateways_route_tables[table.id] = table
    try:
        attachment = _original_tgw_create_vpc_attachment(self, transit_gateway_id, vpc_id, subnet_ids, tags, options)
    finally:
        del self.transit_gateways[transit_gateway_id]
        del self.transit_gateways_route_tables[table.id]
    owner_backend.transit_gateway_attachments[attachment.id] = attachment
    if gateway.options.get("AutoAcceptSharedAttachments") == "enable":
        return attachment
    attachment.state = "pendingAcceptance"
    table.route_table_associations.pop(attachment.id, None)
    return attachment


def tgw_accept_vpc_attachment_response(self: Any) -> ActionResult:
    attachment_id = self._get_param("TransitGatewayAttachmentId")
    backend = self.ec2_backend
    attachment = backend.transit_gateway_attachments.get(attachment_id)
    if attachment is None or attachment.resource_type != "vpc":
        raise EC2ClientError("InvalidTransitGatewayAttachmentID.NotFound",
                             f"Transit Gateway Attachment {attachment_id} not found")
    if attachment.transit_gateway_id not in backend.transit_gateways:
        raise TgwIncorrectState(f"{attachment_id}: only the Transit Gateway's owner accepts an attachment")
    if attachment.state != "pendingAcceptance":
        raise TgwIncorrectState(f"tgw-attachment {attachment_id} is in invalid state {attachment.state}")
    attachment.state = "available"
    gateway = backend.transit_gateways[attachment.transit_gateway_id]
    backend.set_route_table_association(
        transit_gateway_attachment_id=attachment.id, transit_gateway_route_table_id=gateway.default_route_table.id
    )
    return ActionResult({"TransitGatewayVpcAttachment": attachment})


_original_tgw_delete_vpc_attachment = TransitGatewayAttachmentBackend.delete_transit_gateway_vpc_attachment


def tgw_delete_vpc_attachment(self: Any, transit_gateway_attachment_id: str) -> Any:
    # Either side may delete an attachment of another account (the VPC's owner, or the
    # gateway's, as Terraform's accepter does); once gone, it is gone for both, and a second
    # delete is InvalidTransitGatewayAttachmentID.NotFound (moto failed with a KeyError).
    if transit_gateway_attachment_id not in self.transit_gateway_attachments:
        raise EC2ClientError("InvalidTransitGatewayAttachmentID.NotFound",
                             f"Transit Gateway Attachment {transit_gateway_attachment_id} not found")
    attachment = _original_tgw_delete_vpc_attachment(self, transit_gateway_attachment_id)
    for _, other in _region_backends(self.region_name):
        if other.transit_gateway_attachments.pop(transit_gateway_attachment_id, None) is not None or other is self:
            # AWS lists a deleted attachment for a while (state deleted), which the Terraform
            # provider waits for; moto forgets it at once.
            _state(other, "_conformance_deleted_attachments", {})[attachment.id] = attachment
    return attachment


_original_tgw_describe_vpc_attachments = TransitGatewayAttachmentBackend.describe_transit_gateway_vpc_attachments


def tgw_describe_vpc_attachments(self: Any, transit_gateways_attachment_ids: list[str] | None = None,
                                 filters: Any = None) -> list[Any]:
    found = _original_tgw_describe_vpc_attachments(self, transit_gateways_attachment_ids, filters)
    deleted = list(_state(self, "_conformance_deleted_attachments", {}).values())
    if deleted and not getattr(self, "_conformance_creating", False):
        saved = self.transit_gateway_attachments
        self.transit_gateway_attachments = {a.id: a for a in deleted}
        try:
            found += _original_tgw_describe_vpc_attachments(self, transit_gateways_attachment_ids, filters)
        finally:
            self.transit_gateway_attachments = saved
    # The gateway owner's view of another account's attachment carries the owner's tags, as a
    # shared resource's tags are per account in AWS.
    return [a if a.ec2_backend is self else _owner_view(a, self) for a in found if a.resource_type == "vpc"]


_original_tgw_describe_peering_attachments = TransitGatewayAttachmentBackend.describe_transit_gateway_peering_attachments


def tgw_describe_peering_attachments(self: Any, transit_gateways_attachment_ids: list[str] | None = None,
                                     filters: Any = None) -> list[Any]:
    """Peering attachments only (moto lists VPC attachments too), each with the caller's own
    tags (the accepter tags its side in its account, as Terraform's accepter does)."""
    found = _original_tgw_describe_peering_attachments(self, transit_gateways_attachment_ids, filters)
    return [a if a.ec2_backend is self else _owner_view(a, self) for a in found if a.resource_type == "peering"]


def _owner_view(attachment: Any, backend: Any) -> Any:
    view = copy.copy(attachment)
    view.ec2_backend = backend
    return view


def _with_shared_gateway(original: Any) -> Any:
    def route_call(self: Any, route_table_id: str, destination_cidr_block: str | None = None, *args: Any,
                   **kwargs: Any) -> Any:
        gateway_id = kwargs.get("transit_gateway_id")
        if gateway_id and gateway_id not in self.transit_gateways:
            shared = _shared_gateway(self, gateway_id)
            if shared is None:
                raise InvalidTransitGatewayID(gateway_id)
            self.transit_gateways[gateway_id] = shared[2]
            try:
                return original(self, route_table_id, destination_cidr_block, *args, **kwargs)
            finally:
                del self.transit_gateways[gateway_id]
        return original(self, route_table_id, destination_cidr_block, *args, **kwargs)

    return route_call


def tgw_create_route(self: Any, transit_gateway_route_table_id: str, destination_cidr_block: str,
                     transit_gateway_attachment_id: str | None = None, blackhole: bool = False) -> Any:
    """A static route names its attachment in a list, as AWS's Routes[].TransitGatewayAttachments
    (moto stores a single object there, which the response drops)."""
    table = self.transit_gateways_route_tables.get(transit_gateway_route_table_id)
    if table is None:
        raise EC2ClientError("InvalidRouteTableID.NotFound",
                             f"Transit Gateway Route Table {transit_gateway_route_table_id} not found")
    route: dict[str, Any] = {
        "destinationCidrBlock": destination_cidr_block,
        "prefixListId": None,
        "state": "blackhole" if blackhole else "active",
        "type": "static",
    }
    if transit_gateway_attachment_id:
        attachment = self.transit_gateway_attachments.get(transit_gateway_attachment_id)
        if attachment is None:
            raise EC2ClientError("InvalidTransitGatewayAttachmentID.NotFound",
                                 f"Transit Gateway Attachment {transit_gateway_attachment_id} not found")
        # AWS routes only through a usable attachment: not one pending acceptance.
        if attachment.state != "available":
            raise TgwIncorrectState(f"{transit_gateway_attachment_id} is in invalid state {attachment.state}")
        route["transitGatewayAttachments"] = [{
            "resourceId": attachment.resource_id,
            "resourceType": attachment.resource_type,
            "transitGatewayAttachmentId": transit_gateway_attachment_id,
        }]
    table.routes[destination_cidr_block] = route
    return route


def _shared_gateways(backend: Any) -> list[Any]:
    """The Transit Gateways of other accounts that RAM shares with BACKEND's account, in its region."""
    return [gateway for owner, other in _region_backends(backend.region_name) if owner != backend.account_id
            for gateway_id, gateway in list(other.transit_gateways.items())
            if _shares_with(owner, gateway_id, backend)]


_original_describe_transit_gateways = TransitGatewayBackend.describe_transit_gateways


def describe_transit_gateways(self: Any, filters: Any, transit_gateway_ids: list[str] | None) -> list[Any]:
    own = _original_describe_transit_gateways(self, filters, transit_gateway_ids)
    shared = [g for g in _shared_gateways(self) if not transit_gateway_ids or g.id in transit_gateway_ids]
    if filters:
        saved = self.transit_gateways
        self.transit_gateways = {g.id: g for g in shared}
        try:
            shared = _original_describe_transit_gateways(self, filters, transit_gateway_ids)
        finally:
            self.transit_gateways = saved
    return own + shared


class CfnTransitGatewayVpcAttachment(CloudFormationModel):
    """AWS::EC2::TransitGatewayVpcAttachment (moto has none): TransitGatewayId, VpcId, SubnetIds,
    Tags; Ref is the attachment's id; deleting the stack deletes it."""

    __module__ = "moto.ec2.conformance"  # moto's model registry keys a model by its service

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::EC2::TransitGatewayVpcAttachment"

    @staticmethod
    def cloudformation_name_type() -> str:
        return ""

    @classmethod
    def create_from_cloudformation_json(cls, resource_name: str, cloudformation_json: Any, account_id: str,  # type: ignore[misc,override]
                                        region_name: str, **kwargs: Any) -> Any:
        props = cloudformation_json["Properties"]
        attachment = ec2_backends[account_id][region_name].create_transit_gateway_vpc_attachment(
            transit_gateway_id=props["TransitGatewayId"],
            vpc_id=props["VpcId"],
            subnet_ids=props["SubnetIds"],
            tags={t["Key"]: t["Value"] for t in props.get("Tags", [])},
        )
        attachment.physical_resource_id = attachment.id
        return attachment

    @classmethod
    def delete_from_cloudformation_json(cls, resource_name: str, cloudformation_json: Any, account_id: str,  # type: ignore[misc,override]
                                        region_name: str) -> None:
        backend = ec2_backends[account_id][region_name]
        if resource_name in backend.transit_gateway_attachments:
            backend.delete_transit_gateway_vpc_attachment(resource_name)


class CfnTransitGatewayRoute(CloudFormationModel):
    """AWS::EC2::TransitGatewayRoute (moto has none): TransitGatewayRouteTableId,
    DestinationCidrBlock, TransitGatewayAttachmentId or Blackhole; deleting the stack deletes it."""

    __module__ = "moto.ec2.conformance"

    def __init__(self, table: str, cidr: str):
        self.physical_resource_id = f"{table}_{cidr}"

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::EC2::TransitGatewayRoute"

    @staticmethod
    def cloudformation_name_type() -> str:
        return ""

    @classmethod
    def create_from_cloudformation_json(cls, resource_name: str, cloudformation_json: Any, account_id: str,  # type: ignore[misc,override]
                                        region_name: str, **kwargs: Any) -> Any:
        props = cloudformation_json["Properties"]
        ec2_backends[account_id][region_name].create_transit_gateway_route(
            transit_gateway_route_table_id=props["TransitGatewayRouteTableId"],
            destination_cidr_block=props["DestinationCidrBlock"],
            transit_gateway_attachment_id=props.get("TransitGatewayAttachmentId"),
            blackhole=str(props.get("Blackhole", "false")).lower() == "true",
        )
        return cls(props["TransitGatewayRouteTableId"], props["DestinationCidrBlock"])

    @classmethod
    def delete_from_cloudformation_json(cls, resource_name: str, cloudformation_json: Any, account_id: str,  # type: ignore[misc,override]
                                        region_name: str) -> None:
        table, _, cidr = resource_name.partition("_")
        backend = ec2_backends[account_id][region_name]
        routes = backend.transit_gateways_route_tables.get(table)
        if routes is not None and cidr in routes.routes:
            backend.delete_transit_gateway_route(table, cidr)


class CfnTransitGatewayPeeringAttachment(CloudFormationModel):
    """AWS::EC2::TransitGatewayPeeringAttachment (moto has none): TransitGatewayId,
    PeerTransitGatewayId, PeerAccountId, PeerRegion, Tags; Ref is the attachment's id, which is
    pendingAcceptance until the peer's owner accepts it; deleting the stack deletes it."""

    __module__ = "moto.ec2.conformance"

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::EC2::TransitGatewayPeeringAttachment"

    @staticmethod
    def cloudformation_name_type() -> str:
        return ""

    @classmethod
    def create_from_cloudformation_json(cls, resource_name: str, cloudformation_json: Any, account_id: str,  # type: ignore[misc,override]
                                        region_name: str, **kwargs: Any) -> Any:
        props = cloudformation_json["Properties"]
        attachment = ec2_backends[account_id][region_name].create_transit_gateway_peering_attachment(
            transit_gateway_id=props["TransitGatewayId"],
            peer_transit_gateway_id=props["PeerTransitGatewayId"],
            peer_region=props.get("PeerRegion", region_name),
            peer_account_id=props.get("PeerAccountId", account_id),
            tags={t["Key"]: t["Value"] for t in props.get("Tags", [])},
        )
        attachment.physical_resource_id = attachment.id
        return attachment

    @classmethod
    def delete_from_cloudformation_json(cls, resource_name: str, cloudformation_json: Any, account_id: str,  # type: ignore[misc,override]
                                        region_name: str) -> None:
        backend = ec2_backends[account_id][region_name]
        if resource_name in backend.transit_gateway_attachments:
            backend.delete_transit_gateway_peering_attachment(resource_name)


def patch_transit_gateways() -> None:
    cfn_parsing.get_model_map.cache_clear()
    if "transit-gateway" not in ResourceShare.SHAREABLE_RESOURCES:
        ResourceShare.SHAREABLE_RESOURCES.append("transit-gateway")
    TgwAttachmentResponse.create_transit_gateway_vpc_attachment = tgw_create_vpc_attachment_response  # type: ignore[method-assign]
    TgwAttachmentResponse.accept_transit_gateway_vpc_attachment = tgw_accept_vpc_attachment_response  # type: ignore[attr-defined]
    backend = TransitGatewayAttachmentBackend
    backend.create_transit_gateway_vpc_attachment = tgw_create_vpc_attachment  # type: ignore[method-assign]
    backend.delete_transit_gateway_vpc_attachment = tgw_delete_vpc_attachment  # type: ignore[method-assign]
    backend.describe_transit_gateway_vpc_attachments = tgw_describe_vpc_attachments  # type: ignore[method-assign]
    backend.describe_transit_gateway_peering_attachments = tgw_describe_peering_attachments  # type: ignore[method-assign]
    TransitGatewayRouteTableBackend.create_transit_gateway_route = tgw_create_route  # type: ignore[method-assign]
    TransitGatewayBackend.describe_transit_gateways = describe_transit_gateways  # type: ignore[method-assign]
    RouteBackend.create_route = _with_shared_gateway(RouteBackend.create_route)  # type: ignore[method-assign]
    RouteBackend.replace_route = _with_shared_gateway(RouteBackend.replace_route)  # type: ignore[method-assign]


def patch() -> None:
    patch_transit_gateways()
    VPCPeeringConnections.describe_vpc_peering_connections = describe_vpc_peering_connections  # type: ignore[method-assign]
    VPCs.create_vpc_endpoint = create_vpc_endpoint  # type: ignore[method-assign]
    VPCBackend.create_vpc_endpoint = backend_create_vpc_endpoint  # type: ignore[method-assign]
    VPCBackend.modify_vpc_endpoint = modify_vpc_endpoint  # type: ignore[method-assign]
    VPCEndPoint.create_from_cloudformation_json = classmethod(cfn_create_vpc_endpoint)  # type: ignore[method-assign,assignment]
    VPCEndPoint.delete_from_cloudformation_json = classmethod(cfn_delete_vpc_endpoint)  # type: ignore[method-assign,assignment]
    CloudFormationResponse.create_change_set = create_change_set  # type: ignore[method-assign]
    cfn_responses.get_stack_from_s3_url = get_stack_from_s3_url
    cfn_models.get_stack_from_s3_url = get_stack_from_s3_url
    CloudFormationBackend.execute_change_set = execute_change_set  # type: ignore[method-assign]
    cfn_parsing.ResourceMap.load_parameters = load_parameters  # type: ignore[method-assign]
    cfn_parsing.parse_and_update_resource = parse_and_update_resource
    cfn_parsing.ResourceMap.update = resource_map_update  # type: ignore[method-assign]
    pcx = VPCPeeringConnection
    pcx.create_from_cloudformation_json = classmethod(cfn_create_vpc_peering_connection)  # type: ignore[method-assign,assignment]
    pcx.delete_from_cloudformation_json = classmethod(cfn_delete_vpc_peering_connection)  # type: ignore[method-assign,assignment]
    Route.delete_from_cloudformation_json = classmethod(cfn_delete_route)  # type: ignore[method-assign,assignment]
    VPCEndPoint.has_cfn_attr = classmethod(vpc_endpoint_has_cfn_attr)  # type: ignore[method-assign,assignment]
    VPCEndPoint.get_cfn_attribute = vpc_endpoint_cfn_attribute  # type: ignore[method-assign]
    SecurityGroupBackend._delete_security_group = delete_security_group  # type: ignore[method-assign]
    SecurityGroup.create_from_cloudformation_json = classmethod(cfn_create_security_group)  # type: ignore[method-assign,assignment]
    FakeZone.create_from_cloudformation_json = classmethod(cfn_create_hosted_zone)  # type: ignore[method-assign,assignment]
    FakeZone.delete_from_cloudformation_json = classmethod(cfn_delete_hosted_zone)  # type: ignore[method-assign,assignment]
    Route53.create_hosted_zone = create_hosted_zone  # type: ignore[method-assign]
    Route53.associate_vpc_with_hosted_zone = associate_vpc_with_hosted_zone  # type: ignore[method-assign]
    Route53.disassociate_vpc_from_hosted_zone = disassociate_vpc_from_hosted_zone  # type: ignore[method-assign]
    Route53.list_hosted_zones_by_vpc = list_hosted_zones_by_vpc  # type: ignore[method-assign]
    Route53.create_vpc_association_authorization = create_vpc_association_authorization  # type: ignore[attr-defined]
    Route53.delete_vpc_association_authorization = delete_vpc_association_authorization  # type: ignore[attr-defined]
    Route53.list_vpc_association_authorizations = list_vpc_association_authorizations  # type: ignore[attr-defined]
    base = r"{0}/(?P<api_version>[\d_-]+)/hostedzone/(?P<zone_id>[^/]+)"
    route53_urls.url_paths[base + r"/authorizevpcassociation/?$"] = Route53.dispatch
    route53_urls.url_paths[base + r"/deauthorizevpcassociation/?$"] = Route53.dispatch


def main() -> None:
    patch()
    from moto.server import main as moto_main

    moto_main(sys.argv[1:])


if __name__ == "__main__":
    main()
