//! The verification script (`ddpl-gen verify`): bash, run on a host inside a VPC.

use minijinja::value::{Serde, Value};

use super::render;
use crate::checks::Verify;
use crate::error::Error;
use crate::plan::Plan;

/// The bash script that runs `verify`'s checks (see `checks::verify`).
pub fn verify_script(plan: &Plan, verify: &Verify) -> Result<String, Error> {
    render(
        "verify/verify.sh.j2",
        plan,
        minijinja::context! { verify => Value::from(Serde(verify)) },
    )
}
