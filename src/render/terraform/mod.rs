//! Terraform: a root (one `main.tf`, or its usual files) or a reusable module, for every
//! stack (a provider alias, or a provider configuration the caller passes, per account and
//! region).
//!
//! The output is already in `terraform fmt` form. `fmt` aligns the `=` of consecutive
//! single-line arguments to the widest left-hand side, counted in grapheme clusters
//! ([`columns`]); the view computes the widths and paddings, the template writes them.

mod moved;
mod view;

use super::{RenderedFile, render_context};
use crate::error::Error;
use crate::plan::Plan;
pub use view::Shape;
pub(crate) use view::TerraformView;

/// Whether a shape has a file.
type HasFile = fn(Shape) -> bool;

/// The files of each shape, in the order a single `main.tf` holds them: the file name and
/// its template, and whether the shape has it.
const FILES: &[(&str, &str, HasFile)] = &[
    ("versions.tf", "terraform/versions.tf.j2", |_| true),
    ("providers.tf", "terraform/providers.tf.j2", |s| {
        s == Shape::Root
    }),
    ("variables.tf", "terraform/variables.tf.j2", |_| true),
    ("main.tf", "terraform/main.tf.j2", |_| true),
    ("moved.tf", "terraform/moved.tf.j2", |s| s == Shape::Root),
    ("outputs.tf", "terraform/outputs.tf.j2", |_| true),
    ("README.md", "terraform/README.md.j2", |s| {
        s == Shape::Module
    }),
];

/// Terraform as one root `main.tf` (what `ddpl-gen terraform` prints): the root's files one
/// after the other, under one header.
pub fn terraform(plan: &Plan) -> Result<String, Error> {
    let parts = render_parts(plan, Shape::Root)?;
    let mut text = header(plan)?;
    for (_, body) in parts {
        text.push('\n');
        text.push_str(&body);
    }
    Ok(text)
}

/// Terraform as the files of a root (`versions.tf`, `providers.tf`, `variables.tf`,
/// `main.tf`, `moved.tf` when an address changed since 0.1.0, `outputs.tf`) or of a module
/// (no provider blocks or `moved` blocks; a `README.md` with the calling block).
pub fn terraform_files(plan: &Plan, shape: Shape) -> Result<Vec<RenderedFile>, Error> {
    let header = header(plan)?;
    render_parts(plan, shape).map(|parts| {
        parts
            .into_iter()
            .map(|(name, body)| RenderedFile {
                contents: if name.ends_with(".tf") {
                    format!("{header}\n{body}")
                } else {
                    body
                },
                name: name.to_string(),
            })
            .collect()
    })
}

/// The comment every file starts with.
fn header(plan: &Plan) -> Result<String, Error> {
    render_context(
        "terraform/header.tf.j2",
        minijinja::context! { plan => crate::render::value(plan) },
    )
}

/// Each file of the shape (a `moved.tf` only with something to move): name and text.
fn render_parts(plan: &Plan, shape: Shape) -> Result<Vec<(&'static str, String)>, Error> {
    let view = TerraformView::new(plan, shape);
    let ctx = minijinja::context! {
        plan => crate::render::value(plan),
        tf => crate::render::value(&view),
    };
    FILES
        .iter()
        .filter(|(name, _, has)| has(shape) && (*name != "moved.tf" || !view.moved.is_empty()))
        .map(|(name, template, _)| Ok((*name, render_context(template, ctx.clone())?)))
        .collect()
}

/// Hangul syllable types (Unicode `Hangul_Syllable_Type`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Hangul {
    L,
    V,
    T,
    Lv,
    Lvt,
}

fn hangul(c: char) -> Option<Hangul> {
    Some(match c as u32 {
        0x1100..=0x115F | 0xA960..=0xA97C => Hangul::L,
        0x1160..=0x11A7 | 0xD7B0..=0xD7C6 => Hangul::V,
        0x11A8..=0x11FF | 0xD7CB..=0xD7FB => Hangul::T,
        n @ 0xAC00..=0xD7A3 if (n - 0xAC00) % 28 == 0 => Hangul::Lv,
        0xAC00..=0xD7A3 => Hangul::Lvt,
        _ => return None,
    })
}

