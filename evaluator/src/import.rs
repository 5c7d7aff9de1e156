//! Reading the output of IAM `GetAccountAuthorizationDetails` (the AWS CLI's
//! `aws iam get-account-authorization-details`, or the raw API's JSON) into a
//! [`World`], as CASE-FORMAT.md v1.1 `world.accountAuthorizationDetails` says:
//!
//! - every user, group, role and managed policy of `UserDetailList`,
//!   `GroupDetailList`, `RoleDetailList` and `Policies` joins the world; a managed
//!   policy's operative document is the version with `IsDefaultVersion: true`;
//! - policy documents are JSON objects (what the AWS CLI prints) or URL-encoded
//!   strings (what the API returns, RFC 3986 percent-encoding);
//! - a user's `GroupList` names groups of its own account; unique IDs become `id`;
//! - several documents (accounts, or the pages of one listing) merge; an entity given
//!   twice is an error, except an AWS managed policy (`arn:aws:iam::aws:policy/...`)
//!   whose default documents agree;
//! - an attached policy the listing does not carry is looked up among the managed
//!   policies the caller supplies; one found nowhere is an error naming it.
//!
//! Every error says which document, where in it (a JSON pointer), and what was
//! expected. Nothing is silently dropped. Reading files is the caller's business.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde_json::{Map, Value};

use crate::pattern::arn_components;
use crate::policy::{parse_policy_value, ParseError, ParseOptions, Policy, PolicyType};
use crate::principal::Principal;
use crate::world::{Group, Role, User, World};

/// One authorization-details document to import, with a label for errors (a file
/// name, or a place in a case file).
#[derive(Debug, Clone, Copy)]
pub struct Document<'a> {
    /// Where the document comes from, for errors.
    pub file: &'a str,
    /// The parsed JSON.
    pub value: &'a Value,
}

/// What was wrong, without the place.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ImportErrorKind {
    /// The text is not JSON.
    #[error("not JSON: {message} (line {line}, column {column})")]
    NotJson {
        /// The JSON parser's message.
        message: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
    },
    /// A value of the wrong JSON type.
    #[error("expected {expected}, found {found}")]
    Expected {
        /// What the format has here.
        expected: &'static str,
        /// The JSON type found.
        found: &'static str,
    },
    /// A required field is missing.
    #[error("missing \"{0}\"")]
    MissingField(&'static str),
    /// `IsTruncated: true`, and no later page of the listing among the documents.
    #[error(
        "IsTruncated is true (Marker {marker}) but no later page of this listing was given; \
         pass every page (the AWS CLI fetches them all unless --max-items or --no-paginate is used)"
    )]
    Truncated {
        /// The marker of the missing page, quoted, or `absent`.
        marker: String,
    },
    /// No version of a managed policy is the default.
    #[error("managed policy {arn} has no version with IsDefaultVersion true")]
    NoDefaultVersion {
        /// The policy ARN.
        arn: String,
    },
    /// Several versions of a managed policy claim to be the default.
    #[error("managed policy {arn} has several versions with IsDefaultVersion true ({versions})")]
    SeveralDefaultVersions {
        /// The policy ARN.
        arn: String,
        /// Their version IDs.
        versions: String,
    },
    /// `DefaultVersionId` names another version than the one marked default.
    #[error("managed policy {arn}: DefaultVersionId is {expected} but the version marked default is {found}")]
    DefaultVersionMismatch {
        /// The policy ARN.
        arn: String,
        /// `DefaultVersionId`.
        expected: String,
        /// The `VersionId` of the version with `IsDefaultVersion: true`.
        found: String,
    },
    /// A URL-encoded document with a bad escape or bytes that are not UTF-8.
    #[error("the URL-encoded policy document of {owner} cannot be decoded: {reason}")]
    PercentEncoding {
        /// Whose document.
        owner: String,
        /// What is wrong.
        reason: String,
    },
    /// A policy document that does not parse.
    #[error("the policy document of {owner} does not parse: {error}")]
    Policy {
        /// Whose document: the managed policy's ARN, or the inline policy and its owner.
        owner: String,
        /// The classified parse error, with its place in the document.
        error: ParseError,
    },
    /// An entity given twice.
    #[error("{what} {arn} is given twice (first in {first})")]
    Duplicate {
        /// `user`, `group`, `role`, `managed policy`.
        what: &'static str,
        /// Its ARN.
        arn: String,
        /// Where it was first given.
        first: String,
    },
    /// An AWS managed policy listed with different default documents.
    #[error("AWS managed policy {arn} is listed with a different default document in {first}")]
    ManagedPolicyDisagrees {
        /// Its ARN.
        arn: String,
        /// The other document.
        first: String,
    },
    /// An ARN that is not of the kind expected.
    #[error("\"{arn}\" is not {what} ARN")]
    BadArn {
        /// The ARN.
        arn: String,
        /// `an IAM user` ...
        what: &'static str,
    },
    /// A `GroupList` entry with no such group in the user's account.
    #[error("user {user} is in group \"{group}\", which no GroupDetailList of account {account} lists")]
    GroupNotFound {
        /// The user ARN.
        user: String,
        /// The group name.
        group: String,
        /// The account.
        account: String,
    },
    /// An attachment or boundary to a managed policy found nowhere.
    #[error(
        "{owner} attaches {arn}, which is neither in the listings' Policies nor among the managed policies \
         supplied (an AWS managed policy can be supplied from corpus/managed/ or with --managed)"
    )]
    MissingPolicy {
        /// Who attaches it (and how: managed policy or boundary).
        owner: String,
        /// The policy ARN.
        arn: String,
    },
}

