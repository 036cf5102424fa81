//! The script of `ddpl-gen verify`, run for real: a stub resolver (DDPL_RESOLVE_CMD) answers
//! with addresses the test chooses, and a TCP listener on 127.0.0.1 stands in for the endpoint
//! (DDPL_VERIFY_PORT). The topologies put the endpoint VPC at 127.0.0.0/16, so 127.0.0.1 is a
//! private answer, 127.1.0.1 one outside the VPC (a "public" answer, never connected to) and
//! 127.0.0.2 a private answer where nothing listens (connection refused).

mod support;

use std::fs;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use support::fixtures::same_region_loopback;

const PEERING: &str = r#"
version: 1
name: verify-peer
site: us1
kind: peering
services: [metrics, api]
endpoint_vpc:
  vpc_id: vpc-0123456789abcdef0
  region: us-east-1
  cidr: 127.0.0.0/16
  subnet_ids: [subnet-0123456789abcdef0]
  route_table_ids: [rtb-0123456789abcdef0]
agent_vpcs:
  - name: eu-prod
    vpc_id: vpc-0aaaaaaaaaaaaaaaa
    region: eu-west-1
    cidr: 10.20.0.0/16
    route_table_ids: [rtb-0aaaaaaaaaaaaaaaa]
"#;

struct Fixture {
    dir: tempfile::TempDir,
    port: u16,
    _listener: TcpListener,
}

