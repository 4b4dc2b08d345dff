//! The user-growth chart: new sign-ups per bucket (bars) and the running total
//! (a line on its own axis).

use charming::component::{Axis, Grid, Legend};
use charming::element::{AxisType, Tooltip, Trigger};
use charming::series::{Bar, Line};
use charming::Chart;

use super::bucket_label;
use crate::i18n::{t, Lang, Msg};
use crate::model::UserGrowth;

/// The chart of `data`, labelled in `lang`, its buckets named in the range's zone.
pub fn build(data: &UserGrowth, lang: Lang) -> Chart {
    let (bucket, zone) = (data.range.bucket, data.range.zone);
    let labels: Vec<String> = data.points.iter().map(|p| bucket_label(p.start, bucket, zone)).collect();
    let new_users: Vec<i64> = data.points.iter().map(|p| p.new_users).collect();
    let totals: Vec<i64> = data.points.iter().map(|p| p.total_users).collect();
    Chart::new()
        .tooltip(Tooltip::new().trigger(Trigger::Axis))
        .legend(Legend::new().bottom(0))
        .grid(Grid::new().left(56).right(64).top(32).bottom(56))
        .x_axis(Axis::new().type_(AxisType::Category).data(labels))
        .y_axis(Axis::new().type_(AxisType::Value).name(t(lang, Msg::NewUsers)))
        .y_axis(Axis::new().type_(AxisType::Value).name(t(lang, Msg::CumulativeUsers)).scale(true))
        .series(Bar::new().name(t(lang, Msg::NewUsers)).data(new_users))
        .series(
            Line::new()
                .name(t(lang, Msg::CumulativeUsers))
                .y_axis_index(1)
                .show_symbol(false)
                .smooth(true)
                .data(totals),
        )
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, TimeZone, Utc};

    use super::*;
    use crate::model::range::{Bucket, Preset, ResolvedRange, Zone};
    use crate::model::GrowthPoint;

    fn growth(zone: Zone) -> UserGrowth {
        let start = Utc.with_ymd_and_hms(2026, 12, 1, 15, 0, 0).unwrap();
        let day = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        let range = ResolvedRange {
            preset: Preset::Today,
            zone,
            first_day: day,
            last_day: day,
            start,
            end: start + chrono::Duration::hours(2),
            bucket: Bucket::Hour,
        };
        let points = (0..2)
            .map(|h| GrowthPoint {
                date: day,
                start: start + chrono::Duration::hours(h),
                new_users: h + 1,
                total_users: 10 + h,
            })
            .collect();
        UserGrowth { days: 1, range, points }
    }

    /// charming writes a list of one as that one item.
    fn x_labels(chart: &serde_json::Value) -> &serde_json::Value {
        let axis = &chart["xAxis"];
        if axis.is_array() {
            &axis[0]["data"]
        } else {
            &axis["data"]
        }
    }

    #[test]
    fn labels_follow_the_language_and_the_ranges_zone() {
        let chart = serde_json::to_value(build(&growth(Zone::Kst), Lang::Ko)).unwrap();
        assert_eq!(x_labels(&chart), &serde_json::json!(["00:00", "01:00"]), "15:00 UTC is midnight in Seoul");
        assert_eq!(chart["series"][0]["name"], t(Lang::Ko, Msg::NewUsers));
        assert_eq!(chart["series"][0]["data"], serde_json::json!([1, 2]));
        assert_eq!(chart["series"][1]["data"], serde_json::json!([10, 11]));
        let chart = serde_json::to_value(build(&growth(Zone::Utc), Lang::En)).unwrap();
        assert_eq!(x_labels(&chart), &serde_json::json!(["15:00", "16:00"]));
        assert_eq!(chart["series"][1]["name"], t(Lang::En, Msg::CumulativeUsers));
        assert_ne!(t(Lang::Ko, Msg::NewUsers), t(Lang::En, Msg::NewUsers));
    }
}
