//! What the service's tests share.

use std::path::Path;

use casefile_app::Case;

/// A new case whose first member is an identity made for the test, and the
/// case unlocked with it, as a cleared member works.
pub fn test_case(dir: &Path, origin: &str) -> Case {
    let identity = casefile_app::keys::Identity::generate();
    let founding = casefile_app::Founding {
        name: "tester".into(),
        recipient: identity.recipient(),
        recovery: None,
    };
    let case = Case::init_with(dir, Some(origin), &founding).unwrap();
    case.unlock(&identity).unwrap();
    case
}
