//! Loading and validating any bytes as a topology must never panic: it either plans or
//! returns input problems. A successful plan is also rendered in every format (`Format::ALL`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn catalog() -> &'static ddpl_gen::Catalog {
    static C: OnceLock<ddpl_gen::Catalog> = OnceLock::new();
    C.get_or_init(ddpl_gen::Catalog::embedded)
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match ddpl_gen::plan_from_text(text, "fuzz", catalog()) {
        Ok(plan) => {
            for format in ddpl_gen::render::Format::ALL {
                if let Err(e) = format.render(&plan) {
                    panic!("{format} renders a valid plan: {e}");
                }
            }
        }
        Err(e) => assert_eq!(e.exit_code(), 2, "input errors exit 2: {e}"),
    }
});
