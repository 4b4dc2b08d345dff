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
pub fn set(instance: &Instance, el: &web_sys::Element, option: &str, dark: bool) -> Result<(), JsValue> {
    let option = option_for_page(option)?;
    instance.set_option(&option, &replace_series())?;
    // For tests and styles: the canvas itself cannot tell.
    let _ = el.set_attribute(THEME_ATTR, theme_name(dark));
    Ok(())
}

/// Whether a chart is drawn in `el` already (by the app, when it was quicker).
pub fn is_drawn(el: &web_sys::Element) -> bool {
    matches!(instance_by_dom(el), Ok(Some(_)))
}

/// Opens `el`'s instance and draws `option` on it; disposes of it on failure.
pub fn draw(el: &web_sys::Element, option: &str, dark: bool) -> Result<Instance, JsValue> {
    let instance = open(el, dark)?;
    match set(&instance, el, option, dark) {
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

/// The server's option with what only the page knows: the UI font (a canvas
/// cannot use CSS) and a transparent background, so the panel's colour shows.
fn option_for_page(json: &str) -> Result<JsValue, JsValue> {
    let option = js_sys::JSON::parse(json)?;
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
