//! ddpl-gen: connect AWS VPCs to Datadog over AWS PrivateLink.
//!
//! The flow is topology -> validate -> plan -> render:
//!
//! ```text
//! text --topology::load--> Topology --validate--> Validated --plan--> Plan --render--> code
//! ```
//!
//! ```
//! let text = r#"
//! version: 1
//! name: acme-prod
//! site: us1
//! kind: same-region
//! services: [metrics]
//! endpoint_vpc:
//!   vpc_id: vpc-0123456789abcdef0
//!   region: us-east-1
//!   cidr: 10.0.0.0/16
//!   subnet_ids: [subnet-0123456789abcdef0]
//! "#;
//! let catalog = ddpl_gen::Catalog::embedded();
//! let plan = ddpl_gen::plan_from_text(text, "example", &catalog).unwrap();
//! let main_tf = ddpl_gen::render::terraform(&plan).unwrap();
//! assert!(main_tf.contains("aws_vpc_endpoint"));
//! ```

pub mod agent_config;
pub mod catalog;
pub mod checks;
pub mod cidr;
pub mod error;
pub mod init;
mod naming;
pub mod output;
pub mod plan;
pub mod render;
pub mod review;
pub mod schema;
pub mod services;
pub mod topology;
pub mod validate;

pub use catalog::Catalog;
pub use error::{Error, Problem};
pub use plan::Plan;
pub use topology::Topology;

/// The plan's public JSON (`ddpl-gen plan-json`, `golden/<case>/plan.json`), pretty-printed
/// with a final newline.
pub fn plan_json(plan: &Plan) -> Result<String, Error> {
    serde_json::to_string_pretty(plan)
        .map(|json| json + "\n")
        .map_err(|e| Error::Render {
            template: "plan-json".into(),
            reason: e.to_string(),
        })
}

/// Loads, validates and plans a topology given as YAML or JSON text.
pub fn plan_from_text(text: &str, source_name: &str, catalog: &Catalog) -> Result<Plan, Error> {
    let topology = topology::load(text, source_name)?;
    let validated = validate::validate(&topology, catalog, source_name)?;
    Ok(plan::plan(&validated))
}
