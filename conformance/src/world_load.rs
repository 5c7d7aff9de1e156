//! Turns a case's `world` into the evaluator's [`World`], parsing every policy with
//! the type it is used as and checking every reference.

use iam_evaluator::policy::ParseOptions;
use iam_evaluator::world::{Group, IdentityProvider, Organization, Resource, Role, User, World};
use iam_evaluator::{Policy, PolicyType};

use crate::case;

fn parse(doc: &case::PolicyDoc, ty: PolicyType, what: &str) -> Result<Policy, String> {
    // Managed policies may be AWS managed policies, which are larger than the customer
    // limits; world policies are therefore read without the size check.
    Policy::parse_with(&case::policy_text(doc), ty, ParseOptions { check_size: false })
        .map_err(|e| format!("{what}: {e}"))
}

fn inline(map: &std::collections::BTreeMap<String, case::PolicyDoc>, owner: &str) -> Result<Vec<Policy>, String> {
    map.iter().map(|(name, doc)| parse(doc, PolicyType::Identity, &format!("{owner} inline policy {name}"))).collect()
}

/// Loads and validates a world.
pub fn load_world(w: &case::World) -> Result<World, String> {
    load_world_with(w, &[], &std::collections::BTreeMap::new())
}

/// Loads a world, imports its `accountAuthorizationDetails` and the labelled
/// `extra` documents (files given beside it), with `supplied` managed policies for
/// attachments no listing carries, and validates the result.
pub fn load_world_with(
    w: &case::World,
    extra: &[(String, serde_json::Value)],
    supplied: &std::collections::BTreeMap<String, Policy>,
) -> Result<World, String> {
    let mut world = load_own(w)?;
    let labels: Vec<String> =
        (0..w.account_authorization_details.len()).map(|i| format!("world.accountAuthorizationDetails[{i}]")).collect();
    let documents: Vec<(&str, &serde_json::Value)> = labels
        .iter()
        .map(String::as_str)
        .zip(&w.account_authorization_details)
        .chain(extra.iter().map(|(file, value)| (file.as_str(), value)))
        .collect();
    if !documents.is_empty() {
        import_labelled(&mut world, &documents, supplied).map_err(|e| e.to_string())?;
    }
    world.validate().map_err(|e| e.to_string())?;
    Ok(world)
}

/// Imports authorization-details documents, each with the label its errors name, into
/// `world` (the `world.accountAuthorizationDetails` of a case, files beside it, or the
/// documents of an `importAccount` step).
pub fn import_labelled(
    world: &mut World,
    documents: &[(&str, &serde_json::Value)],
    supplied: &std::collections::BTreeMap<String, Policy>,
) -> Result<iam_evaluator::import::ImportSummary, iam_evaluator::import::ImportError> {
    let documents: Vec<iam_evaluator::import::Document<'_>> =
        documents.iter().map(|&(file, value)| iam_evaluator::import::Document { file, value }).collect();
    iam_evaluator::import::import(world, &documents, supplied)
}

/// The world's own keys, not yet validated.
fn load_own(w: &case::World) -> Result<World, String> {
    let mut world = World::default();
    for (arn, doc) in &w.policies {
        world.policies.insert(arn.clone(), parse(doc, PolicyType::Identity, &format!("managed policy {arn}"))?);
    }
    let owners = w.users.iter().map(|(a, u)| (a, &u.inline_policies));
    let owners = owners.chain(w.groups.iter().map(|(a, g)| (a, &g.inline_policies)));
    for (arn, inline) in owners.chain(w.roles.iter().map(|(a, r)| (a, &r.inline_policies))) {
        // In the order `inline` parses them (the map's key order).
        world.inline_policy_names.insert(arn.clone(), inline.keys().cloned().collect());
    }
    for (arn, u) in &w.users {
        world.users.insert(
            arn.clone(),
            User {
                id: u.id.clone(),
                groups: u.groups.clone(),
                inline_policies: inline(&u.inline_policies, &format!("user {arn}"))?,
                managed_policies: u.managed_policies.clone(),
                permissions_boundary: u.permissions_boundary.clone(),
                tags: u.tags.clone(),
            },
        );
    }
    for (arn, g) in &w.groups {
        world.groups.insert(
            arn.clone(),
            Group {
                inline_policies: inline(&g.inline_policies, &format!("group {arn}"))?,
                managed_policies: g.managed_policies.clone(),
            },
        );
    }
    for (arn, r) in &w.roles {
        let trust_policy = r
            .trust_policy
            .as_ref()
            .map(|d| parse(d, PolicyType::Trust, &format!("role {arn} trust policy")))
            .transpose()?;
        world.roles.insert(
            arn.clone(),
            Role {
                id: r.id.clone(),
                trust_policy,
                inline_policies: inline(&r.inline_policies, &format!("role {arn}"))?,
                managed_policies: r.managed_policies.clone(),
                permissions_boundary: r.permissions_boundary.clone(),
                max_session_duration: r.max_session_duration.unwrap_or(3600),
                tags: r.tags.clone(),
            },
        );
    }
    for (arn, r) in &w.resources {
        let policy =
            r.policy.as_ref().map(|d| parse(d, PolicyType::Resource, &format!("resource {arn} policy"))).transpose()?;
        world.resources.insert(arn.clone(), Resource { account: r.account.clone(), policy });
    }
    if let Some(o) = &w.organization {
        let levels =
            |m: &std::collections::BTreeMap<String, Vec<case::PolicyDoc>>, ty: PolicyType| -> Result<_, String> {
                m.iter()
                    .map(|(level, docs)| {
                        let ps = docs
                            .iter()
                            .enumerate()
                            .map(|(i, d)| parse(d, ty, &format!("{} {} of {level}", ty.name(), i + 1)))
                            .collect::<Result<Vec<_>, _>>()?;
                        Ok((level.clone(), ps))
                    })
                    .collect::<Result<std::collections::BTreeMap<_, _>, String>>()
            };
        world.organization = Some(Organization {
            id: o.id.clone(),
            management_account: o.management_account.clone(),
            accounts: o.accounts.clone(),
            scps: levels(&o.scps, PolicyType::Scp)?,
            rcps: levels(&o.rcps, PolicyType::Rcp)?,
        });
    }
    for (arn, p) in &w.identity_providers {
        world.identity_providers.insert(
            arn.clone(),
            IdentityProvider {
                url: p.url.clone(),
                client_ids: p.client_ids.clone().unwrap_or_default(),
                issuer: p.issuer.clone(),
            },
        );
    }
    Ok(world)
}
