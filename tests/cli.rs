//! The AWS CLI scripts: the script contract (README, "What each kind creates"), checked on every golden case and
//! example (flags on every call, strict mode, header), escaping of hostile tag values, and a
//! hermetic run of the scripts against the recording fake `aws` (tests/support/fake_aws.rs).

mod support;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use ddpl_gen::plan::Tag;
use ddpl_gen::{Plan, render};
use support::fake_aws::{FakeAws, QUICK, on};
use support::{arg_of, golden_topology, plan_of_file as plan_of};

/// Every topology the generator ships: golden cases and examples.
fn topologies() -> Vec<PathBuf> {
    let mut out = support::golden_topologies();
    out.extend(support::examples());
    out.sort();
    assert!(out.len() >= 7, "expected the golden cases and examples");
    out
}

fn scripts(plan: &Plan) -> [(&'static str, String); 2] {
    [
        ("deploy", render::cli_deploy(plan).expect("deploy renders")),
        (
            "destroy",
            render::cli_destroy(plan).expect("destroy renders"),
        ),
    ]
}

/// Reads one shell word at the start of `s` (unquoted characters, single-quoted runs and
/// `\x` escapes, which is all the shell escaper writes); returns it and the rest.
fn shell_word(s: &str) -> (String, &str) {
    let mut word = String::new();
    let mut chars = s.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            ' ' | '\t' => return (word, &s[i..]),
            '\'' => {
                for (_, q) in chars.by_ref() {
                    if q == '\'' {
                        break;
                    }
                    word.push(q);
                }
            }
            '\\' => {
                if let Some((_, e)) = chars.next() {
                    word.push(e);
                }
            }
            c => word.push(c),
        }
    }
    (word, "")
}

/// The shell words at the start of `s`, as far as `shell_word` reads them.
fn shell_words(mut s: &str) -> Vec<String> {
    let mut out = Vec::new();
    loop {
        s = s.trim_start();
        if s.is_empty() {
            return out;
        }
        let (word, rest) = shell_word(s);
        out.push(word);
        s = rest;
    }
}

/// Whether a line invokes the CLI (not a comment): `aws ...` at the start of a command or in a
/// command substitution.
fn is_aws_line(l: &str) -> bool {
    let t = l.trim_start();
    !t.starts_with('#') && (t.starts_with("aws ") || l.contains("$(aws "))
}

/// A function defined at the top level of a script (`name() {` ... `}`).
struct ShellFn {
    name: String,
    /// The argument names of its usage comment (`# name ARG ARG...: what it ensures`).
    args: Vec<String>,
    /// Line indexes of its body.
    body: std::ops::Range<usize>,
}

fn shell_functions(lines: &[&str]) -> Vec<ShellFn> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let Some(name) = lines[i]
            .strip_suffix("() {")
            .filter(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
        else {
            i += 1;
            continue;
        };
        let mut comment: Vec<&str> = Vec::new();
        for l in lines[..i].iter().rev() {
            match l.strip_prefix('#') {
                Some(text) => comment.insert(0, text),
                None => break,
            }
        }
        let comment = comment.join(" ");
        let args = comment
            .split_once(&format!(" {name} "))
            .map(|(_, rest)| {
                let mut args = Vec::new();
                for w in rest.split_whitespace() {
                    let arg = w.trim_end_matches(':');
                    if !arg.chars().all(|c| c.is_ascii_uppercase() || c == '_') {
                        break;
                    }
                    args.push(arg.to_string());
                    if w.ends_with(':') {
                        break;
                    }
                }
                args
            })
            .unwrap_or_default();
        let end = (i..lines.len())
            .find(|&j| lines[j] == "}")
            .unwrap_or_else(|| panic!("function {name} never ends"));
        out.push(ShellFn {
            name: name.to_string(),
            args,
            body: i + 1..end,
        });
        i = end + 1;
    }
    out
}

