//! Report templates (SPEC §5.10): list, create, edit, clone and delete, plus
//! the two built-ins every installation starts with. Viewers read; editors
//! write; built-ins are read-only (clone them to change one). Every field of
//! a template, sections and period included, is checked at once, and each bad
//! one is named (`sections[2].limit`).

use std::collections::BTreeSet;

use chrono::NaiveDate;

use crate::auth::Caller;
use crate::db::report_templates::{self, Deleted, Fields};
use crate::db::{audit as audit_db, Ts};
use crate::error::{AppError, Result};
use crate::model::{
    Period, Role, Section, Template, TemplateInput, TemplateList, COMPARISON_METRICS, MAX_PERIOD_DAYS,
    MAX_REPORT_DESCRIPTION, MAX_REPORT_NAME, MAX_SECTIONS, MAX_SECTION_TEXT, PERIOD_KINDS, REPORT_CHARTS,
    SECTION_KINDS, TEMPLATE_CATEGORIES,
};
use crate::services::audit;
use crate::services::paging::{given, one_of, Problems};
use crate::state::AppState;

/// The longest section heading, in characters.
const MAX_HEADING: usize = 100;

/// Checks a name: 1–100 characters once trimmed.
pub(crate) fn check_name(errors: &mut Problems, name: &str) -> String {
    let name = name.trim();
    match name.chars().count() {
        0 => errors.add("name", "is required"),
        n if n > MAX_REPORT_NAME => {
            errors.add("name", format!("must be at most {MAX_REPORT_NAME} characters (it has {n})"))
        }
        _ => {}
    }
    name.to_owned()
}

/// Checks a description: up to 500 characters once trimmed.
pub(crate) fn check_description(errors: &mut Problems, description: &Option<String>) -> String {
    let description = given(description).unwrap_or_default();
    if description.chars().count() > MAX_REPORT_DESCRIPTION {
        errors.add("description", format!("must be at most {MAX_REPORT_DESCRIPTION} characters"));
    }
    description.to_owned()
}

fn day(errors: &mut Problems, field: &str, value: &Option<String>) -> Option<NaiveDate> {
    match given(value) {
        None => {
            errors.add(field, "is required for a fixed period");
            None
        }
        Some(text) => errors.keep(
            field,
            NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| format!("'{text}' is not a date (YYYY-MM-DD)")),
        ),
    }
}

/// Checks a period, naming bad fields under `prefix` (`period`); returns it
/// with only its kind's fields kept.
pub(crate) fn check_period(errors: &mut Problems, prefix: &str, period: &Period) -> Period {
    let kind = period.kind.trim();
    let mut clean = Period { kind: kind.to_owned(), ..Period::default() };
    match kind {
        "last_n_days" => match period.days {
            Some(days) if (1..=MAX_PERIOD_DAYS).contains(&days) => clean.days = Some(days),
            Some(_) => errors.add(&format!("{prefix}.days"), format!("must be 1–{MAX_PERIOD_DAYS}")),
            None => errors.add(&format!("{prefix}.days"), "is required for last_n_days"),
        },
        "fixed" => {
            let from = day(errors, &format!("{prefix}.from"), &period.from);
            let to = day(errors, &format!("{prefix}.to"), &period.to);
            if let (Some(from), Some(to)) = (from, to) {
                let days = (to - from).num_days() + 1;
                if days < 1 {
                    errors.add(&format!("{prefix}.to"), "must not be before from");
                } else if days > MAX_PERIOD_DAYS {
                    errors
                        .add(&format!("{prefix}.to"), format!("the period is {days} days: at most {MAX_PERIOD_DAYS}"));
                }
                clean.from = Some(from.to_string());
                clean.to = Some(to.to_string());
            }
        }
        k if PERIOD_KINDS.contains(&k) => {}
        "" => errors.add(&format!("{prefix}.kind"), "is required"),
        _ => errors.add(&format!("{prefix}.kind"), format!("must be one of {}", PERIOD_KINDS.join(", "))),
    }
    clean
}

