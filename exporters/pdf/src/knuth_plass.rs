//! Knuth and Plass's line breaking over boxes, glue and penalties that know only their widths
//! (no fonts): total fit, which minimises the demerits of the whole paragraph, and first fit.

/// A penalty this high forbids a break; its opposite forces one.
pub(crate) const INFINITE: f32 = 10000.0;
const LINE_PENALTY: f32 = 10.0;
const DOUBLE_HYPHEN_DEMERITS: f32 = 3000.0;
const FITNESS_DEMERITS: f32 = 3000.0;
/// Beyond this many breakpoints considered, total fit gives way to first fit.
const MAX_NODES: usize = 100_000;

/// What the breaking sees of an item.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Item {
    Box {
        width: f32,
    },
    Glue {
        width: f32,
        stretch: f32,
        shrink: f32,
    },
    /// A possible break, at `cost`, adding `width` to the line it ends (a hyphen); `flagged`
    /// breaks (hyphens) in a row cost more.
    Penalty {
        width: f32,
        cost: f32,
        flagged: bool,
    },
}

impl Item {
    fn width(&self) -> f32 {
        match self {
            Item::Box { width } | Item::Glue { width, .. } => *width,
            Item::Penalty { .. } => 0.0,
        }
    }
}

/// Items that carry more than their measures (what they draw) show those measures.
pub(crate) trait Measure {
    fn measure(&self) -> Item;
}

impl Measure for Item {
    fn measure(&self) -> Item {
        *self
    }
}

/// Prefix sums of widths, stretch and shrink.
pub(crate) struct Sums {
    width: Vec<f32>,
    stretch: Vec<f32>,
    shrink: Vec<f32>,
}

impl Sums {
    pub(crate) fn new<T: Measure>(items: &[T]) -> Self {
        let mut sums = Sums {
            width: Vec::with_capacity(items.len() + 1),
            stretch: Vec::with_capacity(items.len() + 1),
            shrink: Vec::with_capacity(items.len() + 1),
        };
        let (mut w, mut y, mut z) = (0.0, 0.0, 0.0);
        for item in items {
            sums.width.push(w);
            sums.stretch.push(y);
            sums.shrink.push(z);
            let item = item.measure();
            w += item.width();
            if let Item::Glue {
                stretch, shrink, ..
            } = item
            {
                y += stretch;
                z += shrink;
            }
        }
        sums.width.push(w);
        sums.stretch.push(y);
        sums.shrink.push(z);
        sums
    }

    /// Natural width, stretch and shrink of a line from `start` to a break at `end`.
    pub(crate) fn line<T: Measure>(
        &self,
        items: &[T],
        start: usize,
        end: usize,
    ) -> (f32, f32, f32) {
        let penalty = match items[end].measure() {
            Item::Penalty { width, .. } => width,
            _ => 0.0,
        };
        (
            self.width[end] - self.width[start] + penalty,
            self.stretch[end] - self.stretch[start],
            self.shrink[end] - self.shrink[start],
        )
    }
}

fn is_legal<T: Measure>(items: &[T], i: usize) -> bool {
    match items[i].measure() {
        Item::Penalty { cost, .. } => cost < INFINITE,
        Item::Glue { .. } => i > 0 && matches!(items[i - 1].measure(), Item::Box { .. }),
        Item::Box { .. } => false,
    }
}

fn is_forced<T: Measure>(items: &[T], i: usize) -> bool {
    matches!(items[i].measure(), Item::Penalty { cost, .. } if cost <= -INFINITE)
}

/// Where the line after a break at `end` starts: past the glue and penalties that follow it.
pub(crate) fn start_after<T: Measure>(items: &[T], end: usize) -> usize {
    if matches!(items.get(end).map(T::measure), Some(Item::Box { .. })) {
        return end;
    }
    let mut i = end + 1;
    while i < items.len() {
        match items[i].measure() {
            Item::Box { .. } => break,
            Item::Penalty { cost, .. } if cost <= -INFINITE => break,
            _ => i += 1,
        }
    }
    i
}

