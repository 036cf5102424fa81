//! Converts the embedded service catalog from YAML (the file people edit) to JSON (what the
//! binary parses at start-up): parsing the YAML took 4.2 M instructions per run, more than the
//! rest of a small `terraform` run; the same data as JSON takes a small fraction of that. The
//! YAML stays the one source; the tests check that both parse to the same catalog.

use std::path::PathBuf;

fn main() {
    let source = "catalog/catalog.yaml";
    println!("cargo:rerun-if-changed={source}");
    let text = std::fs::read_to_string(source).unwrap_or_else(|e| panic!("{source}: {e}"));
    // serde_yaml_ng's Value keeps the order of mapping keys, so the JSON keeps it too.
    let value: serde_yaml_ng::Value =
        serde_yaml_ng::from_str(&text).unwrap_or_else(|e| panic!("{source}: {e}"));
    let json = serde_json::to_string(&value).unwrap_or_else(|e| panic!("{source}: {e}"));
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(out.join("catalog.json"), json).expect("OUT_DIR is writable");
}
