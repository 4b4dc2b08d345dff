//! A template's sections, in order: each with its kind, its options and
//! buttons that move it up or down or remove it (plain buttons, so a
//! keyboard reaches them; the focus stays on the button that moved), and a
//! kind picker that adds one at the end. Each section keeps a key of its own
//! while it moves, so its controls keep what was typed and the server's
//! messages (`sections[2].limit`) find the section they were about.

use leptos::prelude::*;

use crate::components::field_errors::message_for;
use crate::components::focus::focus_later;
use crate::components::section_options::SectionOptions;
use crate::error::AppError;
use crate::i18n::{action_on, section_name, t, value_name, Msg};
use crate::model::{Section, MAX_SECTIONS, SECTION_KINDS};
use crate::use_lang;

/// Moves the item at `index` one place up (towards the start) or down;
/// returns its new index, or none when it is already at that end.
pub fn shift<T>(list: &mut [T], index: usize, up: bool) -> Option<usize> {
    let to = if up { index.checked_sub(1)? } else { index + 1 };
    if to >= list.len() {
        return None;
    }
    list.swap(index, to);
    Some(to)
}

/// A new section of `kind` with what that kind cannot do without (a chart).
pub fn new_section(kind: &str) -> Section {
    Section { kind: kind.to_owned(), chart: (kind == "chart").then(|| "user_growth".to_owned()), ..Section::default() }
}

/// One section being edited, with its key in the list.
#[derive(Clone, Copy, Debug)]
pub struct SectionItem {
    /// Stays with the section as it moves.
    pub key: u32,
    /// Its kind and options.
    pub section: RwSignal<Section>,
}

/// The sections being edited, and the next key to give.
#[derive(Clone, Copy, Debug)]
pub struct SectionDrafts {
    items: RwSignal<Vec<SectionItem>>,
    next_key: StoredValue<u32>,
}

impl SectionDrafts {
    /// The list starting with `sections` (keys 0, 1, …: the same on the server
    /// and in the browser, so the controls' ids agree after hydration).
    pub fn new(sections: Vec<Section>) -> Self {
        let items: Vec<SectionItem> = sections
            .into_iter()
            .zip(0..)
            .map(|(section, key)| SectionItem { key, section: RwSignal::new(section) })
            .collect();
        let next_key = StoredValue::new(u32::try_from(items.len()).unwrap_or(u32::MAX));
        Self { items: RwSignal::new(items), next_key }
    }

    /// The sections as they are now, in order (when the form is sent).
    pub fn sections(&self) -> Vec<Section> {
        self.items.with_untracked(|items| items.iter().map(|i| i.section.get_untracked()).collect())
    }

    /// The sections' keys, in order (what the server's indexes will refer to).
    pub fn keys(&self) -> Vec<u32> {
        self.items.with_untracked(|items| items.iter().map(|i| i.key).collect())
    }

    fn add(&self, kind: &str) {
        let key = self.next_key.get_value();
        self.next_key.set_value(key + 1);
        self.items.update(|items| items.push(SectionItem { key, section: RwSignal::new(new_section(kind)) }));
    }

    fn remove(&self, key: u32) {
        self.items.update(|items| items.retain(|i| i.key != key));
    }

    /// Moves the section `key`; its new index and the list's length, if it moved.
    fn shift(&self, key: u32, up: bool) -> Option<(usize, usize)> {
        let mut moved = None;
        self.items.update(|items| {
            if let Some(index) = items.iter().position(|i| i.key == key) {
                moved = shift(items, index, up).map(|to| (to, items.len()));
            }
        });
        moved
    }
}

/// The sections, in order, and the picker that adds one.
#[component]
pub fn SectionList(
    /// The sections being edited.
    drafts: SectionDrafts,
    /// The last refused save.
    #[prop(into)]
    error: Signal<Option<AppError>>,
    /// The sections' keys, in the order that save sent them.
    #[prop(into)]
    sent: Signal<Vec<u32>>,
) -> impl IntoView {
    let lang = use_lang();
    let add_kind = RwSignal::new(SECTION_KINDS[0].to_owned());
    let full = move || drafts.items.with(|items| items.len() >= MAX_SECTIONS);
    let empty = move || {
        drafts.items.with(Vec::is_empty).then(|| view! { <p class="empty-note">{t(lang, Msg::NoSectionsYet)}</p> })
    };
    let list_error = move || error.with(|e| message_for(e.as_ref(), "sections"));
    view! {
        <fieldset class="section-fieldset" aria-describedby="sections-error">
            <legend>{t(lang, Msg::Sections)}</legend>
            {empty}
            <ol class="section-list" data-testid="section-list">
                <For
                    each=move || drafts.items.get()
                    key=|item| item.key
                    children=move |item| view! { <SectionRow item drafts error sent /> }
                />
            </ol>
            <p class="field-error" id="sections-error" data-testid="error-sections">{list_error}</p>
            <div class="section-add">
                <label for="section-add-kind">{t(lang, Msg::SectionKind)}</label>
                <select id="section-add-kind" data-testid="section-add-kind" bind:value=add_kind>
                    {SECTION_KINDS
                        .into_iter()
                        .map(|k| view! { <option value=k selected=k == SECTION_KINDS[0]>{value_name(lang, k)}</option> })
                        .collect_view()}
                </select>
                <button
                    type="button"
                    class="button button-quiet"
                    data-testid="section-add"
                    disabled=full
                    on:click=move |_| drafts.add(&add_kind.get_untracked())
                >
                    {t(lang, Msg::AddSection)}
                </button>
            </div>
        </fieldset>
    }
}

