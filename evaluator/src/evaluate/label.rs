//! Where each policy of a set sits, and what it is: a managed policy's ARN, an inline
//! policy and its owner, an organization level, or its place in a case file. The
//! trace names policies by these labels, never by position alone.

use std::fmt;

/// The place of one policy in a [`super::PolicySet`]; the action index and the labels
/// are both kept by place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PolicySlot {
    /// `identity[i]`.
    Identity(usize),
    /// The resource-based (or trust) policy.
    Resource,
    /// The permissions boundary.
    Boundary,
    /// `session[i]`.
    Session(usize),
    /// `scps[level][index]`.
    Scp {
        /// The level, root first, from 0.
        level: usize,
        /// The policy within the level, from 0.
        index: usize,
    },
    /// `rcps[level][index]`.
    Rcp {
        /// The level, root first, from 0.
        level: usize,
        /// The policy within the level, from 0.
        index: usize,
    },
}

/// Who owns an inline policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Owner {
    /// An IAM user.
    User,
    /// An IAM group.
    Group,
    /// An IAM role.
    Role,
}

impl Owner {
    /// The owner kind in words.
    pub fn name(self) -> &'static str {
        match self {
            Owner::User => "user",
            Owner::Group => "group",
            Owner::Role => "role",
        }
    }
}

/// What a policy is, for a person reading a trace.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PolicyLabel {
    /// A managed policy (identity policy, boundary or session `PolicyArns`), by ARN.
    Managed {
        /// The policy ARN.
        arn: String,
    },
    /// An inline policy of a user, group or role.
    Inline {
        /// The policy's name, when known; else its position among the owner's inline
        /// policies, from 1.
        name: String,
        /// The owner kind.
        owner: Owner,
        /// The owner's ARN.
        owner_arn: String,
    },
    /// A resource's own policy (bucket policy, key policy, queue policy).
    ResourcePolicy {
        /// The resource ARN.
        resource: String,
    },
    /// A role's trust policy.
    TrustPolicy {
        /// The role ARN.
        role: String,
    },
    /// An SCP or RCP attached to an organization root, OU or account.
    Organization {
        /// The root, OU or account id the policy is attached to.
        target: String,
        /// The policy's position at that target, from 1.
        position: usize,
    },
    /// The default SCP `FullAWSAccess` at a level that has no SCP of its own.
    FullAwsAccess {
        /// The root, OU or account id.
        target: String,
    },
    /// The inline session policy (the `Policy` parameter).
    InlineSessionPolicy,
    /// Where the policy sits in a case file, such as `identityPolicies[0]`.
    CaseField {
        /// The field path.
        path: String,
    },
}

impl fmt::Display for PolicyLabel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PolicyLabel::Managed { arn } => write!(f, "managed policy {arn}"),
            PolicyLabel::Inline { name, owner, owner_arn } => {
                write!(f, "inline policy {name} of {} {owner_arn}", owner.name())
            }
            PolicyLabel::ResourcePolicy { resource } => write!(f, "resource-based policy of {resource}"),
            PolicyLabel::TrustPolicy { role } => write!(f, "trust policy of {role}"),
            PolicyLabel::Organization { target, position } => write!(f, "policy {position} attached to {target}"),
            PolicyLabel::FullAwsAccess { target } => write!(f, "FullAWSAccess attached to {target}"),
            PolicyLabel::InlineSessionPolicy => f.write_str("inline session policy (Policy parameter)"),
            PolicyLabel::CaseField { path } => f.write_str(path),
        }
    }
}

/// The label of a policy that has none: its kind and place.
pub(super) fn fallback(slot: PolicySlot, trust: bool) -> String {
    match slot {
        PolicySlot::Identity(i) => format!("identity policy {}", i + 1),
        PolicySlot::Resource if trust => "role trust policy".to_string(),
        PolicySlot::Resource => "resource-based policy".to_string(),
        PolicySlot::Boundary => "permissions boundary".to_string(),
        PolicySlot::Session(i) => format!("session policy {}", i + 1),
        PolicySlot::Scp { level, index } => format!("SCP level {}, policy {}", level + 1, index + 1),
        PolicySlot::Rcp { level, index } => format!("RCP level {}, policy {}", level + 1, index + 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_name_the_policy() {
        let inline = PolicyLabel::Inline {
            name: "s3-read".into(),
            owner: Owner::Role,
            owner_arn: "arn:aws:iam::1:role/r".into(),
        };
        assert_eq!(inline.to_string(), "inline policy s3-read of role arn:aws:iam::1:role/r");
        assert_eq!(fallback(PolicySlot::Scp { level: 1, index: 0 }, false), "SCP level 2, policy 1");
        assert_eq!(fallback(PolicySlot::Resource, true), "role trust policy");
    }
}
