//! The figures the cache holds, typed: each [`Figure`] owns its key and time
//! to live and names the data it is computed from, and one [`Change`] to that
//! data finds every figure it makes stale. A new figure cannot be cached
//! without saying what it depends on, so it cannot go stale silently, and no
//! caller writes a key or an invalidation pattern by hand.

use std::time::Duration;

/// A kind of data a figure is computed from; writes report which they changed
/// ([`super::Cache::forget`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    /// Users created or changed (their type, country, sign-up time).
    Users,
    /// Activities recorded.
    Activities,
    /// Problems created or changed (status, subject, difficulty, archived).
    Problems,
}

/// A cached figure of the dashboard.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Figure {
    /// The stat cards with yesterday's baseline.
    Stats,
    /// New users and the running total per bucket.
    UserGrowth,
    /// Activities per type and bucket.
    ActivitySeries,
    /// Activities by weekday and hour.
    ActivityHeatmap,
    /// Users and today's active users per country (the map).
    Countries,
    /// Problems by subject and difficulty.
    ProblemMatrix,
}

impl Figure {
    /// Every figure.
    pub const ALL: [Self; 6] = [
        Self::Stats,
        Self::UserGrowth,
        Self::ActivitySeries,
        Self::ActivityHeatmap,
        Self::Countries,
        Self::ProblemMatrix,
    ];

    /// The start of this figure's keys (what `POST /api/cache/invalidate`
    /// patterns match, e.g. `stats*`, `series:*`).
    pub fn prefix(self) -> &'static str {
        match self {
            Self::Stats => "stats",
            Self::UserGrowth => "series:growth",
            Self::ActivitySeries => "series:activity",
            Self::ActivityHeatmap => "series:heatmap",
            Self::Countries => "countries",
            Self::ProblemMatrix => "problems:matrix",
        }
    }

    /// The key of this figure for one view (`variant`: the range, the zone and
    /// the day; `all` when it has no views).
    pub fn key(self, variant: &str) -> String {
        self.key_in("", variant)
    }

    /// [`Figure::key`] after `namespace` (the cache's `data:`), as one text.
    pub(crate) fn key_in(self, namespace: &str, variant: &str) -> String {
        let prefix = self.prefix();
        let mut key = String::with_capacity(namespace.len() + prefix.len() + 1 + variant.len());
        key.push_str(namespace);
        key.push_str(prefix);
        key.push(':');
        key.push_str(variant);
        key
    }

    /// How long a computed value is served. Counts that move all day stay
    /// five minutes at most; series over days change little within ten.
    pub fn ttl(self) -> Duration {
        match self {
            Self::Stats | Self::Countries | Self::ProblemMatrix => Duration::from_secs(300),
            Self::UserGrowth | Self::ActivitySeries | Self::ActivityHeatmap => Duration::from_secs(600),
        }
    }

    /// The data this figure is computed from.
    pub fn depends_on(self) -> &'static [Change] {
        match self {
            Self::Stats => &[Change::Users, Change::Activities, Change::Problems],
            Self::UserGrowth => &[Change::Users],
            Self::ActivitySeries | Self::ActivityHeatmap => &[Change::Activities],
            // Users per country, and who of them was active today.
            Self::Countries => &[Change::Users, Change::Activities],
            Self::ProblemMatrix => &[Change::Problems],
        }
    }
}

impl Change {
    /// The figures this change makes stale.
    pub fn stale(self) -> impl Iterator<Item = Figure> {
        Figure::ALL.into_iter().filter(move |figure| figure.depends_on().contains(&self))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_change_reaches_the_stat_cards_and_its_own_charts() {
        let stale = |change: Change| change.stale().collect::<Vec<_>>();
        assert_eq!(stale(Change::Users), [Figure::Stats, Figure::UserGrowth, Figure::Countries]);
        assert_eq!(
            stale(Change::Activities),
            [Figure::Stats, Figure::ActivitySeries, Figure::ActivityHeatmap, Figure::Countries]
        );
        assert_eq!(stale(Change::Problems), [Figure::Stats, Figure::ProblemMatrix]);
    }

    #[test]
    fn every_figure_depends_on_something_and_no_prefix_hides_another() {
        for figure in Figure::ALL {
            assert!(!figure.depends_on().is_empty(), "{figure:?} would never be forgotten");
            for other in Figure::ALL.into_iter().filter(|o| *o != figure) {
                // Forgetting `figure` (its prefix followed by `:`) never reaches `other`.
                assert!(!other.key("x").starts_with(&format!("{}:", figure.prefix())), "{figure:?} / {other:?}");
            }
        }
    }
}
