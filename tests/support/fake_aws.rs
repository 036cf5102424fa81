//! A recording fake `aws` for running generated scripts hermetically. It records every call's
//! argument vector ([`super::parse_argv_log`]) and answers from a table of rules: the test's
//! own ([`FakeAws::rule`]), then those of an empty account in which whatever is created exists
//! and is available at once ([`empty_account`]), then [`FakeAws::otherwise`] (by default
//! nothing). A call's command is its first two words after the options before them
//! (`aws --region R --profile P ec2 describe-vpc-attribute ...`: `ec2 describe-vpc-attribute`).

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::process::{Command, Output};

/// The environment of a deploy or teardown that should not wait: no preflight of the endpoint
/// services, a poll every second, at most 5 seconds of waiting.
pub const QUICK: &[(&str, &str)] = &[
    ("DDPL_SKIP_PREFLIGHT", "1"),
    ("DDPL_POLL_SECONDS", "1"),
    ("DDPL_WAIT_SECONDS", "5"),
];

/// What the fake answers to the calls of one command whose arguments match: a shell test and
/// the shell code of the answer.
pub struct Rule(String, String);

/// A rule for the calls of `command` (`"ec2 create-vpc-endpoint"`); it prints nothing unless
/// told otherwise.
pub fn on(command: &str) -> Rule {
    Rule(
        format!("[[ $command == {} ]]", quote(command)),
        "exit 0".into(),
    )
}

impl Rule {
    /// Only where the value after `flag` is `value` (empty: also where there is no `flag`).
    pub fn arg_is(mut self, flag: &str, value: &str) -> Rule {
        let test = format!(" && [[ $(arg {}) == {} ]]", quote(flag), quote(value));
        self.0.push_str(&test);
        self
    }

    /// Only where `flag` is one of the arguments.
    pub fn has_flag(mut self, flag: &str) -> Rule {
        let test = format!(
            " && [[ \" ${{args[*]}} \" == *\" \"{}\" \"* ]]",
            quote(flag)
        );
        self.0.push_str(&test);
        self
    }

    /// Only where the value after `flag` contains `part`.
    pub fn arg_contains(mut self, flag: &str, part: &str) -> Rule {
        let test = format!(" && [[ $(arg {}) == *{}* ]]", quote(flag), quote(part));
        self.0.push_str(&test);
        self
    }

    /// Prints `output` (and succeeds).
    pub fn prints(self, output: impl AsRef<str>) -> Rule {
        Rule(
            self.0,
            format!("printf %s {}; exit 0", quote(output.as_ref())),
        )
    }

    /// Runs `code` (shell) and succeeds.
    pub fn answer_with(self, code: &str) -> Rule {
        Rule(self.0, format!("{code}; exit 0"))
    }

    /// Prints nothing and exits with `code`.
    pub fn exits(self, code: u8) -> Rule {
        Rule(self.0, format!("exit {code}"))
    }

    /// Fails as the CLI does (`stderr` on standard error, exit 254), `times` times; then the
    /// calls go on to the next rules. `name` tells this rule's count file apart from others'.
    pub fn fails(self, name: &str, times: u32, stderr: &str) -> Rule {
        let count = format!(
            "\"${{0%/*}}\"/failed-{}",
            name.replace(|c: char| !c.is_ascii_alphanumeric(), "-")
        );
        Rule(
            self.0,
            format!(
                "n=$(cat {count} 2>/dev/null || echo 0); if ((n < {times})); then echo $((n + 1)) >{count}; printf '%s\\n' {} >&2; exit 254; fi",
                quote(stderr)
            ),
        )
    }
}

