//! What a GraphQL document must pass before async-graphql parses, validates
//! or runs it, on every door (POST, GET, the WebSocket). async-graphql's own
//! limits (depth, complexity) run after its parser and expand every fragment
//! spread anew each time it appears, so a 1 KB document of fragments that
//! spread each other three times over would keep a worker busy for ever, and
//! a deep run of brackets in an argument overflows the parser's stack. Here
//! the text's bracket nesting is bounded before any parsing, and the parsed
//! document's size, with each fragment counted once and reused, is bounded
//! before any validation. Root fields are bounded too: the rate limit counts
//! a request once, however many aliased reads or writes it carries.

use std::collections::{HashMap, HashSet};

use async_graphql::parser::types::{ExecutableDocument, FragmentDefinition, OperationType, Selection, SelectionSet};
use async_graphql::{Name, Positioned};
use server_core::error::AppError;

/// The deepest nesting of `{`, `[` and `(` in a document's text.
pub const MAX_NESTING: usize = 64;

/// The most selections a document may hold with its fragments expanded
/// (GraphiQL's introspection query holds about 150).
pub const MAX_SELECTIONS: usize = 2_000;

/// The most fragments a document may define.
pub const MAX_FRAGMENTS: usize = 100;

/// The most root fields (aliases included) of a query or a subscription.
pub const MAX_ROOT_FIELDS: usize = 20;

/// The most root fields of a mutation: each is a write the rate limit sees as one.
pub const MAX_ROOT_MUTATIONS: usize = 5;

/// Checks `request`'s document (parsing it, so the schema does not parse it
/// again). A document that does not parse passes: executing it reports why.
pub fn check(request: &mut async_graphql::Request) -> Result<(), AppError> {
    if nesting(&request.query) > MAX_NESTING {
        return Err(refused(format!("the document is nested deeper than {MAX_NESTING} brackets")));
    }
    let Ok(document) = request.parsed_query() else { return Ok(()) };
    if document.fragments.len() > MAX_FRAGMENTS {
        return Err(refused(format!("the document defines more than {MAX_FRAGMENTS} fragments")));
    }
    let mut sizes = Sizes::new(document);
    for (_, operation) in document.operations.iter() {
        let set = &operation.node.selection_set.node;
        if sizes.count(set, true) > MAX_SELECTIONS {
            return Err(refused(format!("the document selects more than {MAX_SELECTIONS} fields")));
        }
        let (limit, what) = match operation.node.ty {
            OperationType::Mutation => (MAX_ROOT_MUTATIONS, "mutations"),
            _ => (MAX_ROOT_FIELDS, "root fields"),
        };
        if sizes.count(set, false) > limit {
            return Err(refused(format!("an operation may hold at most {limit} {what}")));
        }
    }
    Ok(())
}

/// Whether every operation of `request`'s document is of type `kind`
/// (false for a document that does not parse or has no operation).
pub fn only(request: &mut async_graphql::Request, kind: OperationType) -> bool {
    request.parsed_query().is_ok_and(|document| {
        let mut operations = document.operations.iter().peekable();
        operations.peek().is_some() && operations.all(|(_, op)| op.node.ty == kind)
    })
}

/// Whether `request`'s document holds an operation of type `kind`.
pub fn any(request: &mut async_graphql::Request, kind: OperationType) -> bool {
    request.parsed_query().is_ok_and(|document| document.operations.iter().any(|(_, op)| op.node.ty == kind))
}

fn refused(message: String) -> AppError {
    AppError::Validation { message, fields: Vec::new() }
}

/// The deepest bracket nesting of `text`, outside strings and comments.
fn nesting(text: &str) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '#' => {
                for c in chars.by_ref() {
                    if c == '\n' || c == '\r' {
                        break;
                    }
                }
            }
            '"' => {
                let block = chars.next_if_eq(&'"').is_some() && chars.next_if_eq(&'"').is_some();
                skip_string(&mut chars, block);
            }
            '{' | '[' | '(' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            '}' | ']' | ')' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

/// Skips past the end of a string (`block`: a `"""` string).
fn skip_string(chars: &mut std::iter::Peekable<std::str::Chars<'_>>, block: bool) {
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '"' if !block => return,
            '"' if chars.next_if_eq(&'"').is_some() && chars.next_if_eq(&'"').is_some() => return,
            '\n' if !block => return,
            _ => {}
        }
    }
}

/// Selection counts, each fragment counted once and remembered.
struct Sizes<'a> {
    fragments: &'a HashMap<Name, Positioned<FragmentDefinition>>,
    deep: HashMap<&'a str, usize>,
    shallow: HashMap<&'a str, usize>,
    visiting: HashSet<&'a str>,
}

