"""Self-test of tf_schema.py against the real manifest.

    .ci/.venv/bin/python conformance/test_tf_schema.py

Needs .ci/tools/aws-provider.jsii (bash .ci/install-tools.sh), or TF_SCHEMA_JSII=PATH.
The last test runs the real terraform (the one on PATH, or TERRAFORM=PATH) to show
that `terraform fmt -check` needs no provider.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)

import tf_schema  # noqa: E402

JSII = os.environ.get("TF_SCHEMA_JSII", os.path.join(REPO, ".ci", "tools", "aws-provider.jsii"))
TERRAFORM = os.environ.get("TERRAFORM") or shutil.which("terraform") or "terraform (not on PATH)"

GOOD = r'''
# A known-good file: every kind of block ddpl-gen emits.
terraform {
  required_version = ">= 1.0"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 6.0"
    }
  }
}

provider "aws" {
  alias   = "endpoint"
  region  = "us-east-1"
  profile = "shared-services"
  assume_role {
    role_arn = "arn:aws:iam::111111111111:role/deploy"
  }
  default_tags {
    tags = {
      "チーム"       = "platform"
      "ddpl:name" = "acme-prod"
    }
  }
}

provider "aws" {
  alias  = "agent_eu_prod"
  region = "eu-west-1"
}

provider "aws" {
  region = "us-east-1"
}

variable "extra_cidrs" {
  type    = list(string)
  default = []
}

locals {
  name  = "acme-prod"
  zones = { metrics = aws_route53_zone.metrics.zone_id }
  tags  = { "ddpl:name" = "acme-prod", literal = "$${not_a_ref} %%{nor_this} aws_fake.thing.x" }
}

data "aws_vpc" "agent_eu_prod" {
  provider = aws.agent_eu_prod
  id       = "vpc-0aaaaaaaaaaaaaaaa"
  lifecycle {
    postcondition {
      condition     = self.enable_dns_support && self.enable_dns_hostnames
      error_message = <<-EOT
        VPC ${self.id} must have enableDnsSupport and enableDnsHostnames on; run:
        aws ec2 modify-vpc-attribute --vpc-id ${self.id} --enable-dns-hostnames "{\"Value\":true}"
      EOT
    }
  }
}

resource "aws_security_group" "endpoints" {
  provider    = aws.endpoint
  name        = "${local.name}-datadog-privatelink"
  description = "Datadog PrivateLink endpoints: TCP 443"
  vpc_id      = "vpc-0123456789abcdef0"
  ingress {
    description = "TLS from the endpoint VPC"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = concat(["10.0.0.0/16"], var.extra_cidrs)
  }
  ingress {
    description = "TLS from itself"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    self        = true
  }
  tags = local.tags
}

resource "aws_vpc_security_group_ingress_rule" "agent_eu_prod" {
  provider          = aws.endpoint
  security_group_id = aws_security_group.endpoints.id
  description       = "TLS from agent VPC eu-prod"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "10.20.0.0/16"
  tags              = local.tags
}

resource "aws_vpc_endpoint" "metrics" {
  provider            = aws.endpoint
  vpc_id              = "vpc-0123456789abcdef0"
  service_name        = "com.amazonaws.vpce.us-east-1.vpce-svc-09a8006e245d1e7b8"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"]
  security_group_ids  = [aws_security_group.endpoints.id]
  private_dns_enabled = false
  service_region      = "us-east-1"
  tags                = merge(local.tags, { Name = "${local.name}-metrics" })
}

resource "aws_route53_zone" "metrics" {
  provider = aws.endpoint
  name     = "metrics.agent.datadoghq.com"
  comment  = "Datadog PrivateLink (ddpl-gen)"
  vpc {
    vpc_id     = "vpc-0123456789abcdef0"
    vpc_region = "us-east-1"
  }
  lifecycle {
    ignore_changes = [vpc]
  }
  tags = local.tags
}

resource "aws_route53_record" "metrics" {
  provider = aws.endpoint
  zone_id  = aws_route53_zone.metrics.zone_id
  name     = "metrics.agent.datadoghq.com"
  type     = "A"
  alias {
    name                   = aws_vpc_endpoint.metrics.dns_entry[0].dns_name
    zone_id                = aws_vpc_endpoint.metrics.dns_entry[0].hosted_zone_id
    evaluate_target_health = false
  }
}

resource "aws_vpc_peering_connection" "agent_eu_prod" {
  provider      = aws.endpoint
  vpc_id        = "vpc-0123456789abcdef0"
  peer_vpc_id   = data.aws_vpc.agent_eu_prod.id
  peer_owner_id = "222222222222"
  peer_region   = "eu-west-1"
  tags          = local.tags
}

resource "aws_vpc_peering_connection_accepter" "agent_eu_prod" {
  provider                  = aws.agent_eu_prod
  vpc_peering_connection_id = aws_vpc_peering_connection.agent_eu_prod.id
  auto_accept               = true
  tags                      = local.tags
}

resource "aws_route" "endpoint_to_agent_eu_prod" {
  for_each                  = toset(["rtb-0123456789abcdef0"])
  provider                  = aws.endpoint
  route_table_id            = each.value
  destination_cidr_block    = "10.20.0.0/16"
  vpc_peering_connection_id = aws_vpc_peering_connection.agent_eu_prod.id
  depends_on                = [aws_vpc_peering_connection_accepter.agent_eu_prod]
}

resource "aws_route53_vpc_association_authorization" "agent_eu_prod" {
  for_each = local.zones

  provider   = aws.endpoint
  zone_id    = each.value
  vpc_id     = data.aws_vpc.agent_eu_prod.id
  vpc_region = "eu-west-1"
}

resource "aws_route53_zone_association" "agent_eu_prod" {
  for_each = { for key, id in local.zones : key => id }

  provider   = aws.agent_eu_prod
  depends_on = [aws_route53_vpc_association_authorization.agent_eu_prod]
  zone_id    = aws_route53_vpc_association_authorization.agent_eu_prod[each.key].zone_id
  vpc_id     = aws_route53_vpc_association_authorization.agent_eu_prod[each.key].vpc_id
  vpc_region = "eu-west-1"
}

resource "aws_route" "counted" {
  count                     = 1
  provider                  = aws.endpoint
  route_table_id            = ["rtb-0123456789abcdef0"][count.index]
  destination_cidr_block    = "10.20.0.0/16"
  vpc_peering_connection_id = aws_vpc_peering_connection.agent_eu_prod.id
}

resource "aws_route53_zone" "one_line" { name = "logs.agent.datadoghq.com" }

check "dns" {
  data "aws_vpc" "endpoint" {
    id = "vpc-0123456789abcdef0"
  }
  assert {
    condition     = data.aws_vpc.endpoint.enable_dns_support
    error_message = "DNS support is off"
  }
}

output "endpoint_ids" {
  value = [aws_vpc_endpoint.metrics.id]
}
'''

MINI = '''
resource "aws_route53_record" "r" {
  zone_id = "Z1"
  name    = "metrics.agent.datadoghq.com"
  type    = "A"
  alias {
    name                   = "x"
    zone_id                = "y"
    evaluate_target_health = false
  }
}
'''

# (name, text, a fragment that one problem must contain)
BAD = [
    ("misspelt argument", MINI.replace("zone_id = ", "zone_idd = "), 'unknown argument "zone_idd"; did you mean "zone_id"?'),
    ("unknown resource type", MINI.replace("aws_route53_record", "aws_route53_recrod"), 'unknown resource type "aws_route53_recrod"'),
    ("unknown data source", 'data "aws_vpcc" "v" {\n  id = "vpc-1"\n}\n', 'unknown data source "aws_vpcc"'),
    ("missing required argument", MINI.replace('  type    = "A"\n', ""), 'missing required argument "type"'),
    ("unknown nested-block argument", MINI.replace("evaluate_target_health", "evaluate_health"), 'alias: unknown argument "evaluate_health"'),
    ("missing nested required argument", MINI.replace('    zone_id                = "y"\n', ""), 'alias: missing required argument "zone_id"'),
    ("unknown nested block", MINI.replace("alias {", "aliases {"), 'unknown block "aliases"'),
    ("block written as argument", MINI.replace("alias {", "alias = {"), '"alias" is a block'),
    ("argument written as block", MINI.replace('  type    = "A"\n', '  type {\n  }\n'), '"type" is an argument'),
    ("camelCase name", MINI.replace("zone_id = ", "zoneId = "), 'unknown argument "zoneId"'),
    ("single block twice", MINI.replace("alias {", "alias {\n    name = \"a\"\n    zone_id = \"b\"\n    evaluate_target_health = true\n  }\n  alias {"), 'block "alias" may appear only once'),
    ("argument set twice", MINI.replace('  type    = "A"\n', '  type    = "A"\n  type    = "AAAA"\n'), 'argument "type" is set twice'),
    ("jsii-renamed name spelt the jsii way", 'resource "aws_security_group" "s" {\n  ingress {\n    self_attribute = true\n  }\n}\n', 'unknown argument "self_attribute"'),
    ("undeclared provider alias", MINI.replace('  type    = "A"\n', '  type    = "A"\n  provider = aws.nowhere\n'), "provider aws.nowhere is not declared"),
    ("undeclared reference", MINI.replace('zone_id = "Z1"', "zone_id = aws_route53_zone.nowhere.zone_id"), "reference to undeclared aws_route53_zone.nowhere"),
    ("unknown attribute read", 'resource "aws_vpc_endpoint" "e" {\n  vpc_id       = "v"\n  service_name = "s"\n}\noutput "o" {\n  value = aws_vpc_endpoint.e.dns_entries\n}\n', 'has no attribute "dns_entries"; did you mean "dns_entry"?'),
    ("unknown nested attribute read", MINI.replace('name                   = "x"', "name                   = aws_vpc_endpoint.e.dns_entry[0].dns\n") + 'resource "aws_vpc_endpoint" "e" {\n  vpc_id = "v"\n}\n', 'dns_entry has no attribute "dns"'),
    ("postcondition without error_message", 'data "aws_vpc" "v" {\n  id = "vpc-1"\n  lifecycle {\n    postcondition {\n      condition = self.enable_dns_support\n    }\n  }\n}\n', 'postcondition: missing required argument "error_message"'),
    ("self attribute misspelt", 'data "aws_vpc" "v" {\n  id = "vpc-1"\n  lifecycle {\n    postcondition {\n      condition     = self.enable_dns\n      error_message = "x"\n    }\n  }\n}\n', 'self has no attribute "enable_dns"'),
    ("unknown provider argument", 'provider "aws" {\n  regoin = "us-east-1"\n}\n', 'provider "aws": unknown argument "regoin"'),
    ("non-aws type", 'resource "null_resource" "n" {\n}\n', "not from the aws provider"),
    ("data lifecycle with resource-only argument", 'data "aws_vpc" "v" {\n  id = "vpc-1"\n  lifecycle {\n    create_before_destroy = true\n  }\n}\n', 'lifecycle: unknown argument "create_before_destroy"'),
    ("ignore_changes of an unknown argument", MINI.replace('  type    = "A"\n', '  type    = "A"\n  lifecycle {\n    ignore_changes = [ttls]\n  }\n'), 'ignore_changes names "ttls"'),
    ("resource left on the implicit default provider", 'provider "aws" {\n  alias  = "a"\n  region = "us-east-1"\n}\n' + MINI, "implicit, unconfigured default aws provider"),
    ("each without for_each", MINI.replace('name    = "metrics.agent.datadoghq.com"', "name    = each.value"), 'each.value is only available in a block that sets "for_each"'),
    ("count.index without count", MINI.replace('zone_id = "Z1"', "zone_id = count.index"), 'count.index is only available in a block that sets "count"'),
    ("each in an output", 'output "o" {\n  value = each.key\n}\n', 'each.key is only available in a block that sets "for_each"'),
    ("each attribute misspelt", MINI.replace('  zone_id = "Z1"\n', '  for_each = toset(["Z1"])\n  zone_id = each.valeu\n'), 'each has no attribute "valeu"'),
    ("for_each over a list", MINI.replace('  zone_id = "Z1"\n', '  for_each = ["Z1"]\n  zone_id = each.value\n'), "for_each must be a map or a set of strings"),
    ("for_each in terms of each", MINI.replace('  zone_id = "Z1"\n', '  for_each = toset([each.key])\n  zone_id = each.value\n'), "for_each cannot refer to each.key"),
    ("unparseable", 'resource "aws_vpc" "v" {\n  cidr_block = "10.0.0.0/16"\n', "cannot parse"),
]


class SchemaTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not os.path.exists(JSII):
            raise AssertionError(
                f"{JSII} is missing: run `bash .ci/install-tools.sh` (or set TF_SCHEMA_JSII)"
            )
        cls.schema = tf_schema.Schema.load(JSII)

    def test_manifest_is_the_expected_provider(self):
        self.assertEqual(self.schema.provider_version, "6.62.0")
        self.assertGreater(len(self.schema.type_names("resource")), 1000)
        self.assertGreater(len(self.schema.type_names("data")), 500)

    def test_known_good_passes(self):
        self.assertEqual(tf_schema.check_text(self.schema, GOOD), [])

    def test_known_bad_fail(self):
        for name, text, fragment in BAD:
            with self.subTest(name):
                problems = tf_schema.check_text(self.schema, text)
                self.assertTrue(any(fragment in p for p in problems), f"{name}: wanted {fragment!r} in {problems}")

    def test_every_argument_name_in_the_good_file_is_checked(self):
        # misspell each argument or block name inside resource / data / provider blocks in turn
        lines = GOOD.split("\n")
        depth, checked, missed = 0, 0, []
        kind = None
        for i, line in enumerate(lines):
            stripped = line.strip()
            if depth == 0:
                kind = stripped.split(" ")[0] if stripped else None
            m = re.match(r"^(\s+)([a-z_]+)(\s*=|\s*\{|\s+\")", line)
            if depth >= 1 and kind in ("resource", "data", "provider") and m and m.group(2) not in ("dynamic", "content"):
                mutated = lines[:i] + [line.replace(m.group(2), m.group(2) + "q", 1)] + lines[i + 1 :]
                checked += 1
                if not tf_schema.check_text(self.schema, "\n".join(mutated)):
                    missed.append(f"line {i + 1}: {stripped}")
            depth += line.count("{") - line.count("}") if not stripped.startswith("#") else 0
        self.assertGreater(checked, 60)
        self.assertEqual(missed, [])

    def test_for_expression_may_bind_each(self):
        text = 'output "o" {\n  value = [for each in [{ key = "a" }] : each.key]\n}\n'
        self.assertEqual(tf_schema.check_text(self.schema, text), [])

    def test_moved_from_is_gone_and_to_is_declared(self):
        resource = 'resource "aws_vpc_endpoint" "endpoint" {\n  for_each = {}\n  vpc_id = "v"\n  service_name = "s"\n}\n'
        moved = 'moved {\n  from = aws_vpc_endpoint.lime\n  to   = %s\n}\n'
        good = resource + moved % 'aws_vpc_endpoint.endpoint["traces"]'
        self.assertEqual(tf_schema.check_text(self.schema, good), [])
        bad = resource + moved % 'aws_vpc_endpoint.nowhere["traces"]'
        self.assertTrue(any("undeclared aws_vpc_endpoint.nowhere" in p for p in tf_schema.check_text(self.schema, bad)))

    def test_configuration_aliases_declare_providers(self):
        versions = ('terraform {\n  required_providers {\n    aws = {\n      source = "hashicorp/aws"\n'
                    '      configuration_aliases = [\n        aws.us_east_1,\n      ]\n    }\n  }\n}\n')
        resource = 'resource "aws_security_group" "g" {\n  provider = aws.%s\n}\n'
        self.assertEqual(tf_schema.check_text(self.schema, versions + resource % "us_east_1"), [])
        bad = tf_schema.check_text(self.schema, versions + resource % "eu_west_1")
        self.assertTrue(any("aws.eu_west_1 is not declared" in p for p in bad), bad)

    def test_mini_is_good(self):
        # the base of the bad cases is itself clean, so each bad case fails for its one reason
        self.assertEqual(tf_schema.check_text(self.schema, MINI), [])

    def test_jsii_renames_and_digits(self):
        sch = self.schema
        sg = sch.type_entry("resource", "aws_security_group")["config"]
        ingress = sch.lookup(sg, "ingress")[1]["struct"]
        self.assertEqual(sch.lookup(ingress, "self")[0], "selfAttribute")
        inst = sch.type_entry("resource", "aws_instance")["config"]
        self.assertEqual(sch.lookup(inst, "get_password_data")[0], "fetchPasswordData")
        self.assertEqual(tf_schema.camel("m3u8_settings"), "m3U8Settings")
        self.assertEqual(tf_schema.camel("s3_us_east_1_regional_endpoint"), "s3UsEast1RegionalEndpoint")
        prov = sch.ix["provider"]
        # provider properties carry no Terraform name in their docs: found by camelCase
        self.assertEqual(sch.lookup(prov, "s3_us_east_1_regional_endpoint")[0], "s3UsEast1RegionalEndpoint")
        self.assertIsNone(sch.lookup(prov, "s3UsEast1RegionalEndpoint"))

    def test_parser_skips_strings_heredocs_and_comments(self):
        body = tf_schema.parse_hcl(
            'a = "x}y { \\" ${ {b = "}"}.b } %{ if true }z%{ endif }" # c }\n'
            "b = <<EOT\n}\n  { ${var.v}\nEOT\n"
            "/* } */ c = [\n  1, # }\n  2,\n]\n"
            'blk "l1" l2 { d = 1 }\n'
        )
        self.assertEqual([(type(i).__name__, getattr(i, "name", None) or i.type) for i in body],
                         [("Attribute", "a"), ("Attribute", "b"), ("Attribute", "c"), ("Block", "blk")])
        self.assertEqual(body[3].labels, ["l1", "l2"])
        self.assertIn("var.v", body[1].code)
        self.assertNotIn("x}y", body[0].code)

    def test_cli_output_and_exit_code(self):
        with tempfile.TemporaryDirectory() as d:
            good, bad = os.path.join(d, "good"), os.path.join(d, "bad")
            os.makedirs(good)
            os.makedirs(bad)
            with open(os.path.join(good, "main.tf"), "w", encoding="utf-8") as f:
                f.write(GOOD)
            with open(os.path.join(bad, "main.tf"), "w", encoding="utf-8") as f:
                f.write(BAD[0][1])
            run = lambda *files: subprocess.run(  # noqa: E731
                [sys.executable, os.path.join(HERE, "tf_schema.py"), "--jsii", JSII, *files],
                capture_output=True, text=True,
            )
            ok = run(os.path.join(good, "main.tf"))
            self.assertEqual(ok.returncode, 0, ok.stdout + ok.stderr)
            self.assertEqual(ok.stdout.splitlines()[-1], "terraform-schema: 1/1 clean")
            both = run(os.path.join(good, "main.tf"), os.path.join(bad, "main.tf"))
            self.assertEqual(both.returncode, 1)
            lines = both.stdout.splitlines()
            self.assertEqual(lines[0], f"OK {os.path.join(good, 'main.tf')}")
            self.assertTrue(lines[1].startswith(f"{os.path.join(bad, 'main.tf')}: resource aws_route53_record.r: unknown argument"), lines[1])
            self.assertEqual(lines[-1], "terraform-schema: 1/2 clean")

    def test_terraform_fmt_check_needs_no_provider(self):
        if not os.path.exists(TERRAFORM):
            self.fail(f"{TERRAFORM} is missing: put terraform 1.11.4 on PATH (or set TERRAFORM)")
        env = dict(os.environ, CHECKPOINT_DISABLE="1", TF_IN_AUTOMATION="1")
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "main.tf")
            with open(path, "w", encoding="utf-8") as f:
                f.write(GOOD)
            res = subprocess.run([TERRAFORM, "fmt", "-no-color", "-check", "-diff", path], cwd=d, capture_output=True, text=True, env=env)
            self.assertEqual(res.returncode, 0, res.stdout + res.stderr)
            with open(path, "w", encoding="utf-8") as f:
                f.write('locals {\n  a=1\n}\n')
            res = subprocess.run([TERRAFORM, "fmt", "-no-color", "-check", path], cwd=d, capture_output=True, text=True, env=env)
            self.assertEqual(res.returncode, 3, res.stdout + res.stderr)
            self.assertFalse(os.path.exists(os.path.join(d, ".terraform")))


if __name__ == "__main__":
    result = unittest.main(verbosity=2, exit=False).result
    failed = len(result.failures) + len(result.errors)
    # a plain closing line that CI reads in any language
    print(f"tf_schema: {result.testsRun - failed} passed, {failed} failed")
    sys.exit(1 if failed or not result.testsRun else 0)
