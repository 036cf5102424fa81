//! The `ddpl-gen` command: a thin layer over the `ddpl_gen` library.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use ddpl_gen::topology::Kind;
use ddpl_gen::{Catalog, Error, Plan, output, render};

#[derive(Parser)]
#[command(
    name = "ddpl-gen",
    version,
    about = "Generate Terraform, CloudFormation and AWS CLI code that connects AWS VPCs to Datadog over AWS PrivateLink",
    after_help = "Examples:\n  ddpl-gen init --kind peering --site ap1\n  ddpl-gen validate -f ddpl.yaml\n  ddpl-gen plan -f ddpl.yaml > plan.md\n  ddpl-gen terraform -f ddpl.yaml > main.tf\n  ddpl-gen cloudformation -f ddpl.yaml -o stacks/\n  ddpl-gen cli -f ddpl.yaml > deploy.sh\n  ddpl-gen cli --destroy -f ddpl.yaml > teardown.sh\n  ddpl-gen agent-config -f ddpl.yaml\n  ddpl-gen verify -f ddpl.yaml > verify.sh\n  ddpl-gen generate -f ddpl.yaml -o datadog-privatelink/\n  ddpl-gen services --site us1\n\nExit codes: 0 success, 2 invalid input, 1 anything else."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Args)]
struct Input {
    /// Topology file (YAML or JSON); `-` reads standard input.
    #[arg(
        short = 'f',
        long = "file",
        value_name = "FILE",
        default_value = "ddpl.yaml"
    )]
    file: String,
    /// Use this service catalog (YAML or JSON) instead of the embedded one.
    #[arg(long, value_name = "FILE")]
    catalog: Option<PathBuf>,
    /// Accept this AWS region although ddpl-gen's list (catalog/regions.json) does not hold it
    /// yet (a region opened since); repeatable. Its partition is told by its name.
    #[arg(long = "allow-region", value_name = "REGION", value_parser = parse_allowed_region)]
    allow_region: Vec<String>,
}

