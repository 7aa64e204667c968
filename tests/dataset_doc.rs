//! The complete example in docs/dataset.md is valid under the contract, and
//! solves to the optimum the document states.

use std::path::Path;

use optimiser::dataset::Dataset;
use optimiser::matching::{self, MatchConfig};

/// The first ```json block of docs/dataset.md.
fn doc_example() -> String {
    doc_block(0)
}

/// The `n`-th (0-based) ```json block of docs/dataset.md.
fn doc_block(n: usize) -> String {
    let doc =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/dataset.md"))
            .expect("docs/dataset.md");
    let mut from = 0;
    for _ in 0..n {
        from += doc[from..].find("```json\n").expect("a ```json block") + 1;
    }
    let start = from + doc[from..].find("```json\n").expect("a ```json block") + "```json\n".len();
    let end = doc[start..].find("```").expect("the block ends") + start;
    doc[start..end].to_string()
}

#[test]
fn the_v1_1_example_splits_siblings_and_respects_the_homes_residents() {
    let raw = api::load::parse_dataset(&doc_block(1), "docs/dataset.md").expect("parses");
    let data = Dataset::try_from(raw).expect("the v1.1 example is valid");
    let solution = matching::solve(&data, &MatchConfig::default()).expect("solves");
    let place = |c: &str| {
        solution
            .assignments
            .iter()
            .find(|a| a.child == c)
            .map(|a| a.place.as_str())
    };
    assert_eq!(place("CH020"), Some("SC200002"));
    assert_eq!(place("CH021"), Some("SC200001"));
    assert!(solution.unplaced.is_empty(), "{:?}", solution.unplaced);
    assert_eq!(solution.split_groups.len(), 1);
    let split = &solution.split_groups[0];
    assert_eq!((split.group.as_str(), split.places), ("SG1", 2));
    assert_eq!(split.split_cost, 1000.0);
    assert!(split
        .members
        .iter()
        .all(|m| matches!(m.place.as_deref(), Some("FC010" | "FC011"))));
}

#[test]
fn the_documented_example_validates_and_solves_as_documented() {
    let raw: optimiser::dataset::RawDataset =
        api::load::parse_dataset(&doc_example(), "docs/dataset.md").expect("the example parses");
    assert_eq!(raw.version, optimiser::dataset::raw::ContractVersion::V1);
    // Every table appears in the example.
    assert!(!raw.schools.is_empty() && !raw.carers.is_empty() && !raw.homes.is_empty());
    assert!(!raw.children.is_empty() && !raw.sibling_groups.is_empty());
    let data = Dataset::try_from(raw).expect("the example is valid");
    let solution = matching::solve(&data, &MatchConfig::default()).expect("solves");
    let placed: Vec<(&str, &str)> = solution
        .assignments
        .iter()
        .map(|a| (a.child.as_str(), a.place.as_str()))
        .collect();
    assert_eq!(
        placed,
        [
            ("CH001", "FC003"),
            ("CH002", "FC002"),
            ("CH003", "FC002"),
            ("CH004", "SC100001")
        ]
    );
    assert!(solution.unplaced.is_empty());
}

#[test]
fn a_broken_copy_of_the_example_is_rejected() {
    let text = doc_example().replacen("\"occupied\": 0", "\"occupied\": 9", 1);
    let raw: optimiser::dataset::RawDataset =
        api::load::parse_dataset(&text, "example.json").expect("still parses");
    let errors = Dataset::try_from(raw).expect_err("occupied > places is invalid");
    assert!(errors.iter().any(|e| e.field == "occupied"), "{errors:?}");
}
