//! CloudFormation output: which files, what the templates hold, escaping, and the companion
//! script's contract. Templates are parsed back with serde_yaml_ng (CloudFormation's short-form
//! intrinsics `!Ref`, `!GetAtt`, ... arrive as tagged values).

use std::collections::{BTreeMap, BTreeSet};

use ddpl_gen::plan::Tag;
use ddpl_gen::render::{self, RenderedFile};
use ddpl_gen::{Catalog, Plan};
use serde_yaml_ng::Value;

fn plan(text: &str) -> Plan {
    ddpl_gen::plan_from_text(text, "test", &Catalog::embedded()).expect("valid topology")
}

fn files(plan: &Plan) -> Vec<RenderedFile> {
    render::cloudformation(plan).expect("cloudformation renders")
}

fn names(files: &[RenderedFile]) -> Vec<&str> {
    files.iter().map(|f| f.name.as_str()).collect()
}

fn file<'a>(files: &'a [RenderedFile], name: &str) -> &'a str {
    &files
        .iter()
        .find(|f| f.name == name)
        .unwrap_or_else(|| panic!("no file {name} among {:?}", names(files)))
        .contents
}

fn yaml(text: &str) -> Value {
    serde_yaml_ng::from_str(text).unwrap_or_else(|e| panic!("not YAML ({e}):\n{text}"))
}

fn get<'a>(v: &'a Value, path: &[&str]) -> &'a Value {
    path.iter().fold(v, |v, key| {
        v.get(*key)
            .unwrap_or_else(|| panic!("no {key} in {path:?}: {v:?}"))
    })
}

fn resources_of_type<'a>(template: &'a Value, kind: &str) -> Vec<(&'a str, &'a Value)> {
    get(template, &["Resources"])
        .as_mapping()
        .expect("Resources is a mapping")
        .iter()
        .filter(|(_, r)| r.get("Type").and_then(Value::as_str) == Some(kind))
        .map(|(k, r)| (k.as_str().expect("logical id"), r))
        .collect()
}