/// An account with nothing in it, where whatever is created exists, and is available, at once.
pub fn empty_account() -> Vec<Rule> {
    let peerings = "ec2 describe-vpc-peering-connections";
    vec![
        on("sts assume-role").prints("ASIAFAKEROLEKEY\tfake-secret\tfake-session-token\n"),
        on("ec2 create-security-group").prints("sg-0123456789abcdef0\n"),
        // A caller allowed to create it (cross-region: vpce:AllowMultiRegion too).
        on("ec2 create-vpc-endpoint").has_flag("--dry-run").fails("dry-run", u32::MAX,
            "An error occurred (DryRunOperation) when calling the CreateVpcEndpoint operation: Request would have succeeded, but DryRun flag is set."),
        on("ec2 create-vpc-endpoint").prints("vpce-0123456789abcdef0\n"),
        on("ec2 create-vpc-peering-connection").prints("pcx-0123456789abcdef0\n"),
        on("route53 create-hosted-zone").prints("/hostedzone/ZCREATED\n"),
        // Every read of our endpoints finds the one created, available, with a zonal DNS entry
        // first (AWS does not promise that the regional one leads), in a VPC of no topology.
        on("ec2 describe-vpc-endpoints")
            .arg_contains("--query", "DnsEntries")
            .prints(concat!(
                "vpce-0123456789abcdef0\tvpc-0fa4e0000000000ff\tcom.amazonaws.vpce.fake\tavailable\tFalse\t",
                "subnet-0fa4e0000000000ff\tsg-0123456789abcdef0\t",
                "vpce-0123-abcdefgh-us-east-1a.vpce-svc-0.us-east-1.vpce.amazonaws.com:Z7HUB22UULQXV,",
                "vpce-0123-abcdefgh.vpce-svc-0.us-east-1.vpce.amazonaws.com:Z7HUB22UULQXV\n",
            )),
        // Deleted endpoints are gone at once.
        on("ec2 describe-vpc-endpoints").arg_is("--query", "VpcEndpoints[].VpcEndpointId"),
        on("ec2 describe-security-groups"),
        on("route53 list-vpc-association-authorizations"),
        on("route53 list-tags-for-resources"),
        // No peering between two given VPCs; the one created is active.
        on(peerings).arg_contains("--query", "RequesterVpcInfo"),
        on(peerings)
            .arg_contains("--query", "Status.Code")
            .prints("pcx-0123456789abcdef0\tactive\n"),
        on(peerings),
    ]
}

/// The fake, configured: see the module documentation.
#[derive(Default)]
pub struct FakeAws {
    rules: Vec<Rule>,
    otherwise: String,
}

const PROLOGUE: &str = r#"args=("$@")
# The value after the first FLAG; empty where there is none.
arg() {
  local i
  for ((i = 0; i + 1 < ${#args[@]}; i++)); do
    if [[ ${args[i]} == "$1" ]]; then
      printf '%s' "${args[i + 1]}"
      return
    fi
  done
}
while (($# >= 2)) && [[ $1 == --* ]]; do shift 2; done
command="${1-} ${2-}"
"#;

impl FakeAws {
    /// An empty account; every call no rule answers prints nothing and succeeds.
    pub fn new() -> FakeAws {
        FakeAws::default()
    }

    /// Adds `rule`, after the rules added before it and before those of the empty account.
    pub fn rule(mut self, rule: Rule) -> FakeAws {
        self.rules.push(rule);
        self
    }

    /// Adds `rule` before every rule added so far.
    pub fn first(mut self, rule: Rule) -> FakeAws {
        self.rules.insert(0, rule);
        self
    }

    /// Every call of `command` prints `output`.
    pub fn answer(self, command: &str, output: impl AsRef<str>) -> FakeAws {
        self.rule(on(command).prints(output))
    }

    /// What a call no rule answers prints (`"None\n"`: what the CLI prints for a null).
    pub fn otherwise(mut self, output: &str) -> FakeAws {
        self.otherwise = output.to_string();
        self
    }

    /// Runs `script` with `args` in bash, in a fresh directory, with the fake first on PATH
    /// and `env` set; returns its output and every call's argument vector, in order.
    pub fn run(
        &self,
        script: &str,
        args: &[&str],
        env: &[(&str, &str)],
    ) -> (Output, Vec<Vec<String>>) {
        let bash = super::require_bash();
        let dir = tempfile::tempdir().unwrap();
        let (bin, log) = (dir.path().join("bin"), dir.path().join("calls"));
        fs::create_dir(&bin).unwrap();
        fs::write(&log, "").unwrap();
        let mut fake = format!(
            "#!{}\n# The fake aws of tests/support/fake_aws.rs\n",
            bash.display()
        );
        let record = format!(
            "printf '%s\\0' \"$#\" \"$@\" >>{}\n",
            quote(&log.display().to_string())
        );
        fake.push_str(&(record + PROLOGUE));
        for Rule(test, answer) in self.rules.iter().chain(&empty_account()) {
            fake.push_str(&format!("if {test}; then {answer}; fi\n"));
        }
        fake.push_str(&format!("printf %s {}\n", quote(&self.otherwise)));
        let aws = bin.join("aws");
        fs::write(&aws, fake).unwrap();
        fs::set_permissions(&aws, fs::Permissions::from_mode(0o755)).unwrap();
        fs::write(dir.path().join("script.sh"), script).unwrap();
        let path = std::env::var("PATH").unwrap_or_default();
        let output = Command::new(bash)
            .arg(dir.path().join("script.sh"))
            .args(args)
            .current_dir(dir.path())
            .env("PATH", format!("{}:{path}", bin.display()))
            .envs(env.iter().copied())
            .output()
            .expect("bash runs");
        (output, super::parse_argv_log(&fs::read(&log).unwrap()))
    }
}

/// `s` as one single-quoted shell word.
fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}
