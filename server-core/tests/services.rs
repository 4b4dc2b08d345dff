//! The services called directly, with no router and no Leptos: what any door
//! (REST, a server function, a job, GraphQL) gets, role rules included.

use server_core::auth::{Caller, Principal, Via};
use server_core::countries::CountryIndex;
use server_core::db::Db;
use server_core::error::AppError;
use server_core::model::{ProblemInput, ProblemQuery, Role};
use server_core::services::problems;
use server_core::state::AppState;

/// A fresh database (a temporary SQLite file, with the migrations applied)
/// under the core's default state.
async fn state() -> (AppState, std::path::PathBuf) {
    let path = std::env::temp_dir().join(format!("core-services-{}-{}.db", std::process::id(), next_suffix()));
    let db = Db::connect(&format!("sqlite://{}", path.display())).await.expect("sqlite");
    db.migrate().await.expect("migrations");
    (AppState::new(db, CountryIndex::from_json("{}").expect("empty country index")), path)
}

/// A distinct suffix per call within this process (tests run in parallel).
fn next_suffix() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// An API-key caller with `role`.
fn caller(role: Role) -> Caller {
    Caller {
        principal: Some(std::sync::Arc::new(Principal {
            account_id: None,
            name: format!("api_key:{}", role.as_str()),
            role,
            scopes: Vec::new(),
            via: Via::ApiKey { id: 1 },
            must_change_password: false,
        })),
        ..Caller::default()
    }
}

fn input(title: &str) -> ProblemInput {
    ProblemInput {
        title: title.into(),
        content: "What is 6 × 7?".into(),
        answer: Some("42".into()),
        subject: Some("math".into()),
        difficulty: Some("easy".into()),
        status: None,
    }
}

#[tokio::test]
async fn the_problem_service_enforces_its_roles_with_no_door_in_front() {
    let (state, path) = state().await;

    let anonymous = problems::create(&state, &Caller::default(), &input("anonymous")).await;
    assert_eq!(anonymous.unwrap_err(), AppError::Unauthorized);
    let viewer = problems::create(&state, &caller(Role::Viewer), &input("viewer")).await;
    assert_eq!(viewer.unwrap_err(), AppError::Forbidden);

    let created =
        problems::create(&state, &caller(Role::Editor), &input("by an editor")).await.expect("editor creates");
    assert_eq!(created.title, "by an editor");

    // Viewers read; what they see is only what the editor wrote.
    let page = problems::list(&state, &caller(Role::Viewer), &ProblemQuery::default()).await.expect("viewer lists");
    let titles: Vec<&str> = page.problems.iter().map(|p| p.title.as_str()).collect();
    assert_eq!(titles, ["by an editor"]);
    assert_eq!(
        problems::list(&state, &Caller::default(), &ProblemQuery::default()).await.unwrap_err(),
        AppError::Unauthorized
    );

    state.db.close().await;
    let _ = std::fs::remove_file(&path);
}