fn bounded(
    errors: &mut Problems,
    field: &str,
    value: Option<i64>,
    range: std::ops::RangeInclusive<i64>,
) -> Option<i64> {
    match value {
        Some(v) if !range.contains(&v) => {
            errors.add(field, format!("must be {}–{}", range.start(), range.end()));
            None
        }
        other => other,
    }
}

/// Checks one section (number `i`), keeping only its kind's options.
fn check_section(errors: &mut Problems, i: usize, section: &Section) -> Section {
    let at = |name: &str| format!("sections[{i}].{name}");
    let kind = section.kind.trim();
    let mut clean = Section { kind: kind.to_owned(), ..Section::default() };
    let title = given(&section.title);
    if title.is_some_and(|t| t.chars().count() > MAX_HEADING) {
        errors.add(&at("title"), format!("must be at most {MAX_HEADING} characters"));
    }
    clean.title = title.map(str::to_owned);
    match kind {
        "stat_summary" => {}
        "chart" => clean.chart = errors.keep(&at("chart"), required_one_of(&section.chart, &REPORT_CHARTS)),
        "top_countries" => clean.limit = bounded(errors, &at("limit"), section.limit, 1..=50),
        "problem_bank" => clean.limit = bounded(errors, &at("limit"), section.limit, 1..=20),
        "comparison" => {
            if let Some(metrics) = &section.metrics {
                let mut seen = BTreeSet::new();
                if metrics.is_empty() {
                    errors.add(&at("metrics"), "must name at least one figure (or be left out for all)");
                }
                for metric in metrics {
                    if !COMPARISON_METRICS.contains(&metric.as_str()) {
                        errors
                            .add(&at("metrics"), format!("'{metric}' is not one of {}", COMPARISON_METRICS.join(", ")));
                    } else if !seen.insert(metric.as_str()) {
                        errors.add(&at("metrics"), format!("'{metric}' is named twice"));
                    }
                }
                clean.metrics = Some(metrics.clone());
            }
        }
        "anomalies" => {
            clean.lookback_days = bounded(errors, &at("lookback_days"), section.lookback_days, 7..=90);
            clean.min_z = match section.min_z {
                Some(z) if !(1.5..=10.0).contains(&z) => {
                    errors.add(&at("min_z"), "must be 1.5–10");
                    None
                }
                other => other,
            };
        }
        "text" => match given(&section.body) {
            None => errors.add(&at("body"), "is required"),
            Some(body) if body.chars().count() > MAX_SECTION_TEXT => {
                errors.add(&at("body"), format!("must be at most {MAX_SECTION_TEXT} characters"))
            }
            Some(body) => clean.body = Some(body.to_owned()),
        },
        "" => errors.add(&at("kind"), "is required"),
        _ => errors.add(&at("kind"), format!("must be one of {}", SECTION_KINDS.join(", "))),
    }
    clean
}

/// `value`, which must be given and one of `allowed`.
fn required_one_of(value: &Option<String>, allowed: &[&str]) -> Result<String, String> {
    one_of(value, allowed)?.ok_or_else(|| format!("is required: one of {}", allowed.join(", ")))
}

/// Checks every field of a template; all the invalid ones are reported together.
pub fn validate(input: &TemplateInput) -> Result<Fields> {
    let mut errors = Problems::default();
    let name = check_name(&mut errors, &input.name);
    let description = check_description(&mut errors, &input.description);
    let category =
        errors.keep("category", one_of(&input.category, &TEMPLATE_CATEGORIES)).flatten().unwrap_or("custom".into());
    let period = match &input.period {
        Some(period) => check_period(&mut errors, "period", period),
        None => Period { kind: "last_7_days".into(), ..Period::default() },
    };
    if input.sections.is_empty() || input.sections.len() > MAX_SECTIONS {
        errors.add("sections", format!("must have 1–{MAX_SECTIONS} sections (it has {})", input.sections.len()));
    }
    let sections: Vec<Section> =
        input.sections.iter().take(MAX_SECTIONS).enumerate().map(|(i, s)| check_section(&mut errors, i, s)).collect();
    errors.finish()?;
    Ok(Fields {
        name,
        description,
        category,
        period: serde_json::to_string(&period).map_err(|_| AppError::Internal)?,
        sections: serde_json::to_string(&sections).map_err(|_| AppError::Internal)?,
    })
}