impl Fixture {
    /// A listener that accepts (and drops) every connection, in a background thread.
    fn new() -> Fixture {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a local port");
        let port = listener.local_addr().unwrap().port();
        let accepting = listener.try_clone().unwrap();
        std::thread::spawn(move || {
            for stream in accepting.incoming() {
                drop(stream);
            }
        });
        Fixture {
            dir: tempfile::tempdir().unwrap(),
            port,
            _listener: listener,
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Generates the script for `topology` with the binary.
    fn script(&self, topology: &str) -> PathBuf {
        let input = self.path("ddpl.yaml");
        fs::write(&input, topology).unwrap();
        let out = support::run_ddpl_gen(&["verify", "-f", input.to_str().unwrap()], None, None);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let script = self.path("verify.sh");
        fs::write(&script, &out.stdout).unwrap();
        script
    }

    /// A resolver stub: `answers` maps a name to its output lines; every name asked is logged.
    fn resolver(&self, answers: &[(&str, &str)], default: &str) -> PathBuf {
        let mut body = String::from("#!/usr/bin/env bash\nhost=\"${@: -1}\"\n");
        body.push_str(&format!(
            "echo \"$host\" >> {}\ncase \"$host\" in\n",
            self.path("asked.log").display()
        ));
        for (name, lines) in answers {
            body.push_str(&format!("  {name}) printf '%s\\n' {lines} ;;\n"));
        }
        body.push_str(&format!("  *) printf '%s\\n' {default} ;;\nesac\n"));
        let stub = self.path("resolve.sh");
        fs::write(&stub, body).unwrap();
        stub
    }

    fn run(&self, script: &Path, resolver: &Path, args: &[&str]) -> Output {
        let bash = support::require_bash();
        Command::new(bash)
            .arg(script)
            .args(args)
            .env(
                "DDPL_RESOLVE_CMD",
                format!("{} {}", bash.display(), resolver.display()),
            )
            .env("DDPL_VERIFY_PORT", self.port.to_string())
            .env("DDPL_VERIFY_TIMEOUT", "3")
            .env_remove("DDPL_VPC")
            .output()
            .unwrap()
    }

    fn asked(&self) -> String {
        fs::read_to_string(self.path("asked.log")).unwrap_or_default()
    }
}

fn text(out: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

/// The table line of `host` and the diagnosis lines under it.
fn entry<'a>(stdout: &'a str, host: &str) -> Vec<&'a str> {
    let lines: Vec<&str> = stdout.lines().collect();
    let start = lines
        .iter()
        .position(|l| l.split_whitespace().nth(1) == Some(host))
        .unwrap_or_else(|| panic!("no line for {host} in:\n{stdout}"));
    let mut entry = vec![lines[start]];
    entry.extend(
        lines[start + 1..]
            .iter()
            .take_while(|l| l.starts_with("      ->")),
    );
    entry
}

#[test]
fn all_private_and_listening_passes() {
    let f = Fixture::new();
    let script = f.script(same_region_loopback());
    let resolver = f.resolver(&[], "127.0.0.1");
    let out = f.run(&script, &resolver, &[]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    // metrics, logs-agent, and api's three non-wildcard hosts.
    assert!(
        stdout.contains("5 check(s): 5 passed, 0 failed"),
        "{stdout}"
    );
    for host in [
        "metrics.agent.datadoghq.com",
        "agent-http-intake.logs.datadoghq.com",
        "api.datadoghq.com",
        "intake.synthetics.datadoghq.com",
        "synthetics.datadoghq.com",
    ] {
        assert!(entry(&stdout, host)[0].starts_with("PASS"), "{stdout}");
    }
    // Wildcards are never resolved; same-region checks no zone names.
    let asked = f.asked();
    assert!(!asked.contains('*'), "{asked}");
    assert!(!asked.contains("orchid.intake"), "{asked}");
}

#[test]
fn public_answer_refused_port_and_no_answer_fail_with_their_diagnosis() {
    let f = Fixture::new();
    let script = f.script(same_region_loopback());
    let resolver = f.resolver(
        &[
            (
                "api.datadoghq.com",
                "api.datadoghq.com. orchid.elb.us-east-1.amazonaws.com. 127.1.0.1",
            ),
            ("agent-http-intake.logs.datadoghq.com", "127.0.0.2"),
            ("synthetics.datadoghq.com", "''"),
        ],
        "127.0.0.1",
    );
    let out = f.run(&script, &resolver, &[]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("5 check(s): 2 passed, 3 failed"),
        "{stdout}"
    );

    assert!(entry(&stdout, "metrics.agent.datadoghq.com")[0].starts_with("PASS"));

    let public = entry(&stdout, "api.datadoghq.com").join("\n");
    assert!(public.starts_with("FAIL"), "{public}");
    assert!(public.contains("127.1.0.1 not in 127.0.0.0/16"), "{public}");
    assert!(public.contains("a public answer"), "{public}");
    assert!(public.contains("private DNS off"), "{public}");
    assert!(
        public.contains("CNAME orchid.elb.us-east-1.amazonaws.com"),
        "{public}"
    );

    let refused = entry(&stdout, "agent-http-intake.logs.datadoghq.com").join("\n");
    assert!(refused.starts_with("FAIL"), "{refused}");
    assert!(
        refused.contains(&format!(
            "no TCP connection to 127.0.0.2 on port {}",
            f.port
        )),
        "{refused}"
    );
    assert!(refused.contains("security group"), "{refused}");

    let none = entry(&stdout, "synthetics.datadoghq.com").join("\n");
    assert!(none.starts_with("FAIL"), "{none}");
    assert!(none.contains("no answer"), "{none}");
}

#[test]
fn peering_checks_zone_names_and_names_the_vpc() {
    let f = Fixture::new();
    let script = f.script(PEERING);
    let resolver = f.resolver(&[("orchid.intake.datadoghq.com", "127.1.0.1")], "127.0.0.1");

    // Several VPCs: the script must be told which one it runs in.
    let out = f.run(&script, &resolver, &[]);
    assert_eq!(out.status.code(), Some(2));
    let (_, stderr) = text(&out);
    assert!(stderr.contains("endpoint, eu-prod"), "{stderr}");
    let out = f.run(&script, &resolver, &["nowhere"]);
    assert_eq!(out.status.code(), Some(2));

    let out = f.run(&script, &resolver, &["eu-prod"]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(stdout.contains("vpc-0aaaaaaaaaaaaaaaa"), "{stdout}");
    // The zones (metrics is a direct zone; orchid is an anchor) are checked too.
    assert!(entry(&stdout, "metrics.agent.datadoghq.com")[0].starts_with("PASS"));
    let zone = entry(&stdout, "orchid.intake.datadoghq.com").join("\n");
    assert!(zone.starts_with("FAIL"), "{zone}");
    assert!(
        zone.contains(
            "the private hosted zone orchid.intake.datadoghq.com is not associated with vpc-0aaaaaaaaaaaaaaaa or its A record is missing"
        ),
        "{zone}"
    );
    assert!(stdout.contains("1 failed"), "{stdout}");
}

#[test]
fn peering_refused_port_points_at_peering_and_routes() {
    let f = Fixture::new();
    let script = f.script(PEERING);
    let resolver = f.resolver(&[], "127.0.0.2");
    let out = f.run(&script, &resolver, &["eu-prod"]);
    let (stdout, _) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    let refused = entry(&stdout, "api.datadoghq.com").join("\n");
    assert!(refused.contains("peering connection"), "{refused}");
    assert!(refused.contains("route tables"), "{refused}");
    assert!(refused.contains("security group"), "{refused}");
}

#[test]
fn scripts_are_shellcheck_clean() {
    if Command::new("shellcheck")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("shellcheck is not installed; skipped (apt-get install shellcheck)");
        return;
    }
    let f = Fixture::new();
    for topology in [same_region_loopback(), PEERING] {
        let script = f.script(topology);
        let out = Command::new("shellcheck").arg(&script).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
}

/// A name that resolves to fewer addresses than the endpoint has subnets points at one
/// availability zone: with private hosted zones, an alias to a zonal DNS name (what
/// CloudFormation makes when AWS lists a zonal entry first).
#[test]
fn one_zones_address_where_the_endpoint_has_two_is_a_zonal_alias() {
    let f = Fixture::new();
    // A second listener on another loopback address, same port: two reachable answers.
    let second = TcpListener::bind(("127.0.0.3", f.port)).expect("bind 127.0.0.3");
    let accepting = second.try_clone().unwrap();
    std::thread::spawn(move || accepting.incoming().for_each(drop));
    let two_subnets = PEERING.replace(
        "  subnet_ids: [subnet-0123456789abcdef0]\n",
        "  subnet_ids: [subnet-0123456789abcdef0, subnet-0123456789abcdef1]\n",
    );
    let script = f.script(&two_subnets);
    let resolver = f.resolver(
        &[("orchid.intake.datadoghq.com", "127.0.0.1")],
        "'127.0.0.1 127.0.0.3' | tr ' ' '\\n'",
    );
    let out = f.run(&script, &resolver, &["eu-prod"]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(
        entry(&stdout, "metrics.agent.datadoghq.com")[0].starts_with("PASS"),
        "{stdout}"
    );
    let zonal = entry(&stdout, "orchid.intake.datadoghq.com").join("\n");
    assert!(zonal.starts_with("FAIL"), "{zonal}");
    assert!(
        zonal.contains("1 address(es) where the endpoint has 2 (one per subnet)"),
        "{zonal}"
    );
    assert!(
        zonal.contains("targets a zonal DNS name of the endpoint"),
        "{zonal}"
    );
    assert!(zonal.contains("regional DNS name"), "{zonal}");
    drop(second);
}
