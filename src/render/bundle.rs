//! Everything for a platform repository (`ddpl-gen generate -o DIR`): every format in a
//! directory of its own (`Format::name`), the verify script beside the CLI scripts, the plan
//! review and the Agent settings at the top.

use super::{Format, RenderedFile, agent_config_markdown, plan_markdown, verify_script};
use crate::error::Error;
use crate::plan::Plan;
use crate::review::{DEFAULT_PRICE_PER_AZ_HOUR, review};
use crate::{agent_config, checks};

/// The directories of `bundle` that hold only generated files.
pub fn bundle_dirs() -> Vec<&'static str> {
    Format::ALL.iter().map(|f| f.name()).collect()
}

/// Every file of the bundle, named by its path in the directory (`terraform/main.tf`,
/// `cloudformation/<stack>.yaml`, `cli/deploy.sh`, `cli/verify.sh`, `plan.md`,
/// `agent-config.md`), in that order.
pub fn bundle(plan: &Plan) -> Result<Vec<RenderedFile>, Error> {
    bundle_of_file(plan, "-")
}

/// [`bundle`], for a topology read from `topology_file` (the `-f` of `generate`: named in
/// agent-config.md's `verify` command).
pub fn bundle_of_file(plan: &Plan, topology_file: &str) -> Result<Vec<RenderedFile>, Error> {
    let mut files = Vec::new();
    for format in Format::ALL {
        for file in format.render(plan)? {
            files.push(RenderedFile {
                name: format!("{}/{}", format.name(), file.name),
                contents: file.contents,
            });
        }
        if format == Format::Cli {
            files.push(RenderedFile {
                name: format!("{}/verify.sh", format.name()),
                contents: verify_script(plan, &checks::verify(plan))?,
            });
        }
    }
    files.push(RenderedFile {
        name: "plan.md".into(),
        contents: plan_markdown(plan, &review(plan, DEFAULT_PRICE_PER_AZ_HOUR))?,
    });
    files.push(RenderedFile {
        name: "agent-config.md".into(),
        contents: agent_config_markdown(
            plan,
            &agent_config::agent_config(plan).with_topology_file(topology_file),
        )?,
    });
    Ok(files)
}
