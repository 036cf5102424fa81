//! `ddpl-gen agent-config`: what the Datadog Agents need to use the topology's endpoints. The
//! endpoints (private DNS, or the private hosted zones when peering) make the site's standard
//! host names resolve privately, so the Agent needs its site, and older Agents the HTTPS
//! transport for logs.

use serde::Serialize;

use crate::plan::{Plan, VpcRole};

#[derive(Debug, Clone, Serialize)]
pub struct AgentConfig {
    /// The site's domain (`datadoghq.com`): `site` in datadog.yaml, `DD_SITE`.
    pub site: String,
    /// Logs from the Agent go through an endpoint (`logs-agent` is selected): Agents older
    /// than 6.19 / 7.19 need `logs_config.force_use_http: true`.
    pub logs: bool,
    /// A Secrets Manager endpoint exists where agents run: the Lambda Extension can read its
    /// API key with `DD_API_KEY_SECRET_ARN`.
    pub secrets_manager: bool,
    /// Where the Agents run: the VPCs whose hosts use the endpoints (`vpc-... (name)`).
    pub agent_vpcs: Vec<String>,
    /// The regions of those VPCs, for the secret ARN example.
    pub agent_regions: Vec<String>,
    /// How to run `verify` in each of those VPCs.
    pub verify_commands: Vec<String>,
    /// Endpoints beyond the Agent's standard services (no default key): what they serve.
    pub other_services: Vec<OtherService>,
    /// The OTLP intake host (`otlp.<domain>`) when an endpoint serves it.
    pub otlp_host: Option<String>,
    /// The command that writes the verify script (`ddpl-gen verify -f <topology file>`).
    pub write_verify: String,
}

impl AgentConfig {
    /// Names the topology file the user gave (`-f`) in the `verify` command; `-` (standard
    /// input) and the default keep `ddpl.yaml`. A name the shell would split is quoted.
    pub fn with_topology_file(mut self, file: &str) -> AgentConfig {
        if file != "-" {
            self.write_verify = write_verify(file);
        }
        self
    }
}

fn write_verify(file: &str) -> String {
    let plain = !file.is_empty()
        && file
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-/+@%:,=".contains(c));
    let word = if plain {
        file.to_string()
    } else {
        crate::render::escape::shell_word(file)
    };
    format!("ddpl-gen verify -f {word} > verify.sh")
}

/// An endpoint that serves none of the default keys (OTLP, RUM, MCP, ... or a host's anchor).
#[derive(Debug, Clone, Serialize)]
pub struct OtherService {
    pub endpoint: String,
    pub keys: Vec<String>,
    /// The hosts it covers, wildcards included.
    pub hosts: Vec<String>,
}

/// The Agent settings of a plan.
pub fn agent_config(plan: &Plan) -> AgentConfig {
    let agent_vpcs = plan.agent_locations();
    let mut agent_regions: Vec<String> = Vec::new();
    for v in &agent_vpcs {
        if !agent_regions.contains(&v.region) {
            agent_regions.push(v.region.clone());
        }
    }
    let otlp = format!("otlp.{}", plan.site.domain);
    AgentConfig {
        site: plan.site.domain.clone(),
        // The Agent's logs intake has an endpoint (the logs-agent key, or a host it serves).
        logs: plan.endpoint_vpc.endpoints.iter().any(|e| {
            e.hosts
                .contains(&format!("agent-http-intake.logs.{}", plan.site.domain))
        }),
        other_services: other_services(plan),
        otlp_host: plan
            .endpoint_vpc
            .endpoints
            .iter()
            .any(|e| e.hosts.contains(&otlp))
            .then_some(otlp),
        secrets_manager: plan
            .endpoints()
            .any(|(_, e)| e.service_id == "secretsmanager"),
        agent_vpcs: agent_vpcs
            .iter()
            .map(|v| {
                if v.role == VpcRole::Endpoint {
                    format!("{} (the endpoint VPC, {})", v.vpc_id, v.region)
                } else {
                    format!("{} ({}, {})", v.vpc_id, v.name, v.region)
                }
            })
            .collect(),
        agent_regions,
        write_verify: write_verify("ddpl.yaml"),
        // One VPC: the script needs no name; several: the one it runs in.
        verify_commands: if plan.agent_vpcs.is_empty() {
            vec!["bash verify.sh".to_string()]
        } else {
            agent_vpcs
                .iter()
                .map(|v| format!("bash verify.sh {}", v.name))
                .collect()
        },
    }
}

/// The Datadog endpoints that serve none of the catalog's default keys.
fn other_services(plan: &Plan) -> Vec<OtherService> {
    plan.endpoint_vpc
        .endpoints
        .iter()
        .filter(|e| e.datadog && !e.agent_service)
        .map(|e| OtherService {
            endpoint: e.name.clone(),
            keys: e.keys.clone(),
            hosts: e.hosts.clone(),
        })
        .collect()
}
