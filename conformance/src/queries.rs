//! The CLI's questions of an account: `can`, `who-can` and `reach`. Files are read
//! and answers formatted here; the answers come from `iam_evaluator::query`.
//!
//! A `--world` file is either `GetAccountAuthorizationDetails` output (the AWS CLI's
//! or the API's) or a world in the case format (CASE-FORMAT.md). Resource-based
//! policies, the organization and AWS managed policies the listing does not carry
//! come beside it.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use iam_evaluator::evaluate::{PolicyLabel, PolicySlot};
use iam_evaluator::import::{is_authorization_details, parse_json};
use iam_evaluator::policy::ParseOptions;
use iam_evaluator::query::{self, CanAnswer, Question, Reached, Verdict};
use iam_evaluator::world::{Resource, World};
use iam_evaluator::{Context, ContextValue, Policy, PolicySet, PolicyType, Principal, Request};
use serde_json::{json, Value};

use crate::case;

/// Output format of the questions.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq, Default)]
pub enum Format {
    /// For a person.
    #[default]
    Text,
    /// For programs.
    Json,
}

/// Where the world comes from.
#[derive(Debug, Clone, Args, Default)]
pub struct WorldArgs {
    /// An authorization-details file (`aws iam get-account-authorization-details`
    /// output) or a world JSON in the case format; repeat for several accounts or pages.
    #[arg(long = "world", value_name = "FILE")]
    pub worlds: Vec<PathBuf>,
    /// Resource-based policies: a JSON map of resource ARN to policy (or to
    /// `{"account": ..., "policy": ...}`).
    #[arg(long, value_name = "FILE")]
    pub resource_policies: Option<PathBuf>,
    /// The organization, in the world's `organization` form.
    #[arg(long, value_name = "FILE")]
    pub organization: Option<PathBuf>,
    /// More managed policies: a JSON map of policy ARN to document, for attachments
    /// the listing does not carry (the AWS managed policies of corpus/managed/ are
    /// built in).
    #[arg(long, value_name = "FILE")]
    pub managed: Vec<PathBuf>,
}

/// The request's context and format, shared by `can` and `who-can`.
#[derive(Debug, Clone, Args, Default)]
pub struct RequestArgs {
    /// The action, such as `s3:GetObject`.
    pub action: String,
    /// The resource ARN, or `*`.
    pub resource: String,
    /// A context key and its value as text (`true`, `42` and dates are read as the
    /// operators read them); repeating a key makes it multivalued.
    #[arg(long = "context", value_name = "KEY=VALUE")]
    pub context: Vec<String>,
    /// The resource's account, where its ARN has none (S3).
    #[arg(long)]
    pub resource_account: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
}

/// `can`: one request, against a world or against policies given directly.
#[derive(Debug, Clone, Args, Default)]
pub struct CanArgs {
    /// The caller: a user or role ARN of the world (a role means a session of it with
    /// no session policy), or any principal ARN with policies given directly.
    #[arg(long = "as", value_name = "PRINCIPAL")]
    pub principal: String,
    #[command(flatten)]
    pub world: WorldArgs,
    #[command(flatten)]
    pub request: RequestArgs,
    /// Without --world: an identity-based policy (repeatable).
    #[arg(long, value_name = "FILE")]
    pub identity_policy: Vec<PathBuf>,
    /// Without --world: the resource-based policy.
    #[arg(long, value_name = "FILE")]
    pub resource_policy: Option<PathBuf>,
    /// Without --world: the permissions boundary.
    #[arg(long, value_name = "FILE")]
    pub boundary: Option<PathBuf>,
    /// Without --world: a session policy (repeatable).
    #[arg(long, value_name = "FILE")]
    pub session_policy: Vec<PathBuf>,
    /// Without --world: one SCP level, root first (repeatable; a file may hold an
    /// array of the level's policies).
    #[arg(long, value_name = "FILE")]
    pub scp: Vec<PathBuf>,
}

/// `who-can`: every principal allowed, or allowed only if unknown keys allow.
#[derive(Debug, Clone, Args, Default)]
pub struct WhoCanArgs {
    #[command(flatten)]
    pub world: WorldArgs,
    #[command(flatten)]
    pub request: RequestArgs,
}

