//! The complete example in docs/dataset.md is valid under the contract, and
//! solves to the optimum the document states.

use std::path::Path;

use optimiser::dataset::Dataset;
use optimiser::matching::{self, MatchConfig};

/// The first ```json block of docs/dataset.md.
fn doc_example() -> String {
    let doc =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/dataset.md"))
            .expect("docs/dataset.md");
    let start = doc.find("```json\n").expect("a ```json block") + "```json\n".len();
    let end = doc[start..].find("```").expect("the block ends") + start;
    doc[start..end].to_string()
}

#[test]
fn the_documented_example_validates_and_solves_as_documented() {
    let raw: optimiser::dataset::RawDataset =
        api::load::parse_dataset(&doc_example(), "docs/dataset.md").expect("the example parses");
    assert_eq!(raw.version, 1);
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