/// Characters that never start a grapheme cluster (`Grapheme_Cluster_Break` Extend, ZWJ or
/// SpacingMark): those a tag key may hold (letters, e.g. Thai SARA AM, the half-width
/// katakana voiced marks), and the common combining-mark blocks.
fn extends(c: char) -> bool {
    matches!(c as u32,
        0x0300..=0x036F
        | 0x0483..=0x0489
        | 0x0591..=0x05BD
        | 0x0610..=0x061A
        | 0x064B..=0x065F
        | 0x0900..=0x0903
        | 0x093A..=0x094F
        | 0x0E31 | 0x0E33..=0x0E3A | 0x0E47..=0x0E4E
        | 0x0EB1 | 0x0EB3..=0x0EBC | 0x0EC8..=0x0ECE
        | 0x1AB0..=0x1AFF
        | 0x1DC0..=0x1DFF
        | 0x200C..=0x200D
        | 0x20D0..=0x20FF
        | 0x302A..=0x302F
        | 0x3099..=0x309A
        | 0xFE00..=0xFE0F
        | 0xFE20..=0xFE2F
        | 0xFF9E..=0xFF9F
        | 0xE0020..=0xE007F
        | 0xE0100..=0xE01EF)
}

/// Letters with `Grapheme_Cluster_Break=Prepend`: the next character joins their cluster.
fn prepends(c: char) -> bool {
    matches!(c as u32,
        0x0600..=0x0605
        | 0x06DD
        | 0x070F
        | 0x0D4E
        | 0x111C2..=0x111C3
        | 0x1193F
        | 0x11941
        | 0x11A3A
        | 0x11A84..=0x11A89
        | 0x11D46
        | 0x11F02)
}

/// The columns `terraform fmt` counts for a text when it aligns `=`: grapheme clusters
/// (hclwrite's `Tokens.Columns`), for the characters ddpl-gen's keys can hold.
pub fn columns(text: &str) -> usize {
    let mut count = 0;
    let mut prev: Option<char> = None;
    for c in text.chars() {
        let joins = match prev {
            None => false,
            Some(p) => {
                extends(c)
                    || (prepends(p) && !c.is_control())
                    || matches!(
                        (hangul(p), hangul(c)),
                        (
                            Some(Hangul::L),
                            Some(Hangul::L | Hangul::V | Hangul::Lv | Hangul::Lvt)
                        ) | (Some(Hangul::Lv | Hangul::V), Some(Hangul::V | Hangul::T))
                            | (Some(Hangul::Lvt | Hangul::T), Some(Hangul::T))
                    )
            }
        };
        if !joins {
            count += 1;
        }
        prev = Some(c);
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Expected values read from `terraform fmt` (v1.0.3) aligning `"<key>" = 1` with
    /// `"x" = 2`.
    #[test]
    fn columns_count_grapheme_clusters_like_terraform_fmt() {
        let cases = [
            ("\"team\"", 6),
            ("\"チーム\"", 5),
            ("\"한국\"", 4),
            ("\"\u{1112}\u{1161}\u{11ab}\u{1100}\u{116e}\u{11a8}\"", 4),
            ("\"e\u{301}x\"", 4),
            ("\"\u{e01}\u{e33}\"", 3),
            ("\"\u{e81}\u{eb3}\"", 3),
            ("\"\u{304b}\u{3099}\"", 3),
            ("\"\u{d4e}\u{d15}\"", 3),
            ("\"ＡＢ\"", 4),
            ("\"a\u{3000}b\"", 5),
            ("\"\u{915}\u{93f}\"", 3),
            ("\"\u{ff76}\u{ff9e}\"", 3),
            ("\"\u{1100}\u{1161}\u{302e}\"", 3),
            ("\"\u{1100}\u{11a8}\"", 4),
            ("\"\u{d55c}\u{11a8}\"", 3),
            ("\"\u{ac00}\u{1161}\"", 3),
            ("\"a\u{1161}\"", 4),
        ];
        for (text, want) in cases {
            assert_eq!(columns(text), want, "{text:?}");
        }
    }
}