/// Parses `$N` / `${N}` (a positional parameter) at the start of `s`.
fn positional(s: &str) -> Option<usize> {
    let s = s.strip_prefix('$')?;
    let s = s.strip_prefix('{').unwrap_or(s);
    let digits: String = s.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// The flags arrays a function builds for its stacks: array name -> (position of the region
/// argument, position of the profile argument), from `NAME=(--region "$R")` and
/// `[[ -z $P ]] || NAME+=(--profile "$P")`, kept only where R, P are a REGION, PROFILE pair of
/// its usage comment.
fn flag_arrays(f: &ShellFn, lines: &[&str]) -> std::collections::BTreeMap<String, (usize, usize)> {
    let mut region = std::collections::BTreeMap::new();
    let mut profile = std::collections::BTreeMap::new();
    for l in &lines[f.body.clone()] {
        for (at, _) in l.match_indices("=(--region \"") {
            let name: String = l[..at]
                .chars()
                .rev()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            if let Some(n) = positional(&l[at + "=(--region \"".len()..]) {
                region.insert(name, n);
            }
        }
        let t = l.trim_start();
        if let Some(rest) = t.strip_prefix("[[ -z ") {
            let guard = positional(rest);
            if let Some((name, value)) = rest
                .split_once(" ]] || ")
                .and_then(|(_, r)| r.split_once("+=(--profile \""))
            {
                if let Some(p) = positional(value).filter(|p| Some(*p) == guard) {
                    profile.insert(name.to_string(), p);
                }
            }
        }
    }
    let is_pair = |r: usize, p: usize| {
        p == r + 1
            && f.args.get(r - 1).is_some_and(|a| a.ends_with("REGION"))
            && f.args.get(p - 1).is_some_and(|a| a.ends_with("PROFILE"))
    };
    region
        .into_iter()
        .filter_map(|(name, r)| {
            let p = *profile.get(&name)?;
            is_pair(r, p).then_some((name, (r, p)))
        })
        .collect()
}

/// One `aws` call of a script as it runs: the operation and the region and profile it gets.
#[derive(Debug)]
struct AwsCall {
    op: String,
    region: String,
    profile: Option<String>,
    /// The line that names the flags: the `aws` line, or the call site of its function.
    line: String,
    /// Its index among the script's lines.
    at: usize,
}

/// Every `aws` call of a script, in the order of the script's lines. A top-level `aws` line
/// names its flags literally (`--region 'r' --profile 'p'`); an `aws` line in a function must
/// pass one of the function's flags arrays and nothing else, and every call site of the
/// function gives that array's region and profile as literal words.
fn aws_calls(script: &str) -> Vec<AwsCall> {
    let lines: Vec<&str> = script.lines().collect();
    let functions = shell_functions(&lines);
    let in_function = |i: usize| functions.iter().any(|f| f.body.contains(&i));
    let op_of = |line: &str| -> String {
        let at = line.find("aws ").unwrap();
        line[at..]
            .split_whitespace()
            .nth(2)
            .unwrap_or_default()
            .to_string()
    };
    let mut calls: Vec<(usize, AwsCall)> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if in_function(i) || !is_aws_line(line) {
            continue;
        }
        let at = line
            .find(" --region ")
            .unwrap_or_else(|| panic!("no --region in {line}"));
        let (region, rest) = shell_word(&line[at + " --region ".len()..]);
        let profile = rest.strip_prefix(" --profile ").map(|p| shell_word(p).0);
        calls.push((
            i,
            AwsCall {
                op: op_of(line),
                region,
                profile,
                line: line.to_string(),
                at: i,
            },
        ));
    }
    for f in &functions {
        let body: Vec<&str> = lines[f.body.clone()]
            .iter()
            .copied()
            .filter(|l| is_aws_line(l))
            .collect();
        if body.is_empty() {
            continue;
        }
        let arrays = flag_arrays(f, &lines);
        assert!(
            !arrays.is_empty(),
            "function {} calls aws without a flags array of a REGION PROFILE pair of its \
             usage comment ({:?})",
            f.name,
            f.args
        );
        let mut uses = Vec::new();
        for l in &body {
            assert!(
                !l.contains("--region") && !l.contains("--profile"),
                "{}: flags written out in a function: {l}",
                f.name
            );
            let words: Vec<&str> = l[l.find("aws ").unwrap()..].split_whitespace().collect();
            let array = words
                .get(3)
                .and_then(|w| w.strip_prefix("\"${"))
                .and_then(|w| w.strip_suffix("[@]}\""))
                .and_then(|name| arrays.get(name))
                .unwrap_or_else(|| {
                    panic!(
                        "{}: aws call without its flags array {arrays:?}: {l}",
                        f.name
                    )
                });
            uses.push((op_of(l), *array));
        }
        let mut sites = 0;
        for (i, line) in lines.iter().enumerate() {
            let t = line.trim_start();
            if f.body.contains(&i) || t.starts_with('#') {
                continue;
            }
            let rest = t
                .strip_prefix(&format!("{} ", f.name))
                .or_else(|| line.split_once(&format!("$({} ", f.name)).map(|(_, r)| r));
            let Some(rest) = rest else { continue };
            sites += 1;
            let words = shell_words(rest);
            for (op, (r, p)) in &uses {
                let region = words
                    .get(r - 1)
                    .unwrap_or_else(|| panic!("{}: no region argument: {line}", f.name));
                let profile = words
                    .get(p - 1)
                    .unwrap_or_else(|| panic!("{}: no profile argument: {line}", f.name));
                calls.push((
                    i,
                    AwsCall {
                        op: op.clone(),
                        region: region.clone(),
                        profile: (!profile.is_empty()).then(|| profile.clone()),
                        line: line.to_string(),
                        at: i,
                    },
                ));
            }
        }
        assert!(sites > 0, "function {} is never called", f.name);
    }
    calls.sort_by_key(|(i, _)| *i);
    calls.into_iter().map(|(_, c)| c).collect()
}

#[test]
fn every_aws_call_names_its_region_and_the_stacks_profile() {
    for path in topologies() {
        let plan = plan_of(&path);
        for (kind, script) in scripts(&plan) {
            let calls = aws_calls(&script);
            assert!(
                !calls.is_empty(),
                "{}: {kind} calls nothing",
                path.display()
            );
            for call in calls {
                let AwsCall {
                    region,
                    profile,
                    line,
                    ..
                } = &call;
                // A stack with a role_arn: its calls name the role's stand-in (role:N).
                let known = plan.stacks.iter().any(|s| {
                    let named = match &s.role_arn {
                        Some(_) => Some(format!("role:{}", s.index)),
                        None => s.profile.clone(),
                    };
                    &s.region == region && &named == profile
                });
                assert!(
                    known,
                    "{} {kind}: --region {region:?} --profile {profile:?} is no stack of the plan: {line}",
                    path.display()
                );
                if plan.stacks.iter().all(|s| s.profile.is_some()) {
                    assert!(
                        profile.is_some(),
                        "{} {kind}: no --profile: {line}",
                        path.display()
                    );
                }
            }
            assert!(
                !script.contains("--endpoint-url"),
                "{kind}: endpoint hard-coded"
            );
        }
    }
}

/// The flags checker itself: a function that writes its flags out, drops its array, or is
/// called with another stack's region is caught.
#[test]
fn the_flags_checker_catches_a_call_without_its_stack() {
    let good = "# f REGION PROFILE ID: ensures.\nf() {\n  local -a at=(--region \"$1\")\n  \
                [[ -z $2 ]] || at+=(--profile \"$2\")\n  aws ec2 x \"${at[@]}\" --id \"$3\"\n}\n\
                f 'r' 'p' 'i'\n";
    let calls = aws_calls(good);
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].at, 6, "the call site");
    assert_eq!((calls[0].op.as_str(), calls[0].region.as_str()), ("x", "r"));
    assert_eq!(calls[0].profile.as_deref(), Some("p"));
    let empty = good.replace("f 'r' 'p' 'i'", "f 'r' '' 'i'");
    assert_eq!(aws_calls(&empty)[0].profile, None);
    for bad in [
        good.replace("\"${at[@]}\"", "--region us-east-1"),
        good.replace("\"${at[@]}\" ", ""),
        good.replace("PROFILE ID", "ID PROFILE"),
        good.replace("f 'r' 'p' 'i'\n", ""),
    ] {
        assert!(
            std::panic::catch_unwind(|| aws_calls(&bad)).is_err(),
            "not caught: {bad}"
        );
    }
}