fn tags_of(resource: &Value, key: &str) -> BTreeMap<String, String> {
    get(resource, &["Properties", key])
        .as_sequence()
        .expect("tags are a list")
        .iter()
        .map(|t| {
            (
                get(t, &["Key"]).as_str().unwrap().to_string(),
                get(t, &["Value"]).as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// Every `!Ref X` / `!GetAtt X.Attr` / `!Ref` inside `!Sub` lists, in a template.
fn references(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Tagged(t) => {
            let tag = t.tag.to_string();
            match (tag.as_str(), &t.value) {
                ("!Ref", Value::String(s)) => out.push(s.clone()),
                ("!GetAtt", Value::String(s)) => {
                    out.push(s.split('.').next().unwrap_or_default().to_string())
                }
                _ => references(&t.value, out),
            }
        }
        Value::Sequence(items) => items.iter().for_each(|i| references(i, out)),
        Value::Mapping(m) => m.values().for_each(|i| references(i, out)),
        _ => {}
    }
}

const SAME_REGION: &str = r#"
version: 1
name: acme-prod
site: us1
kind: same-region
services: [metrics, logs-agent]
tags: {team: platform}
endpoint_vpc:
  vpc_id: vpc-0123456789abcdef0
  region: us-east-1
  cidr: 10.0.0.0/16
  subnet_ids: [subnet-0123456789abcdef0, subnet-0fedcba9876543210]
  allowed_cidrs: [10.9.0.0/16]
"#;

const CROSS_REGION: &str = r#"
version: 1
name: acme-eu
site: ap2
kind: cross-region
services: [all]
endpoint_vpc:
  vpc_id: vpc-0eeeeeeeeeeeeeee1
  region: eu-west-1
  cidr: 10.10.0.0/16
  subnet_ids: [subnet-0eeeeeeeeeeeeeee1]
  profile: eu-prod
"#;

/// Peering into AP2: one agent VPC in the endpoint's account and region, one in another
/// account and region.
const PEERING: &str = r#"
version: 1
name: acme-apac
site: ap2
kind: peering
services: [logs-agent, logs-user, metrics]
endpoint_vpc:
  vpc_id: vpc-0333333333333333a
  region: ap-southeast-2
  cidr: 10.30.0.0/16
  subnet_ids: [subnet-0333333333333333a]
  route_table_ids: [rtb-0333333333333333a]
  account_id: "111111111111"
  profile: shared services
agent_vpcs:
  - name: syd-apps
    vpc_id: vpc-0444444444444444a
    region: ap-southeast-2
    cidr: 10.31.0.0/16
    route_table_ids: [rtb-0444444444444444a]
    account_id: "111111111111"
    profile: shared services
  - name: tokyo-apps
    vpc_id: vpc-0555555555555555a
    region: ap-northeast-1
    cidr: 10.40.0.0/16
    route_table_ids: [rtb-0555555555555555a, rtb-0555555555555555b]
    account_id: "222222222222"
    profile: apps-tokyo
"#;

/// Peering in one account: an agent VPC in another region, with Secrets Manager endpoints.
const PEERING_ONE_ACCOUNT: &str = r#"
version: 1
name: acme-lambda
site: us1
kind: peering
services: [metrics]
secrets_manager_endpoint: true
endpoint_vpc:
  vpc_id: vpc-0666666666666666a
  region: us-east-1
  cidr: 10.60.0.0/16
  subnet_ids: [subnet-0666666666666666a]
  route_table_ids: [rtb-0666666666666666a]
agent_vpcs:
  - name: ohio-lambda
    vpc_id: vpc-0777777777777777a
    region: us-east-2
    cidr: 10.70.0.0/16
    route_table_ids: [rtb-0777777777777777a]
    subnet_ids: [subnet-0777777777777777a]
"#;

#[test]
fn same_region_is_one_template_with_private_dns_and_a_rule_per_source() {
    let plan = plan(SAME_REGION);
    let files = files(&plan);
    assert_eq!(names(&files), ["acme-prod-us-east-1.yaml"]);
    let text = &files[0].contents;
    assert!(text.starts_with("# Generated by ddpl-gen"), "{text}");
    assert!(
        text.contains("# catalog: "),
        "header names the catalog date"
    );
    let t = yaml(text);
    assert_eq!(get(&t, &["AWSTemplateFormatVersion"]), "2010-09-09");
    let description = get(&t, &["Description"]).as_str().unwrap();
    for part in ["acme-prod", "us1", "same-region"] {
        assert!(description.contains(part), "{description}");
    }
    let meta = get(&t, &["Metadata", "ddpl-gen"]);
    assert_eq!(
        get(meta, &["Generator"]).as_str(),
        Some(plan.generator.as_str())
    );
    assert_eq!(
        get(meta, &["CatalogDate"]).as_str(),
        Some(plan.catalog_date.as_str())
    );
    assert!(
        t.get("Parameters").is_none(),
        "no ids come from another stack"
    );

    let sgs = resources_of_type(&t, "AWS::EC2::SecurityGroup");
    assert_eq!(sgs.len(), 1);
    let ingress = get(sgs[0].1, &["Properties", "SecurityGroupIngress"])
        .as_sequence()
        .unwrap();
    let cidrs: Vec<&str> = ingress
        .iter()
        .map(|r| get(r, &["CidrIp"]).as_str().unwrap())
        .collect();
    assert_eq!(cidrs, ["10.0.0.0/16", "10.9.0.0/16"]);
    for rule in ingress {
        assert_eq!(get(rule, &["IpProtocol"]), "tcp");
        assert_eq!(get(rule, &["FromPort"]).as_u64(), Some(443));
        assert_eq!(get(rule, &["ToPort"]).as_u64(), Some(443));
        assert!(!get(rule, &["Description"]).as_str().unwrap().is_empty());
    }

    let endpoints = resources_of_type(&t, "AWS::EC2::VPCEndpoint");
    assert_eq!(endpoints.len(), 2);
    for (_, ep) in &endpoints {
        let p = get(ep, &["Properties"]);
        assert_eq!(get(p, &["VpcEndpointType"]), "Interface");
        assert_eq!(get(p, &["PrivateDnsEnabled"]).as_bool(), Some(true));
        assert!(p.get("ServiceRegion").is_none());
        assert_eq!(
            tags_of(ep, "Tags"),
            BTreeMap::from([
                ("ddpl:name".to_string(), "acme-prod".to_string()),
                ("team".to_string(), "platform".to_string()),
            ])
        );
    }
    let outputs = get(&t, &["Outputs"]).as_mapping().unwrap();
    assert!(outputs.contains_key("EndpointSecurityGroupId"));
    assert!(outputs.contains_key("MetricsEndpointId"));
    assert!(outputs.contains_key("MetricsDnsEntries"));
}

#[test]
fn cross_region_endpoints_name_the_site_region() {
    let plan = plan(CROSS_REGION);
    let files = files(&plan);
    assert_eq!(names(&files), ["acme-eu-eu-west-1.yaml"]);
    let t = yaml(&files[0].contents);
    let endpoints = resources_of_type(&t, "AWS::EC2::VPCEndpoint");
    assert!(!endpoints.is_empty());
    for (_, ep) in &endpoints {
        assert_eq!(
            get(ep, &["Properties", "ServiceRegion"]).as_str(),
            Some("ap-southeast-2")
        );
        assert_eq!(
            get(ep, &["Properties", "PrivateDnsEnabled"]).as_bool(),
            Some(true)
        );
    }
    // logs-agent and logs-user share AP2's gold service: one endpoint.
    let gold: Vec<_> = endpoints
        .iter()
        .filter(|(_, ep)| get(ep, &["Metadata", "ddpl-gen", "Service"]).as_str() == Some("gold"))
        .collect();
    assert_eq!(gold.len(), 1);
}

#[test]
fn multi_stack_peering_gives_a_template_per_stack_a_companion_and_a_readme() {
    let plan = plan(PEERING);
    let files = files(&plan);
    assert_eq!(
        names(&files),
        [
            "acme-apac-111111111111-ap-southeast-2.yaml",
            "acme-apac-222222222222-ap-northeast-1.yaml",
            "acme-apac-companion.sh",
            "README.md",
        ]
    );

    // The endpoint stack: endpoints without private DNS, zones, alias records, peerings.
    let t = yaml(file(&files, "acme-apac-111111111111-ap-southeast-2.yaml"));
    for (_, ep) in resources_of_type(&t, "AWS::EC2::VPCEndpoint") {
        assert_eq!(
            get(ep, &["Properties", "PrivateDnsEnabled"]).as_bool(),
            Some(false)
        );
    }
    let zones = resources_of_type(&t, "AWS::Route53::HostedZone");
    assert_eq!(zones.len(), plan.zones().len());
    for (_, zone) in &zones {
        // The endpoint VPC and the same-account agent VPC (tokyo-apps: companion script).
        let vpcs: Vec<(&str, &str)> = get(zone, &["Properties", "VPCs"])
            .as_sequence()
            .unwrap()
            .iter()
            .map(|v| {
                (
                    get(v, &["VPCId"]).as_str().unwrap(),
                    get(v, &["VPCRegion"]).as_str().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            vpcs,
            [
                ("vpc-0333333333333333a", "ap-southeast-2"),
                ("vpc-0444444444444444a", "ap-southeast-2")
            ]
        );
        assert!(tags_of(zone, "HostedZoneTags").contains_key("ddpl:name"));
    }
    let records = resources_of_type(&t, "AWS::Route53::RecordSet");
    assert_eq!(records.len(), plan.zones().len());
    let text = file(&files, "acme-apac-111111111111-ap-southeast-2.yaml");
    assert!(text.contains(
        r#"DNSName: !Select [1, !Split [":", !Select [0, !GetAtt GoldEndpoint.DnsEntries]]]"#
    ));
    assert!(text.contains(
        r#"HostedZoneId: !Select [0, !Split [":", !Select [0, !GetAtt GoldEndpoint.DnsEntries]]]"#
    ));

    let peerings = resources_of_type(&t, "AWS::EC2::VPCPeeringConnection");
    assert_eq!(peerings.len(), 2);
    let tokyo = get(
        &t,
        &["Resources", "TokyoAppsPeeringConnection", "Properties"],
    );
    assert_eq!(get(tokyo, &["PeerRegion"]), "ap-northeast-1");
    assert_eq!(get(tokyo, &["PeerOwnerId"]), "222222222222");
    assert!(matches!(get(tokyo, &["PeerRoleArn"]), Value::Tagged(_)));
    let syd = get(&t, &["Resources", "SydAppsPeeringConnection", "Properties"]);
    assert!(syd.get("PeerRegion").is_none() && syd.get("PeerOwnerId").is_none());
    // Routes: to both agent CIDRs from the endpoint VPC, and back from syd-apps (same stack).
    let routes: BTreeSet<(&str, &str)> = resources_of_type(&t, "AWS::EC2::Route")
        .iter()
        .map(|(_, r)| {
            (
                get(r, &["Properties", "RouteTableId"]).as_str().unwrap(),
                get(r, &["Properties", "DestinationCidrBlock"])
                    .as_str()
                    .unwrap(),
            )
        })
        .collect();
    assert_eq!(
        routes,
        BTreeSet::from([
            ("rtb-0333333333333333a", "10.31.0.0/16"),
            ("rtb-0333333333333333a", "10.40.0.0/16"),
            ("rtb-0444444444444444a", "10.30.0.0/16"),
        ])
    );
    assert!(
        get(&t, &["Parameters"])
            .get("TokyoAppsPeerRoleArn")
            .is_some()
    );
    let outputs = get(&t, &["Outputs"]);
    for key in [
        "GoldHostedZoneId",
        "BeigeHostedZoneId",
        "TokyoAppsPeeringConnectionId",
        "SydAppsPeeringConnectionId",
    ] {
        assert!(outputs.get(key).is_some(), "output {key}");
    }

    // The other account's stack: the role that accepts, routes once the id is known.
    let a = yaml(file(&files, "acme-apac-222222222222-ap-northeast-1.yaml"));
    let param = get(&a, &["Parameters", "TokyoAppsPeeringConnectionId"]);
    assert_eq!(get(param, &["Default"]), "");
    assert_eq!(resources_of_type(&a, "AWS::IAM::Role").len(), 1);
    let routes = resources_of_type(&a, "AWS::EC2::Route");
    assert_eq!(routes.len(), 2);
    for (_, r) in routes {
        assert_eq!(get(r, &["Condition"]), "HasTokyoAppsPeeringConnection");
        assert_eq!(
            get(r, &["Properties", "DestinationCidrBlock"]),
            "10.30.0.0/16"
        );
    }
    assert!(get(&a, &["Outputs"]).get("TokyoAppsPeerRoleArn").is_some());

    let readme = file(&files, "README.md");
    for needle in [
        "## Deploy, in this order",
        "## Teardown, in this order",
        "`TokyoAppsPeeringConnectionId`",
        "`TokyoAppsPeerRoleArn`",
        "bash 'acme-apac-companion.sh' --destroy",
    ] {
        assert!(readme.contains(needle), "README lacks {needle}");
    }
    // The stacks in deploy order: the accepter's role first, then the endpoint stack, then
    // the accepter again with the peering id.
    let first = readme.find("--stack-name 'acme-apac-222222222222-ap-northeast-1'");
    let endpoint = readme
        .find("--stack-name 'acme-apac-111111111111-ap-southeast-2' \\\n     --template-file");
    let second = readme.rfind("--parameter-overrides \"TokyoAppsPeeringConnectionId=");
    assert!(first < endpoint && endpoint < second, "{readme}");
}

#[test]
fn one_account_peering_needs_no_role_and_carries_the_peering_id_as_a_parameter() {
    let plan = plan(PEERING_ONE_ACCOUNT);
    let files = files(&plan);
    assert_eq!(
        names(&files),
        [
            "acme-lambda-us-east-1.yaml",
            "acme-lambda-us-east-2.yaml",
            "acme-lambda-companion.sh",
            "README.md",
        ]
    );
    let t = yaml(file(&files, "acme-lambda-us-east-1.yaml"));
    let p = get(
        &t,
        &["Resources", "OhioLambdaPeeringConnection", "Properties"],
    );
    assert_eq!(get(p, &["PeerRegion"]), "us-east-2");
    assert!(p.get("PeerOwnerId").is_none() && p.get("PeerRoleArn").is_none());
    assert!(t.get("Parameters").is_none());
    // Same-account, cross-region zone association is a HostedZone VPC entry.
    let zone = resources_of_type(&t, "AWS::Route53::HostedZone")[0].1;
    let regions: Vec<&str> = get(zone, &["Properties", "VPCs"])
        .as_sequence()
        .unwrap()
        .iter()
        .map(|v| get(v, &["VPCRegion"]).as_str().unwrap())
        .collect();
    assert_eq!(regions, ["us-east-1", "us-east-2"]);

    let a = yaml(file(&files, "acme-lambda-us-east-2.yaml"));
    let param = get(&a, &["Parameters", "OhioLambdaPeeringConnectionId"]);
    assert!(param.get("Default").is_none(), "required: {param:?}");
    assert!(resources_of_type(&a, "AWS::IAM::Role").is_empty());
    assert!(a.get("Conditions").is_none());
    // Secrets Manager where the agents run, with private DNS and its own security group.
    let eps = resources_of_type(&a, "AWS::EC2::VPCEndpoint");
    assert_eq!(eps.len(), 1);
    let ep = get(eps[0].1, &["Properties"]);
    assert_eq!(
        get(ep, &["ServiceName"]),
        "com.amazonaws.us-east-2.secretsmanager"
    );
    assert_eq!(get(ep, &["PrivateDnsEnabled"]).as_bool(), Some(true));
    assert_eq!(resources_of_type(&a, "AWS::EC2::SecurityGroup").len(), 1);

    // No VPC of another account: the companion only sets DNS attributes.
    let script = file(&files, "acme-lambda-companion.sh");
    assert!(!script.contains("create-vpc-association-authorization"));
    assert!(script.contains("--enable-dns-support"));
}

#[test]
fn every_reference_points_at_a_resource_or_parameter() {
    for text in [SAME_REGION, CROSS_REGION, PEERING, PEERING_ONE_ACCOUNT] {
        for f in files(&plan(text)) {
            if !f.name.ends_with(".yaml") {
                continue;
            }
            let t = yaml(&f.contents);
            let mut known: BTreeSet<String> = ["AWS::Region", "AWS::AccountId", "AWS::Partition"]
                .iter()
                .map(|s| s.to_string())
                .collect();
            for section in ["Resources", "Parameters"] {
                if let Some(m) = t.get(section).and_then(Value::as_mapping) {
                    known.extend(m.keys().map(|k| k.as_str().unwrap().to_string()));
                }
            }
            let mut refs = Vec::new();
            references(&t, &mut refs);
            for r in refs {
                assert!(known.contains(&r), "{}: dangling reference {r}", f.name);
            }
            if let Some(conds) = t.get("Conditions").and_then(Value::as_mapping) {
                for (_, r) in get(&t, &["Resources"]).as_mapping().unwrap() {
                    if let Some(c) = r.get("Condition") {
                        assert!(conds.contains_key(c), "{}: condition {c:?}", f.name);
                    }
                }
            }
        }
    }
}

#[test]
fn hostile_tag_values_are_escaped_and_read_back_intact() {
    let mut plan = plan(SAME_REGION);
    let hostile = [
        ("チーム", "基盤 運用"),
        ("path", "/srv/観測=1+2"),
        ("owner", "ops@example.co.jp"),
        ("colon", "a: b # not a comment"),
        ("quote", "say \"hi\" and 'bye' \\ back"),
        ("newline", "line one\n- Key: injected\n  Value: x"),
        ("intrinsic", "!Ref AWS::AccountId"),
        ("template", "{{ plan.name }} ${AWS::Region} %{x}"),
        ("separators", "a\u{2028}b\u{85}c\td"),
        ("yaml-words", "yes"),
        ("number", "0123"),
        ("empty", ""),
    ];
    plan.tags = hostile
        .iter()
        .map(|(k, v)| Tag {
            key: k.to_string(),
            value: v.to_string(),
        })
        .collect();
    let files = files(&plan);
    let t = yaml(&files[0].contents);
    let want: BTreeMap<String, String> = hostile
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let resources = get(&t, &["Resources"]).as_mapping().unwrap();
    assert!(!resources.is_empty());
    for (name, r) in resources {
        assert_eq!(tags_of(r, "Tags"), want, "{name:?}");
    }
    // Nothing leaked into the structure: the same resources as with plain tags.
    let plain = yaml(&render::cloudformation(&self::plan(SAME_REGION)).unwrap()[0].contents);
    let keys = |v: &Value| -> Vec<String> {
        get(v, &["Resources"])
            .as_mapping()
            .unwrap()
            .keys()
            .map(|k| k.as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(keys(&t), keys(&plain));
}

/// Runs the companion script with `mode` under a stub `aws` that records its argv: every VPC
/// attribute is off; on `all` no zone is associated yet, on `--destroy` every VPC is; an
/// association authorization is always left over. Empty where bash is missing.
fn run_companion(script: &str, mode: &str) -> Vec<Vec<String>> {
    let Ok(bash) = which_bash() else {
        eprintln!("bash not found; skipped");
        return Vec::new();
    };
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("calls");
    let stub = dir.path().join("aws");
    std::fs::write(
        &stub,
        r#"#!/usr/bin/env bash
printf '%s\0' "$@" >>"$CALLS"
printf '\n' >>"$CALLS"
vpcs='vpc-0333333333333333a vpc-0444444444444444a vpc-0555555555555555a'
case " $* " in
*" describe-vpc-attribute "*) echo False ;;
*" describe-stacks "*) echo Z0STUB ;;
*" get-hosted-zone "*) if [[ $MODE == --destroy ]]; then echo "$vpcs"; fi ;;
*" list-vpc-association-authorizations "*) echo "$vpcs" ;;
esac
"#,
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&stub, std::fs::Permissions::from_mode(0o755)).unwrap();
    let file = dir.path().join("companion.sh");
    std::fs::write(&file, script).unwrap();
    let path = format!(
        "{}:{}",
        dir.path().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = std::process::Command::new(bash)
        .arg(&file)
        .arg(mode)
        .env("PATH", path)
        .env("CALLS", &log)
        .env("MODE", mode)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{mode}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::read(&log)
        .unwrap_or_default()
        .split(|b| *b == b'\n')
        .filter(|c| !c.is_empty())
        .map(|c| {
            c.strip_suffix(&[0])
                .unwrap_or(c)
                .split(|b| *b == 0)
                .map(|a| String::from_utf8_lossy(a).into_owned())
                .collect()
        })
        .collect()
}

fn which_bash() -> Result<&'static str, ()> {
    ["/bin/bash", "/usr/bin/bash", "/usr/local/bin/bash"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists())
        .ok_or(())
}

#[test]
fn companion_script_keeps_the_script_contract() {
    let plan = plan(PEERING);
    let files = files(&plan);
    let script = file(&files, "acme-apac-companion.sh");
    assert!(script.starts_with("#!/usr/bin/env bash\n# Generated by ddpl-gen"));
    assert!(script.contains("\nset -euo pipefail\n"));
    // Statically: every `aws` line names its flags, written out (`aws --region 'r' ...`) or as
    // the flags array a function builds from its REGION PROFILE arguments.
    let arrays = ["\"${at[@]}\"", "\"${zone_at[@]}\"", "\"${vpc_at[@]}\""];
    for l in script.lines().map(str::trim_start) {
        if l.starts_with('#') {
            continue;
        }
        if let Some(i) = l.find("aws ") {
            let call = &l[i + 4..];
            assert!(
                call.starts_with("--region '") || arrays.iter().any(|a| call.starts_with(a)),
                "{l}"
            );
        }
    }
    for array in arrays {
        let name = &array[3..array.len() - 5];
        assert!(
            script.contains(&format!("{name}=(--region \"$")),
            "{name} is built from a region argument"
        );
    }
    // At run time, under a stub `aws` that records its argv: every call starts with the
    // --region and --profile of a stack of the plan.
    let calls: Vec<Vec<String>> = ["all", "--destroy"]
        .iter()
        .flat_map(|mode| run_companion(script, mode))
        .collect();
    assert!(calls.len() > 10, "{calls:?}");
    for call in &calls {
        let flags: Vec<&str> = call.iter().take(4).map(String::as_str).collect();
        assert!(
            flags == ["--region", "ap-southeast-2", "--profile", "shared services"]
                || flags == ["--region", "ap-northeast-1", "--profile", "apps-tokyo"],
            "{call:?}"
        );
    }
    let calls: Vec<String> = calls.iter().map(|c| c.join(" ")).collect();
    // Both VPC DNS attributes on every VPC a zone is associated with.
    for vpc in [
        "vpc-0333333333333333a",
        "vpc-0444444444444444a",
        "vpc-0555555555555555a",
    ] {
        for flag in ["--enable-dns-support", "--enable-dns-hostnames"] {
            assert!(
                calls.iter().any(|c| c.contains(flag) && c.contains(vpc)),
                "{flag} {vpc}"
            );
        }
    }
    // Cross-account association: the zone owner authorizes and deauthorizes, the VPC owner
    // associates (and, on --destroy, disassociates).
    let by = |verb: &str| -> BTreeSet<&str> {
        calls
            .iter()
            .filter(|c| c.contains(&format!("route53 {verb} ")))
            .map(|c| {
                if c.contains("--profile apps-tokyo") {
                    "vpc owner"
                } else {
                    "zone owner"
                }
            })
            .collect()
    };
    assert_eq!(
        by("create-vpc-association-authorization"),
        BTreeSet::from(["zone owner"])
    );
    assert_eq!(
        by("associate-vpc-with-hosted-zone"),
        BTreeSet::from(["vpc owner"])
    );
    assert_eq!(
        by("delete-vpc-association-authorization"),
        BTreeSet::from(["zone owner"])
    );
    assert_eq!(
        by("disassociate-vpc-from-hosted-zone"),
        BTreeSet::from(["vpc owner"])
    );
    // Zone ids come from the endpoint stack's outputs.
    assert!(script.contains(
        "cloudformation describe-stacks --stack-name 'acme-apac-111111111111-ap-southeast-2'"
    ));
    assert!(script.contains("zone_id GoldHostedZoneId no"));
    assert!(script.contains("--destroy | destroy) destroy ;;"));
}

#[test]
fn cloudformation_cli_writes_every_file_and_prints_a_single_template() {
    let exe = env!("CARGO_BIN_EXE_ddpl-gen");
    let dir = tempfile::tempdir().unwrap();
    let topology = dir.path().join("ddpl.yaml");
    std::fs::write(&topology, PEERING).unwrap();
    let out = dir.path().join("stacks");
    let status = std::process::Command::new(exe)
        .args(["cloudformation", "-f"])
        .arg(&topology)
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    assert!(status.status.success(), "{status:?}");
    let mut written: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    written.sort();
    let mut expected: Vec<String> = files(&plan(PEERING)).into_iter().map(|f| f.name).collect();
    expected.sort();
    assert_eq!(written, expected);

    std::fs::write(&topology, SAME_REGION).unwrap();
    let single = std::process::Command::new(exe)
        .args(["cloudformation", "-f"])
        .arg(&topology)
        .output()
        .unwrap();
    assert!(single.status.success(), "{single:?}");
    assert_eq!(
        String::from_utf8(single.stdout).unwrap(),
        files(&plan(SAME_REGION))[0].contents
    );
}
