//! A request to decide: who, what action, on which resource, with which context.

use crate::context::{Context, ContextValue};
use crate::principal::Principal;

/// One request. Build it once and decide it against many policy sets.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    /// The caller.
    pub principal: Principal,
    /// The action as given (`sns:CreateTopic`).
    pub action: String,
    /// The resource ARN, or `*` for actions without a resource.
    pub resource: String,
    /// The account that owns the resource.
    pub resource_account: String,
    /// The context, with the keys derived from the principal added (section 5).
    pub context: Context,
}

impl Request {
    /// Builds a request. `resource_account` defaults to the account in the resource
    /// ARN, else the caller's account. The principal keys (`aws:PrincipalArn`,
    /// `aws:PrincipalAccount`, `aws:PrincipalType`, `aws:username`, `aws:userid`) are
    /// derived unless `context` sets them.
    pub fn new(
        principal: Principal,
        action: &str,
        resource: &str,
        resource_account: Option<&str>,
        context: Context,
    ) -> Request {
        let resource_account = resource_account
            .map(str::to_string)
            .or_else(|| {
                crate::pattern::arn_components(resource)
                    .map(|[_, _, _, _, account, _]| account)
                    .filter(|a| !a.is_empty())
                    .map(str::to_string)
            })
            .or_else(|| principal.account().map(str::to_string))
            .unwrap_or_default();
        let mut context = context;
        derive_principal_keys(&principal, &mut context);
        Request { principal, action: action.to_string(), resource: resource.to_string(), resource_account, context }
    }

    /// True when the caller and the resource are in the same account.
    pub fn same_account(&self) -> bool {
        match self.principal.account() {
            Some(a) => a == self.resource_account,
            None => true,
        }
    }
}

fn derive_principal_keys(principal: &Principal, ctx: &mut Context) {
    if let Principal::Service { name } = principal {
        ctx.insert_default("aws:PrincipalServiceName", ContextValue::single(name.clone()));
        return;
    }
    // An unauthenticated web identity or SAML caller has no AWS identity: the keys of
    // its token or assertion are set by the STS call.
    if let Principal::Federated { .. } = principal {
        return;
    }
    ctx.insert_default("aws:PrincipalArn", ContextValue::single(principal.principal_arn()));
    if let Some(account) = principal.account() {
        ctx.insert_default("aws:PrincipalAccount", ContextValue::single(account));
    }
    ctx.insert_default("aws:PrincipalType", ContextValue::single(principal.principal_type()));
    match principal {
        // R4.6: aws:username exists only for IAM users.
        Principal::User { name, .. } => ctx.insert_default("aws:username", ContextValue::single(name.clone())),
        Principal::Root { account, .. } => ctx.insert_default("aws:userid", ContextValue::single(account.clone())),
        Principal::FederatedUser { account, name, .. } => {
            ctx.insert_default("aws:userid", ContextValue::single(format!("{account}:{name}")))
        }
        _ => {}
    }
}