/// The (region, profile) of each call of `op`.
fn stacks_of(script: &str, op: &str) -> Vec<(String, Option<String>)> {
    aws_calls(script)
        .into_iter()
        .filter(|c| c.op == op)
        .map(|c| (c.region, c.profile))
        .collect()
}

#[test]
fn scripts_are_strict_bash_with_a_header() {
    for path in topologies() {
        let plan = plan_of(&path);
        for (kind, script) in scripts(&plan) {
            assert!(script.starts_with("#!/usr/bin/env bash\n"), "{kind}");
            let first_command = script
                .lines()
                .find(|l| !l.starts_with('#') && !l.trim().is_empty())
                .unwrap_or_default();
            // The bash version check first, then strict mode.
            assert_eq!(
                first_command,
                "if ((BASH_VERSINFO[0] * 100 + BASH_VERSINFO[1] < 404)); then",
                "{} {kind}",
                path.display()
            );
            assert!(script.contains("\nfi\nset -euo pipefail\n"), "{kind}");
            let header: String = script
                .lines()
                .take_while(|l| l.starts_with('#'))
                .collect::<Vec<_>>()
                .join("\n");
            assert!(header.contains(&plan.generator), "{kind}: generator");
            assert!(header.contains(&plan.name), "{kind}: name");
            assert!(header.contains(&plan.catalog_date), "{kind}: catalog date");
            for warning in &plan.warnings {
                assert!(
                    header.contains(warning.as_str()),
                    "{kind}: warning {warning}"
                );
            }
            // No credentials in the script: only those of a role it assumes, in a variable.
            assert_eq!(
                script.matches("AWS_ACCESS_KEY_ID").count(),
                script
                    .matches("\"AWS_ACCESS_KEY_ID=${role_key[$stand_in]}\"")
                    .count(),
                "{kind}: credentials"
            );
            assert!(!script.contains("AWS_DEFAULT_REGION"), "no default region");
        }
    }
}

#[test]
fn deploy_checks_every_service_then_waits_with_a_bound() {
    for path in topologies() {
        let plan = plan_of(&path);
        let deploy = render::cli_deploy(&plan).unwrap();
        assert!(deploy.contains("DDPL_SKIP_PREFLIGHT:-} == 1"));
        // One check_services call per stack and service region names every service once:
        // `check_services REGION PROFILE SERVICE_REGION NAME DNS DATE ...`, continued lines.
        let mut calls: Vec<Vec<String>> = Vec::new();
        let mut lines = deploy.lines();
        while let Some(line) = lines.next() {
            let Some(rest) = line.trim_start().strip_prefix("check_services ") else {
                continue;
            };
            let mut text = rest.to_string();
            while text.ends_with('\\') {
                text.pop();
                text.push_str(lines.next().unwrap());
            }
            calls.push(shell_words(&text));
        }
        for check in &plan.preflight {
            let st = &plan.stacks[check.stack];
            let profile = match &st.role_arn {
                Some(_) => format!("role:{}", st.index),
                None => st.profile.clone().unwrap_or_default(),
            };
            let named: Vec<&Vec<String>> = calls
                .iter()
                .filter(|w| w[3..].chunks(3).any(|t| t[0] == check.service_name))
                .collect();
            assert_eq!(named.len(), 1, "{} checked once", check.service_name);
            let words = named[0];
            assert_eq!(words[0], st.region);
            assert_eq!(words[1], profile);
            assert_eq!(words[2], check.service_region.clone().unwrap_or_default());
            assert_eq!(
                words[3..]
                    .chunks(3)
                    .find(|t| t[0] == check.service_name)
                    .unwrap()[1],
                check.private_dns_name
            );
        }
        assert!(deploy.contains("--service-names \"${names[@]}\" ${regions[@]+\"${regions[@]}\"}"));
        // Creation of endpoints comes before the wait, the wait is bounded (in the order the
        // calls run: a function's calls at its call sites).
        let calls = aws_calls(&deploy);
        let at = |op: &str| -> Vec<usize> {
            calls.iter().filter(|c| c.op == op).map(|c| c.at).collect()
        };
        let last_create = *at("create-vpc-endpoint").last().unwrap();
        let wait = deploy
            .lines()
            .position(|l| l.contains("waiting for $total endpoints"))
            .unwrap();
        assert!(last_create < wait);
        assert!(deploy.contains("DDPL_WAIT_SECONDS:-900"));
        assert!(at("describe-vpc-endpoint-services")[0] < last_create);
    }
}

#[test]
fn peering_scripts_cover_every_step() {
    let plan = plan_of(&golden_topology("ap2-peering-cross-account"));
    let deploy = render::cli_deploy(&plan).unwrap();
    for needle in [
        "create-hosted-zone",
        "PrivateZone",
        "change-resource-record-sets",
        "create-vpc-peering-connection",
        "peer+=(--peer-region \"$6\")",
        "peer+=(--peer-owner-id \"$7\")",
        "'vpc-0333333333333333a' 'vpc-0555555555555555a' 'ap-northeast-1' '222222222222' \"$peerings\"\n",
        "\naccept_peerings 'ap-northeast-1' 'role:1' 1 \"$pcx_tokyo_apps\"\n",
        "enableDnsSupport:--enable-dns-support",
        "enableDnsHostnames:--enable-dns-hostnames",
        "\"$option\" '{\"Value\":true}'",
        "replace-route",
    ] {
        assert!(deploy.contains(needle), "deploy lacks {needle}");
    }
    let shared = (
        "ap-southeast-2".to_string(),
        Some("shared-services".to_string()),
    );
    // Tokyo's stack has a role_arn: its calls name the role's stand-in, which the scripts
    // assume first with the stack's profile.
    let tokyo = ("ap-northeast-1".to_string(), Some("role:1".to_string()));
    assert!(deploy.contains(
        "\nassume_role 'role:1' 'arn:aws:iam::222222222222:role/ddpl-deploy' 'ap-northeast-1' 'apps-tokyo'\n"
    ));
    for (op, stack) in [
        ("accept-vpc-peering-connection", &tokyo),
        ("create-vpc-association-authorization", &shared),
        ("associate-vpc-with-hosted-zone", &tokyo),
        ("delete-vpc-association-authorization", &shared),
        ("modify-vpc-attribute", &tokyo),
    ] {
        assert!(
            stacks_of(&deploy, op).contains(stack),
            "deploy: no {op} by {stack:?}"
        );
    }
    assert!(
        !stacks_of(&deploy, "create-vpc-association-authorization").contains(&tokyo),
        "the zone owner authorizes"
    );
    assert!(
        deploy.contains("ensure_dns_attributes 'ap-northeast-1' 'role:1' 'vpc-0555555555555555a'")
    );
    let destroy = render::cli_destroy(&plan).unwrap();
    let order = [
        "disassociate-vpc-from-hosted-zone",
        "change-resource-record-sets",
        "delete-hosted-zone",
        "delete-route",
        "delete-vpc-peering-connection",
        "delete-vpc-endpoints",
        "delete-security-group",
    ];
    // In the order the calls run (a function's calls at its call sites).
    let ops: Vec<String> = aws_calls(&destroy).into_iter().map(|c| c.op).collect();
    let positions: Vec<usize> = order
        .iter()
        .map(|n| {
            ops.iter()
                .position(|op| op == n)
                .unwrap_or_else(|| panic!("destroy lacks {n}"))
        })
        .collect();
    assert!(
        positions.windows(2).all(|w| w[0] < w[1]),
        "teardown order: {order:?}"
    );
    // The zone owner disassociates every VPC, its own account's and others' (Route 53 lets
    // either owner do it), so the teardown needs no agent account for it.
    let disassociations = stacks_of(&destroy, "disassociate-vpc-from-hosted-zone");
    assert!(!disassociations.is_empty());
    assert!(
        disassociations.iter().all(|s| s == &shared),
        "{disassociations:?}"
    );
    assert!(destroy.contains("nothing to delete"));
}

