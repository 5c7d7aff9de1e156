//! Which roles every principal reaches, for the whole account at once: the
//! strongly connected components of the AssumeRole graph ([`Reach`]) and the
//! transitive closure of their condensation, computed once and shared by every
//! principal of a component (instead of one search per principal). Done twice: over
//! every edge ("yes" and "if": the roles a principal may reach), and over the "yes"
//! edges alone (the roles it reaches whatever the unknown keys are).

use std::collections::HashMap;

use super::reach::Reach;
use super::scc::{closure, components, BitSet, Components};
use super::Verdict;

/// One graph's components and the closure of each.
#[derive(Debug, Clone, PartialEq, Default)]
struct Level {
    components: Components,
    reach: Vec<BitSet>,
    /// How many nodes each component's closure holds.
    counts: Vec<usize>,
}

impl Level {
    fn new(adjacency: &[Vec<usize>]) -> Level {
        let components = components(adjacency);
        let reach = closure(adjacency, &components);
        let counts =
            reach.iter().map(|set| set.iter().map(|c| components.members.get(c).map_or(0, Vec::len)).sum()).collect();
        Level { components, reach, counts }
    }

    /// The nodes node `i` reaches, ascending; not `i` itself (a principal is not
    /// said to reach its own role through a cycle).
    fn reached(&self, i: usize) -> Vec<usize> {
        let Some(set) = self.components.of.get(i).and_then(|&c| self.reach.get(c)) else { return Vec::new() };
        let mut out: Vec<usize> = set
            .iter()
            .flat_map(|c| self.components.members.get(c).into_iter().flatten().copied())
            .filter(|&n| n != i)
            .collect();
        out.sort_unstable();
        out
    }

    /// How many nodes node `i` reaches, itself not counted.
    fn count(&self, i: usize) -> usize {
        let Some(&c) = self.components.of.get(i) else { return 0 };
        let all = self.counts.get(c).copied().unwrap_or(0);
        let itself = self.components.cyclic.get(c).copied().unwrap_or(false);
        all.saturating_sub(usize::from(itself))
    }
}

/// Reachability of every principal of a [`Reach`] graph.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Closure {
    /// Every principal with an edge out and every role with an edge in, sorted.
    nodes: Vec<String>,
    index: HashMap<String, usize>,
    any: Level,
    yes: Level,
}

impl Closure {
    /// Computes the components and closures of `reach`.
    pub fn new(reach: &Reach) -> Closure {
        let mut nodes: Vec<String> = reach
            .edges
            .iter()
            .flat_map(|(from, es)| std::iter::once(from).chain(es.iter().map(|e| &e.to)))
            .cloned()
            .collect();
        nodes.sort_unstable();
        nodes.dedup();
        let index: HashMap<String, usize> = nodes.iter().enumerate().map(|(i, n)| (n.clone(), i)).collect();
        let mut any = vec![Vec::new(); nodes.len()];
        let mut yes = vec![Vec::new(); nodes.len()];
        for (from, es) in &reach.edges {
            let Some(&u) = index.get(from) else { continue };
            for e in es {
                let Some(&v) = index.get(&e.to) else { continue };
                if let Some(a) = any.get_mut(u) {
                    a.push(v);
                }
                if e.verdict == Verdict::Yes {
                    if let Some(y) = yes.get_mut(u) {
                        y.push(v);
                    }
                }
            }
        }
        Closure { any: Level::new(&any), yes: Level::new(&yes), nodes, index }
    }

    /// The principals and roles of the graph (those with an edge), sorted.
    pub fn nodes(&self) -> &[String] {
        &self.nodes
    }

    /// The position of a node in [`Closure::nodes`].
    pub fn index_of(&self, arn: &str) -> Option<usize> {
        self.index.get(arn).copied()
    }

    /// The members of each component (over every edge), by position in
    /// [`Closure::nodes`], and whether it is cyclic. Numbered sinks first.
    pub fn component_members(&self) -> impl Iterator<Item = (&[usize], bool)> + '_ {
        let c = &self.any.components;
        c.members.iter().zip(&c.cyclic).map(|(m, &cyclic)| (m.as_slice(), cyclic))
    }

    /// The component (over every edge) of a node.
    pub fn component_of(&self, arn: &str) -> Option<usize> {
        self.index.get(arn).and_then(|&i| self.any.components.of.get(i)).copied()
    }

    /// The components over every edge: each one's member ARNs and whether it is
    /// cyclic. Numbered sinks first.
    pub fn components(&self) -> impl Iterator<Item = (Vec<&str>, bool)> + '_ {
        let c = &self.any.components;
        c.members.iter().zip(&c.cyclic).map(|(m, &cyclic)| (self.names(m), cyclic))
    }

    /// The components component `c` reaches (itself when it is cyclic), ascending.
    pub fn reached_components(&self, c: usize) -> Vec<usize> {
        self.any.reach.get(c).map(|s| s.iter().collect()).unwrap_or_default()
    }

    fn names(&self, indices: &[usize]) -> Vec<&str> {
        indices.iter().filter_map(|&i| self.nodes.get(i)).map(String::as_str).collect()
    }

    /// The roles `from` can become by some chain of edges, "yes" or "if", sorted.
    pub fn roles(&self, from: &str) -> Vec<&str> {
        self.index.get(from).map(|&i| self.names(&self.any.reached(i))).unwrap_or_default()
    }

    /// The roles `from` can become through "yes" edges alone, sorted.
    pub fn definite_roles(&self, from: &str) -> Vec<&str> {
        self.index.get(from).map(|&i| self.names(&self.yes.reached(i))).unwrap_or_default()
    }

    /// How many roles `from` reaches: by any chain, and by "yes" chains.
    pub fn counts(&self, from: &str) -> (usize, usize) {
        self.index.get(from).map_or((0, 0), |&i| (self.any.count(i), self.yes.count(i)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::reach::Edge;
    use crate::query::Unknowns;

    fn edge(from: &str, to: &str, yes: bool) -> Edge {
        let verdict = if yes { Verdict::Yes } else { Verdict::If(Unknowns::default()) };
        Edge { from: from.into(), to: to.into(), verdict }
    }

    #[test]
    fn cycles_and_conditional_hops() {
        // u -> a (yes), a <-> b (yes), b -> c (if), c -> d (yes).
        let mut reach = Reach::default();
        for e in [
            edge("u", "a", true),
            edge("a", "b", true),
            edge("b", "a", true),
            edge("b", "c", false),
            edge("c", "d", true),
        ] {
            reach.edges.entry(e.from.clone()).or_default().push(e);
        }
        let c = Closure::new(&reach);
        assert_eq!(c.roles("u"), vec!["a", "b", "c", "d"]);
        assert_eq!(c.definite_roles("u"), vec!["a", "b"]);
        assert_eq!(c.roles("a"), vec!["b", "c", "d"], "a does not list itself");
        assert_eq!(c.definite_roles("a"), vec!["b"]);
        assert_eq!(c.counts("a"), (3, 1));
        assert_eq!(c.definite_roles("c"), vec!["d"]);
        assert_eq!(c.roles("d"), Vec::<&str>::new());
        assert_eq!(c.roles("nobody"), Vec::<&str>::new());
        assert_eq!(c.component_of("a"), c.component_of("b"));
        assert_ne!(c.component_of("a"), c.component_of("c"));
    }
}
