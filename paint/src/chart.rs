//! ECharts, as both the early paint and the app's chart component use it: an
//! instance per chart box, opened once (adopting the one already drawn there),
//! given the server's option with what only the page knows, and marked with
//! the theme it was drawn in.

use wasm_bindgen::prelude::*;

/// The UI font (vendored Pretendard), for canvases that cannot use CSS.
pub const UI_FONT: &str = "'Pretendard Variable', Pretendard, system-ui, sans-serif";

#[wasm_bindgen]
extern "C" {
    /// An ECharts instance.
    pub type Instance;

    /// `echarts.init(dom, theme)`; throws if ECharts did not load.
    #[wasm_bindgen(catch, js_namespace = echarts, js_name = init)]
    fn init(dom: &web_sys::Element, theme: &JsValue) -> Result<Instance, JsValue>;

    /// `echarts.getInstanceByDom(dom)`: the instance drawn in `dom`, if any.
    #[wasm_bindgen(catch, js_namespace = echarts, js_name = getInstanceByDom)]
    fn instance_by_dom(dom: &web_sys::Element) -> Result<Option<Instance>, JsValue>;

    /// `echartsInstance.setOption(option, opts)`.
    #[wasm_bindgen(method, catch, js_name = setOption)]
    pub fn set_option(this: &Instance, option: &JsValue, opts: &JsValue) -> Result<(), JsValue>;

    /// `echartsInstance.resize()`: fits the canvas to its box.
    #[wasm_bindgen(method)]
    pub fn resize(this: &Instance);

    /// `echartsInstance.dispose()`: frees the canvas and listeners.
    #[wasm_bindgen(method)]
    pub fn dispose(this: &Instance);
}

/// The attribute on a chart's box naming the theme it was drawn in.
const THEME_ATTR: &str = "data-chart-theme";

/// The instance to draw into `el` in the `dark` (or light) theme: the one
/// already there when it was drawn in that theme (the early paint's, which the
/// app then adopts), else a new one; one of the other theme is disposed first,
/// as ECharts fixes a theme at init.
pub fn open(el: &web_sys::Element, dark: bool) -> Result<Instance, JsValue> {
    if let Some(existing) = instance_by_dom(el)? {
        if el.get_attribute(THEME_ATTR).as_deref() == Some(theme_name(dark)) {
            return Ok(existing);
        }
        existing.dispose();
    }
    let theme = if dark { JsValue::from_str("dark") } else { JsValue::NULL };
    init(el, &theme)
}

/// Draws `option` (the server's JSON) on `instance`, drawn into `el` in the
/// `dark` theme: the series replaced, the rest merged (see [`replace_series`]).
/// On failure the caller must dispose of the instance: ECharts may be left
/// mid-update, ignoring every later option.
///
/// `motion`: whether ECharts animates what changed (the early paint shows
/// figures that are already there, so it does not; see [`Motion`]).
///
/// The same text again is not drawn anew when every glyph of it was drawn in
/// the UI font (see [`DRAWN_KEY`]): that is the app adopting the early paint's
/// chart, and a refresh whose data did not change. ECharts lays out and paints
/// the whole chart on each `setOption`, the largest part of the app's
/// hydration on the dashboard when it was done for five charts already drawn.
pub fn set(
    instance: &Instance,
    el: &web_sys::Element,
    option: &str,
    dark: bool,
    motion: Motion,
) -> Result<(), JsValue> {
    let drawn = js_sys::Reflect::get(instance, &DRAWN_KEY.into()).ok().and_then(|v| v.as_string());
    if drawn.as_deref() == Some(option) {
        return Ok(());
    }
    // Not marked until drawn: a failure leaves the instance for disposal.
    let _ = js_sys::Reflect::set(instance, &DRAWN_KEY.into(), &JsValue::UNDEFINED);
    instance.set_option(&option_for_page(option, motion)?, &replace_series())?;
    // For tests and styles: the canvas itself cannot tell.
    let _ = el.set_attribute(THEME_ATTR, theme_name(dark));
    if glyphs_loaded(option) {
        let _ = js_sys::Reflect::set(instance, &DRAWN_KEY.into(), &option.into());
    }
    Ok(())
}