impl ImportErrorKind {
    /// The `errorKind` of an `importAccount` step (CASE-FORMAT.md): what the document
    /// breaks. A policy document that does not parse has the policy's own kind.
    pub fn name(&self) -> &'static str {
        match self {
            ImportErrorKind::NotJson { .. } => "json",
            ImportErrorKind::Expected { .. } => "shape",
            ImportErrorKind::MissingField(_) => "missing-element",
            ImportErrorKind::Truncated { .. } => "truncated",
            ImportErrorKind::NoDefaultVersion { .. }
            | ImportErrorKind::SeveralDefaultVersions { .. }
            | ImportErrorKind::DefaultVersionMismatch { .. } => "default-version",
            ImportErrorKind::PercentEncoding { .. } => "encoding",
            ImportErrorKind::Policy { error, .. } => error.kind.name(),
            ImportErrorKind::Duplicate { .. } | ImportErrorKind::ManagedPolicyDisagrees { .. } => "duplicate",
            ImportErrorKind::BadArn { .. } => "arn",
            ImportErrorKind::GroupNotFound { .. } | ImportErrorKind::MissingPolicy { .. } => "reference",
        }
    }
}

/// A classified import error: which document, where (JSON pointer), and what.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{file} at {}: {kind}", if pointer.is_empty() { "/" } else { pointer.as_str() })]
pub struct ImportError {
    /// The document's label.
    pub file: String,
    /// JSON pointer (RFC 6901) of the offending value, `""` for the whole document.
    pub pointer: String,
    /// What.
    pub kind: Box<ImportErrorKind>,
}

/// What an import added to the world.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ImportSummary {
    /// Documents read.
    pub documents: usize,
    /// Users added.
    pub users: usize,
    /// Groups added.
    pub groups: usize,
    /// Roles added.
    pub roles: usize,
    /// Managed policies added from the listings.
    pub policies: usize,
    /// Managed policies added from the supplied ones because something attaches them.
    pub supplied_policies: usize,
}

/// Parses the text of an authorization-details file, with the JSON error's place.
pub fn parse_json(file: &str, text: &str) -> Result<Value, ImportError> {
    serde_json::from_str(text).map_err(|e| ImportError {
        file: file.to_string(),
        pointer: String::new(),
        kind: Box::new(ImportErrorKind::NotJson { message: e.to_string(), line: e.line(), column: e.column() }),
    })
}

/// The top-level keys of a `GetAccountAuthorizationDetails` result.
const LIST_KEYS: [&str; 4] = ["UserDetailList", "GroupDetailList", "RoleDetailList", "Policies"];

/// The result object inside `value`, with its pointer: the top level, or inside the
/// `GetAccountAuthorizationDetailsResponse` / `GetAccountAuthorizationDetailsResult`
/// wrappers of the raw API.
fn result_object(value: &Value) -> Option<(&Map<String, Value>, String)> {
    let top = value.as_object()?;
    if let Some(inner) = top.get("GetAccountAuthorizationDetailsResponse").and_then(Value::as_object) {
        let result = inner.get("GetAccountAuthorizationDetailsResult")?.as_object()?;
        return Some((result, "/GetAccountAuthorizationDetailsResponse/GetAccountAuthorizationDetailsResult".into()));
    }
    if let Some(result) = top.get("GetAccountAuthorizationDetailsResult").and_then(Value::as_object) {
        return Some((result, "/GetAccountAuthorizationDetailsResult".into()));
    }
    Some((top, String::new()))
}

/// True when `value` has the shape of an authorization-details document (one of its
/// list keys at the top level or inside the API's result wrapper).
pub fn is_authorization_details(value: &Value) -> bool {
    result_object(value)
        .is_some_and(|(m, _)| LIST_KEYS.iter().any(|k| m.contains_key(*k)) || m.contains_key("IsTruncated"))
}

/// The JSON type of a value with its article ("an object", "a string"), for messages
/// that say what was found where something else was expected.
pub fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Reads one document; knows where it is.
struct Reader<'a> {
    file: &'a str,
}

impl<'a> Reader<'a> {
    fn err(&self, pointer: &str, kind: ImportErrorKind) -> ImportError {
        ImportError { file: self.file.to_string(), pointer: pointer.to_string(), kind: Box::new(kind) }
    }