/// `reach`: the roles each principal can become through sts:AssumeRole.
#[derive(Debug, Clone, Args, Default)]
pub struct ReachArgs {
    #[command(flatten)]
    pub world: WorldArgs,
    /// Only this principal (a user or role ARN): every role it reaches, each with a
    /// path and the conditions of each hop.
    #[arg(long = "from", value_name = "PRINCIPAL")]
    pub from: Option<String>,
    /// With the whole account: every principal's roles with their paths (large: a
    /// path per principal and role), instead of the shared summary.
    #[arg(long, conflicts_with = "from")]
    pub paths: bool,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
}

/// The AWS managed policies shipped in corpus/managed/ (AWS's documents; source in
/// corpus/managed/README.md).
const BUILT_IN: [(&str, &str); 7] = [
    ("arn:aws:iam::aws:policy/AdministratorAccess", include_str!("../../corpus/managed/AdministratorAccess.json")),
    ("arn:aws:iam::aws:policy/ReadOnlyAccess", include_str!("../../corpus/managed/ReadOnlyAccess.json")),
    (
        "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
        include_str!("../../corpus/managed/AmazonS3ReadOnlyAccess.json"),
    ),
    (
        "arn:aws:iam::aws:policy/AmazonEC2ReadOnlyAccess",
        include_str!("../../corpus/managed/AmazonEC2ReadOnlyAccess.json"),
    ),
    ("arn:aws:iam::aws:policy/PowerUserAccess", include_str!("../../corpus/managed/PowerUserAccess.json")),
    ("arn:aws:iam::aws:policy/IAMUserChangePassword", include_str!("../../corpus/managed/IAMUserChangePassword.json")),
    (
        "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
        include_str!("../../corpus/managed/AWSLambdaBasicExecutionRole.json"),
    ),
];

