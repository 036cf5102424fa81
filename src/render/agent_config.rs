//! The Agent settings (`ddpl-gen agent-config`): Markdown with datadog.yaml, environment
//! variables and Helm values.

use minijinja::value::{Serde, Value};

use super::render;
use crate::agent_config::AgentConfig;
use crate::error::Error;
use crate::plan::Plan;

/// The Agent settings of `plan` (see `agent_config::agent_config`).
pub fn agent_config_markdown(plan: &Plan, agent: &AgentConfig) -> Result<String, Error> {
    render(
        "agent/agent-config.md.j2",
        plan,
        minijinja::context! { agent => Value::from(Serde(agent)) },
    )
}
