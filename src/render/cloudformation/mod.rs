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

mod view;

use super::cli::CliView;
use super::{RenderedFile, render_context};
use crate::error::Error;
use crate::plan::Plan;
pub(crate) use view::CloudFormationView;

/// The companion script's file name.
pub fn companion_name(plan: &Plan) -> String {
    format!("{}-companion.sh", plan.name)
}

/// True with private hosted zones or peering: their VPCs need DNS attributes that no
/// CloudFormation resource type turns on (`AWS::EC2::VPC` is not ours: the VPCs pre-exist),
/// and a zone may be associated with another account's VPC (no resource type for association
/// authorizations). Same-region and cross-region VPCs also need the DNS attributes (private
/// DNS), but get no companion for that alone: their single template stays the whole output
/// (stdout without `-o`) and states the requirement itself.
pub fn needs_companion(plan: &Plan) -> bool {
    !plan.zones().is_empty() || !plan.peerings().is_empty()
}

/// One template per stack (`<stack id>.yaml`), plus, where CloudFormation cannot express
/// everything, a companion script, and a README when there is more than one file.
pub fn cloudformation(plan: &Plan) -> Result<Vec<RenderedFile>, Error> {
    let companion = needs_companion(plan).then(|| companion_name(plan));
    let mut view = CloudFormationView::new(plan, companion.clone());
    let plan_value = crate::render::value(plan);
    let cfn = crate::render::value(&view);
    let mut files = Vec::new();
    for stack in view.stacks() {
        let contents = render_context(
            "cloudformation/stack.yaml.j2",
            minijinja::context! {
                plan => plan_value.clone(),
                cfn => cfn.clone(),
                stack => crate::render::value(stack),
            },
        )?;
        files.push(RenderedFile {
            name: stack.template.clone(),
            contents,
        });
    }
    // The README deploys a template over CloudFormation's inline limit through S3.
    let sizes: Vec<(String, usize)> = files
        .iter()
        .map(|f| (f.name.clone(), f.contents.len()))
        .collect();
    view.mark_large(&sizes);
    let cfn = crate::render::value(&view);
    if let Some(name) = &companion {
        let cli = CliView::new(plan);
        let contents = render_context(
            "cloudformation/companion.sh.j2",
            minijinja::context! {
                plan => plan_value.clone(),
                cfn => cfn.clone(),
                cli => crate::render::value(&cli),
            },
        )?;
        files.push(RenderedFile {
            name: name.clone(),
            contents,
        });
    }
    if files.len() > 1 {
        let contents = render_context(
            "cloudformation/README.md.j2",
            minijinja::context! { plan => plan_value, cfn => cfn },
        )?;
        files.push(RenderedFile {
            name: "README.md".to_string(),
            contents,
        });
    }
    Ok(files)
}
