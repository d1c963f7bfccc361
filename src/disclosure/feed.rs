//! 公开栏订阅 (the Atom feed of published items, for a portal's public
//! column), built with `atom_syndication` (RFC 4287).

use super::Item;
use atom_syndication::{
    Category, Content as AtomContent, Entry, Feed, FixedDateTime, Link, Person, Text,
};
use chrono::{DateTime, Utc};

/// 订阅信息: the feed's own id, title, link and author.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FeedInfo {
    /// A permanent IRI naming the feed (`https://dj.example.cn/feeds/public`
    /// or a `urn:`); entries are named below it (`<id>/items/<n>`).
    pub id: String,
    /// The feed's title (党务公开).
    pub title: String,
    /// The portal page it mirrors.
    pub link: Option<String>,
    /// The organisation publishing it, as the author.
    pub author: String,
    /// The most entries the feed carries, newest first (default
    /// [`FeedInfo::DEFAULT_ENTRIES`], at most [`FeedInfo::MAX_ENTRIES`]).
    pub entries: usize,
}

impl FeedInfo {
    /// The entries a feed carries unless told otherwise.
    pub const DEFAULT_ENTRIES: usize = 50;
    /// The most entries a feed carries.
    pub const MAX_ENTRIES: usize = 1_000;

    /// A feed named `id` with `title`, by `author`.
    pub fn new(id: impl Into<String>, title: impl Into<String>, author: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            title: title.into(),
            link: None,
            author: author.into(),
            entries: Self::DEFAULT_ENTRIES,
        }
    }

    /// Carries at most `n` entries (1 to [`FeedInfo::MAX_ENTRIES`]).
    pub fn entries(mut self, n: usize) -> Self {
        self.entries = n.clamp(1, Self::MAX_ENTRIES);
        self
    }

    /// The portal page it mirrors.
    pub fn link(mut self, href: impl Into<String>) -> Self {
        self.link = Some(href.into());
        self
    }
}

fn fixed(t: DateTime<Utc>) -> FixedDateTime {
    t.with_timezone(&crate::clock::china_offset())
}

/// The Atom document of `items` (published items, newest first is the
/// usual order; the caller chooses), updated at `now` when no item is
/// newer. Items not published are left out, so a caller cannot put one
/// in by mistake.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use dangjian::disclosure::{atom_feed, FeedInfo};
/// let info = FeedInfo::new("urn:dangjian:feed:public", "党务公开", "中共某县委");
/// let xml = atom_feed(&info, &[], Utc.with_ymd_and_hms(2026, 3, 9, 0, 0, 0).unwrap());
/// assert!(xml.contains("<title>党务公开</title>"));
/// ```
pub fn atom_feed(info: &FeedInfo, items: &[&Item], now: DateTime<Utc>) -> String {
    let mut entries = Vec::with_capacity(items.len());
    let mut updated = None::<DateTime<Utc>>;
    for item in items {
        let (Some((_, published)), Some(content)) = (item.publication(), item.content()) else {
            continue;
        };
        updated = Some(updated.map_or(published.at, |u| u.max(published.at)));
        let mut entry = Entry::default();
        entry.set_id(format!("{}/items/{}", info.id, item.id().get()));
        entry.set_title(Text::plain(item.title().as_str()));
        entry.set_updated(fixed(published.at));
        entry.set_published(Some(fixed(published.at)));
        let mut category = Category::default();
        category.set_term(item.kind().label_zh());
        entry.set_categories(vec![category]);
        let mut body = AtomContent::default();
        body.set_content_type(Some("text".to_owned()));
        body.set_value(Some(content.as_str().to_owned()));
        entry.set_content(Some(body));
        entries.push(entry);
    }
    let mut feed = Feed::default();
    feed.set_id(info.id.clone());
    feed.set_title(Text::plain(info.title.clone()));
    feed.set_updated(fixed(updated.unwrap_or(now)));
    let mut author = Person::default();
    author.set_name(info.author.clone());
    feed.set_authors(vec![author]);
    if let Some(href) = &info.link {
        let mut link = Link::default();
        link.set_href(href.clone());
        link.set_rel("alternate");
        feed.set_links(vec![link]);
    }
    feed.set_entries(entries);
    feed.to_string()
}
