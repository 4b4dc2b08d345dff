//! A rule's latest values as a small inline SVG line: one polyline per run
//! of values, a gap where there was no data, a dot for a value alone between
//! gaps. Screen readers get its lowest, highest and latest value in words.

use leptos::prelude::*;

use crate::i18n::{sparkline_label, t, Lang, Msg};
use crate::use_lang;

/// The drawing's width and height, in SVG units (CSS scales it).
const WIDTH: f64 = 120.0;
const HEIGHT: f64 = 28.0;

/// Room kept above and below the line, so the stroke is never cut.
const PAD: f64 = 3.0;

/// The points of each run of values (`None` splits runs), scaled into a
/// `width` × `height` box, the lowest value at the bottom; a flat line in the middle.
pub fn segments(values: &[Option<f64>], width: f64, height: f64) -> Vec<Vec<(f64, f64)>> {
    let known: Vec<f64> = values.iter().flatten().copied().filter(|v| v.is_finite()).collect();
    let (Some(low), Some(high)) = (known.iter().copied().reduce(f64::min), known.iter().copied().reduce(f64::max))
    else {
        return Vec::new();
    };
    let step = if values.len() > 1 { width / (values.len() - 1) as f64 } else { 0.0 };
    let y = |v: f64| {
        if high > low {
            PAD + (high - v) / (high - low) * (height - 2.0 * PAD)
        } else {
            height / 2.0
        }
    };
    let mut runs = Vec::new();
    let mut run = Vec::new();
    for (i, value) in values.iter().enumerate() {
        match value.filter(|v| v.is_finite()) {
            Some(v) => {
                let x = if values.len() > 1 { i as f64 * step } else { width / 2.0 };
                run.push((x, y(v)));
            }
            None if !run.is_empty() => runs.push(std::mem::take(&mut run)),
            None => {}
        }
    }
    if !run.is_empty() {
        runs.push(run);
    }
    runs
}

/// A run's points as SVG writes them (`0.0,14.0 4.1,3.0`).
fn points(run: &[(f64, f64)]) -> String {
    run.iter().map(|(x, y)| format!("{x:.1},{y:.1}")).collect::<Vec<_>>().join(" ")
}

/// What the line says, in words: lowest, highest and latest (`words` writes
/// a value with its unit), or "No data".
pub fn describe(lang: Lang, values: &[Option<f64>], words: impl Fn(f64) -> String) -> String {
    let known: Vec<f64> = values.iter().flatten().copied().filter(|v| v.is_finite()).collect();
    match (known.iter().copied().reduce(f64::min), known.iter().copied().reduce(f64::max), known.last()) {
        (Some(low), Some(high), Some(last)) => {
            sparkline_label(lang, values.len(), &words(low), &words(high), &words(*last))
        }
        _ => t(lang, Msg::NoData).to_owned(),
    }
}

/// The line of `values`, oldest first, named by `label`.
#[component]
pub fn Sparkline(
    /// The values, oldest first (`None`: no data then).
    values: Vec<Option<f64>>,
    /// Its accessible name (see [`describe`]).
    label: String,
) -> impl IntoView {
    let lang = use_lang();
    let runs = segments(&values, WIDTH, HEIGHT);
    if runs.is_empty() {
        return view! {
            <span class="sparkline-empty muted" data-testid="alert-sparkline" role="img" aria-label=label>
                {t(lang, Msg::NoData)}
            </span>
        }
        .into_any();
    }
    let marks = runs
        .into_iter()
        .map(|run| {
            if let [(x, y)] = run.as_slice() {
                view! { <circle cx=format!("{x:.1}") cy=format!("{y:.1}") r="1.8" /> }.into_any()
            } else {
                view! { <polyline points=points(&run) /> }.into_any()
            }
        })
        .collect_view();
    view! {
        <svg
            class="sparkline"
            data-testid="alert-sparkline"
            viewBox=format!("0 0 {WIDTH} {HEIGHT}")
            width=WIDTH.to_string()
            height=HEIGHT.to_string()
            role="img"
            aria-label=label
            focusable="false"
        >
            {marks}
        </svg>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gaps_split_the_line_and_values_scale_into_the_box() {
        let runs = segments(&[Some(0.0), Some(10.0), None, Some(5.0)], 30.0, 26.0);
        assert_eq!(runs.len(), 2);
        assert_eq!(runs[0], vec![(0.0, 23.0), (10.0, 3.0)], "highest at the top, lowest at the bottom");
        assert_eq!(runs[1], vec![(30.0, 13.0)], "a value alone between gaps is a run of one");
    }

    #[test]
    fn a_flat_line_sits_in_the_middle_and_no_data_draws_nothing() {
        assert_eq!(segments(&[Some(4.0), Some(4.0)], 10.0, 20.0), vec![vec![(0.0, 10.0), (10.0, 10.0)]]);
        assert_eq!(segments(&[Some(4.0)], 10.0, 20.0), vec![vec![(5.0, 10.0)]]);
        assert!(segments(&[None, None], 10.0, 20.0).is_empty());
        assert!(segments(&[], 10.0, 20.0).is_empty());
    }

    #[test]
    fn the_words_name_lowest_highest_and_latest() {
        let said = describe(Lang::En, &[Some(2.0), None, Some(9.0), Some(4.5)], |v| format!("{v} ms"));
        assert_eq!(said, "Last 4 values: lowest 2 ms, highest 9 ms, latest 4.5 ms");
        assert_eq!(describe(Lang::En, &[None], |v| v.to_string()), "No data");
    }
}