    fn object<'v>(&self, v: &'v Value, ptr: &str) -> Result<&'v Map<String, Value>, ImportError> {
        v.as_object()
            .ok_or_else(|| self.err(ptr, ImportErrorKind::Expected { expected: "an object", found: type_name(v) }))
    }

    fn list<'v>(&self, m: &'v Map<String, Value>, key: &str, ptr: &str) -> Result<&'v [Value], ImportError> {
        match m.get(key) {
            None | Some(Value::Null) => Ok(&[]),
            Some(Value::Array(a)) => Ok(a.as_slice()),
            Some(other) => Err(self.err(
                &format!("{ptr}/{key}"),
                ImportErrorKind::Expected { expected: "an array", found: type_name(other) },
            )),
        }
    }

    fn string<'v>(&self, m: &'v Map<String, Value>, key: &'static str, ptr: &str) -> Result<&'v str, ImportError> {
        match m.get(key) {
            Some(Value::String(s)) => Ok(s),
            None => Err(self.err(ptr, ImportErrorKind::MissingField(key))),
            Some(other) => Err(self.err(
                &format!("{ptr}/{key}"),
                ImportErrorKind::Expected { expected: "a string", found: type_name(other) },
            )),
        }
    }

    fn opt_string<'v>(&self, m: &'v Map<String, Value>, key: &str, ptr: &str) -> Result<Option<&'v str>, ImportError> {
        match m.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(other) => Err(self.err(
                &format!("{ptr}/{key}"),
                ImportErrorKind::Expected { expected: "a string", found: type_name(other) },
            )),
        }
    }

    fn opt_bool(&self, m: &Map<String, Value>, key: &str, ptr: &str) -> Result<bool, ImportError> {
        match m.get(key) {
            None | Some(Value::Null) => Ok(false),
            Some(Value::Bool(b)) => Ok(*b),
            Some(other) => Err(self.err(
                &format!("{ptr}/{key}"),
                ImportErrorKind::Expected { expected: "a boolean", found: type_name(other) },
            )),
        }
    }

    /// A policy document: a JSON object, or a URL-encoded string.
    fn document(&self, v: &Value, ptr: &str, owner: &str, ty: PolicyType) -> Result<Policy, ImportError> {
        // Documents were accepted by IAM already, and AWS managed policies are larger
        // than the customer limits: no size check.
        let options = ParseOptions { check_size: false };
        let parsed = match v {
            Value::Object(_) => parse_policy_value(v, ty, options),
            Value::String(s) => {
                let text = percent_decode(s).map_err(|reason| {
                    self.err(ptr, ImportErrorKind::PercentEncoding { owner: owner.to_string(), reason })
                })?;
                Policy::parse_with(&text, ty, options)
            }
            other => {
                return Err(self.err(
                    ptr,
                    ImportErrorKind::Expected {
                        expected: "a policy document (a JSON object or a URL-encoded string)",
                        found: type_name(other),
                    },
                ))
            }
        };
        parsed.map_err(|error| self.err(ptr, ImportErrorKind::Policy { owner: owner.to_string(), error }))
    }

    /// `UserPolicyList` / `GroupPolicyList` / `RolePolicyList`.
    fn inline_policies(
        &self,
        m: &Map<String, Value>,
        key: &str,
        ptr: &str,
        owner: &str,
    ) -> Result<Vec<Policy>, ImportError> {
        let mut out = Vec::new();
        for (i, item) in self.list(m, key, ptr)?.iter().enumerate() {
            let p = format!("{ptr}/{key}/{i}");
            let detail = self.object(item, &p)?;
            let name = self.string(detail, "PolicyName", &p)?;
            let doc = detail
                .get("PolicyDocument")
                .ok_or_else(|| self.err(&p, ImportErrorKind::MissingField("PolicyDocument")))?;
            out.push(self.document(
                doc,
                &format!("{p}/PolicyDocument"),
                &format!("inline policy {name} of {owner}"),
                PolicyType::Identity,
            )?);
        }
        Ok(out)
    }

    /// `AttachedManagedPolicies`: the ARNs, each with its pointer.
    fn attached(&self, m: &Map<String, Value>, ptr: &str) -> Result<Vec<(String, String)>, ImportError> {
        let mut out = Vec::new();
        for (i, item) in self.list(m, "AttachedManagedPolicies", ptr)?.iter().enumerate() {
            let p = format!("{ptr}/AttachedManagedPolicies/{i}");
            let a = self.object(item, &p)?;
            out.push((self.string(a, "PolicyArn", &p)?.to_string(), format!("{p}/PolicyArn")));
        }
        Ok(out)
    }

    /// `PermissionsBoundary`.
    fn boundary(&self, m: &Map<String, Value>, ptr: &str) -> Result<Option<(String, String)>, ImportError> {
        match m.get("PermissionsBoundary") {
            None | Some(Value::Null) => Ok(None),
            Some(v) => {
                let p = format!("{ptr}/PermissionsBoundary");
                let b = self.object(v, &p)?;
                let arn = self.string(b, "PermissionsBoundaryArn", &p)?;
                Ok(Some((arn.to_string(), format!("{p}/PermissionsBoundaryArn"))))
            }
        }
    }

    /// `Tags`: a list of `{Key, Value}`.
    fn tags(&self, m: &Map<String, Value>, ptr: &str) -> Result<BTreeMap<String, String>, ImportError> {
        let mut out = BTreeMap::new();
        for (i, item) in self.list(m, "Tags", ptr)?.iter().enumerate() {
            let p = format!("{ptr}/Tags/{i}");
            let t = self.object(item, &p)?;
            out.insert(self.string(t, "Key", &p)?.to_string(), self.string(t, "Value", &p)?.to_string());
        }
        Ok(out)
    }
}