const HOSTILE: &str = "it's $(touch /tmp/ddpl-pwned) `id` ${HOME} \"q\" \\ 日本語 = + @ : /";

fn hostile_plan() -> Plan {
    let mut plan = plan_of(&golden_topology("us1-same-region-subset"));
    plan.tags.push(Tag {
        key: "キー 'k' $(x)".into(),
        value: HOSTILE.into(),
    });
    plan
}

fn expected_tags(plan: &Plan) -> serde_json::Value {
    serde_json::Value::Array(
        plan.tags
            .iter()
            .map(|t| serde_json::json!({"Key": t.key, "Value": t.value}))
            .collect(),
    )
}

/// The JSON in the single-quoted word of `tag_spec_vpc_endpoint=...` parses back to the tags.
#[test]
fn hostile_tags_stay_one_intact_json_word() {
    let plan = hostile_plan();
    let deploy = render::cli_deploy(&plan).unwrap();
    let line = deploy
        .lines()
        .find(|l| l.starts_with("tag_spec_vpc_endpoint="))
        .expect("tag spec line");
    let (word, rest) = shell_word(&line["tag_spec_vpc_endpoint=".len()..]);
    assert_eq!(rest, "");
    let parsed: serde_json::Value = serde_json::from_str(&word).expect("valid JSON");
    assert_eq!(parsed[0]["ResourceType"], "vpc-endpoint");
    assert_eq!(parsed[0]["Tags"], expected_tags(&plan));
}

/// The same line run by bash: the variable holds exactly the JSON, nothing was executed.
#[test]
fn hostile_tags_round_trip_through_bash() {
    let Some(bash) = support::bash_or_skip() else {
        return;
    };
    let plan = hostile_plan();
    let deploy = render::cli_deploy(&plan).unwrap();
    let line = deploy
        .lines()
        .find(|l| l.starts_with("tag_spec_vpc_endpoint="))
        .unwrap();
    let out = Command::new(bash)
        .arg("-c")
        .arg(format!(
            "set -eu\n{line}\nprintf '%s' \"$tag_spec_vpc_endpoint\""
        ))
        .output()
        .unwrap();
    assert!(out.status.success());
    let parsed: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(parsed[0]["Tags"], expected_tags(&plan));
    assert!(!Path::new("/tmp/ddpl-pwned").exists());
}

/// A comment cannot be ended by a line break in a value.
#[test]
fn header_values_cannot_break_out_of_comments() {
    let mut plan = hostile_plan();
    plan.warnings
        .push("first line\ntouch /tmp/ddpl-pwned\r\u{2028}x".into());
    plan.catalog_date = "2026-11-26\nrm -rf /".into();
    for (kind, script) in scripts(&plan) {
        // Everything up to the bash version check is comment; the values appear there
        // flattened.
        let header: Vec<&str> = script
            .lines()
            .take_while(|l| !l.starts_with("if ((BASH_VERSINFO"))
            .collect();
        assert!(
            header.iter().all(|l| l.starts_with('#')),
            "{kind}: {header:?}"
        );
        assert!(
            header.iter().any(|l| l.contains("2026-11-26 rm -rf /")),
            "{kind}"
        );
        assert!(
            header
                .iter()
                .any(|l| l.contains("first line touch /tmp/ddpl-pwned"))
        );
    }
}

/// Runs the deploy script of a same-region plan with hostile tags against the fake `aws`, which
/// records every argument vector: each call carries the stack's flags, the tag specification
/// arrives as one argument holding exactly the tags, and nothing is executed from a value.
#[test]
fn deploy_runs_against_a_recording_stub() {
    if support::bash_or_skip().is_none() {
        return;
    }
    let plan = hostile_plan();
    let (out, calls) = fake_aws().run(&render::cli_deploy(&plan).unwrap(), &[], QUICK);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stack = &plan.stacks[0];
    let profile = stack.profile.as_deref().unwrap();
    let endpoints = plan.endpoint_vpc.endpoints.len();
    let creates: Vec<&Vec<String>> = calls
        .iter()
        .filter(|c| c[1] == "create-vpc-endpoint")
        .collect();
    assert_eq!(creates.len(), endpoints);
    // A new group loses AWS's default egress rule by its permissions, right after the create
    // (a read of its rules may not show it yet).
    let groups = calls_of(&calls, "create-security-group").len();
    let revoked: Vec<&Vec<String>> = calls_of(&calls, "revoke-security-group-egress");
    assert_eq!((groups, revoked.len()), (1, 1));
    assert_eq!(
        arg_of(revoked[0], "--ip-permissions"),
        Some(r#"[{"IpProtocol":"-1","IpRanges":[{"CidrIp":"0.0.0.0/0"}]}]"#)
    );
    for call in &calls {
        let r = call
            .iter()
            .position(|a| *a == "--region")
            .expect("--region");
        assert_eq!(call[r + 1], stack.region);
        let p = call
            .iter()
            .position(|a| *a == "--profile")
            .expect("--profile");
        assert_eq!(call[p + 1], profile);
    }
    for call in creates {
        let t = call
            .iter()
            .position(|a| *a == "--tag-specifications")
            .unwrap();
        let parsed: serde_json::Value = serde_json::from_str(&call[t + 1]).unwrap();
        assert_eq!(parsed[0]["Tags"], expected_tags(&plan));
    }
    assert!(!Path::new("/tmp/ddpl-pwned").exists());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains(&format!(
        "waiting for {endpoints} endpoints: {endpoints}/{endpoints} available"
    )));
}