/// The property of an instance holding the option text last drawn on it, when
/// the UI font had every glyph of it loaded then ([`glyphs_loaded`]). When the
/// font was still loading, the canvas shows the fallback font and the next
/// draw of the same text must happen (the app draws again once the font is in).
const DRAWN_KEY: &str = "dsOption";

/// The font the UI's text is measured in, for the browser's font loading
/// (`document.fonts`).
pub const FONT_PROBE: &str = "16px 'Pretendard Variable'";

/// Whether the UI font has every glyph of `text` loaded (or is not used on
/// this screen: phones have no Pretendard, and their fallback is always there).
/// Not while its stylesheet is yet to be applied (`<html data-ui-font="pending">`,
/// set by the page until the app has hydrated): the font has no faces then,
/// and the browser would call every glyph loaded.
fn glyphs_loaded(text: &str) -> bool {
    let Some(document) = crate::document() else { return false };
    let pending = document.document_element().is_some_and(|html| html.has_attribute("data-ui-font"));
    !pending && document.fonts().check_with_text(FONT_PROBE, text).unwrap_or(false)
}

/// Whether a chart is drawn in `el` already (by the app, when it was quicker).
pub fn is_drawn(el: &web_sys::Element) -> bool {
    matches!(instance_by_dom(el), Ok(Some(_)))
}

/// Opens `el`'s instance and draws `option` on it; disposes of it on failure.
pub fn draw(el: &web_sys::Element, option: &str, dark: bool) -> Result<Instance, JsValue> {
    let instance = open(el, dark)?;
    match set(&instance, el, option, dark, Motion::Still) {
        Ok(()) => Ok(instance),
        Err(err) => {
            instance.dispose();
            Err(err)
        }
    }
}

fn theme_name(dark: bool) -> &'static str {
    if dark {
        "dark"
    } else {
        "light"
    }
}

/// Whether a chart animates what a draw changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Motion {
    /// The figures appear as they are: a chart's first draw, the early paint's
    /// or the app's (a page still loading shows its figures at once, and
    /// ECharts' entry animation would take the main thread for a second, frame
    /// by frame, while the app hydrates), and wherever the viewer asked for
    /// reduced motion.
    Still,
    /// ECharts' transitions: the app's draws of new data.
    Animated,
}

impl Motion {
    /// [`Motion::Animated`] unless the viewer prefers reduced motion.
    pub fn preferred() -> Motion {
        let reduce = web_sys::window()
            .and_then(|w| w.match_media("(prefers-reduced-motion: reduce)").ok().flatten())
            .is_some_and(|m| m.matches());
        if reduce {
            Motion::Still
        } else {
            Motion::Animated
        }
    }
}

/// The server's option with what only the page knows: the UI font (a canvas
/// cannot use CSS), a transparent background, so the panel's colour shows,
/// and whether to animate.
fn option_for_page(json: &str, motion: Motion) -> Result<JsValue, JsValue> {
    let option = js_sys::JSON::parse(json)?;
    js_sys::Reflect::set(&option, &"animation".into(), &JsValue::from_bool(motion == Motion::Animated))?;
    let text_style = js_sys::Object::new();
    js_sys::Reflect::set(&text_style, &"fontFamily".into(), &UI_FONT.into())?;
    js_sys::Reflect::set(&option, &"textStyle".into(), &text_style)?;
    js_sys::Reflect::set(&option, &"backgroundColor".into(), &"transparent".into())?;
    Ok(option)
}

/// `{replaceMerge: ['series']}`: the series are replaced (one that is gone, an
/// activity type say, goes), everything else is merged, so a legend entry the
/// viewer switched off stays off across refreshes.
fn replace_series() -> JsValue {
    let opts = js_sys::Object::new();
    let series = js_sys::Array::of1(&"series".into());
    // Setting a property on a fresh plain object cannot fail.
    let _ = js_sys::Reflect::set(&opts, &"replaceMerge".into(), &series);
    opts.into()
}
