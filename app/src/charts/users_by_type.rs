//! Users by subscription tier, as a donut.

use charming::component::Legend;
use charming::datatype::{DataPoint, DataPointItem};
use charming::element::{Tooltip, Trigger};
use charming::series::Pie;
use charming::Chart;

use crate::i18n::{t, Lang, Msg};
use crate::model::UsersByType;

/// The donut of `tiers`, labelled in `lang`.
pub fn build(tiers: &UsersByType, lang: Lang) -> Chart {
    let data = vec![
        DataPoint::from(DataPointItem::new(tiers.free).name(t(lang, Msg::Free))),
        DataPoint::from(DataPointItem::new(tiers.paid).name(t(lang, Msg::Paid))),
        DataPoint::from(DataPointItem::new(tiers.premium).name(t(lang, Msg::Premium))),
    ];
    Chart::new()
        .tooltip(Tooltip::new().trigger(Trigger::Item).formatter("{b}: {c} ({d}%)"))
        .legend(Legend::new().bottom(0))
        .series(Pie::new().name(t(lang, Msg::UsersByType)).radius(vec!["45%", "70%"]).data(data))
}