/// `bash -n`, and shellcheck where it is installed, on every generated script.
#[test]
fn scripts_parse_and_pass_shellcheck() {
    let Some(bash) = support::bash_or_skip() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for (n, path) in topologies().iter().enumerate() {
        let plan = plan_of(path);
        for (kind, script) in scripts(&plan) {
            let file = dir.path().join(format!("{n}-{kind}.sh"));
            fs::write(&file, script).unwrap();
            let status = Command::new(bash).arg("-n").arg(&file).status().unwrap();
            assert!(status.success(), "bash -n {} {kind}", path.display());
            files.push(file);
        }
    }
    match Command::new("shellcheck").args(&files).output() {
        Ok(out) => assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        ),
        Err(_) => eprintln!("shellcheck not installed; skipped"),
    }
}

/// The fake `aws` of these tests: an empty account that prints `None` for what no rule answers
/// (as the CLI prints a null), with no security group rules.
fn fake_aws() -> FakeAws {
    FakeAws::new()
        .otherwise("None\n")
        .answer("ec2 describe-security-group-rules", "\n")
}

/// [`fake_aws`] for a whole peering deploy or teardown: `list-hosted-zones-by-vpc` answers in
/// two pages, a foreign zone and the NextToken `page-2` on the first, the plan's zones (ids
/// `ZOURS0`, `ZOURS1`, ..., with the deploy script's caller references, then the endpoint VPC)
/// after `second_token` on the second; the VPCs' DNS attributes are on; every route table of
/// the plan holds `routes` (rows of destination CIDR, state, target, tab-separated).
fn paged_zones(plan: &Plan, second_token: &str, routes: &str) -> FakeAws {
    let list = "route53 list-hosted-zones-by-vpc";
    let reference = || on("route53 get-hosted-zone").arg_contains("--query", "CallerReference");
    // As the scripts' query prints them: a table, then its routes as CIDR;STATE;TARGET words.
    let words: Vec<String> = routes.lines().map(|row| row.replace('\t', ";")).collect();
    let tables: String = plan
        .vpcs()
        .flat_map(|v| &v.route_table_ids)
        .map(|t| format!("{t}\t{}\n", words.join(" ")))
        .collect();
    let (mut fake, mut page_2) = (fake_aws(), format!("{second_token}\n"));
    for (i, zone) in plan.zones().iter().enumerate() {
        page_2.push_str(&format!("{}.\tZOURS{i}\n", zone.name));
        let id = reference().arg_is("--id", &format!("ZOURS{i}"));
        fake = fake.rule(id.prints(format!(
            "{}\n{}\t{}\n",
            zone.caller_reference, plan.endpoint_vpc.vpc_id, plan.endpoint_vpc.region
        )));
    }
    let page_1 = "page-2\nother.example.com.\tZOTHER\n";
    fake.rule(reference())
        .rule(on(list).arg_is("--next-token", "").prints(page_1))
        .rule(on(list).arg_is("--next-token", "page-2").prints(page_2))
        .rule(on(list).exits(254))
        .answer("ec2 describe-vpc-attribute", "True\n")
        .answer("ec2 describe-route-tables", tables)
}

fn calls_of<'a>(calls: &'a [Vec<String>], command: &str) -> Vec<&'a Vec<String>> {
    calls.iter().filter(|c| c[1] == command).collect()
}

/// `list-hosted-zones-by-vpc` has no paginator in the AWS CLI: the scripts follow NextToken
/// themselves, so zones on a second page are found (the deploy creates none, the teardown
/// deletes ours).
#[test]
fn zones_on_a_second_page_of_list_hosted_zones_by_vpc_are_found() {
    if support::bash_or_skip().is_none() {
        return;
    }
    let plan = plan_of(&golden_topology("us1-peering-secrets-manager"));
    assert!(!plan.zones().is_empty());
    let stack = &plan.stacks[0];
    for (kind, script) in scripts(&plan) {
        let (out, calls) = paged_zones(&plan, "None", "").run(&script, &[], QUICK);
        assert!(
            out.status.success(),
            "{kind}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let lists = calls_of(&calls, "list-hosted-zones-by-vpc");
        assert_eq!(lists.len(), 2, "{kind}: one call per page");
        assert_eq!(arg_of(lists[0], "--next-token"), None, "{kind}");
        assert_eq!(arg_of(lists[1], "--next-token"), Some("page-2"), "{kind}");
        for call in &lists {
            assert_eq!(arg_of(call, "--region"), Some(stack.region.as_str()));
            assert_eq!(arg_of(call, "--profile"), stack.profile.as_deref());
            assert_eq!(
                arg_of(call, "--vpc-id"),
                Some(plan.endpoint_vpc.vpc_id.as_str())
            );
            assert_eq!(arg_of(call, "--max-items"), Some("100"));
        }
        let ours: Vec<String> = (0..plan.zones().len())
            .map(|i| format!("ZOURS{i}"))
            .collect();
        if kind == "deploy" {
            assert!(
                calls_of(&calls, "create-hosted-zone").is_empty(),
                "deploy created a zone that exists on the second page"
            );
            let stdout = String::from_utf8_lossy(&out.stdout);
            for (zone, id) in plan.zones().iter().zip(&ours) {
                assert!(
                    stdout.contains(&format!("private hosted zone {} {id} exists", zone.name)),
                    "{stdout}"
                );
            }
            // The alias targets the regional DNS entry, though a zonal one comes first.
            let changes = calls_of(&calls, "change-resource-record-sets");
            assert_eq!(changes.len(), plan.zones().len(), "{stdout}");
            for call in changes {
                let batch = arg_of(call, "--change-batch").unwrap();
                assert!(
                    batch.contains(
                        r#""DNSName":"vpce-0123-abcdefgh.vpce-svc-0.us-east-1.vpce.amazonaws.com""#
                    ),
                    "{batch}"
                );
            }
        } else {
            let deleted: Vec<&str> = calls_of(&calls, "delete-hosted-zone")
                .iter()
                .filter_map(|c| arg_of(c, "--id"))
                .collect();
            assert_eq!(deleted, ours, "the teardown deletes exactly our zones");
        }
    }
}

/// A NextToken that comes back a second time stops both scripts instead of looping.
#[test]
fn a_repeated_next_token_of_list_hosted_zones_by_vpc_stops_the_scripts() {
    if support::bash_or_skip().is_none() {
        return;
    }
    let plan = plan_of(&golden_topology("us1-peering-secrets-manager"));
    for (kind, script) in scripts(&plan) {
        let (out, calls) = paged_zones(&plan, "page-2", "").run(&script, &[], QUICK);
        assert!(!out.status.success(), "{kind} went on");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("returned the NextToken 'page-2' a second time"),
            "{kind}: {stderr}"
        );
        assert_eq!(calls_of(&calls, "list-hosted-zones-by-vpc").len(), 2);
        assert!(calls_of(&calls, "create-hosted-zone").is_empty());
        assert!(calls_of(&calls, "delete-hosted-zone").is_empty());
    }
}