/// Decodes RFC 3986 percent-encoding (`%XX`; `+` stays `+`, as botocore's `unquote`
/// leaves it), then UTF-8.
pub fn percent_decode(s: &str) -> Result<String, String> {
    if !s.contains('%') {
        return Ok(s.to_string());
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = |j: usize| bytes.get(j).and_then(|c| (*c as char).to_digit(16));
            match (hex(i + 1), hex(i + 2)) {
                (Some(h), Some(l)) => {
                    out.push(u8::try_from(h * 16 + l).unwrap_or(0));
                    i += 3;
                }
                _ => return Err(format!("\"%\" at byte {i} is not followed by two hexadecimal digits")),
            }
        } else {
            out.push(b);
            i += 1;
        }
    }
    String::from_utf8(out)
        .map_err(|e| format!("the decoded bytes are not UTF-8 (at byte {})", e.utf8_error().valid_up_to()))
}

fn account_of(arn: &str) -> Option<String> {
    arn_components(arn).map(|[_, _, _, _, a, _]| a.to_string()).filter(|a| !a.is_empty())
}

/// Where something was given: document label and pointer.
#[derive(Debug, Clone)]
struct Origin {
    file: String,
    pointer: String,
}

impl Origin {
    fn describe(&self) -> String {
        format!("{} at {}", self.file, if self.pointer.is_empty() { "/" } else { &self.pointer })
    }
}

/// An attachment to check once every document is read.
struct Attachment {
    owner: String,
    arn: String,
    origin: Origin,
}

/// A user read, with the group names still to resolve.
type PendingUser = (String, User, Vec<(String, Origin)>, Origin);

/// Collects every document before anything joins the world.
#[derive(Default)]
struct Pending {
    policies: HashMap<String, (Policy, Origin)>,
    users: Vec<PendingUser>,
    groups: Vec<(String, String, Group, Origin)>,
    roles: Vec<(String, Role, Origin)>,
    attachments: Vec<Attachment>,
    /// Per document: truncated, marker, accounts seen.
    pages: Vec<(Origin, bool, Option<String>, BTreeSet<String>)>,
    seen: HashMap<String, Origin>,
}

impl Pending {
    fn claim(&mut self, world: &World, what: &'static str, arn: &str, origin: &Origin) -> Result<(), ImportError> {
        let in_world = match what {
            "user" => world.users.contains_key(arn),
            "group" => world.groups.contains_key(arn),
            "role" => world.roles.contains_key(arn),
            _ => world.policies.contains_key(arn),
        };
        let first = if in_world {
            Some("the world's own entities".to_string())
        } else {
            self.seen.get(&format!("{what} {arn}")).map(Origin::describe)
        };
        if let Some(first) = first {
            return Err(ImportError {
                file: origin.file.clone(),
                pointer: origin.pointer.clone(),
                kind: Box::new(ImportErrorKind::Duplicate { what, arn: arn.to_string(), first }),
            });
        }
        self.seen.insert(format!("{what} {arn}"), origin.clone());
        Ok(())
    }

