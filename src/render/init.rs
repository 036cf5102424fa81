//! The starting topology of `ddpl-gen init` (commented YAML).

use minijinja::value::{Serde, Value};

use super::environment;
use crate::error::Error;
use crate::init::Starter;
use crate::plan::GENERATOR;

/// The commented `ddpl.yaml` for `starter`.
pub fn init_yaml(starter: &Starter) -> Result<String, Error> {
    let name = "init/ddpl.yaml.j2";
    let render_error = |e: minijinja::Error| Error::Render {
        template: name.to_string(),
        reason: format!("{e:#}"),
    };
    environment(name)?
        .get_template(name)
        .map_err(render_error)?
        .render(minijinja::context! {
            generator => GENERATOR,
            starter => Value::from(Serde(starter)),
        })
        .map_err(render_error)
}