impl<'a> Sizes<'a> {
    fn new(document: &'a ExecutableDocument) -> Self {
        Self { fragments: &document.fragments, deep: HashMap::new(), shallow: HashMap::new(), visiting: HashSet::new() }
    }

    /// The fields `set` selects: all of them (`deep`), or its own level only
    /// (through fragments). A fragment that spreads itself counts nothing
    /// here; validation refuses it.
    fn count(&mut self, set: &'a SelectionSet, deep: bool) -> usize {
        set.items.iter().fold(0usize, |total, selection| {
            let n = match &selection.node {
                Selection::Field(field) => {
                    if deep {
                        1usize.saturating_add(self.count(&field.node.selection_set.node, true))
                    } else {
                        1
                    }
                }
                Selection::InlineFragment(inline) => self.count(&inline.node.selection_set.node, deep),
                Selection::FragmentSpread(spread) => self.fragment(spread.node.fragment_name.node.as_str(), deep),
            };
            total.saturating_add(n)
        })
    }

    fn fragment(&mut self, name: &'a str, deep: bool) -> usize {
        let known = if deep { self.deep.get(name) } else { self.shallow.get(name) };
        if let Some(n) = known {
            return *n;
        }
        let Some(fragment) = self.fragments.get(name) else { return 0 };
        if !self.visiting.insert(name) {
            return 0;
        }
        let n = self.count(&fragment.node.selection_set.node, deep);
        self.visiting.remove(name);
        if deep {
            self.deep.insert(name, n);
        } else {
            self.shallow.insert(name, n);
        }
        n
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn checked(query: &str) -> Result<(), AppError> {
        check(&mut async_graphql::Request::new(query))
    }

    #[test]
    fn brackets_are_counted_outside_strings_and_comments() {
        assert_eq!(nesting("{ a { b(x: [1, [2]]) } }"), 5);
        assert_eq!(nesting(r#"{ a(x: "{{{[[[(((") }"#), 2);
        assert_eq!(nesting("{ a(x: \"\"\"{{{ \\\"\"\" [[[ \"\"\") }"), 2);
        assert_eq!(nesting("# {{{{{{\n{ a }"), 1);
        let deep = format!("{{ me(x: {}1{}) {{ role }} }}", "[".repeat(200_000), "]".repeat(200_000));
        assert!(checked(&deep).is_err(), "refused before the parser recurses");
    }

    #[test]
    fn fragments_that_multiply_are_refused_at_once() {
        let mut query = String::from("query { ...F0 }\n");
        for n in 0..29 {
            query.push_str(&format!("fragment F{n} on Query {{ ...F{m} ...F{m} ...F{m} }}\n", m = n + 1));
        }
        query.push_str("fragment F29 on Query { me { role } }\n");
        let started = std::time::Instant::now();
        assert!(checked(&query).is_err());
        assert!(started.elapsed() < std::time::Duration::from_secs(1), "counted once per fragment");
        // A fragment used a few times is fine.
        assert!(checked("{ a: me { ...M } b: me { ...M } } fragment M on Me { role name }").is_ok());
        // One that spreads itself is left to validation, without looping.
        assert!(checked("{ ...F } fragment F on Query { ...F }").is_ok());
    }

    #[test]
    fn root_fields_are_bounded() {
        let reads: Vec<String> = (0..21).map(|n| format!("a{n}: me {{ role }}")).collect();
        assert!(checked(&format!("{{ {} }}", reads[..20].join(" "))).is_ok());
        assert!(checked(&format!("{{ {} }}", reads.join(" "))).is_err());
        let writes: Vec<String> = (0..6).map(|n| format!("d{n}: deleteTemplate(id: {n})")).collect();
        assert!(checked(&format!("mutation {{ {} }}", writes[..5].join(" "))).is_ok());
        assert!(checked(&format!("mutation {{ {} }}", writes.join(" "))).is_err());
    }

    #[test]
    fn operations_are_told_apart() {
        let mixed = "subscription S { alertChanged { firing } } mutation M { deleteReport(id: 5) }";
        let mut request = async_graphql::Request::new(mixed).operation_name("M");
        assert!(!only(&mut request, OperationType::Subscription));
        assert!(any(&mut request, OperationType::Mutation));
        assert!(only(&mut async_graphql::Request::new("subscription { a }"), OperationType::Subscription));
        assert!(!only(&mut async_graphql::Request::new("{ a"), OperationType::Subscription));
    }
}