fn not_found() -> AppError {
    AppError::NotFound { what: "template".into() }
}

fn name_taken() -> AppError {
    AppError::Validation {
        message: "the request has invalid fields".into(),
        fields: vec![crate::error::FieldError {
            field: "name".into(),
            message: "is already used by another template".into(),
        }],
    }
}

/// Maps the unique index's conflict on the name (a race with another editor)
/// to the same field error the check before it gives.
fn named(err: AppError) -> AppError {
    match err {
        AppError::Conflict { .. } => name_taken(),
        other => other,
    }
}

/// Every template (viewers and above).
pub async fn list(state: &AppState, caller: &Caller) -> Result<TemplateList> {
    caller.require(Role::Viewer)?;
    Ok(TemplateList { templates: report_templates::all(&state.db).await? })
}

/// One template (viewers and above).
pub async fn get(state: &AppState, caller: &Caller, id: i64) -> Result<Template> {
    caller.require(Role::Viewer)?;
    report_templates::by_id(&state.db, id).await?.ok_or_else(not_found)
}

async fn insert(state: &AppState, caller: &Caller, fields: &Fields, action: &str) -> Result<Template> {
    if report_templates::id_by_name(&state.db, &fields.name).await?.is_some() {
        return Err(name_taken());
    }
    let actor = caller.actor();
    let details = serde_json::json!({ "name": fields.name });
    let entry = audit::entry(caller, &actor, action, None, true, Some(details));
    let at = Ts::from(state.clock.now());
    let id = report_templates::insert(&state.db, fields, None, &actor, at, &entry)
        .await
        .map_err(named)?
        .ok_or_else(name_taken)?;
    crate::observability::events::created("template", id);
    get(state, caller, id).await
}

/// Creates a template (editors and above).
pub async fn create(state: &AppState, caller: &Caller, input: &TemplateInput) -> Result<Template> {
    caller.require(Role::Editor)?;
    let fields = validate(input)?;
    insert(state, caller, &fields, "template.create").await
}

/// Replaces a template's fields (editors and above); built-ins are read-only.
pub async fn update(state: &AppState, caller: &Caller, id: i64, input: &TemplateInput) -> Result<Template> {
    caller.require(Role::Editor)?;
    let current = report_templates::by_id(&state.db, id).await?.ok_or_else(not_found)?;
    if current.builtin.is_some() {
        return Err(AppError::BusinessRule { message: "built-in templates cannot be changed: clone it first".into() });
    }
    let fields = validate(input)?;
    if report_templates::id_by_name(&state.db, &fields.name).await?.is_some_and(|other| other != id) {
        return Err(name_taken());
    }
    let actor = caller.actor();
    let target = format!("template:{id}");
    let details = serde_json::json!({ "name": fields.name });
    let entry = audit::entry(caller, &actor, "template.update", Some(&target), true, Some(details));
    let at = Ts::from(state.clock.now());
    if !report_templates::update(&state.db, id, &fields, at, &entry).await.map_err(named)? {
        return Err(not_found());
    }
    crate::observability::events::updated("template", id, &["template"]);
    get(state, caller, id).await
}

/// The first free name of the form "`name` (copy)", "`name` (copy 2)", …
/// cut so it stays within the name's length.
pub(crate) fn copy_name(name: &str, taken: impl Fn(&str) -> bool) -> String {
    (1..)
        .map(|n| {
            let suffix = if n == 1 { " (copy)".to_owned() } else { format!(" (copy {n})") };
            let room = MAX_REPORT_NAME - suffix.chars().count();
            format!("{}{suffix}", name.chars().take(room).collect::<String>())
        })
        .find(|candidate| !taken(candidate))
        .unwrap_or_else(|| name.to_owned())
}

