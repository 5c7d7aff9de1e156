//! Questions of a large account (issue 15): the synthetic account of
//! `scripts/gen-account.py` (10,000 roles, 2,000 users in 200 groups, 3,000 customer
//! managed policies, about 22 MB of `get-account-authorization-details` output).
//!
//! - `import`: JSON text to a validated world (parse the JSON, every policy document,
//!   resolve groups and attachments);
//! - `can`: one decision with trace and its three-valued verdict, after import;
//! - `who_can`: every principal's verdict for one action and resource;
//! - `reach/all`: every sts:AssumeRole edge of the account; `reach/closure`: the
//!   strongly connected components and the closure of those edges (which roles every
//!   principal reaches); `reach/whole`: both, the computation of `reach` for the
//!   whole account.
//!
//! The account is read from `IAM_ACCOUNT_FILE`, else `target/accounts/synthetic.json`,
//! which is generated (Python 3) when missing. Run with
//! `cargo bench -p iam-evaluator --bench query`; `scripts/bench-accounts.sh` is the driver.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use std::collections::BTreeMap;
use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use iam_evaluator::import::{import, Document};
use iam_evaluator::query::{self, Question};
use iam_evaluator::world::World;

fn account_text() -> String {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let path = std::env::var_os("IAM_ACCOUNT_FILE")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target/accounts/synthetic.json"));
    if !path.exists() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let status = std::process::Command::new("python3")
            .arg(root.join("scripts/gen-account.py"))
            .arg("-o")
            .arg(&path)
            .status()
            .expect("python3 runs scripts/gen-account.py");
        assert!(status.success(), "scripts/gen-account.py failed");
    }
    std::fs::read_to_string(&path).unwrap()
}

fn load(text: &str) -> World {
    let value: serde_json::Value = serde_json::from_str(text).unwrap();
    let mut world = World::default();
    import(&mut world, &[Document { file: "synthetic.json", value: &value }], &BTreeMap::new()).unwrap();
    world.validate().unwrap();
    world
}

fn bench(c: &mut Criterion) {
    let text = account_text();
    let world = load(&text);
    eprintln!(
        "account: {} users, {} groups, {} roles, {} managed policies",
        world.users.len(),
        world.groups.len(),
        world.roles.len(),
        world.policies.len()
    );

    let mut g = c.benchmark_group("accounts");
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    g.bench_function("import", |b| b.iter(|| black_box(load(black_box(&text)))));
    g.finish();

    let mut g = c.benchmark_group("accounts");
    let user = "arn:aws:iam::111122223333:user/search.user0000";
    let user =
        if world.users.contains_key(user) { user.to_string() } else { world.users.keys().next().unwrap().clone() };
    let role = world.roles.keys().min().unwrap().clone();
    let get = Question::new("s3:GetObject", "arn:aws:s3:::app-001-data/report.csv");
    g.bench_function("can/user", |b| b.iter(|| black_box(query::can(&world, &user, &get).unwrap())));
    g.bench_function("can/role", |b| b.iter(|| black_box(query::can(&world, &role, &get).unwrap())));
    g.sample_size(20);
    for (name, q) in [
        ("who_can/s3-GetObject", get.clone()),
        ("who_can/iam-CreateUser", Question::new("iam:CreateUser", "arn:aws:iam::111122223333:user/new")),
        ("who_can/sts-AssumeRole", Question::new("sts:AssumeRole", &role)),
    ] {
        g.bench_function(name, |b| b.iter(|| black_box(query::who_can(&world, &q).unwrap())));
    }
    g.finish();

    let mut g = c.benchmark_group("accounts");
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    g.bench_function("reach/all", |b| b.iter(|| black_box(query::reach_edges(&world, &mut |_, _| {}).unwrap())));
    g.bench_function("reach/closure", |b| {
        let graph = query::reach_edges(&world, &mut |_, _| {}).unwrap();
        let closure = query::Closure::new(&graph);
        let pairs: usize = query::principals(&world).iter().map(|w| closure.counts(w.arn()).0).sum();
        eprintln!(
            "reach: {} callers with edges, {} edges, {} nodes, {} principal-role pairs",
            graph.edges.len(),
            graph.edges.values().map(Vec::len).sum::<usize>(),
            closure.nodes().len(),
            pairs
        );
        b.iter(|| black_box(query::Closure::new(black_box(&graph))))
    });
    g.bench_function("reach/whole", |b| {
        b.iter(|| {
            let graph = query::reach_edges(&world, &mut |_, _| {}).unwrap();
            black_box(query::Closure::new(&graph))
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
