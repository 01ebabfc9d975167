//! Indsatstrappen as a picture: the chosen municipality's levels as steps with their goals, the
//! interventions as pills on their level, a topic filter, a list view, and a detail panel.

mod layout;

use super::common::{document_title, use_content_width, MappedNote, NoProfile, SourceLine};
use super::{use_page_title, use_prefs, use_texts};
use crate::domain::i18n::Lang;
use crate::domain::pages::Page;
use crate::domain::profile::Profile;
use crate::domain::topics;
use crate::platform;
use layout::{layout, LevelIn, PillIn, PILL_H};
use leptos::either::Either;
use leptos::prelude::*;
use std::sync::Arc;

/// Below this content width the picture gives way to the list.
const LIST_BELOW: f64 = 560.0;

#[derive(Clone, Copy, PartialEq, Eq)]
enum View {
    Picture,
    List,
}

/// Filter, view and selection for the page.
#[derive(Clone, Copy)]
struct StaircaseState {
    topic: RwSignal<Option<String>>,
    view: RwSignal<View>,
    selected: RwSignal<Option<String>>,
}

fn open(state: StaircaseState, id: &str) {
    state.selected.set(Some(id.to_string()));
    platform::document::focus_after_render("detail");
}

#[component]
pub fn StaircasePage() -> impl IntoView {
    let prefs = use_prefs();
    let t = prefs.texts;
    use_page_title(Page::Staircase);
    let state = StaircaseState {
        topic: RwSignal::new(None),
        view: RwSignal::new(View::Picture),
        selected: RwSignal::new(None),
    };
    let width = use_content_width();
    let body = move || match prefs.profile() {
        None => Either::Left(view! { <NoProfile /> }),
        Some(profile) => {
            let wide = move || width.get() >= LIST_BELOW;
            let picture = {
                let profile = profile.clone();
                move || {
                    (state.view.get() == View::Picture && wide())
                        .then(|| view! { <Picture profile=profile.clone() state width /> })
                }
            };
            let list = {
                let profile = profile.clone();
                move || {
                    (state.view.get() == View::List || !wide())
                        .then(|| view! { <List profile=profile.clone() state /> })
                }
            };
            let any_mapped = profile.staircase.interventions.iter().any(|i| i.mapped)
                || profile.staircase.levels.iter().any(|l| l.mapped);
            Either::Right(view! {
                <div class="toolbar">
                    <TopicFilter profile=profile.clone() state />
                    <ViewSwitch state />
                </div>
                <p class="hint">
                    {move || t.get().legend_open}
                    {any_mapped.then(|| view! { " " {move || t.get().legend_mapped} })}
                </p>
                {picture}
                {list}
                <Detail profile state />
            })
        }
    };
    view! {
        <section class="page">
            <h1>{move || t.get().page_staircase}</h1>
            <p class="lead">{move || t.get().staircase_intro}</p>
            {body}
        </section>
    }
}

/// The picture of a profile being edited (the profile editor's live picture): the same
/// drawing as the page, at the width the editor gives it, following every change.
#[component]
pub fn StaircasePreview(profile: Signal<Option<Profile>>) -> impl IntoView {
    let state = StaircaseState {
        topic: RwSignal::new(None),
        view: RwSignal::new(View::Picture),
        selected: RwSignal::new(None),
    };
    let (width, _) = signal(PREVIEW_WIDTH);
    move || {
        profile
            .get()
            .map(|profile| view! { <Picture profile=Arc::new(profile) state width /> })
    }
}

/// The live picture's width in the editor (its column on a landscape tablet).
const PREVIEW_WIDTH: f64 = 440.0;

#[component]
fn TopicFilter(profile: Arc<Profile>, state: StaircaseState) -> impl IntoView {
    let prefs = use_prefs();
    let t = prefs.texts;
    let lang = move || prefs.settings.read().lang;
    // Only topics that some intervention addresses, in the shared list's order.
    let present: Vec<&'static topics::Topic> = topics::all()
        .iter()
        .filter(|topic| {
            profile
                .staircase
                .interventions
                .iter()
                .any(|i| i.topics.contains(&topic.id))
        })
        .collect();
    let chip = move |id: Option<String>, label: Box<dyn Fn() -> String + Send + Sync>| {
        let pressed = {
            let id = id.clone();
            move || state.topic.get() == id
        };
        let pressed2 = pressed.clone();
        view! {
            <button type="button" class="chip" class:chip--on=pressed2
                aria-pressed=move || if pressed() { "true" } else { "false" }
                on:click=move |_| {
                    state.topic.set(id.clone());
                    state.selected.set(None);
                }>
                {label}
            </button>
        }
    };
    let chips = present
        .into_iter()
        .map(|topic| {
            chip(
                Some(topic.id.clone()),
                Box::new(move || topic.label(lang()).to_string()),
            )
        })
        .collect_view();
    view! {
        <div class="chips" role="group" aria-labelledby="topic-filter-label">
            <span class="chips__label" id="topic-filter-label">{move || t.get().filter_label}</span>
            {chip(None, Box::new(move || t.get().filter_all.to_string()))}
            {chips}
        </div>
    }
}

