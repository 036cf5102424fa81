//! `cargo bench --bench generate`: load, validate, plan and render (Terraform, CloudFormation,
//! AWS CLI) a peering topology with 12 agent VPCs across four accounts and four regions, every
//! service, Secrets Manager endpoints; and the same with 120 agent VPCs (10x; AWS allows at most 125 peering connections on one VPC), to check that
//! the time grows about linearly.
//!
//! The topologies are also written to `target/ddpl-bench/peering-{12,120}.yaml`, so the
//! process-level figures can be taken with hyperfine (see docs/performance.md).

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use ddpl_gen::render::Format;
use ddpl_gen::{Catalog, plan, render, topology, validate};

const ACCOUNTS: [&str; 4] = [
    "111111111111",
    "222222222222",
    "333333333333",
    "444444444444",
];
const REGIONS: [&str; 4] = ["us-east-1", "us-east-2", "us-west-2", "eu-west-1"];

/// A peering topology on us1 with `n` agent VPCs, spread over 4 accounts x 4 regions (16
/// stacks), every service, a Secrets Manager endpoint in every agent VPC.
pub fn peering_topology(n: usize) -> String {
    let mut t = String::from(
        "version: 1
name: acme-bench
site: us1
kind: peering
services: [all]
secrets_manager_endpoint: true
tags:
  team: platform
  cost-center: \"4711\"
endpoint_vpc:
  vpc_id: vpc-0123456789abcdef0
  region: us-east-1
  cidr: 172.16.0.0/16
  subnet_ids: [subnet-0123456789abcdef0, subnet-0123456789abcdef1]
  route_table_ids: [rtb-0123456789abcdef0]
  account_id: \"111111111111\"
  profile: acct-111111111111
agent_vpcs:
",
    );
    for i in 0..n {
        let account = ACCOUNTS[i % 4];
        let region = REGIONS[(i / 4) % 4];
        t.push_str(&format!(
            "  - name: app-{i:04}
    vpc_id: vpc-{id:017x}
    region: {region}
    cidr: 10.{b}.{c}.0/24
    route_table_ids: [rtb-{id:017x}]
    subnet_ids: [subnet-{id:017x}]
    account_id: \"{account}\"
    profile: acct-{account}
",
            id = i + 1,
            b = 1 + i / 256,
            c = i % 256,
        ));
    }
    t
}

/// Everything `ddpl-gen` does for the three formats, from text.
fn all_formats(text: &str, catalog: &Catalog) -> usize {
    let plan = ddpl_gen::plan_from_text(text, "bench.yaml", catalog).expect("valid");
    Format::ALL
        .iter()
        .flat_map(|format| format.render(&plan).expect("renders"))
        .map(|file| file.contents.len())
        .sum()
}

fn bench(c: &mut Criterion) {
    let catalog = Catalog::embedded();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/ddpl-bench");
    let _ = std::fs::create_dir_all(&dir);
    for n in [12usize, 120] {
        let text = peering_topology(n);
        let _ = std::fs::write(dir.join(format!("peering-{n}.yaml")), &text);
        let mut g = c.benchmark_group(format!("peering-{n}"));
        if n > 100 {
            g.sample_size(20).measurement_time(Duration::from_secs(10));
        }
        let topo = topology::load(&text, "bench.yaml").expect("loads");
        let validated = validate::validate(&topo, &catalog, "bench.yaml").expect("valid");
        let plan = plan::plan(&validated);
        let bytes = all_formats(&text, &catalog);
        eprintln!(
            "peering-{n}: {} stacks, {} zones, {} outputs bytes",
            plan.stacks.len(),
            plan.zones().len(),
            bytes
        );

        g.bench_function("load", |b| {
            b.iter(|| topology::load(black_box(&text), "bench.yaml").unwrap())
        });
        // The two steps of load: syntax (YAML), then the JSON Schema.
        let doc = topology::parse_document(&text).expect("parses");
        g.bench_function("load-parse", |b| {
            b.iter(|| topology::parse_document(black_box(&text)).unwrap())
        });
        g.bench_function("load-schema", |b| {
            b.iter(|| ddpl_gen::schema::check_topology(black_box(&doc)))
        });
        g.bench_function("validate", |b| {
            b.iter(|| validate::validate(black_box(&topo), &catalog, "bench.yaml").is_ok())
        });
        g.bench_function("plan", |b| b.iter(|| plan::plan(black_box(&validated))));
        // What each render call pays before its template runs: the plan as a template value.
        g.bench_function("plan-to-template-value", |b| {
            b.iter(|| minijinja::Value::from(minijinja::value::Serde(black_box(&plan))))
        });
        for format in Format::ALL {
            g.bench_function(format!("render-{format}"), |b| {
                b.iter(|| format.render(black_box(&plan)).unwrap())
            });
        }
        g.bench_with_input(BenchmarkId::new("all-formats", n), &text, |b, text| {
            b.iter(|| all_formats(black_box(text), &catalog))
        });
        g.finish();
    }
    // A small topology for scale: same-region, 4 services (golden us1-same-region-subset).
    let small = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("golden/us1-same-region-subset/topology.yaml"),
    )
    .expect("golden topology");
    c.bench_function("same-region-4-services/all-formats", |b| {
        b.iter(|| all_formats(black_box(&small), &catalog))
    });
    // However many renders ran, each template of the groups used was parsed once.
    assert_eq!(
        render::template_parse_count(),
        render::templates_loaded(),
        "templates parsed more than once"
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