pub(crate) fn ratio(width: f32, stretch: f32, shrink: f32, line_width: f32) -> f32 {
    if width < line_width {
        if stretch > 0.0 {
            (line_width - width) / stretch
        } else {
            INFINITE
        }
    } else if width > line_width {
        if shrink > 0.0 {
            (line_width - width) / shrink
        } else {
            -INFINITE
        }
    } else {
        0.0
    }
}

fn fitness(r: f32) -> usize {
    if r < -0.5 {
        0
    } else if r <= 0.5 {
        1
    } else if r <= 1.0 {
        2
    } else {
        3
    }
}

struct Node {
    position: usize,
    start: usize,
    fitness: usize,
    demerits: f32,
    flagged: bool,
    previous: Option<usize>,
}

/// Knuth and Plass's total-fit line breaking; `None` when no set of breaks keeps every line's
/// adjustment ratio within `tolerance`.
pub(crate) fn total_fit<T: Measure>(
    items: &[T],
    sums: &Sums,
    line_width: f32,
    tolerance: f32,
) -> Option<Vec<usize>> {
    let mut nodes = vec![Node {
        position: 0,
        start: 0,
        fitness: 1,
        demerits: 0.0,
        flagged: false,
        previous: None,
    }];
    let mut active: Vec<usize> = vec![0];
    for b in 0..items.len() {
        if !is_legal(items, b) {
            continue;
        }
        let (cost, flagged) = match items[b].measure() {
            Item::Penalty { cost, flagged, .. } => (cost, flagged),
            _ => (0.0, false),
        };
        let forced = is_forced(items, b);
        let mut best: [Option<(f32, usize)>; 4] = [None; 4];
        let mut i = 0;
        while i < active.len() {
            let a = &nodes[active[i]];
            let (w, y, z) = sums.line(items, a.start, b);
            let r = ratio(w, y, z, line_width);
            if (-1.0..=tolerance).contains(&r) {
                let badness = (100.0 * r.abs().powi(3)).min(INFINITE);
                let base = (LINE_PENALTY + badness).powi(2);
                let mut demerits = if cost >= 0.0 {
                    base + cost * cost
                } else if cost > -INFINITE {
                    base - cost * cost
                } else {
                    base
                };
                if flagged && a.flagged {
                    demerits += DOUBLE_HYPHEN_DEMERITS;
                }
                let class = fitness(r);
                if class.abs_diff(a.fitness) > 1 {
                    demerits += FITNESS_DEMERITS;
                }
                let total = a.demerits + demerits;
                if best[class].is_none_or(|(d, _)| total < d) {
                    best[class] = Some((total, active[i]));
                }
            }
            if r < -1.0 || forced {
                active.swap_remove(i);
            } else {
                i += 1;
            }
        }
        for (class, candidate) in best.iter().enumerate() {
            if let Some((demerits, previous)) = *candidate {
                nodes.push(Node {
                    position: b,
                    start: start_after(items, b),
                    fitness: class,
                    demerits,
                    flagged,
                    previous: Some(previous),
                });
                active.push(nodes.len() - 1);
            }
        }
        if active.is_empty() || nodes.len() > MAX_NODES {
            return None;
        }
        // Keep the active list in creation order, so that ties resolve the same way every time.
        active.sort_unstable();
    }
    let last = items.len() - 1;
    let best = active
        .iter()
        .copied()
        .filter(|&n| nodes[n].position == last && nodes[n].previous.is_some())
        .min_by(|&a, &b| {
            nodes[a]
                .demerits
                .total_cmp(&nodes[b].demerits)
                .then(a.cmp(&b))
        })?;
    let mut breaks = Vec::new();
    let mut node = Some(best);
    while let Some(n) = node {
        if nodes[n].previous.is_some() {
            breaks.push(nodes[n].position);
        }
        node = nodes[n].previous;
    }
    breaks.reverse();
    Some(breaks)
}

