//! CloudFormation: one template per stack, plus what CloudFormation cannot express.
//!
//! - `<stack id>.yaml` for every stack of the plan (one account + region).
//! - `<name>-companion.sh` when the topology has private hosted zones (peering), whose steps no
//!   CloudFormation resource type performs: the DNS attributes of VPCs the stacks do not own,
//!   and the association of a zone with a VPC of another account (authorize, associate,
//!   deauthorize). Its DNS step covers every VPC that needs the attributes.
//! - Without a companion (same-region, cross-region: a single template, printed on stdout
//!   without `-o`), a template whose VPC needs the DNS attributes states it in its Metadata
//!   and Description, with the two `aws ec2 modify-vpc-attribute` commands.
//! - `README.md` when there is more than one file: the deploy order, the parameters that carry
//!   ids from one stack to another, and the teardown order.

use minijinja::value::Value;

use super::{RenderedFile, plan_value, render_value};
use crate::error::Error;
use crate::plan::Plan;

/// The companion script's file name.
pub fn companion_name(plan: &Plan) -> String {
    format!("{}-companion.sh", plan.name)
}

/// True for peering (private hosted zones): their VPCs need DNS attributes that
/// no CloudFormation resource type turns on (`AWS::EC2::VPC` is not ours: the VPCs pre-exist),
/// and a zone may be associated with another account's VPC (no resource type for association
/// authorizations). Same-region and cross-region VPCs also need the DNS attributes (private
/// DNS), but get no companion for that alone: their single template stays the whole output
/// (stdout without `-o`) and states the requirement itself.
pub fn needs_companion(plan: &Plan) -> bool {
    !plan.zones.is_empty() || !plan.peerings.is_empty()
}

/// One template per stack (`<stack id>.yaml`), plus, where CloudFormation cannot express
/// everything, a companion script, and a README when there is more than one file.
pub fn cloudformation(plan: &Plan) -> Result<Vec<RenderedFile>, Error> {
    let companion = needs_companion(plan).then(|| companion_name(plan));
    let plan_value = plan_value(plan);
    let mut files = Vec::new();
    // The plan's items by index, as template values (shared, not copied).
    let items = |list: &str, indices: &[usize]| -> Value {
        let all = plan_value.get_attr(list).unwrap_or_default();
        indices
            .iter()
            .map(|&i| all.get_item(&Value::from(i)).unwrap_or_default())
            .collect()
    };
    // What each stack holds (the plan's `vpcs`, `requested_peerings`, `accepted_peerings`).
    let contents_of: Vec<Value> = plan
        .stacks
        .iter()
        .map(|stack| {
            minijinja::context! {
                vpcs => items("vpcs", &stack.vpcs),
                requested => items("peerings", &stack.requested_peerings),
                accepted => items("peerings", &stack.accepted_peerings),
            }
        })
        .collect();
    let stacks = plan_value.get_attr("stacks").unwrap_or_default();
    for (index, (stack, here)) in plan.stacks.iter().zip(&contents_of).enumerate() {
        let contents = render_value(
            "cloudformation/stack.yaml.j2",
            &plan_value,
            minijinja::context! {
                stack => stacks.get_item(&Value::from(index)).unwrap_or_default(),
                companion => companion.clone(),
                vpcs_here => here.get_attr("vpcs").unwrap_or_default(),
                requested_here => here.get_attr("requested").unwrap_or_default(),
                accepted_here => here.get_attr("accepted").unwrap_or_default(),
            },
        )?;
        files.push(RenderedFile {
            name: format!("{}.yaml", stack.id),
            contents,
        });
    }
    let templates: Vec<String> = files.iter().map(|f| f.name.clone()).collect();
    let stack_contents = Value::from(contents_of);
    let extra = || {
        minijinja::context! {
            companion => companion.clone(),
            templates => templates.clone(),
            stack_contents => stack_contents.clone(),
        }
    };
    if let Some(name) = &companion {
        let contents = render_value("cloudformation/companion.sh.j2", &plan_value, extra())?;
        files.push(RenderedFile {
            name: name.clone(),
            contents,
        });
    }
    if files.len() > 1 {
        let contents = render_value("cloudformation/README.md.j2", &plan_value, extra())?;
        files.push(RenderedFile {
            name: "README.md".to_string(),
            contents,
        });
    }
    Ok(files)
}