/// One section: its number and kind, its buttons, its options.
#[component]
fn SectionRow(
    item: SectionItem,
    drafts: SectionDrafts,
    error: Signal<Option<AppError>>,
    sent: Signal<Vec<u32>>,
) -> impl IntoView {
    let lang = use_lang();
    let key = item.key;
    let kind = item.section.with_untracked(|s| s.kind.clone());
    let index = Memo::new(move |_| drafts.items.with(|items| items.iter().position(|i| i.key == key).unwrap_or(0)));
    let count = Memo::new(move |_| drafts.items.with(Vec::len));
    // Outside the `view!`: a `>` there would end the tag.
    let (first, last) = (move || index.get() == 0, move || index.get() + 1 >= count.get());
    let name = {
        let kind = kind.clone();
        move || section_name(lang, index.get() + 1, &kind)
    };
    // The server numbers sections as they were sent, not as they are now.
    let error_of = Callback::new(move |field: &'static str| {
        let position = sent.with(|keys| keys.iter().position(|k| *k == key))?;
        error.with(|e| message_for(e.as_ref(), &format!("sections[{position}].{field}")))
    });
    let (up, down) = (NodeRef::<leptos::html::Button>::new(), NodeRef::<leptos::html::Button>::new());
    let move_by = move |towards_start: bool| {
        if let Some((to, len)) = drafts.shift(key, towards_start) {
            // At an end the pressed button turns off: the other one takes the focus.
            let at_end = if towards_start { to == 0 } else { to + 1 == len };
            focus_later(if towards_start != at_end { up } else { down });
        }
    };
    let label = move |action: Msg| {
        let name = name.clone();
        move || action_on(lang, action, &name())
    };
    view! {
        <li class="section-item" data-testid="section-item" data-kind=kind.clone()>
            <div class="section-head">
                <h3 class="section-kind">
                    <span class="section-number">{move || format!("{}.", index.get() + 1)}</span>
                    " "
                    {value_name(lang, &kind)}
                </h3>
                <div class="section-actions">
                    <button
                        type="button"
                        class="button button-quiet button-small"
                        data-testid="section-up"
                        aria-label=label(Msg::MoveUp)
                        node_ref=up
                        disabled=first
                        on:click=move |_| move_by(true)
                    >
                        "↑ "
                        {t(lang, Msg::MoveUp)}
                    </button>
                    <button
                        type="button"
                        class="button button-quiet button-small"
                        data-testid="section-down"
                        aria-label=label(Msg::MoveDown)
                        node_ref=down
                        disabled=last
                        on:click=move |_| move_by(false)
                    >
                        "↓ "
                        {t(lang, Msg::MoveDown)}
                    </button>
                    <button
                        type="button"
                        class="button button-danger button-small"
                        data-testid="section-remove"
                        aria-label=label(Msg::Remove)
                        on:click=move |_| drafts.remove(key)
                    >
                        {t(lang, Msg::Remove)}
                    </button>
                </div>
            </div>
            <p class="field-error" data-testid="section-error-kind">{move || error_of.run("kind")}</p>
            <SectionOptions section=item.section key error_of />
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_section_moves_one_place_and_not_past_the_ends() {
        let mut list = vec!['a', 'b', 'c'];
        assert_eq!(shift(&mut list, 1, true), Some(0));
        assert_eq!(list, ['b', 'a', 'c']);
        assert_eq!(shift(&mut list, 0, false), Some(1));
        assert_eq!(list, ['a', 'b', 'c']);
        assert_eq!(shift(&mut list, 0, true), None);
        assert_eq!(shift(&mut list, 2, false), None);
        assert_eq!(list, ['a', 'b', 'c']);
        assert_eq!(shift(&mut Vec::<char>::new(), 0, false), None);
    }

    #[test]
    fn a_new_chart_section_names_a_chart_and_others_start_empty() {
        assert_eq!(new_section("chart").chart.as_deref(), Some("user_growth"));
        assert_eq!(new_section("text"), Section { kind: "text".into(), ..Section::default() });
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn the_first_cannot_move_up_nor_the_last_down_and_ids_carry_the_key() {
        let owner = Owner::new();
        let html = owner.with(|| {
            let drafts = SectionDrafts::new(vec![new_section("stat_summary"), new_section("chart")]);
            let error = Signal::stored(None::<AppError>);
            let sent = Signal::stored(drafts.keys());
            view! { <SectionList drafts error sent /> }.to_html()
        });
        assert_eq!(html.matches(r#"data-testid="section-item""#).count(), 2, "{html}");
        let up = html.find(r#"data-testid="section-up""#).unwrap();
        let tag = &html[up..html[up..].find('>').unwrap() + up];
        assert!(tag.contains("disabled"), "the first section's up: {tag}");
        let down = html.rfind(r#"data-testid="section-down""#).unwrap();
        let tag = &html[down..html[down..].find('>').unwrap() + down];
        assert!(tag.contains("disabled"), "the last section's down: {tag}");
        assert!(html.contains(r#"id="section-1-chart""#), "{html}");
        assert!(html.contains(r#"data-testid="section-add""#), "{html}");
    }

    #[test]
    fn sections_keep_their_keys_as_they_move() {
        let owner = Owner::new();
        owner.with(|| {
            let drafts = SectionDrafts::new(vec![new_section("stat_summary"), new_section("chart")]);
            drafts.add("text");
            assert_eq!(drafts.keys(), [0, 1, 2]);
            assert_eq!(drafts.shift(2, true), Some((1, 3)));
            assert_eq!(drafts.keys(), [0, 2, 1]);
            drafts.remove(0);
            let kinds: Vec<String> = drafts.sections().into_iter().map(|s| s.kind).collect();
            assert_eq!(kinds, ["text", "chart"]);
            assert_eq!(drafts.shift(1, false), None);
        });
    }
}