/// Breaks at the last opportunity where the line still fits (never fails).
pub(crate) fn first_fit<T: Measure>(items: &[T], sums: &Sums, line_width: f32) -> Vec<usize> {
    let mut breaks = Vec::new();
    let mut start = 0;
    let mut last_fit: Option<usize> = None;
    let mut b = 0;
    while b < items.len() {
        if is_legal(items, b) {
            let (w, _, z) = sums.line(items, start, b);
            let fits = w - z <= line_width + 0.01;
            if fits || last_fit.is_none() {
                if is_forced(items, b) || (!fits && last_fit.is_none()) {
                    // A forced break, or nothing fits: break here.
                    breaks.push(b);
                    start = start_after(items, b);
                    last_fit = None;
                    b = start;
                    continue;
                }
                last_fit = Some(b);
            } else if let Some(fit) = last_fit {
                breaks.push(fit);
                start = start_after(items, fit);
                last_fit = None;
                b = start;
                continue;
            }
        }
        b += 1;
    }
    if breaks.last() != Some(&(items.len() - 1)) {
        breaks.push(items.len() - 1);
    }
    breaks
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILL: f32 = 100_000.0;

    /// Words of the given widths separated by spaces (width 1, stretch 1, shrink 1), then the
    /// paragraph's end: glue that fills the last line and a forced break.
    fn paragraph(words: &[f32]) -> Vec<Item> {
        let mut items = Vec::new();
        for (i, &width) in words.iter().enumerate() {
            if i > 0 {
                items.push(Item::Glue {
                    width: 1.0,
                    stretch: 1.0,
                    shrink: 1.0,
                });
            }
            items.push(Item::Box { width });
        }
        items.extend(end());
        items
    }

    fn end() -> [Item; 2] {
        [
            Item::Glue {
                width: 0.0,
                stretch: FILL,
                shrink: 0.0,
            },
            Item::Penalty {
                width: 0.0,
                cost: -INFINITE,
                flagged: false,
            },
        ]
    }

    #[test]
    fn total_fit_finds_the_breaks_computed_by_hand() {
        // Words 3 2 4 1 3 on a line of 10. A first line "3 2 4" is 11 wide with 2 of shrink
        // (ratio -0.5, badness 12.5, demerits 22.5² = 506.25), "3 2 4 1" is 13 wide with 3
        // (ratio -1, badness 100, demerits 110² = 12100), "3 2" has too little stretch (ratio 4)
        // and "3 2 4 1 3" too little shrink. The last line costs 10² = 100 either way: total
        // fit breaks after "4" (606.25 against 12200), where first fit fills the first line.
        let items = paragraph(&[3.0, 2.0, 4.0, 1.0, 3.0]);
        let sums = Sums::new(&items);
        assert_eq!(total_fit(&items, &sums, 10.0, 2.0), Some(vec![5, 10]));
        assert_eq!(first_fit(&items, &sums, 10.0), vec![7, 10]);
        assert_eq!(sums.line(&items, 0, 5), (11.0, 2.0, 2.0));
        assert_eq!(start_after(&items, 5), 6);
        assert_eq!(ratio(11.0, 2.0, 2.0, 10.0), -0.5);
    }

    #[test]
    fn a_forced_break_ends_a_line_however_short() {
        let mut items = vec![Item::Box { width: 3.0 }];
        items.extend(end());
        items.push(Item::Box { width: 3.0 });
        items.extend(end());
        let sums = Sums::new(&items);
        assert_eq!(total_fit(&items, &sums, 10.0, 2.0), Some(vec![2, 5]));
        assert_eq!(first_fit(&items, &sums, 10.0), vec![2, 5]);
    }

    #[test]
    fn an_overfull_line_has_no_total_fit_and_first_fit_lets_it_stick_out() {
        let items = paragraph(&[12.0, 3.0]);
        let sums = Sums::new(&items);
        assert_eq!(total_fit(&items, &sums, 10.0, 8.0), None);
        assert_eq!(first_fit(&items, &sums, 10.0), vec![1, 4]);
    }
}