    fn read(&mut self, world: &World, doc: &Document<'_>) -> Result<(), ImportError> {
        let r = Reader { file: doc.file };
        let (top, base) = result_object(doc.value).ok_or_else(|| {
            r.err(
                "",
                ImportErrorKind::Expected {
                    expected: "an object (GetAccountAuthorizationDetails output)",
                    found: type_name(doc.value),
                },
            )
        })?;
        let at = |pointer: String| Origin { file: doc.file.to_string(), pointer };
        let mut accounts = BTreeSet::new();

        for (i, item) in r.list(top, "Policies", &base)?.iter().enumerate() {
            let ptr = format!("{base}/Policies/{i}");
            let m = r.object(item, &ptr)?;
            let arn = r.string(m, "Arn", &ptr)?.to_string();
            let versions = r.list(m, "PolicyVersionList", &ptr)?;
            let mut defaults = Vec::new();
            for (j, v) in versions.iter().enumerate() {
                let vp = format!("{ptr}/PolicyVersionList/{j}");
                let vm = r.object(v, &vp)?;
                if r.opt_bool(vm, "IsDefaultVersion", &vp)? {
                    defaults.push((vp, vm));
                }
            }
            let (vp, vm) = match defaults.as_slice() {
                [] => return Err(r.err(&format!("{ptr}/PolicyVersionList"), ImportErrorKind::NoDefaultVersion { arn })),
                [one] => one.clone(),
                several => {
                    let ids: Vec<String> = several
                        .iter()
                        .map(|(_, vm)| vm.get("VersionId").and_then(Value::as_str).unwrap_or("?").to_string())
                        .collect();
                    return Err(r.err(
                        &format!("{ptr}/PolicyVersionList"),
                        ImportErrorKind::SeveralDefaultVersions { arn, versions: ids.join(", ") },
                    ));
                }
            };
            if let (Some(expected), Some(found)) =
                (r.opt_string(m, "DefaultVersionId", &ptr)?, r.opt_string(vm, "VersionId", &vp)?)
            {
                if expected != found {
                    return Err(r.err(
                        &format!("{ptr}/DefaultVersionId"),
                        ImportErrorKind::DefaultVersionMismatch { arn, expected: expected.into(), found: found.into() },
                    ));
                }
            }
            let doc_value = vm.get("Document").ok_or_else(|| r.err(&vp, ImportErrorKind::MissingField("Document")))?;
            let policy = r.document(
                doc_value,
                &format!("{vp}/Document"),
                &format!("managed policy {arn}"),
                PolicyType::Identity,
            )?;
            let origin = at(ptr.clone());
            if account_of(&arn).as_deref() == Some("aws") {
                // An AWS managed policy may be listed by every account's listing: one policy.
                if let Some((existing, first)) = self.policies.get(&arn) {
                    if *existing != policy {
                        return Err(
                            r.err(&ptr, ImportErrorKind::ManagedPolicyDisagrees { arn, first: first.describe() })
                        );
                    }
                    continue;
                }
                if world.policies.contains_key(&arn) {
                    self.claim(world, "managed policy", &arn, &origin)?;
                }
            } else {
                accounts.extend(account_of(&arn));
                self.claim(world, "managed policy", &arn, &origin)?;
            }
            self.policies.insert(arn, (policy, origin));
        }

        for (i, item) in r.list(top, "GroupDetailList", &base)?.iter().enumerate() {
            let ptr = format!("{base}/GroupDetailList/{i}");
            let m = r.object(item, &ptr)?;
            let arn = r.string(m, "Arn", &ptr)?.to_string();
            let is_group = arn_components(&arn).is_some_and(|[_, _, s, _, a, res]| {
                s == "iam" && a.len() == 12 && res.strip_prefix("group/").is_some_and(|n| !n.is_empty())
            });
            if !is_group {
                return Err(r.err(&format!("{ptr}/Arn"), ImportErrorKind::BadArn { arn, what: "an IAM group" }));
            }
            let name = match r.opt_string(m, "GroupName", &ptr)? {
                Some(n) => n.to_string(),
                None => arn.rsplit('/').next().unwrap_or_default().to_string(),
            };
            let owner = format!("group {arn}");
            let group = Group {
                inline_policies: r.inline_policies(m, "GroupPolicyList", &ptr, &owner)?,
                managed_policies: self.attach(&r, m, &ptr, &owner)?,
            };
            accounts.extend(account_of(&arn));
            let origin = at(ptr);
            self.claim(world, "group", &arn, &origin)?;
            self.groups.push((arn, name, group, origin));
        }

        for (i, item) in r.list(top, "UserDetailList", &base)?.iter().enumerate() {
            let ptr = format!("{base}/UserDetailList/{i}");
            let m = r.object(item, &ptr)?;
            let arn = r.string(m, "Arn", &ptr)?.to_string();
            if !matches!(Principal::parse(&arn), Ok(Principal::User { .. })) {
                return Err(r.err(&format!("{ptr}/Arn"), ImportErrorKind::BadArn { arn, what: "an IAM user" }));
            }
            let owner = format!("user {arn}");
            let mut group_names = Vec::new();
            for (j, g) in r.list(m, "GroupList", &ptr)?.iter().enumerate() {
                let gp = format!("{ptr}/GroupList/{j}");
                let name = g.as_str().ok_or_else(|| {
                    r.err(&gp, ImportErrorKind::Expected { expected: "a group name (a string)", found: type_name(g) })
                })?;
                group_names.push((name.to_string(), at(gp)));
            }
            let user = User {
                id: r.opt_string(m, "UserId", &ptr)?.map(str::to_string),
                groups: Vec::new(),
                inline_policies: r.inline_policies(m, "UserPolicyList", &ptr, &owner)?,
                managed_policies: self.attach(&r, m, &ptr, &owner)?,
                permissions_boundary: self.boundary(&r, m, &ptr, &owner)?,
                tags: r.tags(m, &ptr)?,
            };
            accounts.extend(account_of(&arn));
            let origin = at(ptr);
            self.claim(world, "user", &arn, &origin)?;
            self.users.push((arn, user, group_names, origin));
        }

        for (i, item) in r.list(top, "RoleDetailList", &base)?.iter().enumerate() {
            let ptr = format!("{base}/RoleDetailList/{i}");
            let m = r.object(item, &ptr)?;
            let arn = r.string(m, "Arn", &ptr)?.to_string();
            let is_role = arn_components(&arn).is_some_and(|[_, _, s, _, a, _]| s == "iam" && a.len() == 12)
                && Principal::role_session(&arn, "import").is_some();
            if !is_role {
                return Err(r.err(&format!("{ptr}/Arn"), ImportErrorKind::BadArn { arn, what: "an IAM role" }));
            }
            let owner = format!("role {arn}");
            let trust_policy = match m.get("AssumeRolePolicyDocument") {
                None | Some(Value::Null) => None,
                Some(d) => Some(r.document(
                    d,
                    &format!("{ptr}/AssumeRolePolicyDocument"),
                    &format!("the trust policy of {owner}"),
                    PolicyType::Trust,
                )?),
            };
            let role = Role {
                id: r.opt_string(m, "RoleId", &ptr)?.map(str::to_string),
                trust_policy,
                inline_policies: r.inline_policies(m, "RolePolicyList", &ptr, &owner)?,
                managed_policies: self.attach(&r, m, &ptr, &owner)?,
                permissions_boundary: self.boundary(&r, m, &ptr, &owner)?,
                // The listing carries no MaxSessionDuration (FEDERATION.md section 6).
                max_session_duration: 3600,
                tags: r.tags(m, &ptr)?,
            };
            accounts.extend(account_of(&arn));
            let origin = at(ptr);
            self.claim(world, "role", &arn, &origin)?;
            self.roles.push((arn, role, origin));
        }

        let truncated = r.opt_bool(top, "IsTruncated", &base)?;
        let marker = r.opt_string(top, "Marker", &base)?.map(str::to_string);
        self.pages.push((at(format!("{base}/IsTruncated")), truncated, marker, accounts));
        Ok(())
    }