#[component]
fn ViewSwitch(state: StaircaseState) -> impl IntoView {
    let t = use_texts();
    let button = move |view: View, label: fn(&crate::domain::i18n::Texts) -> &'static str| {
        view! {
            <button type="button" class="segmented__button"
                aria-pressed=move || if state.view.get() == view { "true" } else { "false" }
                on:click=move |_| state.view.set(view)>
                {move || label(t.get())}
            </button>
        }
    };
    view! {
        <div class="segmented" role="group" aria-label=move || t.get().view_label>
            {button(View::Picture, |t| t.view_picture)}
            {button(View::List, |t| t.view_list)}
        </div>
    }
}

#[component]
fn Picture(profile: Arc<Profile>, state: StaircaseState, width: ReadSignal<f64>) -> impl IntoView {
    let t = use_texts();
    move || {
        let t_now = t.get();
        let topic = state.topic.get();
        let w = width.get();
        let levels: Vec<LevelIn> = profile
            .levels_in_order()
            .into_iter()
            .map(|level| LevelIn {
                number: level.number,
                title: &level.title,
                goal: &level.goal,
                pills: profile
                    .interventions_on(&level.id, topic.as_deref())
                    .map(|i| PillIn {
                        id: &i.id,
                        label: &i.name,
                        tag: i.action_plan.then_some(t_now.action_plan_badge),
                        mapped: i.mapped,
                    })
                    .collect(),
            })
            .collect();
        let l = layout(w, &levels);
        let bands = l
            .bands
            .into_iter()
            .map(|band| {
                let level = profile.staircase.levels.iter().find(|lv| lv.number == band.number);
                let group_label = format!(
                    "{} {}: {}",
                    t_now.level_label,
                    band.number,
                    level.map(|lv| lv.title.as_str()).unwrap_or_default()
                );
                let tread = format!(
                    "M{x},{bottom} V{y} H{right}",
                    x = band.x + 1.5,
                    bottom = band.y + band.height,
                    y = band.y + 1.5,
                    right = w
                );
                let pills = band
                    .pills
                    .into_iter()
                    .map(|pill| {
                        let id = pill.id.clone();
                        let id_key = pill.id.clone();
                        let aria = match &pill.tag {
                            Some(tag) => format!("{} ({tag})", pill.full_label),
                            None => pill.full_label.clone(),
                        };
                        let selected = move || state.selected.get().as_deref() == Some(id.as_str());
                        let on_key = {
                            let id = id_key.clone();
                            move |ev: leptos::ev::KeyboardEvent| {
                                if ev.key() == "Enter" || ev.key() == " " {
                                    ev.prevent_default();
                                    open(state, &id);
                                }
                            }
                        };
                        let tag = pill.tag.clone().map(|tag| {
                            let tw = crate::ui::text_metrics::text_width(&tag, layout::TAG_FONT, true) + 14.0;
                            view! {
                                <rect class="pill__tag" x=pill.tag_x y=pill.y + 11.0 width=tw height=22 rx=11 />
                                <text class="pill__tag-text" x=pill.tag_x + 7.0 y=pill.y + 26.5>{tag}</text>
                            }
                        });
                        view! {
                            <g class="pill" class:pill--mapped=pill.mapped class:pill--selected=selected
                                role="button" tabindex="0" id=format!("pill-{}", pill.id) aria-label=aria
                                on:click=move |_| open(state, &id_key) on:keydown=on_key>
                                <rect class="pill__bg" x=pill.x y=pill.y width=pill.width height=PILL_H rx=22 />
                                <text class="pill__text" x=pill.x + layout::PILL_PAD_X y=pill.y + 27.5>{pill.label}</text>
                                {tag}
                            </g>
                        }
                    })
                    .collect_view();
                let title = band
                    .title_lines
                    .iter()
                    .enumerate()
                    .map(|(i, line)| view! { <tspan x=band.text_x dy=if i == 0 { 0.0 } else { 26.0 }>{line.clone()}</tspan> })
                    .collect_view();
                let goal = band
                    .goal_lines
                    .iter()
                    .enumerate()
                    .map(|(i, line)| view! { <tspan x=band.text_x dy=if i == 0 { 0.0 } else { 21.0 }>{line.clone()}</tspan> })
                    .collect_view();
                let empty = band.empty_y.map(|y| {
                    view! { <text class="band__empty" x=band.text_x y=y>{t_now.no_interventions_for_topic}</text> }
                });
                view! {
                    <g class=format!("band band--{}", band.number) role="group" aria-label=group_label>
                        <rect class="band__step" x=band.x y=band.y width=band.width height=band.height />
                        <path class="band__edge" d=tread />
                        <circle class="band__badge" cx=band.x + 32.0 cy=band.y + 36.0 r=20 />
                        <text class="band__number" x=band.x + 32.0 y=band.y + 43.0 text-anchor="middle" aria-hidden="true">
                            {band.number}
                        </text>
                        <text class="band__title" x=band.text_x y=band.title_y>{title}</text>
                        <text class="band__goal" x=band.text_x y=band.goal_y>{goal}</text>
                        {empty}
                        {pills}
                    </g>
                }
            })
            .collect_view();
        view! {
            <div class="picture">
                <svg class="staircase" viewBox=format!("0 0 {} {}", l.width, l.height) width=l.width height=l.height
                    role="group" aria-label=t_now.page_staircase>
                    {bands}
                </svg>
            </div>
        }
    }
}

