//! Determinism (issue 6): the same topology gives identical bytes in every format
//! - across processes (each process has its own hash seeds), whatever the locale, time zone
//!   and working directory;
//! - whatever the order of the keys of every mapping of the input, in YAML or JSON.

mod support;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use ddpl_gen::render::{self, Format};
use ddpl_gen::{Catalog, Plan};
use serde_json::Value;

/// Every golden topology (golden/<case>/topology.yaml|json), sorted.
fn topologies() -> Vec<PathBuf> {
    let out = support::golden_topologies();
    assert!(out.len() >= 7, "golden topologies: {out:?}");
    out
}

/// Every output of every format (`render::bundle`, which walks `Format::ALL`) and the plan's
/// JSON, by name, rendered in this process.
fn outputs(plan: &Plan) -> BTreeMap<String, String> {
    let mut out: BTreeMap<String, String> = render::bundle(plan)
        .unwrap()
        .into_iter()
        .map(|f| (f.name, f.contents))
        .collect();
    out.insert("plan.json".into(), ddpl_gen::plan_json(plan).unwrap());
    out
}

fn plan_of(text: &str, name: &str) -> Plan {
    ddpl_gen::plan_from_text(text, name, &Catalog::embedded())
        .unwrap_or_else(|e| panic!("{name}: {e}\n{text}"))
}

// --- key order ------------------------------------------------------------------------------

/// A permutation of `n` keys: 0 reverses, others shuffle with a fixed seed (xorshift).
fn permutation(n: usize, seed: u64) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    if seed == 0 {
        order.reverse();
        return order;
    }
    let mut x = seed;
    for i in (1..n).rev() {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        order.swap(i, (x % (i as u64 + 1)) as usize);
    }
    order
}

fn permuted_keys(map: &serde_json::Map<String, Value>, seed: u64) -> Vec<(&String, &Value)> {
    let entries: Vec<(&String, &Value)> = map.iter().collect();
    permutation(entries.len(), seed.wrapping_add(entries.len() as u64))
        .into_iter()
        .map(|i| entries[i])
        .collect()
}

fn scalar(v: &Value) -> String {
    serde_json::to_string(v).unwrap()
}

/// JSON text with the keys of every object in a permuted order.
fn json_text(v: &Value, seed: u64) -> String {
    match v {
        Value::Object(map) => {
            let items: Vec<String> = permuted_keys(map, seed)
                .into_iter()
                .map(|(k, v)| {
                    format!(
                        "{}: {}",
                        scalar(&Value::String(k.clone())),
                        json_text(v, seed)
                    )
                })
                .collect();
            format!("{{\n{}\n}}", items.join(",\n"))
        }
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(|v| json_text(v, seed)).collect();
            format!("[{}]", items.join(", "))
        }
        other => scalar(other),
    }
}