#[derive(Subcommand)]
enum Command {
    /// Check a topology; print a one-line summary, or every problem (exit 2).
    #[command(after_help = "Example:\n  ddpl-gen validate -f examples/same-region.yaml")]
    Validate(Input),
    /// Write Terraform (AWS provider 5.83 or later): one root main.tf to standard output, the
    /// root's files with -o DIR, or a reusable module with --module -o DIR.
    #[command(
        after_help = "Examples:\n  ddpl-gen terraform -f examples/same-region.yaml > main.tf\n  terraform init && terraform plan\n  ddpl-gen terraform -f ddpl.yaml -o infra/datadog/\n  ddpl-gen terraform -f ddpl.yaml --module -o modules/datadog-privatelink/"
    )]
    Terraform {
        #[command(flatten)]
        input: Input,
        /// Write the files into DIR (created if missing): versions.tf, providers.tf,
        /// variables.tf, main.tf, moved.tf, outputs.tf; with --module, a module's.
        #[arg(short = 'o', long = "output-dir", value_name = "DIR")]
        output_dir: Option<PathBuf>,
        /// A reusable module (no provider blocks; the caller passes one provider
        /// configuration per account and region; README.md shows the module block). Needs -o.
        #[arg(long, requires = "output_dir")]
        module: bool,
    },
    /// Write one CloudFormation template per stack (account + region).
    #[command(
        name = "cloudformation",
        after_help = "Examples:\n  ddpl-gen cloudformation -f examples/same-region.yaml > stack.yaml\n  ddpl-gen cloudformation -f examples/peering.yaml -o stacks/"
    )]
    CloudFormation {
        #[command(flatten)]
        input: Input,
        /// Write the files into DIR (created if missing). Without it, a single-stack
        /// template goes to standard output.
        #[arg(short = 'o', long = "output-dir", value_name = "DIR")]
        output_dir: Option<PathBuf>,
    },
    /// Write the AWS CLI deploy script (or, with --destroy, the teardown script).
    #[command(
        after_help = "Examples:\n  ddpl-gen cli -f examples/same-region.yaml > deploy.sh && bash deploy.sh\n  ddpl-gen cli --destroy -f examples/same-region.yaml > teardown.sh"
    )]
    Cli {
        #[command(flatten)]
        input: Input,
        /// Write the teardown script, which removes only what the deploy script made.
        #[arg(long)]
        destroy: bool,
    },
    /// Write a Markdown review of the plan for a pull request: resources per stack, endpoints and
    /// hosts, zones, peerings and routes, a Mermaid diagram, a monthly cost estimate, warnings.
    #[command(
        after_help = "Examples:\n  ddpl-gen plan -f ddpl.yaml > plan.md\n  ddpl-gen plan -f ddpl.yaml --price-per-az-hour 0.014 | gh pr comment --body-file -"
    )]
    Plan {
        #[command(flatten)]
        input: Input,
        /// USD per interface endpoint per AZ-hour for the cost estimate (us-east-1 list price: 0.01).
        #[arg(
            long,
            value_name = "USD",
            default_value = "0.01",
            allow_negative_numbers = true,
            value_parser = parse_price
        )]
        price_per_az_hour: f64,
    },
    /// Write a bash script that checks, from a host inside a VPC, that every covered host
    /// resolves to the endpoint VPC's addresses and accepts TCP 443 (PASS/FAIL table).
    #[command(
        after_help = "Examples:\n  ddpl-gen verify -f ddpl.yaml > verify.sh\n  bash verify.sh                # same-region, cross-region: in the endpoint VPC\n  bash verify.sh eu-prod        # peering, transit-gateway: name the VPC the host is in\n\nExit status of the script: 0 all passed, 1 a check failed, 2 usage.\nDDPL_RESOLVE_CMD, DDPL_VERIFY_PORT and DDPL_VERIFY_TIMEOUT override the resolver, port and timeout."
    )]
    Verify(Input),
    /// Write the Datadog Agent settings for the topology: datadog.yaml, container environment
    /// variables and Helm values (Markdown).
    #[command(
        name = "agent-config",
        after_help = "Example:\n  ddpl-gen agent-config -f ddpl.yaml > agent-config.md"
    )]
    AgentConfig(Input),
    /// List the catalog's PrivateLink services: keys, service name, zone, hosts, date; or,
    /// with --host, which endpoint service serves a host.
    #[command(
        after_help = "Examples:\n  ddpl-gen services\n  ddpl-gen services --site ap2 --json | jq -r '.services[] | [.id, .service_name, (.hosts | join(\" \"))] | @tsv'\n  ddpl-gen services --host otlp.datadoghq.com --host eu.api.datadoghq.com\n  ddpl-gen services --catalog my-catalog.yaml"
    )]
    Services {
        /// Only this site (us1, ap1, ap2, uk1, or its domain); default: every PrivateLink site
        /// (with --host: the site whose table has the host).
        #[arg(long, value_name = "SITE")]
        site: Option<String>,
        /// Which anchor, service name and zone serve this host (repeatable); exit 2 with the
        /// nearest rows when none does.
        #[arg(long = "host", value_name = "NAME")]
        hosts: Vec<String>,
        /// JSON for scripts instead of a table.
        #[arg(long)]
        json: bool,
        /// Use this service catalog (YAML or JSON) instead of the embedded one.
        #[arg(long, value_name = "FILE")]
        catalog: Option<PathBuf>,
    },
    /// Write a commented starting topology (ddpl.yaml) that passes `validate`.
    #[command(
        after_help = "Examples:\n  ddpl-gen init\n  ddpl-gen init --kind peering --site ap2 -o acme.yaml\n  ddpl-gen init --kind cross-region -o - | less"
    )]
    Init {
        /// same-region, cross-region, peering or transit-gateway.
        #[arg(long, value_name = "KIND", default_value = "same-region", value_parser = parse_kind)]
        kind: Kind,
        /// Datadog site with PrivateLink: us1, ap1, ap2, uk1 (or its domain).
        #[arg(long, value_name = "SITE", default_value = "us1")]
        site: String,
        /// The file to write; `-` writes to standard output.
        #[arg(
            short = 'o',
            long = "output",
            value_name = "FILE",
            default_value = "ddpl.yaml"
        )]
        output: PathBuf,
        /// Overwrite FILE if it exists.
        #[arg(long)]
        force: bool,
        /// Use this service catalog (YAML or JSON) instead of the embedded one.
        #[arg(long, value_name = "FILE")]
        catalog: Option<PathBuf>,
    },
    /// Print the plan as JSON (the format-neutral model the renderers receive).
    #[command(
        name = "plan-json",
        hide = true,
        after_help = "Example:\n  ddpl-gen plan-json -f ddpl.yaml | jq .stacks"
    )]
    PlanJson(Input),
    /// Write every format into one directory, all or nothing: terraform/, cloudformation/,
    /// cli/ (deploy, teardown and verify scripts), plan.md and agent-config.md. With --check,
    /// compare instead: exit 0 when DIR is up to date, 1 naming every file that differs.
    #[command(
        after_help = "Examples:\n  ddpl-gen generate -f ddpl.yaml -o datadog-privatelink/\n  ddpl-gen generate -f ddpl.yaml -o datadog-privatelink/ --check   # in CI: fails when someone edited or forgot to regenerate"
    )]
    Generate {
        #[command(flatten)]
        input: Input,
        /// The directory to write (created if missing).
        #[arg(short = 'o', long = "output-dir", value_name = "DIR")]
        output_dir: PathBuf,
        /// Write nothing; exit 1 if DIR differs from what would be written.
        #[arg(long)]
        check: bool,
    },
    /// Print the topology JSON Schema (for editors and CI).
    #[command(after_help = "Example:\n  ddpl-gen schema > ddpl.schema.json")]
    Schema,
}