/// A route to an agent CIDR that goes somewhere else (a transit gateway here) is not the
/// deploy's to take over: it stops, naming the route and its target, and changes no route.
/// One whose target is gone (blackhole) is replaced.
#[test]
fn deploy_replaces_only_routes_whose_target_is_gone() {
    if support::bash_or_skip().is_none() {
        return;
    }
    let plan = plan_of(&golden_topology("us1-peering-cross-region"));
    let deploy = render::cli_deploy(&plan).unwrap();
    let agent_cidr = plan.agent_vpcs[0].cidr.as_str();
    let endpoint_cidr = plan.endpoint_vpc.cidr.as_str();

    let live =
        format!("{endpoint_cidr}\tactive\tlocal\n{agent_cidr}\tactive\ttgw-0123456789abcdef0\n");
    let (out, calls) = paged_zones(&plan, "None", &live).run(&deploy, &[], QUICK);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "the deploy went on: {stderr}");
    assert!(
        stderr.contains(&format!("the route to {agent_cidr} in ")),
        "{stderr}"
    );
    assert!(stderr.contains("goes to tgw-0123456789abcdef0"), "{stderr}");
    assert!(calls_of(&calls, "replace-route").is_empty());

    let gone = format!(
        "{agent_cidr}\tblackhole\tpcx-0dead0dead0dead0\n{endpoint_cidr}\tblackhole\tpcx-0dead0dead0dead0\n"
    );
    let (out, calls) = paged_zones(&plan, "None", &gone).run(&deploy, &[], QUICK);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let replaced: Vec<(&str, &str)> = calls_of(&calls, "replace-route")
        .iter()
        .map(|c| {
            (
                arg_of(c, "--destination-cidr-block").unwrap(),
                arg_of(c, "--vpc-peering-connection-id").unwrap(),
            )
        })
        .collect();
    let routes =
        plan.peerings()[0].requester_routes.len() + plan.peerings()[0].accepter_routes.len();
    assert_eq!(replaced.len(), routes, "{replaced:?}");
    assert!(
        replaced
            .iter()
            .all(|(_, pcx)| *pcx == "pcx-0123456789abcdef0")
    );
    assert!(calls_of(&calls, "create-route").is_empty());
}

/// The version check at the top of a script, run as if by another bash: BASH_VERSINFO is
/// read-only, so the check's own lines run with a stand-in array of the version to try.
fn bash_check_exit(script: &str, version: &str) -> (Option<i32>, String) {
    let bash = support::require_bash();
    let check: Vec<&str> = script
        .lines()
        .skip_while(|l| !l.starts_with("if ((BASH_VERSINFO"))
        .take_while(|l| *l != "set -euo pipefail")
        .collect();
    let text = format!(
        "VERSINFO=({version})\nBASH_VERSION=fake\n{}\necho passed\n",
        check.join("\n").replace("BASH_VERSINFO", "VERSINFO")
    );
    let out = Command::new(bash)
        .arg("-c")
        .arg(text)
        .arg("deploy.sh")
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).to_string() + &String::from_utf8_lossy(&out.stdout),
    )
}

#[test]
fn scripts_stop_on_bash_before_4_4_with_the_fix() {
    if support::bash_or_skip().is_none() {
        return;
    }
    let plan = plan_of(&topologies()[0]);
    for (kind, script) in scripts(&plan) {
        for old in ["3 2 57 1", "4 2 46 2", "4 3 48 1"] {
            let (code, text) = bash_check_exit(&script, old);
            assert_eq!(code, Some(1), "{kind} on bash {old}: {text}");
            assert!(
                text.contains("needs bash 4.4 or later; this is bash fake"),
                "{text}"
            );
            assert!(text.contains("brew install bash"), "{text}");
        }
        for new in ["4 4 23 1", "5 0 0 1", "5 2 37 1"] {
            let (code, text) = bash_check_exit(&script, new);
            assert_eq!(code, Some(0), "{kind} on bash {new}: {text}");
            assert_eq!(text, "passed\n");
        }
    }
    let checks = ddpl_gen::checks::verify(&plan);
    let verify = render::verify_script(&plan, &checks).unwrap();
    assert_eq!(
        bash_check_exit(&verify, "3 2 57 1").0,
        Some(2),
        "verify: usage and tools exit 2"
    );
}