    fn attach(
        &mut self,
        r: &Reader<'_>,
        m: &Map<String, Value>,
        ptr: &str,
        owner: &str,
    ) -> Result<Vec<String>, ImportError> {
        let mut arns = Vec::new();
        for (arn, pointer) in r.attached(m, ptr)? {
            self.attachments.push(Attachment {
                owner: owner.to_string(),
                arn: arn.clone(),
                origin: Origin { file: r.file.to_string(), pointer },
            });
            arns.push(arn);
        }
        Ok(arns)
    }

    fn boundary(
        &mut self,
        r: &Reader<'_>,
        m: &Map<String, Value>,
        ptr: &str,
        owner: &str,
    ) -> Result<Option<String>, ImportError> {
        let b = r.boundary(m, ptr)?;
        if let Some((arn, pointer)) = &b {
            self.attachments.push(Attachment {
                owner: format!("{owner} (as its permissions boundary)"),
                arn: arn.clone(),
                origin: Origin { file: r.file.to_string(), pointer: pointer.clone() },
            });
        }
        Ok(b.map(|(arn, _)| arn))
    }

    /// A truncated page needs a later page of the same listing: another document of
    /// the same account (or one with no entities, an empty last page) that is not
    /// truncated.
    fn check_pages(&self) -> Result<(), ImportError> {
        for (origin, truncated, marker, accounts) in &self.pages {
            if !*truncated {
                continue;
            }
            let continued = self.pages.iter().any(|(o, t, _, a)| {
                !std::ptr::eq(o, origin) && !*t && (a.is_empty() || accounts.is_empty() || !a.is_disjoint(accounts))
            });
            if !continued {
                let marker = marker.as_ref().map(|m| format!("\"{m}\"")).unwrap_or_else(|| "absent".to_string());
                return Err(ImportError {
                    file: origin.file.clone(),
                    pointer: origin.pointer.clone(),
                    kind: Box::new(ImportErrorKind::Truncated { marker }),
                });
            }
        }
        Ok(())
    }
}