fn parse_kind(text: &str) -> Result<Kind, String> {
    match text {
        "same-region" => Ok(Kind::SameRegion),
        "cross-region" => Ok(Kind::CrossRegion),
        "peering" => Ok(Kind::Peering),
        "transit-gateway" => Ok(Kind::TransitGateway),
        _ => Err(format!(
            "{text:?} is not a kind; expected same-region, cross-region, peering or transit-gateway"
        )),
    }
}

fn parse_allowed_region(text: &str) -> Result<String, String> {
    let regions = ddpl_gen::regions::Regions::embedded();
    if regions.partition_by_shape(text).is_some() {
        return Ok(text.to_string());
    }
    let prefixes: Vec<String> = regions
        .partitions
        .iter()
        .map(|p| format!("{} ({})", p.region_prefixes.join("-, ") + "-", p.id))
        .collect();
    Err(format!(
        "{text:?} does not have the shape of a region of any AWS partition (PREFIX-WORD-NUMBER, e.g. us-east-9; prefixes: {})",
        prefixes.join(", ")
    ))
}

fn parse_price(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(p) if p.is_finite() && p >= 0.0 => Ok(p),
        _ => Err(format!(
            "{text:?} is not a price; expected a non-negative number of USD, e.g. 0.01"
        )),
    }
}

fn read_text(path: &str) -> Result<(String, String), Error> {
    // `-` is standard input: say so rather than "cannot read -".
    let name = if path == "-" { "standard input" } else { path };
    let unreadable = |reason: String| Error::Unreadable {
        path: name.to_string(),
        reason,
    };
    let reader: Box<dyn Read> = if path == "-" {
        Box::new(std::io::stdin())
    } else {
        Box::new(std::fs::File::open(path).map_err(|e| unreadable(e.to_string()))?)
    };
    // One byte past the limit is enough to tell that the input is too large.
    let mut bytes = Vec::new();
    reader
        .take(ddpl_gen::topology::MAX_INPUT_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| unreadable(e.to_string()))?;
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        // Over the limit the read may stop inside a character: the size is what is wrong, and
        // parsing refuses any text over the limit, so the cut character may be replaced.
        Err(e)
            if e.utf8_error().error_len().is_none()
                && e.as_bytes().len() > ddpl_gen::topology::MAX_INPUT_BYTES =>
        {
            String::from_utf8_lossy(e.as_bytes()).into_owned()
        }
        Err(e) => {
            return Err(unreadable(format!(
                "not UTF-8 text (invalid byte at offset {})",
                e.utf8_error().valid_up_to()
            )));
        }
    };
    Ok((name.to_string(), text))
}

fn load_catalog(path: &Option<PathBuf>) -> Result<Catalog, Error> {
    match path {
        None => Ok(Catalog::embedded()),
        Some(p) => {
            let (name, text) = read_text(&p.display().to_string())?;
            Catalog::parse(&text, &name)
        }
    }
}

