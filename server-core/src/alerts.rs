//! Alerts (SPEC §5.14): threshold rules over the platform's figures and the
//! service's own health. [`figures`] reads a rule's figure from what the
//! dashboard already keeps, [`machine`] moves its state (normal → pending →
//! firing → resolved), [`evaluator`] claims each rule's slot once across
//! replicas and applies the result with its history and deliveries, and
//! [`notice`] says it in the report channels' words.

pub mod evaluator;
pub mod figures;
pub mod machine;
pub mod notice;
