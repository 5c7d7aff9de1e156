//! `iam-evaluator`: a reference evaluator for AWS IAM, written to follow the AWS
//! documentation rule by rule (see `IAM-SPEC.md` in the project's shared folder).
//!
//! Parse policies once into typed, validated documents; build a [`Request`]; decide
//! it against a [`PolicySet`]. Every denial names the policy type that decided it and
//! carries the AWS access-denied message.
//!
//! ```
//! use iam_evaluator::{evaluate, Context, Layer, Outcome, Policy, PolicySet, PolicyType, Principal, Request};
//!
//! let admin = Policy::parse(
//!     r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#,
//!     PolicyType::Identity,
//! )?;
//! let only_regions = Policy::parse(
//!     r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:DescribeRegions","Resource":"*"}]}"#,
//!     PolicyType::Session,
//! )?;
//! let set = PolicySet { identity: vec![admin], session: Some(vec![only_regions]), ..PolicySet::default() };
//!
//! let caller = Principal::parse("arn:aws:sts::123456789012:assumed-role/example-dev-role/list-region")?;
//! let request = Request::new(caller, "ec2:DescribeVpcs", "*", None, Context::new());
//! let decision = evaluate(&request, &set);
//! assert_eq!(decision.outcome, Outcome::ImplicitDeny);
//! assert_eq!(decision.denied_by, Some(Layer::SessionPolicy));
//! assert_eq!(
//!     decision.message(&request).as_deref(),
//!     Some("User: arn:aws:sts::123456789012:assumed-role/example-dev-role/list-region is not authorized \
//!           to perform: ec2:DescribeVpcs because no session policy allows the ec2:DescribeVpcs action")
//! );
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod condition;
pub mod context;
pub mod decision;
pub mod evaluate;
pub mod import;
pub mod pattern;
pub mod policy;
pub mod principal;
pub mod query;
pub mod request;
pub mod sts;
pub mod variable;
pub mod world;

pub use context::{Context, ContextValue};
pub use decision::{Decision, Layer, Outcome, Trace};
pub use evaluate::{evaluate, evaluate_with_trace, PolicySet};
pub use policy::{ErrorKind, ParseError, Policy, PolicyType};
pub use principal::{Principal, PrincipalMatch};
pub use request::Request;
