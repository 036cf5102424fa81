//! CloudFormation: one template per stack, plus what CloudFormation cannot express.
//!
//! - `<stack id>.yaml` for every stack of the plan (one account + region).
//! - `<name>-companion.sh` when the topology needs steps no CloudFormation resource type
//!   performs: the DNS attributes of VPCs the stacks do not own, and the association of a
//!   private hosted zone with a VPC of another account (authorize, associate, deauthorize).
//! - `README.md` when there is more than one file: the deploy order, the parameters that carry
//!   ids from one stack to another, and the teardown order.

use minijinja::value::{Serde, Value};

use super::{RenderedFile, render};
use crate::error::Error;
use crate::plan::Plan;

/// The companion script's file name.
pub fn companion_name(plan: &Plan) -> String {
    format!("{}-companion.sh", plan.name)
}

/// True when the plan has steps that no CloudFormation resource type performs: turning on the
/// DNS attributes of a VPC (`AWS::EC2::VPC` is not ours: the VPCs pre-exist) or associating a
/// zone with another account's VPC (no resource type for association authorizations).
pub fn needs_companion(plan: &Plan) -> bool {
    plan.vpcs.iter().any(|v| v.needs_dns_attributes)
        || plan
            .zones
            .iter()
            .any(|z| z.associations.iter().any(|a| a.cross_account))
}

/// One template per stack (`<stack id>.yaml`), plus, where CloudFormation cannot express
/// everything, a companion script, and a README when there is more than one file.
pub fn cloudformation(plan: &Plan) -> Result<Vec<RenderedFile>, Error> {
    let companion = needs_companion(plan).then(|| companion_name(plan));
    let mut files = Vec::new();
    for stack in &plan.stacks {
        let contents = render(
            "cloudformation/stack.yaml.j2",
            plan,
            minijinja::context! { stack => Value::from(Serde(stack)) },
        )?;
        files.push(RenderedFile {
            name: format!("{}.yaml", stack.id),
            contents,
        });
    }
    let templates: Vec<String> = files.iter().map(|f| f.name.clone()).collect();
    let extra = || {
        minijinja::context! {
            companion => companion.clone(),
            templates => templates.clone(),
        }
    };
    if let Some(name) = &companion {
        let contents = render("cloudformation/companion.sh.j2", plan, extra())?;
        files.push(RenderedFile {
            name: name.clone(),
            contents,
        });
    }
    if files.len() > 1 {
        let contents = render("cloudformation/README.md.j2", plan, extra())?;
        files.push(RenderedFile {
            name: "README.md".to_string(),
            contents,
        });
    }
    Ok(files)
}