/// Imports authorization-details documents into `world`. `supplied` holds managed
/// policies by ARN (for example AWS managed policies shipped with the project) that
/// are added to the world when something in the documents attaches them and no
/// listing carries them. The world is unchanged when an error is returned.
pub fn import(
    world: &mut World,
    documents: &[Document<'_>],
    supplied: &BTreeMap<String, Policy>,
) -> Result<ImportSummary, ImportError> {
    let mut pending = Pending::default();
    for doc in documents {
        pending.read(world, doc)?;
    }
    pending.check_pages()?;

    // Groups by name within their account.
    let mut by_name: HashMap<(String, String), String> = HashMap::new();
    for (arn, name, _, _) in &pending.groups {
        by_name.insert((account_of(arn).unwrap_or_default(), name.clone()), arn.clone());
    }
    let mut users = Vec::with_capacity(pending.users.len());
    for (arn, mut user, names, _) in std::mem::take(&mut pending.users) {
        let account = account_of(&arn).unwrap_or_default();
        for (name, origin) in names {
            match by_name.get(&(account.clone(), name.clone())) {
                Some(g) => user.groups.push(g.clone()),
                None => {
                    return Err(ImportError {
                        file: origin.file,
                        pointer: origin.pointer,
                        kind: Box::new(ImportErrorKind::GroupNotFound { user: arn, group: name, account }),
                    })
                }
            }
        }
        users.push((arn, user));
    }

    // Every attachment must resolve.
    let mut supplied_used = BTreeMap::new();
    for a in &pending.attachments {
        if pending.policies.contains_key(&a.arn) || world.policies.contains_key(&a.arn) {
            continue;
        }
        match supplied.get(&a.arn) {
            Some(p) => {
                supplied_used.insert(a.arn.clone(), p.clone());
            }
            None => {
                return Err(ImportError {
                    file: a.origin.file.clone(),
                    pointer: a.origin.pointer.clone(),
                    kind: Box::new(ImportErrorKind::MissingPolicy { owner: a.owner.clone(), arn: a.arn.clone() }),
                })
            }
        }
    }

    let summary = ImportSummary {
        documents: documents.len(),
        users: users.len(),
        groups: pending.groups.len(),
        roles: pending.roles.len(),
        policies: pending.policies.len(),
        supplied_policies: supplied_used.len(),
    };
    world.policies.extend(pending.policies.into_iter().map(|(arn, (p, _))| (arn, p)));
    world.policies.extend(supplied_used);
    world.groups.extend(pending.groups.into_iter().map(|(arn, _, g, _)| (arn, g)));
    world.users.extend(users);
    world.roles.extend(pending.roles.into_iter().map(|(arn, r, _)| (arn, r)));
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn run(docs: &[Value]) -> Result<World, ImportError> {
        let labels: Vec<String> = (0..docs.len()).map(|i| format!("doc{i}")).collect();
        let documents: Vec<Document<'_>> =
            docs.iter().zip(&labels).map(|(value, file)| Document { file, value }).collect();
        let mut world = World::default();
        import(&mut world, &documents, &BTreeMap::new())?;
        Ok(world)
    }

    fn allow_all() -> Value {
        json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("%7B%22a%22%3A1%7D").unwrap(), "{\"a\":1}");
        assert_eq!(percent_decode("a+b%20c").unwrap(), "a+b c");
        assert!(percent_decode("%7").is_err());
        assert!(percent_decode("%zz").is_err());
        assert!(percent_decode("%FF").is_err());
        assert_eq!(percent_decode("%C3%A9").unwrap(), "é");
    }

    #[test]
    fn a_user_in_a_group_with_a_managed_policy() {
        let encoded = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22s3%3AGetObject%22%2C%22Resource%22%3A%22*%22%7D%5D%7D";
        let w = run(&[json!({
            "UserDetailList": [{"UserName": "alice", "UserId": "AIDACKCEVSQ6C2EXAMPLE", "Path": "/",
                "Arn": "arn:aws:iam::111122223333:user/alice", "GroupList": ["admins"],
                "UserPolicyList": [{"PolicyName": "own", "PolicyDocument": encoded}],
                "Tags": [{"Key": "team", "Value": "infra"}]}],
            "GroupDetailList": [{"GroupName": "admins", "Path": "/ops/",
                "Arn": "arn:aws:iam::111122223333:group/ops/admins",
                "AttachedManagedPolicies": [{"PolicyName": "all", "PolicyArn": "arn:aws:iam::111122223333:policy/all"}]}],
            "Policies": [{"PolicyName": "all", "Arn": "arn:aws:iam::111122223333:policy/all", "DefaultVersionId": "v2",
                "PolicyVersionList": [{"VersionId": "v1", "IsDefaultVersion": false, "Document": "not even json"},
                                      {"VersionId": "v2", "IsDefaultVersion": true, "Document": allow_all()}]}],
            "IsTruncated": false
        })])
        .unwrap();
        let alice = &w.users["arn:aws:iam::111122223333:user/alice"];
        assert_eq!(alice.id.as_deref(), Some("AIDACKCEVSQ6C2EXAMPLE"));
        assert_eq!(alice.groups, vec!["arn:aws:iam::111122223333:group/ops/admins".to_string()]);
        assert_eq!(alice.inline_policies.len(), 1);
        assert_eq!(alice.tags.get("team").map(String::as_str), Some("infra"));
        assert!(w.policies.contains_key("arn:aws:iam::111122223333:policy/all"));
        assert!(w.validate().is_ok());
    }

    fn kind(docs: &[Value]) -> (String, ImportErrorKind) {
        let e = run(docs).unwrap_err();
        (e.pointer, *e.kind)
    }

    #[test]
    fn errors_say_where_and_what() {
        let (p, k) = kind(&[json!({"Policies": [{"Arn": "arn:aws:iam::111122223333:policy/x",
            "PolicyVersionList": [{"VersionId": "v1", "IsDefaultVersion": false, "Document": allow_all()}]}]})]);
        assert_eq!(p, "/Policies/0/PolicyVersionList");
        assert!(matches!(k, ImportErrorKind::NoDefaultVersion { .. }));

        let (p, k) = kind(&[json!({"RoleDetailList": [{"Arn": "arn:aws:iam::111122223333:role/r",
            "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole"}]}}]})]);
        assert_eq!(p, "/RoleDetailList/0/AssumeRolePolicyDocument");
        assert!(matches!(k, ImportErrorKind::Policy { ref owner, .. } if owner.contains("role/r")), "{k:?}");

        let (p, k) = kind(&[json!({"UserDetailList": [{"Arn": "arn:aws:iam::111122223333:user/u",
            "AttachedManagedPolicies": [{"PolicyName": "ReadOnlyAccess", "PolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}]}]})]);
        assert_eq!(p, "/UserDetailList/0/AttachedManagedPolicies/0/PolicyArn");
        assert!(matches!(k, ImportErrorKind::MissingPolicy { ref arn, .. } if arn.ends_with("ReadOnlyAccess")));

        let (p, k) = kind(&[json!({"UserDetailList": [], "IsTruncated": true, "Marker": "abc"})]);
        assert_eq!(p, "/IsTruncated");
        assert!(matches!(k, ImportErrorKind::Truncated { .. }));

        let (p, k) =
            kind(&[json!({"UserDetailList": [{"Arn": "arn:aws:iam::111122223333:user/u", "GroupList": ["nope"]}]})]);
        assert_eq!(p, "/UserDetailList/0/GroupList/0");
        assert!(matches!(k, ImportErrorKind::GroupNotFound { .. }));

        let (_, k) = kind(&[json!({"UserDetailList": [{"Arn": "arn:aws:iam::111122223333:user/u",
            "UserPolicyList": [{"PolicyName": "p", "PolicyDocument": "%7B%2"}]}]})]);
        assert!(matches!(k, ImportErrorKind::PercentEncoding { .. }));

        let (_, k) = kind(&[json!([1, 2])]);
        assert!(matches!(k, ImportErrorKind::Expected { .. }));

        let e = parse_json("f.json", "{\"UserDetailList\": [").unwrap_err();
        assert!(matches!(*e.kind, ImportErrorKind::NotJson { .. }));
        assert_eq!(e.kind.name(), "json");
    }

    #[test]
    fn recognises_listings_and_names_what_it_found() {
        assert!(is_authorization_details(&json!({"UserDetailList": []})));
        assert!(is_authorization_details(&json!({"IsTruncated": false})));
        assert!(is_authorization_details(&json!({"GetAccountAuthorizationDetailsResult": {"Policies": []}})));
        assert!(!is_authorization_details(&json!({"Version": "2012-10-17", "Statement": []})));
        assert!(!is_authorization_details(&json!([1])));
        let names: Vec<&str> =
            [json!(null), json!(true), json!(1), json!("s"), json!([]), json!({})].iter().map(type_name).collect();
        assert_eq!(names, ["null", "a boolean", "a number", "a string", "an array", "an object"]);
        let role = json!({"RoleDetailList": [{"Arn": "arn:aws:iam::111122223333:role/r"}]});
        let e = run(&[role.clone(), role]).unwrap_err();
        assert!(e.to_string().contains("(first in doc0 at /RoleDetailList/0)"), "{e}");
        let e = run(&[json!({"UserDetailList": 5})]).unwrap_err();
        assert!(e.to_string().ends_with("expected an array, found a number"), "{e}");
    }

    #[test]
    fn pages_and_accounts_merge() {
        let page1 = json!({"UserDetailList": [{"Arn": "arn:aws:iam::111122223333:user/u", "GroupList": ["g"]}],
            "IsTruncated": true, "Marker": "m1"});
        let page2 = json!({"GroupDetailList": [{"GroupName": "g", "Arn": "arn:aws:iam::111122223333:group/g"}],
            "IsTruncated": false});
        let w = run(&[page1.clone(), page2]).unwrap();
        assert_eq!(w.users["arn:aws:iam::111122223333:user/u"].groups.len(), 1);
        // The group of the same name in another account does not count.
        let other = json!({"GroupDetailList": [{"GroupName": "g", "Arn": "arn:aws:iam::444455556666:group/g"}]});
        assert!(matches!(*run(&[page1, other]).unwrap_err().kind, ImportErrorKind::Truncated { .. }));

        let aws = |doc: Value| {
            json!({"Policies": [{"Arn": "arn:aws:iam::aws:policy/X",
            "PolicyVersionList": [{"VersionId": "v1", "IsDefaultVersion": true, "Document": doc}]}]})
        };
        assert!(run(&[aws(allow_all()), aws(allow_all())]).is_ok());
        let deny = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]});
        assert!(matches!(
            *run(&[aws(allow_all()), aws(deny)]).unwrap_err().kind,
            ImportErrorKind::ManagedPolicyDisagrees { .. }
        ));
        let user = json!({"UserDetailList": [{"Arn": "arn:aws:iam::111122223333:user/u"}]});
        assert!(matches!(*run(&[user.clone(), user]).unwrap_err().kind, ImportErrorKind::Duplicate { .. }));
    }
}
