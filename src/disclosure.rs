//! Aggregates never reveal a household (statistical disclosure control, as
//! the CBS does it).
//!
//! A table of household counts is shown with its margins: a total per row, a
//! total per column and the grand total. **Primary suppression:** a cell (a
//! margin too) based on 1 to 4 households is hidden ("< 5") and so are the
//! amounts that belong to it. A cell of 0 households is shown: it is about
//! nobody. **Secondary suppression:** a hidden cell must not be derivable
//! from what is shown, by subtraction along rows and columns nor by any
//! combination of them. Think of the hidden cells as the edges of a graph
//! between the table's rows and columns (margins included); the shown cells
//! and totals pin a hidden cell down exactly when its edge is a bridge (lies
//! on no cycle). So while some hidden cell is a bridge, the cheapest three
//! further cells that close a rectangle through it are hidden as well
//! (cheap: few households; a total only when nothing else will do).
//!
//! Tables of amounts that belong to the counts (money per law and year, say)
//! use the same pattern: show an amount only where its count is shown.

/// Fewer households than this in a cell are never shown.
pub const MIN_HOUSEHOLDS: u32 = 5;

/// Hiding a total costs this much more than hiding an inner cell.
const TOTAL_PENALTY: u64 = 1_000_000;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DisclosureError {
    #[error("De tabel is niet rechthoekig: rij {row} heeft {found} cellen, verwacht {expected}.")]
    NotRectangular {
        row: usize,
        found: usize,
        expected: usize,
    },
}

/// Which cells of a table (and of its margins) are hidden.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppressed {
    rows: usize,
    cols: usize,
    /// `(rows + 1) × (cols + 1)`, row-major; the last row and column are
    /// the margins.
    hidden: Vec<bool>,
}

impl Suppressed {
    fn at(&self, row: usize, col: usize) -> bool {
        self.hidden[row * (self.cols + 1) + col]
    }

    pub fn cell(&self, row: usize, col: usize) -> bool {
        self.at(row, col)
    }

    pub fn row_total(&self, row: usize) -> bool {
        self.at(row, self.cols)
    }

    pub fn column_total(&self, col: usize) -> bool {
        self.at(self.rows, col)
    }

    pub fn grand_total(&self) -> bool {
        self.at(self.rows, self.cols)
    }

    /// How many cells and totals are hidden.
    pub fn count(&self) -> usize {
        self.hidden.iter().filter(|h| **h).count()
    }
}

/// Whether a count alone must be hidden.
pub fn is_small(households: u32) -> bool {
    (1..MIN_HOUSEHOLDS).contains(&households)
}

/// Which cells of `counts` (households per row and column) and of its
/// margins must be hidden so that no household can be revealed.
pub fn suppress(counts: &[Vec<u32>]) -> Result<Suppressed, DisclosureError> {
    let rows = counts.len();
    let cols = counts.first().map_or(0, Vec::len);
    for (row, cells) in counts.iter().enumerate() {
        if cells.len() != cols {
            return Err(DisclosureError::NotRectangular {
                row,
                found: cells.len(),
                expected: cols,
            });
        }
    }
    let width = cols + 1;
    let mut grid = vec![0u64; (rows + 1) * width];
    for (r, cells) in counts.iter().enumerate() {
        for (c, n) in cells.iter().enumerate() {
            let n = u64::from(*n);
            grid[r * width + c] = n;
            grid[r * width + cols] += n;
            grid[rows * width + c] += n;
            grid[rows * width + cols] += n;
        }
    }
    let mut hidden: Vec<bool> = grid
        .iter()
        .map(|n| u32::try_from(*n).is_ok_and(is_small))
        .collect();
    if rows == 0 || cols == 0 {
        return Ok(Suppressed { rows, cols, hidden });
    }
    let cost = |r: usize, c: usize| {
        let total = if r == rows || c == cols {
            TOTAL_PENALTY
        } else {
            0
        };
        grid[r * width + c] + 1 + total
    };
    while let Some((r, c)) = first_bridge(&hidden, rows + 1, width) {
        // The cheapest rectangle (r, c) – (r, c2) – (r2, c2) – (r2, c).
        let mut best: Option<(u64, usize, usize)> = None;
        for r2 in (0..=rows).filter(|x| *x != r) {
            for c2 in (0..=cols).filter(|x| *x != c) {
                let price: u64 = [(r, c2), (r2, c2), (r2, c)]
                    .iter()
                    .filter(|(a, b)| !hidden[a * width + b])
                    .map(|(a, b)| cost(*a, *b))
                    .sum();
                if best.is_none_or(|(p, _, _)| price < p) {
                    best = Some((price, r2, c2));
                }
            }
        }
        let Some((_, r2, c2)) = best else { break };
        for (a, b) in [(r, c2), (r2, c2), (r2, c)] {
            hidden[a * width + b] = true;
        }
    }
    Ok(Suppressed { rows, cols, hidden })
}