/// Copies a template, built-ins included, under a free "(copy)" name
/// (editors and above); the copy is an ordinary, editable template.
pub async fn clone(state: &AppState, caller: &Caller, id: i64) -> Result<Template> {
    caller.require(Role::Editor)?;
    let source = report_templates::by_id(&state.db, id).await?.ok_or_else(not_found)?;
    let names: BTreeSet<String> =
        report_templates::all(&state.db).await?.into_iter().map(|t| t.name.to_lowercase()).collect();
    let fields = Fields {
        name: copy_name(&source.name, |n| names.contains(&n.to_lowercase())),
        description: source.description,
        category: source.category,
        period: serde_json::to_string(&source.period).map_err(|_| AppError::Internal)?,
        sections: serde_json::to_string(&source.sections).map_err(|_| AppError::Internal)?,
    };
    insert(state, caller, &fields, "template.clone").await
}

/// Deletes a template no report uses (editors and above); built-ins stay.
pub async fn delete(state: &AppState, caller: &Caller, id: i64) -> Result<()> {
    caller.require(Role::Editor)?;
    let current = report_templates::by_id(&state.db, id).await?.ok_or_else(not_found)?;
    if current.builtin.is_some() {
        return Err(AppError::BusinessRule { message: "built-in templates cannot be deleted".into() });
    }
    let actor = caller.actor();
    let target = format!("template:{id}");
    let entry = audit::entry(caller, &actor, "template.delete", Some(&target), true, None);
    match report_templates::delete(&state.db, id, Ts::from(state.clock.now()), &entry).await? {
        Deleted::Yes => {
            crate::observability::events::deleted("template", id);
            Ok(())
        }
        Deleted::NotFound => Err(not_found()),
        Deleted::InUse(n) => {
            Err(AppError::Conflict { message: format!("{n} report(s) use this template: change or delete them first") })
        }
    }
}

