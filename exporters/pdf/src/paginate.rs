//! Page breaking: elements fill the body of each page; a page ends at the last place it may
//! (no widow or orphan line, headings with what follows, figures with their caption), or where
//! a page break is asked; spaces are dropped at the top of a page; a table row that starts a
//! page gets its table's header row again above it.

use crate::flow::{Element, Kind};

/// An element placed on a page, `y` from the top of the body.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Placed {
    pub element: usize,
    pub y: f32,
    /// A copy of a table header repeated on this page.
    pub repeated: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct PageLayout {
    pub placed: Vec<Placed>,
    pub chapter: u32,
}

fn may_break_before(elements: &[Element], j: usize) -> bool {
    j > 0 && elements[j].break_before && !elements[j - 1].keep_with_next
}

/// Splits the flow into pages of body height `height`.
pub(crate) fn paginate(elements: &[Element], height: f32) -> Vec<PageLayout> {
    let mut pages = Vec::new();
    let n = elements.len();
    let mut i = 0;
    while i < n {
        // Nothing but content starts a page.
        while i < n && elements[i].kind != Kind::Content {
            i += 1;
        }
        if i >= n {
            break;
        }
        let start = i;
        let header = elements[start].repeat.filter(|&h| h != start);
        let mut y = header.map_or(0.0, |h| elements[h].height);
        let mut last_break: Option<usize> = None;
        let mut j = start;
        let end = loop {
            if j >= n {
                break n;
            }
            let element = &elements[j];
            if element.kind == Kind::PageBreak {
                break j;
            }
            if j > start && may_break_before(elements, j) {
                last_break = Some(j);
            }
            if j > start && y + element.height > height + 0.01 {
                break last_break.unwrap_or(j);
            }
            y += element.height;
            j += 1;
        };
        let mut placed = Vec::with_capacity(end - start + 1);
        let mut y = 0.0;
        if let Some(h) = header {
            placed.push(Placed {
                element: h,
                y,
                repeated: true,
            });
            y += elements[h].height;
        }
        for (index, element) in elements.iter().enumerate().take(end).skip(start) {
            placed.push(Placed {
                element: index,
                y,
                repeated: false,
            });
            y += element.height;
        }
        pages.push(PageLayout {
            placed,
            chapter: elements[start].chapter,
        });
        i = end.max(start + 1);
    }
    pages
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(break_before: bool) -> Element {
        let mut element = Element::new(Kind::Content, 10.0);
        element.break_before = break_before;
        element
    }

    #[test]
    fn breaks_at_the_last_allowed_place() {
        // Six lines of 10 on pages of 45: a paragraph whose lines 2 and 6 may not start a page.
        let elements: Vec<Element> = [true, false, true, true, true, false]
            .into_iter()
            .map(line)
            .collect();
        let pages = paginate(&elements, 45.0);
        let counts: Vec<usize> = pages.iter().map(|p| p.placed.len()).collect();
        assert_eq!(counts, [4, 2]);
        // Line 5 may start a page, but then line 6 would be a widow... it may not: 4 + 2.
    }

    #[test]
    fn spaces_vanish_at_the_top_and_page_breaks_start_pages() {
        let mut elements = vec![
            line(true),
            Element::new(Kind::PageBreak, 0.0),
            Element::new(Kind::Space, 20.0),
            line(true),
        ];
        elements[0].keep_with_next = false;
        let pages = paginate(&elements, 100.0);
        assert_eq!(pages.len(), 2);
        assert_eq!(pages[1].placed[0].element, 3);
        assert_eq!(pages[1].placed[0].y, 0.0);
    }

    #[test]
    fn an_element_taller_than_the_page_gets_a_page_of_its_own() {
        let mut tall = line(true);
        tall.height = 500.0;
        let pages = paginate(&[line(true), tall, line(true)], 100.0);
        assert_eq!(pages.len(), 3);
    }
}