/// Right after a create, AWS may not know the new resource yet: the deploy tries the call
/// again, with a message, and completes.
#[test]
fn a_not_found_right_after_a_create_is_tried_again() {
    if support::bash_or_skip().is_none() {
        return;
    }
    let plan = plan_of(Path::new(&support::example("same-region.yaml")));
    let deploy = render::cli_deploy(&plan).unwrap();
    let not_found = "An error occurred (InvalidGroup.NotFound) when calling the AuthorizeSecurityGroupIngress operation: The security group 'sg-0123456789abcdef0' does not exist";
    let fake =
        fake_aws().rule(on("ec2 authorize-security-group-ingress").fails("ingress", 1, not_found));
    let (out, calls) = fake.run(&deploy, &[], QUICK);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("ddpl-gen: ec2 authorize-security-group-ingress: InvalidGroup.NotFound right after its creation (eventual consistency); try 2 of 6 in 1s"),
        "{stderr}"
    );
    assert!(
        !stderr.contains(not_found),
        "a failure tried again is not shown: {stderr}"
    );
    // One call per group adds all its rules; the one tried again, twice.
    let authorized = calls_of(&calls, "authorize-security-group-ingress");
    assert_eq!(
        authorized.len(),
        plan.endpoint_vpc.security_groups.len() + 1
    );
    let permissions: serde_json::Value =
        serde_json::from_str(arg_of(authorized[0], "--ip-permissions").unwrap()).unwrap();
    assert_eq!(
        permissions.as_array().unwrap().len(),
        plan.endpoint_vpc.security_groups[0].ingress.len()
    );

    // It gives up after DDPL_NOT_FOUND_TRIES, with AWS's own message, and exits 1.
    let fake =
        fake_aws().rule(on("ec2 authorize-security-group-ingress").fails("ingress", 9, not_found));
    let env: Vec<(&str, &str)> = QUICK
        .iter()
        .copied()
        .chain([("DDPL_NOT_FOUND_TRIES", "2")])
        .collect();
    let (out, calls) = fake.run(&deploy, &[], &env);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains(not_found));
    assert_eq!(
        calls_of(&calls, "authorize-security-group-ingress").len(),
        2
    );

    // What the script did not create (the topology's VPC) is not waited for.
    let wrong_vpc = "An error occurred (InvalidVpcID.NotFound) when calling the CreateSecurityGroup operation: The vpc ID 'vpc-0' does not exist";
    let fake = fake_aws().rule(on("ec2 create-security-group").fails("group", 9, wrong_vpc));
    let (out, calls) = fake.run(&deploy, &[], QUICK);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains(wrong_vpc));
    assert_eq!(calls_of(&calls, "create-security-group").len(), 1);
}

/// A stack with a role_arn: the scripts assume the role once, with the stack's profile, and
/// send that stack's calls with the role's credentials (in the environment of those calls
/// only), not with a profile.
#[test]
fn role_arn_is_assumed_for_its_stacks_calls() {
    if support::bash_or_skip().is_none() {
        return;
    }
    let plan = plan_of(&golden_topology("ap2-peering-cross-account"));
    // The DNS attributes of Tokyo's VPC are read with the role's credentials (and are on).
    let who = "printf 'credentials: %s %s\\n' \"${AWS_ACCESS_KEY_ID:-none}\" \"${AWS_PROFILE:-no-profile}\" >&2; printf 'True\\n'";
    for (kind, script) in scripts(&plan) {
        let fake = paged_zones(&plan, "None", "").first(
            on("ec2 describe-vpc-attribute")
                .arg_is("--region", "ap-northeast-1")
                .answer_with(who),
        );
        let env: Vec<(&str, &str)> = QUICK
            .iter()
            .copied()
            .chain([("AWS_PROFILE", "ambient")])
            .collect();
        let (out, calls) = fake.run(&script, &[], &env);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{kind}: {stderr}");
        let assumed = calls_of(&calls, "assume-role");
        assert_eq!(assumed.len(), 1, "{kind}: the role is assumed once");
        assert_eq!(
            arg_of(assumed[0], "--role-arn"),
            Some("arn:aws:iam::222222222222:role/ddpl-deploy")
        );
        assert_eq!(arg_of(assumed[0], "--profile"), Some("apps-tokyo"));
        assert_eq!(arg_of(assumed[0], "--region"), Some("ap-northeast-1"));
        for call in &calls {
            assert!(
                !call.iter().any(|a| a.starts_with("role:")),
                "{kind}: a stand-in reached the CLI: {call:?}"
            );
            if arg_of(call, "--region") == Some("ap-northeast-1") && call[1] != "assume-role" {
                assert_eq!(arg_of(call, "--profile"), None, "{kind}: {call:?}");
            }
        }
        if kind == "deploy" {
            assert!(
                stderr.contains("credentials: ASIAFAKEROLEKEY no-profile"),
                "{kind}: the role's credentials, without the ambient profile: {stderr}"
            );
        }
        assert!(
            !String::from_utf8_lossy(&out.stdout).contains("fake-secret"),
            "{kind}: never printed"
        );
        assert!(!stderr.contains("fake-secret"), "{kind}: never printed");
    }
}

/// The preflight asks for all of a stack's services in one call; when AWS refuses a name
/// (InvalidServiceName, for the whole call), it asks for each alone and names the unknown one
/// only; nothing is created.
#[test]
fn preflight_checks_the_services_in_one_call_and_names_an_unknown_one() {
    if support::bash_or_skip().is_none() {
        return;
    }
    let plan = plan_of(&golden_topology("us1-same-region-subset"));
    let deploy = render::cli_deploy(&plan).unwrap();
    let env = [("DDPL_POLL_SECONDS", "1"), ("DDPL_WAIT_SECONDS", "5")];
    let describe = "ec2 describe-vpc-endpoint-services";
    // Every name asked for exists (with some private DNS name).
    let exists = "on=0; for a in \"${args[@]}\"; do if [[ $a == --service-names ]]; then on=1; \
        elif [[ $a == --* ]]; then on=0; elif ((on)); then printf '%s\\tx.example\\n' \"$a\"; fi; done";
    let known = on(describe).answer_with(exists);
    let (out, calls) = fake_aws().rule(known).run(&deploy, &[], &env);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(calls_of(&calls, "describe-vpc-endpoint-services").len(), 1);

    let bad = plan.preflight[1].service_name.as_str();
    let unknown = format!(
        "An error occurred (InvalidServiceName) when calling the DescribeVpcEndpointServices operation: The Vpc Endpoint Service '{bad}' does not exist"
    );
    let fake = fake_aws()
        .rule(
            on(describe)
                .has_flag(bad)
                .fails("unknown", u32::MAX, &unknown),
        )
        .rule(on(describe).answer_with(exists));
    let (out, calls) = fake.run(&deploy, &[], &env);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert_eq!(
        calls_of(&calls, "describe-vpc-endpoint-services").len(),
        1 + plan.preflight.len()
    );
    assert_eq!(
        stderr.matches("unknown Datadog service").count(),
        1,
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("unknown Datadog service {bad} ")),
        "{stderr}"
    );
    assert!(
        calls.iter().all(|c| !c[1].starts_with("create-")),
        "nothing is created"
    );
}