/// The two built-in templates: (key, name, category, period, sections).
fn builtins() -> [(&'static str, &'static str, &'static str, Period, Vec<Section>); 2] {
    let period = |kind: &str| Period { kind: kind.into(), ..Period::default() };
    let section = |kind: &str| Section { kind: kind.into(), ..Section::default() };
    let chart = |chart: &str| Section { kind: "chart".into(), chart: Some(chart.into()), ..Section::default() };
    let top = |limit: i64| Section { kind: "top_countries".into(), limit: Some(limit), ..Section::default() };
    [
        (
            "daily",
            "Daily report",
            "daily",
            period("yesterday"),
            vec![section("stat_summary"), chart("activity"), top(10), section("anomalies")],
        ),
        (
            "weekly",
            "Weekly summary",
            "weekly",
            period("last_week"),
            vec![
                section("stat_summary"),
                chart("user_growth"),
                chart("activity"),
                chart("users_by_type"),
                top(10),
                Section { kind: "problem_bank".into(), limit: Some(5), ..Section::default() },
                section("comparison"),
                section("anomalies"),
            ],
        ),
    ]
}

/// Adds the built-in templates that are missing; returns their ids by key.
/// Safe to run on every replica at once: the first insert of each wins.
pub async fn ensure_builtins(state: &AppState) -> Result<Vec<(&'static str, i64)>> {
    let mut ids = Vec::new();
    for (key, name, category, period, sections) in builtins() {
        if let Some(id) = report_templates::builtin_id(&state.db, key).await? {
            ids.push((key, id));
            continue;
        }
        let fields = Fields {
            name: name.into(),
            description: String::new(),
            category: category.into(),
            period: serde_json::to_string(&period).map_err(|_| AppError::Internal)?,
            sections: serde_json::to_string(&sections).map_err(|_| AppError::Internal)?,
        };
        let entry =
            audit_db::NewEntry { actor: "system", action: "template.create", success: true, ..Default::default() };
        let at = Ts::from(state.clock.now());
        report_templates::insert(&state.db, &fields, Some(key), "system", at, &entry).await?;
        if let Some(id) = report_templates::builtin_id(&state.db, key).await? {
            ids.push((key, id));
        }
    }
    Ok(ids)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields_of(err: AppError) -> Vec<String> {
        match err {
            AppError::Validation { fields, .. } => fields.into_iter().map(|f| f.field).collect(),
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn every_bad_field_is_named_with_its_section() {
        let input = TemplateInput {
            name: " ".into(),
            category: Some("yearly".into()),
            period: Some(Period { kind: "fixed".into(), from: Some("2026-13-01".into()), ..Period::default() }),
            sections: vec![
                Section { kind: "chart".into(), chart: Some("pie".into()), ..Section::default() },
                Section { kind: "top_countries".into(), limit: Some(51), ..Section::default() },
                Section { kind: "nope".into(), ..Section::default() },
                Section { kind: "text".into(), ..Section::default() },
                Section { kind: "comparison".into(), metrics: Some(vec!["x".into()]), ..Section::default() },
                Section { kind: "anomalies".into(), min_z: Some(f64::NAN), ..Section::default() },
            ],
            ..TemplateInput::default()
        };
        assert_eq!(
            fields_of(validate(&input).unwrap_err()),
            [
                "name",
                "category",
                "period.from",
                "period.to",
                "sections[0].chart",
                "sections[1].limit",
                "sections[2].kind",
                "sections[3].body",
                "sections[4].metrics",
                "sections[5].min_z",
            ]
        );
    }

    #[test]
    fn a_valid_template_keeps_only_its_kinds_options() {
        let input = TemplateInput {
            name: " Weekly ".into(),
            sections: vec![Section {
                kind: "chart".into(),
                chart: Some("activity".into()),
                limit: Some(3),
                body: Some("dropped".into()),
                ..Section::default()
            }],
            ..TemplateInput::default()
        };
        let fields = validate(&input).unwrap();
        assert_eq!(fields.name, "Weekly");
        assert_eq!(fields.category, "custom");
        assert_eq!(fields.period, r#"{"kind":"last_7_days"}"#);
        assert_eq!(fields.sections, r#"[{"kind":"chart","chart":"activity"}]"#);
    }

    #[test]
    fn periods_are_bounded() {
        let check = |period: Period| {
            let mut errors = Problems::default();
            let clean = check_period(&mut errors, "period", &period);
            (errors.finish().is_ok(), clean)
        };
        let fixed = |from: &str, to: &str| Period {
            kind: "fixed".into(),
            from: Some(from.into()),
            to: Some(to.into()),
            ..Period::default()
        };
        assert!(check(fixed("2025-01-01", "2026-01-01")).0, "366 days");
        assert!(!check(fixed("2025-01-01", "2026-01-02")).0, "367 days");
        assert!(!check(fixed("2026-01-02", "2026-01-01")).0, "backwards");
        let n = |days| Period { kind: "last_n_days".into(), days, ..Period::default() };
        assert!(check(n(Some(366))).0);
        assert!(!check(n(Some(0))).0);
        assert!(!check(n(None)).0);
        let (ok, clean) = check(Period { kind: "yesterday".into(), days: Some(4), ..Period::default() });
        assert!(ok);
        assert_eq!(clean.days, None, "options of other kinds are dropped");
    }

    #[test]
    fn copies_get_the_first_free_name_within_the_limit() {
        assert_eq!(copy_name("A", |_| false), "A (copy)");
        assert_eq!(copy_name("A", |n| n == "A (copy)"), "A (copy 2)");
        let long = "가".repeat(MAX_REPORT_NAME);
        let copy = copy_name(&long, |_| false);
        assert_eq!(copy.chars().count(), MAX_REPORT_NAME);
        assert!(copy.ends_with(" (copy)"));
    }
}