fn managed_policy(text: &str, what: &str) -> Result<Policy, String> {
    Policy::parse_with(text, PolicyType::Identity, ParseOptions { check_size: false })
        .map_err(|e| format!("{what}: {e}"))
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

fn read_json(path: &Path) -> Result<Value, String> {
    let label = path.display().to_string();
    parse_json(&label, &read(path)?).map_err(|e| e.to_string())
}

fn progress_bar(len: u64, what: &str) -> Option<indicatif::ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let b = indicatif::ProgressBar::new(len);
    b.set_style(
        indicatif::ProgressStyle::with_template("{msg} {bar:40} {pos}/{len}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    b.set_message(what.to_string());
    Some(b)
}

/// Merges `from` into `into`, refusing an entity given twice.
fn merge_map<V>(
    into: &mut BTreeMap<String, V>,
    from: BTreeMap<String, V>,
    what: &str,
    file: &str,
) -> Result<(), String> {
    for (k, v) in from {
        if into.contains_key(&k) {
            return Err(format!("{file}: {what} {k} is given twice"));
        }
        into.insert(k, v);
    }
    Ok(())
}

/// Reads every file of `args` into one world.
pub fn load(args: &WorldArgs) -> Result<World, String> {
    if args.worlds.is_empty() {
        return Err("give the world with --world FILE (an authorization-details file or a world JSON)".into());
    }
    let bar = progress_bar(args.worlds.len() as u64, "reading");
    let mut own = case::World::default();
    let mut listings: Vec<(String, Value)> = Vec::new();
    for path in &args.worlds {
        let label = path.display().to_string();
        let value = read_json(path)?;
        if is_authorization_details(&value) {
            listings.push((label, value));
        } else {
            let w: case::World = serde_json::from_value(value)
                .map_err(|e| format!("{label}: neither authorization-details output nor a world: {e}"))?;
            merge_map(&mut own.policies, w.policies, "managed policy", &label)?;
            merge_map(&mut own.users, w.users, "user", &label)?;
            merge_map(&mut own.groups, w.groups, "group", &label)?;
            merge_map(&mut own.roles, w.roles, "role", &label)?;
            merge_map(&mut own.resources, w.resources, "resource", &label)?;
            if w.organization.is_some() {
                if own.organization.is_some() {
                    return Err(format!("{label}: a second organization"));
                }
                own.organization = w.organization;
            }
            own.account_authorization_details.extend(w.account_authorization_details);
        }
        if let Some(b) = &bar {
            b.inc(1);
        }
    }
    if let Some(path) = &args.organization {
        let label = path.display().to_string();
        if own.organization.is_some() {
            return Err(format!("{label}: the world already has an organization"));
        }
        own.organization =
            Some(serde_json::from_value(read_json(path)?).map_err(|e| format!("{label}: not an organization: {e}"))?);
    }
    let mut supplied: BTreeMap<String, Policy> = BTreeMap::new();
    for (arn, text) in BUILT_IN {
        supplied.insert(arn.to_string(), managed_policy(text, arn)?);
    }
    for path in &args.managed {
        let label = path.display().to_string();
        let Value::Object(map) = read_json(path)? else {
            return Err(format!("{label}: expected a JSON map of policy ARN to policy document"));
        };
        for (arn, doc) in map {
            supplied.insert(arn.clone(), managed_policy(&case::policy_text(&doc), &format!("{label}: {arn}"))?);
        }
    }
    if let Some(b) = &bar {
        b.set_message("importing");
    }
    let mut world = crate::world_load::load_world_with(&own, &listings, &supplied)?;
    if let Some(path) = &args.resource_policies {
        let label = path.display().to_string();
        let Value::Object(map) = read_json(path)? else {
            return Err(format!("{label}: expected a JSON map of resource ARN to policy"));
        };
        for (arn, v) in map {
            let (account, doc) = match &v {
                Value::Object(o) if o.contains_key("policy") => (
                    o.get("account").and_then(Value::as_str).map(str::to_string),
                    o.get("policy").cloned().unwrap_or_default(),
                ),
                _ => (None, v.clone()),
            };
            let policy =
                Policy::parse_with(&case::policy_text(&doc), PolicyType::Resource, ParseOptions { check_size: false })
                    .map_err(|e| format!("{label}: the policy of {arn}: {e}"))?;
            if world.resources.contains_key(&arn) {
                return Err(format!("{label}: resource {arn} is given twice"));
            }
            world.resources.insert(arn, Resource { account, policy: Some(policy) });
        }
    }
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    Ok(world)
}

/// `--context KEY=VALUE` pairs; a repeated key is multivalued.
pub fn context(pairs: &[String]) -> Result<Context, String> {
    let mut ctx = Context::new();
    let mut seen: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for pair in pairs {
        let (k, v) = pair.split_once('=').ok_or_else(|| format!("--context \"{pair}\": expected KEY=VALUE"))?;
        if k.is_empty() {
            return Err(format!("--context \"{pair}\": the key is empty"));
        }
        seen.entry(k.to_string()).or_default().push(v.to_string());
    }
    for (k, values) in seen {
        let value = if values.len() == 1 { ContextValue { values, multi: false } } else { ContextValue::multi(values) };
        ctx.insert(&k, value);
    }
    Ok(ctx)
}

fn question(r: &RequestArgs) -> Result<Question, String> {
    Ok(Question {
        action: r.action.clone(),
        resource: r.resource.clone(),
        resource_account: r.resource_account.clone(),
        context: context(&r.context)?,
    })
}

fn unknowns_json(v: &Verdict) -> Value {
    match v.unknowns() {
        Some(u) => json!({ "keys": u.keys, "conditions": u.conditions }),
        None => Value::Null,
    }
}

fn verdict_text(v: &Verdict) -> String {
    match v.unknowns() {
        Some(u) => format!("if {}", u.conditions.iter().cloned().collect::<Vec<_>>().join(" / ")),
        None => v.name().to_string(),
    }
}

/// Prints a `can` answer; true when allowed.
pub fn print_can(answer: &CanAnswer, format: Format) -> bool {
    let d = &answer.decision;
    match format {
        Format::Json => {
            let out = json!({
                "decision": d.outcome.name(),
                "deniedBy": d.denied_by.map(|l| l.name()),
                "message": d.message(&answer.request),
                "trace": crate::explain::render_json(&answer.request, d),
                "verdict": answer.verdict.name(),
                "dependsOn": unknowns_json(&answer.verdict),
            });
            println!("{out}");
        }
        Format::Text => {
            print!("{}", crate::explain::render(&answer.request, d));
            let mut out = String::new();
            match &answer.verdict {
                Verdict::If(u) => {
                    let keys: Vec<&str> = u.keys.iter().map(String::as_str).collect();
                    let _ = writeln!(out, "depends on keys not given: {}", keys.join(", "));
                    for c in &u.conditions {
                        let _ = writeln!(out, "  {c}");
                    }
                }
                v => {
                    let _ = writeln!(
                        out,
                        "whatever the keys not given: {}",
                        if *v == Verdict::Yes { "allowed" } else { "denied" }
                    );
                }
            }
            print!("{out}");
        }
    }
    d.is_allowed()
}

fn policy_file(path: &Path, ty: PolicyType) -> Result<Vec<Policy>, String> {
    let label = path.display().to_string();
    let text = read(path)?;
    // A file may hold one policy or (for an SCP level) an array of them.
    let docs: Vec<String> = match serde_json::from_str::<Value>(&text) {
        Ok(Value::Array(items)) => items.iter().map(case::policy_text).collect(),
        _ => vec![text],
    };
    docs.iter()
        .map(|t| Policy::parse_with(t, ty, ParseOptions { check_size: false }).map_err(|e| format!("{label}: {e}")))
        .collect()
}

fn one_policy(path: &Path, ty: PolicyType) -> Result<Policy, String> {
    let mut ps = policy_file(path, ty)?;
    match (ps.pop(), ps.is_empty()) {
        (Some(p), true) => Ok(p),
        _ => Err(format!("{}: expected one policy", path.display())),
    }
}

/// `can`; `Ok(true)` when allowed.
pub fn can(args: &CanArgs) -> Result<bool, String> {
    let q = question(&args.request)?;
    let answer = if args.world.worlds.is_empty() {
        let principal = Principal::parse(&args.principal).map_err(|e| e.to_string())?;
        let mut set = PolicySet::default();
        // Traces name each policy by the option and file it came from.
        let mut labels: Vec<(PolicySlot, String)> = Vec::new();
        for p in &args.identity_policy {
            for policy in policy_file(p, PolicyType::Identity)? {
                labels.push((PolicySlot::Identity(set.identity.len()), format!("--identity-policy {}", p.display())));
                set.identity.push(policy);
            }
        }
        set.resource_policy =
            args.resource_policy.as_deref().map(|p| one_policy(p, PolicyType::Resource)).transpose()?;
        if let Some(p) = &args.resource_policy {
            labels.push((PolicySlot::Resource, format!("--resource-policy {}", p.display())));
        }
        set.boundary = args.boundary.as_deref().map(|p| one_policy(p, PolicyType::Boundary)).transpose()?;
        if let Some(p) = &args.boundary {
            labels.push((PolicySlot::Boundary, format!("--boundary {}", p.display())));
        }
        if !args.session_policy.is_empty() {
            let mut s = Vec::new();
            for p in &args.session_policy {
                for policy in policy_file(p, PolicyType::Session)? {
                    labels.push((PolicySlot::Session(s.len()), format!("--session-policy {}", p.display())));
                    s.push(policy);
                }
            }
            set.session = Some(s);
        }
        if !args.scp.is_empty() {
            set.scps = Some(args.scp.iter().map(|p| policy_file(p, PolicyType::Scp)).collect::<Result<_, _>>()?);
            for (level, p) in args.scp.iter().enumerate() {
                let count = set.scps.as_ref().and_then(|l| l.get(level)).map_or(0, Vec::len);
                for index in 0..count {
                    labels.push((PolicySlot::Scp { level, index }, format!("--scp {} [{}]", p.display(), index + 1)));
                }
            }
        }
        for (slot, path) in labels {
            set.set_label(slot, PolicyLabel::CaseField { path });
        }
        let request = Request::new(principal, &q.action, &q.resource, q.resource_account.as_deref(), q.context.clone());
        query::can_with_policies(request, &set, &q.context)
    } else {
        if !(args.identity_policy.is_empty()
            && args.resource_policy.is_none()
            && args.boundary.is_none()
            && args.session_policy.is_empty()
            && args.scp.is_empty())
        {
            return Err("give either --world or the policies directly, not both".into());
        }
        let world = load(&args.world)?;
        query::can(&world, &args.principal, &q).map_err(|e| e.to_string())?
    };
    Ok(print_can(&answer, args.request.format))
}

/// `who-can`; always `Ok(true)` once answered.
pub fn who_can(args: &WhoCanArgs) -> Result<bool, String> {
    let world = load(&args.world)?;
    let q = question(&args.request)?;
    let bar = progress_bar((world.users.len() + world.roles.len()) as u64, "deciding");
    let result = query::who_can_with_progress(&world, &q, &mut |done, _| {
        if let Some(b) = &bar {
            b.set_position(done as u64);
        }
    })
    .map_err(|e| e.to_string())?;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let answers = &result.answers;
    let listed: Vec<&query::Answer> = answers.iter().filter(|a| a.verdict != Verdict::No).collect();
    match args.request.format {
        Format::Json => {
            let row = |a: &&query::Answer| json!({ "principal": a.principal, "kind": a.kind });
            let allowed: Vec<Value> = listed.iter().filter(|a| a.verdict == Verdict::Yes).map(row).collect();
            let allowed_if: Vec<Value> = listed
                .iter()
                .filter(|a| a.verdict != Verdict::Yes)
                .map(|a| json!({ "principal": a.principal, "kind": a.kind, "dependsOn": unknowns_json(&a.verdict) }))
                .collect();
            let undecided: Vec<Value> = result
                .undecided
                .iter()
                .map(|u| json!({ "principal": u.principal, "kind": u.kind, "reason": u.reason }))
                .collect();
            let out = json!({ "action": q.action, "resource": q.resource, "principals": answers.len(),
                              "allowed": allowed, "allowedIf": allowed_if, "unknown": undecided });
            println!("{out}");
        }
        Format::Text => {
            let w = listed
                .iter()
                .map(|a| a.principal.len())
                .chain(result.undecided.iter().map(|u| u.principal.len()))
                .max()
                .unwrap_or(9)
                .max(9);
            println!("{:<7} {:<9} {:<w$} depends on", "answer", "kind", "principal");
            for a in &listed {
                let keys = a.verdict.unknowns().map(|u| u.key_list());
                println!("{:<7} {:<9} {:<w$} {}", a.verdict.name(), a.kind, a.principal, keys.unwrap_or_default());
            }
            for u in &result.undecided {
                println!("{:<7} {:<9} {:<w$} {}", "unknown", u.kind, u.principal, u.reason);
            }
            let yes = listed.iter().filter(|a| a.verdict == Verdict::Yes).count();
            println!(
                "{yes} allowed, {} allowed only if keys the world cannot know allow it, of {} principals decided; {} not decided (unknown)",
                listed.len() - yes,
                answers.len(),
                result.undecided.len()
            );
        }
    }
    Ok(true)
}

fn reached_json(r: &Reached) -> Value {
    let path: Vec<Value> = r
        .path
        .iter()
        .map(|h| json!({ "role": h.role, "verdict": h.verdict.name(), "dependsOn": unknowns_json(&h.verdict) }))
        .collect();
    json!({ "role": r.role, "definite": r.definite(), "path": path })
}

/// Prints every principal's roles with paths (`--from`, `--paths`).
fn print_paths(results: &[(String, Vec<Reached>)], format: Format) {
    match format {
        Format::Json => {
            let rows: Vec<Value> = results
                .iter()
                .map(|(p, rs)| json!({ "principal": p, "reaches": rs.iter().map(reached_json).collect::<Vec<_>>() }))
                .collect();
            println!("{}", json!({ "principals": rows }));
        }
        Format::Text => {
            for (p, rs) in results {
                println!("{p}");
                if rs.is_empty() {
                    println!("  (no role)");
                }
                for r in rs {
                    let hops: Vec<String> =
                        r.path.iter().map(|h| format!("{} [{}]", h.role, verdict_text(&h.verdict))).collect();
                    println!("  {} {}", if r.definite() { "yes" } else { "if " }, hops.join(" -> "));
                }
            }
        }
    }
}

/// Prints the whole account's reachability once: per principal the number of roles
/// it reaches (and through "yes" hops alone) and its component; per component its
/// members and the components it reaches; every edge with its conditions
/// (docs/ACCOUNTS.md, "reach").
fn print_summary(world: &World, graph: &query::Reach, closure: &query::Closure, format: Format) {
    let everyone = query::principals(world);
    let rows: Vec<(&query::Who, usize, (usize, usize))> = everyone
        .iter()
        .filter_map(|w| {
            let counts = closure.counts(w.arn());
            (counts.0 > 0).then(|| closure.component_of(w.arn()).map(|c| (w, c, counts)))?
        })
        .collect();
    let edges = graph.edges.values().flatten();
    match format {
        Format::Json => {
            let principals: Vec<Value> = rows
                .iter()
                .map(|(w, c, (all, yes))| {
                    json!({ "principal": w.arn(), "kind": w.kind(), "component": c, "roles": all, "definitely": yes })
                })
                .collect();
            let components: Vec<Value> = closure
                .component_members()
                .enumerate()
                .map(|(id, (members, cyclic))| {
                    json!({ "id": id, "members": members, "cyclic": cyclic, "reaches": closure.reached_components(id) })
                })
                .collect();
            // Each distinct set of hop conditions once; an edge names it by position.
            let mut conditions: Vec<Value> = Vec::new();
            let mut seen: BTreeMap<String, usize> = BTreeMap::new();
            let edges: Vec<Value> = edges
                .map(|e| {
                    let node = |arn: &str| closure.index_of(arn).map_or(Value::Null, Value::from);
                    let depends = match unknowns_json(&e.verdict) {
                        Value::Null => Value::Null,
                        u => {
                            let key = u.to_string();
                            let next = conditions.len();
                            let i = *seen.entry(key).or_insert(next);
                            if i == next {
                                conditions.push(u);
                            }
                            Value::from(i)
                        }
                    };
                    json!([node(&e.from), node(&e.to), depends])
                })
                .collect();
            println!(
                "{}",
                json!({ "principals": principals, "nodes": closure.nodes(), "components": components,
                        "conditions": conditions, "edges": edges })
            );
        }
        Format::Text => {
            let w = rows.iter().map(|(w, _, _)| w.arn().len()).max().unwrap_or(9).max(9);
            println!("{:<w$} {:<4} {:>6} {:>10} {:>9}", "principal", "kind", "roles", "definitely", "component");
            for (who, c, (all, yes)) in &rows {
                println!("{:<w$} {:<4} {:>6} {:>10} {:>9}", who.arn(), who.kind(), all, yes, c);
            }
            let (yes, cond) = graph.edges.values().flatten().fold((0, 0), |(y, i), e| {
                if e.verdict == Verdict::Yes {
                    (y + 1, i)
                } else {
                    (y, i + 1)
                }
            });
            let largest = closure.components().map(|(m, _)| m.len()).max().unwrap_or(0);
            println!(
                "{} of {} principals reach a role; {} edges ({yes} yes, {cond} if); largest component {largest} principals",
                rows.len(),
                everyone.len(),
                yes + cond
            );
            println!("paths and hop conditions: reach --from PRINCIPAL, or --paths for every principal");
        }
    }
}

/// `reach`; always `Ok(true)` once answered.
pub fn reach(args: &ReachArgs) -> Result<bool, String> {
    let world = load(&args.world)?;
    if let Some(from) = &args.from {
        let results = query::reach(&world, Some(from)).map_err(|e| e.to_string())?;
        print_paths(&results, args.format);
        return Ok(true);
    }
    let bar = progress_bar(0, "assume-role edges");
    let graph = query::reach_edges(&world, &mut |done, total| {
        if let Some(b) = &bar {
            b.set_length(total as u64);
            b.set_position(done as u64);
        }
    })
    .map_err(|e| e.to_string())?;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    if args.paths {
        let results: Vec<(String, Vec<Reached>)> = query::principals(&world)
            .iter()
            .map(|w| (w.arn().to_string(), graph.from(w.arn())))
            .filter(|(_, r)| !r.is_empty())
            .collect();
        print_paths(&results, args.format);
    } else {
        print_summary(&world, &graph, &query::Closure::new(&graph), args.format);
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn context_pairs() {
        let c = context(&["aws:SourceIp=203.0.113.5".into(), "k=a".into(), "k=b".into()]).unwrap();
        assert_eq!(c.get("aws:sourceip").unwrap().values, vec!["203.0.113.5".to_string()]);
        assert!(!c.get("aws:sourceip").unwrap().multi);
        assert!(c.get("k").unwrap().multi);
        assert!(context(&["novalue".into()]).is_err());
    }

    #[test]
    fn built_in_managed_policies_parse() {
        for (arn, text) in BUILT_IN {
            managed_policy(text, arn).unwrap();
        }
    }
}