/// Cross-region endpoints need vpce:AllowMultiRegion, which AWS checks only on a create: the
/// preflight makes a dry-run create and stops, naming the permission, when it is refused.
#[test]
fn preflight_dry_runs_a_cross_region_create() {
    if support::bash_or_skip().is_none() {
        return;
    }
    let plan = plan_of(Path::new(&support::example("cross-region.yaml")));
    let deploy = render::cli_deploy(&plan).unwrap();
    let services = plan
        .preflight
        .iter()
        .map(|c| format!("{}\t{}\n", c.service_name, c.private_dns_name))
        .collect::<String>();
    let env = [("DDPL_POLL_SECONDS", "1"), ("DDPL_WAIT_SECONDS", "5")];
    let allowed = fake_aws().answer("ec2 describe-vpc-endpoint-services", &services);
    let (out, calls) = allowed.run(&deploy, &[], &env);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}{stdout}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dry: Vec<_> = calls_of(&calls, "create-vpc-endpoint")
        .into_iter()
        .filter(|c| c.iter().any(|a| a == "--dry-run"))
        .collect();
    assert_eq!(dry.len(), plan.preflight.len());
    for call in &dry {
        assert_eq!(arg_of(call, "--service-region"), Some("us-east-1"));
        assert_eq!(
            arg_of(call, "--vpc-id"),
            Some(plan.endpoint_vpc.vpc_id.as_str())
        );
    }
    assert!(
        stdout.contains("preflight: may create an endpoint for"),
        "{stdout}"
    );

    let refused = "An error occurred (UnauthorizedOperation) when calling the CreateVpcEndpoint operation: You are not authorized to perform this operation.";
    let denied = fake_aws()
        .answer("ec2 describe-vpc-endpoint-services", &services)
        .rule(on("ec2 create-vpc-endpoint").has_flag("--dry-run").fails(
            "denied",
            u32::MAX,
            refused,
        ));
    let (out, calls) = denied.run(&deploy, &[], &env);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("vpce:AllowMultiRegion"), "{stderr}");
    assert!(stderr.contains("UnauthorizedOperation"), "{stderr}");
    let created = calls_of(&calls, "create-vpc-endpoint")
        .into_iter()
        .filter(|c| !c.iter().any(|a| a == "--dry-run"))
        .count();
    assert_eq!(created, 0, "nothing is created after a refused preflight");
}

/// DDPL_DRY_RUN=1: every change is printed, none made; exit 2 when something would change.
#[test]
fn a_dry_run_prints_the_changes_and_makes_none() {
    if support::bash_or_skip().is_none() {
        return;
    }
    let plan = plan_of(&golden_topology("us1-peering-secrets-manager"));
    let env: Vec<(&str, &str)> = QUICK
        .iter()
        .copied()
        .chain([("DDPL_DRY_RUN", "1")])
        .collect();
    let mutating = |c: &&Vec<String>| {
        let op = c[1].as_str();
        [
            "create-",
            "delete-",
            "modify-",
            "authorize-",
            "revoke-",
            "accept-",
            "associate-",
            "disassociate-",
            "change-",
            "replace-",
        ]
        .iter()
        .any(|p| op.starts_with(p))
            && !c.iter().any(|a| a == "--dry-run")
    };
    // An empty account: the deploy would create everything.
    let deploy = render::cli_deploy(&plan).unwrap();
    let (out, calls) = paged_zones(&plan, "None", "").run(&deploy, &[], &env);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let made: Vec<_> = calls.iter().filter(mutating).collect();
    assert!(made.is_empty(), "a dry run made changes: {made:?}");
    for call in [
        "would run: aws ec2 create-security-group",
        "would run: aws ec2 create-vpc-endpoint",
        "would run: aws ec2 create-vpc-peering-connection",
        "would run: aws ec2 accept-vpc-peering-connection",
        "would run: aws ec2 create-route",
    ] {
        assert!(stdout.contains(call), "no {call:?} in:\n{stdout}");
    }
    assert!(
        stdout.contains("dry run: would create security group"),
        "{stdout}"
    );
    // Every change printed is counted, those made in command substitutions too.
    let printed = stdout.matches("dry run: would run: ").count();
    let summary = format!(
        "dry run: {printed} change(s) would be made (printed above); nothing was changed\n"
    );
    assert!(stdout.ends_with(&summary), "{stdout}");

    // The teardown of an account where our zones exist: it would delete them.
    let destroy = render::cli_destroy(&plan).unwrap();
    let (out, calls) = paged_zones(&plan, "None", "").run(&destroy, &[], &env);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!calls.iter().any(|c| mutating(&c)), "a dry run deleted");
    assert!(
        stdout.contains("would run: aws route53 delete-hosted-zone"),
        "{stdout}"
    );
    let printed = stdout.matches("dry run: would run: ").count();
    let summary = format!(
        "dry run: {printed} change(s) would be made (printed above); nothing was deleted\n"
    );
    assert!(stdout.ends_with(&summary), "{stdout}");

    // A bad value is an error, before anything is called.
    let bad: Vec<(&str, &str)> = QUICK
        .iter()
        .copied()
        .chain([("DDPL_DRY_RUN", "yes")])
        .collect();
    let (out, calls) = paged_zones(&plan, "None", "").run(&deploy, &[], &bad);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("DDPL_DRY_RUN must be 0 or 1"));
    assert!(calls.is_empty(), "{calls:?}");
}
