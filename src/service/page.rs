//! 分页 (pages): every list a handle returns comes in pages with a cursor.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The most items one page holds; a larger limit is cut to this.
pub const MAX_PAGE: usize = 10_000;

/// Where the next page starts: opaque to the caller, safe to hand to a
/// browser and back (its text form round-trips through [`FromStr`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Cursor(u64);

impl fmt::Display for Cursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "c{}", self.0)
    }
}

/// A text that is not a cursor.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a page cursor")]
pub struct BadCursor;

impl FromStr for Cursor {
    type Err = BadCursor;
    fn from_str(s: &str) -> Result<Self, BadCursor> {
        s.strip_prefix('c')
            .and_then(|n| n.parse().ok())
            .map(Cursor)
            .ok_or(BadCursor)
    }
}

/// Which page to read: the first, or the one after a cursor, with at most
/// `limit` items (1 to [`MAX_PAGE`]; default 1,000).
///
/// ```
/// use dangjian::service::PageRequest;
/// let first = PageRequest::first(50);
/// assert_eq!(first.limit(), 50);
/// assert_eq!(PageRequest::first(0).limit(), 1);
/// assert_eq!(PageRequest::default().limit(), 1_000);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageRequest {
    after: Option<Cursor>,
    limit: usize,
}

impl Default for PageRequest {
    fn default() -> Self {
        Self::first(1_000)
    }
}

impl PageRequest {
    /// The first page, of at most `limit` items.
    pub fn first(limit: usize) -> Self {
        Self {
            after: None,
            limit: limit.clamp(1, MAX_PAGE),
        }
    }

    /// The page after `cursor` (from [`Page::next`]), of the same size.
    pub fn after(self, cursor: Cursor) -> Self {
        Self {
            after: Some(cursor),
            ..self
        }
    }

    /// The most items the page holds.
    pub fn limit(&self) -> usize {
        self.limit
    }

    /// The key the page starts after (for keyset reads in the store).
    pub(crate) fn after_key(&self) -> Option<u64> {
        self.after.map(|c| c.0)
    }

    /// A page read by key from the store: `items` holds up to one more
    /// than the limit, which says whether a next page exists.
    pub(crate) fn keyset<T>(&self, mut items: Vec<T>, key: impl Fn(&T) -> u64) -> Page<T> {
        let more = items.len() > self.limit;
        items.truncate(self.limit);
        let next = if more {
            items.last().map(|i| Cursor(key(i)))
        } else {
            None
        };
        Page { items, next }
    }

    /// The items with keys above the cursor, in key order, at most
    /// `limit` of them; `key` must increase along `items`.
    pub(crate) fn cut<T>(&self, items: Vec<T>, key: impl Fn(&T) -> u64) -> Page<T> {
        if self.after.is_none() && items.len() <= self.limit {
            // The whole list fits on the first page: hand it over as is.
            return Page { items, next: None };
        }
        let after = self.after.map(|c| c.0);
        let mut rest: Vec<T> = items
            .into_iter()
            .filter(|i| after.is_none_or(|a| key(i) > a))
            .take(self.limit.saturating_add(1))
            .collect();
        let more = rest.len() > self.limit;
        rest.truncate(self.limit);
        let next = if more {
            rest.last().map(|i| Cursor(key(i)))
        } else {
            None
        };
        Page { items: rest, next }
    }

    /// As [`PageRequest::cut`], keyed by position (for lists in an order
    /// of their own, such as a subtree in pre-order).
    pub(crate) fn cut_ordered<T>(&self, items: Vec<T>) -> Page<T> {
        if self.after.is_none() && items.len() <= self.limit {
            return Page { items, next: None };
        }
        let page = self.cut(
            items.into_iter().enumerate().collect::<Vec<_>>(),
            |(i, _)| u64::try_from(*i).unwrap_or(u64::MAX),
        );
        Page {
            items: page.items.into_iter().map(|(_, t)| t).collect(),
            next: page.next,
        }
    }
}

/// One page of a list, and the cursor of the next (`None` on the last).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Page<T> {
    /// The items.
    pub items: Vec<T>,
    /// Where the next page starts.
    pub next: Option<Cursor>,
}

impl<T> Page<T> {
    /// Whether this is the last page.
    pub fn is_last(&self) -> bool {
        self.next.is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_cover_every_item_once() {
        let items: Vec<u64> = (1..=25).collect();
        let mut req = PageRequest::first(10);
        let mut seen = Vec::new();
        loop {
            let page = req.cut(items.clone(), |i| *i);
            seen.extend(page.items.iter().copied());
            match page.next {
                Some(c) => req = req.after(c),
                None => break,
            }
        }
        assert_eq!(seen, items);
        let exact = PageRequest::first(25).cut(items.clone(), |i| *i);
        assert!(exact.is_last());
        let ordered = PageRequest::first(2).cut_ordered(vec!['c', 'a', 'b']);
        assert_eq!(ordered.items, vec!['c', 'a']);
        let rest = PageRequest::first(2)
            .after(ordered.next.unwrap())
            .cut_ordered(vec!['c', 'a', 'b']);
        assert_eq!(rest.items, vec!['b']);
        let c: Cursor = "c17".parse().unwrap();
        assert_eq!(c.to_string(), "c17");
        assert!("17".parse::<Cursor>().is_err());
    }
}
