//! The layering rule, checked over the source tree: the doors onto the
//! services — REST handlers (`server/src/rest/`), server functions
//! (`app/src/api/`) and GraphQL resolvers (`server/src/graphql/`) — never reach the database and never decide who may do
//! what. Services take the caller and own every rule, roles included, so a
//! new door (GraphQL, a job) cannot forget a check that lives in another door.

use std::path::{Path, PathBuf};

/// What a door must not contain, with why.
const FORBIDDEN: [(&str, &str); 6] = [
    ("db::", "queries belong to server-core/src/db, reached through a service"),
    ("sqlx", "queries belong to server-core/src/db, reached through a service"),
    (".require(", "role checks belong to the service the door calls"),
    (".require_person(", "role checks belong to the service the door calls"),
    ("has_scope(", "scope checks belong to the service the door calls"),
    ("Role::", "roles are the services' business (the door passes the caller)"),
];

fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

/// The code of `source` without comments (doc comments name these words freely).
fn code_lines(source: &str) -> impl Iterator<Item = (usize, &str)> {
    source
        .lines()
        .enumerate()
        .map(|(i, line)| (i + 1, line.split("//").next().unwrap_or_default()))
        .filter(|(_, code)| !code.trim().is_empty())
}

#[test]
fn rest_handlers_and_server_functions_are_thin_doors() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let mut doors = Vec::new();
    rust_files(&root.join("server/src/rest"), &mut doors);
    rust_files(&root.join("app/src/api"), &mut doors);
    rust_files(&root.join("server/src/graphql"), &mut doors);
    doors.push(root.join("app/src/api.rs"));
    doors.push(root.join("server/src/graphql.rs"));
    assert!(doors.len() > 20, "found only {} files: has the tree moved?", doors.len());

    let mut violations = Vec::new();
    for path in &doors {
        let source = std::fs::read_to_string(path).unwrap();
        for (number, code) in code_lines(&source) {
            for (needle, why) in FORBIDDEN {
                if code.contains(needle) {
                    let shown = path.strip_prefix(root).unwrap().display();
                    violations.push(format!("{shown}:{number}: `{}` — {why}", code.trim()));
                }
            }
        }
    }
    assert!(violations.is_empty(), "doors doing a service's work:\n{}", violations.join("\n"));
}

#[test]
fn the_check_sees_a_violation() {
    // The scanner itself: a role check in code is found, one in a comment is not.
    let source =
        "fn f() {\n    // caller.require(Role::Viewer) is the service's\n    caller.require(Role::Viewer)?;\n}\n";
    let hits: Vec<usize> = code_lines(source).filter(|(_, c)| c.contains(".require(")).map(|(n, _)| n).collect();
    assert_eq!(hits, [3]);
}

/// The core and the shared types know nothing of Leptos: services are tested,
/// and later doors (GraphQL, jobs) call them, without a renderer, and both
/// crates build beside Leptos instead of after it.
#[test]
fn the_core_and_the_shared_types_do_not_depend_on_leptos() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    for krate in ["server-core", "types"] {
        let manifest = std::fs::read_to_string(root.join(krate).join("Cargo.toml")).unwrap();
        let leptos: Vec<&str> = manifest
            .lines()
            .filter(|line| !line.trim_start().starts_with('#'))
            .filter(|line| line.trim_start().starts_with("leptos"))
            .collect();
        assert!(leptos.is_empty(), "{krate}/Cargo.toml depends on Leptos: {leptos:?}");
    }
    let core = std::fs::read_to_string(root.join("server-core/Cargo.toml")).unwrap();
    assert!(!core.lines().any(|line| line.starts_with("app")), "the core must not depend on the UI crate");
}
