//! `iam-conformance`: the conformance corpus runner, the harness protocol, and the
//! oracle CLI for AWS IAM evaluators.
//!
//! ```
//! use iam_conformance::{reference::Reference, runner};
//!
//! let case = runner::parse_case(r#"{
//!   "description": "an Allow for the exact action allows",
//!   "sources": ["https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html"],
//!   "steps": [{
//!     "evaluate": {
//!       "principal": "arn:aws:iam::111122223333:user/alice",
//!       "action": "s3:GetObject", "resource": "arn:aws:s3:::bucket/key",
//!       "identityPolicies": [{"Version": "2012-10-17",
//!         "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}}]
//!     },
//!     "expect": {"decision": "allowed"}
//!   }]
//! }"#)?;
//! let outcome = runner::Implementation::run(&mut Reference, &case);
//! let (status, _, _) = runner::judge(&case, &outcome);
//! assert_eq!(status, runner::Status::Passed);
//! # Ok::<(), iam_conformance::case_error::CaseError>(())
//! ```

pub mod audit;
pub mod case;
pub mod case_error;
pub mod diff;
pub mod explain;
pub mod fuzzing;
pub mod gen;
pub mod locate;
pub mod matrix;
pub mod props;
pub mod protocol;
pub mod queries;
pub mod reference;
pub mod report;
pub mod runner;
pub mod serve;
pub mod validate;
pub mod world_load;