/// Block-style YAML with the keys of every mapping in a permuted order (scalars written as
/// JSON strings, which are YAML double-quoted scalars).
fn yaml_text(v: &Value, indent: usize, seed: u64, out: &mut String) {
    let pad = " ".repeat(indent);
    let nested = |v: &Value| match v {
        Value::Object(m) => !m.is_empty(),
        Value::Array(a) => !a.is_empty(),
        _ => false,
    };
    match v {
        Value::Object(map) => {
            for (k, v) in permuted_keys(map, seed) {
                out.push_str(&format!("{pad}{}:", scalar(&Value::String(k.clone()))));
                if nested(v) {
                    out.push('\n');
                    yaml_text(v, indent + 2, seed, out);
                } else {
                    out.push_str(&format!(" {}\n", json_text(v, seed)));
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                if nested(item) {
                    out.push_str(&format!("{pad}-\n"));
                    yaml_text(item, indent + 2, seed, out);
                } else {
                    out.push_str(&format!("{pad}- {}\n", json_text(item, seed)));
                }
            }
        }
        other => out.push_str(&format!("{pad}{}\n", scalar(other))),
    }
}

fn parse(path: &Path) -> Value {
    let text = fs::read_to_string(path).unwrap();
    if path.extension().is_some_and(|e| e == "json") {
        serde_json::from_str(&text).unwrap()
    } else {
        serde_yaml_ng::from_str(&text).unwrap()
    }
}

fn first_difference(a: &str, b: &str) -> String {
    let line = a
        .lines()
        .zip(b.lines())
        .position(|(x, y)| x != y)
        .unwrap_or(a.lines().count().min(b.lines().count()));
    format!(
        "line {}: {:?} vs {:?}",
        line + 1,
        a.lines().nth(line),
        b.lines().nth(line)
    )
}

fn assert_same(label: &str, want: &BTreeMap<String, String>, got: &BTreeMap<String, String>) {
    assert_eq!(
        want.keys().collect::<Vec<_>>(),
        got.keys().collect::<Vec<_>>(),
        "{label}: other files"
    );
    for (name, text) in want {
        assert!(
            *text == got[name],
            "{label}: {name} differs at {}",
            first_difference(text, &got[name])
        );
    }
}

#[test]
fn key_order_never_changes_the_output() {
    for path in topologies() {
        let original = fs::read_to_string(&path).unwrap();
        let want = outputs(&plan_of(&original, &path.display().to_string()));
        let value = parse(&path);
        for seed in [0u64, 1, 7, 42, 1234] {
            let json = json_text(&value, seed);
            let mut yaml = String::new();
            yaml_text(&value, 0, seed, &mut yaml);
            for (format, text) in [("json", json), ("yaml", yaml)] {
                // The permuted text must say the same thing.
                let back: Value = if format == "json" {
                    serde_json::from_str(&text).unwrap()
                } else {
                    serde_yaml_ng::from_str(&text).unwrap()
                };
                assert_eq!(back, value, "{format} rewrite of {}", path.display());
                let label = format!("{} as {format}, key order {seed}", path.display());
                // Same source name: it appears nowhere in the outputs, but keep it equal.
                let got = outputs(&plan_of(&text, &path.display().to_string()));
                assert_same(&label, &want, &got);
            }
        }
    }
}

#[test]
fn the_permutations_do_reorder() {
    // Guards the test above against a no-op permutation.
    for n in 2..12 {
        for seed in [0u64, 1, 7, 42, 1234] {
            let p = permutation(n, seed.wrapping_add(n as u64));
            let mut sorted = p.clone();
            sorted.sort();
            assert_eq!(sorted, (0..n).collect::<Vec<_>>());
        }
        assert_ne!(permutation(n, 0), (0..n).collect::<Vec<_>>());
    }
    let value: Value =
        serde_json::from_str(r#"{"a": 1, "b": {"c": 2, "d": 3}, "e": [{"f": 4, "g": 5}]}"#)
            .unwrap();
    let text = json_text(&value, 0);
    assert!(
        text.find("\"e\"").unwrap() < text.find("\"a\"").unwrap(),
        "{text}"
    );
    let mut yaml = String::new();
    yaml_text(&value, 0, 0, &mut yaml);
    assert!(
        yaml.find("\"g\"").unwrap() < yaml.find("\"f\"").unwrap(),
        "{yaml}"
    );
}

// --- across processes -----------------------------------------------------------------------

/// Runs every generating command on `topology` in a fresh working directory with the given
/// environment; returns each output by name (stdout, or the files of `-o`).
fn run_all(topology: &Path, env: &[(&str, &str)]) -> BTreeMap<String, Vec<u8>> {
    let dir = tempfile::tempdir().unwrap();
    let topology = topology.display().to_string();
    let mut out = BTreeMap::new();
    let commands: &[&[&str]] = &[
        &["terraform"],
        &["cli"],
        &["cli", "--destroy"],
        &["plan"],
        &["verify"],
        &["agent-config"],
        &["plan-json"],
        &["validate"],
    ];
    let run = |args: &[&str]| {
        let o = support::ddpl_gen()
            .args(args)
            .current_dir(dir.path())
            .envs(env.iter().copied())
            .output()
            .unwrap();
        assert_eq!(
            o.status.code(),
            Some(0),
            "{args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        o
    };
    for args in commands {
        let mut full: Vec<&str> = args.to_vec();
        full.extend(["-f", &topology]);
        out.insert(args.join(" "), run(&full).stdout);
    }
    let cfn = dir.path().join("stacks");
    run(&["cloudformation", "-f", &topology, "-o", "stacks"]);
    for e in fs::read_dir(&cfn).unwrap().flatten() {
        out.insert(
            format!("cloudformation/{}", e.file_name().to_string_lossy()),
            fs::read(e.path()).unwrap(),
        );
    }
    run(&["generate", "-f", &topology, "-o", "bundle"]);
    for format in Format::ALL {
        for e in fs::read_dir(dir.path().join("bundle").join(format.name()))
            .unwrap()
            .flatten()
        {
            out.insert(
                format!("generate {format}/{}", e.file_name().to_string_lossy()),
                fs::read(e.path()).unwrap(),
            );
        }
    }
    out
}

#[test]
fn two_processes_give_identical_bytes() {
    let environments: [&[(&str, &str)]; 2] = [
        &[("LC_ALL", "C"), ("TZ", "UTC")],
        &[
            ("LC_ALL", "ja_JP.UTF-8"),
            ("TZ", "Pacific/Chatham"),
            ("LANG", "tr_TR.UTF-8"),
        ],
    ];
    for path in topologies() {
        let a = run_all(&path, environments[0]);
        let b = run_all(&path, environments[1]);
        assert_eq!(
            a.keys().collect::<Vec<_>>(),
            b.keys().collect::<Vec<_>>(),
            "{}",
            path.display()
        );
        for (name, bytes) in &a {
            assert!(
                *bytes == b[name],
                "{}: {name} differs between two runs",
                path.display()
            );
        }
        // And the process writes what the library renders.
        let plan = plan_of(&fs::read_to_string(&path).unwrap(), "t");
        let lib = outputs(&plan);
        let at = |name: &str| format!("{}: {name}", path.display());
        assert_eq!(
            a["terraform"],
            render::terraform(&plan).unwrap().as_bytes(),
            "{}",
            at("main.tf")
        );
        assert_eq!(
            a["cli"],
            lib["cli/deploy.sh"].as_bytes(),
            "{}",
            at("deploy.sh")
        );
        assert_eq!(
            a["cli --destroy"],
            lib["cli/destroy.sh"].as_bytes(),
            "{}",
            at("destroy.sh")
        );
        for (name, text) in lib.iter().filter(|(n, _)| n.starts_with("cloudformation/")) {
            assert_eq!(a[name], text.as_bytes(), "{}", at(name));
        }
        // `generate` writes each format's files as the library renders them.
        for format in Format::ALL {
            let prefix = format!("{format}/");
            let files: Vec<_> = lib.iter().filter(|(n, _)| n.starts_with(&prefix)).collect();
            assert!(!files.is_empty(), "{}", at(&prefix));
            for (name, text) in files {
                assert_eq!(
                    a[&format!("generate {name}")],
                    text.as_bytes(),
                    "{}",
                    at(name)
                );
            }
        }
    }
}

// --- templates parsed once ------------------------------------------------------------------

#[test]
fn templates_are_parsed_once_per_process() {
    // Renders every template group from several threads at once (the first use of a group may
    // be here), then again.
    let plans: Vec<Plan> = topologies()
        .iter()
        .map(|p| plan_of(&fs::read_to_string(p).unwrap(), "t"))
        .collect();
    let starter = ddpl_gen::init::starter(
        &Catalog::embedded(),
        ddpl_gen::topology::Kind::Peering,
        "us1",
    )
    .expect("us1 starter");
    let everything = |plan: &Plan| {
        outputs(plan);
        render::terraform(plan).expect("terraform renders");
        render::terraform_files(plan, render::TerraformShape::Module).expect("module renders");
        render::init_yaml(&starter).expect("init renders");
    };
    std::thread::scope(|s| {
        for plan in &plans {
            s.spawn(|| everything(plan));
        }
    });
    for plan in &plans {
        everything(plan);
    }
    // Rendering everything again parses nothing more, and no template was parsed twice.
    std::thread::scope(|s| {
        for plan in &plans {
            s.spawn(|| everything(plan));
        }
    });
    assert_eq!(
        render::template_parse_count(),
        render::template_count(),
        "every template is parsed exactly once per process"
    );
    assert_eq!(render::templates_loaded(), render::template_count());
}