/// The first hidden cell that lies on no cycle of hidden cells (rows and
/// columns as the two sides of a graph), if any.
fn first_bridge(hidden: &[bool], rows: usize, cols: usize) -> Option<(usize, usize)> {
    (0..rows)
        .flat_map(|r| (0..cols).map(move |c| (r, c)))
        .find(|(r, c)| hidden[r * cols + c] && !connected_without(hidden, rows, cols, (*r, *c)))
}

/// Whether row `r` and column `c` of `skip` are connected through hidden
/// cells other than `skip` itself.
fn connected_without(hidden: &[bool], rows: usize, cols: usize, skip: (usize, usize)) -> bool {
    // Nodes: rows 0..rows, then columns rows..rows + cols.
    let mut seen = vec![false; rows + cols];
    let mut stack = vec![skip.0];
    seen[skip.0] = true;
    while let Some(node) = stack.pop() {
        if node == rows + skip.1 {
            return true;
        }
        let next: Vec<usize> = if node < rows {
            (0..cols)
                .filter(|c| hidden[node * cols + c] && (node, *c) != skip)
                .map(|c| rows + c)
                .collect()
        } else {
            let c = node - rows;
            (0..rows)
                .filter(|r| hidden[r * cols + c] && (*r, c) != skip)
                .collect()
        };
        for n in next {
            if !seen[n] {
                seen[n] = true;
                stack.push(n);
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Every hidden value an attacker could compute from the shown cells and
    /// totals: the hidden cells whose unit vector lies in the row space of
    /// the table's equations (each row and column adds up to its total).
    /// Exact rational elimination over integers.
    fn derivable(s: &Suppressed) -> Vec<(usize, usize)> {
        let (rows, cols) = (s.rows, s.cols);
        let vars: Vec<(usize, usize)> = (0..=rows)
            .flat_map(|r| (0..=cols).map(move |c| (r, c)))
            .filter(|(r, c)| s.at(*r, *c))
            .collect();
        let index = |r: usize, c: usize| vars.iter().position(|v| *v == (r, c));
        // One equation per augmented row and column: inner cells − total = 0.
        let mut equations: Vec<Vec<i128>> = Vec::new();
        for r in 0..=rows {
            let mut eq = vec![0i128; vars.len()];
            for c in 0..=cols {
                if let Some(k) = index(r, c) {
                    eq[k] += if c == cols { -1 } else { 1 };
                }
            }
            equations.push(eq);
        }
        for c in 0..=cols {
            let mut eq = vec![0i128; vars.len()];
            for r in 0..=rows {
                if let Some(k) = index(r, c) {
                    eq[k] += if r == rows { -1 } else { 1 };
                }
            }
            equations.push(eq);
        }
        let base = rank(equations.clone());
        (0..vars.len())
            .filter(|k| {
                let mut with = equations.clone();
                let mut unit = vec![0i128; vars.len()];
                unit[*k] = 1;
                with.push(unit);
                rank(with) == base
            })
            .map(|k| vars[k])
            .collect()
    }

    fn gcd(a: i128, b: i128) -> i128 {
        if b == 0 { a.abs() } else { gcd(b, a % b) }
    }

    /// The rank of an integer matrix (fraction-free elimination).
    fn rank(mut m: Vec<Vec<i128>>) -> usize {
        let width = m.first().map_or(0, Vec::len);
        let mut rank = 0;
        for col in 0..width {
            let Some(pivot) = (rank..m.len()).find(|r| m[*r][col] != 0) else {
                continue;
            };
            m.swap(rank, pivot);
            for r in 0..m.len() {
                if r != rank && m[r][col] != 0 {
                    let (a, b) = (m[rank][col], m[r][col]);
                    let pivot_row = m[rank].clone();
                    for (x, p) in m[r].iter_mut().zip(&pivot_row) {
                        *x = *x * a - p * b;
                    }
                    let g = m[r].iter().fold(0, |g, x| gcd(g, *x));
                    if g > 1 {
                        m[r].iter_mut().for_each(|x| *x /= g);
                    }
                }
            }
            rank += 1;
        }
        rank
    }

    /// Only the small cells hidden, as a table without secondary
    /// suppression would show it.
    fn primary_only(counts: &[Vec<u32>]) -> Suppressed {
        let (rows, cols) = (counts.len(), counts[0].len());
        let mut hidden = vec![false; (rows + 1) * (cols + 1)];
        for (r, cells) in counts.iter().enumerate() {
            for (c, n) in cells.iter().enumerate() {
                hidden[r * (cols + 1) + c] = is_small(*n);
            }
        }
        Suppressed { rows, cols, hidden }
    }

    #[test]
    fn the_attacker_finds_what_primary_suppression_alone_leaves_open() {
        // A lone small cell is its row total minus the rest.
        assert_eq!(
            derivable(&primary_only(&[vec![3, 10], vec![8, 12]])),
            vec![(0, 0)]
        );
        // Two hidden rectangles joined by one small cell: every row and
        // column has two hidden cells or none, yet the joining cell is
        // derivable (row 1 minus the rectangle's known sum).
        let joined = vec![
            vec![1, 1, 20, 20],
            vec![1, 1, 2, 20],
            vec![20, 20, 1, 1],
            vec![20, 20, 1, 1],
        ];
        assert_eq!(derivable(&primary_only(&joined)), vec![(1, 2)]);
    }

    #[test]
    fn a_small_cell_takes_a_second_one_with_it() {
        // Row 0: 3 and 10, total 13: the 3 alone would be 13 − 10.
        let counts = vec![vec![3, 10, 20], vec![8, 12, 30]];
        let s = suppress(&counts).expect("table");
        assert!(s.cell(0, 0));
        assert!(s.count() >= 4, "a rectangle: {s:?}");
        assert!(derivable(&s).is_empty());
        // The cheapest partners: the 8 below and the 10 beside, then the 12.
        assert!(s.cell(0, 1) && s.cell(1, 0) && s.cell(1, 1));
        assert!(!s.grand_total() && !s.row_total(0) && !s.column_total(2));
    }

    #[test]
    fn zero_and_five_are_shown_and_a_table_without_small_cells_is_whole() {
        let counts = vec![vec![0, 5], vec![7, 0]];
        let s = suppress(&counts).expect("table");
        assert_eq!(s.count(), 0);
        assert!(!is_small(0) && is_small(1) && is_small(4) && !is_small(5));
    }

    #[test]
    fn a_single_row_hides_the_column_totals_that_equal_its_cells() {
        let counts = vec![vec![2, 9, 11]];
        let s = suppress(&counts).expect("table");
        assert!(s.cell(0, 0) && s.column_total(0));
        assert!(derivable(&s).is_empty());
    }

    #[test]
    fn two_protected_blocks_joined_by_one_cell_are_not_left_open() {
        // Hidden rectangles in rows 0–1 × cols 0–1 and rows 2–3 × cols 2–3 plus
        // one more small cell between them (row 1, col 2): that cell would be
        // a bridge and so derivable; it gets a cycle of its own.
        let counts = vec![
            vec![1, 1, 20, 20],
            vec![1, 1, 2, 20],
            vec![20, 20, 1, 1],
            vec![20, 20, 1, 1],
        ];
        let s = suppress(&counts).expect("table");
        assert!(derivable(&s).is_empty(), "{s:?}");
    }

    #[test]
    fn a_ragged_table_is_refused() {
        assert_eq!(
            suppress(&[vec![1, 2], vec![3]]),
            Err(DisclosureError::NotRectangular {
                row: 1,
                found: 1,
                expected: 2
            })
        );
    }

    fn small_skewed() -> impl Strategy<Value = u32> {
        prop_oneof![Just(0u32), 1u32..5, 5u32..40]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]
        #[test]
        fn no_hidden_value_can_be_derived_from_what_is_shown(
            (rows, cols) in (1usize..6, 1usize..6),
            seed in prop::collection::vec(small_skewed(), 36),
        ) {
            let counts: Vec<Vec<u32>> = (0..rows).map(|r| (0..cols).map(|c| seed[r * 6 + c]).collect()).collect();
            let s = suppress(&counts).expect("table");
            // Every small cell and total is hidden.
            for (r, cells) in counts.iter().enumerate() {
                for (c, n) in cells.iter().enumerate() {
                    if is_small(*n) { prop_assert!(s.cell(r, c)); }
                }
                if is_small(cells.iter().sum()) { prop_assert!(s.row_total(r)); }
            }
            for c in 0..cols {
                if is_small(counts.iter().map(|row| row[c]).sum()) { prop_assert!(s.column_total(c)); }
            }
            prop_assert_eq!(derivable(&s), Vec::<(usize, usize)>::new());
            // The same table is always suppressed the same way.
            prop_assert_eq!(suppress(&counts).expect("table"), s);
        }
    }
}