fn load_plan(input: &Input) -> Result<Plan, Error> {
    let catalog = load_catalog(&input.catalog)?;
    let (name, text) = read_text(&input.file)?;
    let options = ddpl_gen::validate::Options {
        allowed_regions: input.allow_region.clone(),
    };
    ddpl_gen::plan_from_text_with(&text, &name, &catalog, &options)
}

/// What a command produced: text for stdout, and a note for stderr.
struct Outcome {
    stdout: String,
    stderr: String,
}

fn stdout_only(stdout: String) -> Outcome {
    Outcome {
        stdout,
        stderr: String::new(),
    }
}

/// The paths, comma-separated, for a one-line note.
fn list(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// What a write did, for stderr.
fn written_note(done: &output::Written) -> String {
    let mut note = String::new();
    if !done.written.is_empty() {
        note.push_str(&format!("wrote {}\n", list(&done.written)));
    }
    if !done.unchanged.is_empty() {
        note.push_str(&format!("unchanged: {}\n", list(&done.unchanged)));
    }
    note
}

/// Writes generated files into `dir` (all or nothing), then removes the files ddpl-gen wrote
/// earlier in `owned_dirs` that it no longer generates; says what it did on stderr.
fn write_generated(
    dir: &std::path::Path,
    files: &[render::RenderedFile],
    owned_dirs: &[&str],
) -> Result<Outcome, Error> {
    let done = output::write_all(dir, files)?;
    let removed = output::remove_stale(dir, files, owned_dirs)?;
    let mut stderr = written_note(&done);
    if !removed.is_empty() {
        stderr.push_str(&format!(
            "removed (not generated any more): {}\n",
            list(&removed)
        ));
    }
    Ok(Outcome {
        stdout: String::new(),
        stderr,
    })
}

fn generate(input: &Input, dir: &std::path::Path, check: bool) -> Result<Outcome, Error> {
    let plan = load_plan(input)?;
    let files = render::bundle_of_file(&plan, &input.file)?;
    if !check {
        return write_generated(dir, &files, &render::bundle_dirs());
    }
    let drift = output::compare(dir, &files, &render::bundle_dirs());
    if drift.is_empty() {
        return Ok(Outcome {
            stdout: String::new(),
            stderr: format!("{} is up to date ({} files)\n", dir.display(), files.len()),
        });
    }
    Err(Error::OutOfDate {
        dir: dir.display().to_string(),
        differ: drift
            .differ
            .iter()
            .map(|p| p.display().to_string())
            .collect(),
        missing: drift
            .missing
            .iter()
            .map(|p| p.display().to_string())
            .collect(),
        stale: drift
            .stale
            .iter()
            .map(|p| p.display().to_string())
            .collect(),
    })
}

fn run(cli: Cli) -> Result<Outcome, Error> {
    match cli.command {
        Command::Validate(input) => {
            let plan = load_plan(&input)?;
            let endpoints = plan.endpoints().count();
            // Default quotas are no error: the account may have raised them.
            let stderr: String = plan
                .quota_warnings
                .iter()
                .map(|w| format!("warning: {}\n", w.text()))
                .collect();
            Ok(Outcome {
                stderr,
                stdout: format!(
                    "{}: valid; {} {} on {} ({}); {} stack(s), {} VPC(s), {} endpoint(s), {} zone(s), {} peering(s)\n",
                    input.file,
                    plan.kind.as_str(),
                    plan.name,
                    plan.site.id,
                    plan.site.region,
                    plan.stacks.len(),
                    plan.vpcs().count(),
                    endpoints,
                    plan.zones().len(),
                    plan.peerings().len()
                ),
            })
        }
        Command::Terraform {
            input,
            output_dir,
            module,
        } => {
            let plan = load_plan(&input)?;
            let Some(dir) = output_dir else {
                return Ok(stdout_only(render::terraform(&plan)?));
            };
            let shape = if module {
                render::TerraformShape::Module
            } else {
                render::TerraformShape::Root
            };
            // A file of the other shape (providers.tf, README.md), or a moved.tf with nothing
            // left to move, would change what the directory means: it goes.
            write_generated(&dir, &render::terraform_files(&plan, shape)?, &[""])
        }
        Command::Generate {
            input,
            output_dir,
            check,
        } => generate(&input, &output_dir, check),
        Command::CloudFormation { input, output_dir } => {
            let plan = load_plan(&input)?;
            let files = render::cloudformation(&plan)?;
            match output_dir {
                Some(dir) => {
                    let done = output::write_all(&dir, &files)?;
                    Ok(Outcome {
                        stdout: String::new(),
                        stderr: written_note(&done),
                    })
                }
                None if files.len() == 1 => Ok(stdout_only(files[0].contents.clone())),
                None => Err(Error::Usage(format!(
                    "this topology makes {} files ({}); give -o DIR to write them",
                    files.len(),
                    files
                        .iter()
                        .map(|f| f.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ))),
            }
        }
        Command::Cli { input, destroy } => {
            let plan = load_plan(&input)?;
            Ok(stdout_only(if destroy {
                render::cli_destroy(&plan)?
            } else {
                render::cli_deploy(&plan)?
            }))
        }
        Command::Plan {
            input,
            price_per_az_hour,
        } => {
            let plan = load_plan(&input)?;
            let review = ddpl_gen::review::review(&plan, price_per_az_hour);
            Ok(stdout_only(render::plan_markdown(&plan, &review)?))
        }
        Command::Verify(input) => {
            let plan = load_plan(&input)?;
            let checks = ddpl_gen::checks::verify(&plan);
            Ok(stdout_only(render::verify_script(&plan, &checks)?))
        }
        Command::AgentConfig(input) => {
            let plan = load_plan(&input)?;
            let agent = ddpl_gen::agent_config::agent_config(&plan).with_topology_file(&input.file);
            Ok(stdout_only(render::agent_config_markdown(&plan, &agent)?))
        }
        Command::Services {
            site,
            hosts,
            json,
            catalog,
        } => {
            let catalog = load_catalog(&catalog)?;
            let listing = if hosts.is_empty() {
                ddpl_gen::services::listing(&catalog, site.as_deref())?
            } else {
                ddpl_gen::services::for_hosts(&catalog, site.as_deref(), &hosts)?
            };
            Ok(stdout_only(if json {
                ddpl_gen::services::json(&listing)
            } else {
                ddpl_gen::services::table(&listing)
            }))
        }
        Command::Init {
            kind,
            site,
            output,
            force,
            catalog,
        } => {
            let catalog = load_catalog(&catalog)?;
            let starter = ddpl_gen::init::starter(&catalog, kind, &site)?;
            let text = render::init_yaml(&starter)?;
            if output.as_os_str() == "-" {
                return Ok(stdout_only(text));
            }
            ddpl_gen::init::write(&output, &text, force)?;
            Ok(Outcome {
                stdout: String::new(),
                stderr: format!(
                    "wrote {}; replace its example ids, then: ddpl-gen validate -f {}\n",
                    output.display(),
                    output.display()
                ),
            })
        }
        Command::PlanJson(input) => {
            let plan = load_plan(&input)?;
            Ok(stdout_only(ddpl_gen::plan_json(&plan)?))
        }
        Command::Schema => Ok(stdout_only(ddpl_gen::schema::TOPOLOGY_SCHEMA.to_string())),
    }
}

/// The library's error, worded for the command line: what the user types to fix it.
fn worded(e: &Error) -> String {
    match e {
        Error::UnsupportedSite { .. } => format!("--{e}"),
        Error::Exists { .. } => {
            format!("{e} (use --force to overwrite it, or -o to write another file)")
        }
        _ => e.to_string(),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(outcome) => {
            eprint!("{}", outcome.stderr);
            let mut out = std::io::stdout().lock();
            match out
                .write_all(outcome.stdout.as_bytes())
                .and_then(|_| out.flush())
            {
                Ok(()) => ExitCode::SUCCESS,
                // A closed pipe (`| head`) is the reader's choice, not our failure.
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("ddpl-gen: cannot write to standard output: {e}");
                    ExitCode::from(1)
                }
            }
        }
        Err(e) => {
            eprintln!("ddpl-gen: {}", worded(&e));
            ExitCode::from(e.exit_code() as u8)
        }
    }
}