#[component]
fn List(profile: Arc<Profile>, state: StaircaseState) -> impl IntoView {
    let t = use_texts();
    move || {
        let t_now = t.get();
        let topic = state.topic.get();
        profile
            .levels_in_order()
            .into_iter()
            .map(|level| {
                let items: Vec<_> = profile.interventions_on(&level.id, topic.as_deref()).collect();
                let list = if items.is_empty() {
                    Either::Left(view! { <p class="hint">{t_now.no_interventions_for_topic}</p> })
                } else {
                    Either::Right(view! {
                        <ul class="pill-list">
                            {items
                                .into_iter()
                                .map(|i| {
                                    let id = i.id.clone();
                                    view! {
                                        <li>
                                            <button type="button" class="pill-button" class:pill-button--mapped=i.mapped
                                                on:click=move |_| open(state, &id)>
                                                {i.name.clone()}
                                                {i.action_plan.then(|| view! { <span class="tag">{t_now.action_plan_badge}</span> })}
                                            </button>
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    })
                };
                view! {
                    <section class="level-list">
                        <h2 class="level-list__title">
                            <span class="level-list__number">{level.number}</span>
                            {format!("{} {} · {}", t_now.level_label, level.number, level.title)}
                        </h2>
                        <p class="level-list__goal">{level.goal.clone()}</p>
                        <MappedNote mapped=level.mapped model=level.model />
                        {list}
                    </section>
                }
            })
            .collect_view()
    }
}

#[component]
fn Detail(profile: Arc<Profile>, state: StaircaseState) -> impl IntoView {
    let prefs = use_prefs();
    let t = prefs.texts;
    move || {
        let id = state.selected.get()?;
        let i = profile.intervention(&id)?.clone();
        let t_now = t.get();
        let lang: Lang = prefs.settings.read().lang;
        let levels = i
            .levels
            .iter()
            .filter_map(|l| profile.level(l))
            .map(|l| format!("{} {} · {}", t_now.level_label, l.number, l.title))
            .collect::<Vec<_>>()
            .join("; ");
        let topics_text = topics::labels(&i.topics, lang);
        let back = format!("pill-{}", i.id);
        let close = move |_| {
            state.selected.set(None);
            platform::document::focus_after_render(back.clone());
        };
        let source_title = document_title(&profile, &i.source);
        Some(view! {
            <section class="detail" id="detail" tabindex="-1" aria-labelledby="detail-title">
                <div class="detail__head">
                    <h2 id="detail-title">
                        {i.name.clone()}
                        {i.action_plan.then(|| view! { " " <span class="tag">{t_now.action_plan_badge}</span> })}
                    </h2>
                    <button type="button" class="btn btn--tertiary" on:click=close>{t_now.detail_close}</button>
                </div>
                <dl class="facts">
                    <dt>{t_now.level_label}</dt>
                    <dd>{levels}</dd>
                    {i.description.clone().map(|d| view! { <dt>{t_now.detail_description}</dt><dd>{d}</dd> })}
                    {i.target_group.clone().map(|g| view! { <dt>{t_now.detail_target_group}</dt><dd>{g}</dd> })}
                    {(!i.topics.is_empty()).then(|| view! {
                        <dt>{t_now.detail_topics}</dt>
                        <dd>
                            {topics_text}
                            {i.topics_mapped.then(|| view! { <span class="hint-inline">" (" {t_now.topics_mapped_note} ")"</span> })}
                        </dd>
                    })}
                </dl>
                <MappedNote mapped=i.mapped model=i.model />
                <SourceLine source=i.source.clone() document_title=source_title />
            </section>
        })
    }
}
