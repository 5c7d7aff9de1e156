//! Strongly connected components of a directed graph (Tarjan's algorithm, run with an
//! explicit stack so that no input can exhaust the call stack), and the transitive
//! closure of its condensation as one bit set per component.

/// The components of a graph on nodes `0..n`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Components {
    /// The component of each node. Components are numbered in reverse topological
    /// order: an edge between two components goes from a higher number to a lower.
    pub of: Vec<usize>,
    /// The nodes of each component, ascending.
    pub members: Vec<Vec<usize>>,
    /// Whether each component has a cycle (more than one node, or a self-loop): its
    /// nodes reach themselves.
    pub cyclic: Vec<bool>,
}

/// One frame of the depth-first search: a node and the next of its edges to follow.
struct Frame {
    node: usize,
    next: usize,
}

const UNSEEN: usize = usize::MAX;

/// The strongly connected components of the graph whose edges from node `u` are
/// `adjacency[u]` (targets outside `0..adjacency.len()` are ignored).
pub fn components(adjacency: &[Vec<usize>]) -> Components {
    let n = adjacency.len();
    let mut index = vec![UNSEEN; n];
    let mut low = vec![0usize; n];
    let mut on_stack = vec![false; n];
    let mut stack: Vec<usize> = Vec::new();
    let mut out = Components { of: vec![UNSEEN; n], members: Vec::new(), cyclic: Vec::new() };
    let mut counter = 0usize;
    let mut frames: Vec<Frame> = Vec::new();
    for root in 0..n {
        if index.get(root) != Some(&UNSEEN) {
            continue;
        }
        visit(root, &mut counter, &mut index, &mut low, &mut on_stack, &mut stack, &mut frames);
        while let Some(frame) = frames.last_mut() {
            let u = frame.node;
            let edges = adjacency.get(u).map_or(&[][..], Vec::as_slice);
            if let Some(&v) = edges.get(frame.next) {
                frame.next += 1;
                match index.get(v).copied() {
                    None => {}
                    Some(UNSEEN) => {
                        visit(v, &mut counter, &mut index, &mut low, &mut on_stack, &mut stack, &mut frames)
                    }
                    Some(iv) if on_stack.get(v).copied().unwrap_or(false) => lower(&mut low, u, iv),
                    Some(_) => {}
                }
                continue;
            }
            // Every edge of u followed: close u, then hand its low link to its parent.
            frames.pop();
            let low_u = low.get(u).copied().unwrap_or(0);
            if Some(&low_u) == index.get(u) {
                let id = out.members.len();
                let mut members = Vec::new();
                while let Some(w) = stack.pop() {
                    if let Some(s) = on_stack.get_mut(w) {
                        *s = false;
                    }
                    if let Some(c) = out.of.get_mut(w) {
                        *c = id;
                    }
                    members.push(w);
                    if w == u {
                        break;
                    }
                }
                members.sort_unstable();
                let cyclic = members.len() > 1 || edges.contains(&u);
                out.members.push(members);
                out.cyclic.push(cyclic);
            }
            if let Some(parent) = frames.last() {
                lower(&mut low, parent.node, low_u);
            }
        }
    }
    out
}

fn visit(
    v: usize,
    counter: &mut usize,
    index: &mut [usize],
    low: &mut [usize],
    on_stack: &mut [bool],
    stack: &mut Vec<usize>,
    frames: &mut Vec<Frame>,
) {
    if let (Some(i), Some(l), Some(s)) = (index.get_mut(v), low.get_mut(v), on_stack.get_mut(v)) {
        *i = *counter;
        *l = *counter;
        *s = true;
        *counter += 1;
        stack.push(v);
        frames.push(Frame { node: v, next: 0 });
    }
}

fn lower(low: &mut [usize], u: usize, value: usize) {
    if let Some(l) = low.get_mut(u) {
        *l = (*l).min(value);
    }
}

/// A set of component numbers.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BitSet {
    words: Vec<u64>,
}

impl BitSet {
    fn with_len(n: usize) -> BitSet {
        BitSet { words: vec![0; n.div_ceil(64)] }
    }

    fn insert(&mut self, i: usize) {
        if let Some(w) = self.words.get_mut(i / 64) {
            *w |= 1 << (i % 64);
        }
    }

    fn union(&mut self, other: &BitSet) {
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a |= *b;
        }
    }

    /// The members, ascending.
    pub fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.words.iter().enumerate().flat_map(|(k, &w)| {
            let mut rest = w;
            std::iter::from_fn(move || {
                if rest == 0 {
                    return None;
                }
                let bit = rest.trailing_zeros() as usize;
                rest &= rest - 1;
                Some(k * 64 + bit)
            })
        })
    }
}

/// For each component, every component its nodes reach by one or more edges
/// (itself only when it is cyclic).
pub fn closure(adjacency: &[Vec<usize>], c: &Components) -> Vec<BitSet> {
    let count = c.members.len();
    let mut out: Vec<BitSet> = Vec::with_capacity(count);
    // Components are numbered sinks first, so every component an edge leads to is
    // done before the component it leaves.
    for (id, members) in c.members.iter().enumerate() {
        let mut set = BitSet::with_len(count);
        if c.cyclic.get(id).copied().unwrap_or(false) {
            set.insert(id);
        }
        for &u in members {
            for &v in adjacency.get(u).into_iter().flatten() {
                let Some(&cv) = c.of.get(v) else { continue };
                if cv == id {
                    continue;
                }
                set.insert(cv);
                if let Some(done) = out.get(cv) {
                    set.union(done);
                }
            }
        }
        out.push(set);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cycle_and_a_tail() {
        // 0 -> 1 -> 2 -> 0, 2 -> 3, 4 alone, 5 -> 5.
        let adj = vec![vec![1], vec![2], vec![0, 3], vec![], vec![], vec![5]];
        let c = components(&adj);
        assert_eq!(c.of[0], c.of[1]);
        assert_eq!(c.of[1], c.of[2]);
        assert_ne!(c.of[2], c.of[3]);
        assert!(c.of[3] < c.of[0], "sinks first");
        assert!(c.cyclic[c.of[0]] && !c.cyclic[c.of[3]] && !c.cyclic[c.of[4]] && c.cyclic[c.of[5]]);
        let cl = closure(&adj, &c);
        let reached: Vec<usize> = cl[c.of[0]].iter().collect();
        let mut expected = vec![c.of[0], c.of[3]];
        expected.sort_unstable();
        assert_eq!(reached, expected);
        assert_eq!(cl[c.of[3]].iter().count(), 0);
        assert_eq!(cl[c.of[5]].iter().collect::<Vec<_>>(), vec![c.of[5]]);
    }

    #[test]
    fn a_long_chain_needs_no_recursion() {
        let n = 200_000;
        let adj: Vec<Vec<usize>> = (0..n).map(|i| if i + 1 < n { vec![i + 1] } else { vec![] }).collect();
        let c = components(&adj);
        assert_eq!(c.members.len(), n);
        let mut ring = adj.clone();
        ring[n - 1] = vec![0];
        assert_eq!(components(&ring).members.len(), 1);
    }

    #[test]
    fn out_of_range_targets_are_ignored() {
        let c = components(&[vec![7, 0]]);
        assert_eq!(c.members, vec![vec![0]]);
        assert!(c.cyclic[0]);
    }
}
